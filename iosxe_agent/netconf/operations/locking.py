"""lock and unlock (RFC 6241 §7.5, §7.6)."""

from __future__ import annotations

from lxml import etree

from iosxe_agent.datastore.store import StoreError
from iosxe_agent.netconf.faults import fault_from
from iosxe_agent.netconf.operations.params import datastore_name, only_known
from iosxe_agent.netconf.registry import Registry, Reply, RpcContext
from iosxe_agent.netconf.xmlio import NC_NS, qn

_PARAMS = {qn(NC_NS, "target")}  # built once: lock and unlock are among the most frequent requests


async def lock(ctx: RpcContext, op: etree._Element) -> Reply:
    """<lock>: lock-denied names the holder's session-id in error-info."""
    only_known(op, _PARAMS, "lock")
    ds = datastore_name(ctx, op, "target")
    try:
        ctx.services.stores.lock(ds, ctx.session.session_id, ctx.session.user)
    except StoreError as exc:
        raise fault_from(exc.errors) from exc
    return None


async def unlock(ctx: RpcContext, op: etree._Element) -> Reply:
    """<unlock>: only the session holding the lock may release it."""
    only_known(op, _PARAMS, "unlock")
    ds = datastore_name(ctx, op, "target")
    try:
        ctx.services.stores.unlock(ds, ctx.session.session_id)
    except StoreError as exc:
        raise fault_from(exc.errors) from exc
    return None


def register(registry: Registry) -> None:
    """Serve the locking operations."""
    registry.register(qn(NC_NS, "lock"), lock)
    registry.register(qn(NC_NS, "unlock"), unlock)
