"""Fuzzing the two linear-time regex engines against independent oracles.

XSD (iosxe_agent.yang.regex, YANG ``pattern`` and XPath ``re-match()``) against libxml2's XML Schema validator, the
engine the agent used before: on every pattern of the modules the agent loads, with subjects drawn both at
random and from the pattern itself (so matches are as common as misses), and on generated patterns with every
XSD construct but counted repetition (classes with ranges, negation and subtraction, multi-character escapes,
categories, blocks); libxml2 gets counts wrong in places, so those are checked against their expansion instead.
Subjects use characters whose Unicode properties have not changed since the Unicode 3.1 tables of libxml2.

IOS (iosxe_agent.cli.ios_regex, the CLI output filters) against Python's ``re`` on the patterns both syntaxes read
alike (no ``_``, no braces, escapes only on punctuation): equal answers for ``search`` on every line.
"""

from __future__ import annotations

import functools
import re
from types import ModuleType

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.cli.ios_regex import compile_ios
from iosxe_agent.limits import DEFAULT_LIMITS
from iosxe_agent.yang.regex import RegexError, compile_xsd, translate
from iosxe_agent.yang.schema import TypeSpec

FUZZ = settings.get_profile("iosxe-fuzz")
XSD_NS = "http://www.w3.org/2001/XMLSchema"

#: characters with the same general category in libxml2's tables and in Python's unicodedata (not CJK: libxml2's
#: \p{L} misses the ideographs, which Unicode lists as one range)
MAX_SUBJECT = 12  # characters: libxml2 (the oracle) backtracks, exponentially in the subject on some patterns
SUBJECT_CHARS = "abcxyzAXYZ0159 \t\n\r-._:/%,()[]{}|^$*+?\\éüßΑλд\u0661\u0e01\u00a0\u2028€\u00bd\u0300"


@functools.lru_cache(maxsize=4096)
def _libxml2_schema(pattern: str) -> etree.XMLSchema:
    root = etree.Element(f"{{{XSD_NS}}}schema", nsmap={"xs": XSD_NS})
    el = etree.SubElement(root, f"{{{XSD_NS}}}element", name="v")
    restriction = etree.SubElement(etree.SubElement(el, f"{{{XSD_NS}}}simpleType"), f"{{{XSD_NS}}}restriction")
    restriction.set("base", "xs:string")
    etree.SubElement(restriction, f"{{{XSD_NS}}}pattern", value=pattern)
    return etree.XMLSchema(root)


def libxml2_matches(pattern: str, text: str) -> bool:
    """The oracle: does libxml2's XML Schema validator accept ``text`` for a string type with ``pattern``?

    libxml2 backtracks too, and gives up with an "internal error" on some nested repetitions: then it has no
    answer, and the example is discarded.
    """
    probe = etree.Element("v")
    probe.text = text
    try:
        return bool(_libxml2_schema(pattern).validate(probe))
    except etree.XMLSchemaValidateError:
        assume(False)
        raise


_CP = r"(?:[0-9A-Za-z]|\\x\{[0-9A-F]+\})"  # one code point as iosxe_agent.yang.regex writes it
_EMPTY_CLASS = "[^\\x00-\\x{10FFFF}]"  # how iosxe_agent.yang.regex writes a class that matches nothing
_PIECE = re.compile(rf"{re.escape(_EMPTY_CLASS)}|\[\^?(?:{_CP}(?:-{_CP})?)+\]|\\x\{{[0-9A-F]+\}}")


def _code_point(token: str) -> int:
    return ord(token) if len(token) == 1 else int(token[3:-1], 16)


def _draw_piece(m: re.Match[str]) -> str:
    return _drawn_class(m.group())


@functools.lru_cache(maxsize=1024)
def _drawn_class(piece: str) -> str:
    """One escaped character or class of our RE2 text, as a Python class of the SUBJECT_CHARS it admits."""
    if piece.startswith("\\x"):
        return re.escape(chr(_code_point(piece)))
    if piece == _EMPTY_CLASS:
        return "#"  # any character outside SUBJECT_CHARS: the subject then cannot match, which is the point
    body = piece[1:-1]
    negated = body.startswith("^")
    ranges = [(_code_point(a), _code_point(b or a)) for a, b in re.findall(rf"({_CP})(?:-({_CP}))?", body.lstrip("^"))]
    chars = [c for c in SUBJECT_CHARS if any(lo <= ord(c) <= hi for lo, hi in ranges) is not negated]
    return "[" + "".join(map(re.escape, chars)) + "]" if chars else "#"


