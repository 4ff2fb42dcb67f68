"""The C allocator's tuning (iosxe_agent.allocator) takes effect where it applies."""

from __future__ import annotations

import platform

import pytest

from iosxe_agent.allocator import tune_allocator


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="fastbins are glibc's")
def test_glibc_accepts_fastbins_off() -> None:
    assert tune_allocator() is True


@pytest.mark.skipif(platform.libc_ver()[0] == "glibc", reason="only other C libraries are left alone")
def test_other_c_libraries_are_left_alone() -> None:
    assert tune_allocator() is False
