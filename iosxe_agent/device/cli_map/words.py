"""Is a typed line a real IOS XE 17.12 command? The check for lines no command of the table knows.

A line typed at the CLI that matches no command of the table is kept as text (:mod:`.unmodelled`) only when its
leading words are those of a real 17.12 command; otherwise it stays ``% Invalid input`` with the caret under the
first word that is not, as IOS answers. The words are the names of Cisco's real 17.12.1 native model
(:mod:`.vocabulary`, generated): the typed words walk that tree as deep as it goes (containers, and one hidden level
below them, as Cisco's model has containers that are no CLI word), abbreviated to any unique prefix as IOS allows;
at a leaf the rest of the line is arguments, at a list its keys and, when the list has words of its own, the line
enters that list's sub-mode (``router ospf 1`` -> ``Router(config-router)#``).

Pure functions of the words and the generated table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from iosxe_agent.device.cli_map.syntax import Interface
from iosxe_agent.device.cli_map.vocabulary import NODES
from iosxe_agent.digits import ascii_digits

__all__ = ["PROMPTS", "Verdict", "check", "node_of", "prompt_of", "words"]

#: Sub-modes a kept line enters, by its leading words (longest first wins): IOS's prompt names.
PROMPTS: tuple[tuple[str, str], ...] = (
    ("ip access-list extended", "config-ext-nacl"),
    ("ip access-list standard", "config-std-nacl"),
    ("ipv6 access-list", "config-ipv6-acl"),
    ("crypto pki trustpoint", "ca-trustpoint"),
    ("crypto isakmp policy", "config-isakmp"),
    ("object-group network", "config-network-group"),
    ("vrf definition", "config-vrf"),
    ("key chain", "config-keychain"),
    ("address-family", "config-router-af"),
    ("router", "config-router"),
    ("class-map", "config-cmap"),
    ("policy-map", "config-pmap"),
    ("class", "config-pmap-c"),
    ("vlan", "config-vlan"),
    ("interface", "config-if"),
    ("route-map", "config-route-map"),
    ("track", "config-track"),
    ("control-plane", "config-cp"),
    ("redundancy", "red"),
    ("line", "config-line"),
    ("key", "config-keychain-key"),
)
#: Sub-modes entered by a container alone (the others are entered by a list entry: ``router ospf 1``).
_BARE_MODES = frozenset({"control-plane", "redundancy"})
#: Sub-modes whose list key may be left out (``address-family ipv4`` is ``ipv4 unicast``).
_OPTIONAL_KEYS = frozenset({"address-family"})
#: The interface type whose words stand for the types the generator did not write out.
_DEFAULT_INTERFACE = "GigabitEthernet"


@dataclass(frozen=True, slots=True)
class _Word:
    """A word of a node: ``marker`` ``""`` container, ``=`` leaf, ``*`` list; ``path`` the node it leads to."""

    marker: str
    path: str


@cache
def words(node: str) -> dict[str, _Word]:
    """The words that may follow ``node`` (a :data:`~.vocabulary.NODES` path), each with where it leads."""
    out: dict[str, _Word] = {}
    for item in NODES.get(node, "").split():
        word, _, via = item.partition("@")
        marker = word[-1] if word[-1] in "=*" else ""
        name = word[: len(word) - len(marker)]
        steps = [s for s in (node, via.replace("/", " "), name) if s]
        out[name] = _Word(marker, " ".join(steps))
    return out


def node_of(names: Sequence[str]) -> str:
    """The vocabulary node of a modelled block, from the element names of its path (``line vty``,
    ``interface Loopback``); an interface type the generator left out speaks with the words of GigabitEthernet."""
    path = " ".join(names)
    if path not in NODES and len(names) == 2 and names[0] == "interface":
        return f"interface {_DEFAULT_INTERFACE}"
    return path


def prompt_of(spelled: Sequence[str]) -> str | None:
    """IOS's prompt name for the sub-mode a kept line with these (full) leading words enters; None for a line
    that enters none (``neighbor …`` of ``router bgp`` is a list of the model, but no sub-mode)."""
    for head, prompt in PROMPTS:
        if list(spelled[: len(head.split())]) == head.split():
            return prompt
    return None


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the vocabulary says about a line: ``ok`` (``words``: the checked tokens spelled in full, the rest as
    typed; ``enters``: the node of the sub-mode it enters, or None), ``invalid`` (caret ``column``), ``ambiguous``
    or ``incomplete``."""

    kind: str
    column: int = 0
    words: tuple[str, ...] = ()
    enters: str | None = None


