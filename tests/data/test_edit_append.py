"""The in-order append of a bulk create (``_Editor._append_in_order``) against ``_Editor._place``.

Why: the append exists for speed only; for every edit the tree, errors, changed and touched must be exactly what
the general placement gives. The cases aim at what it must notice: existing entries sorting after the new ones,
numbers among names, equal sort keys ("9" and "09"), a comment, a foreign element or a later schema node after
the last entry, and entries out of order.
"""

from __future__ import annotations

from typing import Any

import pytest
from edit_summary import summary
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.data import edit as edit_mod
from iosxe_agent.data.edit import apply_edit

NAMES = st.sampled_from(["a", "b", "c", "m", "z", "u1", "u2", "u10", "9", "09", "10", "-1", " x", "Z"])
#: What may follow the last existing entry in a stored tree (the tag of a later schema node, a comment, an element
#: the schema does not know).
AFTER = st.sampled_from(["", "ip", "comment", "foreign"])


def _user(name: str, privilege: int = 1) -> str:
    return f"<username><name>{name}</name><privilege>{privilege}</privilege></username>"


def _start(ios: Any, names: list[str], after: str) -> etree._Element:
    body = "".join(_user(n) for n in names) + ("<ip><ssh><time-out>30</time-out></ssh></ip>" if after == "ip" else "")
    tree = ios.tree(body) if body else ios.empty()
    entries = tree.findall(f".//{{{ios.ns}}}username")
    if entries and after in ("comment", "foreign"):
        extra = etree.Comment(" kept ") if after == "comment" else etree.Element("{urn:other}x")
        entries[-1].addnext(extra)
    return tree


def _three_ways(ios: Any, tree: etree._Element, body: str, monkeypatch: pytest.MonkeyPatch, **kw: Any) -> None:
    """The edit with the append, with ``_place`` for every entry, and with the per-entry bulk path off: equal."""
    fast = summary(apply_edit(tree, ios.cfg(body), ios.schema, **kw))
    with monkeypatch.context() as m:
        m.setattr(edit_mod._Editor, "_append_in_order", lambda *_, **__: False)
        placed = summary(apply_edit(tree, ios.cfg(body), ios.schema, **kw))
        m.setattr(edit_mod._Editor, "_build", lambda *_, **__: False)
        general = summary(apply_edit(tree, ios.cfg(body), ios.schema, **kw))
    assert fast == placed == general


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    existing=st.lists(NAMES, max_size=4, unique=True),
    new=st.lists(NAMES, min_size=1, max_size=8),
    ascending=st.booleans(),
    after=AFTER,
    op=st.sampled_from(["merge", "replace", "none"]),
    between=st.sampled_from(["", "<hostname>R2</hostname>", "<!-- c -->"]),
)
def test_append_in_order_equals_place(
    ios: Any,
    existing: list[str],
    new: list[str],
    ascending: bool,
    after: str,
    op: str,
    between: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    names = sorted(new, key=edit_mod._sort_key) if ascending else new
    body = between.join(_user(n, i % 15) for i, n in enumerate(names))
    _three_ways(ios, _start(ios, existing, after), body, monkeypatch, default_operation=op)


def test_ascending_entries_after_the_last_take_the_append(ios: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The append is the path a key-ordered bulk create takes (all but the first entry), and agrees with _place."""
    taken: list[bool] = []
    real = edit_mod._Editor._append_in_order

    def spy(self: Any, *args: Any) -> bool:
        taken.append(real(self, *args))
        return taken[-1]

    tree = _start(ios, ["a0", "b1"], "ip")
    body = "".join(_user(f"u{i:03d}") for i in range(50))
    with monkeypatch.context() as m:
        m.setattr(edit_mod._Editor, "_append_in_order", spy)
        result = apply_edit(tree, ios.cfg(body), ios.schema)
    assert taken == [False] + [True] * 49
    assert result.touched is not None and not result.errors
    _three_ways(ios, tree, body, monkeypatch)
