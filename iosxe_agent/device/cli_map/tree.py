"""Edit operations of parsed commands, and the indexed tree view that applies them.

A parsed line becomes a few :class:`EditOp` values over instance paths (:class:`~.syntax.Step` tuples below
``native``). The same operations are applied to two kinds of tree:

* an **edit document** (``<config>`` for :func:`iosxe_agent.data.edit.apply_edit`): ``set`` and ``ensure`` merge,
  ``replace`` and ``remove`` become ``nc:operation`` attributes, and a later operation overrides an earlier one on
  the same node (content put inside a node removed earlier turns that removal into a ``replace``), so the lines
  of a whole file fold into one edit with the effect of applying them in order;
* a **state** tree (a copy of running, schema-less): the parser's view of what the lines before have done, used
  to decide what a ``no`` form removes.

List entries and leaf-list values are found through a per-parent index, so files of tens of thousands of
``username`` lines fold in linear time.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from iosxe_agent.bounded import remember
from iosxe_agent.data.tags import tag_of
from iosxe_agent.device.cli_map.syntax import BESIDE_NATIVE, Step, ns_of
from iosxe_agent.device.names import NATIVE_NS

NC_NS = "urn:ietf:params:xml:ns:netconf:base:1.0"
CONFIG_TAG = f"{{{NC_NS}}}config"
NATIVE_TAG = f"{{{NATIVE_NS}}}native"
OPERATION = f"{{{NC_NS}}}operation"


@dataclass(frozen=True, slots=True)
class EditOp:
    """``set`` a leaf, ``ensure`` a node exists (a container, list entry or leaf-list value), ``replace`` a node's
    content by what follows, ``remove`` a node (a leaf-list step without value: every value)."""

    kind: str
    steps: tuple[Step, ...]
    value: str | None = None


def new_edit() -> etree._Element:
    """An empty ``<config>`` edit document."""
    return etree.Element(CONFIG_TAG, nsmap={None: NC_NS, "nc": NC_NS})


#: The value of a leaf-list step that stands for every value (``no transport input``).
ALL_VALUES = "\x00*"


def _identity(el: etree._Element, step: Step) -> object:
    if step.keys:
        found = []
        for key_tag, _ in step.keys:
            key_el = next(el.iterchildren(key_tag), None)
            found.append("" if key_el is None else (key_el.text or ""))
        return tuple(found)
    if step.value is not None:
        return el.text or ""
    return ()


def _wanted(step: Step) -> object:
    keys = step.keys
    if keys:
        return (keys[0][1],) if len(keys) == 1 else tuple([v for _, v in keys])
    if step.value is not None:
        return step.value
    return ()


#: Clark tag -> its namespace, for the few hundred tags of the table (a new element names its namespace only
#: when its parent's differs).
_NS: dict[str, str] = {}


def _ns(tag: str) -> str:
    found = _NS.get(tag)
    if found is None:
        found = _NS[tag] = ns_of(tag)
    return found


class DataTree:
    """A ``<config>`` tree addressed by :class:`Step` paths below ``native`` (or, for a container of
    :data:`~.syntax.BESIDE_NATIVE`, from the root)."""

    def __init__(self, root: etree._Element | None, *, edit: bool = False) -> None:
        self.root = root if root is not None else new_edit()
        self.edit = edit
        # (id(parent), tag) -> (parent kept alive so the id stays valid, identity -> child)
        self._index: dict[tuple[int, str], tuple[etree._Element, dict[object, etree._Element]]] = {}
        self._tags: dict[int, list[str]] = {}  # id(parent) -> tags indexed under it
        self._native: etree._Element | None = None  # found once: every operation starts there
        #: the operations made for this tree are applied to it alone (no edit document is built from them), so
        #: the parser may put a new list entry straight into it (``parse._grafted``)
        self.alone = False

    # -- lookup -----------------------------------------------------------------------------------------------------
    def native(self, create: bool = False) -> etree._Element | None:
        if self._native is not None:
            return self._native
        if self.root.tag == NATIVE_TAG:
            el: etree._Element | None = self.root
        else:
            el = next(self.root.iterchildren(NATIVE_TAG), None)
        if el is None and create:
            el = etree.SubElement(self.root, NATIVE_TAG, nsmap={None: NATIVE_NS})
        self._native = el
        return el

    def base(self, steps: tuple[Step, ...], create: bool = False) -> etree._Element | None:
        """Where ``steps`` start: ``native``, or the datastore root for a container beside it (a bare ``native``
        tree has none)."""
        if steps and steps[0].tag in BESIDE_NATIVE:
            return None if self.root.tag == NATIVE_TAG else self.root
        return self.native(create)

    def _children(self, parent: etree._Element, step: Step) -> dict[object, etree._Element]:
        key = (id(parent), step.tag)
        hit = self._index.get(key)
        if hit is None:
            table: dict[object, etree._Element] = {}
            for child in parent.iterchildren(step.tag):
                table.setdefault(_identity(child, step), child)
            self._index[key] = (parent, table)
            self._tags.setdefault(key[0], []).append(step.tag)
            return table
        return hit[1]

    def child(self, parent: etree._Element, step: Step) -> etree._Element | None:
        hit = self._index.get((id(parent), step.tag))
        return (self._children(parent, step) if hit is None else hit[1]).get(_wanted(step))

    def find(self, steps: tuple[Step, ...]) -> etree._Element | None:
        el = self.base(steps)
        for step in steps:
            if el is None:
                return None
            el = self.child(el, step)
        return el

    def find_all(self, steps: tuple[Step, ...]) -> list[tuple[etree._Element, tuple[Step, ...]]]:
        """The element at ``steps`` with its path; for a final :data:`ALL_VALUES` leaf-list step, every value."""
        if not steps:
            return []
        parent = self.find(steps[:-1])
        if parent is None:
            return []
        last = steps[-1]
        if last.value == ALL_VALUES:
            return [(h, (*steps[:-1], Step(tag_of(h), value=h.text or ""))) for h in parent.iterchildren(last.tag)]
        el = self.child(parent, last)
        return [] if el is None else [(el, steps)]

    # -- changes ----------------------------------------------------------------------------------------------------
    def _create(self, parent: etree._Element, step: Step) -> etree._Element:
        ns = _ns(step.tag)
        nsmap = {None: ns} if ns != _ns(tag_of(parent)) else None
        el = etree.SubElement(parent, step.tag, nsmap=nsmap)
        for key_tag, value in step.keys:
            etree.SubElement(el, key_tag).text = value
        if step.value is not None:
            el.text = step.value
        self._children(parent, step)[_wanted(step)] = el
        return el

    def _delete(self, parent: etree._Element, el: etree._Element, step: Step) -> None:
        self._children(parent, step).pop(_wanted(step), None)
        self._forget(el)
        parent.remove(el)

    def _clear(self, el: etree._Element, step: Step) -> None:
        keys = {k for k, _ in step.keys}
        for child in list(el):
            if child.tag not in keys:
                el.remove(child)
        if not keys and step.value is None:
            el.text = None
        self._forget(el)

    def _forget(self, el: etree._Element) -> None:
        """Drop the indexes of ``el``'s children (it was emptied or detached)."""
        ident = id(el)
        for tag in self._tags.pop(ident, ()):
            self._index.pop((ident, tag), None)

    def apply_all(self, ops: list[EditOp]) -> None:
        """Apply ``ops`` in order. Ops that make one new list entry out of nothing (see :func:`_graft_plan`) are
        applied to a state tree as one copy of a remembered fragment with their values filled in: the same tree,
        without a lookup and a Python-made element per operation (a bulk read-back makes 10,000 of them)."""
        if not self.edit and self._graft(ops):
            return
        for op in ops:
            self.apply(op)

    def _graft(self, ops: list[EditOp]) -> bool:
        """Apply ``ops`` as a grafted fragment if they qualify and their entry is new; False: nothing done."""
        key = _graft_key(ops)
        if key is None:
            return False
        entry_step = ops[0].steps[-1]
        plan = _plans.get(key)
        if plan is None:
            plan = _graft_plan(ops)
            remember(_plans, key, plan, _PLANS_MAX)
        texts: list[tuple[int, str | None]] = [(pos, entry_step.keys[j][1]) for pos, j in plan.keys]
        texts += [(pos, ops[k].value) for pos, k in plan.sets]
        return self.graft_entry(ops[0].steps[:-1], entry_step, plan.template, texts)

    def graft_entry(
        self,
        parent_steps: tuple[Step, ...],
        entry_step: Step,
        template: etree._Element,
        texts: Sequence[tuple[int, str | None]],
    ) -> bool:
        """Append a copy of ``template`` as the list entry ``entry_step`` below ``parent_steps``, with the texts
        (position in document order, text) set, if the parent exists and the entry does not; False: nothing
        done."""
        parent = self.find(parent_steps) if parent_steps else self.base((entry_step,))
        if parent is None or self.child(parent, entry_step) is not None:
            return False
        fragment = copy.copy(template)  # (lxml copies the whole subtree, without deepcopy's memo work)
        els = list(fragment.iter())
        for pos, text in texts:
            els[pos].text = text
        parent.append(fragment)
        self._children(parent, entry_step)[_wanted(entry_step)] = fragment
        return True

    def apply(self, op: EditOp) -> None:
        if self.edit:
            self._apply_edit(op)
        else:
            self._apply_state(op)

    def _apply_state(self, op: EditOp) -> None:
        if op.kind == "remove":
            for el, steps in self.find_all(op.steps):
                parent = el.getparent()
                if parent is not None:
                    self._delete(parent, el, steps[-1])
            return
        base = self.base(op.steps, create=True)
        if base is None:
            return
        el = base
        for step in op.steps:
            nxt = self.child(el, step)
            el = nxt if nxt is not None else self._create(el, step)
        if op.kind == "replace":
            self._clear(el, op.steps[-1])
        elif op.kind == "set":
            el.text = op.value

    def _apply_edit(self, op: EditOp) -> None:
        parent = self.base(op.steps, create=True)
        assert parent is not None
        in_replace = False
        el: etree._Element | None = None
        for k, step in enumerate(op.steps):
            last = k == len(op.steps) - 1
            el = self.child(parent, step)
            if el is not None:
                current = el.get(OPERATION)
                if current == "remove":
                    if op.kind == "remove":
                        return  # already removed, with everything below it
                    # content put into a node removed earlier: the node is redefined
                    self._clear(el, step)
                    el.set(OPERATION, "replace")
                    if not last:
                        in_replace = True
                elif current == "replace" and not last:
                    in_replace = True
            if last:
                break
            if el is None:
                if op.kind == "remove" and in_replace:
                    return  # nothing of it is in the content being defined
                el = self._create(parent, step)
            parent = el
        step = op.steps[-1]
        if op.kind == "remove":
            if in_replace:
                if el is not None:
                    self._delete(parent, el, step)
                return
            if el is None:
                el = self._create(parent, step)
            self._clear(el, step)
            el.set(OPERATION, "remove")
            return
        if el is None:
            el = self._create(parent, step)
        if op.kind == "replace":
            self._clear(el, step)
            el.set(OPERATION, "replace")
        elif op.kind == "set":
            el.text = op.value
            if OPERATION in el.attrib:
                del el.attrib[OPERATION]


