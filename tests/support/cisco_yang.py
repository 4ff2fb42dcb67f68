"""Checking what the agent serves against Cisco's real IOS XE 17.12.1 modules (YangModels/yang, a local clone).

Our YANG text is our own; names, namespaces, types and keys must be Cisco's. The proof is an independent
validator: yanglint reads a NETCONF reply with the real ``vendor/cisco/xe/17121`` modules (features all on, as
the box announces them). They come from ``IOSXE_CISCO_YANG`` (a directory holding them) or are unpacked from a
clone at ``IOSXE_AGENT_YANGMODELS_GIT`` (a bare repository); a test with neither is skipped (CI cannot fetch them:
the check runs where they are).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

YANGMODELS_GIT = Path(os.environ.get("IOSXE_AGENT_YANGMODELS_GIT", "/work/.mirror/YangModels+yang/repo"))
CISCO_1712 = "vendor/cisco/xe/17121"


def extract_cisco_modules(dest: Path) -> Path:
    """The real 17.12.1 modules: ``IOSXE_CISCO_YANG``, else unpacked under ``dest``; skips the calling test
    without either."""
    given = os.environ.get("IOSXE_CISCO_YANG")
    if given:
        return Path(given)
    if shutil.which("git") is None or not YANGMODELS_GIT.exists():
        pytest.skip(f"no YangModels/yang clone at {YANGMODELS_GIT} (set IOSXE_AGENT_YANGMODELS_GIT)")
    archive = subprocess.run(
        ["git", f"--git-dir={YANGMODELS_GIT}", "archive", "HEAD", CISCO_1712],
        capture_output=True,
        timeout=120,
        check=True,
    )
    subprocess.run(["tar", "x", "-C", str(dest)], input=archive.stdout, timeout=120, check=True)
    return dest / CISCO_1712


def yanglint_errors(native: etree._Element, cisco: Path, scratch: Path) -> list[str]:
    """What yanglint says about ``<native>`` (a configuration subtree) against the real modules its namespaces
    name (each Cisco namespace ends in its module's name); empty when it is valid."""
    namespaces = {etree.QName(el).namespace for el in native.iter() if isinstance(el.tag, str)}
    modules = sorted(str(cisco / f"{ns.rpartition('/')[2]}.yang") for ns in namespaces if ns)
    doc = scratch / "native.xml"
    doc.write_bytes(etree.tostring(native))
    cmd = ["yanglint", "-p", str(cisco), "-F", "Cisco-IOS-XE-features:*", "-t", "config", *modules, str(doc)]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    errors = [line for line in (result.stdout + result.stderr).splitlines() if "libyang warn" not in line]
    return errors if result.returncode or errors else []
