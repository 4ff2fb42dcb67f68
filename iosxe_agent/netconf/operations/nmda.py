"""get-data and edit-data (RFC 8526, NETCONF for NMDA) on running, candidate and operational (RFC 8527).

``<datastore>`` is an identity of ietf-datastores (``ds:running``, ``ds:candidate``, ``ds:operational``;
``ds:startup`` only with the extensions, which add :startup). get-data takes a subtree or XPath filter, a
``config-filter``, an ``origin-filter``/``negated-origin-filter`` and ``with-origin`` (operational only),
``max-depth`` and ``with-defaults``; every filter given must hold ("logically ANDed"), and the selected nodes
come with their ancestors and list keys. The reply is ``<data xmlns="…ietf-netconf-nmda">``.

The operational datastore is the running configuration (this device's committed configuration is live, so
every configured node is in use: origin ``or:intended``), the defaults in use (``or:default``; reported only
with ``report-all``/``report-all-tagged``, as our ``with-operational-defaults`` basic-mode is explicit) and the
state data of every state provider (state nodes carry no origin, RFC 8342 §5.3.4).

edit-data is edit-config on running or candidate with ``<config xmlns="…ietf-netconf-nmda">``, the
``nc:operation`` attributes and ``default-operation``; it is all or nothing (RFC 8526 §3.2: the datastore is
restored on error), and goes through the same datastore transaction as every other write.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, Literal

from lxml import etree

from iosxe_agent.data.defaults import WD_NS, apply_with_defaults, resolve_default_tags
from iosxe_agent.data.filter import Selection, build_selection
from iosxe_agent.data.hidden import strip_hidden
from iosxe_agent.data.nmda import (
    OR_NS,
    config_selection,
    finish_origins,
    intersect,
    limit_depth,
    operational_tree,
    origin_selection,
)
from iosxe_agent.data.wire import wire_copy
from iosxe_agent.datastore.names import Datastore
from iosxe_agent.datastore.store import CANDIDATE, RUNNING, STARTUP, StoreError
from iosxe_agent.digits import ascii_digits
from iosxe_agent.netconf import capabilities
from iosxe_agent.netconf.errors import ErrorTag
from iosxe_agent.netconf.faults import RpcFault, fault_from, missing_element, protocol_error
from iosxe_agent.netconf.operations.params import child, choice, only_known, origin, with_defaults_mode
from iosxe_agent.netconf.operations.retrieve import Filter, filtered
from iosxe_agent.netconf.registry import Registry, Reply, RpcContext
from iosxe_agent.netconf.xmlio import qn
from iosxe_agent.yang.schema import Schema

NMDA_NS = "urn:ietf:params:xml:ns:yang:ietf-netconf-nmda"
DS_NS = "urn:ietf:params:xml:ns:yang:ietf-datastores"
OPERATIONAL: Final = "operational"
#: What ``<datastore>`` may name: a conventional datastore or (for ``<get-data>``) the operational one.
NmdaDatastore = Datastore | Literal["operational"]

_GET_DATA_PARAMS = {
    qn(NMDA_NS, n)
    for n in (
        "datastore",
        "subtree-filter",
        "xpath-filter",
        "config-filter",
        "origin-filter",
        "negated-origin-filter",
        "max-depth",
        "with-origin",
    )
} | {qn(WD_NS, "with-defaults")}
_EDIT_DATA_PARAMS = {qn(NMDA_NS, n) for n in ("datastore", "default-operation", "config", "url")}
_MAX_DEPTH = 65535


def _invalid(message: str, element: str | None = None) -> RpcFault:
    return protocol_error(ErrorTag.INVALID_VALUE, message, element=element)


def _identity(el: etree._Element) -> tuple[str | None, str]:
    """An identityref value: (namespace its prefix is bound to on ``el``, local name)."""
    text = (el.text or "").strip()
    prefix, sep, local = text.rpartition(":")
    return el.nsmap.get(prefix if sep else None), local


def _datastore(ctx: RpcContext, op: etree._Element, *, writable: bool) -> NmdaDatastore:
    """The ``<datastore>`` identity, as one of our datastore names (RFC 8526: unsupported -> invalid-value)."""
    where = etree.QName(op).localname
    el = child(op, "datastore", NMDA_NS)
    if el is None:
        raise missing_element("datastore", where)
    ns, name = _identity(el)
    text = (el.text or "").strip()
    if ns != DS_NS:
        raise _invalid(f'"{text}" is not an ietf-datastores identity', "datastore")
    supported: list[NmdaDatastore] = [RUNNING, CANDIDATE] if ctx.session.candidate else [RUNNING]
    if ctx.services.extensions:
        supported.append(STARTUP)
    if not writable:
        supported.append(OPERATIONAL)
    if name not in supported:
        what = "writable by edit-data" if writable and name == OPERATIONAL else "supported"
        raise _invalid(f'the datastore "{text}" is not {what}', "datastore")
    return OPERATIONAL if name == OPERATIONAL else Datastore(name)


def _get_data_filter(op: etree._Element) -> Filter | None:
    subtree = child(op, "subtree-filter", NMDA_NS)
    xpath = child(op, "xpath-filter", NMDA_NS)
    if subtree is not None and xpath is not None:
        raise _invalid("give either <subtree-filter> or <xpath-filter>, not both", "xpath-filter")
    if subtree is not None:
        return Filter("subtree", "subtree-filter", element=subtree)
    if xpath is not None:
        return Filter("xpath", "xpath-filter", select=(xpath.text or "").strip(), prefixes=dict(xpath.nsmap))
    return None


def _max_depth(op: etree._Element) -> int | None:
    el = child(op, "max-depth", NMDA_NS)
    if el is None:
        return None
    text = (el.text or "").strip()
    if text == "unbounded":
        return None
    if ascii_digits(text) and 1 <= int(text) <= _MAX_DEPTH:
        return int(text)
    raise _invalid(f'max-depth "{text}" is neither "unbounded" nor 1..{_MAX_DEPTH}', "max-depth")


def _config_filter(op: etree._Element) -> bool | None:
    el = child(op, "config-filter", NMDA_NS)
    if el is None:
        return None
    text = (el.text or "").strip()
    if text not in ("true", "false"):
        raise _invalid(f'config-filter "{text}" is not a boolean', "config-filter")
    return text == "true"


def _origin_matcher(op: etree._Element, schema: Schema) -> Callable[[str], bool] | None:
    """``origin-filter`` / ``negated-origin-filter`` as a predicate on a node's origin identity (Clark)."""
    positive = op.findall(qn(NMDA_NS, "origin-filter"))
    negative = op.findall(qn(NMDA_NS, "negated-origin-filter"))
    if positive and negative:
        raise _invalid("give either <origin-filter> or <negated-origin-filter>, not both", "negated-origin-filter")
    given = positive or negative
    if not given:
        return None
    wanted: set[str] = set()
    for el in given:
        ns, name = _identity(el)
        clark = f"{{{ns}}}{name}"
        ident = schema.identities.get(clark)
        if ns != OR_NS or ident is None:
            raise _invalid(f'"{(el.text or "").strip()}" is not an ietf-origin identity', etree.QName(el).localname)
        wanted |= {clark, *ident.derived}
    if positive:
        return lambda origin_id: origin_id in wanted
    return lambda origin_id: origin_id not in wanted


