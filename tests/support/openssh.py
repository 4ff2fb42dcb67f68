"""The OpenSSH command-line clients as tests run them against a device: never the developer's own keys, agent or
known_hosts, the password through ``sshpass`` (never on a command line of ours that ``ps`` would show: sshpass
reads it from its ``-e`` environment variable)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from agents import ADMIN_PASSWORD, ADMIN_USER

needs_openssh_scp = pytest.mark.skipif(
    shutil.which("scp") is None or shutil.which("sshpass") is None, reason="needs OpenSSH scp and sshpass"
)

_OPTIONS = (
    "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
    "-o", "PubkeyAuthentication=no", "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
)  # fmt: skip


def scp_upload(
    port: int, src: Path, dst: str, *, user: str = ADMIN_USER, password: str = ADMIN_PASSWORD, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    """``scp -O`` (the classic SCP protocol IOS speaks) of the local file ``src`` to ``user@127.0.0.1:dst``."""
    cmd = ["sshpass", "-e", "scp", "-O", "-P", str(port), *_OPTIONS, str(src), f"{user}@127.0.0.1:{dst}"]
    env = {**os.environ, "SSHPASS": password}
    return subprocess.run(
        cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL, check=False, env=env
    )


def scp_download(
    port: int, src: str, dst: Path, *, user: str = ADMIN_USER, password: str = ADMIN_PASSWORD, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    """``scp -O`` of the device's ``src`` (``running-config``, ``flash:F`` …) to the local file ``dst``."""
    cmd = ["sshpass", "-e", "scp", "-O", "-P", str(port), *_OPTIONS, f"{user}@127.0.0.1:{src}", str(dst)]
    env = {**os.environ, "SSHPASS": password}
    return subprocess.run(
        cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL, check=False, env=env
    )


def ssh_command(
    port: int, command: str, *, user: str = ADMIN_USER, password: str = ADMIN_PASSWORD, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """OpenSSH ``ssh user@127.0.0.1 COMMAND``: one exec session of the real client (no pty), its output."""
    cmd = ["sshpass", "-e", "ssh", "-p", str(port), *_OPTIONS, f"{user}@127.0.0.1", command]
    env = {**os.environ, "SSHPASS": password}
    return subprocess.run(
        cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL, check=False, env=env
    )
