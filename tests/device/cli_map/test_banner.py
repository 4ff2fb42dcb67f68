"""``banner exec|login|motd|prompt-timeout``: any delimiter, text on the same line or over several lines,
``no banner``, ``show running-config``'s ``^C`` form reading back identically, the ``^C`` limit, and the banner
view (what a terminal user is shown)."""

from __future__ import annotations

from typing import Any

import pytest
from config_typing import typed

from iosxe_agent.device.cli_map import CONFIG_MODE, parse_config_text, parse_line, render_config
from iosxe_agent.device.printable import unprintable
from iosxe_agent.device.views.banner_view import read_banners

N = "{http://cisco.com/ns/yang/Cisco-IOS-XE-native}"


def at(path: str) -> str:
    """``banner/motd`` -> the prefixed path from the datastore root."""
    return "ios:native/" + "/".join(f"ios:{step}" for step in path.split("/"))


def motd(trees: Any, tree: Any) -> str | None:
    return trees.text(tree, at("banner/motd/banner"))


@pytest.mark.parametrize(
    ("lines", "kind", "text"),
    [
        (["banner motd #Hello#"], "motd", "Hello"),
        (["banner motd   xHello worldx trailing words"], "motd", "Hello world"),
        (["banner login ^CAuthorized use only^C"], "login", "Authorized use only"),
        (["banner exec %", "Welcome to $(hostname)", "%"], "exec", "\nWelcome to $(hostname)\n"),
        (["banner motd ^C", "line one", "", "  indented line  ", "^C"], "motd", "\nline one\n\n  indented line  \n"),
        (
            ["banner motd &first", "end", "exit", "hostname X", "last&ignored"],
            "motd",
            "first\nend\nexit\nhostname X\nlast",
        ),
        (["banner prompt-timeout ##"], "prompt-timeout", ""),
        (["banner motd #one#", "banner motd $two$"], "motd", "two"),
    ],
)
def test_any_delimiter_same_line_or_multi_line(trees: Any, lines: list[str], kind: str, text: str) -> None:
    tree, mode = typed(trees, lines)
    assert mode == CONFIG_MODE
    assert trees.text(tree, at(f"banner/{kind}/banner")) == text
    assert trees.find(tree, at("hostname")) is None  # a line inside a banner is text, never a command


def test_the_text_mode_remembers_the_delimiter(trees: Any) -> None:
    _, mode = typed(trees, ["banner motd # first line"])
    assert mode.banner and mode.delimiter == "#" and mode.parent == CONFIG_MODE
    _, mode = typed(trees, ["banner motd ^C"])
    assert mode.delimiter == "^C"  # show running-config's two-character delimiter


def test_no_banner_removes_it_and_only_it(trees: Any) -> None:
    tree, _ = typed(trees, ["banner motd #m#", "banner login #l#", "no banner motd"])
    assert motd(trees, tree) is None
    assert trees.find(tree, at("banner/motd")) is None
    assert trees.text(tree, at("banner/login/banner")) == "l"
    tree, _ = typed(trees, ["no banner login"], tree)
    assert trees.find(tree, at("banner")) is None


def test_incomplete_without_a_delimiter(trees: Any) -> None:
    result = parse_line("banner motd", CONFIG_MODE, trees.empty())
    assert result.error is not None and result.error.kind == "incomplete"


def test_show_running_config_prints_caret_c_and_reads_back(trees: Any) -> None:
    tree, _ = typed(trees, ["banner motd #", "Hello", " World ", "#", "banner exec XwelcomeX", "hostname R1"])
    text = render_config(tree)
    assert "\n!\nbanner exec ^Cwelcome^C\nbanner motd ^C\nHello\n World \n^C\n" in text
    edit, errors = parse_config_text(text)
    assert errors == ()
    back = trees.apply(trees.empty(), edit)
    assert trees.canonical(back) == trees.canonical(tree)


def test_a_file_ending_inside_a_banner_keeps_nothing_of_it(trees: Any) -> None:
    edit, errors = parse_config_text("hostname R1\nbanner motd #\nnever closed\n")
    assert errors == ()
    tree = trees.apply(trees.empty(), edit)
    assert motd(trees, tree) is None and trees.text(tree, at("hostname")) == "R1"


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("Hello", True),
        ("\nmulti\n  line ! end\n", True),
        ("a ^ b C", True),
        ("", True),
        (" \n", True),  # blanks at the end of the delimiter's line are text too (found by the round-trip test)
        ("a \nb", True),
        ("contains ^C inside", False),  # IOS has the same limit: ^C ends the banner
        ("carriage\rreturn", False),
    ],
)
def test_netconf_values_are_refused_exactly_when_the_text_cannot_carry_them(trees: Any, text: str, ok: bool) -> None:
    tree = trees.tree(f"<banner><motd><banner>{text.replace(chr(13), '&#13;')}</banner></motd></banner>")
    assert motd(trees, tree) == text
    assert (not unprintable(tree, trees.schema)) is ok, render_config(tree)


def test_the_view_expands_tokens_and_orders_motd_before_exec(trees: Any) -> None:
    tree, _ = typed(
        trees,
        ["hostname R9", "ip domain name lab.local", "banner motd #M $(hostname)#", "banner exec #E $(domain)#",
         "banner login #L#"],
    )  # fmt: skip
    banners = read_banners(tree)
    assert banners.login == "L"
    assert banners.session_start == "M R9\nE lab.local\n"
    assert read_banners(trees.empty()).session_start == ""
