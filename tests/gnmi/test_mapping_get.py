"""JSON_IETF values of datastore instances (iosxe_agent.gnmi.value_map.get_updates) on the real Cisco schema:
the value at a leaf, a container, a list entry, wildcards expanding to concrete paths, the root, state data with
``config_only``, and hidden subtrees never shown."""

from __future__ import annotations

import json
from typing import Any

import pytest
from gnmi_paths import path, text
from lxml import etree
from namespaces import IOS, PRIV

from iosxe_agent.gnmi.mapping import get_updates, resolve
from iosxe_agent.gnmi.proto import gnmi_pb2

USERS = (
    "<username><name>alice</name><privilege>15</privilege></username>"
    "<username><name>bob</name><privilege>1</privilege></username>"
)


def values(updates: list[gnmi_pb2.Update]) -> list[tuple[str, Any]]:
    return [(text(u.path), json.loads(u.val.json_ietf_val)) for u in updates]


def get(ios: Any, tree: etree._Element, *elems: str, config_only: bool = True) -> list[tuple[str, Any]]:
    return values(get_updates(tree, resolve(None, path(*elems), ios.schema), ios.schema, config_only=config_only))


@pytest.fixture
def tree(ios: Any) -> etree._Element:
    return ios.tree(f"<hostname>R1</hostname><ip><ssh><time-out>60</time-out><version>2</version></ssh></ip>{USERS}")


def test_a_leaf_is_its_bare_value(ios: Any, tree: etree._Element) -> None:
    assert get(ios, tree, "Cisco-IOS-XE-native:native", "ip", "ssh", "time-out") == [
        ("/Cisco-IOS-XE-native:native/ip/ssh/time-out", 60)
    ]
    assert get(ios, tree, "Cisco-IOS-XE-native:native", "hostname") == [("/Cisco-IOS-XE-native:native/hostname", "R1")]


def test_a_container_is_an_object_qualified_at_its_top(ios: Any, tree: etree._Element) -> None:
    assert get(ios, tree, "Cisco-IOS-XE-native:native", "ip", "ssh") == [
        (
            "/Cisco-IOS-XE-native:native/ip/ssh",
            {"Cisco-IOS-XE-native:time-out": 60, "Cisco-IOS-XE-native:version": 2},
        )
    ]


def test_a_list_entry_and_a_wildcard(ios: Any, tree: etree._Element) -> None:
    alice = ("/Cisco-IOS-XE-native:native/username[name=alice]", {"name": "alice", "privilege": 15})
    bob = ("/Cisco-IOS-XE-native:native/username[name=bob]", {"name": "bob", "privilege": 1})
    assert [
        (p, {k.split(":")[-1]: v for k, v in value.items()})
        for p, value in get(ios, tree, "Cisco-IOS-XE-native:native", "username[name=alice]")
    ] == [alice]
    for elems in (("username",), ("username[name=*]",)):
        found = get(ios, tree, "Cisco-IOS-XE-native:native", *elems)
        assert [(p, {k.split(":")[-1]: v for k, v in value.items()}) for p, value in found] == [alice, bob]
    assert get(ios, tree, "Cisco-IOS-XE-native:native", "username[name=*]", "privilege") == [
        ("/Cisco-IOS-XE-native:native/username[name=alice]/privilege", 15),
        ("/Cisco-IOS-XE-native:native/username[name=bob]/privilege", 1),
    ]


def test_a_trailing_star_gives_each_child(ios: Any, tree: etree._Element) -> None:
    assert [p for p, _ in get(ios, tree, "Cisco-IOS-XE-native:native", "*")] == [
        "/Cisco-IOS-XE-native:native/hostname",
        "/Cisco-IOS-XE-native:native/username[name=alice]",
        "/Cisco-IOS-XE-native:native/username[name=bob]",
        "/Cisco-IOS-XE-native:native/ip",
    ]


def test_the_root_is_one_update_of_every_top_level_node(ios: Any, tree: etree._Element) -> None:
    [(p, value)] = values(get_updates(tree, resolve(None, gnmi_pb2.Path(), ios.schema), ios.schema, config_only=True))
    assert p == "/" and list(value) == ["Cisco-IOS-XE-native:native"]
    assert value["Cisco-IOS-XE-native:native"]["hostname"] == "R1"


