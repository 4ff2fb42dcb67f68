"""``store._CollectorPaused`` (the class that replaced a ``contextlib`` generator around every edit and commit):
the collector is off inside, and comes back as it was before, whether the block ends or raises, nested or not."""

from __future__ import annotations

import contextlib
import gc

import pytest

from iosxe_agent.datastore.store import _CollectorPaused


@pytest.mark.parametrize("enabled", [True, False])
@pytest.mark.parametrize("raises", [True, False])
def test_the_collector_is_paused_inside_and_restored_after(enabled: bool, raises: bool) -> None:
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        with pytest.raises(RuntimeError) if raises else contextlib.nullcontext(), _CollectorPaused():
            assert not gc.isenabled()
            with _CollectorPaused():
                assert not gc.isenabled()
            assert not gc.isenabled()  # the inner one found it paused: it leaves it paused
            if raises:
                raise RuntimeError
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
