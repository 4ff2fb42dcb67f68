"""A gNMI SetRequest as ONE NETCONF-style edit (``<config>`` with ``nc:operation``), applied by the one pipeline.

The spec (gNMI §3.4) processes deletes, then replaces, then updates, in order, as one transaction. Here each
operation is placed into a single ``<config>`` whose application has that effect: a delete is ``remove`` (a
path that does not exist is silently accepted, §3.4.6; its wildcards are expanded against running), a replace
``replace``, an update ``merge``. When operations touch the same subtree they are composed as they would apply
one after another: a later replace or delete supersedes what an earlier one put below the same node, a write
below a removed node turns that removal into a replace by what follows, and a write inside a replaced subtree
edits its data. The default operation is ``merge``, so the nodes on the way to a target are created as a Set
must (§3.4.4).

Values: ``json_ietf_val`` and ``json_val`` are decoded by the RFC 7951 codec with the XML path's checks
(:func:`~iosxe_agent.data.json_codec.decode_json`); scalar TypedValues (``string_val``, ``int_val`` …) are
accepted for leaves and leaf-lists. Anything malformed raises :class:`GnmiPathError` and builds nothing.
"""

from __future__ import annotations

import base64
import dataclasses
import re
from decimal import Decimal
from typing import Any

from lxml import etree

from iosxe_agent.data.edit import NC_NS, OPERATION
from iosxe_agent.data.json_codec import JsonDataError, decode_json, loads_bounded
from iosxe_agent.data.tags import tag_of
from iosxe_agent.gnmi.path_map import GnmiPathError, Target, find_matches, resolve, target_steps
from iosxe_agent.gnmi.proto import gnmi_pb2
from iosxe_agent.limits import DEFAULT_LIMITS
from iosxe_agent.restconf.paths import Step, instance_element
from iosxe_agent.yang.schema import Kind, Schema, SchemaNode

DEFAULT_OPERATION = "merge"
_SCALAR_KINDS = (Kind.LEAF, Kind.LEAF_LIST)
_INTEGER = re.compile(r"-?[0-9]{1,20}")  # a text a number leaf takes (20 digits: any 64-bit value)


def set_edit(request: gnmi_pb2.SetRequest, running: etree._Element, schema: Schema) -> tuple[etree._Element, str]:
    """The ``<config>`` edit and default operation that perform ``request`` on the datastore tree ``running``.

    Raises:
        GnmiPathError: the first bad path (INVALID_ARGUMENT, NOT_FOUND, UNIMPLEMENTED) or value
            (INVALID_ARGUMENT).
    """
    if request.union_replace:
        raise GnmiPathError("UNIMPLEMENTED", "union_replace is not supported")
    prefix = request.prefix if request.HasField("prefix") else None
    edit = _Edit()
    for path in request.delete:
        target = resolve(prefix, path, schema)
        if not target.steps:
            target = dataclasses.replace(target, all_children=True)  # "/": every top-level node
        for match in find_matches(running, target, schema):
            edit.put(match.steps[:-1], instance_element(match.steps[-1]), match.steps[-1].node, "remove")
    for op, updates in (("replace", request.replace), ("merge", request.update)):
        for update in updates:
            _write(edit, resolve(prefix, update.path, schema), update.val, op, running, schema)
    return edit.config, DEFAULT_OPERATION


def _write(
    edit: _Edit, target: Target, value: gnmi_pb2.TypedValue, op: str, running: etree._Element, schema: Schema
) -> None:
    """Place one replace or update of ``target`` with ``value``."""
    if not target.steps and not target.all_children:
        _write_root(edit, target, value, op, running, schema)
        return
    steps = target_steps(target)
    node, above = target.node, steps[:-1]
    if not node.config:
        raise GnmiPathError("INVALID_ARGUMENT", f"{target.text} is state data and cannot be written")
    data = _json(value, node, target)
    try:
        if node.kind is Kind.LEAF_LIST:
            items = data if isinstance(data, list) else [data]
            entries = _decode_scalar(schema, node, items)
            if op == "replace":
                for old in find_matches(running, target, schema):
                    edit.put(above, instance_element(old.steps[-1]), node, "remove")
            for entry in entries:
                edit.put(above, entry, node, "merge")
            return
        if node.kind is Kind.LEAF:
            (element,) = _decode_scalar(schema, node, data)
            if node.is_key:
                _check_key(element, above, node, target)
                edit.put(above[:-1], instance_element(above[-1]), above[-1].node, "merge")
                return
        elif node.kind in (Kind.ANYDATA, Kind.ANYXML):
            (element,) = decode_json(schema, {_member(node): data}, parent=node.data_parent, hidden=schema.hidden_ns)
        else:
            element = _interior(schema, node, steps[-1], data, target)
    except JsonDataError as exc:
        raise GnmiPathError("INVALID_ARGUMENT", f"{target.text}: {exc.error.message}") from None
    edit.put(above, element, node, op)