async def get_data(ctx: RpcContext, op: etree._Element) -> Reply:
    """<get-data> (RFC 8526 §3.1)."""
    only_known(op, _GET_DATA_PARAMS, "get-data")
    schema = ctx.services.schema
    ds = _datastore(ctx, op, writable=False)
    flt = _get_data_filter(op)
    config_filter = _config_filter(op)
    depth = _max_depth(op)
    mode = with_defaults_mode(op)
    with_origin = child(op, "with-origin", NMDA_NS) is not None
    matcher = _origin_matcher(op, schema)
    if ds != OPERATIONAL and with_origin:
        raise _invalid("with-origin is only valid for the operational datastore", "with-origin")
    if ds != OPERATIONAL and matcher is not None:
        raise _invalid("origin filters are only valid for the operational datastore", "origin-filter")

    track = with_origin or matcher is not None
    if ds == OPERATIONAL:
        state = [el for provider in ctx.services.state_providers for el in provider()]
        tree = operational_tree(ctx.services.stores.running, state, schema, mode, track_origin=track)
    else:
        tree = apply_with_defaults(ctx.services.stores.tree(ds), schema, mode)
    tree = strip_hidden(tree, schema)  # before filtering: a filter naming a hidden node selects nothing

    chosen: Selection = await filtered(ctx, tree, flt)
    if config_filter is not None:
        chosen = intersect(chosen, config_selection(tree, schema, config_filter))
    if matcher is not None:
        chosen = intersect(chosen, origin_selection(tree, schema, matcher))
    chosen = limit_depth(chosen, depth)
    out = build_selection(tree, chosen, schema)
    if track:
        finish_origins(out, schema, annotate=with_origin)
    data = etree.Element(qn(NMDA_NS, "data"), nsmap={None: NMDA_NS})
    data.extend(wire_copy(c) for c in out)
    return [data]


async def edit_data(ctx: RpcContext, op: etree._Element) -> Reply:
    """<edit-data> (RFC 8526 §3.2) on running or candidate."""
    only_known(op, _EDIT_DATA_PARAMS, "edit-data")
    ds = _datastore(ctx, op, writable=True)
    assert ds != OPERATIONAL  # refused above as not writable
    if ds == STARTUP:
        raise _invalid("the startup datastore is written with copy-config, not edit-data", "datastore")
    default_op = choice(op, "default-operation", ("merge", "replace", "none"), "merge", ns=NMDA_NS)
    config = child(op, "config", NMDA_NS)
    if config is None:
        if child(op, "url", NMDA_NS) is not None:
            raise protocol_error(
                ErrorTag.OPERATION_NOT_SUPPORTED, "the :url capability is not supported", element="url"
            )
        raise missing_element("config", "edit-data")
    config, tagged = resolve_default_tags(config, ctx.services.schema, edit=True)
    if tagged:
        raise fault_from(tagged)
    try:
        stores = ctx.services.stores
        partial = await stores.edit(
            ds,
            config,
            origin(ctx),
            default_operation=default_op,
            error_option="rollback-on-error",
            visible_only=True,
        )
    except StoreError as exc:
        raise fault_from(exc.errors) from exc
    if partial:
        raise fault_from(partial)
    return None


def register(registry: Registry) -> None:
    """Serve get-data and edit-data; with-defaults on operational makes us offer with-operational-defaults."""
    registry.register(qn(NMDA_NS, "get-data"), get_data)
    registry.register(qn(NMDA_NS, "edit-data"), edit_data)
    registry.capabilities.append(capabilities.WITH_OPERATIONAL_DEFAULTS)
