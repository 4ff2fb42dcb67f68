"""Nodes a configuration holds at most once (``ip``, ``line``, ``archive`` …) found among ``native``'s children
without passing the long lists beside them.

Why: a view reads a few containers of ``native``, and every ``find`` or ``iterchildren(tag)`` walks its children
from the first: beside 100,000 users each costs a scan of the users (the SSH view, read again on every commit
that changes ``ip ssh``, cost about 3 ms that way). Views see the tree alone, with no schema to say where a node
would be, so they look from both ends at once (:func:`iosxe_agent.data.order.single_children`): the few nodes
around a long list are reached from one end or the other, and only an absent node costs one scan in C.
"""

from __future__ import annotations

from lxml import etree

from iosxe_agent.data.order import single_children


def find_in(native: etree._Element | None, top: str, path: str = "") -> etree._Element | None:
    """``native.find(top/path)`` for a ``top`` held at most once, found by :func:`single_children` (the rest of
    the path lies inside it, away from the long lists)."""
    el = single_children(native, top)[top] if native is not None else None
    return el.find(path) if el is not None and path else el
