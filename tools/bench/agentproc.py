"""Start the agent for a benchmark: a private state dir, ephemeral loopback ports, the ports it prints."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

PASSWORD = "Bench-pass-1"


def start_agent(state: Path, *extra: str) -> tuple[subprocess.Popen[str], int, int]:
    """Run ``python -m iosxe_agent`` and return (process, NETCONF port, device SSH port)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "iosxe_agent", "--state-dir", str(state), "--netconf-port", "0", "--ssh-port", "0",
         "--log-level", "WARNING", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "IOSXE_AGENT_ADMIN_PASSWORD": PASSWORD},  # never on the command line (ps shows it)
    )  # fmt: skip
    assert proc.stdout is not None
    ssh_port = 0
    for line in proc.stdout:
        m = re.search(r"SSH on [0-9.]+:(\d+)", line)
        if m:
            ssh_port = int(m.group(1))
        m = re.search(r"NETCONF on [0-9.]+:(\d+)", line)
        if m:
            return proc, int(m.group(1)), ssh_port
    raise SystemExit("agent did not start")
