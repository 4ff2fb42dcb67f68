"""Copies of data trees in the namespace form NETCONF servers put on the wire.

Inside datastores elements carry whatever prefixes lxml invented; a client comparing replies with a real box
(and people reading them) expect each module's subtree to declare its namespace as the default
(``<native xmlns="…native"><aaa><new-model xmlns="…aaa"/>``). Replies are built fresh anyway, so the copy is
made in this form instead of a plain deep copy.
"""

from __future__ import annotations

from lxml import etree

#: Prefixes for attribute namespaces a reply may carry (with-defaults tags, edit attributes).
ATTRIBUTE_PREFIXES = {
    "urn:ietf:params:xml:ns:yang:ietf-netconf-with-defaults": "wd",
    "urn:ietf:params:xml:ns:netconf:base:1.0": "nc",
    "urn:ietf:params:xml:ns:yang:1": "yang",
    "urn:ietf:params:xml:ns:yang:ietf-origin": "or",  # NMDA or:origin="or:intended" (the value uses it too)
}


def wire_copy(el: etree._Element, parent_ns: str | None = None) -> etree._Element:
    """A deep copy of ``el`` where every element whose namespace differs from its parent's declares it as the
    default namespace, and no other namespace declarations appear (attributes keep their own prefixes)."""
    root = _clone(el, parent_ns, None)
    stack: list[tuple[etree._Element, etree._Element]] = [(el, root)]
    while stack:
        src, dst = stack.pop()
        ns = etree.QName(src).namespace
        for child in src:
            if not isinstance(child.tag, str):
                continue
            copy = _clone(child, ns, dst)
            stack.append((child, copy))
    return root


def _clone(src: etree._Element, parent_ns: str | None, parent: etree._Element | None) -> etree._Element:
    ns = etree.QName(src).namespace
    nsmap: dict[str | None, str] = {} if ns == parent_ns or ns is None else {None: ns}
    src_map = src.nsmap or {}
    for name in src.attrib:
        if name.startswith("{"):
            attr_ns = etree.QName(name).namespace
            prefix = ATTRIBUTE_PREFIXES.get(attr_ns or "") or next(
                (p for p, u in src_map.items() if u == attr_ns and p), None
            )
            if prefix and attr_ns:
                nsmap[prefix] = attr_ns
    leaf = len(src) == 0
    if leaf and src.text:
        # identityref-like values ("prefix:name") must stay resolvable: re-declare the prefix they use
        prefix, sep, _ = src.text.partition(":")
        if sep and prefix and prefix in src_map and prefix is not None:
            nsmap[prefix] = src_map[prefix]
    if parent is None:
        dst = etree.Element(src.tag, nsmap=nsmap or None)
    else:
        dst = etree.SubElement(parent, src.tag, nsmap=nsmap or None)
    for name, value in src.attrib.items():
        dst.set(name, value)
    if leaf:
        dst.text = src.text
    return dst
