"""Subtree filtering (RFC 6241 §6): every §6.4 example shape, adapted to a small hand-built schema."""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from namespaces import NC

from iosxe_agent.data.filter import FilterError, filter_is_empty, subtree_filter
from iosxe_agent.yang.schema import Kind, Schema, SchemaNode, clark

A = "urn:example:a"
B = "urn:example:b"
OTHER = "urn:example:other"


# ------------------------------------------------------------------------------------------------ the schema


def _node(kind: Kind, name: str, parent: SchemaNode, ns: str = A, **kw: object) -> SchemaNode:
    module, prefix = ("mod-a", "a") if ns == A else ("mod-b", "b")
    node = SchemaNode(kind=kind, name=name, ns=ns, module=module, prefix=prefix, parent=parent, **kw)  # type: ignore[arg-type]
    node.order_index = len(parent.data_children)
    parent.children.append(node)
    parent.data_children[node.tag] = node
    return node


def _schema() -> Schema:
    root = SchemaNode(kind=Kind.MODULE, name="", ns="", module="", prefix="")
    top = _node(Kind.CONTAINER, "top", root)
    _node(Kind.LEAF, "hostname", top)
    user = _node(Kind.LIST, "user", top, keys=(clark(A, "name"),))
    _node(Kind.LEAF, "name", user)
    _node(Kind.LEAF, "privilege", user)
    secret = _node(Kind.CONTAINER, "secret", user)
    _node(Kind.LEAF, "encryption", secret)
    _node(Kind.LEAF, "secret", secret)
    ssh = _node(Kind.CONTAINER, "ssh", top)
    _node(Kind.LEAF, "version", ssh)
    _node(Kind.LEAF, "time-out", ssh)
    _node(Kind.LEAF_LIST, "algorithm", ssh)
    aaa = _node(Kind.CONTAINER, "aaa", top)
    _node(Kind.LEAF, "new-model", aaa)
    accounting = _node(Kind.CONTAINER, "accounting", aaa, ns=B)  # augment from module b
    _node(Kind.LEAF, "method", accounting, ns=B)
    _node(Kind.LEAF, "mode", accounting, ns=B)
    return Schema(
        root=root,
        rpcs={},
        notifications={},
        identities={},
        modules={},
        prefix_to_ns={"a": A, "b": B},
        ns_to_prefix={A: "a", B: "b"},
    )


SCHEMA = _schema()

DATA = f"""
<data xmlns="{NC}">
  <top xmlns="{A}">
    <hostname>r1</hostname>
    <user><name>admin</name><privilege>15</privilege>
      <secret><encryption>9</encryption><secret>$9$x</secret></secret></user>
    <user><name>fred</name><privilege>1</privilege></user>
    <user><name>barney</name><privilege>15</privilege>
      <secret><encryption>5</encryption><secret>$1$y</secret></secret></user>
    <ssh><version>2</version><time-out>60</time-out>
      <algorithm>aes128-ctr</algorithm><algorithm>aes256-ctr</algorithm></ssh>
    <aaa><new-model/><accounting xmlns="{B}"><method>local</method><mode>start-stop</mode></accounting></aaa>
  </top>
</data>
"""


def _parse(text: str) -> etree._Element:
    return etree.fromstring(text, etree.XMLParser(remove_blank_text=True))


def _filter(body: str) -> etree._Element:
    return _parse(f'<filter xmlns="{NC}" type="subtree">{body}</filter>')


def _run(body: str, data: str = DATA, schema: Schema | None = SCHEMA) -> etree._Element:
    return subtree_filter(_parse(data), _filter(body), schema)


def _canon(el: etree._Element) -> str:
    """Namespace-prefix-independent serialization (C14N 2.0 rewrites prefixes)."""
    return etree.canonicalize(el, strip_text=True, rewrite_prefixes=True)


def _expect(result: etree._Element, inner: str) -> None:
    assert _canon(result) == _canon(_parse(f'<data xmlns="{NC}">{inner}</data>'))


def _shape(el: etree._Element) -> object:
    """(local name, text or children) — a compact structural view for readable assertions."""
    kids = [c for c in el if isinstance(c.tag, str)]
    name = etree.QName(el).localname
    if not kids:
        return (name, (el.text or "").strip())
    return (name, [_shape(c) for c in kids])


