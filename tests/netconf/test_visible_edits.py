"""``visible_edits`` (hidden-ness asked once per distinct set of namespaces, operation names looked up) against the
per-change expression it replaced: the same edits, in the same order, none through a hidden module.

Why: netconf-config-change must list exactly what it did (content and order); the memo is for speed only."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.data.diff import Change, ChangeOp
from iosxe_agent.data.hidden import is_hidden_path
from iosxe_agent.datastore.transaction import SYSTEM, Transaction
from iosxe_agent.netconf.notifications import ConfigEdit, visible_edits

NAMESPACES = ["urn:a", "urn:b", "urn:hidden"]
PATH_NS = st.lists(st.tuples(st.sampled_from(["a", "b", "h"]), st.sampled_from(NAMESPACES)), max_size=3).map(tuple)


def _reference(txn: Transaction, hidden_ns: frozenset[str]) -> tuple[ConfigEdit, ...]:
    return tuple((c.path, c.path_ns, c.op.value) for c in txn.changes if not is_hidden_path(c.path_ns, hidden_ns))


@given(
    changes=st.lists(st.tuples(st.sampled_from(list(ChangeOp)), st.text(max_size=5), PATH_NS), max_size=30),
    shared=st.booleans(),
    hidden=st.sets(st.sampled_from(NAMESPACES)),
)
def test_visible_edits_are_those_of_each_change(
    changes: list[tuple[ChangeOp, str, tuple[tuple[str, str], ...]]], shared: bool, hidden: set[str]
) -> None:
    one = changes[0][2] if changes and shared else None  # a bulk create's changes share one tuple
    root = etree.Element("r")
    txn = Transaction(
        root,
        root,
        tuple(Change(op, path, one if one is not None else ns, None, None) for op, path, ns in changes),
        SYSTEM,
    )
    assert visible_edits(txn, frozenset(hidden)) == _reference(txn, frozenset(hidden))
