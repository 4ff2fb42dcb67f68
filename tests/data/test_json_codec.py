"""The RFC 7951 JSON codec: exact encodings of every YANG type, decoding with the XML path's errors, bounds, the
round trip over the configurations the XML tests use, and yanglint reading what we write.

Value errors are compared with what the XML edit path says for the same value (tag, message and path), since a
client must not learn a different story from RESTCONF than from NETCONF.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ios_config_strategies import FEATURES, build
from lxml import etree
from namespaces import AAA, IOS, NC, OR, WD

from iosxe_agent.data.defaults import apply_with_defaults
from iosxe_agent.data.edit import apply_edit, load_config
from iosxe_agent.data.errors import DataError
from iosxe_agent.data.json_codec import JsonDataError, decode_json, encode_json, json_instance_path, loads_bounded
from iosxe_agent.yang.loader import default_search_path, ietf_module_dir, load_schema
from iosxe_agent.yang.schema import Schema

ROOT = Path(__file__).resolve().parents[2]
YANG_DIR = ROOT / "yang"
CONFIG = f"{{{NC}}}config"

# What test-edge and the Cisco subset lack: every integer width, int64, a union of JSON types, an
# instance-identifier, a leafref, identities of two modules and an augment from a second module.
JSON_YANG = """
module test-json {
  yang-version 1.1;
  namespace "urn:test:json";
  prefix tj;
  identity base-alg;
  identity local-alg { base base-alg; }
  typedef mixed {
    type union { type int8; type boolean; type enumeration { enum auto; } type string { pattern '[a-z0-9]+'; } }
  }
  container top {
    leaf i8 { type int8; }
    leaf i16 { type int16; }
    leaf i32 { type int32; }
    leaf i64 { type int64; }
    leaf u8 { type uint8; }
    leaf u16 { type uint16; }
    leaf u32 { type uint32; }
    leaf u64 { type uint64; }
    leaf d1 { type decimal64 { fraction-digits 1; } }
    leaf flag { type boolean; }
    leaf mix { type mixed; }
    leaf-list mixes { type mixed; ordered-by user; }
    leaf where { type instance-identifier { require-instance false; } }
    leaf alg { type identityref { base base-alg; } }
    leaf ref { type leafref { path "../i8"; } }
    leaf str { type string; }
    list item {
      key "id kind";
      leaf id { type uint16; }
      leaf kind { type string; }
      leaf note { type string; }
    }
  }
}
"""
JSON_AUG_YANG = """
module test-json-aug {
  yang-version 1.1;
  namespace "urn:test:json-aug";
  prefix ta;
  import test-json { prefix tj; }
  identity remote-alg { base tj:base-alg; }
  augment "/tj:top" { container extra { leaf on { type empty; } leaf size { type uint32; } } }
  augment "/tj:top/tj:item" { leaf weight { type uint8; } }
}
"""
TJ = "urn:test:json"
TA = "urn:test:json-aug"


@cache
def json_schema() -> Schema:
    d = Path(tempfile.mkdtemp(prefix="test-json-"))
    (d / "test-json.yang").write_text(JSON_YANG)
    (d / "test-json-aug.yang").write_text(JSON_AUG_YANG)
    return load_schema(default_search_path(d), ["test-json", "test-json-aug"])


def tj_tree(body: str) -> etree._Element:
    cfg = etree.fromstring(
        f'<config xmlns="{NC}"><top xmlns="{TJ}" xmlns:tj="{TJ}" xmlns:ta="{TA}">{body}</top></config>'
    )
    result = load_config(cfg, json_schema())
    assert result.tree is not None and not result.errors, [e.message for e in result.errors]
    return result.tree


def shape(el: etree._Element) -> tuple[Any, ...]:
    """An element's data, namespace declarations left out (lxml places them as it likes)."""
    kids = tuple(shape(c) for c in el if isinstance(c.tag, str))
    return (el.tag, (el.text or "") if not kids else "", tuple(sorted(el.attrib.items())), kids)


def roundtrip(schema: Schema, tree: etree._Element) -> etree._Element:
    """``tree`` (a datastore ``<config>``) through JSON text and back, as a ``<config>`` again."""
    text = json.dumps(encode_json(schema, tree))
    cfg = etree.Element(CONFIG, nsmap={None: NC})
    cfg.extend(decode_json(schema, loads_bounded(text.encode(), 1 << 24)))
    return cfg


