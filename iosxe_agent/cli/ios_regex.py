"""Cisco IOS regular expressions (``| include/exclude/begin/section/count REGEX``) on RE2, in linear time.

Why: any user, privilege 1 included, may filter output, and the filter runs on the one event loop. A
backtracking engine takes exponential time on ``^(.*)*ZZ`` or ``(a|aa)*b``, so one command would freeze every
session of the device. RE2 matches each line in time linear in its length with a bounded program, so a
filter costs time linear in the output, and the output is bounded by the configuration.

The syntax is the one Cisco documents for IOS XE (the "Regular Expressions" appendix of the CLI guides):
``.`` any character, ``* + ?`` on the previous atom, ``[...]`` and ``[^...]`` with ``a-z`` ranges, ``( )``
groups, ``|`` alternation, ``^``/``$`` anchors, ``\\`` makes the next character literal, and ``_`` matches a
comma, a brace, a parenthesis, a space, the start or the end of the line. Braces are ordinary characters (there
is no ``{m,n}``). Each piece is written to RE2 as pure ASCII through :mod:`iosxe_agent.yang.regex`, so the user's
text never reaches RE2 as syntax it did not mean.

A pattern that is not a regular expression in this syntax (``(ab``, ``a**``, a trailing ``\\``), or that is
beyond the bounds (longer than ``max_chars``, or an RE2 program over ``max_mem``), is matched as literal text;
that has always been this shell's rule for a bad filter, and a substring search is linear too.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import re2

from iosxe_agent.yang.regex import MAX_CODE_POINT, Ranges, RegexError, class_text, compile_re2, complement, literal_text
from iosxe_agent.yang.regex import merge as merge_ranges

__all__ = ["IosRegex", "compile_ios", "translate_ios"]

#: what ``_`` stands for: one delimiter character, or the start or the end of the line
_UNDERSCORE = "(?:^|$|" + class_text(merge_ranges((ord(c), ord(c)) for c in ",{}() ")) + ")"
_ANY = class_text(((0, MAX_CODE_POINT),))
_CACHE_SIZE = 256  # filters kept compiled (users repeat the same few)


def _fail(pattern: str, i: int, msg: str) -> RegexError:
    return RegexError(f"invalid IOS regular expression {pattern!r}: {msg} at position {i}")


def _char_class(p: str, i: int) -> tuple[Ranges, int]:
    """``[...]`` starting at ``p[i] == "["``: its ranges and the index after ``]``.

    ``^`` first negates, ``]`` first is literal, ``\\x`` is ``x``, ``a-z`` is a range and ``-`` first or last
    is itself.
    """
    start = i
    i += 1
    negated = p.startswith("^", i)
    if negated:
        i += 1
    items: list[tuple[int, int]] = []
    first = i
    while True:
        if i >= len(p):
            raise _fail(p, start, "unterminated '['")
        c = p[i]
        if c == "]" and i > first:
            i += 1
            break
        lo, i = _class_char(p, i)
        if p.startswith("-", i) and i + 1 < len(p) and p[i + 1] != "]":
            hi, i = _class_char(p, i + 1)
            if hi < lo:
                raise _fail(p, i, "bad range")
            items.append((lo, hi))
        else:
            items.append((lo, lo))
    ranges = merge_ranges(items)
    return (complement(ranges) if negated else ranges), i


def _class_char(p: str, i: int) -> tuple[int, int]:
    if p[i] == "\\":
        if i + 1 >= len(p):
            raise _fail(p, i, "trailing '\\'")
        return ord(p[i + 1]), i + 2
    return ord(p[i]), i + 1


def translate_ios(pattern: str) -> str:
    """The RE2 syntax (unanchored, pure ASCII) of an IOS regular expression.

    Raises:
        RegexError: not an IOS regular expression.
    """
    out: list[str] = []
    p = pattern
    i = 0
    depth = 0
    after_atom = False  # the last piece written can take a quantifier
    while i < len(p):
        c = p[i]
        if c in "*+?":
            if not after_atom:
                raise _fail(p, i, f"{c!r} follows nothing it can repeat")
            out.append(c)
            after_atom = False
            i += 1
            continue
        after_atom = True
        if c == "\\":
            if i + 1 >= len(p):
                raise _fail(p, i, "trailing '\\'")
            out.append(literal_text(p[i + 1]))
            i += 2
            continue
        if c == "[":
            ranges, i = _char_class(p, i)
            out.append(class_text(ranges))
            continue
        i += 1
        if c == ".":
            out.append(_ANY)
        elif c == "_":
            out.append(_UNDERSCORE)
        elif c == "(":
            depth += 1
            out.append("(?:")
            after_atom = False
        elif c == ")":
            if depth == 0:
                raise _fail(p, i - 1, "unbalanced ')'")
            depth -= 1
            out.append(")")
        elif c in "^$|":
            out.append(c)
            after_atom = False
        else:
            out.append(literal_text(c))
    if depth:
        raise _fail(p, len(p), "unbalanced '('")
    return "".join(out)


@dataclass(frozen=True, slots=True)
class IosRegex:
    """A compiled output filter: an RE2 program, or the literal text when the pattern could not be one."""

    pattern: str
    program: re2._Regexp | None

    def search(self, line: str) -> bool:
        """True if the filter matches anywhere in ``line`` (linear in its length)."""
        if self.program is None:
            return self.pattern in line
        try:
            return self.program.search(line) is not None
        except UnicodeEncodeError:  # a lone surrogate cannot be in output; match it as text
            return self.pattern in line

    @property
    def literal(self) -> bool:
        """True when the pattern is matched as plain text (invalid or beyond the bounds)."""
        return self.program is None


@functools.lru_cache(maxsize=_CACHE_SIZE)
def compile_ios(pattern: str, max_chars: int, max_mem: int) -> IosRegex:
    """Compile an output filter (cached); never fails: see the module docstring for the literal fallback."""
    if len(pattern) > max_chars:
        return IosRegex(pattern, None)
    try:
        return IosRegex(pattern, compile_re2(translate_ios(pattern), max_mem))
    except RegexError:
        return IosRegex(pattern, None)
