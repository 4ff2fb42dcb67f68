"""The RESTCONF api-path parser (RFC 8040 §3.5.3) on the real Cisco schema: steps, keys, percent-encoding,
module qualification, and the instances and edit skeletons a path names."""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree
from namespaces import IOS

from iosxe_agent.restconf.paths import (
    ApiPath,
    PathError,
    api_path_text,
    find_instances,
    instance_identifier,
    merge_skeleton,
    nests,
    parse_api_path,
    skeleton,
)
from iosxe_agent.yang.schema import Kind, Schema

AAA = "http://cisco.com/ns/yang/Cisco-IOS-XE-aaa"
HTTP = "http://cisco.com/ns/yang/Cisco-IOS-XE-http"


@pytest.fixture(scope="module")
def schema(helpers: Any) -> Schema:
    schema: Schema = helpers.cisco_schema()
    return schema


def names(path: ApiPath) -> list[tuple[str, tuple[str, ...]]]:
    return [(s.node.name, s.values) for s in path.steps]


def test_datastore_and_simple_path(schema: Schema) -> None:
    assert parse_api_path(schema, "").steps == ()
    path = parse_api_path(schema, "Cisco-IOS-XE-native:native/ip/ssh")
    assert names(path) == [("native", ()), ("ip", ()), ("ssh", ())]
    assert path.target(schema).tag == f"{{{IOS}}}ssh"
    assert parse_api_path(schema, "Cisco-IOS-XE-native:native/ip/ssh/") == path  # a trailing slash is harmless


def test_list_keys_are_percent_decoded_after_splitting(schema: Schema) -> None:
    path = parse_api_path(schema, "Cisco-IOS-XE-native:native/username=a%2Cb%2Fc%20d")
    assert names(path) == [("native", ()), ("username", ("a,b/c d",))]
    assert path.steps[-1].node.kind is Kind.LIST
    assert api_path_text(path, schema) == "Cisco-IOS-XE-native:native/username=a%2Cb%2Fc%20d"
    assert instance_identifier(path, schema) == "/Cisco-IOS-XE-native:native/username[name='a,b/c d']"


def test_module_change_needs_the_module_name(schema: Schema) -> None:
    path = parse_api_path(schema, "Cisco-IOS-XE-native:native/ip/Cisco-IOS-XE-http:http/secure-server")
    assert path.steps[2].node.ns == HTTP and path.steps[3].node.ns == HTTP
    assert api_path_text(path, schema) == "Cisco-IOS-XE-native:native/ip/Cisco-IOS-XE-http:http/secure-server"
    with pytest.raises(PathError) as unqualified:
        parse_api_path(schema, "Cisco-IOS-XE-native:native/ip/http")
    assert unqualified.value.unknown


def test_whole_list_only_at_the_end(schema: Schema) -> None:
    path = parse_api_path(schema, "Cisco-IOS-XE-native:native/username")
    assert path.whole_list
    with pytest.raises(PathError) as keyless:
        parse_api_path(schema, "Cisco-IOS-XE-native:native/username/privilege")
    assert not keyless.value.unknown


@pytest.mark.parametrize(
    ("text", "unknown"),
    [
        ("native", False),  # the first step must name its module
        ("Cisco-IOS-XE-native:native/ip//ssh", False),
        ("Cisco-IOS-XE-native:native/username=a,b", False),  # one key, two values
        ("Cisco-IOS-XE-native:native/ip=1", False),  # a container takes no key
        ("Cisco-IOS-XE-native:native/hostname/x", False),  # nothing below a leaf
        ("Cisco-IOS-XE-native:native/username=%zz", False),  # a bad escape
        ("Cisco-IOS-XE-native:native/username=%ff", False),  # not UTF-8
        ("9bad:native", False),
        ("No-Such-Module:native", True),
        ("Cisco-IOS-XE-native:native/no-such-node", True),
        ("iosxe-agent-private:restconf", True),  # the device-private module is not served
        ("Cisco-IOS-XE-native:native/" + "/".join(["ip"] * 70), False),
    ],
)
def test_refused(schema: Schema, text: str, unknown: bool) -> None:
    with pytest.raises(PathError) as refused:
        parse_api_path(schema, text)
    assert refused.value.unknown is unknown


def test_find_instances_and_skeleton(schema: Schema) -> None:
    tree = etree.fromstring(
        f'<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><native xmlns="{IOS}">'
        "<username><name>a</name><privilege>15</privilege></username>"
        "<username><name>b</name></username></native></config>"
    )
    entry = parse_api_path(schema, "Cisco-IOS-XE-native:native/username=b")
    assert [el.findtext(f"{{{IOS}}}name") for el in find_instances(tree, entry)] == ["b"]
    every = parse_api_path(schema, "Cisco-IOS-XE-native:native/username")
    assert len(find_instances(tree, every)) == 2
    assert find_instances(tree, parse_api_path(schema, "Cisco-IOS-XE-native:native/username=c")) == []
    root = etree.Element("config")
    holder = skeleton(root, entry.steps)
    assert holder.tag == f"{{{IOS}}}username" and holder.findtext(f"{{{IOS}}}name") == "b"
    assert holder.getparent() is not None and holder.getparent().tag == f"{{{IOS}}}native"  # type: ignore[union-attr]


def test_aaa_list_with_key_in_another_module(schema: Schema) -> None:
    path = parse_api_path(schema, "Cisco-IOS-XE-native:native/aaa/Cisco-IOS-XE-aaa:new-model")
    assert path.target(schema).ns == AAA


def test_merge_skeleton_and_nesting(schema: Schema) -> None:
    ssh = parse_api_path(schema, "Cisco-IOS-XE-native:native/ip/ssh")
    user = parse_api_path(schema, "Cisco-IOS-XE-native:native/username=a")
    root = etree.Element("config")
    merge_skeleton(root, ssh.steps)
    merge_skeleton(root, user.steps)
    merge_skeleton(root, parse_api_path(schema, "Cisco-IOS-XE-native:native/username=b").steps)
    assert len(root) == 1 and len(root[0].findall(f"{{{IOS}}}username")) == 2  # one native, two entries
    assert nests(ssh, parse_api_path(schema, "Cisco-IOS-XE-native:native/ip"))
    assert nests(user, user) and not nests(ssh, user)
    assert not nests(user, parse_api_path(schema, "Cisco-IOS-XE-native:native/username=b"))
