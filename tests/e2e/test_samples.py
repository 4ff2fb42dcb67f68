"""Every sample script runs against a real agent and prints the configuration it applied."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
EXPECTED = {
    "scp_server_local_auth.py": ["<name>scpuser</name>", "<enable/>", "<local/>"],
    "ssh_timeout_retries.py": ["<time-out>60</time-out>", "<authentication-retries>2</authentication-retries>"],
    "user_with_secret.py": ["<name>netadmin</name>", "<encryption>9</encryption>"],
    "aaa_method_lists.py": ["<name>VTY</name>", "<group>TAC</group>", "<ipv4>127.0.0.10</ipv4>"],
}


@pytest.mark.parametrize("script", sorted(EXPECTED))
def test_sample_prints_the_applied_configuration(agent, script: str) -> None:
    result = subprocess.run(
        [sys.executable, str(SAMPLES / script), "--port", str(agent.netconf_port), "--password", "Adm1n-pass"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    for fragment in EXPECTED[script]:
        assert fragment in result.stdout
    assert "Scp-Passw0rd" not in result.stdout and "N3tadmin-secret" not in result.stdout


def test_samples_directory_has_no_untested_script() -> None:
    scripts = {p.name for p in SAMPLES.glob("*.py") if not p.name.startswith("_")}
    assert scripts == set(EXPECTED)