# -- grafting a new list entry --------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Plan:
    """A list entry as a run of operations makes it out of nothing: ``keys`` pairs the position (in document
    order of ``template``) of each leaf that ends up holding a key value with that key's index, ``sets`` each leaf
    that ends up holding a ``set`` operation's value with that operation's index."""

    template: etree._Element
    keys: tuple[tuple[int, int], ...]
    sets: tuple[tuple[int, int], ...]


#: Plans by :func:`_graft_key` (all forgotten when full): one per kind of command line, a few in practice.
_PLANS_MAX = 64
_plans: dict[tuple[object, ...], _Plan] = {}


def _graft_key(ops: list[EditOp]) -> tuple[object, ...] | None:
    """What the shape of the fragment ``ops`` make depends on, or None when they do not qualify: the first
    operation ensures (or replaces) a list entry, every other one sets, ensures or replaces a node below it
    through plain steps (no keys, no leaf-list values), and nothing is removed. Then the fragment's elements and
    their order follow from the tags and kinds alone; only the key and ``set`` values differ."""
    if len(ops) < 2:
        return None
    first = ops[0]
    base = first.steps
    entry = base[-1] if base else None
    if entry is None or not entry.keys or entry.value is not None or first.kind not in ("ensure", "replace"):
        return None
    n = len(base)
    key: list[object] = [first.kind, tuple(s.tag for s in base[:-1]), entry.tag, tuple(t for t, _ in entry.keys)]
    for op in ops[1:]:
        steps = op.steps
        if op.kind == "remove" or len(steps) <= n or steps[:n] != base:
            return None
        below = steps[n:]
        for s in below:
            if s.keys or s.value is not None:
                return None
        key.append(op.kind)
        key.append(below)  # (plain steps: their tags)
    return tuple(key)


