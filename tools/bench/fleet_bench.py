#!/usr/bin/env python3
"""Fleet benchmark: what N devices cost on this machine, through the real ``iosxe-agent fleet`` command.

Issue 19's "done when": 1,000 devices on 2 cores, first start <= 60 s, restart <= 10 s, total RSS <= 1.5 GB,
every device answering a NETCONF get-config and an SSH ``show version``. In a fresh temporary directory it
runs, each time as ``iosxe-agent fleet --devices N --workers K --port-base P --ready-file F``:

1. N/10 devices: first start, memory at ready, stop (the base of the marginal memory);
2. N devices: first start (every key generated), memory at ready, stop with SIGTERM;
3. N devices again: restart (keys and configuration read back), memory, the sweep (every device, ``--clients``
   at a time: NETCONF get-config, then SSH ``show version``), memory after it, stop.

and prints one table. Times run from ``Popen`` to the ``ready`` line (interpreter start included). Nothing is
asserted: the table says what was measured, next to the goals; the exit code is 1 only if something failed
(a fleet that did not start or stop, a device that did not answer).

Usage: tools/bench/fleet [--devices 1000] [--workers 2] [--port-base 20000] [--clients 50] [--keep DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from fleetproc import FleetProcess, FleetSpec, Usage
from fleetsweep import SweepResult, sweep

from iosxe_agent.fleet.endpoints import Ready

PASSWORD = "Bench-pass-1"
GOAL_FIRST_START_S = 60.0
GOAL_RESTART_S = 10.0
GOAL_RSS_MB = 1.5 * 1024
START_BOUND_S = 900.0  # a fleet not ready by then is reported as failed (1,000 first starts take ~1 min here)
SHOWN_FAILURES = 5


@dataclass(frozen=True, slots=True)
class Figures:
    """Everything one benchmark run measured."""

    devices: int
    small_devices: int
    workers: int
    clients: int
    small_usage: Usage
    first_start_s: float
    first_usage: Usage
    stop_s: float
    restart_s: float
    restart_usage: Usage
    swept: SweepResult
    after_sweep: Usage
    restart_stop_s: float
    load_average: float  # the machine's 1-minute load when the run began: other work shares the 2 cores

    @property
    def marginal_mb(self) -> float:
        """RSS each device adds, both at a first start: (RSS at N - RSS at N/10) / (N - N/10); NaN when N/10 == N."""
        extra = self.devices - self.small_devices
        return (self.first_usage.rss_mb - self.small_usage.rss_mb) / extra if extra else math.nan

    @property
    def marginal_pss_mb(self) -> float:
        extra = self.devices - self.small_devices
        return (self.first_usage.pss_mb - self.small_usage.pss_mb) / extra if extra else math.nan


def _mark(value: float, goal: float) -> str:
    return "ok" if value <= goal else "OVER"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def table(f: Figures) -> str:
    """The report: one line per figure, value, goal (if the issue sets one), and how it was measured."""
    n, s = f.devices, f.swept
    rows: list[tuple[str, str, str]] = [
        ("first start, to ready", f"{f.first_start_s:.1f} s", f"<= {GOAL_FIRST_START_S:.0f} s "
         f"{_mark(f.first_start_s, GOAL_FIRST_START_S)}"),
        ("  per device", _ms(f.first_start_s / n), f"CPU {_ms(f.first_usage.cpu_s / n)} per device"),
        ("  CPU of the fleet's processes", f"{f.first_usage.cpu_s:.1f} s", "user + system, to ready"),
        ("stop, SIGTERM to exit", f"{f.stop_s:.1f} s", ""),
        ("restart, to ready", f"{f.restart_s:.1f} s",
         f"<= {GOAL_RESTART_S:.0f} s {_mark(f.restart_s, GOAL_RESTART_S)}"),
        ("  per device", _ms(f.restart_s / n), f"CPU {_ms(f.restart_usage.cpu_s / n)} per device"),
        ("  CPU of the fleet's processes", f"{f.restart_usage.cpu_s:.1f} s", "user + system, to ready"),
        (f"RSS at ready, {n} devices", f"{f.restart_usage.rss_mb:.0f} MB",
         f"<= {GOAL_RSS_MB:.0f} MB {_mark(f.restart_usage.rss_mb, GOAL_RSS_MB)}"),
        ("  PSS (shared pages split)", f"{f.restart_usage.pss_mb:.0f} MB", f"{f.restart_usage.processes} processes"),
        ("RSS after first start", f"{f.first_usage.rss_mb:.0f} MB", f"PSS {f.first_usage.pss_mb:.0f} MB"),
        (f"RSS at ready, {f.small_devices} devices", f"{f.small_usage.rss_mb:.0f} MB",
         f"PSS {f.small_usage.pss_mb:.0f} MB"),
        ("marginal memory per device", f"{f.marginal_mb:.2f} MB", f"PSS {f.marginal_pss_mb:.2f} MB"),
        ("RSS after the sweep", f"{f.after_sweep.rss_mb:.0f} MB", f"PSS {f.after_sweep.pss_mb:.0f} MB"),
        (f"sweep of {n} devices, {f.clients} clients", f"{s.wall_s:.1f} s",
         f"{len(s.failures)} failed, {n / s.wall_s:.1f} devices/s"),
        ("  per device p50 / p95", "{} / {}".format(*map(_ms, s.percentiles("total_s"))), "NETCONF + SSH"),
        ("  NETCONF get-config p50 / p95", "{} / {}".format(*map(_ms, s.percentiles("netconf_s"))),
         "connect, hello, get-config, close"),
        ("  SSH show version p50 / p95", "{} / {}".format(*map(_ms, s.percentiles("ssh_s"))), "connect, login, exec"),
        ("stop after the sweep", f"{f.restart_stop_s:.1f} s", ""),
    ]  # fmt: skip
    width = max(len(r[0]) for r in rows)
    head = (
        f"fleet benchmark: {n} devices, --workers {f.workers}, {f.clients} sweep clients, "
        f"{os.cpu_count()} CPUs, load average {f.load_average:.1f} at the start"
    )
    lines = [head, "-" * len(head)]
    lines += [f"{name:<{width}}  {value:>14}  {note}".rstrip() for name, value, note in rows]
    for failed in s.failures[:SHOWN_FAILURES]:
        lines.append(f"failed: {failed.name}: {failed.error}")
    return "\n".join(lines)


def _progress(text: str) -> None:
    print(f"[fleet bench] {text}", file=sys.stderr, flush=True)


def run(devices: int, workers: int, port_base: int, clients: int, work: Path) -> Figures:
    """The three fleet runs of the module docstring, in ``work``; a failed step raises RuntimeError."""
    small_devices = max(1, devices // 10)
    load_average = os.getloadavg()[0]

    def spec(count: int, name: str) -> FleetSpec:
        return FleetSpec(count, workers, port_base, work / name, work / f"{name}.ready", PASSWORD)

    small = FleetProcess(spec(small_devices, "small"))
    fleet = FleetProcess(spec(devices, "fleet"))
    again = FleetProcess(spec(devices, "fleet"))
    try:
        _progress(f"{small_devices} devices: first start")
        small.start(START_BOUND_S)
        small_usage = small.usage()
        small.stop()
        _progress(f"{devices} devices: first start")
        first_s = fleet.start(START_BOUND_S)
        first_usage = fleet.usage()
        stop_s = fleet.stop()
        _progress(f"{devices} devices: restart")
        restart_s = again.start(START_BOUND_S)
        restart_usage = again.usage()
        ready = Ready.loads(again.spec.ready_file.read_text())
        _progress(f"sweep of {len(ready.endpoints)} devices, {clients} clients")
        swept = asyncio.run(sweep(ready.endpoints, ready.admin_user, PASSWORD, clients))
        after_sweep = again.usage()
        restart_stop_s = again.stop()
    finally:
        for proc in (small, fleet, again):
            proc.kill()
    return Figures(
        devices, small_devices, workers, clients, small_usage, first_s, first_usage, stop_s, restart_s,
        restart_usage, swept, after_sweep, restart_stop_s, load_average,
    )  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devices", type=int, default=1000, help="fleet size N (default: 1000)")
    parser.add_argument("--workers", type=int, default=2, help="fleet --workers K (default: 2)")
    parser.add_argument(
        "--port-base", type=int, default=20000, help="first port; 2N consecutive ports are used (default: 20000)"
    )
    parser.add_argument("--clients", type=int, default=50, help="concurrent sweep clients (default: 50)")
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it (default: a temporary one)")
    args = parser.parse_args()
    if args.devices < 1 or args.workers < 1 or args.clients < 1:
        parser.error("--devices, --workers and --clients must be at least 1")
    if not 1024 <= args.port_base <= 65535 - 2 * args.devices:
        parser.error(f"--port-base: 2 x {args.devices} ports from it must fit in 1024..65535")
    work = args.keep or Path(tempfile.mkdtemp(prefix="iosxe-fleet-bench-"))
    work.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        figures = run(args.devices, args.workers, args.port_base, args.clients, work)
    except RuntimeError as exc:
        print(f"fleet bench failed: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print(table(figures), flush=True)
    return 1 if figures.swept.failures else 0


if __name__ == "__main__":
    sys.exit(main())
