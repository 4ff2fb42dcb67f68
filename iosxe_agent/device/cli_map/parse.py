"""IOS configuration lines -> edits of the configuration datastore, from the one CLI table.

:func:`parse_line` is what ``configure terminal`` runs for each typed line: it returns the edit to apply through
the normal transaction (IOS applies each line at once), the mode the line leads to, and IOS's error when the line
is not a command (invalid input with the caret column, incomplete, ambiguous). :func:`parse_config_text` folds a
whole configuration file (SCP upload of running-config, ``copy``) into one edit, line by line, as if typed.

How a line is matched (IOS rules):

* Keywords may be abbreviated to any unique prefix, case-insensitively. A token that is a prefix of two keywords
  possible at that point is ambiguous, unless it spells one of them in full. Keywords win over free arguments.
* The caret column is the index of the first character no command accepts: inside a keyword it is where the
  token stops matching the closest keyword (``ip ssh tme-out`` -> under ``m``); a bad argument puts it at the
  argument's first character; surplus words at the first surplus word.
* In a sub-mode, a line that is not one of its commands is tried in the enclosing modes (innermost first); if it
  is one there, the sub-mode is left, as IOS does. So indentation of configuration files does not matter.
* ``no`` + the head of a command removes what the command stores (see :class:`~.syntax.Command`); a container a
  ``no`` form leaves empty is removed with it (presence containers excepted).
* In the key-string data modes every line is key material until ``exit`` (``quit`` for crypto keys); ``end``
  also finishes the key, and so does a command of the enclosing mode (the guide types ``key-hash`` right after
  ``key-string``). An ``ip ssh pubkey-chain`` key becomes its ``key-hash`` (upper-case hex MD5 of the blob).
* ``banner KIND c TEXT c``: the first character after the keyword is the delimiter (``^C`` as two characters
  is one delimiter, so that ``show running-config`` output reads back); the text runs to the next delimiter,
  on the same line or over the following lines taken verbatim (line breaks kept, nothing there is a command).
* A line no command knows, whose first unknown word stands where only keywords could (``router ospf 1``,
  `` ip ospf cost 10``, ``ip ssh frobnicate``), is kept as text (:mod:`.unmodelled`): from a file always, with
  the lines indented below it; typed, only when :mod:`.words` finds its leading words in Cisco's real 17.12.1
  model (else the caret stays), entering a sub-mode of its own for a block (``Router(config-router)#``). A bad
  argument of a known command (``ip ssh time-out 999``) stays an error, from files too.
* A command declared ``action=True`` (``crypto key generate rsa …``) stores nothing: the line comes back as an
  :class:`Action` (its parameters by name) for the caller to run; :func:`parse_config` lists a file's in order.

Parsing is pure: the running tree is only read, to know what a ``no`` form has to remove; the one exception to
determinism is ``algorithm-type`` (a fresh salt for the type 9/8/5 hash, as IOS draws one).
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from lxml import etree

from iosxe_agent.device.cli_map import unmodelled, words
from iosxe_agent.device.cli_map.keys import DECODE_FAILED, crypto_key_hex, ssh_key_hash
from iosxe_agent.device.cli_map.render import render_events
from iosxe_agent.device.cli_map.syntax import (
    Alt,
    Arg,
    Choice,
    Command,
    Interface,
    Kw,
    Many,
    Node,
    Number,
    Opt,
    Pad,
    Rest,
    Seq,
    Step,
    Word,
    flagged_list,
    ns_of,
)
from iosxe_agent.device.cli_map.table import BANNER_DELIMITER, BY_ID, BY_MODE, END, EXIT, MODES, PRESENCE, UNMODELLED
from iosxe_agent.device.cli_map.tree import ALL_VALUES, DataTree, EditOp, graft_plan
from iosxe_agent.device.passwords import md5_crypt, type8_hash, type9_hash
from iosxe_agent.digits import ascii_digits

__all__ = [
    "CONFIG_MODE",
    "EXEC_MODE",
    "Action",
    "CliError",
    "LineError",
    "LineSlots",
    "ModeContext",
    "ParseResult",
    "ParsedConfig",
    "format_error",
    "free_tokens",
    "identify",
    "line_slots",
    "parse_config",
    "parse_config_text",
    "parse_line",
    "read_back",
]


# -- values ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ModeContext:
    """Where the CLI is: the mode name (``config``, ``config-line``, ``conf-ssh-pubkey-user`` …; ``exec`` after
    ``end``), the instance path of the block being configured (``line vty 0``: ``line/vty[first=0]``), the
    enclosing mode (what ``exit`` returns to), and in a key data mode what the key becomes and the lines so far."""

    name: str = "config"
    path: tuple[Step, ...] = ()
    parent: ModeContext | None = None
    data: str | None = None
    buffer: tuple[str, ...] = ()  # key lines so far; in a kept block's sub-mode, its first lines (outermost first)
    delimiter: str = ""  # in a banner's text: what ends it
    node: str = ""  # in a kept block's sub-mode: the vocabulary node of its words (:mod:`.words`)

    @property
    def banner(self) -> bool:
        """True while the lines of a banner are being collected (IOS shows no prompt then)."""
        return self.data == "banner"

    @property
    def keys(self) -> tuple[str, ...]:
        """Key values of the block (``("0",)`` for ``line vty 0 4``, ``("bob",)`` for a pubkey-chain user)."""
        for step in reversed(self.path):
            if step.keys:
                return tuple(v for _, v in step.keys)
        return ()

    @property
    def prompt_suffix(self) -> str:
        """What IOS shows between hostname and ``#``: ``(config)``, ``(config-line)`` …; empty in exec mode."""
        return "" if self.name == "exec" else f"({self.name})"


EXEC_MODE = ModeContext("exec")
CONFIG_MODE = ModeContext("config")


@dataclass(frozen=True, slots=True)
class CliError:
    """A line IOS refuses: ``invalid`` (caret at ``column``, 0-based in the line), ``incomplete``, ``ambiguous``,
    or ``failed`` with IOS's own ``message`` (``%SSH: Failed to decode the Key Value``)."""

    kind: str
    column: int = 0
    message: str = ""
    #: ``invalid`` at a word where only keywords could be, after keywords only (``ip ssh frobnicate``, ``router``):
    #: an unknown word, which the line may be kept as text for (:mod:`.unmodelled`); not a bad argument
    unknown: bool = dataclasses.field(default=False, compare=False)


@dataclass(frozen=True, slots=True)
class Action:
    """A line that acts on the device instead of storing configuration (a command declared ``action=True``:
    ``crypto key generate rsa …``): the command's table id and its parameters in the order typed, a keyword's as
    ``(name, None)``. Parsing stays pure; whoever applies the line runs it."""

    command: str
    params: tuple[tuple[str, str | None], ...] = ()

    def has(self, name: str) -> bool:
        """True if the parameter (a keyword or an argument) was given."""
        return any(p == name for p, _ in self.params)

    def value(self, name: str) -> str | None:
        """The argument ``name`` as typed, or None."""
        return next((v for p, v in self.params if p == name), None)


@dataclass(frozen=True, slots=True)
class ParseResult:
    """The ``<config>`` edit to apply (None: the line changes nothing), the next mode, the error if any, and the
    action the line asks for."""

    edit: etree._Element | None
    mode: ModeContext
    error: CliError | None = None
    action: Action | None = None


@dataclass(frozen=True, slots=True)
class ParsedConfig:
    """A configuration file: the one ``<config>`` edit, the lines that are not commands, the actions in order."""

    edit: etree._Element
    errors: tuple[LineError, ...]
    actions: tuple[Action, ...]


@dataclass(frozen=True, slots=True)
class LineError:
    """An error of :func:`parse_config_text`: 1-based line number, the line, and the error."""

    lineno: int
    line: str
    error: CliError


def format_error(prompt: str, line: str, error: CliError) -> list[str]:
    """The lines IOS prints after echoing ``prompt + line`` (CLI reference §3.3), the empty line included."""
    if error.kind == "invalid":
        return [" " * (len(prompt) + error.column) + "^", "% Invalid input detected at '^' marker.", ""]
    if error.kind == "incomplete":
        return ["% Incomplete command.", ""]
    if error.kind == "ambiguous":
        return [f'% Ambiguous command:  "{line}"']
    return [error.message]


# -- tokens and the matcher -----------------------------------------------------------------------------------------
class _Token(NamedTuple):
    """A word of a line, its lower case form and where it is (a tuple: a line of a file makes several)."""

    text: str
    low: str
    start: int
    end: int


