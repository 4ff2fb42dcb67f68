"""XSD regular expressions (XML Schema 1.0 Part 2, Appendix F) on RE2: YANG ``pattern`` and XPath ``re-match()``.

Why RE2: a backtracking engine (Python ``re``) takes exponential time on patterns such as ``(a*)*b``, and every
check here runs on the one event loop, so one hostile ``re-match()`` in a client's XPath filter would freeze
every session. RE2 (``google-re2``) matches in time linear in the subject, with a bounded program
(``Options.max_mem``); it is the only engine the agent uses for XSD regular expressions.

RE2 has neither lookahead nor the XSD notions of character class subtraction, Unicode blocks, ``\\i``/``\\c``
and XSD's own ``\\w``/``\\d``, so :func:`translate` computes every character class as an explicit set of code
point ranges (subtraction is set difference, ``[^...]`` the complement) and writes it in pure ASCII
(``\\x{HEX}``), so no character of the pattern can ever reach RE2 as syntax. General categories come from
Python's :mod:`unicodedata`; block names are the Unicode 3.1 ones XSD 1.0 defines (``\\p{IsThai}``); ``\\i``
and ``\\c`` are XML 1.0 fifth-edition name characters (as XSD 1.1 reads them; libxml2 keeps the older tables,
which differ only outside Latin-1).

Patterns are implicitly anchored (:meth:`XsdRegex.matches` is a full match). Bounds: :data:`MAX_PATTERN_CHARS`
characters of pattern, :data:`MAX_CLASS_RANGES` ranges brought in by class escapes, :data:`MAX_TRANSLATED_CHARS`
of RE2 text once classes are expanded, :data:`MAX_PROGRAM_BYTES` of RE2 program memory and RE2's own limit of
1000 on (nested) repetition counts. A pattern beyond them is a :class:`RegexError`, like a syntax error, so
compiling a client's pattern on the event loop costs a few tens of milliseconds at most (30 ms measured).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable

import re2

__all__ = [
    "MAX_CLASS_RANGES",
    "MAX_PATTERN_CHARS",
    "MAX_PROGRAM_BYTES",
    "MAX_TRANSLATED_CHARS",
    "Ranges",
    "RegexError",
    "XsdRegex",
    "class_text",
    "compile_re2",
    "compile_xsd",
    "complement",
    "literal_text",
    "merge",
    "translate",
]

MAX_PATTERN_CHARS = 4096  # longest pattern accepted (as long as the longest XPath expression)
MAX_PROGRAM_BYTES = 8 * 1024 * 1024  # RE2 max_mem: program plus DFA cache of one compiled pattern
#: longest RE2 text a pattern may expand to: a Unicode category class is ~13,000 characters of ranges, so this
#: admits about twenty of them and keeps one compile within tens of milliseconds
MAX_TRANSLATED_CHARS = 256 * 1024
MAX_CLASS_RANGES = 50_000  # code point ranges the class escapes of one pattern may bring (\w alone has ~700)
_CACHE_SIZE = 1024  # compiled patterns kept (every pattern of a schema fits, with room for client ones)
MAX_CODE_POINT = 0x10FFFF

#: inclusive ``(low, high)`` code point ranges, sorted and disjoint
Ranges = tuple[tuple[int, int], ...]


class RegexError(ValueError):
    """The pattern is not an XSD regular expression, or is beyond the engine's bounds."""


# --------------------------------------------------------------------------------------------------
# Code point sets


def merge(ranges: Iterable[tuple[int, int]]) -> Ranges:
    """Sort and coalesce ranges into the canonical :data:`Ranges` form."""
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return tuple(out)


def complement(ranges: Ranges) -> Ranges:
    """Every code point not in ``ranges``."""
    out: list[tuple[int, int]] = []
    nxt = 0
    for lo, hi in merge(ranges):
        if lo > nxt:
            out.append((nxt, lo - 1))
        nxt = hi + 1
    if nxt <= MAX_CODE_POINT:
        out.append((nxt, MAX_CODE_POINT))
    return tuple(out)


