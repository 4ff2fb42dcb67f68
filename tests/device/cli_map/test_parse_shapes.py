"""A line matched through the shape of an earlier one (parse._Shape: its free words abstracted) reads exactly as a
line matched from scratch: the same command, values, ranks, or the same error."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iosxe_agent.device.cli_map import parse
from iosxe_agent.device.cli_map.parse import _match_mode, _match_words, _tokenize

SECRET9 = "$9$8LKaOniOwlOU7.$MbzGH5tklYd8.eOZ4QFleZIVCyoMNr2Z4sS18pKPVVI"
#: Lines with free words (``{}``), in global configuration mode unless a mode and context element are named.
TEMPLATES = (
    "config-vrf definition: rd {}",  # a word with a pattern
    "conf-ssh-pubkey-user username: key-hash ssh-rsa {} {}",  # hexadecimal, stored upper case
    "username {} privilege 1 secret 9 " + SECRET9,
    "username {} privilege 1 secret 9 {}",  # a LINE argument: the hash
    "username {} secret {}",
    "username {} password 7 {}",
    "snmp-server location {} {}",
    "snmp-server contact {}",
    "config-line vty: location {} {}",
    "username {} privilege {}",
    "username {} {}",
    "username {}",
    "ip route {} 255.255.255.0 {}",
    "ip route vrf {} 127.0.0.0 255.0.0.0 {}",
    "snmp-server community {} {}",
    "snmp-server host 127.0.0.1 vrf {} {}",
    "ip domain name {}",
    "hostname {}",
    "no username {}",
    "aaa group server tacacs+ {}",
    "crypto key pubkey-chain rsa",
)
#: Words that are names, keywords, abbreviations, numbers, addresses, hexadecimal or refused by a word pattern.
WORDS = st.sampled_from(
    ["alice", "bob", "privilege", "priv", "p", "secret", "vrf", "RO", "ro", "15", "99", "127.0.0.1", "abc",
     "ABC", "x-y", "?", "#", "0", "one-time", "nopassword", "Gi1", "GigabitEthernet1", "1:1", "65000:10",
     "abcdef0123", "ABCDEF0123", SECRET9, "$1$x$y", "!", "^C", "\u2028", "a\x1cb", "ü"]
)  # fmt: skip


def _fill(template: str, words: list[str]) -> tuple[str, str, str]:
    """(line, mode, context) of ``template`` with ``words`` in its free places."""
    where, _, line = template.rpartition(": ")
    mode, _, context = where.partition(" ")
    return line.format(*words[: line.count("{}")]), mode or "config", context


@pytest.fixture(autouse=True)
def _no_shapes() -> None:
    parse._shapes.clear()


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(TEMPLATES), st.lists(WORDS, min_size=2, max_size=2), st.lists(WORDS, min_size=2, max_size=2))
def test_a_line_read_through_a_shape_reads_as_from_scratch(template: str, first: list[str], then: list[str]) -> None:
    parse._shapes.clear()
    (primer, mode, context), (line, _, _) = _fill(template, first), _fill(template, then)
    _match_mode(primer, _tokenize(primer), mode, context)
    assert _match_mode(line, _tokenize(line), mode, context) == _match_words(line, _tokenize(line), mode, context)[0]


def test_user_lines_share_one_shape() -> None:
    """What makes reading back 10,000 users cheap: the second user line is matched through the first one's shape,
    with its own name as the value."""
    lines = [f"username u{i} privilege 1 secret 9 {SECRET9}" for i in range(3)]
    for line in lines:
        _match_mode(line, _tokenize(line), "config", "")
    (shapes,) = parse._shapes.values()
    assert len(shapes) == 1
    replayed = shapes[0].replay(lines[2], _tokenize(lines[2]))
    assert replayed is not None
    assert ("name", "u2") in [(act[1].path, act[2]) for act in replayed.acts if act[0] == "arg"]
    other = f"username u9 privilege 1 secret 5 {SECRET9}"
    assert shapes[0].replay(other, _tokenize(other)) is None  # a word of a choice differs


def test_lines_with_their_own_hash_share_one_shape() -> None:
    """A type-9 hash is a ``LINE`` argument: 10,000 users with their own hashes are still one match, each line's
    hash read as its value."""
    lines = [f"username u{i} privilege 1 secret 9 {SECRET9[:-2]}{i:02d}" for i in range(3)]
    for line in lines:
        _match_mode(line, _tokenize(line), "config", "")
    (shapes,) = parse._shapes.values()
    assert len(shapes) == 1
    replayed = shapes[0].replay(lines[2], _tokenize(lines[2]))
    assert replayed == _match_words(lines[2], _tokenize(lines[2]), "config", "")[0]
    assert ("secret/secret", SECRET9[:-2] + "02") in [(act[1].path, act[2]) for act in replayed.acts if act[0] == "arg"]


@pytest.mark.parametrize("separator", ["\x1c", "\x1e", "\x85", "\u2028", "\u2029", "\x0b", "\x0c"])
def test_a_line_break_inside_a_line_argument_is_never_replayed_away(separator: str) -> None:
    """The same words, with a line break (one that is also white space) between two of them: the LINE argument
    that read the words cleanly before must now refuse, as a match from scratch does."""
    primer = "snmp-server location rack 3"
    _match_mode(primer, _tokenize(primer), "config", "")
    line = f"snmp-server location rack{separator}3"
    assert len(_tokenize(line)) == len(_tokenize(primer))
    fresh = _match_words(line, _tokenize(line), "config", "")[0]
    assert _match_mode(line, _tokenize(line), "config", "") == fresh
    assert isinstance(fresh, parse.CliError) and fresh.kind == "invalid"