_WORD = re.compile(r"\S+")
#: The characters :meth:`str.splitlines` ends a line at. Typed inside a ``LINE`` argument they would be stored,
#: and then split the printed command in two in running-config (config injection), so they are invalid input.
_LINE_BREAK = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
#: What no line kept as text may hold: line breaks, and characters XML cannot carry (the store is XML).
_NOT_TEXT = re.compile("[\n\r\x00-\x08\x0b\x0c\x0e-\x1f\x85\u2028\u2029\ud800-\udfff\ufffe\uffff]")
#: The two header lines of ``show running-config`` output (a pasted or saved ``show`` is a valid file).
_SHOW_HEADER = re.compile(r"\s*(Building configuration\.\.\.|Current configuration\s*:.*)\s*")


def _tokenize(line: str) -> list[_Token]:
    """The words of ``line`` (runs of non-white space, :data:`_WORD`) with where they are.

    A line of ASCII words each followed by one space (every line ``show running-config`` prints) is split in C,
    the positions counted from the lengths; any other line goes through the regular expression. Why: the check
    of a bulk change tokenizes every rendered line (10,000 ``username`` lines), and the split costs a third of
    the expression's match objects (``test_tokenize.py`` keeps the two equal)."""
    parts = line.split(" ")
    if not (line.isascii() and parts == line.split()):
        return [_Token(w, w.lower(), m.start(), m.end()) for m in _WORD.finditer(line) for w in (m.group(),)]
    out: list[_Token] = []
    start = 0
    for word in parts:
        end = start + len(word)
        out.append(_new_token(_Token, (word, word.lower(), start, end)))
        start = end + 1
    return out


#: Makes a :class:`_Token` from its four fields at C speed (the named tuple's own ``__new__`` is a Python function
#: with a frame per call: a third of the split's cost, per word of 10,000 lines).
_new_token = tuple.__new__


def _rest_text(line: str, tokens: list[_Token], i: int, verbatim: bool) -> str:
    """What a ``LINE`` argument starting at token ``i`` reads: to the last word, or to the very end (verbatim)."""
    start = tokens[i].start
    return line[start:] if verbatim else line[start : tokens[-1].end]


class _RestRead(NamedTuple):
    """A ``LINE`` argument read from token ``start`` (``verbatim``: to the very end), and whether it held no line
    break (the one thing of its text the matcher looks at)."""

    start: int
    verbatim: bool
    clean: bool


# An action: ("kw", Kw) or ("arg", Arg, value). Ranks, one per token: 0 exact keyword, 1 abbreviated keyword,
# 2 typed argument (number, interface), 3 word, 4 rest of line; the parse with the smallest ranks wins.
_Act = tuple
_Match = tuple[int, tuple[_Act, ...], tuple[int, ...]]


class _Matcher:
    """Enumerates every way a syntax tree can consume the tokens, recording what IOS reports when none fits.

    Each path carries the ranks of the tokens it consumed so far (its *prefix*). Keyword candidates of a token
    are kept for the best prefix only: a token counts as ambiguous among the keywords that the preferred reading
    of the earlier tokens allows (``snmp-server host A vrf V``: ``vrf`` is the keyword, so ``V`` is a name and not
    an abbreviation of ``voice``/``vrrp`` after a community called ``vrf``).
    """

    def __init__(self, line: str, tokens: list[_Token]) -> None:
        self.line = line
        self.tokens = tokens
        self.n = len(tokens)
        self.fail = 0
        self.ran_out = False
        self.best: list[tuple[int, ...] | None] = [None] * len(tokens)
        self.cands: list[set[str]] = [set() for _ in tokens]
        self.exact = [False] * len(tokens)
        self.notes: dict[tuple[int, tuple[int, ...]], tuple[set[str], list[bool]]] = {}
        # tokens where a keyword, or an argument, was expected after keywords only (what makes a word unknown)
        self.keyword_heads: set[int] = set()
        self.argument_heads: set[int] = set()
        # per token: the value arguments (Word, Number) it was read as (all accepted it), or None once anything else
        # looked at it
        # (a LINE argument aside: it reads the text of the tokens from where it starts, recorded in ``rests``)
        self.words_read: list[list[Word | Number] | None] = [[] for _ in tokens]
        self.rests: list[_RestRead] = []

    def looked(self, i: int, count: int | None = None) -> None:
        """Tokens ``i`` … (``count`` of them, or all to the end) decided the match by more than being free words:
        see :class:`_Shape`."""
        for j in range(i, self.n if count is None else min(i + count, self.n)):
            self.words_read[j] = None

    def fail_at(self, column: int) -> None:
        self.fail = max(self.fail, column)

    def _note(self, i: int, word: str | None, exact: bool, pre: tuple[int, ...]) -> None:
        """Token ``i`` is reached with ranks ``pre`` before it and matches keyword ``word`` (None: an argument)."""
        if word is not None:
            words, exact_seen = self.notes.setdefault((i, pre), (set(), [False]))
            words.add(word)
            exact_seen[0] = exact_seen[0] or exact
        best = self.best[i]
        if best is None or pre < best:
            self.best[i] = pre
            self.cands[i] = set()
            self.exact[i] = False
        elif pre != best:
            return
        if word is not None:
            self.cands[i].add(word)
            self.exact[i] = self.exact[i] or exact

    def keyword(self, i: int, word: str, pre: tuple[int, ...], hidden: bool = False) -> int | None:
        if i >= self.n:
            self.ran_out = True
            return None
        tok = self.tokens[i]
        w = word.lower()
        self.words_read[i] = None
        if not pre or max(pre) <= 1:
            self.keyword_heads.add(i)
        if tok.low == w:
            self._note(i, w, True, pre)
            return 0
        if not hidden and w.startswith(tok.low):
            self._note(i, w, False, pre)
            return 1
        if tok.end > self.fail:  # (the shared prefix is never longer than the token)
            self.fail_at(tok.start + words.common_prefix(tok.low, w))
        return None

    def match(self, node: Node, i: int, pre: tuple[int, ...]) -> Iterator[_Match]:
        if node.render_only:
            return
        if isinstance(node, Kw):
            rank = self.keyword(i, node.word, pre, node.hidden)
            if rank is not None:
                yield i + 1, (("kw", node),), (rank,)
        elif isinstance(node, Arg):
            for j, value, ranks in self._arg(node, i, pre):
                yield j, (("arg", node, value, i),), ranks
        elif isinstance(node, Seq):
            yield from self._seq(node.items, 0, i, pre)
        elif isinstance(node, Opt):
            yield from self.match(node.item, i, pre)
            yield i, (), ()
        elif isinstance(node, Alt):
            for branch in node.branches:
                yield from self.match(branch, i, pre)
        elif isinstance(node, Many):
            yield from self._many(node, i, frozenset(), pre)
        elif isinstance(node, Pad):
            yield i, (), ()

    def _seq(self, items: tuple[Node, ...], k: int, i: int, pre: tuple[int, ...]) -> Iterator[_Match]:
        if k == len(items):
            yield i, (), ()
            return
        for j, acts, ranks in self.match(items[k], i, pre):
            for m, more, more_ranks in self._seq(items, k + 1, j, pre + ranks):
                yield m, acts + more, ranks + more_ranks

    def _many(self, node: Many, i: int, used: frozenset[int], pre: tuple[int, ...]) -> Iterator[_Match]:
        if len(used) >= node.min:
            yield i, (), ()
        if i >= self.n:
            if len(used) < node.min:
                self.ran_out = True
            return
        for idx, item in enumerate(node.items):
            if idx in used:
                continue
            for j, acts, ranks in self.match(item, i, pre):
                if j == i:
                    continue
                for m, more, more_ranks in self._many(node, j, used | {idx}, pre + ranks):
                    yield m, acts + more, ranks + more_ranks

    def _arg(self, arg: Arg, i: int, pre: tuple[int, ...]) -> Iterator[tuple[int, object, tuple[int, ...]]]:
        kind = arg.type
        if i >= self.n:
            self.ran_out = True
            return
        if not pre or max(pre) <= 1:
            self.argument_heads.add(i)
        tok = self.tokens[i]
        if not isinstance(kind, Choice):
            self._note(i, None, False, pre)
        if isinstance(kind, Word | Number) and not arg.leaflist:  # one value, read through ``convert`` alone
            value = kind.convert(tok.text)
            read = self.words_read[i]
            if value is None:
                self.words_read[i] = None
                self.fail_at(tok.start)
                return
            if read is not None:
                read.append(kind)
            yield i + 1, value, (3 if isinstance(kind, Word) else 2,)
            return
        if isinstance(kind, Rest):
            text = _rest_text(self.line, self.tokens, i, kind.verbatim)
            bad = _LINE_BREAK.search(text)
            self.rests.append(_RestRead(i, kind.verbatim, bad is None))
            if bad is not None:
                self.fail_at(tok.start + bad.start())
                return
            yield self.n, text, (4,) * (self.n - i)
            return
        # the tokens read here: a list of values runs on to the end, an interface may take its number from the next
        self.looked(i, None if arg.leaflist else 2 if isinstance(kind, Interface) else 1)
        if isinstance(kind, Choice):
            if arg.leaflist:
                yield from self._choices(kind, i, pre)
                return
            for word in kind.words:
                rank = self.keyword(i, word, pre, kind.exact)
                if rank is not None:
                    yield i + 1, kind.value_of(word), (rank,)
            return
        if isinstance(kind, Interface):
            split = Interface.split(tok.text)
            if split is not None:
                named = kind.value_of(*split)
                if named is None:  # another interface type than the command's
                    self.fail_at(tok.start)
                    return
                yield i + 1, named, (2,)
                return
            name = Interface.kind(tok.text) if tok.text.isalpha() or "-" in tok.text else None
            if name is not None and kind.only not in (None, name):
                self.fail_at(tok.start)
                return
            if name is not None and i + 1 < self.n:
                split = Interface.checked(name, self.tokens[i + 1].text)
                if split is not None:
                    yield i + 2, kind.value_of(*split), (2, 2)
                    return
                self.fail_at(self.tokens[i + 1].start)
                return
            if name is not None:
                self.ran_out = True
                return
            self.fail_at(tok.start)
            return
        rank = 3 if isinstance(kind, Word) else 2
        values: list[str] = []  # one or more values to the end of the line (ip name-server A B ...)
        for j in range(i, self.n):
            one = kind.convert(self.tokens[j].text)
            if one is None:
                self.fail_at(self.tokens[j].start)
                return
            values.append(one)
            yield j + 1, tuple(values), (rank,) * len(values)

    def _choices(self, kind: Choice, i: int, pre: tuple[int, ...]) -> Iterator[tuple[int, object, tuple[int, ...]]]:
        values: list[str] = []
        ranks: list[int] = []
        j = i
        while j < self.n:
            best: tuple[str, int] | None = None
            for word in kind.words:
                rank = self.keyword(j, word, pre + tuple(ranks))
                if rank is not None and (best is None or rank < best[1]):
                    best = (word, rank)
            if best is None:
                return
            values.append(kind.value_of(best[0]))
            ranks.append(best[1])
            j += 1
            yield j, tuple(values), tuple(ranks)

    def clear(self, ranks: tuple[int, ...]) -> bool:
        """True if no abbreviated keyword of a complete parse is ambiguous on its own path, or spelled out in full
        by another keyword possible there."""
        for i, rank in enumerate(ranks):
            if rank == 1:
                words, exact = self.notes.get((i, ranks[:i]), (set(), [False]))
                if exact[0] or len(words) > 1:
                    return False
        return True

    def unknown(self) -> bool:
        """True when the caret sits under a word that only keywords could be, after keywords only."""
        at = max((k for k, t in enumerate(self.tokens) if t.start <= self.fail), default=0)
        return at in self.keyword_heads and at not in self.argument_heads

    def ambiguous(self) -> int | None:
        """The first token ambiguous for the preferred reading of the tokens before it."""
        for i, cands in enumerate(self.cands):
            if len(cands) > 1 and not self.exact[i]:
                return i
        return None


