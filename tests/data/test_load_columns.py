"""The column check of a run of loaded entries (``_Editor._keyed_run``) against the value check it skips.

Why: a column of a string type without length or pattern restrictions is accepted without looking at its values
(``edit._any_string``); that must be what checking each value finds (every text valid and its own canonical form),
for any text, and a restricted string must still be checked value by value.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iosxe_agent.data import edit as edit_mod
from iosxe_agent.yang.schema import Pattern, TypeSpec

UNRESTRICTED = TypeSpec("string", "string")
TEXTS = st.lists(st.text(st.characters(blacklist_categories=["Cs"]), min_size=1), min_size=1, max_size=6)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=TEXTS)
def test_an_unrestricted_string_column_is_what_checking_each_value_finds(ios: Any, texts: list[str]) -> None:
    editor = edit_mod._Editor(ios.schema, edit_mod.ErrorOption.STOP, 1_000_000, ios.schema.identities)
    assert edit_mod._any_string(UNRESTRICTED)
    assert editor._all_canonical(UNRESTRICTED, texts)


@pytest.mark.parametrize(
    "t",
    [
        TypeSpec("string", "s", lengths=((1, 3),)),
        TypeSpec("string", "s", patterns=(Pattern("a+"),)),
        TypeSpec("uint8", "u"),
    ],
)
def test_a_restricted_value_is_checked_value_by_value(t: TypeSpec) -> None:
    assert not edit_mod._any_string(t)


@given(values=st.lists(st.text(max_size=4), max_size=3))
def test_sort_keys_are_each_values_sort_key(values: list[str]) -> None:
    assert edit_mod._sort_keys(tuple(values)) == tuple(edit_mod._sort_key(v) for v in values)
