"""A change record's JSON text (``change_record._JSON``, which skips the encoder's check for circular references)
against the encoder with that check, which it replaces: the same text for every shape an op takes (lists of
strings, nulls and integers, path lists shared between ops), whatever the strings hold.

Why: the text is what the journal stores and replays; one byte of difference would change every record on disk."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from iosxe_agent.datastore.change_record import _JSON

CHECKED = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
VALUES = st.recursive(
    st.one_of(st.text(), st.none(), st.integers()),
    lambda inner: st.lists(inner, max_size=5),
    max_leaves=30,
)


@given(ops=st.lists(VALUES, max_size=6), shared=st.lists(st.text(), max_size=3))
def test_the_record_text_is_the_checked_encoders(ops: list[Any], shared: list[str]) -> None:
    path = [[tag] for tag in shared]  # one path list held by several ops, as _Paths shares a parent's
    record = {"ops": [*ops, ["r", path, "<a/>"], ["d", path]]}
    assert _JSON.encode(record) == CHECKED.encode(record)
