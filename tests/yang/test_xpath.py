"""YANG XPath over lxml data trees: prefixes, the datastore wrapper as root, and the YANG functions."""

from __future__ import annotations

import contextlib
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from namespaces import NC

from iosxe_agent.yang.xpath import (
    MAX_EXPR_CHARS,
    MAX_NESTING,
    CompiledXPath,
    XPathError,
    compile_xpath,
)

A = "http://example.com/a"
B = "http://example.com/b"
PREFIXES = {"x": A, "b": B}

DATA = f"""
<config xmlns="{NC}">
  <native xmlns="{A}" xmlns:b="{B}">
    <hostname>R1</hostname>
    <aaa>
      <list><name>alpha</name><level>1</level></list>
      <list><name>beta</name><level>15</level></list>
    </aaa>
    <a1><none>beta</none></a1>
    <ref>beta</ref>
    <and>3</and>
    <div>6</div>
    <url>http://host:80/path</url>
    <b:extra>
      <b:proto xmlns:bp="{B}">bp:ssh</b:proto>
      <b:flags>lock auto-negotiate</b:flags>
    </b:extra>
    <auth xmlns:ap="{A}">ap:tacacs</auth>
  </native>
  <other xmlns="{B}"><v>1</v></other>
</config>
"""


@pytest.fixture()
def root() -> etree._Element:
    return etree.fromstring(DATA)


def q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def find(root: etree._Element, path: str) -> etree._Element:
    el = root.find(path, {"x": A, "b": B})
    assert el is not None, path
    return el


def yang(expr: str, **kw: object) -> CompiledXPath:
    return compile_xpath(expr, PREFIXES, A, **kw)  # type: ignore[arg-type]


def texts(nodes: list[etree._Element]) -> list[str]:
    return [n.text or "" for n in nodes]


# --- names and prefixes ---------------------------------------------------------------------------


def test_unprefixed_names_use_default_namespace(root: etree._Element) -> None:
    c = yang("/native/hostname")
    assert c.rewritten.startswith("/*/")
    assert texts(c.nodes(root)) == ["R1"]


def test_prefixed_names(root: etree._Element) -> None:
    assert texts(yang("/x:native/x:hostname").nodes(root)) == ["R1"]
    assert [n.tag for n in yang("/b:other/b:v").nodes(root)] == [q(B, "v")]
    assert yang("/native/b:extra/b:flags").nodes(root)[0].tag == q(B, "flags")
    # an unprefixed name never matches another module's node
    assert yang("/other").nodes(root) == []


def test_default_namespace_applies_on_element_axes_only(root: etree._Element) -> None:
    native = find(root, "x:native")
    assert texts(yang("child::hostname").nodes(native)) == ["R1"]
    assert texts(yang("descendant::name").nodes(native)) == ["alpha", "beta"]
    assert yang("count(@foo)").evaluate(native) == 0.0
    assert "yang-default" not in yang("@foo").rewritten


def test_private_prefix_does_not_collide() -> None:
    c = compile_xpath("a/b:c", {"yang-default": B, "b": B}, A)
    assert c.rewritten == "yang-default1:a/b:c"


def test_wildcards(root: etree._Element) -> None:
    native = find(root, "x:native")
    assert len(yang("*").nodes(native)) == len(native)
    assert [n.tag for n in yang("b:*").nodes(native)] == [q(B, "extra")]
    assert [n.tag for n in yang("/*").nodes(root)] == [q(A, "native"), q(B, "other")]


def test_unknown_prefix() -> None:
    with pytest.raises(XPathError, match="'zz'"):
        yang("/zz:native")
    with pytest.raises(XPathError, match="'zz'"):
        yang("/native/zz:*")
    with pytest.raises(XPathError, match="'q'"):
        yang("derived-from(., 'q:ident')", identities={})


# --- root, relative paths and current() -----------------------------------------------------------


def test_absolute_paths_start_at_wrapper(root: etree._Element) -> None:
    deep = find(root, "x:native/x:aaa/x:list/x:name")
    assert texts(yang("/native/hostname").nodes(deep)) == ["R1"]
    assert yang("/").nodes(deep) == [root]
    assert yang("/").rewritten == "/*"
    assert yang("count(/*)").evaluate(deep) == 2.0
    assert yang("//name").rewritten == "/*//yang-default:name"
    assert texts(yang("//name").nodes(deep)) == ["alpha", "beta"]
    # // also reaches the top-level nodes themselves but never the wrapper
    assert yang("//native").nodes(root)[0].tag == q(A, "native")
    assert yang("count(/ | /native)").evaluate(root) == 2.0


def test_parent_steps(root: etree._Element) -> None:
    level = find(root, "x:native/x:aaa/x:list/x:level")
    assert texts(yang("../name").nodes(level)) == ["alpha"]
    assert texts(yang("../../../hostname").nodes(level)) == ["R1"]
    native = find(root, "x:native")
    assert yang("..").nodes(native) == [root]


