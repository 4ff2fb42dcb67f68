"""One committed change of running as a self-contained record, and its replay onto an earlier tree.

The write-ahead journal (:mod:`iosxe_agent.datastore.journal`) stores each commit as the change it made instead
of the whole new tree, so a one-leaf commit beside 10,000 list entries writes a few hundred bytes. Replaying the
records of a journal onto the snapshot they follow must give back running *exactly* (the same serialisation), so
a record addresses nodes the way the diff matches them — list entries by key, leaf-list entries by value — and
carries every value as it stands in the committed tree (values a normalizer rewrote, such as a hashed secret,
are there already; an edit is never re-run).

A record is the JSON array of its ops, then, for each op that carries XML (``xml`` below: a subtree, see
:func:`_dump`), a NUL byte and that XML as raw UTF-8; in the op, ``xml`` is the number of its text among them
(:func:`encode_ops`). Why: written inside the JSON, the 2.4 MB of XML of 10,000 new users was escaped and copied
once more (a quote per namespace declaration), which cost a fifth of recording them; XML never holds a NUL, so the
texts need no escaping and no lengths. Records written before, a JSON object ``{"ops": [...]}`` with each ``xml``
inline as a string, are still read (:func:`decode_ops`). Each op is one of

* ``["c", path, after, xml]``: create the node at ``path`` right after its sibling ``after`` (an identity, or
  null for the first child): the position of every new node is as in the committed tree, whatever its schema
  order or its list's ordering;
* ``["n", path, after, xml]``: create the run of adjacent new children ``xml`` holds (their subtrees one after
  the other, each serialised alone) under the node at ``path``, the first right after ``after`` as for ``c``.
  Why: a bulk create of 10,000 users was 10,000 ``c`` ops, each with its path, its sibling and a parse of its
  own, which cost more to write and to replay than the rest of the commit; a run is serialised, parsed and
  inserted in C. Its entries are not looked up one by one (that would cost what the run saves): the record
  comes from the diff, which found each of them new, and a damaged record fails its CRC before replay;
* ``["r", path, xml]``: replace the node at ``path`` (a leaf's or an anydata's new value);
* ``["d", path]``: delete the node at ``path``;
* ``["o", path, tag, [identity, ...]]``: the entries ``tag`` of the node at ``path`` (an ordered-by-user list, or
  any leaf-list: a system-ordered one keeps the order its values came in) in this order, side by side where the
  first of them is. The diff reports no change for an entry that only moved, so the encoder compares the order
  of such lists where the edit says it changed them and records the list's new order when it differs (or,
  should another node sit among the entries, which an order cannot place, the ``r`` of the whole node holding
  them: the smallest subtree that says it).

A path is the list of identities (:func:`iosxe_agent.data.touched.identity`: Clark tag, then key values or a
leaf-list value) from the top-level node down. Creates come in the committed tree's order (the diff's), so the
sibling a create follows already exists when it is replayed; the orders come last, once every entry exists.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from itertools import chain
from typing import Any, NamedTuple

from lxml import etree

from iosxe_agent.data.diff import ChangeOp
from iosxe_agent.data.order import single_children
from iosxe_agent.data.tags import tag_of
from iosxe_agent.data.touched import Identity, Touched, find_child, identity
from iosxe_agent.datastore.transaction import Transaction
from iosxe_agent.yang.schema import Kind, Schema, SchemaNode

_PARSER = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=True)
#: the JSON of a record's ops, made once: ``json.dumps`` with options builds an encoder per call. No check for
#: circular references (a record's ops are lists of strings, built here: lists of a path may be shared between
#: ops, never hold themselves), which the C encoder otherwise records and forgets at every list
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)
#: where the XML of each kind of op that carries some sits in the op (``["r", path, xml]``, ``["c"|"n", path,
#: after, xml]``)
_XML_AT = {"r": 2, "c": 3, "n": 3}


class RecordError(Exception):
    """A record that is not well-formed or does not fit the tree it is replayed onto."""


class Record(NamedTuple):
    """A commit's record: ``data``, the bytes the journal appends, and ``ops``, the list they encode. The spare
    copy of running replays ``ops`` itself (:meth:`Replayer.replay_ops`): :func:`decode_ops` of ``data`` gives
    back that list (lists, strings, null and integers survive JSON unchanged, the XML its bytes), so nothing is
    decoded for it."""

    data: bytes
    ops: list[list[Any]]


def encode(txn: Transaction, schema: Schema, touched: Touched | None = None) -> bytes:
    """The record of ``txn`` (its changes, with values from ``txn.new``).

    ``touched``: where ``txn.new`` differs from ``txn.old``, as the edit reported it (the same value the diff
    was given); None compares every ordered-by-user list of the two trees.
    """
    return recorded(txn, schema, touched).data


def recorded(txn: Transaction, schema: Schema, touched: Touched | None = None) -> Record:
    """:func:`encode`'s record with the ops it encodes."""
    ops: list[list[Any]] = []
    paths = _Paths(schema)
    run: list[etree._Element] = []  # the adjacent siblings created last, not recorded yet
    for change in txn.changes:
        if change.op is ChangeOp.CREATE and run and change.new is not None and change.new.getprevious() is run[-1]:
            run.append(change.new)
            continue
        if run:
            ops.append(_created(run, paths))
            run = []
        if change.op is ChangeOp.DELETE:
            assert change.old is not None
            ops.append(["d", paths.path(change.old)])
        elif change.op is ChangeOp.REPLACE:
            assert change.new is not None
            ops.append(["r", paths.path(change.new), _dump(change.new)])
        else:
            assert change.new is not None
            run = [change.new]
    if run:
        ops.append(_created(run, paths))
    ops.extend(_moves(txn.old, txn.new, schema, touched))
    return Record(encode_ops(ops), ops)


