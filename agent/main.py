"""Command line, wiring and lifetime of the agent: argv -> Settings -> one Device -> serve until signalled.

This is the only module that knows every layer; each layer below receives what it needs as arguments.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import logging
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import asyncssh

from agent.admin_password import PASSWORD_ENV, PasswordSourceError, admin_password
from agent.cli.context import CliDevice
from agent.cli.shell import run_cli
from agent.datastore.persist import atomic_write
from agent.datastore.store import StorePaths, Stores
from agent.device import crypto_rpc, rpcs
from agent.device.aaa.authorization import Login
from agent.device.aaa.network import NetworkAaa
from agent.device.aaa.quiet_mode import QuietLogin
from agent.device.access import netconf_access, startup_report
from agent.device.bootstrap import bootstrap_config, random_password
from agent.device.files import Flash
from agent.device.keys import KeyEvent, KeyStore
from agent.device.logbuffer import LogBuffer
from agent.device.names import MODULES, enabled_features, schema_url
from agent.device.printable import PrintableCheck
from agent.device.reconciler import Reconciler
from agent.device.recovery import RecoveryError, recover_admin
from agent.device.scp import DeviceFiles
from agent.device.secrets import hash_clear_secrets
from agent.device.sessions import SessionInfo, SessionRegistry
from agent.device.snmp import SessionEnd, TrapSender, tty_trap_targets
from agent.device.ssh_policy import derive_policy
from agent.device.ssh_service import SshService
from agent.device.state_lock import StateBusy, StateLock
from agent.limits import DEFAULT_LIMITS, LimitError, Limits, limit_names, with_overrides
from agent.netconf import monitoring
from agent.netconf.notifications import NotificationBus
from agent.netconf.operations import datastore as datastore_ops
from agent.netconf.operations import push as push_ops
from agent.netconf.operations import register_base, subscription
from agent.netconf.operations import schema as schema_ops
from agent.netconf.registry import Registry
from agent.netconf.server import NetconfServer
from agent.netconf.services import NetconfServices
from agent.netconf.session import NetconfSession
from agent.yang.loader import default_search_path, load_schema
from agent.yang.schema import Schema

log = logging.getLogger("agent")

BOOTSTRAP_KEY_LABEL = "Router.lab.local"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the command line and environment decide."""

    state_dir: Path
    host: str = "127.0.0.1"
    netconf_port: int = 8830
    ssh_port: int = 8022
    admin_user: str | None = None
    admin_password: str | None = None
    #: where ``admin_password`` came from, for the start-up message (``--admin-password-file F`` …)
    admin_password_source: str | None = None
    #: ``--recover-admin [USER]``: the user to recover ("" for the admin user), None to run the agent
    recover_admin: str | None = None
    netconf_extensions: bool = False
    persist_running: bool = False
    log_level: str = "INFO"
    sftp: bool = False
    flash_size_mb: int | None = None
    limits: Limits = DEFAULT_LIMITS


def default_state_dir() -> Path:
    """``$XDG_STATE_HOME/iosxe-agent``, default ``~/.local/state/iosxe-agent``."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "iosxe-agent"


def yang_dir() -> Path:
    """Our YANG modules: beside the package in a checkout, under ``share/`` when installed from a wheel."""
    for candidate in (
        Path(__file__).resolve().parent.parent / "yang",
        Path(sys.prefix) / "share" / "iosxe-agent" / "yang",
    ):
        if (candidate / "Cisco-IOS-XE-native.yang").exists():
            return candidate
    raise SystemExit("iosxe-agent: cannot find the YANG modules (yang/)")


def compiled_schema(settings: Settings) -> Schema:
    """The device's YANG schema with the features ``settings`` enable (serving and recovery both need it)."""
    return load_schema(default_search_path(yang_dir()), MODULES, enabled_features(settings.netconf_extensions))


