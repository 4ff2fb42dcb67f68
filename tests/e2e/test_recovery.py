"""Recovery from a configuration nobody can log in to (issue 16, item 5), against the real agent process.

Lock yourself out over NETCONF and save, restart: the start-up output says the stored configuration decides and
warns that nobody can open a NETCONF session; ``iosxe-agent --recover-admin`` (refused while the agent runs)
restores a privilege-15 user and, when the login list is what locks everyone out, the login list; the next
start lets that user in. The password reaches the agent from a file or the environment, never through ``ps``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from agents import ADMIN_PASSWORD
from namespaces import AAA, IOS, native
from ncclient.transport.errors import AuthenticationError


def recover(state_dir: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m iosxe_agent --recover-admin …`` with stdin not a terminal (so no prompt)."""
    base = {k: v for k, v in os.environ.items() if k != "IOSXE_AGENT_ADMIN_PASSWORD"}
    return subprocess.run(
        [sys.executable, "-m", "iosxe_agent", "--state-dir", str(state_dir), "--recover-admin", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env={**base, **(env or {})},
        timeout=120,
        check=False,
    )


def lock_out(agent: Any, body: str) -> None:
    """Commit ``body`` to running over NETCONF and save it: the configuration the next start loads."""
    m = agent.connect()
    try:
        m.edit_config(target="running", config=native(body))
        m.save_config()
    finally:
        m.close_session()


def assert_refused(agent: Any, password: str) -> None:
    with pytest.raises(AuthenticationError):
        agent.connect(password=password)


def assert_admin_session(agent: Any, password: str) -> None:
    m = agent.connect(password=password)
    try:
        assert f'<native xmlns="{IOS}">' in m.get_config("running").xml
    finally:
        m.close_session()


def test_password_file_keeps_it_out_of_ps_then_lock_out_warn_and_recover(
    fresh_agent: Callable[..., Any], tmp_path: Path
) -> None:
    secret = tmp_path / "admin.pw"
    secret.write_text(ADMIN_PASSWORD + "\n")
    secret.chmod(0o600)
    agent = fresh_agent(password_args=("--admin-password-file", str(secret)), password_env={})
    assert agent.proc is not None
    cmdline = Path(f"/proc/{agent.proc.pid}/cmdline").read_bytes()
    assert ADMIN_PASSWORD.encode() not in cmdline and b"--admin-password-file" in cmdline
    started = agent.log_text()
    assert f"admin user 'admin' created with the password from --admin-password-file {secret}" in started
    assert "NETCONF logins (privilege 15, local): admin" in started
    assert "WARNING" not in started
    assert_admin_session(agent, ADMIN_PASSWORD)

    # every user deleted and saved: nobody can log in after a restart
    lock_out(agent, '<username nc:operation="delete"><name>admin</name></username>')
    agent.restart()
    started = agent.log_text()
    assert "the stored configuration decides who may log in" in started
    assert f"the password from --admin-password-file {secret} is not used" in started
    assert "WARNING: no user in the configuration can open a NETCONF session" in started
    assert "iosxe-agent --recover-admin" in started
    assert_refused(agent, ADMIN_PASSWORD)

    # the running agent owns the state directory: recovery is refused and changes nothing
    busy = recover(agent.state_dir, env={"IOSXE_AGENT_ADMIN_PASSWORD": "N3w-admin"})
    assert busy.returncode == 1
    assert f"an agent (pid {agent.proc.pid}) is running on {agent.state_dir}" in busy.stderr
    assert_refused(agent, "N3w-admin")
    agent.stop()

    done = recover(agent.state_dir, env={"IOSXE_AGENT_ADMIN_PASSWORD": "N3w-admin"})
    assert done.returncode == 0, done.stderr
    assert f"recovered {agent.state_dir / 'startup-config.xml'}" in done.stdout
    assert "username admin privilege 15 secret 9 <new secret>" in done.stdout
    assert "N3w-admin" not in done.stdout + done.stderr
    agent.output.clear()
    agent.start()
    started = agent.log_text()
    assert "NETCONF logins (privilege 15, local): admin" in started and "WARNING" not in started
    assert_admin_session(agent, "N3w-admin")
    assert_refused(agent, ADMIN_PASSWORD)


def test_recover_admin_repairs_the_login_list_in_startup_and_persisted_running(
    fresh_agent: Callable[..., Any], tmp_path: Path
) -> None:
    agent = fresh_agent("--persist-running")
    # users intact, but the login list asks for a line password, which NETCONF has none of
    lock_out(
        agent,
        f'<aaa><authentication xmlns="{AAA}"><login><name>default</name>'
        '<a1 nc:operation="replace"><line/></a1></login></authentication></aaa>',
    )
    agent.restart()
    assert "WARNING: no user in the configuration can open a NETCONF session" in agent.log_text()
    assert "'aaa authentication login default line'" in agent.log_text()
    agent.stop()

    # no password source and no terminal: a random password, printed once
    done = recover(agent.state_dir, "ops")
    assert done.returncode == 0, done.stderr
    assert "aaa authentication login default local (was: line)" in done.stdout
    assert f"recovered {agent.state_dir / 'running-config.xml'}" in done.stdout  # what --persist-running loads
    found = re.search(r"user 'ops', new password '([A-Za-z0-9]{16})' \(shown once", done.stdout)
    assert found, done.stdout
    agent.output.clear()
    agent.start()
    assert "NETCONF logins (privilege 15, local): admin, ops" in agent.log_text()
    m = agent.connect(user="ops", password=found.group(1))
    try:
        xml = m.get_config("running").xml
        assert "<name>ops</name>" in xml and "<privilege>15</privilege>" in xml
    finally:
        m.close_session()


def test_password_on_the_command_line_warns_and_empty_file_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.pw"
    empty.write_text("\n")
    for args, expected in (
        (("--admin-password", "Cmdline-pw1", "--recover-admin"), "--admin-password is visible to every local user"),
        (("--admin-password-file", str(empty)), f"the password file {empty} is empty"),
        (("--admin-password-file", str(empty), "--admin-password", "x"), "not both"),
    ):
        run = subprocess.run(
            [sys.executable, "-m", "iosxe_agent", "--state-dir", str(tmp_path / "st"), *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert expected in run.stderr, run.stderr
    assert not (tmp_path / "st").exists()
