"""Built-in YANG types (RFC 7950 §9): what each accepts, rejects, and its canonical form."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iosxe_agent.device.names import AAA_NS, NATIVE_NS, SNMP_NS
from iosxe_agent.yang.datatype import TypeMismatch, canonical, pattern_matches
from iosxe_agent.yang.schema import Identity, Pattern, TypeSpec, clark

EDGE = "urn:test:edge"


def ok(t: TypeSpec, text: str | None, **kw: Any) -> str:
    return canonical(text, t, **kw)


def bad(t: TypeSpec, text: str | None, **kw: Any) -> str:
    with pytest.raises(TypeMismatch) as info:
        canonical(text, t, **kw)
    assert info.value.message
    return info.value.message


def native_type(ios: Any, *path: str) -> TypeSpec:
    t = ios.node(*path).type
    assert t is not None
    return t


# -------------------------------------------------------------------------------------------- integers

INT_BOUNDS = {
    "int8": (-128, 127),
    "int16": (-32768, 32767),
    "int32": (-(2**31), 2**31 - 1),
    "int64": (-(2**63), 2**63 - 1),
    "uint8": (0, 255),
    "uint16": (0, 65535),
    "uint32": (0, 2**32 - 1),
    "uint64": (0, 2**64 - 1),
}


@pytest.mark.parametrize("base", sorted(INT_BOUNDS))
def test_integer_bounds(base: str) -> None:
    lo, hi = INT_BOUNDS[base]
    t = TypeSpec(base, base)
    assert ok(t, str(lo)) == str(lo)
    assert ok(t, str(hi)) == str(hi)
    assert "out of range" in bad(t, str(hi + 1))
    assert "out of range" in bad(t, str(lo - 1))


@pytest.mark.parametrize(
    ("text", "want"),
    [("+5", "5"), ("007", "7"), ("-0", "0"), ("+0", "0"), (" 42 ", "42"), ("\n\t12\r\n", "12"), ("-010", "-10")],
)
def test_integer_lexical_forms(text: str, want: str) -> None:
    assert ok(TypeSpec("int16", "int16"), text) == want


@pytest.mark.parametrize("text", ["", " ", "1.0", "0x10", "1e3", "1 2", "--1", "+-1", "12a", "٣", "1_000", None])
def test_integer_rejects(text: str | None) -> None:
    assert bad(TypeSpec("int32", "int32"), text)


def test_integer_with_thousands_of_digits_is_a_type_error() -> None:
    # Python's int() refuses more than 4300 digits with ValueError; that must surface as a TypeMismatch
    t = TypeSpec("uint8", "uint8")
    assert "out of range" in bad(t, "9" * 5000)
    assert ok(t, "0" * 5000 + "7") == "7"
    assert "out of range" in bad(TypeSpec("int64", "int64"), "-" + "1" * 30)


def test_integer_ranges(ios: Any) -> None:
    retries = native_type(ios, "native", "ip", "ssh", "authentication-retries")
    assert [ok(retries, str(n)) for n in range(6)] == [str(n) for n in range(6)]
    assert "0..5" in bad(retries, "6")
    timeout = native_type(ios, "native", "ip", "ssh", "time-out")
    assert ok(timeout, "120") == "120" and ok(timeout, "+001") == "1"
    assert bad(timeout, "0") and bad(timeout, "121")
    port = native_type(ios, "native", "ip", "ssh", "port", "port-no")
    assert ok(port, "2000") == "2000" and bad(port, "1999") and bad(port, "10001")
    loop = native_type(ios, "native", "ip", "ssh", "source-interface-config", "Loopback")
    assert ok(loop, "2147483647") == "2147483647" and bad(loop, "2147483648")


def test_integer_multiple_ranges_and_custom_message(edge: Any) -> None:
    counter = edge.node("top", "counter").type
    assert ok(counter, "-10") == "-10" and ok(counter, "10") == "10" and ok(counter, "+05") == "5"
    assert "-10..-1 | 1..10" in bad(counter, "0")
    assert bad(counter, "-11") and bad(counter, "11")
    custom = TypeSpec("uint8", "uint8", ranges=((1, 5),), range_error="pick 1 to 5")
    assert bad(custom, "9") == "pick 1 to 5"


@settings(max_examples=150, deadline=None)
@given(
    base=st.sampled_from(sorted(INT_BOUNDS)),
    data=st.data(),
    zeros=st.integers(0, 3),
    plus=st.booleans(),
    pad=st.sampled_from(["", " ", "\t", "\n "]),
)
def test_integer_round_trip(base: str, data: st.DataObject, zeros: int, plus: bool, pad: str) -> None:
    lo, hi = INT_BOUNDS[base]
    n = data.draw(st.integers(lo, hi))
    sign = "-" if n < 0 else ("+" if plus else "")
    text = f"{pad}{sign}{'0' * zeros}{abs(n)}{pad}"
    out = canonical(text, TypeSpec(base, base))
    assert out == str(n)
    assert canonical(out, TypeSpec(base, base)) == out  # canonical is a fixed point


# ------------------------------------------------------------------------------------------- decimal64


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("1", "1.0"),
        ("1.5", "1.5"),
        ("001.50", "1.5"),
        ("+1.2", "1.2"),
        ("100", "100.0"),
        (".5", "0.5"),
        ("5.", "5.0"),
        (" 7 ", "7.0"),
        ("0.00", "0.0"),
        ("-0", "0.0"),
        ("-0.00", "0.0"),
        ("50.10", "50.1"),
        ("0.01", "0.01"),
    ],
)
def test_decimal64_canonical(edge: Any, text: str, want: str) -> None:
    assert ok(edge.node("top", "ratio").type, text) == want


@pytest.mark.parametrize("text", ["100.01", "-0.01", "1.234", "1e2", "", ".", "1..2", "abc", "1,5", "NaN", "Infinity"])
def test_decimal64_rejects(edge: Any, text: str) -> None:
    assert bad(edge.node("top", "ratio").type, text)


def test_decimal64_full_range() -> None:
    t = TypeSpec("decimal64", "decimal64", fraction_digits=1)
    assert ok(t, "922337203685477580.7") == "922337203685477580.7"
    assert ok(t, "-922337203685477580.8") == "-922337203685477580.8"
    assert bad(t, "922337203685477580.8")
    assert bad(t, "1" * 5000)
    t18 = TypeSpec("decimal64", "decimal64", fraction_digits=18)
    assert ok(t18, "9.223372036854775807") == "9.223372036854775807"
    assert bad(t18, "9.223372036854775808")
    assert (
        ok(TypeSpec("decimal64", "d", fraction_digits=3, ranges=((Decimal("-1.5"), Decimal("2")),)), "-1.5") == "-1.5"
    )


@settings(max_examples=100, deadline=None)
@given(st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False))
def test_decimal64_round_trip(edge: Any, value: Decimal) -> None:
    t = edge.node("top", "ratio").type
    out = canonical(str(value), t)
    assert Decimal(out) == value
    assert "." in out and (out == "0.0" or not out.endswith("0") or out.endswith(".0"))
    assert canonical(out, t) == out


# --------------------------------------------------------------------------------------------- strings


def test_string_length_counts_characters(edge: Any) -> None:
    t = TypeSpec("string", "string", lengths=((2, 3),))
    assert ok(t, "éé") == "éé"
    assert ok(t, "ab ") == "ab "  # strings are never trimmed
    assert "length 1" in bad(t, "é")
    assert bad(t, "abcd")
    assert ok(TypeSpec("string", "string"), None) == ""
    assert ok(TypeSpec("string", "string"), "  spaced  ") == "  spaced  "
    assert bad(TypeSpec("string", "s", lengths=((1, 5),), length_error="too long"), "abcdefg") == "too long"


def test_string_patterns_all_apply_and_invert(edge: Any) -> None:
    t = edge.node("top", "label").type
    assert ok(t, "ab") == "ab"
    assert "[a-z]+" in bad(t, "AB")
    assert "x.*" in bad(t, "xab")  # invert-match: matching is the failure
    assert bad(t, "a")  # length before patterns
    assert bad(t, "ab1")


def test_patterns_are_xsd_regexes() -> None:
    # XSD patterns are implicitly anchored, and ^ $ are ordinary characters
    assert pattern_matches("a", "a") and not pattern_matches("a", "ba")
    assert pattern_matches("^a$", "^a$") and not pattern_matches("^a$", "a")
    assert pattern_matches(r"\p{L}+", "Grüße") and not pattern_matches(r"\p{L}+", "abc1")
    assert pattern_matches(r"\d{3}", "123") and not pattern_matches(r"\d{3}", "12")
    assert pattern_matches("[a-z-[aeiou]]+", "bcd") and not pattern_matches("[a-z-[aeiou]]+", "bad")  # subtraction
    assert pattern_matches(r"\i\c*", "x-1") and not pattern_matches(r"\i\c*", "1x")
    assert not pattern_matches(".*", "a\x01b")  # not representable in XML at all
    t = TypeSpec("string", "s", patterns=(Pattern("[0-9]+", error_message="digits only", error_app_tag="bad-digits"),))
    with pytest.raises(TypeMismatch) as info:
        canonical("x", t)
    assert (info.value.message, info.value.app_tag) == ("digits only", "bad-digits")


@pytest.mark.parametrize("name", ["R1", "Router", "my-router.lab", "1a", "1.2.3.a", "_", "a_b", "R1.lab", "x" * 246])
def test_hostname_accepts(ios: Any, name: str) -> None:
    assert ok(native_type(ios, "native", "hostname"), name) == name


@pytest.mark.parametrize("name", ["9", "1.2", "a b", "a/b", "", "é", "R1!", "x" * 247, "1.", "router\n"])
def test_hostname_rejects(ios: Any, name: str) -> None:
    assert bad(native_type(ios, "native", "hostname"), name)


# -------------------------------------------------------------------------------- enum, boolean, empty


def test_enumeration(ios: Any) -> None:
    t = native_type(ios, "native", "ip", "ssh", "dh", "min", "size")
    assert ok(t, "2048") == "2048" and ok(t, " 4096 ") == "4096"
    msg = bad(t, "1024")
    assert "2048" in msg and "4096" in msg
    assert bad(t, "02048")  # enum names are matched exactly, not as numbers
    transport = native_type(ios, "native", "line", "vty", "transport", "input", "input")
    assert ok(transport, "ssh") == "ssh" and bad(transport, "SSH") and bad(transport, "")


def test_boolean(ios: Any) -> None:
    t = native_type(ios, "native", "ip", "ssh", "logging", "events-enable")
    assert ok(t, "true") == "true" and ok(t, "false") == "false" and ok(t, " true\n") == "true"
    for text in ("True", "1", "0", "yes", "", "FALSE"):
        assert bad(t, text)


def test_empty(ios: Any) -> None:
    t = native_type(ios, "native", "ip", "scp", "server", "enable")
    assert ok(t, None) == "" and ok(t, "") == "" and ok(t, "  \n ") == ""
    assert "empty" in bad(t, "true")


# ---------------------------------------------------------------------------------------------- unions


@pytest.mark.parametrize(
    "text", ["10.0.0.1", "0.0.0.0", "255.255.255.255", "192.0.2.1%eth0", "::1", "2001:db8::1", "fe80::1%eth0",
             "::ffff:192.0.2.1", "2001:DB8:0:0:0:0:0:1"],
)  # fmt: skip
def test_ip_address_accepts(edge: Any, text: str) -> None:
    assert ok(edge.node("top", "addr").type, text) == text


@pytest.mark.parametrize(
    "text", ["10.0.0.256", "10.0.0", "010.0.0.1", " 10.0.0.1", "1.2.3.4.5", "::g", "2001:db8:::1", "host", ""]
)
def test_ip_address_rejects(edge: Any, text: str) -> None:
    assert "inet:ip-address" in bad(edge.node("top", "addr").type, text)


def test_host_type_union(ios: Any) -> None:
    t = native_type(ios, "native", "snmp-server", "ios-snmp:host-config", "ip-community", "ip-address")
    for text in ("10.1.1.1", "2001:db8::5", "trap-host.example.com", "localhost", "a", "host.", "."):
        assert ok(t, text) == text
    for text in ("bad host", "-bad.example", "a..b", "x" * 254, ""):
        assert bad(t, text)


def test_union_first_matching_member_wins(ios: Any) -> None:
    # aaa login list name: union { enumeration { enum default; } string { length 1..31; } }
    t = native_type(ios, "native", "aaa", "ios-aaa:authentication", "login", "name")
    assert ok(t, "default") == "default" and ok(t, "VTY") == "VTY"
    assert bad(t, "x" * 32) and bad(t, "")
    t2 = TypeSpec("union", "u", members=(TypeSpec("uint8", "uint8"), TypeSpec("string", "string")))
    assert ok(t2, "007") == "7"  # canonical form of the member that accepted it
    assert ok(t2, "300") == "300"  # falls through to string
    assert "u" in bad(TypeSpec("union", "u", members=(TypeSpec("uint8", "uint8"),)), "x")


def test_leafref_uses_the_target_type(ios: Any) -> None:
    ref = native_type(ios, "native", "username", "ios-aaa:aaa", "attribute", "list")
    assert ref.base == "leafref" and ok(ref, "ATTRS") == "ATTRS"
    target = TypeSpec("uint8", "uint8")
    from dataclasses import replace

    from iosxe_agent.yang.schema import Kind, SchemaNode

    node = SchemaNode(kind=Kind.LEAF, name="n", ns="urn:x", module="m", prefix="x", type=target)
    assert ok(replace(ref, leafref_target=node), "+07") == "7"
    assert bad(replace(ref, leafref_target=node), "256")
    assert ok(TypeSpec("leafref", "leafref"), " as is ") == " as is "  # unresolved: the text unchanged


def test_instance_identifier() -> None:
    t = TypeSpec("instance-identifier", "instance-identifier")
    assert ok(t, " /a:b/a:c ") == "/a:b/a:c"
    assert bad(t, "a:b")


# ---------------------------------------------------------------------------------------- bits, binary


def test_bits(edge: Any) -> None:
    t = edge.node("top", "flags").type
    assert ok(t, "fast lock") == "lock fast"  # canonical: schema order, single spaces
    assert ok(t, "  fast\t\nauto-negotiate ") == "auto-negotiate fast"
    assert ok(t, "") == "" and ok(t, None) == ""
    assert bad(t, "lock lock")
    assert bad(t, "bogus") and bad(t, "Lock")


def test_binary(edge: Any) -> None:
    t = edge.node("top", "blob").type
    assert ok(t, "AAEC") == "AAEC"
    assert ok(t, "AAECAw==") == "AAECAw=="
    assert ok(t, " AA\nEC ") == "AAEC"
    assert "length 5" in bad(t, "AAECAwQ=")  # length counts decoded octets
    assert bad(t, "")
    assert "base64" in bad(t, "!!!!")
    assert bad(t, "AAE")  # bad padding
    assert ok(TypeSpec("binary", "binary"), "") == ""


# ----------------------------------------------------------------------------------------- identityref


def test_identityref(edge: Any) -> None:
    t = edge.node("top", "alg").type
    ids = edge.schema.identities
    assert ok(t, "te:rsa", nsmap={"te": EDGE}, identities=ids) == "te:rsa"
    assert ok(t, " x:rsa-sha2 ", nsmap={"x": EDGE}, identities=ids) == "te:rsa-sha2"  # canonical: module prefix
    assert ok(t, "ecdsa", nsmap={None: EDGE}, identities=ids) == "te:ecdsa"  # default namespace
    assert "derived" in bad(t, "te:crypto-alg", nsmap={"te": EDGE}, identities=ids)  # the base itself
    assert bad(t, "te:other", nsmap={"te": EDGE}, identities=ids)
    assert bad(t, "te:nosuch", nsmap={"te": EDGE}, identities=ids)
    assert "prefix" in bad(t, "zz:rsa", nsmap={"te": EDGE}, identities=ids)
    assert bad(t, "rsa", nsmap={"te": EDGE}, identities=ids)  # no default namespace in scope
    assert bad(t, "te:rsa")  # no identities known at all


def test_identityref_hand_built() -> None:
    a, b = "urn:a", "urn:b"
    ids = {
        clark(a, "base"): Identity(a, "base", "pa", (), {clark(b, "child")}),
        clark(b, "child"): Identity(b, "child", "pb", (clark(a, "base"),)),
    }
    t = TypeSpec("identityref", "identityref", identity_bases=(clark(a, "base"),))
    assert canonical("q:child", t, {"q": b}, ids) == "pb:child"


def test_native_types_are_resolved_to_builtins(ios: Any) -> None:
    seen = set()
    for node in ios.schema.root.walk():
        if node.type is not None and not node.module.startswith("ietf-"):  # IETF state data has identityrefs
            seen.add(node.type.base)
            for m in node.type.members:
                seen.add(m.base)
    assert seen <= {"string", "boolean", "empty", "enumeration", "union", "leafref", *INT_BOUNDS}
    assert {"string", "boolean", "empty", "enumeration", "union", "leafref", "uint8"} <= seen
    assert AAA_NS and NATIVE_NS and SNMP_NS
