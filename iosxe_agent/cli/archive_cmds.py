"""The configuration archive and configuration replace at the exec prompt.

``archive config`` saves running-config as the next archive file (:mod:`iosxe_agent.device.archive`);
``show archive`` lists them. ``show archive config differences [A [B]]`` and ``show archive config incremental-diffs
F [ignorecase]`` compare configurations as IOS does (:mod:`iosxe_agent.device.config_diff`): NAPALM's ``ios`` driver
reads them for ``compare_config``.

``configure replace URL [list] [force] [ignorecase] [revert trigger error [timer N] | revert timer N | time N]``
replaces running-config with a whole configuration file in one transaction (:meth:`DeviceFiles.replace_running`):
on any error nothing changes, which is what ``revert trigger error`` asks of IOS. Without ``force`` IOS asks first
(the text below); ``list`` prints the commands the replace amounts to; a timer (``time N``, ``revert timer N``,
``revert trigger error timer N``) reverts the replace unless ``configure confirm`` comes in time (IOS requires the
archive for it: ``archive`` / ``path``); ``configure revert now|timer N`` reverts at once or restarts the timer, and
``show archive config rollback timer`` shows what is pending. NAPALM's ``commit_config`` and ``rollback`` run
exactly these (``configure replace flash:/candidate_config.txt force revert trigger error``).
"""

from __future__ import annotations

import asyncio
import functools
import itertools
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass

from iosxe_agent.cli.context import CliSession
from iosxe_agent.cli.escapes import printable
from iosxe_agent.cli.file_cmds import NO_FS, now
from iosxe_agent.cli.parser import Node, add
from iosxe_agent.datastore.confirm import TIMED_ROLLBACK
from iosxe_agent.datastore.store import StoreError
from iosxe_agent.device import views
from iosxe_agent.device.archive import ArchiveError
from iosxe_agent.device.config_diff import contextual_diff, incremental, replace_commands
from iosxe_agent.device.config_files import ConfigFileError
from iosxe_agent.device.files import FlashError
from iosxe_agent.device.filesystem import DeviceFiles, FileKind, locate

REPLACE_QUESTION = (
    "This will apply all necessary additions and deletions\n"
    "to replace the current running configuration with the\n"
    "contents of the specified configuration file, which is\n"
    "assumed to be a complete configuration, not a partial\n"
    "configuration. Enter Y if you are sure you want to proceed. ? [no]: "
)
REPLACE_DONE = "Total number of passes: 1\nRollback Done"
REPLACE_KEPT = "%Rollback aborted: the running configuration is unchanged"
NEEDS_ARCHIVE = "%Please turn config archive on before using Rollback Confirmed Change"
NO_PENDING = "%No Rollback Confirmed Change pending"

Handler = Callable[[CliSession, tuple[str, ...]], Awaitable[str]]


def _files(s: CliSession) -> DeviceFiles | None:
    return s.device.ssh.files


# -- archive config, show archive ------------------------------------------------------------------------------------
async def archive_config(s: CliSession, args: tuple[str, ...]) -> str:
    """``archive config``: running-config as the next archive file (IOS prints nothing when it worked)."""
    files = _files(s)
    if files is None:
        return NO_FS
    try:
        files.archive_running(s.device.hostname, now())
    except ArchiveError as exc:
        return printable(str(exc))
    return ""


async def show_archive(s: CliSession, args: tuple[str, ...]) -> str:
    """``show archive``."""
    files = _files(s)
    if files is None:
        return NO_FS
    return files.archive.show(views.archive(s.device.running), s.device.hostname)


async def _text(files: DeviceFiles, name: str) -> str:
    """A configuration as text: running-config, startup-config or a flash: file (raises FlashError)."""
    data = await asyncio.to_thread(files.read, locate(name))
    return data.decode("utf-8", "replace")