# -- one mode level -------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Parse:
    command: Command
    negated: bool
    acts: tuple[_Act, ...]
    ranks: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class _Index:
    """The commands of a mode by first keyword, and those keywords (plus unmodelled ones) by first letter."""

    commands: dict[str, tuple[Command, ...]]
    words: dict[str, tuple[tuple[str, bool], ...]]  # first letter -> (word, modelled)


@cache
def _index(mode: str, context: str) -> _Index:
    """The commands of ``mode`` that exist under a context element named ``context``."""
    by_word: dict[str, list[Command]] = {}
    for cmd in (*BY_MODE[mode], EXIT, END):
        if cmd.contexts and context not in cmd.contexts:
            continue
        first = cmd.syntax.items[0]
        assert isinstance(first, Kw), cmd.id
        by_word.setdefault(first.word, []).append(cmd)
    words: dict[str, list[tuple[str, bool]]] = {}
    for word in [*by_word, "no"]:
        words.setdefault(word[0], []).append((word, True))
    for word in UNMODELLED.get(mode, ()):
        words.setdefault(word[0], []).append((word, False))
    return _Index({w: tuple(c) for w, c in by_word.items()}, {k: tuple(v) for k, v in words.items()})


def _candidates(m: _Matcher, index: _Index, i: int, pre: tuple[int, ...]) -> list[Command]:
    """Commands whose first keyword token ``i`` can be. Keywords of other first letters fail at the token start."""
    if i >= m.n:
        m.ran_out = True
        return []
    tok = m.tokens[i]
    m.fail_at(tok.start)
    m.words_read[i] = None
    if not pre or max(pre) <= 1:
        m.keyword_heads.add(i)
    found: list[Command] = []
    for word, modelled in index.words.get(tok.low[0], ()):
        rank = m.keyword(i, word, pre)
        if rank is None or word == "no":
            continue
        if modelled:
            found.extend(index.commands[word])
        # a real command we do not model only takes part in ambiguity: the line is an unknown word here
    return found


#: Matches remembered by :func:`_match_level` (all forgotten when full), of lines of at most ``_MEMO_LINE`` characters.
_MEMO_MAX = 1024
_MEMO_LINE = 256
_memo: dict[tuple[str, str, str], _Parse | CliError] = {}


def _match_level(line: str, tokens: list[_Token], level: ModeContext) -> _Parse | CliError:
    """How ``line`` (``tokens`` are its words) reads in mode ``level``: the best parse, or IOS's error.

    Remembered: the match depends on nothing else, and the same lines come back all the time (the fixed lines of
    every rendering the printable check parses back, a pasted configuration typed again). Both are immutable. A
    line read through a shape (:class:`_Shape`) is not remembered: the 10,000 one-off lines of a bulk read-back
    would only cost a store each and push the fixed lines out every 1,024 of them."""
    context = _context_of(level)
    key = (line, level.name, context)
    found = _memo.get(key)
    if found is None:
        replayed = _replayed(line, tokens, level.name, context)
        if replayed is not None:
            return replayed
        found = _matched(line, tokens, level.name, context)
        if len(line) <= _MEMO_LINE:
            if len(_memo) >= _MEMO_MAX:
                _memo.clear()  # (one step: safe for agents that parse in several threads of one process)
            _memo[key] = found
    return found


def _context_of(level: ModeContext) -> str:
    """The local name of the element mode ``level`` configures (``vty``), which decides the commands it has."""
    return level.path[-1].tag.rpartition("}")[2] if level.path else ""


@dataclass(frozen=True, slots=True)
class _Shape:
    """A successful match with its free words abstracted: ``fixed`` holds the text of every token the match read
    as more than a free word (a keyword, a number, an interface ...), None at a token only ever read as a
    :class:`~.syntax.Word` or :class:`~.syntax.Number` argument (``words``: by which; every such reading accepted
    it) or as part of a ``LINE`` argument (``rests``: each one read, and whether its text held no line break).

    Why: the matcher looks at such a token only through ``convert`` and a ``LINE`` argument's search for a
    line break; a line that differs from the matched one only there, each difference accepted by the same words
    and leaving each ``LINE`` as clean as it was, is therefore matched by the same steps to the same parse, with
    the new words and text as values. 10,000 ``username NAME privilege 1 secret 9 HASH`` lines read back by the
    printable check cost one match and 9,999 look-ups, each with its own name and hash."""

    fixed: tuple[str | None, ...]
    words: tuple[tuple[int, tuple[Word | Number, ...]], ...]
    rests: tuple[_RestRead, ...]
    parse: _Parse
    #: (position, text) of each fixed token; (position of a value act, its reading) for the acts whose value comes
    #: from the line: derived from the fields above once, so a replay does no more than compare and convert
    _fixed_at: tuple[tuple[int, str], ...] = dataclasses.field(init=False, repr=False, compare=False)
    _valued: tuple[tuple[int, Word | Number | Rest], ...] = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_fixed_at", tuple((i, f) for i, f in enumerate(self.fixed) if f is not None))
        valued = []
        for k, act in enumerate(self.parse.acts):
            kind = act[1].type if act[0] == "arg" else None
            if isinstance(kind, Rest) or (isinstance(kind, Word | Number) and self.fixed[act[3]] is None):
                valued.append((k, kind))
        object.__setattr__(self, "_valued", tuple(valued))

    def replay(self, line: str, tokens: list[_Token]) -> _Parse | None:
        """The parse of ``line`` (``tokens`` are its words) if it has this shape, else None."""
        for i, text in self._fixed_at:
            if tokens[i].text != text:
                return None
        converted: dict[tuple[int, Word | Number], str] = {}  # each word read once, through each of its readings
        for i, kinds in self.words:
            for reading in kinds:
                read = reading.convert(tokens[i].text)
                if read is None:
                    return None
                converted[(i, reading)] = read
        for r in self.rests:
            if (_LINE_BREAK.search(_rest_text(line, tokens, r.start, r.verbatim)) is None) != r.clean:
                return None
        if not self._valued:
            return self.parse
        acts = list(self.parse.acts)
        for k, kind in self._valued:
            act = acts[k]
            value: str | None
            if isinstance(kind, Rest):  # (its first token may be fixed, and the words after it not)
                value = _rest_text(line, tokens, act[3], kind.verbatim)
            else:
                value = converted.get((act[3], kind))
                if value is None:  # (a reading the shape did not record: read it as the match would)
                    value = kind.convert(tokens[act[3]].text)
            acts[k] = (act[0], act[1], value, act[3])
        return _Parse(self.parse.command, self.parse.negated, tuple(acts), self.parse.ranks)


