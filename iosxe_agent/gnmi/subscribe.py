"""One gNMI Subscribe stream (gNMI spec §3.5): ONCE, POLL, and STREAM with ON_CHANGE and SAMPLE subscriptions.

- ONCE: the current values of every subscribed path, ``sync_response``, and the stream ends.
- POLL: the same, then again for each ``poll`` the client sends.
- STREAM: the current values (none with ``updates_only``) and ``sync_response``, then
  ON_CHANGE (and TARGET_DEFINED, which is ON_CHANGE for configuration) paths get a notification for each commit
  that changes something under them, whichever face made it (the device's commit listener fans out to every
  open stream: :class:`Subscriptions`); SAMPLE paths get their values every ``sample_interval``, never more often
  than ``Limits.gnmi_min_sample_interval_s`` (0: that bound).

Notifications wait in a bounded queue per stream (``Limits.max_notification_queue``); a client that falls that
far behind has its stream ended with RESOURCE_EXHAUSTED rather than holding the device's memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass

import grpc

from iosxe_agent.datastore.transaction import Transaction
from iosxe_agent.gnmi import mapping
from iosxe_agent.gnmi.api import GnmiApi
from iosxe_agent.gnmi.errors import GnmiFault
from iosxe_agent.gnmi.proto import gnmi_pb2

log = logging.getLogger(__name__)
_LIST = gnmi_pb2.SubscriptionList
Write = Callable[[gnmi_pb2.SubscribeResponse], Awaitable[None]]
_SYNC = gnmi_pb2.SubscribeResponse(sync_response=True)
NS_PER_S = 1_000_000_000


@dataclass(frozen=True, slots=True)
class Sampled:
    """SAMPLE subscriptions sharing one interval."""

    interval_s: float
    targets: tuple[mapping.Target, ...]


class Subscriptions:
    """The open Subscribe streams of one device: bounded in number, fed by every commit."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._open: set[SubscribeStream] = set()

    def __len__(self) -> int:
        return len(self._open)

    def on_commit(self, txn: Transaction) -> None:
        """A commit listener: each STREAM subscription queues what changed under its ON_CHANGE paths. A failure
        ends that one stream (INTERNAL) and never reaches the commit, which has happened."""
        for stream in list(self._open):
            try:
                stream.on_commit(txn)
            except Exception:
                log.exception("gNMI: on-change updates failed")
                stream.fail()

    @contextlib.contextmanager
    def opened(self, stream: SubscribeStream) -> Iterator[None]:
        if len(self._open) >= self.limit:
            raise GnmiFault(grpc.StatusCode.RESOURCE_EXHAUSTED, f"at most {self.limit} subscriptions at a time")
        self._open.add(stream)
        try:
            yield
        finally:
            self._open.discard(stream)


