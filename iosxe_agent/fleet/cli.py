"""``iosxe-agent fleet …``: many routers from one command, in one process or ``--workers K`` forked ones.

The order of things is the contract's promise that a fleet either runs whole or fails in one line, having
written nothing: parse and check the plan (names, state directories, addresses and ports), make room for the
descriptors, bind every port, compile the schema once, and only then load (first starts write their bootstrap
or seed and keys) and start the devices. When all listen, the ready file gets :class:`Ready` (atomically) and
stdout ``iosxe-agent: ready: <json>``; ``--write-inventory DIR`` writes the inventories of
:mod:`iosxe_agent.fleet.inventory`. The admin password is one credential for the whole fleet, from
``--admin-password-file`` or ``IOSXE_AGENT_ADMIN_PASSWORD`` (random and printed once if neither is given and a
device starts for the first time); it is never taken on the command line.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import resource
import signal
import socket
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from iosxe_agent.admin_password import PASSWORD_ENV, USER_ENV, PasswordSourceError, admin_password
from iosxe_agent.device.bootstrap import random_password
from iosxe_agent.device.egress import EgressPolicy, EgressSyntaxError
from iosxe_agent.fleet.endpoints import Ready, ReadyFile
from iosxe_agent.fleet.plan import (
    GNMI_PORT,
    GNMI_SECURE_PORT,
    RESTCONF_PORT,
    Addressing,
    DeviceSpec,
    PlanError,
    from_inventory,
    numbered,
    ordinal_offset,
    shards,
)
from iosxe_agent.fleet.runner import FleetRunner, FleetStartError, Started, bind_all, shared_options
from iosxe_agent.fleet.workers import Shard, fork_workers, serve, supervise
from iosxe_agent.limits import DEFAULT_LIMITS, LimitError, Limits, with_overrides
from iosxe_agent.listeners import DevicePorts
from iosxe_agent.main import add_shared_options, configure_logging
from iosxe_agent.serve import compiled_schema
from iosxe_agent.settings import default_state_dir
from iosxe_agent.yang.schema import Schema

#: an inventory is a list of devices, not a data set: anything larger is a mistake
MAX_INVENTORY_BYTES = 16 * 1024 * 1024
#: descriptors per device: up to five listening sockets (SSH, NETCONF, RESTCONF, gNMI, gNMI TLS) and the state
#: directory's lock
FDS_PER_DEVICE = 6
#: descriptors besides the devices': standard streams, pipes, key and configuration files being read, clients
FDS_RESERVE = 256
#: the ``--<api>-port-base`` options and the port each API has on a device with an address of its own
_API_PORTS = (("restconf", RESTCONF_PORT), ("gnmi", GNMI_PORT), ("gnmi-secure", GNMI_SECURE_PORT))


@dataclass(frozen=True, slots=True)
class FleetSettings:
    """Everything the fleet's command line and environment decide."""

    specs: tuple[DeviceSpec, ...]
    admin_user: str
    admin_password: str | None
    admin_password_source: str | None
    workers: int
    limits: Limits
    egress: EgressPolicy
    ready_file: Path | None
    write_inventory: Path | None
    log_level: str


