"""The sweep of the fleet benchmark: every device answers one NETCONF get-config and one SSH ``show version``.

Why: "1,000 devices running" means nothing unless each one answers both faces, the way an inventory run
(Ansible facts, an NMS onboarding) touches them: many clients at once, each device once. ``clients`` sessions
run side by side; each device is visited by one client, NETCONF first (the raw client of rawclient.py, so no
client library's polling is timed), then SSH exec ``show version``. A reply is checked (no ``<rpc-error>``,
the IOS XE version banner), so a failure is never counted as a fast answer.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import asyncssh
from rawclient import RawNetconf, RpcFailed
from workloads import GET_CONFIG

from iosxe_agent.fleet.endpoints import Endpoint

VERSION_BANNER = "Cisco IOS XE Software"
DEVICE_BOUND_S = 120.0  # one device's two exchanges; a device that takes longer counts as failed


@dataclass(frozen=True, slots=True)
class Visit:
    """One device's answers: seconds for NETCONF (connect, hello, get-config, close) and SSH (connect, exec)."""

    name: str
    netconf_s: float
    ssh_s: float
    error: str | None = None

    @property
    def total_s(self) -> float:
        return self.netconf_s + self.ssh_s


@dataclass(slots=True)
class SweepResult:
    """Every visit and the wall time of the whole sweep."""

    wall_s: float
    visits: list[Visit] = field(default_factory=list)

    @property
    def failures(self) -> list[Visit]:
        return [v for v in self.visits if v.error is not None]

    def percentiles(self, what: str) -> tuple[float, float]:
        """p50 and p95 (seconds) of ``what`` (``total_s``, ``netconf_s``, ``ssh_s``) over the visits that
        succeeded; NaN without any."""
        return p50_p95([getattr(v, what) for v in self.visits if v.error is None])


def p50_p95(samples: Sequence[float]) -> tuple[float, float]:
    """The median and the 95th percentile (inclusive method: a value that occurred), NaN for no samples."""
    if not samples:
        return float("nan"), float("nan")
    if len(samples) == 1:
        return samples[0], samples[0]
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return statistics.median(samples), cuts[94]


async def _netconf(device: Endpoint, user: str, password: str) -> None:
    session = await RawNetconf.open(device.host, device.netconf_port, user, password)
    try:
        await session.ok(GET_CONFIG)
    finally:
        await session.close()


async def _show_version(device: Endpoint, user: str, password: str) -> None:
    async with asyncssh.connect(
        device.host, device.ssh_port, username=user, password=password, known_hosts=None, agent_path=None
    ) as conn:
        result = await conn.run("show version", check=True)
    if VERSION_BANNER not in str(result.stdout):
        raise RuntimeError(f"show version without {VERSION_BANNER!r}: {str(result.stdout)[:200]!r}")


async def visit(device: Endpoint, user: str, password: str) -> Visit:
    """Both exchanges with one device, timed; any failure is recorded in the visit, never raised."""
    began = time.perf_counter()
    netconf_s = 0.0
    try:
        async with asyncio.timeout(DEVICE_BOUND_S):
            await _netconf(device, user, password)
            netconf_s = time.perf_counter() - began
            await _show_version(device, user, password)
    except (OSError, asyncssh.Error, RpcFailed, RuntimeError) as exc:  # TimeoutError is an OSError
        spent = time.perf_counter() - began
        return Visit(device.name, netconf_s or spent, spent - netconf_s if netconf_s else 0.0, f"{exc!r}"[:300])
    return Visit(device.name, netconf_s, time.perf_counter() - began - netconf_s)


async def sweep(devices: Sequence[Endpoint], user: str, password: str, clients: int) -> SweepResult:
    """Visit every device, ``clients`` at a time; the visits in device order and the sweep's wall time."""
    gate = asyncio.Semaphore(max(1, clients))

    async def one(device: Endpoint) -> Visit:
        async with gate:
            return await visit(device, user, password)

    began = time.perf_counter()
    visits = await asyncio.gather(*(one(d) for d in devices))
    return SweepResult(time.perf_counter() - began, list(visits))