def drawing_regex(pattern: str) -> str:
    """Our translation as a Python regex over :data:`SUBJECT_CHARS` only: used to *draw* subjects that match
    (hypothesis cannot draw from classes of a million code points), never as the oracle."""
    drawn = _PIECE.sub(_draw_piece, translate(pattern))
    # an empty class can still reach here half-substituted (its \x{10FFFF} replaced on its own; seen in two
    # fuzz runs): hypothesis cannot draw from it, and it matches nothing, like "#" here
    return drawn.replace("[^\\x00-" + chr(0x10FFFF) + "]", "#")


def subjects(pattern: str) -> st.SearchStrategy[str]:
    """Random strings, and strings the pattern should match (then perhaps cut or extended by one character)."""
    drawn = st.from_regex(drawing_regex(pattern), fullmatch=True).map(lambda t: t[:MAX_SUBJECT])
    mutated = st.tuples(drawn, st.sampled_from(["", "a", "-", " "]), st.booleans()).map(
        lambda t: (t[0][:-1] if t[2] else t[0]) + t[1]
    )
    return st.one_of(st.text(st.sampled_from(SUBJECT_CHARS), max_size=MAX_SUBJECT), drawn, mutated)


def _types(t: TypeSpec) -> list[TypeSpec]:
    return [t, *(x for m in t.members for x in _types(m))]


@functools.cache
def schema_patterns(helpers: ModuleType) -> list[str]:
    schema = helpers.cisco_schema()
    roots = [schema.root, *schema.rpcs.values(), *schema.notifications.values()]
    found = {p.regex for r in roots for n in r.walk() if n.type for t in _types(n.type) for p in t.patterns}
    return sorted(found)


@settings(FUZZ, max_examples=FUZZ.max_examples)
@given(st.data())
def test_schema_patterns_agree_with_libxml2(helpers: ModuleType, data: st.DataObject) -> None:
    pattern = data.draw(st.sampled_from(schema_patterns(helpers)), label="pattern")
    text = data.draw(subjects(pattern), label="text")
    assert compile_xsd(pattern).matches(text) is libxml2_matches(pattern, text)


# -- generated XSD patterns --------------------------------------------------------------------------------------

_CLASS_CHAR = st.sampled_from([*list("abcxyz0159AXZ"), "\\.", "\\-", "\\[", "\\]", "\\^", "\\\\", "é"])
_CLASS_RANGE = st.sampled_from(["a-c", "x-z", "0-5", "A-Z", "a-z", "!-/", "à-ÿ"])
# No \P{..}: libxml2 reads it as \p{..} inside [...] ([\P{L}] matches "a"), and after an alternative that can
# start with the same character it loses it ("\da|\P{L}" refuses "0"); tests/yang/test_regex.py pins the XSD
# meaning instead
_MULTI = st.sampled_from(
    [r"\d", r"\D", r"\s", r"\S", r"\w", r"\W", r"\i", r"\I", r"\c", r"\C", r"\p{L}", r"\p{Lu}", r"\p{Ll}", r"\p{Nd}",
     r"\p{N}", r"\p{P}", r"\p{Z}", r"\p{S}", r"\p{IsBasicLatin}", r"\p{IsLatin-1Supplement}", r"\p{IsThai}",
     r"\p{IsGreek}"]
)  # fmt: skip
_POS_GROUP = st.lists(st.one_of(_CLASS_CHAR, _CLASS_RANGE, _MULTI), min_size=1, max_size=4).map("".join)


def _char_class(draw_sub: bool) -> st.SearchStrategy[str]:
    group = st.tuples(st.sampled_from(["", "^"]), _POS_GROUP).map("".join)
    if not draw_sub:
        return group.map(lambda g: f"[{g}]")
    return st.tuples(group, _POS_GROUP).map(lambda t: f"[{t[0]}-[{t[1]}]]")


_ATOM = st.one_of(
    st.sampled_from([*list("abcxyz0159 :/%é"), "\\.", "\\-", "\\(", "\\)", "\\|", "\\?", "\\*", "\\+", "\\n"]),
    st.just("."),
    _MULTI,
    _char_class(False),
    _char_class(True),
)
# No counted repetition in generated patterns: libxml2 (2.14) gets counts wrong in many places ("(a*){2}" refuses
# "", "()(){1,3}a*|." refuses "aa", "[bc]{0,}ba|." accepts "bb", ".?.[\\D]|.{1,3}" accepts "000:"; pinned in
# tests/yang/test_regex.py). Counts are fuzzed against it in the modules' own patterns above ({2} {3} {4} {0,4}
# {0,5} {0,61} {1,127}), where it agrees.
_QUANT = st.sampled_from(["", "", "", "?", "*", "+"])


