"""Views carried across commits (device/views/carry.py): a carried view always equals a fresh read of the new
tree, and a commit that leaves a view's inputs alone hands the view on without reading."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ios_config_strategies import FEATURES
from lxml import etree

from iosxe_agent.data.diff import diff
from iosxe_agent.data.edit import EditResult
from iosxe_agent.datastore.transaction import SYSTEM, Transaction
from iosxe_agent.device import views
from iosxe_agent.device.cli_map.flagged import reconcile_flagged_lists
from iosxe_agent.device.names import n
from iosxe_agent.device.secrets import hash_clear_secrets
from iosxe_agent.device.views.carry import ViewCarrier, changed_paths, reported_inside

Y = 'xmlns:yang="urn:ietf:params:xml:ns:yang:1"'
NC_REMOVE = 'xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" nc:operation="remove"'
#: top-level containers an edit may remove whole
CONTAINERS = st.sampled_from(
    [
        "ip",
        "line",
        "aaa",
        "logging",
        "login",
        "snmp-server",
        "banner",
        "archive",
        "interface",
        "vrf",
        "tacacs",
        "radius",
        "radius-server",
        "enable",
    ]
)


def committed(ios: Any, old: etree._Element, result: EditResult) -> Transaction | None:
    """The transaction a commit of ``result`` makes (normalised as the device's datastore does)."""
    if result.tree is None:
        return None
    new, touched = result.tree, result.touched
    reconcile_flagged_lists(new, touched)
    if hash_clear_secrets(new, touched):
        touched = None  # rewritten beyond the edit's report: the commit compares everything (Stores.normalize_with)
    return Transaction(old, new, diff(old, new, ios.schema, touched), SYSTEM, touched=touched)


def read_all(tree: etree._Element) -> None:
    for view in views.ALL:
        view(tree)


@st.composite
def steps(draw: st.DrawFn) -> list[tuple[str, str]]:
    kinds = st.sampled_from(["merge", "merge", "merge", "replace", "remove"])
    return [
        (kind, draw(CONTAINERS) if kind == "remove" else draw(FEATURES))
        for kind in draw(st.lists(kinds, min_size=1, max_size=6))
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(start=st.lists(FEATURES, max_size=3), sequence=steps())
def test_a_carried_view_equals_a_fresh_read(ios: Any, start: list[str], sequence: list[tuple[str, str]]) -> None:
    carrier = ViewCarrier(ios.schema, views.ALL)
    tree = ios.empty()
    for body in start:
        txn = committed(ios, tree, ios.edit(tree, body))
        tree = txn.new if txn is not None else tree
    for kind, arg in sequence:
        read_all(tree)  # every memo holds the running tree, as on a device in use
        if kind == "remove":
            result = ios.edit(tree, f"<{arg} {NC_REMOVE}/>")
        else:
            result = ios.edit(tree, arg, default_operation="replace" if kind == "replace" else "merge")
        txn = committed(ios, tree, result)
        if txn is None:
            continue
        carrier.carry(txn)
        for view in views.ALL:
            assert view(txn.new) == view.read(txn.new), view.__name__
        tree = txn.new


def test_a_commit_elsewhere_hands_the_view_on_and_one_inside_reads_again(ios: Any) -> None:
    carrier = ViewCarrier(ios.schema, views.ALL)
    old = ios.tree("<hostname>R1</hostname><username><name>u1</name><privilege>15</privilege></username>")
    aaa, identity = views.aaa(old), views.identity(old)
    txn = committed(ios, old, ios.edit(old, "<hostname>R2</hostname>"))
    assert txn is not None
    carrier.carry(txn)
    assert views.aaa(txn.new) is aaa  # not read again
    assert views.identity(txn.new) is not identity
    assert views.identity(txn.new).hostname == "R2"


def test_a_move_in_an_ordered_list_is_seen_though_no_change_names_it(ios: Any) -> None:
    """Re-ordering name servers changes no node (the diff reports none) but changes the resolver's order."""
    carrier = ViewCarrier(ios.schema, views.ALL)
    servers = "".join(f"<no-vrf-ordered>127.0.0.{i}</no-vrf-ordered>" for i in (1, 2, 3))
    old = ios.tree(f"<ip><name-server>{servers}</name-server></ip>")
    assert views.dns(old).name_servers == ("127.0.0.1", "127.0.0.2", "127.0.0.3")
    move = f'<ip><name-server><no-vrf-ordered {Y} yang:insert="first">127.0.0.3</no-vrf-ordered></name-server></ip>'
    txn = committed(ios, old, ios.edit(old, move))
    assert txn is not None and not txn.changes
    carrier.carry(txn)
    assert views.dns(txn.new).name_servers == ("127.0.0.3", "127.0.0.1", "127.0.0.2")


def test_only_the_memo_of_the_old_tree_is_carried(ios: Any) -> None:
    carrier = ViewCarrier(ios.schema, views.ALL)
    old = ios.tree("<hostname>R1</hostname>")
    other = ios.tree("<hostname>R9</hostname>")
    txn = committed(ios, old, ios.edit(old, "<banner><motd><banner>hi</banner></motd></banner>"))
    assert txn is not None
    views.identity(other)  # the memo holds another tree: nothing to carry
    carrier.carry(txn)
    assert views.identity(txn.new).hostname == "R1"


def test_changed_paths_cut_at_the_depth_and_name_the_root(ios: Any) -> None:
    old = ios.tree("")
    users = "".join(f"<username><name>u{i}</name></username>" for i in range(50))
    txn = committed(ios, old, ios.edit(old, users + "<ip><ssh><time-out>30</time-out></ssh></ip>"))
    assert txn is not None
    assert changed_paths(txn.changes, 2) == {(n("native"), n("username")), (n("native"), n("ip"))}
    assert changed_paths(txn.changes, 1) == {(n("native"),)}


def test_a_commit_the_report_places_elsewhere_compares_no_ordered_input(ios: Any, monkeypatch: Any) -> None:
    """The edits' report says where an ordered-by-user entry could have moved: a hostname edit cannot have
    re-ordered the name servers, so the carrier hands the resolver's view on without serialising them."""
    carrier = ViewCarrier(ios.schema, views.ALL)
    servers = "".join(f"<no-vrf-ordered>127.0.0.{i}</no-vrf-ordered>" for i in (1, 2, 3))
    old = ios.tree(f"<hostname>R1</hostname><ip><name-server>{servers}</name-server></ip>")
    dns = views.dns(old)
    txn = committed(ios, old, ios.edit(old, "<hostname>R2</hostname>"))
    assert txn is not None and txn.touched is not None

    def no_compare(*_: Any) -> Any:
        raise AssertionError("an input the report does not reach was compared")

    monkeypatch.setattr(carrier, "_serialised", no_compare)
    carrier.carry(txn)
    assert views.dns(txn.new) is dns


def test_reported_inside_follows_whole_nodes_and_their_tags(ios: Any) -> None:
    servers = "".join(f"<no-vrf-ordered>127.0.0.{i}</no-vrf-ordered>" for i in (1, 2))
    old = ios.tree(f"<ip><name-server>{servers}</name-server></ip>")
    path = (n("native"), n("ip"), n("name-server"), n("no-vrf-ordered"))
    move = f'<ip><name-server><no-vrf-ordered {Y} yang:insert="first">127.0.0.2</no-vrf-ordered></name-server></ip>'
    moved = ios.edit(old, move).touched
    elsewhere = ios.edit(old, "<ip><ssh><time-out>30</time-out></ssh></ip>").touched
    assert moved is not None and elsewhere is not None
    assert reported_inside(moved, path)
    assert not reported_inside(elsewhere, path)
    assert reported_inside(elsewhere, (n("native"), n("ip")))  # the report reaches below this input


def test_release_forgets_what_was_kept_for_a_tree(ios: Any) -> None:
    """A tree about to be reused as the spare copy of running keeps no memo and no serialised input here."""
    carrier = ViewCarrier(ios.schema, views.ALL)
    servers = "".join(f"<no-vrf-ordered>127.0.0.{i}</no-vrf-ordered>" for i in (1, 2))
    old = ios.tree(f"<hostname>R1</hostname><ip><name-server>{servers}</name-server></ip>")
    read_all(old)
    move = f'<ip><name-server><no-vrf-ordered {Y} yang:insert="first">127.0.0.2</no-vrf-ordered></name-server></ip>'
    txn = committed(ios, old, ios.edit(old, move))
    assert txn is not None
    carrier.carry(txn)  # the ordered input is compared: its serialised form is kept for the new tree
    read_all(txn.new)
    other = ios.tree("<hostname>R9</hostname>")
    carrier.release(other)  # another tree: nothing is forgotten
    assert all(view.holds(txn.new) for view in views.ALL)
    assert carrier._last is not None and carrier._last[0] is txn.new
    carrier.release(txn.new)
    assert not any(view.holds(txn.new) for view in views.ALL)
    assert carrier._last is None
