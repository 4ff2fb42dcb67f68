"""Running's write-ahead journal: a snapshot plus the change records of the commits since, so a commit writes
bytes proportional to its change instead of the whole configuration.

On disk, beside the state directory's ``running-config.xml``, a *generation* N is the snapshot
``running-config.N.xml`` (written whole, atomically) and the journal ``running-config.N.journal``: frames of
``length, CRC-32, record`` (big-endian 32-bit each, then the :mod:`~iosxe_agent.datastore.change_record` bytes),
each appended and fsynced before its commit is acknowledged. When the journal grows past
``Limits.journal_compact_bytes`` a new generation starts from a snapshot of the current tree; the old one is
removed only after the new snapshot is durable, so at every instant some complete generation describes running:

* crash while appending: the last frame is torn (short, or its CRC does not match); :meth:`RunningJournal.load`
  replays up to it and cuts it off, so that commit — never acknowledged — is absent and later appends stay
  readable;
* crash while writing snapshot N+1: its temporary file is ignored and generation N still loads whole;
* crash after snapshot N+1 is renamed into place: it is the newest complete generation; what is left of N is
  removed at the next load.

An older state directory's plain ``running-config.xml`` is read as the snapshot of generation 0.

Every method is called from one thread (the store's writer thread; ``load`` before it starts), so there are no
locks; the one exception, :meth:`RunningJournal.needs_snapshot`, only reads, and the store asks it once every write
it queued is done. A method that fails raises :class:`~iosxe_agent.datastore.persist.WriteError` naming the file and the
cause, and leaves the journal as it was before the call: an append that failed half-way is cut back, so the
commit it was for can be refused and the next one still lands in a readable journal.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from iosxe_agent.datastore.change_record import RecordError, Replayer
from iosxe_agent.datastore.persist import WriteError, atomic_write, read_tree
from iosxe_agent.limits import Limits
from iosxe_agent.yang.schema import Schema

log = logging.getLogger(__name__)

#: length of the record, then its CRC-32 (zlib.crc32), both unsigned big-endian
FRAME = struct.Struct(">II")


class RunningJournal:
    """Snapshot + journal of running for one state directory; ``running`` is its ``running-config.xml``."""

    def __init__(self, running: Path, schema: Schema, limits: Limits) -> None:
        self._legacy = running
        self._schema = schema
        self._bound = limits.journal_compact_bytes
        self._generation: int | None = None  # the generation appends go to (None: no snapshot to follow yet)
        self._named = False  # the current journal's name is known durable in the directory (created and synced)
        self._size = 0  # bytes of whole frames in the current journal
        self._snapshot_bytes = 0  # bytes of the current generation's snapshot
        self._retry_at = 0  # after a snapshot failed: the journal size at which to try again
        self._tip_appended = False  # the last thing done was an append that succeeded
        self._stale = False  # a refused commit's record may be on disk: the next write must be a snapshot

    # -- file names ----------------------------------------------------------------------------------------------
    def snapshot_path(self, generation: int) -> Path:
        """Where generation ``generation``'s snapshot lives."""
        return self._legacy.with_name(f"{self._legacy.stem}.{generation}.xml")

    def journal_path(self, generation: int) -> Path:
        """Where generation ``generation``'s journal lives."""
        return self._legacy.with_name(f"{self._legacy.stem}.{generation}.journal")

    def _generations(self) -> tuple[set[int], set[int]]:
        """The generations that have a complete snapshot, and those that have a journal file."""
        pattern = re.compile(rf"{re.escape(self._legacy.stem)}\.(\d{{1,18}})\.(xml|journal)")
        snapshots: set[int] = set()
        journals: set[int] = set()
        for name in os.listdir(self._legacy.parent):
            if m := pattern.fullmatch(name):
                (snapshots if m.group(2) == "xml" else journals).add(int(m.group(1)))
        return snapshots, journals

    # -- start-up ------------------------------------------------------------------------------------------------
    def load(self) -> etree._Element | None:
        """Running as stored (the newest complete snapshot with its journal replayed), or None when nothing is
        stored. A torn or corrupt tail of the journal is cut off; files of older generations are removed.

        Raises:
            etree.XMLSyntaxError: the snapshot is not XML (snapshots are written atomically: it was damaged).
            WriteError: the torn tail could not be cut off.
        """
        snapshots, journals = self._generations()
        generation = max(snapshots) if snapshots else 0
        snapshot = self.snapshot_path(generation) if snapshots else self._legacy
        tree = read_tree(snapshot)
        self._size = 0
        if tree is not None:
            self._snapshot_bytes = snapshot.stat().st_size
            path = self.journal_path(generation)
            records, ends = _frames(path)
            applied = self._replay(tree, records, path)
            if applied < len(records):  # that record may have changed the tree half-way: start again without it
                tree = read_tree(snapshot)
                assert tree is not None
                self._replay(tree, records[:applied], path)
            self._size = ends[applied - 1] if applied else 0
            self._cut(path, self._size)
        for old in (snapshots | journals) - {generation}:
            self._remove(self.snapshot_path(old), self.journal_path(old))
        if snapshots:
            self._remove(self._legacy)
        if tree is None:  # records with no snapshot to apply them to: nothing is stored
            self._remove(self.journal_path(generation))
        self._generation = generation if tree is not None else None
        self._named = False
        return tree

    def _replay(self, tree: etree._Element, records: list[bytes], path: Path) -> int:
        """Apply ``records`` to ``tree`` in order; how many applied (all but after one that does not, which can
        only follow damage: what came before it is kept)."""
        replayer = Replayer(tree, self._schema)
        for count, record in enumerate(records):
            try:
                replayer.replay(record)
            except RecordError as exc:
                log.warning("%s: record %d does not apply (%s); running is restored up to it", path, count + 1, exc)
                return count
        return len(records)

    def _cut(self, path: Path, length: int) -> None:
        """Cut ``path`` to ``length`` bytes (the whole records that applied) if it is longer."""
        try:
            fd = os.open(path, os.O_WRONLY)
        except FileNotFoundError:
            return
        except OSError as exc:
            raise WriteError(path, exc) from exc
        try:
            end = os.fstat(fd).st_size
            if end > length:
                log.warning(
                    "%s: cutting off %d bytes after the last whole record (a commit in flight)", path, end - length
                )
                os.ftruncate(fd, length)
                os.fsync(fd)
        except OSError as exc:
            raise WriteError(path, exc) from exc
        finally:
            os.close(fd)

    # -- commits -------------------------------------------------------------------------------------------------
    def write(self, record: bytes, render: Callable[[], bytes]) -> None:
        """Make one commit durable: append its ``record``; or write the snapshot ``render()`` gives instead when
        this process has no snapshot the record could follow (no :meth:`load` ran: a tool that writes a state
        directory's running once; a start that serves startup) or a refused commit's record may be on disk.

        A record past the compaction bound (a bulk change, a whole replace) is appended too, and the snapshot
        that folds it in follows in the background (:meth:`compact_after`). Why: the commit's reply waits for
        this write, and appending 10,000 new users' 2.4 MB record costs ~5 ms where serialising the whole tree
        and writing it atomically costs ~25 ms; the journal then exceeds its bound by one record until then."""
        if self._generation is None or self._stale:
            self.snapshot(render())
        else:
            self.append(record)

    def append(self, record: bytes) -> None:
        """Append ``record`` and fsync it; on failure the journal is cut back to what it was.

        Raises:
            WriteError: it could not be written (nothing of it stays in the journal).
        """
        if not record:
            raise ValueError("an empty change record")
        if self._generation is None:
            raise RuntimeError("a record needs a snapshot to follow: load() found none and snapshot() did not run")
        self._tip_appended = False
        path = self.journal_path(self._generation)
        frame = FRAME.pack(len(record), zlib.crc32(record)) + record
        # opened for each append, so no file stays open for writing between commits (a state directory can be
        # remounted read-only under a running agent, which then refuses commits instead of losing them)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
        except OSError as exc:
            raise WriteError(path, exc) from exc
        try:
            view = memoryview(frame)
            offset = self._size
            while view:
                written = os.pwrite(fd, view, offset)
                view, offset = view[written:], offset + written
            os.fsync(fd)
            if not self._named:
                _sync_dir(path.parent)
                self._named = True
        except OSError as exc:
            # a full disk can take part of the frame: cut it off now, or the next append would follow a torn one
            with contextlib.suppress(OSError):
                os.ftruncate(fd, self._size)
                os.fsync(fd)
            raise WriteError(path, exc) from exc
        finally:
            os.close(fd)
        self._size += len(frame)
        self._tip_appended = True

    def needs_snapshot(self) -> bool:
        """True when the journal has grown past the compaction bound (and no failed snapshot waits to retry)."""
        return self._size > max(self._bound, self._retry_at)

    def compact_after(self, render: Callable[[], bytes]) -> None:
        """Write a new snapshot if the journal is past its bound. Queue it right after the append of the commit
        whose tree ``render`` serialises: it does nothing unless that append was the last thing done and
        succeeded, so a snapshot never holds a commit the journal refused. A failure is logged, not raised (the
        journal still holds everything); it is retried once the journal has grown by another bound."""
        if not (self._tip_appended and self.needs_snapshot()):
            return
        try:
            self.snapshot(render())
        except WriteError as exc:
            self._retry_at = self._size + self._bound
            log.warning("%s: the journal goes on in %s", exc, self.journal_path(self._current()).name)

    def snapshot(self, data: bytes) -> None:
        """Start a new generation whose snapshot is ``data`` (the serialised running of now), then remove the old.

        Raises:
            WriteError: the snapshot could not be written (the old generation stays current), or the new journal
                could not be created (the new snapshot is complete and current; the next append creates it).
        """
        old = self._current()
        new = old + 1
        snapshot, journal = self.snapshot_path(new), self.journal_path(new)
        try:
            atomic_write(snapshot, data)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(snapshot.with_name(f".{snapshot.name}.tmp"))
            raise WriteError(snapshot, exc) from exc
        # from here on generation N+1 is the newest complete one: it is current whatever happens next
        self._generation, self._size, self._retry_at, self._tip_appended, self._named = new, 0, 0, False, False
        self._snapshot_bytes = len(data)
        self._stale = False
        try:
            os.close(os.open(journal, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
            _sync_dir(journal.parent)
            self._named = True
        except OSError as exc:
            raise WriteError(journal, exc) from exc
        # every older generation goes, not only the last: one a crash left between a snapshot and this clean-up
        # is otherwise kept until a load (which a start without --persist-running never does)
        snapshots, journals = self._generations()
        older = sorted(g for g in snapshots | journals if g != new) or [old]
        self._remove(*(p for g in older for p in (self.snapshot_path(g), self.journal_path(g))), self._legacy)

    def forget(self) -> None:
        """Running is not what is stored (a start that loads startup into it): remove every generation, so no
        later load can take the last run's running for this one's, and let the first :meth:`write` start a new
        generation (a snapshot of that commit's running). Why not a snapshot now: beside 100,000 users writing
        one at start cost ~0.2 s of every start, for a file that only a commit needs. A failure to remove is
        logged: a newer generation supersedes what is left at the first commit."""
        self._generation, self._size, self._snapshot_bytes, self._tip_appended, self._named = None, 0, 0, False, False
        self._stale = True  # every write is a snapshot until one succeeds (a failed one leaves no generation)
        snapshots, journals = self._generations()
        paths = [p for g in sorted(snapshots | journals) for p in (self.snapshot_path(g), self.journal_path(g))]
        self._remove(*paths, self._legacy)

    def resync(self, data: bytes) -> None:
        """After a refused commit whose record may be on disk (a later file of its batch failed, or a write that
        timed out may still land): make ``data`` (running as memory holds it) the snapshot, so no restart replays
        the refused change. If even that cannot be written, the next :meth:`write` is a snapshot instead of an
        append (later records must not follow the refused one); logged, not raised."""
        self._stale = True
        try:
            self.snapshot(data)
        except WriteError as exc:
            log.warning("%s: running's next write will be a whole snapshot", exc)

    # -- helpers ---------------------------------------------------------------------------------------------
    def _current(self) -> int:
        """The current generation; the newest on disk when neither load nor snapshot gave one yet."""
        if self._generation is None:
            snapshots, journals = self._generations()
            self._generation = max(snapshots | journals, default=0)
        return self._generation

    def _remove(self, *paths: Path) -> None:
        """Remove files of a generation that is no longer current (a failure leaves them for the next load)."""
        try:
            for path in paths:
                path.unlink(missing_ok=True)
            _sync_dir(self._legacy.parent)
        except OSError as exc:
            log.warning("could not remove an old generation of running: %s", exc)

    @property
    def size(self) -> int:
        """Bytes in the current journal."""
        return self._size

    @property
    def stored_bytes(self) -> int:
        """Bytes of running as stored: the current snapshot and the records appended to it. A free estimate of
        running's size (deletes make it high until the next snapshot)."""
        return self._snapshot_bytes + self._size


def _sync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _frames(path: Path) -> tuple[list[bytes], list[int]]:
    """The whole records of journal ``path`` up to the first torn or corrupt frame, and where each ends."""
    try:
        data = path.read_bytes()  # bounded by the file: the journal is compacted past journal_compact_bytes
    except FileNotFoundError:
        return [], []
    records: list[bytes] = []
    ends: list[int] = []
    good = 0
    while good + FRAME.size <= len(data):
        length, crc = FRAME.unpack_from(data, good)
        start = good + FRAME.size
        if length == 0 or length > len(data) - start:
            break  # a zero-filled or torn tail (the length itself may be torn)
        record = data[start : start + length]
        if zlib.crc32(record) != crc:
            break
        good = start + length
        records.append(record)
        ends.append(good)
    return records, ends
