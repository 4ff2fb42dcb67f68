"""Configuration-mode ``?`` help and Tab completion, read from the one CLI table.

The parser (:mod:`.parse`) answers "what does this whole line mean"; help answers "what may come next": the same
syntax trees are walked over the words typed so far, and every keyword or argument the walk reaches just past the
last complete word is a *continuation*. So help can never offer a word the parser would refuse, nor miss one it
accepts (``tests/device/cli_map/test_help.py`` checks this over every command of the table).

The IOS rules reproduced here (real captures: IOS XE 16.x/17.x, IOS 15):

* ``ip ssh ?`` lists the continuations in two columns, sorted in ASCII order (``<1-127>``, ``LINE`` and ``WORD``
  before lower-case keywords), the first column as wide as its longest entry, descriptions wrapped to the
  terminal width; ``<cr>  <cr>`` when the line is a complete command already.
* ``ip ssh t?`` lists the words that continue the partial word on one line (``time-out  ``); an argument that
  could take it shows its placeholder (``username bob?`` -> ``WORD  ``).
* Words that lead nowhere give ``% Unrecognized command``; an argument of the wrong form (a number out of range)
  gives the caret under it and ``% Invalid input detected at '^' marker.``; an abbreviation that two keywords
  share gives ``% Ambiguous command:  "..."``.
* A sub-mode lists its own commands; deeper in a line, a command of an enclosing mode is helped as well when the
  sub-mode has none that fits (the parser accepts it there and leaves the sub-mode).
* Keywords win over arguments, exact keywords over abbreviations: only the preferred readings of the typed words
  count (the parser's ranks).

Descriptions come from :data:`.help_text.HELP` (IOS's own help texts), else from the YANG description of the node
the word stores into (a ``describe`` callback, :func:`yang_descriptions` of the compiled schema), else the word.
Everything here is a pure function of the line, the mode and the table; the shell does the terminal I/O.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache

from iosxe_agent.device.cli_map.help_text import BUILTIN_HELP, HELP
from iosxe_agent.device.cli_map.parse import KEPT, ModeContext
from iosxe_agent.device.cli_map.syntax import (
    INTERFACE_TYPES,
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
    Word,
)
from iosxe_agent.device.cli_map.table import BY_MODE, END, EXIT, MODES, UNMODELLED
from iosxe_agent.device.cli_map.words import words as real_words
from iosxe_agent.device.names import NATIVE_NS
from iosxe_agent.digits import ascii_digits
from iosxe_agent.yang.schema import Schema

__all__ = ["UNRECOGNIZED", "Describe", "complete", "help_lines", "yang_descriptions"]

#: ``describe(tags)``: the description of the schema node at Clark ``tags`` below ``native`` (None: unknown).
Describe = Callable[[tuple[str, ...]], str | None]

UNRECOGNIZED = "% Unrecognized command"
INVALID = "% Invalid input detected at '^' marker."
CR = "<cr>"
#: Words every configuration mode takes besides its table commands (``do`` is run by the shell, not the table).
EXTRA_FIRST_WORDS = ("do", "no")
#: The words that end a key data mode (anything else typed there is key material).
DATA_END_WORDS = ("end", "exit", "quit")

_WORD = re.compile(r"\S+")


# -- what the walk finds ----------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Next:
    """One continuation: the ``word`` shown (keyword or placeholder), whether it is a keyword (Tab completes it),
    the words of the line before it as help keys see them, and where its description can be looked up."""

    word: str
    keyword: bool
    shown: tuple[str, ...]
    command: Command | None = None
    node: Node | None = None
    level: ModeContext | None = None


@dataclass(frozen=True, slots=True)
class _Path:
    """A reading of the typed words so far: the words as help keys see them and the parser's rank of each."""

    shown: tuple[str, ...] = ()
    ranks: tuple[int, ...] = ()

    def then(self, word: str, *ranks: int) -> _Path:
        return _Path((*self.shown, word), self.ranks + ranks)


