"""Hidden modules over the real schema (the device-private module is hidden): what a partial-view client reads
(:func:`strip_hidden`), may write (``apply_edit(..., hidden=...)``) and keeps when it replaces
(:func:`graft_hidden`)."""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree
from namespaces import IOS, NC, PRIV

from iosxe_agent.data.edit import apply_edit, load_config
from iosxe_agent.data.hidden import graft_hidden, has_hidden, is_hidden_path, strip_hidden

OP = f"{{{NC}}}operation"
KEY = (
    "<key-hash><key-type>ssh-rsa</key-type><key-hash-value>5D24EA1D261C1836E437F4E67E2CEBEB</key-hash-value></key-hash>"
)
STRICT = f'<stricthostkeycheck xmlns="{PRIV}"/>'
SERVER = f'<server xmlns="{PRIV}"><name>S1</name>{KEY}</server>'
FILE = f'<file xmlns="{PRIV}"><prompt>quiet</prompt></file>'
USER = f"<username><name>bob</name>{KEY}</username>"
VISIBLE = "<hostname>R1</hostname><ip><ssh><time-out>60</time-out></ssh></ip>"
CHAIN = f"{STRICT}<pubkey-chain>{SERVER}</pubkey-chain>"
FULL = f"<hostname>R1</hostname><ip><ssh><time-out>60</time-out>{CHAIN}</ssh></ip>{FILE}"


@pytest.fixture
def hidden(ios: Any) -> frozenset[str]:
    assert ios.schema.hidden_ns == frozenset({PRIV})
    return frozenset(ios.schema.hidden_ns)


def wire(helpers: Any, el: etree._Element) -> str:
    return str(helpers.wire(el))


# -- reading ----------------------------------------------------------------------------------------------------------
def test_a_tree_without_hidden_nodes_is_returned_as_it_is(ios: Any) -> None:
    tree = ios.tree(VISIBLE)
    assert strip_hidden(tree, ios.schema) is tree  # no copy


def test_stripping_removes_hidden_subtrees_and_the_shells_they_leave(ios: Any, helpers: Any) -> None:
    tree = ios.tree(FULL)
    before = wire(helpers, tree)
    out = strip_hidden(tree, ios.schema)
    assert out is not tree and wire(helpers, tree) == before  # the stored tree is never touched
    # pubkey-chain held only a server: an empty non-presence container is not shown; file went with its leaf
    assert wire(helpers, out) == wire(helpers, ios.tree(VISIBLE))
    assert out.getparent() is None  # a root of its own, as XPath filters need


def test_a_container_with_visible_content_stays(ios: Any, helpers: Any) -> None:
    tree = ios.tree(f"<ip><ssh><pubkey-chain>{USER}{SERVER}</pubkey-chain></ssh></ip>")
    out = strip_hidden(tree, ios.schema)
    assert wire(helpers, out) == wire(helpers, ios.tree(f"<ip><ssh><pubkey-chain>{USER}</pubkey-chain></ssh></ip>"))


def test_hidden_paths_and_subtrees_are_recognised(ios: Any, hidden: frozenset[str]) -> None:
    assert has_hidden(ios.tree(FULL), hidden) and not has_hidden(ios.tree(VISIBLE), hidden)
    assert not has_hidden(ios.tree(FULL), frozenset())
    assert is_hidden_path((("ios", "x"), ("priv", PRIV)), hidden)
    assert not is_hidden_path((("ios", "x"),), hidden)


# -- writing ----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "body", [f"<ip><ssh>{STRICT}</ssh></ip>", FILE, f"<ip><ssh><pubkey-chain>{SERVER}</pubkey-chain></ssh></ip>"]
)
def test_a_partial_view_edit_naming_a_hidden_node_is_refused_as_unknown(
    ios: Any, hidden: frozenset[str], body: str
) -> None:
    tree = ios.tree(VISIBLE)
    refused = apply_edit(tree, ios.cfg(body), ios.schema, hidden=hidden)
    assert refused.tree is None
    # the same error as for a namespace no module defines
    foreign = body.replace(PRIV, "urn:example:nobody")
    unknown = apply_edit(tree, ios.cfg(foreign), ios.schema)
    assert [(e.tag, e.message, e.path, e.info) for e in refused.errors] == [
        (e.tag, e.message, e.path, e.info) for e in unknown.errors
    ]
    assert refused.errors[0].tag == "unknown-element"
    # and a full-view writer (the CLI) may
    assert apply_edit(tree, ios.cfg(body), ios.schema).tree is not None