async def show_differences(s: CliSession, args: tuple[str, ...]) -> str:
    """``show archive config differences [A [B]]``: A defaults to running-config, B to startup-config (one file:
    running-config against it)."""
    files = _files(s)
    if files is None:
        return NO_FS
    if len(args) == 2:
        first, second = args
    else:
        first, second = "running-config", args[0] if args else "startup-config"
    try:
        old, new = await _text(files, first), await _text(files, second)
    except FlashError as exc:
        return printable(str(exc))
    # configuration content, shown as it is (as ``more`` does); off the loop: ~0.1 s for a 1 MB configuration
    return await asyncio.to_thread(contextual_diff, old, new)


async def show_incremental(s: CliSession, args: tuple[str, ...], *, ignorecase: bool = False) -> str:
    """``show archive config incremental-diffs FILE``: the lines of FILE that running-config does not hold."""
    files = _files(s)
    if files is None:
        return NO_FS
    try:
        running, wanted = await _text(files, "running-config"), await _text(files, args[0])
    except FlashError as exc:
        return printable(str(exc))
    return await asyncio.to_thread(functools.partial(incremental, running, wanted, ignorecase=ignorecase))


async def show_incremental_ignorecase(s: CliSession, args: tuple[str, ...]) -> str:
    return await show_incremental(s, args, ignorecase=True)


async def show_rollback_timer(s: CliSession, args: tuple[str, ...]) -> str:
    """``show archive config rollback timer``: the timed rollback of a ``configure replace … time N``."""
    pending = s.device.stores.confirm.pending
    if pending is None or pending.kind != TIMED_ROLLBACK:
        return NO_PENDING
    minutes = pending.timeout_s / s.device.stores.limits.revert_minute_s
    kind = "idle" if pending.idle else "absolute"
    return f"Timer type: {kind}\nTimer value: {minutes:g} min\nUser: {pending.origin.user}"


# -- configure replace, confirm, revert ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ReplaceOptions:
    """What one spelling of ``configure replace URL …`` asked for (the options after the URL, in any order)."""

    force: bool = False
    listing: bool = False
    timer_min: int | None = None


#: The options after the URL: the words of each, and which of :class:`ReplaceOptions` it sets (``timer`` takes
#: the number typed after it). At most one timer option; ``ignorecase`` and ``revert trigger error`` change
#: nothing here (lines compare as typed; a failed replace changes nothing anyway).
_FLAGS = (("force", "force"), ("list", "listing"), ("ignorecase", None))
_TIMERS = (
    ("time <1-120>", "timer"),
    ("revert timer <1-120>", "timer"),
    ("revert trigger error", None),
    ("revert trigger error timer <1-120>", "timer"),
)


def _spellings() -> Iterator[tuple[str, tuple[str | None, ...]]]:
    """Every accepted order of options: (words after the URL, what each option sets)."""
    for timer in (None, *_TIMERS):
        for count in range(len(_FLAGS) + 1):
            for flags in itertools.combinations(_FLAGS, count):
                chosen = (*flags, timer) if timer is not None else flags
                for order in itertools.permutations(chosen):
                    yield " ".join(words for words, _ in order), tuple(sets for _, sets in order)


def _replace_handler(sets: tuple[str | None, ...]) -> Handler:
    async def handler(s: CliSession, args: tuple[str, ...]) -> str:
        numbers = iter(args[1:])
        options = ReplaceOptions(
            force="force" in sets,
            listing="listing" in sets,
            timer_min=int(next(numbers)) if "timer" in sets else None,
        )
        return await configure_replace(s, args[0], options)

    return handler


async def configure_replace(s: CliSession, target: str, options: ReplaceOptions) -> str:
    """``configure replace URL …``: IOS's question (unless ``force``), the optional listing, then the one
    transaction."""
    files = _files(s)
    if files is None:
        return NO_FS
    src = locate(target)
    try:
        files.check_file(src)
    except FlashError as exc:
        return printable(str(exc))
    if src.kind is FileKind.FLASH and not files.flash.exists(src.name):
        return printable(f"%Error opening {src} (No such file or directory)")
    if options.timer_min is not None and not views.archive(s.device.running).enabled:
        return NEEDS_ARCHIVE
    if not options.force:
        answer = (await s.ask(REPLACE_QUESTION, True)).strip().lower()
        if answer not in ("y", "yes"):
            return ""
    out: list[str] = []
    if options.listing:
        try:
            old, new = await _text(files, "running-config"), await _text(files, str(src))
            cmds = await asyncio.to_thread(replace_commands, old, new)
        except FlashError as exc:
            return printable(str(exc))
        out += ["!Pass 1", "!List of Commands:", *cmds, "end"]
    revert_s = None if options.timer_min is None else options.timer_min * s.device.stores.limits.revert_minute_s
    try:
        await files.replace_running(src, s.origin(), revert_after_s=revert_s)
    except ConfigFileError as exc:
        return "\n".join([*out, *(printable(line) for line in exc.lines), REPLACE_KEPT])
    except FlashError as exc:
        return "\n".join([*out, printable(str(exc)), REPLACE_KEPT])
    return "\n".join([*out, REPLACE_DONE])


