"""The guide's client examples, typed verbatim at ``Device1#`` (a first agent, driven in a pty) against ``Device2``
(a second agent on its own loopback address, port 22, as the guide's 10.x hosts): ``-c``/``-m`` offers, the
``debug ip ssh client`` transcript with keyboard-interactive then password prompts, a remote command, the ChPass
dialogue of a TACACS+-backed server, and strict host-key checking on and off.

Addresses: the guide's remote addresses become Device2's 127.x.y.z (random, so parallel test files do not
collide on port 22).
"""

from __future__ import annotations

import asyncio
import random
import re
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import asyncssh
import pytest
from agents import ADMIN_PASSWORD, ADMIN_USER
from cli_dialogue import Dialogue

from iosxe_agent.cli.ssh_client import server_kexinit
from iosxe_agent.device.cli_map.keys import key_fingerprint

TAC_KEY = "tac-secret"


def _free_loopback_on_22() -> str:
    """A random 127.x.y.z whose port 22 nobody holds (the guide types no port)."""
    for _ in range(50):
        address = f"127.{random.randint(1, 254)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
        with socket.socket() as probe:
            try:
                probe.bind((address, 22))
            except OSError:
                continue
            return address
    raise RuntimeError("no free loopback address for port 22")


@pytest.fixture
def devices(agent: Any, fresh_agent: Callable[..., Any]) -> tuple[Any, Any]:
    """Device1 (where the guide types ``ssh``: the module's agent) and Device2 (the remote host, a fresh agent on
    port 22 of its own address). A test that changes Device1 beyond its hostname and debug switches undoes it."""
    address = _free_loopback_on_22()
    return agent, fresh_agent("--host", address, "--ssh-port", "22", host=address)


@asynccontextmanager
async def shell(agent: Any, user: str = ADMIN_USER, password: str = ADMIN_PASSWORD) -> AsyncIterator[Dialogue]:
    """A privileged CLI session in a pty on ``agent`` (``terminal length 0``)."""
    options: dict[str, Any] = {"known_hosts": None, "client_keys": None, "agent_path": None}
    async with asyncssh.connect(agent.host, agent.ssh_port, username=user, password=password, **options) as conn:
        proc = await conn.create_process(term_type="vt100", term_size=(200, 50))
        session = Dialogue(proc)
        await session.until("#")
        await session.cmd("terminal length 0")
        yield session
        proc.stdin.write("exit\n")


async def configure(session: Dialogue, *lines: str) -> None:
    await session.cmd("configure terminal", "(config)#")
    for line in lines:
        out = await session.cmd(line, "#")
        assert "%" not in out, (line, out)
    await session.cmd("end", "#")


async def answer(session: Dialogue, text: str, *endings: str) -> str:
    """Type ``text`` at a prompt the remote side asked (echo off: it must not show)."""
    out = await session.cmd(text, *endings)
    assert text not in out, out
    return out


def client_debug(log: str) -> list[str]:
    """The ``debug ip ssh client`` lines of ``show logging`` / the monitor, without their time stamps."""
    return re.findall(r"(SSH2? ?CLIENT ?\d+: .*?)\s*$", log, re.M)


async def server_host_key_hash(agent: Any) -> str:
    """Device2's host key as ``key-hash`` stores it (upper-case hex MD5 of the blob)."""
    options: dict[str, Any] = {"known_hosts": None, "client_keys": None, "agent_path": None}
    async with asyncssh.connect(
        agent.host, agent.ssh_port, username=ADMIN_USER, password=ADMIN_PASSWORD, **options
    ) as conn:
        key = conn.get_server_host_key()
        assert key is not None
        return key_fingerprint(key.public_data)