def _subtract(a: Ranges, b: Ranges) -> Ranges:
    """``a`` without ``b`` (XSD class subtraction ``[a-[b]]``): the intersection of ``a`` and ``¬b``."""
    out: list[tuple[int, int]] = []
    other = complement(b)
    j = 0
    for lo, hi in a:
        while j < len(other) and other[j][1] < lo:
            j += 1
        k = j
        while k < len(other) and other[k][0] <= hi:
            out.append((max(lo, other[k][0]), min(hi, other[k][1])))
            k += 1
    return merge(out)


def _code(cp: int) -> str:
    ch = chr(cp)
    return ch if ch.isascii() and ch.isalnum() else f"\\x{{{cp:X}}}"


@functools.lru_cache(maxsize=256)
def class_text(ranges: Ranges) -> str:
    """An RE2 character class for exactly ``ranges`` (pure ASCII; the empty set never matches)."""
    if not ranges:
        return f"[^\\x00-\\x{{{MAX_CODE_POINT:X}}}]"
    return "[" + "".join(_code(lo) if lo == hi else f"{_code(lo)}-{_code(hi)}" for lo, hi in ranges) + "]"


def literal_text(ch: str) -> str:
    """One character as an RE2 literal (pure ASCII, never syntax)."""
    return _code(ord(ch))


# --------------------------------------------------------------------------------------------------
# Unicode tables XSD names

_SPACE: Ranges = merge([(0x20, 0x20), (0x09, 0x0A), (0x0D, 0x0D)])
_DOT: Ranges = complement(merge([(0x0A, 0x0A), (0x0D, 0x0D)]))  # XSD '.': anything but line ends
_NAME_START: Ranges = merge(
    [
        (ord(":"), ord(":")),
        (ord("A"), ord("Z")),
        (ord("_"), ord("_")),
        (ord("a"), ord("z")),
        (0xC0, 0xD6),
        (0xD8, 0xF6),
        (0xF8, 0x2FF),
        (0x370, 0x37D),
        (0x37F, 0x1FFF),
        (0x200C, 0x200D),
        (0x2070, 0x218F),
        (0x2C00, 0x2FEF),
        (0x3001, 0xD7FF),
        (0xF900, 0xFDCF),
        (0xFDF0, 0xFFFD),
        (0x10000, 0xEFFFF),
    ]
)
_NAME_CHAR: Ranges = merge(
    [*_NAME_START, (ord("-"), ord(".")), (ord("0"), ord("9")), (0xB7, 0xB7), (0x300, 0x36F), (0x203F, 0x2040)]
)