#: Shapes remembered, by (mode, context, token count, first word); at most this many keys (all forgotten when
#: full), a few shapes each.
_SHAPES_MAX = 256
_SHAPES_PER_KEY = 4
_shapes: dict[tuple[str, str, int, str], list[_Shape]] = {}


def _replayed(line: str, tokens: list[_Token], mode: str, context: str) -> _Parse | None:
    """The parse of ``line`` in ``mode`` under a context element named ``context`` through the shape of an earlier
    match (see :class:`_Shape`), or None when none fits."""
    if not tokens:
        return None
    for shape in _shapes.get((mode, context, len(tokens), tokens[0].text), ()):
        found = shape.replay(line, tokens)
        if found is not None:
            return found
    return None


def _match_mode(line: str, tokens: list[_Token], mode: str, context: str) -> _Parse | CliError:
    """Match ``line`` against the commands of ``mode`` under a context element named ``context``, through the
    shapes of earlier matches (see :class:`_Shape`)."""
    replayed = _replayed(line, tokens, mode, context)
    return replayed if replayed is not None else _matched(line, tokens, mode, context)


def _matched(line: str, tokens: list[_Token], mode: str, context: str) -> _Parse | CliError:
    """:func:`_match_mode` when no shape fits ``line``: the match from scratch, whose shape is remembered when it
    has free words."""
    if not tokens:
        return _match_words(line, tokens, mode, context)[0]
    key = (mode, context, len(tokens), tokens[0].text)
    known = _shapes.get(key, [])
    outcome, m = _match_words(line, tokens, mode, context)
    words_read = m.words_read
    if isinstance(outcome, _Parse) and any(w is not None for w in words_read):
        fixed = tuple(None if w is not None else t.text for w, t in zip(words_read, tokens, strict=True))
        words = tuple((i, tuple(w)) for i, w in enumerate(words_read) if w)
        shape = _Shape(fixed, words, tuple(m.rests), outcome)
        if len(_shapes) >= _SHAPES_MAX:
            _shapes.clear()
        _shapes[key] = [shape, *known[: _SHAPES_PER_KEY - 1]]
    return outcome


def _match_words(line: str, tokens: list[_Token], mode: str, context: str) -> tuple[_Parse | CliError, _Matcher]:
    """:func:`_match_mode` without shapes, and the matcher (how it read each token: ``words_read``, ``rests``)."""
    index = _index(mode, context)
    m = _Matcher(line, tokens)
    complete: list[_Parse] = []
    for cmd in _candidates(m, index, 0, ()):
        for j, acts, ranks in m.match(cmd.syntax, 0, ()):
            if j == m.n:
                complete.append(_Parse(cmd, False, acts, ranks))
            else:
                m.fail_at(tokens[j].start)
    no_rank = m.keyword(0, "no", ())
    if no_rank is not None:
        for cmd in _candidates(m, index, 1, (no_rank,)):
            if cmd.no_syntax is None:
                continue
            for j, acts, ranks in m.match(cmd.no_syntax, 1, (no_rank,)):
                if j == m.n:
                    complete.append(_Parse(cmd, True, acts, (no_rank, *ranks)))
                else:
                    m.fail_at(tokens[j].start)
    complete = [p for p in complete if m.clear(p.ranks)]
    if complete:
        return min(complete, key=lambda p: p.ranks), m
    where = m.ambiguous()
    if where is not None:
        return CliError("ambiguous", tokens[where].start), m
    if m.ran_out:
        return CliError("incomplete", len(line.rstrip())), m
    return CliError("invalid", m.fail, unknown=m.unknown()), m


def _progress(error: CliError) -> float:
    return float("inf") if error.kind == "incomplete" else error.column


# -- from a parse to edit operations --------------------------------------------------------------------------------
_HASHERS = {"type9": type9_hash, "type8": type8_hash, "type5": md5_crypt}
BANNER_MAX = 65_535  # characters of one banner's text, bounding what a session or file can make us hold
_DATA_MODES = {
    "ssh-key": "conf-ssh-pubkey-data",
    "ssh-server-key": "conf-ssh-pubkey-data",
    "crypto-key": "config-pubkey",
}


#: (command id, data path) -> its steps below the anchor; as many entries as the table has paths.
_RELS: dict[tuple[str, str], tuple[Step, ...]] = {}


def _rel(cmd: Command, path: str) -> tuple[Step, ...]:
    key = (cmd.id, path)
    found = _RELS.get(key)
    if found is None:
        found = _RELS[key] = tuple(Step(tag) for tag in cmd.path(path))
    return found


def _anchor(cmd: Command, values: dict[str, object]) -> tuple[Step, ...]:
    steps: list[Step] = []
    for s in cmd.anchor_steps:
        if s.keys:
            keys = tuple((k, str(values[k.rpartition("}")[2]])) for k in s.keys)
            steps.append(Step(s.tag, keys))
        else:
            steps.append(Step(s.tag))
    return tuple(steps)


def _positive(cmd: Command, acts: tuple[_Act, ...], base: tuple[Step, ...]) -> list[EditOp]:
    ops: list[EditOp] = []
    keys = cmd.key_names
    if cmd.replace_anchor:
        ops.append(EditOp("replace", base))
    elif cmd.anchor_steps and (cmd.anchor_steps[-1].keys or cmd.bare):
        ops.append(EditOp("ensure", base))
    for act in acts:
        if act[0] == "kw":
            kw: Kw = act[1]
            if kw.clears or kw.replace or kw.defaults:  # (most keywords have none: a file of 10,000 users)
                ops.extend(EditOp("remove", base + _rel(cmd, p)) for p in kw.clears)
                ops.extend(EditOp("replace", base + _rel(cmd, p)) for p in kw.replace)
                ops.extend(EditOp("set", base + _rel(cmd, p), v) for p, v in kw.defaults)
            for p, v in kw.set:
                if p not in keys:
                    ops.append(EditOp("ensure" if v is None else "set", base + _rel(cmd, p), v))
            continue
        arg: Arg = act[1]
        value = act[2]
        if arg.path is None or arg.path in keys:
            continue
        target = base + _rel(cmd, arg.path)
        if isinstance(arg.type, Interface) and isinstance(value, tuple):
            kind, number = value
            ops.append(EditOp("replace", target))
            ops.append(EditOp("set", (*target, Step(f"{{{ns_of(target[-1].tag)}}}{kind}")), number))
        elif arg.leaflist:
            ops.extend(_leaflist(arg, target, list(dict.fromkeys(value))))  # a leaf-list holds a value once
        elif isinstance(arg.type, Rest) and arg.type.transform:
            ops.append(EditOp("set", target, _HASHERS[arg.type.transform](value)))
        else:
            ops.append(EditOp("set", target, str(value)))
    return ops


def _leaflist(arg: Arg, target: tuple[Step, ...], values: list[str]) -> list[EditOp]:
    """The values of a leaf-list argument; with ``flags``, the leaves of the flagged values, and the list itself
    only when the leaves alone would not print the same words (see :class:`~.syntax.Arg`)."""
    parent = target[:-1]
    flag_ns = ns_of(parent[-1].tag)
    ops = [EditOp("ensure", (*parent, Step(f"{{{flag_ns}}}{v}"))) for v in values if v in arg.flags]
    if not arg.flags or flagged_list(values, arg.flags):
        ops.extend(EditOp("ensure", (*parent, Step(target[-1].tag, value=v))) for v in values)
    return ops


def _negative(cmd: Command, base: tuple[Step, ...]) -> list[EditOp]:
    """The operations of ``cmd``'s ``no`` form at anchor ``base``."""
    return [EditOp(kind, base + rel, value) for kind, rel, value in _no_form(cmd) if base or rel]


#: Command id -> :func:`_no_form_of` it; as many entries as the table has commands.
_NO_FORMS: dict[str, tuple[tuple[str, tuple[Step, ...], str | None], ...]] = {}


