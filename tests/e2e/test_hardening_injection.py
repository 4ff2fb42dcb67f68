"""Config injection through values IOS text cannot carry (issue 16, item 3), against the real agent process.

A user name holding a newline used to print as two commands in ``show running-config``, so a routine backup and
restore (``copy running-config flash:bk.cfg``, ``copy flash:bk.cfg running-config``) created a privilege-15 user
with a known password; names with a space, TAB, CR or nothing at all broke every later restore. Such values are
now refused when committed, from NETCONF (ncclient) and from the CLI (asyncssh shell), and a legal configuration
survives the backup/restore cycle byte for byte.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import asyncssh
import pytest
from agents import ADMIN_PASSWORD
from datastores import running_xml
from namespaces import IOS, NC, SNMP
from ncclient.operations.rpc import RPCError

REFUSED = "inconsistent value: Device refused one or more commands"
ATTACK = "evil&#10;username root privilege 15 secret 0 x"


def config(body: str) -> str:
    return f'<config xmlns="{NC}" xmlns:nc="{NC}"><native xmlns="{IOS}">{body}</native></config>'


def refused(agent: Any, body: str, target: str = "candidate") -> RPCError:
    """Send ``body`` to ``target`` (committing a candidate) and return the error the agent answers with."""
    m = agent.connect()
    try:
        with pytest.raises(RPCError) as caught:
            m.edit_config(target=target, config=config(body))
            m.commit()
        if target == "candidate":
            m.discard_changes()
        return caught.value
    finally:
        m.close_session()


class Shell:
    """An interactive IOS CLI session over the device SSH port."""

    def __init__(self, proc: asyncssh.SSHClientProcess[str]) -> None:
        self.proc = proc

    async def cmd(self, line: str, *endings: str) -> str:
        self.proc.stdin.write(line + "\n")
        out = await asyncio.wait_for(self.proc.stdout.readuntil(endings or ("#",)), 60)
        return out.replace("\r\n", "\n")


async def _shell(agent: Any, fn: Callable[[Shell], Awaitable[Any]], pty: bool) -> Any:
    async with asyncssh.connect(
        "127.0.0.1", agent.ssh_port, username="admin", password=ADMIN_PASSWORD, known_hosts=None
    ) as conn:
        proc = await (conn.create_process(term_type="vt100", term_size=(200, 50)) if pty else conn.create_process())
        shell = Shell(proc)
        await asyncio.wait_for(proc.stdout.readuntil("#"), 60)
        await shell.cmd("terminal length 0")
        result = await fn(shell)
        proc.stdin.write("exit\n")
        return result


def cli(agent: Any, fn: Callable[[Shell], Awaitable[Any]], *, pty: bool = True) -> Any:
    """Run ``fn`` in a CLI session (``pty``: with a terminal, and so the asyncssh line editor)."""
    return asyncio.run(_shell(agent, fn, pty))


def show_run(agent: Any) -> str:
    async def run(shell: Shell) -> str:
        return await shell.cmd("show running-config")

    text: str = cli(agent, run)
    return "\n".join(line for line in text.splitlines() if not line.startswith("! Last configuration change"))


def test_the_newline_user_name_attack_is_refused_and_changes_nothing(agent: Any) -> None:
    before, shown = running_xml(agent), show_run(agent)
    for target in ("candidate", "running"):
        err = refused(agent, f"<username><name>{ATTACK}</name><privilege>1</privilege></username>", target=target)
        assert (err.type, err.tag, err.severity) == ("application", "invalid-value", "error")
        assert err.message == REFUSED
        assert "username[" in (err.path or "") and "evil" in (err.path or "")
        assert "error_cli" in (err.info or "") and "http://cisco.com/yang/cisco-ia" in (err.info or "")
    assert running_xml(agent) == before
    after = show_run(agent)
    assert after == shown
    assert "username root" not in after and "evil" not in after


@pytest.mark.parametrize(
    "name", ["bo b", "a&#9;b", "a&#13;b", "", "a&#x2028;b", "x&#10;"], ids=["space", "tab", "cr", "empty", "ls", "lf"]
)
def test_names_that_break_a_text_restore_are_refused(agent: Any, name: str) -> None:
    before = running_xml(agent)
    err = refused(agent, f"<username><name>{name}</name><privilege>1</privilege></username>", target="running")
    assert err.tag == "invalid-value" and err.message == REFUSED
    assert running_xml(agent) == before


def test_line_values_and_keyword_collisions_are_refused_too(agent: Any) -> None:
    """Not a list of fields: a LINE value with a line break or a leading space, and a free word that the parser
    would read as the keyword before it, are refused the same way."""
    before = running_xml(agent)
    for body in (
        f'<snmp-server><location xmlns="{SNMP}">lab&#10;username x privilege 15</location></snmp-server>',
        f'<snmp-server><contact xmlns="{SNMP}"> leading</contact></snmp-server>',
        f'<snmp-server><community-config xmlns="{SNMP}"><name>pub</name><access-list-name>RO</access-list-name>'
        "</community-config></snmp-server>",
    ):
        err = refused(agent, body)
        assert err.tag == "invalid-value" and err.message == REFUSED, body
    assert running_xml(agent) == before


def test_backup_and_restore_of_a_legal_configuration_restores_it_identically(agent: Any) -> None:
    m = agent.connect()
    try:
        m.edit_config(
            target="running",
            config=config(
                "<hostname>Backup-R1</hostname>"
                "<username><name>jürgen!</name><privilege>5</privilege>"
                "<secret><encryption>0</encryption><secret>pw with spaces ^C !</secret></secret></username>"
                "<username><name>ops</name><privilege>15</privilege></username>"
                f'<snmp-server><location xmlns="{SNMP}">Büro 3, rack "A"  ! ^C end</location>'
                f'<contact xmlns="{SNMP}">noc@example.com&#9;24/7</contact></snmp-server>'
            ),
        )
    finally:
        m.close_session()
    before = running_xml(agent)

    async def backup(shell: Shell) -> str:
        out = await shell.cmd("copy running-config flash:bk.cfg", "]? ")
        return out + await shell.cmd("")

    assert "bytes copied in" in cli(agent, backup)
    text = (agent.state_dir / "flash" / "bk.cfg").read_text()
    assert "username jürgen! privilege 5 secret 9 $9$" in text
    m = agent.connect()
    try:  # change what the backup holds, then restore it
        m.edit_config(
            target="running",
            config=config(
                '<hostname>Changed</hostname><username nc:operation="delete"><name>ops</name></username>'
                f'<snmp-server><location xmlns="{SNMP}">elsewhere</location></snmp-server>'
            ),
        )
    finally:
        m.close_session()
    assert running_xml(agent) != before

    async def restore(shell: Shell) -> str:
        out = await shell.cmd("copy flash:bk.cfg running-config", "]? ")
        return out + await shell.cmd("")

    out = cli(agent, restore)
    assert "bytes copied in" in out and "Invalid" not in out
    assert running_xml(agent) == before


def test_the_cli_refuses_a_line_break_inside_a_line_argument(agent: Any) -> None:
    """U+2028 ends a line for the file parser, so sent into ``snmp-server location`` it would split the command
    in running-config: the CLI refuses it with IOS's caret at the character. (With a terminal the line editor
    already drops the character; a session without one, as scripts open, passes lines through unchanged.)"""
    before = running_xml(agent)

    async def session(shell: Shell) -> str:
        await shell.cmd("configure terminal")
        out = await shell.cmd("snmp-server location lab\u2028username x privilege 15")
        await shell.cmd("end")
        return out

    out = cli(agent, session, pty=False)
    assert "% Invalid input detected at '^' marker." in out
    prompt = out.splitlines()[-1]  # no echo without a terminal: the caret line is relative to the prompt
    caret = next(line for line in out.splitlines() if line.strip() == "^")
    assert caret.index("^") == len(prompt) + len("snmp-server location lab")
    assert running_xml(agent) == before
