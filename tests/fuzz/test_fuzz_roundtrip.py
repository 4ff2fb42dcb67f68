"""Fuzzing the round trip through IOS text with hostile strings (issue 16, item 3).

Valid configurations over every subtree the CLI table covers (tests/support/ios_config_strategies.py) get hostile
strings in the string values the renderer prints: newline, CR, TAB, space, nothing, ``!``, ``^C``, keywords,
non-ASCII, control characters, Unicode line separators, very long text, an injected command. Two properties:

* pure: the check (:func:`iosxe_agent.device.printable.unprintable`) refuses a tree exactly when
  ``parse(render(tree)) != tree``, compared by an independent oracle (every leaf of the tree against every leaf
  of what the text parses into, not only the values the renderer says it printed);
* through the real commit pipeline of a :class:`~iosxe_agent.router.Device`: whatever a hostile edit leaves in running
  renders to text that parses back into running (so every accepted tree round-trips), and the commit is refused
  only with IOS XE's error.
"""

from __future__ import annotations

import asyncio
import copy

import pytest
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st
from ios_config_strategies import FEATURES, build, representable
from lxml import etree
from namespaces import IOS, NC

from iosxe_agent.data.edit import apply_edit, load_config
from iosxe_agent.data.touched import identity
from iosxe_agent.data.validate import validate
from iosxe_agent.datastore.store import StoreError
from iosxe_agent.datastore.transaction import SYSTEM, Face, Origin
from iosxe_agent.device.cli_map import parse_config_text, render_config
from iosxe_agent.device.cli_map.render import render_sourced
from iosxe_agent.device.printable import REFUSED_MESSAGE, unprintable
from iosxe_agent.router import Device
from iosxe_agent.yang.schema import Kind, Schema, SchemaNode

FUZZ = settings.get_profile("iosxe-fuzz")


def _xml_char(c: str) -> bool:
    """Characters an XML 1.0 document (and so a NETCONF client) can carry."""
    return c in "\t\n\r" or (c >= " " and c not in "\ufffe\uffff" and not "\ud800" <= c <= "\udfff")


#: strings that break IOS text one way or another (or look as if they might)
NASTY = (
    "", " ", "\t", "\n", "\r", "\r\n", "!", "! x", "^C", "#", "?", "end", "exit", "no", "default", "RO", "rw",
    "tacacs+", "group", "privilege", "secret", "view", "evil\nusername root privilege 15 secret 0 x", "ü", "\x85",
    "\u2028", "\u2029", "\x7f", "\x9b2J", "\xa0", "a b", " lead", "trail ", "a\tb", "x" * 3000,
)  # fmt: skip
HOSTILE = st.one_of(st.sampled_from(NASTY), st.text(st.characters(min_codepoint=9).filter(_xml_char), max_size=12))
#: a hostile part with ordinary text around it, so that it is not always the whole value
VALUE = st.one_of(
    HOSTILE, st.tuples(st.sampled_from(["", "Q", "Q1 x"]), HOSTILE, st.sampled_from(["", "Z"])).map("".join)
)


def _snode(el: etree._Element, schema: Schema) -> SchemaNode | None:
    chain = [el, *el.iterancestors()][-2::-1]  # below the datastore wrapper, top first
    node: SchemaNode | None = schema.root
    for step in chain:
        node = node.child(step.tag) if node is not None else None
    return node


def _is_string(el: etree._Element, schema: Schema) -> bool:
    node = _snode(el, schema)
    return node is not None and node.type is not None and node.type.base == "string"


def _leaves(tree: etree._Element, schema: Schema) -> set[tuple[tuple[tuple[str, ...], ...], str]]:
    """Every leaf, leaf-list entry and empty presence container of ``tree`` with its identity path and text (empty
    non-presence containers left out: nothing prints them)."""
    out: set[tuple[tuple[tuple[str, ...], ...], str]] = set()
    stack: list[tuple[etree._Element, SchemaNode | None, tuple[tuple[str, ...], ...]]] = [(tree, schema.root, ())]
    while stack:
        el, snode, key = stack.pop()
        for child in el:
            if not isinstance(child.tag, str):
                continue
            cnode = snode.child(child.tag) if snode is not None else None
            ckey = (*key, identity(child, cnode))
            if any(isinstance(c.tag, str) for c in child):
                stack.append((child, cnode, ckey))
            elif cnode is None or cnode.kind is not Kind.CONTAINER or cnode.presence:
                out.add((ckey, child.text or ""))
    return out


