"""Structural equality of two compiled schemas, for tests that prove a schema from elsewhere (the cache) is the one
a fresh compile gives.

:class:`~iosxe_agent.yang.schema.SchemaNode` and :class:`~iosxe_agent.yang.schema.Identity` compare by identity, so
this turns a schema into plain nested tuples: every field of every node, with node references (parent, leafref
target) replaced by the referenced node's full address. Two schemas are equal when their descriptions are.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from iosxe_agent.yang.schema import Schema, SchemaNode, TypeSpec


def address(node: SchemaNode | None) -> tuple[tuple[str, str, str], ...] | None:
    """Kind, namespace and name of every node from the root down to ``node`` (unique, choices and cases included)."""
    if node is None:
        return None
    steps: list[tuple[str, str, str]] = []
    n: SchemaNode | None = node
    while n is not None:
        steps.append((n.kind.value, n.ns, n.name))
        n = n.parent
    return tuple(reversed(steps))


def describe_type(t: TypeSpec | None) -> tuple[Any, ...] | None:
    """Every field of a type; member types described alike, the leafref target by its address."""
    if t is None:
        return None
    out: list[Any] = []
    for f in dataclasses.fields(t):
        value = getattr(t, f.name)
        if f.name == "members":
            value = tuple(describe_type(m) for m in value)
        elif f.name == "leafref_target":
            value = address(value)
        out.append((f.name, value))
    return tuple(out)


def describe_node(node: SchemaNode) -> tuple[Any, ...]:
    """Every field of ``node`` and, recursively, of its children (parents and data children by address)."""
    out: list[Any] = []
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        if f.name == "parent":
            value = address(value)
        elif f.name == "children":
            value = tuple(describe_node(c) for c in value)
        elif f.name == "data_children":
            value = tuple((tag, address(c)) for tag, c in value.items())
        elif f.name == "type":
            value = describe_type(value)
        out.append((f.name, value))
    return tuple(out)


def describe_schema(schema: Schema) -> dict[str, Any]:
    """Everything a schema holds, as comparable plain values."""
    return {
        "root": describe_node(schema.root),
        "rpcs": tuple((tag, describe_node(n)) for tag, n in schema.rpcs.items()),
        "notifications": tuple((tag, describe_node(n)) for tag, n in schema.notifications.items()),
        "identities": tuple(
            (k, i.ns, i.name, i.prefix, i.bases, tuple(sorted(i.derived))) for k, i in schema.identities.items()
        ),
        "modules": tuple(schema.modules.items()),
        "prefix_to_ns": tuple(schema.prefix_to_ns.items()),
        "ns_to_prefix": tuple(schema.ns_to_prefix.items()),
        "hidden": (schema.hidden_modules, schema.hidden_ns),
    }


def links_are_internal(schema: Schema) -> bool:
    """True if every parent pointer and leafref target is the very node object found in the tree (a copy that
    duplicated nodes would still describe equal but break identity lookups)."""
    nodes = [schema.root, *schema.rpcs.values(), *schema.notifications.values()]
    seen = {id(n) for top in nodes for n in top.walk()}
    for top in nodes:
        for n in top.walk():
            if any(c.parent is not n for c in n.children):
                return False
            if any(id(c) not in seen for c in n.data_children.values()):
                return False
            target = n.type.leafref_target if n.type is not None else None
            if target is not None and id(target) not in seen:
                return False
    return True
