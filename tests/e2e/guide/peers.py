"""The guide's surroundings as real processes: the TACACS+ server (the guide's ACS; tests/peers/tacacs_server.py)
and an SNMP trap receiver (Net-SNMP's snmptrapd) on the port a trap goes to, 162, of the SSH client's address."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from waiting import until

TACACS_SERVER = Path(__file__).resolve().parents[2] / "peers" / "tacacs_server.py"
START_TIMEOUT_S = 20


@contextmanager
def tacacs_peer(write_config: Any, workdir: Path, key: str, users: dict[str, dict[str, object]]) -> Iterator[int]:
    """The TACACS+ peer on 127.0.0.1; yields its port (written to a file once it listens)."""
    config = write_config(workdir, key, users)
    port_file = workdir / "tacacs.port"
    args = ["--config", str(config), "--host", "127.0.0.1", "--port", "0", "--port-file", str(port_file)]
    proc = subprocess.Popen([sys.executable, str(TACACS_SERVER), *args])
    try:
        if not until(lambda: port_file.exists() and port_file.read_text().strip() != "", START_TIMEOUT_S):
            raise RuntimeError("the TACACS+ peer did not start")
        yield int(port_file.read_text())
    finally:
        proc.terminate()
        proc.wait(10)


@contextmanager
def trap_receiver(workdir: Path, address: str, community: str = "public") -> Iterator[Path]:
    """snmptrapd on ``address``:162 logging every trap of ``community`` to the file it yields (one trap: a header
    line ``TRAP, SNMP v1, community public``, then the enterprise, the trap numbers and the varbinds)."""
    conf = workdir / "snmptrapd.conf"
    conf.write_text(f"authCommunity log {community}\n")
    log = workdir / "traps.log"
    log.touch()
    no_mibs = ("-m", "", "-M", "", "-On")  # numeric OIDs, none of the MIB-loading noise
    cmd = ["snmptrapd", "-f", "-C", "-c", str(conf), *no_mibs, "-Lf", str(log), "-n", f"udp:{address}:162"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not until(lambda: "NET-SNMP version" in log.read_text(), START_TIMEOUT_S):
            raise RuntimeError(f"snmptrapd did not start on {address}:162")
        yield log
    finally:
        proc.terminate()
        proc.wait(10)
