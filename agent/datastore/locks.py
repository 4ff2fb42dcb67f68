"""Global datastore locks (RFC 6241 §7.5/§7.6), keyed by datastore name and owned by a session id."""

from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LockHolder:
    """Who holds a lock and since when (the lock-denied message names both)."""

    session_id: int
    user: str
    since: float


class LockTable:
    """Which session holds each datastore's lock. Pure bookkeeping; the store decides what a lock forbids."""

    def __init__(self) -> None:
        self._holders: dict[str, LockHolder] = {}

    def holder(self, datastore: str) -> LockHolder | None:
        """The current holder of ``datastore``'s lock, if any."""
        return self._holders.get(datastore)

    def blocks(self, datastore: str, session_id: int) -> LockHolder | None:
        """The holder if someone *other* than ``session_id`` holds the lock."""
        h = self._holders.get(datastore)
        return h if h is not None and h.session_id != session_id else None

    def acquire(self, datastore: str, session_id: int, user: str) -> LockHolder | None:
        """Take the lock; returns the existing holder (and takes nothing) if it is already held."""
        h = self._holders.get(datastore)
        if h is not None:
            return h
        self._holders[datastore] = LockHolder(session_id, user, time.time())
        return None

    def release(self, datastore: str, session_id: int) -> bool:
        """Release a lock held by ``session_id``; False if that session does not hold it."""
        h = self._holders.get(datastore)
        if h is None or h.session_id != session_id:
            return False
        del self._holders[datastore]
        return True

    def release_all(self, session_id: int) -> list[str]:
        """Drop every lock of a session that ended; returns the datastores it held."""
        held = [ds for ds, h in self._holders.items() if h.session_id == session_id]
        for ds in held:
            del self._holders[ds]
        return held