def test_the_guides_cipher_and_mac_examples(devices: tuple[Any, Any]) -> None:
    d1, d2 = devices
    host = d2.host

    async def scenario() -> None:
        async with shell(d2) as remote:
            await configure(remote, "hostname Device2", "username shaship privilege 15 secret 0 Sha-pass-1")
            await configure(remote, "username user2 privilege 15 secret 0 User2-pass-1")
        async with shell(d1) as dev:
            await configure(dev, "hostname Device1")
            await dev.cmd("debug ip ssh client", "Device1#")
            # 17.12 offers no CBC cipher by default: the negotiation fails as IOS reports it
            out = await dev.cmd(f"ssh -v 2 -c aes256-cbc -m hmac-sha1-160 -l shaship {host}", "Device1#")
            assert f"[Connection to {host} aborted: error status 0]" in out, out
            log = await dev.cmd("show logging | include SSH-3", "Device1#")
            assert "%SSH-3-NO_MATCH: No matching cipher found: client aes256-cbc server " in log, log
            # hmac-sha1-96 is no MAC a 17.12 server can offer
            out = await dev.cmd(f"ssh -v 2 -c aes256-ctr -m hmac-sha1-96 -l user2 {host}", "Device1#")
            assert f"[Connection to {host} aborted: error status 0]" in out, out
            log = await dev.cmd("show logging | include SSH-3", "Device1#")
            assert "No matching hmac found: client hmac-sha1-96 server " in log, log

        async with shell(d2) as remote:
            await configure(remote, "ip ssh server algorithm encryption aes256-cbc aes256-ctr")
            await configure(remote, "ip ssh server algorithm mac hmac-sha1 hmac-sha2-256")
        # what the client reads again when a server resets the connection before its KEXINIT was read
        offer = await server_kexinit(host, 22)
        assert offer is not None and offer.encryption_cs[:2] == ("aes256-cbc", "aes256-ctr"), offer
        assert offer.mac_cs[:2] == ("hmac-sha1", "hmac-sha2-256"), offer
        async with shell(d1) as dev:
            await dev.cmd("clear logging", "[confirm]")
            await dev.cmd("", "Device1#")
            await dev.cmd(f"ssh -v 2 -c aes256-cbc -m hmac-sha1-160 -l shaship {host}", "Password: ")
            out = await answer(dev, "Sha-pass-1", "Device2#")
            out = await dev.cmd("exit", "Device1#")
            assert f"[Connection to {host} closed by foreign host]" in out, out
            lines = client_debug(await dev.cmd("show logging", "Device1#"))
            assert "SSH2 CLIENT 0: kex: client->server enc:aes256-cbc mac:hmac-sha1" in lines, lines
            assert "SSH2 CLIENT 0: kex: server->client enc:aes256-cbc mac:hmac-sha1" in lines, lines

    asyncio.run(scenario())


def test_debug_ip_ssh_client_keyboard_interactive_then_password(devices: tuple[Any, Any]) -> None:
    d1, d2 = devices
    host = d2.host

    async def scenario() -> None:
        async with shell(d2) as remote:
            await configure(remote, "hostname Device2", "username lab secret 0 lab")  # 3 retries, the default
        async with shell(d1) as dev:
            await configure(dev, "hostname Device1")
            out = await dev.cmd("debug ip ssh client", "Device1#")
            assert "SSH Client debugging is on" in out, out
            await dev.cmd("terminal monitor", "Device1#")
            await dev.cmd("clear logging", "[confirm]")
            await dev.cmd("", "Device1#")
            transcript = await dev.cmd(f"ssh -l lab {host}", "Password: ")
            for wrong in ("lab-1", "lab-2", "lab-3", "lab-4", "lab-5"):  # three keyboard-interactive, then password
                transcript += await answer(dev, wrong, "Password: ")
            transcript += await answer(dev, "lab", "Device2>")
            transcript += await dev.cmd("exit", "Device1#")
            assert transcript.count("Password: ") == 6  # the guide's transcript: the sixth answer logs in
            assert f"[Connection to {host} closed by foreign host]" in transcript
            lines = client_debug(await dev.cmd("show logging", "Device1#"))
        assert lines == [
            "SSH CLIENT0: sent protocol version id SSH-2.0-Cisco-1.25",
            "SSH CLIENT0: protocol version id is - SSH-2.0-Cisco-1.25",
            "SSH CLIENT0: protocol version exchange successful",
            *[line for line in lines if line.startswith("SSH2 CLIENT 0: kex: ")],
            "SSH CLIENT0: key exchange successful and encryption on",
            "SSH2 CLIENT 0: using method keyboard-interactive",
            "SSH2 CLIENT 0: using method password authentication",
            "SSH2 CLIENT 0: SSH2_MSG_USERAUTH_SUCCESS message received",
            "SSH CLIENT0: user authenticated",
            "SSH2 CLIENT 0: pty-req request sent",
            "SSH2 CLIENT 0: shell request sent",
            "SSH CLIENT0: session open",
            "SSH CLIENT0: Session terminated normally",
        ], lines
        # the monitor showed them on the terminal while the prompts were asked, as in the guide
        assert "SSH2 CLIENT 0: using method password authentication" in transcript

    asyncio.run(scenario())


def test_prompts_per_method_remote_command_and_bad_vrf(devices: tuple[Any, Any]) -> None:
    d1, d2 = devices
    host = d2.host

    async def scenario() -> None:
        async with shell(d1) as dev:
            # one prompt per method: one keyboard-interactive and one password attempt, then IOS gives up
            await dev.cmd(f"ssh -o numberofpasswordprompts 1 -l admin {host}", "Password: ")
            await answer(dev, "wrong-1", "Password: ")
            out = await answer(dev, "wrong-2", "#")
            assert "% Authentication failed." in out, out
            # a remote command: an exec request, its output, and back
            await dev.cmd(f"ssh -l admin {host} show privilege", "Password: ")
            out = await answer(dev, ADMIN_PASSWORD, "closed by foreign host]")
            assert "Current privilege level is 15" in out, out
            await dev.until("#")
            out = await dev.cmd(f"ssh -vrf Blue -l admin {host}", "#")
            assert "% VRF Blue does not have a valid VPN ID" in out, out
            out = await dev.cmd(f"ssh -v 1 -l admin {host}", "#")
            assert "% SSH version 1 is not supported" in out, out
            out = await dev.cmd(f"ssh -c bogus {host}", "#")
            assert "% Invalid input detected at '^' marker." in out, out

    asyncio.run(scenario())


