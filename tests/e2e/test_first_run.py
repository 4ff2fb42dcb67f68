"""A user's first minutes with ``iosxe-agent`` (issue 19, item 6), against the real process.

``--help`` tells the truth (the defaults actually used, every environment variable read, the fleet);
``--version`` answers without starting anything; a busy port is one line before anything is written; a tool
learns the ports (port 0) from ``--ready-file`` or the ``ready:`` line; no password is ever needed on the command
line; ``--startup-config`` seeds a first start and only a first start. Every assertion is about what a user sees:
the output, the exit status, the files, a login.
"""

from __future__ import annotations

import ast
import os
import re
import socket
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from agents import ADMIN_PASSWORD, ADMIN_USER

from iosxe_agent.fleet.endpoints import Ready

ROOT = Path(__file__).resolve().parents[2]
AGENT_SOURCE = ROOT / "iosxe_agent"
#: the names of environment variables the source reads: ``os.environ[...]``/``.get(...)``, ``getenv(...)`` and the
#: ``*_ENV = "..."`` constants those calls are given
_ENV_READS = re.compile(r"""(?:environ(?:\.get)?\s*[\[(]\s*|getenv\(\s*|_ENV\s*=\s*)["']([A-Z][A-Z0-9_]*)["']""")
SEED = """\
hostname EdgeR5
!
username netops privilege 15 secret 0 Seeded-pw1
ip domain name seed.lab
aaa new-model
aaa authentication login default local
aaa authorization exec default local
ip ssh version 2
line vty 0 4
 transport input ssh
!
end
"""


