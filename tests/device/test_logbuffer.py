"""A device's IOS log: IOS timestamps, bounds, ``show logging``, the ``terminal monitor`` feed, the console, and
nothing from Python logging or from another device."""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from datetime import UTC, datetime

import pytest

from iosxe_agent.device.logbuffer import DeviceLog, format_line, ios_log_timestamp, show_logging
from iosxe_agent.device.views import LoggingView


@pytest.fixture
def buffer() -> DeviceLog:
    return DeviceLog(capacity=3)


def _epoch(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


def test_ios_timestamp() -> None:
    assert ios_log_timestamp(_epoch(2026, 11, 24, 10, 15, 2, 123999)) == "*Nov 24 10:15:02.123"
    assert ios_log_timestamp(_epoch(2024, 3, 1, 0, 0, 32, 5000)) == "*Mar  1 00:00:32.005"  # day padded
    line = format_line(_epoch(2024, 8, 20, 13, 44, 11, 848000), "%SSH-5-ENABLED: SSH 2.0 has been enabled")
    assert line == "*Aug 20 13:44:11.848: %SSH-5-ENABLED: SSH 2.0 has been enabled"  # §3.1, real 17.x


def test_keeps_the_newest_messages(buffer: DeviceLog) -> None:
    for i in range(5):
        buffer.emit(f"%SYS-5-CONFIG_I: Configured from console by admin on vty{i}")
    lines = buffer.lines()
    assert len(lines) == len(buffer) == 3
    assert [line.rsplit("vty", 1)[1] for line in lines] == ["2", "3", "4"]
    assert all(re.match(r"^\*\w{3} [ \d]\d \d\d:\d\d:\d\d\.\d{3}: %SYS-5-CONFIG_I: ", line) for line in lines)
    assert buffer.logged == 5


def test_python_logging_and_other_devices_never_reach_it(buffer: DeviceLog) -> None:
    other = DeviceLog()
    logging.getLogger("iosxe_agent.device.passwords").warning("secret is %s", "s3cr3t")
    logging.getLogger("iosxe_agent.syslog").error("%SYS-3-X: a process-wide logger is no device's log")
    other.emit("%CRYPTO_ENGINE-5-KEY_ADDITION: A key named R2.lab has been generated or imported by crypto-engine")
    buffer.emit("SNMP: Packet sent via UDP to 127.0.0.1:162")
    assert len(buffer) == 1 and buffer.lines()[0].endswith(": SNMP: Packet sent via UDP to 127.0.0.1:162")
    assert len(other) == 1 and buffer.logged == other.logged == 1


def test_trailing_blanks_are_cut(buffer: DeviceLog) -> None:
    buffer.emit("%SYS-3-ERROR: something failed   ")
    assert buffer.lines()[0].endswith(": %SYS-3-ERROR: something failed")


def test_clear_keeps_counting(buffer: DeviceLog) -> None:
    buffer.emit("%SSH-5-ENABLED: SSH 2.0 has been enabled")
    buffer.clear()
    assert buffer.lines() == [] and buffer.logged == 1


def test_console_lines_carry_the_device_name(caplog: pytest.LogCaptureFixture) -> None:
    names = iter(["R1", "Edge-7"])  # read at each message: a hostname change shows at once
    log = DeviceLog(name=lambda: next(names), console=logging.getLogger("iosxe_agent.syslog"), clock=lambda: 0.0)
    with caplog.at_level(logging.INFO, logger="iosxe_agent.syslog"):
        log.emit("%SSH-5-ENABLED: SSH 2.0 has been enabled")
        log.emit("%SSH-5-DISABLED: SSH 2.0 has been disabled")
    got = [(r.name, getattr(r, "device", None), r.getMessage()) for r in caplog.records]
    assert got == [
        ("iosxe_agent.syslog", "R1", "%SSH-5-ENABLED: SSH 2.0 has been enabled"),
        ("iosxe_agent.syslog", "Edge-7", "%SSH-5-DISABLED: SSH 2.0 has been disabled"),
    ]
    assert log.lines() == ["*Jan  1 00:00:00.000: " + m for (_, _, m) in got]


def test_capacity_must_be_positive() -> None:
    with pytest.raises(ValueError):
        DeviceLog(capacity=0)


def test_show_logging_header_and_lines(buffer: DeviceLog) -> None:
    buffer.emit("%CRYPTO_ENGINE-5-KEY_ADDITION: A key named R1.lab has been generated or imported by crypto-engine")
    buffer.emit("%SSH-5-ENABLED: SSH 2.0 has been enabled")
    text = show_logging(buffer)
    lines = text.split("\n")
    assert lines[0] == (
        "Syslog logging: enabled (0 messages dropped, 0 messages rate-limited, 0 flushes, 0 overruns, "
        "xml disabled, filtering disabled)"
    )
    assert "    Buffer logging:  level debugging, 2 messages logged, xml disabled," in lines
    assert "    Trap logging: level informational, 2 message lines logged" in lines
    i = lines.index("Log Buffer (102400 bytes):")
    assert lines[i + 1] == ""
    assert lines[i + 2 :] == buffer.lines()
    assert lines[-1].endswith(": %SSH-5-ENABLED: SSH 2.0 has been enabled")


def test_show_logging_empty() -> None:
    buf = DeviceLog()
    buf.follow(lambda: LoggingView(buffer_size=8192))  # 'logging buffered 8192'
    assert show_logging(buf).endswith("\nLog Buffer (8192 bytes):\n")


#: ntc-templates ``cisco_ios_show_logging`` date-stamped line (``^(\*)?MONTH DAY TIME: %FAC-SEV-MNEM: MSG``).
NTC_LOG_LINE = re.compile(
    r"^(\*)?(?P<month>\S+)\s+(?P<day>\d{1,2})\s+(?P<time>\d+:\d+:\d+\.\d+):\s+%(?P<facility>\w+)-(?P<severity>\d)-"
    r"(?P<mnemonic>\S+):\s+(?P<message>.+)$"
)


def test_ntc_pattern_reads_the_lines(buffer: DeviceLog) -> None:
    buffer.emit(
        "%SSH-5-SSH2_USERAUTH: User 'bob' authentication for SSH2 Session from 192.0.2.1 (tty = 0) using "
        "crypto cipher 'aes256-ctr', hmac 'hmac-sha2-256' Succeeded"
    )
    m = NTC_LOG_LINE.match(buffer.lines()[-1])
    assert m and (m["facility"], m["severity"], m["mnemonic"]) == ("SSH", "5", "SSH2_USERAUTH")


def test_ntc_templates_parse_when_installed(buffer: DeviceLog) -> None:
    ntc = pytest.importorskip("ntc_templates.parse")
    buffer.emit("%SSH-5-ENABLED: SSH 2.0 has been enabled")
    buffer.emit("%SSH-5-DISABLED: SSH 2.0 has been disabled")
    parsed = ntc.parse_output(platform="cisco_ios", command="show logging", data=show_logging(buffer))
    assert [(p["facility"], p["mnemonic"], p["message"]) for p in parsed] == [
        ("SSH", "ENABLED", ["SSH 2.0 has been enabled"]),
        ("SSH", "DISABLED", ["SSH 2.0 has been disabled"]),
    ]


# -- terminal monitor -------------------------------------------------------------------------------------------


def test_subscribers_get_each_line_until_they_unsubscribe(buffer: DeviceLog) -> None:
    got: list[str] = []
    unsubscribe = buffer.subscribe(got.append)
    assert buffer.subscribers == 1
    buffer.emit("%SSH-5-ENABLED: SSH 2.0 has been enabled")
    unsubscribe()
    unsubscribe()  # twice is harmless
    buffer.emit("%SSH-5-DISABLED: SSH 2.0 has been disabled")
    assert got == buffer.lines()[:1] and buffer.subscribers == 0
    assert buffer.monitor_logged == 1


def test_a_failing_subscriber_harms_nobody(buffer: DeviceLog, caplog: pytest.LogCaptureFixture) -> None:
    got: list[str] = []

    def broken(line: str) -> None:
        raise RuntimeError("terminal gone")

    buffer.subscribe(broken)
    buffer.subscribe(got.append)
    with caplog.at_level(logging.ERROR, logger="iosxe_agent.device.logbuffer"):
        buffer.emit("%SSH-5-ENABLED: SSH 2.0 has been enabled")
    assert len(got) == 1 and len(buffer) == 1
    assert any("subscriber" in r.getMessage() for r in caplog.records)


async def test_lines_logged_in_a_thread_reach_the_loop(buffer: DeviceLog) -> None:
    loop = asyncio.get_running_loop()
    got: list[tuple[str, bool]] = []
    arrived = asyncio.Event()

    def on_line(line: str) -> None:
        got.append((line, threading.current_thread() is threading.main_thread()))
        arrived.set()

    buffer.subscribe(on_line)
    await loop.run_in_executor(None, buffer.emit, "%CRYPTO_ENGINE-5-KEY_DELETED: A key named k has been removed")
    await asyncio.wait_for(arrived.wait(), 5)
    assert got == [(buffer.lines()[0], True)]  # delivered on the loop's (main) thread


async def test_unsubscribed_before_delivery_gets_nothing(buffer: DeviceLog) -> None:
    got: list[str] = []
    unsubscribe = buffer.subscribe(got.append)
    worker = threading.Thread(target=buffer.emit, args=("%SYS-5-X: queued",))
    worker.start()
    worker.join()  # blocks the loop: the delivery is queued on it but cannot run yet
    unsubscribe()
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert got == []
