"""Where YANG modules are searched: apart from :mod:`iosxe_agent.yang.loader` because it needs no pyang.

The schema cache (:mod:`iosxe_agent.yang.schema_cache`) hashes the files on this path before it knows whether
it must compile; importing pyang (~0.3 s) is left to a start that really compiles.
"""

from __future__ import annotations

import importlib.metadata
import sys
from pathlib import Path


def ietf_module_dir() -> Path | None:
    """Directory of the IETF modules that ship inside the pyang distribution (works in a venv too)."""
    try:
        for f in importlib.metadata.files("pyang") or ():
            if f.name == "ietf-inet-types.yang":
                return Path(str(f.locate())).parent
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - pyang is a hard dependency
        pass
    fallback = Path(sys.prefix) / "share" / "yang" / "modules" / "ietf"
    return fallback if fallback.is_dir() else None


def default_search_path(yang_dir: Path) -> list[Path]:
    """Our own modules first, then pyang's IETF modules."""
    dirs = [yang_dir]
    ietf = ietf_module_dir()
    if ietf is not None:
        dirs.append(ietf)
    return dirs