def graft_plan(ops: list[EditOp]) -> _Plan | None:
    """The plan :meth:`DataTree.apply_all` grafts ``ops`` by on a state tree where their entry is new, or None
    when they do not qualify (see :func:`_graft_key`)."""
    return None if _graft_key(ops) is None else _graft_plan(ops)


_MARK = "\ue000graft:"  # (a private-use character: the markers of one plan differ only in their index)


def _graft_plan(ops: list[EditOp]) -> _Plan:
    """The plan of :meth:`DataTree._graft`, made by the general path itself: ``ops`` with each value replaced by
    a distinct marker, applied to a scratch state tree (their entry's parents made first); the markers left in
    the entry say which value each leaf holds (a value a later operation overwrote or cleared is gone)."""
    base = ops[0].steps
    entry_step = base[-1]
    n = len(base)
    marked = Step(entry_step.tag, tuple((t, f"{_MARK}k{j}") for j, (t, _) in enumerate(entry_step.keys)))
    marked_base = (*base[:-1], marked)
    scratch = DataTree(None)
    if n > 1:
        scratch.apply(EditOp("ensure", base[:-1]))
    for k, op in enumerate(ops):
        value = f"{_MARK}s{k}" if op.kind == "set" else op.value
        scratch.apply(EditOp(op.kind, marked_base + op.steps[n:], value))
    entry = scratch.find(marked_base)
    assert entry is not None  # (just made)
    template = copy.deepcopy(entry)
    keys: list[tuple[int, int]] = []
    sets: list[tuple[int, int]] = []
    for pos, el in enumerate(template.iter()):
        text = el.text or ""
        if text.startswith(_MARK):  # (only markers do: the scratch tree holds no other value)
            (keys if text[len(_MARK)] == "k" else sets).append((pos, int(text[len(_MARK) + 1 :])))
    return _Plan(template, tuple(keys), tuple(sets))
