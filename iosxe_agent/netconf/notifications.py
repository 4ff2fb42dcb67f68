"""NETCONF event notifications (RFC 5277) and the base notifications of RFC 6470, for one device.

A :class:`NotificationBus` is the device's ``NETCONF`` event stream. Anything may :meth:`~NotificationBus.publish`
an event (the content element of a ``<notification>``); the bus stamps it with its ``eventTime``, keeps it in a
bounded replay log and hands it to every subscribed session whose filter selects it. The bus itself produces
the RFC 6470 events: ``netconf-config-change`` after every commit of running (from any face: the bus listens
to the datastore pipeline), ``netconf-session-start`` and ``netconf-session-end``. The builders below
(:func:`confirmed_commit_event` …) let other features publish theirs.

Delivery never blocks the publisher: each subscription has a bounded queue drained by its own task, which
frames notifications with the session's current framing (:meth:`NetconfSession.send`) and waits while the
session's transport still holds too many unsent bytes. A subscriber so slow that its queue fills up is
dropped: the bus logs it and closes the session (RFC 5277 has no way to tell a client it missed events).

RFC 5277 choices made here, where the RFC leaves room:

* One stream, ``NETCONF``, with replay; the replay log keeps the newest ``Limits.max_replay_events`` events.
* A filter decides *which* events are delivered; a delivered event is always sent whole (sysrepo/Netopeer2
  and ConfD do the same), so every notification stays valid against its YANG module. A subtree filter selects
  an event when applying it to the event's ``<notification>`` (``eventTime`` and the event element) selects
  anything; an XPath filter when its ``select`` evaluates to true (a non-empty node-set) on that element as
  root. An empty subtree filter selects nothing (RFC 6241 §6.4.2).
* ``startTime`` replays logged events with ``eventTime >= startTime`` (from the oldest one kept if the log
  does not reach back that far), then ``replayComplete``; ``stopTime`` bounds events to ``eventTime <=
  stopTime`` and, when that time comes (at once if it is past), ends the subscription with
  ``notificationComplete``; the session may then subscribe again.
"""

from __future__ import annotations

import asyncio
import copy
import ipaddress
import logging
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal, get_args

from lxml import etree

from iosxe_agent.data.diff import ChangeOp
from iosxe_agent.data.filter import FilterError, filter_is_empty, subtree_filter
from iosxe_agent.data.hidden import is_hidden_path
from iosxe_agent.datastore.transaction import Face, Origin, Transaction
from iosxe_agent.limits import DEFAULT_LIMITS, Limits
from iosxe_agent.netconf.xmlio import qn
from iosxe_agent.yang.xpath import CompiledXPath, XPathError, compile_xpath

if TYPE_CHECKING:
    from iosxe_agent.netconf.session import NetconfSession

log = logging.getLogger(__name__)

NOTIFICATION_NS = "urn:ietf:params:xml:ns:netconf:notification:1.0"  # RFC 5277 envelope, create-subscription
NETMOD_NOTIFICATION_NS = "urn:ietf:params:xml:ns:netmod:notification"  # replayComplete, streams (nc-notifications)
NCN_NS = "urn:ietf:params:xml:ns:yang:ietf-netconf-notifications"  # RFC 6470 events
DEFAULT_STREAM = "NETCONF"
STREAM_DESCRIPTION = "default NETCONF event stream"

#: Why a NETCONF session ended: the RFC 6470 ``termination-reason`` values.
TerminationReason = Literal["closed", "killed", "dropped", "timeout", "bad-hello", "other"]
TERMINATION_REASONS: tuple[TerminationReason, ...] = get_args(TerminationReason)
#: RFC 6470 ``confirm-event`` values.
CONFIRM_EVENTS = ("start", "cancel", "timeout", "extend", "complete")

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DATE_AND_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})", re.IGNORECASE
)
_POLL_S = 0.05  # how often a waiting sender looks at its transport's backlog again


def now_us() -> int:
    """The wall clock in whole microseconds since the epoch (event times are kept exactly this way)."""
    return time.time_ns() // 1000


def format_time(us: int) -> str:
    """An RFC 3339 ``yang:date-and-time`` in UTC with microseconds, e.g. ``2024-05-01T10:00:00.123456+00:00``."""
    return (_EPOCH + timedelta(microseconds=us)).isoformat(timespec="microseconds")


