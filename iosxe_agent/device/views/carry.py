"""Views follow a commit by its changes: a view whose inputs a commit did not change keeps its value.

Why: every commit swaps in a new running tree, and each view is memoised per tree, so without this every commit
would make each view read the whole new tree again at its next use (the SSH listener's and the servers' views at
once, on every commit; the AAA view at the next login: half a second beside 100,000 users). A commit's
``changes`` name every node that appeared, disappeared or got a new value (running's journal is written from
them, so they are complete); the one thing they leave out is an entry of an ordered-by-user list that only
moved, so a view input holding such a list is compared byte for byte (those are small: cipher lists, vty
lines, name servers) when the edits' report (``txn.touched``) reaches it or there is no report.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from lxml import etree

from iosxe_agent.bounded import remember
from iosxe_agent.data.diff import Change
from iosxe_agent.data.order import instances
from iosxe_agent.data.tags import tag_of
from iosxe_agent.data.touched import Touched
from iosxe_agent.datastore.transaction import Transaction
from iosxe_agent.device.views.tree import Path, TreeView
from iosxe_agent.yang.schema import Kind, Schema, SchemaNode

_ORDERED_KINDS = (Kind.LIST, Kind.LEAF_LIST)
#: Sets of changed paths whose touched inputs :class:`ViewCarrier` keeps (each a few tags of the schema; a commit
#: of another shape past this starts the memo again).
_PATH_SETS_KEPT = 256


def changed_paths(changes: Iterable[Change], depth: int) -> frozenset[Path]:
    """The paths (cut to ``depth`` tags) of the nodes ``changes`` name; ``()`` when the root itself changed.

    Changed nodes are gathered by parent, each parent's path found once at the end with the tags of its changed
    children: 10,000 new users cost one walk up and a set of one tag, not 10,000 paths."""
    tags_under: dict[etree._Element, set[str]] = {}
    out: set[Path] = set()
    for change in changes:
        el = change.new if change.new is not None else change.old
        parent = el.getparent() if el is not None else None
        if el is None or parent is None:  # the root (or a change naming no node): everything may have changed
            out.add(())
            continue
        tags = tags_under.get(parent)
        if tags is None:
            tags = tags_under[parent] = set()
        tags.add(tag_of(el))
    for parent, tags in tags_under.items():
        base = _path(parent)
        out.update((*base, tag)[:depth] for tag in tags)
    return frozenset(out)


def _path(el: etree._Element) -> Path:
    """Tags from the root's child down to ``el`` (``()`` for the root)."""
    tags = [tag_of(el), *(tag_of(a) for a in el.iterancestors())]
    return tuple(reversed(tags[:-1]))


def _holds_order(snode: SchemaNode) -> bool:
    """True when the schema subtree of ``snode`` (itself included) has an ordered-by-user list or leaf-list."""
    if snode.ordered_by_user and snode.kind in _ORDERED_KINDS:
        return True
    return any(_holds_order(child) for child in snode.children)


