"""Command line and lifetime of the agent: argv -> Settings -> one :class:`iosxe_agent.router.Device` -> serve until
signalled.

The order is what a first run promises: parse (``--help``/``--version`` end there, having touched nothing), listen
on both ports (a busy one is a one-line error while the state directory is still untouched), then lock, load (a
first start writes its configuration and keys) and start on those very sockets, and only then announce the ports
(``ready:`` line, ``--ready-file``).

This module and :mod:`iosxe_agent.router` (which wires one device) are the only ones that know every layer; each layer
below receives what it needs as arguments.
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
from dataclasses import dataclass
from pathlib import Path

import iosxe_agent
from iosxe_agent import oplog
from iosxe_agent.admin_password import PASSWORD_ENV, USER_ENV, PasswordSourceError, admin_password
from iosxe_agent.datastore.persist import atomic_write
from iosxe_agent.device.access import netconf_access, startup_report
from iosxe_agent.device.bootstrap import random_password
from iosxe_agent.device.egress import LOOPBACK, EgressPolicy, egress_argument
from iosxe_agent.device.logbuffer import CONSOLE_LOGGER
from iosxe_agent.device.names import MODULES, enabled_features
from iosxe_agent.device.recovery import RecoveryError, recover_admin
from iosxe_agent.device.seed import SeedError
from iosxe_agent.device.state_lock import StateBusy, StateLock
from iosxe_agent.fleet.endpoints import Endpoint, Ready
from iosxe_agent.limits import DEFAULT_LIMITS, LimitError, Limits, limit_names, with_overrides
from iosxe_agent.listeners import DevicePorts, ListenError, listen_device_ports
from iosxe_agent.router import Device, DeviceOptions
from iosxe_agent.yang.loader import default_search_path, load_schema
from iosxe_agent.yang.schema import Schema

MIB = 1024 * 1024


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
    #: ``--ready-file``: where the JSON line of :class:`~iosxe_agent.fleet.endpoints.Ready` goes once listening
    ready_file: Path | None = None
    #: ``--startup-config``: the seed of a first start instead of the bootstrap configuration
    startup_config: Path | None = None
    egress: EgressPolicy = LOOPBACK  # where the device's own clients may send (its --host is always added)


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


#: Every environment variable the agent reads, for ``--help`` (tests/e2e/test_first_run.py checks the list
#: against the source, so a new one cannot go undocumented).
ENVIRONMENT = (
    (USER_ENV, "the admin user of a first start, as --admin-user"),
    (PASSWORD_ENV, "its password, as --admin-password-file (keeps it out of ps)"),
    ("XDG_STATE_HOME", "the default state directory is $XDG_STATE_HOME/iosxe-agent"),
    ("HOME", "... or ~/.local/state/iosxe-agent when XDG_STATE_HOME is unset"),
    ("HOSTNAME", "iosxe-agent fleet --ordinal-from-hostname: the pod's ordinal"),
)


def environment_help() -> str:
    """The ``--help`` epilog: the environment variables, and where the fleet is."""
    width = max(len(name) for name, _ in ENVIRONMENT)
    lines = [f"  {name:<{width}}  {meaning}" for name, meaning in ENVIRONMENT]
    return "\n".join(
        [
            "environment variables:",
            *lines,
            "",
            "many devices in one process: iosxe-agent fleet --devices N ... (see iosxe-agent fleet --help)",
        ]
    )


def add_shared_options(p: argparse.ArgumentParser, *, added: str) -> None:
    """``--egress``, ``--log-level`` and ``--limit``: one device and a fleet take them alike (``added`` names the
    listening addresses the egress policy always allows)."""
    p.add_argument(
        "--egress",
        type=egress_argument,
        default=LOOPBACK,
        metavar="CIDR,...",
        help=f"where AAA requests, traps, ssh and copy scp: may go (default {LOOPBACK}; {added} added)",
    )
    p.add_argument(
        "--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"], help="(default: %(default)s)"
    )
    p.add_argument(
        "--limit",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override one bound of each device (repeatable), e.g. max_netconf_sessions=8; names: "
        + ", ".join(limit_names()),
    )


def parse_args(argv: list[str] | None = None) -> Settings:
    """Build Settings from the command line and ``IOSXE_AGENT_ADMIN_USER`` / ``IOSXE_AGENT_ADMIN_PASSWORD``."""
    p = argparse.ArgumentParser(
        prog="iosxe-agent",
        description="Cisco IOS XE 17.12 management plane (NETCONF, IOS CLI, SCP): one device.",
        epilog=environment_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {iosxe_agent.__version__}")
    p.add_argument(
        "--state-dir", type=Path, default=None, metavar="DIR", help=f"state directory (default: {default_state_dir()})"
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    p.add_argument(
        "--netconf-port", type=int, default=8830, help="NETCONF over SSH port (default: %(default)s; 0: any free port)"
    )
    p.add_argument(
        "--ssh-port", type=int, default=8022, help="device SSH port: CLI, SCP (default: %(default)s; 0: any free port)"
    )
    p.add_argument(
        "--ready-file",
        type=Path,
        default=None,
        metavar="FILE",
        help="once listening, write the device's address and ports there as one JSON line (also printed)",
    )
    p.add_argument(
        "--startup-config",
        type=Path,
        default=None,
        metavar="FILE",
        help="first start only: the startup configuration (IOS text or XML) instead of the bootstrap one",
    )
    p.add_argument(
        "--admin-user",
        default=os.environ.get(USER_ENV),
        help=f"the privilege-15 user of a first start (default: {os.environ.get(USER_ENV) or 'admin'})",
    )
    p.add_argument(
        "--admin-password",
        default=None,
        help=f"the admin password (visible in ps: prefer --admin-password-file or {PASSWORD_ENV})",
    )
    p.add_argument(
        "--admin-password-file",
        type=Path,
        default=None,
        metavar="FILE",
        help=f"read the admin password from FILE (default: ${PASSWORD_ENV}, else a random one printed once)",
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
    p.add_argument("--sftp", action="store_true", help="also serve SFTP (IOS XE has none: scp -O uses SCP)")
    p.add_argument(
        "--flash-size",
        type=int,
        default=None,
        metavar="MB",
        help=f"size of flash: (default: {DEFAULT_LIMITS.max_flash_bytes // MIB})",
    )
    add_shared_options(p, added="the --host")
    ns = p.parse_args(argv)
    if ns.ready_file is not None and not ns.ready_file.parent.is_dir():
        p.error(f"--ready-file: no directory {ns.ready_file.parent}")
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
        egress=ns.egress,
        limits=limits,
        ready_file=ns.ready_file,
        startup_config=ns.startup_config,
    )


def device_options(settings: Settings) -> DeviceOptions:
    """The one device the command line describes."""
    return DeviceOptions(
        host=settings.host,
        netconf_port=settings.netconf_port,
        ssh_port=settings.ssh_port,
        netconf_extensions=settings.netconf_extensions,
        persist_running=settings.persist_running,
        sftp=settings.sftp,
        flash_bytes=settings.flash_size_mb * MIB if settings.flash_size_mb else None,
        egress=settings.egress,
        admin_user=settings.admin_user,
        admin_password=settings.admin_password,
        startup_config=settings.startup_config,
    )


def ready_record(settings: Settings, device: Device) -> Ready:
    """What ``--ready-file`` and the ``ready:`` line announce: where the listening device answers (no secret)."""
    endpoint = Endpoint(
        name=device.name(),
        host=settings.host,
        ssh_port=device.ssh.port,
        netconf_port=device.netconf_port,
        state_dir=settings.state_dir.absolute(),
    )
    return Ready(endpoints=(endpoint,), admin_user=settings.admin_user or "admin", pid=os.getpid())


async def serve(settings: Settings, ports: DevicePorts) -> None:
    """Run one device on ``ports`` (already listening) until SIGINT/SIGTERM.

    The ready file exists only while the device serves: one left by a killed run is removed first, so a tool
    waiting for it never reads the ports of a process that is gone.
    """
    if settings.ready_file is not None:
        settings.ready_file.unlink(missing_ok=True)
    schema = compiled_schema(settings)
    device = Device(settings.state_dir, schema, settings.limits, device_options(settings))
    device.load()
    await device.start(ports)
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
    ready = ready_record(settings, device).dumps()
    if settings.ready_file is not None:
        atomic_write(settings.ready_file, f"{ready}\n".encode(), mode=0o644)
    print(f"iosxe-agent: ready: {ready}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await device.stop()
    if settings.ready_file is not None:
        settings.ready_file.unlink(missing_ok=True)


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


def configure_logging(level: str) -> None:
    """The operator console (one device or a fleet): lines name their device, IOS messages always print."""
    logging.basicConfig(level=level)
    for handler in logging.getLogger().handlers:
        oplog.install(handler)  # each line names the device it is about
    logging.getLogger("asyncssh").setLevel(logging.WARNING)
    logging.getLogger(CONSOLE_LOGGER).setLevel(logging.DEBUG)  # IOS messages print like a console, at any level


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point (``iosxe-agent fleet …`` is the fleet's own command line)."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["fleet"]:
        from iosxe_agent.fleet import cli as fleet_cli  # imported only for a fleet: it imports this module

        sys.exit(fleet_cli.main(args[1:]))
    settings = parse_args(args)
    configure_logging(settings.log_level)
    if settings.recover_admin is not None:
        sys.exit(recover(settings))
    try:  # before anything is written: a busy port must not leave a bootstrap configuration, keys or a password
        ports = listen_device_ports(settings.host, settings.ssh_port, settings.netconf_port)
    except ListenError as exc:
        sys.exit(f"iosxe-agent: {exc}")
    try:
        settings.state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        with StateLock(settings.state_dir), contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve(settings, ports))
    except (StateBusy, SeedError) as exc:
        sys.exit(f"iosxe-agent: {exc}")
    finally:
        ports.close()


if __name__ == "__main__":
    main()