def parse_time(text: str) -> int:
    """A ``yang:date-and-time`` as microseconds since the epoch (finer fractions are truncated).

    Raises:
        ValueError: ``text`` is not a valid date-and-time.
    """
    m = _DATE_AND_TIME.fullmatch(text.strip())
    if m is None:
        raise ValueError(f'"{text}" is not a date-and-time (YYYY-MM-DDThh:mm:ss[.frac](Z|+hh:mm))')
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    frac = (m.group(7) or "")[:6].ljust(6, "0")
    zone = m.group(8).upper()
    offset = (
        timedelta(0)
        if zone == "Z"
        else (1 if zone[0] == "+" else -1) * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    )
    try:
        local = datetime(year, month, day, hour, minute, second, int(frac))
    except ValueError as exc:
        raise ValueError(f'"{text}" is not a valid date and time: {exc}') from None
    return (local - offset - _EPOCH.replace(tzinfo=None)) // timedelta(microseconds=1)


# -- event builders (pure) ----------------------------------------------------------------------------------------
def _leaf(parent: etree._Element, name: str, text: str, ns: str = NCN_NS) -> etree._Element:
    el = etree.SubElement(parent, qn(ns, name))
    el.text = text
    return el


def _ip(host: str | None) -> str | None:
    """``host`` if it is an IP address (``inet:ip-address``), else None."""
    if not host:
        return None
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None
    return host


def _session_parms(parent: etree._Element, user: str, session_id: int, source_host: str | None) -> None:
    """RFC 6470 ``common-session-parms``: username, session-id, source-host (when it is an IP address)."""
    _leaf(parent, "username", user)
    _leaf(parent, "session-id", str(session_id))
    host = _ip(source_host)
    if host is not None:
        _leaf(parent, "source-host", host)


def _event(name: str) -> etree._Element:
    return etree.Element(qn(NCN_NS, name), nsmap={None: NCN_NS})


def changed_by(parent: etree._Element, origin: Origin) -> etree._Element:
    """RFC 6470 ``changed-by``: ``<server/>`` for the system's own changes, else who made the change."""
    el = etree.SubElement(parent, qn(NCN_NS, "changed-by"))
    if origin.face is Face.SYSTEM:
        etree.SubElement(el, qn(NCN_NS, "server"))
    else:
        _session_parms(el, origin.user, origin.session_id, origin.source_host)
    return el


#: One ``<edit>`` of a ``netconf-config-change``: the target path, the namespaces of its prefixes, the operation.
ConfigEdit = tuple[str, tuple[tuple[str, str], ...], str]


#: Each operation's name by the operation's ``id()`` (an enum member lives as long as the process), looked up
#: rather than read through the enum's ``value`` descriptor (~1 µs a change) or by the member, whose hash is a
#: call of Python code (0.1 µs).
_OPERATIONS = {id(op): op.value for op in ChangeOp}


def visible_edits(txn: Transaction, hidden_ns: frozenset[str] = frozenset()) -> tuple[ConfigEdit, ...]:
    """The ``<edit>`` entries of a committed transaction, none for a node of a hidden module. Plain values: they
    hold no tree, so a logged event never keeps an old configuration alive. Whether a path is hidden depends on
    its namespaces alone, so it is asked once per distinct set of them (a bulk create's 10,000 share one)."""
    hidden: dict[tuple[tuple[str, str], ...], bool] = {}
    edits: list[ConfigEdit] = []
    for op, path, path_ns, _, _ in txn.changes:
        seen = hidden.get(path_ns)
        if seen is None:
            seen = hidden[path_ns] = is_hidden_path(path_ns, hidden_ns)
        if not seen:
            edits.append((path, path_ns, _OPERATIONS[id(op)]))
    return tuple(edits)


def config_change_element(origin: Origin, datastore: str, edits: tuple[ConfigEdit, ...]) -> etree._Element:
    """``netconf-config-change``: who, which datastore, one ``<edit>`` per entry of ``edits``."""
    ev = _event("netconf-config-change")
    changed_by(ev, origin)
    _leaf(ev, "datastore", datastore)
    for path, path_ns, operation in edits:
        edit = etree.SubElement(ev, qn(NCN_NS, "edit"))
        target = etree.SubElement(edit, qn(NCN_NS, "target"), nsmap=dict(path_ns))
        target.text = path
        _leaf(edit, "operation", operation)
    return ev


def config_change_event(txn: Transaction, hidden_ns: frozenset[str] = frozenset()) -> etree._Element | None:
    """``netconf-config-change`` for a committed transaction: one ``<edit>`` per changed node, none for a node
    of a hidden module; None when the transaction changed nothing a client can see."""
    edits = visible_edits(txn, hidden_ns)
    return config_change_element(txn.origin, txn.datastore, edits) if edits else None


