"""A gNMI SetRequest as one NETCONF edit (iosxe_agent.gnmi.set_map.set_edit), applied with the real edit engine
on the real Cisco schema: each operation, scalar and JSON values, the spec's order and its composition on
overlapping paths (one request equals the operations applied one by one), the round trip Get -> Set replace over
every configuration the XML tests use, and the status code of each bad request."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from gnmi_paths import path
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from namespaces import IOS, PRIV

from iosxe_agent.data.edit import apply_edit
from iosxe_agent.gnmi.mapping import GnmiPathError, get_updates, resolve, set_edit
from iosxe_agent.gnmi.proto import gnmi_pb2

DATA = Path(__file__).resolve().parents[1] / "yang" / "data"
NATIVE = "Cisco-IOS-XE-native:native"
BASE = (
    "<hostname>R1</hostname><ip><ssh><time-out>60</time-out><version>2</version></ssh></ip>"
    "<username><name>alice</name><privilege>15</privilege></username>"
    "<username><name>bob</name><privilege>1</privilege></username>"
)


def val(value: Any = None, **typed: Any) -> gnmi_pb2.TypedValue:
    """A TypedValue: JSON_IETF of ``value``, or the scalar field given by keyword."""
    return gnmi_pb2.TypedValue(**typed) if typed else gnmi_pb2.TypedValue(json_ietf_val=json.dumps(value).encode())


def upd(elems: tuple[str, ...], value: gnmi_pb2.TypedValue) -> gnmi_pb2.Update:
    return gnmi_pb2.Update(path=path(*elems), val=value)


def apply(ios: Any, tree: etree._Element, request: gnmi_pb2.SetRequest) -> etree._Element:
    edit, default_operation = set_edit(request, tree, ios.schema)
    result = apply_edit(tree, edit, ios.schema, default_operation=default_operation, hidden=ios.schema.hidden_ns)
    assert result.tree is not None and not result.errors, [e.message for e in result.errors]
    return result.tree


@pytest.fixture
def tree(ios: Any) -> etree._Element:
    return ios.tree(BASE)


def test_one_leaf_update_is_one_merge(ios: Any, tree: etree._Element) -> None:
    request = gnmi_pb2.SetRequest(update=[upd((NATIVE, "ip", "ssh", "time-out"), val(90))])
    edit, default_operation = set_edit(request, tree, ios.schema)
    assert default_operation == "merge"
    [leaf] = edit.iter(f"{{{IOS}}}time-out")
    assert leaf.text == "90" and leaf.get("{urn:ietf:params:xml:ns:netconf:base:1.0}operation") == "merge"
    assert ios.text(apply(ios, tree, request), "ios:native/ios:ip/ios:ssh/ios:time-out") == "90"


@pytest.mark.parametrize(
    ("elems", "value", "expected"),
    [
        (("ip", "ssh", "time-out"), val(uint_val=33), "33"),
        (("ip", "ssh", "time-out"), val(int_val=34), "34"),
        (("ip", "ssh", "time-out"), gnmi_pb2.TypedValue(json_val=b"35"), "35"),
        (("hostname",), val(string_val="edge1"), "edge1"),
        (("hostname",), val(ascii_val="edge2"), "edge2"),
        (("hostname",), gnmi_pb2.TypedValue(json_val=b"edge3"), "edge3"),  # pygnmi sends a str unquoted
        (("hostname",), val("edge4"), "edge4"),
        (("ip", "ssh", "version"), val(uint_val=2), "2"),
        (("ip", "ssh", "time-out"), val(string_val="61"), "61"),  # text for a number: the type decides
        (("ip", "ssh", "rsa", "keypair-name"), val(uint_val=7), "7"),
    ],
)
def test_scalar_and_json_values(
    ios: Any, tree: etree._Element, elems: tuple[str, ...], value: Any, expected: str
) -> None:
    new = apply(ios, tree, gnmi_pb2.SetRequest(replace=[upd((NATIVE, *elems), value)]))
    assert ios.text(new, "ios:native/" + "/".join(f"ios:{e}" for e in elems)) == expected


def test_edge_types_take_their_gnmi_scalars(edge: Any) -> None:
    tree = edge.tree("<ratio>1</ratio>")
    request = gnmi_pb2.SetRequest(
        update=[
            gnmi_pb2.Update(path=path("test-edge:top", "big"), val=val(uint_val=2**63)),
            gnmi_pb2.Update(path=path("test-edge:top", "ratio"), val=val(double_val=12.5)),
            gnmi_pb2.Update(path=path("test-edge:top", "counter"), val=val(int_val=-3)),
            gnmi_pb2.Update(
                path=path("test-edge:top", "sorted"),
                val=gnmi_pb2.TypedValue(leaflist_val=gnmi_pb2.ScalarArray(element=[val(uint_val=4), val(uint_val=2)])),
            ),
            gnmi_pb2.Update(path=path("test-edge:top", "blob"), val=val(bytes_val=b"\x01\x02")),
            gnmi_pb2.Update(path=path("test-edge:top", "tcp-nodelay"), val=val(bool_val=True)),
        ]
    )
    edit, op = set_edit(request, tree, edge.schema)
    new = apply_edit(tree, edit, edge.schema, default_operation=op).tree
    assert new is not None
    assert [edge.text(new, f"te:top/te:{n}") for n in ("big", "ratio", "counter", "blob", "tcp-nodelay")] == [
        str(2**63),
        "12.5",
        "-3",
        "AQI=",
        "true",
    ]
    assert sorted(el.text or "" for el in new.iterfind("te:top/te:sorted", {"te": "urn:test:edge"})) == ["2", "4"]


def test_delete_of_an_absent_path_is_no_error(ios: Any, tree: etree._Element) -> None:
    request = gnmi_pb2.SetRequest(
        delete=[path(NATIVE, "username[name=carol]"), path(NATIVE, "ip", "domain"), path(NATIVE, "banner")]
    )
    edit, _ = set_edit(request, tree, ios.schema)
    assert len(edit) == 0
    assert etree.tostring(apply(ios, tree, request)) == etree.tostring(tree)


def test_delete_expands_wildcards_against_running(ios: Any, tree: etree._Element) -> None:
    new = apply(ios, tree, gnmi_pb2.SetRequest(delete=[path(NATIVE, "username[name=*]", "privilege")]))
    assert [ios.text(new, f"ios:native/ios:username[ios:name='{n}']/ios:privilege") for n in ("alice", "bob")] == [
        None,
        None,
    ]
    new = apply(ios, tree, gnmi_pb2.SetRequest(delete=[path(NATIVE, "username")]))
    assert ios.find(new, "ios:native/ios:username") is None and ios.text(new, "ios:native/ios:hostname") == "R1"


def test_replace_of_a_container_drops_what_it_does_not_give(ios: Any, tree: etree._Element) -> None:
    new = apply(ios, tree, gnmi_pb2.SetRequest(replace=[upd((NATIVE, "ip", "ssh"), val({"time-out": 30}))]))
    assert ios.text(new, "ios:native/ios:ip/ios:ssh/ios:time-out") == "30"
    assert ios.find(new, "ios:native/ios:ip/ios:ssh/ios:version") is None


def test_a_list_entry_takes_its_keys_from_the_path(ios: Any, tree: etree._Element) -> None:
    new = apply(ios, tree, gnmi_pb2.SetRequest(update=[upd((NATIVE, "username[name=carol]"), val({"privilege": 5}))]))
    assert ios.text(new, "ios:native/ios:username[ios:name='carol']/ios:privilege") == "5"
    same_key = {"name": "carol", "privilege": 6}
    new = apply(ios, new, gnmi_pb2.SetRequest(replace=[upd((NATIVE, "username[name=carol]"), val(same_key))]))
    assert ios.text(new, "ios:native/ios:username[ios:name='carol']/ios:privilege") == "6"


def test_a_replace_of_the_root_replaces_every_visible_top_level_node(ios: Any, tree: etree._Element) -> None:
    native = tree.find(f"{{{IOS}}}native")
    assert native is not None
    hidden = next(n for n in ios.node("native").data_children.values() if n.ns == PRIV and n.kind.value == "container")
    etree.SubElement(native, hidden.tag)
    request = gnmi_pb2.SetRequest(replace=[gnmi_pb2.Update(path=path(), val=val({NATIVE: {"hostname": "R9"}}))])
    new = apply(ios, tree, request)
    assert ios.text(new, "ios:native/ios:hostname") == "R9" and ios.find(new, "ios:native/ios:username") is None
    assert new.find(f".//{hidden.tag}") is not None  # what the client cannot see, it does not replace


def test_the_spec_order_deletes_then_replaces_then_updates(ios: Any, tree: etree._Element) -> None:
    request = gnmi_pb2.SetRequest(
        update=[upd((NATIVE, "ip", "ssh", "version"), val(uint_val=2))],
        replace=[upd((NATIVE, "ip", "ssh"), val({"time-out": 45}))],
        delete=[path(NATIVE, "ip", "ssh")],
    )
    new = apply(ios, tree, request)
    assert ios.text(new, "ios:native/ios:ip/ios:ssh/ios:time-out") == "45"
    assert ios.text(new, "ios:native/ios:ip/ios:ssh/ios:version") == "2"


# -- composition: one request does what its operations do one after another -------------------------------------
SSH = (NATIVE, "ip", "ssh")
OPS = st.sampled_from(
    [
        ("delete", SSH, None),
        ("delete", (*SSH, "time-out"), None),
        ("delete", (NATIVE, "username[name=alice]"), None),
        ("delete", (NATIVE, "username[name=alice]", "privilege"), None),
        ("replace", SSH, {"time-out": 10}),
        ("replace", SSH, {"version": 2, "maxstartups": 4}),
        ("update", SSH, {"maxstartups": 5}),
        ("update", SSH, {"time-out": 11, "version": 2}),
        ("replace", (*SSH, "time-out"), 12),
        ("update", (*SSH, "time-out"), 13),
        ("update", (*SSH, "maxstartups"), 6),
        ("replace", (NATIVE, "username[name=alice]"), {"privilege": 7}),
        ("update", (NATIVE, "username[name=alice]"), {"secret": {"encryption": "9", "secret": "$9$x"}}),
        ("update", (NATIVE, "username[name=alice]", "privilege"), 8),
        ("replace", (NATIVE, "username[name=dave]"), {"privilege": 2}),
        ("update", (NATIVE, "ip"), {"ssh": {"maxstartups": 3}}),
        ("replace", (NATIVE, "ip"), {"ssh": {"time-out": 14}}),
    ]
)


def request_of(ops: list[tuple[str, tuple[str, ...], Any]]) -> gnmi_pb2.SetRequest:
    request = gnmi_pb2.SetRequest()
    for op, elems, value in ops:
        if op == "delete":
            request.delete.append(path(*elems))
        else:
            getattr(request, op).append(upd(elems, val(value)))
    return request


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(OPS, max_size=6))
def test_one_request_equals_its_operations_one_by_one(ios: Any, ops: list[tuple[str, tuple[str, ...], Any]]) -> None:
    tree = ios.tree(BASE)
    ordered = sorted(ops, key=lambda o: ["delete", "replace", "update"].index(o[0]))  # stable: the spec's order
    stepwise = tree
    for op in ordered:
        stepwise = apply(ios, stepwise, request_of([op]))
    assert ios.schema and etree.tostring(apply(ios, tree, request_of(ops))) == etree.tostring(stepwise)


# -- the round trip: Get's value, Set back with replace, gives the same configuration -----------------------------
@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("good_*.xml")))
def test_get_then_replace_reproduces_every_subtree(ios: Any, helpers: Any, name: str) -> None:
    tree = apply_edit(ios.empty(), helpers.instance(name), ios.schema).tree
    assert tree is not None
    targets = [path(NATIVE, "*"), path(NATIVE, "*", origin="rfc7951")]
    for star in targets:
        for update in get_updates(tree, resolve(None, star, ios.schema), ios.schema, config_only=True):
            emptied = apply(ios, tree, gnmi_pb2.SetRequest(delete=[update.path]))
            assert etree.tostring(emptied) != etree.tostring(tree)
            back = apply(ios, emptied, gnmi_pb2.SetRequest(replace=[update]))
            assert helpers.wire(back) == helpers.wire(tree), update.path
            assert helpers.wire(apply(ios, tree, gnmi_pb2.SetRequest(update=[update]))) == helpers.wire(tree)
    whole = get_updates(tree, resolve(None, gnmi_pb2.Path(), ios.schema), ios.schema, config_only=True)
    assert helpers.wire(apply(ios, ios.empty(), gnmi_pb2.SetRequest(replace=whole))) == helpers.wire(tree)


# -- bad requests ---------------------------------------------------------------------------------------------------
BAD = [
    ("update", (NATIVE, "username[name=*]"), val({"privilege": 1}), "INVALID_ARGUMENT"),  # wildcard in a write
    ("replace", (NATIVE, "username"), val({"privilege": 1}), "INVALID_ARGUMENT"),  # a list without keys
    ("update", (NATIVE, "*"), val({}), "INVALID_ARGUMENT"),
    ("update", (NATIVE, "nothing"), val(1), "NOT_FOUND"),
    ("update", (NATIVE, "ip", "ssh", "time-out"), val("sixty"), "INVALID_ARGUMENT"),  # wrong type
    ("update", (NATIVE, "ip", "ssh", "time-out"), val(uint_val=100000), "INVALID_ARGUMENT"),  # out of range
    ("update", (NATIVE, "ip", "ssh"), val({"bogus": 1}), "INVALID_ARGUMENT"),  # unknown member
    ("update", (NATIVE, "ip", "ssh"), val("text"), "INVALID_ARGUMENT"),  # a container takes an object
    ("update", (NATIVE, "ip", "ssh"), val(uint_val=3), "INVALID_ARGUMENT"),
    ("update", (NATIVE, "ip", "ssh"), gnmi_pb2.TypedValue(json_ietf_val=b'{"time-out": '), "INVALID_ARGUMENT"),
    ("update", (NATIVE, "ip", "ssh"), gnmi_pb2.TypedValue(), "INVALID_ARGUMENT"),  # no value
    ("update", (NATIVE, "ip", "ssh"), gnmi_pb2.TypedValue(proto_bytes=b"x"), "UNIMPLEMENTED"),
    ("update", (NATIVE, "username[name=a]"), val({"name": "b"}), "INVALID_ARGUMENT"),  # key differs from path
    ("update", (NATIVE, "username[name=alice]", "name"), val("zed"), "INVALID_ARGUMENT"),
    ("update", (NATIVE,), val({"iosxe-agent-private:unmodelled": {}}), "INVALID_ARGUMENT"),  # hidden
    ("replace", (), val([1]), "INVALID_ARGUMENT"),
    ("update", (NATIVE, "hostname"), val(leaflist_val=gnmi_pb2.ScalarArray()), "INVALID_ARGUMENT"),
]


@pytest.mark.parametrize(("op", "elems", "value", "code"), BAD)
def test_bad_requests_get_the_spec_code_and_build_nothing(
    ios: Any, tree: etree._Element, op: str, elems: tuple[str, ...], value: gnmi_pb2.TypedValue, code: str
) -> None:
    request = gnmi_pb2.SetRequest(update=[upd((NATIVE, "hostname"), val("fine"))])
    getattr(request, op).append(upd(elems, value))
    with pytest.raises(GnmiPathError) as caught:
        set_edit(request, tree, ios.schema)
    assert caught.value.code == code and caught.value.message


def test_state_data_and_union_replace_are_refused(edge: Any) -> None:
    tree = edge.tree("<ratio>1</ratio>")
    state = gnmi_pb2.SetRequest(update=[gnmi_pb2.Update(path=path("test-edge:top", "state"), val=val({}))])
    with pytest.raises(GnmiPathError) as caught:
        set_edit(state, tree, edge.schema)
    assert caught.value.code == "INVALID_ARGUMENT"
    union = gnmi_pb2.SetRequest(union_replace=[gnmi_pb2.Update(path=path("test-edge:top"), val=val({}))])
    with pytest.raises(GnmiPathError) as caught:
        set_edit(union, tree, edge.schema)
    assert caught.value.code == "UNIMPLEMENTED"
