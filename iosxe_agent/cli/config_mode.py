"""``configure terminal``: each line goes through the CLI table and is applied at once through the one commit
pipeline, as IOS applies each configuration line (so a NETCONF session sees it immediately)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from iosxe_agent.cli import crypto_cmds, parser
from iosxe_agent.cli.context import CliSession
from iosxe_agent.cli.parser import Node
from iosxe_agent.datastore.store import RUNNING, StoreError, WriteFailed
from iosxe_agent.device.cli_map import help as config_help
from iosxe_agent.device.cli_map.parse import CONFIG_MODE, format_error, parse_line


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
    # IOS's own refusals ("failed": bad key data on 'exit') still leave the data mode, as IOS does
    message = "\n".join(format_error(s.prompt(), line, result.error)) if result.error is not None else ""
    if result.error is not None and result.error.kind != "failed":
        return message
    if result.edit is not None:
        try:
            await s.device.stores.edit(RUNNING, result.edit, s.origin())
        except WriteFailed as exc:  # the line is not applied; the session goes on, as IOS's does after an error
            return f"% Configuration not applied: could not write running-config ({exc.reason})"
        except StoreError as exc:
            return "\n".join(f"% {e.message}" for e in exc.errors)
    if result.mode.name == "exec":
        leave(s)
    else:
        s.modes = [result.mode]
    if result.action is not None:  # `crypto key generate|zeroize rsa …`: acts on the keys, stores nothing
        return await crypto_cmds.run_action(s, result.action)
    if result.mode.banner and not in_banner:
        return f"Enter TEXT message.  End with the character '{result.mode.delimiter}'."
    return message


def help_lines(s: CliSession, line: str, exec_root: Node) -> list[str]:
    """``?`` in configuration mode: the next words of the command typed so far, from the CLI table; after ``do``,
    the exec commands (``exec_root``), as IOS does."""
    exec_line = _after_do(line)
    if exec_line is not None:
        return parser.help_lines(exec_root, exec_line, s.privilege)
    describe = config_help.yang_descriptions(s.device.stores.schema)
    return config_help.help_lines(line, s.modes[-1], s.width, describe, len(s.prompt()))


def complete(s: CliSession, line: str, exec_root: Node) -> str | None:
    """Tab in configuration mode: the last word completed when one keyword continues it (after ``do``: an exec
    keyword)."""
    exec_line = _after_do(line)
    if exec_line is not None:
        done = parser.complete_word(exec_root, exec_line, s.privilege)
        return None if done is None else line[: len(line) - len(exec_line)] + done
    return config_help.complete(line, s.modes[-1])


_DO = re.compile(r"\s*do\s+(.*)", re.IGNORECASE | re.DOTALL)


def _after_do(line: str) -> str | None:
    """The exec line after a leading ``do`` word (None when the line does not start with one)."""
    m = _DO.fullmatch(line)
    return None if m is None else m.group(1)
