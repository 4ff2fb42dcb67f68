"""The device's ``flash:`` file system: the directory ``flash/`` in the state dir, and the file URLs of IOS.

Every name a client gives is checked before the file system is touched: no ``..``, no absolute path, no NUL
or backslash, no component that is a symbolic link (so nothing outside ``flash/`` is ever read or written,
whatever was planted inside it), at most :data:`MAX_NAME` characters. Files are written atomically (temporary
file, fsync, rename, fsync dir) with mode 0600, and the whole directory is bounded by
``Limits.max_flash_bytes``: a write that would pass the bound is refused and changes nothing. The bound counts
transfers still in progress: each streamed write reserves the space it has written (under one lock, shared with
the SCP/SFTP worker threads), so two uploads that each fit alone cannot together fill flash: past its size.

A configuration copied to flash: is IOS text (``show running-config`` lines, see
:mod:`iosxe_agent.device.filesystem`), which :mod:`iosxe_agent.device.config_files` parses with the CLI table; the
XML form of a datastore (a ``<config>`` wrapper, as ``startup-config.xml``) is read as well, by :func:`decode_config`.
URLs (``flash:``, ``bootflash:``, ``running-config`` …) are parsed in :mod:`iosxe_agent.device.filesystem`.

Large files (SCP uploads, images) are streamed: :meth:`Flash.open_write` returns a :class:`FlashWriter` that
writes a hidden temporary file beside the target (``.~NAME.XXXXXXXX``, a name no client can give) and renames it
over the target only on :meth:`FlashWriter.commit`; an aborted or killed transfer leaves no partial file, and
:meth:`Flash.clean_partials` removes the temporaries a crash left behind. :meth:`Flash.open_read` reads without
loading a file into memory; :meth:`Flash.entries` and :meth:`Flash.delete` serve ``dir`` and ``delete``.

Error texts are the IOS console's (``%Error opening flash:x (No such file or directory)``).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from iosxe_agent.datastore.persist import atomic_write
from iosxe_agent.netconf.xmlio import NC_NS, XmlError, make_parser

MAX_NAME = 255
#: Streamed writes reserve space in steps of this size (at most what is free), so a transfer walks the directory
#: once per step rather than once per chunk.
RESERVE_STEP = 1 << 20
#: Prefix of the temporary files of streamed writes; names a client gives may not start with it.
TEMP_PREFIX = ".~"


class FlashError(Exception):
    """A file operation failed; the message is what IOS prints for it."""


class Flash:
    """The flash: directory of one device, bounded in size."""

    def __init__(self, root: Path, max_bytes: int) -> None:
        self.root = root
        self.max_bytes = max_bytes
        #: space reserved by the streamed writes in progress (bytes each may write before asking again)
        self._reserved: dict[FlashWriter, int] = {}
        #: held while space is counted and taken: a check and the write or rename it allows happen as one step
        self._space = threading.Lock()

    def _dir(self) -> Path:
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        return self.root

    def resolve(self, name: str) -> Path:
        """The path of flash file ``name``; raises FlashError for a name that could leave flash:."""
        shown = f"flash:{name}"
        if not name or len(name) > MAX_NAME or "\0" in name or "\\" in name or name.startswith("/"):
            raise FlashError(f"%Error parsing filename ({shown}) (Invalid argument)")
        parts = name.split("/")
        if any(p in ("", ".", "..") or p.startswith(TEMP_PREFIX) for p in parts):
            raise FlashError(f"%Error parsing filename ({shown}) (Invalid argument)")
        root = self._dir()
        path = root
        for i, part in enumerate(parts):
            path = path / part
            try:
                st = os.lstat(path)
            except FileNotFoundError:
                if i < len(parts) - 1:
                    raise FlashError(f"%Error opening {shown} (No such file or directory)") from None
                break
            if stat.S_ISLNK(st.st_mode):
                raise FlashError(f"%Error opening {shown} (Permission denied)")
            if i < len(parts) - 1 and not stat.S_ISDIR(st.st_mode):
                raise FlashError(f"%Error opening {shown} (Not a directory)")
        return path

    def exists(self, name: str) -> bool:
        """True when flash file ``name`` exists (as a regular file)."""
        try:
            return self.resolve(name).is_file()
        except FlashError:
            return False

    def names(self) -> list[str]:
        """The regular files directly in flash: (not in subdirectories, no hidden temporary files)."""
        root = self._dir()
        return sorted(
            e.name for e in os.scandir(root) if e.is_file(follow_symlinks=False) and not e.name.startswith(".")
        )

    def usage(self, *, excluding: Path | None = None, finished: bool = False) -> int:
        """Bytes used by every regular file below flash: (symbolic links are not followed); ``finished``: only
        by finished files (not the temporary files of transfers in progress)."""
        total = 0
        for dirpath, _dirs, files in os.walk(self._dir()):
            for f in files:
                p = Path(dirpath) / f
                if (excluding is not None and p == excluding) or (finished and f.startswith(TEMP_PREFIX)):
                    continue
                with contextlib.suppress(FileNotFoundError):
                    st = os.lstat(p)
                    if stat.S_ISREG(st.st_mode):
                        total += st.st_size
        return total

    def read(self, name: str) -> bytes:
        """The content of flash file ``name`` (never through a symbolic link)."""
        with self.open_read(name) as f:
            data = f.read(self.max_bytes + 1)
        if len(data) > self.max_bytes:
            raise FlashError(f"%Error reading flash:{name} (File too large)")
        return data

    def write(self, name: str, data: bytes) -> None:
        """Create or replace flash file ``name`` atomically (mode 0600), within the size bound."""
        path = self.resolve(name)
        shown = f"flash:{name}"
        if path.is_dir():
            raise FlashError(f"%Error opening {shown} (Is a directory)")
        with self._space:
            if self._taken(excluding=path) + len(data) > self.max_bytes:
                raise FlashError(f"%Error writing {shown} (No space left on device)")
            try:
                atomic_write(path, data, mode=0o600)
            except OSError as exc:
                raise FlashError(f"%Error writing {shown} ({os.strerror(exc.errno or errno.EIO)})") from None

    # -- space: finished files plus the reservations of transfers in progress -------------------------------------
    def _taken(self, excluding: Path, writer: FlashWriter | None = None) -> int:
        """Bytes of finished files (but ``excluding``, the file a write replaces) plus every reservation other
        than ``writer``'s. Called with ``_space`` held."""
        others = sum(size for w, size in self._reserved.items() if w is not writer)
        return self.usage(excluding=excluding, finished=True) + others

    def reserve(self, writer: FlashWriter, end: int) -> None:
        """Let ``writer`` hold ``end`` bytes, or raise FlashError when flash: (counting every transfer in
        progress) has no room for them.

        A transfer that finds no room is over: its data and reservation go at once, in the same step, as a
        failing writer on a full disk deletes its file, so that of two uploads that cannot both fit the other
        one still finishes (rather than both failing on each other's reservations)."""
        with self._space:
            held = self._reserved.get(writer, 0)
            if end <= held:
                return
            room = self.max_bytes - self._taken(writer.path, writer)
            if end > room:
                self._reserved.pop(writer, None)
                writer.drop_data()
                raise FlashError(f"%Error writing {writer.shown} (No space left on device)")
            self._reserved[writer] = min(room, -(-end // RESERVE_STEP) * RESERVE_STEP)

    def finish(self, writer: FlashWriter, tmp: Path) -> None:
        """Rename ``writer``'s temporary file over its target and drop its reservation, if it still fits."""
        with self._space:
            self._reserved.pop(writer, None)
            if self._taken(writer.path) + writer.size > self.max_bytes:
                raise FlashError(f"%Error writing {writer.shown} (No space left on device)")
            os.replace(tmp, writer.path)

    def release(self, writer: FlashWriter) -> None:
        """Drop ``writer``'s reservation (an aborted transfer)."""
        with self._space:
            self._reserved.pop(writer, None)

    # -- streaming, listing, deleting (SCP, dir, delete, copy) -----------------------------------------------------
    def stat(self, name: str) -> os.stat_result:
        """``lstat`` of flash file ``name`` (a regular file or a directory; never a symbolic link)."""
        shown = f"flash:{name}"
        path = self.resolve(name)
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            raise FlashError(f"%Error opening {shown} (No such file or directory)") from None
        if not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)):
            raise FlashError(f"%Error opening {shown} (Permission denied)")
        return st

    def open_read(self, name: str) -> BinaryIO:
        """Flash file ``name`` opened for reading (unbuffered, never through a symbolic link)."""
        path = self.resolve(name)
        shown = f"flash:{name}"
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except FileNotFoundError:
            raise FlashError(f"%Error opening {shown} (No such file or directory)") from None
        except OSError as exc:
            raise FlashError(f"%Error opening {shown} ({os.strerror(exc.errno or errno.EIO)})") from None
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise FlashError(f"%Error opening {shown} (Is a directory)")
        return os.fdopen(fd, "rb", buffering=0)

    def open_write(self, name: str) -> FlashWriter:
        """Start writing flash file ``name``: nothing named ``name`` changes until ``commit()``."""
        path = self.resolve(name)
        if path.is_dir():
            raise FlashError(f"%Error opening flash:{name} (Is a directory)")
        return FlashWriter(self, name, path)

    def entries(self) -> list[FlashEntry]:
        """The files and directories directly in flash: (no hidden or temporary files), by name."""
        out = []
        with os.scandir(self._dir()) as it:
            for e in it:
                if e.name.startswith("."):
                    continue
                st = e.stat(follow_symlinks=False)
                if stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode):
                    out.append(FlashEntry(e.name, st.st_size, st.st_mtime, stat.S_ISDIR(st.st_mode), st.st_ino))
        return sorted(out, key=lambda e: e.name)

    def delete(self, name: str) -> None:
        """Remove flash file ``name`` (IOS ``delete``; directories are not removed)."""
        path = self.resolve(name)
        shown = f"flash:{name}"
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            raise FlashError(f"%Error deleting {shown} (No such file or directory)") from None
        if stat.S_ISDIR(st.st_mode):
            raise FlashError(f"%Error deleting {shown} (Is a directory)")
        try:
            os.unlink(path)
        except OSError as exc:
            raise FlashError(f"%Error deleting {shown} ({os.strerror(exc.errno or errno.EIO)})") from None

    def free(self) -> int:
        """Bytes that may still be written to flash: (transfers in progress hold what they reserved)."""
        with self._space:
            return max(0, self.max_bytes - self.usage(finished=True) - sum(self._reserved.values()))

    def clean_partials(self) -> int:
        """Remove temporary files of writes that never finished (a crash during a transfer); returns how many."""
        removed = 0
        for dirpath, _dirs, files in os.walk(self._dir()):
            for f in files:
                if f.startswith(TEMP_PREFIX):
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(Path(dirpath) / f)
                        removed += 1
        return removed


