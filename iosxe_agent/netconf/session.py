"""One NETCONF session: hello exchange, framing switch, rpc parsing and in-order dispatch (RFC 6241/6242).

The session is independent of SSH: it is fed bytes with :meth:`NetconfSession.data_received` and writes bytes
through a :class:`Transport`, so tests and other transports can drive it directly. Requests are queued and
handled one at a time in arrival order (pipelined requests get in-order replies, RFC 6241 §4.1); the queue is
bounded and reading pauses when it is full.

A peer that breaks a size bound gets a ``too-big`` ``<rpc-error>`` naming the limit before the session ends
(other framing damage ends it silently: RFC 6242 has no way to resynchronise a broken stream).
``hello_timeout_s`` ends a session whose hello never completes (a slow-loris hello included) and
``idle_timeout_s``, when set, one that completes no request for that long (however many bytes of an unfinished
one trickle in).

Backpressure: after each reply the worker waits while the peer leaves more than ``max_pending_output_bytes``
unread, and reading stops meanwhile, so a client that pipelines requests and never reads the replies costs a
bounded amount of memory (the transport disconnects it after ``stalled_output_timeout_s``). Messages of
``worker_parse_bytes`` or more are parsed in a worker thread (libxml2 parses without the GIL), so one large
request does not hold up the other sessions.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, cast, runtime_checkable

from lxml import etree

from iosxe_agent.data.tags import tag_of
from iosxe_agent.netconf.capabilities import CANDIDATE
from iosxe_agent.netconf.errors import (
    ErrorTag,
    ErrorType,
    RpcError,
    missing_message_id,
    rpc_attributes,
    rpc_reply,
    rpc_reply_with_errors,
)
from iosxe_agent.netconf.faults import RpcFault, protocol_error
from iosxe_agent.netconf.framing import EOM_DELIMITER, ChunkFramer, EomFramer, Framer, FramingError, FramingTooBig
from iosxe_agent.netconf.notifications import TerminationReason
from iosxe_agent.netconf.ok_reply import ok_reply
from iosxe_agent.netconf.registry import RpcContext
from iosxe_agent.netconf.xmlio import NC_NS, XmlError, parse_message, qn, serialize

if TYPE_CHECKING:
    from iosxe_agent.netconf.services import NetconfServices

log = logging.getLogger(__name__)

BASE_10 = "urn:ietf:params:netconf:base:1.0"
BASE_11 = "urn:ietf:params:netconf:base:1.1"
_RPC = qn(NC_NS, "rpc")
_RPC_REPLY = qn(NC_NS, "rpc-reply")


class Transport(Protocol):
    """The byte pipe under a session (an SSH channel in production)."""

    def write(self, data: bytes) -> None:
        """Send bytes to the peer."""
        ...

    def close(self) -> None:
        """Close the pipe; the session's ``connection_lost`` follows."""
        ...

    def pause_reading(self) -> None:
        """Stop delivering data until resumed (backpressure)."""
        ...

    def resume_reading(self) -> None:
        """Deliver data again."""
        ...


@runtime_checkable
class DrainableTransport(Transport, Protocol):
    """A transport that reports its unsent bytes and can wait for them to drain (the SSH channel does)."""

    def write_buffer_size(self) -> int:
        """Bytes written but not yet sent."""
        ...

    async def drain(self) -> None:
        """Return once the unsent bytes are back under the transport's bound."""
        ...


@dataclass(slots=True)
class SessionStats:
    """Counters that ietf-netconf-monitoring reports per session."""

    in_rpcs: int = 0
    in_bad_rpcs: int = 0
    out_rpc_errors: int = 0
    out_notifications: int = 0


