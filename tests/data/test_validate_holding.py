"""The entries of a long list that hold a check, as validation selects them in C (``_holding_checks``: first
whether any entry holds one, by a path per tag over all entries, then which), against a look at every entry.

Why: most bulk creates hold none, and the first question answers that alone; it must never answer "none" when
one entry, wherever it sits, holds such a child (or several, or several kinds).
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iosxe_agent.data import validate as validate_mod
from iosxe_agent.device.names import AAA_NS

HELD = {
    "aaa": f'<aaa xmlns="{AAA_NS}"><attribute><list>G1</list></attribute></aaa>',
    "ccp": f'<common-criteria-policy xmlns="{AAA_NS}">P</common-criteria-policy>',
}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(held=st.lists(st.sampled_from(["", "", "", "", "aaa", "ccp", "both"]), min_size=1, max_size=40))
def test_the_entries_holding_a_check_are_those_a_look_at_each_finds(ios: Any, held: list[str]) -> None:
    users = "".join(
        f"<username><name>u{i:03d}</name><privilege>1</privilege>"
        + "".join(HELD[k] for k in ("aaa", "ccp") if kind in (k, "both"))
        + "</username>"
        for i, kind in enumerate(held)
    )
    tree = ios.tree(users)
    native = ios.find(tree, "ios:native")
    snode = ios.node("native", "username")
    validator = validate_mod._Validator(ios.schema, 10)
    query = validate_mod._holding_checks(snode, validator._plan)
    assert query is not None
    tags = {c.tag for c in validate_mod._data_of(snode) if id(c) in validator._plan.walk}
    every = [e for e in native.iterchildren(snode.tag) if any(c.tag in tags for c in e)]
    assert validator._selected_entries(native, snode) == every
