"""The difference between two datastore trees, as a list of node-level changes.

Subscribers (the device reconciler, config-change notifications) need to know *what* a commit changed, not
just the new tree: the diff matches list entries by key and leaf-list entries by value, so a renamed user is a
delete plus a create and a changed time-out is one ``replace`` of that leaf. Given what the edit touched (see
:mod:`iosxe_agent.data.touched`) it looks only there, so one leaf edited beside 10,000 users costs a few lookups.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from itertools import groupby, repeat
from operator import attrgetter, itemgetter
from typing import NamedTuple, cast

from lxml import etree

from iosxe_agent.data.tags import key_child, tag_of
from iosxe_agent.data.touched import (
    INDEX_ABOVE,
    Children,
    Touched,
    created_only,
    find_child,
    identity,
    outside_runs,
)
from iosxe_agent.yang.schema import Kind, Schema, SchemaNode, split_clark


class ChangeOp(enum.Enum):
    """RFC 6470 edit operations as they appear in netconf-config-change."""

    CREATE = "create"
    DELETE = "delete"
    REPLACE = "replace"


class Change(NamedTuple):
    """One node that appeared, disappeared or got a new value; ``path`` is an instance path with prefixes.

    A named tuple rather than a frozen dataclass: as immutable, but made in C, where a frozen dataclass sets each
    field through ``object.__setattr__`` (a bulk create of 10,000 users makes 10,000 of them per commit)."""

    op: ChangeOp
    path: str
    path_ns: tuple[tuple[str, str], ...]
    old: etree._Element | None
    new: etree._Element | None


def _quote(value: str) -> str:
    return f"'{value}'" if "'" not in value else f'"{value}"'


@dataclass(frozen=True, slots=True)
class _Kind:
    """What the path steps of the children of one kind share: the name with its prefix, and per key of a list
    its tag and the opening of its predicate (``[prefix:name=``), or for a leaf-list that its value names an
    entry. Worked out once per kind, so the 10,000 entries of a bulk create only format their values."""

    name: str
    prefix: str
    ns: str
    keys: tuple[tuple[str, str], ...] = ()
    by_value: bool = False

    def step(self, el: etree._Element) -> str:
        """The path step of ``el``, a child of this kind: its name and the predicate that picks it."""
        if self.by_value:
            return f"{self.name}[.={_quote(el.text or '')}]"
        step = self.name
        for tag, opening in self.keys:
            kel = key_child(el, tag)
            step += f"{opening}{_quote(kel.text or '' if kel is not None else '')}]"
        return step

    def steps(self, els: list[etree._Element]) -> list[str]:
        """:meth:`step` of each of ``els`` (children of this kind, in order).

        Why: 10,000 new users spent 2 µs each finding their key (a call and a loop over their children) and
        formatting it in two calls. A single key is its entries' first child (the keys lead an entry), so here
        every entry's first child is taken in one pass, and when each has the key's tag (then it is the first
        child of that tag, what :func:`~iosxe_agent.data.tags.key_child` finds) their texts are formatted at once
        (:func:`_steps_of`); otherwise each entry takes :meth:`step`."""
        firsts = _first_children(els) if len(self.keys) == 1 else None
        if firsts is not None:
            tag, opening = self.keys[0]
            if set(map(attrgetter("tag"), firsts)) == {tag}:
                head = self.name + opening
                texts = list(map(attrgetter("text"), firsts))
                return _steps_of(head, texts) or [f"{head}{_quote(text or '')}]" for text in texts]
        return [self.step(el) for el in els]


def _first_children(els: list[etree._Element]) -> list[etree._Element] | None:
    """The first child of each of ``els`` (comments included), taken in C; None when one has no child. (Asked by
    indexing: ``len()`` of an element counts its children one by one.)"""
    try:
        return list(map(itemgetter(0), els))
    except IndexError:
        return None


def _steps_of(head: str, texts: list[str | None]) -> list[str] | None:
    """``head`` and each of ``texts`` quoted as :func:`_quote` quotes a text with no single quote, then ``]``:
    formatted in C, by one join and one split on NUL, a character no XML text holds. None when a text is
    missing or holds a quote (or a NUL after all: the split then does not give one step per text); the caller
    formats those one by one.

    Why: formatting 10,000 keys an f-string and a call at a time cost 0.6 µs each."""
    if None in texts:
        return None
    joined = _NUL.join(cast(list[str], texts))
    if "'" in joined:
        return None
    steps = (head + "'" + joined.replace(_NUL, f"']{_NUL}{head}'") + "']").split(_NUL)
    return steps if len(steps) == len(texts) else None


_NUL = "\0"


#: :func:`_kind` by schema node (its id, the node kept alive beside) and tag: a frozen value that depends on
#: nothing else, made once per kind rather than at every changed node of every commit. Bounded (tags unknown to
#: the schema could be many): past the bound it starts again.
_KINDS: dict[tuple[int, str], tuple[SchemaNode | None, _Kind]] = {}
_KINDS_KEPT = 4096


def _kind(snode: SchemaNode | None, tag: str) -> _Kind:
    """The :class:`_Kind` of the children ``tag`` of a node, ``snode`` their schema node (None: unknown to the
    schema, named by the bare tag)."""
    known = _KINDS.get((id(snode), tag))
    if known is not None and known[0] is snode:
        return known[1]
    if len(_KINDS) >= _KINDS_KEPT:
        _KINDS.clear()
    kind = _KINDS[(id(snode), tag)] = (snode, _made_kind(snode, tag))
    return kind[1]


def _made_kind(snode: SchemaNode | None, tag: str) -> _Kind:
    """:func:`_kind` worked out."""
    if snode is None:
        ns, name = split_clark(tag)
        return _Kind(name, "", ns)
    name = f"{snode.prefix}:{snode.name}"
    if snode.kind is Kind.LIST:
        keys = tuple((k, f"[{snode.prefix}:{split_clark(k)[1]}=") for k in snode.keys)
        return _Kind(name, snode.prefix, snode.ns, keys)
    return _Kind(name, snode.prefix, snode.ns, by_value=snode.kind is Kind.LEAF_LIST)


def _step(snode: SchemaNode | None, el: etree._Element) -> tuple[str, str, str]:
    """The path step of ``el`` (``snode`` its schema node), the prefix it adds and that prefix's namespace."""
    kind = _kind(snode, tag_of(el))
    return kind.step(el), kind.prefix, kind.ns


