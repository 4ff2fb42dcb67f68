"""Confirmed commit (RFC 6241 §8.4) and timed rollback: a change of running that reverts unless confirmed.

One state machine serves two flavours of "commit now, keep it only if confirmed in time":

* :data:`CONFIRMED_COMMIT` — the NETCONF ``:confirmed-commit:1.1`` capability. ``<commit><confirmed/>`` starts
  it; a ``<commit>`` from the same session (or from any session with the right ``<persist-id>``) confirms it;
  ``<cancel-commit>``, the end of the issuing session (unless ``<persist>`` was given) or the timer reverts it.
  A follow-up confirmed commit commits again and restarts the timer but keeps the *original* backup; its own
  ``<persist>`` (or its absence, which ties the commit to the session that sent it) replaces the previous one.
  Refusals: a ``<persist-id>`` that does not match (or with nothing persistent pending) is invalid-value; a
  non-persistent commit touched from another session is operation-failed (with the owner's session-id), as
  Netopeer2 does; a confirmed commit while a timed rollback waits is in-use.
* :data:`TIMED_ROLLBACK` — a device's own timed revert (a configuration replace with a revert timer). It is
  not tied to a session; the device confirms, resets or triggers it with its own operations.

Only one pending change exists at a time. The machine never touches a datastore: the store asks it what a
request means (:meth:`ConfirmedCommit.check_commit` …, which raise :class:`ConfirmError` and change nothing),
performs the commit through its one transaction path, and only then records the outcome
(:meth:`ConfirmedCommit.committed`), so a failed confirmed commit arms nothing. Reverting is done by the store
as an ordinary transaction, so every subscriber follows it: a revert the store asked for (``<cancel-commit>``) is
recorded afterwards (:meth:`ConfirmedCommit.cancelled`); one the machine decides (the timer, the end of a session)
is a task running the store's ``revert(pending, event, origin)`` coroutine, which waits its turn among the
store's writes and reverts only if that change is still the pending one. Time comes from an injected
:class:`Scheduler`, so tests drive the timer by hand.

Observers subscribe to :attr:`ConfirmedCommit.listeners`; each gets a :class:`ConfirmNotice` per event
(RFC 6470 ``netconf-confirmed-commit``: start, extend, complete, cancel, timeout).
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from lxml import etree

from iosxe_agent.data.errors import DataError
from iosxe_agent.datastore.transaction import Origin

log = logging.getLogger(__name__)


class PendingKind(enum.StrEnum):
    """The two flavours of a change that reverts unless confirmed (see the module docstring)."""

    CONFIRMED_COMMIT = "confirmed-commit"
    TIMED_ROLLBACK = "timed-rollback"


CONFIRMED_COMMIT, TIMED_ROLLBACK = PendingKind.CONFIRMED_COMMIT, PendingKind.TIMED_ROLLBACK
DEFAULT_TIMEOUT_S = 600


class Cancellable(Protocol):
    """What a scheduler returns: something that can be cancelled (an ``asyncio.TimerHandle``)."""

    def cancel(self) -> None:
        """Stop the callback from running."""
        ...


class Scheduler(Protocol):
    """Runs a callback after a delay (the event loop in production, a fake clock in tests)."""

    def call_later(self, delay: float, callback: Callable[[], None]) -> Cancellable:
        """Run ``callback`` after ``delay`` seconds."""
        ...


class LoopScheduler:
    """The running asyncio loop's ``call_later``."""

    def call_later(self, delay: float, callback: Callable[[], None]) -> Cancellable:
        """Schedule on the loop that is running now."""
        return asyncio.get_running_loop().call_later(delay, callback)


class ConfirmEvent(enum.Enum):
    """RFC 6470 ``confirm-event`` values."""

    START = "start"
    CANCEL = "cancel"
    TIMEOUT = "timeout"
    EXTEND = "extend"
    COMPLETE = "complete"


class Plan(enum.Enum):
    """What a commit means given the pending state."""

    PLAIN = "plain"  # an ordinary commit
    START = "start"  # a confirmed commit with nothing pending
    EXTEND = "extend"  # a follow-up confirmed commit
    COMPLETE = "complete"  # the confirming commit


@dataclass(frozen=True, slots=True)
class ConfirmNotice:
    """One event for observers (notifications). ``origin`` is absent for a timeout; ``timeout_s`` is given
    for start and extend."""

    event: ConfirmEvent
    kind: PendingKind
    origin: Origin | None
    timeout_s: int | None = None


class ConfirmError(Exception):
    """A confirmed-commit request was refused; ``errors`` say why (nothing changed)."""

    def __init__(self, error: DataError) -> None:
        super().__init__(error.message)
        self.errors = (error,)