@dataclass(eq=False)
class NetconfSession:
    """Protocol state of one session. ``services`` holds the device's stores, schema and registry."""

    session_id: int
    user: str
    services: NetconfServices
    transport: Transport
    source_host: str | None = None
    login_time: float = field(default_factory=time.time)
    client_capabilities: tuple[str, ...] = ()
    stats: SessionStats = field(default_factory=SessionStats)
    on_close: Callable[[NetconfSession], None] | None = None

    def __post_init__(self) -> None:
        limits = self.services.limits
        self._framer: Framer = EomFramer(limits)
        self._pre_hello = bytearray()
        self._hello_done = False
        self._closing = False
        self._closed = False
        # requests waiting for the worker, oldest first. Not bounded here: one read may complete many small
        # requests at once (an SSH packet can hold hundreds); reading pauses at max_rpc_queue, so at most one
        # read's worth goes past it. The worker waits on ``_wakeup`` only when this is empty: a plain deque and
        # one future cost less per request than an asyncio.Queue, whose bounds and task accounting go unused.
        self._requests: deque[bytes] = deque()
        self._wakeup: asyncio.Future[None] | None = None
        self._paused = False
        self._output_blocked = False
        #: transports without a buffer of their own (test captures) have nothing to wait for; decided once, a
        #: runtime Protocol check costs more than the rest of the per-reply path
        self._drainable = isinstance(self.transport, DrainableTransport)
        self._worker: asyncio.Task[None] | None = None
        self._hello_timer: asyncio.TimerHandle | None = None
        self._idle_timer: asyncio.TimerHandle | None = None
        #: loop time at which the session counts as idle; activity moves only this (see :meth:`_arm_idle`)
        self._idle_deadline = 0.0
        self.after_reply: list[Callable[[], Awaitable[None] | None]] = []
        #: why the session ended (RFC 6470 termination-reason) and who killed it; "dropped" unless close() says
        self.termination_reason: TerminationReason = "dropped"
        self.killed_by: int | None = None
        #: what our hello says, fixed when the session opens: configuration changes reach new sessions only
        self.capabilities: tuple[str, ...] = tuple(self.services.capabilities())

    # -- lifecycle --------------------------------------------------------------------------------------------
    def start(self) -> None:
        """Send our hello and start the request worker."""
        self.transport.write(self._framer.encode(self.hello_bytes()))
        self.services.statistics.in_sessions += 1  # RFC 6022: counted when our hello is sent
        self._worker = asyncio.get_running_loop().create_task(self._run())
        timeout = self.services.limits.hello_timeout_s
        if timeout > 0:
            self._hello_timer = asyncio.get_running_loop().call_later(timeout, self._hello_timeout)

    def hello_bytes(self) -> bytes:
        """Our ``<hello>``: one capability per line, as IOS XE writes it."""
        caps = "".join(f"<capability>{_escape(c)}</capability>\n" for c in self.capabilities)
        return (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<hello xmlns="{NC_NS}">\n<capabilities>\n{caps}'
            f"</capabilities>\n<session-id>{self.session_id}</session-id></hello>"
        ).encode()

    @property
    def candidate(self) -> bool:
        """True if this session's hello announced the candidate datastore (it may use it until it closes)."""
        return CANDIDATE in self.capabilities

    def _hello_timeout(self) -> None:
        if not self._hello_done:
            log.info("session %d: no hello within the time limit; closing", self.session_id)
            self.close("timeout")

    def _arm_idle(self) -> None:
        """(Re)start the idle clock: called when the hello completes and whenever a request is complete.

        It runs twice per request, so it only moves a deadline: the session's one timer stays where it is unless
        the new deadline is earlier (a lowered ``idle_timeout_s``), and when it fires before the deadline it
        re-arms itself for the rest (:meth:`_idle_timeout`). Cancelling and scheduling a timer per request cost
        more than the rest of the request's bookkeeping.
        """
        timeout = self.services.limits.idle_timeout_s
        if timeout <= 0 or self._closing:
            return
        loop = asyncio.get_running_loop()
        deadline = self._idle_deadline = loop.time() + timeout
        timer = self._idle_timer
        if timer is None or deadline < timer.when():
            if timer is not None:
                timer.cancel()
            self._idle_timer = loop.call_at(deadline, self._idle_timeout)

    def _idle_timeout(self) -> None:
        loop = asyncio.get_running_loop()
        if loop.time() < self._idle_deadline:  # there was activity since the timer was set: wait for the rest
            self._idle_timer = loop.call_at(self._idle_deadline, self._idle_timeout)
            return
        self._idle_timer = None
        if any(exempt(self.session_id) for exempt in self.services.idle_exemptions):
            self._arm_idle()  # a subscriber: look again after another idle time
            return
        log.info("session %d: no request within idle_timeout_s; closing", self.session_id)
        self.close("timeout")

    def close(self, reason: TerminationReason = "other", killed_by: int | None = None) -> None:
        """Close the session now (kill-session, errors, shutdown); ``reason`` is the RFC 6470 termination-reason."""
        if self._closed:
            return
        if not self._closing:
            self.termination_reason, self.killed_by = reason, killed_by
        self._closing = True
        self.transport.close()

    def kill(self, by: int) -> None:
        """End this session as ``<kill-session>`` does (RFC 6241 §7.8.9): closed as killed by session ``by``, its
        locks released and its pending changes discarded."""
        self.close("killed", killed_by=by)
        self.services.stores.session_ended(self.session_id)

    def connection_lost(self) -> None:
        """The transport is gone: stop the worker and release what the session held."""
        if self._closed:
            return
        self._closed = True
        for timer in (self._hello_timer, self._idle_timer):
            if timer is not None:
                timer.cancel()
        if self._worker is not None:
            self._worker.cancel()
        self.services.statistics.session_ended(self)
        if self.on_close is not None:
            self.on_close(self)

    @property
    def is_closed(self) -> bool:
        """True once the transport has gone."""
        return self._closed

    # -- input ------------------------------------------------------------------------------------------------
    def data_received(self, data: bytes) -> None:
        """Feed bytes from the peer."""
        if self._closing:
            return
        if not self._hello_done:
            data = self._take_hello(data)
            if not self._hello_done:
                return
        try:
            messages = self._framer.feed(data)
        except FramingError as exc:
            log.info("session %d: framing error (%s); closing", self.session_id, exc)
            if isinstance(exc, FramingTooBig):  # other damage: RFC 6242 cannot resynchronise, so no reply
                self.send(rpc_reply_with_errors([RpcError(ErrorType.RPC, ErrorTag.TOO_BIG, message=str(exc))]))
            self.close()
            return
        if messages:
            self._arm_idle()
            self._requests.extend(messages)
            if self._wakeup is not None and not self._wakeup.done():
                self._wakeup.set_result(None)
        self._set_reading()

    def _set_reading(self) -> None:
        """Read from the peer unless the request queue is full or the peer is not reading our output."""
        paused = self._output_blocked or len(self._requests) >= self.services.limits.max_rpc_queue
        if paused != self._paused:
            self._paused = paused
            if paused:
                self.transport.pause_reading()
            else:
                self.transport.resume_reading()

    def _take_hello(self, data: bytes) -> bytes:
        """Collect the client's EOM-framed hello; return what follows it, to be read with the negotiated framing."""
        self._pre_hello += data
        end = self._pre_hello.find(EOM_DELIMITER)
        if end < 0:
            if len(self._pre_hello) > self.services.limits.max_message_bytes:
                log.info("session %d: hello larger than the message limit; closing", self.session_id)
                self.close("bad-hello")
            return b""
        hello, rest = bytes(self._pre_hello[:end]), bytes(self._pre_hello[end + len(EOM_DELIMITER) :])
        self._pre_hello = bytearray()
        self._handle_hello(hello)
        return rest if not self._closing else b""

    def _handle_hello(self, msg: bytes) -> None:
        try:
            root = parse_message(msg, self.services.limits)
        except XmlError as exc:
            log.info("session %d: bad hello (%s); closing", self.session_id, exc)
            self.close("bad-hello")
            return
        if root.tag != qn(NC_NS, "hello") or root.find(qn(NC_NS, "session-id")) is not None:
            log.info("session %d: first message is not a valid client hello; closing", self.session_id)
            self.close("bad-hello")
            return
        caps = tuple((c.text or "").strip() for c in root.iterfind(f"{{{NC_NS}}}capabilities/{{{NC_NS}}}capability"))
        if BASE_10 not in caps and BASE_11 not in caps:
            log.info("session %d: client offers no common base capability; closing", self.session_id)
            self.close("bad-hello")
            return
        self.client_capabilities = caps
        self._hello_done = True
        if self._hello_timer is not None:
            self._hello_timer.cancel()
        self._arm_idle()
        if BASE_11 in caps:
            self._framer = ChunkFramer(self.services.limits)

    # -- processing -------------------------------------------------------------------------------------------
    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            while not self._requests:
                self._wakeup = loop.create_future()
                await self._wakeup
            msg = self._requests.popleft()
            self._set_reading()
            reply = await self._answer(msg)
            if isinstance(reply, bytes):
                if not self._closed:
                    self._write_message(reply)
            elif reply is not None:
                self.send(reply)
            self._arm_idle()  # a long-running request is not idleness
            for action in self.after_reply:
                result = action()
                if result is not None:
                    await result
            self.after_reply.clear()
            if self._output_backlog():
                await self._wait_for_output()

    def _output_backlog(self) -> bool:
        """True while more than ``max_pending_output_bytes`` are unsent (asked after every reply, and almost
        always False: a plain call, where awaiting a coroutine that returns at once cost more than the test).

        Transports without a buffer of their own (test captures) have nothing to wait for.
        """
        if not self._drainable:
            return False
        transport = cast(DrainableTransport, self.transport)  # checked once in __post_init__
        return transport.write_buffer_size() > self.services.limits.max_pending_output_bytes

    async def _wait_for_output(self) -> None:
        """Backpressure: read nothing until the unsent output is back under the bound (see :meth:`_output_backlog`)."""
        transport = cast(DrainableTransport, self.transport)
        self._output_blocked = True
        self._set_reading()
        try:
            await transport.drain()
        finally:
            self._output_blocked = False
        if not self._closing:
            self._set_reading()

    def send(self, el: etree._Element) -> None:
        """Frame and send one message (a reply or a notification)."""
        if self._closed:
            return
        data = serialize(el)
        limit = self.services.limits.max_reply_bytes
        if len(data) > limit and el.tag == _RPC_REPLY:
            log.warning("session %d: reply of %d bytes over max_reply_bytes", self.session_id, len(data))
            message = f"the reply of {len(data)} bytes exceeds the limit of {limit} (max_reply_bytes)"
            err = RpcError(ErrorType.APPLICATION, ErrorTag.TOO_BIG, message=message)
            data = serialize(rpc_reply_with_errors([err], rpc_attributes(el), el.nsmap))
        self._write_message(data)

    def _write_message(self, data: bytes) -> None:
        """Frame and send one serialised message."""
        try:
            framed = self._framer.encode(data)
        except ValueError:  # a 1.0 message containing "]]>]]>" cannot be framed; never send a corrupt stream
            log.error("session %d: reply cannot be framed with end-of-message framing; closing", self.session_id)
            self.close()
            return
        self.transport.write(framed)

    async def handle_message(self, msg: bytes) -> etree._Element | None:
        """Parse and execute one request; return the reply element (or None when the session is being closed)."""
        reply = await self._answer(msg)
        return etree.fromstring(reply) if isinstance(reply, bytes) else reply

    async def _answer(self, msg: bytes) -> etree._Element | bytes | None:
        """:meth:`handle_message`, but an ``<ok/>`` reply comes already serialised (see :meth:`dispatch`)."""
        limits = self.services.limits
        try:
            if len(msg) >= limits.worker_parse_bytes:  # off the event loop, so other sessions go on meanwhile
                root = await asyncio.to_thread(parse_message, msg, limits)
            else:
                root = parse_message(msg, limits)
        except XmlError as exc:
            self.stats.in_bad_rpcs += 1
            self.stats.out_rpc_errors += 1
            err = RpcError(ErrorType.RPC, self._malformed_tag(), message=str(exc))
            self.send(rpc_reply_with_errors([err]))
            self.close()
            return None
        if root.tag != _RPC:
            self.stats.in_bad_rpcs += 1
            self.stats.out_rpc_errors += 1
            name = etree.QName(root).localname
            return rpc_reply_with_errors(
                [
                    RpcError(
                        ErrorType.PROTOCOL,
                        ErrorTag.UNKNOWN_ELEMENT,
                        message=f"expected <rpc>, got <{name}>",
                        info=(("bad-element", name),),
                    )
                ]
            )
        too_many = self._too_many_attributes(root)
        if too_many is not None:
            return too_many
        if root.get("message-id") is None and root.get(qn(NC_NS, "message-id")) is None:
            self.stats.in_bad_rpcs += 1
            self.stats.out_rpc_errors += 1
            return rpc_reply_with_errors([missing_message_id()], rpc_attributes(root), root.nsmap)
        ops = [c for c in root if isinstance(c.tag, str)]
        if len(ops) != 1:
            self.stats.in_bad_rpcs += 1
            self.stats.out_rpc_errors += 1
            text = "the <rpc> has no operation" if not ops else "the <rpc> has more than one operation"
            tag = ErrorTag.MISSING_ELEMENT if not ops else ErrorTag.UNKNOWN_ELEMENT
            bad = "rpc" if not ops else etree.QName(ops[1]).localname
            return rpc_reply_with_errors(
                [RpcError(ErrorType.PROTOCOL, tag, message=text, info=(("bad-element", bad),))],
                rpc_attributes(root),
                root.nsmap,
            )
        return await self.dispatch(root, ops[0])

    async def dispatch(self, rpc: etree._Element, op: etree._Element) -> etree._Element | bytes:
        """Run the handler of ``op`` and build the reply: an element, or an ``<ok/>`` reply's wire bytes (from
        its template, :mod:`~iosxe_agent.netconf.ok_reply`, when it has one and the reply limit allows)."""
        self.stats.in_rpcs += 1
        handler = self.services.registry.lookup(tag_of(op))
        try:
            if handler is None:
                raise self._unsupported(op)
            children = await handler(RpcContext(self, self.services, rpc), op)
        except RpcFault as fault:
            self.stats.out_rpc_errors += 1
            return rpc_reply_with_errors(fault.errors, rpc_attributes(rpc), rpc.nsmap)
        except Exception:
            log.exception("session %d: internal error in %s", self.session_id, op.tag)
            self.stats.out_rpc_errors += 1
            err = RpcError(
                ErrorType.APPLICATION, ErrorTag.OPERATION_FAILED, message="internal error; see the agent log"
            )
            return rpc_reply_with_errors([err], rpc_attributes(rpc), rpc.nsmap)
        if children is None:
            ok = ok_reply(rpc)
            return ok if ok is not None and len(ok) <= self.services.limits.max_reply_bytes else rpc_reply(rpc)
        reply = rpc_reply(rpc, [])
        reply.extend(children)
        return reply

    def _too_many_attributes(self, rpc: etree._Element) -> etree._Element | None:
        """A ``too-big`` reply when ``rpc`` has more attributes and namespace declarations than
        ``max_rpc_attributes`` (the reply would have to carry them all); it echoes only the message-id."""
        limit = self.services.limits.max_rpc_attributes
        count = len(rpc.attrib) + len(rpc.nsmap)  # both linear; a root element declares all of its nsmap
        if count <= limit:
            return None
        self.stats.in_bad_rpcs += 1
        self.stats.out_rpc_errors += 1
        message = f"the <rpc> has {count} attributes and namespace declarations, over the limit of {limit}"
        err = RpcError(ErrorType.RPC, ErrorTag.TOO_BIG, message=f"{message} (max_rpc_attributes)")
        echo = {name: value for name in ("message-id", qn(NC_NS, "message-id")) if (value := rpc.get(name)) is not None}
        return rpc_reply_with_errors([err], echo)

    def _malformed_tag(self) -> ErrorTag:
        """malformed-message is new in base:1.1 and must not be sent to base:1.0-only clients (RFC 6241 App. A)."""
        return ErrorTag.MALFORMED_MESSAGE if BASE_11 in self.client_capabilities else ErrorTag.OPERATION_FAILED

    def _unsupported(self, op: etree._Element) -> RpcFault:
        q = etree.QName(op)
        ns = q.namespace or ""
        if ns == NC_NS or op.tag in self.services.schema.rpcs:
            message = f"the operation {q.localname} is not supported"
            return protocol_error(ErrorTag.OPERATION_NOT_SUPPORTED, message, element=q.localname)
        if ns not in self.services.schema.ns_to_prefix:
            message = f'no module with namespace "{ns}" is supported'
            return protocol_error(ErrorTag.UNKNOWN_NAMESPACE, message, element=q.localname, bad_namespace=ns)
        return protocol_error(ErrorTag.UNKNOWN_ELEMENT, f"unknown operation {q.localname}", element=q.localname)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
