"""SNMP tty traps: which hosts get them (pure), and real UDP delivery to pysnmp and snmptrapd receivers."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import socket
from typing import Any

import pytest
from lxml import etree
from namespaces import IOS, NC, SNMP
from pyasn1.type import univ

from iosxe_agent.device import snmp, views
from iosxe_agent.device.snmp import SessionEnd, TrapSender, TrapTarget

#: The guide's ``debug snmp packet`` example: user lab, 127.0.0.2:55246 -> 127.0.0.1:22 on vty 0 (line 2).
GUIDE = SessionEnd(
    username="lab",
    peer_address="127.0.0.2",
    peer_port=55246,
    local_address="127.0.0.1",
    local_port=22,
    line="vty 0",
    bytes_in=1056,
    bytes_out=1392,
    elapsed_s=10.15,
)
CONN = "127.0.0.1.22.127.0.0.2.55246"
#: What the guide prints (local.9.3.1.1.2.1 = 6, tcpConnEntry.1.… = 4, ltcpConnEntry.5/1/2.… , local.9.2.1.18.2 = lab).
GUIDE_VARBINDS = [
    ("1.3.6.1.4.1.9.2.9.3.1.1.2.1", 6),
    (f"1.3.6.1.2.1.6.13.1.1.{CONN}", 4),
    (f"1.3.6.1.4.1.9.2.6.1.1.5.{CONN}", 1015),
    (f"1.3.6.1.4.1.9.2.6.1.1.1.{CONN}", 1056),
    (f"1.3.6.1.4.1.9.2.6.1.1.2.{CONN}", 1392),
    ("1.3.6.1.4.1.9.2.9.2.1.18.2", b"lab"),
]


def running(snmp_server: str = "", *, bare_native: bool = False) -> etree._Element:
    """A running tree with ``snmp_server`` (XML, snmp-namespace default) inside /native/snmp-server."""
    native = f'<native xmlns="{IOS}"><hostname>R1</hostname><snmp-server>{snmp_server}</snmp-server></native>'
    if bare_native:
        return etree.fromstring(native)
    return etree.fromstring(f'<config xmlns="{NC}">{native}</config>')


def hosts(*entries: str) -> str:
    return f'<host-config xmlns="{SNMP}">{"".join(entries)}</host-config>'


def host(address: str, community: str, body: str = "", *, port: int | None = None, kind: str = "") -> str:
    tag = kind or ("ip-community-port" if port is not None else "ip-community")
    port_leaf = f"<udp-port>{port}</udp-port>" if port is not None else ""
    vrf = "<vrf>red</vrf>" if "vrf" in tag else ""
    return (
        f"<{tag}><ip-address>{address}</ip-address>{vrf}<community-or-user>{community}</community-or-user>"
        f"{port_leaf}{body}</{tag}>"
    )


TTY = "<trap-enable><tty/></trap-enable>"
ENABLE_TTY = f'<enable xmlns="{SNMP}"><enable-choice><traps><tty/></traps></enable-choice></enable>'


# --- configuration (pure) -----------------------------------------------------------------------------------


def test_guide_host_is_v1_port_162() -> None:
    """``snmp-server host a.b.c.d public tty``: SNMPv1 (IOS default), UDP 162."""
    (target,) = views.snmp(running(hosts(host("127.0.2.1", "public", TTY)))).hosts
    assert target == TrapTarget(address="127.0.2.1", port=162, community="public", version="1", inform=False)


def test_all_shapes_in_configuration_order() -> None:
    tree = running(
        hosts(
            host("127.0.2.1", "public", TTY),
            host("127.0.2.2", "c2", "<version>2c</version>" + TTY),
            host("127.0.2.3", "c3", "<version>1</version>"),  # no trap keywords: every notification type
            host("127.0.2.4", "c4", "<trap-enable/>"),  # empty trap-enable: same as none
            host("127.0.2.5", "c5", TTY, port=16200),
            host("127.0.2.6", "c6", "<version>2c</version><trap-enable><config/><tty/></trap-enable>", port=1162),
            host("trap-host.lab.local", "c7", TTY),
            host("2001:db8::9", "c8", "<version>2c</version>" + TTY),
        )
    )
    assert [(t.address, t.port, t.community, t.version, t.inform) for t in views.snmp(tree).hosts] == [
        ("127.0.2.1", 162, "public", "1", False),
        ("127.0.2.2", 162, "c2", "2c", False),
        ("127.0.2.3", 162, "c3", "1", False),
        ("127.0.2.4", 162, "c4", "1", False),
        ("127.0.2.5", 16200, "c5", "1", False),
        ("127.0.2.6", 1162, "c6", "2c", False),
        ("trap-host.lab.local", 162, "c7", "1", False),
        ("2001:db8::9", 162, "c8", "2c", False),
    ]


def test_hosts_that_get_no_tty_traps() -> None:
    tree = running(
        hosts(
            host("127.0.2.1", "other", "<trap-enable><config/><syslog/></trap-enable>"),  # tty not listed
            host("127.0.2.2", "user3", "<version>3</version><security-level>priv</security-level>" + TTY),
            host("127.0.2.3", "inf1", "<informs/><version>1</version>" + TTY),  # v1 has no informs
            host("127.0.2.4", "vrf", TTY, kind="ip-vrf-community"),  # no VRFs here
            host("127.0.2.5", "vrfp", TTY, port=2000, kind="ip-vrf-community-port"),
        )
    )
    assert views.snmp(tree).hosts == ()


def test_informs_host_v2c() -> None:
    (target,) = views.snmp(running(hosts(host("127.0.2.1", "inf", "<informs/><version>2c</version>" + TTY)))).hosts
    assert (target.version, target.inform) == ("2c", True)
    (target,) = views.snmp(running(hosts(host("127.0.2.1", "trp", "<traps/><version>2c</version>" + TTY)))).hosts
    assert (target.version, target.inform) == ("2c", False)


def test_no_snmp_configuration() -> None:
    assert views.snmp(running()).hosts == ()
    assert views.snmp(etree.fromstring(f'<config xmlns="{NC}"/>')).hosts == ()
    assert not views.snmp(running()).tty_traps
    assert not views.snmp(etree.fromstring(f'<config xmlns="{NC}"/>')).tty_traps


def test_bare_native_root_is_accepted() -> None:
    tree = running(hosts(host("127.0.2.1", "public", TTY)) + ENABLE_TTY, bare_native=True)
    assert views.snmp(tree).tty_traps
    assert [t.address for t in views.snmp(tree).hosts] == ["127.0.2.1"]


@pytest.mark.parametrize(
    ("enable", "expected"),
    [
        (ENABLE_TTY, True),
        (f'<enable xmlns="{SNMP}"><enable-choice><traps/></enable-choice></enable>', True),  # bare: all traps
        (f'<enable xmlns="{SNMP}"><enable-choice><traps><config/><tty/></traps></enable-choice></enable>', True),
        (f'<enable xmlns="{SNMP}"><enable-choice><traps><config/></traps></enable-choice></enable>', False),
        (
            f'<enable xmlns="{SNMP}"><enable-choice><traps><snmp><linkdown/></snmp></traps></enable-choice></enable>',
            False,
        ),
        (f'<enable xmlns="{SNMP}"><enable-choice><informs/></enable-choice></enable>', False),
        (f'<enable xmlns="{SNMP}"/>', False),
        ("", False),
    ],
)
def test_tty_traps_enabled(enable: str, expected: bool) -> None:
    assert views.snmp(running(enable)).tty_traps is expected


def test_disabled_traps_mean_no_targets_but_for_hosts_naming_tty() -> None:
    """The guide's example: `snmp-server host A public tty` alone sends the tty trap (see views/snmp_view.py);
    a host without trap keywords needs `snmp-server enable traps` [tty]."""
    named, every = host("127.0.2.1", "public", TTY), host("127.0.2.2", "public")
    assert views.snmp(running(hosts(every))).tty_targets == ()
    assert [t.address for t in views.snmp(running(hosts(named, every))).tty_targets] == ["127.0.2.1"]
    disabled = f'<enable xmlns="{SNMP}"><enable-choice><traps><config/></traps></enable-choice></enable>'
    assert [t.address for t in views.snmp(running(hosts(named, every) + disabled)).tty_targets] == ["127.0.2.1"]
    enabled = views.snmp(running(hosts(named, every) + ENABLE_TTY)).tty_targets
    assert [t.address for t in enabled] == ["127.0.2.1", "127.0.2.2"]


def test_community_is_not_in_repr() -> None:
    target = TrapTarget("127.0.2.1", community="s3cr3t-community")
    assert "s3cr3t" not in repr(target)
    assert "s3cr3t" not in str(target)


# --- the notification (pure) --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "number"),
    [("vty 0", 2), ("vty 4", 6), ("VTY 15", 17), ("con 0", 0), ("console 0", 0), ("aux 0", 1), ("7", 7)],
)
def test_line_number(line: str, number: int) -> None:
    assert snmp.line_number(line) == number


@pytest.mark.parametrize("line", ["", "vty", "vty x", "tty 1", "con 1", "vty 0 4"])
def test_bad_line_is_refused(line: str) -> None:
    with pytest.raises(ValueError):
        snmp.line_number(line)
    with pytest.raises(ValueError):
        dataclasses.replace(GUIDE, line=line)


def test_session_end_validation() -> None:
    with pytest.raises(ValueError):
        dataclasses.replace(GUIDE, state="established")
    with pytest.raises(ValueError):
        dataclasses.replace(GUIDE, peer_port=70000)
    assert dataclasses.replace(GUIDE, state="closewait").state == "closewait"


def _plain(varbinds: list[tuple[str, Any]]) -> list[tuple[str, int | bytes]]:
    """pysnmp values as int / bytes."""
    return [(oid, bytes(v) if isinstance(v, univ.OctetString) else int(v)) for oid, v in varbinds]


def test_varbinds_reproduce_the_guide() -> None:
    assert _plain(snmp.tty_varbinds(GUIDE)) == GUIDE_VARBINDS


def test_varbinds_types() -> None:
    kinds = [type(v).__name__ for _, v in snmp.tty_varbinds(GUIDE)]
    assert kinds == ["Integer32", "Integer32", "TimeTicks", "Integer32", "Integer32", "OctetString"]


def test_varbinds_state_ipv6_and_clamping() -> None:
    info = dataclasses.replace(
        GUIDE,
        peer_address="::ffff:127.0.2.7",
        local_address="2001:db8::1",
        line="vty 3",
        state="CLOSEWAIT",
        bytes_in=2**40,
        bytes_out=-5,
        elapsed_s=2**40,
        username="x" * 300,
    )
    conn = "0.0.0.0.22.127.0.2.7.55246"
    assert _plain(snmp.tty_varbinds(info)) == [
        ("1.3.6.1.4.1.9.2.9.3.1.1.5.1", 6),
        (f"1.3.6.1.2.1.6.13.1.1.{conn}", 7),
        (f"1.3.6.1.4.1.9.2.6.1.1.5.{conn}", 2**32 - 1),
        (f"1.3.6.1.4.1.9.2.6.1.1.1.{conn}", 2**31 - 1),
        (f"1.3.6.1.4.1.9.2.6.1.1.2.{conn}", 0),
        ("1.3.6.1.4.1.9.2.9.2.1.18.5", b"x" * 255),
    ]


# --- delivery to a pysnmp NotificationReceiver ---------------------------------------------------------------


async def test_v1_trap_to_pysnmp_receiver(trap_receiver) -> None:
    sender = TrapSender()
    try:
        sent = await sender.send_tty_trap([TrapTarget("127.0.0.1", trap_receiver.port, "public", "1")], GUIDE)
        assert sent == 1
        (trap,) = await trap_receiver.wait_for(1)
        assert trap.version == "1"
        assert trap.community == "public"
        assert trap.pdu_type == "trap"
        assert trap.enterprise == "1.3.6.1.4.1.9"
        assert trap.generic_trap == 6
        assert trap.specific_trap == 1
        assert trap.agent_addr == "127.0.0.1"  # the session's local address, as in the guide
        assert trap.trap_oid == "1.3.6.1.4.1.9.0.1"  # RFC 3584 translation of enterprise.0.specific
        assert 0 <= trap.uptime < 6000
        assert trap.varbinds == GUIDE_VARBINDS
        assert trap.value("1.3.6.1.4.1.9.2.9.2.1.18") == b"lab"
        assert (await trap_receiver.quiet(0.3)) == [trap]
    finally:
        await sender.aclose()


async def test_v2c_trap_to_pysnmp_receiver(trap_receiver) -> None:
    sender = TrapSender()
    info = dataclasses.replace(GUIDE, username="fieldtech", line="vty 1")
    try:
        sent = await sender.send_tty_trap([TrapTarget("127.0.0.1", trap_receiver.port, "private", "2c")], info)
        assert sent == 1
        (trap,) = await trap_receiver.wait_for(1)
        assert (trap.version, trap.community, trap.pdu_type) == ("2c", "private", "trap")
        assert trap.trap_oid == "1.3.6.1.4.1.9.0.1"
        assert trap.enterprise is None
        assert 0 <= trap.uptime < 6000
        assert trap.varbinds == [
            ("1.3.6.1.4.1.9.2.9.3.1.1.3.1", 6),
            *GUIDE_VARBINDS[1:5],
            ("1.3.6.1.4.1.9.2.9.2.1.18.3", b"fieldtech"),
        ]
        assert (await trap_receiver.quiet(0.3)) == [trap]
    finally:
        await sender.aclose()


async def test_v2c_inform_is_acknowledged(trap_receiver) -> None:
    sender = TrapSender()
    try:
        target = TrapTarget("127.0.0.1", trap_receiver.port, "public", "2c", inform=True)
        assert await sender.send_tty_trap([target], GUIDE) == 1  # 1 only once the receiver acknowledged it
        (trap,) = await trap_receiver.wait_for(1)
        assert (trap.version, trap.pdu_type, trap.trap_oid) == ("2c", "inform", "1.3.6.1.4.1.9.0.1")
        assert trap.value("1.3.6.1.4.1.9.2.9.2.1.18") == b"lab"
    finally:
        await sender.aclose()


async def test_one_trap_per_target_per_send(trap_receiver, snmp_receiver_module) -> None:
    second = snmp_receiver_module.TrapReceiver(["public"])
    await second.start()
    sender = TrapSender()
    try:
        targets = [
            TrapTarget("127.0.0.1", trap_receiver.port, "public", "1"),
            TrapTarget("127.0.0.1", second.port, "public", "2c"),
        ]
        assert await sender.send_tty_trap(targets, GUIDE) == 2
        assert await sender.send_tty_trap(targets[:1], dataclasses.replace(GUIDE, username="u2")) == 1
        await trap_receiver.wait_for(2)
        await second.wait_for(1)
        first_traps = await trap_receiver.quiet(0.5)
        assert [t.value("1.3.6.1.4.1.9.2.9.2.1.18") for t in first_traps] == [b"lab", b"u2"]
        assert [t.version for t in second.traps] == ["2c"]
    finally:
        second.stop()
        await sender.aclose()


async def test_wrong_community_is_not_accepted(trap_receiver) -> None:
    """The receiver checks the community on the wire: proof that the configured one is what is sent."""
    sender = TrapSender()
    try:
        await sender.send_tty_trap([TrapTarget("127.0.0.1", trap_receiver.port, "not-configured", "2c")], GUIDE)
        assert await trap_receiver.quiet(0.5) == []
    finally:
        await sender.aclose()


async def test_sys_up_time_grows_on_one_sender(trap_receiver) -> None:
    sender = TrapSender()
    target = TrapTarget("127.0.0.1", trap_receiver.port, "public", "2c")
    try:
        await sender.send_tty_trap([target], GUIDE)
        await trap_receiver.wait_for(1)
        await asyncio.sleep(1.0)
        await sender.send_tty_trap([dataclasses.replace(target, version="1")], GUIDE)
        first, second = await trap_receiver.wait_for(2)
        assert second.uptime - first.uptime >= 95  # hundredths of a second; v1 time-stamp vs v2c sysUpTime.0
    finally:
        await sender.aclose()


async def test_agent_addr_falls_back_when_local_address_is_not_ipv4(trap_receiver) -> None:
    sender = TrapSender(agent_address="127.0.0.1")
    info = dataclasses.replace(GUIDE, local_address="::1", peer_address="::1")
    try:
        await sender.send_tty_trap([TrapTarget("127.0.0.1", trap_receiver.port, "public", "1")], info)
        (trap,) = await trap_receiver.wait_for(1)
        assert trap.agent_addr == "127.0.0.1"
        assert trap.oid("1.3.6.1.2.1.6.13.1.1") == "1.3.6.1.2.1.6.13.1.1.0.0.0.0.22.0.0.0.0.55246"
    finally:
        await sender.aclose()


async def test_schedule_sends_in_background(trap_receiver) -> None:
    sender = TrapSender()
    try:
        task = sender.schedule([TrapTarget("127.0.0.1", trap_receiver.port, "public", "1")], GUIDE)
        assert task is not None
        assert await task == 1
        await trap_receiver.wait_for(1)
        assert sender.schedule([], GUIDE) is None
    finally:
        await sender.aclose()


# --- failures never reach the session ------------------------------------------------------------------------


def _silent_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_unreachable_targets_do_not_raise(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "s3cr3t-community"
    sender = TrapSender(inform_timeout_s=0.2, inform_retries=0, debug=True)
    port = _silent_udp_port()
    targets = [
        TrapTarget("127.0.0.1", port, secret, "1"),  # nobody listens: a trap is still "sent"
        TrapTarget("no-such-host.invalid", 162, secret, "2c"),  # a name: refused by the egress policy, unresolved
        TrapTarget("127.0.0.1", port, secret, "2c", inform=True),  # never acknowledged
    ]
    try:
        assert await sender.send_tty_trap(targets, GUIDE) == 1
        task = sender.schedule(targets, GUIDE)
        assert task is not None
        assert await task == 1
        assert caplog.text.count("egress to no-such-host.invalid:162 (SNMP trap host) refused") == 1
    finally:
        await sender.aclose()
    assert secret not in caplog.text


async def test_in_flight_sends_are_bounded(trap_receiver, caplog: pytest.LogCaptureFixture) -> None:
    sender = TrapSender(max_in_flight=1, inform_timeout_s=0.3, inform_retries=0)
    slow = TrapTarget("127.0.0.1", _silent_udp_port(), "public", "2c", inform=True)
    try:
        first = sender.schedule([slow], GUIDE)
        assert first is not None
        assert sender.in_flight == 1
        assert sender.schedule([TrapTarget("127.0.0.1", trap_receiver.port, "public", "1")], GUIDE) is None
        assert "dropped" in caplog.text
        assert await first == 0
        assert sender.in_flight == 0
        later = sender.schedule([TrapTarget("127.0.0.1", trap_receiver.port, "public", "1")], GUIDE)
        assert later is not None and await later == 1
    finally:
        await sender.aclose()


#: The guide's ``debug snmp packet`` trap, as the device log holds it (the varbind lines follow the stamped one).
GUIDE_DEBUG_V1 = """SNMP: V1 Trap, ent cisco, addr 127.0.0.1, gentrap 6, spectrap 1
local.9.3.1.1.2.1 = 6
tcpConnEntry.1.127.0.0.1.22.127.0.0.2.55246 = 4
ltcpConnEntry.5.127.0.0.1.22.127.0.0.2.55246 = 1015
ltcpConnEntry.1.127.0.0.1.22.127.0.0.2.55246 = 1056
ltcpConnEntry.2.127.0.0.1.22.127.0.0.2.55246 = 1392
local.9.2.1.18.2 = lab"""


def test_debug_trap_is_the_guides_text() -> None:
    assert snmp.debug_trap("1", False, "127.0.0.1", 0, snmp.tty_varbinds(GUIDE)) == GUIDE_DEBUG_V1
    v2 = snmp.debug_trap("2c", True, "127.0.0.1", 1234, snmp.tty_varbinds(GUIDE)).split("\n")
    assert v2[:3] == ["SNMP: V2 Inform request, errstat 0, erridx 0", "sysUpTime.0 = 1234", "snmpTrapOID.0 = cisco.0.1"]
    assert v2[3:] == GUIDE_DEBUG_V1.split("\n")[1:]
    assert snmp.debug_name("1.3.6.1.2.1.1.5.0") == "1.3.6.1.2.1.1.5.0"  # no name known: the dotted OID


async def test_debug_logs_queue_trap_and_sent_lines_without_community(trap_receiver, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    syslog: list[str] = []
    sender = TrapSender(syslog=syslog.append)  # the device's IOS log
    target = TrapTarget("127.0.0.1", trap_receiver.port, "public", "1")
    try:
        await sender.send_tty_trap([target], GUIDE)
        assert syslog == []  # debug off: silent
        sender.debug = True
        await sender.send_tty_trap([target], GUIDE)
        assert syslog == ["SNMP: Queuing packet to 127.0.0.1", GUIDE_DEBUG_V1, "SNMP: Packet sent via UDP to 127.0.0.1"]
        syslog.clear()
        await sender.send_tty_trap([TrapTarget("127.0.0.1", trap_receiver.port, "private", "2c")], GUIDE)
        assert syslog[0] == "SNMP: Queuing packet to 127.0.0.1" and syslog[1].startswith("SNMP: V2 Trap, ")
        assert syslog[2] == "SNMP: Packet sent via UDP to 127.0.0.1"
        await trap_receiver.wait_for(3)
    finally:
        await sender.aclose()
    assert "public" not in caplog.text + "".join(syslog)
    assert "private" not in caplog.text + "".join(syslog)


# --- delivery to Debian snmptrapd (an independent C decoder) -------------------------------------------------


async def test_v1_and_v2c_traps_to_snmptrapd(snmptrapd) -> None:
    sender = TrapSender()
    try:
        assert await sender.send_tty_trap([TrapTarget("127.0.0.1", snmptrapd.port, "public", "1")], GUIDE) == 1
        v1 = (await asyncio.to_thread(snmptrapd.traps, 1))[0]
        info = dataclasses.replace(GUIDE, username="fieldtech")
        assert await sender.send_tty_trap([TrapTarget("127.0.0.1", snmptrapd.port, "private", "2c")], info) == 1
        traps = await asyncio.to_thread(snmptrapd.traps, 2)
        traps = await asyncio.to_thread(snmptrapd.settle, 0.5)
    finally:
        await sender.aclose()
    assert len(traps) == 2, traps  # exactly one per send
    v2 = traps[1]

    assert v1["version"] == "0"
    assert v1["community"] == "public"
    assert v1["agent"] == "127.0.0.1"
    assert v1["enterprise"] == ".1.3.6.1.4.1.9"
    assert v1["generic"] == "6"
    assert v1["specific"].lstrip(".") == "1"
    assert v1["vars"].split("|") == [
        ".1.3.6.1.4.1.9.2.9.3.1.1.2.1 = INTEGER: 6",
        f".1.3.6.1.2.1.6.13.1.1.{CONN} = INTEGER: 4",
        f".1.3.6.1.4.1.9.2.6.1.1.5.{CONN} = Timeticks: (1015) 0:00:10.15",
        f".1.3.6.1.4.1.9.2.6.1.1.1.{CONN} = INTEGER: 1056",
        f".1.3.6.1.4.1.9.2.6.1.1.2.{CONN} = INTEGER: 1392",
        '.1.3.6.1.4.1.9.2.9.2.1.18.2 = STRING: "lab"',
    ]

    assert v2["version"] == "1"
    assert v2["community"] == "private"
    varbinds = v2["vars"].split("|")
    assert varbinds[0].startswith(".1.3.6.1.2.1.1.3.0 = Timeticks: (")
    assert varbinds[1] == ".1.3.6.1.6.3.1.1.4.1.0 = OID: .1.3.6.1.4.1.9.0.1"
    assert varbinds[2:] == [
        ".1.3.6.1.4.1.9.2.9.3.1.1.2.1 = INTEGER: 6",
        f".1.3.6.1.2.1.6.13.1.1.{CONN} = INTEGER: 4",
        f".1.3.6.1.4.1.9.2.6.1.1.5.{CONN} = Timeticks: (1015) 0:00:10.15",
        f".1.3.6.1.4.1.9.2.6.1.1.1.{CONN} = INTEGER: 1056",
        f".1.3.6.1.4.1.9.2.6.1.1.2.{CONN} = INTEGER: 1392",
        '.1.3.6.1.4.1.9.2.9.2.1.18.2 = STRING: "fieldtech"',
    ]
