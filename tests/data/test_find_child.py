"""``find_child`` (a list entry found by its keys with one XPath in C) against the query it replaced and the plain
answer (the first child whose identity is the one asked for, among entries holding their keys), over values of
every kind.

Why: the query matched names by comparing ``namespace-uri()`` and ``local-name()`` strings at each sibling, five
times slower than matching by prefix over 100,000 users; the diff, the validation and the report of every edit
of one user find that user with it. A wrong answer would make a diff miss a change or validate the wrong entry.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.data.touched import find_child, identity
from iosxe_agent.device.names import NATIVE_NS
from iosxe_agent.yang.schema import SchemaNode, split_clark

NATIVE = f"{{{NATIVE_NS}}}native"
#: key values, quotes, XPath-looking text and characters outside ASCII included
VALUES = st.one_of(
    st.sampled_from(["", "a", "b", "'", '"', "a'b\"c", "x]|[y", "1", "01", " 1"]),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=6),
)


def _lists(ios: Any) -> list[tuple[etree._Element, SchemaNode]]:
    """A parent element and a list below it: one key (``username``) and two keys (a static route)."""
    native = ios.schema.root.child(NATIVE)
    route = native.child(f"{{{NATIVE_NS}}}ip").child(f"{{{NATIVE_NS}}}route")
    return [(etree.Element(NATIVE), native.child(f"{{{NATIVE_NS}}}username")),
            (etree.Element(route.tag), route.child(f"{{{NATIVE_NS}}}ip-route-interface-forwarding-list"))]  # fmt: skip


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), which=st.integers(0, 1))
def test_found_as_the_first_child_with_that_identity(ios: Any, data: Any, which: int) -> None:
    parent, snode = _lists(ios)[which]
    for _ in range(data.draw(st.integers(0, 12))):
        entry = etree.SubElement(parent, snode.tag)
        if data.draw(st.booleans()):
            etree.SubElement(parent, f"{{{NATIVE_NS}}}other")  # a sibling of another kind
        for key in snode.keys:
            if data.draw(st.integers(0, 9)):  # now and then a key is missing
                etree.SubElement(entry, key).text = data.draw(VALUES)
    entries = list(parent.iterchildren(snode.tag))
    asked = [identity(e, snode) for e in entries]
    asked.append((snode.tag, *(data.draw(VALUES) for _ in snode.keys)))
    for ident in asked:
        found = find_child(parent, ident, snode)
        assert found is _by_local_names(parent, ident, snode)
        complete = [c for c in entries if all(c.find(key) is not None for key in snode.keys)]
        assert found is next((c for c in complete if identity(c, snode) == ident), None)


def _by_local_names(parent: etree._Element, ident: tuple[str, ...], snode: SchemaNode) -> etree._Element | None:
    """The query ``find_child`` used before: names compared as ``namespace-uri()`` and ``local-name()``."""
    ns, name = split_clark(ident[0])
    tests = [f"[*[namespace-uri() = $kns{i} and local-name() = $kname{i}] = $kval{i}]" for i in range(len(snode.keys))]
    variables = {"ns": ns, "name": name}
    for i, (key, value) in enumerate(zip(snode.keys, ident[1:], strict=True)):
        variables[f"kns{i}"], variables[f"kname{i}"] = split_clark(key)
        variables[f"kval{i}"] = value
    found = etree.XPath("*[namespace-uri() = $ns and local-name() = $name]" + "".join(tests))(parent, **variables)
    return found[0] if isinstance(found, list) and found and isinstance(found[0], etree._Element) else None
