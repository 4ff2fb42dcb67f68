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
users of a pubkey chain, the ports of ``ip ssh``). A commit of a leaf or two is then checked on its values alone
once an excerpt of the same shape (structure, and every text but those only copied into a token) has read back
clean and proved how those values read (:meth:`PrintableCheck._instance_clean`; a one-line list entry:
:meth:`PrintableCheck._proven_clean`).

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
from functools import cache, partial
from operator import attrgetter
from typing import Literal, NamedTuple

from lxml import etree

from iosxe_agent.bounded import remember
from iosxe_agent.data.errors import DataError
from iosxe_agent.data.runs import Plan, RunShape, shape_of
from iosxe_agent.data.tags import children_count, key_child, schema_node_of, tag_of
from iosxe_agent.datastore.locks import find_node, instance_identifier, node_key
from iosxe_agent.datastore.transaction import Transaction
from iosxe_agent.device.cli_map.parse import free_tokens, line_slots, read_back
from iosxe_agent.device.cli_map.render import line_template, render_sourced
from iosxe_agent.device.cli_map.render_memo import Template
from iosxe_agent.device.cli_map.syntax import Arg, Command, Kw, Number, Rest, Word, walk
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


class Focus(NamedTuple):
    """An element of the new tree whose command instance must be checked; ``whole``: its whole subtree is new or
    changed (a created or replaced node), otherwise only its own leaves are (a child of it was deleted).

    A named tuple rather than a frozen dataclass: as immutable, and made in C (:func:`focus_of` makes one per
    user of a bulk create of 10,000)."""

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
def _own_tags(snode: SchemaNode, tags: TagPath) -> frozenset[str]:
    """The data children of ``snode`` (at ``tags`` below native) that belong to the command instance holding it:
    all but the command instances of their own. Why: the element of a command instance is read
    through these tags only, so its siblings that are instances of their own (10,000 users beside ``hostname``)
    are never even visited."""
    found = anchors().paths
    return frozenset(tag for tag in snode.data_children if (*tags, tag) not in found)


def _children_in(el: etree._Element, tags: frozenset[str]) -> Iterable[etree._Element]:
    """The children of ``el`` named one of ``tags``, in document order. Why a loop over a few children: lxml's
    ``iterchildren(*tags)`` parses every tag it is given on each call (16 for ``ip/ssh``), which costs more than
    looking at a container's few children; past :data:`_SCAN` of them (``native``, 10,000 users beside
    ``hostname``), lxml looks, making no proxy for the others. (Not ``len(el)``: lxml counts the children one by
    one, 0.15 ms for 10,000.)"""
    first = list(itertools.islice(el, _SCAN + 1))
    if len(first) > _SCAN:
        return el.iterchildren(*tags) if tags else ()
    return [child for child in first if child.tag in tags]


#: Children of an element :func:`_children_in` looks at one by one.
_SCAN = 8


def _leaf(el: etree._Element) -> bool:
    """True when ``el`` has no children (comments included), found at its first child (``len(el)`` counts them all)."""
    return next(iter(el), None) is None


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
        if _leaf(el):  # (nothing below it to keep)
            return
        keys = self.found.keys.get(tags, ())
        if keys:
            out.extend(_copy_of(k) for k in el.iterchildren(*keys))
        on_path = self.paths.get(id(el), {}).values()
        if not inside:  # only the way to a focus: the siblings (10,000 users) are not even looked at
            children: Iterable[etree._Element] = on_path
        elif snode is not None:  # its own data, then the nested instances a focus lies in
            own = _own_tags(snode, tags)
            children = itertools.chain(_children_in(el, own), (c for c in on_path if c.tag not in own))
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
            if inside and off_path and _leaf(child):  # (a leaf of the instance: what the call below would keep)
                etree.SubElement(out, name).text = child.text
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
    news = list(map(attrgetter("new"), txn.changes))
    if None not in news:  # (only nodes made or replaced, a bulk create: each is a focus, made in C)
        return list(map(_made_focus, zip(news, itertools.repeat(True))))
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


