"""The command line: argv -> :class:`~iosxe_agent.settings.Settings` -> :func:`iosxe_agent.serve.run` (one device),
or ``iosxe-agent fleet …`` -> :mod:`iosxe_agent.fleet.cli`.

Parsing imports only what the options need, so ``--help``, ``--version`` and a usage error end at once, having
touched nothing; :mod:`iosxe_agent.serve` (which, with :mod:`iosxe_agent.router`, knows every layer) is imported
once the command line asks to serve.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

import iosxe_agent
from iosxe_agent import oplog
from iosxe_agent.admin_password import PASSWORD_ENV, USER_ENV, PasswordSourceError, admin_password
from iosxe_agent.device.egress import LOOPBACK, egress_argument
from iosxe_agent.device.logbuffer import CONSOLE_LOGGER
from iosxe_agent.limits import DEFAULT_LIMITS, LimitError, limit_names, with_overrides
from iosxe_agent.settings import MIB, Settings, default_state_dir

#: Every environment variable the agent reads, for ``--help`` (tests/e2e/test_first_run.py checks the list
#: against the source, so a new one cannot go undocumented).
ENVIRONMENT = (
    (USER_ENV, "the admin user of a first start, as --admin-user"),
    (PASSWORD_ENV, "its password, as --admin-password-file (keeps it out of ps)"),
    ("XDG_STATE_HOME", "the default state directory is $XDG_STATE_HOME/iosxe-agent"),
    ("HOME", "... or ~/.local/state/iosxe-agent when XDG_STATE_HOME is unset"),
    ("XDG_CACHE_HOME", "the compiled YANG schema is kept in $XDG_CACHE_HOME/iosxe-agent (default ~/.cache)"),
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
        "--restconf-port",
        type=int,
        default=8443,
        help="RESTCONF HTTPS port, open while `restconf` and `ip http secure-server` are configured "
        "(default: %(default)s; 0: any free port)",
    )
    p.add_argument(
        "--gnmi-port",
        type=int,
        default=None,
        help="gNMI port instead of `gnmi-yang port` (default: the configured one, 50052; 0: any free port)",
    )
    p.add_argument(
        "--gnmi-secure-port",
        type=int,
        default=None,
        help="gNMI TLS port instead of `gnmi-yang secure-port` (default: the configured one, 9339; 0: any free port)",
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
    p.add_argument(
        "--no-schema-cache",
        action="store_true",
        help="compile the YANG modules at every start instead of reusing the compiled schema in the user's cache",
    )
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
        restconf_port=ns.restconf_port,
        gnmi_port=ns.gnmi_port,
        gnmi_secure_port=ns.gnmi_secure_port,
        admin_user=ns.admin_user,
        admin_password=password,
        admin_password_source=source,
        recover_admin=ns.recover_admin,
        netconf_extensions=ns.netconf_extensions,
        persist_running=ns.persist_running,
        schema_cache=not ns.no_schema_cache,
        log_level=ns.log_level,
        sftp=ns.sftp,
        flash_size_mb=ns.flash_size,
        egress=ns.egress,
        limits=limits,
        ready_file=ns.ready_file,
        startup_config=ns.startup_config,
    )


def configure_logging(level: str) -> None:
    """The operator console (one device or a fleet): lines name their device, IOS messages always print."""
    logging.basicConfig(level=level)
    for handler in logging.getLogger().handlers:
        oplog.install(handler)  # each line names the device it is about
    logging.getLogger("asyncssh").setLevel(logging.WARNING)
    logging.getLogger(CONSOLE_LOGGER).setLevel(logging.DEBUG)  # IOS messages print like a console, at any level


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point (``iosxe-agent fleet …`` is the fleet's own command line).

    The serving code is imported only here, after parsing: ``--help``, ``--version`` and a usage error must not
    wait a second for every layer to import."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["fleet"]:
        from iosxe_agent.fleet import cli as fleet_cli  # imported only for a fleet: it imports this module

        sys.exit(fleet_cli.main(args[1:]))
    settings = parse_args(args)
    configure_logging(settings.log_level)
    from iosxe_agent.serve import run

    run(settings)


if __name__ == "__main__":
    main()
