"""SSH channel flow control that really bounds what a peer can make us buffer.

asyncssh (2.24) decrements a channel's receive window when data arrives and, when it delivers data to the
session, tops the window back up to its initial size if it fell below half. Data that arrives while the session
has paused reading waits in the channel's buffer and *has already used window*; but as soon as the session
resumes and the first buffered packet is delivered, the window is refilled in full although the rest of the
buffer is still waiting. A client that writes faster than a session consumes (pasting into a CLI that is busy,
pipelining NETCONF requests) thus gets a fresh window on every pause/resume cycle, and the buffer — and the
agent's memory — grows without bound (measured: ~3 MB/s for as long as the client keeps writing).

:func:`install` keeps a running count of the bytes waiting in each channel's buffer (added when a packet is
buffered, taken off when it is delivered from the buffer) and lets the window check see them as unused window:
the window offered to the peer never exceeds the initial window minus what is still buffered, which is what
RFC 4254 §5.2 flow control intends. The count costs O(1) per packet (summing the buffer on each delivery would
be quadratic in the number of buffered packets). Nothing else in asyncssh's behaviour changes. Installed once
per process, before any server starts; idempotent.
"""

from __future__ import annotations

from typing import Any

from asyncssh.channel import SSHChannel

_PENDING = "_iosxe_agent_pending"  # bytes in the channel's receive buffer
_FLUSHING = "_iosxe_agent_flushing"  # True while asyncssh delivers from that buffer


def install() -> None:
    """Make every asyncssh channel count undelivered data against the peer's window (see the module doc)."""
    if getattr(SSHChannel, _PENDING, None) is not None:
        return
    accept, flush, deliver = SSHChannel._accept_data, SSHChannel._flush_recv_buf, SSHChannel._deliver_data

    def accept_counted(self: Any, data: Any, datatype: Any = None) -> None:
        waiting = len(self._recv_buf)
        accept(self, data, datatype)
        if len(self._recv_buf) > waiting:  # buffered, not delivered: it waits for the session to resume
            setattr(self, _PENDING, getattr(self, _PENDING) + len(data))

    def flush_counted(self: Any, exc: Exception | None = None) -> None:
        setattr(self, _FLUSHING, True)
        try:
            flush(self, exc)
        finally:
            setattr(self, _FLUSHING, False)

    def deliver_counted(self: Any, data: Any, datatype: Any) -> None:
        pending = getattr(self, _PENDING)
        if getattr(self, _FLUSHING, False) and pending:  # this packet was just taken from the buffer
            pending = max(0, pending - len(data))
            setattr(self, _PENDING, pending)
        if not pending:
            deliver(self, data, datatype)
            return
        # Seen from the window check, buffered bytes are still "window the peer has not used": a refill then
        # offers only init - pending, and what the peer may send plus what waits never exceeds the initial window.
        self._recv_window += pending
        try:
            deliver(self, data, datatype)
        finally:
            self._recv_window -= pending

    SSHChannel._accept_data = accept_counted  # type: ignore[method-assign]
    SSHChannel._flush_recv_buf = flush_counted  # type: ignore[method-assign]
    SSHChannel._deliver_data = deliver_counted  # type: ignore[method-assign]
    setattr(SSHChannel, _PENDING, 0)  # the class default every channel starts from; also marks installed
