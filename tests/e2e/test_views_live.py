"""Configuration becomes behaviour through the views, end to end: one commit, every face follows."""

from __future__ import annotations

import asyncio

import asyncssh
from lxml import etree
from namespaces import RPC, SNMP

PASSWORD = "Adm1n-pass"
TS_LINE_USER = "1.3.6.1.4.1.9.2.9.2.1.18"


async def run(agent, command: str) -> str:
    async with asyncssh.connect(
        "127.0.0.1", agent.ssh_port, username="admin", password=PASSWORD, known_hosts=None
    ) as conn:
        result = await conn.run(command, timeout=20)
        return str(result.stdout)


async def test_bare_enable_traps_sends_the_tty_trap(fresh_agent, peers) -> None:
    """``snmp-server enable traps`` without a keyword enables every notification type, tty included."""
    agent = await asyncio.to_thread(fresh_agent)
    receiver = peers("snmp_receiver").TrapReceiver(["public"])
    await receiver.start()
    try:
        await asyncio.to_thread(
            agent.commit,
            f'<snmp-server><host-config xmlns="{SNMP}"><ip-community-port><ip-address>127.0.0.1</ip-address>'
            f"<community-or-user>public</community-or-user><udp-port>{receiver.port}</udp-port>"
            "<version>2c</version></ip-community-port></host-config>"
            f'<enable xmlns="{SNMP}"><enable-choice><traps/></enable-choice></enable></snmp-server>',
        )
        assert "privilege level is 15" in await run(agent, "show privilege")
        (trap,) = await receiver.wait_for(1, timeout=15)
        assert trap.value(TS_LINE_USER) == b"admin"
    finally:
        receiver.stop()


def test_one_identity_for_the_cli_and_the_crypto_rpc(fresh_agent) -> None:
    """A new hostname and domain reach ``show version`` and the default key label of the Cisco crypto RPC."""
    agent = fresh_agent()
    agent.commit("<hostname>EDGE7</hostname><ip><domain><name>views.test</name></domain></ip>")
    assert asyncio.run(run(agent, "show version")).count("EDGE7 uptime is") == 1
    m = agent.connect()
    try:
        rpc = f'<crypto xmlns="{RPC}"><generate><rsa><general-keys/><modulus>2048</modulus></rsa></generate></crypto>'
        reply = etree.fromstring(m.dispatch(etree.fromstring(rpc)).xml.encode())
    finally:
        m.close_session()
    assert "The name for the keys will be: EDGE7.views.test" in (reply.findtext(f"{{{RPC}}}result") or "")
