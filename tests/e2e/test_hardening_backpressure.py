"""Backpressure and CPU-heavy requests over the wire (issue 16, items 2 and 6).

Misbehaving peers are raw asyncssh clients that write and never read; the agent must stop reading from them once
their unread output passes ``max_pending_output_bytes``, keep its memory bounded (VmRSS of the agent process),
disconnect them after ``stalled_output_timeout_s``, and keep serving everybody else meanwhile. Large requests
(many ``<rpc>`` attributes, a filter of tens of megabytes) are answered or refused without holding up another
session's get-config for long; the worst delay seen is printed (``-s``) and checked against a generous bound.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable
from pathlib import Path

import asyncssh
import pytest
from agents import ADMIN_PASSWORD, limits
from framing import chunk
from lxml import etree
from namespaces import IOS, NC
from raw_netconf import MB, Netconf

SUPPORT = Path(__file__).resolve().parents[1] / "support"  # raw_netconf for the child process


def rss_bytes(agent) -> int:
    """VmRSS of the agent process."""
    with open(f"/proc/{agent.proc.pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def rpc(body: str, message_id: str = "1", attrs: str = "") -> bytes:
    return f'<rpc xmlns="{NC}" message-id="{message_id}"{attrs}>{body}</rpc>'.encode()


def error_tags(reply: etree._Element) -> list[str]:
    return [e.findtext(f"{{{NC}}}error-tag") or "" for e in reply.iter(f"{{{NC}}}rpc-error")]


GET_HOSTNAME = (
    f"<get-config><source><running/></source><filter><native xmlns='{IOS}'><hostname/></native></filter></get-config>"
)


async def latencies_while(agent, busy: Awaitable[object]) -> tuple[list[float], object]:
    """Run ``busy`` while another session does get-config back to back; the get-config latencies and busy's
    result."""
    other = await Netconf.open(agent)
    await other.call(rpc(GET_HOSTNAME))  # warm: the session is up and its first reply is out
    task = asyncio.ensure_future(busy)
    seen: list[float] = []
    try:
        while not task.done():
            start = time.perf_counter()
            reply = await other.call(rpc(GET_HOSTNAME, str(len(seen) + 2)))
            seen.append(time.perf_counter() - start)
            assert reply.find(f".//{{{IOS}}}hostname") is not None
        return seen, await task
    finally:
        await other.close()


async def test_netconf_client_that_never_reads_is_bounded_and_then_dropped(fresh_agent) -> None:
    agent = fresh_agent(*limits(max_pending_output_bytes=MB, stalled_output_timeout_s=4))
    hog = await Netconf.open(agent)
    await hog.call(rpc(GET_HOSTNAME))  # the hello exchange is done; from now on the hog reads nothing
    monitoring = "urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"
    big = f"<get-schema xmlns='{monitoring}'><identifier>Cisco-IOS-XE-native</identifier></get-schema>"
    one = await hog.call(rpc(big, "size"))
    reply_bytes = len(etree.tostring(one))
    count = max(200, (64 * MB) // reply_bytes)  # 64 MB of replies nobody reads
    base = rss_bytes(agent)
    peak = base

    async def watch_until_dropped() -> None:
        nonlocal peak
        while not hog.conn.is_closed():  # asyncssh has no awaitable for this besides wait_closed
            peak = max(peak, rss_bytes(agent))
            try:
                await asyncio.wait_for(asyncio.shield(hog.conn.wait_closed()), 0.2)
            except TimeoutError:
                continue

    hog.writer.write(b"".join(chunk(rpc(big, str(i)), MB) for i in range(count)))  # before the clock starts
    started = time.monotonic()
    seen, _ = await latencies_while(agent, asyncio.wait_for(watch_until_dropped(), 60))
    print(
        f"\nnon-reading NETCONF client: {count} replies of {reply_bytes} bytes requested, agent RSS grew "
        f"{(peak - base) / MB:.1f} MB, dropped after {time.monotonic() - started:.1f} s; other session served "
        f"{len(seen)} get-configs, worst {max(seen) * 1000:.0f} ms"
    )
    assert peak - base < 32 * MB  # without backpressure: all 64 MB and more
    assert seen and max(seen) < 2.0
    agent.wait_for_output("stalled_output_timeout_s")
    after = await Netconf.open(agent)
    assert (await after.call(rpc(GET_HOSTNAME))).find(f".//{{{IOS}}}hostname") is not None
    await after.close()


async def test_cli_client_that_never_reads_is_bounded_and_then_dropped(fresh_agent) -> None:
    agent = fresh_agent(*limits(max_pending_output_bytes=MB, stalled_output_timeout_s=4))
    conn = await asyncssh.connect(
        "127.0.0.1", agent.ssh_port, username="admin", password=ADMIN_PASSWORD, known_hosts=None
    )
    # a small SSH window (asyncssh offers 2 MB): the agent's own bound is reached after less rendering
    writer, reader, _ = await conn.open_session(term_type="vt100", encoding=None, window=128 * 1024)
    writer.write(b"terminal length 0\n")
    out = b""
    while b"#" not in out:
        out += await asyncio.wait_for(reader.read(65536), 30)
    writer.write(b"show running-config\n")
    one = b""
    while b"\nend" not in one:
        one += await asyncio.wait_for(reader.read(65536), 30)
    count = max(500, (16 * MB) // len(one))
    base = rss_bytes(agent)
    peak = base

    async def hog() -> None:
        nonlocal peak
        while not conn.is_closed():
            peak = max(peak, rss_bytes(agent))
            try:
                await asyncio.wait_for(asyncio.shield(conn.wait_closed()), 0.2)
            except TimeoutError:
                continue

    writer.write(b"show running-config\n" * count)  # before the clock starts
    started = time.monotonic()
    seen, _ = await latencies_while(agent, asyncio.wait_for(hog(), 60))
    print(
        f"\nnon-reading CLI client: {count} x show running-config ({len(one)} bytes), agent RSS grew "
        f"{(peak - base) / MB:.1f} MB, dropped after {time.monotonic() - started:.1f} s; NETCONF worst "
        f"{max(seen) * 1000:.0f} ms"
    )
    assert peak - base < 32 * MB
    agent.wait_for_output("stalled_output_timeout_s")


async def writes_until_blocked(writer, data: bytes | str, cap: int) -> int:
    """Write ``data`` again and again, never reading; return how many bytes went out before the agent's flow
    control stopped accepting them (a drain that waits 3 s), or fail once ``cap`` bytes were accepted."""
    sent = 0
    while sent < cap:
        writer.write(data)
        sent += len(data)
        try:
            await asyncio.wait_for(writer.drain(), 3)
        except TimeoutError:
            return sent
    raise AssertionError(f"the agent accepted {sent} bytes of requests from a client that reads nothing")


async def test_cli_input_faster_than_the_shell_is_stopped_by_the_window(fresh_agent) -> None:
    """A client that pastes commands much faster than the CLI runs them and never reads: once what waits for
    the shell fills the SSH window, the client's writes block (asyncssh alone would refill the window on each
    pause/resume while megabytes wait, iosxe_agent/sshflow.py), and the agent's memory stays flat."""
    agent = fresh_agent()
    conn = await asyncssh.connect(
        "127.0.0.1", agent.ssh_port, username="admin", password=ADMIN_PASSWORD, known_hosts=None
    )
    proc = await conn.create_process(term_type="vt100", term_size=(200, 50))
    await asyncio.wait_for(proc.stdout.readuntil("#"), 30)
    base = rss_bytes(agent)
    sent = await writes_until_blocked(proc.stdin, "show running-config\n" * 32, 200 * MB)
    grown = rss_bytes(agent) - base
    print(
        f"\nCLI input flood: {sent / MB:.1f} MB accepted before the window closed; agent RSS grew {grown / MB:.1f} MB"
    )
    assert sent < 64 * MB and grown < 32 * MB
    conn.abort()


