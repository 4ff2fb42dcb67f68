"""Two ways the parser reads a text faster say exactly what the plain way says: ``read_back`` (the parser's own
state after a text, which the printable check reads values back from) holds what ``parse_config``'s edit document
makes out of nothing, so the check may skip building the edit; and matching lines through the shapes of earlier
ones (parse._Shape, with free words, numbers and ``LINE`` text) gives the edit that matching each line from scratch
gives.

The texts mix the lines of two random configurations, each line possibly negated (``no``), dropped or repeated, so
the lines remove, replace and re-create what earlier lines made (a node removed and then given content again is a
``replace`` in the edit, a fresh node in the state), with kept lines, banners and key data among them."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ios_config_strategies import FEATURES, build
from lxml import etree

from iosxe_agent.device.cli_map import parse, render_config
from iosxe_agent.device.cli_map.parse import parse_config, read_back
from iosxe_agent.device.cli_map.tree import OPERATION

Shape = tuple[str, str, tuple["Shape", ...]]


def _shape(el: etree._Element) -> Shape:
    """The element as the tree it makes: nodes an edit removes are left out, and sibling order does not count
    (the printable check finds each node by its identity)."""
    kept = (c for c in el if isinstance(c.tag, str) and c.get(OPERATION) != "remove")
    return (str(el.tag), el.text or "", tuple(sorted(_shape(c) for c in kept)))


def _lines(trees: Any, bodies: list[str]) -> list[str]:
    tree = build(trees.empty(), trees.doc.cfg, trees.schema, bodies)
    return render_config(tree).splitlines()[:-1]  # without 'end'


@st.composite
def _texts(draw: st.DrawFn, trees: Any) -> str:
    first = _lines(trees, draw(st.lists(FEATURES, min_size=1, max_size=4)))
    second = _lines(trees, draw(st.lists(FEATURES, min_size=1, max_size=4)))
    out: list[str] = []
    for line in first + second:
        how = draw(st.sampled_from(("keep", "keep", "keep", "no", "drop", "twice")))
        if how == "no" and line.strip() and line.strip() != "!":
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}no {line.strip()}")
        elif how == "twice":
            out += [line, line]
        elif how != "drop":
            out.append(line)
    out += draw(st.lists(st.sampled_from(("no username Q1", "exit", "frobnicate 1", " ip ssh", "end")), max_size=2))
    return "\n".join(out) + "\n"


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_read_back_is_what_the_edit_makes_out_of_nothing(trees: Any, data: st.DataObject) -> None:
    text = data.draw(_texts(trees))
    parsed = parse_config(text, None)
    back, errors = read_back(text)
    assert errors == parsed.errors
    assert _shape(back) == _shape(parsed.edit), text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_lines_read_through_shapes_read_as_from_scratch(trees: Any, data: st.DataObject) -> None:
    text = data.draw(_texts(trees))
    parse._shapes.clear()
    shaped = parse_config(text, None)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            parse, "_match_mode", lambda line, tokens, mode, context: parse._match_words(line, tokens, mode, context)[0]
        )
        patch.setattr(parse, "_memo", {})
        fresh = parse_config(text, None)
    assert shaped.errors == fresh.errors
    assert etree.tostring(shaped.edit) == etree.tostring(fresh.edit), text


def test_a_removed_node_given_content_again_reads_back_with_that_content_only() -> None:
    text = "username Q1 privilege 3\nno username Q1\nusername Q1 privilege 5\nno ip domain lookup\n"
    parsed = parse_config(text, None)
    back, errors = read_back(text)
    assert errors == () and _shape(back) == _shape(parsed.edit)
    assert "privilege 5" in render_config(back) and "privilege 3" not in render_config(back)
