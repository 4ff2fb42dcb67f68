"""Dynamic subscriptions to datastore updates (yang-push) as IOS XE 17.12 serves them: the registry of live
subscriptions, their timers and their on-change feeds. The RPCs that create and end them are in
:mod:`iosxe_agent.netconf.operations.push`.

A subscription belongs to the session that established it and ends with it. Its data is produced by the same
retrieval code as ``<get>`` (:func:`iosxe_agent.netconf.operations.retrieve.selection` and
:func:`iosxe_agent.data.filter.build_selection`), so a push-update carries exactly what a get with the same filter
returns:

* periodic: a ``push-update`` at once, then one every ``period`` centiseconds, of the data ``<get>`` sees
  (running configuration and state). The update is built by the subscription's own task just before it is sent,
  and sending waits while the session has too many unsent bytes (:func:`~iosxe_agent.netconf.notifications.deliver`),
  so a slow reader delays its updates instead of queueing them;
* on-change (``dampening-period`` 0, the only value 17.12 accepts): a ``push-update`` of the running
  configuration at once, then after every commit that changes the selected data (from any face: NETCONF, CLI,
  SCP) a ``push-change-update`` whose ``datastore-changes-xml`` is a YANG patch (RFC 8072) of the selected
  top-level nodes: ``create``, ``replace`` (with the node's new selected content) or ``delete``, targets written
  ``/module:node`` (the form of RFC 8641's examples). Pending changes wait in a queue bounded by
  ``Limits.max_notification_queue``; a subscriber that lets it fill is dropped and its session closed, as the
  RFC 5277 bus does.

Wire details matched to 17.12 (capability-c8000v.xml, the ietf-event-notifications 2016-10-27 / ietf-yang-push
2021-03-01 modules and their cisco-xe deviations in YangModels/yang vendor/cisco/xe/17121, and Cisco's published
telemetry examples): ids count up from 2147483648 (IOS XE numbers dynamic subscriptions from 2^31); a
push-update holds ``subscription-id`` and ``datastore-contents-xml`` (no ``time-of-update``: the eventTime is
the time of the update). ``kill-subscription`` ends the subscription with a ``subscription-terminated``
(reason ``notif-bis:subscription-deleted``) to its receiver; ``delete-subscription`` and the end of the session
end it silently (RFC 8639 §2.4.4 / §2.7.3 behaviour). No ``subscription-started`` is sent for a dynamic
subscription: the rpc-reply is the start.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import logging
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lxml import etree

from iosxe_agent.data.filter import build_selection
from iosxe_agent.data.hidden import strip_hidden
from iosxe_agent.data.tags import tag_of
from iosxe_agent.datastore.transaction import Transaction
from iosxe_agent.netconf.notifications import deliver, notification_message, now_us
from iosxe_agent.netconf.operations.retrieve import Filter, selection
from iosxe_agent.netconf.xmlio import qn

if TYPE_CHECKING:
    from iosxe_agent.netconf.services import NetconfServices
    from iosxe_agent.netconf.session import NetconfSession

log = logging.getLogger(__name__)

EN_NS = "urn:ietf:params:xml:ns:yang:ietf-event-notifications"
YP_NS = "urn:ietf:params:xml:ns:yang:ietf-yang-push"
PATCH_NS = "urn:ietf:params:xml:ns:yang:ietf-yang-patch"

#: IOS XE numbers dynamic subscriptions from 2^31 (configured ones use the low ids).
FIRST_ID = 2**31
#: Subscriptions one session may hold at once (establish-subscription beyond it: error-insufficient-resources).
MAX_PER_SESSION = 16
#: Shortest period accepted, in centiseconds (1 s); a shorter one is error-no-such-option.
MIN_PERIOD_CS = 100


class SubscriptionLimit(Exception):
    """The session already holds :data:`MAX_PER_SESSION` subscriptions."""


# -- pure builders --------------------------------------------------------------------------------------------
def push_update(sub_id: int, data: list[etree._Element]) -> etree._Element:
    """``yp:push-update`` with ``data`` (taken over) in ``datastore-contents-xml``."""
    ev = etree.Element(qn(YP_NS, "push-update"), nsmap={None: YP_NS})
    etree.SubElement(ev, qn(YP_NS, "subscription-id")).text = str(sub_id)
    etree.SubElement(ev, qn(YP_NS, "datastore-contents-xml")).extend(data)
    return ev


def push_change_update(sub_id: int, patch: etree._Element) -> etree._Element:
    """``yp:push-change-update`` with the YANG patch ``patch`` in ``datastore-changes-xml``."""
    ev = etree.Element(qn(YP_NS, "push-change-update"), nsmap={None: YP_NS})
    etree.SubElement(ev, qn(YP_NS, "subscription-id")).text = str(sub_id)
    etree.SubElement(ev, qn(YP_NS, "datastore-changes-xml")).append(patch)
    return ev


def subscription_terminated(sub_id: int, reason: str = "subscription-deleted") -> etree._Element:
    """``notif-bis:subscription-terminated`` with a ``subscription-errors`` identity as the reason."""
    ev = etree.Element(qn(EN_NS, "subscription-terminated"), nsmap={None: EN_NS, "notif-bis": EN_NS})
    etree.SubElement(ev, qn(EN_NS, "subscription-id")).text = str(sub_id)
    etree.SubElement(ev, qn(EN_NS, "reason")).text = f"notif-bis:{reason}"
    return ev


def change_patch(
    old: list[etree._Element], new: list[etree._Element], module_of: Mapping[str, str], patch_id: str
) -> etree._Element | None:
    """A YANG patch turning the selected top-level nodes ``old`` into ``new``, or None if they are the same.

    One edit per top-level node (matched by tag): ``create`` and ``replace`` carry the node's new selected
    content as ``value``, ``delete`` carries none. ``module_of`` maps a namespace to its module name for the
    ``/module:node`` targets.
    """
    before = {tag_of(el): el for el in old}
    after = {tag_of(el): el for el in new}
    edits: list[tuple[str, str, etree._Element | None]] = []
    for tag, el in after.items():
        prior = before.get(tag)
        if prior is None:
            edits.append(("create", tag, el))
        elif etree.tostring(prior, method="c14n") != etree.tostring(el, method="c14n"):
            edits.append(("replace", tag, el))
    edits.extend(("delete", tag, None) for tag in before if tag not in after)
    if not edits:
        return None
    patch = etree.Element(qn(PATCH_NS, "yang-patch"), nsmap={None: PATCH_NS})
    etree.SubElement(patch, qn(PATCH_NS, "patch-id")).text = patch_id
    for n, (operation, tag, value) in enumerate(edits, 1):
        qname = etree.QName(tag)
        edit = etree.SubElement(patch, qn(PATCH_NS, "edit"))
        etree.SubElement(edit, qn(PATCH_NS, "edit-id")).text = f"edit{n}"
        etree.SubElement(edit, qn(PATCH_NS, "operation")).text = operation
        module = module_of.get(qname.namespace or "", "")
        etree.SubElement(edit, qn(PATCH_NS, "target")).text = f"/{module}:{qname.localname}"
        if value is not None:
            etree.SubElement(edit, qn(PATCH_NS, "value")).append(value)
    return patch


# -- subscriptions ------------------------------------------------------------------------------------------------
@dataclass(eq=False)
class DynamicSubscription:
    """One established subscription: what it selects, when it sends, and the task that sends."""

    service: PushService
    sub_id: int
    session: NetconfSession
    filter: Filter
    period_cs: int | None  # None: on-change
    queue: asyncio.Queue[etree._Element] = field(init=False)
    task: asyncio.Task[None] | None = None
    ended: bool = False
    _changes: itertools.count[int] = field(default_factory=itertools.count)

    def __post_init__(self) -> None:
        self.queue = asyncio.Queue(maxsize=self.service.limits.max_notification_queue)

    @property
    def on_change(self) -> bool:
        """True for an on-change subscription, False for a periodic one."""
        return self.period_cs is None

    def start(self) -> None:
        """Begin sending (called once the rpc-reply has gone out)."""
        if not self.ended and self.task is None:
            self.task = asyncio.get_running_loop().create_task(self._run())

    def stop(self) -> None:
        """Stop at once; nothing more is sent."""
        self.ended = True
        if self.task is not None and self.task is not asyncio.current_task():
            self.task.cancel()

    def offer_commit(self, txn: Transaction) -> bool:
        """Queue a push-change-update if ``txn`` changed the selected data; False if the queue is full."""
        if self.ended or not self.on_change:
            return True
        patch = change_patch(
            self.service.select(txn.old, self.filter),
            self.service.select(txn.new, self.filter),
            self.service.module_of,
            str(next(self._changes)),
        )
        if patch is None:
            return True
        try:
            self.queue.put_nowait(notification_message(push_change_update(self.sub_id, patch), now_us()))
        except asyncio.QueueFull:
            return False
        return True

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            if self.on_change:
                await self._send(push_update(self.sub_id, self.service.select(self.service.running(), self.filter)))
                while not self.ended:
                    await self._send_message(await self.queue.get())
                return
            assert self.period_cs is not None
            period_s = self.period_cs / 100
            due = loop.time()
            while not self.ended:
                await self._send(push_update(self.sub_id, self.service.select(self.service.get_tree(), self.filter)))
                due += period_s
                await asyncio.sleep(max(0.0, due - loop.time()))
        except asyncio.CancelledError:
            raise
        except Exception:  # a broken subscription must never take the others down
            log.exception("session %d: subscription %d failed", self.session.session_id, self.sub_id)
            self.service.remove(self)

    async def _send(self, event: etree._Element) -> None:
        await self._send_message(notification_message(event, now_us()))

    async def _send_message(self, message: etree._Element) -> None:
        if not await deliver(self.session, message, self.service.limits):
            self.service.remove(self)


class PushService:
    """Every dynamic subscription of the device, by id and by session."""

    def __init__(self, services: NetconfServices) -> None:
        self.services = services
        self.limits = services.limits
        self.subscriptions: dict[int, DynamicSubscription] = {}
        self._ids = itertools.count(FIRST_ID)
        self._tasks: set[asyncio.Task[Any]] = set()  # subscription-terminated deliveries under way
        self.module_of = {info.ns: info.name for info in services.schema.modules.values() if not info.is_submodule}

    # -- data -----------------------------------------------------------------------------------------------
    def running(self) -> etree._Element:
        """The running configuration (on-change subscriptions follow its commits)."""
        tree: etree._Element = self.services.stores.running
        return tree

    def get_tree(self) -> etree._Element:
        """What ``<get>`` sees: running plus every state provider's data, as a fresh document."""
        tree = copy.deepcopy(self.services.stores.running)
        for provider in self.services.state_providers:
            tree.extend(provider())
        return tree

    def select(self, tree: etree._Element, flt: Filter) -> list[etree._Element]:
        """The top-level nodes ``flt`` selects in ``tree``, built as ``<get>`` builds them (fresh elements).

        Raises:
            RpcFault: the filter is malformed or its XPath cannot be evaluated.
        """
        schema = self.services.schema
        tree = strip_hidden(tree, schema)  # subscribers see what get sees
        return list(build_selection(tree, selection(tree, flt, schema), schema))

    # -- life cycle -----------------------------------------------------------------------------------------
    def of_session(self, session_id: int) -> list[DynamicSubscription]:
        """The live subscriptions of a session."""
        return [s for s in self.subscriptions.values() if s.session.session_id == session_id]

    def establish(self, session: NetconfSession, flt: Filter, period_cs: int | None) -> DynamicSubscription:
        """Register a subscription (the caller checked the parameters); it sends nothing until ``start()``.

        Raises:
            SubscriptionLimit: the session holds :data:`MAX_PER_SESSION` subscriptions already.
        """
        if len(self.of_session(session.session_id)) >= MAX_PER_SESSION:
            raise SubscriptionLimit(f"a session may hold at most {MAX_PER_SESSION} subscriptions")
        sub = DynamicSubscription(self, next(self._ids), session, flt, period_cs)
        self.subscriptions[sub.sub_id] = sub
        return sub

    def remove(self, sub: DynamicSubscription) -> None:
        """Forget ``sub`` and stop it."""
        if self.subscriptions.get(sub.sub_id) is sub:
            del self.subscriptions[sub.sub_id]
        sub.stop()

    def delete(self, session_id: int, sub_id: int) -> bool:
        """delete-subscription: end one of the session's own subscriptions; False if it has none with that id."""
        sub = self.subscriptions.get(sub_id)
        if sub is None or sub.session.session_id != session_id:
            return False
        self.remove(sub)
        return True

    def kill(self, sub_id: int) -> bool:
        """kill-subscription: end any subscription and tell its receiver; False if there is none with that id."""
        sub = self.subscriptions.get(sub_id)
        if sub is None:
            return False
        self.remove(sub)
        message = notification_message(subscription_terminated(sub_id), now_us())
        self._background(deliver(sub.session, message, self.limits))
        return True

    def _background(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- hooks ----------------------------------------------------------------------------------------------
    def on_commit(self, txn: Transaction) -> None:
        """Datastore listener: feed the on-change subscriptions; drop one whose subscriber stopped reading."""
        if not txn.changes:
            return
        for sub in [s for s in self.subscriptions.values() if s.on_change]:
            try:
                if sub.offer_commit(txn):
                    continue
            except Exception:  # a commit must never fail because of a subscriber
                log.exception("subscription %d: on-change update failed", sub.sub_id)
                self.remove(sub)
                continue
            log.warning(
                "session %d: %d updates are waiting for subscription %d, whose subscriber does not read them; "
                "dropping it and closing the session",
                sub.session.session_id,
                sub.queue.qsize(),
                sub.sub_id,
            )
            self.remove(sub)
            sub.session.close()

    def session_ended(self, session_id: int) -> None:
        """Hook for ``NetconfServices.session_ended_hooks``: the session's subscriptions end with it."""
        for sub in self.of_session(session_id):
            self.remove(sub)