def decode_error(schema: Schema, value: Any, **kw: Any) -> DataError:
    with pytest.raises(JsonDataError) as caught:
        decode_json(schema, value, **kw)
    return caught.value.error


# -- encoding: every type ---------------------------------------------------------------------------------------------
def test_every_integer_width_and_the_64_bit_strings() -> None:
    tree = tj_tree(
        "<i8>-128</i8><i16>-32768</i16><i32>2147483647</i32><i64>-9223372036854775808</i64><u8>255</u8>"
        "<u16>65535</u16><u32>4294967295</u32><u64>18446744073709551615</u64><d1>-0.5</d1><flag>false</flag>"
    )
    assert encode_json(json_schema(), tree) == {
        "test-json:top": {
            "i8": -128,
            "i16": -32768,
            "i32": 2147483647,
            "i64": "-9223372036854775808",
            "u8": 255,
            "u16": 65535,
            "u32": 4294967295,
            "u64": "18446744073709551615",
            "d1": "-0.5",
            "flag": False,
        }
    }


def test_edge_types(edge: Any) -> None:
    tree = edge.tree(
        "<ratio>12.50</ratio><flags>fast lock</flags><blob>AQID</blob><alg>te:rsa-sha2</alg><addr>::1</addr>"
        "<label>abc</label><counter>-3</counter><big>0</big><mode>fast</mode><port>22</port>"
        "<rule><name>r</name><prio>2</prio><action>drop</action></rule><pair><a>x</a><b>1</b></pair>"
        "<pair><a>x</a><b>0</b></pair><tag>b</tag><tag>a</tag><sorted>7</sorted><raw/>"
    )
    assert encode_json(edge.schema, tree) == {
        "test-edge:top": {
            "ratio": "12.5",  # canonical decimal64, as a string
            "flags": "lock fast",  # bits: space-separated, in bit order
            "blob": "AQID",  # binary: base64
            "alg": "test-edge:rsa-sha2",  # identityref: module name, never the prefix
            "addr": "::1",
            "label": "abc",
            "counter": -3,
            "big": "0",  # uint64: a string
            "mode": "fast",
            "port": 22,
            "rule": [{"name": "r", "prio": 2, "action": "drop"}],
            "pair": [{"a": "x", "b": 1}, {"a": "x", "b": 0}],  # ordered-by user: the order kept
            "tag": ["b", "a"],
            "sorted": [7],
            "raw": [None],  # empty
        }
    }


def test_union_members_by_type_order() -> None:
    tree = tj_tree(
        "<mix>5</mix><mixes>true</mixes><mixes>auto</mixes><mixes>abc</mixes><mixes>-7</mixes><mixes>9x</mixes>"
    )
    top = encode_json(json_schema(), tree)["test-json:top"]
    assert top == {"mix": 5, "mixes": [True, "auto", "abc", -7, "9x"]}
    # the JSON type takes part: "5" is no int8, so the string member takes it
    els = decode_json(json_schema(), {"test-json:top": {"mix": "5", "mixes": [5, False, "auto"]}})
    assert shape(els[0]) == shape(tj_tree("<mix>5</mix><mixes>5</mixes><mixes>false</mixes><mixes>auto</mixes>")[0])
    err = decode_error(json_schema(), {"test-json:top": {"mix": 500}})
    assert (err.tag, err.path) == ("invalid-value", "/tj:top/tj:mix")


def test_identities_and_augments_name_their_modules() -> None:
    tree = tj_tree("<alg>ta:remote-alg</alg><ta:extra><ta:on/><ta:size>3</ta:size></ta:extra>")
    assert encode_json(json_schema(), tree) == {
        "test-json:top": {"alg": "test-json-aug:remote-alg", "test-json-aug:extra": {"on": [None], "size": 3}}
    }
    local = decode_json(json_schema(), {"test-json:top": {"alg": "local-alg"}})  # simple form: the leaf's module
    assert local[0][0].text == "tj:local-alg"


