"""The datastore normalizers (clear-secret hashing, ``service password-encryption``, flagged cipher lists) look
only where an edit changed something: on every tree an edit leaves, the result given the edit's report equals the
result of searching the whole tree (iosxe_agent/device/secrets.py, iosxe_agent/device/cli_map/flagged.py)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from namespaces import PRIV

from iosxe_agent.data.edit import apply_edit
from iosxe_agent.data.touched import Touched
from iosxe_agent.datastore.journal import RunningJournal
from iosxe_agent.datastore.store import CANDIDATE, RUNNING, StorePaths, Stores
from iosxe_agent.datastore.transaction import SYSTEM
from iosxe_agent.device.cli_map import parse_config_text
from iosxe_agent.device.cli_map.flagged import reconcile_flagged_lists
from iosxe_agent.device.secrets import hash_clear_secrets
from iosxe_agent.limits import DEFAULT_LIMITS

#: configuration lines that store secrets, passwords and cipher lists, in clear or not, and switch the service
LINES = st.sampled_from(
    [
        "username u1 privilege 15 secret 0 Clear-pass1",
        "username u2 secret 9 $9$AAAAAAAAAAAAAA$98TL7I2NJnM8PHS7XqDxOe569kXm8FUzMdMc/E6wP2Y",
        "username u3 password 0 plain-pw",
        "username u1 password 0 other-pw",
        "no username u3",
        "username u4 privilege 3",
        "enable secret 0 En-pass1",
        "enable password 0 en-pw",
        "service password-encryption",
        "no service password-encryption",
        "hostname R9",
        "line vty 0 4\n password 0 vty-pw",
        "tacacs server T1\n address ipv4 127.0.0.1\n key 0 tac-key",
        "tacacs-server key 0 glob-key",
        "radius-server key 0 rad-key",
        "ip ssh server algorithm encryption aes128-cbc aes128-ctr",
        "ip ssh server algorithm encryption aes256-ctr aes128-ctr",
        "ip ssh client algorithm encryption aes128-cbc",
        "ip ssh time-out 30",
        "\n".join(
            f"username m{i:02d} secret 0 many-{i}" for i in range(20)
        ),  # more users than are looked up one by one
    ]
)


@contextmanager
def _deterministic() -> Iterator[None]:
    """Salted hashes differ on every call: replace them by pure functions so two runs can be compared."""
    with (
        mock.patch("iosxe_agent.device.secrets.type9_hash", lambda clear: f"$9$h({clear})"),
        mock.patch("iosxe_agent.device.secrets.type7_encode", lambda clear: f"7({clear})"),
    ):
        yield


def _normalized(tree: etree._Element, touched: Touched | None) -> bytes:
    tree = copy.deepcopy(tree)
    hash_clear_secrets(tree, touched)
    reconcile_flagged_lists(tree, touched)
    return etree.tostring(tree)


def _edit(lines: list[str]) -> etree._Element:
    edit, errors = parse_config_text("\n".join(lines))
    assert not errors, errors
    return edit


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    start=st.lists(LINES, max_size=6),
    changes=st.lists(st.lists(LINES, min_size=1, max_size=3), min_size=1, max_size=3),
    leaves=st.lists(st.sampled_from(["aes128-ctr", "aes192-ctr", "aes256-ctr"]), max_size=2),
    typed=st.lists(st.sampled_from(["aes128-cbc", "aes256-ctr"]), max_size=2, unique=True),
    op=st.sampled_from(["", ' nc:operation="replace"']),
)
def test_looking_only_where_the_edit_changed_finds_what_searching_everything_finds(
    trees: Any, start: list[str], changes: list[list[str]], leaves: list[str], typed: list[str], op: str
) -> None:
    with _deterministic():
        tree = trees.apply(trees.empty(), _edit(start))
        hash_clear_secrets(tree)
        reconcile_flagged_lists(tree)
        edits = [_edit(lines) for lines in changes]
        if leaves:  # a NETCONF edit of the Cisco cipher leaves, maybe with a typed list, maybe replacing `ip ssh`
            body = "".join(f"<{leaf}/>" for leaf in leaves)
            body += "".join(f'<encrypt-options xmlns="{PRIV}">{word}</encrypt-options>' for word in typed)
            ssh = f"<ssh{op}><server><algorithm><encryption>{body}</encryption></algorithm></server></ssh>"
            edits.append(trees.doc.cfg(f"<ip>{ssh}</ip>"))
        for edit in edits:
            result = apply_edit(tree, edit, trees.schema)
            assert result.tree is not None and result.touched is not None, [e.message for e in result.errors]
            fast = _normalized(result.tree, result.touched)
            assert fast == _normalized(result.tree, None)
            tree = etree.fromstring(fast)


def test_a_leaf_beside_many_users_does_not_visit_them(trees: Any) -> None:
    """The reason for the report: with 2,000 users in clear (never stored so, which makes a visit visible), a
    one-leaf edit rewrites none of them, and an edit of one of them rewrites only that one."""
    users = "\n".join(f"username u{i:04d} secret 0 Pw-{i}" for i in range(2000))
    tree = trees.apply(trees.empty(), _edit([users]))
    with _deterministic():
        one_leaf = apply_edit(tree, _edit(["ip ssh time-out 30"]), trees.schema)
        assert one_leaf.tree is not None
        hash_clear_secrets(one_leaf.tree, one_leaf.touched)
        assert b"$9$h(" not in etree.tostring(one_leaf.tree)
        one_user = apply_edit(tree, _edit(["username u0007 secret 0 New-pw"]), trees.schema)
        assert one_user.tree is not None
        hash_clear_secrets(one_user.tree, one_user.touched)
        assert etree.tostring(one_user.tree).count(b"$9$h(") == 1 and b"$9$h(New-pw)" in etree.tostring(one_user.tree)


async def test_the_datastore_passes_each_edit_its_report_and_a_whole_tree_none(trees: Any) -> None:
    seen: list[Touched | None] = []
    stores = Stores(trees.schema, DEFAULT_LIMITS, StorePaths(None, None))
    stores.normalize_with(lambda tree, touched: seen.append(touched))
    stores.load(lambda: trees.tree("<hostname>R1</hostname>"))
    assert seen == [None]
    await stores.edit(CANDIDATE, _edit(["hostname R2"]), SYSTEM)
    await stores.edit(RUNNING, _edit(["hostname R3"]), SYSTEM)
    stores.parse_config(_edit(["hostname R4"]))
    assert [type(t) for t in seen[1:]] == [Touched, Touched, type(None)]


async def test_turning_on_password_encryption_is_in_the_commit_and_in_running_s_journal(
    trees: Any, tmp_path: Path
) -> None:
    """``service password-encryption`` rewrites passwords the edit never named: the normalizer says so, so the
    commit's changes list them (notifications) and the journal's record holds them — running restored from disk is
    running, not the clear text of before."""
    paths = StorePaths(tmp_path / "startup-config.xml", tmp_path / "running-config.xml")
    stores = Stores(trees.schema, DEFAULT_LIMITS, paths)
    stores.normalize_with(hash_clear_secrets)
    stores.load(lambda: trees.tree("<hostname>R1</hostname>"))
    await stores.edit(RUNNING, _edit(["username bob password 0 Clear-pw1"]), SYSTEM)
    changes: list[str] = []
    stores.listen(lambda txn: changes.extend(c.path for c in txn.changes))
    await stores.edit(RUNNING, _edit(["service password-encryption"]), SYSTEM)
    assert any("username" in path for path in changes), changes
    assert b"Clear-pw1" not in etree.tostring(stores.running)
    restored = RunningJournal(paths.running, trees.schema, DEFAULT_LIMITS).load()
    assert restored is not None and etree.tostring(restored) == etree.tostring(stores.running)
