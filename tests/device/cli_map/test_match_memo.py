"""parse._match_level remembers the lines it matched from scratch and reads the rest through the shapes of
earlier matches without remembering them: either way a line reads exactly as a match from scratch does, and a
bulk of one-off lines of one shape (10,000 new users read back) leaves the memo as it was."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iosxe_agent.device.cli_map import parse
from iosxe_agent.device.cli_map.parse import CONFIG_MODE, ModeContext, _match_level, _match_words, _tokenize
from iosxe_agent.device.cli_map.tree import Step

from .test_parse_shapes import SECRET9, TEMPLATES, WORDS, _fill


@pytest.fixture(autouse=True)
def _forgotten() -> None:
    parse._shapes.clear()
    parse._memo.clear()


def _level(mode: str, context: str) -> ModeContext:
    """A mode entered under a context element named ``context`` (its namespace does not matter to the match)."""
    return ModeContext(mode, (Step(f"{{urn:x}}{context}"),), CONFIG_MODE) if context else ModeContext(mode)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(TEMPLATES), st.lists(st.lists(WORDS, min_size=2, max_size=2), min_size=1, max_size=4))
def test_a_line_reads_as_from_scratch_whether_remembered_replayed_or_matched(
    template: str, fillings: list[list[str]]
) -> None:
    parse._shapes.clear()
    parse._memo.clear()
    for words in [*fillings, fillings[0]]:  # (the first again: remembered, or replayed)
        line, mode, context = _fill(template, words)
        tokens = _tokenize(line)
        assert _match_level(line, tokens, _level(mode, context)) == _match_words(line, tokens, mode, context)[0]


def test_user_lines_read_through_a_shape_are_not_remembered() -> None:
    lines = [f"username u{i} privilege 1 secret 9 {SECRET9}" for i in range(50)]
    for line in lines:
        _match_level(line, _tokenize(line), CONFIG_MODE)
    assert list(parse._memo) == [(lines[0], "config", "")]
