"""The replay log builds a ``<notification>`` only when it is first read, and keeps no configuration tree."""

from __future__ import annotations

import gc
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ios_config_strategies import FEATURES
from lxml import etree

from iosxe_agent.data.diff import diff
from iosxe_agent.datastore.transaction import Face, Origin, Transaction
from iosxe_agent.device.names import PRIVATE_NS
from iosxe_agent.limits import Limits
from iosxe_agent.netconf.notifications import NCN_NS, NotificationBus

N = {"ncn": NCN_NS}
WHO = Origin(session_id=3, user="carol", face=Face.CLI, source_host="127.0.0.9")


def transaction(ios: Any, bodies: list[str], start: str | None = None) -> Transaction | None:
    old = ios.empty() if start is None else ios.tree(start)
    tree = old
    for body in bodies:
        result = ios.edit(tree, body)
        tree = result.tree if result.tree is not None else tree
    return Transaction(old, tree, diff(old, tree, ios.schema), WHO) if tree is not old else None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(bodies=st.lists(FEATURES, min_size=1, max_size=3))
def test_a_logged_config_change_names_every_visible_change(ios: Any, bodies: list[str]) -> None:
    txn = transaction(ios, bodies)
    if txn is None:
        return
    bus = NotificationBus(Limits(), hidden_ns=frozenset({PRIVATE_NS}))
    bus.on_commit(txn)
    visible = [c for c in txn.changes if all(ns != PRIVATE_NS for _, ns in c.path_ns)]
    if not visible:
        assert not bus.log
        return
    event = bus.log[-1].body
    assert event.findtext("ncn:changed-by/ncn:username", namespaces=N) == "carol"
    assert event.findtext("ncn:changed-by/ncn:session-id", namespaces=N) == "3"
    edits = event.findall("ncn:edit", N)
    assert [(e.findtext("ncn:target", namespaces=N), e.findtext("ncn:operation", namespaces=N)) for e in edits] == [
        (c.path, c.op.value) for c in visible
    ]
    for edit, change in zip(edits, visible, strict=True):
        target = edit.find("ncn:target", N)
        assert target is not None
        assert {prefix: target.nsmap.get(prefix) for prefix, _ in change.path_ns} == dict(change.path_ns)


def test_the_log_holds_no_node_of_a_commit(ios: Any) -> None:
    """The logged event keeps plain values: once the commit is gone, a node a change named is referenced by nothing
    but the test's list, so the log never keeps a configuration alive."""
    txn = transaction(ios, ["<hostname>R7</hostname><username><name>u1</name></username>"], "<hostname>R1</hostname>")
    assert txn is not None and len(txn.changes) == 2
    bus = NotificationBus(Limits())
    bus.on_commit(txn)
    nodes = [c.new if c.new is not None else c.old for c in txn.changes]
    del txn
    gc.collect()
    for node in nodes:
        assert gc.get_referrers(node) == [nodes]
    assert len(bus.log[-1].body.findall("ncn:edit", N)) == 2  # built now, from what the log kept


def test_an_event_is_built_once_and_only_when_read() -> None:
    built: list[int] = []

    def build() -> etree._Element:
        built.append(1)
        return etree.Element(f"{{{NCN_NS}}}netconf-session-start")

    bus = NotificationBus(Limits())
    entry = bus.publish(build)
    assert built == []
    assert entry.message is entry.message
    assert built == [1]
    assert entry.body.tag == f"{{{NCN_NS}}}netconf-session-start"
