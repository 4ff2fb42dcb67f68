"""Partial locks of running (RFC 5717): selection, conflicts with global and other partial locks, edits."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from namespaces import IOS

from iosxe_agent.data.errors import DataError
from iosxe_agent.datastore.locks import LockTable, covers
from iosxe_agent.datastore.store import CANDIDATE, RUNNING, StoreError, StorePaths, Stores
from iosxe_agent.datastore.transaction import SYSTEM, Face, Origin
from iosxe_agent.limits import Limits

P = {"ios": IOS}
A = 'xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-aaa"'
BOOT = (
    "<hostname>Router</hostname>"
    "<username><name>admin</name><privilege>15</privilege></username>"
    "<username><name>oper</name><privilege>1</privilege></username>"
    "<ip><domain><name>lab.local</name></domain><ssh><time-out>60</time-out></ssh></ip>"
    f"<aaa><new-model {A}/></aaa>"
)
S1 = Origin(session_id=1, user="alice", face=Face.NETCONF)
S2 = Origin(session_id=2, user="bob", face=Face.NETCONF)


@pytest.fixture
def stores(ios: Any, tmp_path: Path) -> Stores:
    s = Stores(ios.schema, Limits(), StorePaths(tmp_path / "startup-config.xml", tmp_path / "running-config.xml"))
    s.load(lambda: ios.cfg(BOOT))
    return s


async def refused(fn: Callable[[], object], tag: str) -> DataError:
    with pytest.raises(StoreError) as info:
        result = fn()
        if inspect.isawaitable(result):
            await result
    assert info.value.errors[0].tag == tag, [(e.tag, e.message) for e in info.value.errors]
    return info.value.errors[0]


def lock(stores: Stores, session: int, *selects: str) -> Any:
    return stores.partial_lock(session, f"user{session}", [(s, P) for s in selects])


def test_a_partial_lock_reports_its_nodes_as_instance_identifiers(stores: Stores) -> None:
    pl = lock(stores, 1, "/ios:native/ios:hostname", "/ios:native/ios:username[ios:name='admin']")
    assert pl.lock_id >= 1 and pl.session_id == 1 and pl.user == "user1"
    assert [n.path for n in pl.nodes] == [
        "/ios:native/ios:hostname",
        "/ios:native/ios:username[ios:name='admin']",
    ]
    assert dict(pl.nodes[0].path_ns) == {"ios": IOS}
    assert pl.select == ("/ios:native/ios:hostname", "/ios:native/ios:username[ios:name='admin']")
    again = lock(stores, 1, "//ios:hostname")  # a session may hold several, overlapping ones
    assert again.lock_id != pl.lock_id
    assert [p.lock_id for p in stores.locks.partial_locks()] == [pl.lock_id, again.lock_id]


async def test_other_sessions_cannot_change_locked_nodes(ios: Any, stores: Stores) -> None:
    lock(stores, 1, "/ios:native/ios:ip/ios:ssh", "/ios:native/ios:username[ios:name='admin']")
    for body in (
        "<ip><ssh><time-out>30</time-out></ssh></ip>",  # inside a locked subtree
        "<username><name>admin</name><privilege>2</privilege></username>",
    ):
        err = await refused(lambda body=body: stores.edit(RUNNING, ios.cfg(body), S2), "in-use")
        assert err.info == (("session-id", "1"),)
        assert err.path is not None and err.path.startswith("/ios:native/") and err.path_ns == {"ios": IOS}
    # deleting an ancestor would delete the locked node
    await refused(lambda: stores.edit(RUNNING, ios.cfg('<ip nc:operation="delete"/>'), S2), "in-use")
    # through the candidate too: the commit is what touches running
    await stores.edit(CANDIDATE, ios.cfg("<ip><ssh><time-out>30</time-out></ssh></ip>"), S2)
    await refused(lambda: stores.commit(S2), "in-use")
    stores.discard()
    # unrelated nodes, and other entries of a locked list, stay writable
    await stores.edit(RUNNING, ios.cfg("<hostname>Edge</hostname>"), S2)
    await stores.edit(RUNNING, ios.cfg("<username><name>oper</name><privilege>3</privilege></username>"), S2)
    await stores.edit(RUNNING, ios.cfg("<ip><domain><name>b.local</name></domain></ip>"), S2)
    # the holder may change what it locked
    await stores.edit(RUNNING, ios.cfg("<ip><ssh><time-out>30</time-out></ssh></ip>"), S1)
    assert ios.text(stores.running, "ios:native/ios:ip/ios:ssh/ios:time-out") == "30"


async def test_partial_locks_of_two_sessions_must_not_overlap(stores: Stores) -> None:
    lock(stores, 1, "/ios:native/ios:ip/ios:ssh")
    for select in ("/ios:native/ios:ip", "/ios:native", "/ios:native/ios:ip/ios:ssh/ios:time-out"):
        err = await refused(lambda select=select: lock(stores, 2, select), "lock-denied")
        assert err.info == (("session-id", "1"),) and err.error_type == "protocol"
    lock(stores, 2, "/ios:native/ios:ip/ios:domain")


async def test_partial_and_global_locks_of_running_exclude_each_other(stores: Stores) -> None:
    stores.lock(RUNNING, 2, "bob")
    err = await refused(lambda: lock(stores, 1, "/ios:native/ios:hostname"), "lock-denied")
    assert err.info == (("session-id", "2"),)
    lock(stores, 2, "/ios:native/ios:hostname")  # the global lock's holder may
    stores.unlock(RUNNING, 2)
    err = await refused(lambda: stores.lock(RUNNING, 1, "alice"), "lock-denied")
    assert err.info == (("session-id", "2"),)
    stores.lock(RUNNING, 2, "bob")  # its own partial lock does not stop a session's global lock
    stores.lock(CANDIDATE, 1, "alice")  # partial locks are about running only


async def test_bad_selects(stores: Stores) -> None:
    err = await refused(lambda: lock(stores, 1, "/ios:native/ios:nothing"), "operation-failed")
    assert err.app_tag == "no-matches"
    err = await refused(lambda: lock(stores, 1, "/ios:native/["), "invalid-value")
    assert ("bad-element", "select") in err.info
    err = await refused(lambda: lock(stores, 1, "/nope:native"), "invalid-value")
    err = await refused(lambda: lock(stores, 1, "count(/ios:native)"), "invalid-value")
    assert err.app_tag == "not-a-node-set"
    err = await refused(lambda: lock(stores, 1, "/"), "invalid-value")
    assert err.app_tag == "not-a-datastore-node"
    err = await refused(lambda: lock(stores, 1, "/ios:native/ios:hostname/text()"), "invalid-value")
    assert err.app_tag == "not-a-datastore-node"
    # an empty node-set is fine when another select finds something
    pl = lock(stores, 1, "/ios:native/ios:nothing", "/ios:native/ios:hostname")
    assert len(pl.nodes) == 1
    assert len(stores.locks.partial_locks()) == 1


async def test_partial_unlock(stores: Stores) -> None:
    pl = lock(stores, 1, "/ios:native/ios:hostname")
    err = await refused(lambda: stores.partial_unlock(2, pl.lock_id), "invalid-value")
    assert ("bad-element", "lock-id") in err.info
    await refused(lambda: stores.partial_unlock(1, 9999), "invalid-value")
    stores.partial_unlock(1, pl.lock_id)
    assert stores.locks.partial_locks() == []
    await refused(lambda: stores.partial_unlock(1, pl.lock_id), "invalid-value")
    lock(stores, 2, "/ios:native/ios:hostname")


async def test_session_end_releases_partial_locks(ios: Any, stores: Stores) -> None:
    lock(stores, 1, "/ios:native/ios:hostname")
    lock(stores, 3, "/ios:native/ios:ip")
    stores.session_ended(1)
    assert [p.session_id for p in stores.locks.partial_locks()] == [3]
    await stores.edit(RUNNING, ios.cfg("<hostname>Free</hostname>"), S2)


async def test_a_deleted_locked_node_leaves_the_lock(ios: Any, stores: Stores) -> None:
    pl = lock(stores, 1, "/ios:native/ios:username[ios:name='oper']", "/ios:native/ios:hostname")
    await stores.edit(RUNNING, ios.cfg('<username nc:operation="delete"><name>oper</name></username>'), S1)
    held = stores.locks.partial(pl.lock_id)
    assert held is not None and [n.path for n in held.nodes] == ["/ios:native/ios:hostname"]
    # the instance is gone; a new one another session creates is not locked
    await stores.edit(RUNNING, ios.cfg("<username><name>oper</name><privilege>1</privilege></username>"), S2)


async def test_the_system_is_not_subject_to_partial_locks(ios: Any, stores: Stores) -> None:
    lock(stores, 1, "/ios:native/ios:hostname")
    tree = stores.parse_config(ios.cfg(BOOT.replace("Router", "Sys")))
    await stores.commit_tree(tree, SYSTEM)  # e.g. the revert of an unconfirmed commit
    assert ios.text(stores.running, "ios:native/ios:hostname") == "Sys"


def test_covers() -> None:
    a = (("{n}native",), ("{n}ip",))
    assert covers(a, a) and covers(a, (*a, ("{n}ssh",))) and covers((*a, ("{n}ssh",)), a)
    assert not covers(a, (("{n}native",), ("{n}hostname",)))
    assert LockTable().partial_conflict(a, 1) is None
