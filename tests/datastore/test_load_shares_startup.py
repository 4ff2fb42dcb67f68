"""Start-up commits the startup tree it parsed as running without copying it (iosxe_agent/datastore/store.py
``Stores.load``): the two datastores share one tree until an edit, which works on a copy, so a change of running
never reaches startup, and a restart serves what a copied load served."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import etree
from stored_running import running_files, stored_running

from iosxe_agent.datastore.store import CANDIDATE, RUNNING, StorePaths, Stores
from iosxe_agent.datastore.transaction import Face, Origin
from iosxe_agent.device.secrets import hash_clear_secrets
from iosxe_agent.limits import Limits

S1 = Origin(session_id=1, user="alice", face=Face.NETCONF)
BOOT = "<hostname>Router</hostname><username><name>admin</name><privilege>15</privilege></username>"


def _stores(ios: Any, state: Path) -> Stores:
    stores = Stores(ios.schema, Limits(), StorePaths(state / "startup-config.xml", state / "running-config.xml"))
    stores.normalize_with(hash_clear_secrets)
    stores.load(lambda: ios.cfg(BOOT + "<enable><secret><type>0</type><secret>En-pass1</secret></secret></enable>"))
    return stores


async def test_running_starts_as_the_startup_tree_and_edits_leave_startup_alone(ios: Any, tmp_path: Path) -> None:
    first = _stores(ios, tmp_path)
    assert first.running is first.startup  # the fast path: nothing copied
    startup_bytes = etree.tostring(first.startup)
    await first.edit(RUNNING, ios.cfg("<hostname>Changed</hostname>"), S1)
    await first.edit(CANDIDATE, ios.cfg("<hostname>Cand</hostname>"), S1)
    await first.commit(S1)
    assert etree.tostring(first.startup) == startup_bytes
    assert ios.text(first.running, "ios:native/ios:hostname") == "Cand"

    again = _stores(ios, tmp_path)  # a restart: startup read back, normalized once, served as running
    assert etree.tostring(again.running) == etree.tostring(again.startup) == startup_bytes
    # running is that very tree, and no file but startup's holds it until a commit: the last run's is gone
    assert not running_files(tmp_path) and stored_running(tmp_path, ios.schema) is None
    await again.edit(RUNNING, ios.cfg("<hostname>Next</hostname>"), S1)
    stored = stored_running(tmp_path, ios.schema)
    assert stored is not None and etree.tostring(stored) == etree.tostring(again.running)
