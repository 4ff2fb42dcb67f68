"""Running's journal on disk: snapshot + records load back as running; a torn or corrupt tail is cut off and
later appends stay readable; compaction starts a new generation and a crash at any point of it leaves one that
loads whole; failed writes leave the journal as it was; an older state directory's running-config.xml loads.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from iosxe_agent.data.diff import diff
from iosxe_agent.datastore import journal as journal_module
from iosxe_agent.datastore.change_record import encode
from iosxe_agent.datastore.journal import FRAME, RunningJournal
from iosxe_agent.datastore.persist import WriteError, serialize
from iosxe_agent.datastore.transaction import SYSTEM, Transaction
from iosxe_agent.limits import Limits


class Commits:
    """Successive running trees of test-edge and the record of each commit."""

    def __init__(self, edge: Any) -> None:
        self.edge = edge
        self.tree = edge.tree("<rule><name>a</name><action>x</action></rule><tag>t1</tag>")

    def next(self, body: str) -> bytes:
        result = self.edge.edit(self.tree, body)
        assert result.tree is not None, result.errors
        txn = Transaction(
            self.tree, result.tree, diff(self.tree, result.tree, self.edge.schema, result.touched), SYSTEM
        )
        self.tree = result.tree
        return encode(txn, self.edge.schema, result.touched)

    def xml(self) -> bytes:
        return etree.tostring(self.tree)


def journal_at(state: Path, edge: Any, bound: int = 1 << 20) -> RunningJournal:
    return RunningJournal(state / "running-config.xml", edge.schema, Limits(journal_compact_bytes=bound))


def loaded(state: Path, edge: Any) -> bytes | None:
    tree = journal_at(state, edge).load()
    return None if tree is None else etree.tostring(tree)


def names(state: Path) -> set[str]:
    return {p.name for p in state.iterdir()}


@pytest.fixture
def state(tmp_path: Path) -> Path:
    path = tmp_path / "state"
    path.mkdir(mode=0o700)
    return path


def test_an_empty_state_directory_has_no_running_and_records_need_a_snapshot(state: Path, edge: Any) -> None:
    journal = journal_at(state, edge)
    assert journal.load() is None
    with pytest.raises(RuntimeError, match="snapshot"):
        journal.append(b'{"ops":[]}')


def test_snapshot_and_records_load_back_as_running(state: Path, edge: Any) -> None:
    commits = Commits(edge)
    journal = journal_at(state, edge)
    journal.snapshot(serialize(commits.tree))
    for i in range(20):
        journal.append(commits.next(f"<big>{i}</big><tag>v{i % 3}</tag>"))
    assert names(state) == {"running-config.1.xml", "running-config.1.journal"}
    for name in names(state):
        assert stat.S_IMODE((state / name).stat().st_mode) == 0o600
    assert loaded(state, edge) == commits.xml()


def test_a_one_leaf_record_is_a_few_hundred_bytes(state: Path, edge: Any) -> None:
    commits = Commits(edge)
    journal = journal_at(state, edge)
    journal.snapshot(serialize(commits.tree))
    journal.append(commits.next("<big>1</big>"))
    assert (state / "running-config.1.journal").stat().st_size < 200


@pytest.mark.parametrize("damage", ["torn", "crc", "zeros", "length"])
def test_a_damaged_tail_is_cut_off_and_later_appends_stay_readable(state: Path, edge: Any, damage: str) -> None:
    commits = Commits(edge)
    journal = journal_at(state, edge)
    journal.snapshot(serialize(commits.tree))
    journal.append(commits.next("<big>1</big>"))
    kept, good_size = commits.xml(), journal.size
    last = commits.next("<big>2</big>")
    journal.append(last)
    path = state / "running-config.1.journal"
    data = path.read_bytes()
    if damage == "torn":  # every place a crash can cut the last frame
        cuts = [data[: good_size + n] for n in range(1, FRAME.size + len(last))]
    elif damage == "crc":
        cuts = [data[:-1] + bytes([data[-1] ^ 1])]
    elif damage == "zeros":  # a file system that extended the file but never wrote the data
        cuts = [data[:good_size] + bytes(FRAME.size + len(last))]
    else:
        cuts = [data[:good_size] + FRAME.pack(1 << 30, 0) + last]
    for cut in cuts:
        path.write_bytes(cut)
        assert loaded(state, edge) == kept
        assert path.stat().st_size == good_size
    journal = journal_at(state, edge)
    journal.load()
    journal.append(commits.next("<big>3</big>"))
    assert loaded(state, edge) == commits.xml()


def test_a_record_that_does_not_apply_ends_the_replay(state: Path, edge: Any) -> None:
    commits = Commits(edge)
    journal = journal_at(state, edge)
    journal.snapshot(serialize(commits.tree))
    journal.append(commits.next("<big>1</big>"))
    kept, size = commits.xml(), journal.size
    # its first op applies, its second does not: nothing of it may stay
    journal.append(
        b'{"ops":[["r",[["{urn:test:edge}top"],["{urn:test:edge}big"]],"<big xmlns=\'urn:test:edge\'>7</big>"],'
        b'["d",[["{urn:test:edge}top"],["{urn:test:edge}nothing"]]]]}'
    )
    journal.append(commits.next("<big>2</big>"))
    assert loaded(state, edge) == kept
    assert (state / "running-config.1.journal").stat().st_size == size


def test_compaction_starts_a_new_generation_past_the_bound(state: Path, edge: Any) -> None:
    commits = Commits(edge)
    journal = journal_at(state, edge, bound=1000)
    journal.snapshot(serialize(commits.tree))
    snapshots = 0
    for i in range(40):
        journal.append(commits.next(f"<big>{i}</big>"))
        if journal.needs_snapshot():
            snapshots += 1
        journal.compact_after(lambda: serialize(commits.tree))
        assert journal.size <= 1000 + FRAME.size + 200
    assert snapshots >= 3
    assert len(names(state)) == 2
    assert loaded(state, edge) == commits.xml()


def test_a_large_record_is_appended_and_folded_into_the_next_snapshot(state: Path, edge: Any) -> None:
    """A record past the bound (a bulk create) is appended like any other, so the commit waits for no snapshot;
    the compaction queued behind it then starts the next generation from the tree."""
    commits = Commits(edge)
    journal = journal_at(state, edge, bound=300)
    journal.snapshot(serialize(commits.tree))
    record = commits.next("".join(f"<rule><name>r{i}</name><action>x</action></rule>" for i in range(20)))
    assert len(record) > 300
    journal.write(record, lambda: pytest.fail("a snapshot on the commit's path"))
    assert names(state) == {"running-config.1.xml", "running-config.1.journal"}
    assert journal.needs_snapshot()
    assert loaded(state, edge) == commits.xml()  # a crash before the compaction replays the record
    journal.compact_after(lambda: serialize(commits.tree))
    assert names(state) == {"running-config.2.xml", "running-config.2.journal"}
    assert loaded(state, edge) == commits.xml()


@pytest.mark.parametrize("moment", ["snapshot written", "new journal created", "old snapshot removed"])
def test_a_crash_during_compaction_leaves_a_generation_that_loads(state: Path, edge: Any, moment: str) -> None:
    """The files a crash leaves at each step of snapshot(): the newest complete generation is running."""
    commits = Commits(edge)
    journal = journal_at(state, edge)
    journal.snapshot(serialize(commits.tree))
    journal.append(commits.next("<big>1</big>"))
    (state / "running-config.2.xml").write_bytes(serialize(commits.tree))
    (state / ".running-config.3.xml.tmp").write_bytes(b"<config")  # a later snapshot cut short
    if moment != "snapshot written":
        (state / "running-config.2.journal").write_bytes(b"")
    if moment == "old snapshot removed":
        (state / "running-config.1.xml").unlink()
    assert loaded(state, edge) == commits.xml()
    assert {"running-config.2.xml"} <= names(state) <= {"running-config.2.xml", "running-config.2.journal",
                                                         ".running-config.3.xml.tmp"}  # fmt: skip


def test_an_older_state_directory_loads_and_moves_to_generations(state: Path, edge: Any) -> None:
    commits = Commits(edge)
    (state / "running-config.xml").write_bytes(serialize(commits.tree))
    journal = journal_at(state, edge)
    assert etree.tostring(journal.load()) == commits.xml()
    journal.append(commits.next("<big>1</big>"))
    assert loaded(state, edge) == commits.xml()
    journal.snapshot(serialize(commits.tree))
    assert names(state) == {"running-config.1.xml", "running-config.1.journal"}
    assert loaded(state, edge) == commits.xml()


def _failing(monkeypatch: pytest.MonkeyPatch, name: str, after: int = 0) -> None:
    """Make ``os.<name>`` fail with ENOSPC, a pwrite once it wrote ``after`` bytes (a disk filling up half-way)."""
    real: Callable[..., Any] = getattr(os, name)
    room = [after]

    def broken(fd: int, *args: Any) -> Any:
        if name == "pwrite" and room[0]:
            written = real(fd, bytes(args[0])[: room[0]], args[1])
            room[0] -= written
            return written
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(journal_module.os, name, broken)


@pytest.mark.parametrize("call", ["pwrite", "fsync"])
def test_a_failed_append_leaves_the_journal_as_it_was(
    state: Path, edge: Any, monkeypatch: pytest.MonkeyPatch, call: str
) -> None:
    commits = Commits(edge)
    journal = journal_at(state, edge)
    journal.snapshot(serialize(commits.tree))
    journal.append(commits.next("<big>1</big>"))
    kept, size = commits.xml(), journal.size
    refused = commits.next("<big>2</big>")
    with monkeypatch.context() as m:
        _failing(m, call, after=5)
        with pytest.raises(WriteError, match=r"running-config\.1\.journal: No space left on device"):
            journal.append(refused)
        journal.compact_after(lambda: b"never written")  # the failed commit is never snapshotted
    assert journal.size == size and (state / "running-config.1.journal").stat().st_size == size
    assert loaded(state, edge) == kept
    journal.append(commits.next("<big>3</big>"))  # the refused commit is absent, the next one lands
    tree = journal_at(state, edge).load()
    assert tree is not None and etree.tostring(tree) != kept and b"<big>3</big>" in etree.tostring(tree)


def test_a_failed_snapshot_keeps_the_old_generation(state: Path, edge: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    commits = Commits(edge)
    journal = journal_at(state, edge, bound=400)
    journal.snapshot(serialize(commits.tree))

    def full(path: Path, data: bytes, mode: int = 0o600) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with monkeypatch.context() as m:
        m.setattr(journal_module, "atomic_write", full)
        for i in range(10):
            journal.append(commits.next(f"<big>{i}</big>"))
            journal.compact_after(lambda: serialize(commits.tree))  # logged, retried a bound later
        with pytest.raises(WriteError, match=r"running-config\.2\.xml"):
            journal.snapshot(serialize(commits.tree))
    assert names(state) == {"running-config.1.xml", "running-config.1.journal"}
    assert loaded(state, edge) == commits.xml()
    failed_at = journal.size
    while names(state) != {"running-config.2.xml", "running-config.2.journal"}:  # retried once it grew a bound
        assert journal.size <= failed_at + 400
        journal.append(commits.next(f"<big>{journal.size}</big>"))
        journal.compact_after(lambda: serialize(commits.tree))
    assert loaded(state, edge) == commits.xml()


def test_a_write_with_no_snapshot_to_follow_writes_one(state: Path, edge: Any) -> None:
    """A tool that writes a state directory's running once (password recovery) never loaded it: the commit
    becomes a new generation's snapshot, which the next load reads."""
    commits = Commits(edge)
    (state / "running-config.xml").write_bytes(serialize(commits.tree))
    record = commits.next("<big>1</big>")
    journal_at(state, edge).write(record, lambda: serialize(commits.tree))
    assert names(state) == {"running-config.1.xml", "running-config.1.journal"}
    assert loaded(state, edge) == commits.xml()


