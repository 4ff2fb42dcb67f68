"""The two helpers every view shares: where ``<native>`` is, and memoising a view per tree."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

from lxml import etree

from iosxe_agent.device.names import n

V = TypeVar("V")


def native_of(tree: etree._Element) -> etree._Element | None:
    """The ``<native>`` element of a datastore tree (``<config>``/``<data>`` root) or of a bare ``<native>``."""
    if tree.tag == n("native"):
        return tree
    return tree.find(n("native"))


def per_tree(read: Callable[[etree._Element], V]) -> Callable[[etree._Element], V]:
    """``read`` memoised for the last tree it was given.

    Why this is safe: a committed tree is never changed in place (every commit swaps in a new tree object), and
    the memo holds the tree itself, so an identity match can never be a recycled ``id``. Why only the last one:
    services ask again and again about the running tree of the moment; keeping older trees would keep dead
    configurations alive. Two devices that alternate merely read twice; the answer is always the same.
    """
    last: list[tuple[etree._Element, V]] = []

    @functools.wraps(read)
    def view(tree: etree._Element) -> V:
        memo = last[0] if last else None
        if memo is not None and memo[0] is tree:
            return memo[1]
        value = read(tree)
        last[:] = [(tree, value)]
        return value

    return view