def _no_form(cmd: Command) -> tuple[tuple[str, tuple[Step, ...], str | None], ...]:
    found = _NO_FORMS.get(cmd.id)
    if found is None:
        found = _NO_FORMS[cmd.id] = _no_form_of(cmd)
    return found


def _no_form_of(cmd: Command) -> tuple[tuple[str, tuple[Step, ...], str | None], ...]:
    """The operations of ``cmd``'s ``no`` form as (kind, steps below the anchor, value). Why once per command:
    the paths come from a walk of the syntax (``no aaa new-model`` is in every rendering the printable check
    reads back)."""
    if cmd.no == "sets":
        return tuple(("set", _rel(cmd, p), v) for p, v in cmd.no_sets)
    if cmd.no_remove:
        return tuple(("remove", _rel(cmd, p), None) for p in cmd.no_remove)
    paths = cmd.data_paths()
    if cmd.no == "anchor" or not paths or (cmd.anchor_steps and cmd.anchor_steps[-1].keys):
        return (("remove", (), None),)
    leaflists = cmd.leaflist_paths()
    ops = []
    for p in paths:
        steps = _rel(cmd, p)
        if p in leaflists:
            steps = (*steps[:-1], Step(steps[-1].tag, value=ALL_VALUES))
        ops.append(("remove", steps, None))
    return tuple(ops)


def _resolve(ops: list[EditOp], state: DataTree, prune: int = 0) -> list[EditOp]:
    """Removals of what exists only, each widened to the outermost container it leaves empty, and through up to
    ``prune`` list entries it leaves with nothing but their keys (see :attr:`~.syntax.Command.no_prune`)."""
    out: list[EditOp] = []
    removing: dict[int, etree._Element] = {}
    for op in ops:
        if op.kind != "remove":
            out.append(op)
            continue
        for el, steps in state.find_all(op.steps):
            pruned = 0
            while len(steps) > 1:
                parent_step = steps[-2]
                if parent_step.value is not None or (parent_step.keys and pruned >= prune):
                    break
                if tuple(s.tag for s in steps[:-1]) in PRESENCE:
                    break
                parent = el.getparent()
                keys = {tag for tag, _ in parent_step.keys}
                if parent is None or any(
                    isinstance(c.tag, str) and c is not el and id(c) not in removing and c.tag not in keys
                    for c in parent
                ):
                    break
                pruned += bool(parent_step.keys)
                el, steps = parent, steps[:-1]
            removing[id(el)] = el
            out.append(EditOp("remove", steps))
    return out


def _values(acts: tuple[_Act, ...]) -> dict[str, object]:
    """The value each data path of a parse gets (the last act that names a path wins)."""
    values: dict[str, object] = {}
    for act in acts:
        if act[0] == "kw":
            values.update((p, v) for p, v in act[1].set)
        elif act[1].path is not None:
            values[act[1].path] = act[2]
    return values


def _apply(parse: _Parse, level: ModeContext, state: DataTree) -> tuple[list[EditOp], ModeContext]:
    cmd = parse.command
    if cmd is EXIT:
        return [], level.parent or EXEC_MODE
    if cmd is END:
        return [], EXEC_MODE
    values = _values(parse.acts)
    base = level.path + _anchor(cmd, values)
    if cmd.collect == "banner" and not parse.negated:
        return _banner_open(str(values["banner"]), base + _rel(cmd, "banner"), level)
    if cmd.noop:
        ops: list[EditOp] = []
    elif parse.negated:
        ops = _negative(cmd, base)
        if cmd.enters is not None:  # the block goes, and the lines kept as text in it
            gone = unmodelled.drop_context(unmodelled.read(state.native()), unmodelled.context_key(base))
            ops += _block_ops(gone)
    else:
        ops = _positive(cmd, parse.acts, base)
    nxt = level
    if not parse.negated:
        if cmd.collect:
            nxt = ModeContext(_DATA_MODES[cmd.collect], level.path, level, cmd.collect)
        elif cmd.enters is not None:
            nxt = ModeContext(cmd.enters.name, level.path if cmd.noop else base, level)
    return _resolve(ops, state, cmd.no_prune if parse.negated else 0), nxt


def _banner_open(text: str, leaf: tuple[Step, ...], level: ModeContext) -> tuple[list[EditOp], ModeContext]:
    """``banner KIND`` + ``text`` (from the delimiter on): the banner when it closes on this line, else the mode
    that collects the next lines."""
    delimiter = BANNER_DELIMITER if text.startswith(BANNER_DELIMITER) else text[0]
    body = text[len(delimiter) :]
    end = body.find(delimiter)
    if end >= 0:
        return [EditOp("set", leaf, body[:end])], level
    return [], ModeContext("banner", leaf, level, "banner", (body,), delimiter)


def _banner_line(line: str, ctx: ModeContext) -> tuple[list[EditOp], ModeContext, CliError | None]:
    """One line of a banner's text: kept as typed, up to the delimiter that ends the banner (the rest of that line
    is ignored, as IOS does)."""
    end = line.find(ctx.delimiter)
    if end < 0:
        if sum(len(b) + 1 for b in ctx.buffer) + len(line) > BANNER_MAX:
            return [], ctx.parent or CONFIG_MODE, CliError("failed", 0, "% Banner is too long")
        return [], dataclasses.replace(ctx, buffer=(*ctx.buffer, line)), None
    return [EditOp("set", ctx.path, "\n".join((*ctx.buffer, line[:end])))], ctx.parent or CONFIG_MODE, None


#: The ``key-hash`` command a pubkey-chain key-string becomes, by data mode (a user's or a server's key).
_KEY_HASH_COMMAND = {"ssh-key": "pubkey-user-key-hash", "ssh-server-key": "pubkey-server-key-hash"}


def _finish_key(ctx: ModeContext) -> tuple[list[EditOp], CliError | None]:
    """What the lines of a key data mode become when it ends (a banner left open at the end of a file: nothing)."""
    if not ctx.buffer or ctx.banner:
        return [], None
    if ctx.data == "crypto-key":
        hex_data = crypto_key_hex(ctx.buffer)
        if hex_data is None:
            return [], CliError("failed", 0, "% Invalid key data: hexadecimal digits expected")
        cmd = BY_ID["pubkey-key-string"]
        return [EditOp("set", ctx.path + _anchor(cmd, {}) + _rel(cmd, "hex-data"), hex_data)], None
    found = ssh_key_hash(ctx.buffer)
    if found is None:
        return [], CliError("failed", 0, DECODE_FAILED)
    key_type, key_hash, comment = found
    cmd = BY_ID[_KEY_HASH_COMMAND[ctx.data or "ssh-key"]]
    entry = ctx.path + _anchor(cmd, {"key-type": key_type, "key-hash-value": key_hash})
    if comment is None:
        return [EditOp("ensure", entry)], None
    return [EditOp("set", entry + _rel(cmd, "priv:comment"), comment)], None


def _data_line(line: str, ctx: ModeContext, state: DataTree) -> _Stepped:
    text = line.strip()
    if not text:
        return [], ctx, None, None
    word = text.lower()
    if word in ("exit", "quit", "end"):
        ops, error = _finish_key(ctx)
        return ops, (EXEC_MODE if word == "end" else ctx.parent or CONFIG_MODE), error, None
    tokens = _tokenize(line)
    level = ctx.parent
    while level is not None:
        outcome = _match_level(line, tokens, level)
        if isinstance(outcome, _Parse):
            ops, error = _finish_key(ctx)
            more, nxt = _apply(outcome, level, state)
            return ops + more, nxt, error, _action_of(outcome)
        level = level.parent
    return [], dataclasses.replace(ctx, buffer=(*ctx.buffer, text)), None, None


def _action_of(parse: _Parse) -> Action | None:
    """The action a parsed line asks for (commands with ``action=True``), its parameters by name."""
    if not parse.command.action:
        return None
    params: list[tuple[str, str | None]] = []
    for act in parse.acts:
        if act[0] == "kw":
            params += act[1].set
        elif act[1].path is not None:
            params.append((act[1].path, str(act[2])))
    return Action(parse.command.id, tuple(params))


_Stepped = tuple[list[EditOp], ModeContext, CliError | None, Action | None]


def _sub(parse: _Parse) -> bool:
    """True when the line names a subinterface (``GigabitEthernet1.100``), which IOS removes unlike its port."""
    return any(act[0] == "arg" and isinstance(act[1].type, Interface) and "." in str(act[2]) for act in parse.acts)


