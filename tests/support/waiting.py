"""Waiting for a condition in tests when no event announces it.

Prefer an event (``AgentProcess.wait_for_output`` on the agent's log line, an asyncssh or ncclient callback, a
socket's accept): a poll is for state that nobody announces, such as a file a peer writes or a value read back
over NETCONF. The poll is short, so a test takes as long as the agent, never a fixed sleep.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

#: how often a poll looks again: short against the waits tests measure, long against one NETCONF round trip
POLL_S = 0.05


def until(predicate: Callable[[], bool], timeout: float = 20.0, every: float = POLL_S) -> bool:
    """True as soon as ``predicate()`` is; False if it is still false after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() >= deadline:
            return False
        time.sleep(every)
    return True


async def until_async(predicate: Callable[[], bool | Awaitable[bool]], timeout: float = 20.0) -> bool:
    """:func:`until` for a test's event loop (the predicate may be a coroutine function)."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if await result if isinstance(result, Awaitable) else result:
            return True
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(POLL_S)
