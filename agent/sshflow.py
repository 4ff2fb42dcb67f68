"""SSH channel flow control that really bounds what a peer can make us buffer.

asyncssh (2.24) decrements a channel's receive window when data arrives and, when it delivers data to the
session, tops the window back up to its initial size if it fell below half. Data that arrives while the session
has paused reading waits in the channel's buffer and *has already used window*; but as soon as the session
resumes and the first buffered packet is delivered, the window is refilled in full although the rest of the
buffer is still waiting. A client that writes faster than a session consumes (pasting into a CLI that is busy,
pipelining NETCONF requests) thus gets a fresh window on every pause/resume cycle, and the buffer — and the
agent's memory — grows without bound (measured: ~3 MB/s for as long as the client keeps writing).

:func:`install` wraps the delivery so that the window offered to the peer never exceeds the initial window minus
what is still buffered: undelivered data counts against the window until it is delivered, which is what
RFC 4254 §5.2 flow control intends. Nothing else in asyncssh's behaviour changes. Installed once per process,
before any server starts; idempotent.
"""

from __future__ import annotations

from typing import Any

from asyncssh.channel import SSHChannel

_MARK = "_iosxe_agent_bounded_window"


def _buffered(chan: Any) -> int:
    """Bytes received on ``chan`` but not yet delivered to its session."""
    return sum(len(data) for data, _ in chan._recv_buf)


def install() -> None:
    """Make every asyncssh channel count undelivered data against the peer's window (see the module doc)."""
    original = SSHChannel._deliver_data
    if getattr(original, _MARK, False):
        return

    def deliver(self: Any, data: Any, datatype: Any) -> None:
        # asyncssh refills only below half the window: while the window is above that, nothing needs counting
        # (keeps the per-packet path free of the sum over the buffer)
        refill_due = self._recv_window < self._init_recv_window / 2
        pending = _buffered(self) if refill_due and self._recv_buf else 0
        if not pending:
            original(self, data, datatype)
            return
        # Seen from the window check, buffered bytes are still "window the peer has not used": a refill then
        # offers only init - pending, and what the peer may send plus what waits never exceeds the initial window.
        self._recv_window += pending
        try:
            original(self, data, datatype)
        finally:
            self._recv_window -= pending

    setattr(deliver, _MARK, True)
    SSHChannel._deliver_data = deliver  # type: ignore[method-assign]
