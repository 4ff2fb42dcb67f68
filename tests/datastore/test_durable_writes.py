"""Persistence off the event loop: a request's reply waits for its durable write, and writes keep commit order."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any

from iosxe_agent.datastore.persist import read_tree
from iosxe_agent.datastore.store import CANDIDATE, RUNNING, StorePaths, Stores
from iosxe_agent.datastore.transaction import Face, Origin
from iosxe_agent.limits import Limits

S1 = Origin(session_id=1, user="alice", face=Face.NETCONF)
S2 = Origin(session_id=2, user="bob", face=Face.NETCONF)


def _stores(ios: Any, state: Path) -> Stores:
    stores = Stores(ios.schema, Limits(), StorePaths(state / "startup-config.xml", state / "running-config.xml"))
    stores.load(lambda: ios.cfg("<hostname>R0</hostname>"))
    return stores


def _stored_hostname(ios: Any, state: Path) -> str | None:
    tree = read_tree(state / "running-config.xml")
    assert tree is not None
    return ios.text(tree, "ios:native/ios:hostname")


def test_a_deferred_commit_is_on_disk_when_durably_returns(ios: Any, tmp_path: Path) -> None:
    stores = _stores(ios, tmp_path)

    async def edit_and_commit() -> None:
        await stores.durably(lambda: stores.edit(CANDIDATE, ios.cfg("<hostname>R1</hostname>"), S1))
        await stores.durably(lambda: stores.commit(S1))

    asyncio.run(edit_and_commit())
    assert _stored_hostname(ios, tmp_path) == "R1"


def test_sessions_committing_concurrently_reach_the_disk_in_commit_order(ios: Any, tmp_path: Path) -> None:
    stores = _stores(ios, tmp_path)
    committed: list[str | None] = []  # hostnames in commit order
    stores.listen(lambda txn: committed.append(ios.text(txn.new, "ios:native/ios:hostname")))

    async def session(origin: Origin, names: list[str]) -> None:
        for name in names:
            await stores.durably(lambda n=name: stores.edit(RUNNING, ios.cfg(f"<hostname>{n}</hostname>"), origin))
            # at the reply the file holds this change or one committed after it, never an older one
            assert committed.index(_stored_hostname(ios, tmp_path)) >= committed.index(name)

    async def both() -> None:
        await asyncio.gather(session(S1, [f"A{i}" for i in range(20)]), session(S2, [f"B{i}" for i in range(20)]))

    asyncio.run(both())
    assert len(committed) == 40
    assert _stored_hostname(ios, tmp_path) == committed[-1]


def test_a_synchronous_caller_finds_its_write_done(ios: Any, tmp_path: Path) -> None:
    stores = _stores(ios, tmp_path)
    stores.edit(RUNNING, ios.cfg("<hostname>R2</hostname>"), S1)
    assert _stored_hostname(ios, tmp_path) == "R2"


def test_a_request_cancelled_while_waiting_still_writes_its_change(ios: Any, tmp_path: Path) -> None:
    stores = _stores(ios, tmp_path)

    def edit(name: str, origin: Origin) -> Any:
        return stores.durably(lambda: stores.edit(RUNNING, ios.cfg(f"<hostname>{name}</hostname>"), origin))

    async def cancelled() -> None:
        first, second = asyncio.create_task(edit("R3", S1)), asyncio.create_task(edit("R4", S2))
        await asyncio.sleep(0)  # both edits ran; R4's write waits behind R3's fsync when its session goes away
        second.cancel()
        await first
        with contextlib.suppress(asyncio.CancelledError):
            await second

    asyncio.run(cancelled())
    stores.save(S1)  # a synchronous write: once it is done, so is every write queued before it
    assert _stored_hostname(ios, tmp_path) == "R4"
