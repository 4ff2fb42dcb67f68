"""Many devices in one event loop: build one :class:`iosxe_agent.router.Device` per spec, start them, stop them.

Why bounded concurrency: a device's start is mostly waiting on the event loop (binding two listeners, reading
keys), so devices start side by side, but a fleet of thousands started all at once would hold thousands of
half-built devices (and their files) at the same moment; ``concurrency`` devices are in flight at most.

Every port is bound before any device writes anything (:func:`bind_all`), so a busy port is one line naming the
device, never a half-made fleet; a forking fleet binds them all in the parent, before the workers exist.

Each device's state directory is locked (:class:`iosxe_agent.device.state_lock.StateLock`) for as long as the
fleet runs, as a single agent locks its own: two fleets (or a fleet and ``--recover-admin``) never write one
device's configuration at the same time.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from iosxe_agent.device.egress import LOOPBACK, EgressPolicy
from iosxe_agent.device.passwords import type9_hash
from iosxe_agent.device.state_lock import StateBusy, StateLock
from iosxe_agent.fleet.endpoints import Endpoint
from iosxe_agent.fleet.plan import DeviceSpec
from iosxe_agent.limits import Limits
from iosxe_agent.listeners import DevicePorts, ListenError, listen_device_ports
from iosxe_agent.router import Device, DeviceOptions
from iosxe_agent.yang.schema import Schema

#: devices loading or starting at the same time
DEFAULT_CONCURRENCY = 32


class FleetStartError(Exception):
    """A device could not start; the message is one line naming it. Devices already started were stopped."""


@dataclass(frozen=True, slots=True)
class Started:
    """What a started fleet (or one worker's share of it) reports: where each device listens, and how many
    devices were started for the first time (they got the first-start admin password)."""

    endpoints: tuple[Endpoint, ...]
    first_starts: int


class FleetRunner:
    """The devices of ``specs``, all in the calling event loop, sharing ``schema``.

    ``template`` holds what every device has in common (admin user and password of a first start, egress …);
    each spec adds its name, address, ports and seed. ``ports`` are the specs' sockets when already bound
    (:func:`bind_all`); without them :meth:`start` binds them first.
    """

    def __init__(
        self,
        specs: Sequence[DeviceSpec],
        schema: Schema,
        limits: Limits,
        template: DeviceOptions,
        ports: Sequence[DevicePorts] | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> None:
        self.specs = tuple(specs)
        self.ports = tuple(ports) if ports is not None else None
        self.schema = schema
        self.limits = limits
        self.template = template
        self.concurrency = max(1, concurrency)
        self.devices: list[Device] = []
        self._locks: list[StateLock] = []

    def options(self, spec: DeviceSpec) -> DeviceOptions:
        """The options of the device ``spec`` describes."""
        return replace(
            self.template,
            host=spec.host,
            ssh_port=spec.ssh_port,
            netconf_port=spec.netconf_port,
            restconf_port=spec.restconf_port,
            gnmi_port=spec.gnmi_port,
            gnmi_secure_port=spec.gnmi_secure_port,
            name=spec.name,
            startup_config=spec.startup_config or self.template.startup_config,
        )

    async def start(self) -> Started:
        """Load and start every device; on the first failure stop those started and raise FleetStartError."""
        ports = self.ports if self.ports is not None else bind_all(self.specs)
        gate = asyncio.Semaphore(self.concurrency)
        slots: list[Device | None] = [None] * len(self.specs)

        async def bring_up(position: int, spec: DeviceSpec) -> None:
            async with gate:
                slots[position] = await self._start_one(spec, ports[position])

        try:
            async with asyncio.TaskGroup() as group:
                for position, spec in enumerate(self.specs):
                    group.create_task(bring_up(position, spec))
        except BaseExceptionGroup as failed:
            self.devices = [d for d in slots if d is not None]
            await self.stop()
            for pair in ports:
                pair.close()  # those of devices that never started
            first = failed.exceptions[0]
            if isinstance(first, FleetStartError):
                raise first from None
            raise
        self.devices = [d for d in slots if d is not None]
        endpoints = tuple(self._endpoint(spec, device) for spec, device in zip(self.specs, self.devices, strict=True))
        return Started(endpoints, sum(1 for d in self.devices if d.first_start))

    async def _start_one(self, spec: DeviceSpec, ports: DevicePorts) -> Device:
        lock = StateLock(_made(spec.state_dir))
        try:
            lock.acquire()
        except (StateBusy, OSError) as exc:
            raise FleetStartError(f"device {spec.name}: {exc}") from None
        self._locks.append(lock)
        device = Device(spec.state_dir, self.schema, self.limits, self.options(spec))
        try:
            device.load()
            await device.start(ports)
        except asyncio.CancelledError:  # another device failed: this one's listeners must not outlive the fleet
            await _stopped_quietly(device)
            raise
        except Exception as exc:
            await _stopped_quietly(device)
            raise FleetStartError(f"device {spec.name}: {_reason(exc)}") from exc
        return device

    @staticmethod
    def _endpoint(spec: DeviceSpec, device: Device) -> Endpoint:
        """Where ``device`` answers (RESTCONF's kernel-chosen port is known once its server has listened; gNMI's
        are the plan's)."""
        return Endpoint(
            spec.name,
            spec.host,
            device.ssh.port,
            device.netconf_port,
            spec.state_dir,
            restconf_port=device.restconf.port,
            gnmi_port=spec.gnmi_port,
            gnmi_secure_port=spec.gnmi_secure_port,
        )

    async def stop(self) -> None:
        """Stop every started device (side by side, bounded like the start) and release their state dirs."""
        gate = asyncio.Semaphore(self.concurrency)

        async def bring_down(device: Device) -> None:
            async with gate:
                await device.stop()

        await asyncio.gather(*(bring_down(d) for d in self.devices), return_exceptions=True)
        self.devices = []
        for lock in self._locks:
            lock.release()
        self._locks = []


def shared_options(
    admin_user: str, password: str, *, host: str = "127.0.0.1", egress: EgressPolicy = LOOPBACK
) -> DeviceOptions:
    """What every device of a fleet has in common: the admin user and its password, hashed once here (a type-9
    scrypt hash is ~7 ms of CPU: once per device is seconds for a large fleet), the listen address and the egress policy
    (the runner adds each device's name, address, ports and seed)."""
    return DeviceOptions(host=host, admin_user=admin_user, admin_secret=type9_hash(password), egress=egress)


def bind_all(specs: Sequence[DeviceSpec]) -> tuple[DevicePorts, ...]:
    """Both listening sockets of every device, in spec order, or none: FleetStartError names the device."""
    bound: list[DevicePorts] = []
    try:
        for spec in specs:
            try:
                bound.append(listen_device_ports(spec.host, spec.ssh_port, spec.netconf_port))
            except ListenError as exc:
                raise FleetStartError(f"device {spec.name}: {exc}") from None
    except FleetStartError:
        for pair in bound:
            pair.close()
        raise
    return tuple(bound)


def _made(state_dir: Path) -> Path:
    """``state_dir``, created private (0700) like a single agent's, so its lock file can be taken."""
    state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    return state_dir


async def _stopped_quietly(device: Device) -> None:
    """Stop a device that failed half-way; what its start already failed on is the error worth reporting."""
    with contextlib.suppress(Exception):
        await device.stop()


def _reason(exc: BaseException) -> str:
    """The first line of an exception's text (asyncio's bind error names the address and port)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