async def test_netconf_requests_faster_than_the_session_are_stopped_by_the_window(fresh_agent) -> None:
    """The same for pipelined NETCONF requests whose replies are never read."""
    agent = fresh_agent()
    nc = await Netconf.open(agent)
    base = rss_bytes(agent)
    request = chunk(rpc("<get-config><source><running/></source></get-config>"), MB)
    sent = await writes_until_blocked(nc.writer, request * 64, 200 * MB)
    grown = rss_bytes(agent) - base
    print(f"\nNETCONF request flood: {sent / MB:.1f} MB accepted; agent RSS grew {grown / MB:.1f} MB")
    assert sent < 64 * MB and grown < 32 * MB
    nc.conn.abort()


@pytest.mark.parametrize("count", [20_000, 100_000])
async def test_many_rpc_attributes_are_refused_fast(agent, count: int) -> None:
    s = await Netconf.open(agent)
    attrs = "".join(f' a{i}="v"' for i in range(count))
    start = time.perf_counter()
    reply = await s.call(rpc(GET_HOSTNAME, "m1", attrs))
    took = time.perf_counter() - start
    print(f"\n{count} attributes on <rpc>: refused in {took * 1000:.0f} ms")
    assert reply.get("message-id") == "m1"
    assert error_tags(reply) == ["too-big"]
    assert "max_rpc_attributes" in (reply.findtext(f".//{{{NC}}}error-message") or "")
    assert took < 5.0  # before: seconds for 20,000 and no answer at all for 100,000
    reply = await s.call(rpc(GET_HOSTNAME, "m2"))  # the session lives on
    assert reply.find(f".//{{{IOS}}}hostname") is not None
    await s.close()


