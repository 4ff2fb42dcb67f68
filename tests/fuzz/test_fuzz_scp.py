"""Fuzzing the SCP protocol handler of the device port: asyncssh's SCP sink and source running over the IOS
file system (:class:`iosxe_agent.device.scp.ScpServer`), in-process, fed a scripted byte stream instead of a channel.

Whatever the client sends (``C``/``D``/``E``/``T`` lines, sizes that lie, names that try to leave flash:, a
stream that stops anywhere), the handler finishes without an exception, flash: never exceeds its size, and no
temporary file of an unfinished upload is left behind.
"""

from __future__ import annotations

import asyncio
import importlib
import os
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from namespaces import AAA, IOS

from iosxe_agent.datastore.store import RUNNING
from iosxe_agent.datastore.transaction import SYSTEM
from iosxe_agent.device.aaa.login import LoginResult
from iosxe_agent.device.files import TEMP_PREFIX
from iosxe_agent.device.scp import ScpServer
from iosxe_agent.device.sessions import SessionInfo
from iosxe_agent.router import Device

FUZZ = settings.get_profile("iosxe-fuzz")
SCP = importlib.import_module("asyncssh.scp")  # the module (``asyncssh.scp`` is also the name of a function)
LOGGER = importlib.import_module("asyncssh.logging").logger


class ScriptReader:
    """What the SCP handler reads: a fixed client stream, then end of file."""

    logger = LOGGER

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    async def read(self, n: int = -1) -> bytes:
        end = len(self.data) if n < 0 else self.pos + n
        out, self.pos = self.data[self.pos : end], min(end, len(self.data))
        return out

    async def readline(self) -> bytes:
        end = self.data.find(b"\n", self.pos)
        end = len(self.data) if end < 0 else end + 1
        out, self.pos = self.data[self.pos : end], end
        return out

    def at_eof(self) -> bool:
        return self.pos >= len(self.data)


class Channel:
    """The channel as the SCP server sees it: the command, the connection's addresses, exit and close."""

    def __init__(self, command: str) -> None:
        self.command = command
        self.exited: int | None = None
        self.stderr = b""

    def get_subsystem(self) -> None:
        return None

    def get_command(self) -> str:
        return self.command

    def get_connection(self) -> Channel:
        return self

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.2.1", 50000), "sockname": ("127.0.0.1", 22)}.get(name, default)

    def exit(self, status: int) -> None:
        self.exited = status

    def write_stderr(self, data: bytes) -> None:
        self.stderr += data

    def close(self) -> None:
        return None


