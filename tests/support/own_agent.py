"""An agent of a test module's own, started with extra options (the RESTCONF and gNMI tests give ``0`` ports: the
kernel chooses, so xdist workers run side by side) and stopped when the module is done."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"


@contextmanager
def own_agent(request: pytest.FixtureRequest, tmp: pytest.TempPathFactory, name: str, *args: str) -> Iterator[Any]:
    """tests/conftest.py's ``AgentProcess`` with ``args``, started in a fresh directory named after ``name``
    (pytest's importlib mode gives test files no import of conftest by name, so it is found as a plugin)."""
    conftest = request.config.pluginmanager.get_plugin(str(CONFTEST))
    assert conftest is not None
    agent = conftest.AgentProcess(tmp.mktemp(name) / "agent", args)
    agent.start()
    try:
        yield agent
    finally:
        agent.stop()
