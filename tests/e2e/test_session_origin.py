"""Every face changes configuration as a session of its own, never as "the system".

Only the system's own changes (start-up, the revert of an unconfirmed commit, recovery) are exempt from partial
locks (RFC 5717). A CLI line used to fall back to session id 0 when nobody handed the shell an id; now the id is a
required field and each shell takes a device-wide one, so another session's partial lock refuses a CLI line too.
"""

from __future__ import annotations

import asyncio
import uuid

import asyncssh
from lxml import etree
from namespaces import IOS, PL, native

PASSWORD = "Adm1n-pass"


def _partial_lock(m, select: str) -> str:
    rpc = etree.fromstring(f'<partial-lock xmlns="{PL}" xmlns:ios="{IOS}"><select>{select}</select></partial-lock>')
    reply = etree.fromstring(m.dispatch(rpc).xml.encode())
    lock_id = reply.findtext(f"{{{PL}}}lock-id")
    assert lock_id is not None
    return lock_id


async def _configure(agent, *lines: str) -> str:
    """Enter configuration mode over the device SSH port, send ``lines``, return what the shell printed."""
    async with asyncssh.connect(
        "127.0.0.1", agent.ssh_port, username="admin", password=PASSWORD, known_hosts=None
    ) as conn:
        proc = await conn.create_process(term_type="vt100", term_size=(200, 50))
        out = [await asyncio.wait_for(proc.stdout.readuntil("#"), 30)]
        for line in ("configure terminal", *lines, "end"):
            proc.stdin.write(line + "\n")
            out.append(await asyncio.wait_for(proc.stdout.readuntil("#"), 30))
        proc.stdin.write("exit\n")
        return "".join(out).replace("\r\n", "\n")


def test_a_netconf_partial_lock_refuses_a_cli_line(agent) -> None:
    name = f"or{uuid.uuid4().hex[:6]}"
    holder = agent.connect()
    try:
        holder.edit_config(
            target="running", config=native(f"<username><name>{name}</name><privilege>1</privilege></username>")
        )
        lock_id = _partial_lock(holder, f"/ios:native/ios:username[ios:name='{name}']")
        printed = asyncio.run(_configure(agent, f"username {name} privilege 5", f"username {name}x privilege 5"))
        assert f"is partially locked by session {holder.session_id} admin (lock-id {lock_id})" in printed
        running = etree.fromstring(holder.get_config(source="running").data_xml.encode())
        privileges = {
            u.findtext(f"{{{IOS}}}name"): u.findtext(f"{{{IOS}}}privilege") for u in running.iter(f"{{{IOS}}}username")
        }
        assert privileges[name] == "1"  # the locked entry is unchanged
        assert privileges[f"{name}x"] == "5"  # the same shell may still change what is not locked
    finally:
        holder.close_session()
