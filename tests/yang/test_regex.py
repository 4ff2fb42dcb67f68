"""The XSD regular expression engine (iosxe_agent.yang.regex): XSD semantics on RE2, bounds, and every pattern of
every module the agent loads. Agreement with libxml2 on many more inputs is in tests/fuzz/test_fuzz_regex.py."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from pyang import context, repository

from iosxe_agent.device.names import MODULES
from iosxe_agent.yang.loader import default_search_path
from iosxe_agent.yang.regex import MAX_PATTERN_CHARS, RegexError, compile_xsd, translate
from iosxe_agent.yang.schema import SchemaNode, TypeSpec

YANG_DIR = Path(__file__).resolve().parents[2] / "yang"


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("a", "a", True),
        ("a", "ba", False),  # implicitly anchored
        ("^a$", "^a$", True),  # ^ and $ are ordinary characters in XSD
        ("^a$", "a", False),
        ("{", "{", True),  # braces that are no quantifier are ordinary too
        ("x{2}{3}", "xx{3}", True),
        ("a.b", "a-b", True),
        ("a.b", "a\nb", False),  # '.' is anything but a line end
        ("a.b", "a\rb", False),
        (r"\d{3}", "123", True),
        (r"\d{3}", "\u0661\u0662\u0663", True),  # XSD \d is every decimal digit, not ASCII only
        (r"\d{3}", "12", False),
        (r"\w+", "Straße", True),
        (r"\w+", "a_b", False),  # '_' is punctuation: not an XSD word character
        (r"\W", "_", True),
        (r"\s\S", " x", True),
        (r"\s", "\u00a0", False),  # XSD \s is four characters only
        (r"\i\c*", "x-1", True),
        (r"\i\c*", "1x", False),
        (r"\I", "1", True),
        (r"\p{Lu}\p{Ll}\P{Ll}", "AbC", True),
        (r"\p{L}+", "Grüße", True),
        (r"\p{L}+", "abc1", False),
        (r"\p{N}", "\u00bd", True),
        (r"\p{IsThai}+", "\u0e01\u0e02", True),
        (r"\p{IsThai}", "a", False),
        (r"\P{IsBasicLatin}", "é", True),
        (r"[\P{L}]", "0", True),  # libxml2 gets these two wrong (it ignores the P inside a class)
        (r"[\P{L}]", "a", False),
        (r"\da|\P{L}", "0", True),  # and this one
        (r"\p{IsPrivateUse}", "\U000f0000", True),
        ("[a-z-[aeiou]]+", "bcd", True),  # class subtraction
        ("[a-z-[aeiou]]+", "bad", False),
        ("[^a-z-[0-9]]", "A", True),  # (not a-z) minus digits
        ("[^a-z-[0-9]]", "5", False),
        ("[^a-z-[0-9]]", "e", False),
        ("[a-z-[aeiou-[e]]]", "e", True),  # nested subtraction
        (r"[\p{L}-[\p{Lu}]]", "A", False),
        (r"[\w-[\d]]+", "abc", True),
        ("[!->@]+", "!>@", True),  # '!'..'>' is a range
        ("[a-]", "-", True),
        ("[-a]", "-", True),
        (r"[a\-z]", "-", True),
        (r"[\n\t]", "\t", True),
        (r"\.\*\+\?\(\)\[\]\{\}\|\\\^\-", ".*+?()[]{}|\\^-", True),
        ("(ab|cd)*e", "abcdabe", True),
        ("(ab|cd)*e", "abce", False),
        ("a|", "", True),
        ("()", "", True),
        (r"\w{0}", "", True),
        ("a{2,}", "aaaa", True),
        ("a{2,3}", "aaaa", False),
        ("(a*){2}", "", True),  # libxml2 says no: it mishandles a group that can be empty repeated twice
        ("(){2,}", "", True),
        ("(|[^a]{2,}).", "00", False),  # libxml2 says yes
        ("()(){1,3}a*|.", "aa", True),  # libxml2 says no
        ("[bc]{0,}ba|.", "bb", False),  # libxml2 says yes
        (r".?.[\D]|.{1,3}", "000:", False),  # libxml2 says yes
        ("a(.)*|", "0", False),  # libxml2 says yes
        ("aa(a)+|a|.", "aa", False),  # libxml2 says yes
        ("[^a]?[^b]", "0", True),  # libxml2 says no: an optional negated class before another negated class
        ("[^a]*[^b]", "0", True),  # libxml2 says no
        ("[^a]+[^b]", "00", True),  # libxml2 says no
        ("a|[^a]?([^b])", "0", True),  # libxml2 says no: the same with the second class in a group
        ("([^a])?[^b]", "0", True),  # libxml2 says no
        ("([^a]?)[^b]", "0", True),  # libxml2 says no
        ("[^b].|[^a]", "0", True),  # libxml2 says no: two negated classes in different branches
    ],
)
def test_xsd_semantics(pattern: str, text: str, expected: bool) -> None:
    assert compile_xsd(pattern).matches(text) is expected


@pytest.mark.parametrize(
    "pattern",
    ["a{", "a{,2}", "a{2,1}", "(?:a)", "a**", "a?+", "*a", "[z-a]", "[]a]", "[^]", "a)", "(a", "[a", "[a-c-e]",
     "[[a]]", r"[\d-z]", "[a-[b]x]", "a]", "\\", r"\q", r"\p{Nope}", r"\p{IsNowhere}", r"\p{L"],
)  # fmt: skip
def test_invalid_patterns(pattern: str) -> None:
    with pytest.raises(RegexError):
        compile_xsd(pattern)


def test_bounds() -> None:
    with pytest.raises(RegexError, match="longer than"):
        compile_xsd("a" * (MAX_PATTERN_CHARS + 1))
    compile_xsd("a" * MAX_PATTERN_CHARS)
    with pytest.raises(RegexError, match="linear-time engine"):
        compile_xsd("(a{0,100}){0,100}")  # RE2 refuses nested counts above 1000 rather than blowing up
    with pytest.raises(RegexError, match="too complex"):
        compile_xsd(r"\w" * 2048)  # ~13,000 characters of ranges each: refused before RE2 sees 26 MB
    with pytest.raises(RegexError, match="too complex"):
        compile_xsd(r"[\w\W]" * 680)  # each class merges ~1,400 ranges: refused before that work is done
    compile_xsd(r"[\w/.-]+\p{L}\d{2}" * 4)
    with pytest.raises(RegexError, match="nested deeper"):
        compile_xsd("[a-" * 40 + "[b]" + "]" * 40)


def test_classes_are_plain_ranges() -> None:
    """RE2 has no lookahead: subtraction, negation and XSD escapes are computed, and the text is pure ASCII."""
    assert translate("[a-z-[aeiou]]") == "[b-df-hj-np-tv-z]"
    for pattern in (r"[\w-[\d]]", r"\p{IsThai}", "[^ä]", "ü.", r"\i\c"):
        text = translate(pattern)
        assert "(?!" not in text and "(?=" not in text and text.isascii()


def test_catastrophic_patterns_run_in_linear_time() -> None:
    """These take exponential time with a backtracking engine; with RE2 they finish (the test would hang)."""
    subject = "a" * 200_000
    assert not compile_xsd("(a*)*b").matches(subject)
    assert not compile_xsd("(a|aa)*b").matches(subject)
    assert not compile_xsd("(.*)*ZZ").matches(subject)
    assert compile_xsd("(a|a)*").matches(subject)


def test_control_characters_and_surrogates() -> None:
    assert not compile_xsd(".*").matches("\ud800")  # never in XML text; no encoding error escapes


# -- every pattern the agent can meet in its own modules ------------------------------------------------------------


def _types(t: TypeSpec) -> Iterator[TypeSpec]:
    yield t
    for m in t.members:
        yield from _types(m)


def _schema_patterns(helpers: ModuleType) -> set[str]:
    schema = helpers.cisco_schema()
    roots: list[SchemaNode] = [schema.root, *schema.rpcs.values(), *schema.notifications.values()]
    return {p.regex for r in roots for node in r.walk() if node.type for t in _types(node.type) for p in t.patterns}


@functools.cache
def _module_patterns() -> dict[str, set[str]]:
    """Every ``pattern`` statement (used or not) of every module the loader reads, ours and pyang's IETF ones."""
    repo = repository.FileRepository(os.pathsep.join(map(str, default_search_path(YANG_DIR))), use_env=False)
    ctx = context.Context(repo)
    ctx.lax_quote_checks = True
    for name in MODULES:
        assert ctx.search_module(None, name) is not None
    ctx.validate()
    found: dict[str, set[str]] = {}
    stack = [(name, stmt) for (name, _rev), stmt in ctx.modules.items()]
    while stack:
        name, stmt = stack.pop()
        if stmt.keyword == "pattern":
            found.setdefault(name, set()).add(stmt.arg)
        stack.extend((name, s) for s in stmt.substmts)
    return found