def clean_env(**extra: str) -> dict[str, str]:
    """The test's environment without the agent's own variables (a developer's shell may set them), plus ``extra``;
    a wide terminal so argparse wraps no line of ``--help``."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("IOSXE_AGENT_") and k != "XDG_STATE_HOME"}
    return {**base, "COLUMNS": "300", **extra}


def run_agent(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m iosxe_agent ARGS`` to its end (bounded), output captured."""
    return subprocess.run(
        [sys.executable, "-m", "iosxe_agent", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env=env if env is not None else clean_env(),
        timeout=120,
        check=False,
    )


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A loopback port another program listens on."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield int(other.getsockname()[1])


def ready_line(agent: Any) -> str:
    """The JSON of the agent's ``iosxe-agent: ready: …`` line (printed once everything listens)."""
    agent.wait_for_output(r"^iosxe-agent: ready: \{")
    line = next(line for line in agent.output if line.startswith("iosxe-agent: ready: "))
    return line.removeprefix("iosxe-agent: ready: ").strip()


# -- --help and --version -----------------------------------------------------------------------------------------
def test_help_shows_the_defaults_in_use_the_environment_and_the_fleet(tmp_path: Path) -> None:
    xdg = run_agent("--help", env=clean_env(XDG_STATE_HOME=str(tmp_path / "xdg")))
    assert xdg.returncode == 0
    assert xdg.stderr == ""  # no third-party warning before the help
    assert f"(default: {tmp_path / 'xdg' / 'iosxe-agent'})" in xdg.stdout
    for default in ("(default: 127.0.0.1)", "(default: 8830;", "(default: 8022;", "(default: INFO)"):
        assert default in xdg.stdout
    assert "iosxe-agent fleet --devices N" in xdg.stdout
    assert re.search(r"^  IOSXE_AGENT_ADMIN_PASSWORD +its password", xdg.stdout, re.M), xdg.stdout

    home = run_agent("--help", env=clean_env(HOME=str(tmp_path), IOSXE_AGENT_ADMIN_USER="netops"))
    assert f"(default: {tmp_path / '.local' / 'state' / 'iosxe-agent'})" in home.stdout
    assert "user of a first start (default: netops)" in home.stdout
    assert not (tmp_path / ".local").exists()  # help creates nothing


def test_help_lists_every_environment_variable_the_agent_reads() -> None:
    read = {name for path in AGENT_SOURCE.rglob("*.py") for name in _ENV_READS.findall(path.read_text())}
    assert {"IOSXE_AGENT_ADMIN_USER", "IOSXE_AGENT_ADMIN_PASSWORD", "XDG_STATE_HOME"} <= read  # the scan works
    epilog = run_agent("--help").stdout.split("environment variables:", 1)[1]
    assert sorted(name for name in read if not re.search(rf"^  {name} ", epilog, re.M)) == []


def test_version_answers_without_starting_anything(tmp_path: Path) -> None:
    run = run_agent("--version", env=clean_env(XDG_STATE_HOME=str(tmp_path)))
    assert (run.returncode, run.stdout, run.stderr) == (0, f"iosxe-agent {metadata.version('iosxe-agent')}\n", "")
    assert list(tmp_path.iterdir()) == []


def test_the_agent_package_never_imports_ncclient() -> None:
    """ncclient is an extra (``samples``, ``test``): a plain ``pip install iosxe-agent`` has none."""
    imported = set()
    for path in AGENT_SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {(path.name, alias.name.split(".")[0]) for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add((path.name, node.module.split(".")[0]))
    assert [name for name, module in imported if module == "ncclient"] == []


def test_the_readme_lists_exactly_the_packages_tools_test_all_installs() -> None:
    """A dependency added to ``tools/test-all`` or the ``test`` extra must be added to the README's list too."""
    readme = " ".join((ROOT / "README.md").read_text().split())
    listed = re.search(r"Debian packages (.*?); Python packages, the `test` extra: (.*?)\)", readme)
    assert listed, "the README's 'Install the test dependencies (Debian packages …' sentence is gone"
    installer = re.search(r"DEBIAN_PACKAGES=\((.*?)\)", (ROOT / "tools" / "test-all").read_text())
    assert installer
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["test"]
    assert re.findall(r"`([^`]+)`", listed.group(1)) == installer.group(1).split()
    assert re.findall(r"`([^`]+)`", listed.group(2)) == [re.split(r"[<>=!~\[; ]", req)[0] for req in extra]


# -- a busy port ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("option", ["--netconf-port", "--ssh-port"])
def test_a_busy_port_is_one_line_before_anything_is_written(option: str, busy_port: int, tmp_path: Path) -> None:
    state = tmp_path / "state"
    other = "--ssh-port" if option == "--netconf-port" else "--netconf-port"
    run = run_agent("--state-dir", str(state), option, str(busy_port), other, "0")
    assert run.returncode != 0
    assert run.stderr == f"iosxe-agent: cannot listen on 127.0.0.1:{busy_port}: address already in use\n"
    assert run.stdout == ""  # in particular no generated password for a device that never ran
    assert not state.exists()  # no bootstrap configuration, no keys


def test_the_same_port_twice_is_refused_the_same_way(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    run = run_agent("--state-dir", str(tmp_path / "state"), "--netconf-port", port, "--ssh-port", port)
    assert run.returncode != 0
    assert run.stderr == f"iosxe-agent: cannot listen on 127.0.0.1:{port}: address already in use\n"
    assert not (tmp_path / "state").exists()


# -- ready file ------------------------------------------------------------------------------------------------------
def test_ready_file_and_line_tell_a_tool_the_ports_chosen_for_port_0(
    fresh_agent: Callable[..., Any], tmp_path: Path
) -> None:
    ready_file = tmp_path / "ready.json"
    agent = fresh_agent("--ready-file", str(ready_file))
    printed = ready_line(agent)
    written = ready_file.read_text()
    assert written == printed + "\n"  # one JSON line, the same as printed
    ready = Ready.loads(written)
    assert agent.proc is not None and ready.pid == agent.proc.pid
    assert ready.admin_user == ADMIN_USER
    (device,) = ready.endpoints
    assert (device.name, device.host, device.state_dir) == ("Router", "127.0.0.1", agent.state_dir)
    assert (device.ssh_port, device.netconf_port) == (agent.ssh_port, agent.netconf_port)
    assert ADMIN_PASSWORD not in written
    m = agent.connect()  # the NETCONF port the file names answers
    try:
        assert "<hostname>Router</hostname>" in m.get_config("running").xml
    finally:
        m.close_session()
    assert agent.stop() == 0
    assert not ready_file.exists()  # only while the device serves: a tool never reads a dead process's ports


# -- the admin password ----------------------------------------------------------------------------------------------
def test_a_first_start_with_no_password_source_prints_a_generated_one_once(fresh_agent: Callable[..., Any]) -> None:
    agent = fresh_agent(password_env={})
    first = agent.log_text()
    found = re.search(r"first start: admin user 'admin', password '([A-Za-z0-9]{16})'", first)
    assert found, first
    assert "(shown once; it is stored only as a type-9 hash)" in first
    agent.connect(password=found.group(1)).close_session()
    agent.restart()
    again = agent.log_text()
    assert found.group(1) not in again and "password '" not in again
    assert "the stored configuration decides who may log in" in again
    agent.connect(password=found.group(1)).close_session()


def test_a_password_on_the_command_line_still_works_but_warns(fresh_agent: Callable[..., Any]) -> None:
    agent = fresh_agent(password_args=("--admin-password", "Cmdline-pw1"), password_env={})
    started = agent.log_text()
    assert "iosxe-agent: warning: --admin-password is visible to every local user" in started
    assert "created with the password from --admin-password" in started
    agent.connect(password="Cmdline-pw1").close_session()


# -- --startup-config ------------------------------------------------------------------------------------------------
def test_startup_config_seeds_the_first_start_only(fresh_agent: Callable[..., Any], tmp_path: Path) -> None:
    seed = tmp_path / "edge.cfg"
    seed.write_text(SEED)
    agent = fresh_agent("--startup-config", str(seed))
    assert Ready.loads(ready_line(agent)).endpoints[0].name == "EdgeR5"
    assert "[EdgeR5]" in agent.log_text()  # the console names the seeded device
    m = agent.connect(user="netops", password="Seeded-pw1")  # the seed's own user
    try:
        assert "<hostname>EdgeR5</hostname>" in m.get_config("running").xml
    finally:
        m.close_session()
    agent.connect().close_session()  # and the admin user is still there

    seed.write_text(SEED.replace("hostname EdgeR5", "hostname Other"))
    agent.restart()
    assert Ready.loads(ready_line(agent)).endpoints[0].name == "EdgeR5"  # startup exists: the file is not read
    assert "the stored configuration decides who may log in" in agent.log_text()


def test_an_unreadable_startup_config_is_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "missing.cfg"
    run = run_agent("--state-dir", str(tmp_path / "st"), "--netconf-port", "0", "--ssh-port", "0",
                    "--startup-config", str(missing))  # fmt: skip
    assert run.returncode != 0
    assert run.stderr.splitlines()[-1] == (
        f"iosxe-agent: cannot read the startup configuration {missing}: No such file or directory"
    )
    assert "Traceback" not in run.stderr and "password '" not in run.stdout
    assert not (tmp_path / "st" / "startup-config.xml").exists()