@dataclass
class _Walk:
    """Walks syntax trees over the complete words of a line, collecting what may come next (and ``<cr>``)."""

    words: list[str]
    found: list[tuple[tuple[int, ...], _Next]] = field(default_factory=list)
    #: (word index, ranks before it) -> keywords that word matched on that reading, and whether one exactly
    notes: dict[tuple[int, tuple[int, ...]], tuple[set[str], list[bool]]] = field(default_factory=dict)
    bad_arg: int = -1  # the furthest word that an argument refused (a caret goes under it)
    keyword_reach: int = -1  # the furthest word that some keyword took

    @property
    def n(self) -> int:
        return len(self.words)

    def keyword(self, i: int, word: str, path: _Path, hidden: bool = False) -> int | None:
        typed = self.words[i].lower()
        w = word.lower()
        rank = 0 if typed == w else 1 if (not hidden and w.startswith(typed)) else None
        if rank is not None:
            seen, exact = self.notes.setdefault((i, path.ranks), (set(), [False]))
            seen.add(w)
            exact[0] = exact[0] or rank == 0
            self.keyword_reach = max(self.keyword_reach, i)
        return rank

    def offer(self, path: _Path, nxt: _Next) -> None:
        self.found.append((path.ranks, nxt))

    def match(self, node: Node, i: int, path: _Path, cmd: Command, level: ModeContext) -> Iterator[tuple[int, _Path]]:
        """Every way ``node`` can take words from ``i`` on: (next word index, reading). Reaching the end of the
        typed words where ``node`` wants one records the continuations instead."""
        if node.render_only:
            return
        if isinstance(node, Kw):
            if i == self.n:
                if not node.hidden:
                    self.offer(path, _Next(node.word, True, path.shown, cmd, node, level))
                return
            rank = self.keyword(i, node.word, path, node.hidden)
            if rank is not None:
                yield i + 1, path.then(node.word, rank)
        elif isinstance(node, Arg):
            yield from self._arg(node, i, path, cmd, level)
        elif isinstance(node, Seq):
            yield from self._seq(node.items, 0, i, path, cmd, level)
        elif isinstance(node, Opt):
            yield from self.match(node.item, i, path, cmd, level)
            yield i, path
        elif isinstance(node, Alt):
            for branch in node.branches:
                yield from self.match(branch, i, path, cmd, level)
        elif isinstance(node, Many):
            yield from self._many(node, i, frozenset(), path, cmd, level)
        elif isinstance(node, Pad):
            yield i, path

    def _seq(
        self, items: tuple[Node, ...], k: int, i: int, path: _Path, cmd: Command, level: ModeContext
    ) -> Iterator[tuple[int, _Path]]:
        if k == len(items):
            yield i, path
            return
        for j, after in self.match(items[k], i, path, cmd, level):
            yield from self._seq(items, k + 1, j, after, cmd, level)

    def _many(
        self, node: Many, i: int, used: frozenset[int], path: _Path, cmd: Command, level: ModeContext
    ) -> Iterator[tuple[int, _Path]]:
        if len(used) >= node.min:
            yield i, path
        for idx, item in enumerate(node.items):
            if idx in used:
                continue
            for j, after in self.match(item, i, path, cmd, level):
                if j > i:
                    yield from self._many(node, j, used | {idx}, after, cmd, level)

    def _arg(self, arg: Arg, i: int, path: _Path, cmd: Command, level: ModeContext) -> Iterator[tuple[int, _Path]]:
        kind = arg.type
        if isinstance(kind, Choice):
            yield from self._choice(arg, kind, i, path, cmd, level)
            return
        if i == self.n:
            if isinstance(kind, Interface):
                for name in INTERFACE_TYPES if kind.only is None else (kind.only,):
                    self.offer(path, _Next(name, True, path.shown, cmd, arg, level))
            else:
                self.offer(path, _Next(kind.help, False, path.shown, cmd, arg, level))  # WORD, LINE, <1-120>
            return
        if isinstance(kind, Rest):
            yield self.n, path.then(kind.help, *(4,) * (self.n - i))
            return
        if isinstance(kind, Interface):
            yield from self._interface(arg, i, path, cmd, level)
            return
        if kind.convert(self.words[i]) is None:
            self.bad_arg = max(self.bad_arg, i)
            return
        yield i + 1, path.then(kind.help, 3 if isinstance(kind, Word) else 2)

    def _choice(
        self, arg: Arg, kind: Choice, i: int, path: _Path, cmd: Command, level: ModeContext
    ) -> Iterator[tuple[int, _Path]]:
        """Choice words are keywords; a leaf-list argument takes one or more of them."""
        if i == self.n:
            for word in kind.words:
                self.offer(path, _Next(word, True, path.shown, cmd, arg, level))
            return
        for word in kind.words:
            rank = self.keyword(i, word, path, kind.exact)
            if rank is None:
                continue
            after = path.then(word, rank)
            yield i + 1, after
            if arg.leaflist:
                yield from self._choice(arg, kind, i + 1, after, cmd, level)

    def _interface(
        self, arg: Arg, i: int, path: _Path, cmd: Command, level: ModeContext
    ) -> Iterator[tuple[int, _Path]]:
        """``Loopback0`` in one word, or ``Loopback 0`` in two (the number is then the continuation)."""
        text = self.words[i]
        kind = arg.type
        assert isinstance(kind, Interface)
        split = Interface.split(text)
        if split is not None and kind.value_of(*split) is not None:
            yield i + 1, path.then("Interface", 2)
            return
        name = Interface.kind(text) if text.isalpha() or "-" in text else None
        if name is None or kind.only not in (None, name):
            self.bad_arg = max(self.bad_arg, i)
            return
        after = path.then(name, 2)
        if i + 1 == self.n:
            self.offer(after, _Next(f"<{name} number>", False, after.shown, cmd, arg, level))
            return
        if Interface.checked(name, self.words[i + 1]) is None:
            self.bad_arg = max(self.bad_arg, i + 1)
            return
        yield i + 2, after.then("<number>", 2)

    def clear(self, ranks: tuple[int, ...]) -> bool:
        """True when no abbreviated keyword of this reading is shared with another keyword (the parser's rule)."""
        for i, rank in enumerate(ranks):
            if rank == 1:
                seen, exact = self.notes.get((i, ranks[:i]), (set(), [False]))
                if exact[0] or len(seen) > 1:
                    return False
        return True


