"""The datastores with a hidden module (the device-private one): a NETCONF-view edit or parse refuses hidden
nodes and keeps them when it replaces; a partial lock selects none of them; whole-tree paths carry them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from namespaces import IOS, PRIV

from iosxe_agent.datastore.store import CANDIDATE, RUNNING, STARTUP, StoreError, StorePaths, Stores
from iosxe_agent.datastore.transaction import Face, Origin
from iosxe_agent.limits import Limits

BOOT = (
    "<hostname>Router</hostname><ip><ssh><time-out>60</time-out>"
    f'<stricthostkeycheck xmlns="{PRIV}"/></ssh></ip><file xmlns="{PRIV}"><prompt>quiet</prompt></file>'
)
NC1 = Origin(session_id=1, user="alice", face=Face.NETCONF)
STRICT = f"{{{IOS}}}native/{{{IOS}}}ip/{{{IOS}}}ssh/{{{PRIV}}}stricthostkeycheck"


@pytest.fixture
def stores(ios: Any, tmp_path: Path) -> Stores:
    s = Stores(ios.schema, Limits(), StorePaths(tmp_path / "startup-config.xml", tmp_path / "running-config.xml"))
    s.load(lambda: ios.cfg(BOOT))
    return s


async def test_a_visible_only_edit_naming_a_hidden_node_is_refused(ios: Any, stores: Stores) -> None:
    edit = ios.cfg(f'<ip><ssh><stricthostkeycheck xmlns="{PRIV}" nc:operation="delete"/></ssh></ip>')
    with pytest.raises(StoreError) as info:
        await stores.edit(RUNNING, edit, NC1, visible_only=True)
    assert info.value.errors[0].tag == "unknown-element"
    assert stores.running.find(STRICT) is not None
    await stores.edit(RUNNING, edit, NC1)  # a full-view writer (the CLI) may
    assert stores.running.find(STRICT) is None


@pytest.mark.parametrize("ds", [RUNNING, CANDIDATE])
async def test_a_visible_only_replace_keeps_the_hidden_part(ios: Any, stores: Stores, ds: Any) -> None:
    await stores.edit(ds, ios.cfg("<hostname>R2</hostname>"), NC1, default_operation="replace", visible_only=True)
    tree = stores.tree(ds)
    assert tree.findtext(f"{{{IOS}}}native/{{{IOS}}}hostname") == "R2"
    assert tree.find(STRICT) is not None and tree.find(f".//{{{PRIV}}}prompt") is not None


def test_parse_config_of_a_partial_view_refuses_hidden_nodes(ios: Any, stores: Stores) -> None:
    with pytest.raises(StoreError):
        stores.parse_config(ios.cfg(BOOT), visible_only=True)
    with pytest.raises(StoreError):
        stores.validate_config(ios.cfg(BOOT), visible_only=True)
    assert stores.parse_config(ios.cfg(BOOT)).find(STRICT) is not None


def test_a_partial_lock_selects_no_hidden_node(stores: Stores) -> None:
    prefixes = {"ios": IOS, "p": PRIV}
    for select in ("/ios:native/ios:ip/ios:ssh/p:stricthostkeycheck", "/ios:native/p:file/p:prompt"):
        with pytest.raises(StoreError) as info:
            stores.partial_lock(1, "alice", [(select, prefixes)])
        assert info.value.errors[0].app_tag == "no-matches"
    assert stores.partial_lock(1, "alice", [("/ios:native/ios:hostname", prefixes)]).nodes


async def test_save_and_candidate_carry_the_hidden_part(stores: Stores) -> None:
    await stores.save(NC1)
    assert stores.tree(STARTUP).find(STRICT) is not None
    assert stores.tree(CANDIDATE).find(STRICT) is not None
