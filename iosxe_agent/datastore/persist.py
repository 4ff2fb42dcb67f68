"""Atomic, durable file writes and reads of datastore trees.

A crash or power cut at any moment must leave either the old or the new file on disk, never a torn one: write a
temporary file in the same directory, fsync it, rename it over the target, then fsync the directory.

:class:`OrderedWriter` does those writes in one worker thread, in the order they were asked for, so an event
loop can go on serving other sessions during the fsyncs and answer a commit once its write is on disk.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from lxml import etree

_PARSER = etree.XMLParser(
    resolve_entities=False, load_dtd=False, no_network=True, remove_blank_text=True, huge_tree=True
)


def atomic_write(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Replace ``path`` with ``data`` atomically and durably; the file gets permissions ``mode``."""
    tmp = path.with_name(f".{path.name}.tmp")
    # a temporary file left by a crash keeps its old permissions if reopened (and could be a symlink):
    # start from a fresh file so ``mode`` holds
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def serialize(tree: etree._Element) -> bytes:
    """A datastore tree as the indented XML document it is stored as."""
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)


class OrderedWriter:
    """Durable file writes and removals done one at a time, in submission order, in a worker thread.

    One worker keeps the order: two commits reach the disk in commit order, and a write and a later removal of
    another file (a confirmed commit's backup) never swap. Callers serialise trees themselves (stored trees are
    lxml documents that only the event loop's thread touches) and hand over bytes.
    """

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="persist")

    def write(self, path: Path, data: bytes) -> Future[None]:
        """Queue an atomic, durable replacement of ``path`` with ``data``."""
        return self._pool.submit(atomic_write, path, data)

    def remove(self, path: Path) -> Future[None]:
        """Queue the removal of ``path`` (absent already is fine)."""
        return self._pool.submit(_unlink, path)


class PendingWrites:
    """The writes queued for one request, which it must see on disk before it acknowledges anything."""

    def __init__(self) -> None:
        self.futures: list[Future[None]] = []

    async def done(self, timeout_s: float) -> None:
        """Wait until every write is durable (each bounded by ``timeout_s``); a failed write raises its error.

        The writes themselves are shielded: a request that times out or is cancelled (its session closed) stops
        waiting, but its change still reaches the disk.
        """
        for future in self.futures:
            await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), timeout_s)


def _unlink(path: Path) -> None:
    path.unlink(missing_ok=True)


def read_tree(path: Path) -> etree._Element | None:
    """Load a stored tree, or None when the file does not exist. Raises ``etree.XMLSyntaxError`` if corrupt."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    return etree.fromstring(data, _PARSER)
