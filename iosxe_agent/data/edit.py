"""edit-config semantics (RFC 6241 §7.2, RFC 7950 §7.8.6/§7.9.6/§8.3) as a pure function over lxml trees.

:func:`apply_edit` never mutates its input: it edits a deep copy of the target and returns it, or returns the
errors and no tree. Every value entering the tree is checked against its type and stored in canonical form, and
siblings are kept in schema order, so the result can be compared, diffed and rendered directly.
"""

from __future__ import annotations

import copy
import enum
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple, TypedDict, Unpack

from lxml import etree

from iosxe_agent.data.errors import DataError, EditAborted
from iosxe_agent.data.hidden import graft_hidden
from iosxe_agent.data.order import find_single, insert_in_schema_order
from iosxe_agent.data.runs import Plan, RunShape, first_keys, shape_of
from iosxe_agent.data.tags import key_child, tag_of
from iosxe_agent.data.touched import INDEX_ABOVE, Touched, find_child, touched_of
from iosxe_agent.digits import ascii_digits
from iosxe_agent.yang.datatype import TypeMismatch, canonical
from iosxe_agent.yang.schema import Identity, Kind, Schema, SchemaNode, TypeSpec, split_clark

NC_NS = "urn:ietf:params:xml:ns:netconf:base:1.0"
YANG_NS = "urn:ietf:params:xml:ns:yang:1"
OPERATION = f"{{{NC_NS}}}operation"
INSERT = f"{{{YANG_NS}}}insert"
KEY_ATTR = f"{{{YANG_NS}}}key"
VALUE_ATTR = f"{{{YANG_NS}}}value"


class Op(enum.Enum):
    """The edit operations of RFC 6241 §7.2 plus ``none`` (only as a default)."""

    MERGE = "merge"
    REPLACE = "replace"
    CREATE = "create"
    DELETE = "delete"
    REMOVE = "remove"
    NONE = "none"


class ErrorOption(enum.Enum):
    """What to do after an error (RFC 6241 §7.2 ``error-option``)."""

    STOP = "stop-on-error"
    CONTINUE = "continue-on-error"
    ROLLBACK = "rollback-on-error"


class _ErrorDetails(TypedDict, total=False):
    """The optional fields of a :class:`DataError` an edit error may set."""

    app_tag: str | None
    info: tuple[tuple[str, str], ...]
    error_type: str


@dataclass(frozen=True, slots=True)
class EditResult:
    """The edited copy (None when the edit failed as a whole), every error found, and which subtrees of the copy
    the edit changed (``touched``: everything outside them is byte-identical to the original)."""

    tree: etree._Element | None
    errors: tuple[DataError, ...] = ()
    changed: bool = False
    touched: Touched | None = None


class _TooBig(EditAborted):
    """The edit exceeds the element budget: refused as a whole, whatever the error-option."""


@dataclass(frozen=True, slots=True)
class _Position:
    """Where an ordered-by user entry goes: ``where`` is first/last/before/after; ``anchor`` the yang:key or
    yang:value text as sent; ``keys`` the anchor's canonical key values (the value, for a leaf-list), or None
    when the attribute could not be parsed."""

    where: str
    anchor: str | None = None
    keys: tuple[str, ...] | None = None


class _Loc(NamedTuple):
    """Where in the data tree an edit step is: a link to the step above, the schema node and, for a list entry,
    its key values (a leaf-list entry: its value). One is made per edited node, so the instance path and the
    prefixes it uses are spelled out only when an error asks for them. A named tuple rather than a frozen
    dataclass: as immutable, but made in C, where a frozen dataclass sets each field through
    ``object.__setattr__`` (four of them for every ``ip ssh time-out`` edit)."""

    up: _Loc | None = None
    node: SchemaNode | None = None
    keys: tuple[str, ...] | None = None

    def child(self, node: SchemaNode, keys: tuple[str, ...] | None = None) -> _Loc:
        return _Loc(self, node, keys)

    def _nodes(self) -> list[_Loc]:
        """The steps from the top-level node down to this one."""
        out: list[_Loc] = []
        loc: _Loc | None = self
        while loc is not None and loc.node is not None:
            out.append(loc)
            loc = loc.up
        out.reverse()
        return out

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(step.step() for step in self._nodes())

    @property
    def ns(self) -> dict[str, str]:
        ns: dict[str, str] = {}
        for step in self._nodes():
            assert step.node is not None
            ns[step.node.prefix] = step.node.ns
        return ns

    def step(self) -> str:
        node = self.node
        assert node is not None
        if self.keys is None:
            predicate = ""
        elif node.kind is Kind.LEAF_LIST:
            predicate = f"[.={_quote(self.keys[0])}]"
        else:
            predicate = "".join(
                f"[{node.prefix}:{split_clark(k)[1]}={_quote(v)}]" for k, v in zip(node.keys, self.keys, strict=True)
            )
        return f"{node.prefix}:{node.name}{predicate}"

    @property
    def path(self) -> str:
        return "/" + "/".join(self.parts)


def _quote(value: str) -> str:
    """XPath string literal for a key value (choosing the quote the value does not contain)."""
    return f"'{value}'" if "'" not in value else f'"{value}"'