#: A :class:`Focus` made in C from its fields as one tuple (the named tuple's own constructor is a Python call).
_made_focus = partial(tuple.__new__, Focus)


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
        #: shape of an excerpt (:func:`_shape_of`) that a check read back clean -> how the copied values of a later
        #: excerpt of that shape are checked (:func:`_instance_proof`), None when they cannot be; bounded as above
        self._instances: dict[tuple[object, ...], _Slots | None] = {}
        #: shapes read back clean once, not yet proven (a proof costs a few read-backs: made when a shape comes back)
        self._seen: dict[tuple[object, ...], None] = {}

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
        tree = excerpt(txn.new, focus, self.schema)
        shape = _shape_of(tree) if line is None else None
        if shape is not None and self._instance_clean(shape):
            return []
        problems = unprintable(tree, self.schema)
        if not problems:
            if line is not None:
                self._prove(line)
            elif shape is not None:
                self._prove_instance(tree, shape)
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
            remember(self._proven, shape, slots, PROVEN_MAX)

    def _instance_clean(self, shape: _Shape) -> bool:
        """True if the excerpt of shape ``shape`` reads back clean because an earlier check read back an excerpt of
        that shape clean and proved how its copied values read (:func:`_instance_proof`), and each of this one's
        fits; False says nothing.

        Why: most commits change one leaf of a container command instance (``ip ssh time-out``, ``hostname``),
        whose excerpt is the same few lines every time but for that leaf's value. ``test_printable_instance.py``
        compares the verdict with the check of the excerpt."""
        known = self._instances.get(shape.key)
        return known is not None and known.fit(shape.els)

    def _prove_instance(self, tree: etree._Element, shape: _Shape) -> None:
        """Remember how the copied values of later excerpts of the shape of ``tree``, which just read back clean,
        are checked; None when they cannot be (they are read back in full). Only for a shape read back clean
        before: a proof costs about four checks, which a shape seen once (a new interface, a new banner) never
        pays back. Nothing is remembered when a copied value is not a plain token: the proof is made from one whose
        every reading is known."""
        if shape.key in self._instances:
            return
        if not all(_PLAIN.fullmatch(shape.els[pos].text or "") for pos in shape.copied):
            return
        if shape.key not in self._seen:
            remember(self._seen, shape.key, None, PROVEN_MAX)
            return
        self._seen.pop(shape.key, None)
        remember(self._instances, shape.key, _instance_proof(tree, shape, self.schema), PROVEN_MAX)

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
    if not all(texts) or not _all_plain("".join(texts)):
        return False
    called = [r for r in readings if not (isinstance(r, Word) and r.keeps_every_text)]
    distinct = set(texts) if called else set()
    return all(r.convert(text) == text for r in called for text in distinct)


def _all_plain(text: str) -> bool:
    """``_PLAIN.fullmatch(text)``, for a long text (a column's values joined), at memory speed in C: not empty, ASCII,
    and nothing left once the bytes :data:`_PLAIN` allows are deleted. (The expression steps a character at a time:
    1.7 ms over the secrets of 10,000 users.)"""
    return bool(text) and text.isascii() and not text.encode("ascii").translate(None, _PLAIN_BYTES)


#: The characters :data:`_PLAIN` allows, as bytes.
_PLAIN_BYTES = bytes(range(ord("$"), ord("&") + 1)) + bytes(range(ord("("), ord("~") + 1))


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
    """What a later entry of a shape (or excerpt: :func:`_instance_proof`) must hold for its check to be implied:
    per copied value (its position in the entry's elements), the readings of the slots it fills, each of which must
    give it back unchanged."""

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


# -- an excerpt checked on its copied values ------------------------------------------------------------------------
#: Elements of an excerpt past which its shape is not remembered (a commit of a leaf or two prints a few lines).
SHAPE_MAX = 64
#: Characters of a text in an excerpt's shape past which the shape is not remembered (a banner's text).
SHAPE_TEXT_MAX = 256
_MARK = "\ue003copied:"  # (a private-use character: the markers of one proof differ only in their position)
_MARKED = re.compile(re.escape(_MARK) + "([0-9]+)")


@dataclass(frozen=True, slots=True)
class _Shape:
    """What the verdict on an excerpt depends on but for its copied values (:func:`_shape_of`): ``key`` (its
    structure and the texts of all elements but ``copied``), its elements in document order ``els``, and the
    positions of the copied ones."""

    key: tuple[object, ...]
    els: list[etree._Element]
    copied: frozenset[int]


