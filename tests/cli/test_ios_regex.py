"""IOS regular expressions for output filters (iosxe_agent.cli.ios_regex): Cisco's syntax on RE2, the literal
fallback, the bounds, and the filters of iosxe_agent.cli.pager on top. Agreement with Python's re on random safe
patterns is in tests/fuzz/test_fuzz_regex.py."""

from __future__ import annotations

import pytest

from iosxe_agent.cli.ios_regex import compile_ios, translate_ios
from iosxe_agent.cli.pager import OutputFilter, apply_filters
from iosxe_agent.limits import DEFAULT_LIMITS, Limits

CHARS = DEFAULT_LIMITS.max_filter_regex_chars
MEM = DEFAULT_LIMITS.max_filter_regex_bytes


def search(pattern: str, line: str) -> bool:
    return compile_ios(pattern, CHARS, MEM).search(line)


@pytest.mark.parametrize(
    ("pattern", "line", "expected"),
    [
        ("ssh", "ip ssh version 2", True),
        ("^ip", "ip ssh version 2", True),
        ("^ssh", "ip ssh version 2", False),
        ("2$", "ip ssh version 2", True),
        ("ip.ssh", "ip ssh", True),
        ("a.b", "a\tb", True),  # '.' is any character, white space included
        ("ve*r", "vr", True),
        ("ve+r", "vr", False),
        ("colou?r", "color", True),
        ("(ab)+c", "xababc", True),
        ("codex|telebit", "a telebit modem", True),
        ("[0-9]+\\.[0-9]+", "10.1", True),
        ("[^a-z ]", "abc def", False),
        ("[^a-z ]", "abc Def", True),
        ("[a-]", "x-y", True),
        ("[]a]", "]", True),
        ("[^\\]d]", "]d", False),  # Cisco's own example: neither ']' nor 'd'
        ("\\$", "cost $5", True),
        ("\\_", "a_b", True),
        ("{1300}", "as {1300}", True),  # braces are ordinary characters: IOS has no {m,n}
        # '_': comma, brace, parenthesis, space, start or end of the line
        ("_1300_", "1300", True),
        ("_1300_", "as 1300 x", True),
        ("_1300_", "(1300,", True),
        ("_1300_", "{1300}", True),
        ("_1300_", "x13000", False),
        ("_1300_", "a_1300_b", False),
        ("^_", "", True),
        ("a_", "a", True),
    ],
)
def test_ios_semantics(pattern: str, line: str, expected: bool) -> None:
    assert search(pattern, line) is expected


@pytest.mark.parametrize("pattern", ["(ab", "ab)", "a**", "*a", "+", "[abc", "a\\", "^*", "(|*)"])
def test_invalid_regex_is_matched_as_text(pattern: str) -> None:
    rx = compile_ios(pattern, CHARS, MEM)
    assert rx.literal
    assert rx.search(f"x{pattern}y") and not rx.search("xy")


def test_translation_is_pure_ascii_and_never_syntax() -> None:
    text = translate_ios("ü[?*]x\\(\\?:a\\)")
    assert text.isascii() and "(?:a)" not in text
    assert compile_ios("(?i)X", CHARS, MEM).literal  # never an RE2 flag: '?' has nothing to repeat
    assert not search("(?i)X", "x")


def test_bounds_fall_back_to_text() -> None:
    long = "a" * (CHARS + 1)
    assert compile_ios(long, CHARS, MEM).literal
    assert compile_ios("[^a]" * 200, CHARS, 16 * 1024).literal  # over the program memory: text, not an error
    assert not compile_ios("[^a]" * 200, CHARS, MEM).literal


@pytest.mark.parametrize("bomb", ["^(.*)*ZZ", "(a+)+$", "(a|aa)*b", "(a*)*b", "((a*)*)*c", "(.*a){20}"])
def test_bombs_are_linear(bomb: str) -> None:
    """Exponential for a backtracking engine; here each finishes at once (the test would hang otherwise)."""
    rx = compile_ios(bomb, CHARS, MEM)
    assert not rx.literal
    assert not rx.search("a" * 100_000 + "!")


CONFIG = "hostname R1\nline vty 0 4\n transport input ssh\n login local\nip ssh version 2\n"


def test_filters_use_ios_syntax() -> None:
    assert apply_filters(CONFIG, [OutputFilter("include", "_0_")]).splitlines() == ["line vty 0 4"]
    assert apply_filters(CONFIG, [OutputFilter("include", "ssh$|^host")]).splitlines() == [
        "hostname R1",
        " transport input ssh",
    ]
    assert apply_filters(CONFIG, [OutputFilter("exclude", "^ ")]).splitlines() == [
        "hostname R1",
        "line vty 0 4",
        "ip ssh version 2",
    ]
    assert apply_filters(CONFIG, [OutputFilter("count", "(a|aa)*b")]) == "Number of lines which match regexp = 0"
    assert apply_filters(CONFIG, [OutputFilter("include", "(vty")]) == ""  # a bad regex is text: "(vty" is absent


def test_filter_limits_are_honoured() -> None:
    tight = Limits(max_filter_regex_chars=3)
    assert apply_filters("a.c\nabc", [OutputFilter("include", "a.c")], tight) == "a.c\nabc"
    assert apply_filters("a.c\nabc", [OutputFilter("include", "a.cd|a.c")], tight) == ""  # too long: text