def parse_args(argv: list[str] | None = None) -> Settings:
    """Build Settings from the command line and ``IOSXE_AGENT_ADMIN_USER`` / ``IOSXE_AGENT_ADMIN_PASSWORD``."""
    p = argparse.ArgumentParser(prog="iosxe-agent", description="Cisco IOS XE 17 management-plane agent")
    p.add_argument("--state-dir", type=Path, default=None, help="state directory (default %(default)s)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--netconf-port", type=int, default=8830, help="NETCONF over SSH port (0: any free port)")
    p.add_argument("--ssh-port", type=int, default=8022, help="device SSH port (CLI, SCP)")
    p.add_argument("--admin-user", default=os.environ.get("IOSXE_AGENT_ADMIN_USER"))
    p.add_argument(
        "--admin-password",
        default=None,
        help=f"the admin password (visible in ps: prefer --admin-password-file or {PASSWORD_ENV})",
    )
    p.add_argument(
        "--admin-password-file", type=Path, default=None, metavar="FILE", help="read the admin password from FILE"
    )
    p.add_argument(
        "--recover-admin",
        nargs="?",
        const="",
        default=None,
        metavar="USER",
        help="with the agent stopped: give USER (default: the admin user) privilege 15, a new password and a"
        " NETCONF login in the stored configuration, then exit",
    )
    p.add_argument(
        "--netconf-extensions",
        action="store_true",
        help="also offer what IOS XE lacks: the :startup capability (and later confirmed commit)",
    )
    p.add_argument("--persist-running", action="store_true", help="restore running (not startup) after a restart")
    p.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    p.add_argument("--sftp", action="store_true", help="also serve SFTP (IOS XE has none: scp -O uses SCP)")
    p.add_argument("--flash-size", type=int, default=None, metavar="MB", help="size of flash: (default 64 MB)")
    p.add_argument(
        "--limit",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override one bound (repeatable), e.g. max_netconf_sessions=8; names: " + ", ".join(limit_names()),
    )
    ns = p.parse_args(argv)
    try:
        limits = with_overrides(DEFAULT_LIMITS, ns.limit)
    except LimitError as exc:
        p.error(str(exc))
    try:
        password, source = admin_password(ns.admin_password, ns.admin_password_file, os.environ.get(PASSWORD_ENV))
    except PasswordSourceError as exc:
        p.error(str(exc))
    return Settings(
        state_dir=ns.state_dir or default_state_dir(),
        host=ns.host,
        netconf_port=ns.netconf_port,
        ssh_port=ns.ssh_port,
        admin_user=ns.admin_user,
        admin_password=password,
        admin_password_source=source,
        recover_admin=ns.recover_admin,
        netconf_extensions=ns.netconf_extensions,
        persist_running=ns.persist_running,
        log_level=ns.log_level,
        sftp=ns.sftp,
        flash_size_mb=ns.flash_size,
        limits=limits,
    )