def encode_ops(ops: list[list[Any]]) -> bytes:
    """The bytes of a record of ``ops`` (in the form :func:`recorded` makes them, each ``xml`` bytes or
    ``[bytes, empty positions]``): the JSON of the ops with each ``xml`` replaced by its number, then each
    ``xml`` after a NUL (see the module docstring)."""
    texts: list[bytes] = []
    header: list[list[Any]] = []
    for op in ops:
        at = _XML_AT.get(op[0])
        if at is None:
            header.append(op)
            continue
        value = op[at]
        xml, rest = (value[0], value[1:]) if isinstance(value, list) else (value, None)
        if b"\0" in xml:
            raise ValueError("XML text holding a NUL byte cannot be recorded")
        ref = len(texts)
        texts.append(xml)
        header.append([*op[:at], ref if rest is None else [ref, *rest], *op[at + 1 :]])
    return b"\0".join([_JSON.encode(header).encode(), *texts])


def decode_ops(record: bytes) -> list[Any]:
    """The ops of ``record``, in the form :func:`recorded` makes them: those of :func:`encode_ops` with each
    ``xml`` as its bytes, or those of a record written before it (a JSON object, each ``xml`` a string).

    Raises:
        RecordError: ``record`` is neither.
    """
    if record[:1] != b"[":
        try:
            ops = json.loads(record)["ops"]
        except (ValueError, KeyError, TypeError) as exc:
            raise RecordError(f"not a change record: {exc}") from exc
        return ops  # type: ignore[no-any-return]
    header, *texts = record.split(b"\0")
    try:
        ops = json.loads(header)
    except ValueError as exc:
        raise RecordError(f"not a change record: {exc}") from exc
    if not isinstance(ops, list):
        raise RecordError("not a change record: its ops are not a list")
    used = 0
    for op in ops:
        at = _XML_AT.get(op[0]) if isinstance(op, list) and op and isinstance(op[0], str) else None
        if at is None or len(op) <= at:
            continue  # (a malformed op: replay says so)
        value = op[at]
        ref = value[0] if isinstance(value, list) and value else value
        if type(ref) is not int or ref != used or used >= len(texts):
            raise RecordError(f"malformed op {op!r}: not the next XML text of the record")
        op[at] = [texts[ref], *value[1:]] if isinstance(value, list) else texts[ref]
        used += 1
    if used != len(texts):
        raise RecordError(f"not a change record: {len(texts) - used} XML texts no op names")
    return ops