def _shape_of(tree: etree._Element) -> _Shape | None:
    """The shape of excerpt ``tree``: its structure (each element's tag and child count, in document order) and
    the text of every element but those only ever copied into a token (:func:`_copied_in`); None when it is
    larger than :data:`SHAPE_MAX` elements, a text is longer than :data:`SHAPE_TEXT_MAX`, or it holds kept
    text or anything but elements.

    Why: the verdict on an excerpt is a function of the excerpt, and it depends on a copied text only through the
    token that text prints and how the parser reads it (:func:`_instance_proof`)."""
    els = list(itertools.islice(tree.iter(), SHAPE_MAX + 1))
    if len(els) > SHAPE_MAX:
        return None
    structure = tuple([(el.tag, len(el)) for el in els])
    copied = _copied_at.get(structure)
    if copied is None:
        copied = _copied_in(structure)
        remember(_copied_at, structure, copied, PROVEN_MAX)
    if copied is _KEPT_TEXT:
        return None
    texts = tuple([el.text for pos, el in enumerate(els) if pos not in copied])
    if any(text is not None and len(text) > SHAPE_TEXT_MAX for text in texts):
        return None
    return _Shape((structure, texts), els, copied)


#: Structure of an excerpt -> :func:`_copied_in` of it; all forgotten when it holds :data:`PROVEN_MAX`.
_copied_at: dict[tuple[tuple[object, int], ...], frozenset[int]] = {}
_KEPT_TEXT: frozenset[int] = frozenset({-1})  # (an excerpt of this structure is never remembered)


def _copied_in(structure: tuple[tuple[object, int], ...]) -> frozenset[int]:
    """The positions of the leaves below ``native`` of an excerpt of ``structure`` whose tag path is only ever
    copied into a token (:func:`_copy_only`); :data:`_KEPT_TEXT` when an element is kept text or no element (a
    comment)."""
    copied: set[int] = set()
    stack: list[tuple[TagPath, list[int]]] = []  # the open elements: tag path (from the wrapper), children left
    for pos, (tag, count) in enumerate(structure):
        if not isinstance(tag, str) or tag == UNMODELLED_TAG:
            return _KEPT_TEXT
        while stack and not stack[-1][1][0]:
            stack.pop()
        path: TagPath = ()
        if stack:
            stack[-1][1][0] -= 1
            path = (*stack[-1][0], tag)
        if count == 0 and len(path) > 1 and path[0] == NATIVE_TAG and _copy_only(path[1:]):
            copied.add(pos)
        stack.append((path, [count]))
    return frozenset(copied)


@cache
def _copy_only(path: TagPath) -> bool:
    """True when some command prints the leaf at ``path`` below ``native`` and every rendering that looks at it
    copies its text into a token as it is: a :class:`~.syntax.Word`, :class:`~.syntax.Number` or
    :class:`~.syntax.Rest` argument of a command's syntax that is no key, no keyword's ``set`` leaf, no ``no``
    form's or ``skip_if``/``default_if`` leaf, not read by a special rendering (a banner, a key), an argument
    that reads the elements below a path (an interface, a leaf-list, flags) or a key of any anchor. Then the
    rendering of an excerpt depends on its text only through that token (:mod:`.cli_map.render_memo` reasons so
    for one command)."""
    copied = False
    for mode, contexts in anchors().contexts.items():
        for ctx in contexts:
            for cmd in BY_MODE[mode]:
                how = _render_reads(cmd, ctx, path)
                if how == "inspects":
                    return False
                copied = copied or how == "copies"
    return copied


def _render_reads(cmd: Command, ctx: TagPath, path: TagPath) -> Literal["copies", "inspects", "ignores"]:
    """How the rendering of ``cmd`` under context ``ctx`` reads the leaf at ``path`` (both below ``native``):
    ``copies`` its text into a token, ``inspects`` it in any other way, or ``ignores`` it."""
    anchor: TagPath = ctx
    for step in cmd.anchor_steps:
        anchor = (*anchor, step.tag)
        if any((*anchor, key) == path for key in step.keys):
            return "inspects"
    if path[: len(path) - 1] == anchor[: len(path) - 1] and any(
        cmd.path(name)[-1:] == path[-1:] for name in cmd.key_names
    ):
        return "inspects"  # (a key argument is looked for above the anchor too: ``render._outer_key``)
    if path[: len(anchor)] != anchor:
        return "ignores"
    rel = path[len(anchor) :]
    if not rel:
        return "inspects"  # (the anchor itself)
    if cmd.render_as or cmd.collect or cmd.natural_order:  # (read by code of its own)
        return "inspects" if any(_named(cmd, p, rel) for p in _paths_named(cmd)) else "ignores"
    exact = [p for p, _ in cmd.no_sets] + [*cmd.skip_if, *cmd.default_if]  # (their own text or existence)
    holding: list[str] = []  # (the elements below them too)
    copies = False
    for node in walk(cmd.syntax):
        if isinstance(node, Kw):
            exact += [p for p, _ in node.set]
        elif isinstance(node, Arg) and node.path is not None:
            plain = isinstance(node.type, Word | Number | Rest) and not (node.leaflist or node.flags)
            if plain and node.path not in cmd.key_names and cmd.path(node.path) == rel:
                copies = True
            else:
                holding += [node.path, *node.flags]
    if any(cmd.path(p) == rel for p in exact) or any(_named(cmd, p, rel) for p in holding):
        return "inspects"
    return "copies" if copies else "ignores"


