"""The helpers every view shares: where ``<native>`` is, and memoising a view per tree."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Generic, TypeVar

from lxml import etree

from iosxe_agent.device.names import n

V = TypeVar("V")

#: A node a view reads: Clark tags from a datastore root's child (``native``) down, every instance of it (list
#: keys are not part of a path). A view's value is a function of the subtrees at its paths alone.
Path = tuple[str, ...]


_NATIVE = n("native")


def native_of(tree: etree._Element) -> etree._Element | None:
    """The ``<native>`` element of a datastore tree (``<config>``/``<data>`` root) or of a bare ``<native>``.

    The first child of that tag, as ``find`` gives it, by one scan in C: ``find`` parses its path again at each
    call (~8 µs in a commit, where every view of ``native`` asks)."""
    if tree.tag == _NATIVE:
        return tree
    return next(tree.iterchildren(_NATIVE), None)


class TreeView(Generic[V]):
    """``read`` memoised for the last tree it was given; ``inputs``: the paths ``read`` looks at.

    Why this is safe: a committed tree is never changed in place (every commit swaps in a new tree object), and
    the memo holds the tree itself, so an identity match can never be a recycled ``id``. A replaced tree that is
    reused as the next edit's working copy is first released by every view (:meth:`release`).

    Why only the last one: services ask again and again about the running tree of the moment; keeping older
    trees would keep dead configurations alive. Two devices that alternate merely read twice; the answer is
    always the same.

    Why :meth:`carry`: a commit swaps in a new tree, and reading it again costs as much as the first time (the
    AAA view of 100,000 users takes half a second), though most commits change nothing a given view reads.
    """

    def __init__(self, read: Callable[[etree._Element], V], inputs: tuple[Path, ...]) -> None:
        self.read = read
        self.inputs = inputs
        self._memo: tuple[etree._Element, V] | None = None
        functools.update_wrapper(self, read)

    def __call__(self, tree: etree._Element) -> V:
        memo = self._memo
        if memo is not None and memo[0] is tree:
            return memo[1]
        value = self.read(tree)
        self._memo = (tree, value)
        return value

    def holds(self, tree: etree._Element) -> bool:
        """Whether the memo is ``tree``'s."""
        return self._memo is not None and self._memo[0] is tree

    def release(self, tree: etree._Element) -> None:
        """Forget the memo if it is ``tree``'s: that tree is about to be reused, edited in place, as the spare
        copy of running (:mod:`~iosxe_agent.datastore.spare`); the memo would also keep it from being reused."""
        if self._memo is not None and self._memo[0] is tree:
            self._memo = None

    def hand_on(self, old: etree._Element, new: etree._Element) -> None:
        """Let ``new`` share the memo of ``old`` (the caller knows that every input is the same in both)."""
        memo = self._memo
        if memo is not None and memo[0] is old:
            self._memo = (new, memo[1])


def per_tree(read: Callable[[etree._Element], V], *inputs: Path) -> TreeView[V]:
    """``read`` memoised per tree (see :class:`TreeView`); ``inputs``: every path ``read`` looks at."""
    return TreeView(read, inputs)
