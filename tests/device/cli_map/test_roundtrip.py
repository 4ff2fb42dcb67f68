"""The one-table contract: the table agrees with the YANG schema, and parse(render(tree)) == tree.

The property test builds random valid datastores over every subtree the table covers (random edits applied with
``apply_edit``, kept when ``validate`` accepts the result), renders them as running-config, parses the text into
an empty datastore and compares the trees (C14N, wire namespace form, empty non-presence containers left out:
no command prints them). It also checks that copying a box's own running-config onto it changes nothing.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ios_config_strategies import (
    FEATURES,
    aaa,
    build,
    crypto,
    enable,
    ip,
    lines,
    representable,
    servers,
    snmp,
    system,
    t,
    username,
    v,
)

from iosxe_agent.data.edit import load_config
from iosxe_agent.device.bootstrap import bootstrap_config
from iosxe_agent.device.cli_map import parse_config_text, render_running_config
from iosxe_agent.device.cli_map.syntax import BESIDE_NATIVE, Arg, Choice, Command, Interface, Kw, Number, walk
from iosxe_agent.device.cli_map.table import BY_MODE, COMMANDS, CONFIG, PRESENCE
from iosxe_agent.yang.datatype import canonical
from iosxe_agent.yang.schema import Kind, SchemaNode


# -- the table against the schema -----------------------------------------------------------------------------------
def _contexts(schema_root: SchemaNode) -> dict[str, list[SchemaNode]]:
    """Schema nodes each mode's commands are relative to, derived from the commands that enter the modes."""
    native = schema_root.child("{http://cisco.com/ns/yang/Cisco-IOS-XE-native}native")
    assert native is not None
    found: dict[str, list[SchemaNode]] = {CONFIG.name: [native]}
    todo = [CONFIG.name]
    while todo:
        mode = todo.pop()
        for cmd in BY_MODE[mode]:
            if cmd.enters is None or cmd.noop:
                continue
            for ctx in found[mode]:
                node = _follow(ctx, [s.tag for s in cmd.anchor_steps])
                found.setdefault(cmd.enters.name, []).append(node)
                todo.append(cmd.enters.name)
    return found


def _follow(node: SchemaNode, tags: list[str] | tuple[str, ...]) -> SchemaNode:
    for tag in tags:
        child = node.child(tag)
        assert child is not None, f"{tag} is not a child of {node.path()}"
        node = child
    return node


def _paths(cmd: Command) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for node in walk(cmd.syntax):
        if isinstance(node, Kw):
            out += [(p, v) for p, v in node.set] + [(p, v) for p, v in node.defaults]
            out += [(p, "<container>") for p in (*node.clears, *node.replace)]
        elif isinstance(node, Arg) and node.path is not None:
            out.append((node.path, node))
    return out


def test_every_table_path_is_in_the_schema(trees: Any) -> None:
    contexts = _contexts(trees.schema.root)
    presence_seen: set[tuple[str, ...]] = set()
    checked = 0
    for cmd in COMMANDS:
        if cmd.noop or cmd.fixed:
            continue
        for ctx in contexts.get(cmd.mode.name, []):
            if cmd.contexts and ctx.name not in cmd.contexts:
                continue
            beside = bool(cmd.anchor_steps) and cmd.anchor_steps[0].tag in BESIDE_NATIVE  # from the datastore root
            anchor = _follow(trees.schema.root if beside else ctx, [s.tag for s in cmd.anchor_steps])
            if cmd.anchor_steps and cmd.anchor_steps[-1].keys:
                assert anchor.kind is Kind.LIST and anchor.keys == cmd.anchor_steps[-1].keys, cmd.id
            for path, what in _paths(cmd):
                node = _follow(_holder(anchor, cmd, path), cmd.path(path))
                checked += 1
                if isinstance(what, Arg):
                    _check_arg(cmd, what, node)
                elif what is None:
                    assert (node.kind is Kind.LEAF and node.type is not None and node.type.base == "empty") or (
                        node.kind is Kind.CONTAINER
                    ), (cmd.id, path)
                elif isinstance(what, str) and what != "<container>":
                    assert node.kind is Kind.LEAF, (cmd.id, path)
                    assert node.type is not None
                    assert canonical(what, node.type) == what, (cmd.id, path, what)
            for node_path in [anchor, *(_follow(_holder(anchor, cmd, p), cmd.path(p)) for p, _ in _paths(cmd))]:
                for n in _ancestry(node_path):
                    if n.kind is Kind.CONTAINER and n.presence:
                        presence_seen.add(_tag_path(n))
    assert checked > 300
    assert presence_seen <= PRESENCE
    for tags in PRESENCE:  # and every one listed is one
        above = () if tags[0] in BESIDE_NATIVE else ("{http://cisco.com/ns/yang/Cisco-IOS-XE-native}native",)
        node = _follow(trees.schema.root, (*above, *tags))
        assert node.presence, tags


def _holder(anchor: SchemaNode, cmd: Command, path: str) -> SchemaNode:
    """The node a syntax path starts from: the anchor, or for a key of an outer list of the anchor (``ip route``'s
    prefix above its next hop) that list."""
    node: SchemaNode | None = anchor
    while path in cmd.key_names and node is not None and node.child(cmd.path(path)[0]) is None:
        node = node.parent
    assert node is not None, (cmd.id, path)
    return node