def _step(line: str, ctx: ModeContext, state: DataTree, kept: list[_Kept] | None = None) -> _Stepped:
    """One line in mode ``ctx``: the operations, the next mode, the error, the action. A line no command knows
    is kept as text (:func:`_keep`): a typed one (``kept`` None) at once, a file's one into ``kept``, placed once
    the whole file is read."""
    if ctx.banner:
        return (*_banner_line(line, ctx), None)
    if ctx.data == KEPT:
        return _kept_line(line, ctx, state, kept)
    if ctx.data:
        return _data_line(line, ctx, state)
    text = line.lstrip()  # (white space as the tokens see it: a blank line has none, a comment starts with "!")
    if not text or text[0] == "!":  # before the words are made: a rendering's every other line is a "!"
        return [], ctx, None, None
    tokens = _tokenize(line)
    if ctx.name not in MODES:
        return [], ctx, CliError("invalid", tokens[0].start), None
    best: CliError | None = None
    level: ModeContext | None = ctx
    while level is not None:
        outcome = _match_level(line, tokens, level)
        if isinstance(outcome, _Parse) and outcome.negated and outcome.command.no_refused and not _sub(outcome):
            return [], ctx, CliError("failed", 0, outcome.command.no_refused), None
        if isinstance(outcome, _Parse):
            if state.alone and _grafted(outcome, level, state):
                return [], level, None, _action_of(outcome)
            ops, nxt = _apply(outcome, level, state)
            return ops, nxt, None, _action_of(outcome)
        if outcome.kind == "ambiguous" and not (best is not None and best.kind == "incomplete"):
            return [], ctx, outcome, None  # (a sub-mode's own command, only incomplete, is not made ambiguous)
        if best is None or _progress(outcome) > _progress(best):
            best = outcome
        level = level.parent
    if best is not None and best.unknown and not _NOT_TEXT.search(line):
        return _keep(line, tokens, ctx, best, state, kept)
    return [], ctx, best, None


# -- a new list entry put straight into the parser's state ------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _LinePlan:
    """What a line of one kind makes when its list entry is new: the entry (``tag``, each key's value taken from
    an act, by index, or a constant) below the mode's path and the constant steps ``parent``, as a copy of
    ``template`` with texts (position in document order -> an act's value, by index, or a constant) set. Made by
    the general path itself (:func:`_line_plan_of`); ``tree._graft`` would make the same entry out of the line's
    operations."""

    parent: tuple[Step, ...]
    tag: str
    keys: tuple[tuple[str, int | str], ...]
    template: etree._Element
    texts: tuple[tuple[int, int | str], ...]

    def graft(self, acts: tuple[_Act, ...], level: ModeContext, state: DataTree) -> bool:
        """Put the entry of a line with ``acts`` in mode ``level`` into ``state`` if it is new there; False:
        nothing done."""
        keys = tuple((tag, src if isinstance(src, str) else str(acts[src][2])) for tag, src in self.keys)
        texts = [(pos, src if isinstance(src, str) else str(acts[src][2])) for pos, src in self.texts]
        return state.graft_entry(level.path + self.parent, Step(self.tag, keys), self.template, texts)


#: Line plans by (command, the syntax nodes its acts matched, the tags of the mode's path), None for a kind of
#: line that does not qualify; all forgotten when full. (The plan does not depend on the key values of the mode's
#: path: 10,000 interfaces' lines share one.)
_LINE_PLANS_MAX = 256
_line_plans: dict[tuple[object, ...], _LinePlan | None] = {}
_ACT_MARK = "\ue002act:"  # (a private-use character: the markers of one plan differ only in their index)


def _grafted(parse: _Parse, level: ModeContext, state: DataTree) -> bool:
    """Apply a parsed line to ``state`` (whose operations go nowhere else: ``state.alone``) as the copy of a
    remembered entry, when the line makes a new list entry out of nothing; False: nothing done.

    Why: a bulk read-back (the printable check of 10,000 new users) spent half its time making each line's
    operations, resolving them against the state and finding their graft plan again. When the entry is new,
    every removal the line asks for lies below it and finds nothing, so what the operations make is the graft
    of the plan with the line's values, which is what this applies (tests/device/cli_map/test_read_back.py
    compares the state with the edit document, which never takes this path)."""
    path = tuple([(step.tag, step.value) for step in level.path]) if level.path else ()
    key = (id(parse.command), parse.negated, tuple([id(act[1]) for act in parse.acts]), path)
    if key in _line_plans:
        plan = _line_plans[key]
    else:
        plan = _line_plan_of(parse, level)
        if len(_line_plans) >= _LINE_PLANS_MAX:
            _line_plans.clear()
        _line_plans[key] = plan
    return plan is not None and plan.graft(parse.acts, level, state)


def _line_plan_of(parse: _Parse, level: ModeContext) -> _LinePlan | None:
    """The plan of lines like ``parse``: its operations made with a marker for each act's value, the removals
    below the entry left out (a new entry has nothing there), then ``tree._graft``'s plan of the rest. None when
    the line does not qualify: a ``no`` form, a command anchored at its mode's own node, or that enters a mode
    or collects text, a value the operations transform (an interface, a leaf-list, a hashed secret), an operation
    outside the entry, a parent path holding a value, anything ``tree._graft`` would not graft."""
    cmd = parse.command
    if parse.negated or cmd is EXIT or cmd is END or cmd.noop or cmd.collect or cmd.enters is not None:
        return None
    if not cmd.anchor_steps:  # (the entry would be the mode's own, whose keys the plan must not keep)
        return None
    marked: list[_Act] = []
    for k, act in enumerate(parse.acts):
        if act[0] == "arg":
            arg: Arg = act[1]
            kind = arg.type
            if arg.leaflist or isinstance(kind, Interface) or (isinstance(kind, Rest) and kind.transform):
                return None
            act = (act[0], arg, f"{_ACT_MARK}{k}", act[3])
        marked.append(act)
    base = level.path + _anchor(cmd, _values(tuple(marked)))
    n = len(base)
    ops = []
    for op in _positive(cmd, tuple(marked), base):
        if op.kind == "remove":
            if len(op.steps) <= n or op.steps[:n] != base:
                return None
            continue
        ops.append(op)
    if not ops or ops[0].steps != base or any(step.value is not None for step in base):
        return None
    anchored = base[len(level.path) : -1]  # (the mode's path holds the values of earlier lines, never a marker)
    if any(_ACT_MARK in value for step in anchored for _, value in step.keys):
        return None
    graft = graft_plan(ops)
    if graft is None:
        return None
    entry = base[-1]
    try:
        keys = tuple((tag, _source(value)) for tag, value in entry.keys)
        texts = [(pos, _source(entry.keys[j][1])) for pos, j in graft.keys]
        texts += [(pos, _source(ops[k].value)) for pos, k in graft.sets]
    except _NotPlanned:
        return None
    return _LinePlan(anchored, entry.tag, keys, graft.template, tuple(texts))


class _NotPlanned(Exception):
    """A marked operation's value is neither an act's value nor a constant."""


def _source(value: str | None) -> int | str:
    """Where a marked operation's value comes from: an act (its index) or a constant; anything else (part of a
    value, no value) raises :class:`_NotPlanned`."""
    if value is not None and value.startswith(_ACT_MARK) and ascii_digits(value[len(_ACT_MARK) :]):
        return int(value[len(_ACT_MARK) :])
    if value is None or _ACT_MARK in value:
        raise _NotPlanned(value)
    return value


@dataclass(frozen=True, slots=True)
class LineSlots:
    """How a line of configuration mode that makes a new list entry reads back, token by token (:func:`line_slots`).

    ``readings``: per token, None where the matcher looked at it as more than a free word (a keyword was tried
    there, a reading refused it, a choice or an interface read it), so another line reads the same only with the
    same text there; else the :class:`~.syntax.Word` / :class:`~.syntax.Number` readings that all accepted it (none:
    a ``LINE`` argument alone read it). ``template``: the entry the line makes, as its plan grafts it;
    ``texts``: where its texts come from (position in document order -> the index of the free token the text is,
    or a constant); a position not listed keeps the template's text. ``path``: the tags from ``native``'s
    children down to the entry, whose steps above it hold no values."""

    readings: tuple[tuple[Word | Number, ...] | None, ...]
    path: tuple[str, ...]
    template: etree._Element
    texts: tuple[tuple[int, int | str], ...]


