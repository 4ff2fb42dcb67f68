"""The parser's split of a line into words: the fast split of plain ASCII lines (parse._tokenize) gives exactly the
words and positions the regular expression of runs of non-white space gives, whatever the line holds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from iosxe_agent.device.cli_map.parse import _WORD, _tokenize

#: Words, single and repeated spaces, the other white space ``str.split`` and the regular expression know (tab,
#: line breaks, the ASCII separators, a no-break space, an ideographic space) and non-ASCII letters.
_PIECES = st.sampled_from(
    ("a", "Bob", "9", "$9$x.Y", " ", "  ", "\t", "\n", "\r", "\x1c", "\x1f", "\xa0", "\u3000", "é")
)


def _by_regex(line: str) -> list[tuple[str, str, int, int]]:
    return [(m.group(), m.group().lower(), m.start(), m.end()) for m in _WORD.finditer(line)]


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join))
def test_a_line_splits_into_the_words_the_regular_expression_finds(line: str) -> None:
    assert [tuple(t) for t in _tokenize(line)] == _by_regex(line)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_any_text_splits_into_the_words_the_regular_expression_finds(line: str) -> None:
    assert [tuple(t) for t in _tokenize(line)] == _by_regex(line)


def test_a_printed_line_splits_with_its_positions() -> None:
    line = "username Bob privilege 1 secret 9 $9$ab"
    assert [(t.text, t.start, t.end) for t in _tokenize(line)][:3] == [
        ("username", 0, 8),
        ("Bob", 9, 12),
        ("privilege", 13, 22),
    ]