def _write_root(
    edit: _Edit, target: Target, value: gnmi_pb2.TypedValue, op: str, running: etree._Element, schema: Schema
) -> None:
    """A replace or update of the whole datastore: its top-level nodes (a replace removes the visible ones it
    does not give; hidden ones are never touched)."""
    data = _json(value, schema.root, target)
    if not isinstance(data, dict):
        raise GnmiPathError("INVALID_ARGUMENT", "the value of '/' is a JSON object of top-level nodes")
    try:
        elements = decode_json(schema, data, hidden=schema.hidden_ns)
    except JsonDataError as exc:
        raise GnmiPathError("INVALID_ARGUMENT", f"/: {exc.error.message}") from None
    if op == "replace":
        for match in find_matches(running, dataclasses.replace(target, all_children=True), schema):
            edit.put((), instance_element(match.steps[-1]), match.steps[-1].node, "remove")
    for element in elements:
        node = schema.root.child(tag_of(element))
        assert node is not None  # the decoder built it from the schema
        edit.put((), element, node, op)


def _member(node: SchemaNode) -> str:
    return f"{node.module}:{node.name}"


def _interior(schema: Schema, node: SchemaNode, step: Step, data: Any, target: Target) -> etree._Element:
    """The element of a container or list entry holding the object ``data``; a list entry's key leaves, if the
    object gives them, must agree with the path's (gNMI §3.4.5)."""
    if not isinstance(data, dict):
        raise GnmiPathError("INVALID_ARGUMENT", f"{target.text} is a {node.kind.value}: its value is a JSON object")
    body = decode_json(schema, data, parent=node, hidden=schema.hidden_ns)
    element = instance_element(step)
    keys = dict(zip(node.keys, step.values, strict=True))
    for child in body:
        if child.tag in keys:
            if (child.text or "") != keys[child.tag]:
                raise GnmiPathError(
                    "INVALID_ARGUMENT", f"{target.text}: key {etree.QName(child).localname!r} differs from the path's"
                )
            continue
        element.append(child)
    return element


def _check_key(element: etree._Element, above: tuple[Step, ...], node: SchemaNode, target: Target) -> None:
    entry = above[-1]
    current = dict(zip(entry.node.keys, entry.values, strict=True))[node.tag]
    if (element.text or "") != current:
        raise GnmiPathError("INVALID_ARGUMENT", f"{target.text}: a list key cannot be changed through its path")


# -- values ---------------------------------------------------------------------------------------------------------
def _json(value: gnmi_pb2.TypedValue, node: SchemaNode, target: Target) -> Any:
    """The JSON value a TypedValue carries for ``node``.

    A JSON text that does not parse is taken as a bare string for a leaf when it does not look like JSON at
    all: ``pygnmi`` sends a Python ``str`` unquoted in ``json_val``.
    """
    kind = value.WhichOneof("value")
    if kind in ("json_ietf_val", "json_val"):
        raw: bytes = getattr(value, kind)
        try:
            return loads_bounded(raw, DEFAULT_LIMITS.gnmi_max_message_bytes)
        except JsonDataError as exc:
            if node.kind is Kind.LEAF and raw[:1] not in (b"{", b"[", b'"'):
                try:
                    return raw.decode("utf-8")
                except UnicodeDecodeError:
                    pass
            raise GnmiPathError("INVALID_ARGUMENT", f"{target.text}: {exc.error.message}") from None
    if kind is None:
        raise GnmiPathError("INVALID_ARGUMENT", f"{target.text}: the update carries no value")
    if kind in ("any_val", "proto_bytes"):
        raise GnmiPathError("UNIMPLEMENTED", f"{kind} values are not supported; use JSON_IETF")
    if node.kind not in _SCALAR_KINDS:
        raise GnmiPathError("INVALID_ARGUMENT", f"{target.text} is a {node.kind.value}: its value is JSON")
    if kind == "leaflist_val":
        if node.kind is not Kind.LEAF_LIST:
            raise GnmiPathError("INVALID_ARGUMENT", f"{target.text} is a leaf: a leaflist_val does not fit it")
        return [_scalar(e) for e in value.leaflist_val.element]
    return _scalar(value)


def _scalar(value: gnmi_pb2.TypedValue) -> Any:
    kind = value.WhichOneof("value")
    if kind == "decimal_val":
        return str(Decimal(value.decimal_val.digits).scaleb(-value.decimal_val.precision))
    if kind == "bytes_val":
        return base64.b64encode(value.bytes_val).decode("ascii")
    if kind in ("string_val", "ascii_val", "int_val", "uint_val", "bool_val", "double_val", "float_val"):
        return getattr(value, kind)
    raise GnmiPathError("INVALID_ARGUMENT", f"a {kind} is not a scalar value")


