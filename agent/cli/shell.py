"""The exec shell on the device's SSH port: prompt, privilege, idle time-out and the first exec commands.

This is the session loop; commands are small pure functions of the session state that return text, so the
configuration-mode CLI can grow beside them without touching the I/O here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import asyncssh

from agent.device.names import n
from agent.device.passwords import verify
from agent.device.sessions import SessionInfo

log = logging.getLogger(__name__)

INVALID = "% Invalid input detected at '^' marker."


@dataclass(slots=True)
class ExecState:
    """What a command may read or change about its session."""

    info: SessionInfo
    hostname: Callable[[], str]
    enable_secret: Callable[[], tuple[str, str] | None]
    done: bool = False
    output: list[str] = field(default_factory=list)

    @property
    def prompt(self) -> str:
        """``Router>`` at level 1 (or 0), ``Router#`` above, as IOS shows it."""
        return f"{self.hostname()}{'#' if self.info.privilege > 1 else '>'}"


def _show_privilege(state: ExecState, args: list[str]) -> str:
    return f"Current privilege level is {state.info.privilege}"


def _exit(state: ExecState, args: list[str]) -> str:
    state.done = True
    return ""


def _disable(state: ExecState, args: list[str]) -> str:
    state.info.privilege = 1
    return ""


def _terminal(state: ExecState, args: list[str]) -> str:
    return ""


def _words_match(words: list[str], pattern: tuple[str, ...]) -> bool:
    """IOS abbreviation: each typed word is a prefix of the command word (``sh priv``, ``term len 0``)."""
    if len(words) < len(pattern):
        return False
    return all(p.startswith(w.lower()) for w, p in zip(words, pattern, strict=False))


COMMANDS: list[tuple[tuple[str, ...], Callable[[ExecState, list[str]], str]]] = [
    (("show", "privilege"), _show_privilege),
    (("exit",), _exit),
    (("logout",), _exit),
    (("quit",), _exit),
    (("disable",), _disable),
    (("terminal", "length"), _terminal),
    (("terminal", "width"), _terminal),
]


def execute(state: ExecState, line: str) -> str | None:
    """Run one exec command line and return its output; None when the command is ``enable`` (needs I/O)."""
    words = line.split()
    if not words:
        return ""
    if _words_match(words, ("enable",)) and len(words) <= 2:
        return None
    for pattern, fn in COMMANDS:
        if _words_match(words, pattern):
            return fn(state, words[len(pattern) :])
    column = len(state.prompt) + (len(line) - len(line.lstrip()))
    return " " * column + "^\n" + INVALID + "\n"


async def _enable(process: asyncssh.SSHServerProcess[str], state: ExecState, timeout: float | None) -> str:
    secret = state.enable_secret()
    if state.info.privilege >= 15:
        return ""
    if secret is None:
        return "% No password set"
    for _ in range(3):
        process.stdout.write("Password: ")
        editor = process.channel
        with contextlib.suppress(AttributeError, asyncssh.Error):  # no line editor (no pty): nothing to hide
            editor.set_echo(False)
        typed = await asyncio.wait_for(process.stdin.readline(), timeout)
        with contextlib.suppress(AttributeError, asyncssh.Error):
            editor.set_echo(True)
        process.stdout.write("\r\n")
        if await asyncio.to_thread(verify, secret[0], secret[1], typed.rstrip("\r\n")):
            state.info.privilege = 15
            return ""
    return "% Bad secrets\n"


def enable_secret_of(running_getter: Callable[[], object]) -> Callable[[], tuple[str, str] | None]:
    """``enable secret`` (preferred) or ``enable password`` of the live running configuration."""

    def get() -> tuple[str, str] | None:
        running = running_getter()
        enable = running.find(f"{n('native')}/{n('enable')}")  # type: ignore[attr-defined]
        if enable is None:
            return None
        secret = enable.find(n("secret"))
        if secret is not None and secret.findtext(n("secret")):
            return secret.findtext(n("type")) or "0", secret.findtext(n("secret")) or ""
        password = enable.find(n("password"))
        if password is not None and password.findtext(n("secret")):
            return password.findtext(n("type")) or "0", password.findtext(n("secret")) or ""
        return None

    return get


async def run_exec_session(
    process: asyncssh.SSHServerProcess[str], state: ExecState, idle_timeout: float | None
) -> None:
    """The interactive loop (or one ``ssh host command``), until exit, idle time-out or disconnect."""
    info = state.info

    def write(text: str) -> None:
        if text:
            text = text.replace("\r\n", "\n").replace("\n", "\r\n")
            info.bytes_out += len(text)
            process.stdout.write(text)

    try:
        if process.command is not None:
            out = execute(state, process.command)
            write((out or "") + ("\n" if out else ""))
            process.exit(0)
            return
        write("\n")
        while not state.done:
            write(state.prompt)
            try:
                line = await asyncio.wait_for(process.stdin.readline(), idle_timeout)
            except TimeoutError:
                write("\n")
                break
            except asyncssh.TerminalSizeChanged:
                continue
            if not line:
                break
            info.bytes_in += len(line)
            line = line.rstrip("\r\n")
            out = execute(state, line)
            if out is None:
                out = await _enable(process, state, idle_timeout)
            write(out + ("\n" if out and not out.endswith("\n") else ""))
        process.exit(0)
    except (asyncssh.BreakReceived, asyncssh.SignalReceived):
        process.exit(0)
    except (asyncssh.DisconnectError, BrokenPipeError, ConnectionError):
        pass


def line_idle_timeout(vty: tuple[object, ...], line: str | None) -> float | None:
    """``exec-timeout`` of the vty block that holds ``line`` in seconds; None when it is 0 (never)."""
    for block in vty:
        for i in range(block.count):  # type: ignore[attr-defined]
            if block.name(i) == line:  # type: ignore[attr-defined]
                return float(block.exec_timeout) or None  # type: ignore[attr-defined]
    return 600.0
