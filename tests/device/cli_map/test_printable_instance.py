"""A commit that changes a leaf or two of container command instances (``ip ssh``, ``hostname``, ``ip domain name``,
``banner motd``, ``enable secret``, a ``line vty`` block, an interface) is checked by the shape of its excerpt once
an excerpt of that shape read back clean (``PrintableCheck._instance_clean``): over random sequences of commits with
values that are keywords and their prefixes, numbers at and past a range's edges, plain names and values a line
cannot carry, from starting trees that may already hold a value that does not read back (loaded by the system, which
is not checked), the subscriber refuses exactly the commits whose excerpt does not read back, at the same path."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from leaf_commits import verdicts
from line_values import EDGES, KEYWORDS, ODD
from lxml import etree

from iosxe_agent.data.diff import diff
from iosxe_agent.datastore.locks import instance_identifier
from iosxe_agent.datastore.transaction import SYSTEM, Face, Origin, Transaction
from iosxe_agent.device import printable
from iosxe_agent.device.cli_map.syntax import Arg, Choice, Command, Interface, Kw, Number, Rest, Word, seq
from iosxe_agent.device.cli_map.table import CONFIG
from iosxe_agent.device.cli_map.tree import NATIVE_TAG
from iosxe_agent.device.printable import PrintableCheck, excerpt, focus_of, unprintable

NS = NATIVE_TAG[1:].partition("}")[0]
PLAIN = st.from_regex(r"[a-z0-9][a-z0-9$./-]{0,8}", fullmatch=True)
HOSTILE = st.sampled_from(KEYWORDS + EDGES + ODD + ["^C", "a^Cb", "x\u2028y", "ü", "-", "1.5", "level", "le", "4", "5"])
#: mostly plain (so that shapes repeat and the proven path is taken), else anything
VALUES = st.integers(0, 4).flatmap(
    lambda k: (
        HOSTILE
        if k == 0
        else st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=4)
        if k == 1
        else PLAIN
    )
)


def _numbers(*edges: int) -> st.SearchStrategy[str]:
    """Numbers at and past ``edges``, numbers between, and now and then any value."""
    near = [str(e + d) for e in edges for d in (-1, 0, 1)]
    return st.integers(0, 5).flatmap(
        lambda k: VALUES if k == 0 else st.sampled_from(near) if k == 1 else st.integers(edges[0], edges[-1]).map(str)
    )


#: (path below ``native``, values) of the leaves a commit changes; a ``line vty`` leaf is in the entry ``vty 0``, an
#: interface's in ``GigabitEthernet1``
LEAVES: list[tuple[str, st.SearchStrategy[str]]] = [
    ("ip/ssh/time-out", _numbers(1, 120)),
    ("ip/ssh/authentication-retries", _numbers(0, 5)),
    ("ip/ssh/maxstartups", _numbers(2, 128)),
    ("ip/ssh/bulk-mode/window-size", _numbers(131072, 1073741824)),
    ("ip/ssh/ssh-version", st.sampled_from(["2", "1", "x", ""])),
    ("ip/ssh/rsa/keypair-name", VALUES),
    ("hostname", VALUES),
    ("ip/domain/name", VALUES),
    ("banner/motd/banner", VALUES),
    ("enable/secret/secret", VALUES),
    ("enable/secret/type", st.sampled_from(["0", "5", "9", "x"])),
    ("line/vty/exec-timeout/minutes", _numbers(0, 35791)),
    ("line/vty/exec-timeout/seconds", _numbers(0, 2147483)),
    ("line/vty/length", _numbers(0, 512)),
    ("line/vty/location", VALUES),
    ("line/vty/last", _numbers(1, 1869)),
    ("interface/GigabitEthernet/description", VALUES),
    ("interface/GigabitEthernet/mtu", _numbers(1500, 9216)),
    ("interface/GigabitEthernet/ip/address/primary/address", st.sampled_from(["10.0.0.1", "10.0.0.300", "x"])),
    ("interface/GigabitEthernet/ip/address/primary/mask", st.sampled_from(["255.0.0.0", "x", "255.255.255.0"])),
]


def _tags(path: str) -> list[str]:
    return [f"{{{NS}}}{tag}" for tag in path.split("/")]


def _set(native: etree._Element, path: str, text: str | None) -> None:
    """Set the leaf at ``path`` below ``native`` to ``text``, or delete it (None) and the containers it leaves
    empty (a ``line vty`` entry keeps its key)."""
    tags = _tags(path)
    holders = [native]
    for tag in tags[:-1]:
        found = holders[-1].find(tag)
        holders.append(found if found is not None else etree.SubElement(holders[-1], tag))
    leaf = holders[-1].find(tags[-1])
    if text is not None:
        if leaf is None:
            leaf = etree.SubElement(holders[-1], tags[-1])
        leaf.text = text
        return
    if leaf is not None:
        holders[-1].remove(leaf)
    for holder in reversed(holders[1:]):
        if len(holder) == 0:
            parent = holder.getparent()
            assert parent is not None
            parent.remove(holder)


def _start(trees: Any, data: st.DataObject) -> etree._Element:
    """A running tree with some of the leaves set (hostile values too: loaded by the system, never checked)."""
    root = trees.tree(
        "<line><vty><first>0</first></vty></line><interface><GigabitEthernet><name>1</name>"
        "</GigabitEthernet></interface>"
    )
    native = next(root.iterchildren(NATIVE_TAG))
    for path, values in LEAVES:
        if data.draw(st.integers(0, 3), label=f"start {path}") == 0:
            _set(native, path, data.draw(values, label=path))
    return root


def _verdict(trees: Any, txn: Transaction) -> list[str]:
    """The path of the first value the excerpt of ``txn`` does not read back, as the full check reports it."""
    problems = unprintable(excerpt(txn.new, focus_of(txn, trees.schema), trees.schema), trees.schema)
    return [instance_identifier(problems[0].element, trees.schema)[0]] if problems else []


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_commits_of_container_leaves_are_refused_as_their_excerpt_is(trees: Any, data: st.DataObject) -> None:
    check = PrintableCheck(trees.schema)
    root = _start(trees, data)
    empty = trees.tree("")
    assert check.check(Transaction(empty, root, diff(empty, root, trees.schema), SYSTEM)) == []  # (not checked)
    favourites = data.draw(st.lists(st.sampled_from(LEAVES), min_size=1, max_size=2), label="favourites")
    hits = 0
    for _ in range(data.draw(st.integers(2, 10), label="commits")):
        new = copy.deepcopy(root)
        native = next(new.iterchildren(NATIVE_TAG))
        group = data.draw(st.sampled_from([favourites] * 5 + [LEAVES]), label="leaves of")
        for path, values in data.draw(st.lists(st.sampled_from(group), min_size=1, max_size=2), label="leaves"):
            _set(native, path, None if data.draw(st.integers(0, 9)) == 0 else data.draw(values, label=path))
        txn = Transaction(root, new, diff(root, new, trees.schema), Origin(session_id=7, user="u", face=Face.NETCONF))
        if not txn.changes:
            continue
        expected = _verdict(trees, txn)
        tree = excerpt(new, focus_of(txn, trees.schema), trees.schema)
        shape = printable._shape_of(tree)
        hits += shape is not None and check._instance_clean(shape)
        errors = check.check(txn)
        assert [e.path for e in errors] == expected, printable.render_sourced(tree)[0]
        if not expected:
            root = new
    event(f"proven path taken: {min(hits, 2)}+")


def test_a_later_commit_of_a_proven_shape_is_not_read_back(trees: Any) -> None:
    """The first two plain commits of ``ip ssh time-out`` are read back (the second proves the shape), the next
    ones of its shape are not; a value its slot does not give back (past the range, a leading zero) is read back
    again, and refused."""
    check = PrintableCheck(trees.schema)
    old = trees.tree("<ip><ssh><time-out>60</time-out><ssh-version>2</ssh-version></ssh></ip><hostname>R</hostname>")
    values = ["33", "34", "35", "120", "121", "07", "1"]
    found = [
        (value, errors, reads > 0)
        for value, errors, reads in verdicts(check, old, f"{{{NS}}}time-out", values, trees.schema)
    ]
    # (the second check reads back the excerpt, then a copy of it with another value: the proof)
    assert found == [
        ("33", 0, True),
        ("34", 0, True),
        ("35", 0, False),
        ("120", 0, False),
        ("121", 1, True),
        ("07", 1, True),
        ("1", 0, False),
    ]


def test_a_value_loaded_by_the_system_that_does_not_read_back_refuses_every_commit_of_its_instance(
    trees: Any,
) -> None:
    """``ip ssh authentication-retries 9`` came from startup (not checked); a commit of ``ip ssh time-out`` prints
    it too, so it is refused there, whether or not the shape was proven with a good value before."""
    check = PrintableCheck(trees.schema)
    good = trees.tree("<ip><ssh><time-out>60</time-out><authentication-retries>3</authentication-retries></ssh></ip>")
    bad = copy.deepcopy(good)
    next(bad.iter(f"{{{NS}}}authentication-retries")).text = "9"
    for old in (good, bad):
        loaded = Transaction(good, old, diff(good, old, trees.schema), SYSTEM)
        assert check.check(loaded) == []  # (the system's own transaction: not checked)
        new = copy.deepcopy(old)
        next(new.iter(f"{{{NS}}}time-out")).text = "61"
        txn = Transaction(old, new, diff(old, new, trees.schema), Origin(session_id=7, user="u", face=Face.NETCONF))
        assert [e.path for e in check.check(txn)] == _verdict(trees, txn)
    assert _verdict(trees, txn) == ["/ios:native/ios:ip/ios:ssh/ios:authentication-retries"]


@pytest.mark.parametrize(
    ("path", "copied"),
    [
        ("ip/ssh/time-out", True),
        ("ip/ssh/bulk-mode/window-size", True),
        ("hostname", True),
        ("ip/domain/name", True),
        ("ip/ssh/ssh-version", False),  # (a choice)
        ("banner/motd/banner", False),  # (a rendering of its own)
        ("line/vty/first", False),  # (a key)
        ("ip/ssh/bulk-mode", False),  # (a keyword's leaf)
        ("ip/ssh/logging/events-enable", False),  # (a keyword's leaf, compared with its value)
    ],
)
def test_only_texts_every_rendering_copies_are_left_out_of_a_shape(path: str, copied: bool) -> None:
    assert printable._copy_only(tuple(_tags(path))) is copied


def test_a_text_that_is_not_copied_is_part_of_the_shape(trees: Any) -> None:
    """A banner's text is read by a rendering of its own: a banner that reads back proves nothing for another."""
    check = PrintableCheck(trees.schema)
    old = trees.tree("<banner><motd><banner>hello</banner></motd></banner>")
    verdicts = []
    for text in ["welcome", "welcome", "a\u2028b", "hi"]:
        new = copy.deepcopy(old)
        next(new.iter(f"{{{NS}}}motd"))[0].text = text
        txn = Transaction(old, new, diff(old, new, trees.schema), Origin(session_id=7, user="u", face=Face.NETCONF))
        verdicts.append(len(check.check(txn)))
        assert [e.path for e in check.check(txn)] == _verdict(trees, txn)
    assert verdicts == [0, 0, 1, 0]