def test_load_config_refuses_hidden_nodes_for_a_partial_view(ios: Any, hidden: frozenset[str]) -> None:
    assert load_config(ios.cfg(FULL), ios.schema, hidden=hidden).tree is None
    assert load_config(ios.cfg(FULL), ios.schema).tree is not None


def test_replace_keeps_the_hidden_part_of_what_it_replaces(ios: Any, helpers: Any, hidden: frozenset[str]) -> None:
    tree = ios.tree(FULL)
    body = f'<native xmlns="{IOS}" nc:operation="replace"><hostname>R2</hostname></native>'
    result = apply_edit(tree, ios.cfg(body, wrap=False), ios.schema, hidden=hidden)
    assert result.tree is not None
    # the visible part is replaced; the CLI-only lines stay, their non-presence containers made again
    expected = f"<hostname>R2</hostname><ip><ssh>{STRICT}<pubkey-chain>{SERVER}</pubkey-chain></ssh></ip>{FILE}"
    assert wire(helpers, result.tree) == wire(helpers, ios.tree(expected))


def test_default_operation_replace_keeps_them_too(ios: Any, helpers: Any, hidden: frozenset[str]) -> None:
    tree = ios.tree(FULL)
    result = apply_edit(
        tree, ios.cfg("<hostname>R1</hostname>"), ios.schema, default_operation="replace", hidden=hidden
    )
    assert result.tree is not None
    assert wire(helpers, result.tree) == wire(helpers, ios.tree(FULL.replace("<time-out>60</time-out>", "")))


def test_without_a_partial_view_replace_is_whole(ios: Any, helpers: Any) -> None:
    tree = ios.tree(FULL)
    result = apply_edit(tree, ios.cfg("<hostname>R2</hostname>"), ios.schema, default_operation="replace")
    assert result.tree is not None and wire(helpers, result.tree) == wire(helpers, ios.tree("<hostname>R2</hostname>"))


def test_deleting_an_ancestor_deletes_the_hidden_nodes_with_it(ios: Any, helpers: Any, hidden: frozenset[str]) -> None:
    tree = ios.tree(FULL)
    result = apply_edit(tree, ios.cfg('<ip><ssh nc:operation="delete"/></ip>'), ios.schema, hidden=hidden)
    assert result.tree is not None
    assert result.tree.find(f".//{{{IOS}}}ssh") is None and ios.text(result.tree, "ios:native/priv:file/priv:prompt")
    assert not result.tree.findall(f".//{{{PRIV}}}server") and not result.tree.findall(
        f".//{{{PRIV}}}stricthostkeycheck"
    )


def test_replacing_a_list_entry_keeps_only_its_own_hidden_part(ios: Any, helpers: Any, hidden: frozenset[str]) -> None:
    tree = ios.tree(f"<ip><ssh><pubkey-chain>{USER}{SERVER}</pubkey-chain></ssh></ip>")
    edit = (
        '<ip><ssh><pubkey-chain nc:operation="replace"><username><name>eve</name></username></pubkey-chain></ssh></ip>'
    )
    result = apply_edit(tree, ios.cfg(edit), ios.schema, hidden=hidden)
    assert result.tree is not None
    expected = f"<ip><ssh><pubkey-chain><username><name>eve</name></username>{SERVER}</pubkey-chain></ssh></ip>"
    assert wire(helpers, result.tree) == wire(helpers, ios.tree(expected))


def test_graft_after_a_whole_replacement(ios: Any, helpers: Any) -> None:
    """copy-config of a client's configuration: the target's hidden part goes into the new tree."""
    new = ios.tree("<hostname>R9</hostname>")
    graft_hidden(ios.tree(FULL), new, ios.schema.root, ios.schema)
    expected = f"<hostname>R9</hostname><ip><ssh>{STRICT}<pubkey-chain>{SERVER}</pubkey-chain></ssh></ip>{FILE}"
    assert wire(helpers, new) == wire(helpers, ios.tree(expected))


def test_graft_does_not_bring_back_what_the_new_tree_has(ios: Any, helpers: Any) -> None:
    new = ios.tree(FULL.replace("S1", "S2"))
    graft_hidden(ios.tree(FULL), new, ios.schema.root, ios.schema)
    assert len(new.findall(f".//{{{PRIV}}}server")) == 2 and len(new.findall(f".//{{{PRIV}}}stricthostkeycheck")) == 1
