"""Input generators shared by the fuzz targets: schema-guided XML, RPC messages, XPath text, CLI lines.

Purely random bytes rarely get past the first check of a parser, so most inputs here follow the shape the code
expects (the real Cisco schema, the RFC 6241 operations, the IOS command words) and then break it in small ways:
an unknown element, a wrong value, a stray attribute, a truncation, a byte flip. pytest runs in importlib mode,
so the fuzz conftest loads this module and hands it to the tests as the ``gen`` fixture.
"""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st
from lxml import etree
from namespaces import NC, YANG_NS

from iosxe_agent.yang.schema import Kind, Schema, SchemaNode

NC_OP = f"{{{NC}}}operation"
OPERATIONS = ("merge", "replace", "create", "delete", "remove", "none", "bogus", "")
INSERTS = ("first", "last", "before", "after", "middle")

#: characters lxml accepts in text and attributes (no controls, surrogates or non-characters)
XML_CHARS = st.characters(blacklist_categories=("Cs", "Cc", "Cn"))

#: leaf texts: valid-looking values of most Cisco types, and what breaks them
VALUES = st.one_of(
    st.sampled_from(["0", "1", "2", "15", "60", "120", "4096", "-1", "65536", "99999999999999999999", "true"]),
    st.sampled_from(["false", "ssh", "telnet", "local", "R1", "lab.local", "aes128-ctr", "10.0.0.1", "::1", ""]),
    st.text(alphabet=XML_CHARS, max_size=12),
    st.integers(-(2**40), 2**40).map(str),
)

_JUNK_NAMES = st.sampled_from(["x", "foo", "config", "rpc", "data", "filter", "native", "operation", "a-b"])
_JUNK_NS = st.sampled_from([NC, "urn:example:other", "http://cisco.com/ns/yang/Cisco-IOS-XE-native", ""])


class _Ref:
    """A schema object passed to a composite strategy. Hypothesis pretty-prints a strategy's arguments (and so
    every dataclass field of a schema node, parents and children included) for each draw; this keeps that to a
    name."""

    __slots__ = ("name", "value")

    def __init__(self, value: Schema | SchemaNode, name: str) -> None:
        self.value = value
        self.name = name

    def __repr__(self) -> str:
        return self.name


def _data_children(node: SchemaNode) -> list[_Ref]:
    return [_Ref(c, c.name) for c in node.data_children.values() if c.kind is not Kind.CASE]


@st.composite
def junk_element(draw: st.DrawFn) -> etree._Element:
    """An element the schema does not know (or knows elsewhere), possibly with text."""
    ns, name = draw(_JUNK_NS), draw(_JUNK_NAMES)
    el = etree.Element(f"{{{ns}}}{name}" if ns else name)
    if draw(st.booleans()):
        el.text = draw(VALUES)
    return el


@st.composite
def _schema_element(draw: st.DrawFn, ref: _Ref, depth: int, edit_attrs: bool) -> etree._Element:
    """An instance of a data node with a random subset of its children, ``depth`` levels deep."""
    node: SchemaNode = ref.value  # type: ignore[assignment]
    el = etree.Element(node.tag)
    if edit_attrs and draw(st.integers(0, 4)) == 0:
        el.set(NC_OP, draw(st.sampled_from(OPERATIONS)))
    if node.ordered_by_user and draw(st.integers(0, 3)) == 0:
        el.set(f"{{{YANG_NS}}}insert", draw(st.sampled_from(INSERTS)))
        if draw(st.booleans()):
            attr = "value" if node.kind is Kind.LEAF_LIST else "key"
            el.set(f"{{{YANG_NS}}}{attr}", draw(st.sampled_from(["[name='a']", "x", "[x='1'][y='2']", "']["])))
    if node.kind in (Kind.LEAF, Kind.LEAF_LIST):
        if draw(st.integers(0, 5)):
            el.text = draw(VALUES)
        return el
    children = _data_children(node)
    if depth <= 0 or not children:
        return el
    keys = [c for c in children if c.value.tag in node.keys]  # type: ignore[union-attr]
    chosen = keys + draw(st.lists(st.sampled_from(children), max_size=3))
    for child in chosen:
        el.append(draw(_schema_element(child, depth - 1, edit_attrs)))
    if draw(st.integers(0, 9)) == 0:
        el.insert(draw(st.integers(0, len(el))), draw(junk_element()))
    return el


def config(schema: Schema, wrapper: str = "config", edit_attrs: bool = True) -> st.SearchStrategy[etree._Element]:
    """``<config>`` (or another wrapper in the base namespace) holding a few schema-shaped top-level trees."""
    return _config(_Ref(schema.root, "schema"), wrapper, edit_attrs)


@st.composite
def _config(draw: st.DrawFn, root_ref: _Ref, wrapper: str, edit_attrs: bool) -> etree._Element:
    root = etree.Element(f"{{{NC}}}{wrapper}", nsmap={None: NC})
    tops = _data_children(root_ref.value)  # type: ignore[arg-type]
    for top in draw(st.lists(st.sampled_from(tops), min_size=0, max_size=2)):
        root.append(draw(_schema_element(top, draw(st.integers(1, 6)), edit_attrs)))
    if draw(st.integers(0, 9)) == 0:
        root.append(draw(junk_element()))
    return root


_DATASTORES = st.sampled_from(["running", "candidate", "startup", "bogus"])


