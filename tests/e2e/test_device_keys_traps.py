"""Keys switch the device SSH server on and off; a closed SSH session sends exactly one tty trap."""

from __future__ import annotations

import asyncio

import asyncssh
import pytest
from agents import ADMIN_PASSWORD
from lxml import etree
from namespaces import RPC, SNMP

TS_LINE_USER = "1.3.6.1.4.1.9.2.9.2.1.18"


def crypto(agent, body: str) -> str:
    m = agent.connect()
    try:
        reply = m.dispatch(etree.fromstring(f'<crypto xmlns="{RPC}">{body}</crypto>'))
        return etree.fromstring(reply.xml.encode()).findtext(f"{{{RPC}}}result") or ""
    finally:
        m.close_session()


async def login(agent) -> tuple[str, str]:
    async with asyncssh.connect(
        "127.0.0.1", agent.ssh_port, username="admin", password=ADMIN_PASSWORD, known_hosts=None
    ) as conn:
        fingerprint = conn.get_server_host_key().get_fingerprint()
        result = await conn.run("show privilege", timeout=20)
        return str(result.stdout), fingerprint


def test_zeroize_disables_ssh_and_generate_enables_it(fresh_agent) -> None:
    agent = fresh_agent()
    _, before = asyncio.run(login(agent))
    text = crypto(agent, "<key><zeroize><rsa>Router.lab.local</rsa></zeroize></key>")
    assert "Router.lab.local" in text
    with pytest.raises(OSError):
        asyncio.run(asyncio.wait_for(login(agent), 10))
    agent.wait_for_output("%SSH-5-DISABLED: SSH 2.0 has been disabled")
    text = crypto(agent, "<generate><rsa><general-keys/><modulus>2048</modulus></rsa></generate>")
    assert "The name for the keys will be: Router.lab.local" in text
    out, after = asyncio.run(login(agent))
    assert "privilege level is 15" in out
    assert after != before
    agent.wait_for_output("%SSH-5-ENABLED: SSH 2.0 has been enabled", count=2)


def test_keypair_name_selects_the_host_key_and_waits_for_it(fresh_agent) -> None:
    agent = fresh_agent()
    agent.commit("<ip><ssh><rsa><keypair-name>SSHKEY</keypair-name></rsa></ssh></ip>")
    with pytest.raises(OSError):
        asyncio.run(asyncio.wait_for(login(agent), 10))
    crypto(agent, "<generate><rsa><label>SSHKEY</label><modulus>2048</modulus></rsa></generate>")
    out, _ = asyncio.run(login(agent))
    assert "privilege level is 15" in out


@pytest.mark.parametrize(
    ("version", "host_traps", "enabled"),
    [
        ("1", "<trap-enable><tty/></trap-enable>", "<traps><tty/></traps>"),
        ("2c", "<trap-enable><tty/></trap-enable>", "<traps><tty/></traps>"),
        # a bare `snmp-server enable traps` (and a host without a type list) enables every type, tty included
        ("2c", "", "<traps/>"),
    ],
)
async def test_one_tty_trap_per_closed_session(fresh_agent, peers, version: str, host_traps: str, enabled: str) -> None:
    agent = await asyncio.to_thread(fresh_agent)
    receiver = peers("snmp_receiver").TrapReceiver(["public"])
    await receiver.start()
    try:
        await asyncio.to_thread(
            agent.commit,
            f'<snmp-server><host-config xmlns="{SNMP}"><ip-community-port><ip-address>127.0.0.1</ip-address>'
            f"<community-or-user>public</community-or-user><udp-port>{receiver.port}</udp-port>"
            f"<version>{version}</version>{host_traps}</ip-community-port></host-config>"
            f'<enable xmlns="{SNMP}"><enable-choice>{enabled}</enable-choice></enable></snmp-server>',
        )
        out, _ = await login(agent)
        assert "privilege level is 15" in out
        traps = await receiver.wait_for(1, timeout=15)
        await asyncio.sleep(1.0)  # a second trap for the same session would arrive by now
        assert len(receiver.traps) == 1
        trap = traps[0]
        assert trap.version == version
        assert trap.trap_oid == "1.3.6.1.4.1.9.0.1"
        assert trap.value(TS_LINE_USER) == b"admin"
    finally:
        receiver.stop()