def _same(a: etree._Element, b: etree._Element) -> bool:
    """Byte-equal subtrees (serialised in C): lets the diff skip the unchanged entries of a long list."""
    return etree.tostring(a) == etree.tostring(b)


def _equal_pairs(old: Iterable[etree._Element], new: Iterable[etree._Element]) -> int:
    """How many leading pairs of ``old`` and ``new`` are byte-equal (see :func:`_same`; one loop, no indexing:
    this runs once per unchanged entry of a long list)."""
    count = 0
    for a, b in zip(map(etree.tostring, old), map(etree.tostring, new), strict=False):
        if a != b:
            break
        count += 1
    return count


def diff(
    old: etree._Element, new: etree._Element, schema: Schema, touched: Touched | None = None
) -> tuple[Change, ...]:
    """Changes that turn datastore tree ``old`` into ``new`` (both wrappers of top-level nodes), in tree order.

    ``touched``: where ``new`` may differ from ``old`` (the edits' report); None compares everything.
    """
    out: list[Change] = []
    _diff_children(old, new, schema.root, "", {}, out, touched)
    return tuple(out)


def _diff_touched(
    old: etree._Element,
    new: etree._Element,
    snode: SchemaNode,
    path: str,
    ns: dict[str, str],
    out: list[Change],
    touched: Touched,
) -> bool:
    """Compare only the touched children of a node whose child list the edits left as it was; False (nothing
    reported) when a touched child is missing on either side, so the caller compares everything instead."""
    pairs: list[tuple[etree._Element, etree._Element, Touched]] = []
    if len(touched.children) > INDEX_ABOVE:  # a list may be touched in bulk: its entries are indexed once a side
        find_old, find_new = Children(old, touched).find, Children(new, touched).find
    else:  # what Children would do without building it: with so few, no kind is touched in bulk
        find_old, find_new = partial(find_child, old), partial(find_child, new)
    for ident, sub in touched.children.items():
        cnode = snode.child(ident[0])
        before, after = find_old(ident, cnode), find_new(ident, cnode)
        if before is None or after is None:
            return False
        pairs.append((before, after, sub))
    if len(pairs) > 1:
        order = {id(c): i for i, c in enumerate(new)}  # one pass: new.index() per pair is quadratic in bulk
        pairs.sort(key=lambda p: order[id(p[1])])
    for before, after, sub in pairs:
        _compare(before, after, snode, path, ns, out, sub)
    return True