def _xsd_regex(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    # groups are never quantified and no branch is empty: libxml2 accepts "0" for "a(.)*|" and "aa" for
    # "aa(a)+|a|." (pinned in tests/yang/test_regex.py); quantified groups are checked by the expansion test
    piece = st.one_of(st.tuples(_ATOM, _QUANT).map("".join), inner.map(lambda r: f"({r})"))
    branch = st.lists(piece, min_size=1, max_size=4).map("".join)
    return st.lists(branch, min_size=1, max_size=3).map("|".join)


XSD_PATTERN = st.recursive(_xsd_regex(st.nothing()), _xsd_regex, max_leaves=4)


_NEGATED = r"(?:\[\^(?:\\.|[^\]])*\]|\\[DSWIC]|\\P\{[^}]*\})"
# libxml2 mishandles two negated classes in one pattern wherever they stand: it refuses "0" for "[^a]?[^b]",
# "[^a]?([^b])", "([^a]?)[^b]" and "[^b].|[^a]" (its automaton merges their transitions wrongly)
_TWO_NEGATED = re.compile(rf"{_NEGATED}.*{_NEGATED}")


@settings(FUZZ, max_examples=FUZZ.max_examples)
@given(st.data())
def test_generated_xsd_patterns_agree_with_libxml2(data: st.DataObject) -> None:
    pattern = data.draw(XSD_PATTERN, label="pattern")
    text = data.draw(subjects(pattern), label="text")
    # \i and \c are the XML 1.0 fifth-edition name characters here, libxml2's are the older Letter tables: the
    # two agree on Latin-1 only
    assume(not re.search(r"\\[iIcC]", pattern) or all(ord(c) < 0x100 for c in text))
    # such patterns are judged in tests/yang/test_regex.py (the cases above pinned), not against libxml2
    assume(not _TWO_NEGATED.search(pattern))
    assert compile_xsd(pattern).matches(text) is libxml2_matches(pattern, text)


@settings(FUZZ, max_examples=FUZZ.max_examples)
@given(st.data())
def test_counts_equal_their_expansion(data: st.DataObject) -> None:
    """What libxml2 cannot judge: ``(p){n,m}`` matches what ``(p)`` n times then ``(p)?`` m-n times matches."""
    inner = data.draw(_xsd_regex(st.nothing()), label="inner")  # one level: its expansion repeats it up to 4 times
    low = data.draw(st.integers(0, 3), label="low")
    high = data.draw(st.one_of(st.none(), st.integers(low, 4)), label="high")
    group = f"({inner})"
    counted = f"{group}{{{low},{'' if high is None else high}}}"
    expanded = group * low + (f"{group}*" if high is None else f"{group}?" * (high - low))
    try:
        both = compile_xsd(counted), compile_xsd(expanded)
    except RegexError:  # the expansion can pass the complexity bound that the counted form stays within
        assume(False)
        raise
    text = data.draw(subjects(counted), label="text")
    assert both[0].matches(text) is both[1].matches(text)


# -- IOS patterns against Python re ------------------------------------------------------------------------------

_IOS_ATOM = st.one_of(
    st.sampled_from(list("abcxAX09 :/-,!")),
    st.sampled_from(["\\.", "\\*", "\\+", "\\?", "\\(", "\\)", "\\[", "\\]", "\\|", "\\^", "\\$", "\\\\"]),
    st.just("."),
    st.tuples(
        st.sampled_from(["", "^"]), st.lists(st.sampled_from([*list("abcx09 .:"), "a-c", "0-5"]), min_size=1)
    ).map(lambda t: f"[{t[0]}{''.join(t[1])}]"),
)


def _ios_regex(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    quantified = st.tuples(st.one_of(_IOS_ATOM, inner.map(lambda r: f"({r})")), st.sampled_from(["", "*", "+", "?"]))
    piece = st.one_of(quantified.map("".join), st.sampled_from(["^", "$"]))
    branch = st.lists(piece, max_size=4).map("".join)
    return st.lists(branch, min_size=1, max_size=3).map("|".join)


IOS_PATTERN = st.recursive(_ios_regex(st.nothing()), _ios_regex, max_leaves=5)
LINE = st.text(st.sampled_from("abcxyAX019 .:/-,!*+?()[]|^$\\é\t"), max_size=12)


@settings(FUZZ, max_examples=2 * FUZZ.max_examples)
@given(IOS_PATTERN, st.lists(LINE, min_size=1, max_size=4))
def test_ios_patterns_agree_with_python_re(pattern: str, lines: list[str]) -> None:
    try:
        oracle = re.compile(pattern)
    except re.error:
        assume(False)
        return
    rx = compile_ios(pattern, DEFAULT_LIMITS.max_filter_regex_chars, DEFAULT_LIMITS.max_filter_regex_bytes)
    assert not rx.literal, pattern
    for line in lines:
        assert rx.search(line) is (oracle.search(line) is not None), (pattern, line)
