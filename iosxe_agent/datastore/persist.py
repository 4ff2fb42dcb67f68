"""Atomic, durable file writes and reads of datastore trees.

A crash or power cut at any moment must leave either the old or the new file on disk, never a torn one: write a
temporary file in the same directory, fsync it, rename it over the target, then fsync the directory. A write that
fails (a full or read-only state directory) leaves the old file and no temporary file, and says which file and
why (:class:`WriteError`), so the store can refuse the change it was for.

:class:`OrderedWriter` does those writes in one worker thread, in the order they were asked for, so an event
loop can go on serving other sessions during the fsyncs and make a change visible once its write is on disk.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import functools
import os
import queue
import threading
import weakref
from collections.abc import Callable, Sequence
from concurrent.futures import Future
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
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        # a full disk fails the write half-way: the old file is intact, and no half-written temporary file
        # may stay behind to hold the space the next attempt needs
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def serialize(tree: etree._Element) -> bytes:
    """A datastore tree as the indented XML document it is stored as."""
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)


#: One step of a durable write: replace ``path`` with the bytes, remove it (None), or run a write of its own
#: (running's journal) that raises WriteError itself.
FileOp = tuple[Path, bytes | Callable[[], None] | None]


class WriteError(Exception):
    """A file of the state directory could not be written or removed; the message names the file and the OS
    cause (``could not write running-config.xml: No space left on device``), as every face reports it."""

    def __init__(self, path: Path, cause: OSError) -> None:
        super().__init__(f"could not write {path.name}: {cause.strerror or cause}")
        self.path = path
        self.cause = cause


def apply_ops(ops: Sequence[FileOp]) -> None:
    """Carry out ``ops`` in order, each atomic and durable; stop at the first that fails (WriteError)."""
    for path, data in ops:
        try:
            if data is None:
                _unlink(path)
            elif callable(data):  # a write of its own (running's journal), raising WriteError itself
                data()
            else:
                atomic_write(path, data)
        except OSError as exc:
            raise WriteError(path, exc) from exc


class OrderedWriter:
    """Durable file writes and removals done one batch at a time, in submission order, in a worker thread.

    One worker keeps the order: two commits reach the disk in commit order, and a write and a later removal of
    another file (a confirmed commit's backup) never swap. Callers serialise trees themselves (stored trees are
    lxml documents that only the event loop's thread touches) and hand over bytes.

    Why not a ``ThreadPoolExecutor``: a commit awaits one batch, and the executor's future, its idle-worker
    semaphore and the asyncio future chained to it cost ~75 µs of CPU per batch beside ~225 µs for the rest of
    the round trip (the append, its fsync, two thread wake-ups); here the worker settles the awaiting future with
    one call into the loop. Like the executor's worker, this one ends when the writer is collected, finishes the
    batches queued before the interpreter exits, and skips a batch whose waiter gave up before it started.
    """

    def __init__(self) -> None:
        self._batches: queue.SimpleQueue[_Batch | None] = queue.SimpleQueue()
        self._started = False

    async def write(self, ops: Sequence[FileOp]) -> None:
        """Carry out ``ops`` (see :func:`apply_ops`) in the worker, once the batches queued before are done.

        Raises:
            WriteError: as :func:`apply_ops`. A caller cancelled before the worker reached the batch (a timeout)
                leaves it undone; one cancelled later leaves it to complete.
        """
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()

        def settle(exc: BaseException | None) -> None:  # in the worker
            with contextlib.suppress(RuntimeError):  # a loop closed meanwhile: nobody waits any more
                loop.call_soon_threadsafe(_settle, waiter, exc)

        batch = _Batch(ops, settle)
        self._put(batch)
        try:
            await waiter
        except asyncio.CancelledError:
            batch.abandoned = True
            raise

    def apply(self, ops: Sequence[FileOp]) -> Future[None]:
        """Queue ``ops`` (see :func:`apply_ops`) without waiting; the future fails with WriteError."""
        done: Future[None] = Future()
        done.set_running_or_notify_cancel()
        self._put(_Batch(ops, lambda exc: done.set_result(None) if exc is None else done.set_exception(exc)))
        return done

    def _put(self, batch: _Batch) -> None:
        if not self._started:  # the worker starts with the first batch, as an executor's does
            self._started = True
            worker = threading.Thread(target=_work, args=(self._batches,), name="persist", daemon=True)
            worker.start()
            # at exit the batches queued are done first; a writer collected before just lets its worker end
            finish = functools.partial(_finish, self._batches, worker)
            atexit.register(finish)
            weakref.finalize(self, _release, self._batches, finish).atexit = False
        self._batches.put(batch)


class _Batch:
    """One queued batch of :class:`OrderedWriter`: its ops, what to tell when done, whether its waiter gave up."""

    __slots__ = ("abandoned", "done", "ops")

    def __init__(self, ops: Sequence[FileOp], done: Callable[[BaseException | None], None]) -> None:
        self.ops = ops
        self.done = done
        self.abandoned = False


def _work(batches: queue.SimpleQueue[_Batch | None]) -> None:
    """The worker of an :class:`OrderedWriter`: every batch in order, until told to stop (None)."""
    while (batch := batches.get()) is not None:
        if batch.abandoned:
            continue
        try:
            apply_ops(batch.ops)
        except BaseException as exc:  # (a WriteError, or a bug: either way the waiter is told)
            batch.done(exc)
        else:
            batch.done(None)


def _finish(batches: queue.SimpleQueue[_Batch | None], worker: threading.Thread) -> None:
    """At exit: let the worker do the batches queued, then end."""
    batches.put(None)
    worker.join()


def _release(batches: queue.SimpleQueue[_Batch | None], finish: Callable[[], None]) -> None:
    """The writer is gone (nothing can queue more): its worker ends after the batches queued, unwaited."""
    atexit.unregister(finish)
    batches.put(None)


def _settle(waiter: asyncio.Future[None], exc: BaseException | None) -> None:
    """Give ``waiter`` (in its loop) the outcome of its batch, unless it gave up."""
    if waiter.cancelled():
        return
    if exc is None:
        waiter.set_result(None)
    else:
        waiter.set_exception(exc)


def _unlink(path: Path) -> None:
    path.unlink(missing_ok=True)


def read_tree(path: Path) -> etree._Element | None:
    """Load a stored tree, or None when the file does not exist. Raises ``etree.XMLSyntaxError`` if corrupt."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    return etree.fromstring(data, _PARSER)
