"""``/restconf/operations``: the device's RPCs over RESTCONF (RFC 8040 §3.6), run by the very handlers NETCONF
runs (``cisco-ia:save-config``, ``Cisco-IOS-XE-rpc:copy`` …), so both faces do the same thing.

Offered: every RPC of the schema with a registered handler, but those bound to a NETCONF session (locks,
subscriptions, the NETCONF datastores' own operations), whose meaning needs a session RESTCONF does not have.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from lxml import etree

from iosxe_agent.data import json_codec
from iosxe_agent.netconf.faults import RpcFault
from iosxe_agent.netconf.registry import RpcContext
from iosxe_agent.netconf.services import NetconfServices
from iosxe_agent.restconf import media
from iosxe_agent.restconf.errors import RESTCONF_MODULE, RESTCONF_NS, RestconfError, RestconfFault, fault
from iosxe_agent.restconf.messages import Request, Response, json_body
from iosxe_agent.restconf.paths import module_names, namespace_modules
from iosxe_agent.restconf.query import no_query
from iosxe_agent.yang.schema import SchemaNode

if TYPE_CHECKING:
    from iosxe_agent.netconf.session import NetconfSession

NC_NS = "urn:ietf:params:xml:ns:netconf:base:1.0"
SESSION_BOUND_NS = frozenset(
    {
        NC_NS,
        "urn:ietf:params:xml:ns:yang:ietf-netconf-nmda",
        "urn:ietf:params:xml:ns:netconf:notification:1.0",
        "urn:ietf:params:xml:ns:yang:ietf-event-notifications",
        "urn:ietf:params:xml:ns:yang:ietf-yang-push",
    }
)


@dataclass(frozen=True, slots=True)
class _Caller:
    """What the device's RPC handlers read of their caller (identity; no NETCONF session behind it)."""

    session_id: int
    user: str
    source_host: str | None
    candidate: bool = False


class Operations:
    """The operations resource of one device."""

    def __init__(self, services: NetconfServices) -> None:
        self.services = services
        self.schema = services.schema
        self.modules = module_names(self.schema)
        self.ns_modules = namespace_modules(self.schema)
        registry = services.registry
        self.offered: dict[str, SchemaNode] = {
            tag: rpc
            for tag, rpc in self.schema.rpcs.items()
            if rpc.ns not in SESSION_BOUND_NS and rpc.ns in self.ns_modules and registry.lookup(tag) is not None
        }

    def listing(self, req: Request) -> Response:
        """GET /restconf/operations: one empty member per offered RPC."""
        kind = media.reply_type(req.headers.get("Accept"))
        rpcs = list(self.offered.values())
        if kind == media.JSON:
            doc = {f"{self.ns_modules[r.ns]}:{r.name}": [None] for r in rpcs}
            return Response(200, json_body({f"{RESTCONF_MODULE}:operations": doc}), kind)
        root = etree.Element(f"{{{RESTCONF_NS}}}operations", nsmap={None: RESTCONF_NS})
        for r in rpcs:
            etree.SubElement(root, r.tag, nsmap={None: r.ns})
        return Response(200, etree.tostring(root, encoding="UTF-8", pretty_print=True), kind)

    async def invoke(self, req: Request, name: str) -> Response:
        """POST /restconf/operations/<module>:<rpc>: the input (``<module>:input``) to the device's handler, its
        output back as ``<module>:output`` (204 when it has none)."""
        no_query(req.query)
        module, _, local = name.partition(":")
        tag = f"{{{self.modules.get(module, '')}}}{local}"
        rpc = self.offered.get(tag)
        if rpc is None:
            raise fault("invalid-value", "uri keypath not found", status=404)
        kind = media.reply_type(req.headers.get("Accept"))
        op = etree.Element(tag, nsmap={None: rpc.ns})
        if req.body.strip():
            body_type = media.request_type(req.headers.get("Content-Type"))
            limits = self.services.limits
            wrapper = (module, rpc.ns, "input")
            inputs = self.schema.rpc_input(tag)
            op.extend(media.read_body(req.body, body_type, self.schema, inputs, limits, self.ns_modules, wrapper))
        envelope = etree.Element(f"{{{NC_NS}}}rpc", nsmap={None: NC_NS})
        envelope.append(op)
        handler = self.services.registry.lookup(tag)
        assert handler is not None  # offered only with a handler
        caller = _Caller(self.services.sessions.allocate(), req.user, req.peer)
        try:
            # the handlers read only the caller's identity (session id, user, source host, candidate)
            reply = await handler(RpcContext(cast("NetconfSession", caller), self.services, envelope), op)
        except RpcFault as exc:
            raise RestconfFault(
                RestconfError(e.tag.value, e.message or e.tag.value, e.type.value, e.path, e.app_tag, e.info)
                for e in exc.errors
            ) from None
        output = [el for el in reply or () if isinstance(el.tag, str)]
        if not output:
            return Response(204)
        if kind == media.JSON:
            members = json_codec.encode_json(self.schema, output, parent=self.schema.rpc_output(tag))
            return Response(200, json_body({f"{module}:output": members}), kind)
        holder = etree.Element(f"{{{rpc.ns}}}output", nsmap={None: rpc.ns})
        holder.extend(output)
        return Response(200, etree.tostring(holder, encoding="UTF-8", pretty_print=True), kind)