def _users(result: etree._Element) -> list[object]:
    return [_shape(u) for u in result.iterfind(f"{{{A}}}top/{{{A}}}user")]


# ------------------------------------------------------------------------------------------ RFC 6241 §6.4


@pytest.mark.parametrize("body", ["", "   \n  ", "<!-- nothing -->"])
def test_empty_filter_selects_nothing(body: str) -> None:
    """§6.4.2: an empty filter returns an empty wrapper with the data's tag."""
    f = _filter(body)
    assert filter_is_empty(f)
    result = subtree_filter(_parse(DATA), f, SCHEMA)
    assert result.tag == f"{{{NC}}}data"
    assert len(result) == 0


def test_filter_is_empty_false_with_children() -> None:
    assert not filter_is_empty(_filter(f'<top xmlns="{A}"/>'))


def test_select_entire_top_returns_data_unchanged() -> None:
    """§6.4.3 on the top-level node: a selection node returns the whole subtree."""
    data = _parse(DATA)
    result = subtree_filter(data, _filter(f'<top xmlns="{A}"/>'), SCHEMA)
    assert _canon(result) == _canon(data)


def test_select_entire_list_subtree() -> None:
    """§6.4.3: every <user> entry, whole; siblings of the list are left out."""
    result = _run(f'<top xmlns="{A}"><user/></top>')
    top = result[0]
    assert [etree.QName(c).localname for c in top] == ["user", "user", "user"]
    assert _canon(top[0]) == _canon(_parse(DATA)[0][1])


def test_select_specific_leaf_of_all_entries() -> None:
    """§6.4.4: a selection node inside the list gives that leaf of each entry, with the key."""
    assert _users(_run(f'<top xmlns="{A}"><user><privilege/></user></top>')) == [
        ("user", [("name", "admin"), ("privilege", "15")]),
        ("user", [("name", "fred"), ("privilege", "1")]),
        ("user", [("name", "barney"), ("privilege", "15")]),
    ]


def test_select_key_of_all_entries() -> None:
    """§6.4.4 verbatim shape: <name/> alone gives the names only, each once."""
    assert _users(_run(f'<top xmlns="{A}"><user><name/></user></top>')) == [
        ("user", [("name", "admin")]),
        ("user", [("name", "fred")]),
        ("user", [("name", "barney")]),
    ]


def test_one_entry_by_key_returns_whole_entry() -> None:
    """§6.4.5: only a content match node in the sibling set selects the whole entry."""
    result = _run(f'<top xmlns="{A}"><user><name>fred</name></user></top>')
    _expect(result, f'<top xmlns="{A}"><user><name>fred</name><privilege>1</privilege></user></top>')


def test_specific_leaves_of_one_entry() -> None:
    """§6.4.6: content match on the key plus a containment node."""
    result = _run(f'<top xmlns="{A}"><user><name>admin</name><secret><encryption/></secret></user></top>')
    _expect(
        result,
        f'<top xmlns="{A}"><user><name>admin</name><secret><encryption>9</encryption></secret></user></top>',
    )


def test_multiple_subtrees_in_one_list() -> None:
    """§6.4.7: three <user> subtrees; barney's content match on a non-key leaf fails, so he is left out."""
    body = f"""<top xmlns="{A}">
      <user><name>admin</name><secret/></user>
      <user><name>fred</name><privilege/></user>
      <user><name>barney</name><privilege>1</privilege></user>
    </top>"""
    assert _users(_run(body)) == [
        ("user", [("name", "admin"), ("secret", [("encryption", "9"), ("secret", "$9$x")])]),
        ("user", [("name", "fred"), ("privilege", "1")]),
    ]


def test_multiple_top_level_subtrees_merge_in_data_order() -> None:
    """Two filter subtrees for the same top node give one <top>, children in data (schema) order."""
    result = _run(f'<top xmlns="{A}"><ssh><version/></ssh></top><top xmlns="{A}"><hostname/></top>')
    _expect(result, f'<top xmlns="{A}"><hostname>r1</hostname><ssh><version>2</version></ssh></top>')


def test_filter_order_does_not_change_output_order() -> None:
    result = _run(f'<top xmlns="{A}"><aaa/><ssh><version/></ssh><hostname/></top>')
    assert [etree.QName(c).localname for c in result[0]] == ["hostname", "ssh", "aaa"]