# -- the commands of a level ----------------------------------------------------------------------------------------
@cache
def _commands(mode: str, context: str) -> tuple[Command, ...]:
    """The table commands of ``mode`` under a context element named ``context``, with ``exit`` and ``end``."""
    return tuple(c for c in (*BY_MODE[mode], EXIT, END) if not c.contexts or context in c.contexts)


def _levels(mode: ModeContext) -> Iterator[ModeContext]:
    level: ModeContext | None = mode
    while level is not None and level.name in MODES:
        yield level
        level = level.parent


def _walk_level(words: list[str], level: ModeContext) -> _Walk:
    if level.data:
        return _walk_data(words, level)
    context = level.path[-1].tag.rpartition("}")[2] if level.path else ""
    walk = _Walk(words)
    cmds = _commands(level.name, context)
    starts: list[tuple[Command, Seq, _Path, int]] = [(c, c.syntax, _Path(), 0) for c in cmds]
    if words:
        no_rank = walk.keyword(0, "no", _Path())
        if no_rank is not None:
            starts += [(c, c.no_syntax, _Path(("no",), (no_rank,)), 1) for c in cmds if c.no_syntax is not None]
        for word in UNMODELLED.get(level.name, ()):  # real first words we do not model: they make 'a' ambiguous
            walk.keyword(0, word, _Path())
    else:
        for word in EXTRA_FIRST_WORDS:
            walk.offer(_Path(), _Next(word, True, (), None, None, level))
    for cmd, syntax, path, i in starts:
        for j, done in walk.match(syntax, i, path, cmd, level):
            if j == walk.n:
                walk.offer(done, _Next(CR, False, done.shown))
    return walk


def _walk_data(words: list[str], level: ModeContext) -> _Walk:
    """A key data mode: every line is key material except the words that end it (see :mod:`.parse`)."""
    walk = _Walk(words)
    if not words:
        for word in DATA_END_WORDS:
            walk.offer(_Path(), _Next(word, True, (), None, None, level))
        walk.offer(_Path(), _Next("LINE", False, (), None, None, level))
    return walk


