"""Syslog to ``logging host``: the datagram IOS sends (pure), and a device log sending it over real loopback UDP
through :class:`SyslogSender`: the trap level filters, the egress gate refuses, a full send buffer drops and counts,
a worker thread's message reaches the wire, and ``show logging`` lists each host the way genie's ``ShowLogging``
reads it (genie runs in its own virtualenv, ``IOSXE_TEST_PYATS_PYTHON``; skipped without it).
"""

from __future__ import annotations

import asyncio
import errno
import json
import os
import select
import socket
import subprocess
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any
from unittest.mock import Mock

import pytest

from iosxe_agent.device import syslog
from iosxe_agent.device.egress import Egress, EgressPolicy
from iosxe_agent.device.logbuffer import DeviceLog, show_logging
from iosxe_agent.device.syslog import MAX_DATAGRAM, SyslogSender, syslog_packet
from iosxe_agent.device.views.logging_view import FACILITY_CODES, LoggingView, SyslogHost

CONFIG_I = "%SYS-5-CONFIG_I: Configured from console by admin on vty0 (127.0.0.1)"
RECEIVE_TIMEOUT_S = 5.0
PYATS_PYTHON_ENV = "IOSXE_TEST_PYATS_PYTHON"
GENIE_TIMEOUT_S = 120


# -- the datagram (pure) ----------------------------------------------------------------------------------------------
def test_a_message_is_one_bsd_datagram_with_local7_pri_and_the_sequence_number() -> None:
    assert syslog_packet(12, 0.0, CONFIG_I, FACILITY_CODES["local7"]) == [
        b"<189>12: *Jan  1 00:00:00.000: " + CONFIG_I.encode()
    ]


def test_pri_is_facility_times_eight_plus_the_severity() -> None:
    (warning,) = syslog_packet(1, 0.0, "%LINK-4-ERROR: x", FACILITY_CODES["local5"])
    (debug,) = syslog_packet(2, 0.0, "SNMP: Packet sent via UDP to 127.0.0.1", FACILITY_CODES["kern"])
    assert warning.startswith(b"<172>1: ") and debug.startswith(b"<7>2: ")


def test_each_line_of_a_dump_is_a_datagram_and_none_exceeds_rfc_3164s_size() -> None:
    dump = syslog_packet(3, 0.0, "SNMP: V1 Trap, ent cisco\nlocal.9.3.1.1.2.1 = 6\n", 23)
    assert dump == [
        b"<191>3: *Jan  1 00:00:00.000: SNMP: V1 Trap, ent cisco",
        b"<191>3: *Jan  1 00:00:00.000: local.9.3.1.1.2.1 = 6",
    ]
    (long,) = syslog_packet(4, 0.0, "%SYS-5-CONFIG_I: " + "x" * 5000, 23)
    assert len(long) == MAX_DATAGRAM


