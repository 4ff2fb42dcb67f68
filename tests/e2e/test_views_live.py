"""Configuration becomes behaviour through the views, end to end: one commit, every face follows."""

from __future__ import annotations

import asyncio

import asyncssh
from lxml import etree
from namespaces import RPC

PASSWORD = "Adm1n-pass"


async def run(agent, command: str) -> str:
    async with asyncssh.connect(
        "127.0.0.1", agent.ssh_port, username="admin", password=PASSWORD, known_hosts=None
    ) as conn:
        result = await conn.run(command, timeout=20)
        return str(result.stdout)


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
