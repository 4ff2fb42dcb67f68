"""Fixtures of the device tests: real SNMP trap receivers (a pysnmp one in-process, Debian's snmptrapd)."""

from __future__ import annotations

import contextlib
import queue
import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest


@pytest.fixture
def snmp_receiver_module(peers: Callable[[str], ModuleType]) -> ModuleType:
    """tests/peers/snmp_receiver.py."""
    return peers("snmp_receiver")


@pytest.fixture
async def trap_receiver(snmp_receiver_module: ModuleType) -> AsyncIterator[object]:
    """A pysnmp NotificationReceiver on 127.0.0.1:<ephemeral>, accepting communities ``public`` and ``private``."""
    receiver = snmp_receiver_module.TrapReceiver(["public", "private"])
    await receiver.start()
    try:
        yield receiver
    finally:
        receiver.stop()


class Snmptrapd:
    """Debian's snmptrapd in the foreground, logging decoded notifications to stdout, one line each.

    Output format (``-F``): ``TRAP version=<0|1> community=<c> agent=<v1 agent-addr> enterprise=<oid>
    generic=<n> specific=<n> source=<transport> vars=<varbind|varbind|…>``; ``-On`` keeps OIDs numeric and
    ``-m ""`` loads no MIB (Debian ships no IETF MIBs).
    """

    FORMAT = "TRAP version=%s community=%u agent=%a enterprise=%N generic=%w specific=%q source=%b vars=%V|%v\n"

    def __init__(self, binary: str, workdir: Path) -> None:
        self.binary = binary
        self.workdir = workdir
        self.port = 0
        self.proc: subprocess.Popen[str] | None = None
        self.lines: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        self._pump_thread: threading.Thread | None = None

    def start(self) -> None:
        conf = self.workdir / "snmptrapd.conf"
        conf.write_text("disableAuthorization yes\n")
        for _ in range(5):
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
                probe.bind(("127.0.0.1", 0))
                self.port = probe.getsockname()[1]
            cmd = [
                self.binary, "-f", "-Lo", "-C", "-c", str(conf), "-m", "", "-n", "-On",
                "-p", str(self.workdir / "snmptrapd.pid"), "-F", self.FORMAT, f"udp:127.0.0.1:{self.port}",
            ]  # fmt: skip
            env = {"PATH": "/usr/sbin:/usr/bin:/bin", "SNMP_PERSISTENT_DIR": str(self.workdir / "persist")}
            self.proc = subprocess.Popen(
                cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True, env=env
            )
            self._pump_thread = threading.Thread(target=self._pump, args=(self.proc,), daemon=True)
            self._pump_thread.start()
            if self._ready():
                return
            self.stop()
        raise RuntimeError("snmptrapd did not start:\n" + "".join(self.lines))

    def _pump(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            self._queue.put(line)

    def _ready(self) -> bool:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=0.2)
            except queue.Empty:
                if self.proc is not None and self.proc.poll() is not None and self._queue.empty():
                    return False
                continue
            self.lines.append(line)
            if line.startswith("NET-SNMP version"):
                return True
        return False

    def traps(self, count: int, timeout: float = 10.0) -> list[dict[str, str]]:
        """Wait for at least ``count`` TRAP lines; return all seen so far, parsed into fields."""
        deadline = time.monotonic() + timeout
        while sum(1 for line in self.lines if line.startswith("TRAP ")) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"snmptrapd logged fewer than {count} trap(s):\n" + "".join(self.lines))
            with contextlib.suppress(queue.Empty):
                self.lines.append(self._queue.get(timeout=remaining))
        return [self.parse(line) for line in self.lines if line.startswith("TRAP ")]

    def settle(self, seconds: float = 0.5) -> list[dict[str, str]]:
        """Collect output for ``seconds`` more; return every TRAP line seen, parsed."""
        deadline = time.monotonic() + seconds
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                self.lines.append(self._queue.get(timeout=remaining))
            except queue.Empty:
                break
        return [self.parse(line) for line in self.lines if line.startswith("TRAP ")]

    @staticmethod
    def parse(line: str) -> dict[str, str]:
        head, _, varbinds = line.rstrip("\n").partition(" vars=")
        fields = dict(m.groups() for m in re.finditer(r"(\w+)=(\S*)", head))
        fields["vars"] = varbinds
        return fields

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self._pump_thread is not None:
            self._pump_thread.join(timeout=5)  # it ends at EOF, once the process is gone
            self._pump_thread = None
        if self.proc is not None and self.proc.stdout is not None:
            self.proc.stdout.close()
        self.proc = None


@pytest.fixture
def snmptrapd(tmp_path: Path) -> Iterator[Snmptrapd]:
    """A running snmptrapd on 127.0.0.1:<free port>; skipped when Debian's snmptrapd is not installed."""
    binary = shutil.which("snmptrapd") or shutil.which("snmptrapd", path="/usr/sbin:/sbin")
    if binary is None:
        pytest.skip("snmptrapd not installed (Debian package 'snmptrapd'; tools/test-all installs it)")
    daemon = Snmptrapd(binary, tmp_path)
    daemon.start()
    try:
        yield daemon
    finally:
        daemon.stop()
