"""The fleet benchmark runs end to end: ``tools/bench/fleet`` on a few devices through the real ``iosxe-agent
fleet`` command.

Speed is never asserted (a shared 2-core machine makes absolute times noise); this proves the one command starts,
weighs, restarts and sweeps a real fleet (every device answering NETCONF and SSH), prints every figure of its
table, and leaves no fleet process behind.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from fleets import free_port_run

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / "tools" / "bench" / "fleet"
DEVICES = 4
FIGURES = (
    "first start, to ready",
    "restart, to ready",
    f"RSS at ready, {DEVICES} devices",
    "marginal memory per device",
    f"sweep of {DEVICES} devices, 3 clients",
    "per device p50 / p95",
    "NETCONF get-config p50 / p95",
    "SSH show version p50 / p95",
)


@pytest.mark.slow
def test_fleet_bench_prints_every_figure_and_leaves_no_fleet_behind(tmp_path: Path) -> None:
    work = tmp_path / "work"
    command = [str(BENCH), "--devices", str(DEVICES), "--workers", "2", "--clients", "3"]
    command += ["--port-base", str(free_port_run(2 * DEVICES)), "--keep", str(work)]
    out = subprocess.run(command, capture_output=True, text=True, timeout=280, check=False)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    for figure in FIGURES:
        line = next((ln for ln in out.stdout.splitlines() if ln.strip().startswith(figure)), None)
        assert line is not None, f"{figure!r} missing from:\n{out.stdout}"
        assert re.search(r"\d", line.removeprefix(figure)), line
    assert f"sweep of {DEVICES} devices, 3 clients" in out.stdout and " 0 failed" in out.stdout
    leftovers = subprocess.run(
        ["pgrep", "-f", "--", f"--state-dir {work}/"], capture_output=True, text=True, check=False
    )
    assert leftovers.stdout.strip() == "", "the benchmark left a fleet running"
