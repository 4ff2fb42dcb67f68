"""The pure pieces of the RESTCONF face: its view of the configuration, Basic credentials, the login decision
(local or AAA, level 15, the accepted-login memo), GET query parameters and the depth cut, RFC 8040 error bodies,
media-type choice, YANG Patch documents, conditional writes."""

from __future__ import annotations

import asyncio
import base64
import copy
import json

import pytest
from lxml import etree
from namespaces import IOS

from iosxe_agent.data.defaults import WithDefaults
from iosxe_agent.data.errors import DataError
from iosxe_agent.device import views
from iosxe_agent.device.names import HTTP_NS, PRIVATE_NS
from iosxe_agent.device.passwords import type9_hash
from iosxe_agent.limits import Limits
from iosxe_agent.restconf import media
from iosxe_agent.restconf.auth import RestconfLogin, basic_credentials
from iosxe_agent.restconf.errors import RestconfError, RestconfFault, errors_json, errors_xml, from_data_errors
from iosxe_agent.restconf.query import GetQuery, cut_depth, parse_fields, parse_get_query, select_fields
from iosxe_agent.restconf.version import DatastoreVersion, check_write, not_modified
from iosxe_agent.restconf.yang_patch import PATCH_JSON, PATCH_XML, YANG_PATCH_NS, read_patch, status_body
from iosxe_agent.yang.schema import Schema

NC = "urn:ietf:params:xml:ns:netconf:base:1.0"


def config(body: str = "", http: str = "", restconf: bool = False) -> etree._Element:
    private = f'<restconf xmlns="{PRIVATE_NS}"/>' if restconf else ""
    http_xml = f'<ip><http xmlns="{HTTP_NS}">{http}</http></ip>' if http else ""
    return etree.fromstring(f'<config xmlns="{NC}"><native xmlns="{IOS}">{body}{http_xml}{private}</native></config>')


SECURE = "<secure-server>true</secure-server>"


def test_view_needs_restconf_and_the_secure_server() -> None:
    assert not views.restconf(config()).enabled
    assert not views.restconf(config(restconf=True)).enabled
    assert not views.restconf(config(http="<secure-server>false</secure-server>", restconf=True)).enabled
    on = views.restconf(config(http=SECURE, restconf=True))
    assert on.enabled and not on.local_authentication
    local = views.restconf(config(http=f"<authentication><local/></authentication>{SECURE}", restconf=True))
    assert local.enabled and local.local_authentication


def test_basic_credentials() -> None:
    def basic(text: bytes) -> str:
        return "Basic " + base64.b64encode(text).decode()

    assert basic_credentials(basic(b"admin:pa:ss")) == ("admin", "pa:ss")
    assert basic_credentials("basic " + base64.b64encode(b"a:").decode()) == ("a", "")
    for bad in (None, "", "Bearer x", "Basic", "Basic !!!", basic(b"no-colon"), basic(b":pw"), basic(b"\xff:x")):
        assert basic_credentials(bad) is None


def _users(local: bool) -> etree._Element:
    users = "".join(
        f"<username><name>{name}</name><privilege>{level}</privilege>"
        f"<secret><encryption>9</encryption><secret>{type9_hash('Pass-1')}</secret></secret></username>"
        for name, level in (("boss", 15), ("low", 1))
    )
    auth = "<authentication><local/></authentication>" if local else ""
    return config(users, http=auth + SECURE, restconf=True)


def test_local_authentication_checks_the_user_database_and_level_15() -> None:
    asked: list[str] = []

    async def aaa(user: str, password: str, peer: str | None) -> bool:
        asked.append(user)
        return True

    login = RestconfLogin(lambda: _users(local=True), aaa)

    async def run() -> list[bool]:
        return [
            await login.authenticate("boss", "Pass-1", None),
            await login.authenticate("BOSS", "Pass-1", None),  # IOS `local` folds case
            await login.authenticate("boss", "wrong", None),
            await login.authenticate("low", "Pass-1", None),  # level 1
            await login.authenticate("nobody", "Pass-1", None),
        ]

    assert asyncio.run(run()) == [True, True, False, False, False]
    assert asked == []  # the AAA lists are not asked with `ip http authentication local`


