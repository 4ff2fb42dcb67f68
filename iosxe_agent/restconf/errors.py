"""RFC 8040 §7 errors: the ``errors`` body in XML or JSON and the HTTP status each error-tag maps to.

A handler raises :class:`RestconfFault`; the server renders it in the media type the client accepts. Data-layer
errors (:class:`~iosxe_agent.data.errors.DataError`, the same values NETCONF turns into ``<rpc-error>``) convert
here, so a refused write reads the same on both faces.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from iosxe_agent.data.errors import DataError

RESTCONF_NS = "urn:ietf:params:xml:ns:yang:ietf-restconf"
RESTCONF_MODULE = "ietf-restconf"

#: RFC 8040 §7 table: error-tag -> status (the first one where the RFC allows several)
STATUS = {
    "in-use": 409,
    "invalid-value": 400,
    "too-big": 413,
    "missing-attribute": 400,
    "bad-attribute": 400,
    "unknown-attribute": 400,
    "bad-element": 400,
    "unknown-element": 400,
    "unknown-namespace": 400,
    "access-denied": 401,
    "lock-denied": 409,
    "resource-denied": 409,
    "rollback-failed": 500,
    "data-exists": 409,
    "data-missing": 409,
    "operation-not-supported": 405,
    "operation-failed": 500,
    "partial-operation": 500,
    "malformed-message": 400,
}
#: ``prefix:`` in an instance path, where a step starts (after ``/`` or ``[``)
_PREFIX = re.compile(r"(?<=[/\[])([A-Za-z_][A-Za-z0-9_.\-]*):")


@dataclass(frozen=True, slots=True)
class RestconfError:
    """One ``error`` entry of RFC 8040 §7.1."""

    tag: str
    message: str
    error_type: str = "application"
    path: str | None = None
    app_tag: str | None = None
    info: tuple[tuple[str, str], ...] = ()


class RestconfFault(Exception):
    """A request refused with ``errors``; ``status`` is the HTTP status (from the first error's tag unless given)."""

    def __init__(self, errors: Iterable[RestconfError], status: int | None = None, *, allow: str = "") -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(e.message for e in self.errors))
        self.status = status if status is not None else STATUS.get(self.errors[0].tag, 500)
        self.allow = allow  # a 405's ``Allow`` header: the methods the resource takes


def fault(tag: str, message: str, *, status: int | None = None, error_type: str = "application") -> RestconfFault:
    """A fault with one error (``error_type`` "protocol" for errors in the request itself)."""
    return RestconfFault([RestconfError(tag, message, error_type)], status)


def not_allowed(method: str, resource: str, allow: str) -> RestconfFault:
    """405 for ``method`` on a resource that takes only the methods in ``allow``."""
    message = f"{method} is not allowed on {resource}"
    return RestconfFault([RestconfError("operation-not-supported", message, "protocol")], 405, allow=allow)


def from_data_errors(
    errors: Iterable[DataError], ns_modules: dict[str, str], status: int | None = None
) -> RestconfFault:
    """A fault from data-layer errors; their instance paths get module names for prefixes (RFC 7951 §6.11)."""
    converted = []
    for e in errors:
        path = _module_path(e.path, e.path_ns, ns_modules) if e.path else None
        converted.append(RestconfError(e.tag, e.message, e.error_type, path, e.app_tag, e.info))
    return RestconfFault(converted, status)


def _module_path(path: str, path_ns: dict[str, str], ns_modules: dict[str, str]) -> str:
    def module(m: re.Match[str]) -> str:
        ns = path_ns.get(m.group(1))
        return f"{ns_modules.get(ns, m.group(1)) if ns else m.group(1)}:"

    return _PREFIX.sub(module, path)


def errors_entries(f: RestconfFault) -> list[dict[str, object]]:
    """The ``error`` entries of ``f`` as JSON members (also what a YANG Patch status holds)."""
    entries = []
    for e in f.errors:
        entry: dict[str, object] = {"error-type": e.error_type, "error-tag": e.tag}
        if e.app_tag:
            entry["error-app-tag"] = e.app_tag
        if e.path:
            entry["error-path"] = e.path
        entry["error-message"] = e.message
        if e.info:
            entry["error-info"] = dict(e.info)
        entries.append(entry)
    return entries


def errors_json(f: RestconfFault) -> bytes:
    """The ``ietf-restconf:errors`` JSON body."""
    return json.dumps({f"{RESTCONF_MODULE}:errors": {"error": errors_entries(f)}}, indent=2).encode()


def errors_xml(f: RestconfFault) -> bytes:
    """The ``<errors>`` XML body."""
    root = etree.Element(f"{{{RESTCONF_NS}}}errors", nsmap={None: RESTCONF_NS})
    for e in f.errors:
        error = etree.SubElement(root, f"{{{RESTCONF_NS}}}error")
        fields = [("error-type", e.error_type), ("error-tag", e.tag), ("error-app-tag", e.app_tag)]
        fields += [("error-path", e.path), ("error-message", e.message)]
        for name, value in fields:
            if value:
                etree.SubElement(error, f"{{{RESTCONF_NS}}}{name}").text = value
        if e.info:
            info = etree.SubElement(error, f"{{{RESTCONF_NS}}}error-info")
            for name, value in e.info:
                etree.SubElement(info, f"{{{RESTCONF_NS}}}{name}").text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
