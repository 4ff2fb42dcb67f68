"""The Cisco RPCs this device serves over NETCONF: cisco-ia (save-config, checkpoint, rollback, revert, sync-from,
is-syncing, netconf-session-id, current-time) and Cisco-IOS-XE-rpc ``copy``.

Every configuration change goes through the datastore transaction (``Stores``), like an edit-config. Each
reply is ``<result>`` in the RPC's module namespace; a refusal is an ``<rpc-error>`` (error-type application,
error-tag operation-failed, the IOS console line as error-message) unless a protocol rule names another tag.
Input is first checked against the RPC's schema by :func:`iosxe_agent.netconf.rpc_input.parse_input` (unknown-element,
invalid-value, missing-element, bad-element); what is left here is what each RPC means on IOS XE.

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
                    IOS copy does (lines that are not commands are skipped and named after the result text:
                    "RPC request successful (N invalid line(s) skipped: …)"); anything->startup-config replaces
                    startup; a configuration->flash:F writes
                    it as IOS text (byte for byte the file the CLI's copy writes); flash:F->flash:G copies it.
                    "RPC request successful" — the text the SAP asr1k-neutron driver compares the reply of a real
                    box with, for run->start under both leaf names. Other file systems (tftp:, ftp:, scp:,
                    http(s):, harddisk: …) are operation-not-supported.
==================  ==============================================================================================

The copy itself is :meth:`iosxe_agent.device.filesystem.DeviceFiles.copy`. Files in flash: are read as a configuration
in either form, IOS text or XML (``<config>``); see :mod:`iosxe_agent.device.config_files`.
"""

from __future__ import annotations

import time
from datetime import datetime

from lxml import etree

from iosxe_agent.datastore.names import Datastore
from iosxe_agent.datastore.store import RUNNING, STARTUP, StoreError
from iosxe_agent.device.config_files import ConfigFileError, read_config, skipped_summary
from iosxe_agent.device.files import FlashError, encode_config
from iosxe_agent.device.filesystem import DeviceFiles, FileKind, Url, parse_url
from iosxe_agent.device.names import IA_NS, RPC_NS
from iosxe_agent.digits import ascii_digits
from iosxe_agent.netconf.errors import ErrorTag
from iosxe_agent.netconf.faults import RpcFault, application_error, conflicting, fault_from, operation_failed
from iosxe_agent.netconf.operations.params import origin
from iosxe_agent.netconf.registry import Registry, Reply, RpcContext
from iosxe_agent.netconf.rpc_input import InputNode, parse_input

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


def _not_supported(message: str, element: str) -> RpcFault:
    return application_error(ErrorTag.OPERATION_NOT_SUPPORTED, message, element=element)


def _one_of(args: InputNode, *names: str) -> str:
    """The value of the one leaf of ``names`` given (the input check made sure a mandatory one is there)."""
    return next(value for name in names if (value := args.text(name)) is not None)


