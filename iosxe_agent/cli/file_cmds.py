"""File-system exec commands: ``dir``, ``more``, ``delete``, ``copy``, ``verify /md5`` and ``show startup-config``
over the IOS file system of :mod:`iosxe_agent.device.filesystem` (flash:/bootflash:, running-config,
startup-config), and ``scp:`` URLs through the device's own SCP client.

``copy`` here is only IOS's dialogue (the questions, the confirmation, the ``bytes copied`` line): the copy itself
is :meth:`iosxe_agent.device.filesystem.DeviceFiles.copy`, the same one the NETCONF ``copy`` RPC runs, so a
configuration copied to flash: is the same file whichever face copied it.

Every file name they print — listed by ``dir``, echoed in a prompt or an error — goes through
:func:`iosxe_agent.cli.escapes.printable`, so a name made of terminal escape sequences or newlines is shown, not
obeyed (what ``more`` prints of a file's content is the content, as on IOS).

What they print follows IOS (``Destination filename [x]?``, ``Delete filename [x]?`` / ``Delete flash:/x?
[confirm]``, ``%Warning:There is a file already existing with this name`` / ``Do you want to over write?
[confirm]``, ``1234 bytes copied in 0.012 secs (102833 bytes/sec)``). A configuration file copied to
running-config is merged through the one commit pipeline with IOS's file semantics: the lines that are commands
apply, in order; each that is not is shown as IOS's console shows it during a copy (the caret under the column
where it went wrong, the line itself not echoed, then ``% Invalid input detected at '^' marker.``), before the
``bytes copied`` line. ``write memory`` and ``copy running-config startup-config`` also archive running-config when
``archive`` / ``write-memory`` is configured (:mod:`iosxe_agent.cli.archive_cmds`).

How much ``copy`` and ``delete`` ask is configuration, ``file prompt`` (:func:`iosxe_agent.device.views.files`):
``alert``, IOS's default, asks the questions above (``noisy`` asks the same here); ``quiet`` asks nothing the
command line already says, which is what NAPALM's ``ios`` driver configures before ``copy running-config
flash:F`` so that its wait for the prompt is not stalled by a question. ``delete /force F`` never asks.

``verify /md5 F [HASH]`` is what netmiko's ``file_transfer`` and NAPALM run after an SCP upload to compare MD5s
(:mod:`iosxe_agent.cli.verify`); ``show startup-config`` is the startup configuration as a file, after IOS's
``Using N out of 33554432 bytes`` line.

``scp:`` on either side (``scp:``, ``scp://[USER[:PASSWORD]@]HOST[:PORT]/PATH``) is the device's own SCP client,
with IOS's questions about the remote side (:mod:`iosxe_agent.cli.scp_copy`). A download into flash: streams into a
temporary file that becomes ``flash:F`` only when the transfer completed; a download into running-config or
startup-config is received (bounded by ``max_config_file_bytes``) into a private scratch directory and then written
exactly as a local file copied there would be; an upload of a configuration sends the text ``copy running-config
flash:F`` writes. ``PATH`` is what the remote SCP server is asked for (relative to the login directory;
``//abs/path`` for an absolute one).
"""

from __future__ import annotations

import asyncio
import io
import os
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

import asyncssh

from iosxe_agent.cli import scp_copy
from iosxe_agent.cli.context import CliSession
from iosxe_agent.cli.escapes import printable
from iosxe_agent.cli.parser import Node, add
from iosxe_agent.cli.scp_copy import ScpUrl, parse_scp_url
from iosxe_agent.cli.verify import md5_of, render_verify
from iosxe_agent.device import views
from iosxe_agent.device.archive import ArchiveError
from iosxe_agent.device.cli_map.render import render_running_config
from iosxe_agent.device.config_files import ConfigFileError, console_lines
from iosxe_agent.device.files import Flash, FlashError
from iosxe_agent.device.filesystem import DeviceFiles, FileKind, Url, locate

