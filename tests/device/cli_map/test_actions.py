"""Configuration lines that act instead of storing (``crypto key generate|zeroize rsa``): the CLI table parses them
into actions with the grammar's carets and abbreviations, files keep them in order, nothing stores or renders them,
and :class:`~iosxe_agent.device.key_actions.FileActions` runs a file's actions on a key store."""

from __future__ import annotations

from pathlib import Path

import pytest

from iosxe_agent.device.cli_map.parse import CONFIG_MODE, Action, CliError, ModeContext, parse_config, parse_line
from iosxe_agent.device.cli_map.render import render_running_config
from iosxe_agent.device.key_actions import GENERATE, ZEROIZE, FileActions, GenerateRequest, generate_request
from iosxe_agent.device.keys import KeyStore


@pytest.mark.parametrize(
    ("line", "params"),
    [
        ("crypto key generate rsa", ()),
        (
            "crypto key generate rsa usage-keys label sshkeys modulus 2048",
            (("usage-keys", None), ("label", "sshkeys"), ("modulus", "2048")),
        ),
        ("cry k g r mod 4096 exp lab K gen", (("modulus", "4096"), ("exportable", None), ("label", "K"))),
        ("crypto key generate rsa general-keys modulus 3072", (("modulus", "3072"),)),
    ],
)  # fmt: skip
def test_generate_lines_are_actions(line: str, params: tuple[tuple[str, str | None], ...]) -> None:
    result = parse_line(line, CONFIG_MODE, None)
    assert result.error is None and result.edit is None
    assert result.action == Action(GENERATE, params)


def test_generate_parameters() -> None:
    action = parse_line("crypto key generate rsa usage-keys label L modulus 3072 exportable", CONFIG_MODE, None).action
    assert action is not None
    assert generate_request(action) == GenerateRequest("L", True, 3072, True)
    bare = parse_line("crypto key generate rsa", CONFIG_MODE, None).action
    assert bare is not None and generate_request(bare) == GenerateRequest(None, False, None, False)


def test_zeroize_lines_are_actions() -> None:
    assert parse_line("crypto key zeroize rsa", CONFIG_MODE, None).action == Action(ZEROIZE)
    assert parse_line("crypto key zeroize rsa SSH", CONFIG_MODE, None).action == Action(ZEROIZE, (("label", "SSH"),))


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("crypto key generate rsa usage-keys label sshkeys modulus 768", CliError("invalid", 57)),  # the guide's
        ("crypto key generate rsa modulus 4097", CliError("invalid", 32)),
        ("crypto key generate rsa label", CliError("incomplete", 29)),
        ("crypto key generate rsa label A label B", CliError("invalid", 32)),
        ("crypto key generate rsa signature", CliError("invalid", 24)),  # not modelled
        ("no crypto key generate rsa", CliError("invalid", 14)),  # no "no" form
    ],
)
def test_what_17x_refuses(line: str, error: CliError) -> None:
    result = parse_line(line, CONFIG_MODE, None)
    assert result.error == error and result.action is None


def test_a_sub_mode_is_left_for_an_action() -> None:
    line_mode = parse_line("line vty 0 4", CONFIG_MODE, None).mode
    assert isinstance(line_mode, ModeContext) and line_mode.name == "config-line"
    result = parse_line("crypto key zeroize rsa", line_mode, None)
    assert result.action == Action(ZEROIZE) and result.mode.name == "config"


def test_a_file_keeps_its_actions_in_order_and_stores_none_of_them() -> None:
    parsed = parse_config(
        "hostname R9\n"
        "crypto key generate rsa label A modulus 2048\n"
        " crypto key zeroize rsa A\n"
        "ip ssh time-out 30\n"
        "crypto key generate rsa\n"
        "end\n"
        "crypto key zeroize rsa\n"  # after end: not read
    )
    assert parsed.errors == ()
    assert parsed.actions == (
        Action(GENERATE, (("label", "A"), ("modulus", "2048"))),
        Action(ZEROIZE, (("label", "A"),)),
        Action(GENERATE),
    )
    text = render_running_config(parsed.edit)
    assert "hostname R9" in text and "ip ssh time-out 30" in text and "crypto key" not in text


def test_an_action_right_after_key_data_ends_the_key_and_runs() -> None:
    """In a key-string data mode a command of an enclosing mode ends the key (parse.py); an action is one too."""
    parsed = parse_config(
        "crypto key pubkey-chain rsa\n named-key K\n  key-string\n   00AB\ncrypto key zeroize rsa X\n"
    )
    assert parsed.errors == () and parsed.actions == (Action(ZEROIZE, (("label", "X"),)),)


async def test_file_actions_run_in_order_without_questions(tmp_path: Path) -> None:
    keys = KeyStore(tmp_path / "keys")
    parsed = parse_config(
        "hostname R9\nip domain name file.test\n"
        "crypto key generate rsa label GONE modulus 2048\n"
        "crypto key generate rsa\n"  # the default name and size
        "crypto key zeroize rsa GONE\n"
        "crypto key zeroize rsa NEVER-THERE\n"  # refused, and the file goes on
        "crypto key generate rsa usage-keys label U\n"
    )
    await FileActions(keys, lambda: parsed.edit)(parsed.actions)
    stored = keys.keys()
    assert [(k.label, k.usage, k.modulus) for k in stored] == [
        ("R9.file.test", "general", 2048),
        ("U", "signature", 2048),
        ("U", "encryption", 2048),
    ]