def test_nothing_there_is_no_update(ios: Any, tree: etree._Element) -> None:
    assert get(ios, tree, "Cisco-IOS-XE-native:native", "username[name=carol]") == []
    assert get(ios, tree, "Cisco-IOS-XE-native:native", "ip", "domain") == []
    assert get_updates(ios.empty(), resolve(None, gnmi_pb2.Path(), ios.schema), ios.schema, config_only=True) == []


def test_a_leaf_list_is_one_array(edge: Any) -> None:
    tree = edge.tree("<tag>b</tag><tag>a</tag><sorted>3</sorted>")
    target = resolve(None, path("test-edge:top", "tag"), edge.schema)
    assert values(get_updates(tree, target, edge.schema, config_only=True)) == [("/test-edge:top/tag", ["b", "a"])]


def test_state_data_only_when_asked(edge: Any) -> None:
    tree = edge.tree("<ratio>1</ratio>")
    top = tree.find("{urn:test:edge}top")
    assert top is not None
    state = etree.SubElement(top, "{urn:test:edge}state")
    etree.SubElement(state, "{urn:test:edge}uptime").text = "7"
    target = resolve(None, path("test-edge:top"), edge.schema)
    assert values(get_updates(tree, target, edge.schema, config_only=True)) == [
        ("/test-edge:top", {"test-edge:ratio": "1.0"})
    ]
    full = values(get_updates(tree, target, edge.schema, config_only=False))
    assert full[0][1]["test-edge:state"] == {"uptime": 7}
    state_target = resolve(None, path("test-edge:top", "state"), edge.schema)
    assert get_updates(tree, state_target, edge.schema, config_only=True) == []


def test_hidden_subtrees_are_never_shown(ios: Any, tree: etree._Element) -> None:
    """A private node stored beside the visible ones appears in no value and matches no wildcard."""
    native = tree.find(f"{{{IOS}}}native")
    assert native is not None
    hidden = next(n for n in ios.node("native").data_children.values() if n.ns == PRIV and n.kind.value == "container")
    etree.SubElement(native, hidden.tag)
    for elems in ((), ("Cisco-IOS-XE-native:native",), ("Cisco-IOS-XE-native:native", "*")):
        updates = get_updates(tree, resolve(None, path(*elems), ios.schema), ios.schema, config_only=True)
        assert updates and all(b"private" not in u.val.json_ietf_val for u in updates)
        assert all("private" not in text(u.path) for u in updates)
    assert len(tree.findall(f".//{{{PRIV}}}*")) == 1  # the datastore itself is left as it was


def test_a_container_holding_only_hidden_nodes_is_not_there(ios: Any) -> None:
    """As RESTCONF and NETCONF show it: a non-presence container whose only content is private is absent, and
    one with visible content beside private content shows the visible part."""
    hidden = f'<encrypt-options xmlns="{PRIV}">aes256-ctr</encrypt-options>'
    tree = ios.tree(
        f"<ip><ssh><time-out>60</time-out><server><algorithm><encryption>{hidden}</encryption></algorithm></server>"
        f"<client><algorithm><encryption><aes128-ctr/>{hidden}</encryption></algorithm></client></ssh></ip>"
    )
    assert tree.find(f".//{{{PRIV}}}encrypt-options") is not None
    assert get(ios, tree, "Cisco-IOS-XE-native:native", "ip", "ssh", "server") == []
    assert get(ios, tree, "Cisco-IOS-XE-native:native", "ip", "ssh", "client", "algorithm", "encryption") == [
        ("/Cisco-IOS-XE-native:native/ip/ssh/client/algorithm/encryption", {"Cisco-IOS-XE-native:aes128-ctr": [None]})
    ]
    [(_, ssh)] = get(ios, tree, "Cisco-IOS-XE-native:native", "ip", "ssh")
    assert ssh == {
        "Cisco-IOS-XE-native:time-out": 60,
        "Cisco-IOS-XE-native:client": {"algorithm": {"encryption": {"aes128-ctr": [None]}}},
    }
