"""Fuzzing the RESTCONF api-path parser: any text either parses or is refused with a PathError, and what parses
prints back (``api_path_text``) to a path that parses to the same steps; and the ``fields`` query parser.

Inputs follow the schema (a random walk from the top through containers and lists, keys of random text) and
are then broken in small ways (a dropped module name, a doubled or cut separator, a stray ``%``, random text).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from hypothesis import given, settings
from hypothesis import strategies as st

from iosxe_agent.restconf.errors import RestconfFault
from iosxe_agent.restconf.paths import PathError, api_path_text, namespace_modules, parse_api_path
from iosxe_agent.restconf.query import parse_fields
from iosxe_agent.yang.schema import Kind, Schema, SchemaNode

FUZZ = settings.get_profile("iosxe-fuzz")
KEY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=8)


@st.composite
def walk(draw: st.DrawFn, schema: Schema) -> str:
    """A schema-shaped api-path: module names where the namespace changes, every key percent-encoded."""
    modules = namespace_modules(schema)
    node: SchemaNode = schema.root
    parts: list[str] = []
    namespace = ""
    for _ in range(draw(st.integers(1, 6))):
        children = [
            c
            for c in node.data_children.values()
            if c.kind in (Kind.CONTAINER, Kind.LIST, Kind.LEAF, Kind.LEAF_LIST) and c.ns in modules
        ]
        if not children:
            break
        node = draw(st.sampled_from(sorted(children, key=lambda c: c.tag)))
        name = node.name if node.ns == namespace else f"{modules[node.ns]}:{node.name}"
        namespace = node.ns
        if node.kind is Kind.LIST and node.keys:
            name += "=" + ",".join(quote(draw(KEY_TEXT), safe="") for _ in node.keys)
        elif node.kind is Kind.LEAF_LIST and draw(st.booleans()):
            name += "=" + quote(draw(KEY_TEXT), safe="")
        parts.append(name)
        if node.kind in (Kind.LEAF, Kind.LEAF_LIST) or (node.kind is Kind.LIST and not node.keys):
            break
    return "/".join(parts)


@st.composite
def broken(draw: st.DrawFn, schema: Schema) -> str:
    text = draw(walk(schema))
    how = draw(st.sampled_from(["keep", "cut", "unqualify", "double", "percent", "insert", "random"]))
    if how == "cut" and text:
        return text[: draw(st.integers(0, len(text)))]
    if how == "unqualify":
        return text.split(":", 1)[-1]
    if how == "double":
        return text.replace("/", "//", 1)
    if how == "percent":
        at = draw(st.integers(0, len(text)))
        return text[:at] + "%" + text[at:]
    if how == "insert":
        at = draw(st.integers(0, len(text)))
        return text[:at] + draw(st.sampled_from(["=", ",", ":", "/", "%2F", "=x,y"])) + text[at:]
    if how == "random":
        return draw(st.text(max_size=40))
    return text


@FUZZ
@given(data=st.data())
def test_parse_or_refuse_and_print_back(helpers: Any, data: st.DataObject) -> None:
    schema: Schema = helpers.cisco_schema()
    text = data.draw(broken(schema))
    try:
        path = parse_api_path(schema, text)
    except PathError:
        return
    again = parse_api_path(schema, api_path_text(path, schema))
    assert [(s.node.tag, s.values) for s in again.steps] == [(s.node.tag, s.values) for s in path.steps]


FIELDS_TEXT = st.text(alphabet="ab:/;()-_.x ", max_size=60)


@FUZZ
@given(text=FIELDS_TEXT)
def test_fields_parse_or_refuse(text: str) -> None:
    """A ``fields`` query either parses into a tree of names or is refused with a 400, never anything else."""
    try:
        fields = parse_fields(text)
    except RestconfFault as refused:
        assert refused.status == 400
        return
    stack = [fields]
    while stack:
        level = stack.pop()
        assert all(name and "(" not in name and ";" not in name for name in level)
        stack.extend(level.values())
