"""Shared fixtures: the agent as a real process on ephemeral loopback ports with a temporary state dir."""

from __future__ import annotations

import importlib.util
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import IO, Any

import pytest
from agents import ADMIN_PASSWORD, ADMIN_USER, netconf_manager
from candidate import enable_candidate
from namespaces import native
from ncclient import manager

_READY = re.compile(r"NETCONF on ([0-9.]+):(\d+)")
_SSH = re.compile(r"SSH on ([0-9.]+):(\d+)")


@dataclass
class AgentProcess:
    """A running agent and how to reach it."""

    state_dir: Path
    extra_args: tuple[str, ...] = ()
    host: str = "127.0.0.1"
    netconf_port: int = 0
    ssh_port: int = 0
    proc: subprocess.Popen[str] | None = None
    output: list[str] = field(default_factory=list)
    #: signalled whenever the drain thread appends a line (see wait_for_output)
    _printed: threading.Condition = field(default_factory=threading.Condition)
    #: how the admin password reaches the agent: the environment, so it never shows in ps (a test may give
    #: ``--admin-password-file F`` instead, with an empty ``password_env``)
    password_args: tuple[str, ...] = ()
    password_env: dict[str, str] = field(default_factory=lambda: {"IOSXE_AGENT_ADMIN_PASSWORD": ADMIN_PASSWORD})
    #: configure ``netconf-yang feature candidate-datastore`` (and save it) on the first start, over the CLI as the
    #: test administrator: a fresh agent, like a factory 17.12 box, has no candidate datastore
    #: (tests/support/candidate.py). Agents started with another password are left as they start.
    candidate: bool = True
    _candidate_done: bool = False

    def start(self) -> None:
        cmd = [
            sys.executable, "-m", "iosxe_agent", "--state-dir", str(self.state_dir), "--netconf-port", "0",
            "--ssh-port", "0", "--admin-user", ADMIN_USER, *self.password_args,
            "--log-level", "INFO", *self.extra_args,
        ]  # fmt: skip
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **self.password_env}
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        deadline = time.monotonic() + 60
        assert self.proc.stdout is not None
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("agent exited during start-up:\n" + "".join(self.output))
            self.output.append(line)
            ssh = _SSH.search(line)
            if ssh:
                self.ssh_port = int(ssh.group(2))
            m = _READY.search(line)
            if m:
                self.netconf_port = int(m.group(2))
                threading.Thread(target=self._drain, args=(self.proc.stdout,), daemon=True).start()
                if self.candidate and not self._candidate_done and self._test_admin():
                    enable_candidate(self.ssh_port, host=self.host)
                    self._candidate_done = True
                return
        raise RuntimeError("agent did not start in time:\n" + "".join(self.output))

    def _test_admin(self) -> bool:
        """True if the agent's administrator logs in with the tests' password (agents.ADMIN_PASSWORD)."""
        return not self.password_args and self.password_env.get("IOSXE_AGENT_ADMIN_PASSWORD") == ADMIN_PASSWORD

    def stop(self) -> int:
        if self.proc is None:
            return 0
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.proc = None
        return rc

    def restart(self) -> None:
        self.stop()
        self.output.clear()
        self.start()

    def log_text(self) -> str:
        """Everything the agent printed so far (stdout and stderr). A line the agent is still writing may be
        missing: wait for the last line a check depends on with :meth:`wait_for_output` first."""
        with self._printed:
            return "".join(self.output)

    def wait_for_output(self, pattern: str, count: int = 1, timeout: float = 20, after: int = 0) -> None:
        """Wait until ``pattern`` (a regex) has appeared in ``count`` lines of the agent's output (from line
        ``after`` on, e.g. ``len(agent.output)`` before a restart): the event a test waits on when the agent finishes
        something asynchronously (e.g. releasing a closed session)."""
        regex = re.compile(pattern)

        def seen() -> bool:
            return sum(1 for line in self.output[after:] if regex.search(line)) >= count

        with self._printed:
            if not self._printed.wait_for(seen, timeout):
                raise AssertionError(f"agent never printed {pattern!r} {count} time(s):\n" + "".join(self.output[-40:]))

    def _drain(self, stream: IO[str]) -> None:
        """Keep reading the agent's output so a full pipe never blocks its logging."""
        for line in stream:
            with self._printed:
                self.output.append(line)
                self._printed.notify_all()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def connect(self, *, user: str = ADMIN_USER, password: str = ADMIN_PASSWORD, **kw: Any) -> manager.Manager:
        return netconf_manager(self.host, self.netconf_port, user, password, **kw)

    def commit(self, body: str) -> None:
        """Merge ``<native>body</native>`` as an automation client would: through candidate and commit when the
        device has a candidate datastore (``netconf-yang feature candidate-datastore``), else into running."""
        m = self.connect()
        try:
            if ":candidate" in m.server_capabilities:
                m.edit_config(target="candidate", config=native(body))
                m.commit()
            else:
                m.edit_config(target="running", config=native(body))
        finally:
            m.close_session()