def test_every_schema_pattern_compiles(helpers: ModuleType) -> None:
    used = _schema_patterns(helpers)
    declared = _module_patterns()
    assert len(used) >= 10 and {"ietf-inet-types", "ietf-yang-types", "Cisco-IOS-XE-native"} <= declared.keys()
    every = used.union(*declared.values())
    assert used <= every
    for pattern in sorted(every):
        compile_xsd(pattern)  # raises RegexError if the engine could not take it


@pytest.mark.parametrize(
    ("typedef_pattern", "good", "bad"),
    [
        ("(([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])\\.){3}", "10.0.0.1", "10.0.0.256"),
        ("[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}", "00:1b:AA:cc:0d:ef", "00:1b:AA:cc:0d"),
        (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[\+\-]\d{2}:\d{2})", "2026-12-06T15:00:00Z", "2026-12-06"),
        (".|..|[^xX].*|.[^mM].*|..[^lL].*", "xmm", "XML"),
    ],
)
def test_real_patterns(helpers: ModuleType, typedef_pattern: str, good: str, bad: str) -> None:
    matching = [
        p for p in _schema_patterns(helpers).union(*_module_patterns().values()) if p.startswith(typedef_pattern)
    ]
    assert matching
    rx = compile_xsd(min(matching, key=len))
    assert rx.matches(good) and not rx.matches(bad)
