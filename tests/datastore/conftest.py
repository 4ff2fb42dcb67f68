"""Fixtures of the pure-layer tests: the compiled schemas and document builders from tests/cisco_schema.py."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

_NAME = "_iosxe_pure_test_helpers"


def _helpers() -> ModuleType:
    """tests/cisco_schema.py, loaded once per run whichever conftest asks first."""
    if _NAME not in sys.modules:
        spec = importlib.util.spec_from_file_location(_NAME, Path(__file__).resolve().parents[1] / "cisco_schema.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[_NAME] = module
        spec.loader.exec_module(module)
    return sys.modules[_NAME]


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