@dataclass(frozen=True, slots=True)
class _Outcome:
    """The continuations of the preferred readings, or why there are none."""

    nexts: tuple[_Next, ...] = ()
    error: str | None = None  # "unrecognized" | "ambiguous" | "invalid"
    column: int = 0


def _continuations(line_words: list[tuple[str, int]], mode: ModeContext) -> _Outcome:
    words = [w for w, _ in line_words]
    worst = _Outcome(error="unrecognized")
    for level in _levels(mode):
        walk = _walk_level(words, level)
        usable = [(ranks, nxt) for ranks, nxt in walk.found if walk.clear(ranks)]
        if usable:
            best = min(ranks for ranks, _ in usable)
            return _Outcome(tuple(nxt for ranks, nxt in usable if ranks == best))
        if walk.found:
            return _Outcome(error="ambiguous")
        if walk.bad_arg >= 0 and walk.bad_arg > walk.keyword_reach and worst.error == "unrecognized":
            worst = _Outcome(error="invalid", column=line_words[walk.bad_arg][1])
        if not words:
            break  # the first word: only the current mode's commands are listed
    return worst


# -- descriptions ---------------------------------------------------------------------------------------------------
def _describe(nxt: _Next, describe: Describe | None) -> str:
    """IOS's help text for a continuation: the curated text, else the YANG description, else the word."""
    if nxt.word == CR:
        return CR
    shown = nxt.shown[1:] if nxt.shown[:1] == ("no",) else nxt.shown
    table = HELP.get(nxt.level.name if nxt.level else "", {})
    for key in _keys(shown, nxt.word):
        text = table.get(key)
        if text is not None:
            return text
    if not shown and nxt.word in BUILTIN_HELP:  # do, end, exit, no
        return BUILTIN_HELP[nxt.word]
    if describe is not None and nxt.command is not None and nxt.level is not None:
        for tags in _schema_paths(nxt):
            text = describe(tags)
            if text:
                return _one_line(text)
    return nxt.word


def _keys(shown: tuple[str, ...], word: str) -> Iterator[str]:
    """Help keys for ``word`` after ``shown``: the whole line, then with ever more words taken out of its middle
    (nearest context kept longest; the first word always)."""
    yield " ".join((*shown, word))
    for drop in range(1, len(shown)):
        for start in range(1, len(shown) - drop + 1):
            yield " ".join((*shown[:start], *shown[start + drop :], word))


def _schema_paths(nxt: _Next) -> Iterator[tuple[str, ...]]:
    """Where the word's description may live: the leaf it stores into, else the anchor step it names."""
    cmd, node, level = nxt.command, nxt.node, nxt.level
    assert cmd is not None and level is not None
    base = tuple(s.tag for s in level.path) + tuple(s.tag for s in cmd.anchor_steps)
    if isinstance(node, Arg) and node.path:
        yield base + cmd.path(node.path)
    if isinstance(node, Kw):
        for rel, _ in node.set:
            yield base + cmd.path(rel)
    word = nxt.word.lower()
    for k in range(len(base), 0, -1):
        if base[k - 1].rpartition("}")[2] == word:
            yield base[:k]
            return
    for rel in cmd.data_paths():
        tags = cmd.path(rel)
        for k in range(len(tags), 0, -1):
            if tags[k - 1].rpartition("}")[2] == word:
                yield base + tags[:k]
                return


def yang_descriptions(schema: Schema) -> Describe:
    """The ``describe`` callback over a compiled schema: descriptions of the nodes below ``native``."""
    native = f"{{{NATIVE_NS}}}native"

    def describe(tags: tuple[str, ...]) -> str | None:
        node = schema.node_for([native, *tags])
        return None if node is None else node.description

    return describe


def _one_line(text: str) -> str:
    """The first sentence (or clause) of a YANG description, as a help line without its final full stop."""
    first = " ".join(text.split())
    sentence = re.split(r"(?<=[a-z0-9)])\.\s|;\s", first, maxsplit=1)[0]
    return sentence.rstrip(".")


