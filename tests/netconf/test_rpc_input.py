"""The schema-driven RPC-input validator (iosxe_agent.netconf.rpc_input) against a small module written for it.

The module's RPC has leaves of several types, a mandatory leaf, a mandatory choice, a choice with a default case,
containers with and without presence, a keyed list with min/max-elements, a leaf-list and an identityref: each
RFC 6241 / RFC 7950 §8.3.1 refusal is checked field by field, as a client reads it.
"""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.device.names import MODULES
from iosxe_agent.netconf.errors import ErrorTag, ErrorType, RpcError
from iosxe_agent.netconf.faults import RpcFault
from iosxe_agent.netconf.rpc_input import InputNode, parse_input
from iosxe_agent.yang.loader import default_search_path, load_schema
from iosxe_agent.yang.schema import Kind, Schema

NS = "urn:test:rpc-input"
OTHER = "urn:test:rpc-input-aug"
MODULE = """
module test-rpc-input {
  yang-version 1.1;
  namespace "urn:test:rpc-input";
  prefix ti;

  identity shape;
  identity circle { base shape; }
  identity colour;

  rpc run {
    input {
      leaf name { type string { length "1..8"; pattern '[a-z]+'; } mandatory true; }
      leaf count { type uint8 { range "1..10" { error-message "from 1 to 10 times"; } } default 3; }
      leaf verbose { type boolean; default false; }
      leaf dry-run { type empty; }
      leaf level { type enumeration { enum low; enum high; } }
      leaf kind { type identityref { base shape; } }
      choice target {
        mandatory true;
        leaf file { type string; }
        case remote { leaf host { type string; } leaf port { type uint16; default 22; } }
      }
      choice speed {
        default normal;
        case normal { leaf rate { type uint8; default 5; } }
        case fast { leaf burst { type empty; } }
      }
      container options {
        leaf retries { type uint8; default 2; }
        container deep { leaf depth { type int8; default -1; } }
      }
      container auth {
        presence "authenticate";
        leaf user { type string; mandatory true; }
      }
      list step {
        key "id";
        min-elements 1;
        max-elements 3;
        leaf id { type uint8; }
        leaf action { type string; default "noop"; }
      }
      leaf-list tag { type string; max-elements 2; }
      anyxml extra;
    }
  }
  rpc ping { }
}
"""
AUGMENT = """
module test-rpc-input-aug {
  yang-version 1.1;
  namespace "urn:test:rpc-input-aug";
  prefix ta;
  import test-rpc-input { prefix ti; }
  augment "/ti:run/ti:input/ti:options" { leaf name { type uint8; } }
}
"""
#: the smallest valid input: the mandatory leaf, one case of the mandatory choice, one list entry
MINIMAL = "<name>job</name><file>a.cfg</file><step><id>1</id></step>"


@cache
def small_schema() -> Schema:
    """The two modules, compiled once (the files are only read while compiling)."""
    with tempfile.TemporaryDirectory(prefix="test-rpc-input-") as tmp:
        d = Path(tmp)
        (d / "test-rpc-input.yang").write_text(MODULE)
        (d / "test-rpc-input-aug.yang").write_text(AUGMENT)
        return load_schema(default_search_path(d), ["test-rpc-input", "test-rpc-input-aug"])


def run(body: str, op: str = "run") -> InputNode:
    return parse_input(small_schema(), etree.fromstring(f'<{op} xmlns="{NS}" xmlns:ti="{NS}">{body}</{op}>'))


def refused(body: str) -> RpcError:
    with pytest.raises(RpcFault) as exc:
        run(body)
    (error,) = exc.value.errors
    return error


# -- the view ---------------------------------------------------------------------------------------------------
def test_values_are_canonical_and_defaults_fill_the_gaps() -> None:
    args = run("<count>+07</count><kind>ti:circle</kind><level> high </level>" + MINIMAL + "<dry-run/>")
    assert args.text("name") == "job" and args.integer("count") == 7 and args.text("level") == "high"
    assert args.text("kind") == "ti:circle"
    assert args.flag("dry-run") and args.has("dry-run") and not args.flag("verbose")  # boolean default false
    assert not args.has("verbose") and args.text("verbose") == "false"
    assert args.text("file") == "a.cfg" and args.text("port") is None  # the other case's default does not apply
    assert args.integer("rate") == 5 and args.text("burst") is None  # the default case, no case given


def test_an_unprefixed_identityref_without_a_default_namespace_is_read_in_the_leafs_module() -> None:
    op = etree.fromstring(
        f'<ti:run xmlns:ti="{NS}"><ti:name>job</ti:name><ti:file>f</ti:file><ti:step><ti:id>1</ti:id></ti:step>'
        "<ti:kind>circle</ti:kind></ti:run>"
    )  # as ncclient writes get-schema's <format>
    assert parse_input(small_schema(), op).text("kind") == "ti:circle"
    assert refused(MINIMAL + f'<kind xmlns:x="{OTHER}">x:circle</kind>').tag is ErrorTag.INVALID_VALUE


