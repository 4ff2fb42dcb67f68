"""diff(old, new): node-level changes matched by list key and leaf-list value, with prefixed instance paths."""

from __future__ import annotations

from typing import Any

from lxml import etree

from iosxe_agent.data.diff import ChangeOp, diff
from iosxe_agent.device.names import AAA_NS, NATIVE_NS

A = f'xmlns="{AAA_NS}"'
BASE = f"""
<hostname>R1</hostname>
<username><name>admin</name><privilege>15</privilege></username>
<username><name>ops</name><privilege>5</privilege></username>
<ip><ssh><time-out>60</time-out><server><algorithm><encryption><aes256-ctr/></encryption></algorithm></server></ssh></ip>
<aaa><new-model {A}/><authentication {A}><login><name>default</name><a1><local/></a1></login></authentication></aaa>
<line><vty><first>0</first><last>4</last><transport><input><input>ssh</input></input></transport></vty></line>
"""


def changes(ios: Any, old: etree._Element, new: etree._Element) -> list[tuple[str, str]]:
    before = (etree.tostring(old), etree.tostring(new))
    out = diff(old, new, ios.schema)
    assert (etree.tostring(old), etree.tostring(new)) == before
    return [(c.op.value, c.path) for c in out]


def test_identical_trees_have_no_changes(ios: Any) -> None:
    tree = ios.tree(BASE)
    assert diff(tree, tree, ios.schema) == ()
    assert diff(tree, ios.tree(BASE), ios.schema) == ()
    assert diff(ios.empty(), ios.empty(), ios.schema) == ()


def test_changed_leaf_is_one_replace(ios: Any) -> None:
    old = ios.tree(BASE)
    new = ios.edit(old, "<ip><ssh><time-out>90</time-out></ssh></ip>").tree
    [change] = diff(old, new, ios.schema)
    assert change.op is ChangeOp.REPLACE
    assert change.path == "/ios:native/ios:ip/ios:ssh/ios:time-out"
    assert dict(change.path_ns) == {"ios": NATIVE_NS}
    assert (change.old.text, change.new.text) == ("60", "90")


def test_new_subtree_is_one_create_at_its_top(ios: Any) -> None:
    old = ios.tree(BASE)
    new = ios.edit(old, "<ip><domain><name>lab</name><lookup>false</lookup></domain></ip>").tree
    [change] = diff(old, new, ios.schema)
    assert (change.op, change.path, change.old) == (ChangeOp.CREATE, "/ios:native/ios:ip/ios:domain", None)
    assert change.new.findtext(f"{{{NATIVE_NS}}}name") == "lab"
    assert changes(ios, ios.empty(), old) == [("create", "/ios:native")]
    assert changes(ios, old, ios.empty()) == [("delete", "/ios:native")]


def test_list_entries_are_matched_by_key(ios: Any) -> None:
    old = ios.tree(BASE)
    new = ios.edit(old, "<username><name>ops</name><privilege>7</privilege></username>").tree
    assert changes(ios, old, new) == [("replace", "/ios:native/ios:username[ios:name='ops']/ios:privilege")]
    renamed = ios.edit(old, '<username nc:operation="delete"><name>ops</name></username>'
                            "<username><name>operator</name><privilege>5</privilege></username>").tree  # fmt: skip
    assert changes(ios, old, renamed) == [
        ("create", "/ios:native/ios:username[ios:name='operator']"),
        ("delete", "/ios:native/ios:username[ios:name='ops']"),
    ]


def test_key_quoting(ios: Any) -> None:
    old = ios.tree("<username><name>it's</name></username>")
    new = ios.tree("<username><name>it's</name><privilege>1</privilege></username>")
    assert changes(ios, old, new) == [("create", '/ios:native/ios:username[ios:name="it\'s"]/ios:privilege')]


def test_leaf_list_entries_are_matched_by_value(ios: Any) -> None:
    old = ios.tree(BASE)
    new = ios.edit(old, "<line><vty><first>0</first><transport><input><input>telnet</input></input></transport>"
                        "</vty></line>").tree  # fmt: skip
    base = "/ios:native/ios:line/ios:vty[ios:first='0']/ios:transport/ios:input/ios:input"
    assert changes(ios, old, new) == [("create", f"{base}[.='telnet']")]
    gone = ios.edit(new, '<line><vty><first>0</first><transport><input><input nc:operation="delete">ssh</input>'
                         "</input></transport></vty></line>").tree  # fmt: skip
    assert changes(ios, new, gone) == [("delete", f"{base}[.='ssh']")]


def test_augment_paths_carry_both_prefixes(ios: Any) -> None:
    old = ios.tree(BASE)
    new = ios.edit(old, f"<aaa><authentication {A}><login><name>default</name><a1><group>TAC</group></a1>"
                        "</login></authentication></aaa>").tree  # fmt: skip
    out = diff(old, new, ios.schema)
    a1 = "/ios:native/ios:aaa/ios-aaa:authentication/ios-aaa:login[ios-aaa:name='default']/ios-aaa:a1"
    assert [(c.op.value, c.path) for c in out] == [("create", f"{a1}/ios-aaa:group"), ("delete", f"{a1}/ios-aaa:local")]
    assert dict(out[0].path_ns) == {"ios": NATIVE_NS, "ios-aaa": AAA_NS}


def test_empty_leaves_and_presence(ios: Any) -> None:
    old = ios.tree(BASE)
    same = ios.edit(old, "<ip><ssh><server><algorithm><encryption><aes256-ctr/></encryption></algorithm></server>"
                         "</ssh></ip>").tree  # fmt: skip
    assert diff(old, same, ios.schema) == ()
    bulk = ios.edit(old, "<ip><ssh><bulk-mode/></ssh></ip>").tree
    assert changes(ios, old, bulk) == [("create", "/ios:native/ios:ip/ios:ssh/ios:bulk-mode")]
    sized = ios.edit(bulk, "<ip><ssh><bulk-mode><window-size>262144</window-size></bulk-mode></ssh></ip>").tree
    assert changes(ios, bulk, sized) == [("create", "/ios:native/ios:ip/ios:ssh/ios:bulk-mode/ios:window-size")]


def test_several_changes_in_tree_order(ios: Any) -> None:
    old = ios.tree(BASE)
    new = ios.edit(old, "<hostname>R2</hostname><username><name>zed</name></username>"
                        '<ip><ssh><time-out nc:operation="delete"/><dscp>5</dscp></ssh></ip>').tree  # fmt: skip
    assert changes(ios, old, new) == [
        ("replace", "/ios:native/ios:hostname"),
        ("create", "/ios:native/ios:username[ios:name='zed']"),
        ("create", "/ios:native/ios:ip/ios:ssh/ios:dscp"),
        ("delete", "/ios:native/ios:ip/ios:ssh/ios:time-out"),
    ]


def test_anydata_compares_content(edge: Any) -> None:
    old = edge.tree("<blobdata><x xmlns='urn:any'>1</x></blobdata>")
    new = edge.tree("<blobdata><x xmlns='urn:any'>2</x></blobdata>")
    assert [(c.op.value, c.path) for c in diff(old, new, edge.schema)] == [("replace", "/te:top/te:blobdata")]
