"""The egress policy (pure) and one device's gate: parsing, membership, ``localhost``, one console line per refusal.

The gate is also what the AAA clients and the trap sender ask before any socket: those tests hand them a policy
that refuses a loopback address and prove nothing was even attempted (no counter of an opened socket, no wait).
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import socket
import time
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iosxe_agent.device.aaa.network import AccountingRecord, NetworkAaa
from iosxe_agent.device.aaa.radius import RadiusServer
from iosxe_agent.device.aaa.tacacs import TacacsServer
from iosxe_agent.device.egress import (
    LOOPBACK,
    MAX_NETWORKS,
    MAX_REPORTED,
    Egress,
    EgressPolicy,
    EgressSyntaxError,
    egress_argument,
)
from iosxe_agent.device.snmp import SessionEnd, TrapSender
from iosxe_agent.device.views import TrapTarget

ONLY_ONE = EgressPolicy.parse("127.0.0.1/32")
REFUSED = "127.0.0.9"  # loopback, yet outside ONLY_ONE: the refused destination without any packet leaving
GUIDE = SessionEnd(
    username="lab", peer_address="127.0.0.2", peer_port=55246, local_address="127.0.0.1", local_port=22,
    line="vty 0", bytes_in=10, bytes_out=20, elapsed_s=1.0,
)  # fmt: skip


# -- the policy -------------------------------------------------------------------------------------------------------
def test_default_is_loopback_only() -> None:
    assert str(LOOPBACK) == "127.0.0.0/8, ::1/128"
    assert LOOPBACK.allows("127.0.0.1") and LOOPBACK.allows("127.255.255.254") and LOOPBACK.allows("::1")
    for outside in ("10.0.0.10", "192.168.1.1", "8.8.8.8", "::2", "fe80::1", "0.0.0.0", "128.0.0.1"):
        assert not LOOPBACK.allows(outside), outside


def test_names_and_odd_spellings_are_not_addresses() -> None:
    # inet_aton would read "127.1" and "0x7f.0.0.1" as loopback; the policy reads only canonical literals
    for text in ("localhost", "router.example", "127.1", "0x7f.0.0.1", "", " 127.0.0.1", "127.0.0.1.", "[::1]"):
        assert not LOOPBACK.allows(text), text


def test_ipv4_mapped_ipv6_is_judged_as_the_ipv4_address() -> None:
    assert LOOPBACK.allows("::ffff:127.0.0.5")
    assert not LOOPBACK.allows("::ffff:10.0.0.10")


def test_parse_lists_networks_and_bare_addresses() -> None:
    policy = EgressPolicy.parse("127.0.0.1, 127.1.0.0/16,::1")
    assert str(policy) == "127.0.0.1/32, 127.1.0.0/16, ::1/128"
    assert policy.allows("127.1.200.3") and not policy.allows("127.0.0.2")
    assert str(EgressPolicy.parse("none")) == "nothing" and not EgressPolicy.parse("none").allows("127.0.0.1")


@pytest.mark.parametrize("text", ["", "127.0.0.0/8,", "127.0.0.1/8", "bogus", "127.0.0.0/33", "localhost"])
def test_parse_refuses_what_is_not_a_network(text: str) -> None:
    with pytest.raises(EgressSyntaxError):
        EgressPolicy.parse(text)
    with pytest.raises(argparse.ArgumentTypeError):
        egress_argument(text)


def test_parse_is_bounded() -> None:
    with pytest.raises(EgressSyntaxError, match="more than"):
        EgressPolicy.parse(",".join(f"127.0.{i // 256}.{i % 256}" for i in range(MAX_NETWORKS + 1)))
    with pytest.raises(EgressSyntaxError, match="longer than"):
        EgressPolicy.parse("127.0.0.1," * 1000)


def test_including_adds_listening_addresses_but_not_wildcards_or_names() -> None:
    policy = ONLY_ONE.including(["127.1.0.5", "0.0.0.0", "::", "lab-router", "127.0.0.1", "127.1.0.5", "::2"])
    assert str(policy) == "127.0.0.1/32, 127.1.0.5/32, ::2/128"
    assert ONLY_ONE.including([]) == ONLY_ONE


def test_a_fleets_consecutive_addresses_collapse_into_few_networks() -> None:
    fleet = [str(ipaddress.IPv4Address("127.1.0.1") + i) for i in range(1000)]  # --address-base 127.1.0.1
    policy = ONLY_ONE.including(fleet)
    assert len(policy.networks) < 20
    assert all(policy.allows(address) for address in fleet)
    assert not policy.allows("127.1.0.0") and not policy.allows("127.1.3.233") and not policy.allows(REFUSED)


@given(st.ip_addresses(v=4))
def test_loopback_is_exactly_127_slash_8(address: object) -> None:
    assert LOOPBACK.allows(str(address)) == str(address).startswith("127.")


# -- one device's gate ------------------------------------------------------------------------------------------------
def test_a_refusal_is_logged_once_per_destination(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, "iosxe_agent.device.egress")
    gate = Egress(ONLY_ONE)
    assert gate.permit("127.0.0.1", 49, "tacacs+ server T")
    for _ in range(3):
        assert not gate.permit(REFUSED, 49, "tacacs+ server T")
    assert not gate.permit(REFUSED, 162, "SNMP trap host")
    assert not gate.permit("::2", 22, "ssh")
    assert [r.getMessage() for r in caplog.records] == [
        "egress to 127.0.0.9:49 (tacacs+ server T) refused by --egress policy; allowed: 127.0.0.1/32",
        "egress to 127.0.0.9:162 (SNMP trap host) refused by --egress policy; allowed: 127.0.0.1/32",
        "egress to [::2]:22 (ssh) refused by --egress policy; allowed: 127.0.0.1/32",
    ]


def test_the_memory_of_refusals_is_bounded(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, "iosxe_agent.device.egress")
    gate = Egress(EgressPolicy.parse("none"))
    for port in range(1, MAX_REPORTED + 50):
        assert not gate.permit(REFUSED, port, "ssh")
    assert len(caplog.records) == MAX_REPORTED + 1
    assert "further refusals are not logged" in caplog.records[-1].getMessage()
    assert len(gate._reported) == MAX_REPORTED + 1


def test_localhost_is_looked_up_once_and_must_resolve_inside_the_policy() -> None:
    asked: list[str] = []

    def lookup(name: str) -> tuple[str, ...]:
        asked.append(name)
        return ("127.0.0.1", "::1")

    gate = Egress(LOOPBACK, lookup=lookup)
    assert gate.allows("localhost") and gate.allows("LocalHost") and asked == ["localhost"]
    # ::1 is outside 127.0.0.1/32: a client could pick it, so the name is refused
    assert not Egress(ONLY_ONE, lookup=lookup).allows("localhost")
    assert not Egress(LOOPBACK, lookup=lambda name: ()).allows("localhost")


def test_other_names_are_refused_without_a_lookup() -> None:
    def lookup(name: str) -> tuple[str, ...]:
        raise AssertionError(f"{name} must not be resolved")

    gate = Egress(LOOPBACK, lookup=lookup)
    assert not gate.permit("tacacs.corp.example", 49, "tacacs+ server T")
    assert not gate.permit("localhost.", 22, "ssh")


def test_the_system_resolver_finds_localhost_on_loopback() -> None:
    assert Egress().allows("localhost")


# -- the clients ask before any socket -----------------------------------------------------------------------------
async def test_aaa_fails_over_past_a_refused_server_without_a_socket(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    aaa = NetworkAaa(Egress(ONLY_ONE))
    tacacs = TacacsServer("FAR", REFUSED, 49, "k", timeout=30)
    radius = RadiusServer("RFAR", REFUSED, 1812, 1813, key="k", timeout=30, retransmit=3)
    started = time.monotonic()
    assert await aaa.authenticate([tacacs, radius], "u", "p") is None
    assert await aaa.authorize_exec([tacacs], "u") is None
    record = AccountingRecord(task_id=1, port="tty0", rem_addr="127.0.0.1", privilege=1)
    assert await aaa.account([tacacs, radius], "u", start=True, record_args=record) is False
    assert time.monotonic() - started < 1  # no 30 s timeout was waited for: nothing was tried
    far = aaa.counter(tacacs)
    assert (far.authen.errors, far.author.errors, far.account.errors) == (1, 1, 1)
    assert not far.up and far.traffic.opens == 0 and far.traffic.sent == 0 and far.traffic.failed_connects == 3
    assert aaa.counter(radius).authen.errors == 1 and aaa.counter(radius).account.errors == 1
    egress_lines = [r for r in caplog.records if r.name == "iosxe_agent.device.egress"]
    assert [r.getMessage().split(" refused")[0] for r in egress_lines] == [
        "egress to 127.0.0.9:49 (tacacs+ server FAR)",
        "egress to 127.0.0.9:1812 (radius server RFAR)",
        "egress to 127.0.0.9:1813 (radius server RFAR)",
    ]


async def test_a_refused_trap_host_gets_nothing_and_the_others_still_get_theirs(
    trap_receiver: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as far:
        far.bind((REFUSED, 0))  # would catch a trap that slipped through
        far.setblocking(False)
        far_port = far.getsockname()[1]
        sender = TrapSender(egress=Egress(ONLY_ONE))
        targets = [
            TrapTarget(REFUSED, far_port, "public", "2c"),
            TrapTarget("127.0.0.1", trap_receiver.port, "public", "2c"),
        ]
        try:
            assert await sender.send_tty_trap(targets, GUIDE) == 1
            assert len(await trap_receiver.wait_for(1)) == 1
        finally:
            await sender.aclose()
        with pytest.raises(BlockingIOError):
            far.recv(65536)
    assert f"egress to 127.0.0.9:{far_port} (SNMP trap host) refused" in caplog.text
