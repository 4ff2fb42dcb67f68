"""``_Validator.walk``'s early exit (no child of a kind that can hold a violation is present, and none can be
missing: nothing below to check) against the walk it skips: the same problems for whole trees and for the
edits' reports, on configurations of every feature and on ones aimed at the constraints that read elsewhere.

Why: every one-leaf edit walks the whole node holding the leaf; an exit taken where a child did hold a check
would let an invalid configuration be committed."""

from __future__ import annotations

from typing import Any

from edit_reports import edited
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ios_config_strategies import FEATURES

from iosxe_agent.data import validate as validation
from iosxe_agent.data.touched import Touched
from iosxe_agent.device.names import AAA_NS

A = f'xmlns="{AAA_NS}"'
#: pieces that break constraints: a must naming a missing server group, a leafref to a missing attribute list,
#: a vty range without its mandatory leaf, a login list with a method the when of its sibling refuses
BREAKING = st.sampled_from(
    [
        f"<aaa><authorization {A}><commands><level>15</level><list-name>default</list-name>"
        f"<a1><group>TAC</group></a1></commands></authorization></aaa>",
        f"<username><name>u1</name><privilege>1</privilege><aaa {A}><attribute><list>X</list></attribute>"
        "</aaa></username>",
        "<line><vty><first>0</first><access-class><acccess-list><direction>in</direction></acccess-list>"
        "</access-class></vty></line>",
        f"<aaa><authentication {A}><login><name>default</name><a1><none/></a1><a2><local/></a2></login>"
        "</authentication></aaa>",
        "<ip><ssh><time-out>30</time-out></ssh></ip>",
    ]
)
PIECES = st.one_of(FEATURES, BREAKING)


def problems(ios: Any, tree: Any, touched: Touched | None) -> list[tuple[str, str, str, str]]:
    found = validation.validate(tree, ios.schema, touched=touched)
    return [(e.tag, e.app_tag or "", e.path or "", e.message) for e in found]


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(start=st.lists(PIECES, min_size=1, max_size=4), changes=st.lists(PIECES, max_size=3))
def test_the_early_exit_finds_what_the_walk_finds(
    ios: Any, monkeypatch: Any, start: list[str], changes: list[str]
) -> None:  # fmt: skip
    first = ios.edit(ios.empty(), "".join(start))
    assume(first.tree is not None)
    tree, touched = edited(ios, first.tree, changes)
    fast = problems(ios, tree, None), problems(ios, tree, touched)
    with monkeypatch.context() as walked:
        walked.setattr(validation, "_walkable", lambda snode, plan: None)  # every node walked, as before
        assert fast == (problems(ios, tree, None), problems(ios, tree, touched))