def replay(tree: etree._Element, record: bytes, schema: Schema) -> None:
    """Apply ``record`` to ``tree`` (a datastore tree in the state the record's commit started from), in place;
    :class:`Replayer` for many records.

    Raises:
        RecordError: the record is malformed or names a node the tree lacks (or already has).
    """
    Replayer(tree, schema).replay(record)


# -- encoding -------------------------------------------------------------------------------------------------
class _Paths:
    """Paths (identities from the top-level ancestor down, the datastore wrapper excluded) and schema nodes of
    the elements of a record, each parent worked out once: the 10,000 entries of a bulk create share one, and
    walking every entry's ancestors and schema again cost most of encoding such a record."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        #: by parent (its id; the element is kept so the id stays its own): its path and schema node
        self._parents: dict[int, tuple[etree._Element, list[list[str]], SchemaNode | None]] = {}

    def path(self, el: etree._Element) -> list[list[str]]:
        """``el``'s path."""
        parent_path, snode = self._of_parent(el)
        return [*parent_path, list(identity(el, snode.child(tag_of(el)) if snode is not None else None))]

    def parent_path(self, el: etree._Element) -> list[list[str]]:
        """The path of ``el``'s parent (``[]`` for a top-level node)."""
        return self._of_parent(el)[0]

    def snode(self, el: etree._Element) -> SchemaNode | None:
        """``el``'s schema node (None outside the schema)."""
        snode = self._of_parent(el)[1]
        return snode.child(tag_of(el)) if snode is not None else None

    def _of_parent(self, el: etree._Element) -> tuple[list[list[str]], SchemaNode | None]:
        parent = el.getparent()
        assert parent is not None, "a changed node always has a parent (the datastore wrapper at least)"
        if parent.getparent() is None:  # the datastore wrapper
            return [], self.schema.root
        known = self._parents.get(id(parent))
        if known is not None and known[0] is parent:
            return known[1], known[2]
        path, snode = self.path(parent), self.snode(parent)
        self._parents[id(parent)] = (parent, path, snode)
        return path, snode


def _created(run: list[etree._Element], paths: _Paths) -> list[Any]:
    """The op creating ``run`` (adjacent siblings, in document order): ``c`` for one node, as records always
    had it, ``n`` for more."""
    previous = _previous_element(run[0])
    after = None if previous is None else list(identity(previous, paths.snode(previous)))
    if len(run) == 1:
        return ["c", paths.path(run[0]), after, _dump(run[0])]
    return ["n", paths.parent_path(run[0]), after, _dump(*run)]


def _dump(*els: etree._Element) -> bytes | list[Any]:
    """Subtrees as XML (UTF-8), one after the other; with the positions (in document order, counted across them)
    of their elements whose text is empty but not absent (``<a></a>``, not ``<a/>``), which XML text cannot tell
    apart yet serialises differently."""
    xml = _serialised(els)
    if _EMPTY_TEXT.search(xml) is None:  # no start tag right before an end tag: no text is ""
        return xml
    empty = [i for i, node in enumerate(chain.from_iterable(el.iter() for el in els)) if node.text == ""]
    return [xml, empty] if empty else xml