class _Editor:
    def __init__(
        self,
        schema: Schema,
        error_option: ErrorOption,
        max_elements: int,
        identities: Mapping[str, Identity],
        hidden: frozenset[str] = frozenset(),
    ) -> None:
        self.schema = schema
        #: namespaces this edit may not name (a client's partial view: hidden modules), and keeps when replacing
        self.hidden = hidden
        self.error_option = error_option
        self.errors: list[DataError] = []
        self.changed = False
        self.budget = max_elements
        self.identities = identities
        # keyed by id(parent): the parent is kept in the value so its id cannot be reused by another element
        self._index: dict[tuple[int, str], tuple[etree._Element, dict[tuple[str, ...], etree._Element]]] = {}
        #: by the same key: the parent and how many entries of that list were looked up there without an index
        self._lookups: dict[tuple[int, str], tuple[etree._Element, int]] = {}
        self._touched: dict[tuple[int, str], tuple[etree._Element, SchemaNode]] = {}
        #: elements whose children or values this edit changed, by id (the element kept so the id stays its
        #: own), with the tags of the changed children
        self.changed_at: dict[int, tuple[etree._Element, set[str]]] = {}
        #: by the same ids: per changed tag, the list entries created, replaced or deleted there, while every
        #: change of that tag was one of those (None once any other change was: see ``touched_of``)
        self.named_at: dict[int, dict[str, list[etree._Element] | None]] = {}
        self._keys_first: dict[int, bool] = {}  # by id() of a list's schema node (the schema outlives the edit)
        #: canonical values of the bulk path by (id() of the type, text as sent), for types whose value does not
        #: depend on the element's namespaces: 10,000 users repeat their privilege, kind and often the secret
        self._canonical_values: dict[tuple[int, str | None], str] = {}
        #: ``_plan`` of each (id() of a schema node, its instance's child tags) met by ``_canonical``
        self._plans: dict[tuple[int, tuple[object, ...]], tuple[tuple[tuple[SchemaNode, Kind], ...], int] | None]
        self._plans = {}
        #: by the same key: the runs (start, end) of entries of one system-ordered list long enough for
        #: :meth:`_canonical_run`
        self._runs: dict[tuple[int, tuple[object, ...]], tuple[tuple[int, int], ...]] = {}
        #: by (id(parent), list tag): the parent, the entry last placed there by the general path and its sort
        #: key (the next entry of a bulk edit goes after it, and is compared with it)
        self._last_placed: dict[tuple[int, str], tuple[etree._Element, etree._Element, tuple[tuple[int, object], ...]]]
        self._last_placed = {}

    def _mark(self, el: etree._Element, tag: str, entry: etree._Element | None = None) -> None:
        self._mark_entries(el, tag, None if entry is None else (entry,))

    def _mark_entries(self, el: etree._Element, tag: str, entries: Sequence[etree._Element] | None) -> None:
        """Record a change of ``el``'s ``tag`` children: the creation, deletion or replacement of list
        ``entries``, or (None) any other change."""
        self.changed_at.setdefault(id(el), (el, set()))[1].add(tag)
        kinds = self.named_at.setdefault(id(el), {})
        named = kinds.setdefault(tag, [])
        if entries is None:
            kinds[tag] = None
        elif named is not None:
            named.extend(entries)

    # -- error handling ---------------------------------------------------------------------------------------
    def fail(self, tag: str, message: str, loc: _Loc | None, **details: Unpack[_ErrorDetails]) -> None:
        self.errors.append(
            DataError(tag, message, loc.path if loc and loc.parts else None, dict(loc.ns) if loc else {}, **details)
        )
        if self.error_option is not ErrorOption.CONTINUE:
            raise EditAborted

    # -- entry ------------------------------------------------------------------------------------------------
    def edit_children(self, target: etree._Element, snode: SchemaNode, edit: etree._Element, op: Op, loc: _Loc) -> None:
        cases: dict[int, tuple[SchemaNode, str]] = {}  # the case of each choice this edit's children write
        plain: bool | None = None  # no attribute below ``edit`` (looked up in C at the first list entry)
        runs_tried: set[str] = set()  # list tags whose entries were tried as one run (once each: see _new_run)
        children: Iterator[etree._Element] = iter(edit)
        while (child := next(children, None)) is not None:
            if not isinstance(child.tag, str):
                continue  # comments and processing instructions carry no data
            self.budget -= 1
            if self.budget < 0:
                # a limit, not a data error: no part of an over-sized edit is applied, and continue-on-error
                # must not report one error per remaining element
                path = loc.path if loc.parts else None
                message = "the edit has more elements than the agent accepts"
                self.errors.append(DataError("too-big", message, path, dict(loc.ns) if path else {}))
                raise _TooBig
            cnode = snode.child(child.tag)
            if cnode is None or cnode.ns in self.hidden:
                self._unknown(child, snode, loc)
                continue
            if cnode.kind is Kind.LIST and op in _CREATING:
                if plain is None:
                    plain = not _ANY_ATTRIBUTE_BELOW(edit)
                if plain and cnode.tag not in runs_tried:
                    runs_tried.add(cnode.tag)
                    created = self._new_run(target, cnode, edit, child)
                    if created:  # on after the run's last entry (side by side), found in C, not stepped to
                        children = edit[edit.index(child) + created - 1].itersiblings()
                        continue
                if plain and self._new_entry(target, cnode, child):
                    continue
            try:
                if self._one_case(cases, cnode, child, op, loc):
                    self.edit_node(target, cnode, child, op, loc)
            except EditAborted as exc:
                if self.error_option is not ErrorOption.CONTINUE or isinstance(exc, _TooBig):
                    raise

    def _one_case(
        self, cases: dict[int, tuple[SchemaNode, str]], cnode: SchemaNode, el: etree._Element, op: Op, loc: _Loc
    ) -> bool:
        """Refuse data for a second case of a choice among one parent's children (RFC 7950 §8.3.1: bad-element);
        False when ``el`` is refused (and skipped, under continue-on-error).

        Only nodes the edit writes count: deleting a node of one case while creating another is a change of
        case, and so is creating a case in a later edit (the old case goes, RFC 7950 §7.9.6). The message is
        yanglint's for the same data.
        """
        raw = el.get(OPERATION)
        if raw in _REMOVING_VALUES if raw else op in _REMOVING:  # (an enum's ``value`` is a slow descriptor)
            return True
        for choice, case in cnode.choice_ancestry():
            first = cases.setdefault(id(choice), (case, cnode.name))
            if first[0] is not case:
                self.fail(
                    "bad-element",
                    f'Data for both cases "{first[0].name}" and "{case.name}" exist (choice {choice.name})',
                    loc.child(cnode),
                    info=(("bad-element", cnode.name),),
                )
                return False
        return True

    def _unknown(self, child: etree._Element, snode: SchemaNode, loc: _Loc) -> None:
        ns, name = split_clark(tag_of(child))
        if snode.kind is Kind.MODULE and (ns not in self.schema.ns_to_prefix or ns in self.hidden):
            self.fail(
                "unknown-namespace",
                f'namespace "{ns}" is not supported' if ns else f'"{name}" has no namespace',
                loc,
                info=(("bad-element", name), ("bad-namespace", ns)),
            )
        else:
            self.fail(
                "unknown-element",
                f'unknown element "{name}" in {loc.path if loc.parts else "the configuration"}',
                loc,
                info=(("bad-element", name),),
            )

    def _operation(self, el: etree._Element, inherited: Op, loc: _Loc) -> Op:
        raw = el.get(OPERATION)
        if raw is None:
            return inherited
        try:
            op = Op(raw)
        except ValueError:
            op = None
        if op is None or op is Op.NONE:
            self.fail(
                "bad-attribute",
                f'"{raw}" is not a valid operation',
                loc,
                error_type="protocol",
                info=(("bad-attribute", "operation"), ("bad-element", split_clark(tag_of(el))[1])),
            )
            return inherited
        if inherited in (Op.DELETE, Op.REMOVE) and op not in (Op.DELETE, Op.REMOVE):
            # RFC 6241 leaves this undefined; creating inside something being deleted cannot succeed
            self.fail(
                "bad-attribute",
                f'operation "{raw}" inside a node being deleted',
                loc,
                error_type="protocol",
                info=(("bad-attribute", "operation"), ("bad-element", split_clark(tag_of(el))[1])),
            )
        return op

    # -- per node ---------------------------------------------------------------------------------------------
    def edit_node(
        self, target: etree._Element, snode: SchemaNode, el: etree._Element, inherited: Op, loc: _Loc
    ) -> None:
        here = loc.child(snode)
        op = self._operation(el, inherited, here)
        if not snode.config:
            self.fail(
                "invalid-value",
                f"{here.path} is state data and cannot be configured",
                here,
                info=(("bad-element", snode.name),),
            )
            return
        if snode.kind is Kind.LIST:
            self._edit_list_entry(target, snode, el, op, loc)
        elif snode.kind is Kind.LEAF_LIST:
            self._edit_leaf_list(target, snode, el, op, here)
        elif snode.kind is Kind.LEAF:
            self._edit_leaf(target, snode, el, op, here)
        else:  # container, anyxml, anydata
            existing = find_single(target, snode)
            self._edit_interior(target, snode, el, op, here, existing)

    def _edit_interior(
        self,
        target: etree._Element,
        snode: SchemaNode,
        el: etree._Element,
        op: Op,
        here: _Loc,
        existing: etree._Element | None,
        position: _Position | None = None,
    ) -> None:
        if self._delete_or_refuse(target, snode, op, existing, here):
            return
        if snode.kind in (Kind.ANYXML, Kind.ANYDATA):
            new = copy.deepcopy(el)
            _strip_edit_attrs(new)
            self._place(target, snode, new, existing, position, here)
            return
        replaced: etree._Element | None = None
        if op is Op.REPLACE and existing is not None:
            replaced, existing = existing, None  # swapped for the new node in _place, keeping its position
        if existing is None:
            if op is Op.NONE and not _requests_creation(el):
                if not _only_removes(el):
                    self.fail("data-missing", f"{here.path} does not exist", here)
                return
            node = _attach_new(target, snode)
            if snode.kind is Kind.LIST:  # the entry's canonical keys, as _edit_list_entry found them
                for key_tag, value in zip(snode.keys, here.keys or (), strict=False):
                    etree.SubElement(node, key_tag).text = value
            if op is Op.NONE or not self._build(node, snode, el):
                self.edit_children(node, snode, el, Op.MERGE if op is Op.REPLACE else op, here)
            if op is Op.NONE and not _has_content(node, snode):
                target.remove(node)
                return
            if replaced is not None and self.hidden:
                graft_hidden(replaced, node, snode, self.schema)  # a partial view replaces only what it sees
            self._place(target, snode, node, replaced, position, here)
            return
        if position is not None and snode.ordered_by_user:
            self._move(target, snode, existing, position, here)
        self.edit_children(existing, snode, el, op, here)

    # -- creating a subtree in bulk -----------------------------------------------------------------------------
    def _new_entry(self, target: etree._Element, snode: SchemaNode, el: etree._Element) -> bool:
        """Create list entry ``el`` (no attribute in it, under a merge, replace or create) under ``target`` if it
        is new, plain (see :meth:`_build`) and outside any choice, as :meth:`edit_node` would; False, and nothing
        done, when it is not, for the general path to edit it.

        Why: 10,000 users in one edit spent two thirds of their time in the general path's per-entry steps
        (operation, choice, instance path, position), which such an entry does not need.
        """
        if not snode.config or _in_choice(snode):
            return False
        keys = self._plain_keys(snode, el)
        if keys is None or self._existing(target, snode, keys) is not None:
            return False
        node = _attach_new(target, snode)
        for key_tag, value in zip(snode.keys, keys, strict=True):
            etree.SubElement(node, key_tag).text = value
        if not self._build(node, snode, el, plain=True):
            target.remove(node)
            return False
        self._put(target, snode, node, keys)
        return True

    def _put(self, parent: etree._Element, snode: SchemaNode, new: etree._Element, keys: tuple[str, ...]) -> None:
        """Place ``new``, a new entry of list ``snode`` (outside any choice) just created at the end of
        ``parent``, as :meth:`_place` would."""
        if not self._append_in_order(parent, snode, new, keys):
            self._place(parent, snode, new, None, None, keys=keys)

    def _new_run(self, target: etree._Element, snode: SchemaNode, edit: etree._Element, first: etree._Element) -> int:
        """Create the entries of list ``snode`` in ``edit`` (no attribute below it, under a merge, replace or
        create), ``first`` the first, under ``target`` when they are one run (every ``snode`` child of ``edit``,
        side by side) of more than ``RUN_ABOVE`` entries, each new and canonical (:func:`.runs.shape_of`), in
        strict key order and going after the entry the first one lands next to: what :meth:`_new_entry` would
        make of them one by one. Returns how many were created (the element budget of all but ``first``'s own
        element counted), or 0, nothing done, for the caller to take them one by one.

        Why: 10,000 new users in one edit cost ~55 µs each one by one (their keys, values and order checked, each
        element built and placed in Python); as a run, the values and keys are read by one XPath per leaf and
        the entries are copied and moved in C, and their key order is checked in C when the keys are names.
        """
        if not snode.keys or snode.ordered_by_user or not snode.config or _in_choice(snode):
            return 0
        start = edit.index(first)
        # how many children the first entry and the last span: all of them entries if _keyed_run finds as many
        count = edit.index(next(edit.iterchildren(snode.tag, reversed=True))) - start + 1
        if count <= RUN_ABOVE or count < 2 or next(edit.iterchildren(snode.tag)) is not first:
            return 0
        found = self._keyed_run(edit, snode, first, count)
        if found is None or self.budget < count * (1 + found[0].elements) - 1:
            return 0
        shape, keys = found
        if self._any_existing(target, snode, keys):
            return 0  # an existing entry: merged one by one
        built = self._copied_run(edit, target, snode, start, count, shape)
        if built is None:
            return 0
        target.append(built[0])  # where _new_entry creates the first, then placed as it would be
        self._put(target, snode, built[0], _entry(keys, 0))
        self.budget -= shape.elements
        previous = self._follows_last(target, snode, None, _sort_keys(_entry(keys, 1)))
        if previous is not built[0]:
            return 1  # the first one's neighbours leave the rest no room: they go one by one
        self.budget -= (count - 1) * (1 + shape.elements)
        previous.addnext(built[1])
        at = target.index(built[1])
        target[at + 1 : at + 1] = built[2:]
        self.changed = True
        self._mark_entries(target, snode.tag, built[1:])
        cached = self._index.get((id(target), snode.tag))
        if cached is not None:
            cached[1].update(zip(itertools.islice(zip(*keys, strict=True), 1, None), built[1:], strict=True))
        self._last_placed[(id(target), snode.tag)] = (target, built[-1], _sort_keys(_entry(keys, count - 1)))
        return count

    def _any_existing(self, parent: etree._Element, snode: SchemaNode, keys: list[list[str]]) -> bool:
        """Whether an entry of list ``snode`` under ``parent`` has the key values of one of the entries whose keys
        are the columns ``keys`` (a run's canonical values): from the index when this edit made one; otherwise the
        first key of every entry there is read in C (:func:`.runs.first_keys`), and the index is made only when
        that does not settle it (one of them is among the run's, or an entry's first key is split).

        Why: indexing 20,000 users (an element and a key look-up each, in Python) to learn that none of 10,000
        new ones exists cost ~50 ms, about what creating them costs.
        """
        if (id(parent), snode.tag) not in self._index:
            query = first_keys(snode)
            firsts = set(keys[0])
            if "" not in firsts and firsts.isdisjoint(query.texts(parent)) and not query.split(parent):
                return False  # (an entry without that key has "" for it, see _entry_keys: no value of a run)
        index = self._entry_index(parent, snode)
        return any(k in index for k in zip(*keys, strict=True))

    def _copied_run(
        self, edit: etree._Element, target: etree._Element, snode: SchemaNode, start: int, count: int, shape: RunShape
    ) -> list[etree._Element] | None:
        """The ``count`` children of ``edit`` from ``start`` (entries of list ``snode`` checked canonical, of
        ``shape``), copied in C for ``target``: what :meth:`_new_entry` builds of each, or None when their
        namespace declarations are not the canonical ones (as :meth:`_copy` checks them, once the copy has
        dropped those nothing in it uses; first, without that, by :func:`_declared_below`)."""
        if etree.QName(edit).namespace != etree.QName(target).namespace:
            return None
        dup = copy.deepcopy(edit)
        dup.attrib.clear()  # the holder's own attributes (an operation) are no part of the entries
        del dup[start + count :]
        del dup[:start]
        if _ANY_TEXT(dup):  # (looked for in C: 10,000 entries sent without indentation have none)
            for entry in dup:
                entry.tail = None  # text between the entries of an edit is no part of them
        own = snode.ns != etree.QName(dup).namespace  # an entry of another module declares its own, as _attach_new
        expected = count * (shape.switches + own)
        if not _declared_below(dup, expected, shape.namespaces):
            etree.cleanup_namespaces(dup)  # declarations nothing uses, which _fill never copies
            if not _declared_canonically(dup, 1 + expected):
                return None
        return list(dup)

    def _append_in_order(
        self,
        parent: etree._Element,
        snode: SchemaNode,
        new: etree._Element,
        keys: tuple[str, ...],
    ) -> bool:
        """Put ``new`` (a new entry of list ``snode``, outside any choice, with canonical ``keys``, just created at
        the end of ``parent``) right after the entry this edit placed last, as :meth:`_place` would, when no
        search is needed: the list is system-ordered, ``new`` sorts after that entry, and what follows that
        entry is nothing or a node of a later schema position. False, and nothing done, otherwise.

        Why: entries of a bulk create mostly arrive in key order after the last existing one; there ``_place``'s
        general steps (choices, the schema-order scan, the key-order check of both neighbours) cost a quarter
        of creating the entry.
        """
        mine = _sort_keys(keys)
        previous = self._follows_last(parent, snode, new, mine)
        if previous is None:
            return False
        previous.addnext(new)
        self.changed = True
        self._mark(parent, snode.tag, new)
        self._indexed(parent, snode, keys, new)
        self._last_placed[(id(parent), snode.tag)] = (parent, new, mine)
        return True

    def _follows_last(
        self,
        parent: etree._Element,
        snode: SchemaNode,
        new: etree._Element | None,
        mine: tuple[tuple[int, object], ...],
    ) -> etree._Element | None:
        """The entry of list ``snode`` this edit placed last under ``parent``, when a new entry with sort key
        ``mine`` goes right after it with no search (see :meth:`_append_in_order`; ``new``: that entry, if it
        is already at the end of ``parent``); None otherwise."""
        if snode.ordered_by_user:
            return None
        last = self._last_placed.get((id(parent), snode.tag))
        if last is None or last[0] is not parent:
            return None
        previous = last[1]
        if last[2] > mine or previous.getparent() is not parent:
            return None
        after = previous.getnext()
        if after is not None and after is new:
            after = after.getnext()
        if after is not None:
            owner = snode.data_parent
            later = owner.data_children.get(after.tag) if owner is not None and isinstance(after.tag, str) else None
            if later is None or later.order_index <= snode.order_index:
                return None
        return previous

    def _build(self, node: etree._Element, snode: SchemaNode, el: etree._Element, plain: bool = False) -> bool:
        """Fill ``node``, just created for ``el`` (only its keys inside), with ``el``'s content in one pass: what
        :meth:`edit_children` would make of it, without the per-node work a merge into existing data needs.

        Why: creating 10,000 list entries (a bulk edit, loading a startup) spent most of its time in that work.
        Only plain new data takes this path: any attribute, unknown or hidden or state node, invalid value,
        repeated node (or leaf-list value), second case of a choice, anydata, or going over the element budget
        makes it give up, leave ``node`` as it was and return False, so the general path does the edit and
        reports any error exactly as always (tests/data/test_edit_bulk.py compares the two paths).
        """
        if not plain and _ANY_ATTRIBUTE_BELOW(el):  # ``plain``: the caller knows ``el`` has none
            return False
        budget = self.budget
        if len(el) > COPY_ABOVE and self._copy(node, snode, el):
            return True
        lists: list[tuple[etree._Element, SchemaNode]] = []
        if self._fill(node, snode, el, lists):
            for parent, list_node in lists:  # entries of system-ordered lists are put in key order by finish()
                self._touched[(id(parent), list_node.tag)] = (parent, list_node)
            return True
        self.budget = budget
        keys = set(snode.keys)
        for child in list(node):
            if child.tag not in keys:
                node.remove(child)
        return False

    def _copy(self, node: etree._Element, snode: SchemaNode, el: etree._Element) -> bool:
        """Fill ``node`` with a copy made in C of ``el``'s children when ``el`` is already exactly what
        :meth:`_fill` would build (:meth:`_canonical`); False, and nothing changed, when it is not.

        Why: a startup file we wrote ourselves is canonical, and building its 500,000 elements one by one was
        most of loading 100,000 users; checking them in one lean pass and copying them in C took that load from
        1.86 s to 1.52 s of CPU (the check is most of what is left).
        Namespace declarations are the one thing the pass cannot see per element: a canonical subtree declares
        its module's namespace once at its top and once more at each child of another module, so the copy's
        declarations are counted against that (:func:`_declared_canonically`; anything else falls back to
        building).
        """
        if el.text is not None or _STRAY_TEXT(el):
            return False
        budget = self.budget
        found = self._canonical(snode, el)
        if found is not None:
            dup = copy.deepcopy(el)
            if _declared_canonically(dup, found[0] + 1):
                lead = len(snode.keys) if snode.kind is Kind.LIST else 0
                node.extend(list(dup)[lead:])  # the moved children take their namespaces from ``node``'s scope
                return True
        self.budget = budget
        return False

    def _canonical(self, snode: SchemaNode, el: etree._Element) -> tuple[int, tuple[str, ...]] | None:
        """If ``el``'s children are in the form :meth:`_fill` builds (list keys first, each node once, schema
        order, system-ordered entries in strict key order, canonical values): the number of elements below it of
        another module than their parent's, and ``el``'s key values (for a list entry); None otherwise. Counts
        the element budget as _fill does.

        The caller checks in C what needs no schema (attributes, prefixes, stray text).
        What the tags alone decide is planned once per sequence of tags (:meth:`_plan`): 100,000 users share
        one, so each element costs only its own value check; a long run of entries of one list is first tried as
        a whole in C (:meth:`_canonical_run`), and checked here one by one only when that does not settle it.
        """
        children = list(el)
        tags = tuple([c.tag for c in children])
        plan = self._plan_of(snode, tags)
        if plan is None:
            return None
        steps, switches = plan
        self.budget -= len(tags)
        if self.budget < 0:
            return None
        runs = self._runs.get((id(snode), tags))
        pairs: Iterable[tuple[etree._Element, tuple[SchemaNode, Kind]]] = zip(children, steps, strict=True)
        if runs:
            rest: list[Iterable[tuple[etree._Element, tuple[SchemaNode, Kind]]]] = []
            done = 0
            for start, end in runs:
                found = self._canonical_run(el, steps[start][0], children[start], end - start)
                if found is not None:
                    switches += found
                    rest.append(zip(children[done:start], steps[done:start], strict=True))
                    done = end
            rest.append(zip(children[done:], steps[done:], strict=True))
            pairs = itertools.chain.from_iterable(rest)
        cache = self._canonical_values
        lead = len(snode.keys) if snode.kind is Kind.LIST else 0
        keys: list[str] = []
        seen: set[tuple[str, object]] | None = None  # leaf-list values and user-ordered entries
        last: dict[int, tuple[tuple[int, object], ...]] | None = None  # each system-ordered list's last sort key
        for child, (cnode, kind) in pairs:
            if kind is Kind.LEAF or kind is Kind.LEAF_LIST:
                text = child.text
                value = cache.get((id(cnode.type), text)) if not len(child) else None
                if value is None:
                    value = self._plain_value(cnode, child)
                if value is None or text != (value or None):
                    return None
                if len(keys) < lead:
                    keys.append(value)
                elif kind is Kind.LEAF_LIST:
                    seen = set() if seen is None else seen
                    if (cnode.tag, value) in seen:
                        return None
                    seen.add((cnode.tag, value))
                continue
            if child.text is not None:
                return None
            inner = self._canonical(cnode, child)
            if inner is None:
                return None
            switches += inner[0]
            if kind is Kind.LIST:
                entry = inner[1]
                if cnode.ordered_by_user:
                    seen = set() if seen is None else seen
                    if (cnode.tag, entry) in seen:
                        return None
                    seen.add((cnode.tag, entry))
                    continue
                order = _sort_keys(entry)
                last = {} if last is None else last
                before = last.get(id(cnode))
                if before is not None and not before < order:
                    return None  # out of key order (finish() would sort) or a repeated key: left to _fill
                last[id(cnode)] = order
        return switches, tuple(keys)

    def _canonical_run(self, el: etree._Element, snode: SchemaNode, first: etree._Element, count: int) -> int | None:
        """For the ``count`` entries of list ``snode`` under ``el`` (all of them: a canonical plan has one run per
        list), ``first`` the first: the number of elements below them of another module than their parent's
        when they are canonical (as :meth:`_canonical` would find them one by one: the same shape as ``first``,
        canonical values, strict key order), counting the element budget; None, budget untouched, when that is
        not shown here, for the caller to check them one by one.

        Why: 100,000 users checked one by one cost ~0.85 s of a 100,000-user load (see :mod:`.runs`).
        """
        found = self._keyed_run(el, snode, first, count)
        if found is None or self.budget < found[0].elements * count:
            return None
        self.budget -= found[0].elements * count
        return found[0].switches * count

    def _keyed_run(
        self, el: etree._Element, snode: SchemaNode, first: etree._Element, count: int
    ) -> tuple[RunShape, list[list[str]]] | None:
        """The shape of the ``count`` entries of list ``snode`` under ``el`` (all of them), ``first`` the first,
        with their key values (one list per key, in entry order), when they are canonical (the same shape as
        ``first``, canonical values, strict key order); None otherwise, as when ``el`` holds fewer entries than
        ``count`` (a caller may pass how many children its first and last entry span)."""
        shape = shape_of(first, snode, self._plan_of, _context_free) if snode.keys else None
        if shape is None or shape.same(el) != count:
            return None
        keys: list[list[str]] = []
        for i, ((leaf, column), tally) in enumerate(zip(shape.columns, shape.tallies, strict=True)):
            assert leaf.type is not None  # _context_free(leaf)
            if i >= len(snode.keys) and _any_string(leaf.type):
                if tally(el) != count:  # (any text is a value, in canonical form: only one per entry matters)
                    return None
                continue
            texts: list[str] = column(el)
            if len(texts) != count or not (_any_string(leaf.type) or self._all_canonical(leaf.type, texts)):
                return None
            if i < len(snode.keys):
                keys.append(texts)
        if not _strictly_ascending(keys):
            return None  # out of key order or a repeated key: left to the check one by one, which refuses it
        return shape, keys

    def _all_canonical(self, t: TypeSpec, texts: list[str]) -> bool:
        """True when each of ``texts`` is a valid value of type ``t`` (one whose values need no namespaces in
        scope) in canonical form."""
        return all(self._context_free_value(t, text) == text for text in set(texts))

    def _plan_of(self, snode: SchemaNode, tags: tuple[object, ...]) -> Plan:
        """:meth:`_plan`, once per (schema node, tags); with the runs of list entries it shows."""
        memo = (id(snode), tags)
        if memo in self._plans:
            return self._plans[memo]
        plan = self._plans[memo] = self._plan(snode, tags)
        if plan is not None:
            self._runs[memo] = _list_runs(plan[0])
        return plan

    def _plan(
        self, snode: SchemaNode, tags: tuple[object, ...]
    ) -> tuple[tuple[tuple[SchemaNode, Kind], ...], int] | None:
        """For children with ``tags`` of an instance of ``snode``: each one's schema node and kind, and how many
        are of another module than ``snode``; None when the tags alone show them not canonical (unknown, state
        or hidden node, not in schema order, keys not first, a leaf or container twice, two cases of a choice,
        anydata).

        A run of one tag is looked at once (``repeat`` times its step): the 100,000 users of a startup are one
        child of ``native`` each, and checking every one of them alike cost a tenth of loading it."""
        keys = snode.keys if snode.kind is Kind.LIST else ()
        if keys and (not self._keys_lead(snode) or tags[: len(keys)] != keys):
            return None
        data = snode.data_children
        seen: set[object] = set()
        cases: dict[int, SchemaNode] = {}
        last = -1
        steps: list[tuple[SchemaNode, Kind]] = []
        switches = 0
        i = 0
        for tag, run in itertools.groupby(tags):
            repeat = len(list(run))
            cnode = data.get(tag) if isinstance(tag, str) else None
            if cnode is None or not cnode.config or cnode.ns in self.hidden:
                return None
            if i >= len(keys):
                if tag in keys or cnode.order_index < last:
                    return None
                last = cnode.order_index
            if cnode.parent is not snode:
                for choice, case in cnode.choice_ancestry():
                    if cases.setdefault(id(choice), case) is not case:
                        return None
            kind = cnode.kind
            if kind is Kind.LEAF or kind is Kind.CONTAINER:
                if tag in seen or repeat > 1:
                    return None
                seen.add(tag)
            elif kind is not Kind.LEAF_LIST and kind is not Kind.LIST:
                return None
            switches += repeat * (cnode.ns != snode.ns)
            steps.extend([(cnode, kind)] * repeat)
            i += repeat
        return tuple(steps), switches

    def _fill(
        self,
        node: etree._Element,
        snode: SchemaNode,
        el: etree._Element,
        lists: list[tuple[etree._Element, SchemaNode]],
    ) -> bool:
        """The body of :meth:`_build` for one element: False at the first thing the general path must handle."""
        keys = snode.keys if snode.kind is Kind.LIST else ()
        if keys and not self._keys_lead(snode):
            return False
        data = snode.data_children
        cache = self._canonical_values
        ns = snode.ns  # ``node``'s namespace: a child of another module declares its own, as _attach_new does
        seen: set[object] = set()  # tags of leaves and containers, (tag, keys or value) of list and leaf-list entries
        cases: dict[int, SchemaNode] = {}
        last = -1  # the schema position of the last child: children sent out of schema order are sorted at the end
        in_order = True
        #: by list: the sort key of the last entry appended, or None once an entry came out of key order (only
        #: then does finish() sort the list: sorting 100,000 entries that arrive in order cost 0.4 s)
        last_keys: dict[int, tuple[tuple[int, object], ...] | None] = {}
        # one pass, each child built as soon as it is checked: holding every checked child of a node with
        # 100,000 entries until the end kept them alive for the garbage collector to walk again and again
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):
                continue  # comments and processing instructions carry no data
            self.budget -= 1
            if self.budget < 0:
                return False
            cnode = data.get(tag)
            if cnode is None or not cnode.config or cnode.ns in self.hidden:
                return False
            if tag in keys:
                continue  # the entry's keys are set already (the general path ignores key elements here too)
            position = cnode.order_index
            if position < last:
                in_order = False
            last = position
            if cnode.parent is not snode:  # inside a choice (a data child's parent is its data parent otherwise)
                for choice, case in cnode.choice_ancestry():
                    if cases.setdefault(id(choice), case) is not case:
                        return False
            kind = cnode.kind
            if kind is Kind.LEAF or kind is Kind.LEAF_LIST:
                value = cache.get((id(cnode.type), child.text)) if not len(child) else None
                if value is None:
                    value = self._plain_value(cnode, child)
                seen_as = tag if kind is Kind.LEAF else (tag, value)
                if value is None or seen_as in seen:
                    return False
                seen.add(seen_as)
                new = etree.SubElement(node, tag) if cnode.ns == ns else _other_module(node, tag, cnode.ns)
                new.text = value or None
                continue
            if kind is Kind.CONTAINER:
                if tag in seen:
                    return False
                seen.add(tag)
                new = etree.SubElement(node, tag) if cnode.ns == ns else _other_module(node, tag, cnode.ns)
            elif kind is Kind.LIST:
                entry = self._plain_keys(cnode, child)
                if entry is None or (tag, entry) in seen:
                    return False
                seen.add((tag, entry))
                new = etree.SubElement(node, tag) if cnode.ns == ns else _other_module(node, tag, cnode.ns)
                for key_tag, value in zip(cnode.keys, entry, strict=True):
                    etree.SubElement(new, key_tag).text = value
                if not cnode.ordered_by_user and _out_of_order(last_keys, cnode, entry):
                    lists.append((node, cnode))
            else:
                return False
            if not self._fill(new, cnode, child, lists):
                return False
        if not in_order:  # stable: the entries of one list keep the edit's order
            node[:] = sorted(node, key=lambda c: data[tag_of(c)].order_index)
        return True

    def _plain_value(self, snode: SchemaNode, el: etree._Element) -> str | None:
        """The canonical value of leaf element ``el``, or None if it is not a plain valid value."""
        if len(el):
            return None
        t = snode.type
        assert t is not None
        if t.base in _CONTEXT_FREE:
            return self._context_free_value(t, el.text)
        try:
            return canonical(el.text, t, el.nsmap, self.identities)
        except TypeMismatch:
            return None

    def _context_free_value(self, t: TypeSpec, text: str | None) -> str | None:
        """The canonical value of ``text`` for type ``t`` (one whose values need no namespaces in scope), or None
        if it is not valid; remembered per (type, text)."""
        found = self._canonical_values.get((id(t), text))
        if found is not None:
            return found
        try:
            value = canonical(text, t, None, self.identities)
        except TypeMismatch:
            return None
        self._canonical_values[(id(t), text)] = value
        return value

    def _plain_keys(self, snode: SchemaNode, el: etree._Element) -> tuple[str, ...] | None:
        """The canonical key values of list entry ``el``, or None if one is missing or not plain and valid."""
        values: list[str] = []
        for key_tag in snode.keys:
            kel = key_child(el, key_tag)
            knode = snode.child(key_tag)
            value = self._plain_value(knode, kel) if kel is not None and knode is not None else None
            if value is None:
                return None
            values.append(value)
        return tuple(values)

    def _keys_lead(self, snode: SchemaNode) -> bool:
        """True if the keys of list ``snode`` come before its other children in schema order, so that children
        appended after the keys stay in schema order (the general path places them among the keys otherwise)."""
        found = self._keys_first.get(id(snode))
        if found is None:
            keys = set(snode.keys)
            last_key = max(c.order_index for tag, c in snode.data_children.items() if tag in keys)
            found = all(c.order_index > last_key for tag, c in snode.data_children.items() if tag not in keys)
            self._keys_first[id(snode)] = found
        return found

    def _delete_or_refuse(
        self, target: etree._Element, snode: SchemaNode, op: Op, existing: etree._Element | None, here: _Loc
    ) -> bool:
        """The operations decided by whether the node exists: delete/remove it, or refuse create on an existing
        node and ``none`` on a missing leaf (RFC 6241 §7.2). True when the operation is settled here."""
        if op in (Op.DELETE, Op.REMOVE):
            if existing is not None:
                self._remove(target, existing, snode)
            elif op is Op.DELETE:
                self.fail("data-missing", f"{here.path} does not exist", here)
            return True
        if op is Op.CREATE and existing is not None:
            self.fail("data-exists", f"{here.path} already exists", here)
            return True
        if op is Op.NONE and snode.kind in (Kind.LEAF, Kind.LEAF_LIST):
            if existing is None:
                self.fail("data-missing", f"{here.path} does not exist", here)
            return True
        return False

    def _edit_leaf(self, target: etree._Element, snode: SchemaNode, el: etree._Element, op: Op, here: _Loc) -> None:
        existing = find_single(target, snode)
        if snode.is_key:
            self._check_key_unchanged(existing, snode, el, op, here)
            return
        if op in (Op.DELETE, Op.REMOVE):
            self._delete_or_refuse(target, snode, op, existing, here)
            return
        value = self._value(snode, el, here)
        if value is None or self._delete_or_refuse(target, snode, op, existing, here):
            return
        if existing is not None:
            if existing.text != value and not (existing.text is None and value == ""):
                existing.text = value or None
                self.changed = True
                self._mark(target, snode.tag)  # the parent: a normalizer may rewrite a sibling (a secret's hash)
            return
        new = _attach_new(target, snode)
        new.text = value or None
        self._place(target, snode, new, None, None)

    def _check_key_unchanged(
        self, existing: etree._Element | None, snode: SchemaNode, el: etree._Element, op: Op, here: _Loc
    ) -> None:
        if op in (Op.DELETE, Op.REMOVE, Op.CREATE, Op.REPLACE) and el.get(OPERATION) is not None:
            self.fail(
                "bad-attribute",
                f"a list key ({snode.name}) cannot carry its own operation",
                here,
                error_type="protocol",
                info=(("bad-attribute", "operation"), ("bad-element", snode.name)),
            )

    def _edit_leaf_list(
        self, target: etree._Element, snode: SchemaNode, el: etree._Element, op: Op, here: _Loc
    ) -> None:
        value = self._value(snode, el, here)
        if value is None:
            return
        loc = _Loc(here.up, snode, (value,))
        existing = next((c for c in target.iterchildren(snode.tag) if (c.text or "") == value), None)
        position = self._position(el, snode, loc)
        if self._delete_or_refuse(target, snode, op, existing, loc):
            return
        if existing is not None:
            if position is not None and snode.ordered_by_user:
                self._move(target, snode, existing, position, loc)
            return
        new = _attach_new(target, snode)
        new.text = value or None
        self._place(target, snode, new, None, position, loc)

    def _edit_list_entry(
        self, target: etree._Element, snode: SchemaNode, el: etree._Element, op: Op, loc: _Loc
    ) -> None:
        base = loc.child(snode)
        keys = self._key_values(snode, el, base)
        if keys is None:
            return
        here = loc.child(snode, keys)
        existing = self._existing(target, snode, keys)
        position = self._position(el, snode, here)
        self._edit_interior(target, snode, el, op, here, existing, position)

    # -- values and keys --------------------------------------------------------------------------------------
    def _value(self, snode: SchemaNode, el: etree._Element, here: _Loc) -> str | None:
        if len(el) and any(isinstance(c.tag, str) for c in el):
            self.fail(
                "invalid-value" if snode.kind is Kind.LEAF else "bad-element",
                f"{here.path} is a leaf and cannot have child elements",
                here,
                info=(("bad-element", snode.name),),
            )
            return None
        assert snode.type is not None
        try:
            # comments and processing instructions inside a value are not part of it (nor do they end it)
            text = el.text if len(el) == 0 else "".join(el.itertext())
            return canonical(text, snode.type, el.nsmap, self.identities)
        except TypeMismatch as exc:
            self.fail(
                "invalid-value",
                exc.message,
                here,
                app_tag=exc.app_tag,
                info=(("bad-element", snode.name),),
            )
            return None

    def _key_values(self, snode: SchemaNode, el: etree._Element, here: _Loc) -> tuple[str, ...] | None:
        values: list[str] = []
        for key_tag in snode.keys:
            kel = key_child(el, key_tag)
            knode = snode.child(key_tag)
            assert knode is not None
            if kel is None:
                self.fail(
                    "missing-element",
                    f"list {here.path} entry is missing its key {knode.name}",
                    here,
                    info=(("bad-element", knode.name),),
                )
                return None
            value = self._value(knode, kel, here.child(knode))
            if value is None:
                return None
            values.append(value)
        return tuple(values)

    def _existing(
        self, parent: etree._Element, snode: SchemaNode, keys: tuple[str, ...], new: etree._Element | None = None
    ) -> etree._Element | None:
        """The entry of list ``snode`` under ``parent`` with the canonical ``keys``, or None; ``new``, an entry
        being created (in the tree, not yet placed), is not one.

        Why: indexing 100,000 users to create or delete one cost ~0.25 s; up to :data:`INDEX_ABOVE` look-ups of
        one list each scan its entries once in C (:func:`.touched.find_child`), and only more index the list
        (a bulk edit looks up every entry it names).
        """
        key = (id(parent), snode.tag)
        cached = self._index.get(key)
        if cached is not None:
            return cached[1].get(keys)
        count = self._lookups.get(key, (parent, 0))[1] + 1
        if count > INDEX_ABOVE or not snode.keys:
            return self._entry_index(parent, snode, new).get(keys)
        self._lookups[key] = (parent, count)
        found = find_child(parent, (snode.tag, *keys), snode)
        return None if found is new else found

    def _entry_index(
        self, parent: etree._Element, snode: SchemaNode, new: etree._Element | None = None
    ) -> dict[tuple[str, ...], etree._Element]:
        """The entries of list ``snode`` under ``parent`` by canonical keys (``new``: see :meth:`_existing`),
        made once and kept up to date by the placements and removals that follow."""
        key = (id(parent), snode.tag)
        cached = self._index.get(key)
        if cached is not None:
            return cached[1]
        index = {_entry_keys(entry, snode): entry for entry in parent.iterchildren(snode.tag) if entry is not new}
        self._index[key] = (parent, index)
        return index

    def _indexed(
        self, parent: etree._Element, snode: SchemaNode, keys: tuple[str, ...], entry: etree._Element | None
    ) -> None:
        """Record in the index of list ``snode`` under ``parent``, if there is one, that the entry with ``keys``
        is now ``entry`` (None: gone)."""
        cached = self._index.get((id(parent), snode.tag))
        if cached is None:
            return
        if entry is None:
            cached[1].pop(keys, None)
        else:
            cached[1][keys] = entry

    # -- ordered-by user --------------------------------------------------------------------------------------
    def _position(self, el: etree._Element, snode: SchemaNode, here: _Loc) -> _Position | None:
        insert = el.get(INSERT)
        if insert is None:
            return None
        if not snode.ordered_by_user:
            self.fail(
                "bad-attribute",
                f"insert is only allowed on ordered-by user lists ({snode.name})",
                here,
                error_type="protocol",
                info=(("bad-attribute", "insert"), ("bad-element", snode.name)),
            )
            return None
        if insert not in ("first", "last", "before", "after"):
            self.fail(
                "bad-attribute",
                f'"{insert}" is not a valid insert value',
                here,
                error_type="protocol",
                info=(("bad-attribute", "insert"), ("bad-element", snode.name)),
            )
            return None
        anchor_attr = KEY_ATTR if snode.kind is Kind.LIST else VALUE_ATTR
        anchor = el.get(anchor_attr)
        if insert in ("before", "after") and anchor is None:
            name = split_clark(anchor_attr)[1]
            self.fail(
                "missing-attribute",
                f'insert="{insert}" needs the {name} attribute',
                here,
                error_type="protocol",
                info=(("bad-attribute", name), ("bad-element", snode.name)),
            )
            return None
        if insert not in ("before", "after") or anchor is None:
            return _Position(insert)
        # the anchor is resolved against the edit element's namespaces and compared in canonical form
        return _Position(insert, anchor, self._anchor_keys(anchor, snode, el.nsmap))

    def _anchor_keys(self, anchor: str, snode: SchemaNode, nsmap: Mapping[str | None, str]) -> tuple[str, ...] | None:
        if snode.kind is Kind.LEAF_LIST:
            raw: tuple[str, ...] | None = (anchor,)
            types = [snode.type]
        else:
            raw = _parse_key_predicates(anchor, snode, nsmap)
            types = [k.type if (k := snode.child(tag)) is not None else None for tag in snode.keys]
        if raw is None:
            return None
        try:
            return tuple(
                canonical(v, t, nsmap, self.identities) if t is not None else v for v, t in zip(raw, types, strict=True)
            )
        except TypeMismatch:
            return None

    def _anchor(
        self,
        parent: etree._Element,
        snode: SchemaNode,
        position: _Position,
        here: _Loc,
        new: etree._Element | None = None,
    ) -> etree._Element | None:
        """The existing instance a ``before``/``after`` insert is anchored on; ``new``, the instance being created
        (already in the tree when created in place), is not one: a new value anchored on itself has no anchor."""
        keys = position.keys
        found: etree._Element | None = None
        if keys is not None and snode.kind is Kind.LEAF_LIST:
            found = next(
                (c for c in parent.iterchildren(snode.tag) if c is not new and (c.text or "") == keys[0]), None
            )
        elif keys is not None:
            found = self._existing(parent, snode, keys, new)
        if found is None:
            self.fail(
                "bad-attribute",
                f'the insert anchor "{position.anchor}" does not exist',
                here,
                app_tag="missing-instance",
                error_type="protocol",
                info=(
                    ("bad-attribute", "key" if snode.kind is Kind.LIST else "value"),
                    ("bad-element", snode.name),
                ),
            )
        return found

    # -- tree surgery -----------------------------------------------------------------------------------------
    def _place(
        self,
        parent: etree._Element,
        snode: SchemaNode,
        new: etree._Element,
        replaced: etree._Element | None,
        position: _Position | None,
        loc: _Loc | None = None,
        keys: tuple[str, ...] | None = None,
    ) -> None:
        """Insert ``new`` under ``parent`` at its schema position (or user position) and enforce choices.

        ``replaced`` (an existing instance ``new`` replaces) keeps its place unless a position is given; ``keys``:
        a list entry's canonical keys when the caller has them.
        """
        if position is not None and not snode.ordered_by_user:
            position = None
        self._mark(parent, snode.tag, new if snode.kind is Kind.LIST else None)
        ref: etree._Element | None = None
        if position is not None and position.where in ("before", "after"):
            ref = self._anchor(parent, snode, position, loc or _Loc(), new)  # before touching the tree
            if ref is None:
                if new.getparent() is parent:
                    parent.remove(new)  # created in place: take it out again
                return
            if ref is replaced:
                position = None
        self.changed = True
        if replaced is not None:
            if position is None:
                replaced.addprevious(new)
            self._detach(parent, replaced, snode)
        self._clear_other_cases(parent, snode)
        if position is not None:
            siblings = [s for s in parent.iterchildren(snode.tag) if s is not new]
            if position.where == "first" and siblings:
                siblings[0].addprevious(new)
            elif ref is not None:
                (ref.addprevious if position.where == "before" else ref.addnext)(new)
            else:
                insert_in_schema_order(parent, snode, new)
        elif replaced is None:
            last = self._last_placed.get((id(parent), snode.tag))
            insert_in_schema_order(parent, snode, new, last[1] if last is not None and last[0] is parent else None)
        if snode.kind is Kind.LIST:
            keys = keys if keys is not None else _entry_keys(new, snode)
            self._indexed(parent, snode, keys, new)
            mine = _sort_keys(keys)
            if (
                not snode.ordered_by_user
                and not self._in_key_order(parent, new, snode, mine)
                and (replaced is not None or not self._moved_in_order(parent, new, snode, mine))
            ):
                # one record per (parent, list): a parent can gain entries of several lists in one edit
                self._touched[(id(parent), snode.tag)] = (parent, snode)
            self._last_placed[(id(parent), snode.tag)] = (parent, new, mine)

    def _in_key_order(
        self, parent: etree._Element, new: etree._Element, snode: SchemaNode, mine: tuple[tuple[int, object], ...]
    ) -> bool:
        """Whether entry ``new``, just placed with sort key ``mine``, sits in key order between its neighbours. A
        stored tree's system-ordered lists are in key order (:meth:`finish` leaves them so), so then the whole
        list still is and finish() need not sort it: sorting 10,000 users to add more cost as much as adding."""
        last = self._last_placed.get((id(parent), snode.tag))
        for neighbour, sign in ((new.getprevious(), 1), (new.getnext(), -1)):
            if neighbour is None:
                continue
            if not isinstance(neighbour.tag, str):
                return False  # not a data tree's neighbour: let finish() decide
            if neighbour.tag == new.tag:
                known = last is not None and last[0] is parent and last[1] is neighbour
                theirs = last[2] if known and last is not None else _sort_keys(_entry_keys(neighbour, snode))
                if (theirs > mine) if sign > 0 else (theirs < mine):
                    return False
        return True

    def _moved_in_order(
        self, parent: etree._Element, new: etree._Element, snode: SchemaNode, mine: tuple[tuple[int, object], ...]
    ) -> bool:
        """Move ``new``, a new entry of system-ordered list ``snode`` placed out of key order at the end of the
        list's entries (sort key ``mine``), after the last entry that does not sort after it, found by bisection:
        where :meth:`finish`'s stable sort of a list in key order puts it. False, and nothing done, when the list
        is to be sorted anyway (an entry this edit placed earlier was out of order) or holds no other entry.

        Why: a stored list is in key order, and sorting 100,000 users to create one cost ~1 s.
        """
        if (id(parent), snode.tag) in self._touched:
            return False
        entries = list(parent.iterchildren(snode.tag))
        entries.remove(new)
        if not entries:
            return False
        lo, hi = 0, len(entries)
        while lo < hi:
            mid = (lo + hi) // 2
            if mine < _sort_keys(_entry_keys(entries[mid], snode)):
                hi = mid
            else:
                lo = mid + 1
        if lo < len(entries):
            entries[lo].addprevious(new)
        else:
            entries[-1].addnext(new)
        return True

    def _move(
        self,
        parent: etree._Element,
        snode: SchemaNode,
        el: etree._Element,
        position: _Position,
        loc: _Loc,
    ) -> None:
        where = position.where
        ref: etree._Element | None = None
        if where in ("before", "after"):
            ref = self._anchor(parent, snode, position, loc)
            if ref is None or ref is el:
                return
        self.changed = True
        self._mark(parent, snode.tag)
        siblings = list(parent.iterchildren(snode.tag))
        if where == "first":
            if siblings[0] is not el:
                siblings[0].addprevious(el)
        elif where == "last":
            if siblings[-1] is not el:
                siblings[-1].addnext(el)
        elif ref is not None:
            (ref.addprevious if where == "before" else ref.addnext)(el)

    def _remove(self, parent: etree._Element, el: etree._Element, snode: SchemaNode) -> None:
        self.changed = True
        self._detach(parent, el, snode)

    def _detach(self, parent: etree._Element, el: etree._Element, snode: SchemaNode) -> None:
        self._mark(parent, snode.tag, el if snode.kind is Kind.LIST else None)
        if snode.kind is Kind.LIST:
            self._indexed(parent, snode, _entry_keys(el, snode), None)
        parent.remove(el)

    def _clear_other_cases(self, parent: etree._Element, snode: SchemaNode) -> None:
        """Creating a node in one case of a choice deletes the nodes of every other case (RFC 7950 §7.9.6)."""
        for choice, case in snode.choice_ancestry():
            for other in choice.children:
                if other is case:
                    continue
                for data in _data_nodes_of(other):
                    for stale in list(parent.iterchildren(data.tag)):
                        self._remove(parent, stale, data)

    def finish(self) -> None:
        """Put system-ordered list entries in key order for every parent that gained entries."""
        for parent, snode in self._touched.values():
            if snode.kind is Kind.LIST and not snode.ordered_by_user:
                _sort_entries(parent, snode)


