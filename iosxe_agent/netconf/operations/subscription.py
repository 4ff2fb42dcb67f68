"""create-subscription (RFC 5277 §2.1.1) on the device's :class:`~iosxe_agent.netconf.notifications.NotificationBus`.

Registering it offers ``:notification:1.0`` and ``:interleave:1.0``: a subscribed session keeps serving rpcs
(notifications are sent by the subscription's own task, between replies).
"""

from __future__ import annotations

from lxml import etree

from iosxe_agent.data.filter import FilterError
from iosxe_agent.netconf.capabilities import INTERLEAVE, NOTIFICATION
from iosxe_agent.netconf.errors import ErrorTag
from iosxe_agent.netconf.faults import protocol_error
from iosxe_agent.netconf.notifications import DEFAULT_STREAM, NOTIFICATION_NS, EventFilter, NotificationBus, parse_time
from iosxe_agent.netconf.operations.params import only_known
from iosxe_agent.netconf.registry import Handler, Registry, Reply, RpcContext
from iosxe_agent.netconf.xmlio import NC_NS, qn

OP = "create-subscription"
#: ncclient puts ``<filter>`` in the base namespace, RFC 5277's schema in the notification one: take both.
_PARAMS = {
    qn(NOTIFICATION_NS, "stream"),
    qn(NOTIFICATION_NS, "filter"),
    qn(NC_NS, "filter"),
    qn(NOTIFICATION_NS, "startTime"),
    qn(NOTIFICATION_NS, "stopTime"),
}


def _param(op: etree._Element, name: str) -> etree._Element | None:
    el = op.find(qn(NOTIFICATION_NS, name))
    if el is None and name == "filter":
        el = op.find(qn(NC_NS, name))
    return el


def _time(op: etree._Element, name: str) -> int | None:
    el = _param(op, name)
    if el is None:
        return None
    try:
        return parse_time(el.text or "")
    except ValueError as exc:
        raise protocol_error(ErrorTag.BAD_ELEMENT, f"{name}: {exc}", element=name) from None


def _filter(el: etree._Element | None) -> EventFilter | None:
    if el is None:
        return None
    kind = el.get("type", "subtree")
    if kind not in ("subtree", "xpath"):
        raise protocol_error(
            ErrorTag.BAD_ATTRIBUTE, f'filter type "{kind}" is not supported', element="filter", bad_attribute="type"
        )
    if kind == "xpath" and el.get("select") is None:
        raise protocol_error(
            ErrorTag.MISSING_ATTRIBUTE,
            'an xpath filter needs a "select" attribute',
            element="filter",
            bad_attribute="select",
        )
    try:
        return EventFilter(el)
    except FilterError as exc:
        raise protocol_error(ErrorTag.BAD_ELEMENT, f"invalid filter: {exc}", element="filter") from None
    except Exception as exc:  # XPathError and anything lxml raises on a bad expression
        raise protocol_error(ErrorTag.INVALID_VALUE, f"invalid filter: {exc}", element="filter") from None


def handler(bus: NotificationBus) -> Handler:
    """The create-subscription handler serving ``bus``."""

    async def create_subscription(ctx: RpcContext, op: etree._Element) -> Reply:
        only_known(op, _PARAMS, OP)
        session = ctx.session
        if bus.subscribed(session.session_id):
            # RFC 5277 §6.5: one subscription per session; it lasts until the session ends or its stopTime
            raise protocol_error(
                ErrorTag.OPERATION_FAILED, "this session already has an active notification subscription"
            )
        stream_el = _param(op, "stream")
        stream = (stream_el.text or "").strip() if stream_el is not None else DEFAULT_STREAM
        if stream != DEFAULT_STREAM:
            raise protocol_error(
                ErrorTag.INVALID_VALUE, f'no event stream "{stream}" (only {DEFAULT_STREAM})', element="stream"
            )
        event_filter = _filter(_param(op, "filter"))
        start = _time(op, "startTime")
        stop = _time(op, "stopTime")
        if stop is not None and start is None:
            raise protocol_error(ErrorTag.MISSING_ELEMENT, "stopTime is only valid with startTime", element="startTime")
        if start is not None and start > bus.clock():
            raise protocol_error(ErrorTag.BAD_ELEMENT, "startTime is later than the current time", element="startTime")
        if start is not None and stop is not None and stop < start:
            raise protocol_error(ErrorTag.BAD_ELEMENT, "stopTime is earlier than startTime", element="stopTime")
        sub = bus.subscribe(session, event_filter, start, stop)
        session.after_reply.append(sub.start)  # notifications (and the replay) only after the <ok/>
        return None

    return create_subscription


def register(registry: Registry, bus: NotificationBus) -> None:
    """Serve create-subscription and offer the :notification and :interleave capabilities."""
    registry.register(qn(NOTIFICATION_NS, OP), handler(bus))
    for cap in (NOTIFICATION, INTERLEAVE):
        if cap not in registry.capabilities:
            registry.capabilities.append(cap)
