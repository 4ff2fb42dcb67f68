"""The copy path of a new node's content (``_Editor._copy``: checked in one pass, copied in C) against the general
path, on canonical documents (what loading our own files gives it) and on every way a document can differ from
one: whitespace, comments, prefixes, extra or repeated namespace declarations, attributes, unknown or repeated
nodes, children or entries out of order, values not in canonical form.

Why: the copy path exists for speed only; whatever it is given, the tree (bytes), errors, changed and touched
must be what building node by node gives. ``COPY_ABOVE`` is lowered so that small documents take it.
"""

from __future__ import annotations

from typing import Any

import pytest
from edit_summary import summary
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.data import edit as edit_mod
from iosxe_agent.data.edit import load_config
from iosxe_agent.datastore.persist import serialize
from iosxe_agent.device.names import AAA_NS, NATIVE_NS

HASH = "$9$AAAAAAAAAAAAAA$98TL7I2NJnM8PHS7XqDxOe569kXm8FUzMdMc/E6wP2Y"
A = f'xmlns="{AAA_NS}"'
PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)

PARTS = st.sampled_from([
    "<hostname>R1</hostname>",
    "<ip><domain><name>example.com</name></domain><ssh><time-out>30</time-out></ssh></ip>",
    f"<aaa><new-model {A}/><group {A}><server><tacacsplus><name>T</name></tacacsplus></server></group></aaa>",
    "<line><vty><first>0</first><last>4</last><transport><input><input>ssh</input></input></transport></vty></line>",
    "<service><password-encryption/></service>",
])  # fmt: skip


def user(i: int) -> str:
    return (
        f"<username><name>u{i}</name><privilege>{i % 16}</privilege>"
        f"<secret><encryption>9</encryption><secret>{HASH}</secret></secret></username>"
    )


#: Ways a serialised canonical document may be changed: pairs of (text, replacement), applied to the first
#: occurrence or to every one.
MUTATIONS = [
    None,
    ("<username>", "<username>\n  "),
    ("</name>", "</name><!-- c -->"),
    ("</privilege>", "</privilege> "),
    ("<privilege>", "<ios:privilege xmlns:ios='{N}'>", "</privilege>", "</ios:privilege>"),
    ("<username>", "<username xmlns='{N}'>"),
    ("<secret>", "<secret xmlns='{N}'>"),
    ("<secret>", "<secret xmlns:x='urn:x'>"),
    ("<privilege>", "<privilege a='1'>"),
    ("<privilege>", "<privilege xmlns:nc='urn:ietf:params:xml:ns:netconf:base:1.0' nc:operation='delete'>"),
    ("<privilege>1</privilege>", "<privilege>01</privilege>"),
    ("<privilege>1</privilege>", "<privilege>99</privilege>"),
    ("<name>u1</name>", "<name>u0</name>"),
    ("<name>u1</name>", "<name>u2</name>"),
    ("<encryption>9</encryption><secret>", "<secret>"),
    ("</encryption>", "</encryption><encryption>9</encryption>"),
    ("<hostname>R1</hostname>", "<hostname>R1</hostname><bogus>1</bogus>"),
    ("<hostname>R1</hostname>", ""),
    ("<new-model ", "<new-model>x</new-model><x "),
    ("<hostname>", "<?pi x?><hostname>"),
    ("<name>u1</name>", "<name>u1</name><name>u1</name>"),
    ('xmlns="' + AAA_NS + '"', 'xmlns="' + AAA_NS + '" xmlns:y="urn:y"'),
    ("<native ", '<native xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" '),
    ("<service>", "<service>text"),
    ("<privilege>", "<privilege>xmlns"),
    ("<hostname>R1</hostname>", "<hostname>xmlns:R1</hostname>"),
    # a later entry of a run unlike the first (the run check must notice it, not only the first entry's shape)
    ("<name>u2</name><privilege>2</privilege>", "<name>u2</name><privilege>02</privilege>"),
    ("<name>u2</name><privilege>2</privilege>", "<name>u2</name>"),
    ("<name>u2</name><privilege>2</privilege>", "<name>u2</name><privilege>2<!-- c --></privilege>"),
    ("<name>u2</name>", "<name>u2</name><!-- c -->"),
    ("<name>u2</name>", "<name>u1</name>"),
    ("<name>u2</name>", "<name>u0</name>"),
    ("<name>u2</name><privilege>2</privilege>", "<name>u2</name><privilege><x/></privilege>"),
    ("</privilege>", "</privilege>x"),
    (f"<encryption>9</encryption><secret>{HASH}</secret>", "x"),
    ("<native ", f'<native xmlns:a="{AAA_NS}" ', f'<new-model xmlns="{AAA_NS}"/>', "<a:new-model/>"),
    (
        f"<privilege>1</privilege><secret><encryption>9</encryption><secret>{HASH}</secret></secret>",
        f"<secret><encryption>9</encryption><secret>{HASH}</secret></secret><privilege>1</privilege>",
    ),
    ("<name>u1</name><privilege>1</privilege>", "<privilege>1</privilege><name>u1</name>"),
]