# The Unicode 3.1 block names of XSD 1.0 (F.1.1), first code point of each block and its last.
_BLOCK_TABLE = """
BasicLatin 0 7F|Latin-1Supplement 80 FF|LatinExtended-A 100 17F|LatinExtended-B 180 24F|IPAExtensions 250 2AF
SpacingModifierLetters 2B0 2FF|CombiningDiacriticalMarks 300 36F|Greek 370 3FF|Cyrillic 400 4FF|Armenian 530 58F
Hebrew 590 5FF|Arabic 600 6FF|Syriac 700 74F|Thaana 780 7BF|Devanagari 900 97F|Bengali 980 9FF|Gurmukhi A00 A7F
Gujarati A80 AFF|Oriya B00 B7F|Tamil B80 BFF|Telugu C00 C7F|Kannada C80 CFF|Malayalam D00 D7F|Sinhala D80 DFF
Thai E00 E7F|Lao E80 EFF|Tibetan F00 FFF|Myanmar 1000 109F|Georgian 10A0 10FF|HangulJamo 1100 11FF
Ethiopic 1200 137F|Cherokee 13A0 13FF|UnifiedCanadianAboriginalSyllabics 1400 167F|Ogham 1680 169F
Runic 16A0 16FF|Khmer 1780 17FF|Mongolian 1800 18AF|LatinExtendedAdditional 1E00 1EFF|GreekExtended 1F00 1FFF
GeneralPunctuation 2000 206F|SuperscriptsandSubscripts 2070 209F|CurrencySymbols 20A0 20CF
CombiningMarksforSymbols 20D0 20FF|LetterlikeSymbols 2100 214F|NumberForms 2150 218F|Arrows 2190 21FF
MathematicalOperators 2200 22FF|MiscellaneousTechnical 2300 23FF|ControlPictures 2400 243F
OpticalCharacterRecognition 2440 245F|EnclosedAlphanumerics 2460 24FF|BoxDrawing 2500 257F
BlockElements 2580 259F|GeometricShapes 25A0 25FF|MiscellaneousSymbols 2600 26FF|Dingbats 2700 27BF
BraillePatterns 2800 28FF|CJKRadicalsSupplement 2E80 2EFF|KangxiRadicals 2F00 2FDF
IdeographicDescriptionCharacters 2FF0 2FFF|CJKSymbolsandPunctuation 3000 303F|Hiragana 3040 309F
Katakana 30A0 30FF|Bopomofo 3100 312F|HangulCompatibilityJamo 3130 318F|Kanbun 3190 319F
BopomofoExtended 31A0 31BF|EnclosedCJKLettersandMonths 3200 32FF|CJKCompatibility 3300 33FF
CJKUnifiedIdeographsExtensionA 3400 4DB5|CJKUnifiedIdeographs 4E00 9FFF|YiSyllables A000 A48F
YiRadicals A490 A4CF|HangulSyllables AC00 D7A3|CJKCompatibilityIdeographs F900 FAFF
AlphabeticPresentationForms FB00 FB4F|ArabicPresentationForms-A FB50 FDFF|CombiningHalfMarks FE20 FE2F
CJKCompatibilityForms FE30 FE4F|SmallFormVariants FE50 FE6F|ArabicPresentationForms-B FE70 FEFE
HalfwidthandFullwidthForms FF00 FFEF|OldItalic 10300 1032F|Gothic 10330 1034F|Deseret 10400 1044F
ByzantineMusicalSymbols 1D000 1D0FF|MusicalSymbols 1D100 1D1FF|MathematicalAlphanumericSymbols 1D400 1D7FF
CJKUnifiedIdeographsExtensionB 20000 2A6D6|CJKCompatibilityIdeographsSupplement 2F800 2FA1F|Tags E0000 E007F
PrivateUse E000 F8FF|PrivateUse F0000 FFFFD|PrivateUse 100000 10FFFD|Specials FEFF FEFF|Specials FFF0 FFFD
"""


@functools.cache
def _blocks() -> dict[str, Ranges]:
    table: dict[str, list[tuple[int, int]]] = {}
    for entry in _BLOCK_TABLE.replace("\n", "|").split("|"):
        if entry.strip():
            name, lo, hi = entry.split()
            table.setdefault(name, []).append((int(lo, 16), int(hi, 16)))
    return {name: merge(rs) for name, rs in table.items()}


@functools.cache
def _categories() -> dict[str, Ranges]:
    """Unicode general category (two letters) -> ranges; computed once, on first use (about 0.3 s)."""
    table: dict[str, list[tuple[int, int]]] = {}
    start, current = 0, unicodedata.category("\x00")
    for cp in range(1, MAX_CODE_POINT + 1):
        cat = unicodedata.category(chr(cp))
        if cat != current:
            table.setdefault(current, []).append((start, cp - 1))
            start, current = cp, cat
    table.setdefault(current, []).append((start, MAX_CODE_POINT))
    return {k: tuple(v) for k, v in table.items()}


@functools.cache
def _property(name: str) -> Ranges:
    """``\\p{name}``: a block (``IsThai``), a category (``Lu``) or a category group (``L``)."""
    if name.startswith("Is"):
        block = _blocks().get(name[2:])
        if block is None:
            raise RegexError(f"unknown Unicode block \\p{{{name}}}")
        return block
    table = _categories()
    if len(name) == 1 and name in "LMNPZSC":
        return merge(r for cat, rs in table.items() if cat[0] == name for r in rs)
    if len(name) == 2 and name[0] in "LMNPZSC" and name[1].islower():
        return table.get(name, ())
    raise RegexError(f"unknown character property \\p{{{name}}}")


@functools.cache
def _multi_escape(c: str) -> Ranges:
    """``\\s \\i \\c \\d \\w`` and their complements as ranges."""
    ranges: dict[str, Callable[[], Ranges]] = {
        "s": lambda: _SPACE,
        "i": lambda: _NAME_START,
        "c": lambda: _NAME_CHAR,
        "d": lambda: _property("Nd"),
        # XSD \w: everything except punctuation, separators and "other" (so "_" is not a word character)
        "w": lambda: merge(r for g in "LMNS" for r in _property(g)),
    }
    base = ranges[c.lower()]()
    return base if c.islower() else complement(base)