def _diff_children(
    old: etree._Element,
    new: etree._Element,
    snode: SchemaNode,
    path: str,
    ns: dict[str, str],
    out: list[Change],
    touched: Touched | None = None,
) -> None:
    if touched is not None and not touched.whole and _diff_touched(old, new, snode, path, ns, out, touched):
        return
    old_kids, new_kids = _children(old, new, snode, touched)
    # Siblings are in canonical order, so unchanged runs line up: skip the byte-equal head and tail and match
    # by identity only in between (one edited leaf among 10,000 list entries costs 10,000 C-level compares).
    head = _equal_pairs(old_kids, new_kids)
    tail = _equal_pairs(reversed(old_kids[head:]), reversed(new_kids[head:]))
    old_kids = old_kids[head : len(old_kids) - tail]
    new_kids = new_kids[head : len(new_kids) - tail]
    if not old_kids:  # only new children in between (a bulk create): no identity to match
        _created(new_kids, snode, path, ns, out)
        return
    old_index = {identity(c, snode.child(tag_of(c))): c for c in old_kids}
    seen: set[tuple[str, ...]] = set()
    for c in new_kids:
        ident = identity(c, snode.child(tag_of(c)))
        seen.add(ident)
        _compare(old_index.get(ident), c, snode, path, ns, out)
    for ident, c in old_index.items():
        if ident not in seen:
            cnode = snode.child(tag_of(c))
            step, prefix, nsuri = _step(cnode, c)
            cns = {**ns, prefix: nsuri} if prefix and prefix not in ns else ns
            out.append(Change(ChangeOp.DELETE, f"{path}/{step}", tuple(cns.items()), c, None))


def _created(kids: list[etree._Element], snode: SchemaNode, path: str, ns: dict[str, str], out: list[Change]) -> None:
    """The creation of every child in ``kids`` (children of ``path`` in the new tree with no counterpart), as
    :func:`_compare` reports each; the path step's name and keys (:class:`_Kind`) and the namespaces of a path
    are worked out once per kind, as the 10,000 entries of a bulk create share them."""
    kinds: dict[str, tuple[_Kind, tuple[tuple[str, str], ...]]] = {}
    create = ChangeOp.CREATE
    head = f"{path}/"
    for _, group in groupby(kids, attrgetter("tag")):  # a bulk create's entries come side by side: one group
        els = list(group)
        tag = tag_of(els[0])  # (a comment is no data element: refused as one by one)
        found = kinds.get(tag)
        if found is None:
            kind = _kind(snode.child(tag), tag)
            cns = {**ns, kind.prefix: kind.ns} if kind.prefix and kind.prefix not in ns else ns
            found = kinds[tag] = (kind, tuple(cns.items()))
        kind, path_ns = found
        paths = map(head.__add__, kind.steps(els))
        out.extend(map(_made_change, zip(repeat(create), paths, repeat(path_ns), repeat(None), els, strict=False)))


#: A :class:`Change` made in C from its fields as one tuple: the named tuple's own constructor is a Python call,
#: 0.3 µs for each of a bulk create's 10,000 entries.
_made_change = partial(tuple.__new__, Change)


def _children(
    old: etree._Element, new: etree._Element, snode: SchemaNode, touched: Touched | None
) -> tuple[list[etree._Element], list[etree._Element]]:
    """The children of ``old`` and ``new`` to compare: all of them, or for a node the edits report whole, all
    but the entries of lists they left alone (:func:`~iosxe_agent.data.touched.outside_runs`), which are
    byte-equal and would yield no change, and of a list they only added to, all but the new entries
    (:func:`~iosxe_agent.data.touched.created_only`: 10,000 new users beside 20,000 are no 20,000 compares)."""
    if touched is not None and touched.whole:
        created = created_only(old, new, snode, touched) if touched.bulk else {}
        old_kids, old_out = outside_runs(old, snode, touched, only={tag: [] for tag in created})
        new_kids, new_out = outside_runs(new, snode, touched, only=created)
        if old_out == new_out:
            return old_kids, new_kids
    return [c for c in old if isinstance(c.tag, str)], [c for c in new if isinstance(c.tag, str)]


def _compare(
    before: etree._Element | None,
    c: etree._Element,
    snode: SchemaNode,
    path: str,
    ns: dict[str, str],
    out: list[Change],
    touched: Touched | None = None,
) -> None:
    """Report how child ``c`` of the new tree differs from its counterpart ``before`` (None: it is new)."""
    cnode = snode.child(tag_of(c))
    step, prefix, nsuri = _step(cnode, c)
    cpath = f"{path}/{step}"
    cns = {**ns, prefix: nsuri} if prefix and prefix not in ns else ns
    if before is None:
        out.append(Change(ChangeOp.CREATE, cpath, tuple(cns.items()), None, c))
    elif cnode is None or cnode.kind in (Kind.LEAF, Kind.ANYXML, Kind.ANYDATA):
        if (before.text or "") != (c.text or "") or (
            cnode is not None and cnode.kind is not Kind.LEAF and etree.tostring(before) != etree.tostring(c)
        ):
            out.append(Change(ChangeOp.REPLACE, cpath, tuple(cns.items()), before, c))
    elif cnode.kind is not Kind.LEAF_LIST and (touched is not None or not _same(before, c)):
        _diff_children(before, c, cnode, cpath, cns, out, touched)
