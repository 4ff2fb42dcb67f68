"""Fuzzing the RFC 7951 JSON codec with the real Cisco schema (issue 20, item 5).

Inputs follow the schema's shape (member names of real nodes, qualified or not, at the depth they belong) and then
break it: a wrong JSON type, a value out of range, an unknown or doubled member, a stray annotation, text XML
cannot carry. Properties: :func:`loads_bounded` and :func:`decode_json` raise nothing but :class:`JsonDataError`,
each with an RFC 6241 error-tag; what decodes is an edit the edit engine judges without raising; and whatever
datastore that edit builds encodes to JSON that decodes back to the same datastore.
"""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st
from lxml import etree
from namespaces import NC

from iosxe_agent.data.edit import apply_edit
from iosxe_agent.data.json_codec import JsonDataError, decode_json, encode_json, loads_bounded
from iosxe_agent.netconf.errors import ErrorTag
from iosxe_agent.router import Device
from iosxe_agent.yang.schema import Kind, Schema, SchemaNode, TypeSpec

FUZZ = settings.get_profile("iosxe-fuzz")
TAGS = {t.value for t in ErrorTag}
MAX_BYTES = 64 * 1024

SCALARS = st.one_of(
    st.integers(-(2**70), 2**70),
    st.sampled_from([0, 1, 15, 60, 120, 4096, 65536, -1, True, False, None, 1.5, -0.0, 1e300]),
    st.sampled_from(["", "0", "15", "true", "ssh", "local", "R1", "aes128-ctr", "127.0.0.1", "::1", "9"]),
    st.text(max_size=12),
    st.just([None]),
)
JUNK_MEMBERS = st.sampled_from(["x", "@", "@x", "native", "nope:x", ":x", "Cisco-IOS-XE-native:", "ietf-origin:origin"])


class _Node:
    """A schema node handed to a composite strategy (hypothesis prints arguments: this keeps that to a name)."""

    __slots__ = ("node",)

    def __init__(self, node: SchemaNode) -> None:
        self.node = node

    def __repr__(self) -> str:
        return self.node.name


def _rarely(draw: st.DrawFn, one_in: int) -> bool:
    """True about once in ``one_in`` draws (a middle value: hypothesis favours the ends of a range)."""
    return draw(st.integers(0, one_in - 1)) == one_in // 2


def _children(node: SchemaNode) -> list[_Node]:
    return [_Node(c) for c in node.data_children.values() if c.config]


def _typed(t: TypeSpec | None) -> st.SearchStrategy[Any]:
    """Values of the JSON type RFC 7951 gives ``t`` (in range or not)."""
    if t is None:
        return SCALARS
    base = t.base
    if base == "union":
        return st.one_of([_typed(m) for m in t.members])
    if base == "leafref" and t.leafref_target is not None:
        return _typed(t.leafref_target.type)
    if base in ("int8", "int16", "int32", "uint8", "uint16", "uint32"):
        bounds = [st.integers(int(lo), int(hi)) for lo, hi in t.ranges] or [st.integers(-1, 70000)]
        return st.one_of(*bounds, st.integers(-1, 2**32))
    if base in ("int64", "uint64", "decimal64"):
        return st.integers(-(2**64), 2**64).map(str)
    if base == "boolean":
        return st.booleans()
    if base == "empty":
        return st.just([None])
    if base == "enumeration" and t.enums:
        return st.sampled_from(t.enums)
    return st.one_of(st.from_regex(r"[A-Za-z0-9._-]{1,10}", fullmatch=True), st.text(max_size=8))


@st.composite
def _leaf_value(draw: st.DrawFn, ref: _Node) -> Any:
    return draw(SCALARS if _rarely(draw, 5) else _typed(ref.node.type))


@st.composite
def _member(draw: st.DrawFn, parent: SchemaNode, ref: _Node, depth: int) -> tuple[str, Any]:
    node = ref.node
    qualify = node.module != parent.module or parent.kind is Kind.MODULE or _rarely(draw, 20)
    if parent.kind is Kind.MODULE and _rarely(draw, 50):
        qualify = False
    name = f"{node.module}:{node.name}" if qualify else node.name
    return name, draw(_value(ref, depth))