def apply_edit(
    tree: etree._Element,
    edit: etree._Element,
    schema: Schema,
    *,
    default_operation: str = "merge",
    error_option: str = "stop-on-error",
    max_elements: int = 1_000_000,
    hidden: frozenset[str] = frozenset(),
    in_place: bool = False,
) -> EditResult:
    """Apply the ``<config>`` element ``edit`` to a copy of the datastore ``tree`` (whose children are top-level
    data nodes) and return the new tree or the errors.

    ``in_place``: edit ``tree`` itself instead of a copy: for a caller whose tree nobody else sees (a spare
    copy of running), which must throw it away if the edit fails, as it may then be half edited. A deep copy
    and the free of the tree it replaces cost more than the rest of a small edit beside 100,000 list entries.

    With continue-on-error the successful parts are kept and the tree is returned along with the errors; with
    stop-on-error and rollback-on-error any error leaves no tree (the caller's datastore stays as it was).

    ``hidden``: namespaces of nodes the edit's author cannot see (``Schema.hidden_ns`` for a NETCONF client).
    Naming one is an error exactly as for an unknown namespace, and a node the edit replaces keeps its hidden
    subtrees (:func:`~iosxe_agent.data.hidden.graft_hidden`); a delete or remove takes them with it.
    """
    new = tree if in_place else copy.deepcopy(tree)
    editor = _Editor(schema, _ERROR_OPTIONS.get(error_option) or ErrorOption(error_option), max_elements,
                     schema.identities, hidden)  # fmt: skip
    try:
        editor.edit_children(new, schema.root, edit, _OPS.get(default_operation) or Op(default_operation), _Loc())
    except EditAborted:
        return EditResult(None, tuple(editor.errors))
    editor.finish()
    if editor.errors and editor.error_option is not ErrorOption.CONTINUE:
        return EditResult(None, tuple(editor.errors))
    touched = touched_of(new, editor.changed_at, schema, editor.named_at)
    return EditResult(new, tuple(editor.errors), editor.changed, touched)


