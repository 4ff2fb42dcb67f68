"""Every data node of a schema, for property tests that draw a node to try a per-node memo on."""

from __future__ import annotations

from iosxe_agent.yang.schema import SchemaNode


def schema_nodes(root: SchemaNode) -> list[SchemaNode]:
    """``root`` and every data node below it."""
    out, todo = [], [root]
    while todo:
        node = todo.pop()
        out.append(node)
        todo.extend(node.data_children.values())
    return out