def parser() -> argparse.ArgumentParser:
    """The ``iosxe-agent fleet`` options (the contract of the fleet's command line)."""
    p = argparse.ArgumentParser(
        prog="iosxe-agent fleet",
        allow_abbrev=False,  # "--admin-password X" must not pass for --admin-password-file: no secret in argv
        description="Many Cisco IOS XE 17.12 devices (NETCONF, IOS CLI, SCP) in one process or a few forked ones.",
        epilog=f"environment variables: {PASSWORD_ENV} (the admin password), {USER_ENV} (the admin user),"
        " HOSTNAME (--ordinal-from-hostname)",
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--devices", type=int, metavar="N", help="number of devices (named PREFIX+index)")
    which.add_argument("--inventory", type=Path, metavar="FILE.yaml", help="devices from an inventory (see docs)")
    p.add_argument("--prefix", default="R", help="device name prefix (default: R)")
    p.add_argument("--first-index", type=int, default=1, metavar="I", help="number of the first device (default: 1)")
    p.add_argument(
        "--ordinal-from-hostname",
        action="store_true",
        help="add N times the trailing number of $HOSTNAME to the first index (StatefulSet pod k: k*N+1 ..)",
    )
    where = p.add_mutually_exclusive_group()
    where.add_argument("--address-base", metavar="ADDR", help="one address per device from ADDR, ports 22 and 830")
    where.add_argument(
        "--port-base", type=int, metavar="PORT", help="all on --host: SSH on PORT+2i, NETCONF on PORT+2i+1"
    )
    for api, standard in _API_PORTS:
        p.add_argument(
            f"--{api}-port-base",
            type=int,
            metavar="PORT",
            help=f"{api} port of device i: PORT+i (default: {standard} with --address-base, else any free port)",
        )
    p.add_argument("--host", default="127.0.0.1", help="listen address without --address-base (default: 127.0.0.1)")
    p.add_argument("--startup-config", type=Path, metavar="FILE", help="seed of every first start (IOS text or XML)")
    p.add_argument("--workers", type=int, default=1, metavar="K", help="processes serving the devices (default: 1)")
    p.add_argument(
        "--state-dir", type=Path, metavar="DIR", help=f"one directory per device in DIR (default: {fleet_root()})"
    )
    p.add_argument("--write-inventory", type=Path, metavar="DIR", help="write Ansible/Nornir/pyATS/CSV inventories")
    p.add_argument("--ready-file", type=Path, metavar="FILE", help="where the ready JSON line goes once all listen")
    p.add_argument("--admin-user", default=None, help=f"admin user of first starts (default: ${USER_ENV} or admin)")
    p.add_argument("--admin-password-file", type=Path, metavar="FILE", help=f"its password (or ${PASSWORD_ENV})")
    add_shared_options(p, added="the fleet's addresses")
    return p


def fleet_root() -> Path:
    """The default parent of the devices' state directories: the single agent's default plus ``/fleet``."""
    return default_state_dir() / "fleet"


def parse_args(argv: list[str], environ: dict[str, str] | None = None) -> FleetSettings:
    """FleetSettings from the command line and the environment; argparse's usage error for anything wrong."""
    env = dict(os.environ) if environ is None else environ
    p = parser()
    ns = p.parse_args(argv)
    try:
        limits = with_overrides(DEFAULT_LIMITS, ns.limit)
        password, source = admin_password(None, ns.admin_password_file, env.get(PASSWORD_ENV))
        specs, inventory_user = _plan(ns, env)
        egress = ns.egress.including(sorted({s.host for s in specs}))
    except (LimitError, PasswordSourceError, PlanError, EgressSyntaxError) as exc:
        p.error(str(exc))
    if ns.workers < 1:
        p.error(f"--workers {ns.workers}: at least one")
    return FleetSettings(
        specs=specs,
        admin_user=ns.admin_user or inventory_user or env.get(USER_ENV) or "admin",
        admin_password=password,
        admin_password_source=source,
        workers=ns.workers,
        limits=limits,
        egress=egress,
        ready_file=ns.ready_file,
        write_inventory=ns.write_inventory,
        log_level=ns.log_level,
    )


def _plan(ns: argparse.Namespace, env: dict[str, str]) -> tuple[tuple[DeviceSpec, ...], str | None]:
    """The devices the options describe, and the inventory's admin user."""
    root = ns.state_dir or fleet_root()
    if ns.inventory is not None:
        layout = (
            ("--address-base", ns.address_base is not None),
            ("--port-base", ns.port_base is not None),
            ("--ordinal-from-hostname", ns.ordinal_from_hostname),
            *(
                (f"--{api}-port-base", getattr(ns, f"{api.replace('-', '_')}_port_base") is not None)
                for api, _ in _API_PORTS
            ),
        )
        given = [flag for flag, present in layout if present]
        if given:
            raise PlanError(f"{', '.join(given)}: not with --inventory (its 'defaults:' lay the devices out)")
        document = yaml.safe_load(_read_bounded(ns.inventory))
        specs, user = from_inventory(document, ns.inventory.parent, root)
        if ns.startup_config is not None:  # a command-line seed for the devices the inventory gives none
            specs = tuple(s if s.startup_config else replace(s, startup_config=ns.startup_config) for s in specs)
        return specs, user
    first = ns.first_index
    if ns.ordinal_from_hostname:
        first += ordinal_offset(env.get("HOSTNAME") or socket.gethostname(), ns.devices)
    addressing = Addressing(
        host=ns.host,
        address_base=ns.address_base,
        port_base=ns.port_base,
        restconf_port_base=ns.restconf_port_base,
        gnmi_port_base=ns.gnmi_port_base,
        gnmi_secure_port_base=ns.gnmi_secure_port_base,
    )
    return numbered(ns.devices, ns.prefix, first, root, addressing, ns.startup_config), None


def _read_bounded(path: Path) -> bytes:
    try:
        with path.open("rb") as f:
            data = f.read(MAX_INVENTORY_BYTES + 1)
    except OSError as exc:
        raise PlanError(f"cannot read the inventory {path}: {exc.strerror}") from None
    if len(data) > MAX_INVENTORY_BYTES:
        raise PlanError(f"the inventory {path} is larger than {MAX_INVENTORY_BYTES} bytes")
    return data


def make_room(devices: int) -> None:
    """Raise the soft RLIMIT_NOFILE to the hard limit; PlanError if ``devices`` still cannot fit."""
    needed = devices * FDS_PER_DEVICE + FDS_RESERVE
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and needed > hard:
        raise PlanError(f"{devices} devices need about {needed} open files; the hard limit is {hard} (ulimit -Hn)")
    if soft != resource.RLIM_INFINITY and soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


class Announcer:
    """What happens once every device listens: the ready file, the inventories, the console lines.

    A failure here (an inventory directory that cannot be written) stops the fleet as a signal would, and the
    exit code says it failed: a tool waiting for the files must not wait forever on a fleet that cannot make them.
    """

    def __init__(self, settings: FleetSettings, generated_password: str | None, ready_file: ReadyFile) -> None:
        self.settings = settings
        self.ready_file = ready_file
        self.generated_password = generated_password
        self.failed = False

    def __call__(self, started: Started) -> None:
        s = self.settings
        ready = Ready(started.endpoints, s.admin_user, os.getpid())
        try:
            if s.write_inventory is not None:
                from iosxe_agent.fleet.inventory import write_inventories  # the renderers only when asked for

                write_inventories(s.write_inventory, ready, PASSWORD_ENV)
            line = self.ready_file.publish(ready)
        except (OSError, ValueError) as exc:
            print(f"iosxe-agent: cannot write the fleet's files: {exc}", file=sys.stderr, flush=True)
            self.failed = True
            os.kill(os.getpid(), signal.SIGTERM)
            return
        for text in self.login_lines(started.first_starts):
            print(f"iosxe-agent: {text}", flush=True)
        print(f"iosxe-agent: {len(started.endpoints)} devices listening ({s.workers} worker(s))", flush=True)
        print(f"iosxe-agent: ready: {line}", flush=True)

    def login_lines(self, first_starts: int) -> list[str]:
        """How the admin logs in (the generated password only when a device was created with it)."""
        user = self.settings.admin_user
        if self.generated_password is not None:
            if not first_starts:
                return [f"user {user!r} logs in with the password of the devices' first start"]
            return [
                f"user {user!r}, password {self.generated_password!r} on the {first_starts} device(s) started for"
                f" the first time (shown once; stored only as a type-9 hash; set {PASSWORD_ENV} to choose it)"
            ]
        return [f"user {user!r} logs in with the password from {self.settings.admin_password_source}"]


def run(settings: FleetSettings, schema: Schema, ports: tuple[DevicePorts, ...], ready_file: ReadyFile) -> int:
    """Serve the fleet on ``ports`` (every device's, listening) until SIGTERM/SIGINT; the exit code."""
    password = settings.admin_password or random_password()
    generated = None if settings.admin_password else password
    template = shared_options(settings.admin_user, password, egress=settings.egress)
    announce = Announcer(settings, generated, ready_file)

    def runner_for(specs: tuple[DeviceSpec, ...]) -> Callable[[Sequence[DevicePorts]], FleetRunner]:
        return lambda ports: FleetRunner(specs, schema, settings.limits, template, ports)

    slices = shards(settings.specs, settings.workers)
    if len(slices) == 1:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve(runner_for(settings.specs)(ports), announce))
        return 1 if announce.failed else 0
    parts, start = [], 0
    for specs in slices:
        parts.append(Shard(runner_for(specs), ports[start : start + len(specs)]))
        start += len(specs)
    workers, lifeline = fork_workers(parts)
    try:
        code = asyncio.run(supervise(workers, announce))
    finally:
        os.close(lifeline)
    return 1 if announce.failed else code


def main(argv: list[str]) -> int:
    """``iosxe-agent fleet …``; the process's exit code."""
    settings = parse_args(argv)
    configure_logging(settings.log_level)
    try:
        make_room(len(settings.specs))
        ports = bind_all(settings.specs)  # a busy port is one line before anything is compiled or written
    except (PlanError, FleetStartError) as exc:
        print(f"iosxe-agent: {exc}", file=sys.stderr)
        return 1
    try:
        with ReadyFile(settings.ready_file) as ready_file:
            return run(settings, compiled_schema(), ports, ready_file)
    except FleetStartError as exc:
        print(f"iosxe-agent: {exc}", file=sys.stderr, flush=True)
        return 1
    finally:
        for pair in ports:
            pair.close()  # those the devices did not take (closing a socket twice is harmless)