def session_start_event(user: str, session_id: int, source_host: str | None) -> etree._Element:
    """``netconf-session-start``."""
    ev = _event("netconf-session-start")
    _session_parms(ev, user, session_id, source_host)
    return ev


def session_end_event(
    user: str,
    session_id: int,
    source_host: str | None,
    reason: TerminationReason,
    killed_by: int | None = None,
) -> etree._Element:
    """``netconf-session-end``; ``killed_by`` is reported only with the reason ``killed``."""
    if reason not in TERMINATION_REASONS:  # mypy sees typed callers; this guards the others
        raise ValueError(f"unknown termination-reason {reason!r}")
    ev = _event("netconf-session-end")
    _session_parms(ev, user, session_id, source_host)
    if reason == "killed" and killed_by:
        _leaf(ev, "killed-by", str(killed_by))
    _leaf(ev, "termination-reason", reason)
    return ev


def confirmed_commit_event(
    confirm_event: str,
    *,
    user: str | None = None,
    session_id: int | None = None,
    source_host: str | None = None,
    timeout: int | None = None,
) -> etree._Element:
    """``netconf-confirmed-commit``. The session parameters are left out for ``timeout`` (RFC 6470 §3.5) and
    are required otherwise; ``timeout`` (seconds) is reported only for ``start`` and ``extend``."""
    if confirm_event not in CONFIRM_EVENTS:
        raise ValueError(f"unknown confirm-event {confirm_event!r}")
    ev = _event("netconf-confirmed-commit")
    if confirm_event != "timeout":
        if user is None or session_id is None:
            raise ValueError(f"a {confirm_event!r} confirmed-commit event needs the user and session")
        _session_parms(ev, user, session_id, source_host)
    _leaf(ev, "confirm-event", confirm_event)
    if confirm_event in ("start", "extend") and timeout is not None:
        _leaf(ev, "timeout", str(timeout))
    return ev


def notification_message(event: etree._Element, event_time_us: int) -> etree._Element:
    """The RFC 5277 ``<notification>`` carrying ``event`` (which it takes over) at ``event_time_us``."""
    msg = etree.Element(qn(NOTIFICATION_NS, "notification"), nsmap={None: NOTIFICATION_NS})
    _leaf(msg, "eventTime", format_time(event_time_us), NOTIFICATION_NS)
    msg.append(event)
    return msg


def _marker(name: str, event_time_us: int) -> etree._Element:
    return notification_message(
        etree.Element(qn(NETMOD_NOTIFICATION_NS, name), nsmap={None: NETMOD_NOTIFICATION_NS}), event_time_us
    )


# -- filters ------------------------------------------------------------------------------------------------------
class EventFilter:
    """A subscription's ``<filter>``: decides whether an event is delivered.

    Raises :class:`FilterError` (malformed subtree filter, unknown ``type``, missing ``select``) or
    :class:`XPathError` (bad XPath) when built, so the subscription can be refused up front.
    """

    def __init__(self, filter_el: etree._Element) -> None:
        kind = filter_el.get("type", "subtree")
        self._subtree: etree._Element | None = None
        self._xpath: CompiledXPath | None = None
        if kind == "subtree":
            self._subtree = copy.deepcopy(filter_el)  # detached (namespaces kept); the rpc is transient
            subtree_filter(etree.Element("probe"), self._subtree)  # parse now: a malformed filter fails here
        elif kind == "xpath":
            select = filter_el.get("select")
            if select is None:
                raise FilterError('an xpath filter needs a "select" attribute', "filter")
            prefixes = {p: ns for p, ns in filter_el.nsmap.items() if p}
            self._xpath = compile_xpath(select, prefixes, None)
        else:
            raise FilterError(f'filter type "{kind}" is not supported', "filter")
        self.kind = kind

    def __call__(self, message: etree._Element) -> bool:
        """True if the ``<notification>`` ``message`` passes the filter."""
        try:
            if self._subtree is not None:
                if filter_is_empty(self._subtree):
                    return False
                return len(subtree_filter(message, self._subtree)) > 0
            assert self._xpath is not None
            return self._xpath.boolean(message)
        except (FilterError, XPathError) as exc:
            log.debug("notification filter failed on an event: %s", exc)
            return False


