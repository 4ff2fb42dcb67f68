"""Serving one device from the command line: the schema, the device's options, the ready record, recovery.

Why apart from :mod:`iosxe_agent.main`: it imports every layer (the router, the schema compiler), which takes a
second or more; ``main`` imports it only once the command line asks to serve, so ``--help`` and ``--version``
answer at once. The order of :func:`run` is what a first run promises: listen on both ports (a busy one is a
one-line error while the state directory is still untouched), then lock, load (a first start writes its
configuration and keys) and start on those very sockets, and only then announce the ports (``ready:`` line,
``--ready-file``).
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import os
import signal
import sys
from pathlib import Path

from iosxe_agent.device.access import netconf_access, startup_report
from iosxe_agent.device.bootstrap import random_password
from iosxe_agent.device.names import HIDDEN_MODULES, MODULES, enabled_features
from iosxe_agent.device.recovery import RecoveryError, recover_admin
from iosxe_agent.device.seed import SeedError
from iosxe_agent.device.state_lock import StateBusy, StateLock
from iosxe_agent.fleet.endpoints import Endpoint, Ready, ReadyFile
from iosxe_agent.listeners import DevicePorts, ListenError, listen_device_ports
from iosxe_agent.router import Device, DeviceOptions
from iosxe_agent.settings import MIB, Settings, default_cache_dir
from iosxe_agent.yang.schema import Schema
from iosxe_agent.yang.schema_cache import cached_schema
from iosxe_agent.yang.search_path import default_search_path


def yang_dir() -> Path:
    """Our YANG modules: beside the package in a checkout, under ``share/`` when installed from a wheel."""
    for candidate in (
        Path(__file__).resolve().parent.parent / "yang",
        Path(sys.prefix) / "share" / "iosxe-agent" / "yang",
    ):
        if (candidate / "Cisco-IOS-XE-native.yang").exists():
            return candidate
    raise SystemExit("iosxe-agent: cannot find the YANG modules (yang/)")


def compiled_schema(netconf_extensions: bool = False, *, cache: bool = True) -> Schema:
    """The device's YANG schema, with the features ``--netconf-extensions`` enables (serving, recovery, a fleet and
    the API all need it; compiling it costs ~1 s, so a process builds it once and shares it, and ``cache`` keeps the
    compiled schema in the user's cache directory for the next start: :mod:`iosxe_agent.yang.schema_cache`). The
    device-private module is compiled with the others and hidden from NETCONF."""
    search = default_search_path(yang_dir())
    features = enabled_features(netconf_extensions)

    def compile_schema() -> Schema:
        from iosxe_agent.yang.loader import load_schema  # pyang is imported only when the cache cannot serve

        return load_schema(search, MODULES, features, hidden_modules=HIDDEN_MODULES)

    return cached_schema(
        default_cache_dir() if cache else None,
        compile_schema,
        search,
        MODULES,
        features,
        HIDDEN_MODULES,
    )


def device_options(settings: Settings) -> DeviceOptions:
    """The one device the command line describes."""
    return DeviceOptions(
        host=settings.host,
        netconf_port=settings.netconf_port,
        ssh_port=settings.ssh_port,
        restconf_port=settings.restconf_port,
        gnmi_port=settings.gnmi_port,
        gnmi_secure_port=settings.gnmi_secure_port,
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
        restconf_port=device.restconf.port,  # where RESTCONF answers while `restconf` is configured
    )
    return Ready(endpoints=(endpoint,), admin_user=settings.admin_user or "admin", pid=os.getpid())


async def serve(settings: Settings, ports: DevicePorts) -> None:
    """Run one device on ``ports`` (already listening) until SIGINT/SIGTERM.

    The ready file exists only while the device serves (:class:`~iosxe_agent.fleet.endpoints.ReadyFile`).
    """
    with ReadyFile(settings.ready_file) as ready_file:
        await _serve(settings, ports, ready_file)


async def _serve(settings: Settings, ports: DevicePorts, ready_file: ReadyFile) -> None:
    schema = compiled_schema(settings.netconf_extensions, cache=settings.schema_cache)
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
    print(f"iosxe-agent: ready: {ready_file.publish(ready_record(settings, device))}", flush=True)
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
    schema = compiled_schema(settings.netconf_extensions, cache=settings.schema_cache)
    try:
        with StateLock(state):
            recovered = asyncio.run(recover_admin(state, schema, settings.limits, user, password))
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


def run(settings: Settings) -> None:
    """Serve one device (or recover its admin user) as ``settings`` say; exits with a one-line error on failure."""
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