def _ancestry(node: SchemaNode) -> list[SchemaNode]:
    out = []
    cur: SchemaNode | None = node
    while cur is not None and cur.kind is not Kind.MODULE:
        out.append(cur)
        cur = cur.parent
    return out


def _tag_path(node: SchemaNode) -> tuple[str, ...]:
    tags = [n.tag for n in reversed(_ancestry(node)) if n.kind not in (Kind.CHOICE, Kind.CASE)]
    return tuple(tags if tags[0] in BESIDE_NATIVE else tags[1:])  # below native, or from the root beside it


def _check_arg(cmd: Command, arg: Arg, node: SchemaNode) -> None:
    kind = arg.type
    if isinstance(kind, Interface) and (kind.only is not None or kind.joined):  # one leaf: a key, a string
        assert node.kind is Kind.LEAF, cmd.id
        return
    if isinstance(kind, Interface):
        assert node.kind is Kind.CONTAINER and any(c.kind is Kind.CHOICE for c in node.children), cmd.id
        return
    assert node.kind is (Kind.LEAF_LIST if arg.leaflist else Kind.LEAF), (cmd.id, arg.path)
    assert node.type is not None
    if isinstance(kind, Number):
        assert node.type.base in ("int8", "uint8", "uint16", "uint32", "union", "enumeration"), (cmd.id, arg.path)
        if node.type.ranges:
            lo = min(r[0] for r in node.type.ranges)
            hi = max(r[1] for r in node.type.ranges)
            assert lo <= kind.lo and kind.hi <= hi, (cmd.id, arg.path, node.type.ranges)
    if isinstance(kind, Choice):
        for value in kind.values or kind.words:
            assert canonical(value, node.type) == value, (cmd.id, arg.path, value)


def test_no_forms_do_not_collide() -> None:
    """Two commands of a mode never share a ``no`` head that would delete different things silently: every
    command's no-form head ends with a keyword or a list key."""
    for cmd in COMMANDS:
        if cmd.no_syntax is None or cmd.noop:
            continue
        n = cmd.no_len if cmd.no_len is not None else cmd._default_no_len()
        assert n >= 1, cmd.id


def _build(trees: Any, bodies: list[str]) -> Any:
    return build(trees.empty(), trees.doc.cfg, trees.schema, bodies)


def _roundtrip(trees: Any, tree: Any) -> None:
    text = render_running_config(tree)
    edit, errors = parse_config_text(text, None)
    assert not errors, (errors, text)
    back = trees.apply(trees.empty(), edit)
    assert trees.canonical(back) == trees.canonical(tree), text
    # copying a box's own running-config onto it changes nothing
    edit, errors = parse_config_text(text, tree)
    assert not errors
    again = trees.apply(tree, edit)
    assert trees.canonical(again) == trees.canonical(tree), text


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(bodies=st.lists(FEATURES, min_size=1, max_size=6))
def test_parse_render_roundtrip(trees: Any, bodies: list[str]) -> None:
    tree = _build(trees, bodies)
    assume(trees.valid(tree) and representable(tree))
    _roundtrip(trees, tree)


@pytest.mark.parametrize(
    "strategy",
    [username(), enable(), aaa(), servers(), ip(), snmp(), crypto(), lines(), system()],
    ids=lambda s: repr(s)[:20],
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_roundtrip_per_area(trees: Any, strategy: st.SearchStrategy[str], data: st.DataObject) -> None:
    tree = _build(trees, [data.draw(strategy)])
    assume(trees.valid(tree) and representable(tree))
    _roundtrip(trees, tree)


def test_bootstrap_config_roundtrips(trees: Any) -> None:
    tree = load_config(bootstrap_config("admin", "secret-pw"), trees.schema).tree
    assert tree is not None
    _roundtrip(trees, tree)


# -- figures (printed, never asserted) ------------------------------------------------------------------------------
def test_speed_of_a_10000_user_config(trees: Any, capsys: pytest.CaptureFixture[str]) -> None:
    users = "".join(
        t(
            "username",
            v("name", f"user{i:05d}")
            + v("privilege", i % 16)
            + t("secret", v("encryption", 9) + v("secret", f"$9$abcdefghijklmn${i:043d}")),
        )
        for i in range(10_000)
    )
    tree = trees.tree(users + v("hostname", "Big"))
    start = time.perf_counter()
    text = render_running_config(tree)
    rendered = time.perf_counter() - start
    start = time.perf_counter()
    edit, errors = parse_config_text(text, None)
    parsed = time.perf_counter() - start
    assert not errors
    back = trees.apply(trees.empty(), edit)
    assert len(back.findall(".//{http://cisco.com/ns/yang/Cisco-IOS-XE-native}username")) == 10_000
    with capsys.disabled():
        print(
            f"\n[cli_map bench] 10,000 users: render {rendered * 1000:.0f} ms ({len(text)} bytes), "
            f"parse_config_text {parsed * 1000:.0f} ms"
        )