def test_instance_identifier_names_modules_where_they_change() -> None:
    xml_path = "/tj:top/tj:item[tj:id='1'][tj:kind='a/b:c']/ta:weight"
    json_path = "/test-json:top/item[id='1'][kind='a/b:c']/test-json-aug:weight"
    tree = tj_tree(f"<where>{xml_path}</where>")
    assert encode_json(json_schema(), tree) == {"test-json:top": {"where": json_path}}
    back = decode_json(json_schema(), {"test-json:top": {"where": json_path}})
    assert back[0][0].text == xml_path
    assert back[0].nsmap["tj"] == TJ and back[0].nsmap["ta"] == TA  # the prefixes the value uses are declared
    err = decode_error(json_schema(), {"test-json:top": {"where": "/nope:top"}})
    assert err.tag == "invalid-value" and "nope:top" in err.message


def test_leafref_takes_its_target_type() -> None:
    tree = tj_tree("<i8>4</i8><ref>4</ref>")
    assert encode_json(json_schema(), tree) == {"test-json:top": {"i8": 4, "ref": 4}}
    assert decode_error(json_schema(), {"test-json:top": {"ref": "4"}}).tag == "invalid-value"


def test_cisco_members_are_qualified_only_where_the_module_changes(ios: Any) -> None:
    tree = ios.tree(
        f"<hostname>R1</hostname><username><name>bob</name><privilege>15</privilege></username>"
        f'<aaa><new-model xmlns="{AAA}"/></aaa><ip><ssh><time-out>60</time-out></ssh></ip>'
    )
    assert encode_json(ios.schema, tree) == {
        "Cisco-IOS-XE-native:native": {
            "hostname": "R1",
            "username": [{"name": "bob", "privilege": 15}],
            "ip": {"ssh": {"time-out": 60}},
            "aaa": {"Cisco-IOS-XE-aaa:new-model": [None]},
        }
    }


def test_a_subtree_under_its_parent_is_qualified_at_the_top(ios: Any) -> None:
    """A RESTCONF GET of ``…/native/ip/ssh`` answers with the target as a top-level member."""
    tree = ios.tree("<ip><ssh><time-out>60</time-out></ssh></ip>")
    ssh = tree.find(f"{{{IOS}}}native/{{{IOS}}}ip/{{{IOS}}}ssh")
    parent = ios.node("native", "ip")
    assert encode_json(ios.schema, [ssh], parent=parent) == {"Cisco-IOS-XE-native:ssh": {"time-out": 60}}
    back = decode_json(ios.schema, {"Cisco-IOS-XE-native:ssh": {"time-out": 60}}, parent=parent)
    assert [shape(e) for e in back] == [shape(ssh)]


def test_with_defaults_tags_and_origins_are_metadata(edge: Any, ios: Any) -> None:
    tagged = apply_with_defaults(edge.tree("<mode>fast</mode><tag>a</tag>"), edge.schema, "report-all-tagged")
    top = encode_json(edge.schema, tagged)["test-edge:top"]
    assert top["mode"] == "fast" and "@mode" not in top
    assert top["port"] == 830 and top["@port"] == {"ietf-netconf-with-defaults:default": True}
    back = decode_json(
        edge.schema, {"test-edge:top": {"port": 830, "@port": {"ietf-netconf-with-defaults:default": True}}}
    )
    assert back[0][0].get(f"{{{WD}}}default") == "true"
    # a container's annotations sit in its "@" member (the origin's prefix resolved as the module's own)
    el = ios.tree("<hostname>R1</hostname>")[0]
    el.set(f"{{{OR}}}origin", "or:intended")
    native = encode_json(ios.schema, [el])["Cisco-IOS-XE-native:native"]
    assert native == {"@": {"ietf-origin:origin": "ietf-origin:intended"}, "hostname": "R1"}
    # a leaf-list's are an array in step with the values, null where a value has none
    tags = edge.tree("<tag>a</tag><tag>b</tag>")
    tags[0][1].set(f"{{{WD}}}default", "true")
    wd = {"ietf-netconf-with-defaults:default": True}
    assert encode_json(edge.schema, tags)["test-edge:top"]["@tag"] == [None, wd]
    back = decode_json(edge.schema, {"test-edge:top": {"tag": ["a", "b"], "@tag": [None, wd]}})
    assert [t.get(f"{{{WD}}}default") for t in back[0]] == [None, "true"]


