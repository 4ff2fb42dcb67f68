"""``file prompt alert|noisy|quiet`` in the CLI table and its view: typed, it lands in the device-private
``/native/priv:file/prompt`` (17.12.1's model has no ``file``; the values of Cisco's 17.15.1 leaf);
``show running-config`` prints it where a real box does (after ``memory``/``archive``, before the usernames) and
reads back into the same tree; ``no file prompt`` returns to IOS's default ``alert``; the file commands ask
:func:`views.files` how much to ask."""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree

from iosxe_agent.device import views
from iosxe_agent.device.cli_map import parse_config_text, render_config
from iosxe_agent.device.views.file_view import FilePrompt, FileView


def running(trees: Any, text: str) -> etree._Element:
    edit, errors = parse_config_text(text)
    assert not errors, errors
    return trees.apply(trees.empty(), edit)


@pytest.mark.parametrize("level", ["quiet", "noisy", "alert"])
def test_file_prompt_is_stored_rendered_and_read_back(trees: Any, level: str) -> None:
    tree = running(trees, f"file prompt {level}\n")
    assert trees.text(tree, "ios:native/priv:file/priv:prompt") == level
    assert views.files(tree) == FileView(FilePrompt(level))
    text = render_config(tree)
    assert f"\nfile prompt {level}\n" in text
    assert trees.canonical(running(trees, text)) == trees.canonical(tree)


def test_abbreviated_as_typed_and_placed_before_the_usernames(trees: Any) -> None:
    tree = running(trees, "username u1 privilege 15 secret 0 pw\nfil pro q\n")
    assert views.files(tree).prompt is FilePrompt.QUIET
    lines = render_config(tree).splitlines()
    assert lines.index("file prompt quiet") < next(i for i, line in enumerate(lines) if line.startswith("username"))


def test_no_file_prompt_returns_to_alert_and_prints_nothing(trees: Any) -> None:
    tree = running(trees, "file prompt quiet\nno file prompt quiet\n")
    assert trees.find(tree, "ios:native/priv:file") is None  # no empty container left behind
    assert views.files(tree) == FileView(FilePrompt.ALERT)
    assert "file prompt" not in render_config(tree)


def test_an_unset_prompt_is_alert_as_on_ios(trees: Any) -> None:
    assert views.files(trees.empty()).prompt is FilePrompt.ALERT


def test_an_unknown_level_is_invalid_input(trees: Any) -> None:
    _, errors = parse_config_text("file prompt loud\n")
    assert [e.lineno for e in errors] == [1]
