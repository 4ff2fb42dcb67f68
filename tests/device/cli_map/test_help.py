"""Configuration-mode ``?`` help and Tab completion from the CLI table (iosxe_agent/device/cli_map/help.py).

Expected lines follow real IOS XE captures (``ip ssh ?`` and ``ip ssh port … ?`` on an IOS XE router, ``aaa
authentication login default ?`` and ``transport input ?`` from course transcripts, ``<cr>  <cr>`` from 17.x).
The property test walks every command of the table: help never contradicts the grammar.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iosxe_agent.device.cli_map import CONFIG_MODE, ModeContext, parse_line
from iosxe_agent.device.cli_map.help import UNRECOGNIZED, complete, help_lines, yang_descriptions
from iosxe_agent.device.cli_map.syntax import (
    Alt,
    Arg,
    Choice,
    Command,
    Interface,
    Kw,
    Many,
    Node,
    Number,
    Opt,
    Pad,
    Rest,
    Seq,
)
from iosxe_agent.device.cli_map.table import COMMANDS, MODES
from tests.support.config_typing import typed


def _mode(trees: Any, *lines: str) -> ModeContext:
    return typed(trees, list(lines))[1]


def _words(lines: list[str]) -> list[str]:
    """The first column of help lines (wrapped description lines left out)."""
    return [line.split()[0] for line in lines if not line.startswith("   ")]


def test_ip_ssh_lists_the_words_of_ip_ssh_only_as_ios_prints_them() -> None:
    lines = help_lines("ip ssh ", CONFIG_MODE)
    assert "  authentication-retries  Specify number of authentication retries" in lines
    assert "  time-out                Specify SSH time-out interval" in lines
    # a description longer than the 80-column terminal wraps under its column (real IOS XE capture)
    at = lines.index("  source-interface        Specify interface for source address in SSH")
    assert lines[at + 1] == " " * 26 + "connections"
    words = _words(lines)
    assert words == sorted(words) and "hostname" not in words and "username" not in words


def test_arguments_show_their_placeholders() -> None:
    assert help_lines("ip ssh time-out ", CONFIG_MODE) == ["  <1-120>  SSH time out interval (secs)"]
    assert help_lines("ip ssh port 2000 rotary 1 ", CONFIG_MODE) == [
        "  <1-127>  High Rotary group number",
        "  <cr>     <cr>",
    ]
    assert help_lines("ip ssh time-out 30 ", CONFIG_MODE) == ["  <cr>  <cr>"]
    assert help_lines("hostname ", CONFIG_MODE) == ["  WORD  This system's network name"]
    assert help_lines("snmp-server location ", CONFIG_MODE)[0].startswith("  LINE  ")


def test_username_and_the_method_lists() -> None:
    user = help_lines("username bob ", CONFIG_MODE)
    assert _words(user) == ["algorithm-type", "one-time", "password", "privilege", "secret", "<cr>"]
    assert "  privilege       Set user privilege level" in user
    assert help_lines("username bob privilege ", CONFIG_MODE) == ["  <0-15>  User privilege level"]
    assert help_lines("aaa authentication login ", CONFIG_MODE) == [
        "  WORD     Named authentication list (max 31 characters, longer will be",
        "           rejected).",
        "  default  The default authentication list.",
    ]
    methods = help_lines("aaa authentication login default ", CONFIG_MODE)
    assert "  local        Use local username authentication." in methods
    assert "  group        Use Server-group" in methods
    # the second method of the chain has the same help, and the list is complete after one method
    second = help_lines("aaa authentication login MYLIST local ", CONFIG_MODE)
    assert "  local-case   Use case-sensitive local username authentication." in second
    assert second[-1].startswith("  <cr>")
    assert help_lines("aaa authentication login default group ", CONFIG_MODE) == [
        "  WORD     Server-group name",
        "  ldap     Use list of all LDAP hosts.",
        "  radius   Use list of all Radius hosts.",
        "  tacacs+  Use list of all Tacacs+ hosts.",
    ]


def test_sub_modes_list_their_own_commands(trees: Any) -> None:
    vty = _mode(trees, "line vty 0 4")
    top = _words(help_lines("", vty))
    assert {"transport", "login", "exec-timeout", "exit", "end", "no", "do"} <= set(top)
    assert "hostname" not in top and "ip" not in top
    assert help_lines("transport input ", vty)[:2] == ["  acercon  Acercon protocol", "  all      All protocols"]
    assert "  ssh      TCP/IP SSH protocol" in help_lines("transport input ", vty)
    assert "  ssh      TCP/IP SSH protocol" in help_lines("transport input telnet ", vty)  # one or more
    # the console has no 'transport input' (fixed on the console), as the parser has it
    console = _mode(trees, "line console 0")
    assert help_lines("transport ", console) == [
        "  output     Define which protocols to use for outgoing connections",
        "  preferred  Specify the preferred protocol to use",
    ]
    pubkey = _mode(trees, "ip ssh pubkey-chain", "username bob")
    assert set(_words(help_lines("", pubkey))) >= {"key-hash", "key-string", "exit", "no"}
    # a global command typed in a sub-mode is helped there too (the parser leaves the sub-mode for it)
    assert "  time-out                Specify SSH time-out interval" in help_lines("ip ssh ", vty)


def test_partial_words_complete_on_one_line() -> None:
    assert help_lines("ip ssh t", CONFIG_MODE) == ["time-out  "]
    assert help_lines("ip ssh s", CONFIG_MODE)[0].split() == sorted(help_lines("ip ssh s", CONFIG_MODE)[0].split())
    assert {"server", "source-interface"} <= set(help_lines("ip ssh s", CONFIG_MODE)[0].split())
    assert help_lines("username bob", CONFIG_MODE) == ["WORD  "]
    assert help_lines("ip ssh time-out 1", CONFIG_MODE) == ["<1-120>  "]
    assert help_lines("h", CONFIG_MODE) == ["hostname  http  hw-module  hw-switch  "]  # 17.12.1 model's words
    assert "do" in help_lines("d", CONFIG_MODE)[0].split()


def test_what_cannot_continue() -> None:
    assert help_lines("ip ssh zz", CONFIG_MODE) == [UNRECOGNIZED]
    assert help_lines("ip sssh ", CONFIG_MODE) == [UNRECOGNIZED]
    assert help_lines("show ip ", CONFIG_MODE) == [UNRECOGNIZED]
    # a number out of range: the caret under it, as for a typed line
    prompt = "Router(config)#"
    assert help_lines("ip ssh time-out 500 ", CONFIG_MODE, prompt_width=len(prompt)) == [
        " " * len(prompt + "ip ssh time-out ") + "^",
        "% Invalid input detected at '^' marker.",
    ]
    assert help_lines("ip s ", CONFIG_MODE) == ['% Ambiguous command:  "ip s "']
    # IOS commands the table does not model still share abbreviations (CLI reference §3.3: 'a' is ambiguous)
    assert help_lines("a ", CONFIG_MODE) == ['% Ambiguous command:  "a "']
    assert help_lines("a", CONFIG_MODE)[0].split()[:4] == ["aaa", "access-list", "access-session", "alarm"]


def test_no_forms() -> None:
    no = _words(help_lines("no ", CONFIG_MODE))
    assert {"aaa", "ip", "username", "line", "hostname"} <= set(no)
    assert "version" not in no and "no" not in no and "do" not in no
    no_ssh = help_lines("no ip ssh ", CONFIG_MODE)
    assert "  time-out                Specify SSH time-out interval" in no_ssh
    # 'no ip ssh time-out' needs no value: the line is complete there, the value optional
    assert help_lines("no ip ssh time-out ", CONFIG_MODE) == [
        "  <1-120>  SSH time out interval (secs)",
        "  <cr>     <cr>",
    ]


def test_descriptions_fall_back_to_the_yang_description(trees: Any) -> None:
    describe = yang_descriptions(trees.schema)
    lines = help_lines("", CONFIG_MODE, describe=describe)
    radius = next(line for line in lines if line.split()[0] == "radius")
    assert radius.split(None, 1)[1] != "radius"  # the YANG node's description, not the bare word
    # a curated IOS text wins over the YANG description
    assert "  ip                 Global IP configuration subcommands" in lines


def test_key_data_modes(trees: Any) -> None:
    data = _mode(trees, "ip ssh pubkey-chain", "username bob", "key-string")
    assert _words(help_lines("", data)) == ["LINE", "end", "exit", "quit"]


def test_tab_completes_one_keyword(trees: Any) -> None:
    assert complete("ip ss", CONFIG_MODE) == "ip ssh "
    assert complete("ip ssh ti", CONFIG_MODE) == "ip ssh time-out "
    assert complete("  ip ssh ti", CONFIG_MODE) == "  ip ssh time-out "
    assert complete("ip s", CONFIG_MODE) is None  # scp or ssh
    assert complete("a", CONFIG_MODE) is None and complete("aa", CONFIG_MODE) == "aaa "
    assert complete("snmp-server community public R", CONFIG_MODE) is None  # RO or RW
    assert complete("snmp-server community public RW", CONFIG_MODE) == "snmp-server community public RW "
    assert complete("ip ssh ", CONFIG_MODE) is None
    assert complete("username b", CONFIG_MODE) is None  # a name, not a keyword
    assert complete("aaa authentication login d", CONFIG_MODE) == "aaa authentication login default "
    assert complete("no ip ssh time", CONFIG_MODE) == "no ip ssh time-out "
    vty = _mode(trees, "line vty 0 4")
    assert complete("transport in", vty) == "transport input "
    assert complete("transport input ss", vty) == "transport input ssh "


# -- the property: every prefix of every command is helped with its next word ---------------------------------------
def _tokens(node: Node) -> st.SearchStrategy[list[tuple[str, str]]]:
    """Typed words of one reading of ``node`` with what help shows for each (the keyword, or the placeholder).
    Free words start with ``zq`` so that no keyword can claim them."""
    if node.render_only:
        return st.nothing()
    if isinstance(node, Kw):
        return st.nothing() if node.hidden else st.just([(node.word, node.word)])
    if isinstance(node, Arg):
        return _arg(node)
    if isinstance(node, Seq):
        return _concat([_tokens(i) for i in node.items])
    if isinstance(node, Opt):
        return st.one_of(st.just([]), _tokens(node.item))
    if isinstance(node, Alt):
        return st.one_of([_tokens(b) for b in node.branches])
    if isinstance(node, Many):
        count = len(node.items)
        return st.permutations(
            range(count)
        ).flatmap(
            lambda order: st.integers(node.min, min(count, node.min + 3)).flatmap(  # a few: lines stay short
                lambda k: _concat([_tokens(node.items[i]) for i in order[:k]])
            )
        )
    assert isinstance(node, Pad)
    return st.just([])


def _arg(arg: Arg) -> st.SearchStrategy[list[tuple[str, str]]]:
    kind = arg.type
    if isinstance(kind, Choice):
        one = st.sampled_from(kind.words).map(lambda w: [(w, w)])
        if arg.leaflist:
            return st.lists(st.sampled_from(kind.words), min_size=1, max_size=3, unique=True).map(
                lambda ws: [(w, w) for w in ws]
            )
        return one
    if isinstance(kind, Number):
        return st.integers(kind.lo, kind.hi).map(lambda v: [(str(v), kind.help)])
    if isinstance(kind, Interface):
        return st.just([(f"{kind.only}1", kind.only) if kind.only else ("Loopback0", "Loopback")])
    if isinstance(kind, Rest):
        return st.just([("zqline", kind.help)])
    if kind.pattern:  # an address, a prefix, a route distinguisher
        return st.from_regex(kind.pattern, fullmatch=True).map(lambda v: [(v, kind.help)])
    return st.integers(0, 99).map(lambda v: [(f"zq{v}", kind.help)])


def _concat(parts: list[st.SearchStrategy[list[tuple[str, str]]]]) -> st.SearchStrategy[list[tuple[str, str]]]:
    out: st.SearchStrategy[list[tuple[str, str]]] = st.just([])
    for part in parts:
        out = st.tuples(out, part).map(lambda ab: ab[0] + ab[1])
    return out


def _entry_lines(mode: str, context: tuple[str, ...] = ()) -> list[str]:
    """Lines that enter ``mode`` from global configuration (the simplest reading of each entering command), under
    a context element the command exists in."""
    if mode == "config":
        return []
    for cmd in COMMANDS:
        if cmd.enters is None or cmd.enters.name != mode:
            continue
        last = cmd.anchor_steps[-1].tag.rpartition("}")[2] if cmd.anchor_steps else ""
        words = _simplest(cmd.syntax)
        if (context and last not in context) or words is None:
            continue
        return [*_entry_lines(cmd.mode.name), " ".join(words)]
    raise AssertionError(f"no command enters {mode}")


@cache
def _entered(trees: Any, mode: str, contexts: tuple[str, ...]) -> ModeContext:
    return _mode(trees, *_entry_lines(mode, contexts))


def _simplest(node: Node) -> list[str] | None:
    """The shortest reading of ``node`` (first branches, fewest items, smallest values); None if it has none."""
    if node.render_only or (isinstance(node, Kw) and node.hidden):
        return None
    if isinstance(node, Kw):
        return [node.word]
    if isinstance(node, Arg):
        kind = node.type
        if isinstance(kind, Choice):
            return [kind.words[0]]
        if isinstance(kind, Number):
            return [str(kind.lo)]
        if isinstance(kind, Interface):
            return [f"{kind.only or 'Loopback'}1"]
        return ["127.0.0.1"]  # a name, or an address where one is due
    if isinstance(node, Opt | Pad):
        return []
    if isinstance(node, Alt):
        return next((w for w in map(_simplest, node.branches) if w is not None), None)
    items = node.items if isinstance(node, Seq) else node.items[: node.min]
    parts = [_simplest(i) for i in items]
    return None if any(p is None for p in parts) else [w for p in parts for w in p or []]


_HELPED = [c for c in COMMANDS if c.mode.name in MODES and not c.mode.data and c.syntax.items]


@pytest.mark.parametrize("cmd", _HELPED, ids=lambda c: c.id)
@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_help_follows_the_grammar(trees: Any, cmd: Command, data: st.DataObject) -> None:
    mode = _entered(trees, cmd.mode.name, cmd.contexts)
    words = data.draw(_tokens(cmd.syntax))
    line = " ".join(w for w, _ in words)
    assert parse_line(line, mode, trees.empty()).error is None, line
    for k, (word, shown) in enumerate(words):
        prefix = "".join(f"{w} " for w, _ in words[:k])
        offered = [entry.split()[0] for entry in help_lines(prefix, mode) if entry.startswith("  ") and entry[2] != " "]
        assert shown in offered, (prefix, shown, offered)
        # and the parser takes whatever keyword help offers there (it may want more words, never refuse that one)
        keyword = data.draw(st.sampled_from(offered))
        if keyword[0].islower() and keyword != "do":  # "do" runs exec commands: the shell takes it
            error = parse_line(prefix + keyword, mode, trees.empty()).error
            assert error is None or error.kind == "incomplete", (prefix + keyword, error)
        if shown == word and not word[0].isdigit():
            assert word in help_lines(prefix + word[:1], mode)[0].split(), (prefix, word)
    assert help_lines(line + " ", mode)[-1].startswith("  <cr>"), line
