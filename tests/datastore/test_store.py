"""Stores: running/candidate/startup, locks, the commit pipeline, subscribers, normalizers and persistence."""

from __future__ import annotations

import copy
import gc
import inspect
import os
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree
from namespaces import NC
from store_edits import valid_edits
from stored_running import fail_running_writes, running_files, stored_running

from iosxe_agent.data.edit import apply_edit
from iosxe_agent.data.errors import DataError
from iosxe_agent.data.touched import Touched
from iosxe_agent.datastore.persist import read_tree
from iosxe_agent.datastore.store import CANDIDATE, RUNNING, STARTUP, StoreError, StorePaths, Stores, WriteFailed
from iosxe_agent.datastore.transaction import Face, Origin, Transaction
from iosxe_agent.device.names import AAA_NS, NATIVE_NS
from iosxe_agent.limits import Limits

A = f'xmlns="{AAA_NS}"'
BOOT = (
    "<hostname>Router</hostname><username><name>admin</name><privilege>15</privilege></username>"
    f"<ip><domain><name>lab.local</name></domain><ssh><ssh-version>2</ssh-version></ssh></ip>"
    f"<aaa><new-model {A}/><authentication {A}><login><name>default</name><a1><local/></a1></login>"
    "</authentication></aaa>"
    "<line><vty><first>0</first><last>4</last><transport><input><input>ssh</input></input></transport></vty></line>"
)
S1 = Origin(session_id=1, user="alice", face=Face.NETCONF)
S2 = Origin(session_id=2, user="bob", face=Face.NETCONF)


def make(ios: Any, state: Path, *, load_running: bool = False, bootstrap: str = BOOT) -> Stores:
    stores = Stores(ios.schema, Limits(), StorePaths(state / "startup-config.xml", state / "running-config.xml",
                                                     load_running))  # fmt: skip
    stores.load(lambda: ios.cfg(bootstrap))
    return stores


@pytest.fixture
def stores(ios: Any, tmp_path: Path) -> Stores:
    return make(ios, tmp_path)


def snapshot(stores: Stores) -> tuple[object, ...]:
    """Every datastore and every persisted file, byte for byte: the three trees, startup's file, then running's
    files (snapshot and journal) by name."""
    startup = stores.paths.startup
    stored = startup.read_bytes() if startup is not None and startup.exists() else b""
    trees = (etree.tostring(stores.tree(ds)) for ds in (RUNNING, CANDIDATE, STARTUP))
    return (*trees, stored, tuple(running_files(state_of(stores)).items()))


def state_of(stores: Stores) -> Path:
    """The state directory ``stores`` keeps running in."""
    assert stores.paths.running is not None
    return stores.paths.running.parent


def stored_hostname(ios: Any, stores: Stores) -> str | None:
    """The hostname of running as a restart would load it from the store's state directory."""
    tree = stored_running(state_of(stores), ios.schema)
    assert tree is not None
    return ios.text(tree, "ios:native/ios:hostname")


def hostname(ios: Any, stores: Stores, ds: str) -> str | None:
    return ios.text(stores.tree(ds), "ios:native/ios:hostname")


async def refused(fn: Callable[[], object], tag: str) -> DataError:
    with pytest.raises(StoreError) as info:
        result = fn()
        if inspect.isawaitable(result):
            await result
    assert info.value.errors and info.value.errors[0].tag == tag, [(e.tag, e.message) for e in info.value.errors]
    return info.value.errors[0]


# -------------------------------------------------------------------------------------------- start-up


async def test_first_load_writes_the_bootstrap_as_startup(ios: Any, tmp_path: Path) -> None:
    calls: list[int] = []

    def bootstrap() -> etree._Element:
        calls.append(1)
        return ios.cfg(BOOT)

    stores = Stores(ios.schema, Limits(), StorePaths(tmp_path / "startup-config.xml", tmp_path / "running-config.xml"))
    stores.load(bootstrap)
    assert calls == [1]
    startup = tmp_path / "startup-config.xml"
    assert stat.S_IMODE(os.stat(startup).st_mode) == 0o600
    assert hostname(ios, stores, STARTUP) == hostname(ios, stores, RUNNING) == "Router"
    assert etree.tostring(stores.running) == etree.tostring(stores.startup)
    assert stores.candidate is stores.running and not stores.candidate_dirty
    # running is startup: nothing of it is written until a commit changes it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["startup-config.xml"]
    stored = read_tree(startup)
    assert stored is not None and stored.findtext(f".//{{{NATIVE_NS}}}hostname") == "Router"
    await stores.edit(RUNNING, ios.cfg("<hostname>First</hostname>"), S1)
    # the first commit starts running's first generation: a snapshot of it and an empty journal, private as startup
    assert sorted(running_files(tmp_path)) == ["running-config.1.journal", "running-config.1.xml"]
    for name in running_files(tmp_path):
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o600, name
    assert (tmp_path / "running-config.1.journal").stat().st_size == 0
    assert stored_hostname(ios, stores) == "First"


