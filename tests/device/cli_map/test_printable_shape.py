"""The check of a bulk of created list entries a shape at a time (printable.by_shape) gives the verdict of reading
every entry back: random runs of ``username`` and ``snmp-server community`` entries whose values are keywords of
the command, their prefixes, numbers at and past a range's edges, plain names, hex, and values a line cannot carry
(blanks, line breaks, quotes, ``!``, ``#``, U+2028 ...), in any order, beside lines read back in full."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from line_values import EDGES, KEYWORDS, ODD
from lxml import etree

from iosxe_agent.data.diff import diff
from iosxe_agent.datastore.transaction import Face, Origin, Transaction
from iosxe_agent.device import printable
from iosxe_agent.device.cli_map.table import BY_ID
from iosxe_agent.device.cli_map.tree import NATIVE_TAG
from iosxe_agent.device.printable import Focus, PrintableCheck, by_shape, excerpt, unprintable

NS = NATIVE_TAG[1:].partition("}")[0]
#: a value of any slot
VALUES = st.one_of(
    st.sampled_from(KEYWORDS + EDGES + ODD),
    st.from_regex(r"[a-z][a-z0-9._-]{0,8}", fullmatch=True),
    st.from_regex(r"[0-9]{1,3}", fullmatch=True),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=5),
)
PLAIN = st.from_regex(r"[a-z][a-z0-9]{0,8}", fullmatch=True)
#: mostly plain values, so that runs of entries share their shapes, take the shortcut and read back clean but for
#: the odd value: a keyword of the commands (where the parser tries one, it must be read back in full) or anything
MOSTLY_PLAIN = st.integers(0, 5).flatmap(
    lambda k: st.sampled_from(KEYWORDS + EDGES) if k == 0 else VALUES if k == 1 else PLAIN
)


def _leaf(parent: etree._Element, tag: str, text: str | None) -> etree._Element:
    leaf = etree.SubElement(parent, tag)
    leaf.text = text
    return leaf


def _n(tag: str) -> str:
    return f"{{{NS}}}{tag}"


@st.composite
def _users(draw: st.DrawFn) -> list[dict[str, str | None]]:
    """Users of a few shapes (which children they have, an encryption type), with drawn values."""
    shape = st.tuples(st.booleans(), st.sampled_from(["secret", "password", None]), st.sampled_from(["0", "9", "7"]))
    return [
        {
            "name": name,
            "privilege": draw(st.one_of(st.sampled_from(EDGES), MOSTLY_PLAIN)) if privileged else None,
            "kind": kind,
            "encryption": encryption,
            "secret": draw(MOSTLY_PLAIN),
        }
        for name, (privileged, kind, encryption) in _named_shapes(draw, shape)
    ]


def _named_shapes(draw: st.DrawFn, shape: st.SearchStrategy[tuple[Any, ...]]) -> list[tuple[str, tuple[Any, ...]]]:
    """Unique drawn names, each with one of one or two drawn shapes (so that most entries share a shape)."""
    shapes = draw(st.lists(shape, min_size=1, max_size=2))
    return [
        (name, draw(st.sampled_from(shapes)))
        for name in draw(st.lists(MOSTLY_PLAIN, min_size=2, max_size=10, unique=True))
    ]


def _add_user(native: etree._Element, user: dict[str, str | None]) -> etree._Element:
    entry = etree.SubElement(native, _n("username"))
    _leaf(entry, _n("name"), user["name"])
    if user["privilege"] is not None:
        _leaf(entry, _n("privilege"), user["privilege"])
    kind = user["kind"]
    if kind is not None:
        holder = etree.SubElement(entry, _n(kind))
        _leaf(holder, _n("encryption"), user["encryption"])
        _leaf(holder, _n(kind), user["secret"])
    return entry


def _tree() -> tuple[etree._Element, etree._Element]:
    root = etree.Element("{urn:ietf:params:xml:ns:netconf:base:1.0}config")
    return root, etree.SubElement(root, NATIVE_TAG, nsmap={None: NS})


def _clean(trees: Any, tree: etree._Element, focus: list[Focus]) -> bool:
    return not unprintable(excerpt(tree, focus, trees.schema), trees.schema)


def _same_verdict(trees: Any, tree: etree._Element, focus: list[Focus]) -> None:
    left = by_shape(focus)
    if left is None:
        event("no entry left out")
        return
    clean = _clean(trees, tree, focus)
    event(f"entries left out, {'clean' if clean else 'refused'}")
    assert _clean(trees, tree, left) == clean


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(users=_users(), others=st.lists(MOSTLY_PLAIN, max_size=2, unique=True), data=st.data())
def test_users_checked_by_shape_give_the_verdict_of_reading_them_all_back(
    trees: Any, users: list[dict[str, str | None]], others: list[str], data: st.DataObject
) -> None:
    """``others``: users already there of which one leaf changed (their lines are read back in full, beside the
    created ones); the focus in any order, with a changed ``hostname``."""
    root, native = _tree()
    _leaf(native, _n("hostname"), "R1")
    focus = [Focus(_add_user(native, user), True) for user in users]
    for name in others:
        assume(all(name != user["name"] for user in users))
        old = _add_user(native, {"name": name, "privilege": "3", "kind": None, "encryption": None, "secret": None})
        focus.append(Focus(old[1], True))
    focus.append(Focus(native[0], True))
    _same_verdict(trees, root, data.draw(st.permutations(focus)))


@st.composite
def _communities(draw: st.DrawFn) -> list[dict[str, str | None]]:
    """Communities of a few shapes (a view, a permission, an ACL or not), with drawn values."""
    shape = st.tuples(st.booleans(), st.sampled_from(["ro", "rw", None]), st.booleans())
    return [
        {
            "name": name,
            "view": draw(MOSTLY_PLAIN) if viewed else None,
            "permission": permission,
            "access-list-name": draw(MOSTLY_PLAIN) if acl else None,
        }
        for name, (viewed, permission, acl) in _named_shapes(draw, shape)
    ]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(communities=_communities(), data=st.data())
def test_communities_checked_by_shape_give_the_verdict_of_reading_them_all_back(
    trees: Any, communities: list[dict[str, str | None]], data: st.DataObject
) -> None:
    cmd = BY_ID["snmp-community"]
    root, native = _tree()
    holder = etree.SubElement(native, cmd.anchor_steps[0].tag)
    focus = []
    for community in communities:
        entry = etree.SubElement(holder, cmd.anchor_steps[1].tag)
        for path, value in community.items():
            if value is not None:
                _leaf(entry, cmd.path(path)[0], value)
        focus.append(Focus(entry, True))
    _same_verdict(trees, root, data.draw(st.permutations(focus)))


def test_a_run_of_one_shape_reads_back_its_first_entry_alone(trees: Any) -> None:
    """50 plain users of one shape and 3 of another: one line of each shape is read back, and every user whose
    value needs reading (a blank, a keyword where one is tried, a number out of range) is too."""
    root, native = _tree()
    base: dict[str, str | None] = {"name": "", "privilege": "1", "kind": "secret", "encryption": "9", "secret": "$9$h"}
    plain = [dict(base, name=f"u{i}", privilege=str(i % 16), secret=f"$9${i}") for i in range(50)]
    other = [dict(base, name=f"v{i}", privilege=None, kind="password", encryption="0") for i in "abc"]
    odd = [dict(base, name="x y"), dict(base, name="007", privilege="16"), dict(base, name="q", secret="!")]
    focus = [Focus(_add_user(native, user), True) for user in plain + other + odd]
    left = by_shape(focus)
    assert left is not None
    assert [f.element[0].text for f in left] == ["u0", "va", "x y", "007", "q"]
    assert _clean(trees, root, focus) is False and _clean(trees, root, left) is False


def _txn(trees: Any, body: str) -> Transaction:
    old = trees.apply(trees.empty(), trees.doc.cfg("<hostname>R1</hostname>"))
    new = trees.apply(old, trees.doc.cfg(body))
    return Transaction(old, new, diff(old, new, trees.schema), Origin(session_id=7, user="u", face=Face.NETCONF))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names=st.lists(MOSTLY_PLAIN, min_size=4, max_size=9, unique=True), privilege=st.integers(0, 15))
def test_a_bulk_commit_is_refused_as_the_check_of_everything_refuses_it(
    trees: Any, names: list[str], privilege: int
) -> None:
    """Through the subscriber (``CHUNK`` made small, so that the shortcut is tried): the same errors as the check of
    every entry at once."""
    assume(all(not any(0xD800 <= ord(c) <= 0xDFFF for c in name) for name in names))
    body = "".join(
        f"<username><name>{escape(name)}</name><privilege>{privilege}</privilege>"
        f"<secret><encryption>9</encryption><secret>$9${i}</secret></secret></username>"
        for i, name in enumerate(names)
    )
    try:
        txn = _txn(trees, body)
    except (AssertionError, etree.XMLSyntaxError):
        assume(False)  # (a name the schema or XML refuses: no commit to check)
        raise
    check = PrintableCheck(trees.schema)
    whole = [(e.tag, e.message, e.path, e.info) for e in check.check(txn)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(printable, "CHUNK", 3)
        assert [(e.tag, e.message, e.path, e.info) for e in check.check(txn)] == whole
