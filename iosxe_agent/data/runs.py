"""A run of list entries of one fixed shape, checked in C: the shape of a first entry as XPath expressions.

Why: checking that a loaded file is canonical cost ~9 µs per entry of 100,000 users in Python (an element proxy
and a call per level). When every entry of a run has the first one's shape (the same tags at every level, only
leaves and containers, one text per leaf), one XPath counts the entries of exactly that shape and one XPath per
leaf column returns its texts as plain strings, so Python looks only at values (mostly repeated ones).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from iosxe_agent.yang.schema import Kind, SchemaNode, split_clark

#: ``_Editor._plan``: each child's schema node and kind, and how many are of another module; None if not canonical
Plan = tuple[tuple[tuple[SchemaNode, Kind], ...], int] | None
PlanOf = Callable[[SchemaNode, tuple[object, ...]], Plan]


@dataclass(frozen=True)
class RunShape:
    """What every entry of a run must be for the run to be canonical, given the first entry was."""

    #: evaluated on the run's parent: the number of entries of exactly this shape, once every column returned
    #: one text per entry (see ``_predicate``)
    same: etree.XPath
    #: each leaf's texts over the run (keys first): at most one per entry, from the leaf at its place
    columns: tuple[tuple[SchemaNode, etree.XPath], ...]
    #: by column, the number of those texts, counted in C: all a column of a leaf whose every text is a valid
    #: value must tell (making its 10,000 strings cost a third of reading a column of 10,000 users' secrets)
    tallies: tuple[etree.XPath, ...]
    elements: int  # elements below one entry (each costs the element budget)
    switches: int  # elements below one entry of another module than their parent's
    namespaces: frozenset[str]  # those of the entry and of every element below it


def shape_of(
    entry: etree._Element, snode: SchemaNode, plan_of: PlanOf, fixed_type: Callable[[SchemaNode], bool]
) -> RunShape | None:
    """The shape of list entry ``entry`` (an instance of ``snode``), or None when it is not a fixed one: a
    child not canonical by its tags, a list or leaf-list inside, a leaf without text or of a type whose value
    depends on more than its text (``fixed_type`` False)."""
    namespaces: dict[str, str] = {}
    columns: list[tuple[SchemaNode, str]] = []
    counts = [0, 0]
    step = f"{_prefix(namespaces, snode.ns)}:{snode.name}"
    inner = _predicate(entry, snode, plan_of, fixed_type, step, namespaces, columns, counts)
    if inner is None:
        return None
    ns = tuple(sorted(namespaces.items()))
    return RunShape(
        _compile(f"count({step}[count(descendant::node())={counts[0] + len(columns)}]{inner})", ns),
        tuple((cnode, _compile(path, ns)) for cnode, path in columns),
        tuple(_compile(f"count({path})", ns) for _, path in columns),
        counts[0],
        counts[1],
        frozenset(namespaces.values()),
    )


def _predicate(
    el: etree._Element,
    snode: SchemaNode,
    plan_of: PlanOf,
    fixed_type: Callable[[SchemaNode], bool],
    path: str,
    namespaces: dict[str, str],
    columns: list[tuple[SchemaNode, str]],
    counts: list[int],
) -> str | None:
    """XPath predicates true of an element that holds, at their positions, those of ``el``'s descendants no
    column reaches (containers with no leaf below); each column (``columns``: a leaf's path, every step testing
    its position and tag, and the leaf's first text) reaches the others. ``shape_of`` adds that the entry has
    no other descendant, by counting its descendants once (``counts[0]`` elements and one text per column), and
    the caller that each column returns one text per entry. Together they leave each entry exactly the shape:
    a column gives at most one text per entry, so giving as many as there are entries it finds in each entry
    every element on its path and a text; with the containers the predicates find, that is every element of the
    shape and one text per leaf, which is all the count allows, so no other element, comment, PI or text is left.

    Why: a count of each element's children and each leaf's nodes at every level cost twice the whole check,
    and a ``[text()]`` test per leaf, or a tag tested as ``*[m][self::t]`` rather than ``*[m]/self::t``, cost
    as much again (libxml2 evaluates a predicate per node, a step once); then a predicate per element testing
    its tag cost twice the columns, which can test the same tags as steps (the check of 10,000 users: the
    entries 17 ms and the columns 8 before, 4 and 11 now)."""
    children = list(el)
    plan = plan_of(snode, tuple([c.tag for c in children]))
    if plan is None:
        return None
    steps, switches = plan
    counts[0] += len(children)
    counts[1] += switches
    parts: list[str] = []
    for m, (child, (cnode, kind)) in enumerate(zip(children, steps, strict=True), 1):
        step = f"*[{m}]/self::{_prefix(namespaces, cnode.ns)}:{cnode.name}"
        if kind is Kind.LEAF:
            if not child.text or len(child) or not fixed_type(cnode):
                return None
            columns.append((cnode, f"{path}/{step}/text()[1]"))
        elif kind is Kind.CONTAINER:
            reached = len(columns)
            inner = _predicate(child, cnode, plan_of, fixed_type, f"{path}/{step}", namespaces, columns, counts)
            if inner is None:
                return None
            if inner or len(columns) == reached:  # something below no column reaches, or no leaf below at all
                parts.append(f"[{step}{inner}]")
        else:
            return None
    return "".join(parts)


@dataclass(frozen=True)
class FirstKeys:
    """Queries over the entries of one keyed list, evaluated on their parent, answering in C what a look at each
    entry's first key element (its first child of that tag, as ``tags.key_child`` finds it) would."""

    #: the text nodes of those elements: every non-empty ``.text`` among them unless ``split`` (then ``.text``,
    #: the leading texts joined, may be none of them)
    texts: etree.XPath
    split: etree.XPath  # True when one of those elements holds two text nodes or more


def first_keys(snode: SchemaNode) -> FirstKeys:
    """The :class:`FirstKeys` of keyed list ``snode``."""
    namespaces: dict[str, str] = {}
    key_ns, key_name = split_clark(snode.keys[0])
    path = f"{_prefix(namespaces, snode.ns)}:{snode.name}/{_prefix(namespaces, key_ns)}:{key_name}[1]/text()"
    ns = tuple(sorted(namespaces.items()))
    return FirstKeys(_compile(path, ns), _compile(f"boolean({path}[2])", ns))


def _prefix(namespaces: dict[str, str], ns: str) -> str:
    for prefix, uri in namespaces.items():
        if uri == ns:
            return prefix
    prefix = f"n{len(namespaces)}"
    namespaces[prefix] = ns
    return prefix


@lru_cache(maxsize=256)
def _compile(expression: str, namespaces: tuple[tuple[str, str], ...]) -> etree.XPath:
    """Compiled once per shape: a load meets a handful (users, interfaces …), each entry of a run reuses it."""
    return etree.XPath(expression, namespaces=dict(namespaces), smart_strings=False)
