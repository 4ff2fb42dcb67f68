"""Validation limited to what the edits touched finds every problem the full validation finds, from a valid tree.

The edits aim at constraints that read elsewhere: a command-authorization method naming a TACACS+ server group
(a must with an absolute path), a user's attribute list (a leafref into aaa), login method lists (whens on
siblings), and a vty range with a mandatory leaf; the other side of each reference is created and removed too.
"""

from __future__ import annotations

from typing import Any

from edit_reports import edited
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from iosxe_agent.data.reach import UNBOUNDED, Reach, reach
from iosxe_agent.data.touched import Touched
from iosxe_agent.data.validate import validate
from iosxe_agent.device.names import AAA_NS

A = f'xmlns="{AAA_NS}"'
OPS = st.sampled_from(["", "", ' nc:operation="replace"', ' nc:operation="remove"'])
GROUPS = st.sampled_from(["TAC", "OTHER"])


@st.composite
def edits(draw: st.DrawFn) -> str:
    parts: list[str] = []
    aaa = ""
    if draw(st.booleans()):
        name = draw(GROUPS)
        aaa += f"<group {A}><server><tacacsplus{draw(OPS)}><name>{name}</name></tacacsplus></server></group>"
    if draw(st.booleans()):
        aaa += f"<attribute {A}><list{draw(OPS)}><name>{draw(GROUPS)}</name></list></attribute>"
    if draw(st.booleans()):
        group = draw(st.sampled_from(["TAC", "OTHER", "tacacs+"]))
        aaa += (f"<authorization {A}><commands{draw(OPS)}><level>15</level><list-name>default</list-name>"
                f"<a1><group>{group}</group></a1></commands></authorization>")  # fmt: skip
    if draw(st.booleans()):
        method = draw(st.sampled_from(["<local/>", "<none/>", "<group>tacacs+</group>"]))
        second = draw(
            st.sampled_from(["", "", "<a2><local/></a2>", "<a2><none/></a2>", "<a2><group>tacacs+</group></a2>"])
        )
        aaa += f"<authentication {A}><login{draw(OPS)}><name>default</name><a1>{method}</a1>{second}</login>"
        aaa += "</authentication>"
    if aaa:
        parts.append(f"<aaa>{aaa}</aaa>")
    for name in draw(st.lists(st.sampled_from(["ops", "u1", "u2"]), unique=True, max_size=2)):
        attr = f"<aaa {A}><attribute><list>{draw(GROUPS)}</list></attribute></aaa>" if draw(st.booleans()) else ""
        parts.append(f"<username{draw(OPS)}><name>{name}</name><privilege>{draw(st.integers(0, 15))}</privilege>"
                     f"{attr}</username>")  # fmt: skip
    if draw(st.booleans()):
        direction = draw(st.sampled_from(["", "<direction>in</direction>"]))
        parts.append(f"<line><vty{draw(OPS)}><first>0</first><last>4</last><access-class><acccess-list>"
                     f"{direction}</acccess-list></access-class></vty></line>")  # fmt: skip
    if draw(st.booleans()):
        parts.append(f"<hostname>R{draw(st.integers(0, 3))}</hostname>")
    return "".join(parts)


def problems(tree: Any, ios: Any, touched: Touched | None) -> list[tuple[str, str, str]]:
    return sorted((e.tag, e.app_tag or "", e.path or "") for e in validate(tree, ios.schema, touched=touched))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(start=edits(), changes=st.lists(edits(), min_size=1, max_size=3))
def test_limited_validation_equals_full_validation(ios: Any, start: str, changes: list[str]) -> None:
    first = ios.edit(ios.empty(), start)
    assume(first.tree is not None and not first.errors and not validate(first.tree, ios.schema))
    tree, touched = edited(ios, first.tree, changes)
    assert problems(tree, ios, touched) == problems(tree, ios, None)


def test_removing_what_a_constraint_elsewhere_names_is_refused(ios: Any) -> None:
    """The must on command authorization reads the TACACS+ group: removing the group, far from the must, is
    caught although the edit touched only the group."""
    group = f"<group {A}><server><tacacsplus><name>TAC</name></tacacsplus></server></group>"
    base = ios.tree(
        f"<aaa>{group}<authorization {A}><commands><level>15</level><list-name>default</list-name>"
        "<a1><group>TAC</group></a1></commands></authorization></aaa>"
    )
    assert validate(base, ios.schema) == ()
    result = ios.edit(base, f'<aaa><group {A}><server><tacacsplus nc:operation="delete"><name>TAC</name>'
                            "</tacacsplus></server></group></aaa>")  # fmt: skip
    assert result.tree is not None and result.touched is not None
    [error] = validate(result.tree, ios.schema, touched=result.touched)
    assert (error.tag, error.app_tag) == ("operation-failed", "must-violation")


def test_a_when_reading_a_changed_sibling_is_evaluated(ios: Any) -> None:
    """a2's when reads a1: changing only a1 to ``none`` makes the untouched a2 invalid."""
    login = "<login><name>default</name><a1>{}</a1>{}</login>"
    base = ios.tree(f"<aaa><authentication {A}>{login.format('<local/>', '<a2><none/></a2>')}</authentication></aaa>")
    assert validate(base, ios.schema) == ()
    result = ios.edit(base, f"<aaa><authentication {A}>{login.format('<none/>', '')}</authentication></aaa>")
    assert result.tree is not None and result.touched is not None
    [error] = validate(result.tree, ios.schema, touched=result.touched)
    assert error.tag == "unknown-element" and error.path is not None and error.path.endswith("ios-aaa:a2")


def test_reach_of_expressions() -> None:
    assert reach("not(../../a1/krb5) and not(../a2/none)") == Reach(up=2)
    assert reach("../a[../../b = current()/../c]") == Reach(up=2)
    assert reach(". = 'x'") == Reach(up=0)
    named = reach("/ios:native/ios:aaa/ios-aaa:group[ios-aaa:name = current()] or . = 'tacacs+'")
    assert named.names == {"native", "aaa", "group", "name"} and named.values == {"name"}
    for unbounded in ("/a/b/..", "/a/*", "//x", "deref(.)/../x", "../x/ancestor::y", "(../a)/b", "/a[$v]"):
        assert reach(unbounded) == UNBOUNDED, unbounded
