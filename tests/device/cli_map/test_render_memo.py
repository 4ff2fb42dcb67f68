"""A command's line for an anchor from a template per anchor shape (render_memo.py) is the line the syntax walk
prints, with the same values said to be printed: random configurations over every subtree the table covers, and
lists of users whose values are anything at all (empty, missing, blanks, line breaks, the template's own marker
character), with stray children, comments and missing keys, all rendered after templates made from other
values."""

from __future__ import annotations

from typing import Any

import pytest
from cli_map_probes import walked_commands
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ios_config_strategies import FEATURES, build
from lxml import etree

from iosxe_agent.device.cli_map import render, render_memo
from iosxe_agent.device.cli_map.render import render_sourced
from iosxe_agent.device.cli_map.tree import NATIVE_TAG
from iosxe_agent.device.printable import Focus, excerpt

NS = NATIVE_TAG[1:].partition("}")[0]
#: values a template must copy as they are, whatever they hold
VALUES = st.one_of(
    st.none(),
    st.sampled_from(["", " ", "1", "15", "x y", "a\nb", "\ue001tpl:3", "9", "0", "7"]),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=6),
)


def _both(tree: etree._Element) -> tuple[tuple[str, list[int]], tuple[str, list[int]]]:
    """(text, ids of the sources) rendered through the templates and by walking every anchor."""
    text, sources = render_sourced(tree)
    memo = (text, [id(s) for s in sources])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render, "rendered", lambda cmd, anchor, walk: walk(cmd.syntax, anchor, cmd))
        text, walked_sources = render_sourced(tree)
        walked = (text, [id(s) for s in walked_sources])
    return memo, walked


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bodies=st.lists(FEATURES, min_size=1, max_size=6), data=st.data())
def test_templates_render_what_the_walk_renders(trees: Any, bodies: list[str], data: st.DataObject) -> None:
    tree = build(trees.empty(), trees.doc.cfg, trees.schema, bodies)
    memo, walked = _both(tree)
    assert memo == walked
    elements = [el for el in tree.iter() if isinstance(el.tag, str)]
    picked = data.draw(st.lists(st.sampled_from(elements), min_size=1, max_size=3))
    part = excerpt(tree, [Focus(el, True) for el in picked], trees.schema)
    memo, walked = _both(part)
    assert memo == walked


def _leaf(parent: etree._Element, tag: str, text: str | None) -> None:
    etree.SubElement(parent, f"{{{NS}}}{tag}").text = text


@st.composite
def _user(draw: st.DrawFn) -> etree._Element:
    """A ``username`` entry as no schema would check it: any value, any part missing, stray children."""
    user = etree.Element(f"{{{NS}}}username")
    if draw(st.integers(0, 9)):  # (mostly with its key: without it, the walk looks above the entry)
        _leaf(user, "name", draw(VALUES))
    if draw(st.booleans()):
        _leaf(user, "privilege", draw(VALUES))
    if draw(st.booleans()):
        _leaf(user, "one-time", draw(st.sampled_from([None, "", "x"])))
    for kind in draw(st.lists(st.sampled_from(["secret", "password"]), max_size=2)):
        holder = etree.SubElement(user, f"{{{NS}}}{kind}")
        if draw(st.booleans()):
            _leaf(holder, "encryption", draw(st.one_of(st.sampled_from(["0", "5", "6", "7", "8", "9"]), VALUES)))
        if draw(st.booleans()):
            _leaf(holder, kind, draw(VALUES))
    if draw(st.integers(0, 5)) == 0:
        user.append(etree.Comment("a comment"))
    if draw(st.integers(0, 5)) == 0:
        _leaf(user, draw(st.sampled_from(["name", "privilege", "stray"])), draw(VALUES))
    return user


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(users=st.lists(_user(), min_size=1, max_size=12), outer=st.booleans())
def test_users_of_one_shape_render_as_walked_whatever_their_values(users: list[etree._Element], outer: bool) -> None:
    """``outer``: a ``name`` leaf beside the users, which the walk prints for a user without its key."""
    root = etree.Element("{urn:ietf:params:xml:ns:netconf:base:1.0}config")
    native = etree.SubElement(root, NATIVE_TAG, nsmap={None: NS})
    if outer:
        _leaf(native, "name", "outer")
    native.extend(users)
    memo, walked = _both(root)
    assert memo == walked


def test_one_walk_per_shape(trees: Any) -> None:
    """100 users of one shape walk the syntax once; a user of another shape walks it again."""
    entries = "".join(
        f"<username><name>u{i}</name><privilege>{i % 16}</privilege>"
        f"<secret><encryption>9</encryption><secret>$9$h{i}</secret></secret></username>"
        for i in range(100)
    )
    tree = trees.tree(entries + "<username><name>odd</name><one-time/></username>")
    render_memo._templates.clear()
    render_memo._layouts.clear()
    with walked_commands(whole=True) as walked:
        text, _ = render_sourced(tree)
    assert "username u42 privilege 10 secret 9 $9$h42\n" in text and "username odd one-time\n" in text
    assert walked.count("username") == 2