@pytest.mark.parametrize("mutation", MUTATIONS)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    parts=st.lists(PARTS, unique=True, max_size=4),
    users=st.lists(st.integers(0, 40), max_size=4),
    every=st.booleans(),
    canonical=st.integers(0, 3),
    blank=st.booleans(),
    run_above=st.sampled_from([0, 2, 1000]),
)
def test_loading_by_copy_equals_building(
    ios: Any, parts: list[str], users: list[int], mutation: Any, every: bool, canonical: int, blank: bool,
    run_above: int, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """``run_above``: runs of more entries than this are checked at once (``_Editor._canonical_run``)."""
    body = "".join(parts) + "".join(user(i) for i in [1, 2, *users])
    if canonical:  # mostly as our own files are: loaded once, serialised and parsed back
        first = load_config(ios.cfg(body), ios.schema)
        if first.tree is None:
            return
        text = (serialize(first.tree) if blank else etree.tostring(first.tree)).decode()
    else:
        text = etree.tostring(ios.cfg(body)).decode()
    if mutation is not None:
        for old, new in zip(mutation[::2], mutation[1::2], strict=True):
            new = new.replace("{N}", NATIVE_NS)
            text = text.replace(old, new) if every else text.replace(old, new, 1)
    doc = etree.fromstring(text.encode(), PARSER if blank else None)  # indentation kept, or stripped as we load
    monkeypatch.setattr(edit_mod, "COPY_ABOVE", -1)
    monkeypatch.setattr(edit_mod, "RUN_ABOVE", run_above)
    fast = load_config(doc, ios.schema)
    with monkeypatch.context() as m:
        m.setattr(edit_mod._Editor, "_build", lambda *_, **__: False)
        slow = load_config(doc, ios.schema)
    assert summary(fast) == summary(slow)


def test_a_canonical_document_is_copied(ios: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The path is taken (a test of equality alone would pass if it never were)."""
    tree = load_config(ios.cfg("<hostname>R1</hostname>" + "".join(user(i) for i in range(40))), ios.schema).tree
    assert tree is not None
    doc = etree.fromstring(serialize(tree), PARSER)
    copied: list[bool] = []
    real = edit_mod._Editor._copy

    def spy(self: Any, *args: Any) -> bool:
        copied.append(real(self, *args))
        return copied[-1]

    monkeypatch.setattr(edit_mod._Editor, "_copy", spy)
    again = load_config(doc, ios.schema).tree
    assert again is not None and etree.tostring(again) == etree.tostring(tree)
    assert copied == [True]


def test_a_run_of_canonical_entries_is_checked_at_once(ios: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The run check is taken and accepts our own file's users (equality alone would pass if it never were)."""
    body = "<hostname>R1</hostname>" + "".join(user(i) for i in range(100))
    tree = load_config(ios.cfg(body), ios.schema).tree
    assert tree is not None
    doc = etree.fromstring(serialize(tree), PARSER)
    found: list[int | None] = []
    real = edit_mod._Editor._canonical_run

    def spy(self: Any, *args: Any) -> int | None:
        found.append(real(self, *args))
        return found[-1]

    monkeypatch.setattr(edit_mod._Editor, "_canonical_run", spy)
    again = load_config(doc, ios.schema).tree
    assert again is not None and etree.tostring(again) == etree.tostring(tree)
    assert found == [0]  # one run of 100 users, no element of another module inside them