NO_FS = "%Error: the file system is not available"
#: nvram: of a C8000v (``show version``: ``32768K bytes of non-volatile configuration memory.``)
NVRAM_BYTES = 32768 * 1024


def _files(s: CliSession) -> DeviceFiles | None:
    return s.device.ssh.files


def _ios_date(epoch: float) -> str:
    t = datetime.fromtimestamp(epoch, UTC)
    return f"{t:%b} {t.day:>2} {t:%Y %H:%M:%S} +00:00"


def _basename(text: str) -> str:
    return text.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]


def _quiet(s: CliSession) -> bool:
    """``file prompt quiet``: ask only for what the command line does not say."""
    return views.files(s.device.running).prompt is views.FilePrompt.QUIET


# -- dir, more, delete ----------------------------------------------------------------------------------------------
async def dir_cmd(s: CliSession, args: tuple[str, ...]) -> str:
    """``dir [flash:|bootflash:]``."""
    files = _files(s)
    if files is None:
        return NO_FS
    where = args[0] if args else "flash:"
    url = locate(where)
    prefix = where.split(":", 1)[0] + ":" if ":" in where else "flash:"
    if url.kind is not FileKind.FLASH:
        return printable(f"%Error opening {where} (No such file or directory)")
    if url.name:
        try:
            st = files.flash.stat(url.name)
        except FlashError as exc:
            return printable(str(exc))
        if not os.path.isdir(files.flash.resolve(url.name)):
            lines = [printable(f"Directory of {prefix}/{url.name}"), ""]
            lines.append(f"{st.st_ino:>6}  -rw- {st.st_size:>16}  {_ios_date(st.st_mtime)}  {printable(url.name)}")
            lines += ["", f"{files.flash.max_bytes} bytes total ({files.flash.free()} bytes free)"]
            return "\n".join(lines)
        return printable(f"%Error opening {where} (Is a directory)")
    lines = [printable(f"Directory of {prefix}/"), ""]
    entries = files.flash.entries()
    for e in entries:
        perms = "drwx" if e.is_dir else "-rw-"
        lines.append(f"{e.inode:>6}  {perms} {e.size:>16}  {_ios_date(e.mtime)}  {printable(e.name)}")
    if not entries:
        lines.append("No files in directory")
    lines += ["", f"{files.flash.max_bytes} bytes total ({files.flash.free()} bytes free)"]
    return "\n".join(lines)


async def show_flash(s: CliSession, args: tuple[str, ...]) -> str:
    """``show flash:``: the listing of ``dir flash:`` (with the same escaping of names)."""
    return await dir_cmd(s, ("flash:",))


async def more_cmd(s: CliSession, args: tuple[str, ...]) -> str:
    """``more flash:F`` / ``more system:running-config`` / ``more nvram:startup-config``."""
    files = _files(s)
    if files is None:
        return NO_FS
    url = locate(args[0])
    if url.kind is FileKind.OTHER:
        return printable(f"%Error opening {args[0]} (No such file or directory)")
    try:
        data = files.read(url)
    except FlashError as exc:
        return printable(str(exc))
    return data.decode("utf-8", "replace")


async def delete_cmd(s: CliSession, args: tuple[str, ...]) -> str:
    """``delete flash:F``: ``Delete filename [F]?`` then ``Delete flash:/F? [confirm]`` (neither with ``file
    prompt quiet``)."""
    return await _delete(s, args[0], ask=not _quiet(s))


async def delete_force(s: CliSession, args: tuple[str, ...]) -> str:
    """``delete /force flash:F``: no question, whatever ``file prompt`` says."""
    return await _delete(s, args[0], ask=False)


