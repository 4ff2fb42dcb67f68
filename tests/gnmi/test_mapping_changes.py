"""On-change updates of a commit (iosxe_agent.gnmi.value_map.changed_updates) on the real Cisco schema: changes at,
below and above a subscribed path, wildcards, deletes, leaf-lists, hidden nodes, and the Notification helper."""

from __future__ import annotations

import json
from typing import Any

from gnmi_paths import path, text
from lxml import etree
from namespaces import PRIV

from iosxe_agent.data.diff import diff
from iosxe_agent.datastore.transaction import SYSTEM, Transaction
from iosxe_agent.gnmi.mapping import changed_updates, notification, resolve
from iosxe_agent.gnmi.proto import gnmi_pb2

NATIVE = "Cisco-IOS-XE-native:native"
BASE = (
    "<hostname>R1</hostname><ip><ssh><time-out>60</time-out><version>2</version></ssh></ip>"
    "<username><name>alice</name><privilege>15</privilege></username>"
)


def commit(doc: Any, old: etree._Element, body: str) -> Transaction:
    result = doc.edit(old, body)
    assert result.tree is not None and not result.errors
    return Transaction(old, result.tree, diff(old, result.tree, doc.schema), SYSTEM)


def changes(doc: Any, txn: Transaction, *paths: tuple[str, ...]) -> tuple[list[tuple[str, Any]], list[str]]:
    targets = [resolve(None, path(*elems), doc.schema) for elems in paths]
    updates, deletes = changed_updates(txn, targets, doc.schema)
    return [(text(u.path), json.loads(u.val.json_ietf_val)) for u in updates], [text(d) for d in deletes]


def test_a_changed_leaf_under_a_subscribed_container(ios: Any) -> None:
    txn = commit(ios, ios.tree(BASE), "<ip><ssh><time-out>90</time-out></ssh></ip>")
    assert changes(ios, txn, (NATIVE, "ip", "ssh")) == ([(f"/{NATIVE}/ip/ssh/time-out", 90)], [])
    assert changes(ios, txn, (NATIVE, "ip", "ssh", "time-out")) == ([(f"/{NATIVE}/ip/ssh/time-out", 90)], [])
    assert changes(ios, txn, (NATIVE, "hostname")) == ([], [])


def test_a_new_list_entry_and_a_wildcard_below_it(ios: Any) -> None:
    txn = commit(ios, ios.tree(BASE), "<username><name>bob</name><privilege>3</privilege></username>")
    updates, deletes = changes(ios, txn, (NATIVE, "username"))
    assert [p for p, _ in updates] == [f"/{NATIVE}/username[name=bob]"] and not deletes
    assert {k.split(":")[-1]: v for k, v in updates[0][1].items()} == {"name": "bob", "privilege": 3}
    below = changes(ios, txn, (NATIVE, "username[name=*]", "privilege"))
    assert below == ([(f"/{NATIVE}/username[name=bob]/privilege", 3)], [])
    assert changes(ios, txn, (NATIVE, "username[name=alice]")) == ([], [])


def test_a_removed_container_deletes_the_subscribed_leaves_in_it(ios: Any) -> None:
    txn = commit(
        ios, ios.tree(BASE), '<ip><ssh xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" nc:operation="remove"/></ip>'
    )
    assert changes(ios, txn, (NATIVE, "ip", "ssh", "time-out")) == ([], [f"/{NATIVE}/ip/ssh/time-out"])
    assert changes(ios, txn, (NATIVE, "ip")) == ([], [f"/{NATIVE}/ip/ssh"])
    assert changes(ios, txn, (NATIVE, "ip", "ssh", "*")) == (
        [],
        [f"/{NATIVE}/ip/ssh/time-out", f"/{NATIVE}/ip/ssh/version"],
    )


def test_a_created_container_updates_the_subscribed_leaf_in_it(ios: Any) -> None:
    txn = commit(ios, ios.tree("<hostname>R1</hostname>"), "<ip><ssh><time-out>30</time-out></ssh></ip>")
    assert changes(ios, txn, (NATIVE, "ip", "ssh", "time-out")) == ([(f"/{NATIVE}/ip/ssh/time-out", 30)], [])


def test_the_root_target_sees_every_change(ios: Any) -> None:
    txn = commit(ios, ios.tree(BASE), "<hostname>R2</hostname>")
    assert changes(ios, txn, ()) == ([(f"/{NATIVE}/hostname", "R2")], [])


def test_leaf_list_changes_report_the_new_array(edge: Any) -> None:
    old = edge.tree("<tag>a</tag><tag>b</tag>")
    added = commit(edge, old, "<tag>c</tag>")
    assert changes(edge, added, ("test-edge:top", "tag")) == ([("/test-edge:top/tag", ["a", "b", "c"])], [])
    nc = 'xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0"'
    emptied = commit(edge, old, f'<tag {nc} nc:operation="remove">a</tag><tag {nc} nc:operation="remove">b</tag>')
    assert changes(edge, emptied, ("test-edge:top",)) == ([], ["/test-edge:top/tag"])


def test_hidden_changes_are_never_reported(ios: Any) -> None:
    hidden = next(n for n in ios.node("native").data_children.values() if n.ns == PRIV and n.kind.value == "container")
    old = ios.tree(BASE)
    new = etree.fromstring(etree.tostring(old))
    native = new[0]
    etree.SubElement(native, hidden.tag)
    txn = Transaction(old, new, diff(old, new, ios.schema), SYSTEM)
    assert txn.changes
    assert changes(ios, txn, (NATIVE,), ()) == ([], [])


def test_notification_carries_updates_deletes_and_prefix() -> None:
    update = gnmi_pb2.Update(path=path("a"), val=gnmi_pb2.TypedValue(json_ietf_val=b"1"))
    note = notification([update], [path("b")], timestamp_ns=5, prefix=path("p", origin="rfc7951"))
    assert note.timestamp == 5 and list(note.update) == [update] and [text(d) for d in note.delete] == ["/b"]
    assert note.prefix.origin == "rfc7951" and not notification([], timestamp_ns=1).HasField("prefix")
