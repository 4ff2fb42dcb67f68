"""Datastore locks: global locks (RFC 6241 §7.5/§7.6), keyed by datastore name, and partial locks of the
running datastore (RFC 5717), keyed by lock-id; both are owned by a session id.

A partial lock holds a fixed set of *instances* (the nodes its ``select`` expressions found when it was
granted) and protects each one with its whole subtree. Nodes are compared by :data:`NodeKey`, the sequence
of per-level identities from the top-level node down (tag, plus list keys or the leaf-list value), so two
trees that hold the same instance give it the same key whatever prefixes or element objects they use.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from lxml import etree

from iosxe_agent.data.tags import tag_of
from iosxe_agent.data.touched import Identity, identity
from iosxe_agent.datastore.names import Datastore
from iosxe_agent.yang.schema import Kind, Schema, SchemaNode

#: A data node instance: the identity of each level (:func:`iosxe_agent.data.touched.identity`), top-level node first.
NodeKey = tuple[Identity, ...]


@dataclass(frozen=True, slots=True)
class LockHolder:
    """Who holds a lock and since when (the lock-denied message names both)."""

    session_id: int
    user: str
    since: float


@dataclass(frozen=True, slots=True)
class LockedNode:
    """One node a partial lock holds: its identity and its instance-identifier (RFC 5717 ``locked-node``)."""

    key: NodeKey
    path: str
    path_ns: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class PartialLock:
    """An RFC 5717 partial lock of the running datastore."""

    lock_id: int
    session_id: int
    user: str
    since: float
    select: tuple[str, ...]
    nodes: tuple[LockedNode, ...]


def covers(a: NodeKey, b: NodeKey) -> bool:
    """True when ``a`` and ``b`` are the same node or one lies in the other's subtree."""
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def _quote(value: str) -> str:
    return f"'{value}'" if "'" not in value else f'"{value}"'


def _ancestry(el: etree._Element) -> list[etree._Element]:
    """``el`` and its ancestors below the datastore wrapper (the document root), top-level node first."""
    chain: list[etree._Element] = []
    node: etree._Element | None = el
    while node is not None and node.getparent() is not None:
        chain.append(node)
        node = node.getparent()
    chain.reverse()
    return chain


def node_key(el: etree._Element, schema: Schema) -> NodeKey:
    """The identity of data node ``el`` within its datastore tree (the tree's root is the wrapper)."""
    key: list[Identity] = []
    snode: SchemaNode | None = schema.root
    for node in _ancestry(el):
        snode = snode.child(tag_of(node)) if snode is not None else None
        key.append(identity(node, snode))
    return tuple(key)


