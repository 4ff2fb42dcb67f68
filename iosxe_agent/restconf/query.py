"""RFC 8040 §4.8 query parameters of a GET (``content``, ``depth``, ``fields``, ``with-defaults``), the depth cut
and the ``fields`` selection.

Parsing is strict, as the RFC asks: an unknown parameter, one given twice or a value out of range is a 400
``invalid-value`` naming it, never silently ignored (a client must not believe it filtered when it did not).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from iosxe_agent.data.defaults import WithDefaults
from iosxe_agent.digits import ascii_digits
from iosxe_agent.restconf.errors import RestconfFault, fault
from iosxe_agent.yang.schema import Kind, SchemaNode

CONTENT = ("config", "nonconfig", "all")
#: ``fields``: at most this many characters and this much nesting of parentheses
MAX_FIELDS_CHARS = 4096
MAX_FIELDS_NESTING = 32
_FIELD_NAME = re.compile(r"(?:[A-Za-z_][A-Za-z0-9_.\-]*:)?[A-Za-z_][A-Za-z0-9_.\-]*")

#: a parsed ``fields`` expression: selected child name (``module:name`` or ``name``) -> what is selected below it
#: (empty: the whole child)
Fields = dict[str, "Fields"]
#: deepest ``depth`` a client may ask for (RFC: 1..65535; deeper than any schema anyway)
MAX_DEPTH = 65535


@dataclass(frozen=True, slots=True)
class GetQuery:
    """What a GET asked for (RFC defaults: all content, unbounded depth, the server's basic mode ``explicit``)."""

    content: str = "all"
    depth: int | None = None
    with_defaults: WithDefaults = WithDefaults.EXPLICIT
    fields: Fields | None = None


def _once(params: Iterable[tuple[str, str]], allowed: frozenset[str]) -> dict[str, str]:
    seen: dict[str, str] = {}
    for name, value in params:
        if name not in allowed:
            raise fault("invalid-value", f"query parameter {name!r} is not supported here", error_type="protocol")
        if name in seen:
            raise fault("invalid-value", f"query parameter {name!r} is given twice", error_type="protocol")
        seen[name] = value
    return seen


def parse_get_query(params: Iterable[tuple[str, str]]) -> GetQuery:
    """The GET parameters of a request's query (name, value pairs, already percent-decoded).

    Raises:
        RestconfFault: 400 invalid-value for an unknown, repeated or invalid parameter.
    """
    given = _once(params, frozenset({"content", "depth", "fields", "with-defaults"}))
    content = given.get("content", "all")
    if content not in CONTENT:
        raise _bad("content", content)
    depth: int | None = None
    if "depth" in given and given["depth"] != "unbounded":
        text = given["depth"]
        if not ascii_digits(text) or not 1 <= int(text) <= MAX_DEPTH:
            raise _bad("depth", text)
        depth = int(text)
    try:
        mode = WithDefaults(given.get("with-defaults", WithDefaults.EXPLICIT))
    except ValueError:
        raise _bad("with-defaults", given["with-defaults"]) from None
    fields = parse_fields(given["fields"]) if "fields" in given else None
    if fields is not None and depth is not None:
        raise fault("invalid-value", "fields and depth cannot be combined", error_type="protocol")  # RFC 8040 §4.8.3
    return GetQuery(content, depth, mode, fields)


def parse_fields(text: str) -> Fields:
    """A ``fields`` expression (``a;b(c;d/e)``) as the tree of names it selects.

    Raises:
        RestconfFault: 400 invalid-value for a malformed or over-long expression.
    """
    if not text or len(text) > MAX_FIELDS_CHARS:
        raise _bad("fields", text[:64])
    pos = 0

    def name() -> str:
        nonlocal pos
        m = _FIELD_NAME.match(text, pos)
        if m is None:
            raise _bad("fields", text)
        pos = m.end()
        return m.group()

    def expression(nesting: int) -> Fields:
        nonlocal pos
        if nesting > MAX_FIELDS_NESTING:
            raise _bad("fields", text[:64])
        result: Fields = {}
        while True:
            node = result.setdefault(name(), {})
            while pos < len(text) and text[pos] == "/":
                pos += 1
                node = node.setdefault(name(), {})
            if pos < len(text) and text[pos] == "(":
                pos += 1
                node.update(expression(nesting + 1))
                if pos >= len(text) or text[pos] != ")":
                    raise _bad("fields", text)
                pos += 1
            if pos < len(text) and text[pos] == ";":
                pos += 1
                continue
            return result

    fields = expression(0)
    if pos != len(text):
        raise _bad("fields", text)
    return fields


def select_fields(el: etree._Element, node: SchemaNode, fields: Fields, modules: dict[str, str]) -> None:
    """Keep, in place, only the children of ``el`` (an instance of ``node``) that ``fields`` selects, and the keys
    of a list entry, which name it (RFC 8040 §4.8.3).

    Raises:
        RestconfFault: 400 invalid-value when ``fields`` names a node ``node`` does not have.
    """
    known = {child.name for child in node.data_children.values()}
    known |= {f"{modules.get(child.ns, '')}:{child.name}" for child in node.data_children.values()}
    unknown = [name for name in fields if name not in known]
    if unknown:
        raise fault("invalid-value", f"fields: {node.name!r} has no child {unknown[0]!r}", error_type="protocol")
    keys = set(node.keys) if node.kind is Kind.LIST else set()
    for child in list(el):
        if not isinstance(child.tag, str):
            continue
        q = etree.QName(child)
        chosen = fields.get(q.localname, fields.get(f"{modules.get(q.namespace or '', '')}:{q.localname}"))
        snode = node.child(child.tag)
        if chosen is None:
            if child.tag not in keys:
                el.remove(child)
        elif chosen and snode is not None:
            select_fields(child, snode, chosen, modules)


def no_query(params: Iterable[tuple[str, str]]) -> None:
    """A method that takes no query parameter (PATCH, DELETE, RPCs) refuses any.

    Raises:
        RestconfFault: 400 invalid-value naming the first parameter.
    """
    _once(params, frozenset())


def _bad(name: str, value: str) -> RestconfFault:
    return fault("invalid-value", f"invalid value {value!r} for query parameter {name!r}", error_type="protocol")


def cut_depth(el: etree._Element, node: SchemaNode, depth: int) -> None:
    """Remove, in place, the descendants of ``el`` (an instance of ``node``, at depth 1) deeper than ``depth``;
    a list entry that stays keeps its keys, which name it (RFC 8040 §4.8.2)."""
    if depth <= 1:
        keep = set(node.keys) if node.kind is Kind.LIST else set()
        for child in list(el):
            if child.tag not in keep:
                el.remove(child)
        return
    for child in el:
        snode = node.child(child.tag) if isinstance(child.tag, str) else None
        if snode is not None:
            cut_depth(child, snode, depth - 1)
