"""RESTCONF bodies: choosing the media type, reading a request body into data elements, writing a reply.

Two encodings of one data tree (RFC 8040 §5.2): ``application/yang-data+xml`` (the NETCONF XML of the nodes,
parsed by the same hardened parser and bounds as a NETCONF message) and ``application/yang-data+json`` (RFC 7951,
through the schema-driven codec :mod:`iosxe_agent.data.json_codec`). ``application/xml`` and
``application/json`` are taken as synonyms, as IOS XE takes them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from lxml import etree

from iosxe_agent.data import json_codec
from iosxe_agent.limits import Limits
from iosxe_agent.netconf.xmlio import XmlError, parse_message
from iosxe_agent.restconf.errors import RESTCONF_MODULE, RESTCONF_NS, fault, from_data_errors
from iosxe_agent.yang.schema import Schema, SchemaNode

XML = "application/yang-data+xml"
JSON = "application/yang-data+json"
_SYNONYMS = {XML: XML, "application/xml": XML, "text/xml": XML, JSON: JSON, "application/json": JSON}
NC_NS = "urn:ietf:params:xml:ns:netconf:base:1.0"


def _media(value: str) -> str:
    return value.split(";", 1)[0].strip().lower()


def reply_type(accept: str | None, default: str = XML) -> str:
    """The media type of a reply: the first one of ``Accept`` we serve (``*/*`` or none: ``default``).

    Raises:
        RestconfFault: 406 when ``Accept`` names only types we do not serve.
    """
    if not accept:
        return default
    for item in accept.split(","):
        media = _media(item)
        if media in _SYNONYMS:
            return _SYNONYMS[media]
        if media in ("*/*", "application/*"):
            return default
    raise fault("invalid-value", f"cannot reply in {accept!r}: use {XML} or {JSON}", status=406)


def known_type(content_type: str | None) -> str | None:
    """The media type ``content_type`` names, if we serve it."""
    return _SYNONYMS.get(_media(content_type or ""))


def request_type(content_type: str | None) -> str:
    """The media type of a request body.

    Raises:
        RestconfFault: 415 for a missing or unsupported ``Content-Type``.
    """
    media = known_type(content_type)
    if media is None:
        raise fault("invalid-value", f"unsupported Content-Type {content_type!r}", status=415, error_type="protocol")
    return media


def _json_value(body: bytes, limits: Limits) -> object:
    try:
        return json_codec.loads_bounded(body, limits.restconf_max_body_bytes)
    except json_codec.JsonDataError as exc:
        raise from_data_errors([exc.error], {}, status=400) from None


def _strip_netconf_attributes(root: etree._Element) -> None:
    """RESTCONF says by its method what to do: ``nc:operation`` (and any other NETCONF attribute) in a body is
    dropped, so a body cannot smuggle a NETCONF edit operation past the method."""
    for el in root.iter():
        for name in [n for n in el.attrib if n.startswith(f"{{{NC_NS}}}")]:
            del el.attrib[name]


def read_body(
    body: bytes,
    media: str,
    schema: Schema,
    parent: SchemaNode | None,
    limits: Limits,
    ns_modules: dict[str, str],
    wrapper: tuple[str, str, str] | None = None,
) -> list[etree._Element]:
    """The data elements of a request body, children of schema node ``parent`` (None: top level).

    ``wrapper`` (module, namespace, name): the body is that container holding the elements (``ietf-restconf:data``
    for the datastore, ``<module>:input`` for an operation), as RFC 8040 §4.5 and §3.6.1 want it.

    Raises:
        RestconfFault: 400 for malformed XML/JSON, unknown nodes or wrong values.
    """
    if media == XML:
        try:
            root = parse_message(body, limits)
        except XmlError as exc:
            raise fault("malformed-message", str(exc), error_type="protocol") from None
        _strip_netconf_attributes(root)
        if wrapper is None:
            return [root]
        if root.tag != f"{{{wrapper[1]}}}{wrapper[2]}":
            raise fault(
                "malformed-message", f"the body must be <{wrapper[2]} xmlns={wrapper[1]!r}>", error_type="protocol"
            )
        return [el for el in root if isinstance(el.tag, str)]
    value = _json_value(body, limits)
    if wrapper is not None:
        name = f"{wrapper[0]}:{wrapper[2]}"
        if not isinstance(value, dict) or list(value) != [name]:
            raise fault("malformed-message", f"the body must be one object member {name!r}", error_type="protocol")
        value = value[name]
    try:
        return json_codec.decode_json(
            schema,
            value,
            parent=parent,
            hidden=schema.hidden_ns,
            max_elements=limits.max_edit_elements,
            max_depth=limits.max_xml_depth,
        )
    except json_codec.JsonDataError as exc:
        raise from_data_errors([exc.error], ns_modules, status=400) from None


def write_data(
    elements: Sequence[etree._Element],
    media: str,
    schema: Schema,
    parent: SchemaNode | None,
    *,
    wrapper: str | None = None,
) -> bytes:
    """``elements`` (siblings, children of schema node ``parent``) as a reply body; ``wrapper`` names an
    ``ietf-restconf`` container to hold them (``data`` for the datastore resource, ``output`` is the RPC's own)."""
    if media == JSON:
        members = json_codec.encode_json(schema, elements, parent=parent)
        document: dict[str, object] = {f"{RESTCONF_MODULE}:{wrapper}": members} if wrapper else members
        return json.dumps(document, indent=2).encode()
    if wrapper is not None:
        holder = etree.Element(f"{{{RESTCONF_NS}}}{wrapper}", nsmap={None: RESTCONF_NS})
        holder.extend(elements)
        return etree.tostring(holder, encoding="UTF-8", pretty_print=True)
    return b"".join(etree.tostring(el, encoding="UTF-8", pretty_print=True, with_tail=False) for el in elements)