def load_config(
    config: etree._Element, schema: Schema, *, max_elements: int = 1_000_000, hidden: frozenset[str] = frozenset()
) -> EditResult:
    """Turn a complete ``<config>`` (copy-config source, a file) into a canonical datastore tree (``hidden``: as
    for :func:`apply_edit`)."""
    empty = etree.Element(f"{{{NC_NS}}}config", nsmap={None: NC_NS})
    return apply_edit(empty, config, schema, default_operation="merge", max_elements=max_elements, hidden=hidden)


# -- helpers ----------------------------------------------------------------------------------------------------
#: Any attribute below an element (an operation, an insert, or one we ignore): the bulk path leaves it to the
#: general one. In C, once per new subtree.
_ANY_ATTRIBUTE_BELOW = etree.XPath("boolean(descendant::*/@*)")
#: More children than this, and a new node's content is first checked and copied in C (``_Editor._copy``): for
#: fewer, the checks and the copy's own calls cost more than building the children one by one.
COPY_ABOVE = 32
#: More entries of one list than this in a node being copied, and they are first checked as one run in C
#: (``_Editor._canonical_run``): for fewer, building the run's XPath costs more than it saves.
RUN_ABOVE = 64
#: The operations under which a missing node is created.
_CREATING = frozenset({Op.MERGE, Op.REPLACE, Op.CREATE})
#: The members by value, looked up at every edit: calling the enum for them runs its ``__new__`` in Python (an
#: unknown value still goes to the enum, which raises ValueError as before).
_OPS = {op.value: op for op in Op}
_ERROR_OPTIONS = {option.value: option for option in ErrorOption}
#: The operations that take a node away, and their names in an ``operation`` attribute.
_REMOVING = frozenset({Op.DELETE, Op.REMOVE})
_REMOVING_VALUES = frozenset(op.value for op in _REMOVING)
#: Text directly inside an element (its own, or a child's tail).
_ANY_TEXT = etree.XPath("boolean(text())")
#: Text beside child elements (a tail, indentation): not as ``_Editor._fill`` builds.
_STRAY_TEXT = etree.XPath("boolean(descendant-or-self::*[*]/text())")
#: In key texts each led by a NUL: a value that does not start with an ASCII letter (``_strictly_ascending``).
#: Searched as a NUL, which the regular expression engine finds with a fast scan: ``(?:^|\0)`` tried the
#: alternatives at every character, six times as long (1.7 ms for 10,000 names).
_NOT_A_NAME = re.compile("\0(?![A-Za-z])")
#: Types whose canonical value depends only on the text (not on the namespaces in scope, as identityref,
#: instance-identifier and unions or leafrefs that may hold them do).
_CONTEXT_FREE = frozenset(
    {"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "decimal64", "string", "boolean",
     "empty", "enumeration", "bits", "binary"}
)  # fmt: skip