# -- decoding: errors as the XML path gives them ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("xml", "value"),
    [
        ("<counter>11</counter>", {"counter": 11}),
        ("<counter>0</counter>", {"counter": 0}),
        ("<label>ABC</label>", {"label": "ABC"}),
        ("<label>xyz</label>", {"label": "xyz"}),
        ("<ratio>100.5</ratio>", {"ratio": "100.5"}),
        ("<ratio>1.234</ratio>", {"ratio": "1.234"}),
        ("<flags>slow</flags>", {"flags": "slow"}),
        ("<blob>AQIDBAU=</blob>", {"blob": "AQIDBAU="}),
        ("<mode>medium</mode>", {"mode": "medium"}),
        ("<port>0</port>", {"port": 0}),
        ("<addr>1.2.3</addr>", {"addr": "1.2.3"}),
        ("<bogus>1</bogus>", {"bogus": 1}),
        ("<pres><bogus/></pres>", {"pres": {"bogus": [None]}}),
        ("<ratio><x/></ratio>", {"ratio": {"x": 1}}),
    ],
)
def test_value_errors_match_the_xml_path(edge: Any, xml: str, value: dict[str, Any]) -> None:
    xml_errors = edge.edit(edge.empty(), xml).errors
    assert xml_errors
    err = decode_error(edge.schema, {"test-edge:top": value})
    expected = xml_errors[0]
    assert (err.tag, err.message, err.path, err.path_ns, err.info) == (
        expected.tag,
        expected.message,
        expected.path,
        expected.path_ns,
        expected.info,
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"counter": "5"}, '"5" is not a valid int8 (a JSON number)'),
        ({"counter": 5.0}, "5.0 is not a valid int8 (a JSON number)"),
        ({"counter": True}, "true is not a valid int8 (a JSON number)"),
        ({"big": 5}, "5 is not a valid uint64: a string (RFC 7951 §6.1) in JSON"),
        ({"ratio": 1.5}, "1.5 is not a valid decimal64: a string (RFC 7951 §6.1) in JSON"),
        ({"raw": None}, "null given for an empty leaf, which is [null] in JSON"),
        ({"raw": [None, None]}, "[null, null] given for an empty leaf, which is [null] in JSON"),
        ({"tcp-nodelay": "true"}, '"true" is not a valid boolean (true or false)'),
        ({"label": 5}, "5 is not a valid string: a string in JSON"),
        ({"alg": "test-edge:other"}, '"test-edge:other" is not an identity derived from test-edge:crypto-alg'),
        ({"alg": "nope:rsa"}, '"nope:rsa" names no known module'),
    ],
)
def test_json_type_errors(edge: Any, value: dict[str, Any], message: str) -> None:
    err = decode_error(edge.schema, {"test-edge:top": value})
    assert (err.tag, err.message) == ("invalid-value", message)
    assert err.path == f"/te:top/te:{next(iter(value))}"


@pytest.mark.parametrize(
    ("value", "tag", "message"),
    [
        ({"top": {}}, "unknown-namespace", '"top" has no module name (RFC 7951 §4: top-level members are qualified)'),
        ({"nope:top": {}}, "unknown-namespace", 'module "nope" is not supported'),
        ({"test-edge:nope": {}}, "unknown-element", 'unknown element "nope" in the configuration'),
        ({"test-edge:top": []}, "invalid-value", "/te:top is an object in JSON, not []"),
        (
            {"test-edge:top": {"rule": {"name": "a"}}},
            "invalid-value",
            '/te:top/te:rule is an array in JSON, not {"name": "a"}',
        ),
        (
            {"test-edge:top": {"rule": ["a"]}},
            "invalid-value",
            '/te:top/te:rule is an array of objects in JSON, not "a"',
        ),
        ({"test-edge:top": {"tag": "a"}}, "invalid-value", '/te:top/te:tag is an array in JSON, not "a"'),
        (
            {"test-edge:top": {"mode": "fast", "test-edge:mode": "slow"}},
            "invalid-value",
            '"mode" is given twice (with and without its module name)',
        ),
        ({"test-edge:top": {"@mode": {}}}, "invalid-value", 'the annotation "@mode" annotates no member'),
        ({"test-edge:top": {"mode": "fast", "@mode": {"x:y": 1}}}, "unknown-attribute", 'unknown annotation "x:y"'),
        ({"test-edge:top": {"blobdata": {"x": 1}}}, "unknown-element", '"x" is not a member name of a known module'),
        (
            {"test-edge:top": {"blobdata": {"test-edge:x": [[1]]}}},
            "invalid-value",
            "[[1]]: anydata holds no array of arrays",
        ),
        ({"test-edge:top": {"tag": ["ab\u0000"]}}, "invalid-value", '"ab\\u0000" holds a character XML cannot carry'),
        ([], "malformed-message", "YANG data in JSON is an object, not []"),
    ],
)
def test_structure_errors(edge: Any, value: Any, tag: str, message: str) -> None:
    err = decode_error(edge.schema, value)
    assert (err.tag, err.message) == (tag, message)


