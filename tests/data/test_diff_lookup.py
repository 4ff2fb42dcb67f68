"""The diff finds the touched children of a node the edit left in place one by one (a few) or through an index
(more than ``INDEX_ABOVE`` of them): either way it reports exactly what a full comparison reports."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.data.diff import Change, diff
from iosxe_agent.data.touched import INDEX_ABOVE


def _xml(el: etree._Element | None) -> bytes:
    return b"" if el is None else etree.tostring(el)


def described(changes: tuple[Change, ...]) -> list[tuple[str, str, bytes, bytes]]:
    """What a change says, its nodes serialised (elements of two diffs are compared by content)."""
    return [(c.op.value, c.path, _xml(c.old), _xml(c.new)) for c in changes]


def _users(privileges: dict[int, int]) -> str:
    return "".join(
        f"<username><name>u{i:03d}</name><privilege>{p}</privilege></username>" for i, p in sorted(privileges.items())
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    count=st.integers(1, 2 * INDEX_ABOVE + 8),
    changed=st.lists(st.integers(0, 2 * INDEX_ABOVE + 7), max_size=2 * INDEX_ABOVE + 4),
    time_out=st.sampled_from([None, 60, 90]),
)
def test_touched_children_found_one_by_one_or_indexed_give_the_full_diff(
    ios: Any, count: int, changed: list[int], time_out: int | None
) -> None:
    old = ios.tree(_users(dict.fromkeys(range(count), 1)) + "<ip><ssh><time-out>60</time-out></ssh></ip>")
    edited = {i: 1 + i % 14 for i in changed if i < count}
    ssh = f"<ip><ssh><time-out>{time_out}</time-out></ssh></ip>" if time_out is not None else ""
    result = ios.edit(old, _users(edited) + ssh)
    assert result.tree is not None and result.touched is not None
    limited = diff(old, result.tree, ios.schema, result.touched)
    assert described(limited) == described(diff(old, result.tree, ios.schema))
    assert len(limited) == sum(1 for p in edited.values() if p != 1) + (time_out == 90)


def test_both_ways_of_finding_are_taken(ios: Any) -> None:
    """The property above reaches both branches: a native node naming more entries than INDEX_ABOVE, and fewer."""
    old = ios.tree(_users(dict.fromkeys(range(INDEX_ABOVE + 4), 1)))
    for count in (1, INDEX_ABOVE + 2):
        result = ios.edit(old, _users(dict.fromkeys(range(count), 5)))
        assert result.touched is not None
        [native] = result.touched.children.values()
        assert not native.whole and len(native.children) == count
        assert len(diff(old, result.tree, ios.schema, result.touched)) == count
