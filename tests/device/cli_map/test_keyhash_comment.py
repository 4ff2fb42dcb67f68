"""``key-hash ssh-rsa HEX COMMENT`` keeps its comment as typed (and a key-string's pasted comment), so the line
prints back the same (CLI reference §1.4, §4)."""

from __future__ import annotations

from typing import Any

from iosxe_agent.device.cli_map import parse_config_text, render_running_config

HEX = "5CC74A68B18B026A1709FB09D1F44E2F"


def _stored(trees: Any, text: str) -> Any:
    edit, errors = parse_config_text(text, None)
    assert not errors, errors
    return trees.apply(trees.empty(), edit)


def test_a_typed_comment_prints_back_as_typed(trees: Any) -> None:
    text = f"ip ssh pubkey-chain\n username bob\n  key-hash ssh-rsa {HEX} bob@laptop  two words\n"
    tree = _stored(trees, text)
    assert f"   key-hash ssh-rsa {HEX} bob@laptop  two words \n" in render_running_config(tree)
    again = _stored(trees, render_running_config(tree))
    assert trees.canonical(again) == trees.canonical(tree)


def test_without_a_comment_the_line_keeps_its_trailing_space_only(trees: Any) -> None:
    tree = _stored(trees, f"ip ssh pubkey-chain\n username bob\n  key-hash ssh-rsa {HEX}\n")
    assert f"   key-hash ssh-rsa {HEX} \n" in render_running_config(tree)


def test_a_pasted_keys_comment_follows_its_hash(trees: Any) -> None:
    blob = "AAAAB3NzaC1yc2EAAAADAQABAAAAgQC7"  # any decodable base64 names no other key type
    text = f"ip ssh pubkey-chain\n username bob\n  key-string\n   ssh-rsa {blob} yourname@yourdomain.example\n  exit\n"
    out = render_running_config(_stored(trees, text))
    assert " yourname@yourdomain.example \n" in out, out
