"""Edits applied one after the other with their reports merged, as a candidate collects them before a commit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lxml import etree

from iosxe_agent.data.touched import Touched


def edited(
    doc: Any,
    tree: etree._Element,
    changes: list[str],
    normalize: Callable[[etree._Element, Touched], object] | None = None,
) -> tuple[etree._Element, Touched]:
    """``tree`` after each of ``changes`` that applies (``doc``: the schema's builders), and the merged report of
    where it now differs from ``tree``; ``normalize(new tree, its report)`` after each, as a datastore's
    normalizer runs."""
    touched = Touched()
    for change in changes:
        result = doc.edit(tree, change)
        if result.tree is None:
            continue
        assert result.touched is not None
        if normalize is not None:
            normalize(result.tree, result.touched)
        touched.merge(result.touched)
        tree = result.tree
    return tree, touched