def instance_identifier(el: etree._Element, schema: Schema) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The instance-identifier of data node ``el`` (``/p:top/p:entry[p:name='x']``, module prefixes) and the
    prefix -> namespace pairs it uses."""
    parts: list[str] = []
    ns: dict[str, str] = {}
    snode: SchemaNode | None = schema.root
    for node in _ancestry(el):
        snode = snode.child(tag_of(node)) if snode is not None else None
        if snode is None:  # not in the schema (cannot happen for a validated datastore): use the bare name
            parts.append(etree.QName(node).localname)
            continue
        ns.setdefault(snode.prefix, snode.ns)
        step = f"{snode.prefix}:{snode.name}"
        if snode.kind is Kind.LIST:
            for k in snode.keys:
                knode = snode.child(k)
                kprefix = knode.prefix if knode is not None else snode.prefix
                ns.setdefault(kprefix, knode.ns if knode is not None else snode.ns)
                kname = etree.QName(k).localname
                step += f"[{kprefix}:{kname}={_quote(node.findtext(k) or '')}]"
        elif snode.kind is Kind.LEAF_LIST:
            step += f"[.={_quote(node.text or '')}]"
        parts.append(step)
    return "/" + "/".join(parts), tuple(ns.items())


def find_node(tree: etree._Element, key: NodeKey, schema: Schema) -> etree._Element | None:
    """The node of ``tree`` (a datastore wrapper) whose identity is ``key``, or None."""
    node: etree._Element | None = tree
    snode: SchemaNode | None = schema.root
    for step in key:
        if node is None:
            return None
        snode = snode.child(step[0]) if snode is not None else None
        node = next((c for c in node.iterchildren(step[0]) if identity(c, snode) == step), None)
    return node


class LockTable:
    """Which session holds each datastore's lock and which partial locks exist. Pure bookkeeping; the store
    decides what a lock forbids."""

    def __init__(self) -> None:
        self._holders: dict[Datastore, LockHolder] = {}
        self._partial: dict[int, PartialLock] = {}
        self._lock_ids = itertools.count(1)

    def holder(self, datastore: Datastore) -> LockHolder | None:
        """The current holder of ``datastore``'s lock, if any."""
        return self._holders.get(datastore)

    def blocks(self, datastore: Datastore, session_id: int) -> LockHolder | None:
        """The holder if someone *other* than ``session_id`` holds the lock."""
        h = self._holders.get(datastore)
        return h if h is not None and h.session_id != session_id else None

    def acquire(self, datastore: Datastore, session_id: int, user: str) -> LockHolder | None:
        """Take the lock; returns the existing holder (and takes nothing) if it is already held."""
        h = self._holders.get(datastore)
        if h is not None:
            return h
        self._holders[datastore] = LockHolder(session_id, user, time.time())
        return None

    def release(self, datastore: Datastore, session_id: int) -> bool:
        """Release a lock held by ``session_id``; False if that session does not hold it."""
        h = self._holders.get(datastore)
        if h is None or h.session_id != session_id:
            return False
        del self._holders[datastore]
        return True

    def release_all(self, session_id: int) -> list[Datastore]:
        """Drop every lock of a session that ended (its partial locks too); returns the datastores it held
        globally."""
        held = [ds for ds, h in self._holders.items() if h.session_id == session_id]
        for ds in held:
            del self._holders[ds]
        for lock_id in [i for i, p in self._partial.items() if p.session_id == session_id]:
            del self._partial[lock_id]
        return held

    # -- partial locks (RFC 5717) ---------------------------------------------------------------------------
    def add_partial(
        self, session_id: int, user: str, select: Iterable[str], nodes: Iterable[LockedNode]
    ) -> PartialLock:
        """Record a granted partial lock under a new lock-id (ids are never reused)."""
        lock = PartialLock(next(self._lock_ids), session_id, user, time.time(), tuple(select), tuple(nodes))
        self._partial[lock.lock_id] = lock
        return lock

    def partial(self, lock_id: int) -> PartialLock | None:
        """The partial lock ``lock_id``, if it exists."""
        return self._partial.get(lock_id)

    def remove_partial(self, lock_id: int) -> PartialLock | None:
        """Release partial lock ``lock_id``; returns it (None if there was none)."""
        return self._partial.pop(lock_id, None)

    def partial_locks(self) -> list[PartialLock]:
        """Every partial lock, oldest first (for ietf-netconf-monitoring and conflict checks)."""
        return list(self._partial.values())

    @property
    def has_partial(self) -> bool:
        """True while any partial lock exists."""
        return bool(self._partial)

    def partial_holder_other_than(self, session_id: int) -> PartialLock | None:
        """A partial lock held by a session other than ``session_id`` (it forbids that session a global lock
        of running)."""
        return next((p for p in self._partial.values() if p.session_id != session_id), None)

    def partial_conflict(self, key: NodeKey, session_id: int) -> tuple[PartialLock, LockedNode] | None:
        """The partial lock of *another* session that holds ``key``, an ancestor of it or a node below it."""
        for lock in self._partial.values():
            if lock.session_id == session_id:
                continue
            for node in lock.nodes:
                if covers(node.key, key):
                    return lock, node
        return None

    def prune_partial(self, exists: Callable[[NodeKey], bool]) -> None:
        """Forget locked nodes that no longer exist (their owner deleted them); the locks themselves stay,
        possibly empty, until unlocked (RFC 5717 §2.4.1)."""
        for lock_id, lock in list(self._partial.items()):
            kept = tuple(n for n in lock.nodes if exists(n.key))
            if len(kept) != len(lock.nodes):
                self._partial[lock_id] = PartialLock(
                    lock.lock_id, lock.session_id, lock.user, lock.since, lock.select, kept
                )
