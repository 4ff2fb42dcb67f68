"""The Cisco RPCs this device serves over NETCONF: cisco-ia (save-config, checkpoint, rollback, revert, sync-from,
is-syncing, netconf-session-id, current-time) and Cisco-IOS-XE-rpc ``copy``.

Every configuration change goes through the datastore transaction (``Stores``), like an edit-config. Each
reply is ``<result>`` in the RPC's module namespace; a refusal is an ``<rpc-error>`` (error-type application,
error-tag operation-failed, the IOS console line as error-message) unless a protocol rule names another tag.
Input is first checked against the RPC's schema (unknown-element, invalid-value, missing-element).

What each does, and the ``<result>`` text:

==================  ==============================================================================================
save-config         copy running-config startup-config. "Save running-config successful" (a 17.x capture).
checkpoint          ``archive config``: running is written to a new flash file ``flash:archive-N`` (N one more than
                    the highest there). "Checkpoint successful: flash:archive-N" (chosen: no capture found; the
                    file name is given because ``rollback`` needs it).
rollback            ``configure replace TARGET [time N]``: the file (``flash:F``, ``bootflash:F``, or
                    ``startup-config``/``nvram:startup-config``) replaces running in one transaction.
                    ``revert-timer N`` arms a timed rollback: unless ``revert`` confirms it within N minutes,
                    the configuration from before the replace comes back (a second rollback with revert-timer
                    while one waits restarts the timer and keeps the first backup). ``revert-on-error`` is what
                    every transaction does anyway (a failed replace changes nothing); ``verbose`` and ``nolock``
                    are accepted and change nothing. "Total number of passes: 1\\nRollback Done" (the IOS console
                    text of ``configure replace``).
revert              controls that timed rollback (``configure revert`` / ``configure confirm``): ``now``: cancel
                    the timer and roll back at once ("Rollback Done"); ``timer N``: restart the timer with N
                    minutes ("Rollback timer reset to N minutes"); ``idle N``: roll back after N minutes without a
                    configuration change ("Rollback idle timer set to N minutes"); no input: confirm, keep the
                    replaced configuration ("Rollback confirmed"). With nothing pending: operation-failed "No
                    Rollback Confirmed Change pending". (The texts are chosen; no capture was found.)
sync-from           the NETCONF datastore *is* the running configuration here, so there is nothing to
                    resynchronise. "Sync from device successful" (chosen).
is-syncing          "No sync in progress" (a real reply, from pyATS genie's IOS XE tests).
netconf-session-id  the caller's session id, as decimal text.
current-time        the device clock as RFC 3339 local time with offset (``2024-05-01T12:34:56+02:00``, chosen).
copy                ``copy SRC DST`` between running-config, startup-config and flash: files (leaves
                    ``source-drop-node-name``/``destination-drop-node-name``, or their 16.x names ``_source``/
                    ``_destination``). running->startup saves; anything->running-config *merges* into running, as
                    IOS copy does; anything->startup-config replaces startup; anything->flash:F writes the file;
                    flash:F->flash:G copies it. "RPC request successful" — the text the SAP asr1k-neutron
                    driver compares the reply of a real box with, for run->start under both leaf names. Other file
                    systems (tftp:, ftp:, scp:, http(s):, harddisk: …) are operation-not-supported.
==================  ==============================================================================================

Files in flash: hold a configuration as XML (``<config>``) or as IOS text; see :mod:`agent.device.config_files`.
"""

from __future__ import annotations

import time
from datetime import datetime

from lxml import etree

from agent.datastore.store import RUNNING, STARTUP, StoreError
from agent.device.config_files import read_config
from agent.device.files import Flash, FlashError, Url, encode_config, parse_url
from agent.device.names import IA_NS, RPC_NS
from agent.netconf.errors import ErrorTag, ErrorType, RpcError
from agent.netconf.faults import RpcFault, fault_from, missing_element, protocol_error, unknown_element
from agent.netconf.operations.params import origin
from agent.netconf.registry import Registry, Reply, RpcContext
from agent.yang.datatype import TypeMismatch, canonical
from agent.yang.schema import Kind, Schema, SchemaNode

SAVE_OK = "Save running-config successful"
ROLLBACK_OK = "Total number of passes: 1\nRollback Done"
REVERT_NOW_OK = "Rollback Done"
REVERT_CONFIRM_OK = "Rollback confirmed"
SYNC_FROM_OK = "Sync from device successful"
NOT_SYNCING = "No sync in progress"
COPY_OK = "RPC request successful"
ARCHIVE_PREFIX = "archive-"


def _result(ns: str, text: str) -> list[etree._Element]:
    el = etree.Element(f"{{{ns}}}result", nsmap={None: ns})
    el.text = text
    return [el]


def _failed(message: str) -> RpcFault:
    return RpcFault([RpcError(ErrorType.APPLICATION, ErrorTag.OPERATION_FAILED, message=message)])


def _not_supported(message: str, element: str) -> RpcFault:
    return RpcFault(
        [
            RpcError(
                ErrorType.APPLICATION,
                ErrorTag.OPERATION_NOT_SUPPORTED,
                message=message,
                info=(("bad-element", element),),
            )
        ]
    )


