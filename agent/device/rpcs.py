"""The Cisco RPCs this device serves over NETCONF (cisco-ia ``save-config`` …)."""

from __future__ import annotations

from lxml import etree

from agent.datastore.store import StoreError
from agent.device.names import IA_NS
from agent.netconf.faults import fault_from
from agent.netconf.operations.params import origin
from agent.netconf.registry import Registry, Reply, RpcContext


def _result(text: str) -> list[etree._Element]:
    el = etree.Element(f"{{{IA_NS}}}result", nsmap={None: IA_NS})
    el.text = text
    return [el]


async def save_config(ctx: RpcContext, op: etree._Element) -> Reply:
    """cisco-ia ``save-config`` = ``copy running-config startup-config``; IOS XE's reply text."""
    try:
        ctx.services.stores.save(origin(ctx))
    except StoreError as exc:
        raise fault_from(exc.errors) from exc
    return _result("Save running-config successful")


def register(registry: Registry) -> None:
    """Serve the Cisco RPCs implemented so far; the others in the schema answer operation-not-supported."""
    registry.register(f"{{{IA_NS}}}save-config", save_config)