# -- order and markers ------------------------------------------------------------------------------------------------
_FUZZ = Path(__file__).resolve().parent / "fuzz"
_E2E = Path(__file__).resolve().parent / "e2e"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The fuzz targets are slow by design (a CPU budget of minutes, tests/fuzz/conftest.py), so they carry the
    ``slow`` marker like the long end-to-end tests (``-m "not slow"`` for a quick run).

    Longest first, each file's tests still together and in their own order: files holding slow tests, then the
    other end-to-end files (seconds each, real agents), then the in-process ones (milliseconds). With several
    workers (tools/test-all: pytest-xdist, one file per worker at a time, in this order) no long file starts
    last and keeps one worker busy alone at the end."""
    for item in items:
        if _FUZZ in item.path.parents:
            item.add_marker(pytest.mark.slow)
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: (item.path not in slow_files, _E2E not in item.path.parents))


@pytest.fixture(scope="session", autouse=True)
def _schema_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One compiled-schema cache (iosxe_agent/yang/schema_cache.py) for every agent the run starts, in-process or
    not, shared by the xdist workers of one run: the schema is compiled once instead of at each start, and the
    user's own ~/.cache is left alone."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's directory, above each worker's own
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(base / "xdg-cache"))
        yield


def _spawn(tmp_path_factory: pytest.TempPathFactory, *args: str, **fields: Any) -> AgentProcess:
    agent = AgentProcess(tmp_path_factory.mktemp("state") / "agent", tuple(args), **fields)
    agent.start()
    return agent


@pytest.fixture(scope="module")
def agent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AgentProcess]:
    """One agent shared by a test module (tests use their own names so they do not collide)."""
    a = _spawn(tmp_path_factory)
    yield a
    a.stop()


@pytest.fixture
def fresh_agent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., AgentProcess]]:
    """A factory of agents of the test's own, with extra command-line arguments (and AgentProcess fields)."""
    started: list[AgentProcess] = []

    def make(*args: str, **fields: Any) -> AgentProcess:
        a = _spawn(tmp_path_factory, *args, **fields)
        started.append(a)
        return a

    yield make
    for a in started:
        a.stop()


@pytest.fixture
def nc(agent: AgentProcess) -> Iterator[manager.Manager]:
    """An ncclient session (iosxe device handler) to the shared agent."""
    m = agent.connect()
    yield m
    if m.connected:
        m.close_session()


# -- pure-layer fixtures: the compiled schemas and document builders from tests/cisco_schema.py ----------------------
_NAME = "_iosxe_pure_test_helpers"


def _load_file(key: str, path: Path) -> ModuleType:
    """A helper module outside any package, loaded once per run under ``key`` (pytest runs in importlib mode, so
    test files cannot import each other by name)."""
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module
        spec.loader.exec_module(module)
    return sys.modules[key]


def _helpers() -> ModuleType:
    """tests/cisco_schema.py, loaded once per run whichever conftest asks first."""
    return _load_file(_NAME, Path(__file__).resolve().parent / "cisco_schema.py")


@pytest.fixture(scope="session")
def peers() -> Callable[[str], ModuleType]:
    """Loads a module of tests/peers/ by name: the TACACS+ server, the freeradius runner, the SNMP receiver."""
    folder = Path(__file__).resolve().parent / "peers"
    return lambda name: _load_file(f"_iosxe_test_peer_{name}", folder / f"{name}.py")


@pytest.fixture(scope="session")
def helpers() -> ModuleType:
    """The helper module (constants, ``xml``, ``wire``, ``instance`` …)."""
    return _helpers()


@pytest.fixture(scope="session")
def ios() -> Any:
    """Builders over the Cisco schema (``<native>`` documents)."""
    return _helpers().ios_doc()


@pytest.fixture(scope="session")
def edge() -> Any:
    """Builders over the synthetic test-edge module (``<top>`` documents)."""
    return _helpers().edge_doc()