# -- the bus --------------------------------------------------------------------------------------------------------
class Event:
    """One logged event: its time (µs since the epoch) and its complete ``<notification>``, built on first use and
    never mutated after. Why on first use: every commit logs one, and most are never read (no subscriber, no
    replay); the XML of one that creates 10,000 users costs 50 ms."""

    __slots__ = ("_event", "_message", "time_us")

    def __init__(self, time_us: int, event: etree._Element | Callable[[], etree._Element]) -> None:
        self.time_us = time_us
        self._event: etree._Element | Callable[[], etree._Element] | None = event
        self._message: etree._Element | None = None

    @property
    def message(self) -> etree._Element:
        """The ``<notification>`` (built now if nobody asked before)."""
        if self._message is None:
            event = self._event
            assert event is not None
            self._message = notification_message(event if isinstance(event, etree._Element) else event(), self.time_us)
            self._event = None  # the builder and what it holds go
        return self._message

    @property
    def body(self) -> etree._Element:
        """The event element inside the envelope (e.g. ``netconf-config-change``)."""
        return self.message[1]


@dataclass(eq=False)
class Subscription:
    """One session's ``create-subscription``: which events, the replay part, and the task that sends them."""

    bus: NotificationBus
    session: NetconfSession
    filter: Callable[[etree._Element], bool] | None
    start_us: int | None
    stop_us: int | None
    replay: list[Event]
    queue: asyncio.Queue[Event] = field(init=False)
    task: asyncio.Task[None] | None = None
    ended: bool = False

    def __post_init__(self) -> None:
        self.queue = asyncio.Queue(maxsize=self.bus.limits.max_notification_queue)

    def wants(self, event: Event) -> bool:
        """True if ``event`` is within the time window and passes the filter."""
        if self.start_us is not None and event.time_us < self.start_us:
            return False
        if self.stop_us is not None and event.time_us > self.stop_us:
            return False
        return self.filter is None or self.filter(event.message)

    def start(self) -> None:
        """Begin sending (called once the ``<ok/>`` to create-subscription has gone out)."""
        if not self.ended and self.task is None:
            self.task = asyncio.get_running_loop().create_task(self._run())

    def offer(self, event: Event) -> bool:
        """Queue a live event; False if the queue is full (the subscriber is too slow)."""
        if self.ended or not self.wants(event):
            return True
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            return False
        return True

    def cancel(self) -> None:
        """Stop at once (the session is gone)."""
        self.ended = True
        if self.task is not None and self.task is not asyncio.current_task():
            self.task.cancel()

    async def _run(self) -> None:
        try:
            if self.start_us is not None:
                for event in self.replay:
                    await self._send(event.message)
                self.replay = []
                await self._send(_marker("replayComplete", self.bus.clock()))
            while not self.ended:
                timeout = None
                if self.stop_us is not None:
                    timeout = max(0.0, (self.stop_us - self.bus.clock()) / 1e6)
                item: Event | None
                try:
                    item = await asyncio.wait_for(self.queue.get(), timeout)
                except TimeoutError:
                    item = None  # the stopTime has come
                if item is None or (self.stop_us is not None and item.time_us > self.stop_us):
                    await self._send(_marker("notificationComplete", self.bus.clock()))
                    self.bus._finished(self)
                    return
                await self._send(item.message)
        except asyncio.CancelledError:
            raise
        except Exception:  # a broken subscriber must never take the bus down
            log.exception("session %d: notification delivery failed", self.session.session_id)
            self.bus._finished(self)

    async def _send(self, message: etree._Element) -> None:
        if not await deliver(self.session, message, self.bus.limits):
            self.cancel()


async def deliver(session: NetconfSession, message: etree._Element, limits: Limits) -> bool:
    """Send one ``<notification>`` on ``session`` once its transport holds at most
    ``limits.max_notification_backlog_bytes`` unsent bytes, so a subscriber that reads slowly makes its sender wait
    instead of piling up bytes in memory. False if the session closed first (nothing sent)."""
    backlog = getattr(session.transport, "write_buffer_size", None)
    if backlog is not None:
        while backlog() > limits.max_notification_backlog_bytes and not session.is_closed:
            await asyncio.sleep(_POLL_S)
    if session.is_closed:
        return False
    session.send(message)
    session.stats.out_notifications += 1
    return True