def _serialised(els: tuple[etree._Element, ...]) -> bytes:
    """``els`` serialised one after the other, each as ``tostring`` writes it alone (with the declarations of the
    namespaces it uses from its ancestors). A run goes through one incremental writer, inside a wrapper cut off
    after: a ``tostring`` per node of 10,000 new users cost ~20 ms, most of it setting up each call's output,
    against ~15 ms (``tests/datastore/test_record_bytes.py`` compares the two)."""
    if len(els) == 1:
        return etree.tostring(els[0], encoding="UTF-8", with_tail=False)
    out = io.BytesIO()
    with etree.xmlfile(out, encoding="UTF-8") as xf, xf.element(_WRAPPER):
        for el in els:
            xf.write(el, with_tail=False)
    return out.getvalue()[len(_OPEN) : -len(_CLOSE)]


#: The element :func:`_serialised` writes a run inside and :func:`_fragments` parses it inside (no namespace:
#: each node declares its own), and its tags.
_WRAPPER = "w"
_OPEN, _CLOSE = f"<{_WRAPPER}>".encode(), f"</{_WRAPPER}>".encode()


#: A start tag right before an end tag (``<a x="1"></``): how an element whose text is "" serialises (None gives
#: ``<a/>``). One search in C per dumped subtree or run (on UTF-8, whose multi-byte characters hold no ASCII
#: byte); a match (or a comment right before an end tag) takes the walk. The possessive ``*+`` never gives back
#: what it ate (a ``>`` cannot follow less of a tag than all of it): backtracking through every tag made the
#: search of a 2.4 MB run of 10,000 users cost 25 ms, 9 without.
_EMPTY_TEXT = re.compile(rb"<[^/<>][^<>]*+(?<!/)></")


def _previous_element(el: etree._Element) -> etree._Element | None:
    prev = el.getprevious()
    while prev is not None and not isinstance(prev.tag, str):
        prev = prev.getprevious()
    return prev


def _order(parent: etree._Element, tag: str, snode: SchemaNode) -> list[Identity]:
    return [identity(c, snode) for c in parent.iterchildren(tag)]


def _moves(old: etree._Element, new: etree._Element, schema: Schema, touched: Touched | None) -> Iterator[list[Any]]:
    """An order op for every ordered-by-user list or leaf-list whose surviving entries changed their relative
    order."""
    pairs = _touched_pairs(old, new, schema.root, [], touched) if touched is not None else None
    for old_parent, new_parent, snode, path in pairs if pairs is not None else _all_pairs(old, new, schema.root, []):
        for child in _ordered_children(snode):
            if not _contiguous(new_parent, child.tag):
                # an edit left another node among the entries: an order cannot say where, the whole node can
                yield ["r", path, _dump(new_parent)]
                break
            before, after = _order(old_parent, child.tag, child), _order(new_parent, child.tag, child)
            kept_after, kept_before = set(after), set(before)
            if [i for i in before if i in kept_after] != [i for i in after if i in kept_before]:
                yield ["o", path, child.tag, [list(i) for i in after]]


def _contiguous(parent: etree._Element, tag: str) -> bool:
    """True when no other node sits between the first and the last ``tag`` child of ``parent``."""
    positions = [i for i, c in enumerate(parent) if c.tag == tag]
    return not positions or positions[-1] - positions[0] + 1 == len(positions)


#: A node present in both trees (old, new, its schema node, its path) whose ordered-by-user children may have moved.
Pair = tuple[etree._Element, etree._Element, SchemaNode, list[list[str]]]
#: Per schema node (by id, the node kept alive beside): its ordered-by-user list children and leaf-lists, and
#: whether any node below it is one. Schemas are built once per process, so this is filled once.
_ORDERED: dict[int, tuple[SchemaNode, tuple[SchemaNode, ...], bool]] = {}


def _ordered_info(snode: SchemaNode) -> tuple[tuple[SchemaNode, ...], bool]:
    known = _ORDERED.get(id(snode))
    if known is None:
        children = tuple(snode.data_children.values())
        # every leaf-list: the edit keeps a system-ordered one in the order its values came, so removing and
        # adding back a value moves it with no change the diff reports (a system-ordered list it sorts by key)
        own = tuple(c for c in children if c.kind is Kind.LEAF_LIST or (c.ordered_by_user and c.kind is Kind.LIST))
        below = bool(own) or any(_ordered_info(c)[1] for c in children if c.kind in (Kind.CONTAINER, Kind.LIST))
        known = _ORDERED[id(snode)] = (snode, own, below)
    return known[1], known[2]