def test_overlapping_subtrees_output_each_node_once() -> None:
    result = _run(f'<top xmlns="{A}"><user/><user><name>fred</name><privilege/></user></top>')
    assert len(_users(result)) == 3
    assert _canon(result[0][1]) == _canon(_parse(DATA)[0][2])


def test_attribute_match_fails_on_data_without_attributes() -> None:
    """§6.4.8 shape: an attribute match expression the data node lacks means no match."""
    assert len(_run(f'<top xmlns="{A}"><user name="fred"/></top>')) == 0


def test_attribute_match_on_data_with_attributes() -> None:
    """Attribute match expressions are compared with the data node's attributes (any data, not only ours)."""
    data = f"""<data xmlns="{NC}"><top xmlns="{A}" xmlns:t="{OTHER}">
      <user t:ifName="eth0"><name>a</name></user><user t:ifName="eth1"><name>b</name></user></top></data>"""
    result = _run(f'<top xmlns="{A}" xmlns:t="{OTHER}"><user t:ifName="eth1"/></top>', data)
    assert _users(result) == [("user", [("name", "b")])]
    assert result[0][0].get(f"{{{OTHER}}}ifName") == "eth1"
    # An unqualified filter attribute matches the data attribute's local name in any namespace (leniency).
    assert _users(_run(f'<top xmlns="{A}"><user ifName="eth0"/></top>', data)) == [("user", [("name", "a")])]
    assert len(_run(f'<top xmlns="{A}"><user ifName="eth9"/></top>', data)) == 0


# ------------------------------------------------------------------------------------------ content match


def test_content_match_without_match_returns_empty_wrapper() -> None:
    result = _run(f'<top xmlns="{A}"><user><name>nobody</name></user></top>')
    assert result.tag == f"{{{NC}}}data"
    assert len(result) == 0


def test_content_match_on_non_key_leaf() -> None:
    result = _run(f'<top xmlns="{A}"><user><privilege>15</privilege></user></top>')
    assert [u[1][0] for u in _users(result)] == [("name", "admin"), ("name", "barney")]
    assert _canon(result[0][0]) == _canon(_parse(DATA)[0][1])  # whole entry


def test_content_match_with_selection_sibling() -> None:
    """The content match leaf plus the selected sibling; the key comes along."""
    assert _users(
        _run(f'<top xmlns="{A}"><user><privilege>15</privilege><secret><encryption/></secret></user></top>')
    ) == [
        ("user", [("name", "admin"), ("privilege", "15"), ("secret", [("encryption", "9")])]),
        ("user", [("name", "barney"), ("privilege", "15"), ("secret", [("encryption", "5")])]),
    ]


def test_content_match_conjunction() -> None:
    """All sibling content match nodes must match."""
    ok = _run(f'<top xmlns="{A}"><user><name>admin</name><privilege>15</privilege></user></top>')
    assert [u[1][0] for u in _users(ok)] == [("name", "admin")]
    assert len(_run(f'<top xmlns="{A}"><user><name>admin</name><privilege>1</privilege></user></top>')) == 0


def test_content_match_only_selects_whole_parent() -> None:
    """A content-match-only sibling set selects everything at that level (RFC 6241 §6.2.5)."""
    data = _parse(DATA)
    result = subtree_filter(data, _filter(f'<top xmlns="{A}"><hostname>r1</hostname></top>'), SCHEMA)
    assert _canon(result) == _canon(data)
    assert len(_run(f'<top xmlns="{A}"><hostname>r2</hostname></top>')) == 0


def test_failed_content_match_suppresses_siblings() -> None:
    assert len(_run(f'<top xmlns="{A}"><hostname>r2</hostname><ssh/></top>')) == 0
    result = _run(f'<top xmlns="{A}"><hostname>r1</hostname><ssh><version/></ssh></top>')
    _expect(result, f'<top xmlns="{A}"><hostname>r1</hostname><ssh><version>2</version></ssh></top>')


def test_leaf_list_content_match_selects_matching_instance_only() -> None:
    result = _run(f'<top xmlns="{A}"><ssh><algorithm>aes256-ctr</algorithm><version/></ssh></top>')
    _expect(result, f'<top xmlns="{A}"><ssh><version>2</version><algorithm>aes256-ctr</algorithm></ssh></top>')


