"""The run check of :mod:`iosxe_agent.data.runs` as the tests ask it of a run of users, and the slow reference it
must agree with: shared by ``tests/data/test_run_shape.py`` and ``test_run_shape_pairs.py``."""

from __future__ import annotations

from typing import Any

from lxml import etree

from iosxe_agent.data import edit as edit_mod
from iosxe_agent.data.runs import RunShape, shape_of
from iosxe_agent.device.names import NATIVE_NS

N = f"{{{NATIVE_NS}}}"


def alike(a: etree._Element, b: etree._Element) -> bool:
    """The slow reference: ``b`` has ``a``'s shape (``a`` a canonical entry: leaves hold one text)."""
    if a.tag != b.tag or (b.text is not None and len(b)) or any(not isinstance(c.tag, str) for c in b):
        return False
    if not len(a):
        return len(b) == 0 and bool(b.text)
    if len(a) != len(b) or b.text is not None or any(c.tail is not None for c in b):
        return False
    return all(alike(x, y) for x, y in zip(a, b, strict=True))


def username_shape(ios: Any, first: etree._Element) -> RunShape:
    """The shape the editor takes from ``first``, a user, for the run it leads."""
    editor = edit_mod._Editor(ios.schema, edit_mod.ErrorOption.STOP, 1_000_000, ios.schema.identities)
    snode = ios.schema.root.data_children[f"{N}native"].data_children[f"{N}username"]
    shape = shape_of(first, snode, editor._plan_of, edit_mod._context_free)
    assert shape is not None
    return shape


def run_accepted(shape: RunShape, native: etree._Element, count: int) -> bool:
    """Whether the run check accepts ``native``'s ``count`` users as a run of ``shape``."""
    return shape.same(native) == count and all(len(column(native)) == count for _, column in shape.columns)