@st.composite
def _value(draw: st.DrawFn, ref: _Node, depth: int) -> Any:
    node = ref.node
    if _rarely(draw, 30):
        return draw(SCALARS)  # whatever the node's kind
    if node.kind is Kind.LEAF:
        return draw(_leaf_value(ref))
    if node.kind is Kind.LEAF_LIST:
        return draw(st.lists(_leaf_value(ref), max_size=3))
    if node.kind in (Kind.ANYDATA, Kind.ANYXML):
        return draw(st.dictionaries(JUNK_MEMBERS, SCALARS, max_size=2))
    obj = draw(_object(ref, depth - 1))
    if node.kind is Kind.LIST:
        return [obj, *draw(st.lists(_object(ref, depth - 1), max_size=1))]
    return obj


@st.composite
def _object(draw: st.DrawFn, ref: _Node, depth: int) -> dict[str, Any]:
    node = ref.node
    children = _children(node)
    out: dict[str, Any] = {}
    if depth <= 0 or not children:
        return out
    keys = [c for c in children if c.node.tag in node.keys]
    for child in keys + draw(st.lists(st.sampled_from(children), max_size=3)):
        name, value = draw(_member(node, child, depth))
        out[name] = value
    if _rarely(draw, 30):
        out[draw(JUNK_MEMBERS)] = draw(SCALARS)
    return out


def json_document(schema: Schema, depth: int = 6) -> st.SearchStrategy[dict[str, Any]]:
    """A JSON object shaped like configuration of ``schema`` (top-level nodes ``depth`` levels deep), a little
    broken."""
    return _object(_Node(schema.root), depth)


def _config(elements: list[etree._Element]) -> etree._Element:
    cfg = etree.Element(f"{{{NC}}}config", nsmap={None: NC})
    cfg.extend(elements)
    return cfg


def _shape(el: etree._Element) -> tuple[Any, ...]:
    kids = tuple(_shape(c) for c in el if isinstance(c.tag, str))
    return (el.tag, (el.text or "") if not kids else "", tuple(sorted(el.attrib.items())), kids)


@settings(FUZZ, max_examples=max(1, FUZZ.max_examples // 6))  # ~90 ms a case, most of it drawing the document
@given(data=st.data())
def test_decode_and_edit(device: Device, data: st.DataObject) -> None:
    schema = device.stores.schema
    doc = data.draw(json_document(schema))
    event(f"{len(json.dumps(doc)) // 200 * 200}+ bytes")
    text = json.dumps(doc).encode()
    try:
        value = loads_bounded(text, MAX_BYTES)
        elements = decode_json(schema, value, hidden=schema.hidden_ns, max_elements=500, max_depth=8)
    except JsonDataError as exc:
        assert exc.error.tag in TAGS and exc.error.message
        event(f"decode: {exc.error.tag}")
        return
    result = apply_edit(device.stores.running, _config(elements), schema, hidden=schema.hidden_ns)
    assert all(e.tag in TAGS and e.message for e in result.errors)
    event("edit applied" if result.tree is not None else "edit refused")
    if result.tree is None:
        return
    encoded = json.dumps(encode_json(schema, result.tree))
    back = _config(decode_json(schema, loads_bounded(encoded.encode(), 1 << 24)))
    assert _shape(back) == _shape(result.tree)


@settings(FUZZ, max_examples=max(1, FUZZ.max_examples // 4))  # ~40 ms a case
@given(data=st.data())
def test_loads_bounded_on_broken_text(device: Device, gen: ModuleType, data: st.DataObject) -> None:
    doc = data.draw(json_document(device.stores.schema, 2))
    text = gen.mutate(json.dumps(doc).encode(), data.draw(gen.BYTE_EDITS))
    try:
        value = loads_bounded(text, MAX_BYTES)
    except JsonDataError as exc:
        assert exc.error.tag in ("malformed-message", "too-big") and exc.error.message
        return
    try:
        decode_json(device.stores.schema, value, max_elements=500, max_depth=8)
    except JsonDataError as exc:
        assert exc.error.tag in TAGS