@st.composite
def _target(draw: st.DrawFn, name: str) -> etree._Element:
    el = etree.Element(f"{{{NC}}}{name}")
    if draw(st.integers(0, 9)):
        etree.SubElement(el, f"{{{NC}}}{draw(_DATASTORES)}")
    return el


def rpc_operation(schema: Schema) -> st.SearchStrategy[etree._Element]:
    """One operation element: every base operation the agent serves, with plausible and broken parameters."""
    return _rpc_operation(_Ref(schema, "schema"))


@st.composite
def _rpc_operation(draw: st.DrawFn, ref: _Ref) -> etree._Element:
    schema: Schema = ref.value  # type: ignore[assignment]
    name = draw(
        st.sampled_from(
            [
                "get", "get-config", "edit-config", "copy-config", "delete-config", "lock", "unlock", "validate",
                "commit", "discard-changes", "cancel-commit", "kill-session", "get-schema", "partial-lock",
                "partial-unlock", "nonexistent",
            ]
        )
    )  # fmt: skip
    op = etree.Element(f"{{{NC}}}{name}")
    if name in ("get-config", "lock", "unlock", "validate", "copy-config"):
        op.append(draw(_target(draw(st.sampled_from(["source", "target"])))))
    if name in ("edit-config", "copy-config", "delete-config"):
        op.append(draw(_target("target")))
    if name in ("get", "get-config") and draw(st.booleans()):
        op.append(draw(filter_element(schema)))
    if name in ("edit-config", "copy-config", "validate") and draw(st.integers(0, 4)):
        op.append(draw(config(schema)))
    if name == "edit-config":
        for param, values in (
            ("default-operation", ["merge", "replace", "none", "bogus"]),
            ("test-option", ["test-then-set", "set", "test-only", "x"]),
            ("error-option", ["stop-on-error", "continue-on-error", "rollback-on-error", "y"]),
        ):
            if draw(st.booleans()):
                etree.SubElement(op, f"{{{NC}}}{param}").text = draw(st.sampled_from(values))
    if name in ("kill-session", "partial-unlock"):
        leaf = "session-id" if name == "kill-session" else "lock-id"
        etree.SubElement(op, f"{{{NC}}}{leaf}").text = draw(VALUES)
    if name == "partial-lock":
        etree.SubElement(op, f"{{{NC}}}select").text = draw(xpath_text())
    if name == "get-schema":
        etree.SubElement(op, "{urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring}identifier").text = draw(
            st.sampled_from(["Cisco-IOS-XE-native", "ietf-netconf", "nope", ""])
        )
    if draw(st.integers(0, 7)) == 0:
        op.append(draw(junk_element()))
    return op


def filter_element(schema: Schema) -> st.SearchStrategy[etree._Element]:
    """A ``<filter>``: subtree (schema-shaped, selection and content-match nodes) or XPath."""
    return _filter_element(_Ref(schema, "schema"))


@st.composite
def _filter_element(draw: st.DrawFn, ref: _Ref) -> etree._Element:
    schema: Schema = ref.value  # type: ignore[assignment]
    kind = draw(st.sampled_from(["subtree", "xpath", "", "bogus"]))
    if kind == "xpath":
        el = etree.Element(f"{{{NC}}}filter", nsmap={"ios": "http://cisco.com/ns/yang/Cisco-IOS-XE-native"})
        el.set("type", "xpath")
        el.set("select", draw(xpath_text()))
        return el
    el = draw(config(schema, "filter", edit_attrs=False))
    if kind:
        el.set("type", kind)
    return el


_XPATH_PIECES = st.sampled_from(
    [
        "/", "//", "ios:native", "ios:hostname", "ios:ip", "ios:ssh", "ios:username", "ios:name", "*", "..", ".",
        "[", "]", "(", ")", "'admin'", '"x"', "=", "!=", "<", ">=", " and ", " or ", "|", "@", "text()", "node()",
        "count(", "last()", "position()", "1", "2.5", "-", "+", " div ", " mod ", "contains(", "starts-with(",
        "not(", "concat(", ",", "derived-from(", "current()", "$v", "::", "child::", "ancestor::",
        "following-sibling::",
        "ios:line", "ios:vty", "1 = 1", "/ios:native/ios:hostname", "x:y", "string(", "sum(", "boolean(",
    ]
)  # fmt: skip


def xpath_text() -> st.SearchStrategy[str]:
    """XPath-like text: tokens of the grammar in random order, sometimes a valid path, sometimes noise."""
    return st.one_of(
        st.lists(_XPATH_PIECES, min_size=1, max_size=12).map("".join),
        st.text(alphabet=XML_CHARS, max_size=30),
    )


def mutate(data: bytes, edits: Sequence[tuple[int, int, int]]) -> bytes:
    """Apply byte edits ``(kind, position, value)``: 0 flips a byte, 1 deletes one, 2 inserts one, 3 truncates."""
    out = bytearray(data)
    for kind, pos, value in edits:
        if not out:
            break
        i = pos % len(out)
        if kind == 0:
            out[i] ^= value or 1
        elif kind == 1:
            del out[i]
        elif kind == 2:
            out.insert(i, value)
        else:
            del out[i:]
    return bytes(out)


BYTE_EDITS = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2**16), st.integers(0, 255)), max_size=4)
