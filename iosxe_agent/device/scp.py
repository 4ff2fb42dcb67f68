"""SCP on the device port, over the IOS file system (:mod:`iosxe_agent.device.filesystem`): ``flash:``/``bootflash:``,
``running-config`` and ``startup-config`` (and SFTP with ``--sftp``). This module is the protocol only: what a
file *is* and how a configuration is read or written is the file system's.

asyncssh runs the SCP protocol (``scp -t``/``scp -f``, the classic protocol IOS speaks, OpenSSH ``scp -O``) on an
:class:`asyncssh.SFTPServer` object and calls its ``stat/open/read/write/close/setstat/scandir/mkdir`` with the raw
path the client typed (``flash:x.bin``, ``running-config``). :class:`ScpServer` is that object: every other method
of the base class (which would reach the host's file system) is overridden. It is started, for one session
channel, by :class:`iosxe_agent.device.device_session.DeviceSession` (its :class:`ScpOwner`).

Who may copy (checked on every ``stat``/``open``/``scandir``/``remove`` against the live running configuration,
so ``no ip scp server enable`` refuses the next transfer, even on an open connection): ``ip scp server enable``,
``aaa new-model`` and an ``aaa authorization exec`` method list configured, and a user of privilege 15.

Names (a leading ``/`` or ``./``, which SFTP clients add, is ignored):

=============================================  ====================================================================
``flash:F``, ``bootflash:F``, ``F`` (no ``:``)  the file F in ``flash/`` of the state dir; ``flash:``, ``.``, ``/`` and
                                               an empty path are the flash: directory itself (``scp x host:`` lands
                                               there). Uploads stream into a temporary file renamed over F when the
                                               transfer completes: a broken transfer (connection lost, client killed,
                                               stream ended early, time bound hit) leaves F as it was.
``running-config``, ``system:running-config``  read: the running configuration as a file copied from it (``show
                                               running-config`` without its ``Building configuration...`` and
                                               ``Current configuration : N bytes`` lines, as on IOS). write: the
                                               text is parsed with the CLI table and *merged* into running through
                                               the one commit pipeline (``copy file running-config``): every line
                                               that is a command applies, the others are skipped and named on the
                                               client's stderr (the transfer succeeds); a result that does not
                                               validate refuses the whole file: nothing changes, the client is told
                                               why.
``startup-config``, ``nvram:startup-config``    read: startup rendered the same way. write: the file (IOS text, or the
                                               XML ``<config>`` form) is parsed from an empty configuration, validated
                                               and replaces startup.
=============================================  ====================================================================

The texts a client sees (``scp`` prints them after ``scp: ``):

* ``%Error opening NAME (Permission denied)`` -- SCP not allowed (the rule that failed is logged on the agent
  and, with ``debug ip scp``, in the logging buffer); also a write with APPEND, a directory operation;
* ``%Error opening NAME (No such file or directory)`` -- no such flash file, or a file system this device does
  not have (``nvram:x``, ``tftp:``, ``harddisk:`` …);
* ``%Error opening NAME (Is a directory)`` -- reading or writing the flash: directory as a file;
* ``%Error parsing filename (NAME) (Invalid argument)`` -- a name that could leave flash: or is not UTF-8;
* ``%Error writing NAME (No space left on device)`` -- the flash: size bound (``Limits.max_flash_bytes``);
* ``%Error writing NAME (File too large)`` -- a configuration file over :attr:`TransferLimits.max_config_bytes`
  (``Limits.max_config_file_bytes``), or a flash: file over :attr:`TransferLimits.max_file_bytes`
  (``Limits.max_transfer_bytes``);
* ``%Warning copying NAME (N invalid line(s) skipped: line L 'TEXT': % Invalid input detected at '^' marker.;
  …)`` -- on stderr, the transfer succeeding: lines of a configuration file that are not commands (also
  ``% Incomplete command.``, ``% Ambiguous command``, and IOS's own messages such as ``%SSH: Failed to decode the
  Key Value``), skipped while the rest applied;
* ``%Error copying NAME (MESSAGE)`` -- the configuration does not validate (the datastore's error messages);
* ``%Error opening NAME (Operation not supported)`` -- mkdir, rmdir, rename, links (SFTP).

A transfer is bounded in time (:attr:`TransferLimits.transfer_timeout_s` in all, :attr:`TransferLimits.idle_s`
without progress): past either, the channel is closed and an upload in progress is thrown away.
(:class:`~iosxe_agent.device.filesystem.TransferLimits` are the file system's, ``DeviceFiles.limits``.)
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import stat
import time
from collections.abc import AsyncIterator, Callable, Container
from typing import BinaryIO, Protocol

import asyncssh
from lxml import etree

from iosxe_agent.datastore.transaction import Face, Origin
from iosxe_agent.device import scp_debug, views
from iosxe_agent.device.aaa.login import LoginResult
from iosxe_agent.device.config_files import ConfigFileError, skipped_summary
from iosxe_agent.device.files import FlashError, FlashWriter
from iosxe_agent.device.filesystem import DeviceFiles, FileKind, Url, locate
from iosxe_agent.device.sessions import SessionInfo

log = logging.getLogger(__name__)

_REGULAR = 0o100000
_DIRECTORY = 0o040000


# -- who may copy ---------------------------------------------------------------------------------------------------
def transfer_privilege(running: etree._Element, user: str, login: LoginResult | None) -> int:
    """The privilege ``aaa authorization exec`` gives ``user`` now: the local user's level (read live, so a changed
    ``username … privilege`` counts at once) for local logins, otherwise what the login granted."""
    if login is None or not login.ok:
        return 0
    if login.method in ("local", "local-case", "publickey", "none", None):
        entry = views.aaa(running).user(user, case_sensitive=login.method != "local")
        if entry is None:
            return 0 if login.method != "none" else login.privilege
        return entry.privilege
    return login.privilege


def scp_refusal(running: etree._Element, privilege: int) -> str | None:
    """Why an SCP transfer is refused now (None: allowed)."""
    aaa = views.aaa(running)
    if not views.scp(running).server_enabled:
        return "ip scp server enable is not configured"
    if not aaa.new_model:
        return "aaa new-model is not configured"
    if not aaa.exec_lists:
        return "no aaa authorization exec method list is configured"
    if privilege < 15:
        return f"privilege level {privilege} is below 15"
    return None


# -- open files -----------------------------------------------------------------------------------------------------
class _Open:
    """Base of the open-file objects: the name, the direction and the time bounds."""

    writing = False

    def __init__(self, url: Url) -> None:
        self.url = url
        self.opened = time.monotonic()
        self.active = self.opened
        self.moved = 0  # bytes read or written
        self.closed = False

    def attrs(self) -> asyncssh.SFTPAttrs:
        return _file_attrs(self.moved, 0o644)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        """Data/hole probing for asyncssh's ``ranges@asyncssh.com`` (it calls the file object directly): these
        files have no holes."""
        size = self.attrs().size or 0
        if whence == getattr(os, "SEEK_DATA", -1):
            if offset >= size:
                raise OSError(errno.ENXIO, os.strerror(errno.ENXIO))
            return offset
        if whence == getattr(os, "SEEK_HOLE", -1):
            return size
        return offset


class _MemoryRead(_Open):
    """A rendered configuration being downloaded."""

    def __init__(self, url: Url, data: bytes) -> None:
        super().__init__(url)
        self.data = data

    def read(self, offset: int, size: int) -> bytes:
        return self.data[offset : offset + size]

    def attrs(self) -> asyncssh.SFTPAttrs:
        return _file_attrs(len(self.data), 0o644)


class _FlashRead(_Open):
    """A flash file being downloaded (read straight from the disk, never whole into memory)."""

    def __init__(self, url: Url, f: BinaryIO) -> None:
        super().__init__(url)
        self.f = f

    def read(self, offset: int, size: int) -> bytes:
        return os.pread(self.f.fileno(), size, offset)

    def attrs(self) -> asyncssh.SFTPAttrs:
        st = os.fstat(self.f.fileno())
        return _file_attrs(st.st_size, stat.S_IMODE(st.st_mode), st.st_mtime)

    def release(self) -> None:
        self.f.close()


class _ConfigWrite(_Open):
    """A configuration file being uploaded: collected (bounded) and applied on a complete close."""

    writing = True

    def __init__(self, url: Url, limit: int) -> None:
        super().__init__(url)
        self.buf = bytearray()
        self.limit = limit
        self.failed = False

    def write(self, offset: int, data: bytes) -> None:
        end = offset + len(data)
        if end > self.limit:
            self.failed = True
            raise asyncssh.SFTPFailure(f"%Error writing {self.url} (File too large)")
        if end > len(self.buf):
            self.buf.extend(bytes(end - len(self.buf)))
        self.buf[offset:end] = data

    def attrs(self) -> asyncssh.SFTPAttrs:
        return _file_attrs(len(self.buf), 0o644)


class _FlashWrite(_Open):
    """A flash file being uploaded, streamed into a temporary file that becomes the file on a complete close."""

    writing = True

    def __init__(self, url: Url, writer: FlashWriter, limit: int) -> None:
        super().__init__(url)
        self.writer = writer
        self.limit = limit
        self.failed = False

    def write(self, offset: int, data: bytes) -> None:
        if offset + len(data) > self.limit:
            self.failed = True
            raise asyncssh.SFTPFailure(f"%Error writing {self.url} (File too large)")
        try:
            self.writer.write(data, offset)
        except FlashError as exc:
            self.failed = True
            raise asyncssh.SFTPFailure(str(exc)) from None

    def attrs(self) -> asyncssh.SFTPAttrs:
        return _file_attrs(self.writer.size, 0o600)


def _file_attrs(size: int, mode: int, mtime: float | None = None) -> asyncssh.SFTPAttrs:
    t = int(mtime if mtime is not None else time.time())
    return asyncssh.SFTPAttrs(
        type=asyncssh.FILEXFER_TYPE_REGULAR, size=size, permissions=_REGULAR | mode, atime=t, mtime=t
    )


def _dir_attrs() -> asyncssh.SFTPAttrs:
    t = int(time.time())
    return asyncssh.SFTPAttrs(
        type=asyncssh.FILEXFER_TYPE_DIRECTORY, size=0, permissions=_DIRECTORY | 0o755, atime=t, mtime=t
    )


# -- the SSH side ---------------------------------------------------------------------------------------------------
class ScpOwner(Protocol):
    """What an SCP server needs of the session channel it runs for
    (:class:`iosxe_agent.device.device_session.DeviceSession`)."""

    @property
    def user(self) -> str: ...

    @property
    def address(self) -> str | None:
        """The client's address."""
        ...

    @property
    def login(self) -> LoginResult | None: ...

    @property
    def record(self) -> SessionInfo:
        """The session record of this transfer (``show ssh``)."""
        ...

    @property
    def debug(self) -> Container[str]:
        """The device's ``debug`` switches (``scp``: ``debug ip scp``)."""
        ...

    @property
    def syslog(self) -> Callable[[str], None]:
        """The device's IOS log."""
        ...

    def input_ended(self) -> bool:
        """True once the client's data stream has ended: an upload closed now did not complete."""
        ...

    def transfer_ended(self) -> None:
        """The transfer session is over (the record goes)."""
        ...


