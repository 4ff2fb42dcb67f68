"""Datastore tree -> ``show running-config`` text, from the one CLI table.

Each command of :data:`~.table.RENDER_PLAN` (and, inside a block, each command of the sub-mode) is printed for
every instance of its anchor whose data its syntax can spell: keywords as declared, arguments from their leaves,
optional parts only when their data is present, the first alternative that has data. What the renderer prints,
the parser reads back into the same tree (tested with hypothesis); nodes no command covers are not printed. Lines
kept as text (:mod:`.unmodelled`) print at the slots between the commands' lines where the file had them.

Layout (CLI reference §1.2-1.7, 17.x): ``Building configuration...``, a blank line, ``Current configuration : N
bytes`` (N = byte length of the text from the next ``!`` through ``end\\n``, plus one, as IOS counts it), ``!``,
optionally ``! Last configuration change at HH:MM:SS UTC Www Mmm D YYYY[ by USER]`` and ``!``, ``version 17.12``,
the sections in 17.x order with ``!`` separator lines, one-space indentation inside blocks (two and three in
``ip ssh pubkey-chain``), ``end``. The text ends with ``end\\n``; the shell adds the empty line IOS prints before
the prompt. The result is a pure function of the tree and the arguments (the clock value is passed in).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import cache
from typing import NamedTuple

from lxml import etree

from iosxe_agent.data.tags import tag_of
from iosxe_agent.device.cli_map.keys import crypto_key_lines
from iosxe_agent.device.cli_map.render_memo import Printed as _Printed
from iosxe_agent.device.cli_map.render_memo import Template, rendered, template_of
from iosxe_agent.device.cli_map.syntax import (
    BESIDE_NATIVE,
    INTERFACE_TYPES,
    Alt,
    Arg,
    Choice,
    Command,
    Interface,
    Kw,
    Many,
    Node,
    Opt,
    Pad,
    SchemaStep,
    Seq,
    flagged_order,
    walk,
)
from iosxe_agent.device.cli_map.table import BANNER_DELIMITER, BY_ID, BY_MODE, CRYPTO_DATA, RENDER_PLAN
from iosxe_agent.device.cli_map.tree import NATIVE_TAG
from iosxe_agent.device.cli_map.unmodelled import FIRST, LAST, Slot, read
from iosxe_agent.digits import ascii_digits

__all__ = [
    "IOS_VERSION",
    "render_config",
    "render_events",
    "render_lines",
    "render_running_config",
    "render_sourced",
]

IOS_VERSION = "17.12"
_INTERFACES = frozenset(INTERFACE_TYPES)


_Rendered = _Printed | None
#: What the walk over the plan yields: a line, or a place where kept lines may print (:mod:`.unmodelled`).
Event = str | Slot
_NOTHING = _Printed([], 0, [])


#: Children :func:`_child` compares one by one before it asks lxml to search the rest.
_SCAN = 8


def _child(el: etree._Element, tag: str) -> etree._Element | None:
    """The first child of ``el`` named ``tag``. Why a loop first: ``iterchildren(tag)`` parses the tag on every
    call, which costs more than comparing the few children a list entry or container has (the render of 10,000
    users looks up 70,000 children); a parent with more children (``native``) is searched by lxml past them."""
    for scanned, child in enumerate(el, 1):
        if child.tag == tag:
            return child
        if scanned == _SCAN:
            return next(el.iterchildren(tag), None)
    return None


def _find(el: etree._Element | None, tags: tuple[str, ...]) -> etree._Element | None:
    for tag in tags:
        if el is None:
            return None
        el = _child(el, tag)
    return el


def _anchors(ctx: etree._Element, steps: tuple[SchemaStep, ...], where: str) -> list[tuple[etree._Element, str]]:
    """The anchor elements of a command below ``ctx``, each with its context key (:func:`.unmodelled.context_key`
    of its path; ``where`` is the one of ``ctx``)."""
    found = [(ctx, where)]
    for step in steps:
        nxt: list[tuple[etree._Element, str]] = []
        name = step.tag.rpartition("}")[2]
        for el, key in found:
            hits = el.iterchildren(step.tag) if step.keys else (h for h in (_child(el, step.tag),) if h is not None)
            for hit in hits:
                values = "".join(f"[{_child_text(hit, k)}]" for k in step.keys)
                nxt.append((hit, f"{key}/{name}{values}" if key else f"{name}{values}"))
        found = nxt
    return found


def _child_text(el: etree._Element, tag: str) -> str:
    hit = _child(el, tag)
    return "" if hit is None else (hit.text or "")


def _natural_key(el: etree._Element, steps: tuple[SchemaStep, ...]) -> tuple[tuple[tuple[int, int | str], ...], ...]:
    """The key values of the list entries from the top of the anchor down to ``el``, numbers compared as numbers
    (``1/0/9`` < ``1/0/10``, ``9.0.0.0`` < ``10.0.0.0``): the order IOS prints interfaces and static routes in."""
    values: list[str] = []
    for step in reversed(steps):
        values[:0] = [_child_text(el, key) for key in step.keys]
        parent = el.getparent()
        if parent is None:
            break
        el = parent
    return tuple(
        tuple((0, int(part)) if ascii_digits(part) else (1, part) for part in re.split(r"([0-9]+)", value) if part)
        for value in values
    )


def _outer_key(el: etree._Element, tag: str, depth: int) -> etree._Element | None:
    """The key leaf ``tag`` of a list entry the anchor ``el`` sits in (an anchor with keys on several steps, as
    ``ip route``'s prefix, then next hop), at most ``depth`` levels up."""
    for up in itertools.islice(el.iterancestors(), depth):
        hit = _child(up, tag)
        if hit is not None:
            return hit
    return None


def _flagged(node: Arg, parent: etree._Element, entries: list[etree._Element]) -> _Rendered:
    """A leaf-list with ``flags``: the words :func:`~.syntax.flagged_order` reads from the list and the leaves."""
    ns = tag_of(parent)[1:].partition("}")[0]
    leaves = {f: leaf for f in node.flags if (leaf := _child(parent, f"{{{ns}}}{f}")) is not None}
    words = flagged_order([e.text or "" for e in entries], leaves, node.flags)
    if not words or (isinstance(node.type, Choice) and any(node.type.word_of(w) is None for w in words)):
        return None
    return _Printed(list(words), 1, [e for e in entries if (e.text or "") in words] + list(leaves.values()))


def _arg(node: Arg, el: etree._Element, cmd: Command) -> _Rendered:
    if node.path is None:
        return None
    tags = cmd.path(node.path)
    kind = node.type
    if node.leaflist:
        parent = _find(el, tags[:-1])
        entries = [] if parent is None else list(parent.iterchildren(tags[-1]))
        if node.flags and parent is not None:
            return _flagged(node, parent, entries)
        if not entries:
            return None
        values = [v.text or "" for v in entries]
        if isinstance(kind, Choice):
            words = [kind.word_of(v) for v in values]
            if any(w is None for w in words):
                return None
            return _Printed([w for w in words if w is not None], 1, entries)
        return _Printed(values, 1, entries)
    target = _find(el, tags)
    if target is None and node.path in cmd.key_names:
        target = _outer_key(el, tags[-1], len(cmd.anchor_steps))
    if target is None:
        return None
    if isinstance(kind, Interface) and kind.only is not None:
        return _Printed([f"{kind.only}{target.text or ''}"], 1, [target])
    if isinstance(kind, Interface) and not kind.joined:
        for choice in target:
            if isinstance(choice.tag, str):
                name = choice.tag.rpartition("}")[2]
                if name in _INTERFACES:
                    return _Printed([f"{name}{choice.text or ''}"], 1, [choice])
        return None
    text = target.text or ""
    if isinstance(kind, Choice):
        word = kind.word_of(text)
        return None if word is None else _Printed([word], 1, [target])
    return _Printed([text], 1, [target])


def _render(node: Node, el: etree._Element, cmd: Command) -> _Rendered:
    """The tokens ``node`` prints for the data under ``el`` and how many data items they carry; None when the
    data does not fit the node."""
    if node.parse_only:
        return None
    if isinstance(node, Kw):
        sources: list[etree._Element] = []
        for path, value in node.set:
            target = _find(el, cmd.path(path))
            if target is None or (value is not None and (target.text or "") != value):
                return None
            sources.append(target)
        return _Printed([node.display or node.word], 1 if node.set else 0, sources)
    if isinstance(node, Arg):
        return _arg(node, el, cmd)
    if isinstance(node, Seq):  # (:func:`_join` unrolled: the most frequent node, 60,000 of them for 10,000 users)
        tokens: list[str] = []
        data = 0
        printed: list[etree._Element] = []
        for item in node.items:
            part = _render(item, el, cmd)
            if part is None:
                return None
            tokens += part.tokens
            data += part.data
            printed += part.sources
        return _Printed(tokens, data, printed)
    if isinstance(node, Opt):
        got = _render(node.item, el, cmd)
        return got if got is not None and got.data else _NOTHING
    if isinstance(node, Alt):
        fallback: _Rendered = None
        for branch in node.branches:
            got = _render(branch, el, cmd)
            if got is not None:
                if got.data:
                    return got
                fallback = fallback or got
        return fallback
    if isinstance(node, Many):
        parts = [got for got in (_render(item, el, cmd) for item in node.items) if got is not None and got.data]
        return _join(parts) if len(parts) >= node.min else None
    if isinstance(node, Pad):
        return _Printed([""], 0, [])
    raise TypeError(node)


def _join(parts: Iterable[_Rendered]) -> _Rendered:
    """The parts printed one after the other; None if one of them cannot be printed."""
    tokens: list[str] = []
    data = 0
    sources: list[etree._Element] = []
    for part in parts:
        if part is None:
            return None
        tokens += part.tokens
        data += part.data
        sources += part.sources
    return _Printed(tokens, data, sources)


def _words(node: Node) -> list[str]:
    """The keywords of a data-free head of a command (for ``no`` lines)."""
    if isinstance(node, Kw):
        return [node.display or node.word]
    if isinstance(node, Seq):
        return [w for item in node.items for w in _words(item)]
    if isinstance(node, Alt):
        branch = next(b for b in node.branches if not b.parse_only)
        return _words(branch)
    return []


def _negated(cmd: Command, el: etree._Element) -> list[etree._Element]:
    """The leaves that make ``el`` print as the command's ``no`` form (``no ip domain lookup``), or none."""
    found: list[etree._Element] = []
    for path, value in cmd.no_sets:
        target = _find(el, cmd.path(path))
        if target is None or (target.text or "") != value:
            return []
        found.append(target)
    return found


def _banner(
    cmd: Command, anchor: etree._Element, indent: str, out: list[Event], sources: list[etree._Element] | None
) -> None:
    """``banner KIND ^C`` + the text as stored (its line breaks make the lines) + ``^C``, as IOS prints it."""
    leaf = _find(anchor, cmd.path("banner"))
    if leaf is None:
        return
    if sources is not None:
        sources.append(leaf)  # a text holding the delimiter reads back differently, so it is refused
    head = " ".join(w for item in cmd.syntax.items[:2] for w in _words(item))
    text = f"{head} {BANNER_DELIMITER}{leaf.text or ''}{BANNER_DELIMITER}"
    out.extend(indent + line for line in text.split("\n"))


def _command(
    cmd: Command,
    ctx: etree._Element,
    indent: str,
    out: list[Event],
    sources: list[etree._Element] | None,
    where: str = "",
) -> None:
    """Append the lines of ``cmd`` for the context element ``ctx`` to ``out`` (and, when ``sources`` is a list,
    the data elements those lines print), with the slots where kept lines may print between them (``where``: the
    context key of ``ctx``)."""
    if cmd.fixed:
        out.append(indent + " ".join(_words(cmd.syntax)))
        out.append(Slot(where, cmd.id))
        return
    if cmd.noop or cmd.parse_only:
        return
    if cmd.contexts and tag_of(ctx).rpartition("}")[2] not in cmd.contexts:
        return
    quick = _quick(cmd)
    if quick.head:
        found = _find(ctx, quick.head)
        if found is None or (quick.single and quick.idle(found)):
            out.append(Slot(where, cmd.id))
            return
    start = len(out)
    anchors = _anchors(ctx, cmd.anchor_steps, where)
    if cmd.natural_order:
        anchors.sort(key=lambda found: _natural_key(found[0], cmd.anchor_steps))
    for anchor, key in anchors:
        if quick.idle(anchor):
            continue
        if cmd.render_as == "crypto-key":
            hex_el = _find(anchor, cmd.path("hex-data"))
            if hex_el is not None and sources is not None:
                sources.append(hex_el)  # an empty key prints nothing: the parser must miss it, so it is refused
            if hex_el is not None and hex_el.text:
                out.append(indent + "key-string")
                out.extend(CRYPTO_DATA.indent + line for line in crypto_key_lines(hex_el.text))
                out.append(indent + "quit")
            continue
        if cmd.render_as == "banner":
            _banner(cmd, anchor, indent, out, sources)
            continue
        if cmd.skip_if and any(_find(anchor, cmd.path(p)) is not None for p in cmd.skip_if):
            continue
        if cmd.bare and cmd.enters is None:
            if not any(isinstance(c.tag, str) for c in anchor):
                out.append(indent + " ".join(_words(cmd.syntax)))
            continue
        got = rendered(cmd, anchor, _render)
        if got is None:
            negated = _negated(cmd, anchor)
            if negated:
                assert cmd.no_syntax is not None
                if sources is not None:
                    sources += negated
                n = len(cmd.syntax.items) if cmd.no_len is None else cmd.no_len
                head = [w for item in cmd.no_syntax.items[:n] for w in _words(item)]
                out.append(indent + "no " + " ".join(head))
            continue
        block: list[Event] = []
        block_sources: list[etree._Element] | None = None if sources is None else []
        if cmd.enters is not None:
            block.append(Slot(key, FIRST))
            for sub in BY_MODE[cmd.enters.name]:
                _command(sub, anchor, cmd.enters.indent, block, block_sources, key)
            block.append(Slot(key, LAST))
            if not got.data and not _printed(block) and not cmd.bare:  # a bare block prints empty ("redundancy")
                continue
        elif not got.data:
            continue
        if cmd.block_start is not None:
            out.extend(indent + line for line in cmd.block_start.split("\n"))
        out.append(indent + " ".join(got.tokens))
        out.extend(block)
        if sources is not None and block_sources is not None:
            sources += got.sources + block_sources
        if cmd.block_end is not None:
            out.append(indent + cmd.block_end)
        if cmd.anchor_steps and cmd.anchor_steps[-1].keys:
            out.append(Slot(where, f"{cmd.id}@{key.rpartition('/')[2]}"))
    routed = not cmd.default_if or any(_find(ctx, cmd.path(p)) is not None for p in cmd.default_if)
    if not _printed(out[start:]) and cmd.default_line is not None and routed:
        out.append(indent + cmd.default_line)
    out.append(Slot(where, cmd.id))


class _Quick(NamedTuple):
    """What lets :func:`_command` pass over a command that has nothing to print in a context without walking it.

    ``head``: the tags of the anchor down to its first list step (all of them without one) when, without an
    element there, the command prints nothing but its slot (no fixed or default line); else ``()``. Only down to
    the first list: a later step may be under another entry than the first. ``single``: ``head`` is the whole
    anchor (so the element found there is the one anchor). ``needs``: the tags of the anchor's children that
    every value the command prints lies in (the first tag of each data path of its syntax and its ``no`` form),
    for a command that prints nothing for an anchor holding none of them; None for the others (a block, a bare or
    special command, a path to the anchor itself or to a list key an enclosing entry may hold, flags read beside
    a leaf-list that is a child of the anchor).

    Why: most commands find nothing of theirs in a context (an excerpt of a one-leaf change; ``ip ssh`` is the
    anchor of 27 commands), and one look at a path or at an anchor's few children costs less than the walk."""

    head: tuple[str, ...]
    single: bool
    needs: frozenset[str] | None

    def idle(self, anchor: etree._Element) -> bool:
        """True when the command prints nothing for ``anchor`` (never said of ``native``: too many children)."""
        needs = self.needs
        return needs is not None and anchor.tag != NATIVE_TAG and not any(c.tag in needs for c in anchor)


#: ``id()`` of a command (they live as long as the table) -> :func:`_quick` of it.
_QUICK: dict[int, _Quick] = {}


def _quick(cmd: Command) -> _Quick:
    found = _QUICK.get(id(cmd))
    if found is None:
        found = _QUICK[id(cmd)] = _Quick(*_head(cmd), _needs(cmd))
    return found


def _head(cmd: Command) -> tuple[tuple[str, ...], bool]:
    if cmd.fixed or cmd.noop or cmd.parse_only or cmd.default_line is not None:
        return (), False
    steps = list(itertools.takewhile(lambda s: not s.keys, cmd.anchor_steps))
    single = len(steps) == len(cmd.anchor_steps)
    steps += cmd.anchor_steps[len(steps) : len(steps) + 1]
    return tuple(s.tag for s in steps), single


def _needs(cmd: Command) -> frozenset[str] | None:
    if cmd.enters is not None or cmd.bare or cmd.render_as is not None:
        return None
    paths = [p for p, _ in cmd.no_sets]
    for node in walk(cmd.syntax):
        if isinstance(node, Kw):
            paths += [p for p, _ in node.set]
        elif isinstance(node, Arg) and node.path is not None:
            if (node.flags and len(cmd.path(node.path)) < 2) or node.path in cmd.key_names:
                return None  # (flags read beside a leaf-list: among the anchor's children when it is one of them)
            paths.append(node.path)
    tags = [cmd.path(p) for p in paths]
    return frozenset(t[0] for t in tags) if all(tags) else None


def _printed(events: list[Event]) -> bool:
    """True when ``events`` hold a line (not only slots)."""
    return any(isinstance(ev, str) for ev in events)


def _native(tree: etree._Element | None) -> etree._Element | None:
    if tree is None:
        return None
    if tree.tag == NATIVE_TAG:
        return tree
    return _child(tree, NATIVE_TAG)


class _Gate(NamedTuple):
    """Where a command of the plan can find something to print: the element at tag path ``parent`` below its
    context must have a child named one of ``tags``; else the command prints nothing but its slot."""

    parent: tuple[str, ...]
    tags: frozenset[str]

    def path(self) -> tuple[str, ...]:
        """The deepest path every element the gate looks for lies at or below."""
        return (*self.parent, *self.tags) if len(self.tags) == 1 else self.parent


class _PlanItem(NamedTuple):
    """An item of :data:`~.table.RENDER_PLAN`, with what the walk needs to know before looking at the data.

    ``cmd`` None: a run of ``!`` lines, ``events`` its lines and slots (counted from the command before them,
    ``hostname!1``). Otherwise a command: ``gate`` when there is one (:func:`_gate`), ``events`` its slot alone;
    ``beside``: the anchor starts beside ``native``. ``lines``: the lines of ``events``. Why: those events are the
    same in every rendering, and an excerpt of a one-leaf change leaves almost all of them."""

    cmd: Command | None
    gate: _Gate | None
    beside: bool
    events: tuple[Event, ...]
    lines: tuple[str, ...]


class _Group(NamedTuple):
    """Consecutive items of the plan (with the ``!`` lines among them) whose gates all lie below the element at
    ``prefix`` of the context (``beside``: the datastore root, else ``native``), as its ``parts``: the items,
    and groups of those that lie below one child of that element (``ip``, then ``ip/ssh``).

    ``events`` and ``lines`` are those of all parts, ``starts`` where each part's begin in them (and their
    ends). ``by_tag``: the parts that can print more than their events when the element has a child of that
    tag; ``always``: the parts to look at whatever it holds. Why: the walk of a context that holds a handful of
    the plan's 200 commands (the excerpt of a one-leaf change) looks at the children it has, not at every
    command that might have been there (46 under ``ip``)."""

    prefix: tuple[str, ...]
    beside: bool
    parts: tuple[_Group | _PlanItem, ...]
    events: tuple[Event, ...]
    lines: tuple[str, ...]
    starts: tuple[tuple[int, int], ...]
    by_tag: dict[str, tuple[int, ...]]
    always: tuple[int, ...]


@cache
def _plan() -> tuple[_PlanItem, ...]:
    """:data:`~.table.RENDER_PLAN` resolved once."""
    out: list[_PlanItem] = []
    before, bangs = "version", 0
    for item in RENDER_PLAN:
        if item == "!":
            bangs += 1
            events: tuple[Event, ...] = ("!", Slot("", f"{before}!{bangs}"))
            if out and out[-1].cmd is None:
                events = out.pop().events + events
            out.append(_PlanItem(None, None, False, events, tuple(ev for ev in events if isinstance(ev, str))))
            continue
        before, bangs = item, 0
        cmd = BY_ID[item]
        beside = bool(cmd.anchor_steps) and cmd.anchor_steps[0].tag in BESIDE_NATIVE
        out.append(_PlanItem(cmd, _gate(cmd), beside, (Slot("", cmd.id),), ()))
    return tuple(out)


def _gate(cmd: Command) -> _Gate | None:
    """:attr:`_PlanItem.gate` of a command of the plan, from what :func:`_command` looks at first (:class:`_Quick`):
    for a single anchor whose values all lie in a few of its children, those children (``ip/ssh`` ``time-out``;
    ``hostname`` for a command anchored at ``native`` itself, whose children the rendering knows by tag), else
    the last step of the anchor's head; none for a command that prints a line of its own (fixed, a default line)
    or depends on more than its anchor (``contexts``)."""
    if cmd.fixed or cmd.noop or cmd.parse_only or cmd.contexts or cmd.default_line is not None:
        return None
    quick = _quick(cmd)
    if quick.single and quick.needs:
        return _Gate(quick.head, quick.needs)
    return _Gate(quick.head[:-1], frozenset(quick.head[-1:])) if quick.head else None


@cache
def _root() -> _Group:
    """:func:`_plan` as a :class:`_Group` at ``native``, its items grouped below the elements their gates share."""
    return _group(_plan(), (), False)


def _tag_at(item: _PlanItem, depth: int) -> str | None:
    """The tag at ``depth`` of the path of ``item``'s gate, if it has one that deep."""
    path = () if item.gate is None else item.gate.path()
    return path[depth] if len(path) > depth else None


def _grouped(items: tuple[_PlanItem, ...], depth: int) -> tuple[_Group | _PlanItem, ...]:
    """``items`` (whose gate paths share their first ``depth`` tags) with each run of two or more commands whose
    paths share the next one as a :class:`_Group`."""
    out: list[_Group | _PlanItem] = []
    i = 0
    while i < len(items):
        item = items[i]
        tag = _tag_at(item, depth)
        last = i
        for j in range(i + 1, len(items) if tag is not None else i + 1):
            other = items[j]
            if other.cmd is None:
                continue
            if _tag_at(other, depth) != tag or other.beside != item.beside:
                break
            last = j
        members = items[i : last + 1]
        if last > i:
            assert item.gate is not None
            out.append(_group(members, item.gate.path()[: depth + 1], item.beside))
        else:
            out.append(item)
        i = last + 1
    return tuple(out)


def _group(items: tuple[_PlanItem, ...], prefix: tuple[str, ...], beside: bool) -> _Group:
    depth = len(prefix)
    parts = _grouped(items, depth)
    by_tag: dict[str, list[int]] = {}
    always: list[int] = []
    starts = [(0, 0)]
    for k, part in enumerate(parts):
        starts.append((starts[-1][0] + len(part.events), starts[-1][1] + len(part.lines)))
        if isinstance(part, _PlanItem) and part.cmd is None:
            continue  # (``!`` lines: written with the parts around them)
        if part.beside != beside:  # (at the top: a command beside native, found from the datastore root)
            always.append(k)
        elif isinstance(part, _Group):
            by_tag.setdefault(part.prefix[-1], []).append(k)
        elif part.gate is not None and len(part.gate.parent) > depth:
            by_tag.setdefault(part.gate.parent[depth], []).append(k)
        elif part.gate is not None and len(part.gate.parent) == depth:
            for tag in part.gate.tags:
                by_tag.setdefault(tag, []).append(k)
        else:  # (no gate, or the element itself)
            always.append(k)
    return _Group(
        prefix,
        beside,
        parts,
        tuple(ev for part in parts for ev in part.events),
        tuple(line for part in parts for line in part.lines),
        tuple(starts),
        {tag: tuple(ks) for tag, ks in by_tag.items()},
        tuple(always),
    )


def _tags(el: etree._Element) -> set[str]:
    """The tags of ``el``'s children (a comment's is a function, which no gate asks for)."""
    return {child.tag for child in el}  # type: ignore[misc]


class _Found:
    """The tags of the children of the elements at tag paths below a context element, each path looked up once
    per rendering."""

    def __init__(self, ctx: etree._Element) -> None:
        self.ctx = ctx
        self.tags: dict[tuple[str, ...], set[str]] = {(): _tags(ctx)}

    def children(self, path: tuple[str, ...]) -> set[str]:
        """The tags of the children of the element at ``path`` (the first child of each tag, in turn)."""
        found = self.tags.get(path)
        if found is None:
            el = _find(self.ctx, path) if path[-1] in self.children(path[:-1]) else None
            found = self.tags[path] = set() if el is None else _tags(el)
        return found

    def closed(self, gate: _Gate) -> bool:
        return gate.tags.isdisjoint(self.children(gate.parent))


class _Walk(NamedTuple):
    """What one rendering's walk over the plan writes to and looks in (see :func:`_events`)."""

    found: dict[bool, _Found]  # by ``beside``; no root: nothing beside native
    out: list[Event]
    sources: list[etree._Element] | None
    slots: bool

    def part(self, part: _Group | _PlanItem) -> None:
        if isinstance(part, _PlanItem):
            self.item(part)
            return
        where = self.found.get(part.beside)
        if where is None:  # no context: the ``!`` lines alone
            for inner in part.parts:
                self.part(inner)
        elif part.prefix[-1] in where.children(part.prefix[:-1]):
            self.group(part, where)
        else:
            self.out.extend(part.events if self.slots else part.lines)

    def group(self, group: _Group, where: _Found) -> None:
        """The parts of ``group``, whose element is there in ``where``: those that may print more than their
        events, and the events of the others."""
        todo = set(group.always)
        for tag in where.children(group.prefix):
            todo.update(group.by_tag.get(tag, ()))
        kept, col = (group.events, 0) if self.slots else (group.lines, 1)
        done = 0  # the parts before this one are written
        for k in sorted(todo):
            self.out.extend(kept[group.starts[done][col] : group.starts[k][col]])
            self.part(group.parts[k])
            done = k + 1
        self.out.extend(kept[group.starts[done][col] :])

    def item(self, item: _PlanItem) -> None:
        cmd = item.cmd
        if cmd is None:
            self.out.extend(item.events if self.slots else item.lines)
            return
        where = self.found.get(item.beside)
        if where is None:  # a container beside native, and no datastore root
            return
        if item.gate is not None and where.closed(item.gate):
            self.out.extend(item.events if self.slots else item.lines)
        else:
            _command(cmd, where.ctx, "", self.out, self.sources)


def _events(
    native: etree._Element, version: str, sources: list[etree._Element] | None, slots: bool = True
) -> list[Event]:
    """The modelled lines from ``version`` to ``end`` and the slots between them: the ``!`` lines of the plan count
    from the item before them (``hostname!1``), the others are placed by the commands. ``slots`` False: the slots
    of commands that print nothing may be left out (no kept lines go to them).

    A command whose gate finds nothing in the context only leaves its slot, without a walk, and so do the
    commands of a group under an absent element, at once: see :class:`_Group`."""
    out: list[Event] = [f"version {version}", Slot("", FIRST)]
    root = native.getparent()
    found = {False: _Found(native)}
    if root is not None:
        found[True] = _Found(root)
    _Walk(found, out, sources, slots).group(_root(), found[False])
    out += [Slot("", LAST), "end"]
    return out


def _with_blocks(events: list[Event], blocks: dict[Slot, list[str]]) -> list[str]:
    """The lines of ``events`` with the kept lines (:mod:`.unmodelled`) ``blocks`` at their slots. A block whose slot
    the rendering has no more prints at the end of its command's lines (``username@bob`` once bob is gone), a
    global one whose place is unknown before ``end``; one of a modelled block that is gone is not printed."""
    out: list[str] = []
    if not blocks:
        return [ev for ev in events if isinstance(ev, str)]
    for ev in events:
        if isinstance(ev, str):
            out.append(ev)
            continue
        out.extend(blocks.pop(ev, ()))
        if "@" not in ev.after and "!" not in ev.after:
            for slot in [s for s in blocks if s.context == ev.context and s.after.startswith(ev.after + "@")]:
                out.extend(blocks.pop(slot))
        if ev == Slot("", LAST):
            for slot in [s for s in blocks if not s.context]:
                out.extend(blocks.pop(slot))
    return out


def _lines(tree: etree._Element | None, version: str, sources: list[etree._Element] | None) -> list[str]:
    native = _native(tree)
    if native is None:
        native = etree.Element(NATIVE_TAG)
    blocks = read(native)
    return _with_blocks(_events(native, version, sources, bool(blocks)), blocks)


def render_events(tree: etree._Element | None) -> list[str | Slot]:
    """The modelled configuration lines of ``tree`` and the slots between them, kept lines left out (for
    :func:`.unmodelled.place`, which finds where a file's kept lines go)."""
    native = _native(tree)
    return _events(native if native is not None else etree.Element(NATIVE_TAG), IOS_VERSION, None)


def render_lines(tree: etree._Element | None, *, version: str = IOS_VERSION) -> list[str]:
    """The configuration lines from ``version`` to ``end`` (no header), for the datastore ``tree`` (its
    ``<config>`` root or the ``native`` element), kept lines included."""
    return _lines(tree, version, None)


def render_sourced(tree: etree._Element | None) -> tuple[str, list[etree._Element]]:
    """:func:`render_config` of ``tree`` and the data elements (leaves, leaf-list entries, presence containers,
    the chosen case of an interface) whose values the text spells, in the order printed. What the parser reads
    back from the text must hold exactly these values: that is how a value that cannot be printed is found."""
    sources: list[etree._Element] = []
    text = "".join(line + "\n" for line in _lines(tree, IOS_VERSION, sources))
    return text, sources


def line_template(
    cmd: Command, anchor: etree._Element
) -> tuple[tuple[object, ...], Template, list[etree._Element]] | None:
    """The shape of ``anchor``, the template :func:`_command` prints its line of ``cmd`` by, and its elements
    (:func:`.render_memo.template_of` with this module's walk); None when the line is walked or not printed."""
    return template_of(cmd, anchor, _render)


def render_config(tree: etree._Element | None, *, version: str = IOS_VERSION) -> str:
    """:func:`render_lines` as text, each line ending in a newline."""
    return "".join(line + "\n" for line in render_lines(tree, version=version))


def _ios_time(when: datetime) -> str:
    when = when.astimezone(UTC) if when.tzinfo is not None else when
    return f"{when:%H:%M:%S} UTC {when:%a %b} {when.day} {when.year}"


def render_running_config(
    tree: etree._Element | None,
    *,
    last_change: datetime | None = None,
    changed_by: str | None = None,
    version: str = IOS_VERSION,
    header: bool = True,
) -> str:
    """``show running-config`` for the datastore ``tree``.

    ``last_change`` (naive values are taken as UTC) adds ``! Last configuration change at …`` and ``changed_by``
    its `` by USER`` suffix; without it the line is left out. ``header=False`` leaves out the ``Building
    configuration...`` and ``Current configuration`` lines, as in a file copied from running-config. The text
    ends with ``end\\n``.
    """
    text = "!\n"
    if last_change is not None:
        text += f"! Last configuration change at {_ios_time(last_change)}"
        text += f" by {changed_by}\n" if changed_by else "\n"
        text += "!\n"
    text += render_config(tree, version=version)
    if not header:
        return text
    size = len(text.encode("utf-8")) + 1
    return f"Building configuration...\n\nCurrent configuration : {size} bytes\n{text}"