def _ordered_children(snode: SchemaNode) -> tuple[SchemaNode, ...]:
    return _ordered_info(snode)[0]


def _may_hold_moves(snode: SchemaNode | None) -> bool:
    return snode is not None and snode.kind in (Kind.CONTAINER, Kind.LIST) and _ordered_info(snode)[1]


def _touched_pairs(
    old: etree._Element, new: etree._Element, snode: SchemaNode, path: list[list[str]], touched: Touched
) -> list[Pair]:
    """The pairs where the edit may have moved something: each ``whole`` trie node and, below it, every child of
    a kind it reports changed (the trie does not descend into those), then the trie's other children."""
    out: list[Pair] = []
    if touched.whole and _moves_possible_here(snode, touched.tags):
        out.append((old, new, snode, path))
        for old_child, new_child, cnode, ident in _matched(old, new, snode, touched.tags):
            out.extend(_all_pairs(old_child, new_child, cnode, [*path, list(ident)]))
    for ident, sub in touched.children.items():
        child_node = snode.child(ident[0])
        if child_node is None or (touched.whole and ident[0] in touched.tags) or not _reaches_moves(child_node, sub):
            continue
        before, after = find_child(old, ident, child_node), find_child(new, ident, child_node)
        if before is not None and after is not None:
            out.extend(_touched_pairs(before, after, child_node, [*path, list(ident)], sub))
    return out


def _reaches_moves(snode: SchemaNode, touched: Touched) -> bool:
    """True when the report ``touched`` of ``snode`` names some node under which an ordered-by-user list may have
    moved. A walk of the schema and the report alone: the node is looked up in the trees only if so, since finding
    a container can scan past every entry of a long list before it (``ip`` after 100,000 ``username`` entries)."""
    if not _may_hold_moves(snode):
        return False
    if touched.whole and _moves_possible_here(snode, touched.tags):
        return True
    return any(
        (child := snode.child(ident[0])) is not None and _reaches_moves(child, sub)
        for ident, sub in touched.children.items()
    )


def _moves_possible_here(snode: SchemaNode, tags: set[str]) -> bool:
    """Whether a node reported ``whole`` with children of ``tags`` changed can hold a move at or below it that
    its report does not name deeper: a move reports its list's parent whole with the list's tag, so only an
    ordered-by-user child of those kinds, or a child of those kinds that may hold one, can (no tags: any)."""
    if not tags:
        return True
    own = _ordered_children(snode)
    return any(c.tag in tags for c in own) or any(_may_hold_moves(snode.child(tag)) for tag in tags)


def _all_pairs(old: etree._Element, new: etree._Element, snode: SchemaNode, path: list[list[str]]) -> Iterator[Pair]:
    """Every pair that differs below which an ordered-by-user list may sit (no edit report to follow)."""
    if not _ordered_info(snode)[1] or etree.tostring(old) == etree.tostring(new):
        return
    yield old, new, snode, path
    for before, after, cnode, ident in _matched(old, new, snode, None):
        yield from _all_pairs(before, after, cnode, [*path, list(ident)])


