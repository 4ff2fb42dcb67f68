"""RFC 8072 YANG Patch: many edits of one resource in one atomic request (``PATCH`` with
``application/yang-patch+json`` or ``+xml``), and the ``yang-patch-status`` reply.

A patch is read here into plain :class:`PatchEdit` values (what each edit asks, its value still undecoded: the
schema node it belongs to depends on where its target resolves); the handler resolves the targets and builds
one NETCONF-style edit holding every edit, committed in one transaction: all or nothing. Edits whose targets
nest (one is an ancestor of, or the same node as, another) would depend on their order inside one edit, so
such a patch is refused.

``insert`` and ``move`` place an entry of an ordered-by-user list or leaf-list (``where`` first, last, before or
after the sibling entry ``point`` names), as NETCONF's ``yang:insert`` / ``yang:key`` / ``yang:value`` attributes
do: they become exactly those attributes on the edit (:func:`position_attributes`), so the data layer's one
implementation of user order serves both protocols. ``insert`` is a ``create`` there (the entry must be new),
``move`` a ``merge`` of the entry's keys alone (it must exist).

A patch that fails is answered with ``yang-patch-status``: the errors of the edit that failed under
``edit-status`` (its ``edit-id``) when one edit is to blame, else as the patch's global ``errors``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from lxml import etree

from iosxe_agent.data import json_codec
from iosxe_agent.data.edit import INSERT, KEY_ATTR, VALUE_ATTR
from iosxe_agent.limits import Limits
from iosxe_agent.netconf.xmlio import XmlError, parse_message
from iosxe_agent.restconf.errors import RestconfFault, errors_entries, fault, from_data_errors
from iosxe_agent.yang.schema import Kind, SchemaNode

YANG_PATCH_NS = "urn:ietf:params:xml:ns:yang:ietf-yang-patch"
YANG_PATCH_MODULE = "ietf-yang-patch"
PATCH_JSON = "application/yang-patch+json"
PATCH_XML = "application/yang-patch+xml"
#: RFC 8072 operation -> NETCONF edit operation
OPERATIONS = {
    "create": "create",
    "delete": "delete",
    "insert": "create",
    "merge": "merge",
    "move": "merge",
    "replace": "replace",
    "remove": "remove",
}
NEEDS_VALUE = frozenset({"create", "insert", "merge", "replace"})
#: the operations that place an entry of an ordered-by-user list, and where they may place it
POSITIONED = frozenset({"insert", "move"})
WHERE = ("before", "after", "first", "last")
#: the most edits one patch may hold
MAX_EDITS = 1024


@dataclass(frozen=True, slots=True)
class PatchEdit:
    """One ``edit`` entry: its id, operation, target (relative to the request's resource) and undecoded value
    (a JSON value, or the ``<value>`` element; None when absent); for ``insert`` and ``move``, ``where`` (RFC
    8072's default: last) and ``point`` (the sibling entry, relative like the target)."""

    edit_id: str
    operation: str
    target: str
    value: object | etree._Element | None
    where: str = "last"
    point: str | None = None


def patch_media(content_type: str | None) -> str | None:
    """The YANG Patch media type ``content_type`` names, if it names one."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media if media in (PATCH_JSON, PATCH_XML) else None


def _bad(message: str) -> RestconfFault:
    return fault("invalid-value", message, error_type="protocol")


def read_patch(body: bytes, media: str, limits: Limits) -> tuple[str, list[PatchEdit]]:
    """The patch-id and edits of a YANG Patch body.

    Raises:
        RestconfFault: 400 for a malformed document, a missing field, an unknown or unsupported operation.
    """
    raw = _read_json(body, limits) if media == PATCH_JSON else _read_xml(body, limits)
    patch_id, edits = raw
    if not edits:
        raise _bad("the patch holds no edit")
    if len(edits) > MAX_EDITS:
        raise _bad(f"the patch holds more than {MAX_EDITS} edits")
    for edit in edits:
        if edit.operation not in OPERATIONS:
            raise _bad(f"edit {edit.edit_id!r}: unknown operation {edit.operation!r}")
        if (edit.value is None) == (edit.operation in NEEDS_VALUE):
            need = "needs" if edit.operation in NEEDS_VALUE else "takes no"
            raise _bad(f"edit {edit.edit_id!r}: {edit.operation} {need} a value")
        if edit.operation in POSITIONED and edit.where not in WHERE:
            raise _bad(f"edit {edit.edit_id!r}: where {edit.where!r} is not one of {', '.join(WHERE)}")
        if edit.operation in POSITIONED and edit.where in ("before", "after") and not edit.point:
            raise _bad(f"edit {edit.edit_id!r}: {edit.operation} {edit.where} needs a point")
    return patch_id, edits


def position_attributes(node: SchemaNode, where: str, point: tuple[str, ...] | None) -> tuple[tuple[str, str], ...]:
    """The NETCONF attributes that place an entry of ``node`` (an ordered-by-user list or leaf-list) ``where``,
    relative to the entry whose key values (or value) are ``point`` for before/after. Pure.

    Raises:
        RestconfFault: a key value holding both quote characters, which a ``yang:key`` predicate cannot quote.
    """
    if where not in ("before", "after") or point is None:
        return ((INSERT, where),)
    if node.kind is Kind.LEAF_LIST:
        return ((INSERT, where), (VALUE_ATTR, point[0]))
    predicates = "".join(
        f"[{etree.QName(key).localname}={_quoted(value)}]" for key, value in zip(node.keys, point, strict=True)
    )
    return ((INSERT, where), (KEY_ATTR, predicates))


def _quoted(value: str) -> str:
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    raise _bad(f"the point's key value {value!r} holds both quote characters")


def _read_json(body: bytes, limits: Limits) -> tuple[str, list[PatchEdit]]:
    try:
        document = json_codec.loads_bounded(body, limits.restconf_max_body_bytes)
    except json_codec.JsonDataError as exc:
        raise from_data_errors([exc.error], {}, status=400) from None
    name = f"{YANG_PATCH_MODULE}:yang-patch"
    patch = document.get(name) if isinstance(document, dict) and list(document) == [name] else None
    if not isinstance(patch, dict) or not isinstance(patch.get("edit"), list):
        raise _bad(f"the body must be one {name!r} object with an edit list")
    edits = []
    for entry in patch["edit"]:
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("edit-id", "operation")):
            raise _bad("each edit needs an edit-id and an operation")
        target = entry.get("target")
        if not isinstance(target, str):
            raise _bad(f"edit {entry['edit-id']!r} needs a target")
        where, point = entry.get("where", "last"), entry.get("point")
        if not isinstance(where, str) or not isinstance(point, str | None):
            raise _bad(f"edit {entry['edit-id']!r}: where and point are strings")
        edits.append(PatchEdit(entry["edit-id"], entry["operation"], target, entry.get("value"), where, point))
    return str(patch.get("patch-id", "")), edits


def _read_xml(body: bytes, limits: Limits) -> tuple[str, list[PatchEdit]]:
    try:
        root = parse_message(body, limits)
    except XmlError as exc:
        raise fault("malformed-message", str(exc), error_type="protocol") from None
    if root.tag != f"{{{YANG_PATCH_NS}}}yang-patch":
        raise _bad(f"the body must be <yang-patch xmlns={YANG_PATCH_NS!r}>")

    def text(el: etree._Element, name: str) -> str | None:
        found = el.find(f"{{{YANG_PATCH_NS}}}{name}")
        return (found.text or "").strip() if found is not None else None

    edits = []
    for entry in root.iterchildren(f"{{{YANG_PATCH_NS}}}edit"):
        edit_id, operation, target = text(entry, "edit-id"), text(entry, "operation"), text(entry, "target")
        if edit_id is None or operation is None or target is None:
            raise _bad("each edit needs an edit-id, an operation and a target")
        value = entry.find(f"{{{YANG_PATCH_NS}}}value")
        edits.append(PatchEdit(edit_id, operation, target, value, text(entry, "where") or "last", text(entry, "point")))
    return text(root, "patch-id") or "", edits


def status_body(patch_id: str, media: str, failed: RestconfFault | None = None, edit_id: str | None = None) -> bytes:
    """The ``yang-patch-status`` reply: ``ok``, or the ``errors`` of a refused patch (nothing applied): those of
    the edit ``edit_id`` under ``edit-status`` when given, else the patch's global ones."""
    if media.endswith("json"):
        status: dict[str, object] = {"patch-id": patch_id}
        listed = {"error": errors_entries(failed)} if failed is not None else None
        if listed is None:
            status["ok"] = [None]
        elif edit_id is None:
            status["errors"] = listed
        else:
            status["edit-status"] = {"edit": [{"edit-id": edit_id, "errors": listed}]}
        return json.dumps({f"{YANG_PATCH_MODULE}:yang-patch-status": status}, indent=2).encode()
    root = etree.Element(f"{{{YANG_PATCH_NS}}}yang-patch-status", nsmap={None: YANG_PATCH_NS})
    etree.SubElement(root, f"{{{YANG_PATCH_NS}}}patch-id").text = patch_id
    if failed is None:
        etree.SubElement(root, f"{{{YANG_PATCH_NS}}}ok")
    else:
        holder = root
        if edit_id is not None:
            holder = etree.SubElement(
                etree.SubElement(root, f"{{{YANG_PATCH_NS}}}edit-status"), f"{{{YANG_PATCH_NS}}}edit"
            )
            etree.SubElement(holder, f"{{{YANG_PATCH_NS}}}edit-id").text = edit_id
        errors = etree.SubElement(holder, f"{{{YANG_PATCH_NS}}}errors")
        for entry in errors_entries(failed):
            error = etree.SubElement(errors, f"{{{YANG_PATCH_NS}}}error")
            for name, value in entry.items():
                if isinstance(value, str):
                    etree.SubElement(error, f"{{{YANG_PATCH_NS}}}{name}").text = value
    return etree.tostring(root, encoding="UTF-8", pretty_print=True)
