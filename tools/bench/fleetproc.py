"""One ``iosxe-agent fleet`` process for the fleet benchmark: start it, time it to ready, weigh it, stop it.

Why a module of its own: the benchmark starts the same fleet several times (N/10 devices, N devices, the
restart) and must leave no process behind whatever fails; the process, its output and its memory are one thing.
The start is timed from ``Popen`` to the ``iosxe-agent: ready:`` line (interpreter start and schema compile
included: what a user waits for), read from the fleet's stdout, never by polling with sleeps.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from agentproc import agent_env
from workloads import descendants, pss_kb

READY = "iosxe-agent: ready: "
STOP_BOUND_S = 120.0  # SIGTERM to exit; beyond this the fleet is killed and the run reported as failed
TAIL_LINES = 40  # output kept for the error message of a fleet that does not start


@dataclass(frozen=True, slots=True)
class FleetSpec:
    """What to start: N devices over K workers on consecutive ports from ``port_base``, state in ``state_dir``."""

    devices: int
    workers: int
    port_base: int
    state_dir: Path
    ready_file: Path
    password: str


@dataclass(frozen=True, slots=True)
class Usage:
    """What the fleet's process tree holds and has spent: resident memory, MB, as the sum of VmRSS (pages shared
    by forked workers counted once per process, as ``ps`` adds them) and the PSS (each shared page split among
    its sharers: the real cost); and the CPU seconds (user + system) its live processes have used, which on a
    shared machine says more than wall time."""

    rss_mb: float
    pss_mb: float
    cpu_s: float
    processes: int


def vm_rss_kb(status: str) -> int:
    """The ``VmRSS`` of one ``/proc/PID/status`` text, kB (0 for a process without one, e.g. a zombie)."""
    m = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
    return int(m.group(1)) if m else 0


def cpu_ticks(stat: str) -> int:
    """utime + stime of one ``/proc/PID/stat`` text, in clock ticks (fields 14 and 15; the name may hold blanks)."""
    fields = stat.rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def tree_usage(root: int) -> Usage:
    """:class:`Usage` of ``root`` and every process below it (the fleet and its ``--workers``)."""
    pids = descendants(root)
    rss = ticks = 0
    for pid in pids:
        try:
            rss += vm_rss_kb(Path(f"/proc/{pid}/status").read_text())
            ticks += cpu_ticks(Path(f"/proc/{pid}/stat").read_text())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return Usage(rss / 1024, pss_kb(pids) / 1024, ticks / os.sysconf("SC_CLK_TCK"), len(pids))


class FleetProcess:
    """A running fleet: :meth:`start` returns the seconds to ready, :meth:`stop` the seconds to exit."""

    def __init__(self, spec: FleetSpec) -> None:
        self.spec = spec
        self._proc: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._tail: list[str] = []

    @property
    def pid(self) -> int:
        assert self._proc is not None, "not started"
        return self._proc.pid

    def command(self) -> list[str]:
        s = self.spec
        return [
            sys.executable, "-m", "iosxe_agent", "fleet", "--devices", str(s.devices), "--workers", str(s.workers),
            "--port-base", str(s.port_base), "--ready-file", str(s.ready_file), "--state-dir", str(s.state_dir),
            "--log-level", "WARNING",
        ]  # fmt: skip

    def start(self, timeout_s: float) -> float:
        """Start the fleet and wait for its ready line; the seconds it took. Raises RuntimeError (with the
        fleet's last output) if it exits or is not ready within ``timeout_s``."""
        self.spec.ready_file.unlink(missing_ok=True)
        env = agent_env(self.spec.password)
        began = time.perf_counter()
        self._proc = subprocess.Popen(
            self.command(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
        )
        assert self._proc.stdout is not None
        threading.Thread(target=self._drain, args=(self._proc.stdout,), daemon=True).start()
        deadline = began + timeout_s
        while True:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.perf_counter()))
            except queue.Empty:
                self.kill()
                raise RuntimeError(f"fleet not ready after {timeout_s:.0f} s:\n" + "".join(self._tail)) from None
            if line is None:
                raise RuntimeError("fleet exited before it was ready:\n" + "".join(self._tail))
            if line.startswith(READY):
                return time.perf_counter() - began

    def _drain(self, stream: IO[str]) -> None:
        """Read every output line (a full pipe would stall the fleet), keeping the last few for errors."""
        for line in stream:
            self._tail = [*self._tail[-(TAIL_LINES - 1) :], line]
            self._lines.put(line)
        self._lines.put(None)

    def usage(self) -> Usage:
        return tree_usage(self.pid)

    def stop(self) -> float:
        """SIGTERM, then wait for the exit (bounded); the seconds it took. Raises RuntimeError if it had to be
        killed or exited with an error."""
        assert self._proc is not None
        began = time.perf_counter()
        self._proc.send_signal(signal.SIGTERM)
        try:
            code = self._proc.wait(STOP_BOUND_S)
        except subprocess.TimeoutExpired:
            self.kill()
            raise RuntimeError(f"fleet did not stop within {STOP_BOUND_S:.0f} s of SIGTERM") from None
        if code != 0:
            raise RuntimeError(f"fleet exited with {code} on SIGTERM:\n" + "".join(self._tail))
        return time.perf_counter() - began

    def kill(self) -> None:
        """Kill the fleet and its workers (cleanup after a failure; a stopped fleet is left alone)."""
        if self._proc is None or self._proc.poll() is not None:
            return
        for pid in reversed(descendants(self._proc.pid)):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                continue
        self._proc.wait()