async def _delete(s: CliSession, target: str, *, ask: bool) -> str:
    files = _files(s)
    if files is None:
        return NO_FS
    url = locate(target)
    if url.kind is not FileKind.FLASH or not url.name:
        return printable(f"%Error deleting {target} (Permission denied)")
    if ask:
        answer = (await s.ask(printable(f"Delete filename [{url.name}]? "), True)).strip()
        if answer:
            url = locate(answer if ":" in answer else f"flash:{answer}")
            if url.kind is not FileKind.FLASH or not url.name:
                return printable(f"%Error deleting {answer} (Permission denied)")
        confirm = (await s.ask(printable(f"Delete flash:/{url.name}? [confirm]"), True)).strip().lower()
        if confirm not in ("", "y", "yes"):
            return ""
    try:
        files.flash.delete(url.name)
    except FlashError as exc:
        return printable(str(exc))
    return ""


# -- copy -----------------------------------------------------------------------------------------------------------
async def copy_from_running(s: CliSession, args: tuple[str, ...]) -> str:
    return await copy(s, ("running-config", args[0]))


async def copy_from_startup(s: CliSession, args: tuple[str, ...]) -> str:
    return await copy(s, ("startup-config", args[0]))


async def copy_to_running(s: CliSession, args: tuple[str, ...]) -> str:
    return await copy(s, (args[0], "running-config"))


async def copy_to_startup(s: CliSession, args: tuple[str, ...]) -> str:
    return await copy(s, (args[0], "startup-config"))


async def copy_start_run(s: CliSession, args: tuple[str, ...]) -> str:
    return await copy(s, ("startup-config", "running-config"))


async def copy(s: CliSession, args: tuple[str, ...]) -> str:
    """``copy SRC DST`` between flash: files, running-config, startup-config and scp: URLs: IOS's questions,
    then the device file system's copy (with the device's SCP client for an scp: side)."""
    files = _files(s)
    if files is None:
        return NO_FS
    src_text, dst_text = args
    remote_src, remote_dst = parse_scp_url(src_text), parse_scp_url(dst_text)
    for text, remote in ((src_text, remote_src), (dst_text, remote_dst)):
        if text.lower().startswith("scp:") and remote is None:
            return printable(f"%Error parsing {text} (Invalid argument)")
    src = None if remote_src else locate(src_text)
    dst = None if remote_dst else locate(dst_text)
    try:  # a source that is no file, a destination on no file system: refused before any question
        if src is not None:
            files.check_file(src)
        if dst is not None and dst.kind is FileKind.OTHER:
            files.check_file(dst)
    except FlashError as exc:
        return printable(str(exc))
    quiet = _quiet(s)
    if remote_src is not None and remote_dst is not None:
        return "%Error: copying between two remote hosts is not supported"
    if remote_dst is not None:
        assert src is not None
        return await _upload(s, files, src, remote_dst, quiet)
    if remote_src is not None:
        remote_src = await scp_copy.ask_source(s.ask, remote_src, s.info.user, quiet=quiet)
    assert dst is not None
    default = dst.name or _basename(remote_src.path if remote_src else (src.name or str(src)) if src else "")
    target = await _ask_destination(s, files, src, dst, default, quiet)
    if target is None or isinstance(target, str):
        return target or ""
    if remote_src is not None:
        return await _download(s, files, remote_src, target)
    assert src is not None
    return await _local_copy(s, files, src, target)


