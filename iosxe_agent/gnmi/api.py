"""Capabilities, Get and Set on one device's datastores, free of gRPC plumbing (the server calls these).

Every path and value conversion is the pure mapping layer's (:mod:`iosxe_agent.gnmi.mapping`): here are only the
request bounds, which trees a Get reads, and the one write. A Set becomes ONE NETCONF-style edit of running
(deletes, then replaces, then updates) and goes through :meth:`Stores.edit` like a NETCONF ``<edit-config>``: one
transaction through the one commit pipeline, the same validation and locks (a NETCONF session's lock on running
refuses it: FAILED_PRECONDITION), all or nothing, at once visible to NETCONF, RESTCONF, the CLI and ``show
running-config``. Each call is a session of its own for the locks and the commit origin (face ``gnmi``), as a
RESTCONF request is. Reads see what NETCONF sees: the device-private module stays hidden and cannot be written.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

import grpc
from lxml import etree

from iosxe_agent.datastore.store import ROOT_TAG, RUNNING, StoreError
from iosxe_agent.datastore.transaction import Face, Origin
from iosxe_agent.gnmi import mapping
from iosxe_agent.gnmi.capabilities import ENCODINGS, capability_response
from iosxe_agent.gnmi.errors import GnmiFault, from_code_name, from_store_error
from iosxe_agent.gnmi.proto import gnmi_pb2
from iosxe_agent.netconf.services import NetconfServices
from iosxe_agent.yang.schema import Schema

_GET = gnmi_pb2.GetRequest
_RESULT = gnmi_pb2.UpdateResult


class GnmiApi:
    """The unary gNMI RPCs of one device."""

    def __init__(self, services: NetconfServices) -> None:
        self.services = services
        self.schema: Schema = services.schema
        self.limits = services.limits
        #: top-level nodes with state data below them (only a read under these builds the state data)
        self._stateful = frozenset(
            top.tag for top in self.schema.root.data_children.values() if any(not n.config for n in top.walk())
        )

    # -- shared by Get and Subscribe ------------------------------------------------------------------------------
    def check_encoding(self, encoding: int) -> None:
        """Values travel as RFC 7951 JSON; the other encodings are not served (the spec's UNIMPLEMENTED)."""
        if encoding not in ENCODINGS:
            name = gnmi_pb2.Encoding.Name(encoding) if encoding in gnmi_pb2.Encoding.values() else str(encoding)
            raise GnmiFault(grpc.StatusCode.UNIMPLEMENTED, f"encoding {name} is not supported (JSON_IETF, JSON)")

    def check_count(self, count: int, what: str) -> None:
        if count > self.limits.gnmi_max_paths:
            raise GnmiFault(
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                f"{count} {what} in one request (at most {self.limits.gnmi_max_paths})",
            )

    def resolve(self, prefix: gnmi_pb2.Path | None, paths: Sequence[gnmi_pb2.Path]) -> list[mapping.Target]:
        """Every requested path as a schema target (no paths: the whole datastore)."""
        try:
            return [mapping.resolve(prefix, path, self.schema) for path in (paths or [gnmi_pb2.Path()])]
        except mapping.GnmiPathError as exc:
            raise from_code_name(exc.code, str(exc)) from None

    def snapshot(self, targets: Iterable[mapping.Target], *, config_only: bool) -> list[gnmi_pb2.Notification]:
        """One notification per target that has data now: its instances' values (absent ones: none)."""
        running = self.services.stores.running
        targets = list(targets)
        state = None if config_only or not any(map(self._stateful_target, targets)) else self._state_tree()
        now = time.time_ns()
        out = []
        for target in targets:
            updates = mapping.get_updates(running, target, self.schema, config_only=config_only)
            if state is not None and self._stateful_target(target):
                updates += mapping.get_updates(state, target, self.schema, config_only=False)
            if updates:
                out.append(gnmi_pb2.Notification(timestamp=now, update=updates))
        return out

    def _stateful_target(self, target: mapping.Target) -> bool:
        return not target.steps or target.steps[0].node.tag in self._stateful

    def _state_tree(self) -> etree._Element:
        """The device's state data (netconf-state, sessions …) as one tree, built for reads that ask for it: the
        top nodes of the served modules only (a provider may add one 17.12 does not list, as for RESTCONF)."""
        state = etree.Element(ROOT_TAG)
        for provider in self.services.state_providers:
            state.extend(el for el in provider() if self.schema.root.child(str(el.tag)) is not None)
        return state

    # -- the RPCs ---------------------------------------------------------------------------------------------------
    def capabilities(self) -> gnmi_pb2.CapabilityResponse:
        return capability_response(self.schema)

    def get(self, request: gnmi_pb2.GetRequest) -> gnmi_pb2.GetResponse:
        """The values at the requested paths; a path with nothing at it is NOT_FOUND (gNMI spec §3.3.4)."""
        self.check_encoding(request.encoding)
        self.check_count(len(request.path), "paths")
        if request.type in (_GET.STATE, _GET.OPERATIONAL):
            raise GnmiFault(grpc.StatusCode.UNIMPLEMENTED, "only CONFIG and ALL data are served")
        prefix = request.prefix if request.HasField("prefix") else None
        targets = self.resolve(prefix, request.path)
        notifications = []
        for target in targets:
            found = self.snapshot([target], config_only=request.type == _GET.CONFIG)
            if not found:
                raise GnmiFault(grpc.StatusCode.NOT_FOUND, "no data at the requested path")
            notifications += found
        return gnmi_pb2.GetResponse(notification=notifications)

    async def set(self, request: gnmi_pb2.SetRequest, user: str, peer: str | None) -> gnmi_pb2.SetResponse:
        """Deletes, replaces and updates as one transaction of running (nothing changes unless all apply)."""
        if request.union_replace:
            raise GnmiFault(grpc.StatusCode.UNIMPLEMENTED, "union_replace is not supported")
        self.check_count(len(request.delete) + len(request.replace) + len(request.update), "operations")
        results = [_RESULT(path=p, op=_RESULT.DELETE) for p in request.delete]
        results += [_RESULT(path=u.path, op=_RESULT.REPLACE) for u in request.replace]
        results += [_RESULT(path=u.path, op=_RESULT.UPDATE) for u in request.update]
        if results:
            try:
                edit, default_operation = mapping.set_edit(request, self.services.stores.running, self.schema)
            except mapping.GnmiPathError as exc:
                raise from_code_name(exc.code, str(exc)) from None
            origin = Origin(session_id=self.services.sessions.allocate(), user=user, face=Face.GNMI, source_host=peer)
            await self._commit(edit, default_operation, origin)
        prefix = request.prefix if request.HasField("prefix") else None
        return gnmi_pb2.SetResponse(prefix=prefix, response=results, timestamp=time.time_ns())

    async def _commit(self, edit: etree._Element, default_operation: str, origin: Origin) -> None:
        """The one write of the gNMI face: an edit of running through the commit pipeline."""
        stores = self.services.stores
        try:
            await stores.edit(RUNNING, edit, origin, default_operation=default_operation, visible_only=True)
        except StoreError as exc:
            raise from_store_error(exc) from None
