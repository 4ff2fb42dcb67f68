"""commit and discard-changes (RFC 6241 §8.3)."""

from __future__ import annotations

from lxml import etree

from agent.datastore.store import StoreError
from agent.netconf.faults import fault_from
from agent.netconf.operations.params import only_known, origin
from agent.netconf.registry import Registry, Reply, RpcContext
from agent.netconf.xmlio import NC_NS, qn


async def commit(ctx: RpcContext, op: etree._Element) -> Reply:
    """<commit>: candidate becomes running, through the one commit pipeline."""
    only_known(op, set(), "commit")
    try:
        ctx.services.stores.commit(origin(ctx))
    except StoreError as exc:
        raise fault_from(exc.errors) from exc
    return None


async def discard_changes(ctx: RpcContext, op: etree._Element) -> Reply:
    """<discard-changes>: candidate goes back to running."""
    only_known(op, set(), "discard-changes")
    try:
        ctx.services.stores.discard_changes(ctx.session.session_id)
    except StoreError as exc:
        raise fault_from(exc.errors) from exc
    return None


def register(registry: Registry) -> None:
    """Serve the candidate operations."""
    registry.register(qn(NC_NS, "commit"), commit)
    registry.register(qn(NC_NS, "discard-changes"), discard_changes)
