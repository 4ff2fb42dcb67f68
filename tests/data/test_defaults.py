"""with-defaults (RFC 6243) on the Cisco schema: explicit, report-all, report-all-tagged, trim."""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree

from iosxe_agent.data.defaults import DEFAULT_ATTR, MODES, apply_with_defaults
from iosxe_agent.device.names import AAA_NS

SSH = "ios:native/ios:ip/ios:ssh"
TREE = f"""
<ip><ssh><dh><min><size>4096</size></min></dh><time-out>60</time-out><ssh-version>2</ssh-version></ssh></ip>
<tacacs><server xmlns="{AAA_NS}"><name>T</name></server></tacacs>
<line><vty><first>0</first><last>4</last></vty></line>
"""


@pytest.fixture(scope="module")
def tree(ios: Any) -> etree._Element:
    return ios.tree(TREE)


def with_defaults(ios: Any, tree: etree._Element, mode: str) -> etree._Element:
    before = etree.tostring(tree)
    out = apply_with_defaults(tree, ios.schema, mode)
    assert etree.tostring(tree) == before, "the stored tree is never changed"
    return out


def names(el: etree._Element | None) -> list[str]:
    assert el is not None
    return [etree.QName(c).localname for c in el]


def test_modes() -> None:
    assert MODES == ("explicit", "report-all", "report-all-tagged", "trim")


def test_explicit_is_the_tree_itself(ios: Any, tree: etree._Element) -> None:
    assert with_defaults(ios, tree, "explicit") is tree


def test_report_all_adds_defaults_in_schema_order(ios: Any, tree: etree._Element) -> None:
    out = with_defaults(ios, tree, "report-all")
    assert out is not tree
    assert names(ios.find(out, SSH)) == ["dh", "logging", "time-out", "ssh-version"]
    assert ios.text(out, f"{SSH}/ios:dh/ios:min/ios:size") == "4096"  # configured value kept
    assert ios.text(out, f"{SSH}/ios:logging/ios:events-enable") == "true"
    assert ios.find(out, f"{SSH}/ios:logging/ios:events") is None  # no default, nothing added
    assert ios.find(out, f"{SSH}/ios:bulk-mode") is None  # presence containers are never invented
    assert ios.find(out, f"{SSH}/ios:authentication-retries") is None
    assert ios.text(out, "ios:native/ios:ip/ios:domain/ios:lookup") == "true"
    assert ios.text(out, "ios:native/ios:ip/ios:domain/ios:timeout") == "5"
    assert ios.text(out, "ios:native/ios:aaa/ios-aaa:session-id") == "common"
    assert ios.text(out, "ios:native/ios:tacacs/ios-aaa:server/ios-aaa:port") == "49"  # inside list entries
    assert ios.text(out, "ios:native/ios:line/ios:vty/ios:login/ios:authentication") == "default"
    assert not any(e.get(DEFAULT_ATTR) for e in out.iter())


def test_report_all_fills_a_fresh_ssh_container(ios: Any) -> None:
    out = with_defaults(ios, ios.tree("<ip><ssh><time-out>30</time-out></ssh></ip>"), "report-all")
    assert ios.text(out, f"{SSH}/ios:dh/ios:min/ios:size") == "2048"
    assert ios.text(out, f"{SSH}/ios:logging/ios:events-enable") == "true"
    assert ios.text(out, f"{SSH}/ios:ssh-version") == "2"
    out = with_defaults(ios, ios.tree("<ip><ssh><bulk-mode/></ssh></ip>"), "report-all")
    assert ios.text(out, f"{SSH}/ios:bulk-mode/ios:window-size") == "131072"


def test_report_all_tagged_marks_default_values(ios: Any, tree: etree._Element) -> None:
    out = with_defaults(ios, tree, "report-all-tagged")
    tagged = {etree.QName(e).localname for e in out.iter() if e.get(DEFAULT_ATTR) == "true"}
    assert {"events-enable", "ssh-version", "lookup", "session-id", "port", "authentication"} <= tagged
    assert "size" not in tagged  # 4096 is not the default
    assert "time-out" not in tagged  # 17.12 has no default for it
    # a configured value equal to the default is tagged too (RFC 6243 §3.4)
    assert ios.find(out, f"{SSH}/ios:ssh-version").get(DEFAULT_ATTR) == "true"


def test_trim_drops_values_equal_to_the_default(ios: Any, tree: etree._Element) -> None:
    configured = ios.tree(TREE.replace("</ssh>", "<logging><events-enable>true</events-enable></logging></ssh>")
                          .replace("4096", "2048"))  # fmt: skip
    out = with_defaults(ios, configured, "trim")
    assert ios.find(out, f"{SSH}/ios:ssh-version") is None
    assert ios.find(out, f"{SSH}/ios:logging/ios:events-enable") is None
    assert ios.find(out, f"{SSH}/ios:dh/ios:min/ios:size") is None
    assert ios.text(out, f"{SSH}/ios:time-out") == "60"
    kept = with_defaults(ios, tree, "trim")
    assert ios.text(kept, f"{SSH}/ios:dh/ios:min/ios:size") == "4096"
    off = ios.tree("<ip><ssh><logging><events-enable>false</events-enable></logging></ssh></ip>")
    assert ios.text(with_defaults(ios, off, "trim"), f"{SSH}/ios:logging/ios:events-enable") == "false"


def test_empty_datastore(ios: Any) -> None:
    empty = ios.empty()
    for mode in MODES:
        assert len(with_defaults(ios, empty, mode)) == 0


def test_choice_default_case(edge: Any) -> None:
    out = with_defaults(edge, edge.tree("<mode>fast</mode>"), "report-all")
    assert edge.text(out, "te:top/te:tcp-port") == "49"  # the default case applies when no case is present
    assert edge.text(out, "te:top/te:mode") == "fast"
    assert edge.text(out, "te:top/te:port") == "830"  # typedef default
    out = with_defaults(edge, edge.tree("<udp-port>53</udp-port>"), "report-all")
    assert edge.find(out, "te:top/te:tcp-port") is None  # another case is active
    out = with_defaults(edge, edge.tree("<tcp-nodelay>true</tcp-nodelay>"), "report-all")
    assert edge.text(out, "te:top/te:tcp-port") == "49"
    assert edge.find(out, "te:top/te:state") is None  # state data is not configuration