def test_aaa_authentication_and_the_memo_follow_the_configuration() -> None:
    tree = [_users(local=False)]
    answers = {"boss": True}
    asked: list[str] = []

    async def aaa(user: str, password: str, peer: str | None) -> bool:
        asked.append(user)
        return answers.get(user, False)

    login = RestconfLogin(lambda: tree[0], aaa)

    async def run() -> list[bool]:
        first = await login.authenticate("boss", "Pass-1", "127.0.0.1")
        again = await login.authenticate("boss", "Pass-1", "127.0.0.1")  # remembered: not asked again
        refused = [await login.authenticate("eve", "x", None) for _ in range(2)]  # refusals are never remembered
        answers["boss"] = False
        tree[0] = copy.deepcopy(tree[0])  # a new commit of the same configuration: the memo still holds
        still = await login.authenticate("boss", "Pass-1", None)
        tree[0] = config(http=SECURE, restconf=True)  # the AAA configuration changed: asked again, refused
        changed = await login.authenticate("boss", "Pass-1", None)
        return [first, again, *refused, still, changed]

    assert asyncio.run(run()) == [True, True, False, False, True, False]
    assert asked == ["boss", "eve", "eve", "boss"]


def test_get_query() -> None:
    assert parse_get_query([]) == GetQuery()
    q = parse_get_query([("depth", "3"), ("content", "config"), ("with-defaults", "report-all")])
    assert q == GetQuery("config", 3, WithDefaults.REPORT_ALL)
    assert parse_get_query([("depth", "unbounded")]).depth is None
    for bad in (
        [("depth", "0")],
        [("depth", "x")],
        [("depth", "²")],
        [("depth", "٣")],
        [("content", "state")],
        [("fields", "(")],
        [("with-defaults", "no")],
    ):
        with pytest.raises(RestconfFault) as refused:
            parse_get_query(bad)
        assert refused.value.status == 400
    with pytest.raises(RestconfFault):
        parse_get_query([("depth", "1"), ("depth", "2")])


def test_cut_depth_keeps_list_keys(helpers: object) -> None:
    schema: Schema = helpers.cisco_schema()  # type: ignore[attr-defined]
    native = etree.fromstring(
        f'<native xmlns="{IOS}"><hostname>R1</hostname><username><name>a</name><privilege>15</privilege>'
        "</username><ip><ssh><time-out>60</time-out></ssh></ip></native>"
    )
    node = schema.root.child(f"{{{IOS}}}native")
    assert node is not None
    cut_depth(native, node, 2)
    assert [etree.QName(c).localname for c in native] == ["hostname", "username", "ip"]
    assert [etree.QName(c).localname for c in native.find(f"{{{IOS}}}username")] == ["name"]  # type: ignore[union-attr]
    assert len(native.find(f"{{{IOS}}}ip")) == 0  # type: ignore[arg-type]


def test_error_bodies() -> None:
    error = DataError("data-exists", "exists", path="/ios:native/ios:username[ios:name='a']", path_ns={"ios": IOS})
    fault = from_data_errors([error], {IOS: "Cisco-IOS-XE-native"})
    assert fault.status == 409
    body = json.loads(errors_json(fault))
    assert body == {
        "ietf-restconf:errors": {
            "error": [
                {
                    "error-type": "application",
                    "error-tag": "data-exists",
                    "error-path": "/Cisco-IOS-XE-native:native/Cisco-IOS-XE-native:username"
                    "[Cisco-IOS-XE-native:name='a']",
                    "error-message": "exists",
                }
            ]
        }
    }
    xml = etree.fromstring(errors_xml(fault))
    assert xml.findtext("{urn:ietf:params:xml:ns:yang:ietf-restconf}error/"
                        "{urn:ietf:params:xml:ns:yang:ietf-restconf}error-tag") == "data-exists"  # fmt: skip


def test_media_types() -> None:
    assert media.reply_type(None) == media.XML
    assert media.reply_type("application/json, */*") == media.JSON
    assert media.reply_type("text/html, */*;q=0.1") == media.XML
    with pytest.raises(RestconfFault) as refused:
        media.reply_type("text/html")
    assert refused.value.status == 406
    assert media.request_type("application/yang-data+json; charset=utf-8") == media.JSON
    with pytest.raises(RestconfFault) as unsupported:
        media.request_type(None)
    assert unsupported.value.status == 415


