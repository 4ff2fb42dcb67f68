"""A listener that follows the running configuration: the part the NETCONF switch (``netconf-yang``), the
RESTCONF service (``restconf`` + ``ip http secure-server``) and the gNMI service (``gnmi-yang``) share.

Why: whichever face commits the line that turns a server on or off, the commit listener must only schedule the
change (the reply to that commit is queued first; starting or stopping a server is asynchronous), and changes
must apply one at a time so commits in a row end in the state of the last. The subclass says what it wants
(a view of a tree), whether it listens now, and how :meth:`sync` moves it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from lxml import etree

from iosxe_agent.datastore.transaction import Transaction


class ConfigFollower:
    """Schedules :meth:`sync` when a commit changes what the configuration wants; :meth:`sync` runs under
    ``_lock``, only between the device's start and stop (``_active``)."""

    def __init__(self, running: Callable[[], etree._Element], wants: Callable[[etree._Element], bool]) -> None:
        self._running = running
        self._wants = wants
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()
        self._active = False  # between start() and stop(): commits move the listener

    @property
    def listening(self) -> bool:
        raise NotImplementedError

    def wanted(self) -> bool:
        """True when the server should run now: the device runs and running asks for it."""
        return self._active and self._wants(self._running())

    def on_commit(self, txn: Transaction) -> None:
        """A commit listener: follow a change of what the configuration wants."""
        if self._active and self._wants(txn.new) != self.listening:
            task = asyncio.get_running_loop().create_task(self.sync())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def sync(self) -> None:
        raise NotImplementedError


class ServiceFollower(ConfigFollower):
    """A follower that needs nothing from the device to start (RESTCONF, gNMI): it binds its own ports in
    :meth:`sync`, so starting and stopping is only opening and closing the window in which commits move it."""

    async def start(self) -> None:
        """Begin following the configuration (the device starts)."""
        self._active = True
        await self.sync()

    async def stop(self) -> None:
        """Stop for good (the device stops): whatever runs is shut."""
        self._active = False
        await self.sync()
