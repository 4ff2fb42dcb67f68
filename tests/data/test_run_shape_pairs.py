"""The run check of :mod:`iosxe_agent.data.runs` against entries that make up for each other.

Why: the tags of a run's elements are tested by its columns (each a leaf's path with a tag test per step) and
what no column reaches by the entry's predicate; each entry's descendants are counted once. Every variant below
has exactly as many descendants as a canonical user, so only the columns can tell it apart, and a variant that
gives one column two texts while another column gets none from it could make up, in the column totals, for a
variant that does the opposite. The check must still accept a run exactly when every entry has the first one's
shape (the slow reference walks each entry in Python): each column gives at most one text per entry.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from run_shapes import alike, run_accepted, username_shape

from iosxe_agent.device.names import NATIVE_NS

N = f"{{{NATIVE_NS}}}"
H = "$9$AAAAAAAAAAAAAA$98TL7I2NJnM8PHS7XqDxOe569kXm8FUzMdMc/E6wP2Y"
NAME = "<name>{}</name>"
#: users with a canonical user's number of descendants (5 elements, 4 texts), canonical only for the first
VARIANTS = [
    "<privilege>1</privilege><secret><encryption>9</encryption><secret>{h}</secret></secret>",
    # name: two texts; privilege: none (missing)
    "<secret><encryption>9</encryption><secret>{h}</secret></secret>",
    # privilege: two texts; encryption: missing
    "<privilege>1<!--c-->2</privilege><secret><secret>{h}</secret></secret>",
    # privilege: two texts around an element; encryption missing
    "<privilege>1<x/>2</privilege><secret><secret>{h}</secret></secret>",
    # privilege: empty; a text in the container instead
    "<privilege/><secret><encryption>9</encryption>t<secret>{h}</secret></secret>",
    # privilege and secret swapped
    "<secret><encryption>9</encryption><secret>{h}</secret></secret><privilege>1</privilege>",
    # encryption and the secret leaf swapped
    "<privilege>1</privilege><secret><secret>{h}</secret><encryption>9</encryption></secret>",
    # encryption missing, a second privilege instead
    "<privilege>1</privilege><privilege>2</privilege><secret><secret>{h}</secret></secret>",
]
#: for the variant at the same index, how its name is written (the second gives the name two texts)
NAMES = [NAME, "<name>{}<!--c-->b</name>", NAME, NAME, NAME, NAME, NAME, NAME]


def _user(name: str, variant: int) -> str:
    return f"<username>{NAMES[variant].format(name)}{VARIANTS[variant].format(h=H)}</username>"


def _accepted(ios: Any, variants: list[int]) -> tuple[bool, bool]:
    """What the run check says of a run of users with ``variants`` after a canonical first one, and what the
    reference says."""
    body = "".join(_user(f"u{i}", v) for i, v in enumerate([0, *variants]))
    native = ios.cfg(body).find(f"{N}native")
    entries = native.findall(f"{N}username")
    return run_accepted(username_shape(ios, entries[0]), native, len(entries)), all(
        alike(entries[0], e) for e in entries
    )


def test_every_variant_counts_as_a_canonical_user(ios: Any) -> None:
    """The variants are the hard case: the descendant count alone accepts each of them."""
    for variant in range(len(VARIANTS)):
        native = ios.cfg(_user("u", variant)).find(f"{N}native")
        assert native is not None
        assert native.find(f"{N}username").xpath("count(descendant::node())") == 9, variant


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(variants=st.lists(st.sampled_from([0, 0, *range(1, len(VARIANTS))]), min_size=1, max_size=6))
def test_entries_that_make_up_for_each_other_are_refused(ios: Any, variants: list[int]) -> None:
    accepted, alike = _accepted(ios, variants)
    assert accepted == alike


def test_a_column_gives_at_most_one_text_per_entry(ios: Any) -> None:
    """What the proof rests on: a column returning as many texts as there are entries then found one in each
    (variants 2 and 3 hold two texts in the privilege leaf, variant 1 in the name)."""
    shape = username_shape(ios, ios.cfg(_user("u", 0)).find(f"{N}native").find(f"{N}username"))
    for variant in range(len(VARIANTS)):
        native = ios.cfg(_user("u", variant)).find(f"{N}native")
        assert all(len(column(native)) <= 1 for _, column in shape.columns), variant


@pytest.mark.parametrize(
    ("second", "alike"), [("<password/>", True), ("<secret/>", False), ("<password>x</password>", False)]
)
def test_a_container_no_column_reaches_is_tested_by_the_entry(ios: Any, second: str, alike: bool) -> None:
    """A container with no leaf below has no column to test its tag: the entry's predicate does."""
    body = f"<username><name>u0</name><password/></username><username><name>u1</name>{second}</username>"
    native = ios.cfg(body).find(f"{N}native")
    entries = native.findall(f"{N}username")
    assert run_accepted(username_shape(ios, entries[0]), native, 2) is alike
