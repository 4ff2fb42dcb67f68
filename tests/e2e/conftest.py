"""Fixtures of the end-to-end tests: Ansible's environment, Cisco's real modules."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from cisco_yang import extract_cisco_modules

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "ansible"


@pytest.fixture(scope="session")
def cisco_modules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Cisco's real 17.12.1 modules (tests/support/cisco_yang.py; the test is skipped without them)."""
    return extract_cisco_modules(tmp_path_factory.mktemp("cisco-yang"))


@pytest.fixture
def ansible_env(tmp_path: Path) -> Callable[..., dict[str, str]]:
    """Ansible confined to the test's directory (config, temp files, persistent-connection sockets), plus any
    extra variables a test needs (``ansible_env(ANSIBLE_STDOUT_CALLBACK="ansible.posix.json")``)."""

    def make(**extra: str) -> dict[str, str]:
        home = tmp_path / "ah"
        return {
            **os.environ,
            "ANSIBLE_CONFIG": str(SAMPLE / "ansible.cfg"),
            "ANSIBLE_HOME": str(home),
            "ANSIBLE_LOCAL_TEMP": str(home / "tmp"),
            "ANSIBLE_PERSISTENT_CONTROL_PATH_DIR": str(home / "pc"),
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_FORCE_COLOR": "0",
            "ANSIBLE_DEPRECATION_WARNINGS": "0",
            "PYTHONWARNINGS": "ignore",
            **extra,
        }

    return make
