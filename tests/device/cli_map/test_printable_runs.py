"""A run of created list entries checked a column at a time (``printable.by_shape`` with a schema) leaves out exactly
the entries the check of each leaves out, and the verdict is still that of reading every entry back: runs of
``username`` entries of one shape whose values are mostly plain, with keywords and their prefixes, numbers past a
range, values a line cannot carry (blanks, ``a\\nb``, quotes, ``!``, U+2028, empty), entries of the list already
there (of the run's shape or not), and entries whose structure is not quite the run's (a comment, a text in a
container, a leaf missing or added)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.device import printable
from iosxe_agent.device.cli_map.syntax import Number, Word
from iosxe_agent.device.cli_map.tree import NATIVE_TAG
from iosxe_agent.device.printable import _PLAIN, RUN_MIN, Focus, _column_fits, by_shape, excerpt, unprintable

NS = NATIVE_TAG[1:].partition("}")[0]
KEYWORDS = ["privilege", "priv", "p", "secret", "se", "s", "password", "pa", "algorithm-type", "a", "view", "no"]
ODD = ["", " ", "a b", "a\nb", "a\rb", "a\tb", '"q"', "'q'", "!x", "x!", "#x", "a\u2028b", "é", "x?", "a>b", "a&b"]
EDGES = ["0", "1", "9", "15", "16", "-1", "007", "99999999999999999999"]
PLAIN = st.text("abcdefghijklmnopqrstuvwxyz0123456789$./", min_size=1, max_size=8)
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=4)
ANY = st.one_of(st.sampled_from(KEYWORDS + ODD + EDGES), PLAIN, TEXT)
#: mostly plain, so that a run's columns often fit and the column path is taken
VALUE = st.integers(0, 99).flatmap(lambda k: ANY if k == 0 else PLAIN)
PRIVILEGE = st.integers(0, 99).flatmap(lambda k: st.sampled_from(EDGES + KEYWORDS) if k == 0 else st.just("1"))
#: what may make one entry's structure differ from the run's
ODDITIES = [None, "comment", "container text", "text moved", "no privilege", "extra leaf", "leaf comment"]
ODDITIES += ["other encryption"]

User = tuple[str, str, str]


def _n(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _leaf(parent: etree._Element, tag: str, text: str) -> etree._Element:
    leaf = etree.SubElement(parent, _n(tag))
    leaf.text = text
    return leaf


def _add_user(native: etree._Element, user: User, oddity: str | None = None) -> etree._Element:
    """``username NAME [privilege P] secret 9 SECRET``, made odd as ``oddity`` says."""
    name, privilege, secret = user
    entry = etree.SubElement(native, _n("username"))
    _leaf(entry, "name", name)
    if oddity != "no privilege":
        _leaf(entry, "privilege", privilege)
    holder = etree.SubElement(entry, _n("secret"))
    _leaf(holder, "encryption", "0" if oddity == "other encryption" else "9")
    leaf = _leaf(holder, "secret", secret)
    if oddity == "comment":
        entry.append(etree.Comment("c"))
    elif oddity == "container text":
        holder.text = "t"
    elif oddity == "text moved":  # (as many nodes as the run's entries have, one text in the wrong place)
        holder.text, leaf.text = leaf.text, None
    elif oddity == "extra leaf":
        _leaf(entry, "view", "v")
    elif oddity == "leaf comment":
        leaf.append(etree.Comment("c"))
    return entry


def _clean(trees: Any, tree: etree._Element, focus: list[Focus]) -> bool:
    return not unprintable(excerpt(tree, focus, trees.schema), trees.schema)


#: users with distinct names (a repeated key reads back as one entry, a check not of text)
USERS = st.lists(
    st.tuples(VALUE, PRIVILEGE, VALUE), min_size=RUN_MIN + 6, max_size=RUN_MIN + 12, unique_by=lambda u: u[0]
)
RUN = [(f"u{i}", "1", "$9$x") for i in range(RUN_MIN + 1)]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    users=USERS,
    before=st.integers(0, 3),
    after=st.integers(0, 2),
    odd=st.lists(st.tuples(st.integers(0, RUN_MIN + 12), st.sampled_from(ODDITIES)), max_size=2),
    read_back=st.booleans(),
    host_last=st.booleans(),
)
@example(users=[*RUN, ("a\nb", "1", "x")], before=0, after=0, odd=[], read_back=True, host_last=False)
@example(users=[*RUN, ("a", "1", "x\ny")], before=0, after=0, odd=[], read_back=True, host_last=False)
@example(users=[*RUN, ("", "1", "x")], before=0, after=0, odd=[], read_back=True, host_last=False)
@example(users=[("a b", "1", "x"), *RUN], before=1, after=0, odd=[], read_back=True, host_last=False)
def test_a_run_checked_by_columns_leaves_out_what_the_check_of_each_does(
    trees: Any,
    users: list[User],
    before: int,
    after: int,
    odd: list[tuple[int, str | None]],
    read_back: bool,
    host_last: bool,
) -> None:
    """``before``/``after``: that many of ``users`` are already there, around the created run of the others (user
    ``i`` made odd as ``odd`` says); the focus is the run in document order and a changed ``hostname``, before it
    or after it (then not to be taken for an entry of the run)."""
    root = etree.Element("{urn:ietf:params:xml:ns:netconf:base:1.0}config")
    native = etree.SubElement(root, NATIVE_TAG, nsmap={None: NS})
    _leaf(native, "hostname", "R1")
    oddity = dict(odd)
    entries = [_add_user(native, user, oddity.get(i)) for i, user in enumerate(users)]
    focus = [Focus(el, True) for el in entries[before : len(entries) - after]]
    focus.insert(len(focus) if host_last else 0, Focus(native[0], True))
    left = by_shape(focus, trees.schema)
    assert left == by_shape(focus)
    event(f"{'none' if left is None else len(left)} left to read back")
    if read_back and left is not None:
        assert _clean(trees, root, left) == _clean(trees, root, focus)


READINGS = st.sampled_from(
    [Word(), Word(hex_upper=True), Word(pattern=r"[a-z]+"), Number(0, 15), Number(-5, 5), Number(1, 4094)]
)


@given(texts=st.lists(ANY, min_size=1), readings=st.lists(READINGS, max_size=3))
@example(texts=["a\nb"], readings=[])
@example(texts=["a", "", "b"], readings=[])
@example(texts=["deadbeef"], readings=[Word(hex_upper=True)])
def test_a_column_fits_as_each_of_its_values_does(texts: list[str], readings: list[Word | Number]) -> None:
    """What ``_Slots.fit`` asks of one value (a plain token every reading gives back), asked of a column at once."""
    each = all(_PLAIN.fullmatch(text) is not None and all(r.convert(text) == text for r in readings) for text in texts)
    assert _column_fits(texts, tuple(readings)) == each


@given(text=st.one_of(st.text(), ANY, st.lists(PLAIN).map("".join), st.text(st.characters(max_codepoint=0x80))))
def test_a_joined_column_is_plain_as_the_expression_says(text: str) -> None:
    """The test of a column's values joined (``_all_plain``, bytes deleted in C) is the expression's match."""
    assert printable._all_plain(text) == (_PLAIN.fullmatch(text) is not None)


def test_a_run_of_plain_users_is_checked_a_column_at_a_time(trees: Any, monkeypatch: Any) -> None:
    """The column path is taken for a run it fits (the equality above would hold if it never were)."""
    root = etree.Element("{urn:ietf:params:xml:ns:netconf:base:1.0}config")
    native = etree.SubElement(root, NATIVE_TAG, nsmap={None: NS})
    focus = [Focus(_add_user(native, (f"user{i:02d}", "1", f"s{i}")), True) for i in range(RUN_MIN + 4)]
    taken: list[bool] = []
    real = printable._run_fits

    def spy(*args: Any) -> bool:
        taken.append(real(*args))
        return taken[-1]

    monkeypatch.setattr(printable, "_run_fits", spy)
    assert by_shape(focus, trees.schema) == focus[:1] == by_shape(focus)
    assert taken == [True]
