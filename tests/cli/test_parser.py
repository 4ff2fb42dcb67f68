"""IOS command matching: abbreviations, arguments, caret columns, ambiguity, help and completion."""

from __future__ import annotations

import pytest

from iosxe_agent.cli.parser import Error, Match, Node, add, complete_word, help_lines, match


def handler(*_: object) -> str:
    return ""


@pytest.fixture
def root() -> Node:
    r = Node("")
    add(r, "show running-config", handler, "Current operating configuration", 15)
    add(r, "show privilege", handler, "Show current privilege level")
    add(r, "show ip ssh", handler, "Information on SSH")
    add(r, "show ssh", handler, "Status of SSH server connections")
    add(r, "terminal length <0-512>", handler, "Set number of lines on a screen")
    add(r, "terminal width <0-512>", handler, "Set width of the display terminal")
    add(r, "crypto key zeroize rsa WORD", handler, "Remove RSA keys", 15)
    add(r, "configure terminal", handler, "Configure from the terminal", 15)
    add(r, "copy running-config startup-config", handler, "Copy", 15)
    return r


@pytest.mark.parametrize(
    ("line", "args"),
    [
        ("sh run", ()),
        ("show running-config", ()),
        ("SH PRIV", ()),
        ("term len 0", ("0",)),
        ("terminal width 512", ("512",)),
        ("conf t", ()),
        ("crypto key zeroize rsa MyKey", ("MyKey",)),
        ("copy run start", ()),
    ],
)
def test_unique_prefixes_and_arguments(root: Node, line: str, args: tuple[str, ...]) -> None:
    found = match(root, line)
    assert isinstance(found, Match)
    assert found.args == args


def test_caret_under_the_first_mismatching_character(root: Node) -> None:
    err = match(root, "show versoin")
    assert err == Error("invalid", 5)
    assert match(root, "shiw run") == Error("invalid", 2)
    assert err.render(len("Router#")).splitlines() == [" " * 12 + "^", "% Invalid input detected at '^' marker."]


def test_incomplete_and_ambiguous(root: Node) -> None:
    assert match(root, "show") == Error("incomplete")
    assert match(root, "terminal length") == Error("incomplete")
    assert match(root, "c") == Error("ambiguous", text="c")
    assert Error("ambiguous", text="c").render(7) == '% Ambiguous command:  "c"'


def test_range_arguments_are_checked(root: Node) -> None:
    assert isinstance(match(root, "terminal length 513"), Error)


def test_privilege_hides_commands(root: Node) -> None:
    assert isinstance(match(root, "show running-config", privilege=1), Error)
    assert isinstance(match(root, "show privilege", privilege=1), Match)
    assert isinstance(match(root, "conf t", privilege=1), Error)


def test_help_and_completion(root: Node) -> None:
    assert any(line.strip().startswith("privilege") for line in help_lines(root, "show "))
    assert help_lines(root, "show p") == ["privilege"]
    assert "<cr>" in help_lines(root, "show privilege ")[-1]
    assert complete_word(root, "sh") == "show "
    assert complete_word(root, "show r") == "show running-config "
    assert complete_word(root, "c") is None