def test_current_in_relative_predicate(root: etree._Element) -> None:
    none = find(root, "x:native/x:a1/x:none")
    c = yang("../../aaa/list[name = current()]/level")
    assert texts(c.nodes(none)) == ["15"]
    assert yang("current()/../../hostname = 'R1'").boolean(none)


def test_leafref_style_path(root: etree._Element) -> None:
    ref = find(root, "x:native/x:ref")
    c = yang("/x:native/x:aaa/x:list[x:name = current()]/x:name")
    assert texts(c.nodes(ref)) == ["beta"]
    # the context node and current() can differ (when on a parent, for example)
    native = find(root, "x:native")
    assert texts(c.nodes(native, current=ref)) == ["beta"]
    assert c.nodes(native) == []


def test_must_style_expressions(root: etree._Element) -> None:
    native = find(root, "x:native")
    assert yang("count(aaa/list) = 2").boolean(native)
    assert yang("not(aaa/list[level > 15])").boolean(native)
    assert yang("aaa/list[1]/level < aaa/list[2]/level and hostname != ''").boolean(native)
    assert not yang("count(aaa/list) > 2 or hostname = 'R2'").boolean(native)
    assert yang("string-length(hostname) = 2").boolean(native)
    assert yang("concat(hostname, '-', ref)").evaluate(native) == "R1-beta"


# --- tokenizer disambiguation ---------------------------------------------------------------------


def test_operator_names_as_element_names(root: etree._Element) -> None:
    native = find(root, "x:native")
    assert yang("and").rewritten == "yang-default:and"
    assert yang("and and div").rewritten == "yang-default:and and yang-default:div"
    assert yang("div div and").evaluate(native) == 2.0
    assert yang("and * and = 9").boolean(native)
    assert yang("div mod 4 = 2").boolean(native)
    assert texts(yang("/native/and | /native/div").nodes(root)) == ["3", "6"]
    assert yang("or or or").boolean(native) is False  # no <or> element
    assert yang("and or div").boolean(native)


def test_star_multiply_vs_wildcard(root: etree._Element) -> None:
    native = find(root, "x:native")
    assert yang("2 * 3").evaluate(native) == 6.0
    assert yang("and*2").evaluate(native) == 6.0
    assert yang("count(*) * 2").evaluate(native) == 2.0 * len(native)
    assert yang("count(aaa/*/*)").evaluate(native) == 4.0
    assert yang("*").rewritten == "*"
    assert yang("(3)*(2)").evaluate(native) == 6.0


def test_string_literals_are_not_rewritten(root: etree._Element) -> None:
    native = find(root, "x:native")
    c = yang("url = 'http://host:80/path'")
    assert "'http://host:80/path'" in c.rewritten
    assert c.boolean(native)
    assert yang('contains(url, "//host:")').boolean(native)
    assert yang("\"a/b\" = 'a/b'").boolean(native)
    assert yang("'and' = \"and\"").boolean(native)


def test_numbers_and_axes(root: etree._Element) -> None:
    native = find(root, "x:native")
    assert yang(".5 + 1.").evaluate(native) == 1.5
    assert yang("self::native/child::hostname").nodes(native)[0].text == "R1"
    assert yang("count(ancestor-or-self::*)").evaluate(native) == 2.0
    assert yang("count(following-sibling::b:other)").evaluate(native) == 1.0
    assert yang("hostname/text()").evaluate(native) == ["R1"]
    assert yang("count(aaa/list/node())").evaluate(native) == 4.0
    assert yang("- - 2").evaluate(native) == 2.0


def test_whitespace_preserved_and_flexible(root: etree._Element) -> None:
    c = yang("  / native / hostname  ")
    assert c.rewritten == "  /*/ yang-default:native / yang-default:hostname  "
    assert texts(c.nodes(root)) == ["R1"]
    assert yang("count ( / native )").evaluate(root) == 1.0


# --- errors and limits ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expr",
    [
        "",
        "/native/",
        "1 +",
        "a b",
        "a[",
        "(a",
        "a)",
        "'unterminated",
        "a !b",
        "/ /",
        "a::b",
        "count()",
        "concat('a')",
        "a : b",
        "foo:bar:baz",
        "child::",
        "@",
        "..[1]",
        "current(1)",
        "re-match('a')",
    ],
)
def test_syntax_errors(expr: str) -> None:
    with pytest.raises(XPathError):
        yang(expr)


def test_unsupported_functions_and_variables() -> None:
    with pytest.raises(XPathError, match="unsupported function"):
        yang("document('x')")
    with pytest.raises(XPathError, match="unsupported function"):
        yang("x:foo(1)")
    with pytest.raises(XPathError, match="variable"):
        yang("$v = 1")