# -- input checks ---------------------------------------------------------------------------------------------
def check_input(schema: Schema, op: etree._Element) -> dict[str, str]:
    """Check the input of RPC ``op`` against its schema; return its leaves as local name -> canonical text.

    Unknown elements are unknown-element, repeated ones bad-element, values outside their type invalid-value.
    """
    node = schema.rpc_input(op.tag)
    values: dict[str, str] = {}
    where = etree.QName(op).localname
    for child in op:
        if not isinstance(child.tag, str):
            continue
        name = etree.QName(child).localname
        cnode: SchemaNode | None = node.child(child.tag) if node is not None else None
        if cnode is None or cnode.kind is not Kind.LEAF or cnode.type is None:
            raise unknown_element(name, where)
        if name in values:
            raise protocol_error(ErrorTag.BAD_ELEMENT, f"<{name}> is given more than once", element=name)
        prefix = cnode.prefix
        path = f"/{prefix}:{where}/{prefix}:{name}"
        try:
            if len(child):
                raise TypeMismatch(f"{path} is a leaf and cannot have child elements")
            values[name] = canonical(child.text, cnode.type, child.nsmap)
        except TypeMismatch as exc:
            raise RpcFault(
                [
                    RpcError(
                        ErrorType.APPLICATION,
                        ErrorTag.INVALID_VALUE,
                        message=exc.message,
                        app_tag=exc.app_tag,
                        path=path,
                        path_ns={prefix: cnode.ns},
                        info=(("bad-element", name),),
                    )
                ]
            ) from exc
    return values


def _one_of(values: dict[str, str], names: tuple[str, ...], where: str) -> str:
    """The value of the one leaf of ``names`` given (a mandatory choice)."""
    given = [n for n in names if n in values]
    if not given:
        raise missing_element(names[0], where)
    if len(given) > 1:
        raise protocol_error(
            ErrorTag.BAD_ELEMENT, f"<{given[0]}> and <{given[1]}> cannot be combined", element=given[1]
        )
    return values[given[0]]


def _minutes(values: dict[str, str], name: str) -> int | None:
    return int(values[name]) if name in values else None