async def test_attributes_within_the_bound_are_all_echoed(agent) -> None:
    s = await Netconf.open(agent)
    attrs = "".join(f' a{i}="v{i}"' for i in range(1000))
    reply = await s.call(rpc(GET_HOSTNAME, "m3", attrs))
    assert reply.get("message-id") == "m3" and reply.get("a999") == "v999" and len(reply.attrib) == 1001
    await s.close()


async def send_large_filter(port: int) -> None:
    """The large-filter client, run in its own process (``python -m``-style, from this file) so that encrypting
    its 23 MB does not hold up the measuring client's event loop."""

    class Where:
        netconf_port = port

    names = "".join(f"<username><name>{'u' * 180}{i}</name></username>" for i in range(110_000))
    msg = rpc(
        f"<get-config><source><running/></source><filter><native xmlns='{IOS}'>{names}</native></filter></get-config>"
    )
    big = await Netconf.open(Where)
    start = time.perf_counter()
    reply = await big.call(msg, timeout=120)
    assert reply.find(f"{{{NC}}}data") is not None, etree.tostring(reply)[:500]
    print(f"{len(msg) / MB:.1f} MB subtree filter answered in {time.perf_counter() - start:.2f} s")
    await big.close()


async def test_large_filter_does_not_hold_up_other_sessions(agent) -> None:
    code = (
        f"import asyncio, sys; sys.path[:0] = [{str(Path(__file__).parent)!r}, {str(SUPPORT)!r}]; "
        f"import {Path(__file__).stem} as t; "
    )
    code += "asyncio.run(t.send_large_filter(int(sys.argv[1])))"
    sender = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, str(agent.netconf_port), stdout=asyncio.subprocess.PIPE
    )
    seen, (out, _) = await latencies_while(agent, sender.communicate())
    print(
        f"\n{out.decode().strip()}; another session's get-config: {len(seen)} served, worst {max(seen) * 1000:.0f} ms"
    )
    assert sender.returncode == 0 and b"answered" in out
    assert len(seen) > 1
    assert max(seen) < 1.0  # before: about 25 s (the whole parse and filter on the event loop)


async def test_filter_with_millions_of_elements_is_refused_before_parsing(agent) -> None:
    flood = "<hostname/>" * 5_000_000
    msg = rpc(
        f"<get-config><source><running/></source><filter><native xmlns='{IOS}'>{flood}</native></filter></get-config>"
    )
    base = rss_bytes(agent)
    s = await Netconf.open(agent)
    start = time.perf_counter()
    s.writer.write(chunk(msg, MB))
    reply = await s.reply(60)
    assert error_tags(reply) == ["malformed-message"]
    assert "max_message_elements" in (reply.findtext(f".//{{{NC}}}error-message") or "")
    with pytest.raises((EOFError, asyncssh.Error, ConnectionError)):
        await s.reply(60)  # a message that cannot be parsed ends the session
    took = time.perf_counter() - start
    grew = rss_bytes(agent) - base
    print(f"\n{len(msg) / MB:.0f} MB filter of 5,000,000 elements refused in {took:.2f} s, RSS +{grew / MB:.0f} MB")
    assert grew < 300 * MB  # a tree of it would be 600+ MB


async def test_scp_download_to_a_client_that_does_not_read_waits_for_it(fresh_agent) -> None:
    """asyncssh's SCP source awaits ``drain()`` after every block: the file is not read ahead into memory."""
    agent = fresh_agent()
    agent.commit("<ip><scp><server><enable/></server></scp></ip>")
    size = 48 * MB
    block = bytes(range(256)) * 4096
    with open(agent.state_dir / "flash" / "big.bin", "wb") as f:
        for _ in range(size // len(block)):
            f.write(block)
    conn = await asyncssh.connect(
        "127.0.0.1", agent.ssh_port, username="admin", password=ADMIN_PASSWORD, known_hosts=None
    )
    writer, reader, _ = await conn.open_session("scp -f flash:big.bin", encoding=None)
    writer.write(b"\0")
    header = await asyncio.wait_for(reader.readline(), 30)
    assert header.startswith(b"C") and int(header.split()[1]) == size
    base = rss_bytes(agent)
    writer.write(b"\0")  # go: the agent sends the file, and this client reads nothing for a while
    peak = base
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        peak = max(peak, rss_bytes(agent))
        await asyncio.sleep(0.1)
    got = 0
    while got < size:
        data = await asyncio.wait_for(reader.read(1 << 20), 30)
        assert data
        got += len(data)
    print(
        f"\nSCP download of {size // MB} MB to a client that stopped reading: "
        f"agent RSS grew {(peak - base) / MB:.1f} MB"
    )
    assert peak - base < 16 * MB  # without drain the whole file would be queued
    conn.close()