async def _ask_destination(
    s: CliSession, files: DeviceFiles, src: Url | None, dst: Url, default: str, quiet: bool
) -> Url | str | None:
    """IOS's ``Destination filename [x]?`` (and, over an existing flash: file, the overwrite confirmation): the
    destination, an IOS error line, or None when the user declined."""
    if dst.kind is not FileKind.FLASH:
        answer = "" if quiet else (await s.ask(printable(f"Destination filename [{dst}]? "), True)).strip()
        if answer and locate(answer).kind is not dst.kind:
            return printable(f"%Error opening {answer} (No such file or directory)")
        return dst
    answer = "" if quiet else (await s.ask(printable(f"Destination filename [{default}]? "), True)).strip()
    name = answer or default
    dst = locate(name if ":" in name else f"flash:{name}")
    if dst.kind is not FileKind.FLASH or not dst.name:
        return printable(f"%Error opening {name} (Invalid argument)")
    try:  # refused before the overwrite question, as IOS does
        if src is not None:
            files.check_copy(src, dst)
        else:
            files.check_file(dst)
    except FlashError as exc:
        return printable(str(exc))
    if files.flash.exists(dst.name) and not quiet:
        confirm = await s.ask(
            "%Warning:There is a file already existing with this name\nDo you want to over write? [confirm]", True
        )
        if confirm.strip().lower() not in ("", "y", "yes"):
            return None
    return dst


async def _local_copy(s: CliSession, files: DeviceFiles, src: Url, dst: Url) -> str:
    """The device file system's copy, told the IOS way: the lines of a configuration file that are not commands
    (skipped; the others applied) as IOS's console shows them, then ``N bytes copied``."""
    if src.kind is FileKind.RUNNING and dst.kind is FileKind.STARTUP:
        return await save(s)
    started = time.perf_counter()
    try:
        count, skipped = await files.copy(src, dst, s.origin())
    except ConfigFileError as exc:
        return "\n".join(printable(line) for line in exc.lines)
    except FlashError as exc:
        return printable(str(exc))
    return "\n".join([*(printable(line) for line in console_lines(skipped)), _copied(count, started, dst)])


async def save(s: CliSession) -> str:
    """``write memory`` / ``copy running-config startup-config``: running becomes startup and, with ``archive``
    / ``write-memory`` configured, is archived too (an archive that cannot be written is reported after
    ``[OK]``: startup is saved all the same)."""
    files = _files(s)
    if files is None:
        return NO_FS
    archive = views.archive(s.device.running)
    try:
        await files.save_running(s.origin(), s.device.hostname, archive.enabled and archive.write_memory, now())
    except ConfigFileError as exc:  # the datastore refused (startup locked), or startup could not be written
        return printable("% " + "; ".join(e.message for e in exc.errors) if exc.errors else str(exc))
    except ArchiveError as exc:
        return f"Building configuration...\n[OK]\n{printable(str(exc))}"
    return "Building configuration...\n[OK]"


def now() -> datetime:
    """The device clock (UTC), for the names of archive files."""
    return datetime.now(UTC)


def _copied(count: int, started: float, dst: Url | None = None) -> str:
    """``N bytes copied in S secs (R bytes/sec)``, and ``[OK]`` after a new startup configuration."""
    secs = max(time.perf_counter() - started, 0.001)
    line = f"{count} bytes copied in {secs:.3f} secs ({int(count / secs)} bytes/sec)"
    return f"{line}\n[OK]" if dst is not None and dst.kind is FileKind.STARTUP else line


def _permit(s: CliSession) -> Callable[[str, int], bool]:
    return lambda host, port: s.device.egress.permit(host, port, "copy scp:")


def _resolve(s: CliSession) -> Callable[[str], str]:
    """The address of a URL's host: its ``ip host`` entry (the table as it is when the copy runs), else the host."""
    return lambda host: views.dns(s.device.running).address_of(host)


async def _download(s: CliSession, files: DeviceFiles, url: ScpUrl, dst: Url) -> str:
    """``copy scp://… DST``: a flash: file is streamed into its place (atomically, within flash:'s room); a
    configuration is received into the scratch directory, bounded, then written as a local copy would write it
    (merged into running, replacing startup; a bad line refuses the whole file)."""
    conn = await scp_copy.connect(s.ask, url, _permit(s), _resolve(s))
    if isinstance(conn, str):
        return conn
    started = time.perf_counter()
    try:
        if dst.kind is FileKind.FLASH:
            return await _download_to_flash(files, conn, url, dst, started)
        return await _download_config(s, files, conn, url, dst, started)
    finally:
        conn.close()


