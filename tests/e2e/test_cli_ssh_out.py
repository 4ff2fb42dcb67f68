"""The exec command ``ssh -l USER [-p PORT] HOST``: an SSH session from the device to another host, on the user's
terminal, and back to the local prompt when the remote side closes.

The remote host is the same agent (its own SSH port on 127.0.0.1), so the inner session is a second vty of the
same device: its ``show ssh`` lists both connections.
"""

from __future__ import annotations

import asyncio
import socket

import asyncssh
from agents import ADMIN_PASSWORD


class Pty:
    """An interactive pty session into the agent's CLI."""

    def __init__(self, proc: asyncssh.SSHClientProcess[str]) -> None:
        self.proc = proc

    async def until(self, *endings: str) -> str:
        out = await asyncio.wait_for(self.proc.stdout.readuntil(endings), 30)
        return out.replace("\r\n", "\n")

    async def send(self, line: str, *endings: str) -> str:
        self.proc.stdin.write(line + "\r")
        return await self.until(*endings)


async def open_cli(
    port: int, user: str = "admin", password: str = ADMIN_PASSWORD
) -> tuple[asyncssh.SSHClientConnection, Pty]:
    conn = await asyncssh.connect("127.0.0.1", port, username=user, password=password, known_hosts=None)
    proc = await conn.create_process(term_type="vt100", term_size=(132, 40))
    pty = Pty(proc)
    await pty.until("#", ">")
    return conn, pty


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_ssh_to_a_remote_host_and_back_to_the_local_prompt(fresh_agent) -> None:
    agent = fresh_agent()

    async def scenario() -> None:
        conn, pty = await open_cli(agent.ssh_port)
        async with conn:
            out = await pty.send(f"ssh -l admin -p {agent.ssh_port} 127.0.0.1", "Password: ")
            assert out.startswith(f"ssh -l admin -p {agent.ssh_port} 127.0.0.1\n"), out
            # the password is not echoed; the remote shell's banner line and prompt follow
            remote = await pty.send(ADMIN_PASSWORD, "Router#")
            assert ADMIN_PASSWORD not in remote
            # keystrokes now go to the remote shell, which echoes them
            out = await pty.send("show privilege", "Router#")
            assert "show privilege\n" in out and "Current privilege level is 15\n" in out, out
            out = await pty.send("show ssh", "Router#")
            assert out.count(" IN ") == 2, out  # the outer session and the inner one, on the same device
            out = await pty.send("exit", "Router#")
            assert "[Connection to 127.0.0.1 closed by foreign host]" in out, out
            # the local shell has the keyboard again: its line editor echoes and runs commands
            out = await pty.send("show privilege", "Router#")
            assert "Current privilege level is 15" in out, out
            out = await pty.send("show ssh", "Router#")
            assert out.count(" IN ") == 1, out
            pty.proc.stdin.write("exit\r")

    asyncio.run(scenario())


def test_ssh_at_level_1_and_its_failures(fresh_agent) -> None:
    agent = fresh_agent()
    closed = free_port()

    async def scenario() -> None:
        conn, pty = await open_cli(agent.ssh_port)
        async with conn:
            await pty.send("configure terminal", "(config)#")
            out = await pty.send("username op privilege 1 secret 0 Op-pass1", "(config)#")
            assert "%" not in out, out
            await pty.send("end", "#")
        conn, pty = await open_cli(agent.ssh_port, "op", "Op-pass1")
        async with conn:
            # level 1 may use ssh, as on IOS; ? lists it
            pty.proc.stdin.write("?")
            out = await pty.until("Router>")
            assert "Open a secure shell client connection" in out, out
            out = await pty.send("ssh -l op ?", "Router>")
            assert "-p" in out and "IP address or hostname of a remote system" in out, out
            pty.proc.stdin.write("\x15")  # Ctrl-U: drop the line the help put back

            # three wrong answers per method (keyboard-interactive, then password, as the guide's client shows):
            # the client gives up, the local prompt comes back
            await pty.send(f"ssh -l op -p {agent.ssh_port} 127.0.0.1", "Password: ")
            for n in range(1, 6):
                await pty.send(f"wrong-{n}", "Password: ")
            out = await pty.send("wrong-6", "Router>")
            assert "% Authentication failed." in out, out

            out = await pty.send(f"ssh -l op -p {closed} 127.0.0.1", "Router>")
            assert "% Connection refused by remote host" in out, out

            out = await pty.send(f"ssh -l op -p {agent.ssh_port} 127.0.0.1", "Password: ")
            out = await pty.send("Op-pass1", "Router>")
            out = await pty.send("show privilege", "Router>")
            assert "Current privilege level is 1" in out, out
            out = await pty.send("logout", "Router>")
            assert "[Connection to 127.0.0.1 closed by foreign host]" in out, out
            pty.proc.stdin.write("exit\r")

    asyncio.run(scenario())
