"""The bulk path of apply_edit (``_Editor._build``: new subtrees filled in one pass) against the general path.

Why: the bulk path exists for speed only, so for every edit its result (tree bytes, errors, changed, touched)
must be exactly what the general path gives; it gives up on anything irregular and the general path reports
it. Each case runs twice, once with the bulk path switched off.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from edit_summary import summary
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.data import edit as edit_mod
from iosxe_agent.data.edit import apply_edit
from iosxe_agent.device.names import AAA_NS
from iosxe_agent.yang.loader import default_search_path, load_schema

#: YANG lets a list declare its key after other leaves (XML still sends and stores the key first): the bulk path
#: must then leave the entry to the general path, which places each child by schema order among the keys.
LATE_KEY_YANG = """
module test-late-key {
  namespace "urn:test:late-key";
  prefix lk;
  container top { list item { key "id"; leaf note { type string; } leaf id { type uint8; } } }
}
"""

HASH = "$9$AAAAAAAAAAAAAA$98TL7I2NJnM8PHS7XqDxOe569kXm8FUzMdMc/E6wP2Y"
A = f'xmlns="{AAA_NS}"'

IOS_CASES = {
    "users": "".join(
        f"<username><name>u{i}</name><privilege>{i % 15}</privilege>"
        f"<secret><encryption>9</encryption><secret>{HASH}</secret></secret></username>"
        for i in (3, 1, 20, 2)
    ),
    "nested lists and choice": (
        f"<aaa><new-model {A}/><authentication {A}><login><name>L</name><a1><local/></a1></login></authentication>"
        f"<group {A}><server><tacacsplus><name>TAC</name><server><name><name>T2</name></name>"
        f"<name><name>T1</name></name></server></tacacsplus></server></group></aaa>"
    ),
    "leaf-list inside": (
        "<line><vty><first>0</first><last>4</last><transport><input><input>ssh</input></input></transport></vty></line>"
    ),
    "children out of schema order": "<ip><ssh><version>2</version><time-out>30</time-out></ssh></ip>",
    "invalid value deep inside": "<username><name>x</name><privilege>99</privilege></username>",
    "unknown element deep inside": "<username><name>x</name><bogus>1</bogus></username>",
    "repeated leaf": "<username><name>x</name><privilege>1</privilege><privilege>2</privilege></username>",
    "repeated entry": "<ip><domain><name>a</name><name>b</name></domain></ip>",
    "operation inside": f"<username><name>x</name><privilege xmlns:nc='{edit_mod.NC_NS}' nc:operation='create'>1"
    "</privilege></username>",
    "comment inside": "<username><name>x</name><!-- c --><privilege>3<!-- d --></privilege></username>",
    "key element twice": "<username><name>x</name><name>y</name><privilege>3</privilege></username>",
    "same entry twice": "<username><name>x</name><privilege>3</privilege></username>"
    "<username><name>x</name><secret><encryption>9</encryption><secret>h</secret></secret></username>",
}

EDGE_CASES = {
    "user-ordered composite keys": "<pair><a>2</a><b>1</b></pair><pair><b>0</b><a>1</a></pair>",
    "user-ordered entries": "<rule><name>b</name><action>x</action><prio>2</prio></rule>"
    "<rule><name>a</name><action>y</action></rule>",
    "two cases of a choice": "<tcp-port>1</tcp-port><udp-port>2</udp-port>",
    "one case of a choice": "<tcp-nodelay>true</tcp-nodelay><tcp-port>7</tcp-port>",
    "choice leaf and case": "<raw/><udp-port>2</udp-port>",
    "anydata": "<blobdata><x>1</x></blobdata><ratio>2</ratio>",
    "leaf-lists": "<tag>b</tag><tag>a</tag><sorted>3</sorted><sorted>1</sorted>",
    "repeated leaf-list value": "<sorted>3</sorted><sorted>03</sorted>",
    "leaf-list over its bound": "<tag>a</tag><tag>b</tag><tag>c</tag><tag>d</tag><tag>e</tag>",
    "presence and values": "<pres><knob>3</knob></pres><ratio>1.5</ratio><flags>fast lock</flags>",
    "state inside": "<state><uptime>1</uptime></state>",
    "identityref": "<alg xmlns:te='urn:test:edge'>te:rsa</alg>",
}


def both(doc: Any, tree: etree._Element, body: str, monkeypatch: pytest.MonkeyPatch, **kw: Any) -> None:
    """Apply ``body`` with and without the bulk path; every observable part of the results must be equal."""
    fast = apply_edit(tree, doc.cfg(body), doc.schema, **kw)
    with monkeypatch.context() as m:
        m.setattr(edit_mod._Editor, "_build", lambda *_, **__: False)
        slow = apply_edit(tree, doc.cfg(body), doc.schema, **kw)
    assert summary(fast) == summary(slow)


@pytest.mark.parametrize("name", sorted(IOS_CASES))
@pytest.mark.parametrize("error_option", ["stop-on-error", "continue-on-error"])
def test_ios_bulk_path_equals_general_path(
    ios: Any, name: str, error_option: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = ios.tree("<hostname>R1</hostname><username><name>u2</name><privilege>1</privilege></username>")
    for tree in (ios.empty(), start):
        for op in ("merge", "replace"):
            both(ios, tree, IOS_CASES[name], monkeypatch, error_option=error_option, default_operation=op)


@pytest.mark.parametrize("name", sorted(EDGE_CASES))
@pytest.mark.parametrize("error_option", ["stop-on-error", "continue-on-error"])
def test_edge_bulk_path_equals_general_path(
    edge: Any, name: str, error_option: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = EDGE_CASES[name]
    for tree in (edge.empty(), edge.tree("<pair><a>0</a><b>0</b></pair>")):
        both(edge, tree, f"<rule><name>n</name><action>a</action>{body}</rule>", monkeypatch, error_option=error_option)
        both(edge, tree, body, monkeypatch, error_option=error_option)


def test_budget_is_counted_alike(ios: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit just over the element bound is refused the same way whichever path reaches the bound."""
    body = IOS_CASES["users"]
    for bound in (5, 9, 12, 40):
        both(ios, ios.empty(), body, monkeypatch, max_elements=bound)


