"""The one durable write path: a change is visible only once it is on disk, writes keep commit order, a failed
write changes nothing, and a caller that goes away never leaves the store half-done."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from stored_running import fail_running_writes, running_files, stored_running

from iosxe_agent.data.errors import DataError
from iosxe_agent.datastore import persist
from iosxe_agent.datastore import store as store_module
from iosxe_agent.datastore.persist import atomic_write, read_tree
from iosxe_agent.datastore.store import CANDIDATE, RUNNING, STARTUP, StorePaths, Stores, WriteFailed
from iosxe_agent.datastore.transaction import Face, Origin, Transaction
from iosxe_agent.limits import Limits

S1 = Origin(session_id=1, user="alice", face=Face.NETCONF)
S2 = Origin(session_id=2, user="bob", face=Face.NETCONF)
WAIT_S = 10.0  # bound on every wait for the writer thread


def _stores(ios: Any, state: Path, limits: Limits | None = None, *, load_running: bool = True) -> Stores:
    # as with --persist-running: running is stored from the start (a start that serves startup stores running
    # only at its first commit, tests/datastore/test_store.py)
    paths = StorePaths(state / "startup-config.xml", state / "running-config.xml", load_running=load_running)
    stores = Stores(ios.schema, limits or Limits(), paths)
    stores.load(lambda: ios.cfg("<hostname>R0</hostname>"))
    return stores


def _hostname(ios: Any, tree: Any) -> str | None:
    return ios.text(tree, "ios:native/ios:hostname")


def _stored_hostname(ios: Any, path: Path) -> str | None:
    tree = read_tree(path)
    assert tree is not None
    return _hostname(ios, tree)


def _stored_running_hostname(ios: Any, state: Path) -> str | None:
    """The hostname of running as a restart would load it from ``state`` (its snapshot and journal)."""
    tree = stored_running(state, ios.schema)
    assert tree is not None
    return _hostname(ios, tree)


def _hostname_edit(ios: Any, name: str) -> Any:
    return ios.cfg(f"<hostname>{name}</hostname>")


@dataclass
class Gate:
    """Once armed, holds every batch of file writes (running's journal, startup, a backup) in the writer thread
    until the test opens it."""

    armed: bool = False

    entered: threading.Event = field(default_factory=threading.Event)
    opened: threading.Event = field(default_factory=threading.Event)

    async def reached(self) -> None:
        assert await asyncio.to_thread(self.entered.wait, WAIT_S), "no write reached the writer thread"


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    g = Gate()
    real = persist.apply_ops

    def held(ops: Sequence[persist.FileOp]) -> None:
        if g.armed:
            g.entered.set()
            assert g.opened.wait(WAIT_S), "the test never opened the gate"
        real(ops)

    monkeypatch.setattr(persist, "apply_ops", held)
    yield g
    g.opened.set()  # never leave the writer thread blocked


def _failing(monkeypatch: pytest.MonkeyPatch, name: str, code: int = errno.ENOSPC) -> None:
    """Make writes of the file ``name`` fail as a full (or read-only) disk makes them fail."""
    real = persist.atomic_write

    def write(path: Path, data: bytes, mode: int = 0o600) -> None:
        if path.name == name:
            raise OSError(code, os.strerror(code), str(path))
        real(path, data, mode)

    monkeypatch.setattr(persist, "atomic_write", write)


@dataclass
class Recorder:
    """A subscriber that counts what the pipeline asked of it."""

    checked: int = 0
    applied: int = 0
    aborted: int = 0

    def check(self, txn: Transaction) -> list[DataError]:
        self.checked += 1
        return []

    def apply(self, txn: Transaction) -> None:
        self.applied += 1

    def abort(self, txn: Transaction) -> None:
        self.aborted += 1


# ------------------------------------------------------------------------------------------ ordering


async def test_a_commit_is_on_disk_when_it_returns(ios: Any, tmp_path: Path) -> None:
    stores = _stores(ios, tmp_path)
    await stores.edit(CANDIDATE, _hostname_edit(ios, "R1"), S1)
    assert _stored_running_hostname(ios, tmp_path) == "R0"  # a candidate edit writes nothing
    await stores.commit(S1)
    assert _stored_running_hostname(ios, tmp_path) == "R1"


def _generation_on_disk(state: Path) -> tuple[int, int]:
    """The one generation of running in ``state`` and the size of its journal (there must be exactly one)."""
    journals = sorted(state.glob("running-config.*.journal"))
    assert len(journals) == 1 and len(list(state.glob("running-config.*.xml"))) == 1, journals
    return int(journals[0].name.split(".")[1]), journals[0].stat().st_size


async def test_a_commit_that_takes_the_journal_past_its_bound_starts_a_new_generation_and_no_other_does(
    ios: Any, tmp_path: Path
) -> None:
    bound = 700
    stores = _stores(ios, tmp_path, Limits(journal_compact_bytes=bound))
    generation, size = _generation_on_disk(tmp_path)
    frame = 0
    compactions = 0
    for i in range(40):
        name = f"H{i:03d}"  # every record the same length
        await stores.edit(RUNNING, _hostname_edit(ios, name), S1)
        await stores.save(S1)  # a later write: the background compaction queued before it is done
        now, grown = _generation_on_disk(tmp_path)
        frame = frame or grown - size
        if size + frame > bound:  # that commit took the journal past its bound: its tree is the new snapshot
            assert (now, grown) == (generation + 1, 0)
            compactions += 1
        else:
            assert (now, grown) == (generation, size + frame)
        generation, size = now, grown
        assert _stored_running_hostname(ios, tmp_path) == name
    assert compactions >= 3


async def test_a_change_is_invisible_until_written_and_the_next_edit_sees_it(
    ios: Any, tmp_path: Path, gate: Gate
) -> None:
    stores = _stores(ios, tmp_path)
    gate.armed = True
    seen_before: list[str | None] = []  # running each commit started from
    stores.listen(lambda txn: seen_before.append(_hostname(ios, txn.old)))
    first = asyncio.create_task(stores.edit(RUNNING, _hostname_edit(ios, "A"), S1))
    await gate.reached()
    second = asyncio.create_task(stores.edit(RUNNING, _hostname_edit(ios, "B"), S2))
    await asyncio.sleep(0)  # the second edit runs as far as it can: to the lock
    assert _hostname(ios, stores.running) == "R0" and not first.done() and not second.done()
    gate.opened.set()
    await asyncio.wait_for(asyncio.gather(first, second), WAIT_S)
    assert seen_before == ["R0", "A"]  # the second edit was computed on the first one's result
    assert _hostname(ios, stores.running) == "B"
    assert _stored_running_hostname(ios, tmp_path) == "B"


async def test_sessions_committing_concurrently_reach_the_disk_in_commit_order(ios: Any, tmp_path: Path) -> None:
    stores = _stores(ios, tmp_path)
    committed: list[str | None] = []  # hostnames in commit order
    stores.listen(lambda txn: committed.append(_hostname(ios, txn.new)))

    async def session(origin: Origin, names: list[str]) -> None:
        for name in names:
            await stores.edit(RUNNING, _hostname_edit(ios, name), origin)
            # at the reply the file holds this change or one committed after it, never an older one
            stored = _stored_running_hostname(ios, tmp_path)
            assert committed.index(stored) >= committed.index(name)

    await asyncio.gather(session(S1, [f"A{i}" for i in range(20)]), session(S2, [f"B{i}" for i in range(20)]))
    assert len(committed) == 40
    assert _stored_running_hostname(ios, tmp_path) == committed[-1]


# ------------------------------------------------------------------------------------------ failures


#: how a commit reaches running's files: its record appended to the journal, or (the first commit of a start that
#: serves startup, whose running has no generation yet) a whole snapshot; and the file each then names when the
#: disk is full
RUNNING_WRITES = {"append": (True, "running-config.1.journal"), "snapshot": (False, "running-config.1.xml")}


@pytest.mark.parametrize("how", sorted(RUNNING_WRITES))
async def test_a_failed_running_write_changes_nothing_and_aborts_the_subscribers(
    ios: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, how: str
) -> None:
    load_running, written = RUNNING_WRITES[how]
    stores = _stores(ios, tmp_path, load_running=load_running)
    rec = Recorder()
    stores.subscribe(rec)
    told: list[Transaction] = []
    stores.listen(told.append)
    running, candidate, stored = stores.running, stores.candidate, running_files(tmp_path)
    fail_running_writes(monkeypatch)  # the write takes part of the bytes, then the disk is full
    with caplog.at_level(logging.WARNING), pytest.raises(WriteFailed) as info:
        await stores.edit(RUNNING, _hostname_edit(ios, "Lost"), S1)
    assert info.value.errors[0].tag == "operation-failed"
    assert info.value.errors[0].message == f"could not write {written}: No space left on device"
    assert info.value.reason == "No space left on device"
    assert stores.running is running and stores.candidate is candidate
    assert running_files(tmp_path) == stored  # what the failed write took of the disk is gone again
    assert not list(tmp_path.glob(".*.tmp"))
    assert (rec.checked, rec.aborted, rec.applied) == (1, 1, 0) and told == []
    assert written in caplog.text and "No space left on device" in caplog.text
    monkeypatch.undo()
    await stores.edit(RUNNING, _hostname_edit(ios, "Kept"), S1)  # space is back: the store works on
    assert _stored_running_hostname(ios, tmp_path) == "Kept" and rec.applied == 1


async def test_a_write_slower_than_its_bound_is_refused_and_never_comes_back(
    ios: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gate: Gate
) -> None:
    stores = _stores(ios, tmp_path)
    rec = Recorder()
    stores.subscribe(rec)
    running = stores.running
    monkeypatch.setattr(store_module, "PERSIST_TIMEOUT_S", 0.05)
    gate.armed = True
    with pytest.raises(WriteFailed, match="timed out") as info:
        await stores.edit(RUNNING, _hostname_edit(ios, "Late"), S1)
    assert info.value.reason == "Timed out"
    assert stores.running is running and (rec.checked, rec.aborted, rec.applied) == (1, 1, 0)
    gate.armed = False
    gate.opened.set()  # the held record lands after all; the journal is brought back to memory behind it
    monkeypatch.setattr(store_module, "PERSIST_TIMEOUT_S", WAIT_S)
    await stores.save(S1)  # queued behind both: once it returns, they are done
    assert _stored_running_hostname(ios, tmp_path) == "R0"
    await stores.edit(RUNNING, _hostname_edit(ios, "Next"), S1)
    assert _stored_running_hostname(ios, tmp_path) == "Next" and rec.applied == 1


async def test_a_failed_commit_keeps_the_candidate_and_arms_nothing(
    ios: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stores = _stores(ios, tmp_path)
    await stores.edit(CANDIDATE, _hostname_edit(ios, "Staged"), S1)
    fail_running_writes(monkeypatch, errno.EROFS)
    with pytest.raises(WriteFailed, match="Read-only file system"):
        await stores.commit(S1, confirmed=True, confirm_timeout=60)
    assert _hostname(ios, stores.running) == "R0" and _hostname(ios, stores.candidate) == "Staged"
    assert stores.candidate_dirty and stores.confirm.pending is None


async def test_a_failed_startup_write_keeps_startup(ios: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stores = _stores(ios, tmp_path)
    await stores.edit(RUNNING, _hostname_edit(ios, "Unsaved"), S1)
    startup = stores.startup
    _failing(monkeypatch, "startup-config.xml")
    for save in (lambda: stores.save(S1), lambda: stores.delete_startup(S1)):
        with pytest.raises(WriteFailed, match=r"could not write startup-config\.xml"):
            await save()
        assert stores.startup is startup and _stored_hostname(ios, tmp_path / "startup-config.xml") == "R0"
    assert _hostname(ios, stores.tree(STARTUP)) == "R0"


def test_a_failed_atomic_write_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "running-config.xml"
    target.write_bytes(b"old")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError, match="No space left"):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["running-config.xml"]


# ------------------------------------------------------------------------------------------ cancellation


async def test_a_caller_cancelled_during_the_write_leaves_its_change_whole(
    ios: Any, tmp_path: Path, gate: Gate
) -> None:
    stores = _stores(ios, tmp_path)
    gate.armed = True
    first = asyncio.create_task(stores.edit(RUNNING, _hostname_edit(ios, "Whole"), S1))
    await gate.reached()
    first.cancel()  # its session closed while the file was being written
    with contextlib.suppress(asyncio.CancelledError):
        await first
    gate.opened.set()
    await asyncio.wait_for(stores.edit(CANDIDATE, _hostname_edit(ios, "Next"), S2), WAIT_S)  # its turn is after
    assert _hostname(ios, stores.running) == "Whole"
    assert _stored_running_hostname(ios, tmp_path) == "Whole"


async def test_a_caller_cancelled_while_waiting_for_its_turn_changes_nothing(
    ios: Any, tmp_path: Path, gate: Gate
) -> None:
    stores = _stores(ios, tmp_path)
    gate.armed = True
    changes: list[str | None] = []
    stores.listen(lambda txn: changes.append(_hostname(ios, txn.new)))
    first = asyncio.create_task(stores.edit(RUNNING, _hostname_edit(ios, "First"), S1))
    await gate.reached()
    waiting = asyncio.create_task(stores.edit(RUNNING, _hostname_edit(ios, "Never"), S2))
    await asyncio.sleep(0)
    waiting.cancel()
    gate.opened.set()
    await asyncio.wait_for(first, WAIT_S)
    with contextlib.suppress(asyncio.CancelledError):
        await waiting
    await asyncio.wait_for(stores.save(S1), WAIT_S)  # the store still takes writes
    assert changes == ["First"]
    assert _stored_hostname(ios, tmp_path / "startup-config.xml") == "First"


@dataclass
class Timers:
    """A scheduler whose callbacks the test fires by hand."""

    due: list[Callable[[], None]] = field(default_factory=list)

    def call_later(self, delay: float, callback: Callable[[], None]) -> Any:
        self.due.append(callback)
        return asyncio.get_running_loop().call_later(3600, lambda: None)  # a handle; never fires in a test


async def test_a_timer_expiring_while_the_confirming_commit_is_written_reverts_nothing(
    ios: Any, tmp_path: Path, gate: Gate
) -> None:
    timers = Timers()
    stores = await _confirmed_trial(ios, tmp_path, timers)
    gate.armed = True
    confirming = asyncio.create_task(stores.commit(S1))
    await gate.reached()
    timers.due[-1]()  # the timer fires now: its revert must wait for the confirming commit, then see it
    gate.opened.set()
    await asyncio.wait_for(confirming, WAIT_S)
    await asyncio.wait_for(stores.settle(), WAIT_S)
    assert stores.confirm.pending is None and _hostname(ios, stores.running) == "Trial"
    assert _stored_running_hostname(ios, tmp_path) == "Trial"
    assert not (tmp_path / "confirmed-commit-backup.xml").exists()


async def _confirmed_trial(ios: Any, state: Path, timers: Timers) -> Stores:
    """Stores on ``timers`` whose running holds hostname "Trial" by a confirmed commit (from "R0"), pending."""
    paths = StorePaths(state / "startup-config.xml", state / "running-config.xml")
    stores = Stores(ios.schema, Limits(), paths, scheduler=timers)
    stores.load(lambda: ios.cfg("<hostname>R0</hostname>"))
    await stores.edit(CANDIDATE, _hostname_edit(ios, "Trial"), S1)
    await stores.commit(S1, confirmed=True, confirm_timeout=60)
    return stores


async def test_a_revert_that_cannot_be_written_stays_pending_and_is_tried_again(
    ios: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    timers = Timers()
    stores = await _confirmed_trial(ios, tmp_path, timers)
    fail_running_writes(monkeypatch)
    timers.due[-1]()
    await asyncio.wait_for(stores.settle(), WAIT_S)
    assert stores.confirm.pending is not None and _hostname(ios, stores.running) == "Trial"
    assert (tmp_path / "confirmed-commit-backup.xml").exists() and len(timers.due) == 2  # armed again
    monkeypatch.undo()
    timers.due[-1]()
    await asyncio.wait_for(stores.settle(), WAIT_S)
    assert stores.confirm.pending is None and _hostname(ios, stores.running) == "R0"
    assert _stored_running_hostname(ios, tmp_path) == "R0"
    assert not (tmp_path / "confirmed-commit-backup.xml").exists()


async def test_a_commit_refused_after_its_journal_append_leaves_no_trace_in_stored_running(
    ios: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stores = _stores(ios, tmp_path)
    await stores.edit(CANDIDATE, _hostname_edit(ios, "Trial"), S1)
    await stores.commit(S1, confirmed=True, confirm_timeout=60)
    backup = tmp_path / "confirmed-commit-backup.xml"
    real = persist._unlink

    def unlink(path: Path) -> None:
        if path == backup:
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(path))
        real(path)

    monkeypatch.setattr(persist, "_unlink", unlink)
    await stores.edit(CANDIDATE, ios.cfg("<ip><domain><name>refused.example</name></domain></ip>"), S1)
    with pytest.raises(WriteFailed, match=r"confirmed-commit-backup\.xml"):
        await stores.commit(S1)  # the confirming commit: running's record lands, the backup's removal fails
    assert (
        stores.confirm.pending is not None and ios.text(stores.running, "ios:native/ios:ip/ios:domain/ios:name") is None
    )
    monkeypatch.undo()
    stores.discard()
    await stores.edit(RUNNING, _hostname_edit(ios, "Next"), S2)
    stored = stored_running(tmp_path, ios.schema)
    assert stored is not None and _hostname(ios, stored) == "Next"
    assert (
        ios.text(stored, "ios:native/ios:ip/ios:domain/ios:name") is None
    )  # as in memory: the refused change is not stored


async def test_a_background_compaction_that_fails_unexpectedly_is_logged(
    ios: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Nobody waits for a compaction: a failure other than a WriteError (which the journal logs itself) must
    still reach the log, not vanish with its future."""
    stores = _stores(ios, tmp_path, Limits(journal_compact_bytes=700))

    def broken(self: Any, snapshot: Any) -> None:
        raise RuntimeError("compaction bug")

    monkeypatch.setattr(store_module.RunningJournal, "compact_after", broken)
    failures: list[logging.LogRecord] = []
    with caplog.at_level(logging.ERROR, logger=store_module.__name__):
        for i in range(40):  # until a commit takes the journal past its bound and queues a compaction
            await stores.edit(RUNNING, _hostname_edit(ios, f"H{i:03d}"), S1)
            await stores.save(S1)  # a later write: the compaction queued before it is done
            failures = [r for r in caplog.records if "background job failed" in r.getMessage()]
            if failures:
                break
    assert failures and failures[0].exc_info is not None and "compaction bug" in str(failures[0].exc_info[1])
    assert _hostname(ios, stores.tree(RUNNING)) == f"H{i:03d}"  # the commit itself stands