def test_errors_inside_list_entries_name_the_entry(edge: Any) -> None:
    err = decode_error(edge.schema, {"test-edge:top": {"rule": [{"name": "a'b", "prio": -1}]}})
    assert err.path == '/te:top/te:rule[te:name="a\'b"]/te:prio'
    assert err.path_ns == {"te": "urn:test:edge"}


def test_error_paths_in_json_form(edge: Any, ios: Any) -> None:
    """RFC 8040 §7.1: a JSON error body names modules in error-path, as in any instance-identifier."""
    err = decode_error(edge.schema, {"test-edge:top": {"rule": [{"name": "a", "prio": -1}]}})
    assert json_instance_path(edge.schema, err.path or "", err.path_ns) == "/test-edge:top/rule[name='a']/prio"
    xml_err = ios.edit(ios.empty(), f'<aaa><new-model xmlns="{AAA}">x</new-model></aaa>').errors[0]
    assert xml_err.path == "/ios:native/ios:aaa/ios-aaa:new-model"
    assert json_instance_path(ios.schema, xml_err.path, xml_err.path_ns) == (
        "/Cisco-IOS-XE-native:native/aaa/Cisco-IOS-XE-aaa:new-model"
    )


def test_hidden_modules_read_as_unknown(ios: Any) -> None:
    private = {"Cisco-IOS-XE-native:native": {"iosxe-agent-private:file": {"prompt": "quiet"}}}
    assert decode_json(ios.schema, private)  # a device-internal caller may name them
    err = decode_error(ios.schema, private, hidden=ios.schema.hidden_ns)
    assert (err.tag, err.message, err.path) == (
        "unknown-element",
        'unknown element "file" in /ios:native',
        "/ios:native",
    )


def test_simple_names_are_read_in_the_parent_module(ios: Any) -> None:
    """At the root a member needs its module; below a given parent (a body whose ``<module>:input`` wrapper the
    caller removed) a simple name reads in the parent's module, and ``qualified=False`` writes such members."""
    ip = ios.node("native", "ip")
    simple = decode_json(ios.schema, {"ssh": {"time-out": 60}}, parent=ip)
    qualified = decode_json(ios.schema, {"Cisco-IOS-XE-native:ssh": {"time-out": 60}}, parent=ip)
    assert [shape(e) for e in simple] == [shape(e) for e in qualified]
    assert encode_json(ios.schema, simple, parent=ip, qualified=False) == {"ssh": {"time-out": 60}}
    err = decode_error(ios.schema, {"new-model": [None]}, parent=ios.node("native", "aaa"))
    assert (err.tag, err.message) == ("unknown-element", 'unknown element "new-model" in /ios:native/ios:aaa')
    assert decode_json(ios.schema, {"Cisco-IOS-XE-aaa:new-model": [None]}, parent=ios.node("native", "aaa"))


# -- bounds -----------------------------------------------------------------------------------------------------------
def test_element_budget(edge: Any) -> None:
    value = {"test-edge:top": {"rule": [{"name": f"r{i}", "action": "a"} for i in range(10)]}}
    assert len(decode_json(edge.schema, value, max_elements=31)[0]) == 10
    err = decode_error(edge.schema, value, max_elements=30)
    assert err.tag == "too-big"


