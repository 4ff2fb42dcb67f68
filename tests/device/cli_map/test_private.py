"""The CLI-only commands of 17.12 in the CLI table (device-private nodes): ``ip ssh stricthostkeycheck``,
``ip ssh pubkey-chain`` / ``server NAME`` / ``key-string`` / ``key-hash``, ``file prompt``. Typed as the guide types
them they land in the private module; ``show running-config`` prints them where IOS does and reads back into the
same tree; ``no`` forms remove them; a state directory written before the move still loads."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from config_typing import typed
from lxml import etree
from namespaces import IOS, NC, PRIV

from iosxe_agent.device import views
from iosxe_agent.device.cli_map import EXEC_MODE, parse_config_text, render_config
from iosxe_agent.device.upgrade import upgrade_stored

HASH = "5D24EA1D261C1836E437F4E67E2CEBEB"
BLOB = b"\x00\x00\x00\x07ssh-rsa" + bytes(range(64))  # a public key blob (what key-string lines carry)
BLOB_MD5 = hashlib.md5(BLOB).hexdigest().upper()  # IOS's key-hash of it


def key_lines(blob: bytes, width: int = 72) -> list[str]:
    """The blob in base64 over several lines, as it is pasted into key-string."""
    text = base64.b64encode(blob).decode()
    return [text[i : i + width] for i in range(0, len(text), width)]


def loaded(trees: Any, text: str) -> etree._Element:
    edit, errors = parse_config_text(text)
    assert not errors, errors
    return trees.apply(trees.empty(), edit)


def test_the_guides_procedure_stores_the_server_key_and_strict_checking(trees: Any) -> None:
    lines = ["ip ssh pubkey-chain", "server server1", "key-string", *key_lines(BLOB), "exit", "key-hash ssh-rsa key1"]
    tree, mode = typed(trees, [*lines, "end"])
    assert mode == EXEC_MODE
    tree, _ = typed(trees, ["ip ssh stricthostkeycheck"], tree)
    view = views.ssh_client(tree)
    assert view.strict_host_key_check
    assert dict(view.server_keys) == {"server1": frozenset({BLOB_MD5, "KEY1"})}
    assert tree.find(f".//{{{PRIV}}}server/{{{PRIV}}}name").text == "server1"


def test_rendered_where_ios_prints_them_and_read_back_identical(trees: Any) -> None:
    text = (
        "file prompt quiet\n"
        "ip ssh time-out 60\n"
        "ip ssh stricthostkeycheck\n"
        "ip ssh pubkey-chain\n"
        " username bob\n"
        f"  key-hash ssh-rsa {HASH}\n"
        " server 127.0.0.2\n"
        f"  key-hash ssh-rsa {HASH}\n"
        "  key-hash ssh-rsa key1\n"
        "ip scp server enable\n"
    )
    tree = loaded(trees, text)
    shown = render_config(tree)
    block = (
        "file prompt quiet\n",
        "ip ssh time-out 60\n"
        "ip ssh stricthostkeycheck\n"
        "ip ssh pubkey-chain\n"
        "  username bob\n"
        f"   key-hash ssh-rsa {HASH} \n"
        "  server 127.0.0.2\n"
        f"   key-hash ssh-rsa {HASH} \n"
        "   key-hash ssh-rsa key1 \n"
        "ip scp server enable\n",
    )
    assert all(part in shown for part in block), shown
    assert shown.index("file prompt quiet") < shown.index("ip ssh time-out")
    assert trees.canonical(loaded(trees, shown)) == trees.canonical(tree)


def test_no_forms_remove_them_and_leave_no_shell(trees: Any) -> None:
    tree = loaded(trees, f"ip ssh stricthostkeycheck\nip ssh pubkey-chain\n server S\n  key-hash ssh-rsa {HASH}\n")
    tree, _ = typed(trees, ["no ip ssh stricthostkeycheck", "ip ssh pubkey-chain", "no server S"], tree)
    assert trees.find(tree, "ios:native/ios:ip") is None
    assert views.ssh_client(tree) == views.SshClientView()
    assert "stricthostkeycheck" not in render_config(tree) and "server" not in render_config(tree)


def test_no_key_hash_removes_one_key_of_a_server(trees: Any) -> None:
    tree = loaded(trees, f"ip ssh pubkey-chain\n server S\n  key-hash ssh-rsa {HASH}\n  key-hash ssh-rsa key1\n")
    tree, _ = typed(trees, ["ip ssh pubkey-chain", "server S", "no key-hash ssh-rsa key1"], tree)
    assert dict(views.ssh_client(tree).server_keys) == {"S": frozenset({HASH})}


def test_bad_key_data_is_ios_error_and_stores_nothing(trees: Any) -> None:
    edit, errors = parse_config_text("ip ssh pubkey-chain\n server S\n  key-string\n   !!notbase64!!\n  exit\n")
    assert [e.error.message for e in errors] == ["%SSH: Failed to decode the Key Value"]
    tree = trees.apply(trees.empty(), edit)
    assert dict(views.ssh_client(tree).server_keys) == {"S": frozenset()}


def test_a_server_and_a_user_of_one_name_are_separate(trees: Any) -> None:
    tree = loaded(trees, f"ip ssh pubkey-chain\n username X\n  key-hash ssh-rsa {HASH}\n server X\n")
    assert dict(views.ssh_client(tree).server_keys) == {"X": frozenset()}
    assert dict(views.ssh(tree).key_hashes) == {"X": frozenset({HASH})}


def test_a_stored_configuration_of_the_previous_version_is_upgraded() -> None:
    """Before the device-private store, ``file prompt`` was Cisco's 17.15.1 ``/native/file/prompt``."""
    old = etree.fromstring(
        f'<config xmlns="{NC}"><native xmlns="{IOS}"><hostname>R1</hostname>'
        "<file><prompt>quiet</prompt></file></native></config>"
    )
    upgrade_stored(old)
    assert old.find(f"{{{IOS}}}native/{{{PRIV}}}file/{{{PRIV}}}prompt").text == "quiet"
    assert views.files(old).prompt.value == "quiet"
    again = etree.tostring(old)
    upgrade_stored(old)  # nothing more to do
    assert etree.tostring(old) == again
