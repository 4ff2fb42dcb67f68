"""Whole-tree validation (RFC 7950 §8): must, when, leafref, mandatory, choices, min/max-elements, unique.

Types and keys are already checked when values enter a tree (see :mod:`iosxe_agent.data.edit`); this pass checks the
constraints that depend on other nodes, so it runs on the complete candidate tree before a commit, on
``<validate>`` and before a running datastore is replaced.

Given what the edits touched since a tree known to be valid (:mod:`iosxe_agent.data.touched`), it checks the touched
subtrees, plus every subtree holding a constraint that can read a changed node (:mod:`iosxe_agent.data.reach`): a
must, when or leafref elsewhere that refers to a touched node is evaluated, and unique lists with a touched entry
are compared again. Everything else kept the outcome it had in the valid tree.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache, partial
from itertools import groupby, pairwise
from operator import attrgetter
from typing import Literal, NamedTuple, overload

from lxml import etree

from iosxe_agent.data.errors import DataError
from iosxe_agent.data.order import in_document_order, instances
from iosxe_agent.data.reach import DataPath, Reach, reach
from iosxe_agent.data.touched import INDEX_ABOVE, Children, Touched, find_child, identity, outside_runs
from iosxe_agent.yang.schema import Kind, Restriction, Schema, SchemaNode, split_clark
from iosxe_agent.yang.xpath import XPathError, compile_xpath


def _quote(value: str) -> str:
    return f"'{value}'" if "'" not in value else f'"{value}"'


class _Validator:
    def __init__(self, schema: Schema, limit: int, touched: Touched | None = None) -> None:
        self.schema = schema
        self.errors: list[DataError] = []
        self.limit = limit
        self._derived = _derived(schema)
        self._plan = _plan(schema)
        self._affected = _Affected(schema, self._plan, touched) if touched is not None else None

    def error(self, tag: str, message: str, path: PathArg, app_tag: str | None = None) -> None:
        if len(self.errors) < self.limit:
            self.errors.append(DataError(tag, message, path[0], dict(path[1]), app_tag=app_tag))

    # -- xpath ------------------------------------------------------------------------------------------------
    def _true(self, r: Restriction, node: SchemaNode, context: etree._Element) -> bool:
        try:
            compiled = compile_xpath(r.xpath, node.prefixes, node.ns, identities=self._derived)
            return compiled.boolean(context, current=context)
        except XPathError:
            return True  # an expression we cannot evaluate must not block the user; the loader checked syntax

    # -- walk -------------------------------------------------------------------------------------------------
    def walk(self, el: etree._Element, snode: SchemaNode, path: PathArg, touched: Touched | None = None) -> None:
        """Check everything below ``el``; ``touched`` (a whole node's report) lets the entries of lists the edits
        left alone go unvisited (see :func:`~iosxe_agent.data.touched.outside_runs`) unless a constraint in them
        can read a changed node."""
        if self._nothing_below(el, snode):
            return
        present: dict[str, list[etree._Element]] = {}
        left_out: dict[str, int] = {}
        if touched is None:
            for child in el:
                if isinstance(child.tag, str):
                    present.setdefault(child.tag, []).append(child)
        else:
            assert self._affected is not None
            keep = frozenset(c.tag for c in self._affected.revisit(snode))
            children, left_out = outside_runs(el, snode, touched, keep)
            present = _by_tag(children, left_out)
        for tag, elements in present.items():
            cnode = snode.child(tag)
            if cnode is None or id(cnode) not in self._plan.walk:
                continue  # nothing at or below this node can be violated by its presence
            if touched is not None and tag in left_out:
                self._walk_changed_entries(el, cnode, path, elements, touched)
                continue
            if cnode.kind in (Kind.LIST, Kind.LEAF_LIST):
                self._check_counts(cnode, len(elements), _Path(path, cnode))
                if cnode.unique:
                    self._check_unique(cnode, elements, _Path(path, cnode))
                if len(elements) > INDEX_ABOVE:
                    holding = self._selected_entries(el, cnode)
                    elements = elements if holding is None else holding
            for child in elements:
                self._node(child, cnode, _Path(path, cnode, child), el)
        if id(snode) in self._plan.absent:
            self._check_absent(el, snode, present, path)

    def _nothing_below(self, el: etree._Element, snode: SchemaNode) -> bool:
        """True when :meth:`walk` would find nothing to check below ``el``: no child of a kind that can hold a
        violation is present (told by one scan in C for the few such kinds, :func:`_walkable`), and none can be
        missing. Why: every edit of one leaf walks the whole node holding it (``ip ssh``, whose one kind of child
        with a check is ``pubkey-chain``) to find that out in Python."""
        if id(snode) in self._plan.absent:
            return False
        tags = _walkable(snode, self._plan)
        return tags is not None and (not tags or next(el.iterchildren(*tags), None) is None)

    def _selected_entries(self, el: etree._Element, cnode: SchemaNode) -> list[etree._Element] | None:
        """The entries of list ``cnode`` under ``el`` that hold something to check, in document order, selected in
        C; None when an entry itself can be in violation (then every entry must be checked). Why: the 100,000
        users of a loaded startup are each visited in Python otherwise, to find nothing."""
        query = _holding_checks(cnode, self._plan)
        if query is None:
            return None
        if not query.held(el):
            return []
        found = query.entries(el)
        assert isinstance(found, list)
        return [e for e in found if isinstance(e, etree._Element)]

    def _revisited(self, el: etree._Element, cnode: SchemaNode) -> list[etree._Element]:
        """The instances of ``cnode`` under ``el`` that may hold a violation, in document order: a container beside
        100,000 users found without scanning them; of a list, only the entries holding a check when the entry
        has no constraint of its own (a constraint in ``username`` naming a changed node's local name made every
        user beside one edited user be walked in Python)."""
        holding = self._selected_entries(el, cnode) if cnode.kind is Kind.LIST else None
        return instances(el, cnode) if holding is None else holding

    def _walk_changed_entries(
        self, el: etree._Element, cnode: SchemaNode, path: PathArg, entries: list[etree._Element], touched: Touched
    ) -> None:
        """Check the ``entries`` (in document order) the trie names of a list the edits left alone under the whole
        node ``el``, or only created, deleted or replaced named entries of: its count is as it was unless entries
        came or went (then counted in C), its uniqueness may have changed only if an entry did."""
        if cnode.tag in touched.entries and (cnode.max_elements is not None or cnode.min_elements):
            self._check_counts(cnode, int(_count_of(cnode.tag)(el)), _Path(path, cnode))
        if entries and cnode.unique:
            self._check_unique(cnode, list(el.iterchildren(cnode.tag)), _Path(path, cnode))
        for child in entries:
            self._node(child, cnode, _Path(path, cnode, child), el, touched.children.get(identity(child, cnode)))

    def walk_touched(self, el: etree._Element, snode: SchemaNode, path: PathArg, touched: Touched) -> None:
        """Check below ``el`` (whose child list the edits left as it was) only what the edits can have changed:
        the touched children, the children holding a constraint that reads a changed node, and the unique
        lists with a touched entry."""
        assert self._affected is not None
        visit: dict[int, tuple[etree._Element, SchemaNode, Touched | None]] = {}
        # a list may be touched in bulk only past INDEX_ABOVE children: with fewer, what Children would do
        # without building it (as the diff does)
        find = Children(el, touched).find if len(touched.children) > INDEX_ABOVE else partial(find_child, el)
        unique_checked: set[int] = set()  # each unique list once, however many of its entries were touched
        single: set[int] = set()  # containers and leaves found here: their one instance is in ``visit`` already
        for ident, sub in touched.children.items():
            cnode = snode.child(ident[0])
            if cnode is None or id(cnode) not in self._plan.walk:
                continue
            child = find(ident, cnode)
            if child is None:  # not as the report says: check everything here
                self.walk(el, snode, path)
                return
            visit[id(child)] = (child, cnode, sub)
            if cnode.kind not in (Kind.LIST, Kind.LEAF_LIST):
                single.add(id(cnode))
            elif cnode.kind is Kind.LIST and cnode.unique and id(cnode) not in unique_checked:
                unique_checked.add(id(cnode))
                self._check_unique(cnode, list(el.iterchildren(cnode.tag)), _Path(path, cnode))
        for cnode in self._affected.revisit(snode):
            if id(cnode) in single:  # (the path to a one-leaf edit: ``native`` and ``ip`` not looked up twice)
                continue
            for child in self._revisited(el, cnode):
                if id(child) not in visit:
                    visit[id(child)] = (child, cnode, None)
        for child, cnode, inside in in_document_order(el, visit.values()):
            self._node(child, cnode, _Path(path, cnode, child), el, inside)

    def _node(
        self,
        el: etree._Element,
        snode: SchemaNode,
        path: PathArg,
        parent: etree._Element,
        touched: Touched | None = None,
    ) -> None:
        for r in snode.when:
            if not self._true(r, snode, parent if r.context_is_parent else el):
                self.error(
                    "unknown-element",
                    r.error_message or f"{path[0]} is not allowed here: its when condition ({r.xpath}) is false",
                    path,
                )
        for r in snode.musts:
            if not self._true(r, snode, el):
                self.error(
                    "operation-failed",
                    r.error_message or f"must condition failed: {r.xpath}",
                    path,
                    r.error_app_tag or "must-violation",
                )
        for choice, case in snode.choice_ancestry():
            for r in (*choice.when, *case.when):
                if not self._true(r, snode, parent):
                    self.error("unknown-element", f"{path[0]} is not allowed: when {r.xpath} is false", path)
        t = snode.type
        if t is not None and t.base == "leafref" and t.require_instance and t.leafref_path:
            self._check_leafref(el, snode, path)
        if snode.kind in (Kind.CONTAINER, Kind.LIST):
            if touched is None or touched.whole:
                self.walk(el, snode, path, touched)
            else:
                self.walk_touched(el, snode, path, touched)

    def _check_leafref(self, el: etree._Element, snode: SchemaNode, path: PathArg) -> None:
        assert snode.type is not None and snode.type.leafref_path is not None
        try:
            targets = compile_xpath(snode.type.leafref_path, snode.prefixes, snode.ns).nodes(el, current=el)
        except XPathError:
            return
        value = el.text or ""
        if not any((t.text or "") == value for t in targets):
            self.error(
                "data-missing",
                f'"{value}" does not refer to an existing {snode.type.leafref_path}',
                path,
                "instance-required",
            )

    def _check_counts(self, snode: SchemaNode, count: int, path: PathArg) -> None:
        if snode.max_elements is not None and count > snode.max_elements:
            self.error(
                "operation-failed",
                f"{path[0]} has {count} entries; at most {snode.max_elements} are allowed",
                path,
                "too-many-elements",
            )
        if count < snode.min_elements:
            self.error(
                "operation-failed",
                f"{path[0]} has {count} entries; at least {snode.min_elements} are required",
                path,
                "too-few-elements",
            )

    def _check_unique(self, snode: SchemaNode, entries: list[etree._Element], path: PathArg) -> None:
        for spec in snode.unique:
            seen: dict[tuple[str, ...], etree._Element] = {}
            for entry in entries:
                values = []
                for desc in spec:
                    steps = [split_part(p, snode) for p in desc.split("/")]
                    found: etree._Element | None = entry
                    for tag in steps:
                        found = next(found.iterchildren(tag), None) if found is not None else None
                    values.append(found.text or "" if found is not None else None)
                if any(v is None for v in values):
                    continue
                key = tuple(v or "" for v in values)
                if key in seen:
                    self.error(
                        "operation-failed",
                        f"{path[0]}: entries are not unique in {' '.join(spec)}",
                        path,
                        "data-not-unique",
                    )
                    break
                seen[key] = entry

    def _check_absent(
        self,
        el: etree._Element,
        snode: SchemaNode,
        present: dict[str, list[etree._Element]],
        path: PathArg,
    ) -> None:
        """Mandatory nodes, mandatory choices and min-elements among the children that are not there."""
        for child in _active_schema_children(snode, present):
            if child.tag in present or not child.config:
                continue
            if child.kind is Kind.LEAF and child.mandatory:
                self.error("data-missing", f"{_step(path, child)[0]} is mandatory and missing", _step(path, child))
            elif child.kind in (Kind.LIST, Kind.LEAF_LIST) and child.min_elements:
                self._check_counts(child, 0, _step(path, child))
            elif (
                child.kind is Kind.CONTAINER
                and not child.presence
                and snode.kind is not Kind.MODULE
                and id(child) in self._plan.absent
            ):
                self._check_absent(el, child, {}, _step(path, child))
            elif child.kind is Kind.CHOICE and child.mandatory:
                self.error(
                    "data-missing",
                    f"{path[0]}: one of the cases of choice {child.name} must be configured",
                    path,
                    "missing-choice",
                )


@dataclass(frozen=True, slots=True)
class _ValidationPlan:
    """Which schema nodes can hold a violation, computed once per schema.

    ``walk``: ids of nodes whose instances (or descendants) carry a when/must/leafref/count/unique check, so
    an instance of any other node is skipped without looking inside it. ``absent``: ids of nodes where a
    missing child could be a violation (mandatory leaf or choice, min-elements), directly or through
    non-presence containers. Without this, validating 10,000 usernames walked every leaf of every entry.
    """

    walk: frozenset[int]
    absent: frozenset[int]
    #: by node id: how many data levels above the node the local constraints in its subtree can read
    above: dict[int, int]
    #: by node id: the reach of every constraint in its subtree that reads by absolute path
    named: dict[int, tuple[Reach, ...]]
    #: by list node id, filled as lists are met: see :func:`_holding_checks`
    holding: dict[int, _Holding | None] = field(default_factory=dict)
    #: by node id, filled as nodes are walked: see :func:`_walkable`
    walkable: dict[int, tuple[str, ...] | None] = field(default_factory=dict)
    #: :meth:`_Affected.revisit` by the kinds of node an edit changed and the node asked about: the same kinds
    #: of change (every ``ip ssh time-out`` edit, whatever its value) ask the same of every node
    revisits: dict[tuple[_Shape, int], list[SchemaNode]] = field(default_factory=dict)


@lru_cache(maxsize=8)
def _derived(schema: Schema) -> Mapping[str, set[str]]:
    """Each identity of ``schema`` with those derived from it, as ``derived-from()`` reads them: made once per
    schema, not by every validation (the Cisco schema's identities took ~10 µs a one-leaf commit to gather)."""
    return {k: v.derived for k, v in schema.identities.items()}


@lru_cache(maxsize=8)
def _plan(schema: Schema) -> _ValidationPlan:
    walk: set[int] = set()
    absent: set[int] = set()
    above: dict[int, int] = {}
    named: dict[int, tuple[Reach, ...]] = {}

    def constraints(node: SchemaNode) -> None:
        """``above`` and ``named`` of ``node`` from its own constraints and its children's."""
        data_level = node.kind not in (Kind.CHOICE, Kind.CASE)
        own: list[tuple[Reach, int]] = [(reach(r.xpath), 0) for r in node.musts]
        # a choice's or case's when is evaluated at the data parent, one level above its data nodes
        own += [(reach(r.xpath), 1 if r.context_is_parent or not data_level else 0) for r in node.when]
        t = node.type
        if t is not None and t.base == "leafref" and t.require_instance and t.leafref_path:
            own.append((reach(t.leafref_path), 0))
        levels = [r.up + extra for r, extra in own if r.up is not None]
        reads = [r for r, _ in own if r.up is None]
        for c in node.children:
            levels.append(above[id(c)] - (1 if c.kind not in (Kind.CHOICE, Kind.CASE) else 0))
            reads.extend(named[id(c)])
        above[id(node)] = max(levels, default=0)
        named[id(node)] = tuple(reads)

    def visit(node: SchemaNode) -> tuple[bool, bool]:
        needs_walk = bool(
            node.when
            or node.musts
            or (node.type is not None and node.type.base == "leafref" and node.type.require_instance)
            or (node.kind in (Kind.LIST, Kind.LEAF_LIST) and (node.max_elements is not None or node.unique))
            or (node.kind is Kind.CASE and node.when)
        )
        needs_absent = False
        for c in node.children:
            child_walk, child_absent = visit(c)
            if c.kind in (Kind.CHOICE, Kind.CASE):
                needs_walk = needs_walk or child_walk or bool(c.when)
                needs_absent = needs_absent or child_absent or (c.kind is Kind.CHOICE and c.mandatory)
                continue
            needs_walk = needs_walk or child_walk
            if (c.kind is Kind.LEAF and c.mandatory) or (c.kind in (Kind.LIST, Kind.LEAF_LIST) and c.min_elements):
                needs_absent = True
            if c.kind is Kind.CONTAINER and not c.presence and child_absent:
                needs_absent = True
        if needs_absent:
            absent.add(id(node))
            needs_walk = True
        if needs_walk:
            walk.add(id(node))
        constraints(node)
        return needs_walk, needs_absent

    visit(schema.root)
    return _ValidationPlan(frozenset(walk), frozenset(absent), above, named)


class _Affected:
    """Which schema nodes' untouched instances must be checked again after the edits in ``touched``.

    ``changed``: local names of nodes that may have appeared, gone or got a new value (every data child of a
    whole node, with the subtree of each kind of child it reported); ``inside``: names of the nodes on the
    touched paths (their string values may differ). A constraint reading by absolute path is affected when it
    names a changed node, or reads the value of a node on a touched path. A name test an absolute path anchors
    is matched by its path (``roots``: the paths of those changed nodes whose subtree changed; ``inside_paths``:
    the touched paths), the others by local name: a user created changes ``/native/username/name``, not the
    ``/native/aaa/attribute/list/name`` a leafref in every user reads (matching by name walked 100,000 users).
    """

    def __init__(self, schema: Schema, plan: _ValidationPlan, touched: Touched) -> None:
        self._plan = plan
        self.changed: set[str] = set()
        self.inside: set[str] = set()
        self.roots: set[DataPath] = set()
        self.inside_paths: set[DataPath] = set()
        self.everything = False
        self._collect(touched, schema.root, ())
        self._shape: _Shape | None = None  # what the answers depend on: made when first asked

    def _collect(self, t: Touched, snode: SchemaNode | None, path: DataPath) -> None:
        if t.whole:
            if snode is None:
                self.everything = True
                return
            # the kinds of child the edits changed, and every value beside them (a normalizer may rewrite those);
            # a list or container of another kind is as it was, but for what the trie names inside it
            tags = frozenset(t.tags)
            names = _changed_names(snode, tags)
            if names is None:
                self.everything = True
                return
            self.changed.update(names)
            self.roots |= _changed_roots(path, snode, tags)
        for ident, sub in t.children.items():
            name = split_clark(ident[0])[1]
            self.inside.add(name)
            self.inside_paths.add((*path, name))
            self._collect(sub, snode.child(ident[0]) if snode is not None else None, (*path, name))

    def _reads_changed(self, r: Reach) -> bool:
        if r.names is None or self.everything:
            return True
        if not self.changed.isdisjoint(r.loose) or not self.inside.isdisjoint(r.loose_values):
            return True
        return any(self._under_changed(p) for p in r.paths) or not self.inside_paths.isdisjoint(r.value_paths)

    def _under_changed(self, path: DataPath) -> bool:
        """Whether the node at ``path`` is at or below a changed node (so it may have appeared, gone or changed)."""
        return any(path[:n] in self.roots for n in range(1, len(path) + 1))

    def revisit(self, snode: SchemaNode) -> list[SchemaNode]:
        """The data children of ``snode`` whose untouched instances hold a constraint the edits may affect:
        one that reads above the child, or by absolute path a changed node."""
        if self._shape is None:
            self._shape = (
                self.everything,
                frozenset(self.changed),
                frozenset(self.inside),
                frozenset(self.roots),
                frozenset(self.inside_paths),
            )
        memo = self._plan.revisits
        key = (self._shape, id(snode))
        found = memo.get(key)
        if found is None:
            found = [
                c
                for c in _data_of(snode)
                if id(c) in self._plan.walk
                and (self._plan.above[id(c)] > 0 or any(self._reads_changed(r) for r in self._plan.named[id(c)]))
            ]
            if len(memo) >= _REVISITS_KEPT:
                memo.clear()
            memo[key] = found
        return found


#: Entries whose constraints all sit in children: more such children than this and the entries are walked in
#: Python (an XPath naming many tags costs more than it saves).
_QUERY_TAGS_UP_TO = 8


class _Holding(NamedTuple):
    """XPaths over the children of a parent, about the entries of one list that have a child holding a check."""

    #: whether any entry has one: each such child's tag looked for below the entries as a path, which libxml2
    #: evaluates over all entries at once (4 ms for 10,000 users, where testing each entry costs 6.5, to find
    #: none in a bulk create, as most often; when one has, the entries are then tested as before)
    held: etree.ETXPath
    entries: etree.ETXPath  # those entries, in document order (a test of each entry)


def _holding_checks(cnode: SchemaNode, plan: _ValidationPlan) -> _Holding | None:
    """The :class:`_Holding` of list ``cnode``; None when an entry can itself be in violation (a when, must or
    choice condition of its own, or a missing mandatory child) or too many kinds of child hold checks. Cached per
    plan and node."""
    if id(cnode) in plan.holding:
        return plan.holding[id(cnode)]
    own = cnode.when or cnode.musts or id(cnode) in plan.absent
    own = own or any(choice.when or case.when for choice, case in cnode.choice_ancestry())
    tags = [c.tag for c in _data_of(cnode) if id(c) in plan.walk]
    query = None
    if not own and len(tags) <= _QUERY_TAGS_UP_TO:
        condition = " or ".join(tags) if tags else "false()"
        below = " or ".join(f"boolean({cnode.tag}/{tag})" for tag in tags) if tags else "false()"
        query = _Holding(etree.ETXPath(below), etree.ETXPath(f"{cnode.tag}[{condition}]"))
    plan.holding[id(cnode)] = query  # bounded by the schema's lists
    return query


def _walkable(snode: SchemaNode, plan: _ValidationPlan) -> tuple[str, ...] | None:
    """The tags of the data children of ``snode`` that can hold a violation (``plan.walk``), or None when there
    are more than :data:`_QUERY_TAGS_UP_TO` (a scan in C matching that many tags at each child costs more than the
    walk). Cached per plan and node."""
    if id(snode) in plan.walkable:
        return plan.walkable[id(snode)]
    tags = tuple(c.tag for c in _data_of(snode) if id(c) in plan.walk)
    found = plan.walkable[id(snode)] = tags if len(tags) <= _QUERY_TAGS_UP_TO else None  # bounded by the schema
    return found


@lru_cache(maxsize=4096)  # one per list of the schema
def _count_of(tag: str) -> etree.ETXPath:
    """How many children ``tag`` an element has, counted in C."""
    return etree.ETXPath(f"count({tag})")


_TAG = attrgetter("tag")  # (``children`` are data elements: their tag is a Clark name)


def _by_tag(children: list[etree._Element], left_out: dict[str, int]) -> dict[str, list[etree._Element]]:
    """``children`` grouped by tag, each tag in document order as a walk over every child finds it, the tags of
    the runs :func:`~iosxe_agent.data.touched.outside_runs` left out included at their places."""
    runs: dict[int, list[str]] = {}
    for tag, i in left_out.items():
        runs.setdefault(i, []).append(tag)
    present: dict[str, list[etree._Element]] = {}
    cuts = sorted({0, *runs, len(children)})
    for start, end in pairwise(cuts):  # between the runs' places: siblings grouped in C
        for tag in runs.get(start, ()):
            present[tag] = []
        for tag, group in groupby(children[start:end], key=_TAG):
            present.setdefault(tag, []).extend(group)
    for tag in left_out:
        present.setdefault(tag, [])  # a run at the end, with no entry the edits changed
    return present


#: What :meth:`_Affected.revisit` answers depend on: everything changed, the changed names, the names inside
#: which something changed, and the same two as paths (names of schema nodes, never values).
_Shape = tuple[bool, frozenset[str], frozenset[str], frozenset[DataPath], frozenset[DataPath]]
#: Shapes of change whose answers are kept per schema; past it the memo starts again (a bound, not a cache size
#: any workload is expected to reach: an automation run repeats a few shapes of edit).
_REVISITS_KEPT = 4096


@lru_cache(maxsize=4096)
def _changed_names(snode: SchemaNode, tags: frozenset[str]) -> frozenset[str] | None:
    """The names a whole node ``snode`` whose children of ``tags`` changed counts as changed: the kinds of child
    the edits changed and everything below them, and every value beside them (a normaliser may rewrite those);
    a list or container of another kind is as it was. None: a tag the schema does not know (check everything)."""
    names = set(_changed_children(snode, tags))
    for tag in tags:
        cnode = snode.child(tag)
        if cnode is None:
            return None
        names |= _subtree_names(cnode)
    return frozenset(names)


@lru_cache(maxsize=4096)
def _changed_children(snode: SchemaNode, tags: frozenset[str]) -> frozenset[str]:
    """The local names of the data children of a whole node ``snode`` (children of ``tags`` changed) that may
    have changed with their subtrees: those kinds, and every value beside them (see :func:`_changed_names`)."""
    return frozenset(c.name for c in _data_of(snode) if c.tag in tags or c.kind not in (Kind.LIST, Kind.CONTAINER))


@lru_cache(maxsize=4096)  # by the path's names, schema node and kinds of change: the schema's shape, no value
def _changed_roots(path: DataPath, snode: SchemaNode, tags: frozenset[str]) -> frozenset[DataPath]:
    """The paths of the children of the whole node at ``path`` that :func:`_changed_children` counts changed."""
    return frozenset((*path, name) for name in _changed_children(snode, tags))


@lru_cache(maxsize=4096)
def _subtree_names(node: SchemaNode) -> frozenset[str]:
    """Local names of ``node`` and of every data node below it."""
    names = {node.name} if node.kind not in (Kind.CHOICE, Kind.CASE) else set()
    for c in node.children:
        names |= _subtree_names(c)
    return frozenset(names)


def _active_schema_children(snode: SchemaNode, present: dict[str, list[etree._Element]]) -> Iterator[SchemaNode]:
    """Schema children to check for absence: data nodes, plus choices, descending only into the active case."""
    for c in snode.children:
        if c.kind is Kind.CHOICE:
            active = next((case for case in c.children if any(d.tag in present for d in _data_of(case))), None)
            if active is None:
                if c.mandatory:
                    yield c
                continue
            yield from _active_schema_children(active, present)
        elif c.kind is Kind.CASE:
            yield from _active_schema_children(c, present)
        else:
            yield c


def _data_of(node: SchemaNode) -> Iterator[SchemaNode]:
    for c in node.children:
        if c.kind in (Kind.CHOICE, Kind.CASE):
            yield from _data_of(c)
        else:
            yield c


def split_part(step: str, snode: SchemaNode) -> str:
    """Clark tag for one step of a descendant path written with the module's prefixes."""
    prefix, _, name = step.rpartition(":")
    ns = snode.prefixes.get(prefix, snode.ns) if prefix else snode.ns
    return f"{{{ns}}}{name}"


class _Path:
    """An instance path built only if an error needs it (most nodes validate without one).

    Indexing gives what the eager ``(path, prefixes)`` tuple gave: ``[0]`` the path text, ``[1]`` the prefixes.
    """

    __slots__ = ("_el", "_node", "_parent", "_value")

    def __init__(self, parent: PathArg, node: SchemaNode, el: etree._Element | None = None) -> None:
        self._parent = parent
        self._node = node
        self._el = el
        self._value: tuple[str, dict[str, str]] | None = None

    @overload
    def __getitem__(self, index: Literal[0]) -> str: ...
    @overload
    def __getitem__(self, index: Literal[1]) -> dict[str, str]: ...
    def __getitem__(self, index: Literal[0, 1]) -> str | dict[str, str]:
        if self._value is None:
            predicate = _predicate(self._el, self._node) if self._el is not None else ""
            self._value = _step(self._parent, self._node, predicate)
        return self._value[index]


#: An instance path and the prefixes it uses, eager or built on demand.
PathArg = tuple[str, dict[str, str]] | _Path


def _step(path: PathArg, node: SchemaNode, predicate: str = "") -> tuple[str, dict[str, str]]:
    base, ns = path[0], path[1]
    if node.prefix not in ns:
        ns = {**ns, node.prefix: node.ns}
    return f"{base}/{node.prefix}:{node.name}{predicate}", ns


def _predicate(el: etree._Element, snode: SchemaNode) -> str:
    if snode.kind is Kind.LIST:
        parts = []
        for k in snode.keys:
            kel = next(el.iterchildren(k), None)
            parts.append(f"[{snode.prefix}:{split_clark(k)[1]}={_quote(kel.text or '' if kel is not None else '')}]")
        return "".join(parts)
    if snode.kind is Kind.LEAF_LIST:
        return f"[.={_quote(el.text or '')}]"
    return ""


def validate(
    tree: etree._Element, schema: Schema, *, max_errors: int = 100, touched: Touched | None = None
) -> tuple[DataError, ...]:
    """Every constraint violation in the datastore ``tree`` (at most ``max_errors``); empty when valid.

    ``touched``: ``tree`` is a valid tree changed only there (the edits' report); None checks everything.
    """
    v = _Validator(schema, max_errors, touched)
    if touched is None or touched.whole:
        v.walk(tree, schema.root, ("", {}), touched)
    else:
        v.walk_touched(tree, schema.root, ("", {}), touched)
    return tuple(v.errors)
