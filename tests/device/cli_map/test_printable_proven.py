"""A commit that changes one user or community is checked by the shape of an entry an earlier commit read back
clean (``PrintableCheck._proven_clean``): over random sequences of commits of one or two leaves of one entry (a
value, its deletion, an encryption type that changes the shape), with values that are keywords of the command,
their prefixes, numbers at and past a range's edges, plain names and values a line cannot carry, the subscriber
refuses exactly the commits whose excerpt does not read back."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from leaf_commits import verdicts
from line_values import EDGES, KEYWORDS, ODD
from lxml import etree

from iosxe_agent.data.diff import diff
from iosxe_agent.datastore.transaction import Face, Origin, Transaction
from iosxe_agent.device import printable
from iosxe_agent.device.cli_map.table import BY_ID
from iosxe_agent.device.cli_map.tree import NATIVE_TAG
from iosxe_agent.device.printable import PrintableCheck, excerpt, focus_of, unprintable

NS = NATIVE_TAG[1:].partition("}")[0]
PLAIN = st.from_regex(r"[a-z0-9][a-z0-9$./]{0,8}", fullmatch=True)
#: mostly plain (so that shapes repeat and the proven path is taken), else anything
VALUES = st.integers(0, 4).flatmap(
    lambda k: (
        st.sampled_from(KEYWORDS + EDGES + ODD)
        if k == 0
        else st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=4)
        if k == 1
        else PLAIN
    )
)
NUMBERS = st.integers(0, 3).flatmap(lambda k: VALUES if k == 0 else st.integers(0, 15).map(str))
#: (path below the entry, values): the leaves a commit of a user changes
USER_LEAVES = [
    ("privilege", NUMBERS),
    ("secret/encryption", st.sampled_from(["0", "5", "8", "9"])),
    ("secret/secret", VALUES),
]
COMMUNITY_LEAVES = [
    ("permission", st.sampled_from(["ro", "rw", "RO", "x"])),
    ("view", VALUES),
    ("access-list-name", VALUES),
]


def _n(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _set(entry: etree._Element, tags: list[str], text: str | None) -> None:
    """Set the leaf at ``tags`` below ``entry`` to ``text``, or delete it (None)."""
    holder = entry
    for tag in tags[:-1]:
        found = holder.find(tag)
        holder = found if found is not None else etree.SubElement(holder, tag)
    leaf = holder.find(tags[-1])
    if text is None:
        if leaf is not None:
            holder.remove(leaf)
        if holder is not entry and not len(holder):
            entry.remove(holder)
        return
    if leaf is None:
        leaf = etree.SubElement(holder, tags[-1])
    leaf.text = text


def _commits(
    trees: Any, data: st.DataObject, entry_path: list[str], key: str, leaves: list[tuple[str, Any]], tags: Any
) -> None:
    """Commit a drawn sequence of changes of one or two leaves of one entry; compare each verdict."""
    check = PrintableCheck(trees.schema)
    root = etree.Element("{urn:ietf:params:xml:ns:netconf:base:1.0}config")
    native = etree.SubElement(root, NATIVE_TAG, nsmap={None: NS})
    etree.SubElement(native, _n("hostname")).text = "R1"
    holder = native
    for tag in entry_path[:-1]:
        holder = etree.SubElement(holder, tag)
    entry = etree.SubElement(holder, entry_path[-1])
    etree.SubElement(entry, tags(key)[0]).text = data.draw(st.one_of(PLAIN, VALUES), label="key")
    for path, values in leaves:  # (most of each entry's leaves there from the start: commits keep its shape)
        _set(entry, tags(path), data.draw(st.one_of(st.none(), values, values, values), label=path))
    other = etree.SubElement(holder, entry_path[-1])  # (an entry after it, which a commit may change too)
    etree.SubElement(other, tags(key)[0]).text = "~other"
    hits = 0
    for _ in range(data.draw(st.integers(2, 10), label="commits")):
        new = copy.deepcopy(root)
        changed = next(new.iter(entry_path[-1]))
        for path, values in data.draw(st.lists(st.sampled_from(leaves), min_size=1, max_size=2), label="leaves"):
            text = data.draw(st.none() if data.draw(st.integers(0, 9)) == 0 else values)
            _set(changed, tags(path), text)
        beside = data.draw(st.integers(0, 19), label="a change beside the entry's")  # (read back)
        if beside == 0:
            next(new.iter(_n("hostname"))).text = data.draw(VALUES, label="hostname")
        elif beside == 1:
            path, values = leaves[0]
            _set(list(new.iter(entry_path[-1]))[1], tags(path), data.draw(values, label="other"))
        txn = Transaction(root, new, diff(root, new, trees.schema), Origin(session_id=7, user="u", face=Face.NETCONF))
        focus = focus_of(txn, trees.schema)
        if not focus:
            continue
        clean = not unprintable(excerpt(new, focus, trees.schema), trees.schema)
        line = printable._entry_line(focus)
        proven = line is not None and check._proven_clean(line)
        hits += proven
        assert (check.check(txn) == []) is clean, etree.tostring(changed)
        if clean:
            root = new
    event(f"proven path taken: {min(hits, 2)}+")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_commits_of_one_user_are_refused_as_their_excerpt_is(trees: Any, data: st.DataObject) -> None:
    _commits(trees, data, [_n("username")], "name", USER_LEAVES, lambda path: [_n(t) for t in path.split("/")])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_commits_of_one_community_are_refused_as_their_excerpt_is(trees: Any, data: st.DataObject) -> None:
    cmd = BY_ID["snmp-community"]
    path = [step.tag for step in cmd.anchor_steps]
    _commits(trees, data, path, "name", COMMUNITY_LEAVES, lambda name: list(cmd.path(name)))


def test_a_later_commit_of_a_proven_shape_is_not_read_back(trees: Any) -> None:
    """The first plain commit of a user's privilege is read back, the next ones of its shape are not; a value the
    slot does not give back (a number past the range, a keyword) is read back again, and refused."""
    check = PrintableCheck(trees.schema)
    old = trees.tree("<username><name>admin</name><privilege>1</privilege></username>")
    found = verdicts(check, old, _n("privilege"), ["2", "3", "15", "16", "4"], trees.schema)
    assert found == [("2", 0, 1), ("3", 0, 0), ("15", 0, 0), ("16", 1, 1), ("4", 0, 0)]
