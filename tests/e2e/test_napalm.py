"""NAPALM's ``ios`` driver, unchanged, against the real agent: the getters, and configuration management.

What the driver sends, read from its source (napalm 5.x ``napalm/ios/ios.py``) and exercised here:

- getters: ``show version``, ``show hosts``, ``show ip interface brief``, ``show interfaces``, ``show running-config``
  / ``show startup-config`` (``get_config``), the ``username`` lines (``get_users``);
- ``load_merge_candidate`` / ``load_replace_candidate``: ``dir`` (file system), ``verify /md5``, SCP of the file to
  ``flash:/merge_config.txt`` / ``flash:/candidate_config.txt`` (after checking ``ip scp server enable``);
- ``compare_config``: ``show archive config incremental-diffs flash:/merge_config.txt ignorecase`` (merge) or
  ``show archive config differences system:running-config flash:/candidate_config.txt`` (replace);
- ``commit_config``: ``file prompt quiet``, ``show archive`` (pending commits), ``copy running-config
  flash:/rollback_config.txt``, ``dir flash:/…``, then ``copy flash:/merge_config.txt running-config`` (merge: an
  ``Invalid input`` in its output makes NAPALM roll back) or ``configure replace flash:/candidate_config.txt force
  revert trigger error`` (replace), and ``write mem``;
- ``rollback``: ``configure replace flash:/rollback_config.txt force`` and ``write mem``.

NAPALM lives in its own virtualenv (its junos-eznc dependency pins an ncclient other than the one these tests
use): ``IOSXE_TEST_NAPALM_PYTHON`` names its interpreter (``tools/test-all`` sets it); without it the test runs
NAPALM from this interpreter if it has it, and is skipped otherwise. tests/support/napalm_steps.py runs the steps
there and prints their results.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from agents import ADMIN_PASSWORD, ADMIN_USER
from namespaces import IOS

#: the whole NAPALM run takes ~15 s (netmiko's prompt discovery and delays on every command)
pytestmark = pytest.mark.slow

NAPALM_PYTHON_ENV = "IOSXE_TEST_NAPALM_PYTHON"
STEPS = Path(__file__).resolve().parents[1] / "support" / "napalm_steps.py"
SCP_ENABLE = "<ip><scp><server><enable/></server></scp></ip>"


def _python() -> str:
    python = os.environ.get(NAPALM_PYTHON_ENV)
    if python:
        return python
    if importlib.util.find_spec("napalm") is None:
        pytest.skip(f"NAPALM runs in its own virtualenv; set {NAPALM_PYTHON_ENV} to its python (tools/test-all does)")
    return sys.executable


@pytest.fixture(scope="module")
def results(agent: Any) -> dict[str, Any]:
    """Every step of tests/support/napalm_steps.py against the module's agent (``ip scp server enable`` added:
    NAPALM moves its candidate files with SCP)."""
    python = _python()
    with agent.connect() as m:
        m.edit_config(target="running", config=f'<config><native xmlns="{IOS}">{SCP_ENABLE}</native></config>')
    env = {**os.environ, "IOSXE_AGENT_ADMIN_PASSWORD": ADMIN_PASSWORD}
    done = subprocess.run(
        [python, str(STEPS), str(agent.ssh_port), ADMIN_USER],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-4000:]
    return dict(json.loads(done.stdout.splitlines()[-1]))


def test_getters(results: dict[str, Any]) -> None:
    facts = results["facts"]
    assert facts["vendor"] == "Cisco" and facts["hostname"] == "Router"
    assert "Version 17.12" in facts["os_version"]
    assert "^" not in facts["interface_list"] and "%" not in facts["interface_list"]
    assert results["interfaces"] == sorted(facts["interface_list"])
    config = results["config"]
    assert "hostname Router" in config["running"] and "hostname Router" in config["startup"]
    user = results["users"][ADMIN_USER]
    assert user["level"] == 15 and user["password"].startswith("$9$")


def test_merge_compare_commit_and_rollback(results: dict[str, Any]) -> None:
    merge = results["merge"]
    assert merge["diff"].splitlines() == ["+hostname NapalmMerged", "+ip ssh time-out 77"]
    assert merge["after_commit"] == "NapalmMerged"
    assert "ip ssh time-out 77" in merge["startup"]  # commit_config saves
    assert merge["after_rollback"] == "Router"
    assert "ip ssh time-out 77" not in merge["running_after_rollback"]


def test_a_merge_with_a_bad_line_is_rolled_back_by_napalm(results: dict[str, Any]) -> None:
    bad = results["bad_merge"]
    assert "Invalid input detected" in bad["refused"]  # IOS's caret text, which NAPALM looks for
    assert bad["after"] == "Router"


def test_a_discarded_candidate_changes_nothing(results: dict[str, Any]) -> None:
    discard = results["discard"]
    assert discard["diff"].splitlines() == ["+hostname Discarded"]
    assert discard["diff_after"] == "" and discard["after"] == "Router"


def test_replace_compare_commit_and_rollback(results: dict[str, Any]) -> None:
    replace = results["replace"]
    diff = replace["diff"].splitlines()
    assert {"+hostname Replaced", "-hostname Router", "+ip ssh time-out 45"} <= set(diff)
    assert "hostname Replaced" in replace["running"] and "ip ssh time-out 45" in replace["running"]
    assert replace["diff_after"] == ""  # the candidate is what runs now
    assert replace["after_rollback"] == "Router"