class SubscribeStream:
    """One Subscribe RPC after its first request (the subscription list), which the constructor checks."""

    def __init__(self, api: GnmiApi, request: gnmi_pb2.SubscriptionList, write: Write) -> None:
        api.check_encoding(request.encoding)
        api.check_count(len(request.subscription), "subscriptions")
        if not request.subscription:
            raise GnmiFault(grpc.StatusCode.INVALID_ARGUMENT, "a subscription list needs at least one subscription")
        self.api = api
        self.request = request
        self._write = write
        prefix = request.prefix if request.HasField("prefix") else None
        self.targets = api.resolve(prefix, [s.path for s in request.subscription])
        self.on_change: tuple[mapping.Target, ...] = ()
        self.sampled: tuple[Sampled, ...] = ()
        if request.mode == _LIST.STREAM:
            self._stream_modes()
        self._queue: asyncio.Queue[gnmi_pb2.SubscribeResponse] = asyncio.Queue(api.limits.max_notification_queue)
        #: why the stream must end (True: the client closed its side), checked by the writer after each wake-up
        self._end: GnmiFault | bool | None = None

    def _stream_modes(self) -> None:
        """Split the STREAM subscriptions into ON_CHANGE paths and SAMPLE paths grouped by interval."""
        floor = self.api.limits.gnmi_min_sample_interval_s
        on_change: list[mapping.Target] = []
        sampled: dict[float, list[mapping.Target]] = {}
        for sub, target in zip(self.request.subscription, self.targets, strict=True):
            if sub.mode == gnmi_pb2.SAMPLE:
                sampled.setdefault(max(sub.sample_interval / NS_PER_S, floor), []).append(target)
            else:  # ON_CHANGE, and TARGET_DEFINED: configuration changes are events
                on_change.append(target)
        self.on_change = tuple(on_change)
        self.sampled = tuple(Sampled(k, tuple(v)) for k, v in sorted(sampled.items()))

    # -- the modes ----------------------------------------------------------------------------------------------------
    async def run(self, requests: AsyncIterator[gnmi_pb2.SubscribeRequest]) -> None:
        """Serve the stream until it is done (ONCE) or the client closes its side or cancels (POLL, STREAM)."""
        mode = self.request.mode
        if mode not in (_LIST.ONCE, _LIST.POLL, _LIST.STREAM):
            raise GnmiFault(grpc.StatusCode.INVALID_ARGUMENT, f"unknown subscription mode {mode}")
        await self._initial()
        if mode == _LIST.POLL:
            async for request in requests:
                if not request.HasField("poll"):
                    raise GnmiFault(grpc.StatusCode.INVALID_ARGUMENT, "a POLL subscription takes only poll requests")
                await self._current(self.targets)
        elif mode == _LIST.STREAM:
            await self._stream(requests)

    async def _initial(self) -> None:
        if not self.request.updates_only:
            await self._current(self.targets)
        else:
            await self._write(_SYNC)

    async def _current(self, targets: tuple[mapping.Target, ...] | list[mapping.Target]) -> None:
        """The values at ``targets`` now, then ``sync_response``."""
        for note in self.api.snapshot(targets, config_only=False):
            await self._write(gnmi_pb2.SubscribeResponse(update=note))
        await self._write(_SYNC)

    async def _stream(self, requests: AsyncIterator[gnmi_pb2.SubscribeRequest]) -> None:
        """Send what is queued until the client closes its side (pygnmi's ``close()``) or cancels the call."""
        tasks = [asyncio.create_task(self._sample(group)) for group in self.sampled]
        tasks.append(asyncio.create_task(self._until_closed(requests)))
        try:
            while True:
                response = await self._queue.get()
                if self._end is not None:
                    if isinstance(self._end, GnmiFault):
                        raise self._end
                    return
                await self._write(response)
        finally:
            for task in tasks:
                task.cancel()

    async def _until_closed(self, requests: AsyncIterator[gnmi_pb2.SubscribeRequest]) -> None:
        """Wait for the end of the client's side: the stream ends with it (a request there is refused)."""
        try:
            async for _ in requests:
                self._finish(GnmiFault(grpc.StatusCode.INVALID_ARGUMENT, "a STREAM subscription takes no requests"))
                return
        except GnmiFault as fault:  # a malformed message
            self._finish(fault)
            return
        self._finish(True)

    async def _sample(self, group: Sampled) -> None:
        try:
            while True:
                await asyncio.sleep(group.interval_s)
                for note in self.api.snapshot(group.targets, config_only=False):
                    self._put(gnmi_pb2.SubscribeResponse(update=note))
        except Exception:
            log.exception("gNMI: sampling failed")
            self.fail()

    def fail(self) -> None:
        """End the stream with INTERNAL (a bug of ours, logged by the caller)."""
        self._finish(GnmiFault(grpc.StatusCode.INTERNAL, "internal error; see the agent log"))

    def on_commit(self, txn: Transaction) -> None:
        """Queue the changes of ``txn`` under the ON_CHANGE paths (called by the device's commit listener)."""
        if not self.on_change or self._end is not None:
            return
        updates, deletes = mapping.changed_updates(txn, self.on_change, self.api.schema)
        if updates or deletes:
            self._put(
                gnmi_pb2.SubscribeResponse(update=mapping.notification(updates, deletes, timestamp_ns=time.time_ns()))
            )

    def _put(self, response: gnmi_pb2.SubscribeResponse) -> None:
        try:
            self._queue.put_nowait(response)
        except asyncio.QueueFull:
            self._finish(GnmiFault(grpc.StatusCode.RESOURCE_EXHAUSTED, "the client reads too slowly"))

    def _finish(self, why: GnmiFault | bool) -> None:
        """End the stream for ``why``: the writer wakes up (one queued message makes room) and sees it."""
        if self._end is None:
            self._end = why
        if self._queue.full():
            with contextlib.suppress(asyncio.QueueEmpty):
                self._queue.get_nowait()
        self._queue.put_nowait(_SYNC)
