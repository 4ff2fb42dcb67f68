"""edit-config, copy-config, delete-config and validate (RFC 6241 §7.2 to §7.4, §8.6)."""

from __future__ import annotations

from lxml import etree

from iosxe_agent.data.defaults import resolve_default_tags
from iosxe_agent.data.hidden import graft_hidden
from iosxe_agent.datastore.store import RUNNING, STARTUP, StoreError
from iosxe_agent.netconf import capabilities
from iosxe_agent.netconf.errors import ErrorTag
from iosxe_agent.netconf.faults import fault_from, missing_element, protocol_error
from iosxe_agent.netconf.operations.params import (
    child,
    choice,
    datastore,
    datastore_name,
    only_known,
    origin,
    with_defaults_mode,
)
from iosxe_agent.netconf.registry import Registry, Reply, RpcContext
from iosxe_agent.netconf.xmlio import NC_NS, WD_NS, qn

_EDIT_PARAMS = {qn(NC_NS, n) for n in ("target", "default-operation", "test-option", "error-option", "config", "url")}


def _config_element(op: etree._Element) -> etree._Element:
    cfg = child(op, "config")
    if cfg is None:
        if child(op, "url") is not None:
            raise protocol_error(
                ErrorTag.OPERATION_NOT_SUPPORTED, "the :url capability is not supported", element="url"
            )
        raise missing_element("config", etree.QName(op).localname)
    return cfg


def _untagged(ctx: RpcContext, config: etree._Element, *, edit: bool) -> etree._Element:
    """``config`` with its RFC 6243 ``wd:default`` tags resolved (see :func:`resolve_default_tags`)."""
    config, errors = resolve_default_tags(config, ctx.services.schema, edit=edit)
    if errors:
        raise fault_from(errors)
    return config


async def edit_config(ctx: RpcContext, op: etree._Element) -> Reply:
    """<edit-config> on running or candidate."""
    only_known(op, _EDIT_PARAMS, "edit-config")
    target = datastore_name(ctx, op, "target")
    if target == STARTUP:
        raise protocol_error(ErrorTag.INVALID_VALUE, "edit-config cannot target startup", element="target")
    default_op = choice(op, "default-operation", ("merge", "replace", "none"), "merge")
    test_option = choice(op, "test-option", ("test-then-set", "set", "test-only"), "test-then-set")
    error_option = choice(
        op, "error-option", ("stop-on-error", "continue-on-error", "rollback-on-error"), "stop-on-error"
    )
    config = _untagged(ctx, _config_element(op), edit=True)
    stores = ctx.services.stores
    try:
        partial = await stores.edit(
            target,
            config,
            origin(ctx),
            default_operation=default_op,
            test_option=test_option,
            error_option=error_option,
            visible_only=True,
        )
    except StoreError as exc:
        raise fault_from(exc.errors) from exc
    if partial:
        raise fault_from(partial)
    return None


async def copy_config(ctx: RpcContext, op: etree._Element) -> Reply:
    """<copy-config>: datastore to datastore, or an inline <config> to a datastore.

    RFC 6243 adds ``<with-defaults>``; its mode is checked, but it shapes only what is written to a ``<url>``
    target (as Netopeer2 does), and targets here are always datastores (no :url): a datastore keeps what was
    configured, so copying never turns defaults into configuration, whatever the mode.
    """
    only_known(op, {qn(NC_NS, "target"), qn(NC_NS, "source"), qn(WD_NS, "with-defaults")}, "copy-config")
    with_defaults_mode(op)
    target = datastore_name(ctx, op, "target")
    source = datastore(ctx, op, "source", allow_config=True)
    if isinstance(source, etree._Element):
        source = _untagged(ctx, source, edit=False)
    stores = ctx.services.stores
    try:
        if isinstance(source, etree._Element):
            # the client's configuration is the part it can see: the hidden part of the target stays
            tree = stores.parse_config(source, visible_only=True)
            graft_hidden(stores.tree(target), tree, ctx.services.schema.root, ctx.services.schema)
        else:
            tree = stores.tree(source)  # a whole datastore, hidden part included
        if isinstance(source, str) and source != RUNNING:
            stores.parse_config(tree)  # a stored candidate/startup may not be valid; never copy an invalid one
        await stores.replace(target, tree, origin(ctx))
    except StoreError as exc:
        raise fault_from(exc.errors) from exc
    return None


async def delete_config(ctx: RpcContext, op: etree._Element) -> Reply:
    """<delete-config>: only startup may be deleted (RFC 6241 §7.4), and only with the extensions."""
    only_known(op, {qn(NC_NS, "target")}, "delete-config")
    target = datastore_name(ctx, op, "target")
    if target != STARTUP:
        raise protocol_error(ErrorTag.OPERATION_FAILED, f"the {target} datastore cannot be deleted", element="target")
    try:
        await ctx.services.stores.delete_startup(origin(ctx))
    except StoreError as exc:
        raise fault_from(exc.errors) from exc
    return None


async def validate(ctx: RpcContext, op: etree._Element) -> Reply:
    """<validate> of a datastore or an inline configuration (RFC 6241 §8.6)."""
    only_known(op, {qn(NC_NS, "source")}, "validate")
    source = datastore(ctx, op, "source", allow_config=True)
    try:
        if isinstance(source, str):
            ctx.services.stores.validate_ds(source)
        else:
            ctx.services.stores.validate_config(source, visible_only=True)
    except StoreError as exc:
        raise fault_from(exc.errors) from exc
    return None


def register(registry: Registry, extensions: bool) -> None:
    """Serve the editing operations; delete-config only with the extensions (it is about startup)."""
    registry.register(qn(NC_NS, "edit-config"), edit_config)
    registry.register(qn(NC_NS, "copy-config"), copy_config)
    registry.register(qn(NC_NS, "validate"), validate)
    if extensions:
        registry.register(qn(NC_NS, "delete-config"), delete_config)
        registry.capabilities.append(capabilities.STARTUP)
