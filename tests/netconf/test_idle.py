"""The session's idle clock (``idle_timeout_s``), in-process on a clock the test moves.

Requests only move a deadline and one timer per session re-checks it when it fires (``NetconfSession._arm_idle``);
these tests pin down that the session still ends exactly one idle time after its last request, follows a lowered
limit at once, and spares an exempt (subscribed) session for another idle time each time it is due.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import pytest
from capture_transport import Capture
from framing import chunk
from get_only_session import get_only_session
from namespaces import NC

from iosxe_agent.limits import Limits
from iosxe_agent.netconf.session import BASE_11, NetconfSession

HELLO = f'<hello xmlns="{NC}"><capabilities><capability>{BASE_11}</capability></capabilities></hello>]]>]]>'
GET = f'<rpc xmlns="{NC}" message-id="%d"><get-config><source><running/></source></get-config></rpc>'


class Clock:
    """The event loop's clock, moved by the test (timers fire when the loop next looks)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.now = loop.time()
        self.start = self.now

    def __call__(self) -> float:
        return self.now

    async def at(self, seconds: float) -> None:
        """Move to ``seconds`` after the start and let every timer now due run."""
        self.now = self.start + seconds
        for _ in range(20):
            await asyncio.sleep(0)


@pytest.fixture
async def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    loop = asyncio.get_running_loop()
    fake = Clock(loop)
    monkeypatch.setattr(loop, "time", fake)
    return fake


@pytest.fixture
def session(helpers: Any) -> tuple[NetconfSession, Capture]:
    capture = Capture()
    return get_only_session(helpers, Limits(idle_timeout_s=100, hello_timeout_s=0), capture), capture


async def answered(s: NetconfSession, capture: Capture, message_id: int) -> None:
    """Send one request and wait for its reply (the worker re-arms the clock after replying)."""
    s.data_received(chunk((GET % message_id).encode()))
    async with asyncio.timeout(10):
        while f'message-id="{message_id}"'.encode() not in capture.sent:
            await asyncio.sleep(0)


async def test_the_session_ends_one_idle_time_after_its_last_request(
    clock: Clock, session: tuple[NetconfSession, Capture]
) -> None:
    s, capture = session
    s.start()
    s.data_received(HELLO.encode())
    await clock.at(60)
    await answered(s, capture, 1)  # the deadline moves to 160; the timer set at the hello still says 100
    await clock.at(110)
    assert not capture.closed  # the timer fired at 100, found activity and waits for the rest
    await clock.at(159.5)
    assert not capture.closed
    await clock.at(160.5)
    assert capture.closed and s.termination_reason == "timeout"
    s.connection_lost()


async def test_a_lowered_idle_time_applies_from_the_next_request(
    clock: Clock, session: tuple[NetconfSession, Capture]
) -> None:
    s, capture = session
    s.start()
    s.data_received(HELLO.encode())  # idle at 100
    s.services.limits = dataclasses.replace(s.services.limits, idle_timeout_s=10)
    await clock.at(5)
    await answered(s, capture, 1)  # idle at 15, earlier than the timer already set
    await clock.at(14.5)
    assert not capture.closed
    await clock.at(15.5)
    assert capture.closed and s.termination_reason == "timeout"
    s.connection_lost()


async def test_an_exempt_session_is_looked_at_again_one_idle_time_later(
    clock: Clock, session: tuple[NetconfSession, Capture]
) -> None:
    s, capture = session
    exempt = [True]
    s.services.idle_exemptions.append(lambda session_id: exempt[0])
    s.start()
    s.data_received(HELLO.encode())
    await clock.at(100.5)
    assert not capture.closed  # subscribed: spared, looked at again at 200.5
    exempt[0] = False
    await clock.at(200)
    assert not capture.closed
    await clock.at(201)
    assert capture.closed and s.termination_reason == "timeout"
    s.connection_lost()


async def test_no_idle_clock_when_the_limit_is_zero(clock: Clock, session: tuple[NetconfSession, Capture]) -> None:
    s, capture = session
    s.services.limits = dataclasses.replace(s.services.limits, idle_timeout_s=0)
    s.start()
    s.data_received(HELLO.encode())
    await answered(s, capture, 1)
    await clock.at(10**6)
    assert not capture.closed
    s.connection_lost()
