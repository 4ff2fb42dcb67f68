"""Lookups an edit and its validation keep instead of working out again (data/edit.py, data/validate.py), each
against what it replaces: the enum members by value (an unknown value still refused by the enum), and the paths of
the children a whole node's change counts as changed, per path, schema node and kinds of change."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schema_walk import schema_nodes

from iosxe_agent.data import edit, validate


@pytest.mark.parametrize(("enum", "kept"), [(edit.Op, edit._OPS), (edit.ErrorOption, edit._ERROR_OPTIONS)])
def test_every_member_is_kept_by_its_value(enum: Any, kept: dict[str, Any]) -> None:
    assert kept == {member.value: member for member in enum}
    assert "bogus" not in kept
    with pytest.raises(ValueError):
        enum("bogus")  # what apply_edit falls back to for a value it does not keep


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_changed_roots_kept_are_those_worked_out(ios: Any, data: Any) -> None:
    snode = data.draw(st.sampled_from([node for node in schema_nodes(ios.schema.root) if node.data_children]))
    tags = data.draw(
        st.frozensets(st.one_of(st.sampled_from(sorted(snode.data_children)), st.just("{urn:x}unknown")), max_size=4)
    )
    path = tuple(data.draw(st.lists(st.sampled_from(["native", "ip", "ssh", "x"]), max_size=3)))
    for _ in range(2):  # the second answer is the kept one
        assert validate._changed_roots(path, snode, tags) == validate._changed_roots.__wrapped__(path, snode, tags)
