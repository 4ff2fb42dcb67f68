"""``configure terminal``: each line goes through the CLI table and is applied at once through the one commit
pipeline, as IOS applies each configuration line (so a NETCONF session sees it immediately)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from iosxe_agent.cli.context import CliSession
from iosxe_agent.datastore.store import RUNNING, StoreError
from iosxe_agent.device.cli_map.parse import CONFIG_MODE, format_error, parse_line
from iosxe_agent.device.cli_map.syntax import Kw
from iosxe_agent.device.cli_map.table import BY_MODE


def enter(s: CliSession) -> None:
    """Enter global configuration mode."""
    s.modes = [CONFIG_MODE]


def leave(s: CliSession) -> None:
    """Back to exec mode (``end``, Ctrl-Z), logged as IOS does."""
    if s.modes:
        s.modes = []
        line = (s.info.line or "vty 0").replace(" ", "")
        s.device.log.emit(f"%SYS-5-CONFIG_I: Configured from console by {s.info.user} on {line} ({s.info.peer})")


async def handle(s: CliSession, line: str, run_exec: Callable[[CliSession, str], Awaitable[str]]) -> str:
    """Run one configuration-mode line and return what IOS prints for it (a banner's text lines are taken as
    they are: blank ones and ``do …`` included)."""
    in_banner = s.modes[-1].banner
    stripped = line.strip()
    if not stripped and not in_banner:
        return ""
    words = stripped.split(None, 1)
    if not in_banner and words[0].lower() == "do" and len(words) == 2:
        return await run_exec(s, words[1])
    result = parse_line(line, s.modes[-1], s.device.running)
    if result.error is not None:
        return "\n".join(format_error(s.prompt(), line, result.error))
    if result.edit is not None:
        try:
            s.device.stores.edit(RUNNING, result.edit, s.origin())
        except StoreError as exc:
            return "\n".join(f"% {e.message}" for e in exc.errors)
    if result.mode.name == "exec":
        leave(s)
    else:
        s.modes = [result.mode]
    if result.mode.banner and not in_banner:
        return f"Enter TEXT message.  End with the character '{result.mode.delimiter}'."
    return ""


def help_lines(s: CliSession, line: str) -> list[str]:
    """``?`` in configuration mode: the commands of the current mode (first words), or those a prefix starts."""
    mode = s.modes[-1].name if s.modes else "config"
    words = sorted(
        {first.word for cmd in BY_MODE.get(mode, ()) if isinstance(first := cmd.syntax.items[0], Kw)}
        | {"do", "end", "exit", "no"}
    )
    partial = line.strip().lower()
    if partial and " " not in partial:
        hits = [w for w in words if w.startswith(partial)]
        return ["  ".join(hits)] if hits else ["% Unrecognized command"]
    return [f"  {w}" for w in words]
