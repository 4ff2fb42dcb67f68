"""Command line and lifetime of the agent: argv -> Settings -> one :class:`iosxe_agent.router.Device` -> serve until
signalled.

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

from iosxe_agent import oplog
from iosxe_agent.admin_password import PASSWORD_ENV, PasswordSourceError, admin_password
from iosxe_agent.device.access import netconf_access, startup_report
from iosxe_agent.device.bootstrap import random_password
from iosxe_agent.device.logbuffer import CONSOLE_LOGGER
from iosxe_agent.device.names import MODULES, enabled_features
from iosxe_agent.device.recovery import RecoveryError, recover_admin
from iosxe_agent.device.state_lock import StateBusy, StateLock
from iosxe_agent.limits import DEFAULT_LIMITS, LimitError, Limits, limit_names, with_overrides
from iosxe_agent.router import Device, DeviceOptions
from iosxe_agent.yang.loader import default_search_path, load_schema
from iosxe_agent.yang.schema import Schema


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


def device_options(settings: Settings) -> DeviceOptions:
    """The one device the command line describes."""
    return DeviceOptions(
        host=settings.host,
        netconf_port=settings.netconf_port,
        ssh_port=settings.ssh_port,
        netconf_extensions=settings.netconf_extensions,
        persist_running=settings.persist_running,
        sftp=settings.sftp,
        flash_bytes=settings.flash_size_mb * 1024 * 1024 if settings.flash_size_mb else None,
        admin_user=settings.admin_user,
        admin_password=settings.admin_password,
    )


async def serve(settings: Settings) -> None:
    """Run one device until SIGINT/SIGTERM."""
    schema = compiled_schema(settings)
    device = Device(settings.state_dir, schema, settings.limits, device_options(settings))
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
    logging.basicConfig(level=settings.log_level)
    for handler in logging.getLogger().handlers:
        oplog.install(handler)  # each line names the device it is about
    logging.getLogger("asyncssh").setLevel(logging.WARNING)
    logging.getLogger(CONSOLE_LOGGER).setLevel(logging.DEBUG)  # IOS messages print like a console, at any level
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
