"""The IOS shell on the device's SSH port: the session loop, line-editor keys, paging and the exec timeout.

Everything IOS-specific about *what* a line means lives in :mod:`iosxe_agent.cli.exec_cmds` (exec commands),
:mod:`iosxe_agent.cli.config_mode` (configuration mode) and :mod:`iosxe_agent.device.cli_map` (the command table); this
module only moves text between them and the terminal.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Awaitable
from functools import lru_cache

import asyncssh

from iosxe_agent.cli import config_mode, ssh_client
from iosxe_agent.cli.context import CliDevice, CliSession
from iosxe_agent.cli.exec_cmds import CONFIG_MODE, exec_tree
from iosxe_agent.cli.pager import MORE, apply_filters, pages, split_pipe
from iosxe_agent.cli.parser import INCOMPLETE, INVALID, Error, Node, complete_word, help_lines, match
from iosxe_agent.device import views
from iosxe_agent.device.device_session import DeviceSession
from iosxe_agent.device.sessions import SessionInfo
from iosxe_agent.limits import Limits

log = logging.getLogger(__name__)

_HELP = "\x00help:"
_CTRL_Z = "\x00ctrl-z"


@lru_cache(maxsize=1)
def _exec_root() -> Node:
    return exec_tree()


class _Terminal:
    """Writes with IOS line ends and counts bytes; reads lines with the exec timeout; applies backpressure.

    Writes do not wait (a command's output is produced whole), but the shell calls :meth:`drain` before it
    reads the next command: a client that sends commands and never reads their output stops being read once
    ``max_pending_output_bytes`` are unsent, and is disconnected after ``stalled_output_timeout_s``.
    """

    def __init__(
        self, process: asyncssh.SSHServerProcess[str], info: SessionInfo, idle: float | None, limits: Limits
    ) -> None:
        self.process = process
        self.info = info
        self.idle = idle
        self.limits = limits
        self.editor = process.get_terminal_type() is not None
        chan = process.channel
        #: asyncssh's line editor, which the server wraps every channel in and which works only on a terminal
        self.line_editor = chan if self.editor and isinstance(chan, asyncssh.SSHLineEditorChannel) else None
        self.at_line_start = True  # False after a prompt or a question: a log line must open a line of its own
        #: True while the shell waits for a command line (from the start: input may arrive before the first prompt)
        self.awaiting_command = True
        if isinstance(process, DeviceSession):
            process.on_input = self._on_input

    def write(self, text: str) -> None:
        if text:
            self.at_line_start = text.endswith("\n")
            text = text.replace("\r\n", "\n")
            if not self.editor:  # the asyncssh line editor turns "\n" into "\r\n" itself
                text = text.replace("\n", "\r\n")
            self.info.bytes_out += len(text)
            self.process.stdout.write(text)

    def backlogged(self) -> bool:
        """True while more than ``max_pending_output_bytes`` wait for the client."""
        return self.process.channel.get_write_buffer_size() > self.limits.max_pending_output_bytes

    async def drain(self) -> None:
        """Wait while the output is backlogged; abort the client's connection if it stays so too long.

        Raises:
            ConnectionError: the client read nothing for ``stalled_output_timeout_s``.
        """
        if not self.backlogged():
            return
        timeout = self.limits.stalled_output_timeout_s or None
        try:
            await asyncio.wait_for(self.process.stdout.drain(), timeout)
        except TimeoutError:
            conn = self.process.channel.get_connection()
            log.warning(
                "vty %s (%s) read no output for %g s (stalled_output_timeout_s); disconnecting",
                self.info.line,
                self.info.user,
                self.limits.stalled_output_timeout_s,
            )
            conn.abort()
            raise ConnectionError("the client stopped reading") from None

    async def readline(self) -> str:
        await self.drain()
        line = await self._listening(self.process.stdin.readline())
        self.info.bytes_in += len(line)
        self.at_line_start = self.editor  # the line editor echoed the end of the line
        return line

    def _on_input(self, data: str) -> None:
        """A bare Enter typed at the command prompt holds all further input until the next read.

        IOS echoes what is typed ahead only when it reads it, after the prompt; asyncssh's line editor echoes input
        the moment it arrives. A client that sends a bare newline to find the prompt and then its first command at
        once (scrapli, netmiko, unicon; often both still unread when the shell starts) would otherwise see that
        command's echo *before* the prompt the newline earned, take that prompt as its command's end and read every
        later output one command late, or hang on ``Router#Router#``. Called as the line is queued (before any
        later input is delivered), so the hold is exact; only at the command prompt, never under the device's own
        ``ssh`` (raw input, read by the bridge)."""
        if self.awaiting_command and self.line_editor is not None and data.endswith("\n") and not data.strip():
            self.process.channel.pause_reading()

    async def _listening(self, read: Awaitable[str]) -> str:
        """``read`` with held input let through while it waits; a read that the buffered input already satisfies
        lets nothing more through (so asyncssh's own flow control of unread input keeps its say)."""
        task = asyncio.ensure_future(read)
        try:
            await asyncio.sleep(0)  # one step: a read satisfied by buffered input is done now
            if not task.done() and self.line_editor is not None:
                self.process.channel.resume_reading()
            return await asyncio.wait_for(task, self.idle)
        finally:
            task.cancel()

    async def ask(self, prompt: str, echo: bool) -> str:
        self.write(prompt)
        if not echo and self.line_editor is not None:
            self.line_editor.set_echo(False)
        try:
            answer = await self.readline()
        finally:
            if not echo:
                if self.line_editor is not None:
                    self.line_editor.set_echo(True)
                self.write("\n")
        return answer.rstrip("\r\n")

    async def key(self) -> str:
        """One keystroke (for ``--More--``), with line editing off while it is read."""
        if self.line_editor is not None:
            self.line_editor.set_line_mode(False)
        try:
            return await self._listening(self.process.stdin.read(1))
        finally:
            if self.line_editor is not None:
                self.line_editor.set_line_mode(True)


def line_idle_timeout(device: CliDevice, line: str | None) -> float | None:
    """``exec-timeout`` of the vty block that holds ``line`` in seconds; None when it is 0 (never)."""
    for block in device.ssh.view.vty:
        for i in range(block.count):
            if block.name(i) == line:
                return float(block.exec_timeout) or None
    return 600.0


async def run_command(s: CliSession, line: str) -> str:
    """Run one exec-mode line (with ``|`` filters) and return its output (no paging).

    An empty or blank line prints nothing (the prompt comes again), as on IOS: every netmiko, scrapli, NAPALM and
    unicon session sends one to find the prompt."""
    if not line.strip():
        return ""
    command, filters = split_pipe(line)
    if isinstance(filters, str):
        if filters == "incomplete":
            return Error("incomplete").render(0)
        return Error("invalid", int(filters)).render(len(s.prompt()))
    found = match(_exec_root(), command, s.privilege)
    if isinstance(found, Error):
        return found.render(len(s.prompt()))
    result = await found.node.handler(s, found.args)
    if isinstance(result, Error):  # the handler refused its LINE argument: the caret is relative to it
        refused = dataclasses.replace(result, column=found.rest_column + result.column, text=command.strip())
        return refused.render(len(s.prompt()))
    if result is CONFIG_MODE:
        config_mode.enter(s)
        return "Enter configuration commands, one per line.  End with CNTL/Z."
    text = str(result or "")
    return apply_filters(text, filters, s.device.stores.limits) if filters else text


#: The messages IOS follows with an empty line before the prompt (CLI reference §3.3; not ``% Ambiguous command``)
BLANK_AFTER = (INVALID, INCOMPLETE)


def shown(out: str) -> str:
    """A command's output as the terminal gets it (without its final line end, which the shell adds): trailing
    line ends dropped, except the empty line IOS prints after ``% Invalid input …`` and ``% Incomplete command.``."""
    text = out.rstrip("\n")
    return text + "\n" if text.endswith(BLANK_AFTER) else text


async def _page(term: _Terminal, s: CliSession, text: str) -> None:
    screens = pages(text, s.length)
    for i, screen in enumerate(screens):
        term.write(screen + "\n")
        if i == len(screens) - 1:
            break
        term.write(MORE)
        key = await term.key()
        term.write("\r" + " " * len(MORE) + "\r")
        if key in ("q", "Q", "\x03"):
            break


def _bind_keys(term: _Terminal, s: CliSession) -> None:
    """``?`` help, Tab completion and Ctrl-Z, through the asyncssh line editor (pty sessions only)."""
    editor = term.line_editor
    if editor is None:
        return

    def on_help(line: str, pos: int) -> tuple[str, int]:
        if s.modes and s.modes[-1].banner:  # inside a banner's text '?' is text
            return line[:pos] + "?" + line[pos:], pos + 1
        return _HELP + line, -1

    def on_tab(line: str, pos: int) -> tuple[str, int] | bool:
        if not s.modes:
            done = complete_word(_exec_root(), line[:pos], s.privilege)
        elif s.modes[-1].banner:
            done = None
        else:
            done = config_mode.complete(s, line[:pos], _exec_root())
        return (done + line[pos:], len(done)) if done else False

    def on_ctrl_z(line: str, pos: int) -> tuple[str, int] | bool:
        return (_CTRL_Z, -1) if s.modes else False

    editor.register_key("?", on_help)
    editor.register_key("\t", on_tab)
    editor.register_key("\x1a", on_ctrl_z)


async def run_cli(process: asyncssh.SSHServerProcess[str], info: SessionInfo, *, device: CliDevice) -> None:
    """The shell of one authenticated session on line ``info.line`` (or one ``ssh host COMMAND``)."""
    term = _Terminal(process, info, line_idle_timeout(device, info.line), device.stores.limits)
    s = CliSession(device, info, term.ask)
    ssh_client.attach(s, term)  # the outgoing ssh command borrows this terminal
    # log lines for `terminal monitor` are dropped, not queued, while the client is not reading
    monitor = device.log.subscribe(
        lambda text: (
            term.write(("" if term.at_line_start else "\n") + text + "\n")
            if s.monitor and not term.backlogged()
            else None
        )
    )
    try:
        if process.command is not None:
            term.write(await run_command(s, process.command) + "\n")
            await term.drain()
            process.exit(0)
            return
        _bind_keys(term, s)
        term.write("\n" + views.banners(device.running).session_start)
        restore: str | None = None
        while not s.done:
            term.write("" if s.modes and s.modes[-1].banner else s.prompt())  # no prompt inside a banner's text
            if restore and term.line_editor is not None:  # the line typed before '?' comes back after the prompt
                term.line_editor.set_input(restore, len(restore))
                term.process.stdout.write("")  # set_input only buffers its drawing; an (empty) write sends it
                restore = None
            term.awaiting_command = True
            try:
                raw = await term.readline()
            except TimeoutError:
                term.write("\n")
                break
            except asyncssh.TerminalSizeChanged:
                continue
            except asyncssh.SignalReceived as sig:
                restore = _special_key(term, s, str(sig.signal))
                continue
            except asyncssh.BreakReceived:
                _interrupt(term, s)
                continue
            if not raw:
                break
            term.awaiting_command = False
            line = raw.rstrip("\r\n")
            try:
                out = await config_mode.handle(s, line, run_command) if s.modes else await run_command(s, line)
                if out:
                    await _page(term, s, shown(out)) if not s.modes else term.write(shown(out) + "\n")
            except asyncssh.BreakReceived:  # Ctrl-C at a question (enable's Password:, a [confirm]) aborts it
                _interrupt(term, s)
        process.exit(0)
    except (BrokenPipeError, ConnectionError, asyncssh.DisconnectError):
        with contextlib.suppress(Exception):
            process.exit(0)
    finally:
        monitor()


def _interrupt(term: _Terminal, s: CliSession) -> None:
    """Ctrl-C: abandon the line or question; in configuration mode it also ends it, as on IOS."""
    if term.line_editor is not None:
        term.line_editor.clear_input()
    term.write("\n")
    if s.modes:
        config_mode.leave(s)


def _special_key(term: _Terminal, s: CliSession, signal: str) -> str | None:
    """Handle ``?`` (print help; returns the input to put back after the prompt) or Ctrl-Z (leave config)."""
    if term.line_editor is not None:
        term.line_editor.clear_input()
    if signal.startswith(_HELP):
        line = signal[len(_HELP) :]
        if s.modes:
            lines = config_mode.help_lines(s, line, _exec_root())
        else:
            lines = help_lines(_exec_root(), line, s.privilege)
        # IOS follows a list (and an invalid-input caret) with a blank line, but not these two messages
        tail = "\n" if lines and lines[-1].startswith(("% Unrecognized", "% Ambiguous")) else "\n\n"
        term.write(line + "?\n" + "\n".join(lines) + tail)
        return line
    if signal == _CTRL_Z:
        term.write("^Z\n")
        config_mode.leave(s)
    return None