class ViewCarrier:
    """Carries the memo of every view across the commits that leave its inputs alone."""

    def __init__(self, schema: Schema, views: Sequence[TreeView[Any]]) -> None:
        self.schema = schema
        self.views = tuple(views)
        paths = {path for view in self.views for path in view.inputs}
        self.depth = max((len(path) for path in paths), default=1)
        #: per input: whether a pure move (no change reported) could alter it (see :func:`ordered`)
        self.ordered = {path: ordered(schema, path) for path in paths}
        #: per input: the input and every path that holds it
        self._prefixes = {path: frozenset(path[:depth] for depth in range(len(path) + 1)) for path in paths}
        #: the ordered inputs of the last new tree, serialised: that tree is the next commit's old one, so each
        #: tree is scanned once, not twice
        self._last: tuple[etree._Element, dict[Path, list[bytes]]] | None = None
        #: the inputs the last commit's changes touch, by the changes themselves (not the transaction, whose
        #: references the spare copy of running counts): a commit is carried twice, for the SSH listener's check
        #: and by the commit listener, and its changes are gathered once
        self._of_changes: tuple[tuple[Change, ...], frozenset[Path]] | None = None
        #: the inputs touched, by the changed paths (tags cut at ``depth``: the schema's shape, not values), so
        #: the commits that change the same nodes (every ``ip ssh time-out``) test the inputs once
        self._by_paths: dict[frozenset[Path], frozenset[Path]] = {}

    def carry(self, txn: Transaction, views: Iterable[TreeView[Any]] | None = None) -> None:
        """Hand on the memo of each of ``views`` (default: all) from ``txn.old`` to ``txn.new`` where every input
        is the same in both. The ordered inputs no change names are compared all at once (each found by schema
        order: a container beside 100,000 users costs no scan of them)."""
        old, new = txn.old, txn.new
        held = [view for view in (self.views if views is None else views) if view.holds(old)]
        if not held:
            return
        touched = self._touched(txn.changes)
        held = [view for view in held if touched.isdisjoint(view.inputs)]
        moved = {
            path
            for view in held
            for path in view.inputs
            if self.ordered.get(path, True) and (txn.touched is None or reported_inside(txn.touched, path))
        }
        if moved:
            before, after = self._serialised(old, moved), self._serialised(new, moved)
            self._last = (new, after)
            moved = {path for path in moved if before[path] != after[path]}
        for view in held:
            if moved.isdisjoint(view.inputs):
                view.hand_on(old, new)

    def _touched(self, changes: tuple[Change, ...]) -> frozenset[Path]:
        """The inputs ``changes`` touch (see :attr:`_of_changes` and :attr:`_by_paths`)."""
        known = self._of_changes
        if known is not None and known[0] is changes:
            return known[1]
        changed = changed_paths(changes, self.depth)
        touched = self._by_paths.get(changed)
        if touched is None:
            touched = self._inputs_touched(changed)
            remember(self._by_paths, changed, touched, _PATH_SETS_KEPT)
        self._of_changes = (changes, touched)
        return touched

    def _inputs_touched(self, changed: frozenset[Path]) -> frozenset[Path]:
        """The inputs the ``changed`` paths touch: a change lies inside the input (the input is a prefix of the
        change) or the input lies inside the change."""
        below = {c[:depth] for c in changed for depth in range(1, len(c) + 1)}
        return frozenset(
            path for path in self._prefixes if path in below or not changed.isdisjoint(self._prefixes[path])
        )

    def _serialised(self, tree: etree._Element, paths: set[Path]) -> dict[Path, list[bytes]]:
        """Each of ``paths`` in ``tree``: its instances serialised (in C), in document order."""
        known = self._last[1] if self._last is not None and self._last[0] is tree else {}
        missing = paths.difference(known)
        found = _gather(self.schema, tree, missing) if missing else {}
        return {path: known[path] if path in known else [etree.tostring(e) for e in found[path]] for path in paths}

    def on_commit(self, txn: Transaction) -> None:
        """A commit listener (registered before any listener that reads a view); the last to carry ``txn``, so
        its changes are let go of here (they hold nodes of both trees)."""
        self.carry(txn)
        self._of_changes = None

    def release(self, tree: etree._Element) -> None:
        """Let go of everything memoised for ``tree``, the views' values and its serialised inputs: the tree is
        about to be edited in place as the spare copy of running (:mod:`~iosxe_agent.datastore.spare`), and a
        value kept for it would be stale (a reference kept would also stop it from being reused)."""
        for view in self.views:
            view.release(tree)
        if self._last is not None and self._last[0] is tree:
            self._last = None


def ordered(schema: Schema, path: Path) -> bool:
    """Whether a pure move could alter the nodes at ``path``: an ordered-by-user list on the path or below it;
    a path the schema does not know counts as ordered (it is compared)."""
    snode: SchemaNode | None = schema.root
    for tag in path:
        snode = snode.child(tag) if snode is not None else None
        if snode is None:
            return True
        if snode.ordered_by_user and snode.kind in _ORDERED_KINDS:
            return True
    return snode is not None and _holds_order(snode)


def reported_inside(touched: Touched, path: Path) -> bool:
    """Whether the edits' report ``touched`` reaches the nodes at ``path``: a node whose children it reports
    changed (``whole``) with a kind on the path, or a node at or below the path's end. Only there can an
    ordered-by-user entry have moved, since a move reports its parent whole with the list's tag."""
    level = [touched]
    for tag in path:
        below: list[Touched] = []
        for node in level:
            if node.whole and (not node.tags or tag in node.tags):
                return True
            below.extend(sub for ident, sub in node.children.items() if ident[0] == tag)
        if not below:
            return False
        level = below
    return True


def _gather(schema: Schema, root: etree._Element, paths: Iterable[Path]) -> dict[Path, list[etree._Element]]:
    """The instances of each of ``paths`` (and of their prefixes) in ``root``, in document order: a container
    or leaf found by schema order (:func:`~iosxe_agent.data.order.instances`), not by a scan of the 100,000
    users beside it; a node the schema does not know by a scan."""
    found: dict[Path, list[etree._Element]] = {(): [root]}
    snodes: dict[Path, SchemaNode | None] = {(): schema.root}
    for path in sorted({wanted[:depth] for wanted in paths for depth in range(1, len(wanted) + 1)}, key=len):
        parent_snode = snodes[path[:-1]]
        snode = snodes[path] = parent_snode.child(path[-1]) if parent_snode is not None else None
        found[path] = [
            child
            for parent in found[path[:-1]]
            for child in (instances(parent, snode) if snode is not None else parent.iterchildren(path[-1]))
        ]
    return found
