"""Where the admin password comes from, and when its file is worth a warning (iosxe_agent/admin_password.py)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from iosxe_agent.admin_password import exposed, read_password_file


def _file(tmp_path: Path, mode: int) -> Path:
    path = tmp_path / "admin-password"
    path.write_text("Lab-pass-1\n")
    os.chmod(path, mode)
    return path


def test_the_first_line_is_the_password_and_a_private_file_is_quiet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert read_password_file(_file(tmp_path, 0o600)) == "Lab-pass-1"
    assert capsys.readouterr().err == ""


def test_a_world_readable_file_is_warned_about(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    read_password_file(_file(tmp_path, 0o644))
    assert "is readable by other users (chmod 600 it)" in capsys.readouterr().err


def test_group_bits_count_only_for_a_group_we_are_not_in(tmp_path: Path) -> None:
    """A Kubernetes Secret mounted with fsGroup is 0440 in the pod's own group: no warning on every start."""
    info = os.stat(_file(tmp_path, 0o440))
    assert info.st_gid in {os.getgid(), *os.getgroups()}
    assert not exposed(info)
    foreign = os.stat_result((stat.S_IFREG | 0o440, 0, 0, 1, os.getuid(), _a_foreign_gid(), 0, 0, 0, 0))
    assert exposed(foreign)


def _a_foreign_gid() -> int:
    ours = {os.getgid(), *os.getgroups()}
    return next(gid for gid in range(60000, 65000) if gid not in ours)
