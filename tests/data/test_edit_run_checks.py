"""The checks a run of new entries (``_Editor._new_run``) makes in C, against the Python they replace.

Why: the key order of a run of names is checked as texts (``edit._strictly_ascending``) and whether a run's
entry exists already from the first key texts of the existing entries (``_Editor._any_existing``), without an
index of them; both must answer exactly what a sort key per entry and the index answer, for any values, and for
existing entries in any odd form (a key missing, not first, twice, split by a comment, after a comment, held as
a text and a CDATA section, which ``.text`` reads as one).
"""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.data import edit as edit_mod

#: key texts: names, numbers (signed, padded, spaced), other text, letters outside ASCII
VALUES = st.one_of(
    st.sampled_from(["a", "b", "B", "a1", "a10", "a2", "1", "01", "2", "10", "-1", "+3", " 4", "x y", "é", "Z"]),
    st.text(st.characters(blacklist_categories=["Cs", "Cc"]), max_size=4),
)


def _ascending_by_sort_keys(keys: list[list[str]]) -> bool:
    orders = [edit_mod._sort_keys(values) for values in zip(*keys, strict=True)]
    return all(a < b for a, b in itertools.pairwise(orders))


@settings(max_examples=400, deadline=None)
@given(values=st.lists(VALUES, min_size=1, max_size=8), columns=st.sampled_from([1, 1, 2]), order=st.booleans())
def test_the_key_order_check_is_the_sort_keys_order(values: list[str], columns: int, order: bool) -> None:
    if order:
        values = sorted(values)
    keys = [values] if columns == 1 else [values, list(reversed(values))]
    assert edit_mod._strictly_ascending(keys) == _ascending_by_sort_keys(keys)


NAMES = st.sampled_from(["a", "b", "c", "u1", "u2", "9", "u1x"])
#: a parser that keeps CDATA sections as nodes of their own (the agent's parsers merge them into the text)
CDATA_KEPT = etree.XMLParser(strip_cdata=False)
#: how an existing entry holds its name (``{}``): as we store it, or in a form only the index reads right
HELD = st.sampled_from([
    "<name>{}</name><privilege>1</privilege>",
    "<name>{}</name><privilege>1</privilege>",
    "<privilege>1</privilege>",
    "<privilege>1</privilege><name>{}</name>",
    "<name>{}</name><name>zz</name>",
    "<name>zz</name><name>{}</name>",
    "<name>{}<!-- c -->x</name>",
    "<name>x<!-- c -->{}</name>",
    "<name><!-- c -->{}</name>",
    "<name/>",
    "<name>{}<![CDATA[x]]></name>",
])  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    existing=st.lists(st.tuples(NAMES, HELD), max_size=5),
    run=st.lists(NAMES, min_size=1, max_size=4, unique=True),
    indexed=st.booleans(),
)
@example(existing=[("u1", "<name>{}<![CDATA[x]]></name>")], run=["u1x"], indexed=False)
def test_an_existing_entry_is_found_as_the_index_finds_it(
    ios: Any, existing: list[tuple[str, str]], run: list[str], indexed: bool
) -> None:
    """``indexed``: the edit made the index before (then it answers)."""
    tree = ios.empty()
    native = etree.SubElement(tree, f"{{{ios.ns}}}native", nsmap={None: ios.ns})
    for name, held in existing:
        native.append(etree.fromstring(f"<username xmlns='{ios.ns}'>{held.format(name)}</username>", CDATA_KEPT))
    snode = ios.schema.root.data_children[native.tag].data_children[f"{{{ios.ns}}}username"]
    editor = edit_mod._Editor(ios.schema, edit_mod.ErrorOption.STOP, 1_000_000, ios.schema.identities)
    if indexed:
        editor._entry_index(native, snode)
    index = {edit_mod._entry_keys(e, snode) for e in native.iterchildren(snode.tag)}
    assert editor._any_existing(native, snode, [run]) == any((name,) in index for name in run)
