"""establish-subscription, delete-subscription and kill-subscription (ietf-event-notifications 2016-10-27 with
ietf-yang-push 2021-03-01, as IOS XE 17.12 serves them) on a :class:`~iosxe_agent.netconf.push.PushService`.

Registering them offers ``:notification:1.1``. What a 17.12 box does, and so what these do:

* A request that breaks the schema as 17.12 deviates it is an ``<rpc-error>``: a parameter 17.12 does not
  support (startTime, stopTime, anchor-time, no-synch-on-start, excluded-change, dscp, subscription-priority,
  subscription-dependency, filter-ref) is ``unknown-element``; a period or id that is no uint32, a
  dampening-period other than 0, or both a period and a dampening-period is ``invalid-value``/``bad-element``.
* A well-formed request the publisher cannot serve is answered with an ``<rpc-reply>`` whose
  ``subscription-result`` names the reason (draft-ietf-netconf-rfc5277bis-01): a stream other than
  ``yp:yang-push``, an encoding other than ``encode-xml``, an RFC 5277 ``filter``, no update filter, no trigger,
  a period below :data:`~iosxe_agent.netconf.push.MIN_PERIOD_CS` or a filter that does not compile is
  ``notif-bis:error-no-such-option``; more than :data:`~iosxe_agent.netconf.push.MAX_PER_SESSION` subscriptions in a
  session is ``notif-bis:error-insufficient-resources``; deleting or killing an id that is not (for delete: not
  this session's) subscription is ``notif-bis:error-no-such-subscription``.
* Success is ``subscription-result`` ``notif-bis:ok`` and the ``subscription-id``.

XPath filters may use the prefixes declared on the request and, as IOS XE (ConfD) allows, any module's YANG
prefix or module name without declaring it (``/ios:native/hostname``, ``/mdt-oper:mdt-oper-data``); an unprefixed
name matches any namespace, as in ``<get>``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lxml import etree

from iosxe_agent.digits import ascii_digits
from iosxe_agent.netconf.capabilities import NOTIFICATION_11
from iosxe_agent.netconf.errors import ErrorTag
from iosxe_agent.netconf.faults import RpcFault, bad_element, missing_element, protocol_error
from iosxe_agent.netconf.operations.params import only_known
from iosxe_agent.netconf.operations.retrieve import Filter
from iosxe_agent.netconf.push import EN_NS, MIN_PERIOD_CS, YP_NS, PushService, SubscriptionLimit
from iosxe_agent.netconf.registry import Handler, Registry, Reply, RpcContext
from iosxe_agent.netconf.xmlio import qn
from iosxe_agent.yang.schema import Schema

if TYPE_CHECKING:
    from iosxe_agent.netconf.services import NetconfServices

log = logging.getLogger(__name__)

ESTABLISH = "establish-subscription"
DELETE = "delete-subscription"
KILL = "kill-subscription"

_ESTABLISH_PARAMS = {
    qn(EN_NS, "stream"),
    qn(EN_NS, "encoding"),
    qn(EN_NS, "filter"),
    qn(YP_NS, "xpath-filter"),
    qn(YP_NS, "subtree-filter"),
    qn(YP_NS, "period"),
    qn(YP_NS, "dampening-period"),
}
_UINT32_MAX = 2**32 - 1


class Refused(Exception):
    """A well-formed request the publisher does not serve; ``result`` is the subscription-result identity."""

    def __init__(self, result: str, reason: str) -> None:
        super().__init__(reason)
        self.result = result


@dataclass(frozen=True, slots=True)
class Establish:
    """A parsed establish-subscription: the update filter and the period (None: on-change)."""

    filter: Filter
    period_cs: int | None


# -- parsing (pure) -------------------------------------------------------------------------------------------
def _uint32(el: etree._Element, name: str) -> int:
    text = (el.text or "").strip()
    if not ascii_digits(text) or int(text) > _UINT32_MAX:
        raise protocol_error(ErrorTag.INVALID_VALUE, f'"{text}" is not a valid {name} (uint32)', element=name)
    return int(text)


def _identity(el: etree._Element) -> tuple[str | None, str]:
    """An identityref value as (namespace, name); the namespace is None when the prefix is not declared."""
    text = (el.text or "").strip()
    prefix, _, name = text.rpartition(":")
    return el.nsmap.get(prefix or None), name


def xpath_prefixes(schema: Schema, declared: dict[str | None, str]) -> dict[str | None, str]:
    """Prefixes an xpath-filter may use: every module's prefix and name, then the request's own declarations."""
    prefixes: dict[str | None, str] = {}
    for info in schema.modules.values():
        if not info.is_submodule and info.name not in schema.hidden_modules:
            prefixes.setdefault(info.prefix, info.ns)
            prefixes.setdefault(info.name, info.ns)
    prefixes.update({p: ns for p, ns in declared.items() if p})
    return prefixes


def parse_establish(op: etree._Element, schema: Schema) -> Establish:
    """The parameters of an establish-subscription request.

    Raises:
        RpcFault: the request breaks the (deviated) schema.
        Refused: the request is well formed but not served.
    """
    only_known(op, _ESTABLISH_PARAMS, ESTABLISH)
    period_el = op.find(qn(YP_NS, "period"))
    dampening_el = op.find(qn(YP_NS, "dampening-period"))
    if period_el is not None and dampening_el is not None:
        raise bad_element("dampening-period", "period and dampening-period are two cases of one choice")
    period = _uint32(period_el, "period") if period_el is not None else None
    if dampening_el is not None and _uint32(dampening_el, "dampening-period") != 0:
        raise protocol_error(
            ErrorTag.INVALID_VALUE, "dampening-period must be 0 (updates are not dampened)", element="dampening-period"
        )
    xpath_el = op.find(qn(YP_NS, "xpath-filter"))
    subtree_el = op.find(qn(YP_NS, "subtree-filter"))
    if xpath_el is not None and subtree_el is not None:
        raise bad_element("subtree-filter", "xpath-filter and subtree-filter are two cases of one choice")

    stream_el = op.find(qn(EN_NS, "stream"))
    if stream_el is None or _identity(stream_el) != (YP_NS, "yang-push"):
        raise Refused("error-no-such-option", "only the yp:yang-push stream can be subscribed to")
    encoding_el = op.find(qn(EN_NS, "encoding"))
    if encoding_el is not None and _identity(encoding_el) != (EN_NS, "encode-xml"):
        raise Refused("error-no-such-option", "only encode-xml is supported over NETCONF")
    if op.find(qn(EN_NS, "filter")) is not None:
        raise Refused("error-no-such-option", "RFC 5277 filters apply to event streams, not to yang-push")
    if period is None and dampening_el is None:
        raise Refused("error-no-such-option", "a period or a dampening-period is required")
    if period is not None and period < MIN_PERIOD_CS:
        raise Refused("error-no-such-option", f"the period must be at least {MIN_PERIOD_CS} centiseconds")
    if xpath_el is not None:
        expr = (xpath_el.text or "").strip()
        if not expr:
            raise Refused("error-no-such-option", "the xpath-filter is empty")
        flt = Filter("xpath", "xpath-filter", select=expr, prefixes=xpath_prefixes(schema, dict(xpath_el.nsmap)))
    elif subtree_el is not None:
        flt = Filter("subtree", "subtree-filter", element=subtree_el)
    else:
        raise Refused("error-no-such-option", "an xpath-filter or subtree-filter is required")
    return Establish(flt, period)


def subscription_id(op: etree._Element, name: str, where: str) -> int:
    """The mandatory subscription id leaf ``name`` of delete-subscription / kill-subscription."""
    only_known(op, {qn(EN_NS, name)}, where)
    el = op.find(qn(EN_NS, name))
    if el is None:
        raise missing_element(name, where)
    return _uint32(el, name)


# -- replies (pure) -------------------------------------------------------------------------------------------
def result(identity: str, sub_id: int | None = None) -> list[etree._Element]:
    """``subscription-result`` (an identity of ietf-event-notifications) and, on success, ``subscription-id``."""
    res = etree.Element(qn(EN_NS, "subscription-result"), nsmap={None: EN_NS, "notif-bis": EN_NS})
    res.text = f"notif-bis:{identity}"
    out = [res]
    if sub_id is not None:
        sid = etree.Element(qn(EN_NS, "subscription-id"), nsmap={None: EN_NS})
        sid.text = str(sub_id)
        out.append(sid)
    return out


# -- handlers -------------------------------------------------------------------------------------------------
def handlers(service: PushService) -> dict[str, Handler]:
    """The three RPC handlers serving ``service``, by Clark tag."""

    async def establish_subscription(ctx: RpcContext, op: etree._Element) -> Reply:
        try:
            request = parse_establish(op, ctx.services.schema)
        except Refused as refused:
            log.info("session %d: establish-subscription refused: %s", ctx.session.session_id, refused)
            return result(refused.result)
        try:
            service.select(service.running(), request.filter)  # a filter that cannot be evaluated is refused now
        except RpcFault:
            return result("error-no-such-option")
        try:
            sub = service.establish(ctx.session, request.filter, request.period_cs)
        except SubscriptionLimit:
            return result("error-insufficient-resources")
        ctx.session.after_reply.append(sub.start)  # the first update follows the rpc-reply
        return result("ok", sub.sub_id)

    async def delete_subscription(ctx: RpcContext, op: etree._Element) -> Reply:
        sub_id = subscription_id(op, "subscription-id", DELETE)
        return result("ok" if service.delete(ctx.session.session_id, sub_id) else "error-no-such-subscription")

    async def kill_subscription(ctx: RpcContext, op: etree._Element) -> Reply:
        sub_id = subscription_id(op, "identifier", KILL)
        return result("ok" if service.kill(sub_id) else "error-no-such-subscription")

    return {
        qn(EN_NS, ESTABLISH): establish_subscription,
        qn(EN_NS, DELETE): delete_subscription,
        qn(EN_NS, KILL): kill_subscription,
    }


def install(registry: Registry, services: NetconfServices) -> PushService:
    """Create the device's :class:`PushService`, serve its RPCs, offer ``:notification:1.1``, and hook it to the
    commits of running (on-change) and to the end of sessions (their subscriptions end with them)."""
    service = PushService(services)
    for tag, handler in handlers(service).items():
        registry.register(tag, handler)
    if NOTIFICATION_11 not in registry.capabilities:
        registry.capabilities.append(NOTIFICATION_11)
    services.stores.listen(service.on_commit)
    services.session_ended_hooks.append(service.session_ended)
    return service