def common_prefix(a: str, b: str) -> int:
    """How many leading characters ``a`` and ``b`` share: where IOS puts the caret under a mistyped keyword."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _lookup(table: dict[str, _Word], low: str) -> list[str]:
    """The words ``low`` stands for: itself when it is one, else those it abbreviates."""
    if low in table:
        return [low]
    return [w for w in table if w.startswith(low)]


def _hidden(table: dict[str, _Word], low: str) -> list[tuple[str, _Word]]:
    """The word ``low`` spelled in full one level down, below a container or list that is no CLI word of its own
    (``address-family`` > ``no-vrf`` > ``ipv4``): tried only when no word of the node itself fits, and never
    abbreviated (so it cannot make a line ambiguous that IOS reads)."""
    found: dict[str, _Word] = {}
    for entry in table.values():
        if entry.marker != "=" and low in (below := words(entry.path)):
            found.setdefault(low, below[low])
    return list(found.items())


def _numbered(table: dict[str, _Word]) -> _Word | None:
    """The list a number names an entry of, where the model's list is no CLI word (``vlan 10``: ``vlan-list``,
    ``router ospf 1``: ``process-id``)."""
    lists = sorted((w, e) for w, e in table.items() if e.marker == "*")
    preferred = [e for w, e in lists if w.endswith(("list", "id"))]
    found = preferred or [e for _, e in lists]
    return found[0] if found else None


def _interface(text: str, nxt: str | None) -> str | None:
    """The node of the interface named after ``interface`` (``GigabitEthernet1``, ``Gi 1``), or None."""
    split = Interface.split(text)
    if split is None and nxt is not None and (kind := Interface.kind(text)) is not None:
        split = Interface.checked(kind, nxt)
    return None if split is None else node_of(("interface", split[0]))


def check(tokens: Sequence[tuple[str, int]], node: str) -> Verdict:
    """Walk ``tokens`` ((text, column) pairs; no leading ``no``) through the words of ``node``."""
    spelled: list[str] = []
    path = node
    i = 0
    while i < len(tokens):
        text, start = tokens[i]
        table = words(path)
        rest = tuple(t for t, _ in tokens[i:])
        if not table:  # deeper than the generated table goes: what follows is not checked
            return Verdict("ok", 0, (*spelled, *rest), None)
        if path == "interface":
            sub = _interface(text, tokens[i + 1][0] if i + 1 < len(tokens) else None)
            if sub is None:
                return Verdict("invalid", start)
            return Verdict("ok", 0, (*spelled, *rest), sub)
        low = text.lower()
        found = _lookup(table, low)
        if len(found) > 1:
            return Verdict("ambiguous", start)
        entry = table[found[0]] if found else None
        if entry is None:
            hidden = _hidden(table, low)
            if hidden:
                found = [hidden[0][0]]
                entry = hidden[0][1]
            elif ascii_digits(low[:1]) and (keyed := _numbered(table)) is not None:
                return Verdict("ok", 0, (*spelled, *rest), keyed.path if words(keyed.path) else None)
            else:
                best = max((common_prefix(low, w) for w in table), default=0)
                return Verdict("invalid", start + best)
        spelled.append(found[0])
        i += 1
        if entry.marker == "=":
            return Verdict("ok", 0, (*spelled, *(t for t, _ in tokens[i:])), None)
        if entry.marker == "*":
            if i >= len(tokens) and spelled[0] not in _OPTIONAL_KEYS:
                return Verdict("incomplete")
            return Verdict("ok", 0, (*spelled, *(t for t, _ in tokens[i:])), entry.path if words(entry.path) else None)
        path = entry.path
    if " ".join(spelled) in _BARE_MODES:
        return Verdict("ok", 0, tuple(spelled), path)
    return Verdict("incomplete")
