"""Running as a state directory stores it, seen and broken from tests.

Running is no longer one ``running-config.xml``: it is a snapshot ``running-config.N.xml`` plus the change records
of ``running-config.N.journal`` (iosxe_agent/datastore/journal.py), and an older version's plain file is read as
generation 0. Tests that ask "what is on disk", "did a failed write change any file" or "make running's write fail"
go through here, so they follow the journal's real reading and writing instead of a file name.
"""

from __future__ import annotations

import errno
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from iosxe_agent.datastore.journal import RunningJournal
from iosxe_agent.limits import Limits
from iosxe_agent.yang.schema import Schema

#: the name a store is given for running; the journal derives its generations' names from it
RUNNING_FILE = "running-config.xml"
#: running's files: the older plain file, snapshots, journals, and a snapshot's temporary file while it is written
_RUNNING_NAME = re.compile(r"\.?running-config(\.\d+)?\.(xml|journal)(\.tmp)?")


def is_running_file(name: str) -> bool:
    """True for a file name that belongs to running's storage."""
    return _RUNNING_NAME.fullmatch(name) is not None


def running_files(state: Path) -> dict[str, bytes]:
    """Running's files in ``state``, name -> bytes: what a test compares to prove that a write changed nothing.
    A file removed between the listing and the read (an old generation dropped by a compaction) is left out."""
    files: dict[str, bytes] = {}
    for name in sorted(os.listdir(state)):
        if is_running_file(name):
            try:
                files[name] = (state / name).read_bytes()
            except FileNotFoundError:
                continue
    return files


def stored_running(state: Path, schema: Schema) -> etree._Element | None:
    """Running as a restart would load it from ``state`` (None: nothing stored), read from a copy of its files:
    loading cuts torn tails and removes old generations, which must not change the directory a test inspects."""
    with tempfile.TemporaryDirectory(prefix="stored-running-") as scratch:
        copy = Path(scratch)
        for name, data in running_files(state).items():
            (copy / name).write_bytes(data)
        return RunningJournal(copy / RUNNING_FILE, schema, Limits()).load()


def as_plain_running(state: Path, tree: etree._Element) -> None:
    """Store ``tree`` in ``state`` the way a version before the journal did: one plain ``running-config.xml``, and
    none of the journal's files."""
    for name in running_files(state):
        (state / name).unlink()
    (state / RUNNING_FILE).write_bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))


def fail_running_writes(monkeypatch: pytest.MonkeyPatch, code: int = errno.ENOSPC) -> None:
    """Make every write of running's files fail the way the file system does, whichever way the journal writes
    (an append or a whole snapshot): full (ENOSPC), a data write takes part of its bytes, then fails; any other
    code (EROFS: read-only), opening the file for writing fails. Other files are written as usual."""
    real_open, real_write, real_pwrite = os.open, os.write, os.pwrite
    took_part: set[int] = set()  # running's descriptors whose last write was cut short

    def named(fd: int) -> bool:
        try:
            return is_running_file(Path(os.readlink(f"/proc/self/fd/{fd}")).name)
        except OSError:
            return False

    def short(fd: int, data: bytes | memoryview, write: Callable[[memoryview], int]) -> int | None:
        """What a full disk does to this write of ``fd``: None to write it normally."""
        if not named(fd):
            return None
        if fd in took_part or len(data) < 2:
            took_part.discard(fd)
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        took_part.add(fd)
        return write(memoryview(data)[: len(data) // 2])

    def write(fd: int, data: bytes | memoryview) -> int:
        done = short(fd, data, lambda part: real_write(fd, part))
        return real_write(fd, data) if done is None else done

    def pwrite(fd: int, data: bytes | memoryview, offset: int) -> int:
        done = short(fd, data, lambda part: real_pwrite(fd, part, offset))
        return real_pwrite(fd, data, offset) if done is None else done

    def opener(path: str | os.PathLike[str], flags: int, mode: int = 0o777, *, dir_fd: int | None = None) -> int:
        if flags & (os.O_WRONLY | os.O_RDWR) and is_running_file(Path(path).name):
            raise OSError(code, os.strerror(code), os.fspath(path))
        return real_open(path, flags, mode, dir_fd=dir_fd)

    if code == errno.ENOSPC:
        monkeypatch.setattr(os, "write", write)
        monkeypatch.setattr(os, "pwrite", pwrite)
    else:
        monkeypatch.setattr(os, "open", opener)
