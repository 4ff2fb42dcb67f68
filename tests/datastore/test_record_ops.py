"""The ops a record is made of (``change_record.recorded``), which the spare copy of running replays without
decoding, against the ops decoded from the record's bytes (what the journal stores and a restart replays): the
same list, and the same tree replayed either way, for edits of every feature, merged, replaced or removed."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ios_config_strategies import FEATURES
from lxml import etree

from iosxe_agent.data.diff import diff
from iosxe_agent.datastore.change_record import Replayer, decode_ops, encode, recorded
from iosxe_agent.datastore.transaction import SYSTEM, Transaction


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(start=st.lists(FEATURES, max_size=3), change=FEATURES,
       operation=st.sampled_from(["merge", "replace", "remove"]), with_touched=st.booleans())  # fmt: skip
def test_the_ops_replayed_are_those_the_bytes_hold(
    ios: Any, start: list[str], change: str, operation: str, with_touched: bool
) -> None:
    old = ios.merged(start)
    if operation == "remove":
        result = ios.edit(old, change.replace(">", ' xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0"'
                                                  ' nc:operation="remove">', 1))  # fmt: skip
    else:
        result = ios.edit(old, change, default_operation=operation)
    if result.tree is None:
        return
    touched = result.touched if with_touched else None
    txn = Transaction(old, result.tree, diff(old, result.tree, ios.schema, touched), SYSTEM, touched=touched)
    record = recorded(txn, ios.schema, touched)
    assert record.data == encode(txn, ios.schema, touched)
    assert record.ops == decode_ops(record.data)
    by_ops, by_bytes = copy.deepcopy(old), copy.deepcopy(old)
    Replayer(by_ops, ios.schema).replay_ops(record.ops)
    Replayer(by_bytes, ios.schema).replay(record.data)
    assert etree.tostring(by_ops) == etree.tostring(by_bytes) == etree.tostring(result.tree)
