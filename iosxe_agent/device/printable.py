"""Refuse configuration values that IOS text cannot carry: every string that renders into IOS text round-trips,
or the commit is refused (DESIGN.md).

Why: running-config text is how a configuration travels (``show running-config``, ``copy running-config
flash:``, SCP, a pasted backup). A user name holding a newline prints as two commands, the second one written
by whoever chose the name, and the next restore of that text runs it (config injection); a name with a space or
an empty one makes every later restore of the text fail.

The rule is the CLI table itself, not a list of fields: the lines that print the changed part of the
configuration are rendered, parsed back, and every value the text spells must come back identical (a word
cannot hold white space, a line argument cannot hold a line break, a free name cannot spell a keyword that
follows it, hexadecimal key data must be upper case ...). A new table row is covered without a change here.

The cost follows the change, not the configuration: only the *command instances* a transaction touched are
rendered (a command instance is an element some command of the table is anchored at: a list entry such as a
user, or a container such as ``ip/ssh``), each without the other command instances nested in it (the other
users of a pubkey chain, the ports of ``ip ssh``).

IOS XE 17.12 answers a NETCONF change its CLI parser refuses with ``invalid-value``, ``inconsistent value:
Device refused one or more commands`` and ``<severity>error_cli</severity>`` in error-info (CLI reference
§7.3); the error here has that form, with the path of the first value that does not come back. The system's own
transactions (loading startup at boot, reverting an unconfirmed commit, recovery) are not checked, so that a
configuration stored before this check existed can never keep the box from coming up.
"""

from __future__ import annotations

import copy
import itertools
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache

from lxml import etree

from iosxe_agent.data.errors import DataError
from iosxe_agent.data.runs import Plan, RunShape, shape_of
from iosxe_agent.data.tags import children_count, key_child, schema_node_of, tag_of
from iosxe_agent.datastore.locks import find_node, instance_identifier, node_key
from iosxe_agent.datastore.transaction import Transaction
from iosxe_agent.device.cli_map.parse import line_slots, read_back
from iosxe_agent.device.cli_map.render import line_template, render_sourced
from iosxe_agent.device.cli_map.render_memo import Template
from iosxe_agent.device.cli_map.syntax import Arg, Command, Kw, Number, Word, walk
from iosxe_agent.device.cli_map.table import BY_MODE, CONFIG
from iosxe_agent.device.cli_map.tree import NATIVE_TAG
from iosxe_agent.device.cli_map.unmodelled import UNMODELLED_TAG
from iosxe_agent.yang.schema import Kind, Schema, SchemaNode

log = logging.getLogger(__name__)

CISCO_IA_NS = "http://cisco.com/yang/cisco-ia"
REFUSED_MESSAGE = "inconsistent value: Device refused one or more commands"

TagPath = tuple[str, ...]
#: Changed command instances rendered and parsed back at a time: bounds the check's memory for a bulk change
#: (each chunk costs one more rendering and read-back of the configuration's fixed lines, about 0.1 ms).
CHUNK = 500


@dataclass(frozen=True, slots=True)
class Anchors:
    """Where the table's commands are anchored, as element tag paths below ``native`` (``()`` is ``native``), the
    key tags of every list on those paths, and the context paths each mode is entered at."""

    paths: frozenset[TagPath]
    keys: dict[TagPath, tuple[str, ...]]
    contexts: dict[str, frozenset[TagPath]]


@cache
def anchors() -> Anchors:
    """The anchors of every command of every mode, each mode under every context element it is entered for."""
    paths: set[TagPath] = {()}
    keys: dict[TagPath, tuple[str, ...]] = {}
    contexts: dict[str, set[TagPath]] = {CONFIG.name: {()}}
    todo = [CONFIG.name]
    while todo:
        mode = todo.pop()
        for cmd in BY_MODE[mode]:
            for ctx in tuple(contexts[mode]):
                path = ctx
                for step in cmd.anchor_steps:
                    path = (*path, step.tag)
                    if step.keys:
                        keys[path] = step.keys
                paths.add(path)
                if cmd.enters is not None and not cmd.noop:
                    entered = contexts.setdefault(cmd.enters.name, set())
                    if path not in entered:
                        entered.add(path)
                        todo.append(cmd.enters.name)
    return Anchors(frozenset(paths), keys, {mode: frozenset(found) for mode, found in contexts.items()})