def _roundtrips(tree: etree._Element, schema: Schema) -> bool:
    """The oracle: the text of ``tree`` parses, without a refused line, into a tree with the same leaves."""
    edit, errors = parse_config_text(render_config(tree), None)
    if errors:
        return False
    back = apply_edit(etree.Element(f"{{{NC}}}config", nsmap={None: NC}), edit, schema)
    return back.tree is not None and _leaves(back.tree, schema) == _leaves(tree, schema)


def _cfg(body: str) -> etree._Element:
    return etree.fromstring(f'<config xmlns="{NC}" xmlns:nc="{NC}"><native xmlns="{IOS}">{body}</native></config>')


class Named:
    """The schema, passed to a composite strategy: hypothesis pretty-prints a strategy's arguments for every draw,
    and a schema printed field by field costs seconds."""

    __slots__ = ("schema",)

    def __init__(self, schema: Schema) -> None:
        self.schema = schema

    def __repr__(self) -> str:
        return "schema"


@st.composite
def hostile_tree(draw: st.DrawFn, named: Named) -> etree._Element:
    """A valid configuration with hostile text in up to three of the string values the renderer prints."""
    schema = named.schema
    empty = etree.Element(f"{{{NC}}}config", nsmap={None: NC})
    bodies = draw(st.lists(FEATURES, min_size=1, max_size=3))
    tree = build(empty, _cfg, schema, bodies)
    assume(representable(tree))
    printed = [el for el in render_sourced(tree)[1] if _is_string(el, schema)]
    assume(printed)
    for index in draw(st.lists(st.integers(0, len(printed) - 1), min_size=1, max_size=3, unique=True)):
        printed[index].text = draw(VALUE)
    loaded = load_config(tree, schema)  # the types (patterns, lengths) as an edit checks them
    assume(loaded.tree is not None and not loaded.errors and not validate(loaded.tree, schema))
    assert loaded.tree is not None
    return loaded.tree


@pytest.fixture(scope="module")
def base(device: Device) -> etree._Element:
    """The device's running configuration before the first hostile edit (each example starts from it)."""
    return device.stores.running


@settings(FUZZ, max_examples=max(1, FUZZ.max_examples // 8))  # ~60 ms a case: a configuration built, rendered, parsed
@given(data=st.data())
def test_the_check_refuses_exactly_what_does_not_roundtrip(device: Device, data: st.DataObject) -> None:
    schema = device.stores.schema
    tree = data.draw(hostile_tree(Named(schema)))
    refused = unprintable(tree, schema)
    event("refused" if refused else "accepted")
    assert bool(refused) is not _roundtrips(tree, schema), (refused, render_config(tree))


@settings(FUZZ, max_examples=max(1, FUZZ.max_examples // 8))  # ~60 ms a case: a configuration built, rendered, parsed
@given(data=st.data())
def test_every_tree_the_pipeline_accepts_roundtrips(
    device: Device, base: etree._Element, loop: asyncio.AbstractEventLoop, data: st.DataObject
) -> None:
    schema = device.stores.schema
    stores = device.stores
    if stores.running is not base:
        loop.run_until_complete(stores.commit_tree(copy.deepcopy(base), SYSTEM))
    edit = data.draw(hostile_tree(Named(schema)))
    try:
        loop.run_until_complete(stores.edit("running", edit, Origin(session_id=1, user="fuzz", face=Face.NETCONF)))
    except StoreError as exc:
        assert exc.errors
        event("refused: " + ("unprintable" if exc.errors[0].message == REFUSED_MESSAGE else "other"))
        for error in exc.errors:
            if error.message == REFUSED_MESSAGE:
                assert error.tag == "invalid-value" and error.path and error.path.startswith("/ios:native")
        return
    event("accepted")
    running = stores.running
    assume(representable(running))  # a merge can give a user both a password and a secret; text holds one
    assert _roundtrips(running, schema), (etree.tostring(edit), render_config(running))