def test_absent_non_presence_containers_carry_defaults_and_presence_ones_are_none() -> None:
    args = run(MINIMAL)
    options = args.container("options")
    assert options is not None and options.element is None and not args.has("options")
    assert options.integer("retries") == 2
    deep = options.container("deep")
    assert deep is not None and deep.integer("depth") == -1
    assert args.container("auth") is None
    auth = run(MINIMAL + "<auth><user>bob</user></auth>").container("auth")
    assert auth is not None and auth.text("user") == "bob"


def test_a_case_given_brings_its_defaults() -> None:
    args = run("<name>job</name><host>h</host><step><id>1</id></step><burst/>")
    assert args.integer("port") == 22 and args.flag("burst") and args.text("rate") is None


def test_lists_leaf_lists_and_augmented_nodes() -> None:
    args = run(
        "<name>job</name><file>f</file><step><id>2</id><action>go</action></step><step><id>1</id></step>"
        f'<tag>b</tag><tag>a</tag><options><name xmlns="{OTHER}">09</name></options>'
    )
    assert [(e.integer("id"), e.text("action")) for e in args.entries("step")] == [(2, "go"), (1, "noop")]
    assert args.values("tag") == ("b", "a")
    options = args.container("options")
    assert options is not None and options.integer(f"{{{OTHER}}}name") == 9
    with pytest.raises(KeyError):
        args.text("nmae")  # a typo in a handler is a programming error, not a silent None


def test_an_rpc_without_input_takes_nothing() -> None:
    assert not run("", op="ping").present
    with pytest.raises(RpcFault) as exc:
        run("<x/>", op="ping")
    assert exc.value.errors[0].tag is ErrorTag.UNKNOWN_ELEMENT


def test_an_rpc_the_schema_lacks_is_a_server_bug() -> None:
    with pytest.raises(LookupError):
        parse_input(small_schema(), etree.fromstring(f'<nothing xmlns="{NS}"/>'))


# -- refusals ---------------------------------------------------------------------------------------------------
def test_unknown_elements() -> None:
    assert refused(MINIMAL + "<bogus/>") == RpcError(
        ErrorType.PROTOCOL,
        ErrorTag.UNKNOWN_ELEMENT,
        message="<run> has no parameter <bogus>",
        info=(("bad-element", "bogus"),),
    )
    err = refused(MINIMAL + "<options><retry>1</retry></options>")
    assert (err.tag, err.message) == (ErrorTag.UNKNOWN_ELEMENT, "<options> has no parameter <retry>")
    err = refused(MINIMAL + f'<count xmlns="{OTHER}">1</count>')  # right name, wrong namespace
    assert err.tag is ErrorTag.UNKNOWN_ELEMENT


def test_invalid_values_carry_path_app_tag_and_bad_element() -> None:
    err = refused(MINIMAL.replace("job", "Job"))
    assert (err.type, err.tag, err.app_tag) == (ErrorType.APPLICATION, ErrorTag.INVALID_VALUE, None)
    assert (err.path, dict(err.path_ns), err.info) == ("/ti:run/ti:name", {"ti": NS}, (("bad-element", "name"),))
    assert refused(MINIMAL + "<count>11</count>").message == "from 1 to 10 times"  # the module's error-message
    for body in ("<count>0</count>", "<count>x</count>", "<verbose>yes</verbose>", "<dry-run>1</dry-run>",
                 "<level>mid</level>", "<kind>ti:colour</kind>", "<count><x/></count>"):  # fmt: skip
        assert refused(MINIMAL + body).tag is ErrorTag.INVALID_VALUE, body


def test_invalid_values_deep_down_name_the_instance() -> None:
    err = refused("<name>j</name><file>f</file><step><id>4</id><action>a</action></step><step><id>x</id></step>")
    assert err.path == "/ti:run/ti:step[ti:id='x']/ti:id"
    err = refused(MINIMAL + f'<options><name xmlns="{OTHER}">300</name></options>')
    assert err.path == "/ti:run/ti:options/ta:name" and dict(err.path_ns) == {"ti": NS, "ta": OTHER}
    err = refused(MINIMAL + "<options><deep><depth>200</depth></deep></options>")
    assert err.path == "/ti:run/ti:options/ti:deep/ti:depth"