def _attach_new(parent: etree._Element, snode: SchemaNode) -> etree._Element:
    """A new instance of ``snode`` created inside ``parent`` (at the end; ``_place`` moves it into position).

    Creating it in place lets it reuse the namespace declarations in scope, so stored trees stay in the wire
    form a device sends (each module's subtree declaring its namespace once, as the default).
    """
    same_ns = tag_of(parent).startswith(f"{{{snode.ns}}}")  # cheaper than etree.QName, once per created node
    return etree.SubElement(parent, snode.tag, nsmap=None if same_ns else {None: snode.ns})


def _other_module(parent: etree._Element, tag: str, ns: str) -> etree._Element:
    """A new child of another module than its parent's, declaring that module's namespace as its default."""
    return etree.SubElement(parent, tag, nsmap={None: ns})


def _entry_keys(entry: etree._Element, snode: SchemaNode) -> tuple[str, ...]:
    return tuple((kel.text or "") if (kel := key_child(entry, k)) is not None else "" for k in snode.keys)


def _data_nodes_of(node: SchemaNode) -> Iterator[SchemaNode]:
    for c in node.children:
        if c.kind in (Kind.CHOICE, Kind.CASE):
            yield from _data_nodes_of(c)
        else:
            yield c


def _in_choice(snode: SchemaNode) -> bool:
    return snode.parent is not None and snode.parent.kind in (Kind.CHOICE, Kind.CASE)


