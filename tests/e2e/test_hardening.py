"""Hardening over the wire: the named limits of ``iosxe_agent.limits`` (set small with ``--limit``), slow and half-open
connections, hostile sizes, secrets in logs, file modes, privilege, concurrency and crash safety.

Every test drives a real agent process through real sockets; each limit is checked from what a client sees (the
error text names the limit) and the agent is shown to keep serving afterwards.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import asyncssh
import pytest
from agents import ADMIN_PASSWORD, add_user, limits
from lxml import etree
from namespaces import AAA, IOS, NC
from raw_netconf import HELLO, Netconf

ROOT = Path(__file__).resolve().parents[2]


def errors(reply: etree._Element) -> list[tuple[str, str]]:
    return [
        (e.findtext(f"{{{NC}}}error-tag") or "", e.findtext(f"{{{NC}}}error-message") or "")
        for e in reply.iter(f"{{{NC}}}rpc-error")
    ]


async def serves(agent) -> None:
    """The agent still answers a fresh session."""
    s = await Netconf.open(agent)
    reply = await s.rpc(f"<get-config><source><running/></source><filter><native xmlns='{IOS}'><hostname/>"
                        "</native></filter></get-config>")  # fmt: skip
    assert not errors(reply) and reply.find(f".//{{{IOS}}}hostname") is not None
    await s.close()


def seconds_until_closed(port: int, trickle: bytes, budget: float = 30) -> float:
    """Send ``trickle`` one byte per second on a raw TCP connection; seconds until the server closes it."""
    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=budget) as s:
        s.settimeout(1.0)
        for i in range(int(budget)):
            try:
                if s.recv(4096) == b"":
                    break
            except TimeoutError:
                pass
            except ConnectionError:
                break
            try:
                s.sendall(trickle[i % len(trickle) : i % len(trickle) + 1])
            except (BrokenPipeError, ConnectionError):
                break
    return time.monotonic() - start


async def trickle(s: Netconf, data: bytes, every: float) -> None:
    """Send ``data`` a byte at a time, ``every`` seconds apart, until it is sent or the server closes."""
    for byte in data:
        try:
            s.writer.write(bytes([byte]))
        except (BrokenPipeError, asyncssh.Error):
            return
        if await s.closed_within(every):
            return


# -- slow and half-open connections -----------------------------------------------------------------------------
def test_slow_loris_is_cut_at_the_login_time_on_both_ports(fresh_agent) -> None:
    agent = fresh_agent(*limits(login_timeout_s=3))
    agent.commit("<ip><ssh><time-out>3</time-out></ssh></ip>")  # the device port's own login time (IOS)
    for port in (agent.netconf_port, agent.ssh_port):
        elapsed = seconds_until_closed(port, b"SSH-2.0-slowloris-sends-one-byte-per-second\r\n")
        assert 2 <= elapsed < 10, (port, elapsed)


async def test_slow_hello_is_cut_at_the_hello_time(fresh_agent) -> None:
    agent = fresh_agent(*limits(hello_timeout_s=2))
    s = await Netconf.open(agent, hello=False)
    start = time.monotonic()
    await trickle(s, HELLO[:5], 1)
    assert await s.closed_within(5)
    assert 1.5 <= time.monotonic() - start < 7
    await serves(agent)


async def test_idle_time_cuts_a_request_that_never_completes(fresh_agent) -> None:
    agent = fresh_agent(*limits(idle_timeout_s=2))
    s = await Netconf.open(agent)
    assert not errors(await s.rpc("<get-config><source><running/></source></get-config>"))
    start = time.monotonic()
    s.writer.write(b"\n#1000\n<rpc")
    await trickle(s, b' message-id="2" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">', 0.5)
    assert await s.closed_within(5)
    assert 1.5 <= time.monotonic() - start < 7
    await serves(agent)


async def test_half_open_connections_are_bounded_and_cut(fresh_agent) -> None:
    """max_unauthenticated connections that never speak fill the slots; the next one is refused with a reason
    naming the limit; at the login time they are cut and the agent accepts logins again."""
    agent = fresh_agent(*limits(max_unauthenticated=3, login_timeout_s=4, early_drop_start_percent=100))  # no RED
    silent = [socket.create_connection(("127.0.0.1", agent.netconf_port), timeout=10) for _ in range(3)]
    try:
        for s in silent:
            assert s.recv(4096).startswith(b"SSH-2.0-")  # accepted: the agent holds the slot
        with pytest.raises(asyncssh.DisconnectError, match="max_unauthenticated=3"):
            await Netconf.open(agent)
        for s in silent:
            while s.recv(4096):  # the agent cuts them at login_timeout_s (4 s)
                pass
        await serves(agent)
    finally:
        for s in silent:
            s.close()


# -- session limits ---------------------------------------------------------------------------------------------
CLOSED = r"NETCONF session \d+ closed"  # logged once the agent has released the session's slot


async def test_netconf_session_limits(fresh_agent) -> None:
    agent = fresh_agent(*limits(max_netconf_sessions=3, max_sessions_per_user=2))
    add_user(agent, "ops15", 15, "Ops15-pass")
    agent.wait_for_output(CLOSED)  # the session add_user closed holds its slot until the agent sees it go
    a1, a2 = await Netconf.open(agent), await Netconf.open(agent)
    with pytest.raises(asyncssh.ChannelOpenError, match="max_sessions_per_user=2"):
        await Netconf.open(agent)
    o1 = await Netconf.open(agent, "ops15", "Ops15-pass")
    with pytest.raises(asyncssh.ChannelOpenError, match="max_netconf_sessions=3"):
        await Netconf.open(agent, "ops15", "Ops15-pass")
    for s in (a1, a2, o1):
        assert not errors(await s.rpc("<get-config><source><running/></source></get-config>"))
    await a1.close()
    agent.wait_for_output(CLOSED, count=2)
    await (await Netconf.open(agent)).close()  # a slot is free again
    for s in (a2, o1):
        await s.close()


class _WrongPasswords(asyncssh.SSHClient):
    """Offers a new wrong password every time the server asks, counting the attempts."""

    asked = 0

    def password_auth_requested(self) -> str:
        type(self).asked += 1
        return f"wrong-{type(self).asked}"


@pytest.mark.parametrize("port_name", ["netconf_port", "ssh_port"])
async def test_authentication_retries_are_enforced_on_both_ports(fresh_agent, port_name: str) -> None:
    agent = fresh_agent(*limits(max_auth_tries=2))
    agent.commit("<ip><ssh><authentication-retries>2</authentication-retries></ssh></ip>")
    _WrongPasswords.asked = 0
    with pytest.raises((asyncssh.PermissionDenied, asyncssh.DisconnectError)):
        conn, _ = await asyncssh.create_connection(
            _WrongPasswords, "127.0.0.1", getattr(agent, port_name), username="admin", known_hosts=None,
            preferred_auth="password", client_keys=None,
        )  # fmt: skip
        conn.close()
    # NETCONF: max_auth_tries attempts, as OpenSSH's MaxAuthTries; the device port: IOS's N retries after the first
    assert _WrongPasswords.asked == (2 if port_name == "netconf_port" else 3)


# -- hostile sizes: proper rpc-errors, and the agent survives --------------------------------------------------
SMALL = limits(max_message_bytes=100_000, max_chunk_bytes=4096, max_xml_depth=20, max_edit_elements=50)


async def test_oversized_chunk_is_too_big(fresh_agent) -> None:
    small_agent = fresh_agent(*SMALL)
    s = await Netconf.open(small_agent)
    s.writer.write(b"\n#5000\n" + b"x" * 5000)
    reply = await s.reply()
    assert errors(reply)[0][0] == "too-big" and "max_chunk_bytes" in errors(reply)[0][1]
    assert await s.closed_within(5)
    await serves(small_agent)


async def test_oversized_message_is_too_big(fresh_agent) -> None:
    small_agent = fresh_agent(*SMALL)
    s = await Netconf.open(small_agent)
    head = f'<rpc xmlns="{NC}" message-id="1"><get-config><source><running/></source><filter>'.encode()
    s.writer.write(b"\n#%d\n" % len(head) + head)
    for _ in range(30):
        s.writer.write(b"\n#4000\n" + b" " * 4000)
    reply = await s.reply()
    assert errors(reply)[0][0] == "too-big" and "max_message_bytes" in errors(reply)[0][1]
    assert await s.closed_within(5)
    await serves(small_agent)


async def test_too_deep_xml_is_refused(fresh_agent) -> None:
    small_agent = fresh_agent(*SMALL)
    s = await Netconf.open(small_agent)
    body = "<get-config><source><running/></source><filter>" + "<a>" * 30 + "</a>" * 30 + "</filter></get-config>"
    reply = await s.rpc(body)
    assert errors(reply)[0][0] == "malformed-message" and "max_xml_depth" in errors(reply)[0][1]
    await serves(small_agent)


async def test_too_many_edit_elements_is_too_big_and_the_session_goes_on(fresh_agent) -> None:
    small_agent = fresh_agent(*SMALL)
    s = await Netconf.open(small_agent)
    users = "".join(f"<username><name>big{i}</name><privilege>1</privilege></username>" for i in range(60))
    reply = await s.rpc(
        f"<edit-config><target><running/></target><config><native xmlns='{IOS}'>{users}</native></config></edit-config>"
    )
    assert [tag for tag, _ in errors(reply)] == ["too-big"]
    reply = await s.rpc("<get-config><source><running/></source></get-config>", "2")
    assert not errors(reply) and reply.find(f".//{{{IOS}}}username/{{{IOS}}}name") is not None
    assert b"big1<" not in etree.tostring(reply)  # nothing of the refused edit was applied
    await s.close()


@pytest.mark.parametrize(
    "doc",
    [
        pytest.param(b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rpc message-id="1" xmlns="'
                     + NC.encode() + b'"><get><filter>&x;</filter></get></rpc>', id="xxe"),
        pytest.param(b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                     b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><rpc message-id="1" xmlns="' + NC.encode()
                     + b'"><get><filter>&c;</filter></get></rpc>', id="billion-laughs"),
        pytest.param(b'<!DOCTYPE rpc SYSTEM "http://127.0.0.1:9/x.dtd"><rpc message-id="1" xmlns="'
                     + NC.encode() + b'"><get/></rpc>', id="external-dtd"),
    ],
)  # fmt: skip
async def test_dtds_and_entities_are_refused(fresh_agent, doc: bytes) -> None:
    small_agent = fresh_agent(*SMALL)
    s = await Netconf.open(small_agent)
    s.send(doc)
    reply = await s.reply()
    assert errors(reply)[0][0] == "malformed-message"
    assert b"root:" not in etree.tostring(reply)
    assert await s.closed_within(5)
    await serves(small_agent)


# -- secrets, files, privilege --------------------------------------------------------------------------------------
async def test_no_secret_key_or_community_in_debug_logs(fresh_agent) -> None:
    agent = fresh_agent("--log-level", "DEBUG")
    secrets = ["Us3r-secret-9f3", "C0mmunity-7a1", "Wr0ng-pass-42", "En4ble-secret-5d"]
    add_user(agent, "logu", 15, secrets[0])
    with pytest.raises((asyncssh.PermissionDenied, asyncssh.DisconnectError)):
        await asyncssh.connect("127.0.0.1", agent.netconf_port, username="admin", password=secrets[2],
                               known_hosts=None, client_keys=None)  # fmt: skip
    async with asyncssh.connect(
        "127.0.0.1", agent.ssh_port, username="admin", password=ADMIN_PASSWORD, known_hosts=None
    ) as conn:
        lines = f"configure terminal\nsnmp-server community {secrets[1]} RO\nenable secret 0 {secrets[3]}\nend\nexit\n"
        await conn.run(input=lines, timeout=30)
    m = agent.connect()
    running = m.get_config("running").data_xml
    m.close_session()
    assert "logu" in running and "snmp" in running  # the secrets were really configured
    agent.wait_for_output(rf"NETCONF session {m.session_id} closed")  # everything before it is in the log
    log = agent.log_text()
    assert "DEBUG" in log
    for text in [*secrets, ADMIN_PASSWORD, "PRIVATE KEY"]:
        assert text not in log, text


def test_state_directory_and_key_files_are_private(agent) -> None:
    state = agent.state_dir
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    keys = [p for p in state.rglob("*") if p.is_file() and ("key" in p.name or p.parent.name == "keys")]
    assert keys, "no key files found"
    for path in keys:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for directory in [p for p in state.rglob("*") if p.is_dir()]:
        assert stat.S_IMODE(directory.stat().st_mode) & 0o077 == 0, directory


async def test_privilege_below_15_reaches_neither_netconf_nor_scp(fresh_agent, tmp_path: Path) -> None:
    agent = fresh_agent()
    add_user(agent, "op14", 14, "Op14-pass")
    agent.commit(
        f"<ip><scp><server><enable/></server></scp></ip><aaa><authorization xmlns='{AAA}'><exec><name>default"
        "</name><a1><local/></a1></exec></authorization></aaa>",
    )
    with pytest.raises((asyncssh.PermissionDenied, asyncssh.DisconnectError)):
        await Netconf.open(agent, "op14", "Op14-pass")
    src = tmp_path / "f.bin"
    src.write_bytes(b"x" * 100)
    async with asyncssh.connect(
        "127.0.0.1", agent.ssh_port, username="op14", password="Op14-pass", known_hosts=None
    ) as conn:
        with pytest.raises(asyncssh.SFTPError, match="Permission denied"):
            await asyncio.wait_for(asyncssh.scp(str(src), (conn, "flash:f.bin")), 30)
    assert not (agent.state_dir / "flash" / "f.bin").exists()
    async with asyncssh.connect(
        "127.0.0.1", agent.ssh_port, username="admin", password=ADMIN_PASSWORD, known_hosts=None
    ) as conn:
        await asyncio.wait_for(asyncssh.scp(str(src), (conn, "flash:f.bin")), 30)  # level 15 may
    assert (agent.state_dir / "flash" / "f.bin").read_bytes() == src.read_bytes()


# -- concurrency and crash safety (tools/soak and tools/crashtest in short mode) ---------------------------------
def _figures(cmd: list[str], timeout: float) -> dict[str, object]:
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT, check=False)
    line = next((x for x in out.stdout.splitlines() if x.startswith("FIGURES ")), None)
    assert line is not None, out.stdout[-3000:] + out.stderr[-3000:]
    figures = json.loads(line[len("FIGURES ") :])
    assert out.returncode == 0, out.stdout[-3000:]
    return figures


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_concurrent_sessions_lose_nothing_and_keep_lock_semantics() -> None:
    """20 NETCONF + 5 CLI sessions editing, locking, committing and reading for 20 s (tools/soak's short mode,
    with 3 kills of tools/crashtest at the end): no deadlock, no lost change, well-formed replies, one lock
    holder at a time."""
    cmd = [sys.executable, "tools/soak", "--duration", "20", "--netconf", "20", "--cli", "5", "--kills", "3",
           "--rss-every", "5", "--seed", "7"]  # fmt: skip
    figures = _figures(cmd, 110)
    assert figures["sessions_peak"] == 25
    assert figures["errors"] == 0 and figures["data_lost"] == 0 and figures["lock_violations"] == 0
    assert figures["requests"] > 500 and figures["kills"] == 3


@pytest.mark.slow
@pytest.mark.timeout(90)
def test_crashtest_short_mode_loses_nothing() -> None:
    figures = _figures([sys.executable, "tools/crashtest", "--kills", "10", "--seed", "11"], 80)
    assert figures["kills"] == 10 and figures["errors"] == 0 and figures["data_lost"] == 0
    assert figures["requests"] > 10 and figures["peak_rss_kib"] > 0


def test_limit_option_refuses_unknown_names_and_bad_values(tmp_path: Path) -> None:
    for bad, text in (("nope=1", "unknown limit 'nope'"), ("max_netconf_sessions=x", "is not an integer"),
                      ("login_timeout_s=-1", "non-negative")):  # fmt: skip
        out = subprocess.run(
            [sys.executable, "-m", "iosxe_agent", "--state-dir", str(tmp_path / "s"), "--limit", bad],
            capture_output=True, text=True, timeout=60, cwd=ROOT, check=False,
        )  # fmt: skip
        assert out.returncode == 2 and text in out.stderr, out.stderr
    assert not os.path.exists(tmp_path / "s")
