"""The SSH view with its vty blocks memoised apart (``views.vty``, device/views/__init__.py) equals the one read of
the whole tree (``ssh_view.read_ssh``), across commits carried as the reconciler carries them; and a commit of
``ip ssh`` alone hands the vty blocks on instead of reading them again."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ios_config_strategies import FEATURES, ip, lines
from lxml import etree

from iosxe_agent.data.diff import diff
from iosxe_agent.datastore.transaction import SYSTEM, Transaction
from iosxe_agent.device import views
from iosxe_agent.device.views.carry import ViewCarrier
from iosxe_agent.device.views.ssh_view import read_ssh, read_vty

NC_REMOVE = 'xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" nc:operation="remove"'
#: an edit: merge or replace one of the bodies, or remove a top-level container the SSH view reads
EDITS = st.one_of(
    st.tuples(st.sampled_from(["merge", "replace"]), st.one_of(ip(), lines(), FEATURES)),
    st.tuples(st.just("remove"), st.sampled_from(["ip", "line"])),
)


def commit(ios: Any, carrier: ViewCarrier, old: etree._Element, kind: str, arg: str) -> etree._Element:
    """Running after an edit of ``old`` committed, the SSH view carried as ``Reconciler.check`` carries it."""
    body, operation = (f"<{arg} {NC_REMOVE}/>", "merge") if kind == "remove" else (arg, kind)
    result = ios.edit(old, body, default_operation=operation)
    if result.tree is None:
        return old
    changes = diff(old, result.tree, ios.schema, result.touched)
    txn = Transaction(old, result.tree, changes, SYSTEM, touched=result.touched)
    carrier.carry(txn, (views.vty, views.ssh))
    return txn.new


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(start=st.lists(st.one_of(ip(), lines()), max_size=3), sequence=st.lists(EDITS, min_size=1, max_size=6))
def test_the_carried_view_equals_one_read_of_the_whole_tree(
    ios: Any, start: list[str], sequence: list[tuple[str, str]]
) -> None:
    carrier = ViewCarrier(ios.schema, views.ALL)
    tree = ios.empty()
    for body in start:
        tree = commit(ios, carrier, tree, "merge", body)
    for kind, arg in sequence:
        views.ssh(tree)  # the memos hold running, as after the last commit's check
        tree = commit(ios, carrier, tree, kind, arg)
        assert views.vty(tree) == read_vty(tree)
        assert views.ssh(tree) == read_ssh(tree)


def test_a_commit_of_ip_ssh_alone_hands_the_vty_blocks_on(ios: Any) -> None:
    carrier = ViewCarrier(ios.schema, views.ALL)
    old = ios.tree(
        "<line><vty><first>0</first><last>4</last></vty><vty><first>5</first><last>15</last></vty></line>"
        "<ip><ssh><time-out>60</time-out></ssh></ip>"
    )
    before = views.ssh(old)
    new = commit(ios, carrier, old, "merge", "<ip><ssh><time-out>90</time-out></ssh></ip>")
    after = views.ssh(new)
    assert after.vty is before.vty  # handed on, not read again
    assert after.auth_timeout == 90 and after == read_ssh(new)
    new_line = commit(ios, carrier, new, "merge", "<line><vty><first>0</first><last>6</last></vty></line>")
    assert views.ssh(new_line).vty is not before.vty
    assert views.ssh(new_line).vty[0].last == 6