def _context_free(leaf: SchemaNode) -> bool:
    return leaf.type is not None and leaf.type.base in _CONTEXT_FREE


def _any_string(t: TypeSpec) -> bool:
    """True for a string type without restrictions: every text is a valid value, and its own canonical form.

    Why: 100,000 distinct user names, each checked (and remembered) one by one, cost 0.17 s of a load."""
    return t.base == "string" and not t.lengths and not t.patterns


def _declared_canonically(dup: etree._Element, expected: int) -> bool:
    """Whether ``dup``, a copy (its own document, so it declares every namespace it uses: a prefix too, and only
    ``xml:`` needs none, which no schema node is in), declares ``expected`` namespaces and each as the default
    one: then no element of it is prefixed, and (the caller having counted the elements of another module than
    their parent's, each of which needs a declaration of its own) no element declares anything else.

    Why: the declarations were counted in the copy serialised, the largest part of copying a run of 10,000
    users (9 to 13 ms of its 17); a walk reporting each element's own declarations, with no output, costs 7.
    A text holding "xmlns" is no longer taken for a declaration: it falls back to building no more.
    """
    return _defaults(_declarations(dup), expected)


def _declared_below(holder: etree._Element, expected: int, namespaces: frozenset[str]) -> bool:
    """Whether the children of ``holder`` (a copy, holding a run of entries whose elements are in ``namespaces``)
    declare ``expected`` namespaces, each as the default one, and ``holder`` is not prefixed nor declares a prefix
    for one of ``namespaces``: then no element of the run is prefixed (a prefix it used would be declared in the
    copy, by the run or by ``holder``), so its declarations are the canonical ones (see
    :func:`_declared_canonically`), whatever else ``holder`` declares. False is no answer: the caller drops the
    declarations nothing uses, the holder's included, and counts again.

    Why: dropping them first cost 1 to 3.6 ms of copying a run of 10,000 users; a holder rarely declares a prefix
    for the run's own namespace, and an entry a namespace nothing uses.
    """
    own = holder.nsmap  # (the root of its document: what it declares itself, met first by the walk)
    if holder.prefix is not None or any(prefix and uri in namespaces for prefix, uri in own.items()):
        return False
    return _defaults(_declarations(holder)[len(own) :], expected)