def test_list_with_its_key_declared_late(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "test-late-key.yang").write_text(LATE_KEY_YANG)
    schema = load_schema(default_search_path(tmp_path), ["test-late-key"])
    body = "<top xmlns='urn:test:late-key'><item><id>2</id><note>b</note></item><item><id>1</id></item></top>"
    cfg = f"<config xmlns='{edit_mod.NC_NS}'>{body}</config>"
    empty = etree.Element(f"{{{edit_mod.NC_NS}}}config")
    fast = apply_edit(empty, etree.fromstring(cfg), schema)
    with monkeypatch.context() as m:
        m.setattr(edit_mod._Editor, "_build", lambda *_, **__: False)
        slow = apply_edit(empty, etree.fromstring(cfg), schema)
    assert summary(fast) == summary(slow)


#: One ``username`` entry of a bulk edit, plain or odd: what the per-entry fast path (``_Editor._new_entry``) must
#: take exactly as the general path does, or leave to it.
ENTRY_PARTS = st.sampled_from([
    "<privilege>1</privilege>", "<privilege> 7 </privilege>", "<privilege>99</privilege>", "<privilege>x</privilege>",
    "<!-- c -->", "<?pi x?>", "\n  ", "<bogus>1</bogus>",
    f"<secret><encryption>9</encryption><secret>{HASH}</secret></secret>",
    "<secret><secret>s</secret><encryption>9</encryption></secret>", "<privilege>2</privilege>",
    "<privilege nc:operation='delete'/>", "<secret nc:operation='remove'><encryption>9</encryption></secret>",
    f"<aaa {A}><attribute><list>G</list></attribute></aaa>",
    "<ios:privilege xmlns:ios='http://cisco.com/ns/yang/Cisco-IOS-XE-native'>3</ios:privilege>",
    "<privilege xmlns='urn:other'>3</privilege>",
])  # fmt: skip
NAMES = st.sampled_from(["u1", "u2", "u3", "10", "9", " u4", "u1 ", ""])


@st.composite
def bulk_bodies(draw: st.DrawFn) -> str:
    entries = []
    for _ in range(draw(st.integers(1, 8))):
        name = draw(NAMES)
        key = "" if draw(st.integers(0, 15)) == 0 else f"<name>{name}</name>"
        parts = draw(st.lists(ENTRY_PARTS, max_size=4))
        at = draw(st.integers(0, len(parts)))
        attr = draw(
            st.sampled_from(["", "", "", " nc:operation='create'", " nc:operation='remove'", " nc:operation='delete'"])
        )
        entries.append(f"<username{attr}>{''.join(parts[:at])}{key}{''.join(parts[at:])}</username>")
        if draw(st.booleans()):
            entries.append(draw(st.sampled_from(["<hostname>R2</hostname>", "<!-- between -->", "\n"])))
    return "".join(entries)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bulk_bodies(), op=st.sampled_from(["merge", "replace", "create", "none"]),
       error_option=st.sampled_from(["stop-on-error", "continue-on-error"]), start=st.booleans())  # fmt: skip
def test_new_entries_in_bulk_equal_the_general_path(
    ios: Any, body: str, op: str, error_option: str, start: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many list entries under one parent: new, existing, repeated, unordered, odd inside or carrying an
    operation; the fast path per entry and the general path give the same tree, errors, changed and touched."""
    tree = ios.tree("<username><name>u2</name><privilege>1</privilege></username>") if start else ios.empty()
    both(ios, tree, body, monkeypatch, error_option=error_option, default_operation=op)