def test_content_match_whitespace_is_stripped() -> None:
    result = _run(f'<top xmlns="{A}">\n  <user>\n    <name>\n   fred  \n</name>\n  </user>\n</top>')
    assert [u[1][0] for u in _users(result)] == [("name", "fred")]


def test_pretty_printed_filter_equals_compact() -> None:
    compact = f'<top xmlns="{A}"><user><name>admin</name><secret><encryption/></secret></user></top>'
    pretty = f"""
      <top xmlns="{A}">
        <user>
          <name>admin</name>
          <secret>
            <encryption>   </encryption>
          </secret>
        </user>
      </top>
    """
    data = _parse(DATA)
    f_pretty = etree.fromstring(f'<filter xmlns="{NC}">{pretty}</filter>')  # keep the blank text nodes
    assert _canon(subtree_filter(data, f_pretty, SCHEMA)) == _canon(_run(compact))


def test_comments_in_filter_are_ignored() -> None:
    result = _run(f'<top xmlns="{A}"><!-- c --><user><name>fr<!-- x -->ed</name></user></top>')
    assert [u[1][0] for u in _users(result)] == [("name", "fred")]


def test_identityref_style_value_matches_with_other_prefix() -> None:
    data = f"""<data xmlns="{NC}"><top xmlns="{A}" xmlns:x="{OTHER}">
      <user><name>a</name><privilege>x:level-one</privilege></user>
      <user><name>b</name><privilege>x:level-two</privilege></user></top></data>"""
    result = _run(f'<top xmlns="{A}" xmlns:y="{OTHER}"><user><privilege>y:level-two</privilege></user></top>', data)
    assert [u[1][0] for u in _users(result)] == [("name", "b")]
    # an unresolvable prefix is plain text (and IPv6-looking values are never taken for qualified names)
    assert len(_run(f'<top xmlns="{A}"><user><privilege>z:level-two</privilege></user></top>', data)) == 0


@pytest.mark.parametrize(
    "body",
    [
        "<user><privilege/></user>",  # leaf copied into a partly selected entry
        "<user><name>a</name></user>",  # whole entry copied
        "<user/>",
        "<user><name>a</name><secret/></user>",  # whole container below a partly selected entry
    ],
)
def test_prefixes_used_in_values_stay_declared(body: str) -> None:
    """A copy must keep the declaration of a prefix that only a value uses, even if declared far above."""
    data = f"""<data xmlns="{NC}"><top xmlns="{A}" xmlns:x="{OTHER}">
      <user><name>a</name><privilege>x:level-one</privilege><secret><encryption>x:enc</encryption></secret>
      </user></top></data>"""
    result = etree.fromstring(etree.tostring(_run(f'<top xmlns="{A}">{body}</top>', data)))
    values = [e for e in result.iter() if (e.text or "").startswith("x:")]
    assert values
    assert all(e.nsmap.get("x") == OTHER for e in values)


def test_top_level_content_match_selects_only_that_leaf() -> None:
    """At the top level each filter child is an independent subtree (no 'whole datastore')."""
    data = f'<data xmlns="{NC}"><mode xmlns="{A}">on</mode><other xmlns="{B}"><x/></other></data>'
    _expect(_run(f'<mode xmlns="{A}">on</mode>', data), f'<mode xmlns="{A}">on</mode>')
    assert len(_run(f'<mode xmlns="{A}">off</mode>', data)) == 0
    # a failing top-level content match does not suppress another top-level subtree
    _expect(_run(f'<mode xmlns="{A}">off</mode><other xmlns="{B}"/>', data), f'<other xmlns="{B}"><x/></other>')


# ---------------------------------------------------------------------------------------------- namespaces


def test_namespace_mismatch_returns_nothing() -> None:
    assert len(_run(f'<top xmlns="{OTHER}"/>')) == 0
    # <accounting> lives in namespace B (an augment); asking for it in A's namespace selects nothing
    assert len(_run(f'<top xmlns="{A}"><aaa><accounting/></aaa></top>')) == 0


def test_augmented_namespace_selects() -> None:
    result = _run(f'<top xmlns="{A}"><aaa><accounting xmlns="{B}"><method/></accounting></aaa></top>')
    _expect(
        result,
        f'<top xmlns="{A}"><aaa><accounting xmlns="{B}"><method>local</method></accounting></aaa></top>',
    )


