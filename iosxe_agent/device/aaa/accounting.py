"""``aaa accounting exec default start-stop|stop-only|wait-start group G …`` for device SSH sessions.

IOS sends a START record when an exec session begins and a STOP record (with the elapsed time) when it ends,
to the first group whose servers answer. ``start-stop`` does not hold the session up for the START record, so it
is sent in the background; ``wait-start`` waits for it (bounded by the servers' timeouts) before the shell starts.
Records of one session share a task id (TACACS+ ``task_id``, RADIUS ``Acct-Session-Id``).
"""

from __future__ import annotations

import asyncio
import itertools
import logging

from iosxe_agent.datastore.store import Stores
from iosxe_agent.device import views
from iosxe_agent.device.aaa.network import AccountingRecord, NetworkAaa

log = logging.getLogger(__name__)


class ExecAccounting:
    """Accounting of exec sessions: one per device, sharing the server counters."""

    def __init__(self, stores: Stores, network: NetworkAaa) -> None:
        self._stores = stores
        self._network = network
        self._task_ids = itertools.count(1)
        self._pending: set[asyncio.Task[bool]] = set()

    async def _send(self, groups: tuple[str, ...], user: str, record: AccountingRecord, *, start: bool) -> bool:
        aaa = views.aaa(self._stores.running)
        for group in groups:
            if await self._network.account(aaa.group_servers(group), user, start=start, record_args=record):
                return True
        log.warning("no accounting server answered the %s record of %r", "start" if start else "stop", user)
        return False

    def _background(self, groups: tuple[str, ...], user: str, record: AccountingRecord, *, start: bool) -> None:
        task = asyncio.get_running_loop().create_task(self._send(groups, user, record, start=start))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def session_started(self, user: str, port: str, rem_addr: str, privilege: int) -> AccountingRecord | None:
        """Open the session's accounting (None when exec accounting is not configured)."""
        config = views.aaa(self._stores.running).accounting_exec()
        if config is None or not config.groups:
            return None
        record = AccountingRecord(next(self._task_ids), port, rem_addr, privilege)
        if config.action == "wait-start":
            await self._send(config.groups, user, record, start=True)
        elif config.action == "start-stop":
            self._background(config.groups, user, record, start=True)
        return record

    def session_ended(self, user: str, record: AccountingRecord | None) -> None:
        """Send the STOP record of a session that ``session_started`` opened."""
        if record is None:
            return
        config = views.aaa(self._stores.running).accounting_exec()
        if config is None or not config.groups:
            return
        self._background(config.groups, user, record, start=False)

    async def drain(self) -> None:
        """Wait for records still being sent (at shutdown); each is bounded by its servers' timeouts."""
        if self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)
