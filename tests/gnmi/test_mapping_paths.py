"""gNMI paths to schema nodes (iosxe_agent.gnmi.path_map) on the real Cisco schema: module qualification, the
origins 17.12 accepts, prefixes, keys and wildcards, and the status code each bad path gets."""

from __future__ import annotations

from typing import Any

import pytest
from gnmi_paths import path
from namespaces import IOS

from iosxe_agent.gnmi.mapping import GnmiPathError, resolve
from iosxe_agent.gnmi.proto import gnmi_pb2
from iosxe_agent.yang.schema import Kind, Schema

HTTP = "http://cisco.com/ns/yang/Cisco-IOS-XE-http"


@pytest.fixture(scope="module")
def schema(helpers: Any) -> Schema:
    schema: Schema = helpers.cisco_schema()
    return schema


def test_a_module_qualified_path_names_its_node(schema: Schema) -> None:
    target = resolve(None, path("Cisco-IOS-XE-native:native", "ip", "ssh", "time-out"), schema)
    assert target.node.tag == f"{{{IOS}}}time-out" and target.node.kind is Kind.LEAF
    assert [s.node.name for s in target.steps] == ["native", "ip", "ssh", "time-out"]
    assert target.text == "/Cisco-IOS-XE-native:native/ip/ssh/time-out"
    assert not target.wildcard


@pytest.mark.parametrize("origin", ["", "rfc7951"])
def test_the_served_origins_read_the_same(schema: Schema, origin: str) -> None:
    plain = resolve(None, path("Cisco-IOS-XE-native:native", "hostname"), schema)
    assert resolve(None, path("Cisco-IOS-XE-native:native", "hostname", origin=origin), schema) == plain


def test_a_module_name_as_origin_qualifies_the_first_element(schema: Schema) -> None:
    """The form pygnmi sends for ``Cisco-IOS-XE-native:native/hostname``."""
    target = resolve(None, path("native", "hostname", origin="Cisco-IOS-XE-native"), schema)
    assert target.text == "/Cisco-IOS-XE-native:native/hostname"


def test_an_unqualified_first_element_is_read_when_one_module_has_it(schema: Schema) -> None:
    assert resolve(None, path("native", "hostname"), schema).text == "/Cisco-IOS-XE-native:native/hostname"


def test_the_prefix_is_prepended(schema: Schema) -> None:
    prefix = path("Cisco-IOS-XE-native:native", "ip", origin="rfc7951")
    target = resolve(prefix, path("ssh", "time-out"), schema)
    assert target.text == "/Cisco-IOS-XE-native:native/ip/ssh/time-out"


def test_an_augmenting_module_is_named_where_it_starts(schema: Schema) -> None:
    target = resolve(None, path("Cisco-IOS-XE-native:native", "ip", "Cisco-IOS-XE-http:http", "secure-server"), schema)
    assert target.node.ns == HTTP
    assert target.text == "/Cisco-IOS-XE-native:native/ip/Cisco-IOS-XE-http:http/secure-server"


def test_keys_and_wildcards(schema: Schema) -> None:
    one = resolve(None, path("Cisco-IOS-XE-native:native", "username[name=ad]min]"), schema)
    assert one.steps[-1].keys == ("ad]min",) and not one.wildcard
    assert one.text == "/Cisco-IOS-XE-native:native/username[name=ad\\]min]"
    assert resolve(None, path("Cisco-IOS-XE-native:native", "username[name=*]"), schema).wildcard
    whole = resolve(None, path("Cisco-IOS-XE-native:native", "username"), schema)
    assert whole.steps[-1].keys == (None,) and whole.wildcard
    star = resolve(None, path("Cisco-IOS-XE-native:native", "*"), schema)
    assert star.all_children and star.node.name == "native" and star.text.endswith("/*")


def test_the_root(schema: Schema) -> None:
    target = resolve(None, gnmi_pb2.Path(), schema)
    assert target.steps == () and target.node is schema.root and target.text == "/"


@pytest.mark.parametrize(
    ("elems", "origin", "code"),
    [
        (["Cisco-IOS-XE-native:native", "nothing"], "", "NOT_FOUND"),
        (["Nope-module:native"], "", "NOT_FOUND"),
        (["Cisco-IOS-XE-native:native", "ip", "http"], "", "NOT_FOUND"),  # the http module must be named
        (["iosxe-agent-private:private"], "", "NOT_FOUND"),  # hidden modules are unknown
        (["Cisco-IOS-XE-native:native", "hostname", "x"], "", "INVALID_ARGUMENT"),  # below a leaf
        (["Cisco-IOS-XE-native:native", "hostname[a=b]"], "", "INVALID_ARGUMENT"),  # keys on a leaf
        (["Cisco-IOS-XE-native:native", "username[nom=x]"], "", "INVALID_ARGUMENT"),  # not a key
        (["Cisco-IOS-XE-native:native", "username[name=a\x1fb]"], "", "INVALID_ARGUMENT"),  # no XML char
        (["Cisco-IOS-XE-native:native", ":x"], "", "INVALID_ARGUMENT"),
        (["Cisco-IOS-XE-native:native", ""], "", "INVALID_ARGUMENT"),
        (["Cisco-IOS-XE-native:native", "...", "hostname"], "", "UNIMPLEMENTED"),
        (["Cisco-IOS-XE-native:native", "*", "ssh"], "", "UNIMPLEMENTED"),
        (["Cisco-IOS-XE-native:native"], "openconfig", "UNIMPLEMENTED"),
        (["Cisco-IOS-XE-native:native"], "bogus", "INVALID_ARGUMENT"),
        (["interface"], "", "INVALID_ARGUMENT"),  # unqualified and not a top-level node of one module
    ],
)
def test_bad_paths_get_the_spec_code(schema: Schema, elems: list[str], origin: str, code: str) -> None:
    with pytest.raises(GnmiPathError) as caught:
        resolve(None, path(*elems, origin=origin), schema)
    assert caught.value.code == code and str(caught.value)


def test_origins_of_prefix_and_path_must_agree(schema: Schema) -> None:
    with pytest.raises(GnmiPathError) as caught:
        resolve(path(origin="rfc7951"), path("Cisco-IOS-XE-native:native", origin="openconfig"), schema)
    assert caught.value.code == "INVALID_ARGUMENT"


def test_the_deprecated_element_field_and_overlong_paths_are_refused(schema: Schema) -> None:
    with pytest.raises(GnmiPathError, match="deprecated"):
        resolve(None, gnmi_pb2.Path(element=["native"]), schema)
    with pytest.raises(GnmiPathError, match="more than"):
        resolve(None, path(*(["Cisco-IOS-XE-native:native"] + ["ip"] * 70)), schema)
