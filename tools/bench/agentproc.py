"""Start the agent for a benchmark: a private state dir, ephemeral loopback ports, the ports it prints."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import asyncssh

PASSWORD = "Bench-pass-1"


def start_agent(state: Path, *extra: str) -> tuple[subprocess.Popen[str], int, int]:
    """Run ``python -m iosxe_agent`` with the candidate datastore on; return (process, NETCONF port, SSH port)."""
    proc, port, ssh_port = launch(state, *extra)
    enable_candidate(ssh_port)
    return proc, port, ssh_port


def launch(state: Path, *extra: str) -> tuple[subprocess.Popen[str], int, int]:
    """Run ``python -m iosxe_agent`` (from the current directory) and return as soon as it says it serves NETCONF:
    (process, NETCONF port, device SSH port). A start-up benchmark times this call."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "iosxe_agent", "--state-dir", str(state), "--netconf-port", "0", "--ssh-port", "0",
         "--log-level", "WARNING", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env=agent_env(PASSWORD),
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


def agent_env(password: str) -> dict[str, str]:
    """The environment of a benchmarked agent: the admin password (never on the command line: ps shows it) and
    bytecode kept between starts, as an installed package has it. A machine that sets PYTHONDONTWRITEBYTECODE
    (this one does) would otherwise make every start compile ~200 modules: ~0.3 s of CPU and ~8 MB of memory
    that no install pays. The cache is the user's own (0700), never a shared temporary directory."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "iosxe-agent" / "bench-pycache"
    cache.mkdir(mode=0o700, parents=True, exist_ok=True)
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    env.setdefault("PYTHONPYCACHEPREFIX", str(cache))
    env["IOSXE_AGENT_ADMIN_PASSWORD"] = password
    return env


def enable_candidate(ssh_port: int, password: str = PASSWORD) -> None:
    """Type ``netconf-yang feature candidate-datastore`` at the CLI: the workloads edit the candidate, which a
    fresh agent, like a factory 17.12 box, does not have. Runs in a thread of its own (a caller may be inside an
    event loop)."""
    failed: list[BaseException] = []

    async def configure() -> None:
        async with asyncssh.connect(
            "127.0.0.1", ssh_port, username="admin", password=password, known_hosts=None, client_keys=None
        ) as conn:
            proc = await conn.create_process(term_type="vt100")
            for line in ("", "configure terminal", "netconf-yang feature candidate-datastore", "end"):
                if line:
                    proc.stdin.write(line + "\n")
                await asyncio.wait_for(proc.stdout.readuntil("#"), 30)
            proc.stdin.write("exit\n")

    def run() -> None:
        try:
            asyncio.run(configure())
        except BaseException as exc:  # raised again in the caller's thread
            failed.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if failed:
        raise failed[0]


#: How long a stopping process gets before it is killed (an agent saves nothing on SIGTERM: it is quick).
STOP_TIMEOUT_S = 60


def stop_process(proc: subprocess.Popen[str]) -> None:
    """SIGTERM, then SIGKILL if it has not exited within STOP_TIMEOUT_S; a process that already ended is left."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=STOP_TIMEOUT_S)