# --------------------------------------------------------------------------------------------------
# Translation

_SINGLE = {"n": "\n", "r": "\r", "t": "\t"}
_QUANTITY = re.compile(r"\{([0-9]+)(,([0-9]*))?\}")  # a plain character set: linear in Python re
_PROPERTY = re.compile(r"\{([A-Za-z0-9\-]+)\}")
_MAX_CLASS_NESTING = 32  # [a-[b-[c-...]]]: the translator recurses once per level


class _Translator:
    """One left-to-right pass over the pattern; character classes become explicit range sets."""

    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.i = 0
        self.ranges_seen = 0  # work budget: ranges brought in by class escapes (MAX_CLASS_RANGES)

    def fail(self, msg: str) -> RegexError:
        shown = self.p if len(self.p) <= 80 else self.p[:80] + "..."
        return RegexError(f"invalid regular expression {shown!r}: {msg} at position {self.i}")

    def run(self) -> str:
        out: list[str] = []
        p = self.p
        after_atom = False  # the last thing written can take a quantifier
        depth = 0
        size = 0
        while self.i < len(p):
            if out:
                size += len(out[-1])  # every pass below appends exactly one piece
                if size > MAX_TRANSLATED_CHARS:
                    raise self.fail(f"too complex: its classes expand beyond {MAX_TRANSLATED_CHARS} characters")
            c = p[self.i]
            if c in "*+?" or (c == "{" and after_atom):
                if not after_atom:
                    raise self.fail(f"quantifier {c!r} without an atom")
                out.append(self.quantifier())
                after_atom = False
                continue
            if c == "(":
                depth += 1
                out.append("(?:")
                self.i += 1
                after_atom = False
            elif c == ")":
                if depth == 0:
                    raise self.fail("unbalanced ')'")
                depth -= 1
                out.append(")")
                self.i += 1
                after_atom = True
            elif c == "|":
                out.append("|")
                self.i += 1
                after_atom = False
            else:
                out.append(self.atom())
                after_atom = True
        if depth:
            raise self.fail("unbalanced '('")
        text = "".join(out)
        if len(text) > MAX_TRANSLATED_CHARS:
            raise self.fail(f"too complex: its classes expand beyond {MAX_TRANSLATED_CHARS} characters")
        return text

    def quantifier(self) -> str:
        c = self.p[self.i]
        if c != "{":
            self.i += 1
            return c
        m = _QUANTITY.match(self.p, self.i)
        if m is None:
            raise self.fail("bad quantifier")
        low = int(m.group(1))
        if m.group(3) and int(m.group(3)) < low:
            raise self.fail("quantifier maximum below its minimum")
        self.i = m.end()
        return m.group()

    def atom(self) -> str:
        c = self.p[self.i]
        if c == "[":
            return class_text(self.char_class())
        if c == ".":
            self.i += 1
            return class_text(_DOT)
        if c == "]":
            raise self.fail("unescaped ']'")
        if c == "\\":
            item = self.escape()
            return literal_text(item) if isinstance(item, str) else class_text(item)
        self.i += 1
        return literal_text(c)

    def escape(self) -> str | Ranges:
        """``\\x`` at self.i: a literal character, or the ranges of a class escape."""
        item = self._escape()
        if isinstance(item, tuple):
            self.ranges_seen += len(item)
            if self.ranges_seen > MAX_CLASS_RANGES:
                raise self.fail(f"too complex: its class escapes bring more than {MAX_CLASS_RANGES} ranges")
        return item

    def _escape(self) -> str | Ranges:
        p = self.p
        if self.i + 1 >= len(p):
            raise self.fail("trailing backslash")
        c = p[self.i + 1]
        self.i += 2
        if c in _SINGLE:
            return _SINGLE[c]
        if c in "sSiIcCdDwW":
            return _multi_escape(c)
        if c in "pP":
            m = _PROPERTY.match(p, self.i)
            if m is None:
                raise self.fail(f"bad \\{c}{{...}}")
            self.i = m.end()
            ranges = _property(m.group(1))
            return ranges if c == "p" else complement(ranges)
        if c.isalnum():
            raise self.fail(f"unknown escape \\{c}")
        return c

    def class_char(self) -> str | Ranges:
        c = self.p[self.i]
        if c == "\\":
            return self.escape()
        self.i += 1
        return c

    def char_class(self, depth: int = 0) -> Ranges:
        """``[...]`` at self.i, with ``^`` and ``-[...]`` subtraction, as ranges."""
        p = self.p
        if depth > _MAX_CLASS_NESTING:
            raise self.fail(f"class subtractions nested deeper than {_MAX_CLASS_NESTING}")
        self.i += 1
        negated = p.startswith("^", self.i)
        if negated:
            self.i += 1
        items: list[tuple[int, int]] = []
        subtract: Ranges | None = None
        start = self.i
        while True:
            if self.i >= len(p):
                raise self.fail("unterminated character class")
            c = p[self.i]
            if c == "]":
                if self.i == start:
                    raise self.fail("empty character class")
                self.i += 1
                break
            if c == "[":
                raise self.fail("'[' must be escaped in a character class")
            if c == "-" and self.i > start:
                if p.startswith("-[", self.i):
                    self.i += 1
                    subtract = self.char_class(depth + 1)
                    if not p.startswith("]", self.i):
                        raise self.fail("a class subtraction must end its class")
                    self.i += 1
                    break
                if not p.startswith("-]", self.i):
                    raise self.fail("'-' must be escaped inside a character class")
            item = self.class_char()
            if isinstance(item, tuple):
                items.extend(item)
                continue
            if p.startswith("-", self.i) and self.i + 1 < len(p) and p[self.i + 1] not in "[]":
                self.i += 1
                hi = self.class_char()
                if isinstance(hi, tuple) or ord(hi) < ord(item):
                    raise self.fail("bad character range")
                items.append((ord(item), ord(hi)))
            else:
                items.append((ord(item), ord(item)))
        ranges = merge(items)
        if negated:
            ranges = complement(ranges)
        return ranges if subtract is None else _subtract(ranges, subtract)


