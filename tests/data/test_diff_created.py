"""Children with no counterpart reported at once (``diff._created``) against ``_compare`` of each one.

Why: the batch exists for speed only (a bulk create's 10,000 entries share their schema node and namespaces);
its changes must be exactly those the per-child comparison gives: ops, paths, namespaces, elements, order.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.data import diff as diff_mod
from iosxe_agent.data.diff import Change, diff
from iosxe_agent.device.names import AAA_NS

A = f'xmlns="{AAA_NS}"'
#: Nodes a tree may hold, several of a kind, some of another module than their parent, some with odd key text.
NODES = st.sampled_from([
    "<hostname>R1</hostname>", "<hostname>R2</hostname>",
    "<username><name>a</name></username>", "<username><name>b</name><privilege>3</privilege></username>",
    "<username><name>it's</name></username>", "<username><name>9</name></username>",
    "<ip><ssh><time-out>30</time-out></ssh></ip>", "<ip><domain><name>lab</name></domain></ip>",
    f"<aaa><new-model {A}/></aaa>", f"<aaa><authentication {A}><login><name>L</name><a1><local/></a1></login>"
    "</authentication></aaa>",
    "<line><vty><first>0</first><last>4</last></vty></line>", "<line><vty><first>5</first></vty></line>",
])  # fmt: skip


def _one_by_one(kids: list[etree._Element], snode: Any, path: str, ns: dict[str, str], out: list[Change]) -> None:
    for c in kids:
        diff_mod._compare(None, c, snode, path, ns, out)


def _seen(changes: tuple[Change, ...]) -> list[tuple[object, ...]]:
    return [(c.op, c.path, c.path_ns, c.old, c.new) for c in changes]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(old=st.lists(NODES, max_size=5), new=st.lists(NODES, max_size=8), touched=st.booleans())
def test_created_children_equal_each_compared(
    ios: Any, old: list[str], new: list[str], touched: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = ios.tree("".join(old)) if old else ios.empty()
    result = ios.edit(before, "".join(new)) if new else None
    after = result.tree if result is not None and result.tree is not None else ios.empty()
    report = result.touched if touched and result is not None else None
    fast = diff(before, after, ios.schema, report)
    with monkeypatch.context() as m:
        m.setattr(diff_mod, "_created", _one_by_one)
        slow = diff(before, after, ios.schema, report)
    assert _seen(fast) == _seen(slow)
    assert all(type(c) is Change for c in fast)  # (the batch makes its changes through the tuple's constructor)