class Writer:
    """What the SCP handler writes back to the client."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self.out = bytearray()

    def write(self, data: bytes) -> None:
        self.out += data

    async def drain(self) -> None:
        return None

    def close(self) -> None:
        return None

    async def wait_closed(self) -> None:
        return None


class Owner:
    """The session channel the transfer runs for (what ``DeviceSession`` is to an ``ScpServer``): the user of the
    authenticated connection, the device's debug switches and log, and the client stream (an upload closed at its
    end did not complete)."""

    def __init__(self, device: Device, reader: ScriptReader) -> None:
        self.user = "admin"
        self.address = "127.0.0.1"
        self.login = LoginResult(True, 15, "local")
        self.record = SessionInfo(0, "ssh", "admin", "127.0.0.1", mode="scp")
        self.debug = device.ssh.debug
        self.syslog = device.ssh.syslog
        self.reader = reader

    def input_ended(self) -> bool:
        return self.reader.at_eof()

    def transfer_ended(self) -> None:
        return None


_NAMES = st.sampled_from(
    [b"a.bin", b"flash:b.txt", b"../x", b"/etc/passwd", b"running-config", b"startup-config", b"", b"dir/f",
     b"\xff\xfe", b"nvram:x", b"x" * 300, b"c\x00d", b"flash:"]
)  # fmt: skip
_COMMANDS = st.sampled_from(
    ["scp -t flash:", "scp -t flash:up.bin", "scp -t running-config", "scp -t startup-config", "scp -f flash:a.bin",
     "scp -f running-config", "scp -r -t flash:", "scp -d -t flash:", "scp -p -t flash:u", "scp -f", "scp -z x",
     "scp -t '", "scp -f flash:*"]
)  # fmt: skip
_CONFIG = b"hostname FuzzR\nip ssh time-out 90\n"


@st.composite
def client_stream(draw: st.DrawFn) -> bytes:
    """A sink's input: file (C), directory (D/E) and time (T) records with data, or a source's acknowledgements."""
    parts: list[bytes] = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from([b"C", b"D", b"E", b"T", b"\x00", b"\x01", b"\x02", b"X"]))
        if kind == b"C":
            body = draw(st.one_of(st.just(_CONFIG), st.binary(max_size=200)))
            size = draw(st.one_of(st.just(len(body)), st.integers(0, 2**40)))
            mode = draw(st.sampled_from([b"0644", b"0755", b"9999", b"x"]))
            parts.append(b"C" + mode + b" %d " % size + draw(_NAMES) + b"\n" + body + b"\x00")
        elif kind == b"D":
            parts.append(b"D0755 0 " + draw(_NAMES) + b"\n")
        elif kind == b"T":
            parts.append(b"T%d 0 %d 0\n" % (draw(st.integers(0, 2**40)), draw(st.integers(-1, 2**33))))
        elif kind == b"E":
            parts.append(b"E\n")
        else:
            parts.append(kind + draw(st.binary(max_size=20)) + b"\n")
    stream = b"".join(parts)
    cut = draw(st.one_of(st.none(), st.integers(0, len(stream))))
    return stream if cut is None else stream[:cut]


def _allow_scp(loop: asyncio.AbstractEventLoop, device: Device) -> None:
    """``ip scp server enable`` and an exec authorization list: what an SCP transfer needs on the device."""
    edit = etree.fromstring(
        f'<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><native xmlns="{IOS}">'
        f'<ip><scp><server><enable/></server></scp></ip><aaa><authorization xmlns="{AAA}"><exec><name>default'
        "</name><a1><local/></a1></exec></authorization></aaa></native></config>"
    )
    loop.run_until_complete(device.stores.edit(RUNNING, edit, SYSTEM, default_operation="merge"))


def _transfer(loop: asyncio.AbstractEventLoop, device: Device, command: str, stream: bytes) -> bytes:
    """Run one SCP server session over ``stream``; returns what it sent back."""
    if getattr(device, "_fuzz_scp_ready", False) is False:
        _allow_scp(loop, device)
        device._fuzz_scp_ready = True  # type: ignore[attr-defined]
    reader = ScriptReader(stream)
    channel = Channel(command)
    server = ScpServer(channel, Owner(device, reader), device.ssh.files)  # type: ignore[arg-type]
    writer = Writer(channel)
    handler = SCP.run_scp_server(server, command, reader, writer, writer)
    if handler is not None:
        loop.run_until_complete(asyncio.wait_for(handler, 30))
    server.finish()
    return bytes(writer.out)


def test_the_harness_reaches_the_file_system(loop: asyncio.AbstractEventLoop, device: Device) -> None:
    flash = device.ssh.files.flash  # type: ignore[union-attr]
    assert _transfer(loop, device, "scp -t flash:", b"C0644 5 up.bin\nhello\x00") == b"\x00\x00\x00"
    assert flash.read("up.bin") == b"hello"
    _transfer(loop, device, "scp -t flash:", b"C0644 9 cut.bin\nhel")  # the client stops mid-file
    assert not flash.exists("cut.bin")


@settings(FUZZ, max_examples=3 * FUZZ.max_examples)
@given(command=_COMMANDS, stream=client_stream())
def test_scp_session(loop: asyncio.AbstractEventLoop, device: Device, command: str, stream: bytes) -> None:
    flash = device.ssh.files.flash  # type: ignore[union-attr]
    _transfer(loop, device, command, stream)
    assert flash.usage() <= flash.max_bytes
    leftovers = [f for _d, _s, files in os.walk(flash.root) for f in files if f.startswith(TEMP_PREFIX)]
    assert leftovers == []