@dataclass(frozen=True, slots=True)
class FlashEntry:
    """One line of ``dir flash:``."""

    name: str
    size: int
    mtime: float
    is_dir: bool
    inode: int


class FlashWriter:
    """A flash file being written: data goes to a hidden temporary file (mode 0600) beside the target, within the
    space it reserves from flash: as it grows; :meth:`commit` makes it the file (fsync, rename, fsync dir),
    :meth:`abort` throws it away. Writes may come at any offset (SFTP clients send out of order)."""

    def __init__(self, flash: Flash, name: str, path: Path) -> None:
        self.flash = flash
        self.name = name
        self.path = path
        self.shown = f"flash:{name}"
        self.size = 0
        self.done = False
        self.tmp = path.with_name(f"{TEMP_PREFIX}{path.name}.{secrets.token_hex(4)}")
        try:
            self._fd: int | None = os.open(self.tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except OSError as exc:
            raise FlashError(f"%Error opening {self.shown} ({os.strerror(exc.errno or errno.EIO)})") from None

    def write(self, data: bytes, offset: int | None = None) -> int:
        """Write ``data`` at ``offset`` (default: the end); refuses to pass the flash size bound."""
        if self._fd is None:
            raise FlashError(f"%Error writing {self.shown} (Bad file descriptor)")
        at = self.size if offset is None else offset
        end = at + len(data)
        self.flash.reserve(self, end)
        view = memoryview(data)
        try:
            while view:
                written = os.pwrite(self._fd, view, at)
                view = view[written:]
                at += written
        except OSError as exc:
            raise FlashError(f"%Error writing {self.shown} ({os.strerror(exc.errno or errno.EIO)})") from None
        self.size = max(self.size, end)
        return len(data)

    def reserve(self, size: int) -> None:
        """Hold room for ``size`` bytes written to :attr:`tmp` by someone else (an SCP client writing the file
        itself); raises FlashError when flash: has none."""
        self.flash.reserve(self, size)

    def drop_data(self) -> None:
        """Empty the temporary file of a transfer that found no room; later writes and the commit fail."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None
        with contextlib.suppress(OSError):
            os.truncate(self.tmp, 0)
        self.size = 0

    def commit(self) -> None:
        """Make the written data the file ``name`` (atomically and durably), if it still fits in flash:."""
        if self._fd is None:
            raise FlashError(f"%Error writing {self.shown} (Bad file descriptor)")
        try:
            os.fsync(self._fd)
        finally:
            os.close(self._fd)
            self._fd = None
        try:
            self.flash.finish(self, self.tmp)
            dir_fd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except OSError as exc:
            self.abort()
            raise FlashError(f"%Error writing {self.shown} ({os.strerror(exc.errno or errno.EIO)})") from None
        except FlashError:
            self.abort()
            raise
        self.done = True

    def abort(self) -> None:
        """Throw the written data away (the file ``name`` is as it was)."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.tmp)
        self.flash.release(self)
        self.done = True


def encode_config(tree: etree._Element) -> bytes:
    """A datastore tree as the bytes of a configuration file (the stored XML form)."""
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def decode_config(data: bytes, shown: str) -> etree._Element:
    """The ``<config>`` element of a configuration file; raises FlashError when it is not one we can read.

    A document type declaration is refused, internal or external: the parser never loads or expands one (the
    resolver of :func:`make_parser` refuses an external DTD by raising its own error, which must not escape as
    anything but this file's refusal), and a configuration has no use for one.
    """
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<"):
        raise FlashError(f"%Error parsing {shown} (not an XML configuration)")
    try:
        root = etree.fromstring(data, make_parser())
    except etree.XMLSyntaxError as exc:
        raise FlashError(f"%Error parsing {shown} ({exc})") from None
    except XmlError:
        root = None  # an external DTD or entity: refused below like any DOCTYPE
    if root is None or root.getroottree().docinfo.doctype or root.getroottree().docinfo.internalDTD is not None:
        raise FlashError(f"%Error parsing {shown} (a DOCTYPE is not allowed in a configuration file)")
    if root.tag != f"{{{NC_NS}}}config":
        raise FlashError(f"%Error parsing {shown} (not a configuration: the root element must be <config>)")
    return root
