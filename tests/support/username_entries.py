"""``username`` entries built from drawn children, for the tests that read users back (the AAA view, the start-up
report): any children in any order, missing, repeated or empty, as no edit would make them."""

from __future__ import annotations

from lxml import etree

from iosxe_agent.device.names import n

#: (tag, body): one child of a username entry; a list body holds the (tag, text) children of a holder
#: (``secret``, ``password``), a str its text, anything else no text
Child = tuple[str, object]


def add_username(native: etree._Element, children: list[Child]) -> etree._Element:
    """A ``username`` entry with ``children``, appended to ``native``."""
    entry = etree.SubElement(native, n("username"))
    for tag, body in children:
        child = etree.SubElement(entry, n(tag))
        if isinstance(body, list):
            for inner, text in body:
                etree.SubElement(child, n(inner)).text = text
        else:
            child.text = body if isinstance(body, str) else None
    return entry
