"""Typed cipher lists and Cisco's ``aes*-ctr`` leaves stay in the parser's form whichever face wrote last
(iosxe_agent/device/cli_map/flagged.py, the datastore normalizer): what ``show running-config`` prints parses back
into the very tree stored."""

from __future__ import annotations

from typing import Any

import pytest
from ios_config_strategies import build, t
from lxml import etree
from namespaces import IOS, NC, PRIV

from iosxe_agent.datastore.store import RUNNING, StorePaths, Stores
from iosxe_agent.datastore.transaction import SYSTEM
from iosxe_agent.device.cli_map import parse_config_text, render_running_config
from iosxe_agent.device.cli_map.flagged import reconcile_flagged_lists
from iosxe_agent.limits import DEFAULT_LIMITS


def _encryption(side: str, leaves: tuple[str, ...], typed: tuple[str, ...]) -> str:
    body = "".join(t(c) for c in leaves)
    body += "".join(f'<encrypt-options xmlns="{PRIV}">{c}</encrypt-options>' for c in typed)
    return t("ip", t("ssh", t(side, t("algorithm", t("encryption", body)))))


def _ciphers(tree: etree._Element, side: str = "server") -> tuple[list[str], list[str]]:
    """(Cisco leaves present, typed list) under ``ip ssh SIDE algorithm encryption``."""
    enc = tree.find(f"{{{IOS}}}native/{{{IOS}}}ip/{{{IOS}}}ssh/{{{IOS}}}{side}/{{{IOS}}}algorithm/{{{IOS}}}encryption")
    if enc is None:
        return [], []
    leaves = [etree.QName(c).localname for c in enc if etree.QName(c).namespace == IOS]
    return leaves, [c.text or "" for c in enc.iterfind(f"{{{PRIV}}}encrypt-options")]


def _parsed(trees: Any, tree: etree._Element) -> etree._Element:
    edit, errors = parse_config_text(render_running_config(tree), None)
    assert not errors
    return trees.apply(trees.empty(), edit)


# -- the hypothesis counter-example, and its neighbours -------------------------------------------------------------
@pytest.mark.parametrize("side", ["server", "client"])
@pytest.mark.parametrize(
    ("first", "added", "line"),
    [
        # a typed list without ctr ciphers, then a ctr leaf (the round-trip test's find): both words are typed
        (((), ("aes128-cbc",)), "aes128-ctr", "aes128-cbc aes128-ctr"),
        # a typed ctr order, then another ctr leaf: it joins the end of the typed order
        (
            (("aes128-ctr", "aes256-ctr"), ("aes256-ctr", "aes128-ctr")),
            "aes192-ctr",
            "aes256-ctr aes128-ctr aes192-ctr",
        ),
    ],
)
def test_merged_bodies_are_stored_as_the_parser_stores_their_line(
    trees: Any, side: str, first: tuple[tuple[str, ...], tuple[str, ...]], added: str, line: str
) -> None:
    bodies = [_encryption(side, *first), _encryption(side, (added,), ())]
    tree = build(trees.empty(), trees.doc.cfg, trees.schema, bodies)
    assert f"ip ssh {side} algorithm encryption {line}\n" in render_running_config(tree)
    assert trees.canonical(_parsed(trees, tree)) == trees.canonical(tree)
    assert _ciphers(tree, side)[1] == line.split()


def test_a_list_the_leaves_alone_say_is_dropped(trees: Any) -> None:
    """A typed list that only names ctr leaves in Cisco's order is the leaves alone (the parser keeps no list)."""
    tree = trees.tree(_encryption("server", ("aes128-ctr", "aes256-ctr"), ("aes128-ctr", "aes256-ctr")))
    reconcile_flagged_lists(tree)
    assert _ciphers(tree) == (["aes128-ctr", "aes256-ctr"], [])


def test_a_tree_without_typed_lists_is_left_alone(trees: Any) -> None:
    tree = trees.tree(_encryption("server", ("aes256-ctr",), ()))
    before = etree.tostring(tree)
    reconcile_flagged_lists(tree)
    assert etree.tostring(tree) == before


# -- through the datastore: a NETCONF edit of the leaves after a typed CLI line -------------------------------------
def _stores(trees: Any) -> Stores:
    stores = Stores(trees.schema, DEFAULT_LIMITS, StorePaths(None, None))
    stores.normalize_with(reconcile_flagged_lists)
    stores.load(trees.empty)
    return stores


async def _typed(stores: Stores, line: str) -> None:
    edit, errors = parse_config_text(line + "\n", stores.running)
    assert not errors and edit is not None
    await stores.edit(RUNNING, edit, SYSTEM)


async def _netconf(stores: Stores, leaf: str, operation: str) -> None:
    """What a NETCONF client can do: change one of Cisco's leaves (it cannot see the typed list)."""
    body = f'<{leaf} xmlns:nc="{NC}" nc:operation="{operation}"/>'
    config = etree.fromstring(
        f'<config xmlns="{NC}"><native xmlns="{IOS}"><ip><ssh><server><algorithm><encryption>{body}'
        "</encryption></algorithm></server></ssh></ip></native></config>"
    )
    await stores.edit(RUNNING, config, SYSTEM, visible_only=True)


@pytest.mark.parametrize(
    ("typed", "leaf", "operation", "line", "leaves", "stored"),
    [
        ("aes256-ctr aes128-ctr", "aes192-ctr", "create", "aes256-ctr aes128-ctr aes192-ctr", 3, 3),
        ("aes256-ctr aes128-ctr", "aes256-ctr", "delete", "aes128-ctr", 1, 0),
        ("aes128-cbc aes256-ctr", "aes256-ctr", "delete", "aes128-cbc", 0, 1),
        ("aes128-cbc", "aes128-ctr", "create", "aes128-cbc aes128-ctr", 1, 2),
    ],
)
async def test_a_netconf_change_of_the_leaves_ends_as_the_parser_stores_the_printed_line(
    trees: Any, typed: str, leaf: str, operation: str, line: str, leaves: int, stored: int
) -> None:
    stores = _stores(trees)
    await _typed(stores, f"ip ssh server algorithm encryption {typed}")
    await _netconf(stores, leaf, operation)
    text = render_running_config(stores.running)
    assert f"ip ssh server algorithm encryption {line}\n" in text
    assert trees.canonical(_parsed(trees, stores.running)) == trees.canonical(stores.running)
    present, kept = _ciphers(stores.running)
    assert (len(present), len(kept)) == (leaves, stored)