class ScpServer(asyncssh.SFTPServer):
    """The IOS file system as asyncssh's SCP (and SFTP) server sees it, for one session channel."""

    def __init__(self, chan: asyncssh.SSHServerChannel[bytes], owner: ScpOwner, files: DeviceFiles) -> None:
        super().__init__(chan)
        self.owner = owner
        self.files = files
        self.sftp = chan.get_subsystem() == "sftp"
        words = (chan.get_command() or "").split()
        self.source = not self.sftp and any(w.startswith("-") and not w.startswith("--") and "f" in w for w in words)
        self._open: set[_Open] = set()
        self._snapshots: dict[FileKind, bytes] = {}
        self._watch: asyncio.TimerHandle | None = None
        self._finished = False
        self._session_id: int | None = None
        self._checked = False  # `debug ip scp` has shown this transfer's authorization

    def finish(self) -> None:
        """The session ended: throw away unfinished uploads; the owner drops the session record."""
        if self._finished:
            return
        self._finished = True
        for f in list(self._open):
            self._discard(f, "session ended")
        if self._watch is not None:
            self._watch.cancel()
            self._watch = None
        self.owner.transfer_ended()

    def exit(self) -> None:
        self.finish()
        if self.sftp:
            # asyncssh closes an SFTP channel without an exit status, which OpenSSH's scp reports as a failure
            with contextlib.suppress(Exception):
                self.channel.exit(0)

    # -- policy ---------------------------------------------------------------------------------------------------
    def _privilege(self) -> int:
        return transfer_privilege(self.files.stores.running, self.owner.user, self.owner.login)

    def _debug(self, direction: str, text: str) -> None:
        """A ``debug ip scp`` line: ``SCP: [22 <- 10.1.1.1:53211] recv C0644 20 test-file``."""
        if "scp" in self.owner.debug:
            info = self.owner.record
            self.owner.syslog(scp_debug.line(info.local_port, info.peer, info.peer_port, direction, text))

    def _debug_request(self, running: etree._Element, privilege: int) -> None:
        """``debug ip scp``: what this transfer's first request is checked against (once per transfer)."""
        if self._checked or "scp" not in self.owner.debug:
            return
        self._checked = True
        aaa, login = views.aaa(running), self.owner.login
        method = login.method if login is not None else None
        enabled = views.scp(running).server_enabled
        text = scp_debug.authorization(self.owner.user, privilege, method, aaa.exec_lists, aaa.new_model, enabled)
        self._debug("recv", text)

    def _error(self, text: str, kind: str = "failure") -> asyncssh.SFTPError:
        """The exception that carries ``text`` to the client. SCP downloads must not use the "no such file" and
        "permission denied" classes: asyncssh's glob turns those into "No matches found"."""
        if self.source:
            return asyncssh.SFTPFailure(text)
        classes: dict[str, Callable[[str], asyncssh.SFTPError]] = {
            "denied": asyncssh.SFTPPermissionDenied,
            "missing": asyncssh.SFTPNoSuchFile,
            "unsupported": asyncssh.SFTPOpUnsupported,
            "isdir": asyncssh.SFTPFileIsADirectory if self.sftp else asyncssh.SFTPFailure,
        }
        return classes.get(kind, asyncssh.SFTPFailure)(text)

    def _resolve(self, path: bytes, verb: str = "opening") -> Url:
        """The IOS name of ``path`` if this user may copy now; raises the IOS refusal otherwise."""
        try:
            text = path.decode("utf-8")
        except UnicodeDecodeError:
            raise self._error("%Error parsing filename (Invalid argument)") from None
        url = locate(text)
        shown = str(url) or text
        running, privilege = self.files.stores.running, self._privilege()
        self._debug_request(running, privilege)
        reason = scp_refusal(running, privilege)
        if reason is not None:
            log.info("SCP by %r from %s refused: %s", self.owner.user, self.owner.address, reason)
            self._debug("send", scp_debug.refusal(reason))
            raise self._error(f"%Error {verb} {shown} (Permission denied)", "denied")
        if url.kind is FileKind.OTHER:
            raise self._error(f"%Error {verb} {shown} (No such file or directory)", "missing")
        if url.kind is FileKind.FLASH and url.name:
            try:
                self.files.flash.resolve(url.name)
            except FlashError as exc:
                raise self._error(str(exc), "missing" if "No such" in str(exc) else "denied") from None
        return url

    # -- time bounds ------------------------------------------------------------------------------------------------
    def _arm(self) -> None:
        if self._watch is None and self._open:
            period = max(0.05, min(self.files.limits.idle_s, self.files.limits.transfer_timeout_s) / 4)
            self._watch = asyncio.get_running_loop().call_later(period, self._check_time)

    def _check_time(self) -> None:
        self._watch = None
        now = time.monotonic()
        limits = self.files.limits
        for f in list(self._open):
            if now - f.opened > limits.transfer_timeout_s or now - f.active > limits.idle_s:
                log.warning("SCP transfer of %s by %r timed out; channel closed", f.url, self.owner.user)
                self.owner.syslog(f"%SCP-3-TIMEOUT: transfer of {f.url} from {self.owner.address} timed out")
                self._discard(f, "timed out")
                # abort, not close: a clean close waits for unsent data, which a peer that stopped reading a
                # download never takes (asyncssh's SCP source already waits for drain, so that data is bounded)
                self.channel.abort()
                return
        self._arm()

    def _discard(self, f: _Open, why: str) -> None:
        self._open.discard(f)
        f.closed = True
        if isinstance(f, _FlashWrite):
            f.writer.abort()
            log.info("SCP upload to %s by %r discarded (%s, %d bytes received)", f.url, self.owner.user, why, f.moved)
        elif isinstance(f, _FlashRead):
            f.release()

    # -- the SFTPServer interface -----------------------------------------------------------------------------------
    def realpath(self, path: bytes) -> bytes:
        url = locate(path.decode("utf-8", "replace"))
        if url.kind is FileKind.FLASH:
            return b"/" + url.name.encode("utf-8")
        return b"/" + str(url).encode("utf-8")

    def stat(self, path: bytes) -> asyncssh.SFTPAttrs:
        url = self._resolve(path)
        if url.is_config:
            data = self.files.render(url.kind)
            self._snapshots[url.kind] = data  # what a download after this stat sends: same size
            return _file_attrs(len(data), 0o644)
        if not url.name:
            return _dir_attrs()
        try:
            st = self.files.flash.stat(url.name)
        except FlashError as exc:
            raise self._error(str(exc), "missing") from None
        if stat.S_ISDIR(st.st_mode):
            return _dir_attrs()
        return _file_attrs(st.st_size, stat.S_IMODE(st.st_mode), st.st_mtime)

    def lstat(self, path: bytes) -> asyncssh.SFTPAttrs:
        return self.stat(path)

    def fstat(self, file_obj: object) -> asyncssh.SFTPAttrs:
        assert isinstance(file_obj, _Open)
        return file_obj.attrs()

    def open(self, path: bytes, pflags: int, attrs: asyncssh.SFTPAttrs) -> object:
        url = self._resolve(path)
        writing = bool(pflags & asyncssh.FXF_WRITE)
        if writing and pflags & (asyncssh.FXF_READ | asyncssh.FXF_APPEND):
            raise self._error(f"%Error opening {url} (Permission denied)", "denied")
        f: _Open
        if url.is_config:
            if writing:
                f = _ConfigWrite(url, self.files.limits.max_config_bytes)
            else:
                f = _MemoryRead(url, self._snapshots.pop(url.kind, b"") or self.files.render(url.kind))
        elif not url.name:
            raise self._error(f"%Error opening {url} (Is a directory)", "isdir")
        elif writing:
            if pflags & asyncssh.FXF_EXCL and self.files.flash.exists(url.name):
                raise asyncssh.SFTPFileAlreadyExists(f"%Error opening {url} (File exists)")
            try:
                f = _FlashWrite(url, self.files.flash.open_write(url.name), self.files.limits.max_file_bytes)
            except FlashError as exc:
                raise self._error(str(exc), "isdir" if "directory" in str(exc) else "failure") from None
        else:
            try:
                f = _FlashRead(url, self.files.flash.open_read(url.name))
            except FlashError as exc:
                raise self._error(str(exc), "missing" if "No such" in str(exc) else "failure") from None
        self._open.add(f)
        self._arm()
        if writing:
            self._debug("send", "<OK>")
        else:
            self._debug("send", f"C{attrs_mode(f)} {f.attrs().size} {url}")
        return f

    def open56(self, path: bytes, desired_access: int, flags: int, attrs: asyncssh.SFTPAttrs) -> object:
        raise asyncssh.SFTPOpUnsupported("%Error opening file (Operation not supported)")

    def read(self, file_obj: object, offset: int, size: int) -> bytes:
        assert isinstance(file_obj, (_MemoryRead, _FlashRead))
        data = file_obj.read(offset, size)
        file_obj.active = time.monotonic()
        file_obj.moved += len(data)
        return data

    def write(self, file_obj: object, offset: int, data: bytes) -> int:
        assert isinstance(file_obj, (_ConfigWrite, _FlashWrite))
        if file_obj.failed:
            raise asyncssh.SFTPFailure(f"%Error writing {file_obj.url} (Input/output error)")
        file_obj.write(offset, data)
        file_obj.active = time.monotonic()
        file_obj.moved += len(data)
        return len(data)

    async def close(self, file_obj: object) -> None:
        assert isinstance(file_obj, _Open)
        if file_obj.closed:
            return
        if not file_obj.writing:
            self._open.discard(file_obj)
            file_obj.closed = True
            if isinstance(file_obj, _FlashRead):
                file_obj.release()
            self._debug("send", f"{file_obj.moved} bytes")
            return
        assert isinstance(file_obj, (_ConfigWrite, _FlashWrite))
        if file_obj.failed or self.owner.input_ended():
            self._discard(file_obj, "failed" if file_obj.failed else "transfer incomplete")
            return
        self._open.discard(file_obj)
        file_obj.closed = True
        self._debug("recv", f"{file_obj.moved} bytes")
        if isinstance(file_obj, _FlashWrite):
            try:
                await asyncio.to_thread(file_obj.writer.commit)
            except FlashError as exc:
                raise asyncssh.SFTPFailure(str(exc)) from None
            log.info("SCP: %r copied %d bytes to %s", self.owner.user, file_obj.writer.size, file_obj.url)
            return
        if self._session_id is None:
            self._session_id = self.files.session_ids()
        origin = Origin(
            session_id=self._session_id, user=self.owner.user, face=Face.SCP, source_host=self.owner.address
        )
        try:
            skipped = await self.files.write(file_obj.url, bytes(file_obj.buf), origin)
        except ConfigFileError as exc:
            for line in exc.lines:
                log.info("SCP to %s: %s", file_obj.url, line)
            self._debug("send", f"<ERR: {exc}>")
            raise asyncssh.SFTPFailure(str(exc)) from None
        if skipped:  # the other lines applied, as IOS does; the client's stderr says which were not commands
            summary = f"%Warning copying {file_obj.url} ({skipped_summary(skipped)})"
            log.info("SCP to %s: %s", file_obj.url, summary)
            self.channel.write_stderr(f"{summary}\r\n".encode())
        log.info("SCP: %r copied %d bytes to %s", self.owner.user, len(file_obj.buf), file_obj.url)

    def setstat(self, path: bytes, attrs: asyncssh.SFTPAttrs) -> None:
        self._resolve(path)  # times and modes of IOS files are the device's own: accepted, not applied

    def lsetstat(self, path: bytes, attrs: asyncssh.SFTPAttrs) -> None:
        self._resolve(path)

    def fsetstat(self, file_obj: object, attrs: asyncssh.SFTPAttrs) -> None:
        return None

    async def scandir(self, path: bytes) -> AsyncIterator[asyncssh.SFTPName]:
        url = self._resolve(path)
        if url.kind is not FileKind.FLASH or url.name:
            raise self._error(f"%Error opening {url} (Not a directory)", "missing")
        yield asyncssh.SFTPName(b".", attrs=_dir_attrs())
        yield asyncssh.SFTPName(b"..", attrs=_dir_attrs())
        for e in self.files.flash.entries():
            attrs = _dir_attrs() if e.is_dir else _file_attrs(e.size, 0o600, e.mtime)
            yield asyncssh.SFTPName(e.name.encode("utf-8"), attrs=attrs)

    def remove(self, path: bytes) -> None:
        url = self._resolve(path, "deleting")
        if url.kind is not FileKind.FLASH or not url.name:
            raise self._error(f"%Error deleting {url} (Permission denied)", "denied")
        try:
            self.files.flash.delete(url.name)
        except FlashError as exc:
            raise self._error(str(exc), "missing" if "No such" in str(exc) else "failure") from None

    def _unsupported(self, path: bytes, *more: bytes) -> None:
        url = self._resolve(path)
        raise self._error(f"%Error opening {url} (Operation not supported)", "unsupported")

    def mkdir(self, path: bytes, attrs: asyncssh.SFTPAttrs) -> None:
        self._unsupported(path)

    def rmdir(self, path: bytes) -> None:
        self._unsupported(path)

    def rename(self, oldpath: bytes, newpath: bytes) -> None:
        self._unsupported(oldpath)

    def posix_rename(self, oldpath: bytes, newpath: bytes) -> None:
        self._unsupported(oldpath)

    def readlink(self, path: bytes) -> bytes:
        self._unsupported(path)
        return b""  # pragma: no cover

    def symlink(self, oldpath: bytes, newpath: bytes) -> None:
        self._unsupported(newpath)

    def link(self, oldpath: bytes, newpath: bytes) -> None:
        self._unsupported(newpath)

    def lock(self, file_obj: object, offset: int, length: int, flags: int) -> None:
        raise asyncssh.SFTPOpUnsupported("%Error (Operation not supported)")

    def unlock(self, file_obj: object, offset: int, length: int) -> None:
        raise asyncssh.SFTPOpUnsupported("%Error (Operation not supported)")

    def statvfs(self, path: bytes) -> asyncssh.SFTPVFSAttrs:
        self._resolve(path)
        total = self.files.flash.max_bytes // 4096
        free = self.files.flash.free() // 4096
        return asyncssh.SFTPVFSAttrs(4096, 4096, total, free, free, 0, 0, 0, 0, 0, 255)

    def fstatvfs(self, file_obj: object) -> asyncssh.SFTPVFSAttrs:
        return self.statvfs(b"flash:")

    def fsync(self, file_obj: object) -> None:
        return None


def attrs_mode(f: _Open) -> str:
    """``0644`` as the SCP ``C`` line writes a file's mode."""
    perms = f.attrs().permissions or 0o644
    return f"{perms & 0o7777:04o}"


__all__ = ["ScpOwner", "ScpServer", "scp_refusal", "transfer_privilege"]
