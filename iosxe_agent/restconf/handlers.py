"""The RESTCONF resources (RFC 8040 §3) on a device's datastores: what each method does, free of HTTP plumbing.

Every write becomes an edit of running in NETCONF terms (the body placed under the instance skeleton of its
api-path, with the ``nc:operation`` the method means: PUT ``replace``, POST ``create``, PATCH ``merge``, DELETE
``delete``) and goes through :meth:`Stores.edit` like a NETCONF ``<edit-config>``: the one commit pipeline, the
same validation, the same locks (a NETCONF session's lock on running refuses the write, 409), and at once visible
to NETCONF, the CLI and ``show running-config``. Each request is a session of its own for the locks and the
commit origin (a device-wide session id; RESTCONF has no sessions). Reads see what NETCONF sees: the device-
private module stays hidden and writes cannot name it.

The server (:mod:`iosxe_agent.restconf.server`) turns HTTP into a :class:`~iosxe_agent.restconf.messages.Request`
after authentication and a ``Response`` back; everything here is testable without a socket. ``/restconf/
operations`` is :mod:`iosxe_agent.restconf.operations`, the entity tags :mod:`iosxe_agent.restconf.version`.
"""

from __future__ import annotations

import copy
import logging

from lxml import etree

from iosxe_agent.data import json_codec
from iosxe_agent.data.defaults import apply_with_defaults
from iosxe_agent.data.hidden import strip_hidden
from iosxe_agent.datastore.store import ROOT_TAG, RUNNING, StoreError
from iosxe_agent.datastore.transaction import Face, Origin
from iosxe_agent.netconf.services import NetconfServices
from iosxe_agent.restconf import media, yang_patch
from iosxe_agent.restconf.errors import (
    RESTCONF_MODULE,
    RESTCONF_NS,
    RestconfFault,
    errors_json,
    errors_xml,
    fault,
    from_data_errors,
    not_allowed,
)
from iosxe_agent.restconf.messages import Request, Response, json_body
from iosxe_agent.restconf.operations import Operations
from iosxe_agent.restconf.paths import (
    ApiPath,
    PathError,
    Step,
    api_path_text,
    find_below,
    find_instances,
    merge_skeleton,
    namespace_modules,
    nests,
    parse_api_path,
    skeleton,
)
from iosxe_agent.restconf.query import cut_depth, no_query, parse_get_query, select_fields
from iosxe_agent.restconf.version import DatastoreVersion, check_write, not_modified
from iosxe_agent.yang.schema import Kind, Schema, SchemaNode

log = logging.getLogger(__name__)
NC_NS = "urn:ietf:params:xml:ns:netconf:base:1.0"
OPERATION = f"{{{NC_NS}}}operation"
XRD_NS = "http://docs.oasis-open.org/ns/xri/xrd-1.0"
#: the ietf-yang-library revision IOS XE 17.12 reports (RFC 7895)
YANG_LIBRARY_VERSION = "2016-06-21"
DATA = "/restconf/data"
OPERATIONS = "/restconf/operations"
_DATA_METHODS = "GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE"