async def test_later_loads_read_the_stored_startup(ios: Any, tmp_path: Path) -> None:
    first = make(ios, tmp_path)
    await first.edit(RUNNING, ios.cfg("<hostname>Changed</hostname>"), S1)
    await first.save(S1)
    await first.edit(RUNNING, ios.cfg("<hostname>Unsaved</hostname>"), S1)
    third = make(ios, tmp_path, load_running=True)  # --persist-running
    assert hostname(ios, third, RUNNING) == "Unsaved" and hostname(ios, third, STARTUP) == "Changed"
    second = Stores(ios.schema, Limits(), StorePaths(tmp_path / "startup-config.xml", tmp_path / "running-config.xml"))
    second.load(lambda: pytest.fail("bootstrap must not run when a startup exists"))  # type: ignore[arg-type,return-value]
    assert hostname(ios, second, RUNNING) == "Changed"  # what survives a restart is startup, as on IOS
    assert etree.tostring(second.running) == etree.tostring(first.startup)
    # a start that serves startup leaves no running of an earlier run on disk, for a later --persist-running
    # start to take for this one's: that start loads startup too
    assert not running_files(tmp_path)
    assert hostname(ios, make(ios, tmp_path, load_running=True), RUNNING) == "Changed"


async def test_a_first_commit_the_disk_refuses_leaves_no_running_and_the_next_one_starts_it(
    ios: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stores = make(ios, tmp_path)  # serves startup: no running on disk yet
    fail_running_writes(monkeypatch)
    with pytest.raises(WriteFailed):
        await stores.edit(RUNNING, ios.cfg("<hostname>Lost</hostname>"), S1)
    assert not running_files(tmp_path) and hostname(ios, stores, RUNNING) == "Router"
    monkeypatch.undo()
    # space is back: a whole snapshot again, never a record appended to a generation that has none
    await stores.edit(RUNNING, ios.cfg("<hostname>Kept</hostname>"), S1)
    assert sorted(running_files(tmp_path)) == ["running-config.1.journal", "running-config.1.xml"]
    assert stored_hostname(ios, stores) == "Kept"
    await stores.edit(RUNNING, ios.cfg("<hostname>Then</hostname>"), S1)  # and records follow it
    assert (tmp_path / "running-config.1.journal").stat().st_size > 0 and stored_hostname(ios, stores) == "Then"


def test_an_invalid_startup_is_refused(ios: Any, tmp_path: Path) -> None:
    (tmp_path / "startup-config.xml").write_text(
        f'<config xmlns="{NC}"><native xmlns="{NATIVE_NS}"><hostname>9</hostname></native></config>'
    )
    stores = Stores(ios.schema, Limits(), StorePaths(tmp_path / "startup-config.xml", None))
    with pytest.raises(StoreError, match=r"startup-config\.xml"):
        stores.load(lambda: ios.cfg(BOOT))
    with pytest.raises(StoreError, match="bootstrap"):
        Stores(ios.schema, Limits(), StorePaths(None, None)).load(lambda: ios.cfg("<hostname>9</hostname>"))


@pytest.mark.parametrize("enabled", [True, False])
def test_a_load_pauses_the_cyclic_collector_and_leaves_it_as_it_found_it(
    ios: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, enabled: bool
) -> None:
    seen: list[bool] = []

    def bootstrap() -> etree._Element:
        seen.append(gc.isenabled())
        return ios.cfg(BOOT)

    paths = StorePaths(tmp_path / "startup-config.xml", None)
    try:
        (gc.enable if enabled else gc.disable)()
        Stores(ios.schema, Limits(), paths).load(bootstrap)
        assert gc.isenabled() is enabled
        (tmp_path / "startup-config.xml").write_text(
            f'<config xmlns="{NC}"><native xmlns="{NATIVE_NS}"><hostname>9</hostname></native></config>'
        )
        with pytest.raises(StoreError):  # a load that fails restores it too
            Stores(ios.schema, Limits(), paths).load(bootstrap)
        assert gc.isenabled() is enabled
    finally:
        gc.enable()
    assert seen == [False]


@dataclass
class CollectorSeen:
    """A subscriber and normalizer noting whether the cyclic collector runs while the pipeline calls it."""

    seen: list[tuple[str, bool]] = field(default_factory=list)

    def normalize(self, tree: etree._Element, touched: Touched | None) -> None:
        self.seen.append(("normalize", gc.isenabled()))

    def check(self, txn: Transaction) -> list[DataError]:
        self.seen.append(("check", gc.isenabled()))
        return []

    def apply(self, txn: Transaction) -> None:
        self.seen.append(("apply", gc.isenabled()))

    def abort(self, txn: Transaction) -> None:
        self.seen.append(("abort", gc.isenabled()))


async def test_a_write_pauses_the_cyclic_collector_only_while_it_computes(ios: Any, tmp_path: Path) -> None:
    stores = make(ios, tmp_path)
    watcher = CollectorSeen()
    stores.normalize_with(watcher.normalize)
    stores.subscribe(watcher)
    writes: list[bool] = []
    real_write = stores._write

    async def write(ops: Any) -> None:  # the disk's turn: other sessions run meanwhile, with the collector on
        writes.append(gc.isenabled())
        await real_write(ops)

    stores._write = write  # type: ignore[method-assign]
    assert gc.isenabled()
    await stores.edit(CANDIDATE, ios.cfg("<hostname>Staged</hostname>"), S1)
    await stores.commit(S1)
    with pytest.raises(StoreError):
        await stores.edit(RUNNING, ios.cfg("<hostname>9</hostname>"), S1)  # refused while it computes
    assert gc.isenabled() and writes == [True]
    assert watcher.seen == [("normalize", False), ("check", False), ("apply", False)]


async def test_in_memory_stores(ios: Any) -> None:
    stores = Stores(ios.schema, Limits(), StorePaths(None, None))
    stores.load(lambda: ios.cfg(BOOT))
    await stores.edit(RUNNING, ios.cfg("<hostname>Mem</hostname>"), S1)
    await stores.save(S1)
    assert hostname(ios, stores, STARTUP) == "Mem"


# ----------------------------------------------------------------------------------------------- locks


async def test_lock_rules(ios: Any, stores: Stores) -> None:
    stores.lock(RUNNING, 1, "alice")
    err = await refused(lambda: stores.lock(RUNNING, 2, "bob"), "lock-denied")
    assert err.info == (("session-id", "1"),) and err.error_type == "protocol"
    assert "session 1" in err.message and "alice" in err.message
    await refused(lambda: stores.lock(RUNNING, 1, "alice"), "lock-denied")  # no recursive locks either
    stores.lock(CANDIDATE, 2, "bob")  # each datastore has its own lock
    err = await refused(lambda: stores.unlock(RUNNING, 2), "operation-failed")
    assert err.info == (("session-id", "1"),)
    stores.unlock(RUNNING, 1)
    err = await refused(lambda: stores.unlock(RUNNING, 1), "operation-failed")
    assert err.info == ()
    stores.lock(RUNNING, 2, "bob")


async def test_a_lock_keeps_other_sessions_out(ios: Any, stores: Stores) -> None:
    stores.lock(RUNNING, 1, "alice")
    before = snapshot(stores)
    err = await refused(lambda: stores.edit(RUNNING, ios.cfg("<hostname>X</hostname>"), S2), "in-use")
    assert err.info == (("session-id", "1"),)
    await refused(lambda: stores.commit(S2), "in-use")
    await refused(lambda: stores.replace(RUNNING, stores.running, S2), "in-use")
    assert snapshot(stores) == before
    await stores.edit(RUNNING, ios.cfg("<hostname>X</hostname>"), S1)  # the holder may
    assert hostname(ios, stores, RUNNING) == "X"
    stores.lock(STARTUP, 1, "alice")
    await refused(lambda: stores.save(S2), "in-use")
    await refused(lambda: stores.delete_startup(S2), "in-use")
    await stores.save(S1)


async def test_a_dirty_candidate_cannot_be_locked(ios: Any, stores: Stores) -> None:
    await stores.edit(CANDIDATE, ios.cfg("<hostname>C</hostname>"), S1)
    assert stores.candidate_dirty and stores.candidate_editor == 1
    err = await refused(lambda: stores.lock(CANDIDATE, 2, "bob"), "lock-denied")
    assert err.info == (("session-id", "1"),)
    await refused(lambda: stores.lock(CANDIDATE, 1, "alice"), "lock-denied")  # RFC 6241 §7.5: whoever asks
    await stores.commit(S1)
    stores.lock(CANDIDATE, 2, "bob")


async def test_unlocking_the_candidate_discards_its_changes(ios: Any, stores: Stores) -> None:
    stores.lock(CANDIDATE, 1, "alice")
    await stores.edit(CANDIDATE, ios.cfg("<hostname>C</hostname>"), S1)
    await refused(lambda: stores.edit(CANDIDATE, ios.cfg("<hostname>D</hostname>"), S2), "in-use")
    await refused(lambda: stores.discard_changes(2), "in-use")
    assert hostname(ios, stores, CANDIDATE) == "C" and hostname(ios, stores, RUNNING) == "Router"
    stores.unlock(CANDIDATE, 1)
    assert hostname(ios, stores, CANDIDATE) == "Router" and not stores.candidate_dirty
    assert stores.candidate is stores.running


async def test_session_end_releases_its_locks(ios: Any, stores: Stores) -> None:
    stores.lock(CANDIDATE, 1, "alice")
    stores.lock(RUNNING, 1, "alice")
    stores.lock(STARTUP, 2, "bob")
    await stores.edit(CANDIDATE, ios.cfg("<hostname>C</hostname>"), S1)
    stores.session_ended(1)
    assert stores.locks.holder(RUNNING) is None and stores.locks.holder(CANDIDATE) is None
    assert stores.locks.holder(STARTUP) is not None and stores.locks.holder(STARTUP).session_id == 2
    assert hostname(ios, stores, CANDIDATE) == "Router" and not stores.candidate_dirty
    stores.lock(RUNNING, 3, "carol")
    stores.session_ended(99)  # a session without locks
    assert stores.locks.holder(RUNNING).session_id == 3


async def test_unlocked_shared_candidate_keeps_changes_when_a_session_ends(ios: Any, stores: Stores) -> None:
    await stores.edit(CANDIDATE, ios.cfg("<hostname>C</hostname>"), S1)
    stores.session_ended(1)
    assert hostname(ios, stores, CANDIDATE) == "C" and stores.candidate_dirty


# ----------------------------------------------------------------------------------------------- edits


async def test_startup_is_not_editable(ios: Any, stores: Stores) -> None:
    err = await refused(lambda: stores.edit(STARTUP, ios.cfg("<hostname>X</hostname>"), S1), "operation-not-supported")
    assert err.error_type == "protocol"


async def test_candidate_edit_commit_discard(ios: Any, stores: Stores) -> None:
    running_file = running_files(state_of(stores))
    await stores.edit(CANDIDATE, ios.cfg("<hostname>C</hostname>"), S1)
    assert hostname(ios, stores, RUNNING) == "Router"
    assert running_files(state_of(stores)) == running_file  # the candidate is never persisted
    stores.discard_changes(2)
    assert hostname(ios, stores, CANDIDATE) == "Router" and not stores.candidate_dirty
    await stores.edit(CANDIDATE, ios.cfg("<hostname>C</hostname>"), S1)
    await stores.commit(S2)
    assert hostname(ios, stores, RUNNING) == "C" and not stores.candidate_dirty
    assert stored_hostname(ios, stores) == "C"
    assert hostname(ios, stores, STARTUP) == "Router"  # until saved


async def test_running_edit_leaves_a_dirty_candidate_alone(ios: Any, stores: Stores) -> None:
    await stores.edit(CANDIDATE, ios.cfg("<ip><ssh><time-out>30</time-out></ssh></ip>"), S1)
    await stores.edit(RUNNING, ios.cfg("<hostname>R2</hostname>"), S2)
    assert hostname(ios, stores, RUNNING) == "R2" and hostname(ios, stores, CANDIDATE) == "Router"
    await stores.edit(RUNNING, ios.cfg("<hostname>R3</hostname>"), S2)
    stores.discard()
    assert hostname(ios, stores, CANDIDATE) == "R3"
    await stores.edit(RUNNING, ios.cfg("<hostname>R4</hostname>"), S2)
    assert hostname(ios, stores, CANDIDATE) == "R4"  # a clean candidate follows running


async def test_test_options(ios: Any, stores: Stores) -> None:
    before = snapshot(stores)
    assert await stores.edit(RUNNING, ios.cfg("<hostname>T</hostname>"), S1, test_option="test-only") == ()
    assert snapshot(stores) == before
    bad_policy = (f"<username><name>ops</name><common-criteria-policy {A}><common-criteria-policy>P"
                  "</common-criteria-policy></common-criteria-policy></username>")  # fmt: skip
    err = await refused(lambda: stores.edit(CANDIDATE, ios.cfg(bad_policy), S1), "operation-failed")
    assert err.app_tag == "must-violation"
    assert snapshot(stores) == before
    # "set" skips validation on the candidate; the commit then refuses
    await stores.edit(CANDIDATE, ios.cfg(bad_policy), S1, test_option="set")
    assert stores.candidate_dirty
    await refused(lambda: stores.commit(S1), "operation-failed")
    await refused(lambda: stores.validate_ds(CANDIDATE), "operation-failed")
    stores.validate_ds(RUNNING)
    # running is always validated
    await refused(lambda: stores.edit(RUNNING, ios.cfg(bad_policy), S1, test_option="set"), "operation-failed")


async def test_continue_on_error_returns_the_errors_of_a_partly_applied_edit(ios: Any, stores: Stores) -> None:
    body = "<hostname>9</hostname><ip><ssh><time-out>30</time-out></ssh></ip>"
    errors = await stores.edit(RUNNING, ios.cfg(body), S1, error_option="continue-on-error")
    assert [e.tag for e in errors] == ["invalid-value"]
    assert hostname(ios, stores, RUNNING) == "Router"
    assert ios.text(stores.running, "ios:native/ios:ip/ios:ssh/ios:time-out") == "30"


async def test_a_no_op_edit_commits_nothing(ios: Any, stores: Stores) -> None:
    sub = Recorder("a")
    stores.subscribe(sub)
    before = snapshot(stores)
    await stores.edit(RUNNING, ios.cfg("<hostname>Router</hostname>"), S1)
    assert sub.calls == [] and snapshot(stores) == before


async def test_parse_validate_replace(ios: Any, stores: Stores) -> None:
    tree = stores.parse_config(ios.cfg("<hostname>Copied</hostname>"))
    await refused(lambda: stores.parse_config(ios.cfg("<hostname>9</hostname>")), "invalid-value")
    login = "<login><name>x</name><a1><none/></a1><a2><local/></a2></login>"
    bad = f"<aaa><authentication {A}>{login}</authentication></aaa>"
    await refused(lambda: stores.validate_config(ios.cfg(bad)), "unknown-element")
    await stores.replace(CANDIDATE, tree, S1)
    assert stores.candidate_dirty and hostname(ios, stores, CANDIDATE) == "Copied"
    await stores.replace(CANDIDATE, stores.running, S1)
    assert not stores.candidate_dirty
    await stores.replace(STARTUP, tree, S1)
    assert b"Copied" in stores.paths.startup.read_bytes() and hostname(ios, stores, RUNNING) == "Router"
    await stores.replace(RUNNING, tree, S1)
    assert hostname(ios, stores, RUNNING) == "Copied" and stored_hostname(ios, stores) == "Copied"
    assert stores.running is not tree  # stored as its own copy
    await stores.delete_startup(S1)
    assert len(stores.startup) == 0 and read_tree(stores.paths.startup) is not None


# ----------------------------------------------------------------------------------------- subscribers


@dataclass
class Recorder:
    name: str
    log: list[str] = field(default_factory=list)
    veto: bool = False
    fail_apply: bool = False
    seen: list[Transaction] = field(default_factory=list)

    @property
    def calls(self) -> list[str]:
        return [c for c in self.log if c.startswith(self.name)]

    def check(self, txn: Transaction) -> list[DataError]:
        self.log.append(f"{self.name}.check")
        self.seen.append(txn)
        return [DataError("operation-failed", f"{self.name} refuses")] if self.veto else []

    def apply(self, txn: Transaction) -> None:
        self.log.append(f"{self.name}.apply")
        if self.fail_apply:
            raise RuntimeError("broken subscriber")

    def abort(self, txn: Transaction) -> None:
        self.log.append(f"{self.name}.abort")


async def test_commit_runs_check_then_apply_in_order(ios: Any, stores: Stores) -> None:
    log: list[str] = []
    subs = [Recorder("a", log), Recorder("b", log), Recorder("c", log)]
    for s in subs:
        stores.subscribe(s)
    heard: list[Transaction] = []
    stores.listen(heard.append)
    old = stores.running
    await stores.edit(CANDIDATE, ios.cfg("<hostname>New</hostname>"), S1)
    await stores.commit(S1)
    assert log == ["a.check", "b.check", "c.check", "a.apply", "b.apply", "c.apply"]
    [txn] = heard
    assert txn.old is old and txn.new is stores.running and txn.origin == S1
    assert [(c.op.value, c.path) for c in txn.changes] == [("replace", "/ios:native/ios:hostname")]
    assert all(s.seen == [txn] for s in subs)


async def test_a_veto_aborts_only_earlier_subscribers_and_changes_nothing(ios: Any, stores: Stores) -> None:
    log: list[str] = []
    a, b, c = Recorder("a", log), Recorder("b", log, veto=True), Recorder("c", log)
    for s in (a, b, c):
        stores.subscribe(s)
    heard: list[Transaction] = []
    stores.listen(heard.append)
    await stores.edit(CANDIDATE, ios.cfg("<hostname>New</hostname>"), S1)
    before = snapshot(stores)
    err = await refused(lambda: stores.commit(S1), "operation-failed")
    assert err.message == "b refuses"
    assert log == ["a.check", "b.check", "a.abort"]
    assert snapshot(stores) == before and stores.candidate_dirty and heard == []
    log.clear()
    await refused(lambda: stores.edit(RUNNING, ios.cfg("<hostname>Direct</hostname>"), S1), "operation-failed")
    assert log == ["a.check", "b.check", "a.abort"] and snapshot(stores) == before


async def test_apply_cannot_fail_a_commit(ios: Any, stores: Stores, caplog: pytest.LogCaptureFixture) -> None:
    log: list[str] = []
    stores.subscribe(Recorder("a", log, fail_apply=True))
    stores.subscribe(Recorder("b", log))
    stores.listen(lambda txn: (_ for _ in ()).throw(RuntimeError("broken listener")))
    await stores.edit(RUNNING, ios.cfg("<hostname>New</hostname>"), S1)
    assert hostname(ios, stores, RUNNING) == "New" and stored_hostname(ios, stores) == "New"
    assert log == ["a.check", "b.check", "a.apply", "b.apply"]
    assert "failed to apply" in caplog.text and "listener failed" in caplog.text


async def test_normalizers_run_on_fresh_copies(ios: Any, stores: Stores) -> None:
    seen: list[etree._Element] = []

    def upper(tree: etree._Element, touched: Touched | None) -> None:
        seen.append(tree)
        for el in tree.iter(f"{{{NATIVE_NS}}}hostname"):
            el.text = (el.text or "").upper()

    stores.normalize_with(upper)
    old_running = stores.running
    old_bytes = etree.tostring(old_running)
    await stores.edit(RUNNING, ios.cfg("<hostname>lower</hostname>"), S1)
    assert hostname(ios, stores, RUNNING) == "LOWER"
    assert seen[-1] is stores.running and etree.tostring(old_running) == old_bytes
    await stores.edit(CANDIDATE, ios.cfg("<hostname>cand</hostname>"), S1)
    assert hostname(ios, stores, CANDIDATE) == "CAND"
    assert hostname(ios, stores, RUNNING) == "LOWER"
    parsed = stores.parse_config(ios.cfg("<hostname>copy</hostname>"))
    assert ios.text(parsed, "ios:native/ios:hostname") == "COPY"


async def test_save_writes_startup_atomically(ios: Any, stores: Stores) -> None:
    await stores.edit(RUNNING, ios.cfg("<hostname>Saved</hostname>"), S1)
    startup = stores.paths.startup
    os.chmod(startup, 0o644)
    await stores.save(S1)
    assert stat.S_IMODE(os.stat(startup).st_mode) == 0o600
    assert etree.tostring(stores.startup) == etree.tostring(stores.running)
    assert sorted(p.name for p in startup.parent.iterdir()) == [
        "running-config.1.journal", "running-config.1.xml", "startup-config.xml"
    ]  # fmt: skip
    stored = read_tree(startup)
    assert stored is not None and stored.findtext(f".//{{{NATIVE_NS}}}hostname") == "Saved"


# ------------------------------------------------------------------------------ property: failed edits

INVALID = {"uint8": "256", "uint16": "70000", "uint32": "-1", "enumeration": "bogus", "string": "9"}


def inject(ios: Any, body: str, kind: str, index: int) -> tuple[etree._Element, etree._Element]:
    """(faulty edit, the same edit without the fault): an invalid value in a non-key leaf, or an unknown element
    inside a container or list entry, at the ``index``-th possible position."""
    cfg = ios.cfg(body)
    clean = copy.deepcopy(cfg)
    schema_of: dict[etree._Element, Any] = {}
    order: list[etree._Element] = []

    def walk(el: etree._Element, snode: Any) -> None:
        for child in el:
            cnode = snode.child(child.tag)
            schema_of[child] = cnode
            order.append(child)
            walk(child, cnode)

    walk(cfg, ios.schema.root)
    if kind == "value":
        spots = [e for e in order if schema_of[e].type is not None and not schema_of[e].is_key
                 and schema_of[e].type.base in INVALID]  # fmt: skip
        assume(spots)
        spot = spots[index % len(spots)]
        path = [spot, *spot.iterancestors()][::-1]
        spot.text = INVALID[schema_of[spot].type.base]
        # the clean edit: the same document without that leaf
        twin = clean
        for el in path[1:]:
            twin = twin[list(el.getparent()).index(el)]
        twin.getparent().remove(twin)
    else:
        spots = [cfg, *(e for e in order if schema_of[e].kind.value in ("container", "list"))]
        spot = spots[index % len(spots)]
        ns = NATIVE_NS if spot is not cfg else "urn:example:unknown"
        etree.SubElement(spot, f"{{{ns}}}bogus").text = "x"
    return cfg, clean


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=valid_edits(),
    edit=valid_edits(),
    kind=st.sampled_from(["value", "element"]),
    index=st.integers(0, 50),
    ds=st.sampled_from([RUNNING, CANDIDATE]),
)
async def test_a_failed_edit_leaves_every_datastore_byte_identical(
    ios: Any, start: str, edit: str, kind: str, index: int, ds: str
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        stores = make(ios, Path(tmp))
        await stores.edit(RUNNING, ios.cfg(start), S1)
        if ds == CANDIDATE:
            await stores.edit(CANDIDATE, ios.cfg("<ip><domain><name>cand.local</name></domain></ip>"), S1)
        faulty, clean = inject(ios, edit, kind, index)
        for option in ("stop-on-error", "rollback-on-error"):
            before = snapshot(stores)
            with pytest.raises(StoreError) as info:
                await stores.edit(ds, faulty, S1, error_option=option)
            assert len(info.value.errors) == 1
            assert snapshot(stores) == before
        # continue-on-error applies exactly the good parts (and touches no other datastore)
        before = snapshot(stores)
        expected = apply_edit(stores.tree(ds), clean, ios.schema)
        assert expected.tree is not None and not expected.errors
        errors = await stores.edit(ds, faulty, S1, error_option="continue-on-error")
        assert [e.tag for e in errors] in (["invalid-value"], ["unknown-element"], ["unknown-namespace"])
        after = snapshot(stores)
        assert etree.tostring(stores.tree(ds)) == etree.tostring(expected.tree)
        assert after[2] == before[2] and after[3] == before[3]  # startup, in memory and on disk
        if ds == CANDIDATE:
            assert after[0] == before[0] and after[4] == before[4]  # running and its file


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edit=valid_edits(), ds=st.sampled_from([RUNNING, CANDIDATE]),
       option=st.sampled_from(["stop-on-error", "rollback-on-error", "continue-on-error"]))  # fmt: skip
async def test_an_edit_failing_validation_changes_nothing(ios: Any, edit: str, ds: str, option: str) -> None:
    # well-typed, but the username refers to a common-criteria policy that does not exist
    bad = edit + (f"<username><name>zz</name><common-criteria-policy {A}><common-criteria-policy>NOPE"
                  "</common-criteria-policy></common-criteria-policy></username>")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        stores = make(ios, Path(tmp))
        before = snapshot(stores)
        with pytest.raises(StoreError) as info:
            await stores.edit(ds, ios.cfg(bad), S1, error_option=option)
        assert info.value.errors[0].app_tag == "must-violation"
        assert snapshot(stores) == before