@pytest.mark.parametrize(
    ("command", "how"),
    [
        (Command("t", CONFIG, seq("t", Arg("a/b", Word())), anchor="t"), "copies"),
        (Command("t", CONFIG, seq("t", Arg("a/b", Number(1, 9))), anchor="t"), "copies"),
        (Command("t", CONFIG, seq("t", Arg("a/b", Rest())), anchor="t"), "copies"),
        (Command("t", CONFIG, seq("t", Arg("a/c", Word())), anchor="t"), "ignores"),
        (Command("t", CONFIG, seq("t", Arg("a/b", Choice(("x",)))), anchor="t"), "inspects"),
        (Command("t", CONFIG, seq("t", Arg("a/b", Word()), Kw("k", set=(("a/b", "on"),))), anchor="t"), "inspects"),
        (Command("t", CONFIG, seq("t", Arg("a/b", Word())), anchor="t", no_sets=(("a/b", "off"),)), "inspects"),
        (Command("t", CONFIG, seq("t", Arg("a/b", Word())), anchor="t", skip_if=("a/b",)), "inspects"),
        (Command("t", CONFIG, seq("t", Arg("a/b", Word())), anchor="t", default_if=("a/b",)), "inspects"),
        (Command("t", CONFIG, seq("t", Arg("a", Interface())), anchor="t"), "inspects"),  # (reads a's children)
        (Command("t", CONFIG, seq("t", Arg("a/b", Word(), leaflist=True)), anchor="t"), "inspects"),
        (Command("t", CONFIG, seq("t", Arg("b", Word())), anchor="t/a[b]"), "inspects"),  # (a key)
        (Command("t", CONFIG, seq("t", Arg("a/b", Rest())), anchor="t", render_as="banner"), "inspects"),
        (Command("t", CONFIG, seq("t"), anchor="t/a/b", bare=True), "inspects"),  # (the anchor itself)
    ],
)
def test_how_a_rendering_reads_a_leaf(command: Command, how: str) -> None:
    """Each rule of ``_render_reads`` on its own, for the leaf ``t/a/b`` (commands made for the test)."""
    assert printable._render_reads(command, (), tuple(command.path("t/a/b"))[-3:]) == how
