"""``ViewCarrier``'s inputs touched by a commit (gathered once per commit's changes, and kept per set of changed
paths) against the test of every input against the changed paths worked out afresh for each carry.

Why: a view keeps its memo across a commit only when no changed path touches its inputs; a touched set kept for
the wrong changes would hand on a stale view (the SSH listener keeping an old time-out), one too large only costs
a read."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.data.diff import Change, ChangeOp
from iosxe_agent.device import views
from iosxe_agent.device.views import carry
from iosxe_agent.device.views.carry import ViewCarrier, changed_paths
from iosxe_agent.device.views.tree import Path

#: every input path and every prefix of one, with a few tags no view reads: the nodes a change may name
_STEPS = sorted({path[:depth] for view in views.ALL for path in view.inputs for depth in range(len(path) + 1)})
_OTHER = ("{urn:x}other", "{urn:x}deeper")


def _reference(carrier: ViewCarrier, changes: tuple[Change, ...]) -> frozenset[Path]:
    """The inputs touched, as every carry worked them out before they were kept."""
    changed = changed_paths(changes, carrier.depth)
    if not changed:
        return frozenset()
    below = {c[:depth] for c in changed for depth in range(1, len(c) + 1)}
    return frozenset(
        path for path in carrier._prefixes if path in below or not changed.isdisjoint(carrier._prefixes[path])
    )


def _change(root: etree._Element, path: tuple[str, ...], extra: tuple[str, ...]) -> Change:
    """A change naming a new node at ``path`` + ``extra`` under ``root`` (``()``: the root itself)."""
    el = root
    for tag in (*path, *extra):
        el = etree.SubElement(el, tag)
    return Change(ChangeOp.CREATE, "", (), None, el)


COMMITS = st.lists(
    st.lists(st.tuples(st.sampled_from(_STEPS), st.lists(st.sampled_from(_OTHER), max_size=2).map(tuple)), max_size=4),
    min_size=1,
    max_size=12,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(commits=COMMITS, again=st.lists(st.booleans(), min_size=12, max_size=12), small_memo=st.booleans())
def test_the_inputs_touched_are_those_worked_out_afresh(
    ios: Any, monkeypatch: Any, commits: list[list[tuple[Path, Path]]], again: list[bool], small_memo: bool
) -> None:
    if small_memo:  # the memo of path sets starting again past its bound
        monkeypatch.setattr(carry, "_PATH_SETS_KEPT", 2)
    carrier = ViewCarrier(ios.schema, views.ALL)
    for named, twice in zip(commits, again, strict=False):
        root = etree.Element("{urn:x}config")
        changes = tuple(_change(root, path, extra) for path, extra in named)
        expected = _reference(carrier, changes)
        assert carrier._touched(changes) == expected
        if twice:  # the second carry of one commit (the SSH listener's check, then the commit listener)
            assert carrier._touched(changes) == expected
        copy = tuple([*changes])  # the same changes in another tuple: found by their paths
        assert carrier._touched(copy) == expected
