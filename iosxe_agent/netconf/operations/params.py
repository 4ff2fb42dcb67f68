"""Parsing of the parameters shared by the base operations (targets, sources, enums, filters)."""

from __future__ import annotations

from lxml import etree

from iosxe_agent.data.defaults import MODES, WithDefaults
from iosxe_agent.data.tags import tag_of
from iosxe_agent.datastore.names import Datastore
from iosxe_agent.datastore.store import CANDIDATE, STARTUP
from iosxe_agent.datastore.transaction import Face, Origin
from iosxe_agent.netconf.errors import ErrorTag
from iosxe_agent.netconf.faults import RpcFault, bad_element, missing_element, protocol_error, unknown_element
from iosxe_agent.netconf.registry import RpcContext
from iosxe_agent.netconf.xmlio import NC_NS, WD_NS, qn

#: a datastore by the Clark name of its element, built once: a usual ``<running/>`` is one lookup, where iterating
#: the enum, a QName and an enum call per request cost more than the rest of the parameter's parse
_BY_TAG = {qn(NC_NS, d.value): d for d in Datastore}


def child(op: etree._Element, name: str, ns: str = NC_NS) -> etree._Element | None:
    """The first child ``name`` of ``op`` in namespace ``ns``.

    ``iterchildren`` matches the tag in C; ``find`` would first run its path parser (twice the cost per call).
    """
    return next(op.iterchildren(qn(ns, name)), None)


def only_known(op: etree._Element, allowed: set[str], where: str) -> None:
    """Refuse parameters the operation does not define (RFC 6241: unknown-element)."""
    for c in op:
        if isinstance(c.tag, str) and c.tag not in allowed:
            raise unknown_element(etree.QName(c).localname, where)


def origin(ctx: RpcContext) -> Origin:
    """Who is making a change, for transactions and notifications."""
    s = ctx.session
    return Origin(session_id=s.session_id, user=s.user, face=Face.NETCONF, source_host=s.source_host)


def datastore(
    ctx: RpcContext, op: etree._Element, param: str, *, allow_config: bool = False
) -> Datastore | etree._Element:
    """The datastore named by ``<param><running/></param>`` (or the inline ``<config>`` if allowed)."""
    holder = child(op, param)
    if holder is None:
        raise missing_element(param, etree.QName(op).localname)
    inner = [c for c in holder if isinstance(c.tag, str)]
    if len(inner) != 1:
        raise bad_element(param, f"<{param}> must name exactly one datastore")
    el = inner[0]
    ds = _BY_TAG.get(tag_of(el))
    if ds is None:
        return _not_a_datastore(el, param, allow_config)
    if ds == STARTUP and not ctx.services.extensions:
        raise protocol_error(
            ErrorTag.INVALID_VALUE,
            "the startup datastore is not available over NETCONF (no :startup capability); save with the device's "
            "save-config RPC",
            element=param,
        )
    if ds == CANDIDATE and not ctx.session.candidate:
        raise no_candidate(param)
    return ds


def _not_a_datastore(el: etree._Element, param: str, allow_config: bool) -> etree._Element:
    """``el`` if it is an inline ``<config>`` that ``param`` accepts; otherwise the error for what it names."""
    q = etree.QName(el)
    if allow_config and q.localname == "config" and q.namespace in (NC_NS, None):
        return el
    if q.localname == "url":
        raise protocol_error(ErrorTag.OPERATION_NOT_SUPPORTED, "the :url capability is not supported", element="url")
    raise bad_element(param, f"<{q.localname}> is not a datastore")


def no_candidate(element: str) -> RpcFault:
    """The error for a use of the candidate datastore by a session whose hello did not offer it."""
    return protocol_error(
        ErrorTag.OPERATION_NOT_SUPPORTED,
        "the candidate datastore is not enabled (no :candidate capability in this session's hello)",
        element=element,
    )


def datastore_name(ctx: RpcContext, op: etree._Element, param: str) -> Datastore:
    """Like :func:`datastore` but an inline config is not accepted."""
    ds = datastore(ctx, op, param)
    assert isinstance(ds, Datastore)
    return ds


def choice(op: etree._Element, name: str, allowed: tuple[str, ...], default: str, ns: str = NC_NS) -> str:
    """An enumerated parameter such as ``<default-operation>``."""
    el = child(op, name, ns)
    if el is None:
        return default
    value = (el.text or "").strip()
    if value not in allowed:
        raise bad_element(name, f'"{value}" is not a valid {name}; expected one of {", ".join(allowed)}')
    return value


def with_defaults_mode(op: etree._Element) -> WithDefaults:
    """The RFC 6243 ``<with-defaults>`` mode of a request (``explicit``, our basic-mode, when absent).

    A value that names no mode we support is ``invalid-value`` (RFC 6243 §4.5.1).
    """
    el = child(op, "with-defaults", WD_NS)
    if el is None:
        return WithDefaults.EXPLICIT
    value = (el.text or "").strip()
    if value not in MODES:
        raise protocol_error(
            ErrorTag.INVALID_VALUE, f'"{value}" is not a with-defaults mode; expected one of {", ".join(MODES)}'
        )
    return WithDefaults(value)