def line_slots(line: str) -> LineSlots | None:
    """How ``line`` reads back in configuration mode when its list entry is new, or None when it does not read as
    a line of :func:`_grafted` entries (an error, a plan of another kind, a value made of several free tokens).

    Why: another line that differs only at free tokens, each accepted by the same readings and given back
    unchanged, is matched by the same steps (:class:`_Shape`) and grafted by the same plan with its own texts at
    the same places, so a bulk of such lines can be checked a value at a time (``printable``)."""
    tokens = _tokenize(line)
    if not tokens:
        return None
    outcome, m = _match_words(line, tokens, CONFIG_MODE.name, "")
    if not isinstance(outcome, _Parse):
        return None
    plan = _line_plan_of(outcome, CONFIG_MODE)
    if plan is None:
        return None
    readings = tuple(None if read is None else tuple(read) for read in m.words_read)
    try:
        texts = tuple((pos, _slot(outcome.acts, src, readings)) for pos, src in plan.texts)
    except _NotPlanned:
        return None
    return LineSlots(readings, (*(step.tag for step in plan.parent), plan.tag), plan.template, texts)


def _slot(acts: tuple[_Act, ...], src: int | str, readings: tuple[object, ...]) -> int | str:
    """Where the value of plan source ``src`` comes from: a free token (its index) that is the value, or a
    constant (the value of tokens every line of the shape repeats); anything else raises :class:`_NotPlanned`."""
    if isinstance(src, str):
        return src
    act = acts[src]
    start = act[3]
    read = range(start, len(readings)) if isinstance(act[1].type, Rest) else range(start, start + 1)
    free = [i for i in read if readings[i] is not None]
    if not free:
        return str(act[2])
    if free == [start] and len(read) == 1:
        return start
    raise _NotPlanned(src)


def free_tokens(
    text: str, wanted: dict[int, dict[int, str]]
) -> dict[tuple[int, int], tuple[Word | Number, ...]] | None:
    """The readings of the tokens ``wanted`` of ``text`` (line number, 1-based -> token index -> the token's text)
    as :func:`read_back` reads them, when each is a *free* value there; else None.

    Free: its line is read in the mode the lines before it lead to (not a key's or a banner's text), as a command
    of that mode itself, not its ``no`` form, nor one that stores nothing or collects lines; the token is the
    whole value of an argument that is no key of the command and whose text is stored as it is (no hash); and the
    matcher read it only through :class:`~.syntax.Word` / :class:`~.syntax.Number` readings that all accepted it
    (none: the last token, read as a ``LINE`` argument), so no keyword was tried there (:class:`_Shape`).

    Why: then a text that differs only at such tokens, each a token those readings give back unchanged, is read
    by the same lines in the same modes to the same operations, each of these tokens' values stored where this
    one's is, as it is; every other operation is the same (a key would name another entry, a mode's path holds
    keys only). ``printable`` proves a command instance's shape with it once, then checks later values alone."""
    modes: dict[int, ModeContext] = {}
    _fold(text, None, None, modes)
    lines = text.splitlines()
    out: dict[tuple[int, int], tuple[Word | Number, ...]] = {}
    for lineno, at in wanted.items():
        ctx = modes.get(lineno)
        if ctx is None or ctx.data is not None:
            return None
        line = lines[lineno - 1]
        tokens = _tokenize(line)
        if any(i >= len(tokens) or tokens[i].text != token for i, token in at.items()):
            return None
        outcome, m = _match_words(line, tokens, ctx.name, _context_of(ctx))
        if not isinstance(outcome, _Parse) or not _stores_as_typed(outcome):
            return None
        args = {act[3]: act[1] for act in outcome.acts if act[0] == "arg"}
        for i in at:
            read = m.words_read[i]
            arg: Arg | None = args.get(i)
            if read is None or arg is None or arg.path is None or arg.path in outcome.command.key_names:
                return None
            if isinstance(arg.type, Rest) and (arg.type.transform or i != len(tokens) - 1):
                return None
            if not isinstance(arg.type, Word | Number | Rest) or arg.leaflist:
                return None
            out[(lineno, i)] = tuple(read)
    return out


def _stores_as_typed(parse: _Parse) -> bool:
    """True when ``parse`` stores its arguments by the plain operations of :func:`_positive` (see
    :func:`free_tokens`)."""
    cmd = parse.command
    return not (parse.negated or cmd.noop or cmd.collect or cmd.action or cmd is EXIT or cmd is END)


# -- lines no command knows: kept as text ---------------------------------------------------------------------------
#: ``ModeContext.data`` of the sub-mode a kept line enters (``router ospf 1``): its lines are kept in its block.
KEPT = "kept"


@dataclass(frozen=True, slots=True)
class _Kept:
    """A line kept as text: the context key of the modelled block it sits in, the first lines of the kept blocks
    it sits inside (outermost first), the line as it prints."""

    context: str
    headers: tuple[str, ...]
    text: str


def _level_indent(level: ModeContext) -> int:
    """How deep the lines of a mode are indented."""
    if level.data == KEPT:
        return unmodelled.indent(level.buffer[-1]) + 1
    mode = MODES.get(level.name)
    return len(mode.indent) if mode is not None else 0


def _node(level: ModeContext) -> str:
    """The vocabulary node of a mode's words."""
    if level.data == KEPT:
        return level.node
    return words.node_of([s.tag.rpartition("}")[2] for s in level.path])


def _keep(
    line: str, tokens: list[_Token], ctx: ModeContext, best: CliError, state: DataTree, kept: list[_Kept] | None
) -> _Stepped:
    """A line whose first unknown word is where only keywords could be. From a file (``kept`` a list) it is
    trusted: kept in the innermost mode its indentation allows (a line at the left margin is global). Typed, it
    is kept only in a mode where the vocabulary of real 17.12 commands accepts it; otherwise IOS's error stays."""
    negated = tokens[0].low == "no" and len(tokens) > 1
    if _acts(tokens[1:] if negated else tokens):
        return [], ctx, best, None
    if kept is not None:
        home = ctx
        depth = unmodelled.indent(line)
        while home.parent is not None and _level_indent(home) > depth:
            home = home.parent
        text = line.rstrip("\r")  # as the file has it: a real configuration has lines with trailing blanks
        context = unmodelled.context_key(home.path)
        if negated:
            positive = (line[: tokens[0].start] + line[tokens[1].start :]).rstrip()
            gone = unmodelled.remove(unmodelled.read(state.native()), context, (), positive)
            if gone is not None:
                return _block_ops(gone), home, None, None
        kept.append(_Kept(context, (), text))
        return [], ModeContext("config-kept", home.path, home, KEPT, (text,)), None, None
    checked = tokens[1:] if negated else tokens
    refused = best
    level: ModeContext | None = ctx
    while level is not None:
        verdict = words.check([(t.text, t.start) for t in checked], _node(level))
        if verdict.kind == "ok":
            break
        if verdict.kind == "ambiguous":
            return [], ctx, CliError("ambiguous", verdict.column), None
        error = CliError("incomplete", len(line.rstrip())) if verdict.kind == "incomplete" else None
        error = error or CliError("invalid", verdict.column)
        if level is ctx or _progress(error) > _progress(refused):
            refused = error if _progress(error) >= _progress(best) else best
        level = level.parent
    if level is None:
        return [], ctx, refused, None
    return _keep_typed(verdict, negated, level, state)


def _keep_typed(verdict: words.Verdict, negated: bool, level: ModeContext, state: DataTree) -> _Stepped:
    """Store a typed line the vocabulary accepted in ``level`` (the words it checked spelled in full): ``no`` +
    a kept line removes it; a line that starts a sub-mode enters it."""
    pad = " " * _level_indent(level)
    text = pad + " ".join(verdict.words)
    headers = level.buffer if level.data == KEPT else ()
    context = unmodelled.context_key(level.path)
    blocks = unmodelled.read(state.native())
    if negated:
        changed = unmodelled.remove(blocks, context, headers, text)
        if changed is None and verdict.enters is None:  # a default-on feature turned off prints as its no form
            changed = unmodelled.add(blocks, context, headers, pad + "no " + text[len(pad) :], _typed_slot(context))
        return _block_ops(changed or {}), level, None, None
    changed = unmodelled.remove(blocks, context, headers, pad + "no " + text[len(pad) :]) or {}
    changed |= unmodelled.add({**blocks, **changed}, context, headers, text, _typed_slot(context))
    nxt = level
    prompt = words.prompt_of(verdict.words)
    if verdict.enters is not None and prompt is not None:
        nxt = ModeContext(prompt, level.path, level, KEPT, (*headers, text), node=verdict.enters)
    return _block_ops(changed), nxt, None, None


@cache
def _action_heads() -> tuple[tuple[str, ...], ...]:
    """The leading keywords of the commands that act instead of storing (``crypto key generate rsa``)."""
    heads = []
    for cmd in (c for cmds in BY_MODE.values() for c in cmds if c.action):
        head = []
        for item in cmd.syntax.items:
            if not isinstance(item, Kw):
                break
            head.append(item.word)
        heads.append(tuple(head))
    return tuple(heads)


def _acts(tokens: list[_Token]) -> bool:
    """True when the line starts like a command that acts: its unknown words are errors, never text to keep."""
    return any(
        len(tokens) >= len(head) and all(w.startswith(t.low) for w, t in zip(head, tokens, strict=False))
        for head in _action_heads()
    )