@dataclass(frozen=True, slots=True)
class Focus:
    """An element of the new tree whose command instance must be checked; ``whole``: its whole subtree is new or
    changed (a created or replaced node), otherwise only its own leaves are (a child of it was deleted)."""

    element: etree._Element
    whole: bool


def _chain(el: etree._Element) -> list[etree._Element] | None:
    """``native`` … ``el``, or None when ``el`` is not in the native subtree (nothing of it is printed)."""
    chain = [el]
    while chain[-1].tag != NATIVE_TAG:
        parent = chain[-1].getparent()
        if parent is None:
            return None
        chain.append(parent)
    chain.reverse()
    return chain


def excerpt(root: etree._Element, focus: Iterable[Focus], schema: Schema) -> etree._Element:
    """A copy of datastore ``root`` holding the command instances of ``focus`` (each without the command
    instances nested in it, unless a focus lies there), the ancestors that lead to them and their list keys."""
    marks = _Marks(anchors())
    for f in focus:
        marks.add(f)
    out = etree.Element(root.tag, nsmap=root.nsmap)
    native = next(root.iterchildren(NATIVE_TAG), None)
    if native is not None and marks.on_path:
        marks.copy(native, (), False, schema.root.child(NATIVE_TAG), out)
    return out


@cache
def _own_tags(snode: SchemaNode, tags: TagPath) -> tuple[str, ...]:
    """The data children of ``snode`` (at ``tags`` below native) that belong to the command instance holding it:
    all but the command instances of their own. Why: the element of a command instance is read
    through these tags only, so its siblings that are instances of their own (10,000 users beside ``hostname``)
    are never even visited."""
    found = anchors().paths
    return tuple(tag for tag in snode.data_children if (*tags, tag) not in found)


@dataclass(slots=True)
class _Marks:
    """The elements :func:`excerpt` keeps, by ``id()``: whole subtrees, the paths from ``native`` to each focus,
    and the command instances (roots) that hold a focus."""

    found: Anchors
    whole: set[int] = field(default_factory=set)
    on_path: set[int] = field(default_factory=set)
    roots: set[int] = field(default_factory=set)
    paths: dict[int, dict[int, etree._Element]] = field(default_factory=dict)  # parent -> its children on a path
    alive: list[list[etree._Element]] = field(default_factory=list)  # lxml keeps a proxy's id() while referenced

    def add(self, f: Focus) -> None:
        chain = _chain(f.element)
        if chain is None:
            return
        self.alive.append(chain)
        if f.whole:
            self.whole.add(id(f.element))
        self.on_path.update(id(e) for e in chain)
        for parent, child in itertools.pairwise(chain):
            self.paths.setdefault(id(parent), {})[id(child)] = child
        tags: TagPath = ()
        root = chain[0]
        for el in chain[1:]:
            tags = (*tags, tag_of(el))
            if tags in self.found.paths:
                root = el
        self.roots.add(id(root))

    def copy(
        self, el: etree._Element, tags: TagPath, inside: bool, snode: SchemaNode | None, parent: etree._Element
    ) -> None:
        """Append to ``parent`` the part of ``el`` (at ``tags`` below native, schema node ``snode``) that is kept,
        if any; ``inside``: within a command instance being checked, where everything but the command instances
        nested in it is kept. (Each kept element is made in ``parent``'s document: an element made on its own
        gets a document of its own, which costs more than the element, and moves when appended.)"""
        if id(el) in self.whole:
            parent.append(_copy_of(el))
            return
        if id(el) not in self.on_path and id(el) not in self.roots and (not inside or tags in self.found.paths):
            return
        inside = inside or id(el) in self.roots
        out = etree.SubElement(parent, el.tag)
        out.text = el.text
        keys = self.found.keys.get(tags, ())
        if keys:
            out.extend(_copy_of(k) for k in el.iterchildren(*keys))
        on_path = self.paths.get(id(el), {}).values()
        if not inside:  # only the way to a focus: the siblings (10,000 users) are not even looked at
            children: Iterable[etree._Element] = on_path
        elif snode is not None:  # its own data, then the nested instances a focus lies in
            own = _own_tags(snode, tags)
            children = itertools.chain(el.iterchildren(*own) if own else (), (c for c in on_path if c.tag not in own))
        else:  # not in the schema: every child is looked at
            children = el.iterchildren(tag=etree.Element)
        nested: dict[str, bool] = {}  # child tag -> the children are command instances of their own
        for child in children:
            name = tag_of(child)
            if name in keys:
                continue
            off_path = id(child) not in self.on_path and id(child) not in self.whole
            if inside and off_path and nested.setdefault(name, (*tags, name) in self.found.paths):
                continue
            self.copy(child, (*tags, name), inside, snode.child(name) if snode is not None else None, out)


