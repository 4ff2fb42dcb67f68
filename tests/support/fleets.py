"""A fleet (``iosxe-agent fleet …``) as a real process for end-to-end tests, and the clients tests point at it.

The fleet says it is ready with one line, ``iosxe-agent: ready: <json>`` (the same JSON as ``--ready-file``);
:meth:`FleetProcess.start` waits for that line, the event, and keeps reading the output afterwards so a full pipe
never blocks the fleet's logging. The admin password reaches the fleet in the environment, never in argv.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh
from agents import ADMIN_PASSWORD, ADMIN_USER, netconf_manager
from ncclient import manager

from iosxe_agent.fleet.endpoints import Endpoint, Ready

READY_PREFIX = "iosxe-agent: ready: "
#: a fleet of a few devices is ready in seconds; first starts on a loaded CI machine may take longer
START_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 60.0


@dataclass
class FleetProcess:
    """``python -m iosxe_agent fleet ARGS`` with ``--state-dir`` and ``--ready-file`` in ``workdir``."""

    workdir: Path
    args: tuple[str, ...]
    env: dict[str, str] = field(default_factory=lambda: {"IOSXE_AGENT_ADMIN_PASSWORD": ADMIN_PASSWORD})
    proc: subprocess.Popen[str] | None = None
    output: list[str] = field(default_factory=list)
    ready: Ready | None = None
    _printed: threading.Condition = field(default_factory=threading.Condition)

    @property
    def ready_file(self) -> Path:
        return self.workdir / "ready.json"

    @property
    def state_dir(self) -> Path:
        return self.workdir / "state"

    @property
    def endpoints(self) -> tuple[Endpoint, ...]:
        assert self.ready is not None, "the fleet is not ready"
        return self.ready.endpoints

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "iosxe_agent", "fleet", "--state-dir", str(self.state_dir),
            "--ready-file", str(self.ready_file), "--admin-user", ADMIN_USER, *self.args,
        ]  # fmt: skip

    def start(self) -> Ready:
        """Start the fleet and wait for its ready line; RuntimeError with its output if it exits first."""
        self.output.clear()
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **self.env}
        self.proc = subprocess.Popen(
            self.command(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
        )
        assert self.proc.stdout is not None
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                self.proc.wait()
                raise RuntimeError("the fleet exited during start-up:\n" + "".join(self.output))
            self.output.append(line)
            if line.startswith(READY_PREFIX):
                self.ready = Ready.loads(line.removeprefix(READY_PREFIX))
                threading.Thread(target=self._drain, daemon=True).start()
                return self.ready
        raise RuntimeError("the fleet did not start in time:\n" + "".join(self.output))

    def run_to_exit(self, timeout: float = START_TIMEOUT_S) -> subprocess.CompletedProcess[str]:
        """Run a fleet command that is expected to fail (or end) by itself: its exit code and output."""
        env = {**os.environ, **self.env}
        return subprocess.run(self.command(), capture_output=True, text=True, env=env, timeout=timeout)

    def _drain(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._printed:
                self.output.append(line)
                self._printed.notify_all()

    def wait_for_output(self, pattern: str, timeout: float = 30) -> None:
        """Wait until a line of the fleet's output matches ``pattern``."""
        regex = re.compile(pattern)
        with self._printed:
            if not self._printed.wait_for(lambda: any(regex.search(x) for x in self.output), timeout):
                raise AssertionError(f"the fleet never printed {pattern!r}:\n" + "".join(self.output[-40:]))

    def signal(self, sig: int = signal.SIGTERM) -> int:
        """Send ``sig`` and wait for the exit; the exit code."""
        assert self.proc is not None
        self.proc.send_signal(sig)
        return self.wait()

    def wait(self, timeout: float = STOP_TIMEOUT_S) -> int:
        assert self.proc is not None
        code = self.proc.wait(timeout=timeout)
        self.proc = None
        return code

    def children(self) -> list[int]:
        """The process ids of the fleet's workers (Linux: ``/proc/PID/task/PID/children``)."""
        assert self.proc is not None
        pid = self.proc.pid
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it does not stop (fixture teardown)."""
        if self.proc is None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None


def netconf(endpoint: Endpoint, password: str = ADMIN_PASSWORD) -> manager.Manager:
    """An ncclient session (iosxe device handler) to one device of a fleet."""
    return netconf_manager(endpoint.host, endpoint.netconf_port, ADMIN_USER, password)


async def exec_commands(endpoint: Endpoint, commands: Sequence[str], password: str = ADMIN_PASSWORD) -> list[str]:
    """The output of each exec command (``show version`` …) over one device's SSH port, one channel each."""
    async with asyncssh.connect(
        endpoint.host, endpoint.ssh_port, username=ADMIN_USER, password=password, known_hosts=None
    ) as conn:
        outputs = []
        for command in commands:
            result = await conn.run(command, timeout=30)
            outputs.append(str(result.stdout).replace("\r\n", "\n"))
        return outputs


def run_exec(endpoint: Endpoint, *commands: str) -> list[str]:
    """:func:`exec_commands` from synchronous test code."""
    return asyncio.run(exec_commands(endpoint, commands))


#: where a fleet's --port-base goes in tests: below the kernel's ephemeral range, so a client connection of the
#: test itself can never take one of the fleet's ports
PORT_RANGE = range(20000, 32000)


def free_port_run(count: int) -> int:
    """The first of ``count`` consecutive ports free on 127.0.0.1 (a fleet's ``--port-base`` needs a run); the
    start depends on the process id so that parallel test workers try different runs first."""
    for base in range(PORT_RANGE.start + os.getpid() % 97 * 50, PORT_RANGE.stop - count, count):
        held: list[socket.socket] = []
        try:
            for port in range(base, base + count):
                sock = socket.socket()
                held.append(sock)
                sock.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for sock in held:
                sock.close()
    raise AssertionError(f"no {count} consecutive free ports in {PORT_RANGE}")