@dataclass(slots=True)
class Pending:
    """The change waiting for confirmation."""

    kind: PendingKind
    backup: etree._Element  # running as it was before the first confirmed commit
    origin: Origin  # who issued the latest (confirmed) commit
    session_id: int | None  # the session whose end reverts it (None: survives every session)
    persist: str | None  # the persist token (RFC 6241 §8.4.5.1)
    timeout_s: float
    idle: bool = False  # the timer restarts on every configuration change (timed rollback "idle" mode)
    handle: Cancellable | None = field(default=None, repr=False)


def _refuse(tag: str, message: str, *, element: str | None = None, session_id: int | None = None) -> ConfirmError:
    info: list[tuple[str, str]] = []
    if element is not None:
        info.append(("bad-element", element))
    if session_id is not None:
        info.append(("session-id", str(session_id)))
    return ConfirmError(DataError(tag, message, info=tuple(info), error_type="protocol"))


class ConfirmedCommit:
    """The pending confirmed commit or timed rollback of one device (at most one at a time)."""

    def __init__(
        self, scheduler: Scheduler, revert: Callable[[Pending, ConfirmEvent, Origin | None], Coroutine[Any, Any, None]]
    ) -> None:
        """``revert(pending, event, origin)`` commits ``pending.backup`` as running if ``pending`` is still the
        pending change when its turn comes, then calls :meth:`finish`."""
        self._scheduler = scheduler
        self._revert = revert
        self._reverting: set[asyncio.Task[None]] = set()
        self._pending: Pending | None = None
        self.listeners: list[Callable[[ConfirmNotice], None]] = []

    @property
    def pending(self) -> Pending | None:
        """The change waiting for confirmation, if any (read-only use)."""
        return self._pending

    # -- NETCONF confirmed commit ---------------------------------------------------------------------------
    def check_commit(self, session_id: int, *, confirmed: bool, persist_id: str | None) -> Plan:
        """What a ``<commit>`` from ``session_id`` means now; raises ConfirmError if it must be refused."""
        p = self._pending
        if p is None or p.kind != CONFIRMED_COMMIT:
            if persist_id is not None:
                raise _refuse(
                    "invalid-value",
                    "no persistent confirmed commit is pending (persist-id does not match)",
                    element="persist-id",
                )
            if p is not None and confirmed:
                raise _refuse(
                    "in-use",
                    "a timed rollback is pending; confirm or revert it before a confirmed commit",
                    element="confirmed",
                )
            return Plan.START if confirmed else Plan.PLAIN
        if p.persist is not None:
            if persist_id != p.persist:
                raise _refuse(
                    "invalid-value",
                    "a persistent confirmed commit is pending; give its persist-id"
                    if persist_id is None
                    else "persist-id does not match the pending confirmed commit",
                    element="persist-id",
                )
        else:
            if persist_id is not None:
                raise _refuse(
                    "invalid-value",
                    "the pending confirmed commit is not persistent (persist-id does not match)",
                    element="persist-id",
                )
            if session_id != p.session_id:
                raise _refuse(
                    "operation-failed",
                    f"a confirmed commit of session {p.session_id} is pending; only that session can confirm "
                    "or extend it",
                    session_id=p.session_id,
                )
        return Plan.EXTEND if confirmed else Plan.COMPLETE

    def committed(
        self,
        plan: Plan,
        *,
        backup: etree._Element | None,
        origin: Origin,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        persist: str | None = None,
        kind: PendingKind = CONFIRMED_COMMIT,
    ) -> None:
        """Record a commit that succeeded under ``plan`` (``backup``: running just before it; needed only when a
        change starts or extends waiting, and a caller that keeps it otherwise keeps a dead tree alive)."""
        if plan is Plan.PLAIN:
            return
        if plan is Plan.COMPLETE:
            p = self._clear()
            self._emit(ConfirmEvent.COMPLETE, p.kind if p else kind, origin)
            return
        tied = None if persist is not None or kind != CONFIRMED_COMMIT else origin.session_id
        if plan is Plan.START or self._pending is None:
            assert backup is not None, "a change that starts waiting needs the configuration to revert to"
            self._pending = Pending(kind, backup, origin, tied, persist, timeout_s)
            event = ConfirmEvent.START
        else:
            self._pending = replace(
                self._pending, origin=origin, session_id=tied, persist=persist, timeout_s=timeout_s, idle=False
            )
            event = ConfirmEvent.EXTEND
        self._schedule()
        self._emit(event, kind, origin, timeout_s)

    def check_cancel(self, session_id: int, persist_id: str | None) -> None:
        """Refuse a ``<cancel-commit>`` that does not match the pending confirmed commit."""
        p = self._pending
        if p is None or p.kind != CONFIRMED_COMMIT:
            raise _refuse("invalid-value", "no confirmed commit is pending", element="cancel-commit")
        if p.persist is not None:
            if persist_id != p.persist:
                raise _refuse(
                    "invalid-value",
                    "a persistent confirmed commit is pending; give its persist-id"
                    if persist_id is None
                    else "persist-id does not match the pending confirmed commit",
                    element="persist-id",
                )
        elif persist_id is not None:
            raise _refuse(
                "invalid-value",
                "the pending confirmed commit is not persistent (persist-id does not match)",
                element="persist-id",
            )
        elif session_id != p.session_id:
            raise _refuse(
                "operation-failed",
                f"a confirmed commit of session {p.session_id} is pending; only that session can cancel it",
                session_id=p.session_id,
            )

    def cancelled(self, origin: Origin) -> None:
        """The store reverted running to the backup on request (``<cancel-commit>``, or a timed rollback
        triggered at once): nothing is pending any more."""
        p = self._clear()
        if p is not None:
            self._emit(ConfirmEvent.CANCEL, p.kind, origin)

    def session_ended(self, session_id: int) -> None:
        """A session closed: its non-persistent confirmed commit reverts (RFC 6241 §8.4.1)."""
        p = self._pending
        if p is None or p.kind != CONFIRMED_COMMIT or p.session_id is None or p.session_id != session_id:
            return
        log.info("session %d closed with an unconfirmed commit; restoring the previous configuration", session_id)
        self._start_revert(p, ConfirmEvent.CANCEL, p.origin)

    # -- timed rollback (device operations) -----------------------------------------------------------------
    def check_timed(self) -> Plan:
        """Whether a timed replace may start now: START, or EXTEND if a timed rollback already waits."""
        p = self._pending
        if p is None:
            return Plan.START
        if p.kind == TIMED_ROLLBACK:
            return Plan.EXTEND
        raise _refuse(
            "in-use",
            f"a confirmed commit of session {p.session_id or p.origin.session_id} is pending",
            session_id=p.session_id or p.origin.session_id,
        )

    def timed(self) -> Pending:
        """The pending timed rollback; raises ConfirmError when there is none."""
        p = self._pending
        if p is None or p.kind != TIMED_ROLLBACK:
            raise _refuse("operation-failed", "No Rollback Confirmed Change pending")
        return p

    def confirm_timed(self, origin: Origin) -> None:
        """Keep the replaced configuration: the timed rollback is confirmed."""
        p = self.timed()
        self._clear()
        self._emit(ConfirmEvent.COMPLETE, p.kind, origin)

    def reset_timed(self, timeout_s: float, *, idle: bool, origin: Origin) -> None:
        """Restart the timed rollback's timer with ``timeout_s``; in idle mode it also restarts on every
        configuration change."""
        p = self.timed()
        p.timeout_s = timeout_s
        p.idle = idle
        self._schedule()
        self._emit(ConfirmEvent.EXTEND, p.kind, origin, int(timeout_s))

    def activity(self) -> None:
        """Running changed: an idle-mode timer starts over."""
        p = self._pending
        if p is not None and p.idle:
            self._schedule()

    # -- internals ------------------------------------------------------------------------------------------
    def _schedule(self) -> None:
        p = self._pending
        assert p is not None
        if p.handle is not None:
            p.handle.cancel()
        p.handle = self._scheduler.call_later(p.timeout_s, self._expired)

    def _expired(self) -> None:
        p = self._pending
        if p is None:
            return
        log.info("%s not confirmed within %gs; restoring the previous configuration", p.kind, p.timeout_s)
        self._start_revert(p, ConfirmEvent.TIMEOUT, None)

    def _start_revert(self, p: Pending, event: ConfirmEvent, origin: Origin | None) -> None:
        """Revert ``p`` in a task: the timer and a closing session are no request that could wait for it."""
        task = asyncio.get_running_loop().create_task(self._revert(p, event, origin))
        self._reverting.add(task)
        task.add_done_callback(self._reverting.discard)

    def finish(self, p: Pending, event: ConfirmEvent, origin: Origin | None) -> None:
        """The store ran the revert of ``p`` (or failed to, and logged why): ``p`` is over either way, since
        waiting longer could not make the old configuration acceptable."""
        if self._pending is p:
            self._clear()
            self._emit(event, p.kind, origin)

    def retry(self, p: Pending) -> None:
        """The revert of ``p`` could not be written (a full or read-only disk): ``p`` stays pending, with its
        backup, and is tried again after its timeout."""
        if self._pending is p:
            self._schedule()

    async def settle(self) -> None:
        """Wait for the reverts in flight (a device stopping, a test checking their outcome)."""
        while self._reverting:
            await asyncio.gather(*self._reverting, return_exceptions=True)

    def _clear(self) -> Pending | None:
        p, self._pending = self._pending, None
        if p is not None and p.handle is not None:
            p.handle.cancel()
        return p

    def _emit(
        self, event: ConfirmEvent, kind: PendingKind, origin: Origin | None, timeout_s: float | None = None
    ) -> None:
        notice = ConfirmNotice(event, kind, origin, int(timeout_s) if timeout_s is not None else None)
        for listener in self.listeners:
            try:
                listener(notice)
            except Exception:
                log.exception("confirmed-commit listener failed")
