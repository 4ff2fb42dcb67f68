"""Building blocks of the CLI table: syntax nodes, argument types, commands and modes.

A command's syntax is a small grammar (:class:`Seq`, :class:`Opt`, :class:`Alt`, :class:`Many` of keywords and
arguments). Every keyword or argument that carries data names the YANG node it stands for, as a path relative to
the command's *anchor* (the element the command describes). The parser walks the grammar over typed tokens and
turns what it matched into edit operations; the renderer walks the same grammar over a datastore element and
prints the tokens whose data is present. Nothing here knows a concrete command: that is :mod:`.table`.

Paths are written ``step/step/...``; a step may carry a module prefix (``aaa:``, ``snmp:``, ``crypto:``, ``ios:``)
and otherwise inherits the namespace of the step before it (the first step inherits the namespace of the element
the path is relative to), which is how augmented subtrees are laid out in XML. The last step of an anchor may name
the keys of a list: ``username[name]``, ``key-hash[key-type key-hash-value]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property

from iosxe_agent.device.names import (
    AAA_NS,
    CALL_HOME_NS,
    CRYPTO_NS,
    DIAGNOSTICS_NS,
    ETHERNET_NS,
    GNMI_CFG_NS,
    HTTP_NS,
    NATIVE_NS,
    NTP_NS,
    PLATFORM_NS,
    PPP_NS,
    PRIVATE_NS,
    SNMP_NS,
)
from iosxe_agent.digits import ascii_digits

PREFIXES = {"ios": NATIVE_NS, "aaa": AAA_NS, "snmp": SNMP_NS, "crypto": CRYPTO_NS, "priv": PRIVATE_NS}
PREFIXES.update({"plt": PLATFORM_NS, "ch": CALL_HOME_NS, "diag": DIAGNOSTICS_NS, "ppp": PPP_NS})
PREFIXES.update({"http": HTTP_NS, "ntp": NTP_NS})
PREFIXES.update({"eth": ETHERNET_NS})
PREFIXES.update({"gnmi": GNMI_CFG_NS})
#: Top-level containers of the datastore that commands address beside ``native`` rather than inside it (a path
#: whose first step is one of these starts at the datastore root): Cisco-IOS-XE-gnmi-cfg's ``gnmi-yang`` home.
BESIDE_NATIVE = frozenset({f"{{{GNMI_CFG_NS}}}gnmi-cfg-data"})


# -- paths ----------------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Step:
    """One step of an instance path: an element tag, plus the key values of a list entry or the value of a
    leaf-list entry."""

    tag: str
    keys: tuple[tuple[str, str], ...] = ()
    value: str | None = None


@dataclass(frozen=True, slots=True)
class SchemaStep:
    """One step of a compiled anchor: the element tag and, for a list, the Clark tags of its keys."""

    tag: str
    keys: tuple[str, ...] = ()


@cache
def resolve(path: str, ns: str) -> tuple[str, ...]:
    """Clark tags of the steps of ``path``, starting in namespace ``ns`` (see the module docstring)."""
    return tuple(s.tag for s in resolve_anchor(path, ns))


@cache
def resolve_anchor(path: str, ns: str) -> tuple[SchemaStep, ...]:
    """Compile an anchor path (steps may carry ``[key key]``) relative to an element in namespace ``ns``."""
    steps: list[SchemaStep] = []
    if not path:
        return ()
    for raw in path.split("/"):
        name, _, keys = raw.partition("[")
        prefix, sep, local = name.partition(":")
        if sep:
            ns = PREFIXES[prefix]
            name = local
        key_tags = tuple(f"{{{ns}}}{k}" for k in keys.rstrip("]").split()) if keys else ()
        steps.append(SchemaStep(f"{{{ns}}}{name}", key_tags))
    return tuple(steps)


def ns_of(tag: str) -> str:
    """Namespace part of a Clark tag."""
    return tag[1:].partition("}")[0]


# -- argument types -------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Word:
    """One token, taken as it is."""

    help: str = "WORD"
    hex_upper: bool = False  # an all-hex word is stored in upper case (key-hash)
    pattern: str = ""  # when set, the whole word must match it (``A.B.C.D``: IOS puts the caret on a bad address)

    @property
    def keeps_every_text(self) -> bool:
        """True when :meth:`convert` gives back any text unchanged (no pattern to match, no case to change): a
        check of thousands of values in this slot need not call it on each."""
        return not self.pattern and not self.hex_upper

    def convert(self, text: str) -> str | None:
        if self.pattern and re.fullmatch(self.pattern, text) is None:
            return None
        if self.hex_upper and _HEX.fullmatch(text):
            return text.upper()
        return text


@dataclass(frozen=True, slots=True)
class Number:
    """A decimal integer within ``lo..hi``."""

    lo: int
    hi: int

    @property
    def help(self) -> str:
        return f"<{self.lo}-{self.hi}>"

    def convert(self, text: str) -> str | None:
        digits = text[1:] if self.lo < 0 and text.startswith("-") else text  # a signed range takes a minus
        if not ascii_digits(digits):
            return None
        value = int(text)
        return str(value) if self.lo <= value <= self.hi else None


@dataclass(frozen=True, slots=True)
class Rest:
    """Everything to the end of the line (IOS ``LINE``), internal spacing kept."""

    help: str = "LINE"
    transform: str | None = None  # "type9" | "type8" | "type5": hash the text as `algorithm-type` asks
    #: to the very end of the line, trailing blanks included (a banner's text is kept as typed)
    verbatim: bool = False


@dataclass(frozen=True, slots=True)
class Choice:
    """One of fixed words, matched like keywords (abbreviations, ambiguity); ``values`` are the stored forms when
    they differ from the words shown (``RO`` -> ``ro``). ``exact`` words must be typed in full: used where a free
    name may stand instead, so that a name which happens to abbreviate the word reads back as the name."""

    words: tuple[str, ...]
    values: tuple[str, ...] = ()
    exact: bool = False  # no abbreviations: beside a free name (``group TAC`` names a group, not tacacs+)

    def value_of(self, word: str) -> str:
        return self.values[self.words.index(word)] if self.values else word

    def word_of(self, value: str) -> str | None:
        stored = self.values or self.words
        return self.words[stored.index(value)] if value in stored else None


#: The interface-choice leaves of Cisco-IOS-XE-interface-common, and which of them hold a plain number.
INTERFACE_TYPES = (
    "BDI", "Ethernet", "FastEthernet", "GigabitEthernet", "FiveGigabitEthernet", "AppGigabitEthernet",
    "TwentyFiveGigE", "TwoGigabitEthernet", "FortyGigabitEthernet", "HundredGigE", "Loopback", "Multilink", "nve",
    "Port-channel", "Cellular", "Dialer", "Serial", "TenGigabitEthernet", "Tunnel", "Virtual-Template", "Vlan",
    "VirtualPortGroup", "BD-VIF",
)  # fmt: skip
NUMERIC_INTERFACES = frozenset(
    {"Loopback", "Multilink", "nve", "Port-channel", "Tunnel", "Virtual-Template", "Vlan", "VirtualPortGroup"}
)
_IF_SPLIT = re.compile(r"([A-Za-z][A-Za-z-]*?)([0-9][0-9/.:]*)")
_IF_NUMBER = re.compile(r"[0-9][0-9/.:]*")
_HEX = re.compile(r"[0-9A-Fa-f]+")


@dataclass(frozen=True, slots=True)
class Interface:
    """An interface name (``Loopback0``, ``Gi1/0/1``, ``Loopback 0``): the path names the interface-choice container,
    whose child element is the interface type and whose text is the number."""

    help: str = "Interface"
    #: one interface type only, whose number is the value (the key of ``interface GigabitEthernet1``'s list entry)
    only: str | None = None
    #: the whole name is the value, as one string (``ip route … GigabitEthernet1``: a leaf of type string)
    joined: bool = False

    def value_of(self, kind: str, number: str) -> tuple[str, str] | str | None:
        """What the parser stores for a name split into (type, number): the pair for a choice container, the
        number for ``only`` (None for another type), the joined name for ``joined``."""
        if self.only is not None:
            return number if kind == self.only else None
        return kind + number if self.joined else (kind, number)

    @staticmethod
    def split(text: str) -> tuple[str, str] | None:
        """(type, number) of a one-token interface name, the type completed from a unique prefix."""
        m = _IF_SPLIT.fullmatch(text)
        if m is None:
            return None
        kind = Interface.kind(m.group(1))
        return None if kind is None else Interface.checked(kind, m.group(2))

    @staticmethod
    def kind(text: str) -> str | None:
        low = text.lower()
        exact = [t for t in INTERFACE_TYPES if t.lower() == low]
        if exact:
            return exact[0]
        found = [t for t in INTERFACE_TYPES if t.lower().startswith(low)]
        return found[0] if len(found) == 1 else None

    @staticmethod
    def checked(kind: str, number: str) -> tuple[str, str] | None:
        if kind in NUMERIC_INTERFACES:
            if not ascii_digits(number):
                return None
            number = str(int(number))
        elif not _IF_NUMBER.fullmatch(number):
            return None
        return kind, number


ArgType = Word | Number | Rest | Choice | Interface


# -- syntax nodes ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Kw:
    """A keyword. When matched it may set leaves (``set``: (path, value); value None makes the element exist: an
    empty leaf, a presence container), set leaves before anything else (``defaults``, ignored when rendering),
    delete nodes (``clears``) or empty a container whose content the rest of the command then defines
    (``replace``). ``display`` is the spelling shown by the renderer when it differs (``line con 0``); a
    ``hidden`` keyword must be typed in full and never makes another one ambiguous (old spellings)."""

    word: str
    set: tuple[tuple[str, str | None], ...] = ()
    defaults: tuple[tuple[str, str], ...] = ()
    clears: tuple[str, ...] = ()
    replace: tuple[str, ...] = ()
    display: str | None = None
    hidden: bool = False
    parse_only: bool = False
    render_only: bool = False


@dataclass(frozen=True, slots=True)
class Arg:
    """An argument stored in the leaf ``path`` (None: accepted and dropped, e.g. a key comment). A ``leaflist``
    argument takes one or more tokens, each a value of the leaf-list, in order.

    ``flags`` (leaf-lists only) names empty leaves beside the leaf-list that stand for some of the values (Cisco's
    17.12 ``encryption/aes*-ctr`` leaves beside the typed, ordered list): a typed value among them also sets its
    leaf, and the leaf-list is stored only when the leaves alone would not print the same words (another order,
    other values). What is printed is :func:`flagged_order`."""

    path: str | None
    type: ArgType
    leaflist: bool = False
    parse_only: bool = False
    render_only: bool = False
    flags: tuple[str, ...] = ()


def flagged_order(values: Sequence[str], present: Iterable[str], flags: Sequence[str]) -> tuple[str, ...]:
    """The words of a leaf-list with ``flags`` (see :class:`Arg`): the stored values less the flagged ones whose
    leaf is gone (removed over NETCONF), then the leaves that no value names, in ``flags`` order; the leaves alone
    when no value is stored."""
    have = frozenset(present)
    kept = [v for v in values if v not in flags or v in have]
    return (*kept, *(f for f in flags if f in have and f not in kept))


def flagged_list(words: Sequence[str], flags: Sequence[str]) -> tuple[str, ...]:
    """The leaf-list the parser stores for the ``words`` of a flagged argument (see :class:`Arg`): empty when
    the flagged leaves alone print the same words (those values, in ``flags`` order), else the words."""
    return () if list(words) == [f for f in flags if f in words] else tuple(words)


@dataclass(frozen=True, slots=True)
class Seq:
    items: tuple[Node, ...]
    parse_only: bool = False
    render_only: bool = False


@dataclass(frozen=True, slots=True)
class Opt:
    item: Node
    parse_only: bool = False
    render_only: bool = False


@dataclass(frozen=True, slots=True)
class Alt:
    """One of the branches; the renderer prints the first branch whose data is present."""

    branches: tuple[Node, ...]
    parse_only: bool = False
    render_only: bool = False


@dataclass(frozen=True, slots=True)
class Many:
    """Several of the items, each at most once, in any order; rendered in the declared order."""

    items: tuple[Node, ...]
    min: int = 1
    parse_only: bool = False
    render_only: bool = False


@dataclass(frozen=True, slots=True)
class Pad:
    """Render-only empty token: the extra space IOS prints (``public  tty``, the trailing space of key-hash)."""

    parse_only: bool = False
    render_only: bool = False


Node = Kw | Arg | Seq | Opt | Alt | Many | Pad


def seq(*items: Node | str) -> Seq:
    """A sequence; plain strings are keywords."""
    return Seq(tuple(Kw(i) if isinstance(i, str) else i for i in items))


def flag(word: str, path: str) -> Kw:
    """A keyword that makes an empty leaf (or presence container) exist."""
    return Kw(word, set=((path, None),))


def switch(word: str, path: str) -> Kw:
    """A keyword that sets a boolean leaf true (its ``no`` form stores false: ``no_sets``, ``no mop enabled``)."""
    return Kw(word, set=((path, "true"),))


def kws(text: str) -> tuple[Kw, ...]:
    """Keywords from a space-separated string."""
    return tuple(Kw(w) for w in text.split())


def walk(node: Node) -> list[Node]:
    """Every node of a syntax tree, depth first."""
    out: list[Node] = [node]
    if isinstance(node, Seq | Alt):
        for child in node.items if isinstance(node, Seq) else node.branches:
            out.extend(walk(child))
    elif isinstance(node, Many):
        for child in node.items:
            out.extend(walk(child))
    elif isinstance(node, Opt):
        out.extend(walk(node.item))
    return out


# -- commands and modes ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Mode:
    """A configuration (sub-)mode: the prompt suffix, the namespace of its context element, the indentation of its
    commands in running-config, and, for key data modes, what the collected lines become."""

    name: str
    ns: str
    indent: str = ""
    data: str | None = None  # "ssh-key" | "crypto-key": lines are key material until exit/quit


@dataclass(frozen=True)
class Command:
    """One IOS configuration command, declared once for both directions.

    ``anchor`` is the element the command describes, relative to its mode's context element (the list entry a
    sub-mode was entered for, or ``native``); paths in the syntax are relative to the anchor. The ``no`` form is
    ``no`` + the first ``no_len`` items (the rest optional) and, by ``no``: ``"anchor"`` deletes the anchor (the
    default for list entries), ``"data"`` deletes every node the syntax names (the default otherwise),
    ``"sets"`` stores ``no_sets`` instead (``no ip domain lookup``), ``"none"`` has no ``no`` form.
    """

    id: str
    mode: Mode
    syntax: Seq
    anchor: str = ""
    enters: Mode | None = None
    collect: str | None = None  # enters a key data mode ("ssh-key", "ssh-server-key", "crypto-key")
    replace_anchor: bool = False  # re-entering the command redefines the whole anchor (method lists, hosts)
    no: str = "auto"
    no_len: int | None = None
    no_sets: tuple[tuple[str, str], ...] = ()
    no_remove: tuple[str, ...] = ()
    default_line: str | None = None  # printed when the command has nothing to print ("no aaa new-model")
    bare: bool = False  # printed only when the anchor exists and is empty ("snmp-server enable traps"); a block
    # (``enters``) whenever its anchor exists ("redundancy")
    fixed: bool = False  # always printed, stores nothing ("boot-start-marker")
    noop: bool = False  # accepted, stores nothing ("version 17.12")
    action: bool = False  # stores nothing, acts on the device ("crypto key generate rsa"): parsed into an Action
    parse_only: bool = False
    contexts: tuple[str, ...] = ()  # local names of the context elements the command exists under
    block_end: str | None = None  # line printed after the sub-mode block ("!")
    render_as: str | None = None  # special renderer ("crypto-key")
    no_refused: str | None = None  # IOS's refusal of the ``no`` form ("% Removal of physical interfaces ...")
    block_start: str | None = None  # line(s) printed before the command's line in a block (" !" before address-family)
    skip_if: tuple[str, ...] = ()  # not printed for an anchor holding one of these (another command prints it)
    no_prune: int = 0  # the no form also removes up to N enclosing list entries it leaves with their keys only
    natural_order: bool = False  # entries printed in IOS's numeric order (Gi1/0/9 before Gi1/0/10, 9.0.0.0 first)
    default_if: tuple[str, ...] = ()  # default_line only where one of these exists (a routed port, not a switchport)
    anchor_steps: tuple[SchemaStep, ...] = field(init=False, repr=False)
    no_syntax: Seq | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "anchor_steps", resolve_anchor(self.anchor, self.mode.ns))
        items = self.syntax.items
        if self.no == "none":
            object.__setattr__(self, "no_syntax", None)
            return
        n = self.no_len if self.no_len is not None else self._default_no_len()
        rest = tuple(i if isinstance(i, Opt) else Opt(i) for i in items[n:] if not isinstance(i, Pad))
        object.__setattr__(self, "no_syntax", Seq(items[:n] + rest))

    @cached_property
    def base_ns(self) -> str:
        """Namespace of the anchor element (paths in the syntax start in it). Cached, as ``key_names``: the renderer
        and the parser ask for each value they print or read."""
        if self.anchor_steps:
            return ns_of(self.anchor_steps[-1].tag)
        return self.mode.ns

    @cached_property
    def key_names(self) -> tuple[str, ...]:
        """Local names of the list keys of every step of the anchor (paths in the syntax that set them; an
        ``ip route`` is keyed by prefix and mask, then by next hop)."""
        return tuple(k.rpartition("}")[2] for step in self.anchor_steps for k in step.keys)

    def path(self, rel: str) -> tuple[str, ...]:
        """Clark tags of a syntax path, below the anchor."""
        return resolve(rel, self.base_ns)

    def leaflist_paths(self) -> frozenset[str]:
        """Paths of the syntax's leaf-list arguments."""
        return frozenset(n.path for n in walk(self.syntax) if isinstance(n, Arg) and n.leaflist and n.path)

    def data_paths(self) -> tuple[str, ...]:
        """Every path the syntax stores (keys left out), in declaration order."""
        keys = set(self.key_names)
        out: list[str] = []
        for node in walk(self.syntax):
            paths: list[str] = []
            if isinstance(node, Kw):
                paths = [p for p, _ in node.set]
            elif isinstance(node, Arg) and node.path is not None:
                paths = [node.path]
            for p in paths:
                if p not in keys and p not in out:
                    out.append(p)
        return tuple(out)

    def _default_no_len(self) -> int:
        """The identifying head of the command: its leading keywords, the keyword that carries the data (``aaa
        new-model``) and every item up to the last list key (``username NAME``, ``snmp-server host A C``)."""
        items = self.syntax.items
        keys = set(self.key_names)
        n = 0
        while n < len(items) and isinstance(items[n], Kw | Alt | Seq) and _pure(items[n]):
            n += 1
        if (
            n < len(items)
            and isinstance(items[n], Kw | Alt | Seq)
            and not any(isinstance(x, Arg) for x in walk(items[n]))
        ):
            n += 1
        for i, item in enumerate(items):
            for node in walk(item):
                sets = [p for p, _ in node.set] if isinstance(node, Kw) else []
                if isinstance(node, Arg) and node.path is not None:
                    sets.append(node.path)
                if keys.intersection(sets):
                    n = max(n, i + 1)
        return n


def _pure(node: Node) -> bool:
    """True for syntax that stores nothing (keywords only)."""
    return all(not isinstance(x, Arg) and not (isinstance(x, Kw) and x.set) for x in walk(node))