def test_missing_elements() -> None:
    err = refused("<file>f</file><step><id>1</id></step>")
    assert err == RpcError(
        ErrorType.PROTOCOL, ErrorTag.MISSING_ELEMENT, message="<run> requires the <name> parameter",
        info=(("bad-element", "name"),),
    )  # fmt: skip
    err = refused("<name>job</name><step><id>1</id></step>")  # a mandatory choice: named by its first node
    assert (err.tag, err.info) == (ErrorTag.MISSING_ELEMENT, (("bad-element", "file"),))
    err = refused(MINIMAL + "<auth/>")  # mandatory inside a presence container that is there
    assert (err.tag, err.message) == (ErrorTag.MISSING_ELEMENT, "<auth> requires the <user> parameter")
    err = refused("<name>job</name><file>f</file><step><action>a</action></step>")  # a list key
    assert (err.tag, err.info) == (ErrorTag.MISSING_ELEMENT, (("bad-element", "id"),))


def test_bad_elements() -> None:
    err = refused(MINIMAL + "<count>1</count><count>2</count>")
    assert (err.type, err.tag, err.message) == (
        ErrorType.PROTOCOL,
        ErrorTag.BAD_ELEMENT,
        "<count> is given more than once",
    )
    err = refused("<name>job</name><file>f</file><host>h</host><step><id>1</id></step>")  # two cases of one choice
    assert (err.tag, err.message, err.info) == (
        ErrorTag.BAD_ELEMENT, "<file> and <host> cannot be combined", (("bad-element", "host"),)
    )  # fmt: skip
    assert refused(MINIMAL + "<rate>1</rate><burst/>").tag is ErrorTag.BAD_ELEMENT
    assert refused(MINIMAL + "<options/><options/>").tag is ErrorTag.BAD_ELEMENT
    err = refused(MINIMAL + "<step><id>01</id></step>")  # the same key, canonically
    assert (err.tag, err.info) == (ErrorTag.BAD_ELEMENT, (("bad-element", "step"),))


def test_element_counts() -> None:
    err = refused("<name>job</name><file>f</file>")
    assert (err.tag, err.app_tag, err.path) == (ErrorTag.OPERATION_FAILED, "too-few-elements", "/ti:run/ti:step")
    steps = "".join(f"<step><id>{i}</id></step>" for i in range(4))
    err = refused(f"<name>job</name><file>f</file>{steps}")
    assert (err.tag, err.app_tag) == (ErrorTag.OPERATION_FAILED, "too-many-elements")
    err = refused(MINIMAL + "<tag>a</tag><tag>b</tag><tag>c</tag>")
    assert (err.app_tag, err.path) == ("too-many-elements", "/ti:run/ti:tag")


# -- whatever arrives ---------------------------------------------------------------------------------------------
@cache
def served_schema() -> Schema:
    """The schema the agent serves (its RPCs are what clients really call)."""
    return load_schema(default_search_path(Path(__file__).resolve().parents[2] / "yang"), MODULES)


def _names(schema: Schema, rpc: str) -> list[str]:
    node = schema.rpc_input(rpc)
    assert node is not None
    return sorted({n.name for n in node.walk() if n.kind not in (Kind.INPUT, Kind.CHOICE, Kind.CASE)} | {"bogus"})


@st.composite
def requests(draw: st.DrawFn) -> tuple[Schema, etree._Element]:
    """A request for any RPC of either schema: its own element names (and one stranger) nested at random."""
    schema = draw(st.sampled_from([small_schema(), served_schema()]))
    rpc = draw(st.sampled_from(sorted(schema.rpcs)))
    ns = rpc[1:].split("}")[0]
    names = st.sampled_from(_names(schema, rpc))
    texts = st.sampled_from(["", " 1 ", "0", "300", "-1", "true", "x", "flash:f", "running-config", "ti:circle"])
    tree = st.recursive(
        st.tuples(names, texts, st.just(())),
        lambda inner: st.tuples(names, texts, st.lists(inner, max_size=4).map(tuple)),
        max_leaves=12,
    )
    op = etree.Element(rpc, nsmap={None: ns})

    def build(parent: etree._Element, node: tuple[str, str, tuple[object, ...]]) -> None:
        el = etree.SubElement(parent, f"{{{ns}}}{node[0]}")
        el.text = node[1]
        for child in node[2]:
            build(el, child)  # type: ignore[arg-type]

    for top in draw(st.lists(tree, max_size=5)):
        build(op, top)
    return schema, op


@settings(max_examples=150, deadline=None)
@given(requests())
def test_any_request_gets_a_view_or_an_rpc_6241_fault(request: tuple[Schema, etree._Element]) -> None:
    schema, op = request
    try:
        args = parse_input(schema, op)
    except RpcFault as fault:
        (error,) = fault.errors
        assert error.tag in set(ErrorTag) and error.message
        assert ("bad-element", error.info[0][1]) == error.info[0] if error.info else error.app_tag is not None
        if error.path is not None:
            prefixes = {step.split(":")[0] for step in error.path.split("/")[1:]}
            assert prefixes <= set(error.path_ns), error.path  # every prefix of the error-path resolves
        return
    assert args.present <= set(args.schema.data_children)
