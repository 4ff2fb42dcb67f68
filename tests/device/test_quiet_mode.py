"""Login quiet mode (``login block-for``) as pure logic: an injected clock and timer, no sleeping."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from lxml import etree
from namespaces import IOS

from iosxe_agent.cli import show
from iosxe_agent.device import views
from iosxe_agent.device.aaa.quiet_mode import Attempt, QuietMode, at_time
from iosxe_agent.device.views import LoginPolicy

WALL0 = 1_294_000_000.0  # Sun Jan 02 2011 20:26:40 UTC
BAD = Attempt("attacker", "127.0.0.9", 22)


@dataclass
class Clock:
    """Monotonic time the test moves, and a timer that fires when the test advances past it."""

    now: float = 1000.0
    timers: list[tuple[float, Callable[[], None]]] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def wall(self) -> float:
        return WALL0 + (self.now - 1000.0)

    def schedule(self, delay: float, callback: Callable[[], None]) -> _Handle:
        handle = _Handle(self, (self.now + delay, callback))
        self.timers.append(handle.entry)
        return handle

    def advance(self, seconds: float) -> None:
        self.now += seconds
        for entry in sorted(self.timers, key=lambda e: e[0]):
            if entry[0] <= self.now and entry in self.timers:
                self.timers.remove(entry)
                entry[1]()


@dataclass
class _Handle:
    clock: Clock
    entry: tuple[float, Callable[[], None]]

    def cancel(self) -> None:
        if self.entry in self.clock.timers:
            self.clock.timers.remove(self.entry)


def make(policy: LoginPolicy) -> tuple[QuietMode, Clock, list[str], list[LoginPolicy]]:
    clock = Clock()
    messages: list[str] = []
    current = [policy]
    quiet = QuietMode(lambda: current[0], clock=clock, wall=clock.wall, emit=messages.append, schedule=clock.schedule)
    return quiet, clock, messages, current


BLOCK = LoginPolicy(block_for=100, attempts=3, within=60)


def test_n_failures_within_the_window_start_quiet_mode_and_it_ends_on_its_own() -> None:
    quiet, clock, messages, _ = make(BLOCK)
    quiet.failed(BAD)
    clock.advance(10)
    quiet.failed(BAD)
    assert not quiet.refuses() and messages == []
    clock.advance(17)
    quiet.failed(BAD)  # the 3rd failure, 27 s into the 60 s window: 33 s were left
    assert quiet.refuses()
    assert messages == [
        "%SEC_LOGIN-1-QUIET_MODE_ON: Still timeleft for watching failures is 33 secs, [user: attacker] "
        "[Source: 127.0.0.9] [localport: 22] [Reason: Login Authentication Failed] [ACL: sl_def_acl] at "
        f"{at_time(WALL0 + 27)}"
    ]
    clock.advance(99.5)
    assert quiet.refuses()
    clock.advance(0.5)  # the timer fires: the message comes without any login attempt
    assert messages[-1] == (
        f"%SEC_LOGIN-5-QUIET_MODE_OFF: Quiet Mode is OFF, because block period timed out at {at_time(WALL0 + 127)}"
    )
    assert not quiet.refuses()
    assert quiet.status().failures == 0


def test_failures_in_separate_windows_do_not_add_up() -> None:
    quiet, clock, messages, _ = make(BLOCK)
    quiet.failed(BAD)
    quiet.failed(BAD)
    clock.advance(60)  # a new watch window
    quiet.failed(BAD)
    assert not quiet.refuses()
    assert quiet.status().failures == 1
    assert quiet.status().remaining == 60
    assert messages == []


def test_failures_while_quiet_are_neither_counted_nor_logged() -> None:
    quiet, clock, messages, _ = make(LoginPolicy(block_for=5, attempts=1, within=60, failure_log_every=1))
    quiet.failed(BAD)
    assert quiet.refuses() and len(messages) == 2  # LOGIN_FAILED and QUIET_MODE_ON
    quiet.failed(BAD)
    assert len(messages) == 2
    clock.advance(5)
    assert messages[-1].startswith("%SEC_LOGIN-5-QUIET_MODE_OFF")


def test_without_block_for_nothing_is_refused() -> None:
    quiet, _clock, messages, _ = make(LoginPolicy())
    for _ in range(50):
        quiet.failed(BAD)
    assert not quiet.refuses() and messages == [] and quiet.delay == 0


def test_removing_block_for_ends_quiet_mode_and_a_new_one_starts_afresh() -> None:
    quiet, clock, _messages, policy = make(LoginPolicy(block_for=300, attempts=1, within=60))
    quiet.failed(BAD)
    assert quiet.refuses()
    policy[0] = LoginPolicy()
    assert not quiet.refuses()
    policy[0] = LoginPolicy(block_for=300, attempts=2, within=60)
    quiet.failed(BAD)
    assert not quiet.refuses()
    assert clock.timers == []  # the first period's timer was cancelled


def test_a_late_call_notices_the_end_without_a_timer() -> None:
    clock = Clock()
    messages: list[str] = []
    quiet = QuietMode(lambda: BLOCK, clock=clock, wall=clock.wall, emit=messages.append)
    for _ in range(3):
        quiet.failed(BAD)
    clock.now += 500
    assert not quiet.refuses()
    assert messages[-1].endswith(f"timed out at {at_time(WALL0 + 100)}")  # when it ended, not when noticed


def test_on_failure_and_on_success_logging_every_n() -> None:
    quiet, _clock, messages, _ = make(LoginPolicy(failure_log_every=2, success_log_every=1))
    good = Attempt("admin", "127.0.0.1", 830)
    quiet.failed(BAD)
    quiet.failed(BAD)
    quiet.succeeded(good)
    assert messages == [
        "%SEC_LOGIN-4-LOGIN_FAILED: Login failed [user: attacker] [Source: 127.0.0.9] [localport: 22] "
        f"[Reason: Login Authentication Failed] at {at_time(WALL0)}",
        f"%SEC_LOGIN-5-LOGIN_SUCCESS: Login Success [user: admin] [Source: 127.0.0.1] [localport: 830] at "
        f"{at_time(WALL0)}",
    ]


def test_at_time_is_the_ios_form() -> None:
    assert at_time(1_293_982_765.0) == "15:39:25 UTC Sun Jan 02 2011"


@pytest.mark.parametrize(
    ("delay", "block", "expected"),
    [(None, False, 0), (None, True, 1), (5, True, 5), (3, False, 3)],
)
def test_login_delay(delay: int | None, block: bool, expected: int) -> None:
    policy = LoginPolicy(block_for=10 if block else None, attempts=1, within=1, delay=delay)
    assert policy.effective_delay == expected


def test_policy_from_running() -> None:
    running = etree.fromstring(
        f'<data><native xmlns="{IOS}"><login><delay>2</delay><on-failure><log/></on-failure>'
        "<on-success><log><every>5</every></log></on-success>"
        "<block-config><block-for>100</block-for><attempts>3</attempts><within>60</within></block-config>"
        "</login></native></data>"
    )
    assert views.login(running) == LoginPolicy(100, 3, 60, 2, 1, 5)
    assert views.login(etree.fromstring(f'<data><native xmlns="{IOS}"/></data>')) == LoginPolicy()


def test_show_login_states() -> None:
    quiet, clock, _, policy = make(LoginPolicy())
    assert show.show_login(quiet.status()) == (
        "     No login delay has been applied.\n"
        "     No Quiet-Mode access list has been configured.\n"
        "\n"
        "     Router NOT enabled to watch for login Attacks"
    )
    policy[0] = LoginPolicy(block_for=100, attempts=2, within=100, failure_log_every=1, success_log_every=1)
    quiet.failed(BAD)
    clock.advance(5)
    assert show.show_login(quiet.status()) == (
        "     A default login delay of 1 seconds is applied.\n"
        "     No Quiet-Mode access list has been configured.\n"
        "     All successful login is logged.\n"
        "     All failed login is logged.\n"
        "\n"
        "     Router enabled to watch for login Attacks.\n"
        "     If more than 2 login failures occur in 100 seconds or less,\n"
        "     logins will be disabled for 100 seconds.\n"
        "\n"
        "     Router presently in Normal-Mode.\n"
        "     Current Watch Window remaining time 95 seconds.\n"
        "     Present login failure count 1."
    )
    quiet.failed(BAD)
    clock.advance(7)
    assert show.show_login(quiet.status()).endswith(
        "     Router presently in Quiet-Mode.\n"
        "     Will remain in Quiet-Mode for 93 seconds.\n"
        "     Denying logins from all sources."
    )
