"""tests/e2e/guide (the SSH/SCP guide as data, and its pty driver) as an importable package for the two guide
tests: pytest's importlib mode puts no test folder on ``sys.path``, and the package's modules import each other
relatively, so it is loaded once under a private name with its submodules."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

FOLDER = Path(__file__).resolve().parents[1] / "e2e" / "guide"
NAME = "_iosxe_guide"
MODULES = ("model", "steps", "configs", "keys", "driver", "peers")


def guide() -> ModuleType:
    """The package, with every module of :data:`MODULES` loaded as an attribute."""
    if NAME not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            NAME, FOLDER / "__init__.py", submodule_search_locations=[str(FOLDER)]
        )
        assert spec is not None and spec.loader is not None
        sys.modules[NAME] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[NAME])
    for module in MODULES:
        importlib.import_module(f"{NAME}.{module}")
    return sys.modules[NAME]