def _declarations(dup: etree._Element) -> list[tuple[str, str]]:
    """The namespace declarations of the elements of ``dup`` in document order: (prefix, "" for the default
    namespace, and URI)."""
    return [declared for _, declared in etree.iterwalk(dup, events=("start-ns",)) if declared is not None]


def _defaults(declared: list[tuple[str, str]], expected: int) -> bool:
    """Whether ``declared`` are ``expected`` declarations of the default namespace."""
    return len(declared) == expected and not any(prefix for prefix, _ in declared)


def _list_runs(steps: tuple[tuple[SchemaNode, Kind], ...]) -> tuple[tuple[int, int], ...]:
    """(start, end) of each run of more than ``RUN_ABOVE`` entries of one system-ordered list among ``steps``."""
    runs: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(steps) + 1):
        if i == len(steps) or steps[i][0] is not steps[start][0]:
            cnode, kind = steps[start]
            if kind is Kind.LIST and not cnode.ordered_by_user and i - start > RUN_ABOVE:
                runs.append((start, i))
            start = i
    return tuple(runs)


def _sort_keys(values: tuple[str, ...]) -> tuple[tuple[int, object], ...]:
    return tuple(map(_sort_key, values))  # a generator costs a third of 100,000 entries' sort keys


def _entry(keys: list[list[str]], i: int) -> tuple[str, ...]:
    """The key values of entry ``i`` of a run whose keys are the columns ``keys``."""
    return tuple(column[i] for column in keys)


