"""The spare copy of running (iosxe_agent.datastore.spare): edits made in place on a recycled tree answer and store
exactly what edits on a fresh copy do, and a tree anybody else still holds is never recycled."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import etree
from namespaces import NC
from store_edits import valid_edits

from iosxe_agent.datastore.persist import serialize
from iosxe_agent.datastore.store import CANDIDATE, RUNNING, StoreError, StorePaths, Stores
from iosxe_agent.datastore.transaction import Face, Origin, Transaction
from iosxe_agent.device.names import NATIVE_NS
from iosxe_agent.limits import Limits

#: enough users that a one-leaf record is cheaper to replay than the tree is to copy (spare.REPLAY_COST)
BOOT = "<hostname>Router</hostname>" + "".join(
    f"<username><name>{name}</name><privilege>15</privilege></username>" for name in ["admin", *map(str, range(60))]
)
S1 = Origin(session_id=1, user="alice", face=Face.NETCONF)
NC_OP = f'xmlns:nc="{NC}"'


def journalled(ios: Any, state: Path) -> Stores:
    """Stores whose running is journalled: the only ones that keep a spare (it replays the journal's records)."""
    stores = Stores(ios.schema, Limits(), StorePaths(state / "startup-config.xml", state / "running-config.xml"))
    stores.load(lambda: ios.cfg(BOOT))
    return stores


def in_memory(ios: Any) -> Stores:
    """The reference: no files, so no record and no spare; every edit works on a fresh copy."""
    stores = Stores(ios.schema, Limits(), StorePaths(None, None))
    stores.load(lambda: ios.cfg(BOOT))
    return stores


def spare_of(stores: Stores) -> etree._Element | None:
    """The spare as the next edit would get it (its owed records replayed), left in place."""
    tree = stores._spare.take()
    if tree is not None:
        stores._spare.put_back(tree)
    return tree


def memoising(stores: Stores) -> list[etree._Element]:
    """What a view that memoises the tree it last read holds, letting go of a tree when the store asks."""
    memo: list[etree._Element] = []
    stores.listen(lambda txn: memo.append(txn.new))
    stores.release_with(lambda tree: memo.remove(tree) if tree in memo else None)
    return memo


async def hostname_commit(ios: Any, stores: Stores, name: str) -> None:
    await stores.edit(CANDIDATE, ios.cfg(f"<hostname>{name}</hostname>"), S1)
    await stores.commit(S1)


# the steps of a session: (datastore or "commit"/"discard", edit body, whether to break the edit)
REMOVALS = st.sampled_from(
    [
        f"<username {NC_OP} nc:operation='remove'><name>ops</name></username>",
        f"<ip><ssh><time-out {NC_OP} nc:operation='remove'/></ssh></ip>",
        f"<line {NC_OP} nc:operation='remove'/>",
    ]
)
STEPS = st.lists(
    st.tuples(
        st.sampled_from([RUNNING, CANDIDATE, CANDIDATE, "commit", "discard"]),
        st.one_of(valid_edits(), REMOVALS),
        st.sampled_from([False, False, False, True]),
    ),
    min_size=1,
    max_size=12,
)


async def step(ios: Any, stores: Stores, target: str, body: str, broken: bool) -> str:
    """Carry out one step; what the client would see (ok or the error tags)."""
    try:
        if target == "commit":
            await stores.commit(S1)
        elif target == "discard":
            stores.discard()
        else:
            cfg = ios.cfg(body + ("<ip><ssh><time-out>0</time-out></ssh></ip>" if broken else ""))
            await stores.edit(target, cfg, S1)
    except StoreError as exc:
        return " ".join(e.tag for e in exc.errors)
    return "ok"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
async def test_edits_on_the_spare_answer_and_store_what_edits_on_a_copy_do(
    ios: Any, steps: list[tuple[str, str, bool]]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ours, reference = journalled(ios, Path(tmp)), in_memory(ios)
        for target, body, broken in steps:
            seen = await step(ios, ours, target, body, broken)
            assert seen == await step(ios, reference, target, body, broken)
            assert serialize(ours.running) == serialize(reference.running)
            assert serialize(ours.candidate) == serialize(reference.candidate)
            spare = spare_of(ours)
            if spare is not None:
                assert spare is not ours.running and spare is not ours.candidate and spare is not ours.startup
                assert serialize(spare) == serialize(ours.running)
                event("a spare equal to running")
            del spare  # the test must not hold it


async def test_a_plain_commit_leaves_the_replaced_tree_as_the_next_edits_copy(ios: Any, tmp_path: Path) -> None:
    stores = journalled(ios, tmp_path)
    await hostname_commit(ios, stores, "R1")  # running was startup too (loaded): nothing to recycle yet
    replaced = id(stores.running)  # not the tree: holding it would keep it from being recycled
    await hostname_commit(ios, stores, "R2")
    spare = spare_of(stores)
    assert spare is not None and id(spare) == replaced and serialize(spare) == serialize(stores.running)
    del spare
    await stores.edit(CANDIDATE, ios.cfg("<hostname>R3</hostname>"), S1)
    assert id(stores.candidate) == replaced and spare_of(stores) is None  # edited in place, not copied


async def test_a_listener_that_keeps_the_transaction_keeps_its_trees_unchanged(ios: Any, tmp_path: Path) -> None:
    stores = journalled(ios, tmp_path)
    await hostname_commit(ios, stores, "R1")
    kept: list[Transaction] = []
    stores.listen(kept.append)
    await hostname_commit(ios, stores, "R2")
    assert spare_of(stores) is None
    old_bytes = serialize(kept[0].old)
    await hostname_commit(ios, stores, "R3")
    await hostname_commit(ios, stores, "R4")
    assert serialize(kept[0].old) == old_bytes
    assert kept[0].old.findtext(f".//{{{NATIVE_NS}}}hostname") == "R1"


async def test_a_reader_holding_running_keeps_it_unchanged(ios: Any, tmp_path: Path) -> None:
    stores = journalled(ios, tmp_path)
    await hostname_commit(ios, stores, "R1")
    await hostname_commit(ios, stores, "R2")
    held = stores.running  # a reader (a get in a thread, say) still serialising it
    await hostname_commit(ios, stores, "R3")
    await hostname_commit(ios, stores, "R4")
    assert held.findtext(f".//{{{NATIVE_NS}}}hostname") == "R2"


async def test_a_memo_let_go_of_on_request_does_not_stop_recycling(ios: Any, tmp_path: Path) -> None:
    stores = journalled(ios, tmp_path)
    memoising(stores)  # the listeners keep it
    await hostname_commit(ios, stores, "R1")
    await hostname_commit(ios, stores, "R2")
    assert spare_of(stores) is not None and serialize(spare_of(stores)) == serialize(stores.running)


async def test_a_confirmed_commit_keeps_its_backup_and_reverts_to_it(ios: Any, tmp_path: Path) -> None:
    stores = journalled(ios, tmp_path)
    await hostname_commit(ios, stores, "R1")
    await hostname_commit(ios, stores, "R2")
    before = serialize(stores.running)
    await stores.edit(CANDIDATE, ios.cfg("<hostname>R3</hostname>"), S1)
    await stores.commit(S1, confirmed=True, confirm_timeout=600)
    assert spare_of(stores) is None  # the replaced tree is the backup
    for name in ("R4", "R5", "R6"):  # follow-up edits of running, each on a spare once there is one
        await stores.edit(RUNNING, ios.cfg(f"<hostname>{name}</hostname>"), S1)
    await stores.cancel_commit(S1)
    assert serialize(stores.running) == before
    await stores.settle()


async def test_a_record_dearer_to_replay_than_a_copy_is_not_replayed(ios: Any, tmp_path: Path) -> None:
    stores = journalled(ios, tmp_path)
    await hostname_commit(ios, stores, "R1")
    await hostname_commit(ios, stores, "R2")
    assert spare_of(stores) is not None
    many = "".join(f"<username><name>new{i}</name><privilege>1</privilege></username>" for i in range(200))
    await stores.edit(RUNNING, ios.cfg(many), S1)  # its record outweighs the tree it lands in
    assert spare_of(stores) is None
    await stores.edit(RUNNING, ios.cfg("<hostname>R3</hostname>"), S1)  # copied, and recycled again after
    assert serialize(spare_of(stores)) == serialize(stores.running)  # type: ignore[arg-type]


async def test_an_edit_that_changes_nothing_keeps_the_spare(ios: Any, tmp_path: Path) -> None:
    stores = journalled(ios, tmp_path)
    await hostname_commit(ios, stores, "R1")
    await hostname_commit(ios, stores, "R2")
    kept = id(spare_of(stores))
    await stores.edit(CANDIDATE, ios.cfg("<hostname>R2</hostname>"), S1)  # an idempotent run sends it again
    spare = spare_of(stores)
    assert id(spare) == kept and not stores.candidate_dirty
    assert spare is not None and serialize(spare) == serialize(stores.running)


async def test_a_failed_edit_drops_the_spare_and_changes_nothing(ios: Any, tmp_path: Path) -> None:
    stores = journalled(ios, tmp_path)
    await hostname_commit(ios, stores, "R1")
    await hostname_commit(ios, stores, "R2")
    assert spare_of(stores) is not None
    running = serialize(stores.running)
    with pytest.raises(StoreError):
        await stores.edit(RUNNING, ios.cfg("<hostname>R3</hostname><ip><ssh><time-out>0</time-out></ssh></ip>"), S1)
    assert spare_of(stores) is None and serialize(stores.running) == running
    await stores.edit(RUNNING, ios.cfg("<hostname>R3</hostname>"), S1)  # copies again, then recycles
    assert serialize(spare_of(stores)) == serialize(stores.running)  # type: ignore[arg-type]


async def test_a_commit_of_the_running_tree_itself_writes_nothing_and_keeps_the_spare(ios: Any, tmp_path: Path) -> None:
    """Two sessions edit the shared candidate and each commits: the first commit takes both edits, the second
    commits the running tree itself. Nothing changed, so nothing is appended to the journal, and the spare and
    the per-tree memos still serve (they were dropped, so the next edit copied the tree and every view read it
    again)."""
    stores = journalled(ios, tmp_path)
    memo = memoising(stores)
    await hostname_commit(ios, stores, "R1")
    await hostname_commit(ios, stores, "R2")
    kept = id(spare_of(stores))
    journal = sorted(tmp_path.glob("running-config.*.journal"))
    size = [p.stat().st_size for p in journal]
    await stores.commit(S1)  # the second session's commit: its edit went out with the first one's
    assert id(spare_of(stores)) == kept and stores.running in memo
    assert [p.stat().st_size for p in sorted(tmp_path.glob("running-config.*.journal"))] == size and journal
    await stores.edit(CANDIDATE, ios.cfg("<hostname>R3</hostname>"), S1)
    assert id(stores.candidate) == kept  # edited in place, not copied