def test_namespace_less_filter_matches_any_namespace() -> None:
    """ConfD / IOS XE leniency: a filter node with no namespace matches by local name in any namespace."""
    result = _run('<top xmlns=""><aaa><accounting><mode/></accounting></aaa></top>')
    _expect(
        result,
        f'<top xmlns="{A}"><aaa><accounting xmlns="{B}"><mode>start-stop</mode></accounting></aaa></top>',
    )
    assert _users(_run('<top xmlns=""><user><name>fred</name></user></top>')) == [
        ("user", [("name", "fred"), ("privilege", "1")])
    ]
    # mixed: a namespaced path with one namespace-less step
    result = _run(f'<top xmlns="{A}"><aaa><accounting xmlns=""><method/></accounting></aaa></top>')
    assert result.findtext(f"{{{A}}}top/{{{A}}}aaa/{{{B}}}accounting/{{{B}}}method") == "local"


def test_ncclient_style_prefixed_filter() -> None:
    """ncclient sends <nc:filter> with unprefixed, namespace-less children."""
    f = _parse(f'<nc:filter xmlns:nc="{NC}" type="subtree"><top><hostname/></top></nc:filter>')
    result = subtree_filter(_parse(DATA), f, SCHEMA)
    _expect(result, f'<top xmlns="{A}"><hostname>r1</hostname></top>')


def test_filter_node_in_netconf_namespace_does_not_match() -> None:
    """Strict RFC: a child that inherits the NETCONF base namespace is namespaced, and no data lives there."""
    assert len(_run("<top/>")) == 0


def test_output_keeps_data_prefixes() -> None:
    data = f'<nc:data xmlns:nc="{NC}"><a:top xmlns:a="{A}"><a:hostname>r1</a:hostname><a:ssh/></a:top></nc:data>'
    result = subtree_filter(_parse(data), _filter(f'<top xmlns="{A}"><hostname/></top>'), SCHEMA)
    assert etree.tostring(result).decode() == (
        f'<nc:data xmlns:nc="{NC}"><a:top xmlns:a="{A}"><a:hostname>r1</a:hostname></a:top></nc:data>'
    )


# ------------------------------------------------------------------------------------------------ list keys


def test_keys_included_through_containment() -> None:
    """Entries reached by containment carry their key; entries where nothing matched are pruned (fred)."""
    assert _users(_run(f'<top xmlns="{A}"><user><secret><encryption/></secret></user></top>')) == [
        ("user", [("name", "admin"), ("secret", [("encryption", "9")])]),
        ("user", [("name", "barney"), ("secret", [("encryption", "5")])]),
    ]


def test_keys_need_the_schema() -> None:
    result = _run(f'<top xmlns="{A}"><user><privilege/></user></top>', schema=None)
    assert _users(result) == [
        ("user", [("privilege", "15")]),
        ("user", [("privilege", "1")]),
        ("user", [("privilege", "15")]),
    ]


def test_keys_come_first_in_key_order() -> None:
    entry = "<user><privilege>3</privilege><name>z</name></user>"
    data = f'<data xmlns="{NC}"><top xmlns="{A}">{entry}</top></data>'
    assert _users(_run(f'<top xmlns="{A}"><user><privilege/></user></top>', data)) == [
        ("user", [("name", "z"), ("privilege", "3")])
    ]


def test_empty_containers_are_pruned() -> None:
    """A containment node whose criteria select nothing is not output (RFC 6241 §6.2.5, 2nd bullet)."""
    assert len(_run(f'<top xmlns="{A}"><ssh><nonexistent/></ssh></top>')) == 0
    assert len(_run(f'<top xmlns="{A}"><hostname><deeper/></hostname></top>')) == 0


def test_selection_of_empty_leaf_and_container() -> None:
    result = _run(f'<top xmlns="{A}"><aaa><new-model/></aaa></top>')
    _expect(result, f'<top xmlns="{A}"><aaa><new-model/></aaa></top>')


# ----------------------------------------------------------------------------------------- malformed input


def test_mixed_content_is_an_error() -> None:
    with pytest.raises(FilterError) as exc:
        _run(f'<top xmlns="{A}"><user>oops<name/></user></top>')
    assert exc.value.bad_element == "user"
    with pytest.raises(FilterError) as exc:
        _run(f'<top xmlns="{A}"><user><name/>trailing</user></top>')
    assert exc.value.bad_element == "user"