def _copy_of(el: etree._Element) -> etree._Element:
    """A deep copy of ``el``: lxml's ``copy.copy`` of an element copies its whole subtree, as ``copy.deepcopy``
    does, without the memo bookkeeping that costs more than the copy of a small subtree (a bulk check copies
    10,000 of them)."""
    return copy.copy(el)


def focus_of(txn: Transaction, schema: Schema) -> list[Focus]:
    """What ``txn`` changed, as elements of ``txn.new``. A deleted node that was a command instance takes its
    command with it; any other deleted node changes how its enclosing command instance prints."""
    found = anchors()
    out: list[Focus] = []
    for change in txn.changes:
        if change.new is not None:
            out.append(Focus(change.new, True))
            continue
        old = change.old
        chain = _chain(old) if old is not None else None
        if old is None or chain is None or tuple(e.tag for e in chain[1:]) in found.paths:
            continue
        parent = old.getparent()
        if parent is None:
            continue
        kept = find_node(txn.new, node_key(parent, schema), schema)
        if kept is not None:
            out.append(Focus(kept, False))
    return out


def _counterparts(root: etree._Element, parsed: etree._Element, schema: Schema) -> dict[int, etree._Element]:
    """``id()`` of each element below datastore wrapper ``root`` -> the element of ``parsed`` (what the parser
    read, :func:`.cli_map.parse.read_back`) at the same identity path.

    Both trees are walked together level by level, so each element's identity is computed once and no path of
    identities is built per element (10,000 new users are 60,000 elements); an element that is neither a list
    entry nor a leaf-list value is named by its tag alone (:func:`_name`)."""
    out: dict[int, etree._Element] = {}
    stack: list[tuple[etree._Element, etree._Element, SchemaNode | None]] = [(root, parsed, schema.root)]
    # id() of a schema node (they live as long as the schema; 0 for none) -> child tag -> its schema node, and its
    # kind when the tag alone does not name it (a list, a leaf-list): shared by the 10,000 entries of one list
    children_of: dict[int, dict[str, tuple[SchemaNode | None, Kind | None]]] = {}
    while stack:
        el, other, snode = stack.pop()
        cnodes = children_of.setdefault(0 if snode is None else id(snode), {})
        index: dict[object, etree._Element] = {}
        for child in other:
            tag = child.tag
            if isinstance(tag, str):
                known = cnodes.get(tag)
                if known is None:
                    cnode = snode.child(tag) if snode is not None else None
                    kind = cnode.kind if cnode is not None and cnode.kind in _NAMED_BY_MORE else None
                    known = cnodes[tag] = (cnode, kind)
                index[tag if known[1] is None else _name(child, tag, *known)] = child
        if not index:
            continue
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            known = cnodes.get(tag)
            if known is None:
                continue
            match = index.get(tag if known[1] is None else _name(child, tag, *known))
            if match is not None:
                out[id(child)] = match
                if len(child):  # (a leaf has nothing below it to look for)
                    stack.append((child, match, known[0]))
    return out


#: The kinds of node whose tag alone does not tell it from its siblings.
_NAMED_BY_MORE = frozenset((Kind.LIST, Kind.LEAF_LIST))


