"""IOS login quiet mode (``login block-for S attempts N within T``) and login logging, for both login ports.

Cisco IOS Login Enhancements: failures are counted in a watch window of T seconds that restarts every T seconds
(``show login`` prints the time left in it); the Nth failure of one window puts the whole device in quiet mode
for S seconds, during which every login is refused, whatever its port, user or password. Quiet mode ends by
itself (``%SEC_LOGIN-5-QUIET_MODE_OFF``, logged when the period times out even if nobody tries to log in) and a
fresh watch window starts. ``login delay D`` (1 s by default once ``login block-for`` is configured) holds the
answer to a failed attempt, so one connection cannot guess faster than one password per D seconds;
``login on-failure|on-success log [every N]`` log every (Nth) failure or success.

The configuration is the login view of running (:func:`iosxe_agent.device.views.login`), asked for on every call, so
a commit is in force for the next attempt without any wiring, and a changed ``login block-for`` starts afresh. The
clock, the wall clock (for the ``at HH:MM:SS UTC …`` of the messages) and the timer are parameters, so the logic is
tested without sleeping. ``login quiet-mode access-class`` is not modelled: the agent has no access lists, so quiet
mode always denies logins from all sources (IOS's ``sl_def_acl``).
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from iosxe_agent.device.views import LoginPolicy

if TYPE_CHECKING:
    from iosxe_agent.netconf.server import Authenticator

log = logging.getLogger(__name__)

DEFAULT_ACL = "sl_def_acl"  # the ACL IOS installs for quiet mode when no access-class is configured


class Cancellable(Protocol):
    """What a :data:`Schedule` returns (``asyncio.TimerHandle`` fits)."""

    def cancel(self) -> None: ...


#: Calls a function after a number of seconds (``loop.call_later``).
Schedule = Callable[[float, Callable[[], None]], Cancellable]


# -- the IOS messages (pure) ------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Attempt:
    """One login attempt: who, from where, to which local port."""

    user: str
    source: str
    local_port: int


def at_time(wall: float) -> str:
    """The ``at`` time of SEC_LOGIN messages: ``15:39:25 UTC Sun Jan 02 2011``."""
    return datetime.fromtimestamp(wall, UTC).strftime("%H:%M:%S UTC %a %b %d %Y")


def _who(attempt: Attempt) -> str:
    return f"[user: {attempt.user}] [Source: {attempt.source}] [localport: {attempt.local_port}]"


def login_failed_message(attempt: Attempt, wall: float) -> str:
    """``%SEC_LOGIN-4-LOGIN_FAILED`` (``login on-failure log``)."""
    return (
        f"%SEC_LOGIN-4-LOGIN_FAILED: Login failed {_who(attempt)} [Reason: Login Authentication Failed] "
        f"at {at_time(wall)}"
    )


def login_success_message(attempt: Attempt, wall: float) -> str:
    """``%SEC_LOGIN-5-LOGIN_SUCCESS`` (``login on-success log``)."""
    return f"%SEC_LOGIN-5-LOGIN_SUCCESS: Login Success {_who(attempt)} at {at_time(wall)}"


def quiet_on_message(timeleft: int, attempt: Attempt, wall: float) -> str:
    """``%SEC_LOGIN-1-QUIET_MODE_ON``: the failure that started quiet mode, and the watch time it had left."""
    return (
        f"%SEC_LOGIN-1-QUIET_MODE_ON: Still timeleft for watching failures is {timeleft} secs, {_who(attempt)} "
        f"[Reason: Login Authentication Failed] [ACL: {DEFAULT_ACL}] at {at_time(wall)}"
    )


def quiet_off_message(wall: float) -> str:
    """``%SEC_LOGIN-5-QUIET_MODE_OFF``."""
    return f"%SEC_LOGIN-5-QUIET_MODE_OFF: Quiet Mode is OFF, because block period timed out at {at_time(wall)}"


# -- the state machine ------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class QuietStatus:
    """What ``show login`` prints: the policy, the mode, the seconds the mode has left and the failure count."""

    policy: LoginPolicy
    quiet: bool = False
    remaining: int = 0
    failures: int = 0


class QuietMode:
    """One device's login watch: counts failures of every login port and refuses logins while quiet.

    ``policy`` returns the current :class:`LoginPolicy` (the device reads running); ``clock`` is monotonic
    seconds, ``wall`` epoch seconds (message times), ``emit`` receives each IOS message, ``schedule`` (e.g.
    ``loop.call_later``) ends quiet mode on time; without one, the end is noticed at the next call.
    """

    def __init__(
        self,
        policy: Callable[[], LoginPolicy],
        *,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
        emit: Callable[[str], None],
        schedule: Schedule | None = None,
    ) -> None:
        self._policy = policy
        self._clock = clock
        self._wall = wall
        self._emit = emit
        self._schedule = schedule
        self._watched: tuple[int | None, int, int] | None = None  # (block-for, attempts, within) being applied
        self._window_start = 0.0
        self._failures = 0
        self._quiet_until: float | None = None
        self._timer: Cancellable | None = None
        self._failures_seen = 0  # for `login on-failure log every N`
        self._successes_seen = 0

    # -- state --------------------------------------------------------------------------------------------------------
    def _current(self) -> LoginPolicy:
        """The policy, with the state brought up to date: a new block-for starts afresh, an expired quiet period
        ends (with its message), and the watch window rolls over."""
        policy = self._policy()
        now = self._clock()
        watched = (policy.block_for, policy.attempts, policy.within) if policy.watching else None
        if watched != self._watched:
            self._watched = watched
            self._reset(now)
        if not policy.watching:
            return policy
        if self._quiet_until is not None and now >= self._quiet_until:
            ended = self._quiet_until
            self._reset(ended)
            self._emit(quiet_off_message(self._wall() - (now - ended)))
        if self._quiet_until is None and now >= self._window_start + policy.within:
            windows = math.floor((now - self._window_start) / policy.within)
            self._window_start += windows * policy.within
            self._failures = 0
        return policy

    def _reset(self, window_start: float) -> None:
        self._quiet_until = None
        self._failures = 0
        self._window_start = window_start
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _timer_fired(self) -> None:
        self._timer = None
        self._current()
        if self._quiet_until is not None:  # the timer ran a little early: wait for the rest
            self._arm(self._quiet_until - self._clock())

    def _arm(self, delay: float) -> None:
        if self._schedule is not None:
            self._timer = self._schedule(max(0.0, delay), self._timer_fired)

    # -- what the login ports call ----------------------------------------------------------------------------------
    def refuses(self) -> bool:
        """True while quiet mode refuses every login."""
        self._current()
        return self._quiet_until is not None

    def failed(self, attempt: Attempt) -> None:
        """Count a failed login; the Nth failure of the window starts quiet mode. While quiet, logins are refused
        before they are checked, so nothing is counted or logged."""
        policy = self._current()
        if self._quiet_until is not None:
            return
        every = policy.failure_log_every
        if every is not None:
            self._failures_seen += 1
            if self._failures_seen % every == 0:
                self._emit(login_failed_message(attempt, self._wall()))
        if not policy.watching:
            return
        self._failures += 1
        if self._failures < policy.attempts:
            return
        now = self._clock()
        timeleft = max(0, math.ceil(self._window_start + policy.within - now))
        self._quiet_until = now + (policy.block_for or 0)
        self._emit(quiet_on_message(timeleft, attempt, self._wall()))
        self._arm(self._quiet_until - now)

    def succeeded(self, attempt: Attempt) -> None:
        """A login that succeeded (logged with ``login on-success log``)."""
        every = self._current().success_log_every
        if every is not None:
            self._successes_seen += 1
            if self._successes_seen % every == 0:
                self._emit(login_success_message(attempt, self._wall()))

    @property
    def delay(self) -> int:
        """Seconds to hold the answer to a failed attempt (``login delay``)."""
        return self._policy().effective_delay

    def status(self) -> QuietStatus:
        """The state ``show login`` prints."""
        policy = self._current()
        if not policy.watching:
            return QuietStatus(policy)
        now = self._clock()
        if self._quiet_until is not None:
            return QuietStatus(policy, True, max(0, math.ceil(self._quiet_until - now)), self._failures)
        remaining = max(0, math.ceil(self._window_start + policy.within - now))
        return QuietStatus(policy, False, remaining, self._failures)

    def close(self) -> None:
        """Cancel the pending timer (the device is stopping)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


class QuietLogin:
    """A login port's authenticator (NETCONF's, RESTCONF's) behind quiet mode: refused while quiet, failures
    counted and delayed. ``face`` names the port on the operator-log line of a refusal."""

    def __init__(
        self, inner: Authenticator, quiet: QuietMode, local_port: Callable[[], int], face: str = "NETCONF"
    ) -> None:
        self._inner = inner
        self._quiet = quiet
        self._local_port = local_port
        self._face = face

    async def authenticate(self, user: str, password: str, peer: str | None) -> bool:
        """``inner``'s answer, unless quiet mode refuses every login."""
        if self._quiet.refuses():
            log.info("%s login of %r from %s refused: login quiet mode", self._face, user, peer)
            return False
        attempt = Attempt(user, peer or "", self._local_port())
        if await self._inner.authenticate(user, password, peer):
            self._quiet.succeeded(attempt)
            return True
        self._quiet.failed(attempt)
        await asyncio.sleep(self._quiet.delay)
        return False
