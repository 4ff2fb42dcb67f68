"""NETCONF ``<rpc-error>`` values and the ``<rpc-reply>`` envelopes that carry them (RFC 6241 §4.3, App. A).

An error is a plain immutable value (:class:`RpcError`) that any layer can build and return; it becomes XML
only at the edge, in :func:`render_rpc_error`, so no code path has to carry half-built reply trees around.

Two details clients depend on are handled here once. ``<error-path>`` is an XPath whose prefixes must
resolve, so every prefix the path uses is declared on the element itself (wherever the error is later placed,
the path stays meaningful). ``<rpc-reply>`` echoes every attribute of the ``<rpc>`` (RFC 6241 §4.2),
namespaced ones such as ``nc:message-id`` included, with their ``xmlns:nc`` declaration: IOS XE does so, and
ncclient matches replies to requests by that attribute. Those attributes are read with :func:`rpc_attributes`,
in one pass: lxml's own ``attrib.items()`` looks each value up by name again, which is quadratic in their number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from copy import deepcopy
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Literal

from lxml import etree

from iosxe_agent.netconf.xmlio import NC_NS, XML_NS, qn

_NO_ATTRS: Mapping[str, str] = MappingProxyType({})
_NO_NSMAP: Mapping[str | None, str] = MappingProxyType({})


class ErrorType(StrEnum):
    """The conceptual layer an error comes from (RFC 6241 §4.3 ``error-type``); a ``str`` subclass."""

    TRANSPORT = "transport"
    RPC = "rpc"
    PROTOCOL = "protocol"
    APPLICATION = "application"


class ErrorTag(StrEnum):
    """Every ``error-tag`` RFC 6241 Appendix A defines (20, one of them deprecated); a ``str`` subclass."""

    IN_USE = "in-use"
    INVALID_VALUE = "invalid-value"
    TOO_BIG = "too-big"
    MISSING_ATTRIBUTE = "missing-attribute"
    BAD_ATTRIBUTE = "bad-attribute"
    UNKNOWN_ATTRIBUTE = "unknown-attribute"
    MISSING_ELEMENT = "missing-element"
    BAD_ELEMENT = "bad-element"
    UNKNOWN_ELEMENT = "unknown-element"
    UNKNOWN_NAMESPACE = "unknown-namespace"
    ACCESS_DENIED = "access-denied"
    LOCK_DENIED = "lock-denied"
    RESOURCE_DENIED = "resource-denied"
    ROLLBACK_FAILED = "rollback-failed"
    DATA_EXISTS = "data-exists"
    DATA_MISSING = "data-missing"
    OPERATION_NOT_SUPPORTED = "operation-not-supported"
    OPERATION_FAILED = "operation-failed"
    PARTIAL_OPERATION = "partial-operation"  # deprecated by RFC 6241; kept so old peers' errors can be named
    MALFORMED_MESSAGE = "malformed-message"


@dataclass(frozen=True, slots=True)
class RpcError:
    """One ``<rpc-error>``, as data.

    ``path`` is an XPath (RFC 6241 ``error-path``) and ``path_ns`` maps each prefix it uses to its namespace.
    ``info`` holds simple ``<error-info>`` children as ``(name, text)``: a local name (``bad-element``,
    ``bad-attribute``, ``bad-namespace``, ``session-id``, ``ok-element`` …) is put in the NETCONF base
    namespace, a Clark name ``{ns}name`` in its own. ``info_elements`` adds arbitrary elements after those
    (for example a vendor's own ``<detail>`` element in its namespace); they are copied when rendered,
    never moved. ``path_ns`` is left out of the hash because dicts are unhashable.
    """

    type: ErrorType
    tag: ErrorTag
    message: str | None = None
    severity: Literal["error", "warning"] = "error"
    app_tag: str | None = None
    path: str | None = None
    path_ns: Mapping[str, str] = field(default_factory=dict, hash=False)
    info: tuple[tuple[str, str], ...] = ()
    info_elements: tuple[etree._Element, ...] = ()


def missing_message_id() -> RpcError:
    """The error RFC 6241 §4.1 prescribes for an ``<rpc>`` without a ``message-id`` attribute."""
    return RpcError(
        ErrorType.RPC,
        ErrorTag.MISSING_ATTRIBUTE,
        message="missing message-id attribute in rpc",
        info=(("bad-attribute", "message-id"), ("bad-element", "rpc")),
    )


def render_rpc_error(err: RpcError) -> etree._Element:
    """Build the ``<rpc-error>`` element, children in the order the RFC 6241 XSD requires."""
    el = etree.Element(qn(NC_NS, "rpc-error"), nsmap={None: NC_NS})
    _child(el, "error-type", err.type.value)
    _child(el, "error-tag", err.tag.value)
    _child(el, "error-severity", err.severity)
    if err.app_tag is not None:
        _child(el, "error-app-tag", err.app_tag)
    if err.path is not None:
        path = etree.SubElement(el, qn(NC_NS, "error-path"), nsmap=dict(err.path_ns))
        path.text = err.path
    if err.message is not None:
        _child(el, "error-message", err.message).set(qn(XML_NS, "lang"), "en")
    if err.info or err.info_elements:
        info = etree.SubElement(el, qn(NC_NS, "error-info"))
        for name, text in err.info:
            _child(info, name, text)
        info.extend(deepcopy(element) for element in err.info_elements)
    return el


def rpc_reply_with_errors(
    errors: Sequence[RpcError],
    rpc_attrs: Mapping[str, str] = _NO_ATTRS,
    rpc_nsmap: Mapping[str | None, str] = _NO_NSMAP,
) -> etree._Element:
    """Build ``<rpc-reply>`` holding one ``<rpc-error>`` per error, echoing the request's attributes.

    ``rpc_attrs``/``rpc_nsmap`` are the ``attrib`` and ``nsmap`` of the ``<rpc>``; both stay empty when the
    request could not be parsed far enough to have them (a malformed message).

    Raises:
        ValueError: ``errors`` is empty; a reply without errors is ``<ok/>`` or data (:func:`rpc_reply`).
    """
    if not errors:
        raise ValueError("rpc_reply_with_errors needs at least one error")
    reply = _reply_envelope(rpc_attrs, rpc_nsmap)
    reply.extend(render_rpc_error(err) for err in errors)
    return reply


#: up to this many attributes, ``attrib`` (quadratic, but with no XPath context to build) is the faster read
_FEW_ATTRIBUTES = 8


def rpc_attributes(rpc_el: etree._Element) -> dict[str, str]:
    """The attributes of ``rpc_el`` (Clark names for namespaced ones), in document order, in linear time.

    XPath ``@*`` walks libxml2's attribute list once; ``attrib.items()`` searches the list again for every value,
    which only matters for many: a usual ``<rpc>`` has one or two, and for those ``attrib`` is four times faster.
    """
    attrib = rpc_el.attrib
    if len(attrib) <= _FEW_ATTRIBUTES:
        return dict(attrib)
    return {str(a.attrname): str(a) for a in rpc_el.xpath("@*")}


def rpc_reply(rpc_el: etree._Element, children: Iterable[etree._Element] | None = None) -> etree._Element:
    """Build the ``<rpc-reply>`` answering ``rpc_el``: ``<ok/>`` if ``children`` is None, else copies of them.

    Children are deep-copied because appending an lxml element moves it out of its tree, and a reply built
    from a datastore's elements must never take them away from the datastore.
    """
    reply = _reply_envelope(rpc_attributes(rpc_el), rpc_el.nsmap)
    if children is None:
        etree.SubElement(reply, qn(NC_NS, "ok"))
    else:
        reply.extend(deepcopy(child) for child in children)
    return reply


def _reply_envelope(rpc_attrs: Mapping[str, str], rpc_nsmap: Mapping[str | None, str]) -> etree._Element:
    """An empty ``<rpc-reply>`` in the base namespace carrying the request's attributes and prefixes.

    The default namespace comes first so lxml writes ``<rpc-reply xmlns=…>`` rather than picking another
    prefix bound to the same URI (such as ``nc``); the request's own default namespace is dropped, since
    unprefixed attributes are in no namespace and the reply's elements must be in the base one.
    """
    nsmap: dict[str | None, str] = {None: NC_NS}
    nsmap.update((prefix, uri) for prefix, uri in rpc_nsmap.items() if prefix is not None)
    reply = etree.Element(qn(NC_NS, "rpc-reply"), nsmap=nsmap)
    for name, value in rpc_attrs.items():
        reply.set(name, value)
    return reply


def _child(parent: etree._Element, name: str, text: str) -> etree._Element:
    """Append ``<name>text</name>``; a local ``name`` goes in the NETCONF base namespace."""
    child = etree.SubElement(parent, name if name.startswith("{") else qn(NC_NS, name))
    child.text = text
    return child
