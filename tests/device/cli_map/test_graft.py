"""A new list entry grafted from a remembered fragment (``DataTree.apply_all``) is the tree applying its operations
one by one makes: byte for byte, and the tree's index stays right for the operations that follow.

Two levels: random operation runs over a small made-up list (sets a later operation overwrites, containers
replaced after their leaves were set, a leaf in another namespace, an entry that exists already), and random
texts read back by the parser (many ``username`` lines with random names, privileges and hashes, mixed with
lines of random configurations that must not take the graft: negations, repeats, leaf-lists, sub-modes)."""

from __future__ import annotations

from typing import Any

import pytest
from cli_map_probes import mixed_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.device.cli_map import parse, tree
from iosxe_agent.device.cli_map.parse import read_back
from iosxe_agent.device.cli_map.syntax import Step
from iosxe_agent.device.cli_map.tree import DataTree, EditOp
from iosxe_agent.device.names import NATIVE_NS

N = f"{{{NATIVE_NS}}}"
OTHER = "{urn:example:other}"
SECRET9 = "$9$nhEmQVczB7dqsO$X.HsgL6x1il0RxkOSSvyQYwucySCt7qFm4v7pqCxkKM"

_values = st.text(alphabet="abcXYZ019$./ ", min_size=0, max_size=6)
_below = st.lists(st.sampled_from((f"{N}a", f"{N}b", f"{N}k", f"{OTHER}c")), min_size=1, max_size=3).map(
    lambda tags: tuple(Step(t) for t in tags)
)


@st.composite
def _runs(draw: st.DrawFn) -> list[EditOp]:
    """The operations of one line: an entry (ensured or replaced), then plain sets, ensures and replaces below it,
    and now and then one that must not be grafted (a removal, a keyed step below the entry)."""
    keys = ((f"{N}k", draw(_values)),) if draw(st.booleans()) else ((f"{N}k", draw(_values)), (f"{N}j", "1"))
    entry = (*draw(st.sampled_from(((), (Step(f"{N}box"),)))), Step(f"{N}e", keys))
    ops = [EditOp(draw(st.sampled_from(("ensure", "ensure", "replace"))), entry)]
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(("set", "set", "set", "ensure", "replace", "remove")))
        ops.append(EditOp(kind, entry + draw(_below), draw(_values) if kind == "set" else None))
    if draw(st.integers(0, 9)) == 0:
        ops.append(EditOp("set", (*entry, Step(f"{N}sub", ((f"{N}id", "1"),)), Step(f"{N}a")), "x"))
    return ops


def _one_by_one(doc: DataTree, ops: list[EditOp]) -> None:
    for op in ops:
        doc.apply(op)


@settings(max_examples=300, deadline=None)
@given(runs=st.lists(_runs(), min_size=1, max_size=6), after=_runs())
def test_a_grafted_entry_is_what_its_operations_make(runs: list[list[EditOp]], after: list[EditOp]) -> None:
    grafted, general = DataTree(None), DataTree(None)
    for doc in (grafted, general):
        doc.apply(EditOp("ensure", (Step(f"{N}box"),)))  # (the parent of an entry must exist to graft)
    for ops in runs:
        grafted.apply_all(ops)
        _one_by_one(general, ops)
        assert etree.tostring(grafted.root) == etree.tostring(general.root)
    _one_by_one(grafted, after)  # the index of the grafted tree finds what the general one finds
    _one_by_one(general, after)
    assert etree.tostring(grafted.root) == etree.tostring(general.root)


def test_an_entry_that_exists_or_a_missing_parent_is_not_grafted() -> None:
    doc = DataTree(None)
    ops = [EditOp("ensure", (Step(f"{N}box"), Step(f"{N}e", ((f"{N}k", "1"),))))]
    ops.append(EditOp("set", (*ops[0].steps, Step(f"{N}a")), "v"))
    assert not doc._graft(ops)  # no box yet
    doc.apply(EditOp("ensure", (Step(f"{N}box"),)))
    assert doc._graft(ops)
    assert not doc._graft(ops)  # the entry is there now
    assert tree._graft_key([EditOp("remove", ops[0].steps), ops[1]]) is None


@st.composite
def _user_lines(draw: st.DrawFn) -> list[str]:
    names = draw(st.lists(st.from_regex(r"[A-Za-z][A-Za-z0-9_.-]{0,8}", fullmatch=True), min_size=1, max_size=30))
    lines = []
    for name in names:
        privilege = draw(st.integers(0, 15))
        secret = draw(
            st.sampled_from((SECRET9, SECRET9[:-4] + draw(st.from_regex(r"[A-Za-z0-9./]{4}", fullmatch=True))))
        )
        lines.append(
            draw(
                st.sampled_from(
                    (
                        f"username {name} privilege {privilege} secret 9 {secret}",
                        f"username {name} secret 9 {secret}",
                        f"username {name} privilege {privilege}",
                        f"username {name}",
                        f"no username {name}",
                        f"username {name} password 7 0822455D0A16",
                    )
                )
            )
        )
    return lines


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_read_back_with_grafts_is_read_back_without(trees: Any, data: st.DataObject) -> None:
    text = mixed_text(trees, data, data.draw(_user_lines()))
    grafted = read_back(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DataTree, "_graft", lambda self, ops: False)
        patch.setattr(parse, "_grafted", lambda parsed, level, state: False)  # (grafts without operations)
        general = read_back(text)
    assert grafted[1] == general[1]
    assert etree.tostring(grafted[0]) == etree.tostring(general[0]), text