async def _download_to_flash(
    files: DeviceFiles, conn: asyncssh.SSHClientConnection, url: ScpUrl, dst: Url, started: float
) -> str:
    try:
        writer = files.flash.open_write(dst.name)
    except FlashError as exc:
        return printable(str(exc))

    def room(size: int) -> None:
        try:
            writer.reserve(size)  # asyncssh writes the temporary file itself: take its space before it does
        except FlashError as exc:
            raise asyncssh.SFTPFailure(str(exc)) from None

    try:
        got = await scp_copy.fetch(conn, url, writer.tmp, timeout=files.limits.transfer_timeout_s, room=room)
        writer.size = got.size
        await asyncio.to_thread(writer.commit)
    except (TimeoutError, OSError, asyncssh.Error, FlashError) as exc:
        writer.abort()
        return str(exc) if isinstance(exc, FlashError) else scp_copy.transfer_error("reading", url, exc)
    except BaseException:
        writer.abort()
        raise
    return f"{got.sending_line()}\n!\n{_copied(got.size, started, dst)}"


async def _download_config(
    s: CliSession, files: DeviceFiles, conn: asyncssh.SSHClientConnection, url: ScpUrl, dst: Url, started: float
) -> str:
    limit = files.limits.max_config_bytes

    def room(size: int) -> None:
        if size > limit:
            raise asyncssh.SFTPFailure(f"%Error reading {url} (File too large)")

    with files.scratch() as where:
        try:
            got = await scp_copy.fetch(conn, url, where / "config", timeout=files.limits.transfer_timeout_s, room=room)
            data = (where / "config").read_bytes()
        except (TimeoutError, OSError, asyncssh.Error) as exc:
            return scp_copy.transfer_error("reading", url, exc)
    head = f"{got.sending_line()}\n!"
    try:
        skipped = await files.write(dst, data, s.origin())
    except ConfigFileError as exc:
        return "\n".join([head, *(printable(line) for line in exc.lines)])
    except FlashError as exc:
        return f"{head}\n{printable(str(exc))}"
    return "\n".join([head, *(printable(line) for line in console_lines(skipped)), _copied(len(data), started, dst)])


async def _upload(s: CliSession, files: DeviceFiles, src: Url, url: ScpUrl, quiet: bool) -> str:
    """``copy SRC scp://…``: IOS's three questions, ``Writing NAME``, the password, then the file: a flash: file
    as it is, a configuration as the text ``copy running-config flash:F`` would write."""
    if src.kind is FileKind.FLASH:
        try:
            path = files.flash.resolve(src.name)
        except FlashError as exc:
            return printable(str(exc))
        if os.path.isdir(path):
            return printable(f"%Error opening {src} (Is a directory)")
    default = _basename(src.name) if src.kind is FileKind.FLASH else f"{s.device.hostname.lower()}-confg"
    url = await scp_copy.ask_destination(s.ask, url, s.info.user, default, quiet=quiet)
    writing = printable(f"Writing {scp_copy.remote_name(url)} ")
    if url.password is None:  # IOS says what it writes, then asks for the password on the next line
        url = replace(url, password=await s.ask(f"{writing}\nPassword: ", False))
        writing = ""
    conn = await scp_copy.connect(s.ask, url, _permit(s), _resolve(s))
    if isinstance(conn, str):
        return _lines(writing, conn)
    started = time.perf_counter()
    timeout = files.limits.transfer_timeout_s
    try:
        async with conn:
            if src.kind is FileKind.FLASH:
                size = files.flash.stat(src.name).st_size
                await scp_copy.send(conn, files.flash.resolve(src.name), url, timeout=timeout)
            else:
                data = await asyncio.to_thread(files.read, src)
                size = len(data)
                with files.scratch() as where:
                    local = where / scp_copy.local_name(url)
                    await asyncio.to_thread(local.write_bytes, data)
                    await scp_copy.send(conn, local, url, timeout=timeout)
    except FlashError as exc:
        return _lines(writing, printable(str(exc)))
    except (TimeoutError, OSError, asyncssh.Error) as exc:
        return _lines(writing, scp_copy.transfer_error("writing", url, exc))
    return _lines(writing, "!", _copied(size, started))