class NotificationBus:
    """The device's ``NETCONF`` event stream: replay log, subscriptions, RFC 6470 events."""

    def __init__(
        self,
        limits: Limits = DEFAULT_LIMITS,
        clock: Callable[[], int] = now_us,
        *,
        hidden_ns: frozenset[str] = frozenset(),
    ) -> None:
        self.limits = limits
        self.clock = clock
        self.hidden_ns = hidden_ns  # Schema.hidden_ns: config changes there are not reported
        self.log: deque[Event] = deque(maxlen=max(1, limits.max_replay_events))
        self.created_us = clock()
        self.aged_us: int | None = None
        self.subscriptions: dict[int, Subscription] = {}
        self._sessions: dict[int, NetconfSession] = {}

    # -- publishing ---------------------------------------------------------------------------------------------
    def publish(self, event: etree._Element | Callable[[], etree._Element]) -> Event:
        """Log ``event`` (an event element such as ``netconf-config-change``, taken over by the bus, or a function
        that builds it when first needed) and send it to every subscription that wants it. Never blocks; safe to
        call from any commit path."""
        t = self.clock()
        if self.log and t < self.log[-1].time_us:
            t = self.log[-1].time_us  # a clock step backwards must not reorder the log
        entry = Event(t, event)
        if len(self.log) == self.log.maxlen:
            self.aged_us = self.log[0].time_us
        self.log.append(entry)
        for sub in list(self.subscriptions.values()):
            if not sub.offer(entry):
                self._drop_slow(sub)
        return entry

    def _drop_slow(self, sub: Subscription) -> None:
        sid = sub.session.session_id
        log.warning(
            "session %d: %d notifications are waiting for a subscriber that does not read them; "
            "dropping the subscription and closing the session",
            sid,
            sub.queue.qsize(),
        )
        self._finished(sub)
        sub.cancel()
        sub.session.close()

    def on_commit(self, txn: Transaction) -> None:
        """Datastore listener: ``netconf-config-change`` for every commit that changed something."""
        edits = visible_edits(txn, self.hidden_ns) if txn.changes else ()
        if edits:
            origin, datastore = txn.origin, txn.datastore
            self.publish(lambda: config_change_element(origin, datastore, edits))

    # -- sessions -------------------------------------------------------------------------------------------------
    def session_started(self, session: NetconfSession) -> None:
        """Hook for ``NetconfServices.session_started_hooks``: ``netconf-session-start``."""
        self._sessions[session.session_id] = session
        self.publish(session_start_event(session.user, session.session_id, session.source_host))

    def session_ended(self, session_id: int) -> None:
        """Hook for ``NetconfServices.session_ended_hooks``: end its subscription, ``netconf-session-end``."""
        sub = self.subscriptions.pop(session_id, None)
        if sub is not None:
            sub.cancel()
        session = self._sessions.pop(session_id, None)
        if session is None:
            return
        self.publish(
            session_end_event(
                session.user, session_id, session.source_host, session.termination_reason, session.killed_by
            )
        )

    # -- subscriptions --------------------------------------------------------------------------------------------
    def subscribed(self, session_id: int) -> bool:
        """True if the session has a subscription that has not ended."""
        return session_id in self.subscriptions

    def subscribe(
        self,
        session: NetconfSession,
        event_filter: Callable[[etree._Element], bool] | None = None,
        start_us: int | None = None,
        stop_us: int | None = None,
    ) -> Subscription:
        """Create the session's subscription (the caller checked the parameters). Events published from now on
        are queued; nothing is sent until :meth:`Subscription.start`."""
        if session.session_id in self.subscriptions:
            raise ValueError(f"session {session.session_id} already has a subscription")
        sub = Subscription(self, session, event_filter, start_us, stop_us, [])
        if start_us is not None:
            sub.replay = [e for e in self.log if sub.wants(e)]
        self.subscriptions[session.session_id] = sub
        return sub

    def _finished(self, sub: Subscription) -> None:
        sub.ended = True
        if self.subscriptions.get(sub.session.session_id) is sub:
            del self.subscriptions[sub.session.session_id]

    # -- state data -------------------------------------------------------------------------------------------
    def streams_state(self) -> list[etree._Element]:
        """``/netconf/streams`` (nc-notifications), a ``NetconfServices.state_providers`` entry."""
        top = etree.Element(qn(NETMOD_NOTIFICATION_NS, "netconf"), nsmap={None: NETMOD_NOTIFICATION_NS})
        streams = etree.SubElement(top, qn(NETMOD_NOTIFICATION_NS, "streams"))
        stream = etree.SubElement(streams, qn(NETMOD_NOTIFICATION_NS, "stream"))
        _leaf(stream, "name", DEFAULT_STREAM, NETMOD_NOTIFICATION_NS)
        _leaf(stream, "description", STREAM_DESCRIPTION, NETMOD_NOTIFICATION_NS)
        _leaf(stream, "replaySupport", "true", NETMOD_NOTIFICATION_NS)
        _leaf(stream, "replayLogCreationTime", format_time(self.created_us), NETMOD_NOTIFICATION_NS)
        if self.aged_us is not None:
            _leaf(stream, "replayLogAgedTime", format_time(self.aged_us), NETMOD_NOTIFICATION_NS)
        return [top]
