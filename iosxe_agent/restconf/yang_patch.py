"""RFC 8072 YANG Patch: many edits of one resource in one atomic request (``PATCH`` with
``application/yang-patch+json`` or ``+xml``), and the ``yang-patch-status`` reply.

A patch is read here into plain :class:`PatchEdit` values (what each edit asks, its value still undecoded: the
schema node it belongs to depends on where its target resolves); the handler resolves the targets and builds
one NETCONF-style edit holding every edit, committed in one transaction: all or nothing. Edits whose targets
nest (one is an ancestor of, or the same node as, another) would depend on their order inside one edit, so
such a patch is refused; ``insert`` and ``move`` (ordered-by-user lists) are refused as not supported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from lxml import etree

from iosxe_agent.data import json_codec
from iosxe_agent.limits import Limits
from iosxe_agent.netconf.xmlio import XmlError, parse_message
from iosxe_agent.restconf.errors import RestconfFault, errors_entries, fault, from_data_errors

YANG_PATCH_NS = "urn:ietf:params:xml:ns:yang:ietf-yang-patch"
YANG_PATCH_MODULE = "ietf-yang-patch"
PATCH_JSON = "application/yang-patch+json"
PATCH_XML = "application/yang-patch+xml"
#: RFC 8072 operation -> NETCONF edit operation
OPERATIONS = {"create": "create", "delete": "delete", "merge": "merge", "replace": "replace", "remove": "remove"}
NEEDS_VALUE = frozenset({"create", "merge", "replace"})
#: the most edits one patch may hold
MAX_EDITS = 1024


@dataclass(frozen=True, slots=True)
class PatchEdit:
    """One ``edit`` entry: its id, operation, target (relative to the request's resource) and undecoded value
    (a JSON value, or the ``<value>`` element; None when absent)."""

    edit_id: str
    operation: str
    target: str
    value: object | etree._Element | None


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
        if edit.operation in ("insert", "move"):
            raise fault("operation-not-supported", f"edit {edit.edit_id!r}: {edit.operation} is not supported")
        if edit.operation not in OPERATIONS:
            raise _bad(f"edit {edit.edit_id!r}: unknown operation {edit.operation!r}")
        if (edit.value is None) == (edit.operation in NEEDS_VALUE):
            need = "needs" if edit.operation in NEEDS_VALUE else "takes no"
            raise _bad(f"edit {edit.edit_id!r}: {edit.operation} {need} a value")
    return patch_id, edits


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
        edits.append(PatchEdit(entry["edit-id"], entry["operation"], target, entry.get("value")))
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
        edits.append(PatchEdit(edit_id, operation, target, entry.find(f"{{{YANG_PATCH_NS}}}value")))
    return text(root, "patch-id") or "", edits


def status_body(patch_id: str, media: str, failed: RestconfFault | None = None) -> bytes:
    """The ``yang-patch-status`` reply: ``ok``, or the ``errors`` of a refused patch (nothing applied)."""
    if media.endswith("json"):
        status: dict[str, object] = {"patch-id": patch_id}
        if failed is None:
            status["ok"] = [None]
        else:
            status["errors"] = {"error": errors_entries(failed)}
        return json.dumps({f"{YANG_PATCH_MODULE}:yang-patch-status": status}, indent=2).encode()
    root = etree.Element(f"{{{YANG_PATCH_NS}}}yang-patch-status", nsmap={None: YANG_PATCH_NS})
    etree.SubElement(root, f"{{{YANG_PATCH_NS}}}patch-id").text = patch_id
    if failed is None:
        etree.SubElement(root, f"{{{YANG_PATCH_NS}}}ok")
    else:
        errors = etree.SubElement(root, f"{{{YANG_PATCH_NS}}}errors")
        for entry in errors_entries(failed):
            error = etree.SubElement(errors, f"{{{YANG_PATCH_NS}}}error")
            for name, value in entry.items():
                if isinstance(value, str):
                    etree.SubElement(error, f"{{{YANG_PATCH_NS}}}{name}").text = value
    return etree.tostring(root, encoding="UTF-8", pretty_print=True)
