"""Who may hold a connection to an SSH face: OpenSSH-style defences against idle connections locking others out.

An SSH port has to accept a TCP connection before it knows who is on the other end, and each accepted connection
costs a slot until it logs in or times out. A bare global bound (OpenSSH ``MaxStartups``) lets a few idle sockets
refuse every real login until the login time runs out. The same goes for authenticated connections that never open
a session, and for one user holding every session. This module decides admission for any SSH face (the NETCONF
listener, and any other SSH port the agent serves); it knows nothing of SSH libraries, users' privileges or what
runs behind the port, so each face feeds it its own bounds:

* :class:`Admission` tracks connections that have not logged in yet, by source address. A new connection is
  refused when its source already holds ``per_source`` of them (OpenSSH ``PerSourceMaxStartups``); between the
  ``start`` and ``full`` of an :class:`EarlyDrop` it is refused with a rising probability (OpenSSH's random early
  drop, ``MaxStartups start:rate:full``), except that a source with no stalled connection (one that has not even
  begun to authenticate) is never dropped early, so the odds fall on the sources that flood; and when the table is
  full, the oldest stalled connection of the source holding the most is evicted to make room for a source that
  holds fewer (refused only when no source holds more). A flood from a few addresses therefore cannot keep a login
  from another address out. It also counts authenticated connections per user name, so one account cannot hold
  them all.
* :class:`IdleGuard` closes an authenticated connection that holds no open channel for a while (it logged in and
  then sat there, or its last session ended and it stayed), as a session never started cannot be cut by the
  session's own idle time.

Randomness is injected (a ``random()``-like callable), so tests decide every draw.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import math
import random
from collections import Counter
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from iosxe_agent.limits import Limits

log = logging.getLogger(__name__)

C = TypeVar("C", bound=Hashable)


@dataclass(frozen=True, slots=True)
class EarlyDrop:
    """OpenSSH ``MaxStartups start:rate:full``: below ``start`` waiting connections nothing is dropped early, at
    ``start`` a new one is dropped with probability ``rate``/100, rising linearly to certainty at ``full``."""

    start: int
    rate: int  # percent
    full: int

    @classmethod
    def scaled(cls, full: int, start_percent: int, rate: int) -> EarlyDrop:
        """``start`` as a percentage of ``full``, so one setting serves bounds of any size (a face whose bound
        follows its configuration included). ``start_percent`` 100 disables early drop."""
        full = max(0, full)
        start = min(full, max(1, math.ceil(full * min(start_percent, 100) / 100)))
        return cls(start=start, rate=min(max(rate, 0), 100), full=full)

    def probability(self, waiting: int) -> float:
        """The chance that a new connection is dropped when ``waiting`` connections have not logged in yet
        (``drop_connection()`` of OpenSSH's sshd.c, as a fraction)."""
        if waiting >= self.full:
            return 1.0
        if waiting < self.start:
            return 0.0
        if self.rate >= 100:
            return 1.0
        percent = self.rate + (100 - self.rate) * (waiting - self.start) / (self.full - self.start)
        return percent / 100


class Refusal(enum.Enum):
    """Why a connection is refused (each face words its own message, naming its own bound)."""

    PER_SOURCE = "per-source"  # its address already holds the most waiting connections one address may
    EARLY_DROP = "early-drop"  # random early drop
    FULL = "full"  # the table is full and no other source holds more


@dataclass(frozen=True, slots=True)
class Verdict(Generic[C]):
    """The answer to :meth:`Admission.admit`: refused (with why), or admitted, maybe by evicting another."""

    refusal: Refusal | None = None
    evict: C | None = None  # a waiting connection the caller must disconnect now (already forgotten here)

    @property
    def admitted(self) -> bool:
        """True if the new connection may proceed to log in."""
        return self.refusal is None


class _BySource(Generic[C]):
    """Connections in age order, counted per source address."""

    def __init__(self) -> None:
        self.order: dict[C, str] = {}  # insertion order is age order: the oldest first
        self.count: Counter[str] = Counter()

    def add(self, conn: C, source: str) -> None:
        self.order[conn] = source
        self.count[source] += 1

    def remove(self, conn: C) -> None:
        source = self.order.pop(conn, None)
        if source is not None:
            self.count[source] -= 1
            if self.count[source] <= 0:
                del self.count[source]

    def oldest_of_heaviest(self, below: int) -> C | None:
        """The oldest connection of the source holding the most, if it holds at least ``below`` + 2."""
        most = max(self.count.values(), default=0)
        if most < below + 2:
            return None
        return next(c for c, s in self.order.items() if self.count[s] == most)


class Admission(Generic[C]):
    """The connections of one SSH face: waiting ones by source address, authenticated ones by user.

    A waiting connection is *stalled* until the client starts authenticating (:meth:`engaged`: it sent its
    version, finished the key exchange and asked to log in). Fairness (who may be evicted, who is spared early
    drop) looks at stalled connections only: an idle socket flood is all stalled, a burst of real logins from one
    address moves on within a key exchange, so the burst is not mistaken for a flood.
    """

    def __init__(self, draw: Callable[[], float] = random.random) -> None:
        self._draw = draw
        self._waiting: _BySource[C] = _BySource()
        self._stalled: _BySource[C] = _BySource()
        self._users: dict[C, str] = {}
        self._per_user: Counter[str] = Counter()

    @property
    def waiting(self) -> int:
        """Connections that have not logged in yet (MaxStartups counts these)."""
        return len(self._waiting.order)

    def waiting_from(self, source: str) -> int:
        """Waiting connections from ``source``."""
        return self._waiting.count[source]

    def connections_of(self, user: str) -> int:
        """Authenticated connections of ``user``."""
        return self._per_user[user]

    def admit(self, conn: C, source: str, drop: EarlyDrop, per_source: int) -> Verdict[C]:
        """Decide a new connection from ``source`` and, if admitted, count it as waiting (and stalled).

        ``per_source`` 0 means no per-source bound. When the table is full, the oldest stalled connection of the
        source with the most stalled ones is evicted, if that source would still hold at least as many as the
        newcomer's after the swap (so eviction never just moves the unfairness around). The draw is taken only when
        early drop can apply, so a test that injects a sequence of draws sees exactly the ones that matter.
        """
        if per_source and self._waiting.count[source] >= per_source:
            return Verdict(Refusal.PER_SOURCE)
        stalled = self._stalled.count[source]
        evict: C | None = None
        if self.waiting >= drop.full:
            evict = self._stalled.oldest_of_heaviest(below=stalled)
            if evict is None:
                return Verdict(Refusal.FULL)
            self.gone(evict)
        elif stalled and self._early_drop(drop.probability(self.waiting)):
            return Verdict(Refusal.EARLY_DROP)
        self._waiting.add(conn, source)
        self._stalled.add(conn, source)
        return Verdict(evict=evict)

    def _early_drop(self, probability: float) -> bool:
        return probability >= 1 or (probability > 0 and self._draw() < probability)

    def engaged(self, conn: C) -> None:
        """``conn`` started authenticating: still waiting, no longer stalled (never evicted from now on)."""
        self._stalled.remove(conn)

    def settled(self, conn: C) -> None:
        """``conn`` logged in or went away: it no longer waits (idempotent; no-op for an evicted one)."""
        self._waiting.remove(conn)
        self._stalled.remove(conn)

    def authenticated(self, conn: C, user: str, limit: int) -> bool:
        """Count ``conn`` as one of ``user``'s connections, or refuse it when the user already holds ``limit``
        (0: no bound). ``conn`` stops waiting either way."""
        self.settled(conn)
        if limit and self._per_user[user] >= limit:
            return False
        self._users[conn] = user
        self._per_user[user] += 1
        return True

    def gone(self, conn: C) -> None:
        """``conn`` closed: forget it wherever it is counted (idempotent)."""
        self.settled(conn)
        user = self._users.pop(conn, None)
        if user is not None:
            self._per_user[user] -= 1
            if self._per_user[user] <= 0:
                del self._per_user[user]


class IdleGuard:
    """Calls ``on_idle`` once an armed connection has held no open channel for ``timeout`` seconds.

    Each face arms it when a login succeeds and hands it every channel it opens (as an awaitable that completes
    when the channel is closed); the clock runs only while no channel is open. ``timeout`` 0 disables it.
    """

    def __init__(self, timeout: float, on_idle: Callable[[], None]) -> None:
        self._timeout = timeout
        self._on_idle = on_idle
        self._open = 0
        self._timer: asyncio.TimerHandle | None = None
        self._armed = False
        self._tasks: set[asyncio.Task[None]] = set()

    def arm(self) -> None:
        """Start watching (after authentication): the clock starts now unless a channel is already open."""
        self._armed = True
        self._restart()

    def hold(self, closed: Awaitable[None]) -> None:
        """A channel opened; ``closed`` completes when it is gone."""
        self._open += 1
        self._stop_clock()
        task = asyncio.ensure_future(self._release(closed))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _release(self, closed: Awaitable[None]) -> None:
        try:
            await closed
        finally:
            self._open -= 1
            self._restart()

    def _restart(self) -> None:
        self._stop_clock()
        if self._armed and self._open == 0 and self._timeout > 0:
            self._timer = asyncio.get_running_loop().call_later(self._timeout, self._fire)

    def _stop_clock(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _fire(self) -> None:
        self._timer = None
        self._armed = False
        self._on_idle()

    def close(self) -> None:
        """The connection is gone: stop the clock (channels' own closing ends their watchers)."""
        self._armed = False
        self._stop_clock()


def refusal_text(refusal: Refusal, source: str, waiting: int, *, full: str, per_source: str) -> str:
    """The disconnect text for a refused connection; ``full`` and ``per_source`` name the face's two bounds
    (``max_unauthenticated=16`` on NETCONF, the configured bound's own name on another face)."""
    if refusal is Refusal.PER_SOURCE:
        return f"Too many unauthenticated connections from {source} ({per_source})"
    if refusal is Refusal.EARLY_DROP:
        return f"Too many unauthenticated connections (random early drop at {waiting} of {full})"
    return f"Too many unauthenticated connections ({full})"


class Door(Hashable, Protocol):
    """What the face-level helpers need of a connection: its address and a way to turn it away (and, as a key of
    the admission tables, a hash)."""

    @property
    def peer(self) -> str | None:
        """The client's address (None when the transport has none)."""
        ...

    def disconnect_soon(self, text: str) -> None:
        """Disconnect with "too many connections" and ``text``, after the current callback."""
        ...


D = TypeVar("D", bound=Door)


def admit(admission: Admission[D], conn: D, limits: Limits, full: int, *, face: str, full_name: str) -> None:
    """Admit a new TCP connection of ``face`` to the login phase, or disconnect it; a waiting connection it
    displaces is disconnected too. ``full`` is the face's bound on waiting connections (early drop scales to it)
    and ``full_name`` names it in the refusal; the per-source bound and the drop curve come from ``limits``."""
    drop = EarlyDrop.scaled(full, limits.early_drop_start_percent, limits.early_drop_rate_percent)
    per_source = limits.max_unauthenticated_per_source
    per_source_name = f"max_unauthenticated_per_source={per_source}"
    source = conn.peer or ""
    waiting = admission.waiting
    verdict = admission.admit(conn, source, drop, per_source)
    if verdict.evict is not None:
        log.warning("%s connection from %s dropped to admit one from %s", face, verdict.evict.peer, source)
        verdict.evict.disconnect_soon(f"Too many unauthenticated connections from {verdict.evict.peer}")
    if verdict.refusal is not None:
        text = refusal_text(verdict.refusal, source, waiting, full=full_name, per_source=per_source_name)
        log.warning("%s connection from %s refused: %s", face, source, text)
        conn.disconnect_soon(text)


def log_in(admission: Admission[D], conn: D, user: str, limit: int, *, face: str) -> bool:
    """Count an authenticated connection of ``user`` on ``face``, or disconnect it at ``limit``
    (``max_connections_per_user``) and return False."""
    if admission.authenticated(conn, user, limit):
        return True
    text = f"Too many connections for {user} (max_connections_per_user={limit})"
    log.warning("%s connection from %s refused: %s", face, conn.peer, text)
    conn.disconnect_soon(text)
    return False
