"""An edit that reports no change leaves the tree it edited in place exactly as it was: the datastore then keeps
that tree as the spare copy of running (iosxe_agent.datastore.spare) instead of throwing it away."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from ios_config_strategies import FEATURES
from lxml import etree

from iosxe_agent.data.edit import apply_edit

OPERATIONS = st.sampled_from(["merge", "merge", "replace", "none"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(start=st.lists(FEATURES, min_size=1, max_size=4), again=st.booleans(), other=FEATURES, operation=OPERATIONS)
def test_an_edit_reporting_no_change_changed_nothing(
    ios: Any, start: list[str], again: bool, other: str, operation: str
) -> None:
    tree = ios.merged(start)
    before = etree.tostring(tree)
    body = start[-1] if again else other  # sending what is there already is the usual no-op (an idempotent run)
    result = apply_edit(copy.deepcopy(tree), ios.cfg(body), ios.schema, default_operation=operation, in_place=True)
    if result.tree is None or result.errors:
        return
    event(f"changed: {result.changed}")
    if not result.changed:
        assert etree.tostring(result.tree) == before