def test_chpass_through_the_client(
    devices: tuple[Any, Any], tmp_path: Path, peers: Callable[[str], ModuleType]
) -> None:
    d1, d2 = devices
    host = d2.host
    module = peers("tacacs_server")
    users = {"cisco": {"password": "cisco", "priv-lvl": 1, "expired": True}}
    peer = module.TacacsPeer(module.write_config(tmp_path, TAC_KEY, users))

    async def scenario() -> None:
        await peer.start()
        try:
            async with shell(d2) as remote:
                await configure(
                    remote,
                    "hostname Device2",
                    "aaa new-model",
                    "tacacs server TAC1",
                    " address ipv4 127.0.0.1",
                    f" port {peer.port}",
                    f" key {TAC_KEY}",
                    "exit",
                    "aaa group server tacacs+ TACG",
                    " server name TAC1",
                    "exit",
                    "aaa authentication login default group TACG local",
                    "aaa authorization exec default group TACG local",
                )
            async with shell(d1) as dev:
                await configure(dev, "hostname Device1")
                # the guide: "ChPass の有効化および初回ログインでのパスワード変更"
                await dev.cmd(f"ssh -l cisco {host}", "Password: ")
                out = await answer(dev, "cisco", "New Password: ")
                assert "Your password has expired.\nEnter a new one now.\nNew Password: " in out, out
                await answer(dev, "cisco123", "Re-enter New password: ")
                await answer(dev, "cisco123", "Device2>")
                out = await dev.cmd("exit", "Device1#")
                assert f"[Connection to {host} closed by foreign host]" in out, out
                assert peer.users["cisco"] == {"password": "cisco123", "priv-lvl": 1, "expired": False}

                peer.users["cisco"].update(password="cisco1", expired=True)
                await dev.cmd(f"ssh -l cisco {host}", "Password: ")
                await answer(dev, "cisco1", "New Password: ")
                await answer(dev, "cisco", "Re-enter New password: ")
                out = await answer(dev, "cisco12", "New Password: ")
                assert "The New and Re-entered passwords have to be the same.\nTry again.\nNew Password: " in out
                await answer(dev, "cisco", "Re-enter New password: ")
                await answer(dev, "cisco", "Device2>")
                await dev.cmd("exit", "Device1#")
                assert peer.users["cisco"]["password"] == "cisco"
        finally:
            await peer.stop()

    asyncio.run(scenario())


def test_strict_host_key_checking_on_and_off(devices: tuple[Any, Any]) -> None:
    d1, d2 = devices
    host = d2.host

    async def scenario() -> None:
        digest = await server_host_key_hash(d2)
        async with shell(d1) as dev:
            await configure(dev, "ip ssh stricthostkeycheck")
            await dev.cmd("debug ip ssh client", "#")
            # strict, and no key for the host: refused before any password is asked
            out = await dev.cmd(f"ssh -l admin {host}", "#")
            assert "Server Authentication Failed" in out and "Password" not in out, out
            log = await dev.cmd("show logging | include Server Authentication", "#")
            assert f"SSH CLIENT0: Server Authentication Failed: host key {digest} of {host}" in log, log

            # a wrong key-hash for the host: refused too
            wrong = "0" * 32
            await configure(dev, "ip ssh pubkey-chain", f" server {host}", f"  key-hash ssh-rsa {wrong}", " exit")
            out = await dev.cmd(f"ssh -l admin {host}", "#")
            assert "Server Authentication Failed" in out, out

            # the server's own key: connects
            await configure(dev, "ip ssh pubkey-chain", f" server {host}", f"  key-hash ssh-rsa {digest}", " exit")
            await dev.cmd(f"ssh -l admin {host}", "Password: ")
            await answer(dev, ADMIN_PASSWORD, "#")
            out = await dev.cmd("exit", "#")
            assert f"[Connection to {host} closed by foreign host]" in out, out

            # strict checking off: any key is accepted again (a host with no entry)
            await configure(dev, "no ip ssh stricthostkeycheck")
            await dev.cmd(f"ssh -l admin -p {d1.ssh_port} 127.0.0.1", "Password: ")
            await answer(dev, ADMIN_PASSWORD, "#")
            out = await dev.cmd("exit", "#")
            assert "[Connection to 127.0.0.1 closed by foreign host]" in out, out

    asyncio.run(scenario())