def test_anydata_depth_bound_and_plain_mapping(edge: Any) -> None:
    value: dict[str, Any] = {"x": "leaf"}
    for _ in range(19):
        value = {"x": value}
    doc = {"test-edge:top": {"blobdata": {"test-edge:x": value}}}  # qualified where no parent gives a module
    els = decode_json(edge.schema, doc, max_depth=21)
    assert encode_json(edge.schema, els) == doc
    assert decode_error(edge.schema, doc, max_depth=20).tag == "too-big"
    repeated = {"test-edge:top": {"blobdata": {"test-edge:a": ["1", None, {"b": [None]}], "test-edge:c": [None]}}}
    assert encode_json(edge.schema, decode_json(edge.schema, repeated)) == repeated


@pytest.mark.parametrize(
    ("text", "tag", "message"),
    [
        (b'{"a": 1, "a": 2}', "malformed-message", 'malformed JSON: member "a" appears twice in one object'),
        (b'{"a": NaN}', "malformed-message", "malformed JSON: NaN is not a JSON value"),
        (b'{"a": Infinity}', "malformed-message", "malformed JSON: Infinity is not a JSON value"),
        (b'{"a": "\xff"}', "malformed-message", "the JSON text is not UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "too-big", "the JSON text is larger than 65536 bytes"),
        (b"[" * 30_000 + b"]" * 30_000, "malformed-message", "the JSON text is nested too deeply"),
        (b'{"a": 1', "malformed-message", None),
        (b'{"a": ' + b"9" * 5000 + b"}", "malformed-message", None),
    ],
)
def test_loads_bounded(text: bytes, tag: str, message: str | None) -> None:
    with pytest.raises(JsonDataError) as caught:
        loads_bounded(text, 65536)
    assert caught.value.error.tag == tag
    assert message is None or caught.value.error.message == message
    assert loads_bounded('{"a": [1, "x", null]}', 100) == {"a": [1, "x", None]}


# -- round trips ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "tests" / "yang" / "data").glob("good_*.xml")))
def test_the_xml_tests_instance_documents_round_trip(ios: Any, helpers: Any, name: str) -> None:
    tree = load_config(helpers.instance(name), ios.schema).tree
    assert tree is not None
    assert shape(roundtrip(ios.schema, tree)) == shape(tree)


def test_decoded_edits_build_the_same_datastore(edge: Any) -> None:
    tree = edge.tree(
        "<ratio>1</ratio><alg>te:rsa</alg><rule><name>b</name><action>x</action></rule>"
        "<rule><name>a</name><action>y</action></rule><pair><a>q</a><b>1</b></pair><udp-port>5</udp-port>"
    )
    result = apply_edit(edge.empty(), roundtrip(edge.schema, tree), edge.schema)
    assert result.tree is not None and not result.errors
    assert shape(result.tree) == shape(tree)


XML_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn")), max_size=10)
MIXED = st.one_of(
    st.integers(-128, 127), st.booleans(), st.just("auto"), st.from_regex(r"[a-z0-9]{1,6}", fullmatch=True)
)


def _leaf(tag: str, value: object) -> str:
    text = str(value).lower() if isinstance(value, bool) else str(value)
    return f"<{tag}>{escape(text)}</{tag}>"


@st.composite
def typed_values(draw: st.DrawFn) -> str:
    """A test-json ``<top>`` body with a random value of every type (each leaf present or not)."""
    leaves = {
        "i8": st.integers(-(2**7), 2**7 - 1),
        "i16": st.integers(-(2**15), 2**15 - 1),
        "i32": st.integers(-(2**31), 2**31 - 1),
        "i64": st.integers(-(2**63), 2**63 - 1),
        "u8": st.integers(0, 2**8 - 1),
        "u32": st.integers(0, 2**32 - 1),
        "u64": st.integers(0, 2**64 - 1),
        "d1": st.decimals(Decimal(-(2**63)).scaleb(-1), Decimal(2**63 - 1).scaleb(-1), places=1),
        "flag": st.booleans(),
        "mix": MIXED,
        "alg": st.sampled_from(["tj:local-alg", "ta:remote-alg"]),
        "str": XML_TEXT,
    }
    body = "".join(_leaf(tag, draw(strategy)) for tag, strategy in leaves.items() if draw(st.booleans()))
    body += "".join(_leaf("mixes", v) for v in draw(st.lists(MIXED, max_size=3, unique_by=str)))
    for key in draw(st.lists(st.tuples(st.integers(0, 65535), XML_TEXT), max_size=3, unique=True)):
        body += f"<item>{_leaf('id', key[0])}{_leaf('kind', key[1])}</item>"
    return body


@settings(max_examples=200, deadline=None)
@given(body=typed_values())
def test_every_type_round_trips(body: str) -> None:
    tree = tj_tree(body)
    assert shape(roundtrip(json_schema(), tree)) == shape(tree)


@pytest.mark.slow  # ~20 s: each case builds a configuration through the edit engine
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(bodies=st.lists(FEATURES, min_size=1, max_size=6))
def test_round_trip_property(ios: Any, bodies: list[str]) -> None:
    """decode(encode(tree)) == tree for the configurations the CLI round-trip property builds, and the decoded
    document, applied as an edit, builds the same datastore."""
    tree = build(ios.empty(), ios.cfg, ios.schema, bodies)
    back = roundtrip(ios.schema, tree)
    assert shape(back) == shape(tree)
    again = apply_edit(ios.empty(), back, ios.schema)
    assert again.tree is not None and shape(again.tree) == shape(tree)


# -- an independent reader: yanglint ----------------------------------------------------------------------------------
def rich_tree(ios: Any, helpers: Any, users: int) -> etree._Element:
    """Every good instance document of the XML tests merged, plus ``users`` local users."""
    tree = ios.empty()
    for path in sorted((ROOT / "tests" / "yang" / "data").glob("good_*.xml")):
        result = apply_edit(tree, helpers.instance(path.name), ios.schema)
        assert result.tree is not None, [e.message for e in result.errors]
        tree = result.tree
    names = "".join(
        f"<username><name>user{i:03}</name><privilege>{i % 16}</privilege><secret><encryption>9</encryption>"
        f"<secret>$9$abcdefghijklmn$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ</secret></secret></username>"
        for i in range(users)
    )
    result = apply_edit(tree, ios.cfg(names), ios.schema)
    assert result.tree is not None, [e.message for e in result.errors]
    return result.tree


def yanglint(search: list[Path], modules: list[Path], doc: Path) -> subprocess.CompletedProcess[str]:
    cmd = ["yanglint", *[a for d in search for a in ("-p", str(d))], "-t", "config", *map(str, modules), str(doc)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


def modules_of(value: Any) -> set[str]:
    """The module names a JSON document's member names use."""
    found: set[str] = set()
    todo = [value]
    while todo:
        item = todo.pop()
        if isinstance(item, dict):
            found |= {k.partition(":")[0].lstrip("@") for k in item if ":" in k}
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)
    return found


NEEDS_YANGLINT = pytest.mark.skipif(
    shutil.which("yanglint") is None, reason="yanglint (libyang2-tools) is not installed"
)


@NEEDS_YANGLINT
def test_yanglint_reads_our_json_against_our_modules(ios: Any, helpers: Any, tmp_path: Path) -> None:
    value = encode_json(ios.schema, rich_tree(ios, helpers, 20))
    doc = tmp_path / "running.json"
    doc.write_text(json.dumps(value, indent=1))
    files = {p.stem: p for d in default_search_path(YANG_DIR) for p in d.glob("*.yang")}
    result = yanglint([YANG_DIR, ietf_module_dir() or YANG_DIR], [files[m] for m in sorted(modules_of(value))], doc)
    assert result.returncode == 0, result.stdout + result.stderr[-4000:]


@NEEDS_YANGLINT
@pytest.mark.skipif(not os.environ.get("IOSXE_CISCO_YANG"), reason="IOSXE_CISCO_YANG names no real Cisco modules")
def test_yanglint_reads_our_json_against_the_real_cisco_modules(ios: Any, helpers: Any, tmp_path: Path) -> None:
    cisco = Path(os.environ["IOSXE_CISCO_YANG"])
    value = encode_json(ios.schema, rich_tree(ios, helpers, 20))
    doc = tmp_path / "running.json"
    doc.write_text(json.dumps(value, indent=1))
    result = yanglint([cisco], [cisco / f"{m}.yang" for m in sorted(modules_of(value))], doc)
    assert result.returncode == 0, result.stdout + result.stderr[-4000:]