def _matched(
    old: etree._Element, new: etree._Element, snode: SchemaNode, tags: set[str] | None
) -> Iterator[tuple[etree._Element, etree._Element, SchemaNode, Identity]]:
    """The children present under both ``old`` and ``new`` (of ``tags`` only, unless None) below which an
    ordered-by-user list may sit, matched by identity."""

    wanted = None if tags is None else [tag for tag in tags if _may_hold_moves(snode.child(tag))]
    if wanted == []:
        return  # the common case: nothing of the kinds the edit changed can hold a move (one scan in C skipped)

    def candidates(parent: etree._Element) -> Iterator[tuple[etree._Element, SchemaNode]]:
        for c in parent.iterchildren(*wanted) if wanted is not None else parent:
            cnode = snode.child(c.tag) if isinstance(c.tag, str) else None
            if cnode is not None and _may_hold_moves(cnode):
                yield c, cnode

    old_index = {identity(c, cnode): c for c, cnode in candidates(old)}
    for c, cnode in candidates(new):
        ident = identity(c, cnode)
        before = old_index.get(ident)
        if before is not None:
            yield before, c, cnode, ident


# -- replay ---------------------------------------------------------------------------------------------------
#: lookups by key in one list before :class:`Replayer` indexes it: each costs a scan in C (a few ms beside
#: 100,000 users), the index a Python pass over every entry (~40 ms there)
INDEX_AFTER = 8


def _findable(ident: Identity, snode: SchemaNode) -> bool:
    """Whether :func:`~iosxe_agent.data.touched.find_child` finds ``ident`` as the index would: an entry of a
    keyed list named by all its keys, or a leaf-list value (a keyless list, or a step of the wrong length, goes
    to the index, which finds nothing or the first entry, as the record format always meant)."""
    if snode.kind is Kind.LEAF_LIST:
        return len(ident) == 2
    return bool(snode.keys) and len(ident) == 1 + len(snode.keys)