# -- a device log sending over loopback UDP ---------------------------------------------------------------------------
@pytest.fixture
def collector() -> Iterator[socket.socket]:
    """A syslog collector on a loopback address of its own, ephemeral port."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.71", 0))
        sock.settimeout(RECEIVE_TIMEOUT_S)
        yield sock


def _host(sock: socket.socket) -> SyslogHost:
    address, port = sock.getsockname()
    return SyslogHost(address, port=port)


@pytest.fixture
async def sender() -> AsyncIterator[SyslogSender]:
    s = SyslogSender(Egress(), source="127.0.0.1")
    await s.start()
    yield s
    s.close()


def _log(sender: SyslogSender, view: LoggingView) -> DeviceLog:
    log = DeviceLog(clock=lambda: 0.0)
    log.follow(lambda: view)
    log.send_to(sender)
    return log


async def _receive(sock: socket.socket) -> bytes:
    data, _ = await asyncio.to_thread(sock.recvfrom, 4096)
    return data


def _pending(sock: socket.socket) -> bytes | None:
    """A datagram already delivered, if any: loopback UDP is delivered inside ``sendto``, so a datagram the same
    send call would have produced is here by the time a later one arrived (no waiting for an absence)."""
    readable, _, _ = select.select([sock], [], [], 0)
    return sock.recv(4096) if readable else None


async def test_messages_at_or_above_the_trap_level_reach_the_collector(
    sender: SyslogSender, collector: socket.socket
) -> None:
    log = _log(sender, LoggingView(trap_level=5, hosts=(_host(collector),)))
    log.emit("%SSH-6-INFO: held back by logging trap notifications")
    log.emit(CONFIG_I)
    assert await _receive(collector) == b"<189>2: *Jan  1 00:00:00.000: " + CONFIG_I.encode()  # 1 was held back
    assert _pending(collector) is None
    assert (log.logged, log.trap_logged, sender.dropped) == (2, 1, 0)
    text = show_logging(log)
    assert "    Trap logging: level notifications, 1 message lines logged\n" in text
    address, port = collector.getsockname()
    assert f"\n        Logging to {address}  (udp port {port}, audit disabled,\n              link up),\n" in text
    assert "\n              1 message lines logged,\n" in text


async def test_the_source_is_the_devices_own_address(sender: SyslogSender, collector: socket.socket) -> None:
    _log(sender, LoggingView(hosts=(_host(collector),))).emit(CONFIG_I)
    _, (source, _) = await asyncio.to_thread(collector.recvfrom, 4096)
    assert source == "127.0.0.1"


async def test_a_worker_threads_message_hops_onto_the_loop(sender: SyslogSender, collector: socket.socket) -> None:
    log = _log(sender, LoggingView(hosts=(_host(collector),)))
    worker = threading.Thread(target=log.emit, args=("%CRYPTO_ENGINE-5-KEY_ADDITION: A key named k",))
    worker.start()
    assert (await _receive(collector)).startswith(b"<189>1: *Jan  1 00:00:00.000: %CRYPTO_ENGINE-5-KEY_ADDITION")
    worker.join()


async def test_a_destination_the_egress_policy_refuses_gets_nothing(collector: socket.socket) -> None:
    refusing = SyslogSender(Egress(EgressPolicy.parse("127.0.0.2/32")), source="127.0.0.1")
    await refusing.start()
    try:
        open_host = SyslogHost("127.0.0.2", port=9)  # allowed: proves the same call went on past the refusal
        log = _log(refusing, LoggingView(hosts=(_host(collector), open_host)))
        log.emit(CONFIG_I)
        assert _pending(collector) is None
        assert "\n              0 message lines logged,\n" in show_logging(log)
        assert "\n              1 message lines logged,\n" in show_logging(log)
    finally:
        refusing.close()


async def test_a_full_send_buffer_drops_and_counts(monkeypatch: pytest.MonkeyPatch, collector: socket.socket) -> None:
    full = Mock(spec=socket.socket, **{"sendto.side_effect": BlockingIOError(errno.EAGAIN, "full")})
    monkeypatch.setattr(syslog, "_datagram_socket", lambda family, source: full)  # a kernel that takes nothing
    sender = SyslogSender(Egress())
    await sender.start()
    log = _log(sender, LoggingView(hosts=(_host(collector),)))
    log.emit(CONFIG_I)
    log.emit(CONFIG_I)
    assert sender.dropped == 2 and show_logging(log).startswith("Syslog logging: enabled (2 messages dropped,")
    assert "\n              0 message lines logged,\n" in show_logging(log)
    sender.close()
    full.close.assert_called_once_with()


async def test_a_host_name_is_not_resolved_and_its_messages_are_dropped(
    sender: SyslogSender, collector: socket.socket
) -> None:
    log = _log(sender, LoggingView(hosts=(SyslogHost("localhost"), _host(collector))))  # localhost passes egress
    log.emit(CONFIG_I)
    assert (await _receive(collector)).startswith(b"<189>1: ") and sender.dropped == 1


async def test_a_sender_not_started_drops_and_counts(collector: socket.socket) -> None:
    stopped = SyslogSender(Egress())  # never started: no loop to send on
    log = _log(stopped, LoggingView(hosts=(_host(collector),)))
    log.emit(CONFIG_I)
    assert stopped.dropped == 1 and _pending(collector) is None


# -- genie reads the host entry ---------------------------------------------------------------------------------------
GENIE_SCRIPT = """
import json, sys
from unittest.mock import Mock
from genie.libs.parser.iosxe.show_logging import ShowLogging
print(json.dumps(ShowLogging(device=Mock()).parse(output=sys.stdin.read())))
"""


def _genie(text: str) -> dict[str, Any]:
    python = os.environ.get(PYATS_PYTHON_ENV)
    if not python:
        pytest.skip(f"genie runs in its own virtualenv; set {PYATS_PYTHON_ENV} to its python (tools/test-all does)")
    done = subprocess.run(
        [python, "-c", GENIE_SCRIPT], input=text, capture_output=True, text=True, timeout=GENIE_TIMEOUT_S, check=False
    )
    assert done.returncode == 0, done.stderr[-4000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


async def test_genie_reads_each_host_of_show_logging(sender: SyslogSender, collector: socket.socket) -> None:
    hosts = (_host(collector), SyslogHost("127.0.0.72", port=1514))
    log = _log(sender, LoggingView(hosts=hosts))
    log.emit(CONFIG_I)
    await _receive(collector)
    parsed = await asyncio.to_thread(_genie, show_logging(log))
    trap = parsed["logging"]["trap"]
    assert (trap["level"], trap["message_lines_logged"]) == ("informational", 1)
    address, port = collector.getsockname()
    assert trap["logging_to"][address] == {
        "protocol": "udp", "port": port, "audit": "disabled", "link": "up", "message_lines_logged": 1,
        "message_lines_rate_limited": 0, "message_lines_dropped_by_md": 0, "xml": "disabled",
        "sequence_number": "disabled", "filtering": "disabled",
    }  # fmt: skip
    assert trap["logging_to"]["127.0.0.72"]["port"] == 1514