def _lines(*parts: str) -> str:
    return "\n".join(p for p in parts if p)


# -- verify /md5, show startup-config -------------------------------------------------------------------------------
async def verify_md5(s: CliSession, args: tuple[str, ...]) -> str:
    """``verify /md5 URL [HASH]``: a flash: file is hashed in a worker thread, in bounded blocks (images are large
    and the device's other sessions must not wait); a configuration is hashed as the file ``copy`` writes of it."""
    files = _files(s)
    if files is None:
        return NO_FS
    url = locate(args[0])
    try:
        if url.is_config:
            data = await asyncio.to_thread(files.read, url)
            computed, blocks = md5_of(io.BytesIO(data))
        else:
            files.check_file(url)
            computed, blocks = await asyncio.to_thread(_md5_of_flash, files.flash, url.name)
    except FlashError as exc:
        return printable(str(exc))
    submitted = printable(args[1]) if len(args) > 1 else None
    return render_verify(printable(args[0]), computed, blocks, submitted)


def _md5_of_flash(flash: Flash, name: str) -> tuple[str, int]:
    with flash.open_read(name) as f:
        return md5_of(f)


def startup_listing(text: str) -> str:
    """``show startup-config``: IOS's nvram: usage line (the size of the configuration as a file), then the
    configuration (pure)."""
    return f"Using {len(text.encode('utf-8'))} out of {NVRAM_BYTES} bytes\n{text}"


async def show_startup(s: CliSession, args: tuple[str, ...]) -> str:
    """``show startup-config``: the startup configuration as ``copy startup-config flash:F`` writes it."""
    return startup_listing(render_running_config(s.device.stores.startup, header=False))


def register(root: Node) -> None:
    """Add the file-system commands to the exec command tree (privilege 15, as on IOS)."""
    add(root, "dir", dir_cmd, "List files on a filesystem", 15)
    add(root, "dir WORD", dir_cmd, "Directory or file name", 15)
    add(root, "show flash:", show_flash, "display information about flash: file system", 15)
    add(root, "more WORD", more_cmd, "Display the contents of a file", 15)
    add(root, "delete WORD", delete_cmd, "Delete a file", 15)
    add(root, "delete /force WORD", delete_force, "Delete a file", 15)
    add(root, "copy running-config WORD", copy_from_running, "Copy to a file", 15)
    add(root, "copy startup-config WORD", copy_from_startup, "Copy to a file", 15)
    add(root, "copy startup-config running-config", copy_start_run, "Update (merge with) current config", 15)
    add(root, "copy WORD running-config", copy_to_running, "Update (merge with) current system configuration", 15)
    add(root, "copy WORD startup-config", copy_to_startup, "Copy to startup configuration", 15)
    add(root, "copy WORD WORD", copy, "Copy from one file to another", 15)
    add(root, "verify /md5 WORD", verify_md5, "File to compute MD5 signature", 15)
    add(root, "verify /md5 WORD WORD", verify_md5, "Expected MD5 signature", 15)
    add(root, "show startup-config", show_startup, "Contents of startup configuration", 15)
    _describe(root, "delete /force", "Force delete")
    _describe(root, "verify", "Verify a file")
    _describe(root, "verify /md5", "Compute an MD5 signature for a file")


def _describe(root: Node, words: str, text: str) -> None:
    """The ``?`` help of a keyword in the middle of a command (``add`` gives one only to a command's last word)."""
    node: Node | None = root
    for word in words.split():
        node = node.child(word) if node is not None else None
    assert node is not None, words
    node.help = text