def test_missing_support_mappings() -> None:
    with pytest.raises(XPathError, match="deref_resolver"):
        yang("deref(.)")
    with pytest.raises(XPathError, match="identity map"):
        yang("derived-from(., 'x:a')")


def test_limits() -> None:
    with pytest.raises(XPathError, match="longer than"):
        yang("1" + " + 1" * MAX_EXPR_CHARS)
    with pytest.raises(XPathError, match="tokens"):
        yang("+".join(["1"] * 1000))
    with pytest.raises(XPathError, match="nested"):
        yang("(" * (MAX_NESTING + 1) + "1" + ")" * (MAX_NESTING + 1))
    assert yang("(" * (MAX_NESTING - 1) + "1" + ")" * (MAX_NESTING - 1)).evaluate(etree.Element("c")) == 1.0


def test_nodes_requires_element_node_set(root: etree._Element) -> None:
    native = find(root, "x:native")
    with pytest.raises(XPathError, match="not a node-set"):
        yang("count(*)").nodes(native)
    with pytest.raises(XPathError, match="non-element"):
        yang("hostname/text()").nodes(native)
    assert yang("nothing/text()").nodes(native) == []


def test_boolean_conversion(root: etree._Element) -> None:
    native = find(root, "x:native")
    assert yang("hostname").boolean(native)
    assert not yang("nothing").boolean(native)
    assert not yang("0").boolean(native)
    assert not yang("number('x')").boolean(native)
    assert yang("'0'").boolean(native)
    assert not yang("''").boolean(native)


# --- YANG functions -------------------------------------------------------------------------------

IDENTITIES = {
    q(B, "proto"): {q(B, "ssh"), q(B, "telnet"), q(A, "tacacs")},
    q(B, "ssh"): set(),
    q(A, "tacacs"): set(),
}


def test_derived_from(root: etree._Element) -> None:
    native = find(root, "x:native")
    proto = "b:extra/b:proto"
    assert yang(f"derived-from({proto}, 'b:proto')", identities=IDENTITIES).boolean(native)
    assert not yang(f"derived-from({proto}, 'b:ssh')", identities=IDENTITIES).boolean(native)
    assert yang(f"derived-from-or-self({proto}, 'b:ssh')", identities=IDENTITIES).boolean(native)
    assert not yang(f"derived-from-or-self({proto}, 'b:telnet')", identities=IDENTITIES).boolean(native)
    # unprefixed identity names belong to the defining module; values resolve with the element's nsmap
    assert yang("derived-from-or-self(auth, 'tacacs')", identities=IDENTITIES).boolean(native)
    assert yang("derived-from(auth, 'b:proto')", identities=IDENTITIES).boolean(native)
    assert not yang("derived-from(nothing, 'b:proto')", identities=IDENTITIES).boolean(native)
    assert not yang("derived-from(hostname, 'b:proto')", identities=IDENTITIES).boolean(native)
    with pytest.raises(XPathError, match="node-set"):
        yang("derived-from('b:ssh', 'b:proto')", identities=IDENTITIES).boolean(native)


def test_derived_from_in_predicate_with_current(root: etree._Element) -> None:
    proto = find(root, "x:native/b:extra/b:proto")
    c = yang("derived-from-or-self(current(), 'b:proto')", identities=IDENTITIES)
    assert c.boolean(proto)
    c = yang("/native/b:extra[derived-from(b:proto, 'b:proto')]/b:flags", identities=IDENTITIES)
    assert c.nodes(root)[0].tag == q(B, "flags")


def test_re_match(root: etree._Element) -> None:
    native = find(root, "x:native")
    assert yang("re-match(hostname, '[A-Z]\\d')").boolean(native)
    assert not yang("re-match(hostname, '\\d')").boolean(native)  # whole-string match
    assert yang("re-match('1.22.333', '\\d{1,3}(\\.\\d{1,3}){2}')").boolean(native)
    assert not yang("re-match('^a', 'a')").boolean(native)
    assert yang("re-match('^a$', '^a$')").boolean(native)  # ^ and $ are ordinary in XSD
    assert yang("re-match('bcd', '[a-z-[aeiou]]+')").boolean(native)
    assert not yang("re-match('bad', '[a-z-[aeiou]]+')").boolean(native)
    assert yang("re-match('Straße', '\\w+')").boolean(native)
    assert not yang("re-match('a_b', '\\w+')").boolean(native)  # _ is punctuation in XSD
    assert yang("re-match('AbC', '\\p{Lu}\\p{Ll}\\P{Ll}')").boolean(native)
    assert not yang("re-match('a\nb', 'a.b')").boolean(native)
    assert yang("re-match(1, '\\d')").boolean(native)
    with pytest.raises(XPathError, match="regular expression"):
        yang("re-match('a', '(?i)a')").boolean(native)


