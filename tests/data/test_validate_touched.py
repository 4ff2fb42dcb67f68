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
from iosxe_agent.data.validate import _Affected, _plan, validate
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
        aaa += f"<common-criteria {A}{draw(OPS)}><policy>{draw(GROUPS)}</policy></common-criteria>"
    if draw(st.booleans()):
        method = draw(st.sampled_from(["<local/>", "<none/>", "<group>tacacs+</group>"]))
        second = draw(
            st.sampled_from(["", "", "<a2><local/></a2>", "<a2><none/></a2>", "<a2><group>tacacs+</group></a2>"])
        )
        aaa += f"<authentication {A}><login{draw(OPS)}><name>default</name><a1>{method}</a1>{second}</login>"
        aaa += "</authentication>"
    if aaa:
        parts.append(f"<aaa>{aaa}</aaa>")
    # a user's name, aaa and policy share local names with what the constraints in users read in aaa (and a
    # user may be named as a group): a constraint is matched by the path it reads, not by those names
    for name in draw(st.lists(st.sampled_from(["ops", "u1", "u2", "TAC"]), unique=True, max_size=2)):
        attr = f"<aaa {A}><attribute><list>{draw(GROUPS)}</list></attribute></aaa>" if draw(st.booleans()) else ""
        if draw(st.booleans()):
            attr += (f"<common-criteria-policy {A}><common-criteria-policy>{draw(GROUPS)}</common-criteria-policy>"
                     "</common-criteria-policy>")  # fmt: skip
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


def test_reach_anchors_the_name_tests_of_absolute_paths() -> None:
    """A name test of an absolute path (or of a predicate on one) names one data node, by its path; a name test
    relative to the context is matched by local name."""
    r = reach("/ios:native/ios:aaa/ios-aaa:common-criteria[ios-aaa:policy = current()/../x]/ios-aaa:policy and y")
    assert r.paths == {("native",), ("native", "aaa"), ("native", "aaa", "common-criteria"),
                       ("native", "aaa", "common-criteria", "policy")}  # fmt: skip
    assert r.value_paths == {("native", "aaa", "common-criteria", "policy")}
    assert r.loose == {"x", "y"} and r.loose_values == {"x", "y"}
    assert reach("/a/b/../c").paths == {("a",), ("a", "b"), ("a", "c")}


def test_a_user_created_beside_others_revisits_no_user(ios: Any) -> None:
    """Creating a user changes ``/native/username/name`` and ``…/username/aaa``: the leafref in every user to
    ``/native/aaa/attribute/list/name`` and the must naming ``/native/aaa/common-criteria`` cannot have changed
    outcome, so the other users are not checked again (they were all walked when matched by local name)."""
    users = "".join(
        f"<username><name>u{i}</name><aaa {A}><attribute><list>TAC</list></attribute></aaa></username>"
        for i in range(3)
    )
    base = ios.tree(f"<aaa><attribute {A}><list><name>TAC</name></list></attribute></aaa>{users}")
    assert validate(base, ios.schema) == ()
    result = ios.edit(base, "<username><name>new</name><privilege>1</privilege></username>")
    assert result.tree is not None and result.touched is not None
    affected = _Affected(ios.schema, _plan(ios.schema), result.touched)
    native = ios.schema.root.child(result.tree[0].tag)
    assert "username" not in {c.name for c in affected.revisit(native)}
    removed = ios.edit(
        base, f'<aaa><attribute {A}><list nc:operation="delete"><name>TAC</name></list></attribute></aaa>'
    )
    assert removed.tree is not None and removed.touched is not None
    assert len(validate(removed.tree, ios.schema, touched=removed.touched)) == 3  # the list's own path: every user


def test_the_value_of_a_node_on_a_touched_path_is_read_by_its_path(ios: Any) -> None:
    """A list entry created inside ``/native/aaa/attribute`` changes that container's string value (not its
    existence): an expression comparing it is affected; one reading ``/native/username``'s value is not."""
    base = ios.tree(f"<aaa><attribute {A}><list><name>OTHER</name></list></attribute></aaa>")
    result = ios.edit(base, f"<aaa><attribute {A}><list><name>TAC</name></list></attribute></aaa>")
    assert result.tree is not None and result.touched is not None
    affected = _Affected(ios.schema, _plan(ios.schema), result.touched)
    assert affected._reads_changed(reach("/ios:native/ios:aaa/ios-aaa:attribute = 'TAC'"))
    assert not affected._reads_changed(reach("/ios:native/ios:username = 'TAC'"))
    assert not affected._reads_changed(reach("/ios:native/ios:username/ios:aaa/ios-aaa:attribute/ios-aaa:list"))