# -- the RPCs -------------------------------------------------------------------------------------------------
class CiscoRpcs:
    """The handlers, bound to the device's flash: directory."""

    def __init__(self, flash: Flash) -> None:
        self.flash = flash

    # cisco-ia ---------------------------------------------------------------------------------------------
    async def save_config(self, ctx: RpcContext, op: etree._Element) -> Reply:
        """``save-config`` = ``copy running-config startup-config``."""
        check_input(ctx.services.schema, op)
        try:
            ctx.services.stores.save(origin(ctx))
        except StoreError as exc:
            raise fault_from(exc.errors) from exc
        return _result(IA_NS, SAVE_OK)

    async def checkpoint(self, ctx: RpcContext, op: etree._Element) -> Reply:
        """``checkpoint`` = ``archive config``: running into a new ``flash:archive-N``."""
        check_input(ctx.services.schema, op)
        numbers = [
            int(n[len(ARCHIVE_PREFIX) :])
            for n in self.flash.names()
            if n.startswith(ARCHIVE_PREFIX) and n[len(ARCHIVE_PREFIX) :].isdigit()
        ]
        name = f"{ARCHIVE_PREFIX}{max(numbers, default=0) + 1}"
        try:
            self.flash.write(name, encode_config(ctx.services.stores.running))
        except FlashError as exc:
            raise _failed(str(exc)) from exc
        return _result(IA_NS, f"Checkpoint successful: flash:{name}")

    async def rollback(self, ctx: RpcContext, op: etree._Element) -> Reply:
        """``rollback`` = ``configure replace TARGET [time N]``."""
        values = check_input(ctx.services.schema, op)
        if "target-url" not in values:
            raise missing_element("target-url", "rollback")
        stores = ctx.services.stores
        tree = self._load(ctx, parse_url(values["target-url"]), "target-url")
        minutes = _minutes(values, "revert-timer")
        try:
            if minutes is None:
                stores.replace(RUNNING, tree, origin(ctx))
            else:
                stores.timed_replace(tree, origin(ctx), minutes * 60)
        except StoreError as exc:
            raise fault_from(exc.errors) from exc
        return _result(IA_NS, ROLLBACK_OK)

    async def revert(self, ctx: RpcContext, op: etree._Element) -> Reply:
        """``revert``: ``now`` rolls back at once, ``timer``/``idle`` reset the timer, no input confirms."""
        values = check_input(ctx.services.schema, op)
        stores = ctx.services.stores
        given = [n for n in ("now", "timer", "idle") if n in values]
        if len(given) > 1:
            raise protocol_error(
                ErrorTag.BAD_ELEMENT, f"<{given[0]}> and <{given[1]}> cannot be combined", element=given[1]
            )
        try:
            if "now" in values:
                stores.revert_timed(origin(ctx))
                text = REVERT_NOW_OK
            elif "timer" in values:
                minutes = int(values["timer"])
                stores.reset_timed(origin(ctx), minutes * 60)
                text = f"Rollback timer reset to {minutes} minutes"
            elif "idle" in values:
                minutes = int(values["idle"])
                stores.reset_timed(origin(ctx), minutes * 60, idle=True)
                text = f"Rollback idle timer set to {minutes} minutes"
            else:
                stores.confirm_timed(origin(ctx))
                text = REVERT_CONFIRM_OK
        except StoreError as exc:
            raise fault_from(exc.errors) from exc
        return _result(IA_NS, text)

    async def sync_from(self, ctx: RpcContext, op: etree._Element) -> Reply:
        """``sync-from``: the NETCONF datastore is the running configuration, so it is always in sync."""
        check_input(ctx.services.schema, op)
        return _result(IA_NS, SYNC_FROM_OK)

    async def is_syncing(self, ctx: RpcContext, op: etree._Element) -> Reply:
        """``is-syncing``: never (see sync-from)."""
        check_input(ctx.services.schema, op)
        return _result(IA_NS, NOT_SYNCING)

    async def netconf_session_id(self, ctx: RpcContext, op: etree._Element) -> Reply:
        """``netconf-session-id``: the caller's session id."""
        check_input(ctx.services.schema, op)
        return _result(IA_NS, str(ctx.session.session_id))

    async def current_time(self, ctx: RpcContext, op: etree._Element) -> Reply:
        """``current-time``: the device clock (RFC 3339, local time with its offset)."""
        check_input(ctx.services.schema, op)
        now = datetime.fromtimestamp(time.time()).astimezone()
        return _result(IA_NS, now.isoformat(timespec="seconds"))

    # Cisco-IOS-XE-rpc copy --------------------------------------------------------------------------------
    async def copy(self, ctx: RpcContext, op: etree._Element) -> Reply:
        """``copy SRC DST`` between running-config, startup-config and flash: files."""
        values = check_input(ctx.services.schema, op)
        src = parse_url(_one_of(values, ("source-drop-node-name", "_source"), "copy"))
        dst = parse_url(_one_of(values, ("destination-drop-node-name", "_destination"), "copy"))
        stores = ctx.services.stores
        who = origin(ctx)
        for url, element in ((src, "source-drop-node-name"), (dst, "destination-drop-node-name")):
            if url.kind == "other":
                raise _not_supported(f"%Error opening {url} (file system not supported by this device)", element)
        if src.kind == dst.kind and src.name == dst.name:
            raise _failed(f"%Error: source and destination are the same ({src})")
        try:
            if dst.kind == "flash":
                data = self._read_flash(src) if src.kind == "flash" else encode_config(stores.tree(self._ds(src)))
                self.flash.write(dst.name, data)
            elif dst.kind == "startup" and src.kind == "running":
                stores.save(who)
            elif dst.kind == "startup":
                stores.replace(STARTUP, self._load(ctx, src, "source-drop-node-name"), who)
            else:  # into running-config: merge, as IOS copy does
                source = stores.startup if src.kind == "startup" else self._config(src, stores.running)
                stores.edit(RUNNING, source, who, default_operation="merge")
        except FlashError as exc:
            raise _failed(str(exc)) from exc
        except StoreError as exc:
            raise fault_from(exc.errors) from exc
        return _result(RPC_NS, COPY_OK)

    # helpers ----------------------------------------------------------------------------------------------
    @staticmethod
    def _ds(url: Url) -> str:
        return RUNNING if url.kind == "running" else STARTUP

    def _read_flash(self, url: Url) -> bytes:
        return self.flash.read(url.name)

    def _config(self, url: Url, base: etree._Element | None) -> etree._Element:
        """The ``<config>`` of a flash file, XML or IOS text on top of ``base`` (not yet checked against the
        schema)."""
        return read_config(self.flash.read(url.name), str(url), base)

    def _load(self, ctx: RpcContext, url: Url, element: str) -> etree._Element:
        """A complete, checked configuration from ``url`` (for replace)."""
        stores = ctx.services.stores
        if url.kind == "other":
            raise _not_supported(f"%Error opening {url} (file system not supported by this device)", element)
        try:
            if url.kind == "flash":
                return stores.parse_config(self._config(url, None))
            return stores.parse_config(stores.tree(self._ds(url)))
        except FlashError as exc:
            raise _failed(str(exc)) from exc
        except StoreError as exc:
            raise fault_from(exc.errors) from exc


def register(registry: Registry, flash: Flash) -> None:
    """Serve the Cisco RPCs; the others in the schema answer operation-not-supported."""
    rpcs = CiscoRpcs(flash)
    for name, handler in (
        ("save-config", rpcs.save_config),
        ("checkpoint", rpcs.checkpoint),
        ("rollback", rpcs.rollback),
        ("revert", rpcs.revert),
        ("sync-from", rpcs.sync_from),
        ("is-syncing", rpcs.is_syncing),
        ("netconf-session-id", rpcs.netconf_session_id),
        ("current-time", rpcs.current_time),
    ):
        registry.register(f"{{{IA_NS}}}{name}", handler)
    registry.register(f"{{{RPC_NS}}}copy", rpcs.copy)