def _strictly_ascending(keys: list[list[str]]) -> bool:
    """Whether the entries whose key values are the columns ``keys`` are in strict key order (:func:`_sort_keys`).

    Why: a sort key per entry and a comparison of each pair cost ~10 ms of creating 10,000 users. A single key
    whose every value starts with an ASCII letter sorts as its texts do (``_sort_key``: a name), so that case is
    told in C: a search over the joined texts (XML text holds no NUL), one sort of a sorted list, one set.
    """
    if len(keys) == 1:
        texts = keys[0]
        if _NOT_A_NAME.search("\0" + "\0".join(texts)) is None:
            return texts == sorted(texts) and len(set(texts)) == len(texts)
    orders = [_sort_keys(values) for values in zip(*keys, strict=True)]
    return all(a < b for a, b in itertools.pairwise(orders))


def _out_of_order(
    last_keys: dict[int, tuple[tuple[int, object], ...] | None], snode: SchemaNode, values: tuple[str, ...]
) -> bool:
    """Record an entry of list ``snode`` appended with key ``values`` (see ``_Editor._fill``); True when it is
    the first to come out of key order."""
    previous = last_keys.get(id(snode), ())
    if previous is None:
        return False
    keys = _sort_keys(values)
    last_keys[id(snode)] = keys if previous <= keys else None
    return previous > keys


def _sort_key(value: str) -> tuple[int, object]:
    """Numbers sort numerically and before text, as ConfD orders system-ordered lists."""
    if value[:1].isalpha():
        return (1, value)  # a name: the most common key, told in one call
    if ascii_digits(value):
        return (0, int(value))  # the common cases, without raising and catching for every name: a number,
    head = value.lstrip()[:1]
    if not head or not (head.isdigit() or head in "+-"):
        return (1, value)  # and text that int() refuses at its first character
    try:
        return (0, int(value))
    except ValueError:
        return (1, value)


def _sort_entries(parent: etree._Element, snode: SchemaNode) -> None:
    entries = list(parent.iterchildren(snode.tag))
    if len(entries) < 2:
        return
    ordered = sorted(entries, key=lambda e: _sort_keys(_entry_keys(e, snode)))
    if ordered == entries:
        return
    anchor = entries[0].getprevious()
    for e in entries:
        parent.remove(e)
    if anchor is None:
        for i, e in enumerate(ordered):
            parent.insert(i, e)
    else:
        for e in ordered:
            anchor.addnext(e)
            anchor = e


def _requests_creation(el: etree._Element) -> bool:
    return any(d.get(OPERATION) in ("merge", "replace", "create") for d in el.iter() if isinstance(d.tag, str))


def _only_removes(el: etree._Element) -> bool:
    """True when the subtree's only explicit operations are ``remove`` (nothing to do if the node is absent)."""
    ops = {d.get(OPERATION) for d in el.iter() if isinstance(d.tag, str)} - {None}
    return ops == {"remove"}


def _has_content(node: etree._Element, snode: SchemaNode) -> bool:
    keys = set(snode.keys)
    return any(c.tag not in keys for c in node)


def _strip_edit_attrs(el: etree._Element) -> None:
    for d in el.iter():
        for attr in (OPERATION, INSERT, KEY_ATTR, VALUE_ATTR):
            d.attrib.pop(attr, None)


def _parse_key_predicates(text: str, snode: SchemaNode, nsmap: Mapping[str | None, str]) -> tuple[str, ...] | None:
    """Parse a yang:key attribute value such as ``[ex:name='fred'][ex:id='2']`` into key values in key order."""
    values: dict[str, str] = {}
    rest = text.strip()
    while rest:
        if not rest.startswith("["):
            return None
        close_eq = rest.find("=")
        if close_eq < 0:
            return None
        name = rest[1:close_eq].strip()
        after = rest[close_eq + 1 :].lstrip()
        if not after or after[0] not in "'\"":
            return None
        quote = after[0]
        end = after.find(quote, 1)
        if end < 0:
            return None
        value = after[1:end]
        rest = after[end + 1 :].lstrip()
        if not rest.startswith("]"):
            return None
        rest = rest[1:].lstrip()
        prefix, _, local = name.rpartition(":")
        ns = nsmap.get(prefix) if prefix else snode.ns
        values[f"{{{ns}}}{local}"] = value
    if set(values) != set(snode.keys):
        return None
    return tuple(values[k] for k in snode.keys)