def _typed_slot(context: str) -> unmodelled.Slot:
    """Where a typed line of a new block goes: last in its context (before ``end`` for global lines)."""
    return unmodelled.Slot(context, unmodelled.LAST)


def _kept_line(line: str, ctx: ModeContext, state: DataTree, kept: list[_Kept] | None) -> _Stepped:
    """A line in the sub-mode of a kept block. From a file, indentation says whether it belongs to the block (a
    deeper line, or the ``exit-…`` line that closes it); typed, the vocabulary of the block's words, else it is a
    line of the enclosing modes (which leaves the sub-mode, as IOS does)."""
    tokens = _tokenize(line)
    if not tokens:
        return [], ctx, None, None
    parent = ctx.parent or CONFIG_MODE
    first = tokens[0].low
    if kept is not None:
        depth, base = unmodelled.indent(line), unmodelled.indent(ctx.buffer[0])
        bad = _NOT_TEXT.search(line)
        if bad is not None and (depth > base or first.startswith("exit-")):
            return [], ctx, CliError("invalid", bad.start()), None
        if depth > base or (depth == base and first.startswith("exit-")):
            kept.append(_Kept(unmodelled.context_key(ctx.path), ctx.buffer, line.rstrip("\r")))
            return [], ctx, None, None
        return _step(line, parent, state, kept)
    if first == "exit":
        return [], parent, None, None
    if first == "end":
        return [], EXEC_MODE, None, None
    if first.startswith("exit-") and len(tokens) == 1:
        pad = " " * unmodelled.indent(ctx.buffer[-1])
        context = unmodelled.context_key(ctx.path)
        changed = unmodelled.add(
            unmodelled.read(state.native()), context, ctx.buffer[:-1], pad + first, _typed_slot(context)
        )
        return _block_ops(changed), parent, None, None
    negated = first == "no" and len(tokens) > 1
    verdict = words.check([(t.text, t.start) for t in (tokens[1:] if negated else tokens)], ctx.node)
    if verdict.kind == "ok":
        return _keep_typed(verdict, negated, ctx, state)
    ops, nxt, error, action = _step(line, parent, state)
    return ops, (ctx if error is not None else nxt), error, action


def _block_ops(changed: dict[unmodelled.Slot, list[str]]) -> list[EditOp]:
    """The edit operations of changed blocks (an empty one is removed)."""
    ops: list[EditOp] = []
    for slot, lines in changed.items():
        steps = unmodelled.block_steps(slot)
        ops.append(EditOp("remove", steps[:-1]) if not lines else EditOp("set", steps, "\n".join(lines)))
    return ops


def _place(items: list[unmodelled.Item], state: DataTree) -> list[EditOp]:
    """A file's kept lines into the store, each run where the file had it (see :func:`.unmodelled.place`)."""
    runs = unmodelled.place(items, render_events(state.root))
    return _block_ops(unmodelled.merge(unmodelled.read(state.native()), runs))


# -- public entry points --------------------------------------------------------------------------------------------
def identify(line: str, mode: ModeContext) -> tuple[str, bool] | None:
    """(table id, negated) of the command ``line`` is in ``mode`` (or an enclosing mode), or None. For logs, help
    and tests; key data lines are not commands."""
    tokens = _tokenize(line)
    if not tokens or mode.data:
        return None
    level: ModeContext | None = mode
    while level is not None:
        if level.name not in MODES:
            return None
        outcome = _match_level(line, tokens, level)
        if isinstance(outcome, _Parse):
            return outcome.command.id, outcome.negated
        level = level.parent
    return None


def _edit(ops: list[EditOp]) -> etree._Element | None:
    if not ops:
        return None
    doc = DataTree(None, edit=True)
    for op in ops:
        doc.apply(op)
    return doc.root


def parse_line(line: str, mode: ModeContext, running: etree._Element | None) -> ParseResult:
    """Parse one configuration line typed in ``mode``; ``running`` (the datastore's ``<config>`` root, or None)
    is only read. Apply ``result.edit`` (a ``<config>`` element) with default operation ``merge``."""
    ops, nxt, error, action = _step(line, mode, DataTree(running if running is not None else None))
    return ParseResult(_edit(ops), nxt, error, action)


def parse_config_text(text: str, running: etree._Element | None = None) -> tuple[etree._Element, tuple[LineError, ...]]:
    """:func:`parse_config` without the actions: the edit and the errors (for files whose actions do not run)."""
    parsed = parse_config(text, running)
    return parsed.edit, parsed.errors


def parse_config(text: str, running: etree._Element | None = None) -> ParsedConfig:
    """Fold a configuration file into one ``<config>`` edit (merge) with the effect of typing its lines in order
    in global configuration mode on top of ``running`` (None: an empty datastore), and the actions its lines ask
    for (``crypto key generate rsa …``), in order, for the caller to run once the edit is committed.

    ``!`` and blank lines are skipped (and the ``Building configuration...`` / ``Current configuration`` lines of
    ``show running-config`` output), ``end`` stops, indentation is not needed. A line that is not a command is
    reported (1-based line number) and skipped, as IOS does when it copies a file to running-config; the other
    lines still apply.
    """
    doc = DataTree(None, edit=True)
    _, errors, actions = _fold(text, running, doc)
    return ParsedConfig(doc.root, errors, actions)


def read_back(text: str) -> tuple[etree._Element, tuple[LineError, ...]]:
    """The ``<config>`` tree that typing ``text`` into an empty configuration makes, and the lines' errors: what
    :func:`parse_config` of ``text`` (``running`` None) holds, read as the tree it makes out of nothing (nodes it
    removes left out; the order of siblings aside). Why: the printable check reads values back from it, and this
    tree is the parser's own view of the lines so far, so the edit document need not be built too (half the cost
    of reading back 10,000 new users); ``test_read_back.py`` keeps the two equal."""
    state, errors, _ = _fold(text, None, None)
    return state.root, errors


def _fold(
    text: str, running: etree._Element | None, doc: DataTree | None, modes: dict[int, ModeContext] | None = None
) -> tuple[DataTree, tuple[LineError, ...], tuple[Action, ...]]:
    """The lines of ``text`` typed on top of ``running``: the parser's state after them (a copy of ``running``
    with their effect), the errors and the actions; each operation is also applied to ``doc`` unless None, and
    the mode each line is read in stored in ``modes`` (by line number) unless None."""
    state = DataTree(copy.deepcopy(running) if running is not None else None)
    state.alone = doc is None
    ctx = CONFIG_MODE
    errors: list[LineError] = []
    actions: list[Action] = []
    kept: list[_Kept] = []
    # the file's lines as :func:`.unmodelled.place` sees them, as (kind, text, context): made ``Item``s only when a
    # line was kept (an ``Item`` costs seven times a tuple, on the ~30 lines of each read-back, which keeps none)
    items: list[tuple[str, str, str]] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if ctx.data is None and unmodelled.is_bang(line):  # (what :func:`_step` does with it: nothing)
            items.append(("bang", line, ""))
            continue
        commands = ctx.data in (None, KEPT)  # not inside a banner's text or key data
        if commands and (line.strip().lower() == "end"):
            break
        if commands and "configuration" in line and _SHOW_HEADER.fullmatch(line):  # (the word: no search per line)
            continue
        before = len(kept)
        if modes is not None:
            modes[lineno] = ctx
        ops, nxt, error, action = _step(line, ctx, state, kept)
        if error is not None:
            errors.append(LineError(lineno, line, error))
        if action is not None:
            actions.append(action)
        if len(kept) > before:
            items.append(("kept", kept[-1].text, kept[-1].context))
        elif unmodelled.is_bang(line):
            items.append(("bang", line, ""))
        elif error is None and line.strip():
            items.append(("cmd", line, ""))
        _apply_ops(ops, state, doc)
        if nxt.name == "exec":
            if line.strip().lower().startswith("en"):
                break
            nxt = CONFIG_MODE  # 'exit' at the top of a file leaves nothing to leave
        ctx = nxt
    last: list[EditOp] = []  # (the kept lines are placed by the state of the lines alone)
    if ctx.data not in (None, KEPT):
        last, error = _finish_key(ctx)
        if error is not None:
            errors.append(LineError(0, "", error))
    if kept:
        last += _place([unmodelled.Item(*item) for item in items], state)
    _apply_ops(last, state, doc)
    return state, tuple(errors), tuple(actions)


def _apply_ops(ops: list[EditOp], state: DataTree, doc: DataTree | None) -> None:
    if not ops:  # (most lines of a rendering: a "!", a marker)
        return
    state.apply_all(ops)
    if doc is not None:
        doc.apply_all(ops)
