"""XPath filters (RFC 6241 §6 / §8.9): selection shapes, ancestors, list keys, prefixes from the filter element's
namespace declarations, errors, and the same answer as the equivalent subtree filter."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from lxml import etree
from namespaces import AAA, IOS, NC

from iosxe_agent.data.filter import subtree_filter
from iosxe_agent.data.xpath_filter import XPathFilterError, xpath_filter, xpath_select

_NAME = "_iosxe_pure_test_helpers"  # the name tests/data/conftest.py loads it under: one schema compile per run


def _helpers() -> ModuleType:
    if _NAME not in sys.modules:
        spec = importlib.util.spec_from_file_location(_NAME, Path(__file__).resolve().parents[1] / "cisco_schema.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[_NAME] = module
        spec.loader.exec_module(module)
    return sys.modules[_NAME]


EDGE = "urn:test:edge"
P = {"ios": IOS, "ios-aaa": AAA}

BODY = (
    "<hostname>R1</hostname>"
    "<username><name>alice</name><privilege>15</privilege>"
    "<secret><encryption>9</encryption><secret>$9$abc$def</secret></secret></username>"
    "<username><name>bob</name><privilege>1</privilege></username>"
    f'<aaa><new-model xmlns="{AAA}"/></aaa>'
    "<ip><domain><name>lab.local</name></domain><ssh><time-out>30</time-out></ssh></ip>"
)


@pytest.fixture(scope="module")
def ios() -> Any:
    return _helpers().ios_doc()


@pytest.fixture(scope="module")
def edge() -> Any:
    return _helpers().edge_doc()


@pytest.fixture(scope="module")
def tree(ios: Any) -> etree._Element:
    return ios.tree(BODY)


def run(tree: etree._Element, expr: str, ios: Any, prefixes: dict[str | None, str] | None = None) -> str:
    return etree.tostring(xpath_filter(tree, expr, P if prefixes is None else prefixes, ios.schema)).decode()


def native(inner: str) -> str:
    return f'<config xmlns="{NC}"><native xmlns="{IOS}">{inner}</native></config>'


# -- selection shapes -------------------------------------------------------------------------------------------
def test_a_leaf_comes_with_its_ancestors_only(tree: etree._Element, ios: Any) -> None:
    assert run(tree, "/ios:native/ios:hostname", ios) == native("<hostname>R1</hostname>")


def test_a_container_comes_whole(tree: etree._Element, ios: Any) -> None:
    assert run(tree, "/ios:native/ios:ip/ios:ssh", ios) == native("<ip><ssh><time-out>30</time-out></ssh></ip>")


def test_a_list_entry_by_key_comes_whole(tree: etree._Element, ios: Any) -> None:
    got = run(tree, "/ios:native/ios:username[ios:name='bob']", ios)
    assert got == native("<username><name>bob</name><privilege>1</privilege></username>")


def test_a_leaf_inside_a_list_entry_brings_the_key(tree: etree._Element, ios: Any) -> None:
    got = run(tree, "/ios:native/ios:username[ios:name='alice']/ios:secret/ios:encryption", ios)
    assert got == native("<username><name>alice</name><secret><encryption>9</encryption></secret></username>")


def test_every_entry_key_for_a_non_key_leaf(tree: etree._Element, ios: Any) -> None:
    got = run(tree, "/ios:native/ios:username/ios:privilege", ios)
    assert got == native(
        "<username><name>alice</name><privilege>15</privilege></username>"
        "<username><name>bob</name><privilege>1</privilege></username>"
    )


def test_composite_keys_come_in_key_order(edge: Any) -> None:
    t = edge.tree("<rule><name>r1</name><prio>5</prio><action>drop</action></rule><pair><a>x</a><b>2</b></pair>")
    out = etree.tostring(xpath_filter(t, "/te:top/te:rule/te:action | /te:top/te:pair/te:b", {"te": EDGE}, edge.schema))
    assert out.decode() == (
        f'<config xmlns="{NC}"><top xmlns="{EDGE}"><rule><name>r1</name><action>drop</action></rule>'
        "<pair><a>x</a><b>2</b></pair></top></config>"
    )


def test_union_keeps_data_order_and_the_whole_wins(tree: etree._Element, ios: Any) -> None:
    a = run(tree, "/ios:native/ios:ip/ios:ssh | /ios:native/ios:hostname", ios)
    b = run(tree, "/ios:native/ios:hostname | /ios:native/ios:ip/ios:ssh", ios)
    assert a == b == native("<hostname>R1</hostname><ip><ssh><time-out>30</time-out></ssh></ip>")
    whole = run(tree, "/ios:native/ios:ip/ios:ssh/ios:time-out | /ios:native/ios:ip", ios)
    assert whole == native("<ip><domain><name>lab.local</name></domain><ssh><time-out>30</time-out></ssh></ip>")


def test_root_and_wrapper_select_everything(tree: etree._Element, ios: Any) -> None:
    everything = etree.tostring(tree).decode()
    assert run(tree, "/", ios) == everything
    assert run(tree, "/ios:native", ios) == everything
    assert run(tree, "/ios:native/..", ios) == everything


def test_text_and_attribute_nodes_stand_for_their_element(tree: etree._Element, ios: Any) -> None:
    assert run(tree, "/ios:native/ios:hostname/text()", ios) == native("<hostname>R1</hostname>")


def test_nothing_selected_gives_an_empty_wrapper(tree: etree._Element, ios: Any) -> None:
    assert run(tree, "/ios:native/ios:username[ios:name='carol']", ios) == f'<config xmlns="{NC}"/>'


def test_the_input_is_not_changed(tree: etree._Element, ios: Any) -> None:
    before = etree.tostring(tree)
    run(tree, "/ios:native/ios:username/ios:privilege | //ios:time-out", ios)
    assert etree.tostring(tree) == before


def test_predicates_and_functions(tree: etree._Element, ios: Any) -> None:
    got = run(tree, "/ios:native/ios:username[number(ios:privilege) > 10]/ios:name", ios)
    assert got == native("<username><name>alice</name></username>")
    got = run(tree, "/ios:native/ios:username[starts-with(ios:name, 'b')]/ios:name", ios)
    assert got == native("<username><name>bob</name></username>")


def test_derived_from_uses_the_schema_identities(edge: Any) -> None:
    t = etree.fromstring(
        f'<config xmlns="{NC}"><top xmlns="{EDGE}" xmlns:te="{EDGE}"><alg>te:rsa-sha2</alg></top></config>'
    )
    out = xpath_filter(t, "/te:top/te:alg[derived-from(., 'te:rsa')]", {"te": EDGE}, edge.schema)
    assert out.findtext(f"{{{EDGE}}}top/{{{EDGE}}}alg") == "te:rsa-sha2"
    none = xpath_filter(t, "/te:top/te:alg[derived-from(., 'te:ecdsa')]", {"te": EDGE}, edge.schema)
    assert len(none) == 0


# -- prefixes ----------------------------------------------------------------------------------------------------
def test_prefixes_are_the_filter_elements_declarations(tree: etree._Element, ios: Any) -> None:
    flt = etree.fromstring(
        f'<filter xmlns="{NC}" xmlns:x="{IOS}" xmlns:y="{AAA}" type="xpath" select="/x:native/x:aaa/y:new-model"/>'
    )
    got = run(tree, flt.get("select"), ios, dict(flt.nsmap))
    assert got == native(f'<aaa><new-model xmlns="{AAA}"/></aaa>')


def test_the_default_namespace_declaration_is_not_used_for_names(tree: etree._Element, ios: Any) -> None:
    # XPath 1.0 ignores xmlns="…"; an unprefixed name matches the local name in any namespace (IOS XE leniency)
    got = run(tree, "/native/hostname", ios, {None: "urn:unrelated"})
    assert got == native("<hostname>R1</hostname>")


def test_unprefixed_names_match_any_namespace(tree: etree._Element, ios: Any) -> None:
    assert run(tree, "/native/aaa/new-model", ios, {}) == native(f'<aaa><new-model xmlns="{AAA}"/></aaa>')
    assert run(tree, "//username[name='bob']/privilege", ios, {}) == native(
        "<username><name>bob</name><privilege>1</privilege></username>"
    )


def test_a_prefixed_name_in_the_wrong_namespace_matches_nothing(tree: etree._Element, ios: Any) -> None:
    assert run(tree, "/ios:native/ios:aaa/ios:new-model", ios) == f'<config xmlns="{NC}"/>'


# -- errors ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "expr",
    [
        "/ios:native/",  # syntax
        "/ios:native[",  # syntax
        "/nope:native",  # unknown prefix
        "/ios:native/frobnicate()",  # unknown function
        "count(/ios:native)",  # a number
        "string(/ios:native/ios:hostname)",  # a string
        "/ios:native/ios:hostname = 'R1'",  # a boolean
        "/ios:native/namespace::*",  # namespace nodes
        "$var",  # variables
        "",  # empty
    ],
)
def test_bad_expressions_are_refused(tree: etree._Element, ios: Any, expr: str) -> None:
    with pytest.raises(XPathFilterError):
        xpath_filter(tree, expr, P, ios.schema)


def test_the_wrapper_must_be_a_document_root(tree: etree._Element, ios: Any) -> None:
    holder = etree.Element("holder")
    holder.append(etree.fromstring(etree.tostring(tree)))
    with pytest.raises(XPathFilterError):
        xpath_select(holder[0], "/ios:native", P, ios.schema)


# -- the same answer as a subtree filter ------------------------------------------------------------------------
EQUIVALENT = [
    ("/ios:native", f'<native xmlns="{IOS}"/>'),
    ("/ios:native/ios:hostname", f'<native xmlns="{IOS}"><hostname/></native>'),
    (
        "/ios:native/ios:username[ios:name='bob']",
        f'<native xmlns="{IOS}"><username><name>bob</name></username></native>',
    ),
    ("/ios:native/ios:username/ios:name", f'<native xmlns="{IOS}"><username><name/></username></native>'),
    ("/ios:native/ios:aaa/ios-aaa:new-model", f'<native xmlns="{IOS}"><aaa><new-model xmlns="{AAA}"/></aaa></native>'),
    (
        "/ios:native/ios:username[ios:name='alice']/ios:secret/ios:encryption",
        f'<native xmlns="{IOS}"><username><name>alice</name><secret><encryption/></secret></username></native>',
    ),
    (
        "/ios:native/ios:hostname | /ios:native/ios:ip/ios:ssh",
        f'<native xmlns="{IOS}"><hostname/><ip><ssh/></ip></native>',
    ),
    (
        "/ios:native/ios:username[ios:name='carol']",
        f'<native xmlns="{IOS}"><username><name>carol</name></username></native>',
    ),
]


@pytest.mark.parametrize(("expr", "subtree"), EQUIVALENT)
def test_xpath_and_subtree_filters_agree(tree: etree._Element, ios: Any, expr: str, subtree: str) -> None:
    flt = etree.fromstring(f'<filter xmlns="{NC}" type="subtree">{subtree}</filter>')
    assert etree.tostring(xpath_filter(tree, expr, P, ios.schema)) == etree.tostring(
        subtree_filter(tree, flt, ios.schema)
    )
