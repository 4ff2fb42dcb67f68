"""The run check of :mod:`iosxe_agent.data.runs` and the tag plan of ``_Editor._plan`` against slow references.

Why: ``RunShape.same`` proves an entry's shape by positive tests at each position and one count of the entry's
descendants, and each column gives one text per entry only if every leaf holds one; together they must accept a
run exactly when a walk in Python finds every entry alike (same tags at every level, one text and nothing else
in each leaf, only elements in each container), even when one entry's missing text is made up by a node
elsewhere in it. A column's tally (its texts counted in C) must count what the column returns. ``_plan`` looks
at a run of one tag once; it must give what looking at every tag one by one gives.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from run_shapes import alike, run_accepted, username_shape

from iosxe_agent.data import edit as edit_mod
from iosxe_agent.device.names import NATIVE_NS
from iosxe_agent.yang.schema import Kind, SchemaNode

N = f"{{{NATIVE_NS}}}"
HASH = "$9$AAAAAAAAAAAAAA$98TL7I2NJnM8PHS7XqDxOe569kXm8FUzMdMc/E6wP2Y"


def _entry(name: str, mutation: int) -> str:
    """A user, canonical (mutation 0) or changed in one way a run check must notice (or must not mind)."""
    name_el, privilege = f"<name>{name}</name>", "<privilege>1</privilege>"
    secret = f"<secret><encryption>9</encryption><secret>{HASH}</secret></secret>"
    return (
        "<username>"
        + [
            name_el + privilege + secret,
            name_el + privilege + secret + "<!-- c -->",
            name_el + "<?pi x?>" + privilege + secret,
            name_el + "<privilege>1<x/></privilege>" + secret,
            name_el + "<privilege></privilege>" + secret,
            name_el + "<privilege>1<!-- c --></privilege>" + secret,
            name_el + privilege + f"<secret><encryption>9</encryption>t<secret>{HASH}</secret></secret>",
            name_el + privilege + f"<secret><secret>{HASH}</secret><encryption>9</encryption></secret>",
            name_el + privilege + "<secret><encryption>9</encryption></secret>",
            name_el + secret + privilege,
            name_el + privilege,
            name_el + privilege + secret + privilege,
            name_el + privilege + "<secret><encryption>9</encryption><secret><![CDATA[a]]>b</secret></secret>",
            name_el + privilege + "<secret><encryption>9</encryption><secret>&#65;</secret></secret>",
            name_el + "<privilege/>" + f"<secret><encryption>9</encryption><secret>{HASH}</secret><!-- c --></secret>",
            name_el + "<privilege>1<!-- c --></privilege>" + f"<secret><encryption/><secret>{HASH}</secret></secret>",
        ][mutation]
        + "</username>"
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutations=st.lists(st.sampled_from([0, 0, 0, *range(1, 16)]), min_size=1, max_size=8))
def test_the_run_check_accepts_a_run_of_entries_alike(ios: Any, mutations: list[int]) -> None:
    body = "".join(_entry(f"u{i}", m) for i, m in enumerate([0, *mutations]))
    native = ios.cfg(body).find(f"{N}native")
    entries = native.findall(f"{N}username")
    shape = username_shape(ios, entries[0])
    accepted = run_accepted(shape, native, len(entries))
    assert accepted == all(alike(entries[0], e) for e in entries)
    assert [tally(native) for tally in shape.tallies] == [len(column(native)) for _, column in shape.columns]
    if accepted:
        leaves = [[x.text for x in e.iter() if not len(x)] for e in entries]
        texts = [column(native) for _, column in shape.columns]
        assert [list(t) for t in zip(*texts, strict=True)] == leaves


def _plan_tag_by_tag(editor: Any, snode: SchemaNode, tags: tuple[object, ...]) -> Any:
    """The slow reference of ``_Editor._plan``: every tag looked at on its own."""
    keys = snode.keys if snode.kind is Kind.LIST else ()
    if keys and (not editor._keys_lead(snode) or tags[: len(keys)] != keys):
        return None
    data, seen, cases, last, steps = snode.data_children, set(), {}, -1, []
    for i, tag in enumerate(tags):
        cnode = data.get(tag) if isinstance(tag, str) else None
        if cnode is None or not cnode.config or cnode.ns in editor.hidden:
            return None
        if i >= len(keys):
            if tag in keys or cnode.order_index < last:
                return None
            last = cnode.order_index
        for choice, case in cnode.choice_ancestry() if cnode.parent is not snode else ():
            if cases.setdefault(id(choice), case) is not case:
                return None
        if cnode.kind in (Kind.LEAF, Kind.CONTAINER):
            if tag in seen:
                return None
            seen.add(tag)
        elif cnode.kind not in (Kind.LEAF_LIST, Kind.LIST):
            return None
        steps.append((cnode, cnode.kind))
    return tuple(steps), sum(c.ns != snode.ns for c, _ in steps)


NATIVE_TAGS = ["hostname", "username", "username", "username", "ip", "line", "banner", "interface", "bogus"]
USER_TAGS = ["name", "name", "privilege", "secret", "secret", "password"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    native=st.lists(st.sampled_from(NATIVE_TAGS), max_size=12),
    user=st.lists(st.sampled_from(USER_TAGS), max_size=6),
    comment=st.booleans(),
)
def test_the_plan_of_a_run_of_tags_is_the_plan_tag_by_tag(
    ios: Any, native: list[str], user: list[str], comment: bool
) -> None:
    editor = edit_mod._Editor(ios.schema, edit_mod.ErrorOption.STOP, 1_000_000, ios.schema.identities)
    snative = ios.schema.root.data_children[f"{N}native"]
    for snode, names in ((snative, native), (snative.data_children[f"{N}username"], user)):
        tags: tuple[object, ...] = tuple(f"{N}{t}" for t in names)
        if comment and tags:
            tags = (*tags[:1], etree.Comment, *tags[1:])
        assert editor._plan(snode, tags) == _plan_tag_by_tag(editor, snode, tags)
