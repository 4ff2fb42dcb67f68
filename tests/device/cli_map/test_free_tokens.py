"""``parse.free_tokens``: which tokens of a rendering the parser reads as free values only (the proof of a command
instance's shape in ``printable`` rests on it), and the readings that accepted them."""

from __future__ import annotations

from iosxe_agent.device.cli_map.parse import free_tokens
from iosxe_agent.device.cli_map.syntax import Number, Word

TEXT = "version 17.12\n!\nhostname R1\nip ssh time-out 33\n"


def test_a_value_after_keywords_alone_is_free_with_its_readings() -> None:
    assert free_tokens(TEXT, {3: {1: "R1"}, 4: {3: "33"}}) == {(3, 1): (Word(),), (4, 3): (Number(1, 120),)}


def test_a_token_where_a_keyword_is_tried_is_not_free() -> None:
    # (``logging buffered 4096``: the size may be left out, so the token is tried as a severity level too)
    assert free_tokens("logging buffered 4096\n", {1: {2: "4096"}}) is None
    assert free_tokens(TEXT, {4: {2: "time-out"}}) is None  # (a keyword)


def test_a_token_not_where_it_was_said_to_be_is_not_free() -> None:
    assert free_tokens(TEXT, {4: {3: "34"}}) is None
    assert free_tokens(TEXT, {4: {4: "33"}}) is None
    assert free_tokens(TEXT, {9: {1: "x"}}) is None  # (no such line)
    assert free_tokens(TEXT, {2: {0: "!"}}) is None  # (a comment: never read)


def test_keys_no_forms_and_lines_of_text_are_not_free() -> None:
    assert free_tokens("username bob privilege 3\n", {1: {1: "bob"}}) is None  # (the key of the entry)
    assert free_tokens("username bob privilege 3\n", {1: {3: "3"}}) == {(1, 3): (Number(0, 15),)}
    assert free_tokens("no ip ssh time-out 33\n", {1: {4: "33"}}) is None
    assert free_tokens("banner motd ^Chello^C\n", {1: {2: "^Chello^C"}}) is None


def test_a_value_read_in_a_sub_mode_is_free_there() -> None:
    text = "line vty 0 4\n exec-timeout 5 0\n location rack\n"
    assert free_tokens(text, {2: {1: "5", 2: "0"}, 3: {1: "rack"}}) == {
        (2, 1): (Number(0, 35791),),
        (2, 2): (Number(0, 2147483),),
        (3, 1): (),  # (a LINE argument alone read it)
    }
    assert free_tokens(text, {1: {2: "0"}}) is None  # (the key of the entry the mode is entered for)
