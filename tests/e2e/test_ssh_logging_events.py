"""``ip ssh logging events``: each SSH connection logs ``%SSH-5-SSH2_SESSION``, ``%SSH-5-SSH2_USERAUTH`` (Succeeded
or Failed) and ``%SSH-5-SSH2_CLOSE`` in IOS XE 17's words, with the client's address, the vty, the cipher and the
hmac the client chose; ``no ip ssh logging events`` silences them (17.12.1's default is on)."""

from __future__ import annotations

import re

import asyncssh
import pytest
from agents import ADMIN_PASSWORD

CIPHER, MAC = "aes128-ctr", "hmac-sha2-256-etm@openssh.com"  # as in a real 17.x capture
TAIL = f"using crypto cipher '{CIPHER}', hmac '{MAC}'"
EVENTS_OFF = "<ip><ssh><logging><events-enable>false</events-enable></logging></ssh></ip>"
EVENTS_ON = "<ip><ssh><logging><events-enable>true</events-enable></logging></ssh></ip>"


async def log_in(port: int, password: str) -> None:
    """One connection with the cipher and MAC the messages must name: ``show clock`` when the password is
    right."""
    options = {"known_hosts": None, "client_keys": None, "agent_path": None, "encryption_algs": [CIPHER]}
    try:
        async with asyncssh.connect(
            "127.0.0.1", port, username="admin", password=password, mac_algs=[MAC], **options
        ) as conn:
            await conn.run("show clock", timeout=30)
    except asyncssh.PermissionDenied:
        assert password != ADMIN_PASSWORD


def events(agent) -> list[str]:
    return [m.group(0) for m in re.finditer(r"%SSH-5-SSH2_\w+: .*", agent.log_text())]


@pytest.mark.asyncio
async def test_a_login_and_a_refused_one_are_logged_in_ios_words(fresh_agent) -> None:
    agent = fresh_agent(candidate=False)  # the log holds only the test's own logins
    await log_in(agent.ssh_port, ADMIN_PASSWORD)
    agent.wait_for_output(r"SSH2_CLOSE", 1)
    await log_in(agent.ssh_port, "not-the-password")
    agent.wait_for_output(r"SSH2_CLOSE", 2)
    assert events(agent) == [
        f"%SSH-5-SSH2_SESSION: SSH2 Session request from 127.0.0.1 (tty = 0) {TAIL} Succeeded",
        f"%SSH-5-SSH2_USERAUTH: User 'admin' authentication for SSH2 Session from 127.0.0.1 (tty = 0) {TAIL} Succeeded",
        f"%SSH-5-SSH2_CLOSE: SSH2 Session from 127.0.0.1 (tty = 0) for user 'admin' {TAIL} closed",
        f"%SSH-5-SSH2_SESSION: SSH2 Session request from 127.0.0.1 (tty = 0) {TAIL} Succeeded",
        f"%SSH-5-SSH2_USERAUTH: User 'admin' authentication for SSH2 Session from 127.0.0.1 (tty = 0) {TAIL} Failed",
        f"%SSH-5-SSH2_CLOSE: SSH2 Session from 127.0.0.1 (tty = 0) for user 'admin' {TAIL} closed",
    ]


@pytest.mark.asyncio
async def test_no_ip_ssh_logging_events_silences_them(fresh_agent) -> None:
    agent = fresh_agent(candidate=False)  # the log holds only the test's own logins
    agent.commit(EVENTS_OFF)
    await log_in(agent.ssh_port, ADMIN_PASSWORD)
    agent.commit(EVENTS_ON)  # the event that orders the check: the silent login is over before this commit
    await log_in(agent.ssh_port, ADMIN_PASSWORD)
    agent.wait_for_output(r"SSH2_CLOSE", 1)
    assert [e.split(":")[0] for e in events(agent)] == [
        "%SSH-5-SSH2_SESSION",
        "%SSH-5-SSH2_USERAUTH",
        "%SSH-5-SSH2_CLOSE",
    ]