def _name(el: etree._Element, tag: str, snode: SchemaNode | None, kind: Kind | None) -> object:
    """What names ``el`` among its siblings, as :func:`~iosxe_agent.data.touched.identity` says (the tag, plus
    the keys of a list entry or a leaf-list's value), with the tag alone for any other element: the same
    distinctions, with no tuple built for most elements and each key found by a loop over the entry's first
    children (:func:`~iosxe_agent.data.tags.key_child`) instead of a path lookup."""
    if kind is Kind.LIST and snode is not None:
        keys: list[str] = [tag]
        for key in snode.keys:
            found = key_child(el, key)
            keys.append("" if found is None else (found.text or ""))
        return tuple(keys)
    if kind is Kind.LEAF_LIST:
        return (tag, el.text or "")
    return tag


@dataclass(frozen=True, slots=True)
class Unprintable:
    """A value the text does not carry: the element (in the checked tree) and what the parser read instead (None:
    nothing, the node is missing)."""

    element: etree._Element
    read_back: str | None


def unprintable(tree: etree._Element, schema: Schema) -> list[Unprintable]:
    """The values of datastore ``tree`` that :func:`render_sourced` prints but the parser does not read back
    identically, in printed order (pure)."""
    text, sources = render_sourced(tree)
    parsed, errors = read_back(text)
    # only the ids of ``sources`` are looked up: that list keeps their proxies alive, so no other element's proxy
    # can have taken one of those ids during the walk
    back_of = _counterparts(tree, parsed, schema)
    out: list[Unprintable] = []
    for src in sources:
        back = back_of.get(id(src))
        back_text = None if back is None else (back.text or "")
        if back_text != (src.text or ""):
            out.append(Unprintable(src, back_text))
    if errors and not out:  # a refused line prints no value of its own: the text as a whole does not restore
        native = next(tree.iterchildren(NATIVE_TAG))
        out.append(Unprintable(native, None))
    return out


