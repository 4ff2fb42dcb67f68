"""One owner per state directory: the running agent, or ``--recover-admin`` while the agent is stopped.

Two processes writing the same startup-config would lose each other's changes, and a recovery done behind a
running agent's back would be overwritten by its next save. The owner holds an exclusive ``flock`` on
``agent.lock`` in the state directory (its process id written inside, for the message). The kernel drops the
lock when the process ends however it ends (even SIGKILL), so a crash never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

LOCK_NAME = "agent.lock"


class StateBusy(Exception):
    """Another process owns the state directory; the message names it."""


class StateLock:
    """The exclusive ownership of one state directory (a context manager)."""

    def __init__(self, state_dir: Path) -> None:
        self.path = state_dir / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock now or raise StateBusy naming the process that holds it."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise StateBusy(f"an agent (pid {holder}) is running on {self.path.parent}; stop it first") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        """Give the lock up (closing the descriptor drops the flock)."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> StateLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