def test_text_directly_in_filter_is_an_error() -> None:
    with pytest.raises(FilterError) as exc:
        _run("hostname")
    assert exc.value.bad_element == "filter"


# ------------------------------------------------------------------------------------------------ purity


def test_inputs_not_mutated() -> None:
    data = etree.fromstring(DATA)  # keep whitespace text nodes: tails must survive as well
    f = _filter(f'<top xmlns="{A}"><user><privilege>15</privilege><secret/></user><ssh/><hostname/></top>')
    before = (etree.tostring(data), etree.tostring(f))
    result = subtree_filter(data, f, SCHEMA)
    assert (etree.tostring(data), etree.tostring(f)) == before
    # the result is a document of its own: changing it leaves the inputs alone
    assert all(e.getroottree().getroot() is result for e in result.iter())
    result[0].clear()
    assert (etree.tostring(data), etree.tostring(f)) == before


# ---------------------------------------------------------------------------------------------- large data


def _many_users(n: int) -> etree._Element:
    data = etree.Element(f"{{{NC}}}data", nsmap={None: NC})
    top = etree.SubElement(data, f"{{{A}}}top", nsmap={None: A})
    for i in range(n):
        u = etree.SubElement(top, f"{{{A}}}user")
        etree.SubElement(u, f"{{{A}}}name").text = f"u{i}"
        etree.SubElement(u, f"{{{A}}}privilege").text = str(i % 16)
    return data


def test_many_entries_by_key() -> None:
    """Many <user> subtrees by key against a large list (the indexed path) give exactly those entries."""
    data = _many_users(5000)
    wanted = [f"u{i}" for i in range(0, 5000, 97)] + ["missing"]
    body = "".join(f"<user><name>{w}</name><privilege/></user>" for w in wanted)
    result = subtree_filter(data, _filter(f'<top xmlns="{A}">{body}</top>'), SCHEMA)
    names = [u.findtext(f"{{{A}}}name") for u in result[0]]
    assert names == wanted[:-1]
    single = subtree_filter(data, _filter(f'<top xmlns="{A}"><user><name>u4999</name></user></top>'), SCHEMA)
    assert [_shape(u) for u in single[0]] == [("user", [("name", "u4999"), ("privilege", "7")])]


# ---------------------------------------------------------------------------------------------- properties

NAMES = ["admin", "fred", "barney", "wilma"]
VALUES = ["0", "1", "15", "5", "9", "r1", "r2", "local", "aes128-ctr", "aes256-ctr", "x"]


@st.composite
def data_trees(draw: st.DrawFn) -> etree._Element:
    data = etree.Element(f"{{{NC}}}data", nsmap={None: NC})
    if not draw(st.booleans()):
        return data
    top = etree.SubElement(data, f"{{{A}}}top", nsmap={None: A, "b": B})

    def leaf(parent: etree._Element, ns: str, name: str) -> None:
        if draw(st.booleans()):
            etree.SubElement(parent, f"{{{ns}}}{name}").text = draw(st.sampled_from(VALUES))

    leaf(top, A, "hostname")
    for name in draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=4)):
        u = etree.SubElement(top, f"{{{A}}}user")
        etree.SubElement(u, f"{{{A}}}name").text = name
        leaf(u, A, "privilege")
        if draw(st.booleans()):
            s = etree.SubElement(u, f"{{{A}}}secret")
            leaf(s, A, "encryption")
            leaf(s, A, "secret")
    if draw(st.booleans()):
        ssh = etree.SubElement(top, f"{{{A}}}ssh")
        leaf(ssh, A, "version")
        leaf(ssh, A, "time-out")
        for alg in draw(st.lists(st.sampled_from(["aes128-ctr", "aes256-ctr", "x"]), unique=True)):
            etree.SubElement(ssh, f"{{{A}}}algorithm").text = alg
    if draw(st.booleans()):
        aaa = etree.SubElement(top, f"{{{A}}}aaa")
        if draw(st.booleans()):
            etree.SubElement(aaa, f"{{{A}}}new-model")
        if draw(st.booleans()):
            acc = etree.SubElement(aaa, f"{{{B}}}accounting")
            leaf(acc, B, "method")
            leaf(acc, B, "mode")
    return data


