"""A node the edits report whole (``native`` after a hostname edit) with long lists they left alone: the diff and
the validation that step over those lists' entries (:func:`~iosxe_agent.data.touched.outside_runs`) find
exactly what comparing and checking every entry finds, in the same order.

The edits mix a whole ``native`` with changes inside some users (up to past ``INDEX_ABOVE``, where the list is
kept), users created and removed (the list is then named in the report), references from users into ``aaa``
(a leafref that must be checked again when its target changes) and vty lines (a second list, after the users).
"""

from __future__ import annotations

from typing import Any

from edit_reports import edited
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.data.diff import diff
from iosxe_agent.data.touched import INDEX_ABOVE, Touched, outside_runs
from iosxe_agent.data.validate import validate
from iosxe_agent.device.names import AAA_NS, NATIVE_NS
from iosxe_agent.device.secrets import hash_clear_secrets

A = f'xmlns="{AAA_NS}"'
NATIVE = f"{{{NATIVE_NS}}}native"
GROUPS = st.sampled_from(["G1", "G2"])


def user(i: int, privilege: int, group: str | None = None, op: str = "") -> str:
    attr = f"<aaa {A}><attribute><list>{group}</list></attribute></aaa>" if group else ""
    return f"<username{op}><name>u{i:03d}</name><privilege>{privilege}</privilege>{attr}</username>"


@st.composite
def starts(draw: st.DrawFn) -> str:
    users = "".join(user(i, i % 16, draw(st.none() | GROUPS)) for i in range(draw(st.integers(0, 30))))
    lists = "<list><name>G1</name></list><list><name>G2</name></list>"  # each may be removed under its users
    vty = "".join(
        f"<vty><first>{f}</first><last>{f + 1}</last></vty>" for f in range(0, 2 * draw(st.integers(0, 3)), 2)
    )
    return f"<hostname>R0</hostname>{users}<aaa><attribute {A}>{lists}</attribute></aaa><line>{vty}</line>"


@st.composite
def edits(draw: st.DrawFn) -> str:
    parts = [draw(st.sampled_from(["<hostname>R1</hostname>", "<hostname>R2</hostname>", ""]))]
    changed = draw(st.lists(st.integers(0, 35), unique=True, max_size=INDEX_ABOVE + 4))
    for i in changed:
        op = draw(st.sampled_from(["", "", "", ' nc:operation="remove"']))
        parts.append(user(i, draw(st.integers(0, 15)), draw(st.none() | GROUPS), op))
    if draw(st.booleans()):
        op = draw(st.sampled_from(["", ' nc:operation="remove"']))
        parts.append(f"<aaa><attribute {A}><list{op}><name>{draw(GROUPS)}</name></list></attribute></aaa>")
    if draw(st.booleans()):
        parts.append(f"<line><vty><first>{2 * draw(st.integers(0, 3))}</first><last>9</last></vty></line>")
    return "".join(parts)


def described(changes: tuple[Any, ...]) -> list[tuple[object, ...]]:
    return [(c.op, c.path, *(b"" if e is None else etree.tostring(e) for e in (c.old, c.new))) for c in changes]


def errors(tree: etree._Element, ios: Any, touched: Touched | None) -> list[tuple[object, ...]]:
    return [(e.tag, e.app_tag, e.message, e.path) for e in validate(tree, ios.schema, touched=touched)]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=starts(), changes=st.lists(edits(), min_size=1, max_size=3))
def test_stepping_over_unchanged_runs_finds_what_a_full_pass_finds(ios: Any, start: str, changes: list[str]) -> None:
    first = ios.edit(ios.empty(), start)
    assume(first.tree is not None and not first.errors and not validate(first.tree, ios.schema))
    old = first.tree
    tree, touched = edited(ios, old, changes, hash_clear_secrets)  # as the datastore's normalizer does
    assert described(diff(old, tree, ios.schema, touched)) == described(diff(old, tree, ios.schema))
    assert errors(tree, ios, touched) == errors(tree, ios, None)


def test_a_hostname_edit_steps_over_the_users(ios: Any) -> None:
    """The users run is left out whole, and a user changed inside is kept, at its place in document order."""
    old = ios.tree("<hostname>R0</hostname>" + "".join(user(i, 1) for i in range(100)) + "<ip><ssh><time-out>9"
                   "</time-out></ssh></ip>")  # fmt: skip
    result = ios.edit(old, "<hostname>R1</hostname>" + user(7, 5))
    assert result.tree is not None and result.touched is not None
    [native_report] = result.touched.children.values()
    assert native_report.whole
    native = result.tree.find(NATIVE)
    kept, left_out = outside_runs(native, ios.node("native"), native_report)
    assert [etree.QName(c).localname for c in kept] == ["hostname", "username", "ip"]
    assert kept[1].findtext(f"{{{NATIVE_NS}}}name") == "u007" and left_out == {f"{{{NATIVE_NS}}}username": 1}
    assert [c.path for c in diff(old, result.tree, ios.schema, result.touched)] == [
        "/ios:native/ios:hostname",
        "/ios:native/ios:username[ios:name='u007']/ios:privilege",
    ]


def test_a_list_the_edits_named_keeps_only_the_named_entries(ios: Any) -> None:
    old = ios.tree("<hostname>R0</hostname>" + "".join(user(i, 1) for i in range(20)))
    result = ios.edit(old, "<hostname>R1</hostname>" + user(30, 5))
    assert result.tree is not None and result.touched is not None
    [native_report] = result.touched.children.values()
    kept, left_out = outside_runs(result.tree.find(NATIVE), ios.node("native"), native_report)
    # the edit created u030 and changed nothing else among the users: their run is left out, u030 kept
    assert [etree.QName(k).localname for k in kept] == ["hostname", "username"]
    assert kept[1].findtext(f"{{{NATIVE_NS}}}name") == "u030" and list(left_out) == [f"{{{NATIVE_NS}}}username"]


def test_a_report_naming_a_missing_entry_keeps_every_child(ios: Any) -> None:
    """A trie that does not match the tree (an entry it names is not there) gives up stepping over anything."""
    tree = ios.tree("<hostname>R0</hostname>" + "".join(user(i, 1) for i in range(5)))
    report = Touched(True, {f"{{{NATIVE_NS}}}hostname"}, {(f"{{{NATIVE_NS}}}username", "nobody"): Touched(True)})
    kept, left_out = outside_runs(tree.find(NATIVE), ios.node("native"), report)
    assert left_out == {} and len(kept) == 6
