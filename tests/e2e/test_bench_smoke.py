"""The side-by-side benchmark runs end to end: ``tools/bench/run --quick`` against the agent and netconfd.

Speed is never asserted (a shared 2-core machine makes absolute times noise); this only proves that the one
command still starts both servers, drives every workload through them and prints the table with both servers'
figures, and leaves no process behind.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO / "tools" / "bench"
sys.path.insert(0, str(BENCH))

import netconfd_ref  # noqa: E402  (a tools/ module, not a package)

WORKLOADS = (
    "session set-up",
    "get-config, small config",
    "edit-config + commit, one leaf",
    "edit one leaf + commit, 30 users",
    "get-config of 30 users",
    "create 30 users, one edit + commit",
    "edit+commit throughput, 4 sessions",
    "get throughput, 4 sessions",
    "peak RSS after creating 30 users",
    "memory per extra NETCONF session",
)


@pytest.mark.slow
@pytest.mark.skipif(
    not netconfd_ref.available(),
    reason="netconfd/openssh-server not installed (tools/test-all installs them) or not root: no reference server",
)
def test_quick_bench_prints_both_servers_figures_for_every_workload() -> None:
    out = subprocess.run(
        # ~15 s alone; the bound is generous because the whole suite runs beside it (it asserts figures, not speed)
        [str(BENCH / "run"), "--quick", "--users", "30"],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert "netconfd (yuma123) loaded our yang/ modules" in out.stdout
    for workload in WORKLOADS:
        line = next((ln for ln in out.stdout.splitlines() if ln.startswith(workload)), None)
        assert line is not None, f"{workload!r} missing from:\n{out.stdout}"
        numbers = re.findall(r"\s(-?\d+\.\d+)\s", line)
        assert len(numbers) >= 3, line  # netconfd median, ours median, ratio
        assert float(numbers[0]) > 0, line  # the reference really answered
    for figure in ("commit-to-live", "save-config", "show running-config", "RPC overhead over the floor"):
        assert figure in out.stdout
    leftovers = subprocess.run(["pgrep", "-f", "bench-netconfd-|bench-agent-"], capture_output=True, text=True)
    assert leftovers.stdout.strip() == "", "the benchmark left processes running"
