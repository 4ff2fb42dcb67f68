"""The edit's report of what it touched: the diff limited to it finds exactly what a full comparison finds."""

from __future__ import annotations

from typing import Any

from edit_reports import edited
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.data.diff import ChangeOp, diff
from iosxe_agent.device.names import AAA_NS
from iosxe_agent.device.secrets import hash_clear_secrets

A = f'xmlns="{AAA_NS}"'
USERS = st.sampled_from(["admin", "ops", "guest", "u1", "it's"])
OPS = st.sampled_from(["", "", "", ' nc:operation="replace"', ' nc:operation="remove"', ' nc:operation="merge"'])


@st.composite
def user_part(draw: st.DrawFn) -> str:
    name = draw(USERS)
    op = draw(OPS)
    body = f"<name>{name}</name>"
    if "remove" not in op:
        priv = draw(st.none() | st.integers(0, 15))
        body += f"<privilege>{priv}</privilege>" if priv is not None else ""
        kind = draw(st.sampled_from(["", "0", "9"]))
        if kind:
            body += f"<secret><encryption>{kind}</encryption><secret>{draw(st.sampled_from(['s1', 's2']))}</secret>"
            body += "</secret>"
    return f"<username{op}>{body}</username>"


@st.composite
def edits(draw: st.DrawFn) -> str:
    parts = [draw(st.sampled_from(["", "<hostname>R1</hostname>", "<hostname>R2</hostname>"]))]
    parts += draw(st.lists(user_part(), max_size=3))
    ssh = draw(st.sampled_from(["", "<time-out>30</time-out>", "<time-out>60</time-out><dscp>3</dscp>"]))
    if ssh:
        parts.append(f"<ip><ssh{draw(OPS)}>{ssh}</ssh></ip>")
    if draw(st.booleans()):
        method = draw(st.sampled_from(["<local/>", "<none/>", "<group>tacacs+</group>"]))
        parts.append(f"<aaa><authentication {A}><login><name>default</name><a1>{method}</a1></login>"
                     "</authentication></aaa>")  # fmt: skip
    if draw(st.integers(0, 3)) == 0:
        parts.append(f"<line><vty><first>0</first><last>{draw(st.integers(1, 4))}</last></vty></line>")
    return "".join(parts)


def _xml(el: etree._Element | None) -> bytes:
    return b"" if el is None else etree.tostring(el)


def described(changes: tuple[Any, ...]) -> list[tuple[ChangeOp, str, bytes, bytes]]:
    return [(c.op, c.path, _xml(c.old), _xml(c.new)) for c in changes]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=edits(), changes=st.lists(edits(), min_size=1, max_size=3))
def test_the_limited_diff_of_several_edits_equals_the_full_diff(ios: Any, start: str, changes: list[str]) -> None:
    first = ios.edit(ios.empty(), start)
    assume(first.tree is not None and not first.errors)
    old = first.tree
    hash_clear_secrets(old)
    # as the datastore's normalizer does, after the edit reported (here without the report: everywhere)
    tree, touched = edited(ios, old, changes, lambda new, _: hash_clear_secrets(new))
    assert described(diff(old, tree, ios.schema, touched)) == described(diff(old, tree, ios.schema))


def test_one_leaf_beside_many_users_reports_only_its_branch(ios: Any) -> None:
    users = "".join(f"<username><name>u{i:04d}</name><privilege>1</privilege></username>" for i in range(500))
    old = ios.tree(users + "<ip><ssh><time-out>60</time-out></ssh></ip>")
    result = ios.edit(old, "<username><name>u0250</name><privilege>7</privilege></username>"
                           "<ip><ssh><time-out>90</time-out></ssh></ip>")  # fmt: skip
    assert result.touched is not None and not result.touched.whole
    [native] = result.touched.children.values()
    assert not native.whole and len(native.children) == 2  # the one user and ip: not the 499 others
    assert [(c.op, c.path) for c in diff(old, result.tree, ios.schema, result.touched)] == [
        (ChangeOp.REPLACE, "/ios:native/ios:username[ios:name='u0250']/ios:privilege"),
        (ChangeOp.REPLACE, "/ios:native/ios:ip/ios:ssh/ios:time-out"),
    ]


def test_a_changed_list_is_compared_whole(ios: Any) -> None:
    old = ios.tree("<username><name>a</name></username><username><name>c</name></username>")
    result = ios.edit(old, "<username><name>b</name></username>")
    assert result.touched is not None
    [native] = result.touched.children.values()
    assert native.whole
    assert [(c.op, c.path) for c in diff(old, result.tree, ios.schema, result.touched)] == [
        (ChangeOp.CREATE, "/ios:native/ios:username[ios:name='b']")
    ]
