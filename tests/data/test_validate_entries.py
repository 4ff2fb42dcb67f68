"""Full validation selects, in C, the entries of a long list that hold something to check (``_holding_checks``):
it finds exactly the errors, in the same order, that visiting every entry finds.

Users (more than ``INDEX_ABOVE`` of them) may name an attribute list that does not exist (a leafref, checked in
a child of the entry), and vty lines (their own list, with a mandatory ``last``) may lack it.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iosxe_agent.data import validate as validate_mod
from iosxe_agent.data.touched import INDEX_ABOVE
from iosxe_agent.data.validate import validate
from iosxe_agent.device.names import AAA_NS

A = f'xmlns="{AAA_NS}"'


@st.composite
def trees(draw: st.DrawFn) -> str:
    users = []
    for i in range(draw(st.integers(0, INDEX_ABOVE + 20))):
        group = draw(st.sampled_from([None, None, None, "G1", "G2", "MISSING"]))
        attr = f"<aaa {A}><attribute><list>{group}</list></attribute></aaa>" if group else ""
        users.append(f"<username><name>u{i:03d}</name><privilege>1</privilege>{attr}</username>")
    groups = "".join(f"<list><name>{g}</name></list>" for g in draw(st.lists(st.sampled_from(["G1", "G2"]))))
    vty = "".join(
        f"<vty><first>{f}</first>{'<last>99</last>' if draw(st.booleans()) else ''}</vty>"
        for f in draw(st.lists(st.integers(0, 40), unique=True, max_size=INDEX_ABOVE + 4))
    )
    return f"{''.join(users)}<aaa><attribute {A}>{groups}</attribute></aaa><line>{vty}</line>"


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(body=trees())
def test_selected_entries_find_what_visiting_every_entry_finds(
    ios: Any, body: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = ios.tree(body)
    found = [(e.tag, e.app_tag, e.message, e.path) for e in validate(tree, ios.schema)]
    with monkeypatch.context() as m:
        m.setattr(validate_mod, "_holding_checks", lambda *_: None)
        every = [(e.tag, e.app_tag, e.message, e.path) for e in validate(tree, ios.schema)]
    assert found == every


def test_only_users_holding_a_reference_are_selected(ios: Any) -> None:
    users = "".join(f"<username><name>u{i:03d}</name></username>" for i in range(30))
    tree = ios.tree(users + f"<username><name>z</name><aaa {A}><attribute><list>X</list></attribute></aaa></username>")
    native = ios.find(tree, "ios:native")
    entries = list(native.iterchildren(ios.node("native", "username").tag))
    validator = validate_mod._Validator(ios.schema, 10)
    assert validator._selected_entries(native, ios.node("native", "username")) == entries[-1:]
    [error] = validate(tree, ios.schema)
    assert error.tag == "data-missing" and "z" in (error.path or "")