# -- the RPCs -------------------------------------------------------------------------------------------------
class CiscoRpcs:
    """The handlers, bound to the device's file system."""

    def __init__(self, files: DeviceFiles) -> None:
        self.files = files
        self.flash = files.flash

    # cisco-ia ---------------------------------------------------------------------------------------------
    async def save_config(self, ctx: RpcContext, op: etree._Element) -> Reply:
        """``save-config`` = ``copy running-config startup-config``."""
        parse_input(ctx.services.schema, op)
        try:
            await ctx.services.stores.save(origin(ctx))
        except StoreError as exc:
            raise fault_from(exc.errors) from exc
        return _result(IA_NS, SAVE_OK)

    async def checkpoint(self, ctx: RpcContext, op: etree._Element) -> Reply:
        """``checkpoint`` = ``archive config``: running into a new ``flash:archive-N``."""
        parse_input(ctx.services.schema, op)
        numbers = [
            int(n[len(ARCHIVE_PREFIX) :])
            for n in self.flash.names()
            if n.startswith(ARCHIVE_PREFIX) and ascii_digits(n[len(ARCHIVE_PREFIX) :])
        ]
        name = f"{ARCHIVE_PREFIX}{max(numbers, default=0) + 1}"
        try:
            self.flash.write(name, encode_config(ctx.services.stores.running))
        except FlashError as exc:
            raise operation_failed(str(exc)) from exc
        return _result(IA_NS, f"Checkpoint successful: flash:{name}")

    async def rollback(self, ctx: RpcContext, op: etree._Element) -> Reply:
        """``rollback`` = ``configure replace TARGET [time N]``."""
        args = parse_input(ctx.services.schema, op)
        stores = ctx.services.stores
        tree = self._load(ctx, parse_url(_one_of(args, "target-url")), "target-url")
        minutes = args.integer("revert-timer")
        try:
            if minutes is None:
                await stores.replace(RUNNING, tree, origin(ctx))
            else:
                await stores.timed_replace(tree, origin(ctx), minutes * ctx.services.limits.revert_minute_s)
        except StoreError as exc:
            raise fault_from(exc.errors) from exc
        return _result(IA_NS, ROLLBACK_OK)

    async def revert(self, ctx: RpcContext, op: etree._Element) -> Reply:
        """``revert``: ``now`` rolls back at once, ``timer``/``idle`` reset the timer, no input confirms."""
        args = parse_input(ctx.services.schema, op)
        stores = ctx.services.stores
        given = [n for n in ("now", "timer", "idle") if args.has(n)]
        if len(given) > 1:  # three leaves, not a YANG choice; IOS takes one of them
            raise conflicting(given[0], given[1])
        timer, idle = args.integer("timer"), args.integer("idle")
        try:
            if args.flag("now"):
                await stores.revert_timed(origin(ctx))
                text = REVERT_NOW_OK
            elif timer is not None:
                await stores.reset_timed(origin(ctx), timer * ctx.services.limits.revert_minute_s)
                text = f"Rollback timer reset to {timer} minutes"
            elif idle is not None:
                await stores.reset_timed(origin(ctx), idle * ctx.services.limits.revert_minute_s, idle=True)
                text = f"Rollback idle timer set to {idle} minutes"
            else:
                await stores.confirm_timed(origin(ctx))
                text = REVERT_CONFIRM_OK
        except StoreError as exc:
            raise fault_from(exc.errors) from exc
        return _result(IA_NS, text)

    async def sync_from(self, ctx: RpcContext, op: etree._Element) -> Reply:
        """``sync-from``: the NETCONF datastore is the running configuration, so it is always in sync."""
        parse_input(ctx.services.schema, op)
        return _result(IA_NS, SYNC_FROM_OK)

    async def is_syncing(self, ctx: RpcContext, op: etree._Element) -> Reply:
        """``is-syncing``: never (see sync-from)."""
        parse_input(ctx.services.schema, op)
        return _result(IA_NS, NOT_SYNCING)

    async def netconf_session_id(self, ctx: RpcContext, op: etree._Element) -> Reply:
        """``netconf-session-id``: the caller's session id."""
        parse_input(ctx.services.schema, op)
        return _result(IA_NS, str(ctx.session.session_id))

    async def current_time(self, ctx: RpcContext, op: etree._Element) -> Reply:
        """``current-time``: the device clock (RFC 3339, local time with its offset)."""
        parse_input(ctx.services.schema, op)
        now = datetime.fromtimestamp(time.time()).astimezone()
        return _result(IA_NS, now.isoformat(timespec="seconds"))

    # Cisco-IOS-XE-rpc copy --------------------------------------------------------------------------------
    async def copy(self, ctx: RpcContext, op: etree._Element) -> Reply:
        """``copy SRC DST`` between running-config, startup-config and flash: files: the input is checked here,
        the copy is the device file system's (the one the CLI's ``copy`` runs)."""
        args = parse_input(ctx.services.schema, op)
        src = parse_url(_one_of(args, "source-drop-node-name", "_source"))
        dst = parse_url(_one_of(args, "destination-drop-node-name", "_destination"))
        for url, element in ((src, "source-drop-node-name"), (dst, "destination-drop-node-name")):
            if url.kind is FileKind.OTHER:
                raise _not_supported(f"%Error opening {url} (file system not supported by this device)", element)
        try:
            _, skipped = await self.files.copy(src, dst, origin(ctx))
        except ConfigFileError as exc:
            raise (fault_from(exc.errors) if exc.errors else operation_failed(str(exc))) from exc
        except FlashError as exc:
            raise operation_failed(str(exc)) from exc
        # IOS's file semantics: the lines that are commands applied; the result names the ones that are not
        return _result(RPC_NS, f"{COPY_OK} ({skipped_summary(skipped)})" if skipped else COPY_OK)

    # helpers ----------------------------------------------------------------------------------------------
    @staticmethod
    def _ds(url: Url) -> Datastore:
        return RUNNING if url.kind == "running" else STARTUP

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
            raise operation_failed(str(exc)) from exc
        except StoreError as exc:
            raise fault_from(exc.errors) from exc


def register(registry: Registry, files: DeviceFiles) -> None:
    """Serve the Cisco RPCs; the others in the schema answer operation-not-supported."""
    rpcs = CiscoRpcs(files)
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
