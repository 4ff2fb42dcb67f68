"""Routers inside a user's own program: ``async with iosxe_agent.Device() as dev`` and ``iosxe_agent.Fleet``.

Why an API beside the command line: a user's CI (their pytest suite, a NAPALM driver's tests, a Nornir task)
wants routers that start in a fraction of a second on ports nobody else holds and leave nothing behind, without a
child process to spawn, parse and reap. A :class:`Device` is one :class:`iosxe_agent.router.Device` started in
the running event loop on 127.0.0.1 with kernel-chosen ports (port 0, so parallel jobs never collide) and a
temporary state directory; a :class:`Fleet` is several of them. Both start through the fleet's own
:class:`~iosxe_agent.fleet.runner.FleetRunner` (bounded concurrent start, keys generated on every core, each
state directory locked), and every device of the process shares one compiled YANG schema: it costs ~0.4 s and
~77 MB to build and is read-only, so it is built once.

Both are async context managers: leaving the ``async with`` block stops the listeners (closing every session)
and removes the temporary state directory. Clients run wherever the user likes; a blocking client (ncclient,
netmiko) must not run on the loop that serves the device, so call it through ``asyncio.to_thread`` or use the
pytest plugin (:mod:`iosxe_agent.pytest_plugin`), which serves devices from a loop of their own.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Self

from iosxe_agent.device.bootstrap import random_password
from iosxe_agent.fleet.endpoints import Endpoint
from iosxe_agent.fleet.plan import DeviceSpec
from iosxe_agent.fleet.runner import FleetRunner, shared_options
from iosxe_agent.limits import DEFAULT_LIMITS, Limits
from iosxe_agent.router import Device as Router
from iosxe_agent.router import DeviceOptions
from iosxe_agent.serve import compiled_schema
from iosxe_agent.yang.schema import Schema

DEFAULT_ADMIN_USER = "admin"

#: a seed: a file (Path), or the configuration text itself (str: IOS text as ``show running-config`` prints it,
#: or an XML ``<config>``)
Seed = Path | str | None


_SCHEMA_LOCK = threading.Lock()


def shared_schema() -> Schema:
    """The compiled schema every in-process device shares: built once, by the first caller (others wait)."""
    with _SCHEMA_LOCK:
        return _compiled_schema()


@functools.cache
def _compiled_schema() -> Schema:
    return compiled_schema()  # the devices of the API offer what IOS XE offers (no --netconf-extensions)


class Device:
    """One router, started by ``async with`` in the running loop and stopped (state removed) when it ends.

    ``hostname`` is its hostname on a first start and the name on its operator-log lines. The admin user gets
    ``admin_password`` (a random one when None: read it back from :attr:`password`). ``startup_config`` seeds a
    first start instead of the bootstrap configuration (see :data:`Seed`; the admin user and the hostname are
    ensured in it). A given ``state_dir`` is kept after exit, and a later ``Device`` on it restarts the same
    router (seed and password then change nothing); without one, a temporary directory is used and removed.
    """

    def __init__(
        self,
        hostname: str = "R1",
        *,
        admin_user: str = DEFAULT_ADMIN_USER,
        admin_password: str | None = None,
        startup_config: Seed = None,
        state_dir: Path | str | None = None,
        host: str = "127.0.0.1",
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        self.hostname = hostname
        self.username = admin_user
        self.password = admin_password or random_password()
        self.host = host
        self._startup_config = startup_config
        self._state_dir = Path(state_dir) if state_dir is not None else None
        self._limits = limits
        self._router: Router | None = None
        self._stack: contextlib.AsyncExitStack | None = None  # what this Device started itself (not a fleet's)

    @property
    def endpoint(self) -> Endpoint:
        """Where the running device answers: the record ready files and inventories use."""
        router = self._running()
        return Endpoint(self.hostname, self.host, router.ssh.port, router.netconf_port, router.state_dir)

    @property
    def ssh_port(self) -> int:
        """The device SSH port: the IOS CLI (netmiko ``cisco_xe``, scrapli), exec commands, ``scp -O``."""
        return self._running().ssh.port

    @property
    def netconf_port(self) -> int:
        """NETCONF over SSH (ncclient with ``device_params={"name": "iosxe"}``)."""
        return self._running().netconf_port

    @property
    def state_dir(self) -> Path:
        return self._running().state_dir

    def _running(self) -> Router:
        if self._router is None:
            raise RuntimeError(f"device {self.hostname} is not running: use it inside 'async with'")
        return self._router

    async def __aenter__(self) -> Self:
        if self._router is not None:
            raise RuntimeError(f"device {self.hostname} is already running")
        async with contextlib.AsyncExitStack() as stack:  # undone at once if the start fails
            state_dir = self._state_dir or _temporary(stack, f"iosxe-agent-{self.hostname}-")
            options = shared_options(self.username, self.password, host=self.host)
            [self._router] = await _serve(
                stack, [self.hostname], lambda _: state_dir, self._startup_config, options, self._limits
            )
            self._stack = stack.pop_all()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        stack, self._stack, self._router = self._stack, None, None
        if stack is not None:
            await stack.aclose()


class Fleet:
    """``count`` routers named ``prefix`` + index (R1, R2 …), one admin credential, one shared schema.

    ``fleet["R2"]`` is a running :class:`Device` (owned by the fleet: it stops with it); ``fleet.endpoints``
    lists where each answers, in index order. Each device has its own state directory ``<state_dir>/<name>``
    (kept when ``state_dir`` is given, else under one temporary directory removed on exit) and its own ports.
    """

    def __init__(
        self,
        count: int,
        prefix: str = "R",
        *,
        first_index: int = 1,
        admin_user: str = DEFAULT_ADMIN_USER,
        admin_password: str | None = None,
        startup_config: Seed = None,
        state_dir: Path | str | None = None,
        host: str = "127.0.0.1",
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        if count < 1:
            raise ValueError(f"a fleet has at least one device, not {count}")
        self.username = admin_user
        self.password = admin_password or random_password()
        self.host = host
        self.names = tuple(f"{prefix}{first_index + i}" for i in range(count))
        self._startup_config = startup_config
        self._state_dir = Path(state_dir) if state_dir is not None else None
        self._limits = limits
        self._devices: dict[str, Device] = {}
        self._stack: contextlib.AsyncExitStack | None = None

    @property
    def endpoints(self) -> tuple[Endpoint, ...]:
        return tuple(device.endpoint for device in self)

    def __getitem__(self, name: str) -> Device:
        if self._stack is None:
            raise RuntimeError("the fleet is not running: use it inside 'async with'")
        return self._devices[name]

    def __iter__(self) -> Iterator[Device]:
        return (self[name] for name in self.names)

    def __len__(self) -> int:
        return len(self.names)

    async def __aenter__(self) -> Self:
        if self._stack is not None:
            raise RuntimeError("the fleet is already running")
        async with contextlib.AsyncExitStack() as stack:  # undone at once if a device fails to start
            root = self._state_dir or _temporary(stack, "iosxe-agent-fleet-")
            options = shared_options(self.username, self.password, host=self.host)
            routers = await _serve(stack, self.names, root.joinpath, self._startup_config, options, self._limits)
            self._stack = stack.pop_all()
        self._devices = {name: self._member(name, router) for name, router in zip(self.names, routers, strict=True)}
        return self

    def _member(self, name: str, router: Router) -> Device:
        device = Device(name, admin_user=self.username, admin_password=self.password, host=self.host)
        device._router = router
        return device

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        stack, self._stack = self._stack, None
        for device in self._devices.values():
            device._router = None
        self._devices = {}
        if stack is not None:
            await stack.aclose()


def _temporary(stack: contextlib.AsyncExitStack, prefix: str) -> Path:
    """A private temporary directory, removed when ``stack`` closes (after the devices in it stopped)."""
    return Path(stack.enter_context(tempfile.TemporaryDirectory(prefix=prefix)))


async def _serve(
    stack: contextlib.AsyncExitStack,
    names: Sequence[str],
    state_dir: Callable[[str], Path],
    seed: Seed,
    template: DeviceOptions,
    limits: Limits,
) -> list[Router]:
    """Start the devices ``names`` (kernel-chosen ports) with one FleetRunner; ``stack`` stops them."""
    with _seed_file(seed) as seed_path:
        specs = [DeviceSpec(name, template.host, 0, 0, state_dir(name), seed_path) for name in names]
        schema = await asyncio.to_thread(shared_schema)  # the first build takes ~0.4 s: not on the user's loop
        runner = FleetRunner(specs, schema, limits, template)
        await runner.start()  # on failure it has stopped what it started
    stack.push_async_callback(runner.stop)
    return list(runner.devices)


@contextlib.contextmanager
def _seed_file(seed: Seed) -> Iterator[Path | None]:
    """The seed as the file ``DeviceOptions.startup_config`` takes: a path as is, text in a temporary file that
    lives while the devices load (a first start reads it once; later starts ignore it)."""
    if seed is None or isinstance(seed, Path):
        yield seed
        return
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", prefix="iosxe-agent-seed-", suffix=".cfg") as file:
        file.write(seed)
        file.flush()
        yield Path(file.name)