# -- public entry points --------------------------------------------------------------------------------------------
def help_lines(
    line: str, mode: ModeContext, width: int = 80, describe: Describe | None = None, prompt_width: int = 0
) -> list[str]:
    """What IOS prints for ``?`` typed after ``line`` in configuration mode ``mode`` (without the echo and the
    blank line after it). ``width`` is the terminal's, for wrapping descriptions; ``prompt_width`` places the
    caret under the echoed line."""
    words = [(m.group(), m.start()) for m in _WORD.finditer(line)]
    partial = words.pop()[0] if words and not line[-1].isspace() else None
    if mode.data == KEPT and not words:  # a kept block's sub-mode: the words of real 17.12 (first word only)
        hits = _kept_words(mode, partial or "")
        return ["".join(f"{w}  " for w in hits)] if hits else [UNRECOGNIZED]
    outcome = _continuations(words, mode)
    if outcome.error == "invalid":
        return [" " * (prompt_width + outcome.column) + "^", INVALID]
    if outcome.error == "ambiguous":
        return [f'% Ambiguous command:  "{line}"']
    if outcome.error is not None:
        return [UNRECOGNIZED]
    if partial is not None:
        hits = sorted(_partial_hits(outcome, partial, mode, first=not words))
        return ["".join(f"{w}  " for w in hits)] if hits else [UNRECOGNIZED]
    texts: dict[str, str] = {}
    for nxt in outcome.nexts:
        texts.setdefault(nxt.word, _describe(nxt, describe))
    return _columns(texts, width)


def _partial_hits(
    outcome: _Outcome, partial: str, mode: ModeContext, first: bool, keywords_only: bool = False
) -> set[str]:
    """The words a partial word may become (placeholders too, unless ``keywords_only``); as the first word, also
    IOS's commands we do not model (``a?`` lists ``access-list`` too, and Tab does not complete ``a`` to ``aaa``)."""
    hits = {n.word for n in outcome.nexts if (n.keyword or not keywords_only) and _continues(n, partial)}
    if first:
        hits.update(w for w in UNMODELLED.get(mode.name, ()) if w.startswith(partial.lower()))
    return hits


def _continues(nxt: _Next, partial: str) -> bool:
    """True if the partial word can be (the start of) this continuation."""
    low = partial.lower()
    if nxt.keyword:
        return nxt.word.lower().startswith(low)
    node = nxt.node
    if nxt.word == CR or not isinstance(node, Arg):
        return False
    kind = node.type
    if isinstance(kind, Number):
        return ascii_digits(partial) and int(partial) <= kind.hi
    return isinstance(kind, Word | Rest)


def _columns(texts: dict[str, str], width: int) -> list[str]:
    """Two columns: ``  word  Description``, the words in ASCII order and ``<cr>`` last."""
    order = sorted((w for w in texts if w != CR), key=lambda w: w) + ([CR] if CR in texts else [])
    pad = max(len(w) for w in order)
    indent = 2 + pad + 2
    out: list[str] = []
    for word in order:
        wrapped = textwrap.wrap(texts[word], max(width - 1 - indent, 20)) or [""]
        out.append(f"  {word:<{pad}}  {wrapped[0]}".rstrip())
        out.extend(" " * indent + more for more in wrapped[1:])
    return out


def _kept_words(mode: ModeContext, partial: str) -> list[str]:
    """The first words a kept block's sub-mode takes (``router ospf 1``: ``network`` …), from the vocabulary."""
    low = partial.lower()
    return sorted(w for w in (*real_words(mode.node), "exit") if w.startswith(low))


def complete(line: str, mode: ModeContext) -> str | None:
    """Tab: ``line`` with its last word completed and a space added, when exactly one keyword continues it (the
    exec rule of :func:`iosxe_agent.cli.parser.complete_word`); None otherwise (IOS then leaves the line)."""
    words = [(m.group(), m.start()) for m in _WORD.finditer(line)]
    if not words or line[-1].isspace():
        return None
    partial, start = words.pop()
    if mode.data == KEPT:
        options = set(_kept_words(mode, partial)) if not words else set()
    else:
        options = _partial_hits(_continuations(words, mode), partial, mode, first=not words, keywords_only=True)
    if len(options) != 1:
        return None
    return line[:start] + options.pop() + " "