def test_yang_patch_documents() -> None:
    limits = Limits()

    def patch(*edits: dict[str, object]) -> bytes:
        return json.dumps({"ietf-yang-patch:yang-patch": {"patch-id": "p", "edit": list(edits)}}).encode()

    merge = {"edit-id": "1", "operation": "merge", "target": "/ip", "value": {"Cisco-IOS-XE-native:ip": {}}}
    patch_id, edits = read_patch(patch(merge), PATCH_JSON, limits)
    assert patch_id == "p" and [(e.edit_id, e.operation, e.target) for e in edits] == [("1", "merge", "/ip")]
    refused = [
        b"{",  # malformed
        b'{"ietf-yang-patch:yang-patch": {"edit": {}}}',  # edit is a list
        patch(),  # no edit
        patch({**merge, "operation": "insert", "where": "before"}),  # before needs a point
        patch({**merge, "operation": "insert", "where": "middle"}),
        patch({**merge, "operation": "frobnicate"}),
        patch({"edit-id": "1", "operation": "merge", "target": "/ip"}),  # merge needs a value
        patch({**merge, "operation": "delete"}),  # delete takes none
        patch({"operation": "delete", "target": "/ip"}),  # no edit-id
    ]
    for body in refused:
        with pytest.raises(RestconfFault):
            read_patch(body, PATCH_JSON, limits)
    xml = (
        b'<yang-patch xmlns="urn:ietf:params:xml:ns:yang:ietf-yang-patch"><patch-id>x</patch-id><edit>'
        b"<edit-id>a</edit-id><operation>remove</operation><target>/ip</target></edit></yang-patch>"
    )
    assert read_patch(xml, PATCH_XML, limits)[1][0].operation == "remove"
    ok = json.loads(status_body("p", media.JSON))
    assert ok == {"ietf-yang-patch:yang-patch-status": {"patch-id": "p", "ok": [None]}}
    failed = etree.fromstring(status_body("p", media.XML, RestconfFault([RestconfError("in-use", "locked")])))
    assert (
        failed.findtext(f"{{{YANG_PATCH_NS}}}errors/{{{YANG_PATCH_NS}}}error/{{{YANG_PATCH_NS}}}error-tag") == "in-use"
    )


def test_fields(helpers: object) -> None:
    schema: Schema = helpers.cisco_schema()  # type: ignore[attr-defined]
    assert parse_fields("a;b(c;d/e);f/g") == {"a": {}, "b": {"c": {}, "d": {"e": {}}}, "f": {"g": {}}}
    assert parse_fields("m:a(x:b)") == {"m:a": {"x:b": {}}}
    for bad in ("", "a(", "a)", "a;;b", "(a)", "a b", "a(" * 40 + "b" + ")" * 40, "a" * 5000):
        with pytest.raises(RestconfFault):
            parse_fields(bad)
    with pytest.raises(RestconfFault):
        parse_get_query([("fields", "a"), ("depth", "2")])
    native = etree.fromstring(
        f'<native xmlns="{IOS}"><hostname>R1</hostname><username><name>a</name><privilege>15</privilege>'
        "</username><ip><ssh><time-out>60</time-out><version>2</version></ssh></ip></native>"
    )
    node = schema.root.child(f"{{{IOS}}}native")
    assert node is not None
    modules = {IOS: "Cisco-IOS-XE-native"}
    select_fields(native, node, parse_fields("username(privilege);Cisco-IOS-XE-native:ip/ssh/time-out"), modules)
    assert etree.tostring(native).decode() == (
        f'<native xmlns="{IOS}"><username><name>a</name><privilege>15</privilege></username>'
        "<ip><ssh><time-out>60</time-out></ssh></ip></native>"
    )
    with pytest.raises(RestconfFault):
        select_fields(native, node, parse_fields("no-such-child"), modules)


def test_preconditions_of_a_write() -> None:
    version = DatastoreVersion()
    tag, since = version.etag, version.last_modified

    def refused(headers: dict[str, str], exists: bool = True) -> bool:
        try:
            check_write(headers, version, lambda: exists)
        except RestconfFault as f:
            assert f.status == 412
            return True
        return False

    assert not refused({}) and not refused({"If-Match": tag}) and not refused({"If-Match": f'"x", W/{tag}'})
    assert refused({"If-Match": '"other"'}) and refused({"If-None-Match": tag})
    assert refused({"If-Match": "*"}, exists=False) and not refused({"If-Match": "*"})
    assert refused({"If-None-Match": "*"}) and not refused({"If-None-Match": "*"}, exists=False)
    assert not refused({"If-Unmodified-Since": since}) and not refused({"If-Unmodified-Since": "garbage"})
    assert refused({"If-Unmodified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})
    assert not_modified({"If-None-Match": tag}, version)
    version.on_commit(None)  # type: ignore[arg-type]
    assert version.etag != tag and refused({"If-Match": tag}) and not not_modified({"If-None-Match": tag}, version)
