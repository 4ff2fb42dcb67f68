"""Syslog on the real agent: ``logging host`` makes the device send its IOS messages to a real UDP collector on a
loopback address, as IOS does (``<189>N: *Mmm dd hh:mm:ss.mmm: %SYS-5-CONFIG_I: …``, facility local7 unless
``logging facility`` says otherwise), ``logging trap`` holds back what is less severe, ``no logging host`` stops the
flow, and ``show logging`` lists each host with the lines it was sent (netmiko ``cisco_xe`` sessions, as automation
configures a box).
"""

from __future__ import annotations

import asyncio
import re
import select
import socket
from collections.abc import Iterator
from typing import Any

import asyncssh
import pytest
from agents import ADMIN_USER
from netmiko_session import netmiko_cli

RECEIVE_TIMEOUT_S = 20.0
MAX_DATAGRAMS = 50  # read while looking for one message: more than a configuration session logs
#: The datagram of a configuration change as IOS sends it (timestamp as ``service timestamps log datetime msec``).
CONFIG_I = re.compile(
    rb"<(?P<pri>\d+)>(?P<seq>\d+): \*[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d\.\d{3}: "
    rb"%SYS-5-CONFIG_I: Configured from console by " + ADMIN_USER.encode() + rb" on vty\d+ \(127\.0\.0\.1\)"
)


def configure(agent: Any, lines: list[str]) -> str:
    """One netmiko configuration session (it ends with ``end``: the ``%SYS-5-CONFIG_I`` message)."""
    conn = netmiko_cli(agent.ssh_port)
    try:
        out = str(conn.send_config_set(lines))
        logging = str(conn.send_command("show logging"))
    finally:
        conn.disconnect()
    assert "%" not in out, out
    return logging


@pytest.fixture(scope="module")
def collectors() -> Iterator[tuple[socket.socket, socket.socket]]:
    """Two syslog collectors, each on a loopback address of its own (ephemeral ports: tests run in parallel)."""
    with socket.socket(type=socket.SOCK_DGRAM) as one, socket.socket(type=socket.SOCK_DGRAM) as two:
        for sock, address in ((one, "127.0.0.73"), (two, "127.0.0.74")):
            sock.bind((address, 0))
            sock.settimeout(RECEIVE_TIMEOUT_S)
        yield one, two


def _host(sock: socket.socket) -> str:
    address, port = sock.getsockname()
    return f"logging host {address} transport udp port {port}"


def _until_config_i(sock: socket.socket) -> tuple[re.Match[bytes], list[bytes]]:
    """The next CONFIG_I datagram and the datagrams before it (bounded; the socket's timeout bounds the wait)."""
    before: list[bytes] = []
    for _ in range(MAX_DATAGRAMS):
        data = sock.recv(4096)
        match = CONFIG_I.fullmatch(data)
        if match:
            return match, before
        before.append(data)
    raise AssertionError(f"no CONFIG_I among {before!r}")


async def _login(agent: Any, password: str) -> bool:
    """One SSH password attempt (keyboard-interactive off, so it is exactly one)."""
    try:
        async with asyncssh.connect(
            "127.0.0.1", agent.ssh_port, username=ADMIN_USER, password=password, known_hosts=None, client_keys=None,
            kbdint_auth=False,
        ):  # fmt: skip
            return True
    except asyncssh.PermissionDenied:
        return False


def _severity(datagram: bytes) -> int:
    """The severity a datagram's ``<PRI>`` carries."""
    return int(datagram[1 : datagram.index(b">")]) % 8


def _drain(sock: socket.socket) -> list[bytes]:
    """What was delivered already (loopback UDP is delivered inside the sender's ``sendto``), bounded."""
    delivered: list[bytes] = []
    while len(delivered) < MAX_DATAGRAMS and select.select([sock], [], [], 0)[0]:
        delivered.append(sock.recv(4096))
    return delivered


def test_a_change_reaches_the_collector_as_ios_sends_it(agent: Any, collectors: tuple[socket.socket, ...]) -> None:
    one, _ = collectors
    logging = configure(agent, [_host(one)])
    match, _ = _until_config_i(one)
    assert match["pri"] == b"189"  # local7 (23) * 8 + notifications (5)
    address, port = one.getsockname()
    assert f"\n        Logging to {address}  (udp port {port}, audit disabled,\n              link up),\n" in logging
    assert "    Trap logging: level informational, " in logging


def test_logging_trap_holds_back_less_severe_messages(agent: Any, collectors: tuple[socket.socket, ...]) -> None:
    one, _ = collectors
    _drain(one)
    logging = configure(agent, [_host(one), "login on-failure log", "logging trap warnings"])
    assert "    Trap logging: level warnings, " in logging
    assert not asyncio.run(_login(agent, "not-the-password"))  # %SEC_LOGIN-4-LOGIN_FAILED: severe enough
    before: list[bytes] = []
    while b"%SEC_LOGIN-4-LOGIN_FAILED: " not in (datagram := one.recv(4096)) and len(before) < MAX_DATAGRAMS:
        before.append(datagram)
    assert _severity(datagram) == 4
    assert [d for d in before if CONFIG_I.fullmatch(d)] == []  # sent before the failure, had it been sent at all
    configure(agent, ["logging trap informational", "no login on-failure log"])
    _until_config_i(one)


def test_logging_facility_sets_the_pri(agent: Any, collectors: tuple[socket.socket, ...]) -> None:
    one, _ = collectors
    configure(agent, [_host(one), "logging facility local5"])
    match, _ = _until_config_i(one)
    assert match["pri"] == b"173"  # local5 (21) * 8 + 5
    configure(agent, ["logging facility local7"])
    assert _until_config_i(one)[0]["pri"] == b"189"


def test_no_logging_host_stops_the_flow(agent: Any, collectors: tuple[socket.socket, ...]) -> None:
    one, two = collectors
    configure(agent, [_host(one)])
    _until_config_i(one)
    logging = configure(agent, [_host(two), f"no {_host(one)}"])
    _until_config_i(two)  # the same send that would have reached the first collector reached the second
    assert [d for d in _drain(one) if CONFIG_I.fullmatch(d)] == []  # only the session's earlier messages came
    address, _ = one.getsockname()
    assert f"Logging to {address} " not in logging
