"""The Clark name of a data element, as the ``str`` it always is in our trees.

lxml lets a program assign ``bytes``, ``bytearray`` or a ``QName`` to ``tag`` and keeps the value as given, so
its type stubs read ``tag`` as that union; comments and processing instructions have a function there. Every
element this project parses or builds carries a ``str`` Clark name, so the promise is checked here, once, instead
of being cast away at each use.
"""

from __future__ import annotations

import functools

from lxml import etree

from iosxe_agent.yang.schema import Schema, SchemaNode, split_clark


def tag_of(el: etree._Element) -> str:
    """``el.tag`` (``{ns}name``); a comment or processing instruction is not a data element and raises."""
    name = el.tag
    if isinstance(name, str):
        return name
    raise TypeError(f"not a data element: {el!r}")


def key_child(entry: etree._Element, tag: str) -> etree._Element | None:
    """The first child ``tag`` of a list entry. The keys lead an entry, so a loop over its first children beats
    lxml's ``findtext``/``iterchildren(tag)``, which parse the tag anew on every call (a second per 100,000)."""
    for child in entry:
        if child.tag == tag:
            return child
    return None


@functools.lru_cache(maxsize=4096)  # one per list of the schema
def children_count(tag: str) -> etree.XPath:
    """How many children ``tag`` the element it is evaluated on has, counted in C (no proxy made for each of
    100,000 users)."""
    ns, local = split_clark(tag)
    return etree.XPath(f"count(p:{local})" if ns else f"count({local})", namespaces={"p": ns} if ns else None)


def schema_node_of(el: etree._Element, schema: Schema) -> SchemaNode | None:
    """The schema node of data element ``el`` of a datastore tree (its top ancestor is the datastore's wrapper,
    which the schema's root stands for); None when a step is not in the schema."""
    node: SchemaNode | None = schema.root
    for step in [*list(el.iterancestors())[::-1][1:], el]:
        node = node.child(tag_of(step)) if node is not None else None
    return node