class RestconfApi:
    """The resources of one device's RESTCONF server."""

    def __init__(self, services: NetconfServices, version: DatastoreVersion) -> None:
        self.services = services
        self.schema: Schema = services.schema
        self.version = version
        self.operations = Operations(services)
        self.ns_modules = namespace_modules(self.schema)
        #: top-level nodes with state data below them (only a GET under these builds the state data)
        self._stateful = frozenset(
            top.tag for top in self.schema.root.data_children.values() if any(not n.config for n in top.walk())
        )

    # -- entry ------------------------------------------------------------------------------------------------
    async def handle(self, req: Request) -> Response:
        """Serve one request; every refusal is an RFC 8040 ``errors`` body in the media type asked for."""
        try:
            return await self._route(req)
        except RestconfFault as f:
            return self.error_response(f, req.headers.get("Accept"), req.headers.get("Content-Type"))
        except Exception:
            log.exception("RESTCONF: internal error in %s %s", req.method, req.path)
            failed = fault("operation-failed", "internal error; see the agent log", status=500)
            return self.error_response(failed, req.headers.get("Accept"), req.headers.get("Content-Type"))

    def error_response(self, f: RestconfFault, accept: str | None, content_type: str | None = None) -> Response:
        """``f`` as a response in the type the client reads (its body's type when Accept names none we serve)."""
        default = media.JSON if media.known_type(content_type) == media.JSON else None
        try:
            kind = media.reply_type(accept, default or media.XML)
        except RestconfFault:
            kind = default or media.XML
        body = errors_json(f) if kind == media.JSON else errors_xml(f)
        extra = (("Allow", f.allow),) if f.allow else ()
        return Response(f.status, body, kind, extra)

    async def _route(self, req: Request) -> Response:
        path = req.path
        if path == "/.well-known/host-meta":
            self._only(req, "GET", "HEAD")
            xrd = f"<XRD xmlns='{XRD_NS}'>\n  <Link rel='restconf' href='/restconf'/>\n</XRD>\n".encode()
            return self._head(req, Response(200, xrd, "application/xrd+xml"))
        if path in ("/restconf", "/restconf/"):
            self._only(req, "GET", "HEAD")
            return self._head(req, self._root(req))
        if path == "/restconf/yang-library-version":
            self._only(req, "GET", "HEAD")
            return self._head(req, self._library_version(req))
        if path == DATA or path.startswith(DATA + "/"):
            return await self._data(req, path.removeprefix(DATA).removeprefix("/"))
        if path in (OPERATIONS, OPERATIONS + "/"):
            self._only(req, "GET", "HEAD")
            return self._head(req, self.operations.listing(req))
        if path.startswith(OPERATIONS + "/"):
            self._only(req, "POST")
            return await self.operations.invoke(req, path.removeprefix(OPERATIONS + "/"))
        raise fault("invalid-value", "uri keypath not found", status=404)

    @staticmethod
    def _only(req: Request, *methods: str) -> None:
        if req.method not in methods:
            raise not_allowed(req.method, req.path, ", ".join(methods))

    @staticmethod
    def _head(req: Request, response: Response) -> Response:
        if req.method != "HEAD":
            return response
        return Response(response.status, b"", response.content_type, response.headers)

    # -- the API root ----------------------------------------------------------------------------------------
    def _root(self, req: Request) -> Response:
        kind = media.reply_type(req.headers.get("Accept"))
        if kind == media.JSON:
            doc = {"data": {}, "operations": {}, "yang-library-version": YANG_LIBRARY_VERSION}
            return Response(200, json_body({f"{RESTCONF_MODULE}:restconf": doc}), kind)
        root = etree.Element(f"{{{RESTCONF_NS}}}restconf", nsmap={None: RESTCONF_NS})
        etree.SubElement(root, f"{{{RESTCONF_NS}}}data")
        etree.SubElement(root, f"{{{RESTCONF_NS}}}operations")
        etree.SubElement(root, f"{{{RESTCONF_NS}}}yang-library-version").text = YANG_LIBRARY_VERSION
        return Response(200, etree.tostring(root, encoding="UTF-8", pretty_print=True), kind)

    def _library_version(self, req: Request) -> Response:
        kind = media.reply_type(req.headers.get("Accept"))
        if kind == media.JSON:
            return Response(200, json_body({f"{RESTCONF_MODULE}:yang-library-version": YANG_LIBRARY_VERSION}), kind)
        el = etree.Element(f"{{{RESTCONF_NS}}}yang-library-version", nsmap={None: RESTCONF_NS})
        el.text = YANG_LIBRARY_VERSION
        return Response(200, etree.tostring(el, encoding="UTF-8"), kind)

    # -- data -------------------------------------------------------------------------------------------------
    def _path(self, raw: str) -> ApiPath:
        try:
            return parse_api_path(self.schema, raw)
        except PathError as exc:
            if exc.unknown:
                raise fault("invalid-value", str(exc), status=404) from None
            raise fault("invalid-value", str(exc), error_type="protocol") from None

    async def _data(self, req: Request, raw: str) -> Response:
        path = self._path(raw)
        method = req.method
        if method in ("GET", "HEAD"):
            return self._head(req, self._get(req, path))
        if method == "OPTIONS":
            return Response(200, headers=(("Allow", _DATA_METHODS),))
        if method not in ("PUT", "POST", "PATCH", "DELETE"):
            raise not_allowed(method, req.path, _DATA_METHODS)
        if path.steps and path.steps[-1].node.config is False:
            raise not_allowed(method, req.path, "GET, HEAD, OPTIONS")  # state data is read-only
        no_query(req.query)
        check_write(
            req.headers,
            self.version,
            lambda: not path.steps or bool(find_instances(self.services.stores.running, path)),
        )
        if method == "DELETE":
            return await self._delete(req, path)
        if path.whole_list:
            raise fault("invalid-value", f"{req.method} of a list needs its keys in the path", error_type="protocol")
        patch_type = yang_patch.patch_media(req.headers.get("Content-Type"))
        if method == "PATCH" and patch_type is not None:
            return await self._yang_patch(req, raw, patch_type)
        body_type = media.request_type(req.headers.get("Content-Type"))
        if method == "POST":
            return await self._post(req, path, body_type)
        elements = self._body_for(req, path, body_type)
        return await self._write(req, path, elements, "replace" if method == "PUT" else "merge")

    def _roots(self, content: str, path: ApiPath) -> list[etree._Element]:
        """Where a GET looks (datastore wrappers, never copied): running, the state data, or both. State data is
        built only when the path can reach it (its top node holds state), not for every GET of configuration."""
        roots = [] if content == "nonconfig" else [self.services.stores.running]
        if content != "config" and (not path.steps or path.steps[0].node.tag in self._stateful):
            state = etree.Element(ROOT_TAG)
            for provider in self.services.state_providers:
                state.extend(provider())
            roots.append(state)
        return roots

    def _get(self, req: Request, path: ApiPath) -> Response:
        """GET: the target's instances, copied into a small tree of their own (its ancestors' skeleton), where
        with-defaults and hiding the device-private nodes cost what the answer holds, not the whole datastore."""
        query = parse_get_query(req.query)
        kind = media.reply_type(req.headers.get("Accept"))
        version = self.version.headers()
        if not_modified(req.headers, self.version):
            return Response(304, headers=version)
        roots = self._roots(query.content, path)
        # the datastore: the top nodes of the served modules (a state provider may add one 17.12 does not list)
        found = find_below(roots, path) if path.steps else [el for root in roots for el in root if self._served(el)]
        answer = etree.Element(ROOT_TAG)
        skeleton(answer, path.steps[:-1]).extend(copy.deepcopy(el) for el in found)
        answer = strip_hidden(apply_with_defaults(answer, self.schema, query.with_defaults), self.schema)
        if not path.steps and query.fields is not None:  # the datastore: fields name top-level nodes
            select_fields(answer, self.schema.root, query.fields, self.ns_modules)
        elements = find_instances(answer, path) if path.steps else list(answer)
        if path.steps and not elements:
            raise fault("invalid-value", "uri keypath not found", status=404)
        for el in elements:
            node = path.target(self.schema) if path.steps else self.schema.root.child(str(el.tag))
            if node is not None and query.depth is not None:
                cut_depth(el, node, query.depth)
            if node is not None and query.fields is not None and path.steps:
                select_fields(el, node, query.fields, self.ns_modules)
        target = path.target(self.schema)
        parent = _data_parent(target) if path.steps else None
        body = media.write_data(elements, kind, self.schema, parent, wrapper=None if path.steps else "data")
        return Response(200, body, kind, version)

    def _served(self, el: etree._Element) -> bool:
        return isinstance(el.tag, str) and self.schema.root.child(el.tag) is not None

    def _read(
        self, body: bytes, body_type: str, parent: SchemaNode | None, wrapper: tuple[str, str, str] | None = None
    ) -> list[etree._Element]:
        return media.read_body(body, body_type, self.schema, parent, self.services.limits, self.ns_modules, wrapper)

    def _body_for(self, req: Request, path: ApiPath, body_type: str) -> list[etree._Element]:
        """The body of a PUT/PATCH: the target resource itself (the datastore: ``data`` holding top nodes)."""
        if not path.steps:
            return self._read(req.body, body_type, None, wrapper=(RESTCONF_MODULE, RESTCONF_NS, "data"))
        target = path.steps[-1]
        elements = self._read(req.body, body_type, _data_parent(target.node))
        if len(elements) != 1 or elements[0].tag != target.node.tag:
            raise fault(
                "invalid-value", f"the body must be the one resource {target.node.name!r}", error_type="protocol"
            )
        _check_keys(elements[0], target)
        return elements

    async def _write(self, req: Request, path: ApiPath, elements: list[etree._Element], operation: str) -> Response:
        """PUT (``replace``) or PATCH (``merge``) of a resource or the whole datastore."""
        existed = not path.steps or bool(find_instances(self.services.stores.running, path))
        if operation == "merge" and not existed:
            raise fault("invalid-value", "uri keypath not found", status=404)
        config = etree.Element(ROOT_TAG)
        if not path.steps:
            config.extend(elements)
            await self._edit(req, config, operation)
        else:
            holder = skeleton(config, path.steps[:-1])
            elements[0].set(OPERATION, operation)
            holder.append(elements[0])
            await self._edit(req, config, "merge")
        if existed:
            return Response(204, headers=self.version.headers())
        location = (("Location", f"{DATA}/{api_path_text(path, self.schema)}"),)
        return Response(201, headers=location + self.version.headers())

    async def _post(self, req: Request, path: ApiPath, body_type: str) -> Response:
        """POST: create the one child resource the body holds under the target (the datastore: a top node)."""
        target = path.target(self.schema)
        if path.steps and target.kind not in (Kind.CONTAINER, Kind.LIST):
            raise fault("invalid-value", f"{target.name!r} cannot hold a new resource", error_type="protocol")
        if path.steps and not find_instances(self.services.stores.running, path):
            raise fault("invalid-value", "uri keypath not found", status=404)
        elements = self._read(req.body, body_type, target if path.steps else None)
        if len(elements) != 1:
            raise fault("invalid-value", "the body must hold exactly one resource to create", error_type="protocol")
        created = elements[0]
        node = (target if path.steps else self.schema.root).child(str(created.tag))
        if node is None:
            raise fault("unknown-element", f"{etree.QName(created).localname!r} is not a child of the target")
        config = etree.Element(ROOT_TAG)
        holder = skeleton(config, path.steps)
        created.set(OPERATION, "create")
        holder.append(created)
        await self._edit(req, config, "merge")
        step = Step(node, _instance_values(created, node))
        location = api_path_text(ApiPath((*path.steps, step)), self.schema)
        return Response(201, headers=(("Location", f"{DATA}/{location}"), *self.version.headers()))

    async def _yang_patch(self, req: Request, raw: str, patch_type: str) -> Response:
        """PATCH with a YANG Patch body (RFC 8072): every edit in one commit, ``yang-patch-status`` back."""
        patch_id, edits = yang_patch.read_patch(req.body, patch_type, self.services.limits)
        same = media.JSON if patch_type == yang_patch.PATCH_JSON else media.XML  # Accept may name the patch type
        kind = (
            same
            if patch_type in (req.headers.get("Accept") or "")
            else media.reply_type(req.headers.get("Accept"), same)
        )
        config = etree.Element(ROOT_TAG)
        targets: list[ApiPath] = []
        for edit in edits:
            try:
                self._add_patch_edit(config, raw, edit, targets)
            except RestconfFault as refused:
                body = yang_patch.status_body(patch_id, kind, refused, edit.edit_id)
                return Response(refused.status, body, kind)
        try:
            await self._edit(req, config, "merge")
        except RestconfFault as refused:
            return Response(refused.status, yang_patch.status_body(patch_id, kind, refused), kind)
        return Response(200, yang_patch.status_body(patch_id, kind), kind, self.version.headers())

    def _add_patch_edit(
        self, config: etree._Element, raw: str, edit: yang_patch.PatchEdit, targets: list[ApiPath]
    ) -> None:
        """Add one YANG Patch edit to ``config`` (``targets``: those of the edits before it)."""
        path = self._patch_path(raw, edit.target)
        if not path.steps or path.whole_list:
            raise fault("invalid-value", f"edit {edit.edit_id!r}: the target must name one resource")
        if any(nests(path, other) for other in targets):
            raise fault("invalid-value", f"edit {edit.edit_id!r}: its target nests with another edit's")
        targets.append(path)
        operation = yang_patch.OPERATIONS[edit.operation]
        position = self._patch_position(raw, edit, path) if edit.operation in yang_patch.POSITIONED else ()
        if edit.value is None:
            if edit.operation == "move" and not find_instances(self.services.stores.running, path):
                raise fault("data-missing", f"edit {edit.edit_id!r}: there is no such entry to move")
            element = merge_skeleton(config, path.steps)
        else:
            target = path.steps[-1]
            value = self._patch_value(edit.value, _data_parent(target.node))
            if len(value) != 1 or value[0].tag != target.node.tag:
                raise fault("invalid-value", f"edit {edit.edit_id!r}: the value must be the one {target.node.name!r}")
            _check_keys(value[0], target)
            element = value[0]
            merge_skeleton(config, path.steps[:-1]).append(element)
        element.set(OPERATION, operation)
        for name, text in position:
            element.set(name, text)

    def _patch_path(self, raw: str, relative: str) -> ApiPath:
        """A YANG Patch target or point: relative to the request's resource."""
        return self._path("/".join(part for part in (raw, relative.strip("/")) if part))

    def _patch_position(self, raw: str, edit: yang_patch.PatchEdit, path: ApiPath) -> tuple[tuple[str, str], ...]:
        """Where ``insert``/``move`` put the target: an entry of an ordered-by-user list, placed relative to the
        list's ends or to ``point``, another entry of the same list instance."""
        target = path.steps[-1]
        if not target.node.ordered_by_user or not target.values:
            raise fault(
                "invalid-value",
                f"edit {edit.edit_id!r}: {edit.operation} needs an entry of an ordered-by user list or leaf-list",
                error_type="protocol",
            )
        point: Step | None = None
        if edit.where in ("before", "after") and edit.point is not None:
            anchor = self._patch_path(raw, edit.point)
            last = anchor.steps[-1] if anchor.steps else None
            if (
                last is None
                or last.node is not target.node
                or not last.values
                or not nests(ApiPath(anchor.steps[:-1]), ApiPath(path.steps[:-1]))
                or len(anchor.steps) != len(path.steps)
            ):
                raise fault(
                    "invalid-value",
                    f"edit {edit.edit_id!r}: the point must be another entry of the target's list",
                    error_type="protocol",
                )
            point = last
        return yang_patch.position_attributes(target.node, edit.where, point.values if point else None)

    def _patch_value(self, value: object, parent: SchemaNode | None) -> list[etree._Element]:
        """An edit's value as data elements: the children of ``<value>``, or a JSON object the codec decodes."""
        if isinstance(value, etree._Element):
            return [el for el in value if isinstance(el.tag, str)]
        limits = self.services.limits
        try:
            return json_codec.decode_json(
                self.schema,
                value,
                parent=parent,
                hidden=self.schema.hidden_ns,
                max_elements=limits.max_edit_elements,
                max_depth=limits.max_xml_depth,
            )
        except json_codec.JsonDataError as exc:
            raise from_data_errors([exc.error], self.ns_modules, status=400) from None

    async def _delete(self, req: Request, path: ApiPath) -> Response:
        if not path.steps or path.whole_list:
            raise fault(
                "invalid-value", "DELETE needs one resource (a list entry with its keys)", error_type="protocol"
            )
        config = etree.Element(ROOT_TAG)
        holder = skeleton(config, path.steps[:-1])
        target = skeleton(holder, path.steps[-1:])  # a list entry with its keys, which name it
        target.set(OPERATION, "delete")
        await self._edit(req, config, "none", missing_status=404)
        return Response(204, headers=self.version.headers())

    async def _edit(
        self, req: Request, config: etree._Element, default_operation: str, missing_status: int | None = None
    ) -> None:
        """One edit of running through the commit pipeline, as a session of its own."""
        stores = self.services.stores
        origin = Origin(
            session_id=self.services.sessions.allocate(), user=req.user, face=Face.RESTCONF, source_host=req.peer
        )
        try:
            await stores.edit(RUNNING, config, origin, default_operation=default_operation, visible_only=True)
        except StoreError as exc:
            status = missing_status if missing_status and exc.errors[0].tag == "data-missing" else None
            raise from_data_errors(exc.errors, self.ns_modules, status) from None


def _data_parent(node: SchemaNode) -> SchemaNode | None:
    parent = node.data_parent
    return None if parent is None or parent.kind is Kind.MODULE else parent


def _instance_values(el: etree._Element, node: SchemaNode) -> tuple[str, ...]:
    if node.kind is Kind.LIST:
        return tuple(el.findtext(key) or "" for key in node.keys)
    if node.kind is Kind.LEAF_LIST:
        return (el.text or "",)
    return ()


def _check_keys(el: etree._Element, step: Step) -> None:
    """The body of a list entry (or leaf-list entry) names the entry of the path (RFC 8040 §4.5)."""
    if step.values and _instance_values(el, step.node) != step.values:
        raise fault("invalid-value", "the key values in the body differ from those in the path", error_type="protocol")
