"""What a transaction changed, as foci of the printable check (``printable.focus_of``): a transaction that only
made or replaced nodes (a bulk create) has its foci made at once, which must be exactly the foci the change-by-change
walk gives (the same elements, ``whole``, order).

Why: the batch exists for speed only (10,000 new users); the walk is reached on the same changes by adding one that
names no node, which it passes over.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from iosxe_agent.data.diff import Change, ChangeOp, diff
from iosxe_agent.datastore.transaction import Transaction
from iosxe_agent.device.printable import Focus, focus_of

NODES = st.sampled_from([
    "<hostname>R1</hostname>", "<hostname>R2</hostname>",
    "<username><name>a</name></username>", "<username><name>b</name><privilege>3</privilege></username>",
    "<username><name>b</name><privilege>5</privilege></username>", "<username><name>c</name></username>",
    "<ip><ssh><time-out>30</time-out></ssh></ip>", "<ip><domain><name>lab</name></domain></ip>",
    "<line><vty><first>0</first><last>4</last></vty></line>", "<line><vty><first>5</first></vty></line>",
])  # fmt: skip
#: a change that names no node: the walk passes over it, the batch does not apply
NOTHING = Change(ChangeOp.DELETE, "/", (), None, None)


def _txn(changes: tuple[Change, ...], new: Any) -> Transaction:
    return cast(Transaction, SimpleNamespace(changes=changes, new=new))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(old=st.lists(NODES, max_size=4), new=st.lists(NODES, max_size=6))
def test_foci_made_at_once_equal_the_walk(ios: Any, old: list[str], new: list[str]) -> None:
    before = ios.tree("".join(old)) if old else ios.empty()
    after = ios.tree("".join(new)) if new else ios.empty()
    changes = diff(before, after, ios.schema)
    fast = focus_of(_txn(changes, after), ios.schema)
    walked = focus_of(_txn((*changes, NOTHING), after), ios.schema)
    event("made at once" if all(c.new is not None for c in changes) else "walked")
    assert [(f.element, f.whole) for f in fast] == [(f.element, f.whole) for f in walked]
    assert all(type(f) is Focus for f in fast)