def translate(pattern: str) -> str:
    """The RE2 syntax (unanchored; pure ASCII) of the XSD regular expression ``pattern``.

    Raises:
        RegexError: not XSD syntax, or longer than :data:`MAX_PATTERN_CHARS`.
    """
    if len(pattern) > MAX_PATTERN_CHARS:
        raise RegexError(f"regular expression longer than {MAX_PATTERN_CHARS} characters")
    return _Translator(pattern).run()


def compile_re2(text: str, max_mem: int) -> re2._Regexp:
    """Compile RE2 syntax with a bounded program and no capture groups (only "does it match" is asked).

    Raises:
        RegexError: RE2 refuses it (syntax, a repetition count over 1000, more than ``max_mem`` of program).
    """
    options = re2.Options()
    options.max_mem = max_mem
    options.never_capture = True
    options.log_errors = False
    try:
        return re2.compile(text, options)
    except re2.error as e:
        reason = e.args[0].decode(errors="replace") if e.args and isinstance(e.args[0], bytes) else str(e)
        raise RegexError(f"regular expression beyond the linear-time engine's bounds: {reason}") from None


class XsdRegex:
    """A compiled XSD regular expression; :meth:`matches` answers in time linear in the subject."""

    __slots__ = ("_rx",)

    def __init__(self, rx: re2._Regexp) -> None:
        self._rx = rx

    def matches(self, text: str) -> bool:
        """True if the whole of ``text`` matches (XSD patterns are implicitly anchored at both ends)."""
        try:
            return self._rx.fullmatch(text) is not None
        except UnicodeEncodeError:  # a lone surrogate: no XML character string contains one
            return False


@functools.lru_cache(maxsize=_CACHE_SIZE)
def compile_xsd(pattern: str) -> XsdRegex:
    """Translate and compile an XSD regular expression (cached).

    Raises:
        RegexError: the pattern is invalid or beyond the bounds in the module docstring.
    """
    text = translate(pattern)
    try:
        rx = compile_re2(text, MAX_PROGRAM_BYTES)
    except RegexError as e:
        raise RegexError(f"{e} (pattern {pattern[:80]!r})") from None
    return XsdRegex(rx)