def test_a_refused_commit_s_record_is_undone_by_resync_even_when_its_snapshot_fails(
    state: Path, edge: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A commit refused after its record landed (a later file of its batch failed): ``resync`` makes running as
    memory holds it the snapshot; if that cannot be written either, the next write is a snapshot, never an append
    that would follow the refused record."""
    commits = Commits(edge)
    journal = journal_at(state, edge)
    journal.snapshot(serialize(commits.tree))
    kept = commits.tree
    journal.append(commits.next("<big>666</big>"))  # on disk; the store then refuses the commit
    commits.tree = kept

    def full(path: Path, data: bytes, mode: int = 0o600) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with monkeypatch.context() as m:
        m.setattr(journal_module, "atomic_write", full)
        journal.resync(serialize(commits.tree))  # logged, not raised
    assert b"<big>666</big>" in (loaded(state, edge) or b"")  # still on disk until the next write
    record = commits.next("<big>7</big>")
    journal.write(record, lambda: serialize(commits.tree))
    assert loaded(state, edge) == commits.xml() and b"666" not in commits.xml()
    journal.resync(serialize(commits.tree))
    assert names(state) == {"running-config.3.xml", "running-config.3.journal"}


def test_a_new_snapshot_removes_every_older_generation(state: Path, edge: Any) -> None:
    """A crash between a snapshot and the removal of the generation before it leaves two on disk; a process that
    never loads running (no --persist-running) must still not keep them for ever."""
    commits = Commits(edge)
    for generation in (4, 5):
        (state / f"running-config.{generation}.xml").write_bytes(serialize(commits.tree))
        (state / f"running-config.{generation}.journal").write_bytes(b"")
    journal_at(state, edge).snapshot(serialize(commits.tree))
    assert names(state) == {"running-config.6.xml", "running-config.6.journal"}
    assert loaded(state, edge) == commits.xml()
