"""Placing new list entries without re-sorting or re-scanning (``_Editor._in_key_order``, an entry moved to its
place by bisection: ``_Editor._moved_in_order``, the ``hint`` of ``insert_in_schema_order``) gives exactly what
sorting every list the edit touched and scanning the siblings from the end gives, edit after edit (each result
is the next edit's input, as a datastore's is).

Keys mix numbers, signed and spaced numbers and text, which sort differently (numbers first, numerically).
"""

from __future__ import annotations

from typing import Any

import pytest
from edit_summary import summary
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.data import edit as edit_mod
from iosxe_agent.data import order as order_mod
from iosxe_agent.data.edit import _sort_key

NAMES = st.sampled_from(["1", "9", "09", "10", "+4", "4", " 7", "-2", "a", "B", "user01", "user10", "x_1", "٣"])
OPS = st.sampled_from(["", "", "", ' nc:operation="replace"', ' nc:operation="remove"', ' nc:operation="create"'])


@st.composite
def ios_edits(draw: st.DrawFn) -> str:
    parts = [draw(st.sampled_from(["", "<hostname>R1</hostname>"]))]
    for name in draw(st.lists(NAMES, max_size=6)):
        parts.append(f"<username{draw(OPS)}><name>{name}</name><privilege>{draw(st.integers(0, 15))}</privilege>"
                     "</username>")  # fmt: skip
    for first in draw(st.lists(st.integers(0, 20), max_size=3)):
        parts.append(f"<line><vty{draw(OPS)}><first>{first}</first><last>{first + 1}</last></vty></line>")
    if draw(st.booleans()):
        parts.append("<ip><ssh><time-out>30</time-out></ssh></ip>")
    return "".join(parts)


@st.composite
def edge_edits(draw: st.DrawFn) -> str:
    """The test-edge module's ``rule`` is ordered by user: new entries go last, or where ``insert`` says."""
    parts = []
    for name in draw(st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=4)):
        where = draw(
            st.sampled_from(["", "", ' yang:insert="first"', ' yang:insert="before" yang:key="[te:name=\'b\']"'])
        )
        parts.append(f"<rule{draw(OPS)}{where}><name>{name}</name><action>x</action></rule>")
    return "".join(parts)


def scan_only(parent: etree._Element, snode: Any, new: etree._Element, hint: object = None) -> None:
    """``insert_in_schema_order`` without its hint: every placement scans the siblings."""
    order_mod.insert_in_schema_order(parent, snode, new)


def replay(doc: Any, edits: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    fast = slow = doc.empty()
    for body in edits:
        a = doc.edit(fast, body, error_option="continue-on-error")
        with monkeypatch.context() as m:
            m.setattr(edit_mod._Editor, "_in_key_order", lambda *_: False)
            m.setattr(edit_mod._Editor, "_moved_in_order", lambda *_: False)
            m.setattr(edit_mod, "insert_in_schema_order", scan_only)
            b = doc.edit(slow, body, error_option="continue-on-error")
        assert summary(a) == summary(b)
        if a.tree is not None and b.tree is not None:
            fast, slow = a.tree, b.tree


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(edits=st.lists(ios_edits(), min_size=1, max_size=5))
def test_ios_entries_placed_in_order_equal_a_full_sort(
    ios: Any, edits: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    replay(ios, edits, monkeypatch)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(edits=st.lists(edge_edits(), min_size=1, max_size=5))
def test_user_ordered_entries_equal_a_full_scan(edge: Any, edits: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    replay(edge, edits, monkeypatch)


def test_sort_key_agrees_with_int() -> None:
    """The shortcut for text int() refuses at its first character gives what trying int() gives."""

    def reference(value: str) -> tuple[int, object]:
        try:
            return (0, int(value))
        except ValueError:
            return (1, value)

    for value in ["", " ", "1", "+1", "-1", " 12 ", "1_0", "_1", "a1", "٣", "²", "1a", "+", "-_1", "\t7\n", "\u00a01"]:
        assert _sort_key(value) == reference(value), value