class PrintableCheck:
    """The commit subscriber that vetoes a transaction whose changed values would not survive IOS text."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        #: shape of a one-line list entry (:func:`_entry_line`) whose excerpt a check read back clean -> how the
        #: values of a later entry of that shape are checked (:func:`_slots_of`); cleared when it holds
        #: :data:`PROVEN_MAX` shapes
        self._proven: dict[tuple[object, ...], _Slots] = {}

    def check(self, txn: Transaction) -> list[DataError]:
        """Render the changed command instances, parse them back, refuse at the first value that differs.

        The system's own transactions are not checked: they must go through whatever they hold (see the module
        docstring), and loading startup at boot is the one that would pay for it on every device of a fleet."""
        if txn.origin.is_system:
            return []
        focus = focus_of(txn, self.schema)
        if not focus:
            return []
        line = _entry_line(focus)
        if line is not None and self._proven_clean(line):
            return []
        if len(focus) > CHUNK and (
            self._printable_by_shape(txn.new, focus) or self._printable_in_chunks(txn.new, focus)
        ):
            return []
        problems = unprintable(excerpt(txn.new, focus, self.schema), self.schema)
        if not problems:
            if line is not None:
                self._prove(line)
            return []
        bad = problems[0]
        path, path_ns = instance_identifier(bad.element, self.schema)
        log.info(
            "refused by %s: %s = %r reads back from IOS text as %r",
            txn.origin.face,
            path,
            bad.element.text,
            bad.read_back,
        )
        return [
            DataError(
                "invalid-value",
                REFUSED_MESSAGE,
                path=path,
                path_ns=dict(path_ns),
                info=((f"{{{CISCO_IA_NS}}}severity", "error_cli"),),
            )
        ]

    def _printable_in_chunks(self, tree: etree._Element, focus: list[Focus]) -> bool:
        """True if every chunk of ``focus`` renders and parses back clean. Why: the rendered text, the parser's
        tree and the lookups of 10,000 new users at once added four times the users' own memory to the peak.
        A chunk keeps the ancestors of its command instances, so each line is read in the mode it is printed in;
        when a chunk finds anything, the caller checks everything at once and reports as it always did."""
        return not any(
            unprintable(excerpt(tree, focus[i : i + CHUNK], self.schema), self.schema)
            for i in range(0, len(focus), CHUNK)
        )

    def _printable_by_shape(self, tree: etree._Element, focus: list[Focus]) -> bool:
        """True if the entries of ``focus`` that :func:`by_shape` leaves to be read back (one per shape, and those
        it cannot vouch for) render and parse back clean, all at once. Then the whole of ``focus`` does (see
        :func:`by_shape`); False says nothing: the caller checks as it always did."""
        left = by_shape(focus, self.schema)
        if left is None or len(left) > CHUNK:
            return False
        return not unprintable(excerpt(tree, left, self.schema), self.schema)

    def _proven_clean(self, line: tuple[tuple[object, ...], Template, list[etree._Element]]) -> bool:
        """True if the excerpt of the one-line entry ``line`` (:func:`_entry_line`) reads back clean because an
        earlier check read back an entry of its shape clean, and each of its copied values fits that entry's slots;
        False says nothing.

        Why: most commits change one leaf of one user or community. The excerpt of one such entry is its line
        among the lines every excerpt of that list prints alike (nothing of ``native`` but the way to the entry is
        in it), so :func:`by_shape`'s reasoning holds across commits: the earlier entry is the shape's first, read
        back in full beside the same other lines, and this one is left out. ``test_printable_proven.py`` compares
        the verdict with the check of the excerpt."""
        shape, _, els = line
        known = self._proven.get(shape)
        return known is not None and known.fit(els)

    def _prove(self, line: tuple[tuple[object, ...], Template, list[etree._Element]]) -> None:
        """Remember how later entries of the shape of ``line``, whose excerpt just read back clean, are checked
        (nothing when :func:`_slots_of` cannot tell: they are read back in full)."""
        shape, template, els = line
        if shape in self._proven:
            return
        slots = _slots_of(template, els)
        if slots is not None:
            if len(self._proven) >= PROVEN_MAX:
                self._proven.clear()
            self._proven[shape] = slots

    def apply(self, txn: Transaction) -> None:
        """Nothing to make effective: the check only guards what gets committed."""

    def abort(self, txn: Transaction) -> None:
        """Nothing was prepared."""


# -- created entries checked a shape at a time ----------------------------------------------------------------------
#: A value that is one token of plain ASCII, as the shortcut of :func:`by_shape` takes it: no white space, quote,
#: ``!`` (a comment), ``#``, control or non-ASCII character, not empty. Anything else is read back in full.
_PLAIN = re.compile(r"[$-&(-~]+")


def by_shape(focus: list[Focus], schema: Schema | None = None) -> list[Focus] | None:
    """``focus`` less the created entries whose check is implied by the check of the rest; None when there are
    none, or when the focus holds kept text (whose place depends on every line before it).

    Why: 10,000 new users print 10,000 lines of one template that differ only in copied values. A created
    entry of a list below ``native`` that one command prints as one line (:func:`_line_command`) is left out
    when an earlier entry of the focus has its shape (the same template, :func:`.render.line_template`), that
    entry's line is one whose values read back through :func:`.parse.line_slots` into the places they came
    from (:func:`_slots_of`), and each of its own copied values is a plain token every reading of its slot
    gives back unchanged (:meth:`_Slots.fit`). Then, if the rest reads back clean:

    * every line of the list in the rest created its own entry (each key is printed and read back, and only
      that command makes entries there), so each was read in configuration mode, which it stays in; the first
      line of the list is one of them, so every left-out line comes after a line of the list, in that mode;
    * a left-out line there is matched by the steps of its shape's first line, as the parser's own shapes
      (``parse._Shape``) are, and grafted by the same plan, into an entry whose key no other line makes (the
      keys of the datastore differ, and each line reads back its own), with each value where it came from;
    * it changes neither the mode nor any entry of another line: the rest reads back as it did.

    With ``schema``, the entries that follow an entry of the same list in ``focus`` are checked a column of
    values at a time when they can be (:func:`_run_fits`): the same entries are left out, at a fraction of the
    cost of looking at each.

    ``tests/device/cli_map/test_printable_shape.py`` compares the verdict with the check of every entry,
    ``test_printable_runs.py`` what is left out with and without ``schema``."""
    left: list[Focus] = []
    slots: dict[tuple[object, ...], _Slots | None] = {}  # shape -> how its later entries are checked
    commands: dict[tuple[etree._Element, str], Command | None] = {}  # (parent, tag) -> :func:`_line_command`
    i = 0
    run_from = 0  # where the next run may start (a run whose columns do not fit is not tried again)
    while i < len(focus):
        f = focus[i]
        i += 1
        line = _line_of(f, commands)
        if line is None:
            left.append(f)
            continue
        shape, template, els = line
        if shape not in slots:
            slots[shape] = _slots_of(template, els)
            left.append(f)
        else:
            known = slots[shape]
            if known is None or not known.fit(els):
                left.append(f)
        known = slots[shape]
        if schema is not None and known is not None and i >= run_from:
            end = run_from = _run_end(focus, i)
            if end - i >= RUN_MIN and _run_fits(known, els, end - i + 1, schema):
                i = end
    # (an entry left out neither lies in kept text, see _line_command, nor holds any, as its shape's first entry)
    if len(left) == len(focus) or any(_under_kept_text(f.element) for f in left):
        return None
    return left


#: Entries after the first of a run below which :func:`by_shape` checks them one by one: the queries of a run cost
#: about what ten entries checked one at a time do.
RUN_MIN = 16


def _run_end(focus: list[Focus], start: int) -> int:
    """The end of the run of ``focus`` from ``start``: the created entries that follow ``focus[start - 1]``, each
    with its parent and tag."""
    el = focus[start - 1].element
    parent, tag = el.getparent(), el.tag
    end = start
    while end < len(focus) and focus[end].whole:
        nxt = focus[end].element
        if nxt.tag != tag or nxt.getparent() is not parent:
            break
        end += 1
    return end


def _run_fits(known: _Slots, els: list[etree._Element], count: int, schema: Schema) -> bool:
    """True if every entry of the list whose entry ``els[0]`` (elements ``els``) is the first of a run of ``count``
    has the shape of ``els[0]`` (:func:`.render.line_template`: the same elements, the same text wherever no value
    is copied) and fits ``known`` (:meth:`_Slots.fit`). Then each entry of the run would be left out by the check
    of each; False says nothing.

    Why: looking at each of 10,000 new users cost ~8 µs each (its elements, its shape, its values). Here the
    shape of every entry of the list is proven in C (:func:`.runs.shape_of`: the same child tags in the same order
    at every level, one text per leaf), each leaf's texts come back as one column, and a column is checked at
    once (:func:`_column_fits`). Every entry of the list is looked at, not only the run's: only when the run is
    most of the list (its parent's children number at most twice the run), so the cost still follows the change."""
    first = els[0]
    parent = first.getparent()
    if parent is None or len(parent) > 2 * count:
        return False
    run = _run_shape(first, schema)
    if run is None:
        return False
    total = children_count(str(first.tag))(parent)
    if run.same(parent) != total:
        return False
    columns: list[list[str]] = [column(parent) for _, column in run.columns]
    leaves = [pos for pos, el in enumerate(els) if el.text is not None]  # (no other element holds text: same)
    if len(leaves) != len(columns) or any(len(texts) != total for texts in columns):
        return False
    readings = dict(known.values)
    if not readings.keys() <= set(leaves):
        return False
    for pos, texts in zip(leaves, columns, strict=True):
        if pos in readings:
            if not _column_fits(texts, readings[pos]):
                return False
        elif texts.count(texts[0]) != total:  # a text the shape may depend on: the same in every entry (as els[0]'s)
            return False
    return True


def _run_shape(first: etree._Element, schema: Schema) -> RunShape | None:
    """The shape of list entry ``first`` below ``native`` (:func:`.runs.shape_of`), for any type of leaf."""
    snode = schema_node_of(first, schema)
    return None if snode is None else shape_of(first, snode, _kinds, _any_type)


def _kinds(snode: SchemaNode, tags: tuple[object, ...]) -> Plan:
    """Each child's schema node and kind, for children with ``tags`` of an instance of ``snode``; None when one
    is not in the schema. (No element budget is counted here: the count of other modules' elements is 0.)"""
    steps = []
    for tag in tags:
        cnode = snode.child(tag) if isinstance(tag, str) else None
        if cnode is None:
            return None
        steps.append((cnode, cnode.kind))
    return tuple(steps), 0


def _any_type(leaf: SchemaNode) -> bool:
    """Every leaf is fixed by its text for this check: it reads texts only."""
    return True


def _column_fits(texts: list[str], readings: tuple[Word | Number, ...]) -> bool:
    """True if each of ``texts`` (the values of one copied value over the entries of a run) is a plain token every
    one of ``readings`` gives back unchanged, as :meth:`_Slots.fit` checks a value. In C: the plain class holds for
    each non-empty text iff it holds for all of them joined, and a reading is called once per distinct text, not
    at all when it keeps every text."""
    if not all(texts) or _PLAIN.fullmatch("".join(texts)) is None:
        return False
    called = [r for r in readings if not (isinstance(r, Word) and r.keeps_every_text)]
    distinct = set(texts) if called else set()
    return all(r.convert(text) == text for r in called for text in distinct)


#: Shapes of one-line entries a :class:`PrintableCheck` remembers (a few per list that commits change one at a time).
PROVEN_MAX = 256


def _entry_line(focus: list[Focus]) -> tuple[tuple[object, ...], Template, list[etree._Element]] | None:
    """The shape, template and elements (:func:`.render.line_template`) of the line of the list entry that holds
    every element of ``focus``, when that entry is of a list :func:`_line_command` prints; else None.

    Then the excerpt of ``focus`` is the way from ``native`` down to the entry (containers) and a copy of the
    entry with its keys first (:meth:`_Marks.copy`): what it prints and reads back depends on the entry's shape
    and copied values alone."""
    chain = _chain(focus[0].element)
    if chain is None:
        return None
    path: TagPath = ()
    for entry in chain[1:]:
        path = (*path, str(entry.tag))
        cmd = _line_command(path)
        if cmd is not None:
            break
    else:
        return None
    for f in focus[1:]:
        if f.element is not entry and all(a is not entry for a in f.element.iterancestors()):
            return None
    return line_template(cmd, entry)


def _under_kept_text(el: etree._Element) -> bool:
    """True when ``el`` is kept text or lies in it (:mod:`.cli_map.unmodelled`), or holds some."""
    return (
        el.tag == UNMODELLED_TAG
        or any(a.tag == UNMODELLED_TAG for a in el.iterancestors())
        or (next(el.iter(UNMODELLED_TAG), None) is not None)
    )


def _line_of(
    f: Focus, commands: dict[tuple[etree._Element, str], Command | None]
) -> tuple[tuple[object, ...], Template, list[etree._Element]] | None:
    """The shape, template and elements of the one line ``f`` prints, when it is a created entry of a list that
    :func:`_line_command` prints; else None. ``commands``: that command by the entry's parent and tag, so that
    the path of 10,000 siblings is found once."""
    el = f.element
    parent = el.getparent()
    if not f.whole or parent is None or not isinstance(el.tag, str):
        return None
    key = (parent, el.tag)
    if key in commands:
        cmd = commands[key]
    else:
        path = _path_below_native(el)
        cmd = commands[key] = _line_command(path) if path else None
    return None if cmd is None else line_template(cmd, el)


@cache
def _line_command(path: TagPath) -> Command | None:
    """The command of configuration mode that prints each entry of the list at ``path`` below ``native`` (whose
    steps above the list are containers) as one line, when no other command is anchored there or below, and no
    command anchored above names a path into it or redefines its whole anchor; else None. Why: then the list's
    entries are made and printed by that command alone (see :func:`by_shape`)."""
    if UNMODELLED_TAG in path:
        return None
    found = anchors()
    ours: list[Command] = []
    for mode, contexts in found.contexts.items():
        for ctx in contexts:
            for cmd in BY_MODE[mode]:
                anchor = (*ctx, *(step.tag for step in cmd.anchor_steps))
                if anchor[: len(path)] == path:
                    ours.append(cmd)
                elif path[: len(anchor)] == anchor and (
                    cmd.replace_anchor or any((*anchor, *cmd.path(p))[: len(path)] == path for p in _paths_named(cmd))
                ):
                    return None
    if len(ours) != 1:
        return None
    cmd = ours[0]
    steps = cmd.anchor_steps
    single = tuple(s.tag for s in steps) == path and bool(steps[-1].keys) and not any(s.keys for s in steps[:-1])
    plain = not (cmd.enters or cmd.collect or cmd.contexts or cmd.natural_order or cmd.render_as or cmd.bare)
    plain = plain and not (cmd.fixed or cmd.noop or cmd.block_start or cmd.block_end)
    return cmd if single and cmd.mode is CONFIG and plain else None


def _paths_named(cmd: Command) -> Iterator[str]:
    """Every data path ``cmd`` reads or writes, below its anchor."""
    for node in walk(cmd.syntax) + (walk(cmd.no_syntax) if cmd.no_syntax is not None else []):
        if isinstance(node, Kw):
            yield from (path for path, _ in (*node.set, *node.defaults))
            yield from (*node.clears, *node.replace)
        elif isinstance(node, Arg):
            yield from (*((node.path,) if node.path else ()), *node.flags)
    yield from (path for path, _ in cmd.no_sets)
    yield from (*cmd.no_remove, *cmd.skip_if, *cmd.default_if)


@dataclass(frozen=True, slots=True)
class _Slots:
    """What a later entry of a shape must hold for its check to be implied: per copied value (its position in
    the entry's elements), the readings of the slots it fills, each of which must give it back unchanged."""

    values: tuple[tuple[int, tuple[Word | Number, ...]], ...]

    def fit(self, els: list[etree._Element]) -> bool:
        """True if the entry of this shape with elements ``els`` holds such values (its check is then implied)."""
        plain = _PLAIN.fullmatch
        for pos, readings in self.values:
            text = els[pos].text
            if text is None or plain(text) is None:
                return False
            for reading in readings:
                if reading.convert(text) != text:
                    return False
        return True


def _slots_of(template: Template, els: list[etree._Element]) -> _Slots | None:
    """How the later entries of the shape of the entry ``els`` (its elements in document order) are checked, or
    None when they cannot be: its line must be plain tokens, each copied value at a free token of the line
    (:class:`.parse.LineSlots`), and every text of the entry the parser makes must come from the same copied value
    as the entry's own text at that place, or from no copied value (a constant of the shape) on both sides."""
    if any(el.tag == UNMODELLED_TAG for el in els):
        return None
    printed = template.fill(els)
    if not all(_PLAIN.fullmatch(token) for token in printed.tokens):
        return None
    reading = line_slots(" ".join(printed.tokens))
    if reading is None or reading.path != _path_below_native(els[0]):
        return None
    fills: dict[int, set[int]] = {}  # position -> the tokens it fills
    for token, pos in template.fills:
        fills.setdefault(pos, set()).add(token)
    filled = {token for token, _ in template.fills}
    if any(reading.readings[token] is None for token in filled):
        return None
    stored = _by_path(els[0])
    made = _by_path(reading.template)
    if stored is None or made is None:
        return None
    texts = dict(reading.texts)
    for path, pos in stored.items():
        at = made.get(path)
        if at is None:
            if pos in fills or pos in template.sources:
                return None
            continue
        src = texts.get(at)
        if isinstance(src, int) and src in filled:
            if src not in fills.get(pos, ()):
                return None
        elif pos in fills:
            return None
    values = []
    for pos, tokens in fills.items():
        readings = tuple(r for token in sorted(tokens) for r in reading.readings[token] or ())
        values.append((pos, readings))
    return _Slots(tuple(values))


def _path_below_native(el: etree._Element) -> TagPath:
    """The tags from ``native``'s child down to ``el``."""
    chain = _chain(el)
    return () if chain is None else tuple(str(e.tag) for e in chain[1:])


def _by_path(root: etree._Element) -> dict[TagPath, int] | None:
    """The position (document order) of each element of ``root`` by its tag path below it; None when two
    elements share one (the parser's counterpart of an element would then not be told by its path)."""
    out: dict[TagPath, int] = {}
    paths: dict[etree._Element, TagPath] = {}
    for pos, el in enumerate(root.iter()):
        parent = el.getparent()
        path: TagPath = () if pos == 0 or parent is None else (*paths[parent], str(el.tag))
        if path in out:
            return None
        paths[el] = path
        out[path] = pos
    return out
