"""edit-config semantics over the real Cisco schema (and the synthetic test-edge module for what it lacks)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree
from namespaces import NC

from iosxe_agent.data.diff import ChangeOp, diff
from iosxe_agent.data.edit import apply_edit, load_config
from iosxe_agent.device.names import AAA_NS, NATIVE_NS, SNMP_NS

OP = f"{{{NC}}}operation"
A = f'xmlns="{AAA_NS}"'

BASE = f"""
<hostname>R1</hostname>
<username><name>admin</name><privilege>15</privilege><secret><encryption>9</encryption><secret>$9$x</secret></secret></username>
<username><name>ops</name><privilege>5</privilege></username>
<ip>
  <domain><name>lab.local</name></domain>
  <ssh><time-out>60</time-out><ssh-version>2</ssh-version></ssh>
</ip>
<aaa>
  <new-model {A}/>
  <authentication {A}><login><name>default</name><a1><local/></a1></login></authentication>
  <group {A}><server><tacacsplus><name>TAC</name>
    <server><name><name>T1</name></name><name><name>T2</name></name><name><name>T3</name></name></server>
  </tacacsplus></server></group>
</aaa>
<line><vty><first>0</first><last>4</last><transport><input><input>ssh</input><input>telnet</input></input></transport></vty></line>
"""


@pytest.fixture(scope="module")
def base(ios: Any) -> etree._Element:
    return ios.tree(BASE)


def texts(tree: etree._Element, ios: Any, path: str) -> list[str]:
    return [e.text or "" for e in tree.findall(path, {"ios": NATIVE_NS, "a": AAA_NS})]


def names(el: etree._Element | None) -> list[str]:
    assert el is not None
    return [etree.QName(c).localname for c in el if isinstance(c.tag, str)]


def ok(ios: Any, tree: etree._Element, body: str, **kw: Any) -> etree._Element:
    before = etree.tostring(tree)
    result = ios.edit(tree, body, **kw)
    assert result.tree is not None and not result.errors, [(e.tag, e.message) for e in result.errors]
    assert etree.tostring(tree) == before, "apply_edit mutated its input"
    return result.tree


def fails(ios: Any, tree: etree._Element, body: str, tag: str, **kw: Any) -> Any:
    before = etree.tostring(tree)
    result = ios.edit(tree, body, **kw)
    assert result.tree is None
    assert [e.tag for e in result.errors][:1] == [tag], [(e.tag, e.message) for e in result.errors]
    assert etree.tostring(tree) == before
    return result.errors[0]


# ----------------------------------------------------------------------------------------------- merge


def test_merge_creates_in_schema_order_with_canonical_values(ios: Any) -> None:
    tree = ok(ios, ios.empty(), "<ip><ssh><time-out>+060</time-out><authentication-retries>03</authentication-retries>"
                                "</ssh><domain><name>x</name></domain></ip><hostname>R</hostname>")  # fmt: skip
    native = tree.find("ios:native", {"ios": NATIVE_NS})
    assert names(native) == ["hostname", "ip"]
    assert names(ios.find(tree, "ios:native/ios:ip")) == ["domain", "ssh"]
    assert names(ios.find(tree, "ios:native/ios:ip/ios:ssh")) == ["authentication-retries", "time-out"]
    assert ios.text(tree, "ios:native/ios:ip/ios:ssh/ios:time-out") == "60"
    assert ios.text(tree, "ios:native/ios:ip/ios:ssh/ios:authentication-retries") == "3"


def test_merge_changes_one_leaf_and_keeps_the_rest(ios: Any, base: etree._Element) -> None:
    result = ios.edit(base, "<ip><ssh><time-out>90</time-out></ssh></ip>")
    assert result.changed and not result.errors
    assert ios.text(result.tree, "ios:native/ios:ip/ios:ssh/ios:time-out") == "90"
    assert ios.text(result.tree, "ios:native/ios:ip/ios:ssh/ios:ssh-version") == "2"
    changes = diff(base, result.tree, ios.schema)
    assert [(c.op, c.path) for c in changes] == [(ChangeOp.REPLACE, "/ios:native/ios:ip/ios:ssh/ios:time-out")]


def test_merge_of_the_same_values_changes_nothing(ios: Any, base: etree._Element) -> None:
    result = ios.edit(base, "<hostname>R1</hostname><ip><ssh><time-out>060</time-out></ssh></ip>")
    assert not result.changed and not result.errors
    assert etree.tostring(result.tree) == etree.tostring(base)


def test_merge_list_entry_adds_to_existing(ios: Any, base: etree._Element) -> None:
    tree = ok(ios, base, "<username><name>ops</name><privilege>7</privilege><view>v</view></username>")
    assert texts(tree, ios, "ios:native/ios:username[ios:name='ops']/ios:privilege") == ["7"]
    assert texts(tree, ios, "ios:native/ios:username[ios:name='ops']/ios:view") == ["v"]
    assert texts(tree, ios, "ios:native/ios:username/ios:name") == ["admin", "ops"]


def test_system_ordered_entries_are_sorted_by_key(ios: Any) -> None:
    tree = ok(ios, ios.empty(), "<username><name>zed</name></username><username><name>amy</name></username>"
                                "<username><name>Bob</name></username>")  # fmt: skip
    assert texts(tree, ios, "ios:native/ios:username/ios:name") == ["Bob", "amy", "zed"]
    # entries of a list stay sorted when the same parent also gains other children in the same edit
    tree = ok(ios, ios.empty(), "<username><name>ops</name></username><username><name>admin</name></username>"
                                "<ip><domain><name>a</name></domain></ip><hostname>R</hostname>")  # fmt: skip
    assert texts(tree, ios, "ios:native/ios:username/ios:name") == ["admin", "ops"]
    tree = ok(ios, ios.empty(), "<line><vty><first>10</first></vty><vty><first>5</first></vty>"
                                "<vty><first>0</first><last>4</last></vty></line>")  # fmt: skip
    assert texts(tree, ios, "ios:native/ios:line/ios:vty/ios:first") == ["0", "5", "10"]  # numerically


def test_key_values_are_canonical_and_match_existing_entries(ios: Any) -> None:
    tree = ok(ios, ios.empty(), "<line><vty><first>0</first><last>4</last></vty></line>")
    tree = ok(ios, tree, "<line><vty><first>+00</first><last>15</last></vty></line>")
    assert texts(tree, ios, "ios:native/ios:line/ios:vty/ios:first") == ["0"]
    assert texts(tree, ios, "ios:native/ios:line/ios:vty/ios:last") == ["15"]


def test_comments_and_processing_instructions_are_ignored(ios: Any) -> None:
    tree = ok(ios, ios.empty(), "<!-- c --><hostname>R<!-- inside -->1<?pi x?></hostname><?pi x?>"
                                "<username><name><!-- k -->bob</name></username>")  # fmt: skip
    assert ios.text(tree, "ios:native/ios:hostname") == "R1"
    assert texts(tree, ios, "ios:native/ios:username/ios:name") == ["bob"]


# --------------------------------------------------------------------------------------------- replace


def test_replace_container_drops_what_it_does_not_name(ios: Any, base: etree._Element) -> None:
    tree = ok(ios, base, '<ip><ssh nc:operation="replace"><dscp>10</dscp></ssh></ip>')
    assert names(ios.find(tree, "ios:native/ios:ip/ios:ssh")) == ["dscp"]
    assert ios.text(tree, "ios:native/ios:ip/ios:domain/ios:name") == "lab.local"


def test_replace_leaf(ios: Any, base: etree._Element) -> None:
    tree = ok(ios, base, '<hostname nc:operation="replace">R2</hostname>')
    assert ios.text(tree, "ios:native/ios:hostname") == "R2"
    tree = ok(ios, base, '<ip><ssh><dscp nc:operation="replace">7</dscp></ssh></ip>')
    assert ios.text(tree, "ios:native/ios:ip/ios:ssh/ios:dscp") == "7"


def test_replace_list_entry(ios: Any, base: etree._Element) -> None:
    tree = ok(ios, base, '<username nc:operation="replace"><name>admin</name><privilege>1</privilege></username>')
    admin = ios.find(tree, "ios:native/ios:username[ios:name='admin']")
    assert names(admin) == ["name", "privilege"]
    assert texts(tree, ios, "ios:native/ios:username/ios:name") == ["admin", "ops"]


def test_replace_keeps_the_position_of_an_ordered_by_user_entry(ios: Any, base: etree._Element) -> None:
    path = "ios:native/ios:aaa/a:group/a:server/a:tacacsplus/a:server/a:name/a:name"
    tree = ok(ios, base, tac('<name nc:operation="replace"><name>T2</name></name>'))
    assert texts(tree, ios, path) == ["T1", "T2", "T3"]


def test_replace_and_create_on_edge_lists(edge: Any) -> None:
    tree = edge.tree("<rule><name>b</name><action>x</action></rule><rule><name>a</name><action>y</action></rule>"
                     "<pair><a>x</a><b>1</b></pair>")  # fmt: skip
    out = ok(edge, tree, '<rule nc:operation="replace"><name>b</name><action>z</action><prio>3</prio></rule>')
    assert [e.findtext("{urn:test:edge}name") for e in out.iter("{urn:test:edge}rule")] == ["b", "a"]
    assert out.findtext(".//{urn:test:edge}rule/{urn:test:edge}action") == "z"
    out = ok(edge, tree, '<rule nc:operation="create"><name>c</name><action>z</action></rule>')
    assert [e.findtext("{urn:test:edge}name") for e in out.iter("{urn:test:edge}rule")] == ["b", "a", "c"]
    err = fails(edge, tree, '<rule nc:operation="create"><name>a</name><action>z</action></rule>', "data-exists")
    assert err.path == "/te:top/te:rule[te:name='a']"


# ---------------------------------------------------------------------------- create / delete / remove


def test_create(ios: Any, base: etree._Element) -> None:
    tree = ok(ios, base, '<ip><ssh><dscp nc:operation="create">5</dscp></ssh></ip>')
    assert ios.text(tree, "ios:native/ios:ip/ios:ssh/ios:dscp") == "5"
    err = fails(ios, base, '<hostname nc:operation="create">X</hostname>', "data-exists")
    assert err.path == "/ios:native/ios:hostname" and err.path_ns == {"ios": NATIVE_NS}
    err = fails(ios, base, '<username nc:operation="create"><name>ops</name></username>', "data-exists")
    assert err.path == "/ios:native/ios:username[ios:name='ops']"
    fails(ios, base, '<ip nc:operation="create"/>', "data-exists")


def test_delete_and_remove(ios: Any, base: etree._Element) -> None:
    tree = ok(ios, base, '<hostname nc:operation="delete"/>')
    assert ios.find(tree, "ios:native/ios:hostname") is None
    tree = ok(ios, base, '<username nc:operation="delete"><name>ops</name></username>')
    assert texts(tree, ios, "ios:native/ios:username/ios:name") == ["admin"]
    tree = ok(ios, base, '<ip><ssh nc:operation="remove"/></ip>')
    assert names(ios.find(tree, "ios:native/ios:ip")) == ["domain"]
    err = fails(ios, base, '<ip><ssh><dscp nc:operation="delete"/></ssh></ip>', "data-missing")
    assert err.path == "/ios:native/ios:ip/ios:ssh/ios:dscp"
    fails(ios, base, '<username nc:operation="delete"><name>nobody</name></username>', "data-missing")
    result = ios.edit(base, '<ip><ssh><dscp nc:operation="remove"/></ssh></ip><username nc:operation="remove">'
                            "<name>nobody</name></username>")  # fmt: skip
    assert result.tree is not None and not result.errors and not result.changed


def test_delete_leaf_list_value(ios: Any, base: etree._Element) -> None:
    tree = ok(ios, base, '<line><vty><first>0</first><transport><input><input nc:operation="delete">telnet</input>'
                         "</input></transport></vty></line>")  # fmt: skip
    assert texts(tree, ios, "ios:native/ios:line/ios:vty/ios:transport/ios:input/ios:input") == ["ssh"]
    err = fails(ios, base, '<line><vty><first>0</first><transport><input><input nc:operation="delete">pad</input>'
                           "</input></transport></vty></line>", "data-missing")  # fmt: skip
    assert err.path.endswith("ios:input/ios:input[.='pad']")


def test_delete_takes_the_whole_subtree(ios: Any, base: etree._Element) -> None:
    tree = ok(ios, base, '<ip nc:operation="delete"><ssh nc:operation="delete"/></ip>')
    assert ios.find(tree, "ios:native/ios:ip") is None
    tree = ok(ios, base, '<username nc:operation="delete"><name>admin</name><privilege>15</privilege></username>')
    assert texts(tree, ios, "ios:native/ios:username/ios:name") == ["ops"]


def test_invalid_operation_attribute(ios: Any, base: etree._Element) -> None:
    err = fails(ios, base, '<hostname nc:operation="frobnicate">X</hostname>', "bad-attribute")
    assert ("bad-attribute", "operation") in err.info and err.error_type == "protocol"
    fails(ios, base, '<hostname nc:operation="none">X</hostname>', "bad-attribute")


# -------------------------------------------------------------------------------------------- presence


def test_presence_containers(ios: Any, base: etree._Element) -> None:
    tree = ok(ios, base, "<ip><ssh><bulk-mode/></ssh></ip>")
    bulk = ios.find(tree, "ios:native/ios:ip/ios:ssh/ios:bulk-mode")
    assert bulk is not None and len(bulk) == 0
    fails(ios, tree, '<ip><ssh><bulk-mode nc:operation="create"/></ssh></ip>', "data-exists")
    tree2 = ok(ios, tree, "<ip><ssh><bulk-mode><window-size>262144</window-size></bulk-mode></ssh></ip>")
    assert ios.text(tree2, "ios:native/ios:ip/ios:ssh/ios:bulk-mode/ios:window-size") == "262144"
    tree3 = ok(ios, tree2, '<ip><ssh><bulk-mode nc:operation="delete"/></ssh></ip>')
    assert ios.find(tree3, "ios:native/ios:ip/ios:ssh/ios:bulk-mode") is None
    tree4 = ok(ios, base, f"<snmp-server><enable xmlns='{SNMP_NS}'>"
                          "<enable-choice><traps><tty/></traps></enable-choice></enable></snmp-server>")  # fmt: skip
    assert ios.find(tree4, "ios:native/ios:snmp-server/ios-snmp:enable/ios-snmp:enable-choice/ios-snmp:traps/"
                           "ios-snmp:tty") is not None  # fmt: skip


# --------------------------------------------------------------------------------------------- choices


def test_choice_vty_transport_input(ios: Any, base: etree._Element) -> None:
    inp = "ios:native/ios:line/ios:vty/ios:transport/ios:input"
    tree = ok(ios, base, "<line><vty><first>0</first><transport><input><all/></input></transport></vty></line>")
    assert names(ios.find(tree, inp)) == ["all"]
    tree = ok(ios, tree, "<line><vty><first>0</first><transport><input><input>ssh</input></input></transport>"
                         "</vty></line>")  # fmt: skip
    assert names(ios.find(tree, inp)) == ["input"]
    tree = ok(ios, tree, "<line><vty><first>0</first><transport><input><none/></input></transport></vty></line>")
    assert names(ios.find(tree, inp)) == ["none"]
    changes = diff(base, tree, ios.schema)
    assert sorted((c.op.value, c.path.rsplit("/", 1)[1]) for c in changes) == [
        ("create", "ios:none"), ("delete", "ios:input[.='ssh']"), ("delete", "ios:input[.='telnet']"),
    ]  # fmt: skip


def test_choice_aaa_method(ios: Any, base: etree._Element) -> None:
    a1 = "ios:native/ios:aaa/a:authentication/a:login[a:name='default']/a:a1"
    tree = ok(ios, base, f"<aaa><authentication {A}><login><name>default</name><a1><group>TAC</group></a1>"
                         "</login></authentication></aaa>")  # fmt: skip
    assert names(tree.find(a1, {"ios": NATIVE_NS, "a": AAA_NS})) == ["group"]


def test_choice_in_a_list_entry_and_edge_default_case(edge: Any) -> None:
    tree = edge.tree("<tcp-port>22</tcp-port><tcp-nodelay>true</tcp-nodelay>")
    out = ok(edge, tree, "<udp-port>53</udp-port>")
    assert names(edge.find(out, "te:top")) == ["udp-port"]
    out = ok(edge, out, "<raw/>")
    assert names(edge.find(out, "te:top")) == ["raw"]
    # deleting in one case does not touch another
    out = ok(edge, tree, '<udp-port nc:operation="remove"/>')
    assert names(edge.find(out, "te:top")) == ["tcp-port", "tcp-nodelay"]


# ------------------------------------------------------------------------------------- ordered-by user

VTY = "<line><vty><first>0</first><transport><input>{}</input></transport></vty></line>"
INPUTS = "ios:native/ios:line/ios:vty/ios:transport/ios:input/ios:input"


@pytest.mark.parametrize(
    ("entry", "want"),
    [
        ('<input yang:insert="first">pad</input>', ["pad", "ssh", "telnet"]),
        ('<input yang:insert="last">pad</input>', ["ssh", "telnet", "pad"]),
        ("<input>pad</input>", ["ssh", "telnet", "pad"]),
        ('<input yang:insert="before" yang:value="telnet">pad</input>', ["ssh", "pad", "telnet"]),
        ('<input yang:insert="after" yang:value="ssh">pad</input>', ["ssh", "pad", "telnet"]),
        ('<input yang:insert="after" yang:value="telnet">pad</input>', ["ssh", "telnet", "pad"]),
        ('<input yang:insert="first">telnet</input>', ["telnet", "ssh"]),  # moves an existing value
        ('<input yang:insert="last">ssh</input>', ["telnet", "ssh"]),
        ('<input yang:insert="before" yang:value="ssh">telnet</input>', ["telnet", "ssh"]),
        ('<input yang:insert="after" yang:value="ssh">ssh</input>', ["ssh", "telnet"]),  # anchored on itself
        ("<input>ssh</input>", ["ssh", "telnet"]),  # merge of an existing value does not move it
    ],
)
def test_leaf_list_insert(ios: Any, base: etree._Element, entry: str, want: list[str]) -> None:
    tree = ok(ios, base, VTY.format(entry))
    assert texts(tree, ios, INPUTS) == want


SERVERS = "ios:native/ios:aaa/a:group/a:server/a:tacacsplus/a:server/a:name/a:name"


def tac(entry: str) -> str:
    return (f'<aaa><group {A} xmlns:x="{AAA_NS}"><server><tacacsplus><name>TAC</name><server>{entry}</server>'
            "</tacacsplus></server></group></aaa>")  # fmt: skip


@pytest.mark.parametrize(
    ("entry", "want"),
    [
        ('<name yang:insert="first"><name>T0</name></name>', ["T0", "T1", "T2", "T3"]),
        ('<name yang:insert="last"><name>T0</name></name>', ["T1", "T2", "T3", "T0"]),
        ('<name yang:insert="before" yang:key="[x:name=\'T2\']"><name>T0</name></name>', ["T1", "T0", "T2", "T3"]),
        ('<name yang:insert="after" yang:key="[x:name=\'T2\']"><name>T0</name></name>', ["T1", "T2", "T0", "T3"]),
        ('<name yang:insert="after" yang:key="[name = \'T3\']"><name>T0</name></name>', ["T1", "T2", "T3", "T0"]),
        ('<name yang:insert="first"><name>T3</name></name>', ["T3", "T1", "T2"]),
        ('<name yang:insert="last"><name>T1</name></name>', ["T2", "T3", "T1"]),
        ('<name yang:insert="before" yang:key=\'[x:name="T1"]\'><name>T3</name></name>', ["T3", "T1", "T2"]),
        ('<name yang:insert="after" yang:key="[x:name=\'T3\']"><name>T1</name></name>', ["T2", "T3", "T1"]),
        ('<name nc:operation="replace" yang:insert="first"><name>T2</name></name>', ["T2", "T1", "T3"]),
    ],
)
def test_list_insert_with_key(ios: Any, base: etree._Element, entry: str, want: list[str]) -> None:
    tree = ok(ios, base, tac(entry))
    assert texts(tree, ios, SERVERS) == want


def test_insert_anchor_with_composite_key_in_non_canonical_form(edge: Any) -> None:
    tree = edge.tree("<pair><a>x</a><b>1</b></pair><pair><a>x</a><b>2</b></pair><tag>t1</tag><tag>t2</tag>")
    out = ok(edge, tree, "<pair yang:insert=\"after\" yang:key=\"[te:a='x'][te:b='+01']\"><a>y</a><b>9</b></pair>")
    assert [(p.findtext("{urn:test:edge}a"), p.findtext("{urn:test:edge}b"))
            for p in out.iter("{urn:test:edge}pair")] == [("x", "1"), ("y", "9"), ("x", "2")]  # fmt: skip
    out = ok(edge, tree, "<pair yang:insert=\"before\" yang:key=\"[te:b='2'][te:a='x']\"><a>y</a><b>9</b></pair>")
    assert [p.findtext("{urn:test:edge}b") for p in out.iter("{urn:test:edge}pair")] == ["1", "9", "2"]


@pytest.mark.parametrize(
    ("entry", "tag"),
    [
        ('<name yang:insert="after" yang:key="[x:name=\'NOPE\']"><name>T0</name></name>', "bad-attribute"),
        ('<name yang:insert="after" yang:key="x:name=\'T1\'"><name>T0</name></name>', "bad-attribute"),
        ('<name yang:insert="after" yang:key="[x:other=\'T1\']"><name>T0</name></name>', "bad-attribute"),
        ('<name yang:insert="after"><name>T0</name></name>', "missing-attribute"),
        ('<name yang:insert="sideways"><name>T0</name></name>', "bad-attribute"),
    ],
)
def test_bad_insert_attributes(ios: Any, base: etree._Element, entry: str, tag: str) -> None:
    err = fails(ios, base, tac(entry), tag)
    assert err.error_type == "protocol"
    if "NOPE" in entry:
        assert err.app_tag == "missing-instance" and err.path is not None


def test_a_new_value_anchored_on_itself_has_no_anchor(edge: Any) -> None:
    """RFC 7950 §7.7.9: the ``value`` of an insert must name an existing entry; a new leaf-list value is not one
    until the edit has made it (it was once appended at the end of its parent, out of schema order)."""
    tree = edge.tree("<tag>t1</tag><tag>t2</tag>")
    err = fails(edge, tree, '<tag yang:insert="before" yang:value="t9">t9</tag>', "bad-attribute")
    assert err.app_tag == "missing-instance" and err.error_type == "protocol"
    out = ok(edge, tree, '<tag yang:insert="before" yang:value="t2">t2</tag>')  # an existing one: it stays put
    assert [t.text for t in out.iter("{urn:test:edge}tag")] == ["t1", "t2"]


def test_insert_only_on_ordered_by_user(ios: Any, base: etree._Element) -> None:
    err = fails(ios, base, '<username yang:insert="first"><name>x</name></username>', "bad-attribute")
    assert ("bad-attribute", "insert") in err.info


def test_failed_anchor_with_continue_on_error_changes_nothing_there(ios: Any, base: etree._Element) -> None:
    entry = ("<name nc:operation=\"replace\" yang:insert=\"after\" yang:key=\"[x:name='NOPE']\"><name>T2</name></name>"
             "<name><name>T9</name></name>")  # fmt: skip
    result = ios.edit(base, tac(entry), error_option="continue-on-error")
    assert [e.tag for e in result.errors] == ["bad-attribute"]
    assert texts(result.tree, ios, SERVERS) == ["T1", "T2", "T3", "T9"]  # T2 neither lost nor moved


# ----------------------------------------------------------------------------------- default-operation


def test_default_operation_replace(ios: Any, base: etree._Element) -> None:
    tree = ok(ios, base, "<hostname>R9</hostname>", default_operation="replace")
    assert names(ios.find(tree, "ios:native")) == ["hostname"]


def test_default_operation_none(ios: Any, base: etree._Element) -> None:
    # without an operation attribute nothing changes, even where the values differ
    result = ios.edit(base, "<hostname>OTHER</hostname><ip><ssh><time-out>5</time-out></ssh></ip>",
                      default_operation="none")  # fmt: skip
    assert not result.errors and not result.changed
    assert etree.tostring(result.tree) == etree.tostring(base)
    # an explicit operation below creates what is needed on the way
    tree = ok(ios, base, '<ip><ssh><dscp nc:operation="merge">5</dscp></ssh></ip>', default_operation="none")
    assert ios.text(tree, "ios:native/ios:ip/ios:ssh/ios:dscp") == "5"
    tree = ok(ios, ios.empty(), '<ip><ssh><dscp nc:operation="create">5</dscp></ssh></ip>', default_operation="none")
    assert names(ios.find(tree, "ios:native/ios:ip/ios:ssh")) == ["dscp"]
    tree = ok(ios, base, '<username><name>ops</name><privilege nc:operation="delete"/></username>',
              default_operation="none")  # fmt: skip
    assert names(ios.find(tree, "ios:native/ios:username[ios:name='ops']")) == ["name"]
    # data without a matching level in the datastore is data-missing
    fails(ios, base, "<ip><ssh><dscp>5</dscp></ssh></ip>", "data-missing", default_operation="none")
    fails(ios, base, "<username><name>nobody</name><privilege>1</privilege></username>", "data-missing",
          default_operation="none")  # fmt: skip
    # a remove of something absent is no error
    result = ios.edit(base, '<ip><scp><server><enable nc:operation="remove"/></server></scp></ip>',
                      default_operation="none")  # fmt: skip
    assert result.tree is not None and not result.errors and not result.changed


# ---------------------------------------------------------------------------------------- error-option

TWO_ERRORS = (
    "<hostname>9</hostname><ip><ssh><time-out>121</time-out><dscp>5</dscp></ssh></ip>"
    "<username><name>new</name></username>"
)


@pytest.mark.parametrize("option", ["stop-on-error", "rollback-on-error"])
def test_stop_and_rollback_give_no_tree_and_the_first_error(ios: Any, base: etree._Element, option: str) -> None:
    before = etree.tostring(base)
    result = ios.edit(base, TWO_ERRORS, error_option=option)
    assert result.tree is None and not result.changed
    assert [(e.tag, e.path) for e in result.errors] == [("invalid-value", "/ios:native/ios:hostname")]
    assert ("bad-element", "hostname") in result.errors[0].info
    assert etree.tostring(base) == before


def test_continue_keeps_the_good_parts(ios: Any, base: etree._Element) -> None:
    result = ios.edit(base, TWO_ERRORS, error_option="continue-on-error")
    assert [(e.tag, e.path) for e in result.errors] == [
        ("invalid-value", "/ios:native/ios:hostname"),
        ("invalid-value", "/ios:native/ios:ip/ios:ssh/ios:time-out"),
    ]
    assert result.changed and result.tree is not None
    assert ios.text(result.tree, "ios:native/ios:hostname") == "R1"
    assert ios.text(result.tree, "ios:native/ios:ip/ios:ssh/ios:time-out") == "60"
    assert ios.text(result.tree, "ios:native/ios:ip/ios:ssh/ios:dscp") == "5"
    assert texts(result.tree, ios, "ios:native/ios:username/ios:name") == ["admin", "new", "ops"]
    clean = ok(ios, base, "<ip><ssh><dscp>5</dscp></ssh></ip><username><name>new</name></username>")
    assert etree.tostring(result.tree) == etree.tostring(clean)


# ----------------------------------------------------------------------------------- structural errors


def test_list_entry_without_key(ios: Any, base: etree._Element) -> None:
    err = fails(ios, base, "<username><privilege>3</privilege></username>", "missing-element")
    assert ("bad-element", "name") in err.info and err.path == "/ios:native/ios:username"
    err = fails(ios, base, "<aaa><authorization xmlns='" + AAA_NS + "'><commands><level>15</level></commands>"
                           "</authorization></aaa>", "missing-element")  # fmt: skip
    assert ("bad-element", "list-name") in err.info


def test_key_with_its_own_operation(ios: Any, base: etree._Element) -> None:
    err = fails(ios, base, '<username><name nc:operation="delete">ops</name></username>', "bad-attribute")
    assert err.error_type == "protocol" and ("bad-element", "name") in err.info
    # merge on a key is harmless
    tree = ok(ios, base, '<username><name nc:operation="merge">ops</name><privilege>1</privilege></username>')
    assert texts(tree, ios, "ios:native/ios:username[ios:name='ops']/ios:privilege") == ["1"]


def test_bad_key_value(ios: Any, base: etree._Element) -> None:
    err = fails(ios, base, "<line><vty><first>x</first></vty></line>", "invalid-value")
    assert err.path == "/ios:native/ios:line/ios:vty/ios:first"


def test_state_data_cannot_be_configured(edge: Any) -> None:
    err = fails(edge, edge.empty(), "<state><uptime>5</uptime></state>", "invalid-value")
    assert err.path == "/te:top/te:state" and ("bad-element", "state") in err.info


def test_unknown_element(ios: Any, base: etree._Element) -> None:
    err = fails(ios, base, "<ip><ssh><stricthostkeycheck/></ssh></ip>", "unknown-element")
    assert err.info == (("bad-element", "stricthostkeycheck"),) and err.path == "/ios:native/ios:ip/ios:ssh"
    # aaa children in the native namespace (the common client mistake)
    err = fails(ios, base, "<aaa><new-model/></aaa>", "unknown-element")
    assert ("bad-element", "new-model") in err.info


def test_unknown_namespace(ios: Any, base: etree._Element) -> None:
    cfg = etree.fromstring(f'<config xmlns="{NC}"><native xmlns="urn:nope"><hostname>x</hostname></native></config>')
    result = apply_edit(base, cfg, ios.schema)
    assert result.tree is None
    [err] = result.errors
    assert err.tag == "unknown-namespace" and ("bad-namespace", "urn:nope") in err.info
    cfg = etree.fromstring(f'<config xmlns="{NC}"><native xmlns=""><hostname>x</hostname></native></config>')
    assert apply_edit(base, cfg, ios.schema).errors[0].tag == "unknown-namespace"


def test_leaf_with_children(ios: Any, base: etree._Element) -> None:
    fails(ios, base, "<hostname><x/></hostname>", "invalid-value")
    fails(ios, base, f"<aaa><authentication {A}><login><name>d</name><a1><group><name>tacacs+</name></group></a1>"
                     "</login></authentication></aaa>", "invalid-value")  # fmt: skip


def test_anydata_is_copied_verbatim(edge: Any) -> None:
    out = ok(edge, edge.empty(), "<blobdata><foo xmlns='urn:any'>1<bar b='2'/></foo></blobdata>")
    blob = edge.find(out, "te:top/te:blobdata")
    assert etree.tostring(blob[0], method="c14n", exclusive=True) == b'<foo xmlns="urn:any">1<bar b="2"></bar></foo>'
    out2 = ok(edge, out, "<blobdata><other xmlns='urn:any'/></blobdata>")
    assert [etree.QName(c).localname for c in edge.find(out2, "te:top/te:blobdata")] == ["other"]


# ---------------------------------------------------------------------------------------------- budget


def count_elements(cfg: etree._Element) -> int:
    return sum(1 for e in cfg.iter() if isinstance(e.tag, str)) - 1  # not the <config> wrapper


@pytest.mark.parametrize("option", ["stop-on-error", "rollback-on-error", "continue-on-error"])
def test_max_elements_budget(ios: Any, option: str) -> None:
    body = "".join(f"<username><name>u{i}</name><privilege>1</privilege></username>" for i in range(20))
    n = count_elements(ios.cfg(body))
    assert n == 61
    result = apply_edit(ios.empty(), ios.cfg(body), ios.schema, max_elements=n, error_option=option)
    assert result.tree is not None and not result.errors
    result = apply_edit(ios.empty(), ios.cfg(body), ios.schema, max_elements=n - 1, error_option=option)
    assert result.tree is None and not result.changed  # never partly applied, whatever the error-option
    [err] = result.errors
    assert err.tag == "too-big" and err.path == "/ios:native/ios:username[ios:name='u19']"
    assert err.path_ns == {"ios": NATIVE_NS}


# ----------------------------------------------------------------------------------------- load_config


def test_load_config_of_reference_documents(ios: Any, helpers: Any) -> None:
    for name in ("good_aaa_reference.xml", "good_ssh_reference.xml", "good_line_reference.xml"):
        result = load_config(helpers.instance(name), ios.schema)
        assert result.tree is not None and not result.errors, name
        again = load_config(result.tree, ios.schema)
        assert etree.tostring(again.tree) == etree.tostring(result.tree), "canonical trees load to themselves"


@pytest.mark.parametrize(
    ("name", "tag"),
    [
        ("bad_ssh_timeout_121.xml", "invalid-value"),
        ("bad_ssh_auth_retries_6.xml", "invalid-value"),
        ("bad_ssh_dh_min_1024.xml", "invalid-value"),
        ("bad_hostname_digits.xml", "invalid-value"),
        ("bad_aaa_wrong_namespace.xml", "unknown-element"),
        ("bad_aaa_group_as_container.xml", "invalid-value"),
        ("bad_unknown_element.xml", "unknown-element"),
    ],
)
def test_load_config_rejects_bad_documents(ios: Any, helpers: Any, name: str, tag: str) -> None:
    result = load_config(helpers.instance(name), ios.schema)
    assert result.tree is None and [e.tag for e in result.errors] == [tag]


# ----------------------------------------------------------------------------------- property: inverse

HOSTNAMES = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,12}", fullmatch=True)
DOMAINS = st.from_regex(r"[a-z]{1,8}(\.[a-z]{2,4}){0,2}", fullmatch=True)
USERS = st.sampled_from(["admin", "ops", "guest", "u1"])
LISTS = st.sampled_from(["default", "VTY", "CON"])
SSH_LEAVES = {
    "authentication-retries": st.integers(0, 5).map(str),
    "dscp": st.integers(0, 63).map(str),
    "precedence": st.integers(0, 7).map(str),
    "time-out": st.integers(1, 120).map(str),
    "maxstartups": st.integers(2, 128).map(str),
    "ssh-version": st.just("2"),
    "rsa": st.from_regex(r"[a-z]{1,8}", fullmatch=True).map(lambda k: f"<keypair-name>{k}</keypair-name>"),
    "dh": st.sampled_from(["2048", "4096"]).map(lambda v: f"<min><size>{v}</size></min>"),
    "logging": st.booleans().map(lambda b: f"<events-enable>{str(b).lower()}</events-enable>"),
}
SSH_ORDER = ["authentication-retries", "dscp", "dh", "logging", "precedence", "rsa", "time-out", "ssh-version",
             "maxstartups"]  # fmt: skip
METHODS = st.sampled_from(
    ["<local/>", "<none/>", "<line/>", "<enable/>", "<group>tacacs+</group>", "<group>TAC</group>"]
)


@st.composite
def ssh_part(draw: st.DrawFn) -> str:
    chosen = draw(st.lists(st.sampled_from(SSH_ORDER), unique=True, max_size=4))
    inner = "".join(f"<{k}>{draw(SSH_LEAVES[k])}</{k}>" for k in chosen)
    op = draw(st.sampled_from(["", "", "", ' nc:operation="replace"', ' nc:operation="remove"']))
    return f"<ssh{op}>{inner}</ssh>" if inner or op else ""


@st.composite
def user_part(draw: st.DrawFn) -> str:
    name = draw(USERS)
    if draw(st.integers(0, 4)) == 0:
        return f'<username nc:operation="remove"><name>{name}</name></username>'
    priv = draw(st.none() | st.integers(0, 15))
    secret = draw(st.none() | st.from_regex(r"[a-zA-Z0-9]{1,10}", fullmatch=True))
    body = f"<name>{name}</name>"
    body += f"<privilege>{priv}</privilege>" if priv is not None else ""
    body += f"<secret><encryption>0</encryption><secret>{secret}</secret></secret>" if secret else ""
    return f"<username>{body}</username>"


@st.composite
def login_part(draw: st.DrawFn) -> str:
    name = draw(LISTS)
    if draw(st.integers(0, 4)) == 0:
        return f'<login nc:operation="remove"><name>{name}</name></login>'
    a1 = draw(METHODS)
    body = f"<name>{name}</name><a1>{a1}</a1>"
    if a1 != "<none/>" and draw(st.booleans()):
        body += f"<a2>{draw(METHODS.filter(lambda m: m not in (a1, '<local/>')))}</a2>"
    return f"<login>{body}</login>"


@st.composite
def edits(draw: st.DrawFn) -> str:
    parts = []
    if draw(st.booleans()):
        parts.append(f"<hostname>{draw(HOSTNAMES)}</hostname>")
    elif draw(st.integers(0, 3)) == 0:
        parts.append('<hostname nc:operation="remove"/>')
    parts += draw(st.lists(user_part(), max_size=3))
    ip = ""
    if draw(st.booleans()):
        ip += f"<domain><name>{draw(DOMAINS)}</name></domain>"
    ip += draw(ssh_part())
    if ip:
        parts.append(f"<ip>{ip}</ip>")
    logins = draw(st.lists(login_part(), max_size=3))
    new_model = draw(st.sampled_from(["", f"<new-model {A}/>", f'<new-model {A} nc:operation="remove"/>']))
    if logins or new_model:
        parts.append(f"<aaa>{new_model}" + (f"<authentication {A}>{''.join(logins)}</authentication>" if logins else "")
                     + "</aaa>")  # fmt: skip
    return "".join(parts)


def skeleton(el: etree._Element, schema: Any) -> tuple[etree._Element, etree._Element, Any]:
    """A <config> holding the ancestors of ``el`` (list entries with their keys); returns (config, parent of
    el's copy, el's schema node)."""
    chain = [a for a in el.iterancestors()][::-1][1:]  # without the datastore wrapper
    cfg = etree.Element(f"{{{NC}}}config", nsmap={"nc": NC})
    cur, snode = cfg, schema.root
    for anc in chain:
        snode = snode.child(anc.tag)
        cur = etree.SubElement(cur, anc.tag)
        for key in snode.keys:
            etree.SubElement(cur, key).text = anc.findtext(key)
    return cfg, cur, snode.child(el.tag)


def inverse_edits(old: etree._Element, new: etree._Element, schema: Any) -> list[etree._Element]:
    """One edit per change of diff(old, new) that undoes it: delete what appeared, merge back what went away or
    changed value."""
    out = []
    for change in diff(old, new, schema):
        if change.op is ChangeOp.CREATE:
            cfg, parent, snode = skeleton(change.new, schema)
            gone = etree.SubElement(parent, change.new.tag, {OP: "delete"})
            for key in snode.keys:
                etree.SubElement(gone, key).text = change.new.findtext(key)
            if snode.kind.value == "leaf-list":
                gone.text = change.new.text
        else:
            cfg, parent, _ = skeleton(change.old, schema)
            parent.append(copy.deepcopy(change.old))
        out.append(cfg)
    return out


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=edits(), change=edits())
def test_an_edit_then_its_inverse_restores_the_tree(ios: Any, start: str, change: str) -> None:
    first = ios.edit(ios.empty(), start)
    assume(first.tree is not None and not first.errors)
    old = first.tree
    old_bytes = etree.tostring(old)
    result = ios.edit(old, change)
    assume(result.tree is not None and not result.errors)
    assert etree.tostring(old) == old_bytes  # input never mutated
    new = result.tree
    assert result.changed or etree.tostring(new) == old_bytes
    tree = new
    for inverse in inverse_edits(old, new, ios.schema):
        undone = apply_edit(tree, inverse, ios.schema)
        assert undone.tree is not None and not undone.errors, [e.message for e in undone.errors]
        tree = undone.tree
    assert diff(old, tree, ios.schema) == ()
    assert etree.tostring(tree) == old_bytes
    assert etree.tostring(new) == etree.tostring(result.tree)