async def configure_confirm(s: CliSession, args: tuple[str, ...]) -> str:
    """``configure confirm``: keep the configuration of a pending timed rollback."""
    return await _pending_op(s.device.stores.confirm_timed(s.origin()), "")


async def configure_revert_now(s: CliSession, args: tuple[str, ...]) -> str:
    """``configure revert now``: roll back the pending timed rollback at once."""
    return await _pending_op(s.device.stores.revert_timed(s.origin()), "Rollback Done")


async def configure_revert_timer(s: CliSession, args: tuple[str, ...]) -> str:
    """``configure revert timer N``: restart the pending timer with N minutes."""
    seconds = int(args[0]) * s.device.stores.limits.revert_minute_s
    return await _pending_op(s.device.stores.reset_timed(s.origin(), seconds), "")


async def _pending_op(change: Awaitable[None], done: str) -> str:
    try:
        await change
    except StoreError as exc:
        return "; ".join(f"%{e.message}" if not e.message.startswith("%") else e.message for e in exc.errors)
    return done


#: ``?`` help of the words after ``configure replace URL`` (every spelling shares them).
_OPTION_HELP = {
    "force": "Do not prompt for confirmation",
    "list": "List the commands applied in each pass",
    "ignorecase": "Ignore case when comparing",
    "time": "Time to wait for confirmation",
    "revert": "Rollback Confirmed Change parameters",
    "trigger": "Trigger the revert on an event",
    "error": "Revert on any error",
    "timer": "Revert timer",
    "<1-120>": "Minutes",
}


def _describe_options(root: Node) -> None:
    """Give each option word under ``configure replace URL`` its help (``add`` gives one to last words only)."""
    start = root.child("configure")
    start = start.child("replace") if start is not None else None
    todo = [c for c in start.children if c.arg == "WORD"] if start is not None else []
    while todo:
        node = todo.pop()
        node.help = node.help or _OPTION_HELP.get(node.arg or node.name, "")
        todo += node.children


def register(root: Node) -> None:
    """Add the archive and configuration-replace commands to the exec command tree (privilege 15, as on IOS)."""
    add(root, "archive config", archive_config, "Archive the running configuration", 15)
    add(root, "show archive", show_archive, "Archive functions", 15)
    add(root, "show archive config differences", show_differences, "Show differences between configurations", 15)
    add(root, "show archive config differences WORD", show_differences, "First configuration file", 15)
    add(root, "show archive config differences WORD WORD", show_differences, "Second configuration file", 15)
    add(root, "show archive config incremental-diffs WORD", show_incremental, "Configuration file", 15)
    add(root, "show archive config incremental-diffs WORD ignorecase", show_incremental_ignorecase, "Ignore case", 15)
    add(root, "show archive config rollback timer", show_rollback_timer, "Rollback confirmed change timer", 15)
    add(root, "configure replace WORD", _replace_handler(()), "Replace the running-config with a new config file", 15)
    for words, sets in _spellings():
        if words:
            add(root, f"configure replace WORD {words}", _replace_handler(sets), "", 15)
    _describe_options(root)
    add(root, "configure confirm", configure_confirm, "Confirm replacement of running-config", 15)
    add(root, "configure revert now", configure_revert_now, "Cancel the timed rollback and trigger it now", 15)
    add(root, "configure revert timer <1-120>", configure_revert_timer, "Reset the rollback timer", 15)