class Replayer:
    """Replays records one after the other onto one tree (a journal's, at start-up).

    Its first :data:`INDEX_AFTER` lookups in one list find each entry by key in C (one scan of the list, no
    Python per entry); the next one indexes the list's entries, once, and the index is kept as records create and
    delete entries. So the spare copy's replay of one commit creating a user beside 100,000 costs two scans in C,
    not an index of 100,000 identities built and dropped, while the journal's many records at start-up still
    cost a few dictionary lookups each.
    """

    def __init__(self, tree: etree._Element, schema: Schema, index_after: int = INDEX_AFTER) -> None:
        self.tree = tree
        self.schema = schema
        self._index_after = index_after
        #: per parent element (by id; the element is kept so the id stays its own): its entries by identity, per tag
        self._index: dict[int, tuple[etree._Element, dict[str, dict[Identity, etree._Element]]]] = {}
        #: lookups so far per (id of a parent, tag) of a list not indexed yet; a reused id only indexes early
        self._lookups: dict[tuple[int, str], int] = {}

    def replay(self, record: bytes) -> None:
        """Apply ``record`` (see :func:`replay`)."""
        self.replay_ops(decode_ops(record))

    def replay_ops(self, ops: Any) -> None:
        """Apply the ops of a record, as :meth:`replay` decodes them or :func:`recorded` made them."""
        if not isinstance(ops, list):
            raise RecordError("not a change record: ops is not a list")
        for op in ops:
            if not isinstance(op, list) or not op:
                raise RecordError(f"malformed op {op!r}")
            self._apply(op)

    def _apply(self, op: list[Any]) -> None:
        kind, args = op[0], op[1:]
        if kind == "d" and len(args) == 1 and isinstance(args[0], list) and args[0]:
            parent, psnode = self._walk(args[0][:-1])
            node = self._child(parent, args[0][-1], psnode)
            if node is None:
                raise RecordError(f"no node {args[0]!r} to delete")
            self._forget(parent, psnode, node)
            parent.remove(node)
        elif kind == "r" and len(args) == 2:
            holder, hsnode, node = self._held(args[0])
            new = _fragment(args[1])
            if holder is None:  # the datastore itself (an ordered list at the top level): its children
                node[:] = list(new)
                self._index.clear()
            else:
                self._forget(holder, hsnode, node)
                holder.replace(node, new)
                self._remember(holder, hsnode, [new])
        elif kind == "c" and len(args) == 3 and isinstance(args[0], list) and args[0]:
            path, after, xml = args
            parent, psnode = self._walk(path[:-1])
            if self._child(parent, path[-1], psnode) is not None:
                raise RecordError(f"node {path!r} exists already")
            self._insert(parent, psnode, after, [_fragment(xml)], path)
        elif kind == "n" and len(args) == 3:
            path, after, xml = args
            parent, psnode = self._walk(path)
            self._insert(parent, psnode, after, _fragments(xml), path)
        elif kind == "o" and len(args) == 3 and isinstance(args[1], str) and isinstance(args[2], list):
            self._reorder(args[0], args[1], args[2])
        else:
            raise RecordError(f"malformed op {op!r}")

    def _insert(
        self, parent: etree._Element, psnode: SchemaNode | None, after: Any, new: list[etree._Element], path: Any
    ) -> None:
        """Put ``new`` (adjacent, in order) under ``parent``, the first right after its child ``after`` (None:
        first); ``path`` names them in an error."""
        if after is None:
            at = 0
        else:
            sibling = self._child(parent, after, psnode)
            if sibling is None:
                raise RecordError(f"no sibling {after!r} to create {path!r} after")
            at = parent.index(sibling) + 1
        parent[at:at] = new  # one call: lxml moves each node in C
        self._remember(parent, psnode, new)

    def _held(self, path: Any) -> tuple[etree._Element | None, SchemaNode | None, etree._Element]:
        """The node at ``path`` with its parent and the parent's schema node (None and None for the datastore
        itself): the walk to the parent knows that schema node, so it is not looked up again from the node's
        ancestors."""
        if not isinstance(path, list) or not path:
            return None, None, self._walk(path)[0]
        holder, hsnode = self._walk(path[:-1])
        node = self._child(holder, path[-1], hsnode)
        if node is None:
            raise RecordError(f"no node {path[-1]!r} at {path!r}")
        return holder, hsnode, node

    def _walk(self, path: Any) -> tuple[etree._Element, SchemaNode | None]:
        """The node at ``path`` and its schema node."""
        if not isinstance(path, list):
            raise RecordError(f"malformed path {path!r}")
        el: etree._Element = self.tree
        snode: SchemaNode | None = self.schema.root
        for step in path:
            found = self._child(el, step, snode)
            if found is None:
                raise RecordError(f"no node {step!r} at {path!r}")
            snode = snode.child(step[0]) if snode is not None else None
            el = found
        return el, snode

    def _child(self, parent: etree._Element, step: Any, psnode: SchemaNode | None) -> etree._Element | None:
        """The child of ``parent`` that path step ``step`` names."""
        if not isinstance(step, list) or not step or not all(isinstance(s, str) for s in step):
            raise RecordError(f"malformed path step {step!r}")
        snode = psnode.child(step[0]) if psnode is not None else None
        # a name the schema knows is an element name: only another one is checked (in lxml, ~1 µs a step)
        ident = (step[0] if snode is not None else _tag(step[0]), *step[1:])
        if snode is None:
            return next(parent.iterchildren(ident[0]), None)
        if snode.kind not in (Kind.LIST, Kind.LEAF_LIST):  # the ``ip`` beside 100,000 users without a scan of them
            return single_children(parent, ident[0])[ident[0]]  # (siblings may be out of order until the last op)
        held = self._index.get(id(parent))
        entries = held[1].get(ident[0]) if held is not None else None
        if entries is None:
            lookups = self._lookups.get((id(parent), ident[0]), 0) + 1
            if lookups <= self._index_after and _findable(ident, snode):
                self._lookups[(id(parent), ident[0])] = lookups
                return find_child(parent, ident, snode)
            entries = self._entries(parent, ident[0], snode)
        return entries.get(ident)

    def _entries(self, parent: etree._Element, tag: str, snode: SchemaNode) -> dict[Identity, etree._Element]:
        held = self._index.setdefault(id(parent), (parent, {}))[1]
        entries = held.get(tag)
        if entries is None:
            entries = held[tag] = {}
            for c in parent.iterchildren(tag):
                entries.setdefault(identity(c, snode), c)
        return entries

    def _known(
        self, parent: etree._Element, psnode: SchemaNode | None, el: etree._Element
    ) -> tuple[dict[Identity, etree._Element], Identity]:
        """The index ``el`` belongs in (an empty one when its list is not indexed yet) and its identity there
        (``psnode``: ``parent``'s schema node)."""
        held = self._index.get(id(parent))
        tag = tag_of(el)
        entries = held[1].get(tag) if held is not None else None
        if entries is None:
            return {}, (tag,)
        return entries, identity(el, psnode.child(tag) if psnode is not None else None)

    def _remember(self, parent: etree._Element, psnode: SchemaNode | None, els: list[etree._Element]) -> None:
        if id(parent) not in self._index:  # no list of it indexed: nothing to look at per node
            return
        for el in els:
            entries, ident = self._known(parent, psnode, el)
            entries[ident] = el

    def _forget(self, parent: etree._Element, psnode: SchemaNode | None, el: etree._Element) -> None:
        entries, ident = self._known(parent, psnode, el)
        if entries.get(ident) is el:
            del entries[ident]

    def _reorder(self, path: Any, tag: str, order: list[Any]) -> None:
        """Put the ``tag`` children of the node at ``path`` in ``order`` (all of them, where the first one is)."""
        parent, psnode = self._walk(path)
        entries = list(parent.iterchildren(_tag(tag)))
        if not entries or len(entries) != len(order):
            raise RecordError(f"order of {tag} at {path!r} names {len(order)} entries, the tree has {len(entries)}")
        moved = []
        for step in order:
            entry = self._child(parent, step, psnode)
            if entry is None or tag_of(entry) != tag:
                raise RecordError(f"order of {tag} at {path!r} names a missing entry {step!r}")
            moved.append(entry)
        if len({id(e) for e in moved}) != len(moved):
            raise RecordError(f"order of {tag} at {path!r} names an entry twice")
        anchor = entries[0].getprevious()
        for entry in moved:
            if anchor is None:
                parent.insert(0, entry)
            else:
                anchor.addnext(entry)
            anchor = entry


