"""A run of new list entries created at once (``_Editor._new_run``) against the same entries one by one.

Why: the run path exists for speed only; for every edit the tree, errors, changed and touched must be exactly
what the per-entry path gives. The batches aim at what it must notice: an existing or repeated key, entries out
of key order, a second shape, a value not in canonical form, a namespace declared again or by a prefix, an
attribute, a comment or text between entries, entries of the list elsewhere in the edit, a tight element budget.
"""

from __future__ import annotations

from typing import Any

import pytest
from edit_summary import created_as_runs, summary
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iosxe_agent.data import edit as edit_mod
from iosxe_agent.data.edit import apply_edit

from .test_edit_append import AFTER, _start
from .test_edit_bulk import HASH

N = "http://cisco.com/ns/yang/Cisco-IOS-XE-native"
#: How one entry is written, given its name: the common canonical form most often.
ENTRY = st.sampled_from([
    "<username><name>{}</name><privilege>1</privilege>"
    f"<secret><encryption>9</encryption><secret>{HASH}</secret></secret></username>",
    "<username><name>{}</name><privilege>1</privilege>"
    f"<secret><encryption>9</encryption><secret>{HASH}</secret></secret></username>",
    "<username><name>{}</name><privilege>1</privilege></username>",
    "<username><name>{}</name><privilege> 7 </privilege></username>",
    "<username><name>{}</name><privilege>99</privilege></username>",
    f"<username xmlns='{N}'><name>{{}}</name><privilege>1</privilege></username>",
    f"<ios:username xmlns:ios='{N}'><ios:name>{{}}</ios:name><ios:privilege>1</ios:privilege></ios:username>",
    "<username><name>{}</name><privilege nc:operation='merge'>1</privilege></username>",
    "<username nc:operation='create'><name>{}</name><privilege>1</privilege></username>",
    "<username><name>{}</name><!-- c --><privilege>1</privilege></username>",
    "<username><name>{}</name><secret/></username>",
])  # fmt: skip
NAMES = st.sampled_from(["a", "b", "c", "m", "u1", "u2", "u10", "9", "09", "10", "z"])
BETWEEN = st.sampled_from(["", "", "", "\n  ", "<!-- c -->", "<hostname>R2</hostname>"])


@st.composite
def runs(draw: st.DrawFn) -> str:
    names = draw(st.lists(NAMES, min_size=1, max_size=9))
    if draw(st.booleans()):
        names = sorted(set(names), key=edit_mod._sort_key)
    plain = draw(ENTRY)
    odd = draw(st.integers(-1, len(names) - 1))  # one entry written another way, or none
    between = [draw(BETWEEN) if draw(st.integers(0, 4)) == 0 else "" for _ in names]
    body = "".join((draw(ENTRY) if i == odd else plain).format(n) + between[i] for i, n in enumerate(names))
    return draw(st.sampled_from(["", "<hostname>R3</hostname>"])) + body


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=runs(),
    existing=st.lists(NAMES, unique=True, max_size=3),
    after=AFTER,
    op=st.sampled_from(["merge", "replace", "create", "none"]),
    error_option=st.sampled_from(["stop-on-error", "continue-on-error"]),
    run_above=st.sampled_from([0, 1, 3]),
    max_elements=st.sampled_from([1_000_000, 12, 25, 40]),
)
def test_a_run_equals_its_entries_one_by_one(
    ios: Any, body: str, existing: list[str], after: str, op: str, error_option: str, run_above: int,
    max_elements: int, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """``after``: what follows the last existing entry (see test_edit_append), which may leave the run no room
    after its first entry."""
    tree = _start(ios, existing, after)
    kw: dict[str, Any] = {"default_operation": op, "error_option": error_option, "max_elements": max_elements}
    monkeypatch.setattr(edit_mod, "RUN_ABOVE", run_above)
    fast = summary(apply_edit(tree, ios.cfg(body), ios.schema, **kw))
    with monkeypatch.context() as m:
        m.setattr(edit_mod._Editor, "_new_run", lambda *_, **__: 0)
        slow = summary(apply_edit(tree, ios.cfg(body), ios.schema, **kw))
    assert fast == slow


def test_a_canonical_run_is_created_at_once(ios: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The path is taken for a bulk create in key order after the existing entries (an equality test alone
    would pass if it never were), and gives what the entries one by one give."""
    tree = ios.tree("<username><name>a</name></username><ip><ssh><time-out>30</time-out></ssh></ip>")
    body = "".join(
        f"<username><name>u{i:03d}</name><privilege>1</privilege>"
        f"<secret><encryption>9</encryption><secret>{HASH}</secret></secret></username>"
        for i in range(100)
    )
    assert created_as_runs(lambda: apply_edit(tree, ios.cfg(body), ios.schema), monkeypatch) == [100]