def _named(cmd: Command, name: str, rel: TagPath) -> bool:
    """True when data path ``name`` of ``cmd`` is ``rel`` (below its anchor) or holds it."""
    tags = cmd.path(name)
    return rel[: len(tags)] == tags


def _instance_proof(tree: etree._Element, shape: _Shape, schema: Schema) -> _Slots | None:
    """How the copied values of a later excerpt of ``shape`` are checked, from excerpt ``tree`` of that shape,
    which read back clean, with plain copied values; None when they cannot be.

    The rendering of every excerpt of the shape is this one's with each copied value in its own tokens, and the
    same elements as sources (:func:`_copy_only`: where a marker takes a value's place, the rendering holds
    exactly the marker tokens instead). Each of those tokens must be free where the parser reads it
    (:func:`.parse.free_tokens`): the same lines then read to the same operations, each token's value stored as
    it is, whatever plain token its readings give back unchanged. What decides the verdict is then which operation
    writes each leaf last; that is found by reading back the excerpt once more with each copied value replaced by
    another one, distinct from every other's: a leaf written last by a constant or by another value's token reads
    back differently in one of the two readings. Each copied value of a later excerpt must be a plain token every
    reading of its tokens gives back unchanged (:meth:`_Slots.fit`)."""
    if any(_MARK in (el.text or "") for el in shape.els):
        return None  # (a text that would pass for a marker)
    marked = _copy_of(tree)
    marked_els = list(marked.iter())
    for pos in shape.copied:
        marked_els[pos].text = f"{_MARK}{pos}"
    text, sources = render_sourced(marked)
    at = {id(el): pos for pos, el in enumerate(marked_els)}  # (``marked_els`` keeps the proxies, so their ids)
    printed = {at[id(el)] for el in sources if at.get(id(el), -1) in shape.copied}
    wanted: dict[int, dict[int, str]] = {}  # line number -> token index -> its text
    spots: dict[tuple[int, int], int] = {}  # (line number, token index) -> position of the value it prints
    for lineno, line in enumerate(text.splitlines(), 1):
        for i, token in enumerate(line.split() if _MARK in line else ()):
            found = _MARKED.fullmatch(token)
            if (found is None and _MARK in token) or (found is not None and int(found[1]) not in printed):
                return None  # (a value printed as part of a token, or printed and not compared)
            if found is not None:
                wanted.setdefault(lineno, {})[i] = shape.els[int(found[1])].text or ""
                spots[(lineno, i)] = int(found[1])
    if set(spots.values()) != printed:
        return None
    real = render_sourced(tree)[0]
    if _MARKED.sub(lambda found: shape.els[int(found[1])].text or "", text) != real:
        return None  # (not this rendering with the values in their tokens: one of them is not only copied)
    readings = free_tokens(real, wanted)
    if readings is None:
        return None
    by_pos: dict[int, list[Word | Number]] = {pos: [] for pos in printed}
    for spot, found_readings in readings.items():
        by_pos[spots[spot]] += found_readings
    proof = _Slots(tuple((pos, tuple(by_pos[pos])) for pos in sorted(by_pos)))
    other = _copy_of(tree)
    other_els = list(other.iter())
    used: set[str] = set()
    for pos, kinds in proof.values:
        value = _another(shape.els[pos].text or "", kinds, used)
        if value is None:
            return None
        used.add(value)
        other_els[pos].text = value
    return proof if proof.fit(shape.els) and not unprintable(other, schema) else None


def _another(value: str, readings: tuple[Word | Number, ...], used: set[str]) -> str | None:
    """A plain token other than ``value`` and ``used`` that each of ``readings`` gives back unchanged, if one of a
    few tried (the edges of a number's range, plain words) is."""
    numbers = [r for r in readings if isinstance(r, Number)]
    if numbers:
        lo, hi = max(r.lo for r in numbers), min(r.hi for r in numbers)
        tried = [str(n) for n in (lo, hi, lo + 1, hi - 1, (lo + hi) // 2)]
    else:
        tried = [f"zq{n}" for n in range(8)]
    for text in tried:
        if text != value and text not in used and all(r.convert(text) == text for r in readings):
            return text
    return None
