"""The pure parts of dynamic subscriptions: parsing establish-subscription, the replies, the notifications and
the on-change YANG patch, checked against the device's compiled schema (and yanglint for the notifications)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree
from namespaces import IOS

from iosxe_agent.device.names import MODULES, enabled_features
from iosxe_agent.netconf.faults import RpcFault
from iosxe_agent.netconf.notifications import notification_message
from iosxe_agent.netconf.operations.push import Refused, parse_establish, result, subscription_id, xpath_prefixes
from iosxe_agent.netconf.push import (
    EN_NS,
    MIN_PERIOD_CS,
    PATCH_NS,
    YP_NS,
    change_patch,
    push_change_update,
    push_update,
    subscription_terminated,
)
from iosxe_agent.serve import yang_dir
from iosxe_agent.yang.loader import default_search_path, ietf_module_dir, load_schema
from iosxe_agent.yang.schema import Schema

N = {"en": EN_NS, "yp": YP_NS, "p": PATCH_NS, "ios": IOS}
YANG = Path(__file__).resolve().parents[2] / "yang"


@pytest.fixture(scope="module")
def schema() -> Schema:
    return load_schema(default_search_path(yang_dir()), MODULES, enabled_features(False))


def request(body: str, stream: str = "yp:yang-push") -> etree._Element:
    return etree.fromstring(
        f'<establish-subscription xmlns="{EN_NS}" xmlns:yp="{YP_NS}"><stream>{stream}</stream>{body}'
        "</establish-subscription>"
    )


def refused(op: etree._Element, schema: Schema) -> str:
    with pytest.raises(Refused) as exc:
        parse_establish(op, schema)
    return exc.value.result


def fault_tag(op: etree._Element, schema: Schema) -> str:
    with pytest.raises(RpcFault) as exc:
        parse_establish(op, schema)
    return exc.value.errors[0].tag.value


# -- establish-subscription input -----------------------------------------------------------------------------
def test_periodic_xpath_request(schema: Schema) -> None:
    parsed = parse_establish(
        request("<yp:xpath-filter>/ios:native/hostname</yp:xpath-filter><yp:period>500</yp:period>"), schema
    )
    assert parsed.period_cs == 500
    assert parsed.filter.kind == "xpath" and parsed.filter.select == "/ios:native/hostname"
    assert parsed.filter.param == "xpath-filter"


def test_on_change_subtree_request(schema: Schema) -> None:
    op = request(
        f'<yp:subtree-filter><native xmlns="{IOS}"><hostname/></native></yp:subtree-filter>'
        "<yp:dampening-period>0</yp:dampening-period>"
    )
    parsed = parse_establish(op, schema)
    assert parsed.period_cs is None
    assert parsed.filter.kind == "subtree" and parsed.filter.element is not None


def test_xpath_prefixes_are_module_prefixes_and_names_then_the_declared_ones(schema: Schema) -> None:
    prefixes = xpath_prefixes(schema, {None: EN_NS, "ios": "urn:mine", "yp": YP_NS})
    assert prefixes["ios"] == "urn:mine"  # a declaration on the request wins
    assert prefixes["Cisco-IOS-XE-native"] == IOS
    assert prefixes["ios-aaa"] == "http://cisco.com/ns/yang/Cisco-IOS-XE-aaa"
    assert None not in prefixes


@pytest.mark.parametrize(
    ("body", "stream"),
    [
        ("<yp:xpath-filter>/native</yp:xpath-filter><yp:period>100</yp:period>", "NETCONF"),
        ("<yp:xpath-filter>/native</yp:xpath-filter><yp:period>100</yp:period>", "notif-bis:NETCONF"),
        ("<yp:xpath-filter>/native</yp:xpath-filter><yp:period>100</yp:period>", "nope:yang-push"),
        (f"<yp:xpath-filter>/native</yp:xpath-filter><yp:period>{MIN_PERIOD_CS - 1}</yp:period>", "yp:yang-push"),
        ("<yp:xpath-filter>/native</yp:xpath-filter>", "yp:yang-push"),
        ("<yp:period>100</yp:period>", "yp:yang-push"),
        ("<yp:xpath-filter> </yp:xpath-filter><yp:period>100</yp:period>", "yp:yang-push"),
        (
            "<encoding>encode-json</encoding><yp:xpath-filter>/native</yp:xpath-filter><yp:period>100</yp:period>",
            "yp:yang-push",
        ),
        ("<filter/><yp:period>100</yp:period>", "yp:yang-push"),
    ],
)
def test_unserviceable_requests_are_refused_with_no_such_option(schema: Schema, body: str, stream: str) -> None:
    assert refused(request(body, stream), schema) == "error-no-such-option"


@pytest.mark.parametrize(
    ("body", "tag"),
    [
        ("<yp:xpath-filter>/native</yp:xpath-filter><yp:period>-1</yp:period>", "invalid-value"),
        ("<yp:xpath-filter>/native</yp:xpath-filter><yp:period>4294967296</yp:period>", "invalid-value"),
        ("<yp:xpath-filter>/native</yp:xpath-filter><yp:dampening-period>100</yp:dampening-period>", "invalid-value"),
        ("<yp:xpath-filter>/a</yp:xpath-filter><yp:subtree-filter/><yp:period>100</yp:period>", "bad-element"),
        (
            "<yp:xpath-filter>/a</yp:xpath-filter><yp:period>100</yp:period><yp:dampening-period>0</yp:dampening-period>",
            "bad-element",
        ),
        ("<yp:xpath-filter>/a</yp:xpath-filter><yp:period>100</yp:period><yp:dscp>10</yp:dscp>", "unknown-element"),
        (
            "<yp:xpath-filter>/a</yp:xpath-filter><yp:dampening-period>0</yp:dampening-period><yp:no-synch-on-start/>",
            "unknown-element",
        ),
    ],
)
def test_requests_the_deviated_schema_rejects_are_faults(schema: Schema, body: str, tag: str) -> None:
    assert fault_tag(request(body), schema) == tag


def test_subscription_id_parameter() -> None:
    op = etree.fromstring(f'<kill-subscription xmlns="{EN_NS}"><identifier>2147483648</identifier></kill-subscription>')
    assert subscription_id(op, "identifier", "kill-subscription") == 2**31
    with pytest.raises(RpcFault) as exc:
        subscription_id(
            etree.fromstring(f'<delete-subscription xmlns="{EN_NS}"/>'), "subscription-id", "delete-subscription"
        )
    assert exc.value.errors[0].tag.value == "missing-element"


# -- replies and notifications ---------------------------------------------------------------------------------
def test_result_reply_elements() -> None:
    ok, sid = result("ok", 2147483650)
    assert ok.tag == f"{{{EN_NS}}}subscription-result" and ok.text == "notif-bis:ok" and ok.nsmap["notif-bis"] == EN_NS
    assert sid.tag == f"{{{EN_NS}}}subscription-id" and sid.text == "2147483650"
    (err,) = result("error-no-such-subscription")
    assert err.text == "notif-bis:error-no-such-subscription"


def native(body: str) -> etree._Element:
    return etree.fromstring(f'<native xmlns="{IOS}">{body}</native>')


def test_change_patch_create_replace_delete_and_nothing() -> None:
    modules = {IOS: "Cisco-IOS-XE-native", "urn:x": "x-mod"}
    assert change_patch([native("<hostname>A</hostname>")], [native("<hostname>A</hostname>")], modules, "0") is None
    patch = change_patch(
        [native("<hostname>A</hostname>"), etree.fromstring('<gone xmlns="urn:x"/>')],
        [native("<hostname>B</hostname>")],
        modules,
        "7",
    )
    assert patch is not None and patch.findtext("p:patch-id", namespaces=N) == "7"
    edits = [
        (
            e.findtext("p:edit-id", namespaces=N),
            e.findtext("p:operation", namespaces=N),
            e.findtext("p:target", namespaces=N),
        )
        for e in patch.findall("p:edit", N)
    ]
    assert edits == [("edit1", "replace", "/Cisco-IOS-XE-native:native"), ("edit2", "delete", "/x-mod:gone")]
    assert patch.findtext("p:edit/p:value/ios:native/ios:hostname", namespaces=N) == "B"
    assert patch.find("p:edit[p:operation='delete']/p:value", N) is None
    created = change_patch([], [native("<hostname>C</hostname>")], modules, "1")
    assert created is not None and created.findtext("p:edit/p:operation", namespaces=N) == "create"


@pytest.mark.skipif(shutil.which("yanglint") is None, reason="yanglint not installed")
def test_notifications_are_valid_against_the_modules(tmp_path: Path) -> None:
    def check(event: etree._Element) -> None:
        path = tmp_path / "n.xml"
        path.write_bytes(etree.tostring(notification_message(event, 1_700_000_000_000_000)))
        # the subscription modules first, their deviations after (libyang needs the augmented nodes to exist)
        names = (
            "ietf-event-notifications.yang",
            "ietf-yang-push.yang",
            "cisco-xe-ietf-event-notifications-deviation.yang",
            "cisco-xe-ietf-yang-push-deviation.yang",
        )
        proc = subprocess.run(
            [
                "yanglint",
                "-p",
                str(YANG),
                "-p",
                str(ietf_module_dir()),
                "-t",
                "nc-notif",
                *(str(YANG / n) for n in names),
                str(path),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr

    check(push_update(2147483648, []))
    check(push_change_update(2147483648, etree.Element(f"{{{PATCH_NS}}}yang-patch")))
    check(subscription_terminated(2147483649))
