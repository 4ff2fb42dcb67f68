"""partial-lock and partial-unlock (RFC 5717) of the running datastore.

``<partial-lock>`` takes one or more ``<select>`` XPath expressions (prefixes from the namespace declarations in
scope on each ``<select>``), evaluated on running; the reply is the new ``<lock-id>`` and one
``<locked-node>`` instance-identifier per node found (its prefixes declared on the element). The locked nodes
and their subtrees are then read-only for every other session; see :mod:`iosxe_agent.datastore.store` for the
conflict rules. ``<partial-unlock>`` releases a lock of the calling session; the end of a session releases
all of its locks.
"""

from __future__ import annotations

from lxml import etree

from iosxe_agent.datastore.store import StoreError
from iosxe_agent.digits import ascii_digits
from iosxe_agent.netconf import capabilities
from iosxe_agent.netconf.errors import ErrorTag
from iosxe_agent.netconf.faults import fault_from, missing_element, protocol_error, unknown_element
from iosxe_agent.netconf.registry import Registry, Reply, RpcContext
from iosxe_agent.netconf.xmlio import qn

PL_NS = "urn:ietf:params:xml:ns:netconf:partial-lock:1.0"
_UINT32_MAX = 4294967295


async def partial_lock(ctx: RpcContext, op: etree._Element) -> Reply:
    """<partial-lock>: lock the running nodes the selects find; reply lock-id and locked-node list."""
    selects: list[tuple[str, dict[str, str]]] = []
    for c in op:
        if not isinstance(c.tag, str):
            continue
        if c.tag != qn(PL_NS, "select"):
            raise unknown_element(etree.QName(c).localname, "partial-lock")
        prefixes = {p: uri for p, uri in c.nsmap.items() if p}
        selects.append(((c.text or "").strip(), prefixes))
    if not selects:
        raise missing_element("select", "partial-lock")
    try:
        lock = ctx.services.stores.partial_lock(ctx.session.session_id, ctx.session.user, selects)
    except StoreError as exc:
        raise fault_from(exc.errors) from exc
    lock_id = etree.Element(qn(PL_NS, "lock-id"), nsmap={None: PL_NS})
    lock_id.text = str(lock.lock_id)
    reply = [lock_id]
    for node in lock.nodes:
        nsmap: dict[str | None, str] = {None: PL_NS, **dict(node.path_ns)}
        el = etree.Element(qn(PL_NS, "locked-node"), nsmap=nsmap)
        el.text = node.path
        reply.append(el)
    return reply


async def partial_unlock(ctx: RpcContext, op: etree._Element) -> Reply:
    """<partial-unlock>: release a partial lock of this session."""
    lock_id_el: etree._Element | None = None
    for c in op:
        if not isinstance(c.tag, str):
            continue
        if c.tag != qn(PL_NS, "lock-id") or lock_id_el is not None:
            raise unknown_element(etree.QName(c).localname, "partial-unlock")
        lock_id_el = c
    if lock_id_el is None:
        raise missing_element("lock-id", "partial-unlock")
    text = (lock_id_el.text or "").strip()
    if not ascii_digits(text) or int(text) > _UINT32_MAX:
        raise protocol_error(ErrorTag.INVALID_VALUE, f'"{text}" is not a valid lock-id', element="lock-id")
    try:
        ctx.services.stores.partial_unlock(ctx.session.session_id, int(text))
    except StoreError as exc:
        raise fault_from(exc.errors) from exc
    return None


def register(registry: Registry) -> None:
    """Serve RFC 5717 and offer ``:partial-lock:1.0`` (IOS XE 17.12 offers it)."""
    registry.register(qn(PL_NS, "partial-lock"), partial_lock)
    registry.register(qn(PL_NS, "partial-unlock"), partial_unlock)
    registry.capabilities.append(capabilities.PARTIAL_LOCK)
