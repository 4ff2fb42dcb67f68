"""RFC 8072 ``insert`` / ``move`` in YANG Patch documents (pure): ``where`` and ``point`` read from JSON and XML,
turned into NETCONF's ``yang:insert`` / ``yang:key`` / ``yang:value`` attributes, and ``edit-status`` errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from lxml import etree
from namespaces import IOS

from iosxe_agent.data.edit import INSERT, KEY_ATTR, VALUE_ATTR
from iosxe_agent.limits import Limits
from iosxe_agent.restconf import media
from iosxe_agent.restconf.errors import RestconfError, RestconfFault
from iosxe_agent.restconf.paths import parse_api_path
from iosxe_agent.restconf.yang_patch import (
    PATCH_JSON,
    PATCH_XML,
    YANG_PATCH_NS,
    position_attributes,
    read_patch,
    status_body,
)
from iosxe_agent.yang.schema import Schema, SchemaNode

BOOT_LIST = "Cisco-IOS-XE-native:native/boot/system/flash/flash-list-ordered-by-user"
NAME_SERVERS = "Cisco-IOS-XE-native:native/ip/name-server/no-vrf-ordered"


@pytest.fixture(scope="module")
def schema(helpers: Any) -> Schema:
    schema: Schema = helpers.cisco_schema()
    return schema


def node(schema: Schema, path: str) -> SchemaNode:
    return parse_api_path(schema, path).target(schema)


def test_where_and_point_are_read_from_json_and_xml() -> None:
    edit = {"edit-id": "e", "operation": "move", "target": "/a=1", "where": "before", "point": "/a=2"}
    body = json.dumps({"ietf-yang-patch:yang-patch": {"patch-id": "p", "edit": [edit]}}).encode()
    (read,) = read_patch(body, PATCH_JSON, Limits())[1]
    assert (read.operation, read.where, read.point, read.value) == ("move", "before", "/a=2", None)
    xml = (
        f'<yang-patch xmlns="{YANG_PATCH_NS}"><patch-id>p</patch-id><edit><edit-id>e</edit-id>'
        "<operation>move</operation><target>/a=1</target></edit></yang-patch>"
    ).encode()
    (default,) = read_patch(xml, PATCH_XML, Limits())[1]
    assert (default.where, default.point) == ("last", None)  # RFC 8072's default


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"operation": "insert", "target": "/a=1"}, "insert needs a value"),
        ({"operation": "move", "target": "/a=1", "where": "after"}, "move after needs a point"),
        ({"operation": "move", "target": "/a=1", "where": "middle"}, "where 'middle' is not one of"),
        ({"operation": "move", "target": "/a=1", "point": 3}, "where and point are strings"),
    ],
)
def test_bad_positions_are_refused(edit: dict[str, object], message: str) -> None:
    body = json.dumps({"ietf-yang-patch:yang-patch": {"edit": [{"edit-id": "e", **edit}]}}).encode()
    with pytest.raises(RestconfFault) as refused:
        read_patch(body, PATCH_JSON, Limits())
    assert message in refused.value.errors[0].message


def test_list_positions_become_yang_key_predicates(schema: Schema) -> None:
    boot = node(schema, BOOT_LIST)
    assert position_attributes(boot, "first", None) == ((INSERT, "first"),)
    assert position_attributes(boot, "after", ("bootflash:a.bin",)) == (
        (INSERT, "after"),
        (KEY_ATTR, "[flash-leaf='bootflash:a.bin']"),
    )
    assert position_attributes(boot, "before", ("it's",)) == ((INSERT, "before"), (KEY_ATTR, '[flash-leaf="it\'s"]'))
    with pytest.raises(RestconfFault, match="both quote characters"):
        position_attributes(boot, "before", ('it\'s "x"',))


def test_leaf_list_positions_become_yang_value(schema: Schema) -> None:
    servers = node(schema, NAME_SERVERS)
    assert servers.ns == IOS
    assert position_attributes(servers, "before", ("127.0.0.2",)) == ((INSERT, "before"), (VALUE_ATTR, "127.0.0.2"))


def test_an_edits_errors_are_its_edit_status() -> None:
    failed = RestconfFault([RestconfError("data-missing", "no such entry")], 409)
    status = json.loads(status_body("p", media.JSON, failed, "e2"))["ietf-yang-patch:yang-patch-status"]
    assert status["edit-status"]["edit"][0]["edit-id"] == "e2"
    assert status["edit-status"]["edit"][0]["errors"]["error"][0]["error-tag"] == "data-missing"
    assert "errors" not in status
    xml = etree.fromstring(status_body("p", media.XML, failed, "e2"))
    ns = {"p": YANG_PATCH_NS}
    assert xml.xpath("string(p:edit-status/p:edit/p:edit-id)", namespaces=ns) == "e2"
    assert xml.xpath("string(p:edit-status/p:edit/p:errors/p:error/p:error-tag)", namespaces=ns) == "data-missing"
