"""An existing list entry found by one scan in C (``_Editor._existing``) against the index of every entry.

Why: the scan exists for speed only (one user created or deleted beside 100,000 need not index them all); for
every edit the tree, errors, changed and touched must be exactly what the index gives. ``INDEX_ABOVE`` at 0
indexes at the first look-up, as every look-up did before; 1 and 2 switch from scans to the index in the middle
of an edit, which must then hold what the scans saw and every placement and removal made since. The edits
create, merge, replace, remove and delete entries, several times the same one, and anchor user-ordered entries
on others (``insert before``: an anchor looked up while the new entry is already in the tree).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iosxe_agent.data import edit as edit_mod

from .test_edit_order import edge_edits, ios_edits, summary


def _replay(doc: Any, edits: list[str], index_above: int, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = slow = doc.empty()
    for body in edits:
        with monkeypatch.context() as m:
            m.setattr(edit_mod, "INDEX_ABOVE", index_above)
            a = doc.edit(fast, body, error_option="continue-on-error")
        with monkeypatch.context() as m:
            m.setattr(edit_mod, "INDEX_ABOVE", 0)
            b = doc.edit(slow, body, error_option="continue-on-error")
        assert summary(a) == summary(b)
        if a.tree is not None and b.tree is not None:
            fast, slow = a.tree, b.tree


SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(edits=st.lists(ios_edits(), min_size=1, max_size=5), index_above=st.sampled_from([1, 2, 16]))
def test_system_ordered_entries_found_as_the_index_finds_them(
    ios: Any, edits: list[str], index_above: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    _replay(ios, edits, index_above, monkeypatch)


@SETTINGS
@given(edits=st.lists(edge_edits(), min_size=1, max_size=5), index_above=st.sampled_from([1, 2, 16]))
def test_user_ordered_entries_found_as_the_index_finds_them(
    edge: Any, edits: list[str], index_above: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    _replay(edge, edits, index_above, monkeypatch)
