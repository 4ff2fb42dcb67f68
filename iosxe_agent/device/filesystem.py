"""The IOS file system of one device, and the one ``copy`` every face uses.

A device has these file systems (the URL forms IOS accepts on the left):

============================================================  =====================================================
``flash:F``, ``bootflash:F``, ``flash:/F``                    the file F in ``flash/`` of the state dir
                                                              (:class:`~iosxe_agent.device.files.Flash`); on a C8000v
                                                              ``bootflash:`` is the device and ``flash:`` an alias
``running-config``, ``system:running-config``                 the running datastore, as a file
``startup-config``, ``nvram:startup-config``                  the startup datastore, as a file
anything else (``tftp:``, ``nvram:x``, ``harddisk:`` …)       not on this device (:attr:`FileKind.OTHER`)
============================================================  =====================================================

Why one module: "copy a configuration between running, startup and flash:" used to be written three times (the
Cisco ``copy`` RPC, the CLI ``copy``, SCP) and the copies disagreed on what a configuration copied to flash: looks
like. Here each destination has one written form, the one IOS writes, whatever face asked:

* **a configuration read as a file** (``copy running-config flash:F``, an SCP download of ``startup-config``,
  ``more system:running-config``) is IOS text, what ``show running-config`` prints without its ``Building
  configuration...`` / ``Current configuration : N bytes`` lines (:meth:`DeviceFiles.render`);
* **a file written to running-config** is parsed (IOS text with the CLI table, or the XML ``<config>`` form, see
  :func:`iosxe_agent.device.config_files.read_config_file`) on top of running and *merged* through the one commit
  pipeline, as IOS ``copy F running-config`` does: every line that is a command applies, in order, as if typed;
  a line that is not is skipped and returned to the face, which reports it as IOS does (the CLI with the caret,
  SCP on the client's stderr, the RPC in its result). If the datastore refuses the result, nothing changes;
* **a file written to startup-config** is parsed on its own, validated, and *replaces* startup (its lines that are
  not commands are skipped and reported the same way: IOS would skip them when it boots from it);
* ``configure replace F`` (:meth:`DeviceFiles.replace_running`) is all or nothing: the file must be a whole valid
  configuration, which replaces running in one transaction, or nothing changes;
* ``copy running-config startup-config`` is the datastore's save (the same tree, not a re-parse);
* flash: to flash: streams the bytes (images are large).

The faces stay thin: the CLI adds IOS's prompts and messages, the RPC checks its input, SCP speaks the protocol
and hands the bytes it received to :meth:`DeviceFiles.write` (or streams a flash: file itself). Errors are
:class:`~iosxe_agent.device.files.FlashError` with IOS's console text; a refusal by the datastore is a
:class:`~iosxe_agent.device.config_files.ConfigFileError` that also carries the datastore's errors (``errors``), so the
RPC can answer with their paths while the CLI and SCP print the one line.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from iosxe_agent.datastore.store import RUNNING, STARTUP, StoreError, Stores, WriteFailed
from iosxe_agent.datastore.transaction import Origin
from iosxe_agent.device import views
from iosxe_agent.device.archive import ConfigArchive
from iosxe_agent.device.cli_map.parse import Action, LineError
from iosxe_agent.device.cli_map.render import render_running_config
from iosxe_agent.device.config_files import ConfigFileError, read_config, read_config_file
from iosxe_agent.device.files import Flash, FlashError
from iosxe_agent.limits import Limits

#: Scratch directories (:meth:`DeviceFiles.scratch`) start with this, in the state directory.
SCRATCH_PREFIX = ".transfer-"
#: Streamed flash:-to-flash: copies move this much at a time.
CHUNK = 256 * 1024
RUNNING_CONFIG = "running-config"
STARTUP_CONFIG = "startup-config"
#: URL prefixes that name the flash file system.
FLASH_PREFIXES = ("flash:", "bootflash:")
_RUNNING_ALIASES = (RUNNING_CONFIG, "system:running-config", "system:/running-config")
_STARTUP_ALIASES = (STARTUP_CONFIG, "nvram:startup-config", "nvram:/startup-config")


class FileKind(StrEnum):
    """Which file system a URL names."""

    RUNNING = "running"
    STARTUP = "startup"
    FLASH = "flash"
    NULL = "null"  # IOS's null: file system: reads as empty, takes anything and keeps nothing
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Url:
    """A parsed IOS file URL: ``name`` is relative to flash: (empty: the flash: directory itself); ``text`` is the
    URL as IOS prints it back (``flash:x``, ``running-config``)."""

    kind: FileKind
    name: str = ""
    text: str = ""

    def __str__(self) -> str:
        return self.text

    @property
    def is_config(self) -> bool:
        """True for running-config and startup-config."""
        return self.kind in (FileKind.RUNNING, FileKind.STARTUP)


def parse_url(text: str) -> Url:
    """Classify an IOS source/destination as the CLI and the RPC take it (``running-config``,
    ``nvram:startup-config``, ``bootflash:x``, ``tftp://…``)."""
    t = text.strip()
    if t in _RUNNING_ALIASES:
        return Url(FileKind.RUNNING, text=RUNNING_CONFIG)
    if t in _STARTUP_ALIASES:
        return Url(FileKind.STARTUP, text=STARTUP_CONFIG)
    if t == "null:":  # NAPALM empties a file with `copy null: flash:F`
        return Url(FileKind.NULL, text="null:")
    for prefix in FLASH_PREFIXES:
        if t.startswith(prefix):
            name = t[len(prefix) :].lstrip("/")
            return Url(FileKind.FLASH, name, f"flash:{name}")
    return Url(FileKind.OTHER, text=t)


def locate(text: str) -> Url:
    """Classify a name as an SCP/SFTP client or a CLI prompt answer gives it: as :func:`parse_url`, and also a
    leading ``/`` or ``./`` (SFTP clients add them) is ignored, a name without ``:`` is a flash: file (the
    default file system), and ``.``, ``/`` or nothing is the flash: directory."""
    t = text.strip()
    while t.startswith(("/", "./")):
        t = t[2:] if t.startswith("./") else t[1:]
    if t in ("", "."):
        return Url(FileKind.FLASH, "", "flash:")
    url = parse_url(t)
    if url.kind is FileKind.OTHER and ":" not in t:
        return Url(FileKind.FLASH, t, f"flash:{t}")
    return url


@dataclass(frozen=True, slots=True)
class TransferLimits:
    """Bounds of one file moved in or out (the flash: size bound is the Flash object's own)."""

    max_config_bytes: int = 4 * 1024 * 1024  # a configuration file held in memory to be parsed
    transfer_timeout_s: float = 3600.0  # one SCP transfer, from open to close
    idle_s: float = 300.0  # no data moving on an open SCP file
    max_file_bytes: int = 64 * 1024 * 1024  # one file uploaded to flash: (the flash: size bounds it as well)

    @classmethod
    def from_limits(cls, limits: Limits) -> TransferLimits:
        """The transfer bounds the device's :class:`~iosxe_agent.limits.Limits` name (``--limit``)."""
        return cls(max_config_bytes=limits.max_config_file_bytes, max_file_bytes=limits.max_transfer_bytes)


class DeviceFiles:
    """The IOS file system of one device: flash: and the two configurations, with IOS's names and errors."""

    def __init__(
        self,
        flash: Flash,
        stores: Stores,
        *,
        session_ids: Callable[[], int],
        limits: TransferLimits | None = None,
        actions: Callable[[Sequence[Action]], Awaitable[None]] | None = None,
    ) -> None:
        self.flash = flash
        self.stores = stores
        #: runs the actions of a file merged into running (``crypto key generate rsa …``: key_actions.FileActions)
        self.actions = actions
        self.limits = limits or TransferLimits.from_limits(stores.limits)
        #: device-wide session ids (shared with NETCONF and the CLI) for the origin of an SCP change, so an SCP
        #: session is never taken for the holder of a NETCONF lock (nor for the system)
        self.session_ids = session_ids
        #: the archive files this device wrote since it started (``archive config``, ``show archive``)
        self.archive = ConfigArchive(flash, _flash_name)

    # -- reading ------------------------------------------------------------------------------------------------
    def render(self, kind: FileKind) -> bytes:
        """The running or startup configuration as a file copied from it (IOS text)."""
        tree = self.stores.running if kind is FileKind.RUNNING else self.stores.startup
        return render_running_config(tree, header=False).encode("utf-8")

    def read(self, url: Url) -> bytes:
        """The whole content of a configuration or of a flash: file of at most ``max_config_bytes`` (a file to be
        parsed or shown, not an image). Raises FlashError."""
        if url.is_config:
            return self.render(url.kind)
        self.check_file(url)
        if url.kind is FileKind.NULL:
            return b""
        with self.flash.open_read(url.name) as f:
            data = f.read(self.limits.max_config_bytes + 1)
        if len(data) > self.limits.max_config_bytes:
            raise FlashError(f"%Error reading {url} (File too large)")
        return data

    @contextlib.contextmanager
    def scratch(self) -> Iterator[Path]:
        """A private directory (0700, in the state directory beside flash:, never in it) for a configuration on
        its way to or from a remote host: the file an SCP client sends or receives must have a path, and a
        configuration (hashed secrets) must not pass through a world-readable /tmp. Removed on exit."""
        with tempfile.TemporaryDirectory(prefix=SCRATCH_PREFIX, dir=self.flash.root.parent) as where:
            yield Path(where)

    def clean_scratch(self) -> int:
        """Remove the scratch directories of transfers a crash interrupted (start-up only); returns how many."""
        stale = list(self.flash.root.parent.glob(f"{SCRATCH_PREFIX}*"))
        for where in stale:
            shutil.rmtree(where, ignore_errors=True)
        return len(stale)

    # -- checks a face may run before it asks anything -----------------------------------------------------------
    def check_file(self, url: Url) -> None:
        """Refuse a URL that names no file here: another file system, the flash: directory, a name that could
        leave flash:. Raises FlashError."""
        if url.kind is FileKind.OTHER:
            raise FlashError(f"%Error opening {url} (No such file or directory)")
        if url.kind is FileKind.FLASH:
            if not url.name:
                raise FlashError(f"%Error opening {url} (Is a directory)")
            self.flash.resolve(url.name)

    def check_copy(self, src: Url, dst: Url) -> None:
        """Refuse a copy that cannot happen, before any prompt or transfer. Raises FlashError."""
        self.check_file(src)
        self.check_file(dst)
        if src.kind is dst.kind and src.name == dst.name:
            raise FlashError(f"%Error copying {src} (Source and destination are the same)")
        if src.kind is FileKind.NULL and dst.kind is FileKind.STARTUP:  # that is `erase startup-config`
            raise FlashError(f"%Error copying {src} (Invalid argument)")

    # -- writing ------------------------------------------------------------------------------------------------
    async def write(self, url: Url, data: bytes, origin: Origin) -> tuple[LineError, ...]:
        """Write a whole file: a flash: file atomically; a configuration merged into running or replacing startup
        (parsed in a worker thread, committed on the loop) with IOS's file semantics: returns the lines that were
        skipped, not being commands. Raises FlashError (ConfigFileError for a configuration the datastore
        refused, or no configuration at all); nothing changes then."""
        self.check_file(url)
        if url.kind is FileKind.NULL:
            return ()
        if url.kind is FileKind.FLASH:
            await asyncio.to_thread(self.flash.write, url.name, data)
            return ()
        self._check_size(url, data)
        base = self.stores.running if url.kind is FileKind.RUNNING else None
        read = await asyncio.to_thread(read_config_file, data, str(url), base)
        if url.kind is FileKind.RUNNING:
            await self._commit(url, lambda: self.stores.edit(RUNNING, read.config, origin, default_operation="merge"))
            if read.actions and self.actions is not None:
                await self.actions(read.actions)  # crypto key lines: after the configuration they follow, in order
        else:  # startup keeps configuration only: its crypto key lines are not run (IOS runs them at reload)
            await self._commit(url, lambda: self.stores.replace(STARTUP, self.stores.parse_config(read.config), origin))
        return read.skipped

    def _check_size(self, url: Url, data: bytes) -> None:
        if len(data) > self.limits.max_config_bytes:
            raise ConfigFileError(f"%Error writing {url} (File too large)")

    async def replace_running(self, src: Url, origin: Origin, *, revert_after_s: float | None = None) -> None:
        """``configure replace SRC``: running becomes the whole configuration in SRC, in one transaction, or
        nothing changes (a line that is not a command, a configuration the datastore refuses). With
        ``revert_after_s`` it reverts unless confirmed in time (``configure replace … time N``). Raises
        FlashError / ConfigFileError."""
        self.check_file(src)
        if src.kind is FileKind.RUNNING:
            return  # running replaced by itself: nothing to do
        data = await asyncio.to_thread(self.read, src)
        self._check_size(src, data)
        config = await asyncio.to_thread(read_config, data, str(src), None)
        stores = self.stores

        async def change() -> None:
            tree = stores.parse_config(config)
            if revert_after_s is None:
                await stores.replace(RUNNING, tree, origin)
            else:
                await stores.timed_replace(tree, origin, revert_after_s)

        await self._commit(src, change)

    async def save_running(self, origin: Origin, hostname: str, archive: bool, now: datetime) -> str | None:
        """``write memory`` / ``copy running-config startup-config``: running becomes startup and, with
        ``archive`` (``archive`` / ``write-memory``), is also archived; returns the archive file's name.
        Raises ConfigFileError (the datastore refused), ArchiveError (the archive file could not be written;
        startup is saved all the same, as on IOS)."""
        await self._commit(Url(FileKind.STARTUP, text=STARTUP_CONFIG), lambda: self.stores.save(origin))
        if not archive:
            return None
        return self.archive_running(hostname, now)

    def archive_running(self, hostname: str, now: datetime) -> str:
        """``archive config``: running-config as the next archive file. Raises ArchiveError."""
        view = views.archive(self.stores.running)
        return self.archive.save(view, hostname, self.render(FileKind.RUNNING), now)

    @staticmethod
    async def _commit(url: Url, change: Callable[[], Awaitable[object]]) -> None:
        """Run a datastore change; its refusal becomes the copy's (with the datastore's errors attached), and a
        configuration file that could not be written is IOS's failure to open it (``%Error opening
        nvram:startup-config (No space left on device)``)."""
        try:
            await change()
        except WriteFailed as exc:
            raise ConfigFileError(f"%Error opening {_DEVICE_PATHS.get(url.kind, url)} ({exc.reason})") from None
        except StoreError as exc:
            message = "; ".join(e.message for e in exc.errors) or "invalid configuration"
            raise ConfigFileError(f"%Error copying {url} ({message})", errors=tuple(exc.errors)) from None

    # -- the one copy -------------------------------------------------------------------------------------------
    async def copy(self, src: Url, dst: Url, origin: Origin) -> tuple[int, tuple[LineError, ...]]:
        """``copy SRC DST`` on this device; returns the bytes copied (0 for running-config to startup-config,
        which saves the running tree itself) and the lines of a configuration file skipped because they are not
        commands (IOS's file semantics: the other lines applied). Raises FlashError / ConfigFileError; nothing
        changes then."""
        self.check_copy(src, dst)
        if src.kind is FileKind.RUNNING and dst.kind is FileKind.STARTUP:
            await self._commit(dst, lambda: self.stores.save(origin))
            return 0, ()
        if src.kind is FileKind.FLASH and dst.kind is FileKind.FLASH:
            return await asyncio.to_thread(self._flash_to_flash, src.name, dst.name), ()
        data = await asyncio.to_thread(self.read, src)  # rendering a large configuration takes a while too
        skipped = await self.write(dst, data, origin)
        return len(data), skipped

    def _flash_to_flash(self, src: str, dst: str) -> int:
        """Stream one flash: file into another (written beside it, renamed over it when complete)."""
        writer = self.flash.open_write(dst)
        try:
            with self.flash.open_read(src) as f:
                while chunk := f.read(CHUNK):
                    writer.write(chunk)
            writer.commit()
        except BaseException:
            writer.abort()
            raise
        return writer.size


def _flash_name(text: str) -> str | None:
    """The name in flash: of a URL (None: not a flash: file)."""
    url = parse_url(text)
    return url.name if url.kind is FileKind.FLASH and url.name else None


__all__ = [
    "DeviceFiles",
    "FileKind",
    "TransferLimits",
    "Url",
    "locate",
    "parse_url",
]


#: The full IOS path of a configuration file, as IOS names it when it cannot open it for writing.
_DEVICE_PATHS = {FileKind.STARTUP: "nvram:startup-config", FileKind.RUNNING: "system:running-config"}