class Device:
    """One simulated router: its schema handle, datastores, keys and listeners (no process-global state)."""

    def __init__(self, settings: Settings, schema: Schema, limits: Limits = DEFAULT_LIMITS) -> None:
        self.settings = settings
        self.limits = limits
        state = settings.state_dir
        state.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(state, 0o700)
        self.keys = KeyStore(state / "keys")
        self.stores = Stores(
            schema,
            limits,
            StorePaths(state / "startup-config.xml", state / "running-config.xml", settings.persist_running),
        )
        self.stores.normalize_with(hash_clear_secrets)
        self.stores.subscribe(PrintableCheck(schema))  # values IOS text cannot carry are refused (config injection)
        self.registry = Registry()
        register_base(self.registry, extensions=settings.netconf_extensions)
        flash_bytes = settings.flash_size_mb * 1024 * 1024 if settings.flash_size_mb else limits.max_flash_bytes
        flash = Flash(state / "flash", flash_bytes)
        flash.clean_partials()  # temporary files of transfers a crash interrupted
        rpcs.register(self.registry, flash)
        crypto_rpc.register(self.registry, self.keys)
        self.notifications = NotificationBus(limits)  # RFC 5277 NETCONF stream, RFC 6470 events
        subscription.register(self.registry, self.notifications)
        self.stores.listen(self.notifications.on_commit)
        self.stores.confirm.listeners.append(datastore_ops.confirm_notifier(self.notifications))
        schema_ops.register(self.registry, schema)  # get-schema; yang-library 1.0/1.1 in the hello
        self.services = NetconfServices(schema, self.stores, limits, self.registry, settings.netconf_extensions)
        monitoring.install(self.services, schema_url=schema_url)  # netconf-state, modules-state, yang-library
        self.netconf: NetconfServer | None = None
        self.netconf_port = 0
        self.generated_password: str | None = None
        self.first_start = False  # set by load() when it wrote the bootstrap configuration
        self.sessions = SessionRegistry()
        self.aaa = NetworkAaa()  # TACACS+ / RADIUS clients and counters, shared by NETCONF and device SSH logins
        self.log = LogBuffer()
        self.ssh = SshService(
            self.keys,
            self.stores,
            self.sessions,
            settings.host,
            settings.ssh_port,
            self._run_cli,
            limits=limits,  # per-source / per-user / idle admission bounds, shared with the NETCONF port
            files=DeviceFiles(flash, self.stores, session_ids=self.services.sessions.allocate),
            sftp=settings.sftp,
            network=self.aaa,
        )
        self.cli = CliDevice(
            self.stores, self.keys, self.sessions, self.ssh, self.log, session_ids=self.services.sessions.allocate
        )
        self.ssh.debug = self.cli.debug  # `debug ip ssh` in any CLI session turns on the service's debug lines
        self.reconciler = Reconciler(self.ssh)
        self.traps = TrapSender(agent_address=settings.host)
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

    async def _run_cli(self, process: asyncssh.SSHServerProcess[str], info: SessionInfo, service: SshService) -> None:
        """The IOS shell on an authenticated device SSH session."""
        await run_cli(process, info, service, device=self.cli)

    def _keys_changed(self, event: KeyEvent) -> None:
        """A generated or zeroized key may turn the SSH server on or off (``%SSH-5-ENABLED/DISABLED``)."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return  # before the loop runs (bootstrap): start() syncs the SSH server anyway
        self.ssh.sync_soon()

    def _send_tty_traps(self, info: SessionInfo) -> None:
        """``snmp-server enable traps tty``: one trap per host when a device SSH session ends."""
        targets = tty_trap_targets(self.stores.running)
        if not targets:
            return
        end = SessionEnd(
            username=info.user,
            peer_address=info.peer or "0.0.0.0",
            peer_port=info.peer_port,
            local_address=info.local_address or self.settings.host,
            local_port=info.local_port,
            line=info.line or "vty 0",
            bytes_in=info.bytes_in,
            bytes_out=info.bytes_out,
            elapsed_s=max(0.0, time.time() - info.started),
        )
        self.traps.debug = "snmp" in self.cli.debug  # `debug snmp packet`
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

        def bootstrap() -> object:
            self.first_start = True
            user = self.settings.admin_user or "admin"
            password = self.settings.admin_password
            if not password:
                password = self.generated_password = random_password()
            self.keys.load_or_generate(BOOTSTRAP_KEY_LABEL)
            return bootstrap_config(user, password)

        self.stores.load(bootstrap)  # type: ignore[arg-type]

    async def start(self) -> None:
        """Start the device SSH server (if a host key exists) and the NETCONF listener."""
        self.stores.subscribe(self.reconciler)
        await self.ssh.apply(derive_policy(self.stores.running))
        host_key = self._netconf_host_key()
        login = QuietLogin(Login(self.stores, self.aaa), self.ssh.quiet, lambda: self.netconf_port)  # login block-for
        self.netconf = NetconfServer(self.services, login, [host_key])
        self.netconf_port = await self.netconf.start(self.settings.host, self.settings.netconf_port)

    def _netconf_host_key(self) -> asyncssh.SSHKey:
        """NETCONF has its own host key file, so zeroizing device RSA keys never locks automation out."""
        path = self.settings.state_dir / "netconf-hostkey.pem"
        if path.exists():
            return asyncssh.read_private_key(path)
        key = asyncssh.generate_private_key("ssh-rsa", key_size=2048)
        atomic_write(path, key.export_private_key("pkcs8-pem"), mode=0o600)
        return key

    async def stop(self) -> None:
        """Stop every listener."""
        if self.netconf is not None:
            await self.netconf.stop()
        await self.ssh.stop()
        await self.traps.aclose()


async def serve(settings: Settings) -> None:
    """Run one device until SIGINT/SIGTERM."""
    schema = compiled_schema(settings)
    device = Device(settings, schema, settings.limits)
    device.load()
    await device.start()
    ssh = f"SSH on {settings.host}:{device.ssh.port}" if device.ssh.enabled else "SSH disabled (no RSA key)"
    print(f"iosxe-agent: {ssh}", flush=True)
    report = startup_report(
        netconf_access(device.stores.running),
        first_start=device.first_start,
        user=settings.admin_user or "admin",
        generated=device.generated_password,
        source=settings.admin_password_source,
    )
    for line in report:
        print(f"iosxe-agent: {line}", flush=True)
    print(
        f"iosxe-agent: NETCONF on {settings.host}:{device.netconf_port}; state in {settings.state_dir}",
        flush=True,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await device.stop()


def recover(settings: Settings) -> int:
    """``--recover-admin [USER]``: reset one privilege-15 user in the stored configuration, print what changed.

    The password comes from ``--admin-password-file`` / the environment / ``--admin-password``, else a prompt
    on a terminal, else a random one printed once. Refused while an agent runs on the state directory.
    """
    user = settings.recover_admin or settings.admin_user or "admin"
    state = settings.state_dir
    if not state.is_dir():
        print(f"iosxe-agent: no state directory {state}: a first start creates the admin user", file=sys.stderr)
        return 1
    password, generated = settings.admin_password, False
    if password is None and sys.stdin.isatty():
        password = getpass.getpass(f"New password for {user}: ")
        if password != getpass.getpass("Re-enter the password: ") or not password:
            print("iosxe-agent: the passwords differ or are empty; nothing changed", file=sys.stderr)
            return 1
    if password is None:
        password, generated = random_password(), True
    schema = compiled_schema(settings)
    try:
        with StateLock(state):
            recovered = recover_admin(state, schema, settings.limits, user, password)
    except (StateBusy, RecoveryError) as exc:
        print(f"iosxe-agent: --recover-admin: {exc}; nothing changed", file=sys.stderr)
        return 1
    for done in recovered:
        print(f"iosxe-agent: recovered {done.path}:", flush=True)
        for change in done.changes:
            print(f"iosxe-agent:   {change}", flush=True)
    if generated:
        print(f"iosxe-agent: user {user!r}, new password {password!r} (shown once; stored only as a type-9 hash)")
    else:
        source = settings.admin_password_source or "the prompt"
        print(f"iosxe-agent: user {user!r} logs in with the password from {source}")
    print("iosxe-agent: start the agent again to use it", flush=True)
    return 0


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    settings = parse_args(argv)
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("asyncssh").setLevel(logging.WARNING)
    if settings.recover_admin is not None:
        sys.exit(recover(settings))
    settings.state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        with StateLock(settings.state_dir), contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve(settings))
    except StateBusy as exc:
        sys.exit(f"iosxe-agent: {exc}")


if __name__ == "__main__":
    main()
