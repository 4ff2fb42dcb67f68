"""One simulated router, whole: datastores, keys, sessions, IOS log, debug switches, files and both listeners.

Why here and not in ``main``: one process must be able to run many devices (fleet mode, in-process tests), so
everything a device owns hangs off one :class:`Device` built from a state directory, the limits and the compiled
schema (shared read-only by every device), and started or stopped on its own host and ports. Nothing a device
owns lives in module globals or in a process-global logger; the module-level names below are constants.
``main`` only turns the command line into one Device. This module wires every layer (like ``main``, it sits above
``cli`` and ``device``), so nothing below imports it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

import asyncssh
from lxml import etree

from iosxe_agent.cli.context import CliDevice
from iosxe_agent.cli.shell import run_cli
from iosxe_agent.datastore.store import STARTUP, StorePaths, Stores
from iosxe_agent.datastore.transaction import SYSTEM
from iosxe_agent.device import crypto_rpc, rpcs, views
from iosxe_agent.device.aaa.authorization import Login
from iosxe_agent.device.aaa.network import NetworkAaa
from iosxe_agent.device.aaa.quiet_mode import QuietLogin
from iosxe_agent.device.bootstrap import hashed_bootstrap_config, random_password
from iosxe_agent.device.cli_map.flagged import reconcile_flagged_lists
from iosxe_agent.device.debug import Debug, DebugFlags
from iosxe_agent.device.egress import LOOPBACK, Egress, EgressPolicy
from iosxe_agent.device.files import Flash
from iosxe_agent.device.filesystem import DeviceFiles
from iosxe_agent.device.key_actions import FileActions
from iosxe_agent.device.keyload import host_key_file
from iosxe_agent.device.keys import KeyEvent, KeyStore
from iosxe_agent.device.logbuffer import CONSOLE_LOGGER, DeviceLog
from iosxe_agent.device.names import schema_url
from iosxe_agent.device.netconf_switch import NetconfSwitch
from iosxe_agent.device.passwords import type9_hash
from iosxe_agent.device.printable import PrintableCheck
from iosxe_agent.device.reconciler import Reconciler
from iosxe_agent.device.secrets import hash_clear_secrets
from iosxe_agent.device.seed import first_key_label, seeded_config, with_hostname
from iosxe_agent.device.serial import device_serial
from iosxe_agent.device.sessions import SessionInfo, SessionRegistry
from iosxe_agent.device.snmp import SessionEnd, TrapSender
from iosxe_agent.device.ssh_service import SshService
from iosxe_agent.device.syslog import SyslogSender
from iosxe_agent.device.upgrade import mark_netconf_followed, netconf_followed, netconf_served, upgrade_stored
from iosxe_agent.device.views.carry import ViewCarrier
from iosxe_agent.gnmi.auth import GnmiLogin
from iosxe_agent.gnmi.service import GnmiService
from iosxe_agent.limits import DEFAULT_LIMITS, Limits
from iosxe_agent.listeners import DevicePorts, listen_socket
from iosxe_agent.netconf import monitoring
from iosxe_agent.netconf.notifications import NotificationBus
from iosxe_agent.netconf.operations import datastore as datastore_ops
from iosxe_agent.netconf.operations import push as push_ops
from iosxe_agent.netconf.operations import register_base, subscription
from iosxe_agent.netconf.operations import schema as schema_ops
from iosxe_agent.netconf.registry import Registry
from iosxe_agent.netconf.server import NetconfServer
from iosxe_agent.netconf.services import NetconfServices
from iosxe_agent.netconf.session import NetconfSession
from iosxe_agent.oplog import working_for
from iosxe_agent.restconf.auth import RestconfLogin
from iosxe_agent.restconf.handlers import RestconfApi
from iosxe_agent.restconf.monitoring import restconf_state
from iosxe_agent.restconf.service import RestconfService
from iosxe_agent.restconf.version import DatastoreVersion
from iosxe_agent.yang.schema import Schema

BOOTSTRAP_KEY_LABEL = "Router.lab.local"


@dataclass(frozen=True, slots=True)
class DeviceOptions:
    """What one device is besides its state directory, limits and schema (ports 0: any free port)."""

    host: str = "127.0.0.1"
    netconf_port: int = 0
    ssh_port: int = 0
    #: RESTCONF's HTTPS port, bound while ``restconf`` and ``ip http secure-server`` are configured (0: any free)
    restconf_port: int = 0
    #: gNMI's plain and TLS ports, bound while ``gnmi-yang server`` / ``gnmi-yang secure-server`` are configured,
    #: instead of ``gnmi-yang port`` / ``secure-port`` (None: the configured ones; 0: any free port)
    gnmi_port: int | None = None
    gnmi_secure_port: int | None = None
    #: offer :startup and :confirmed-commit:1.1 (the schema must be compiled with the same choice)
    netconf_extensions: bool = False
    persist_running: bool = False
    sftp: bool = False
    flash_bytes: int | None = None  # size of flash: (None: ``limits.max_flash_bytes``)
    #: the privilege-15 user and password of a first start (None: ``admin`` and a random password)
    admin_user: str | None = None
    admin_password: str | None = None
    #: that password as a type-9 hash instead (it wins): a fleet hashes its one password once, not per device
    admin_secret: str | None = None
    #: the name on the device's operator-log lines (None: its hostname, read at each line); also the hostname
    #: of a first start
    name: str | None = None
    #: the seed of a first start instead of the bootstrap (IOS text or XML ``<config>``; the admin user is ensured)
    startup_config: Path | None = None
    #: where the device's own clients (AAA, traps, ssh, scp) may send; its listening address is always added
    egress: EgressPolicy = LOOPBACK


class Device:
    """One simulated router: everything it owns, built from a state directory; :meth:`load`, :meth:`start`,
    :meth:`stop`. Two Devices in one process share nothing but the read-only ``schema``."""

    def __init__(
        self, state_dir: Path, schema: Schema, limits: Limits = DEFAULT_LIMITS, options: DeviceOptions | None = None
    ) -> None:
        self.state_dir = state_dir
        self.options = options = options or DeviceOptions()
        self.limits = limits
        state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(state_dir, 0o700)
        #: the IOS log (show logging, terminal monitor, console) and the debug switches of this device alone
        self.log = DeviceLog(name=self.name, console=logging.getLogger(CONSOLE_LOGGER))
        self.debug = DebugFlags()
        self.keys = KeyStore(state_dir / "keys", syslog=self.log.emit)
        self.stores = Stores(
            schema,
            limits,
            StorePaths(state_dir / "startup-config.xml", state_dir / "running-config.xml", options.persist_running),
        )
        #: views keep their value across commits that leave what they read alone (the first listener: the others ask)
        self.view_carrier = ViewCarrier(schema, views.ALL)
        self.stores.listen(self.view_carrier.on_commit)
        self.stores.release_with(self.view_carrier.release)  # a replaced tree reused as the spare keeps no memo
        self.log.follow(lambda: views.logging(self.stores.running))  # logging buffered|console|monitor|trap
        self.stores.normalize_with(hash_clear_secrets)
        self.stores.normalize_with(reconcile_flagged_lists)  # typed cipher lists follow NETCONF's leaves
        self.stores.upgrade_with(upgrade_stored)  # state directories of older versions still load
        self._netconf_followed = netconf_followed(state_dir)
        if not self._netconf_followed:  # a first start, or a version that served NETCONF whatever it said
            self.stores.upgrade_with(netconf_served)
        self.stores.subscribe(PrintableCheck(schema))  # values IOS text cannot carry are refused (config injection)
        self.registry = Registry()
        register_base(self.registry, extensions=options.netconf_extensions)
        flash = Flash(state_dir / "flash", options.flash_bytes or limits.max_flash_bytes)
        flash.clean_partials()  # temporary files of transfers a crash interrupted
        crypto_rpc.register(self.registry, self.keys)
        # RFC 5277 NETCONF stream, RFC 6470 events (none for changes of the device-private configuration)
        self.notifications = NotificationBus(limits, hidden_ns=schema.hidden_ns)
        subscription.register(self.registry, self.notifications)
        self.stores.listen(self.notifications.on_commit)
        self.stores.confirm.listeners.append(datastore_ops.confirm_notifier(self.notifications))
        schema_ops.register(self.registry, schema)  # get-schema; yang-library 1.0/1.1 in the hello
        self.services = NetconfServices(schema, self.stores, limits, self.registry, options.netconf_extensions)
        self.services.candidate_enabled = lambda: views.netconf(self.stores.running).candidate_datastore
        monitoring.install(self.services, schema_url=schema_url)  # netconf-state, modules-state, yang-library
        #: the IOS file system (flash:, running-config, startup-config): one copy for the CLI, the RPC and SCP
        self.files = DeviceFiles(
            flash,
            self.stores,
            session_ids=self.services.sessions.allocate,
            actions=FileActions(self.keys, lambda: self.stores.running),  # a file's `crypto key …` lines
        )
        self.files.clean_scratch()  # scratch directories of `copy … scp:` transfers a crash interrupted
        rpcs.register(self.registry, self.files)
        self.netconf: NetconfServer | None = None
        self.netconf_port = 0
        #: the NETCONF listener follows `netconf-yang` (off: its port refuses connections, sessions end)
        self.netconf_switch = NetconfSwitch(host=options.host, running=lambda: self.stores.running)
        self.stores.listen(self.netconf_switch.on_commit)
        self.generated_password: str | None = None
        self.first_start = False  # set by load() when it wrote the bootstrap configuration
        self._first_key_label: str | None = None  # the device RSA key a first start generates, in start()
        self._ssh_follows_keys = False  # from start() to stop(): key events resync the SSH server
        self.sessions = SessionRegistry()
        #: every outgoing socket of the device asks this gate first (``--egress``: labs never reach production)
        self.egress = Egress(options.egress.including([options.host]))
        self.aaa = NetworkAaa(self.egress)  # TACACS+ / RADIUS clients and counters, for NETCONF and SSH logins
        self.ssh = SshService(
            self.keys,
            self.stores,
            self.sessions,
            options.host,
            options.ssh_port,
            self._run_cli,
            syslog=self.log.emit,
            debug=self.debug,  # `debug ip ssh` in any CLI session turns on the service's debug lines
            limits=limits,  # per-source / per-user / idle admission bounds, shared with the NETCONF port
            files=self.files,
            sftp=options.sftp,
            network=self.aaa,
        )
        self.cli = CliDevice(
            self.stores,
            self.keys,
            self.sessions,
            self.ssh,
            self.log,
            session_ids=self.services.sessions.allocate,
            debug=self.debug,
            egress=self.egress,  # `ssh` and `copy scp://` from the device
        )
        self.reconciler = Reconciler(self.ssh, self.view_carrier)
        self.traps = TrapSender(agent_address=options.host, syslog=self.log.emit, egress=self.egress)
        self.syslog = SyslogSender(self.egress, source=options.host)  # `logging host`: the log's trap-level lines
        self.log.send_to(self.syslog)
        self.ssh.session_end_hooks.append(self._send_tty_traps)
        self.keys.subscribe(self._keys_changed)
        self._netconf_records: dict[int, SessionInfo] = {}
        self.services.session_started_hooks.append(self._netconf_started)
        self.services.session_ended_hooks.append(self._netconf_ended)
        self.services.session_started_hooks.append(self.notifications.session_started)
        self.services.session_ended_hooks.append(self.notifications.session_ended)
        self.services.state_providers.append(self.notifications.streams_state)
        self.push = push_ops.install(self.registry, self.services)  # dynamic subscriptions (yang-push)
        self.services.idle_exemptions += [self.notifications.subscribed, lambda sid: bool(self.push.of_session(sid))]
        self.restconf = self._restconf_service()
        self.gnmi = self._gnmi_service()

    def _restconf_service(self) -> RestconfService:
        """RESTCONF on the same services, datastores and AAA as NETCONF, started and stopped by commits."""
        version = DatastoreVersion()  # ETag / Last-Modified of running
        self.stores.listen(version.on_commit)
        running = lambda: self.stores.running  # noqa: E731 - the tree of the moment, read at each request
        inner = RestconfLogin(running, Login(self.stores, self.aaa).authenticate)
        login = QuietLogin(inner, self.ssh.quiet, lambda: self.restconf.port, face="RESTCONF")  # `login block-for`
        service = RestconfService(
            RestconfApi(self.services, version),
            login,
            self.limits,
            host=self.options.host,
            port=self.options.restconf_port,
            state_dir=self.state_dir,
            running=running,
        )
        self.stores.listen(service.on_commit)
        self.services.state_providers.append(restconf_state)  # ietf-restconf-monitoring
        return service

    def _gnmi_service(self) -> GnmiService:
        """gNMI on the same services, datastores and AAA, started and stopped by commits; its subscriptions hear
        every commit."""
        running = lambda: self.stores.running  # noqa: E731 - the tree of the moment, read at each call
        service = GnmiService(
            self.services,
            QuietLogin(  # `login block-for` covers gNMI as every login port
                GnmiLogin(running, Login(self.stores, self.aaa).authenticate),
                self.ssh.quiet,
                lambda: self.gnmi.port or self.gnmi.secure_port,
                face="gNMI",
            ),
            self.limits,
            host=self.options.host,
            port=self.options.gnmi_port,
            secure_port=self.options.gnmi_secure_port,
            state_dir=self.state_dir,
            running=running,
        )
        self.stores.listen(service.on_commit)
        self.stores.listen(service.on_subscribed_commit)
        return service

    def name(self) -> str:
        """The device's name on operator-log lines: the configured one, else the current hostname."""
        return self.options.name or views.identity(self.stores.running).hostname

    async def _run_cli(self, process: asyncssh.SSHServerProcess[str], info: SessionInfo) -> None:
        """The IOS shell on an authenticated device SSH session."""
        await run_cli(process, info, device=self.cli)

    def _keys_changed(self, event: KeyEvent) -> None:
        """A generated or zeroized key may turn the SSH server on or off (``%SSH-5-ENABLED/DISABLED``)."""
        if self._ssh_follows_keys:  # not yet for a first start's own key: start() syncs on its adopted socket
            self.ssh.sync_soon()

    def _send_tty_traps(self, info: SessionInfo) -> None:
        """``snmp-server enable traps tty``: one trap per host when a device SSH session ends."""
        targets = views.snmp(self.stores.running).tty_targets
        if not targets:
            return
        end = SessionEnd(
            username=info.user,
            peer_address=info.peer or "0.0.0.0",
            peer_port=info.peer_port,
            local_address=info.local_address or self.options.host,
            local_port=info.local_port,
            line=info.line or "vty 0",
            bytes_in=info.bytes_in,
            bytes_out=info.bytes_out,
            elapsed_s=max(0.0, time.time() - info.started),
        )
        self.traps.debug = Debug.SNMP in self.debug  # `debug snmp packet`
        self.traps.schedule(targets, end)

    def _netconf_started(self, session: NetconfSession) -> None:
        """NETCONF sessions are device sessions too (``show users`` lists them, ``clear netconf-yang session``
        kills one as ``<kill-session>`` does: locks released, RFC 6470 killed-by the CLI session)."""

        record = self.sessions.add(
            "netconf",
            session.user,
            session.source_host,
            mode="netconf",
            privilege=15,
            session_id=session.session_id,
            end=session.kill,
        )
        self._netconf_records[session.session_id] = record

    def _netconf_ended(self, session_id: int) -> None:
        record = self._netconf_records.pop(session_id, None)
        if record is not None:
            self.sessions.remove(record)

    def load(self) -> None:
        """Load startup (writing the bootstrap configuration on first start) into running."""

        def bootstrap() -> etree._Element:
            self.first_start = True
            user = self.options.admin_user or "admin"
            secret = self.options.admin_secret
            if secret is None:
                password = self.options.admin_password
                if not password:
                    password = self.generated_password = random_password()
                secret = type9_hash(password)
            name, seed = self.options.name, self.options.startup_config
            if seed is not None:
                schema = self.stores.schema
                config = seeded_config(seed, schema, self.limits, user=user, secret_hash=secret, hostname=name)
            else:
                config = hashed_bootstrap_config(user, secret, self.cli.serial)
                if name is not None:
                    with_hostname(config, name)
            self._first_key_label = first_key_label(config, BOOTSTRAP_KEY_LABEL)
            return config

        self.cli.serial = device_serial(self.state_dir)  # before the bootstrap: its licence UDI carries it
        with working_for(self.name):
            self.stores.load(bootstrap)

    async def start(self, ports: DevicePorts | None = None) -> None:
        """Start the device SSH server (if a host key exists) and the NETCONF listener, on ``ports`` if given
        (sockets already listening, so a busy port was reported before :meth:`load` wrote anything).

        The host keys come first: read without re-validation, or (first start) generated in the process's key
        pool, so devices started side by side (a fleet) share every core and the event loop keeps serving.
        They start inside this device's logging context, which every connection, session and task they spawn
        inherits: the operator log names this device on their lines (see :mod:`iosxe_agent.oplog`).
        """
        with working_for(self.name):
            await self.syslog.start()  # first: the start's own messages (key generation, SSH enabled) go out too
            host_key = await self._netconf_host_key(await self._first_key())
            if not self._netconf_followed:
                await self._follow_netconf()
            self.stores.subscribe(self.reconciler)
            if ports is not None:
                self.ssh.adopt(ports.ssh)
            self._ssh_follows_keys = True
            await self.ssh.apply(views.ssh(self.stores.running))
            login = QuietLogin(Login(self.stores, self.aaa), self.ssh.quiet, lambda: self.netconf_port)
            self.netconf = NetconfServer(self.services, login, [host_key])
            sock = ports.netconf if ports is not None else listen_socket(self.options.host, self.options.netconf_port)
            self.netconf_port = await self.netconf_switch.start(self.netconf, sock)
            await self.restconf.start()
            await self.gnmi.start()

    async def _follow_netconf(self) -> None:
        """The stored configurations keep the ``netconf-yang`` that :func:`netconf_served` gave them at load
        (startup is written back; running was written by the load), then the state directory is marked: from now
        on they decide whether NETCONF runs (see :mod:`iosxe_agent.device.upgrade`)."""
        await self.stores.replace(STARTUP, self.stores.startup, SYSTEM)
        await asyncio.to_thread(mark_netconf_followed, self.state_dir)
        self._netconf_followed = True

    async def _netconf_host_key(self, seed: asyncssh.SSHKey | None) -> asyncssh.SSHKey:
        """NETCONF has its own host key file, so zeroizing device RSA keys never locks automation out. A first
        start writes it from ``seed``, the device RSA key it just generated (our choice: one RSA generation per
        new device instead of two, the larger part of a fleet's first start); the files are independent after."""
        return await host_key_file(self.state_dir / "netconf-hostkey.pem", seed=seed)

    async def _first_key(self) -> asyncssh.SSHKey | None:
        """A first start's device RSA key, made here in the shared key pool rather than in :meth:`load`: many
        devices starting together generate their keys on every core, none blocking the event loop."""
        if self._first_key_label is None:
            return None
        return await self.keys.aload_or_generate(self._first_key_label)

    async def stop(self) -> None:
        """Stop every listener."""
        with working_for(self.name):
            self._ssh_follows_keys = False
            await self.gnmi.stop()
            await self.restconf.stop()
            await self.netconf_switch.stop()
            await self.stores.settle()  # the closed sessions' unconfirmed commits are reverted on disk too
            await self.ssh.stop()
            await self.traps.aclose()
            self.syslog.close()
