"""What two ways of making one edit must agree on, as plain values (the tests of each fast path of the editor
compare it with the general path through this)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from lxml import etree

from iosxe_agent.data import edit as edit_mod
from iosxe_agent.data.edit import EditResult
from iosxe_agent.data.touched import Touched


def summary(r: EditResult) -> tuple[object, ...]:
    """The tree's bytes, the errors, what changed and the touched report of ``r``."""
    tree = etree.tostring(r.tree) if r.tree is not None else None
    touched = None if r.touched is None else comparable(r.touched)
    return tree, [(e.tag, e.message, e.path, e.path_ns, e.info) for e in r.errors], r.changed, touched


def comparable(t: Touched) -> tuple[object, ...]:
    """``t`` as plain values, its ``bulk`` elements as their text: two edits of separate copies report different
    element objects for the same entries."""
    children = {ident: comparable(sub) for ident, sub in t.children.items()}
    bulk = {tag: [etree.tostring(e) for e in elements] for tag, elements in t.bulk.items()}
    return t.whole, t.tags, children, t.entries, bulk


def created_as_runs(edit: Callable[[], EditResult], monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many entries each try of ``_Editor._new_run`` created while ``edit()`` ran, once the same edit with no
    run created at once (every entry one by one) is seen to give the same :func:`summary`: a test that the fast
    path was taken and changed nothing (an equality alone would pass if it never were)."""
    created: list[int] = []
    real = edit_mod._Editor._new_run

    def spy(self: Any, *args: Any) -> int:
        created.append(real(self, *args))
        return created[-1]

    with monkeypatch.context() as m:
        m.setattr(edit_mod._Editor, "_new_run", spy)
        fast = summary(edit())
    with monkeypatch.context() as m:
        m.setattr(edit_mod._Editor, "_new_run", lambda *_, **__: 0)
        assert summary(edit()) == fast
    return created