def _tag(name: str) -> str:
    """``name`` if it is an element name lxml takes (a Clark name), else RecordError."""
    try:
        etree.QName(name)
    except ValueError as exc:
        raise RecordError(f"not an element name: {name!r}") from exc
    return name


def _fragment(value: Any) -> etree._Element:
    """The subtree :func:`_dump` wrote of one node."""
    return _parsed(value, wrapped=False)


def _fragments(value: Any) -> list[etree._Element]:
    """The subtrees :func:`_dump` wrote of a run of nodes (one at least)."""
    wrapper = _parsed(value, wrapped=True)
    if wrapper.text is not None or len(wrapper) == 0:
        raise RecordError("malformed run of nodes")
    return list(wrapper)


def _parsed(value: Any, *, wrapped: bool) -> etree._Element:
    """The XML :func:`_dump` wrote, empty texts restored; ``wrapped``: a run, parsed at once inside the wrapper,
    which is not counted in the positions."""
    xml, empty = (value[0], value[1]) if isinstance(value, list) and len(value) == 2 else (value, [])
    if isinstance(xml, str):  # (a record written before :func:`encode_ops`)
        xml = xml.encode()
    if not isinstance(xml, bytes) or not isinstance(empty, list):
        raise RecordError("malformed node value")
    try:
        el = etree.fromstring(_OPEN + xml + _CLOSE if wrapped else xml, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise RecordError(f"malformed node value: {exc}") from exc
    nodes = list(el.iter())[wrapped:] if empty else []
    for i in empty:
        if not isinstance(i, int) or not 0 <= i < len(nodes) or nodes[i].text is not None:
            raise RecordError("malformed node value: no empty text there")
        nodes[i].text = ""
    return el
