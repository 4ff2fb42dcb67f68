"""The namespace declarations of new entries copied in C (``_Editor._new_run``, ``_Editor._copy``): the walk that
counts them (``edit._declared_canonically``, and for a run first ``_declared_below``) against the serialised copy
it replaces, and the copies against the entries built one by one.

Why: a copy keeps its declarations as they were written, so it is taken only when they are exactly those the
building gives (each module's namespace declared once, as the default one, where it starts). The layouts here
are the hostile ones: prefixed entries or leaves (the prefix declared on the element, on the holder or above
it), default namespaces declared again, declarations on leaves, declarations nothing uses, an entry of another
module, and texts holding "xmlns" (which the serialised count took for a declaration). The edit of the children
after a run (found from the run's last entry by position) is checked last.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from edit_summary import created_as_runs, summary
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.data import edit as edit_mod
from iosxe_agent.data.edit import apply_edit
from iosxe_agent.device.names import AAA_NS

from .test_edit_bulk import HASH

N = "http://cisco.com/ns/yang/Cisco-IOS-XE-native"
NC = "urn:ietf:params:xml:ns:netconf:base:1.0"
#: What an element may carry besides its name: mostly nothing; a prefix (``p:``, declared where ``PREFIXES``
#: says, else on the element or around it, or nowhere: not well-formed), or a declaration (of the default
#: namespace again, of a prefix nothing uses, of another namespace).
DECORATIONS = st.sampled_from(
    ["", "", "", "", "p:", f' xmlns="{N}"', ' xmlns:z="urn:z"', f' xmlns:z="{N}"', f' xmlns:p="{N}"']
)
#: Where the prefix ``p`` (of ``N`` or of another namespace) is declared, beside the holder's default one.
PREFIXES = st.sampled_from(["", "", f' xmlns:p="{N}"', ' xmlns:p="urn:z"', f' xmlns:q="{N}"'])
VALUES = st.sampled_from(["1", "1", "15", "xmlns", 'xmlns:a="b"'])  # privileges: valid ones, refused ones


@st.composite
def layouts(draw: st.DrawFn, xmlns_texts: bool = True) -> tuple[str, str, str]:
    """The ``<config>``'s extra declarations, the holder's, and the template of one entry (``{}``: its name);
    ``xmlns_texts``: values may hold "xmlns"."""
    outer, holder = draw(PREFIXES), draw(PREFIXES)
    above = "xmlns:p=" in outer + holder
    marks = [draw(DECORATIONS) for _ in range(6)] if draw(st.booleans()) else [""] * 6  # half of them plain

    def el(i: int, name: str, body: str) -> str:
        mark = marks[i]
        prefix = mark if mark.endswith(":") else ""
        attrs = (f' xmlns:p="{N}"' if not above and draw(st.booleans()) else "") if prefix else mark
        return f"<{prefix}{name}{attrs}>{body}</{prefix}{name}>"

    secret = draw(st.sampled_from([HASH, "xmlns", f"{HASH}xmlns:"] if xmlns_texts else [HASH]))
    inner = el(3, "secret", el(4, "encryption", "9") + el(5, "secret", secret)) if draw(st.booleans()) else ""
    aaa = f'<aaa xmlns="{AAA_NS}"><attribute><list>G1</list></attribute></aaa>' if draw(st.integers(0, 5)) == 0 else ""
    entry = el(
        0,
        "username",
        el(1, "name", "{}") + el(2, "privilege", draw(VALUES if xmlns_texts else st.just("1"))) + inner + aaa,
    )
    return outer, holder, entry


def _config(outer: str, holder: str, body: str) -> etree._Element:
    """The edit's ``<config>`` (a layout whose prefix is declared nowhere is no edit: not drawn again)."""
    try:
        return etree.fromstring(f'<config xmlns="{NC}"{outer}><native xmlns="{N}"{holder}>{body}</native></config>')
    except etree.XMLSyntaxError:
        reject()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    layout=layouts(),
    count=st.integers(1, 5),
    odd=st.integers(-1, 4),
    existing=st.booleans(),
    copy_above=st.sampled_from([0, 32]),
)
def test_copied_entries_equal_the_entries_built_one_by_one(
    ios: Any, layout: tuple[str, str, str], count: int, odd: int, existing: bool, copy_above: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """``odd``: the entry written plainly among the others (a run of two shapes), if any."""
    outer, holder, entry = layout
    plain = "<username><name>{}</name><privilege>1</privilege></username>"
    body = "".join((plain if i == odd else entry).format(f"u{i}") for i in range(count))
    tree = ios.tree("<username><name>a</name></username>" if existing else "<hostname>R1</hostname>")
    monkeypatch.setattr(edit_mod, "RUN_ABOVE", 0)
    monkeypatch.setattr(edit_mod, "COPY_ABOVE", copy_above)
    fast = summary(apply_edit(tree, _config(outer, holder, body), ios.schema))
    with monkeypatch.context() as m:
        m.setattr(edit_mod._Editor, "_new_run", lambda *_, **__: 0)
        m.setattr(edit_mod._Editor, "_copy", lambda *_, **__: False)
        slow = summary(apply_edit(tree, _config(outer, holder, body), ios.schema))
    assert fast == slow


def _serialised(dup: etree._Element, expected: int) -> bool:
    """The check the walk replaces: the copy serialised, its declarations counted as the substring "xmlns"."""
    data = etree.tostring(dup)
    return b"xmlns:" not in data and data.count(b"xmlns") == expected


@settings(max_examples=300, deadline=None)
@given(layout=layouts(xmlns_texts=False), count=st.integers(1, 4), expected=st.integers(0, 6))
def test_the_walk_counts_what_the_serialised_copy_shows(
    layout: tuple[str, str, str], count: int, expected: int
) -> None:
    """For every layout whose texts hold no "xmlns" (which the substring count took for a declaration: tested
    above against building), as the two copies are checked: a run's holder (its declarations counted below it
    first, else with unused ones dropped: ``_copied_run``), or one entry as it is (``_copy``)."""
    outer, holder, entry = layout
    body = "".join(entry.format(f"u{i}") for i in range(count))
    native = _config(outer, holder, body)[0]
    single = copy.deepcopy(native[0])
    assert edit_mod._declared_canonically(single, expected + 1) == _serialised(single, expected + 1)
    dup = copy.deepcopy(native)
    namespaces = frozenset(etree.QName(e).namespace or "" for e in native.iter("{*}*") if e is not native)
    below = edit_mod._declared_below(dup, expected, namespaces)
    etree.cleanup_namespaces(dup)
    reference = _serialised(dup, expected + 1)
    assert (below or edit_mod._declared_canonically(dup, expected + 1)) == reference
    assert reference or not below


@pytest.mark.parametrize(
    "after", ["", "<ip><ssh><time-out>30</time-out></ssh></ip>", "<!-- c --><hostname>R2</hostname>"]
)
@pytest.mark.parametrize("before", ["", "<hostname>R3</hostname>"])
def test_the_children_after_a_run_are_edited(
    ios: Any, before: str, after: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The edit goes on after a run created at once (from its last entry, found by position) as one by one."""
    users = "".join(f"<username><name>u{i:03d}</name><privilege>1</privilege></username>" for i in range(80))
    body = before + users + after
    tree = ios.tree("<hostname>R1</hostname>")
    assert created_as_runs(lambda: apply_edit(tree, ios.cfg(body), ios.schema), monkeypatch) == [80]