def _filter_node(draw: st.DrawFn, snode: SchemaNode, depth: int) -> etree._Element:
    ns_less = draw(st.integers(0, 9)) == 0
    el = etree.Element(snode.name if ns_less else snode.tag)
    leafy = snode.kind in (Kind.LEAF, Kind.LEAF_LIST)
    choice = draw(st.sampled_from(["select", "content"] if leafy else ["select", "contain", "contain"]))
    if choice == "content":
        el.text = draw(st.sampled_from(NAMES + VALUES if snode.name == "name" else VALUES))
    elif choice == "contain" and depth < 4:
        kids = list(snode.data_children.values())
        for child in draw(st.lists(st.sampled_from(kids), min_size=1, max_size=4)):
            el.append(_filter_node(draw, child, depth + 1))
    return el


@st.composite
def filters(draw: st.DrawFn) -> etree._Element:
    f = etree.Element(f"{{{NC}}}filter")
    for _ in range(draw(st.integers(0, 3))):
        f.append(_filter_node(draw, SCHEMA.root.child(f"{{{A}}}top"), 0))  # type: ignore[arg-type]
    return f


def _paths(el: etree._Element, prefix: tuple[object, ...] = ()) -> set[tuple[object, ...]]:
    """Every node as a path of (tag, identity): list entries by key, leaves by value."""
    out: set[tuple[object, ...]] = set()
    for c in el.iterchildren(tag=etree.Element):
        if c.tag == f"{{{A}}}user":
            ident: object = c.findtext(f"{{{A}}}name")
        elif len(c) == 0:
            ident = (c.text or "").strip()
        else:
            ident = None
        path = (*prefix, (c.tag, ident))
        out.add(path)
        out |= _paths(c, path)
    return out


PROPS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(data_trees())
def test_prop_selecting_each_top_level_node_returns_data(data: etree._Element) -> None:
    f = etree.Element(f"{{{NC}}}filter")
    for c in data:
        etree.SubElement(f, c.tag)
    assert _canon(subtree_filter(data, f, SCHEMA)) == _canon(data)


@PROPS
@given(data_trees(), filters())
def test_prop_result_is_subtree_of_data_and_inputs_untouched(data: etree._Element, f: etree._Element) -> None:
    before = (etree.tostring(data), etree.tostring(f))
    result = subtree_filter(data, f, SCHEMA)
    assert (etree.tostring(data), etree.tostring(f)) == before
    assert result.tag == data.tag
    assert _paths(result) <= _paths(data)
    # list entries in the output always carry their key, exactly once and first
    for u in result.iter(f"{{{A}}}user"):
        assert u[0].tag == f"{{{A}}}name"
        assert len(u.findall(f"{{{A}}}name")) == 1


@PROPS
@given(data_trees(), filters())
def test_prop_idempotent(data: etree._Element, f: etree._Element) -> None:
    once = subtree_filter(data, f, SCHEMA)
    assert _canon(subtree_filter(once, f, SCHEMA)) == _canon(once)


@PROPS
@given(data_trees(), filters())
def test_prop_duplicated_subtrees_change_nothing(data: etree._Element, f: etree._Element) -> None:
    """Repeating every filter node (which also exercises the index path) selects the same nodes."""

    def doubled(el: etree._Element) -> etree._Element:
        out = etree.Element(el.tag)
        out.text = el.text
        for c in el:
            out.append(doubled(c))
            out.append(doubled(c))
        return out

    assert _canon(subtree_filter(data, doubled(f), SCHEMA)) == _canon(subtree_filter(data, f, SCHEMA))


@PROPS
@given(data_trees(), st.lists(st.sampled_from([*NAMES, "nobody"]), unique=True, min_size=1, max_size=4))
def test_prop_entries_by_key_oracle(data: etree._Element, names: list[str]) -> None:
    body = "".join(f"<user><name>{n}</name></user>" for n in names)
    result = subtree_filter(data, _filter(f'<top xmlns="{A}">{body}</top>'), SCHEMA)
    expected = [u for u in data.iter(f"{{{A}}}user") if u.findtext(f"{{{A}}}name") in names]
    got = list(result.iter(f"{{{A}}}user"))
    assert [_canon(u) for u in got] == [_canon(copy.deepcopy(u)) for u in expected]