def test_bit_is_set(root: etree._Element) -> None:
    native = find(root, "x:native")
    assert yang("bit-is-set(b:extra/b:flags, 'lock')").boolean(native)
    assert yang("bit-is-set(b:extra/b:flags, 'auto-negotiate')").boolean(native)
    assert not yang("bit-is-set(b:extra/b:flags, 'auto')").boolean(native)
    assert not yang("bit-is-set(nothing, 'lock')").boolean(native)


def test_enum_value_without_schema_is_nan(root: etree._Element) -> None:
    native = find(root, "x:native")
    assert not yang("enum-value(hostname) = enum-value(hostname)").boolean(native)


def test_deref_with_resolver(root: etree._Element) -> None:
    calls: list[etree._Element] = []
    by_name = yang("/native/aaa/list[name = current()]/name")

    def resolver(el: etree._Element) -> list[etree._Element]:
        calls.append(el)
        return by_name.nodes(el)

    ref = find(root, "x:native/x:ref")
    c = yang("deref(.)/../level", deref_resolver=resolver)
    assert texts(c.nodes(ref)) == ["15"]
    assert calls == [ref]
    assert yang("deref(nothing)", deref_resolver=resolver).nodes(ref) == []
    native = find(root, "x:native")
    assert yang("deref(ref)/../level = 15", deref_resolver=resolver).boolean(native)


def test_nested_evaluation_of_same_expression_does_not_deadlock(root: etree._Element) -> None:
    # a resolver that evaluates the very expression that called it (lxml locks each evaluator)
    depth: list[int] = []
    expr = "count(deref(.)) + 1"

    def resolver(el: etree._Element) -> list[etree._Element]:
        if not depth:
            depth.append(1)
            assert yang(expr, deref_resolver=resolver).evaluate(el) == 2.0
        return [el]

    ref = find(root, "x:native/x:ref")
    done = threading.Event()
    result: list[object] = []

    def run() -> None:
        result.append(yang(expr, deref_resolver=resolver).evaluate(ref))
        done.set()

    threading.Thread(target=run, daemon=True).start()
    assert done.wait(10), "nested evaluation deadlocked"
    assert result == [2.0]


# --- NETCONF xpath filters ------------------------------------------------------------------------


def test_netconf_filter_mode(root: etree._Element) -> None:
    flt = etree.fromstring(
        f'<filter xmlns="{NC}" xmlns:t="{A}" xmlns:o="{B}" type="xpath" '
        'select="/t:native/t:aaa/t:list[t:level = 15]/t:name | /o:other"/>'
    )
    c = compile_xpath(flt.get("select"), flt.nsmap, None)  # the nsmap's default (None) entry is ignored
    assert [n.tag for n in c.nodes(root)] == [q(A, "name"), q(B, "other")]
    # unprefixed names match elements without a namespace only
    assert compile_xpath("/native", flt.nsmap, None).nodes(root) == []
    plain = etree.fromstring("<data><top><leaf>1</leaf></top></data>")
    assert texts(compile_xpath("/top/leaf", {}, None).nodes(plain)) == ["1"]
    with pytest.raises(XPathError, match="needs a prefix"):
        compile_xpath("derived-from(/top/leaf, 'ident')", {}, None, identities={})


# --- caching and properties -----------------------------------------------------------------------


def test_compiled_expressions_are_cached() -> None:
    a = yang("/native/hostname")
    b = compile_xpath("/native/hostname", dict(reversed(list(PREFIXES.items()))), A)
    assert a._core is b._core
    assert compile_xpath("/native/hostname", PREFIXES, B)._core is not a._core


_names = st.sampled_from(["hostname", "aaa", "list", "name", "and", "div", "or", "mod", "x:ref", "b:extra", "*"])


@settings(max_examples=200, deadline=None)
@given(st.lists(_names, min_size=1, max_size=5), st.booleans())
def test_generated_paths_match_find(steps: list[str], absolute: bool) -> None:
    """Any path of plain steps gives what ElementTree's find with the same namespaces gives."""
    root = etree.fromstring(DATA)
    native = find(root, "x:native")
    expr = ("/native/" if absolute else "") + "/".join(steps)
    got = yang(expr).nodes(native)
    et_path = "/".join(s if ":" in s or s == "*" else f"{{{A}}}{s}" for s in steps)
    want = native.findall(et_path, PREFIXES)
    assert got == want


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abc:/*'\"[]()=<>!|+-. $@,0123456789", max_size=30))
def test_arbitrary_text_compiles_or_raises_xpath_error(expr: str) -> None:
    try:
        c = compile_xpath(expr, PREFIXES, A, identities={})
    except XPathError:
        return
    with contextlib.suppress(XPathError):
        c.evaluate(etree.fromstring(DATA))
