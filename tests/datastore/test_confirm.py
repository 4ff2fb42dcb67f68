"""Confirmed commit (RFC 6241 §8.4) and the timed rollback, driven through Stores with a hand-cranked clock."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from stored_running import stored_running

from iosxe_agent.data.errors import DataError
from iosxe_agent.datastore.confirm import CONFIRMED_COMMIT, TIMED_ROLLBACK, ConfirmEvent, ConfirmNotice
from iosxe_agent.datastore.store import CANDIDATE, RUNNING, StoreError, StorePaths, Stores
from iosxe_agent.datastore.transaction import Face, Origin, Transaction
from iosxe_agent.limits import Limits

A = 'xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-aaa"'
BOOT = (
    "<hostname>Router</hostname><username><name>admin</name><privilege>15</privilege></username>"
    f"<ip><domain><name>lab.local</name></domain></ip><aaa><new-model {A}/></aaa>"
)
S1 = Origin(session_id=1, user="alice", face=Face.NETCONF, source_host="127.0.2.1")
S2 = Origin(session_id=2, user="bob", face=Face.NETCONF)


@dataclass
class Timer:
    due: float
    callback: Callable[[], None]
    cancelled: bool = False

    def cancel(self) -> None:
        self.cancelled = True


@dataclass
class FakeClock:
    """A Scheduler whose time moves only when the test says so."""

    now: float = 0.0
    timers: list[Timer] = field(default_factory=list)

    def call_later(self, delay: float, callback: Callable[[], None]) -> Timer:
        t = Timer(self.now + delay, callback)
        self.timers.append(t)
        return t

    #: waits for what the callbacks started (the store's reverts run as tasks)
    settle: Callable[[], Awaitable[None]] | None = None

    async def advance(self, seconds: float) -> None:
        self.now += seconds
        for t in sorted(self.timers, key=lambda t: t.due):
            if not t.cancelled and t.due <= self.now:
                t.cancelled = True
                t.callback()
        if self.settle is not None:
            await self.settle()

    @property
    def armed(self) -> list[Timer]:
        return [t for t in self.timers if not t.cancelled]


@dataclass
class Recorder:
    """A subscriber that remembers what it was asked to apply, and can veto."""

    veto: bool = False
    applied: list[Transaction] = field(default_factory=list)

    def check(self, txn: Transaction) -> list[DataError]:
        return [DataError("operation-failed", "vetoed")] if self.veto else []

    def apply(self, txn: Transaction) -> None:
        self.applied.append(txn)

    def abort(self, txn: Transaction) -> None:
        pass


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make(ios: Any, state: Path, clock: FakeClock, *, load_running: bool = False) -> Stores:
    paths = StorePaths(state / "startup-config.xml", state / "running-config.xml", load_running)
    stores = Stores(ios.schema, Limits(), paths, scheduler=clock)
    clock.settle = stores.settle
    stores.load(lambda: ios.cfg(BOOT))
    return stores


@pytest.fixture
def stores(ios: Any, tmp_path: Path, clock: FakeClock) -> Stores:
    return make(ios, tmp_path, clock)


@pytest.fixture
def notices(stores: Stores) -> list[ConfirmNotice]:
    seen: list[ConfirmNotice] = []
    stores.confirm.listeners.append(seen.append)
    return seen


def host(ios: Any, stores: Stores, ds: str = RUNNING) -> str | None:
    return ios.text(stores.tree(ds), "ios:native/ios:hostname")


async def stage(ios: Any, stores: Stores, name: str, who: Origin = S1) -> None:
    await stores.edit(CANDIDATE, ios.cfg(f"<hostname>{name}</hostname>"), who)


async def refused(fn: Callable[[], object], tag: str) -> DataError:
    with pytest.raises(StoreError) as info:
        result = fn()
        if inspect.isawaitable(result):
            await result
    assert info.value.errors[0].tag == tag, [(e.tag, e.message) for e in info.value.errors]
    return info.value.errors[0]


def backup_file(stores: Stores) -> Path:
    path = stores.paths.confirm_backup
    assert path is not None
    return path


# ------------------------------------------------------------------------------------------ the timer


async def test_an_unconfirmed_commit_reverts_when_the_timer_expires(
    ios: Any, stores: Stores, clock: FakeClock, notices: list[ConfirmNotice]
) -> None:
    rec = Recorder()
    stores.subscribe(rec)
    await stage(ios, stores, "Trial")
    await stores.commit(S1, confirmed=True, confirm_timeout=30)
    assert host(ios, stores) == "Trial" and stores.confirm.pending is not None
    assert backup_file(stores).exists()  # a restart must not keep an unconfirmed change
    await clock.advance(29)
    assert host(ios, stores) == "Trial"
    await clock.advance(1)
    assert host(ios, stores) == "Router" and host(ios, stores, CANDIDATE) == "Router"
    assert stores.confirm.pending is None and not backup_file(stores).exists()
    assert stores.paths.running is not None
    stored = stored_running(stores.paths.running.parent, ios.schema)  # what a restart with --persist-running loads
    assert stored is not None and ios.text(stored, "ios:native/ios:hostname") == "Router"
    # the revert is an ordinary transaction: subscribers (the live SSH service) follow it, as the system
    assert [t.origin.session_id for t in rec.applied] == [1, 0]
    assert [n.event for n in notices] == [ConfirmEvent.START, ConfirmEvent.TIMEOUT]
    assert notices[0].timeout_s == 30 and notices[0].origin == S1 and notices[1].origin is None
    assert {n.kind for n in notices} == {CONFIRMED_COMMIT}


async def test_the_default_timeout_is_600_seconds(ios: Any, stores: Stores, clock: FakeClock) -> None:
    await stage(ios, stores, "Trial")
    await stores.commit(S1, confirmed=True)
    await clock.advance(599)
    assert host(ios, stores) == "Trial"
    await clock.advance(1)
    assert host(ios, stores) == "Router"


async def test_a_commit_from_the_same_session_confirms(
    ios: Any, stores: Stores, clock: FakeClock, notices: list[ConfirmNotice]
) -> None:
    await stage(ios, stores, "Trial")
    await stores.commit(S1, confirmed=True, confirm_timeout=5)
    await stage(ios, stores, "Final")  # the confirming commit also commits what the candidate holds now
    await stores.commit(S1)
    assert stores.confirm.pending is None and clock.armed == []
    await clock.advance(60)
    assert host(ios, stores) == "Final"
    assert [n.event for n in notices] == [ConfirmEvent.START, ConfirmEvent.COMPLETE]


async def test_a_follow_up_confirmed_commit_extends_and_keeps_the_original_backup(
    ios: Any, stores: Stores, clock: FakeClock, notices: list[ConfirmNotice]
) -> None:
    await stage(ios, stores, "First")
    await stores.commit(S1, confirmed=True, confirm_timeout=10)
    await clock.advance(8)
    await stage(ios, stores, "Second")
    await stores.commit(S1, confirmed=True, confirm_timeout=20)
    await clock.advance(10)  # the first deadline has passed: still waiting
    assert host(ios, stores) == "Second"
    await clock.advance(10)
    assert host(ios, stores) == "Router"  # back to before the *first* confirmed commit
    assert [n.event for n in notices] == [ConfirmEvent.START, ConfirmEvent.EXTEND, ConfirmEvent.TIMEOUT]
    assert notices[1].timeout_s == 20


async def test_reading_does_not_cancel_the_timer(ios: Any, stores: Stores, clock: FakeClock) -> None:
    await stage(ios, stores, "Trial")
    await stores.commit(S1, confirmed=True, confirm_timeout=5)
    for ds in (RUNNING, CANDIDATE):
        stores.tree(ds)
    stores.validate_ds(RUNNING)
    await clock.advance(5)
    assert host(ios, stores) == "Router"


async def test_a_failed_confirmed_commit_arms_nothing(ios: Any, stores: Stores, clock: FakeClock) -> None:
    rec = Recorder(veto=True)
    stores.subscribe(rec)
    await stage(ios, stores, "Vetoed")
    await refused(lambda: stores.commit(S1, confirmed=True, confirm_timeout=5), "operation-failed")
    assert stores.confirm.pending is None and clock.armed == [] and not backup_file(stores).exists()
    assert host(ios, stores) == "Router"


async def test_a_failed_follow_up_leaves_the_pending_commit_as_it_was(
    ios: Any, stores: Stores, clock: FakeClock
) -> None:
    await stage(ios, stores, "Trial")
    await stores.commit(S1, confirmed=True, confirm_timeout=5)
    rec = Recorder(veto=True)
    stores.subscribe(rec)
    await stage(ios, stores, "Vetoed")
    await refused(lambda: stores.commit(S1, confirmed=True, confirm_timeout=100), "operation-failed")
    rec.veto = False
    await clock.advance(5)  # the original timer still runs
    assert host(ios, stores) == "Router"


# ------------------------------------------------------------------------------------------ sessions


async def test_session_end_reverts_a_commit_without_persist(
    ios: Any, stores: Stores, clock: FakeClock, notices: list[ConfirmNotice]
) -> None:
    await stage(ios, stores, "Trial")
    await stores.commit(S1, confirmed=True, confirm_timeout=100)
    stores.session_ended(2)
    await stores.settle()
    assert host(ios, stores) == "Trial"
    stores.session_ended(1)
    await stores.settle()
    assert host(ios, stores) == "Router" and stores.confirm.pending is None and clock.armed == []
    assert notices[-1].event is ConfirmEvent.CANCEL and notices[-1].origin == S1
    stores.session_ended(1)  # twice (kill-session, then the transport closing) is harmless
    await stores.settle()
    assert host(ios, stores) == "Router"


async def test_only_the_issuing_session_confirms_a_commit_without_persist(ios: Any, stores: Stores) -> None:
    await stage(ios, stores, "Trial")
    await stores.commit(S1, confirmed=True)
    err = await refused(lambda: stores.commit(S2), "operation-failed")
    assert err.info == (("session-id", "1"),)
    await refused(lambda: stores.commit(S2, confirmed=True), "operation-failed")
    err = await refused(lambda: stores.commit(S1, persist_id="x"), "invalid-value")
    assert ("bad-element", "persist-id") in err.info
    assert stores.confirm.pending is not None


async def test_a_persistent_commit_survives_its_session_and_is_confirmed_by_persist_id(
    ios: Any, stores: Stores, clock: FakeClock
) -> None:
    await stage(ios, stores, "Trial")
    await stores.commit(S1, confirmed=True, confirm_timeout=100, persist="tok-1")
    stores.session_ended(1)
    await stores.settle()
    assert host(ios, stores) == "Trial"
    err = await refused(lambda: stores.commit(S2), "invalid-value")  # a persistent one needs its persist-id
    assert ("bad-element", "persist-id") in err.info
    await refused(lambda: stores.commit(S2, persist_id="wrong"), "invalid-value")
    await stores.commit(S2, persist_id="tok-1")
    await clock.advance(1000)
    assert host(ios, stores) == "Trial" and stores.confirm.pending is None


async def test_a_persistent_follow_up_needs_the_persist_id_and_may_change_it(
    ios: Any, stores: Stores, clock: FakeClock
) -> None:
    await stage(ios, stores, "One")
    await stores.commit(S1, confirmed=True, persist="a")
    await stage(ios, stores, "Two", S2)
    await refused(lambda: stores.commit(S2, confirmed=True, persist="b"), "invalid-value")
    await stores.commit(S2, confirmed=True, persist="b", persist_id="a", confirm_timeout=50)
    await refused(lambda: stores.commit(S1, persist_id="a"), "invalid-value")
    stores.session_ended(1)
    await stores.settle()
    stores.session_ended(2)
    await stores.settle()
    await clock.advance(50)
    assert host(ios, stores) == "Router"


async def test_a_follow_up_without_persist_ties_the_commit_to_its_session(ios: Any, stores: Stores) -> None:
    await stage(ios, stores, "One")
    await stores.commit(S1, confirmed=True, persist="a")
    await stores.commit(S2, confirmed=True, persist_id="a")
    stores.session_ended(2)
    await stores.settle()
    assert host(ios, stores) == "Router"


async def test_persist_id_without_a_pending_commit_is_invalid(ios: Any, stores: Stores) -> None:
    await stage(ios, stores, "X")
    await refused(lambda: stores.commit(S1, persist_id="nothing"), "invalid-value")
    assert host(ios, stores) == "Router"  # refused before anything changed


# ------------------------------------------------------------------------------------------ cancel-commit


async def test_cancel_commit_reverts_now(
    ios: Any, stores: Stores, clock: FakeClock, notices: list[ConfirmNotice]
) -> None:
    await refused(lambda: stores.cancel_commit(S1), "invalid-value")  # nothing pending
    await stage(ios, stores, "Trial")
    await stores.commit(S1, confirmed=True)
    await refused(lambda: stores.cancel_commit(S2), "operation-failed")
    await refused(lambda: stores.cancel_commit(S1, "x"), "invalid-value")
    await stores.cancel_commit(S1)
    assert host(ios, stores) == "Router" and clock.armed == [] and not backup_file(stores).exists()
    assert [n.event for n in notices] == [ConfirmEvent.START, ConfirmEvent.CANCEL]


async def test_cancel_commit_of_a_persistent_commit_after_its_session_is_gone(ios: Any, stores: Stores) -> None:
    await stage(ios, stores, "Trial")
    await stores.commit(S1, confirmed=True, persist="p")
    stores.session_ended(1)
    await stores.settle()
    await refused(lambda: stores.cancel_commit(S2), "invalid-value")
    await refused(lambda: stores.cancel_commit(S2, "q"), "invalid-value")
    stores.lock(RUNNING, 3, "carol")
    err = await refused(lambda: stores.cancel_commit(S2, "p"), "in-use")
    assert err.info == (("session-id", "3"),)
    stores.unlock(RUNNING, 3)
    await stores.cancel_commit(S2, "p")
    assert host(ios, stores) == "Router"


async def test_the_timer_reverts_even_while_another_session_holds_the_lock(
    ios: Any, stores: Stores, clock: FakeClock
) -> None:
    await stage(ios, stores, "Trial")
    await stores.commit(S1, confirmed=True, confirm_timeout=5, persist="p")
    stores.lock(RUNNING, 2, "bob")
    await clock.advance(5)
    assert host(ios, stores) == "Router"


# ------------------------------------------------------------------------------------------ restarts


async def test_a_restart_with_persist_running_drops_an_unconfirmed_commit(
    ios: Any, tmp_path: Path, clock: FakeClock
) -> None:
    first = make(ios, tmp_path, clock, load_running=True)
    await first.edit(CANDIDATE, ios.cfg("<hostname>Trial</hostname>"), S1)
    await first.commit(S1, confirmed=True, persist="p")
    second = make(ios, tmp_path, FakeClock(), load_running=True)  # the process died while waiting
    assert host(ios, second) == "Router"
    assert not (tmp_path / "confirmed-commit-backup.xml").exists()
    third = make(ios, tmp_path, FakeClock(), load_running=True)
    assert host(ios, third) == "Router"


# ------------------------------------------------------------------------------------------ timed rollback


async def timed(ios: Any, stores: Stores, name: str, minutes: int = 1, who: Origin = S1) -> None:
    tree = stores.parse_config(ios.cfg(BOOT.replace("Router", name)))
    await stores.timed_replace(tree, who, minutes * 60)


async def test_a_timed_rollback_reverts_unless_confirmed(
    ios: Any, stores: Stores, clock: FakeClock, notices: list[ConfirmNotice]
) -> None:
    await timed(ios, stores, "Replaced", 2)
    assert host(ios, stores) == "Replaced"
    stores.session_ended(1)  # not tied to a session
    await stores.settle()
    await clock.advance(119)
    assert host(ios, stores) == "Replaced"
    await clock.advance(1)
    assert host(ios, stores) == "Router"
    assert [(n.kind, n.event) for n in notices] == [
        (TIMED_ROLLBACK, ConfirmEvent.START),
        (TIMED_ROLLBACK, ConfirmEvent.TIMEOUT),
    ]


async def test_confirming_a_timed_rollback_keeps_the_replacement(ios: Any, stores: Stores, clock: FakeClock) -> None:
    await refused(lambda: stores.confirm_timed(S1), "operation-failed")
    await timed(ios, stores, "Replaced")
    await stores.confirm_timed(S2)  # any session may confirm it, as on IOS
    await clock.advance(3600)
    assert host(ios, stores) == "Replaced" and clock.armed == []


async def test_revert_now_and_timer_reset(ios: Any, stores: Stores, clock: FakeClock) -> None:
    await refused(lambda: stores.revert_timed(S1), "operation-failed")
    await refused(lambda: stores.reset_timed(S1, 60), "operation-failed")
    await timed(ios, stores, "Replaced", 1)
    await clock.advance(50)
    await stores.reset_timed(S1, 120)
    await clock.advance(100)
    assert host(ios, stores) == "Replaced"
    await stores.revert_timed(S1)
    assert host(ios, stores) == "Router" and clock.armed == []


async def test_idle_mode_restarts_the_timer_on_each_change(ios: Any, stores: Stores, clock: FakeClock) -> None:
    await timed(ios, stores, "Replaced", 1)
    await stores.reset_timed(S1, 60, idle=True)
    await clock.advance(50)
    await stores.edit(RUNNING, ios.cfg("<ip><domain><name>busy.local</name></domain></ip>"), S2)
    await clock.advance(50)
    assert host(ios, stores) == "Replaced"
    await clock.advance(10)
    assert host(ios, stores) == "Router"


async def test_a_second_timed_replace_keeps_the_first_backup(ios: Any, stores: Stores, clock: FakeClock) -> None:
    await timed(ios, stores, "One", 1)
    await timed(ios, stores, "Two", 1)
    await clock.advance(60)
    assert host(ios, stores) == "Router"


async def test_confirmed_commit_and_timed_rollback_exclude_each_other(ios: Any, stores: Stores) -> None:
    await timed(ios, stores, "Replaced")
    await stage(ios, stores, "Trial")
    await refused(lambda: stores.commit(S1, confirmed=True), "in-use")
    await stores.commit(S1)  # a plain commit is fine; the timed rollback still waits
    assert stores.confirm.pending is not None and stores.confirm.pending.kind == TIMED_ROLLBACK
    await refused(lambda: stores.cancel_commit(S1), "invalid-value")
    await stores.revert_timed(S1)
    await stage(ios, stores, "Trial")
    await stores.commit(S1, confirmed=True)
    tree = stores.parse_config(ios.cfg(BOOT))
    await refused(lambda: stores.timed_replace(tree, S1, 60), "in-use")
    await refused(lambda: stores.confirm_timed(S1), "operation-failed")


async def test_backup_is_the_exact_previous_tree(ios: Any, stores: Stores, clock: FakeClock) -> None:
    before = etree.tostring(stores.running)
    await stage(ios, stores, "Trial")
    await stores.commit(S1, confirmed=True, confirm_timeout=1)
    await clock.advance(1)
    assert etree.tostring(stores.running) == before