def _decode_scalar(schema: Schema, node: SchemaNode, data: Any) -> list[etree._Element]:
    """The elements of a leaf's value or a leaf-list's values. A value of the wrong JSON type for RFC 7951 is
    retried in the other form (a number or bool as text, a text that reads as one as that): gNMI's plain JSON
    and its scalar TypedValues (``string_val`` "60" for a uint16, ``uint_val`` for an int64) do not follow RFC
    7951's typing, and the leaf's own type check still decides."""
    parent = node.data_parent
    try:
        return decode_json(schema, {_member(node): data}, parent=parent, hidden=schema.hidden_ns)
    except JsonDataError as first:
        retry = [_other_form(v) for v in data] if isinstance(data, list) else _other_form(data)
        if retry == data:
            raise
        try:
            return decode_json(schema, {_member(node): retry}, parent=parent, hidden=schema.hidden_ns)
        except JsonDataError:
            raise first from None


def _other_form(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    if isinstance(value, str) and _INTEGER.fullmatch(value):
        return int(value)
    return value


# -- composing operations -------------------------------------------------------------------------------------------
class _Edit:
    """The ``<config>`` being built and the rules that compose operations on overlapping paths."""

    def __init__(self) -> None:
        self.config = etree.Element(f"{{{NC_NS}}}config", nsmap={None: NC_NS, "nc": NC_NS})

    def put(self, above: tuple[Step, ...], element: etree._Element, node: SchemaNode, op: str) -> None:
        """Place ``element`` (an instance of ``node`` under the instances ``above``) with operation ``op``."""
        holder, literal = self.config, False
        for step in above:
            found = _find(holder, step.node, step.values)
            if found is None:
                if literal and op == "remove":
                    return  # nothing of it is left to remove
                found = instance_element(step)
                holder.append(found)
            elif not literal:
                current = found.get(OPERATION)
                if current == "remove" and op == "remove":
                    return  # removed with its ancestor already
                if current == "remove":
                    _clear(found, step.node)
                    found.set(OPERATION, "replace")
                literal = current in ("remove", "replace")
            holder = found
        existing = _find(holder, node, _identity(element, node))
        if existing is not None and op == "merge" and node.kind in (Kind.CONTAINER, Kind.LIST):
            _merge_into(existing, element, node, literal=literal)
            return
        if existing is not None:
            holder.remove(existing)
        if literal and op == "remove":
            return
        if not literal:  # inside a replaced subtree the data is literal: no operations there
            element.set(OPERATION, op)
        holder.append(element)


def _merge_into(existing: etree._Element, element: etree._Element, node: SchemaNode, *, literal: bool) -> None:
    """Merge ``element`` into ``existing``, the edit's instance of the same container or list entry: a removed
    one is replaced by ``element``, the data of a replaced one (or one inside a replaced subtree) is merged, an
    edit element is merged with its operations below kept."""
    current = None if literal else existing.get(OPERATION)
    parent = existing.getparent()
    if current == "remove" and parent is not None:
        element.set(OPERATION, "replace")
        parent.replace(existing, element)
    else:
        _merge_children(existing, element, node, literal=literal or current == "replace")


def _identity(el: etree._Element, node: SchemaNode) -> tuple[str, ...]:
    if node.kind is Kind.LEAF_LIST:
        return (el.text or "",)
    return tuple(el.findtext(k) or "" for k in node.keys)


def _find(holder: etree._Element, node: SchemaNode, values: tuple[str, ...]) -> etree._Element | None:
    """The child of ``holder`` that is the instance of ``node`` with key values (leaf-list: value) ``values``."""
    for child in holder.iterchildren(node.tag):
        if node.kind is Kind.LEAF_LIST:
            if (child.text or "") == values[0]:
                return child
        elif all((child.findtext(k) or "") == v for k, v in zip(node.keys, values, strict=False)):
            return child
    return None


def _clear(el: etree._Element, node: SchemaNode) -> None:
    """Empty ``el`` but for its list keys."""
    for child in list(el):
        if child.tag not in node.keys:
            el.remove(child)


def _merge_children(into: etree._Element, body: etree._Element, node: SchemaNode, *, literal: bool) -> None:
    """Merge the children of ``body`` into ``into`` (both instances of ``node``): plain data when ``literal`` (no
    operations below), else an edit element whose descendants may carry operations of their own."""
    for child in list(body):
        cnode = node.child(tag_of(child)) if isinstance(child.tag, str) else None
        if cnode is None:
            continue
        existing = _find(into, cnode, _identity(child, cnode))
        if existing is None:
            into.append(child)
        elif cnode.kind in (Kind.CONTAINER, Kind.LIST):
            _merge_into(existing, child, cnode, literal=literal)
        elif cnode.kind is not Kind.LEAF_LIST or existing.get(OPERATION) == "remove":
            into.replace(existing, child)  # the new value, merged as its ancestor is
