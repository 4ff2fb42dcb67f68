"""AAA servers and method lists as the device reads them from configuration typed in IOS syntax."""

from __future__ import annotations

from typing import Any

from lxml import etree

from iosxe_agent.device import views
from iosxe_agent.device.aaa.login import LoginRequest, check_login
from iosxe_agent.device.aaa.network import NetworkAaa
from iosxe_agent.device.aaa.radius import RadiusServer
from iosxe_agent.device.aaa.tacacs import TacacsServer
from iosxe_agent.device.cli_map import parse_config_text
from iosxe_agent.device.passwords import type7_encode
from iosxe_agent.device.views import VtyLine

CONFIG = f"""
aaa new-model
aaa group server tacacs+ TAC
 server name T2
 server name T1
aaa group server radius RAD
 server name R1
aaa authentication login default group TAC local
aaa authentication login VTY group tacacs+ group radius local-case none
aaa authorization exec default group TAC local if-authenticated
aaa accounting exec default start-stop group TAC group radius
tacacs-server timeout 7
tacacs server T1
 address ipv4 127.0.0.1
 key 7 {type7_encode("tac-key-1")}
 port 4949
tacacs server T2
 address ipv4 127.0.0.2
 timeout 2
tacacs-server key shared-key
radius-server timeout 3
radius-server retransmit 1
radius server R1
 address ipv4 127.0.0.1 auth-port 18120 acct-port 18130
 key rad-key
radius server R2
 address ipv4 127.0.0.9
 retransmit 4
"""


def running(trees: Any, text: str = CONFIG) -> etree._Element:
    edit, errors = parse_config_text(text)
    assert not errors, errors
    return trees.apply(trees.empty(), edit)


def test_tacacs_servers_take_their_own_settings_then_the_globals(trees: Any) -> None:
    t1, t2 = views.aaa(running(trees)).tacacs
    assert t1 == TacacsServer("T1", "127.0.0.1", 4949, "tac-key-1", 7.0)  # type 7 key decoded
    assert t2 == TacacsServer("T2", "127.0.0.2", 49, "shared-key", 2.0)  # global key, own timeout


def test_radius_servers_with_ports_key_and_retransmit(trees: Any) -> None:
    r1, r2 = views.aaa(running(trees)).radius
    assert r1 == RadiusServer("R1", "127.0.0.1", 18120, 18130, "rad-key", 3.0, 1)
    assert r2 == RadiusServer("R2", "127.0.0.9", 1812, 1813, "", 3.0, 4)


def test_group_members_in_server_name_order(trees: Any) -> None:
    aaa = views.aaa(running(trees))
    assert [s.name for s in aaa.group_servers("TAC")] == ["T2", "T1"]
    assert [s.name for s in aaa.group_servers("tacacs+")] == ["T1", "T2"]
    assert [s.name for s in aaa.group_servers("RAD")] == ["R1"]
    assert [s.name for s in aaa.group_servers("radius")] == ["R1", "R2"]
    assert aaa.group_servers("NOSUCH") == ()


def test_authorization_and_accounting_lists(trees: Any) -> None:
    aaa = views.aaa(running(trees))
    author = aaa.authorization_exec()
    assert author is not None
    assert author.methods == ("group:TAC", "local", "if-authenticated")
    assert aaa.authorization_exec("OTHER") is None
    acct = aaa.accounting_exec()
    assert acct is not None
    assert (acct.action, acct.groups) == ("start-stop", ("TAC", "radius"))


def test_lists_need_aaa_new_model(trees: Any) -> None:
    aaa = views.aaa(running(trees, CONFIG.replace("aaa new-model\n", "")))
    assert aaa.authorization_exec() is None
    assert aaa.accounting_exec() is None


async def login(tree: etree._Element, user: str, password: str, line: VtyLine | None = None) -> tuple[bool, str]:
    result = await check_login(views.aaa(tree), LoginRequest(user, password, line=line), NetworkAaa())
    return result.ok, result.method or ""


async def test_enable_line_and_none_methods_in_order(trees: Any) -> None:
    base = "aaa new-model\nenable secret 0 En-secret-1\nline vty 0 4\n password 0 Line-pw-1\n"
    tree = running(trees, base + "aaa authentication login default group tacacs+ enable none\n")
    # no tacacs server configured: the group errors, enable answers (and its rejection is final)
    assert await login(tree, "anyone", "En-secret-1") == (True, "enable")
    assert await login(tree, "anyone", "wrong") == (False, "enable")
    tree = running(trees, base + "aaa authentication login default line local\n")
    line = views.ssh(tree).vty[0]
    assert await login(tree, "anyone", "Line-pw-1", line) == (True, "line")
    assert await login(tree, "admin", "x", None) == (False, "local")  # NETCONF has no line: next method
    tree = running(trees, "aaa new-model\naaa authentication login default enable none\n")
    assert await login(tree, "anyone", "whatever") == (True, "none")  # no enable secret: ERROR, then none


def test_private_servers_follow_the_named_members(trees: Any) -> None:
    aaa = 'xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-aaa"'
    tree = trees.tree(
        f"<aaa><new-model {aaa}/><group {aaa}><server>"
        "<tacacsplus><name>TP</name><server><name><name>T1</name></name></server>"
        "<server-private><name>10.0.0.9</name><port>4900</port><key><key>pk</key></key></server-private>"
        "<timeout>9</timeout></tacacsplus>"
        "<radius><name>RP</name><server-private><name>10.0.0.8</name><auth-port>1645</auth-port>"
        "<acct-port>1646</acct-port><retransmit>2</retransmit></server-private></radius>"
        f"</server></group></aaa><tacacs><server {aaa}><name>T1</name><address><ipv4>127.0.0.1</ipv4></address>"
        "</server></tacacs>"
    )
    assert views.aaa(tree).group_servers("TP") == (
        TacacsServer("T1", "127.0.0.1", 49, "", 5.0),
        TacacsServer("10.0.0.9", "10.0.0.9", 4900, "pk", 9.0),  # the group's timeout
    )
    assert views.aaa(tree).group_servers("RP") == (RadiusServer("10.0.0.8", "10.0.0.8", 1645, 1646, "", 5.0, 2),)
