"""Atomic, durable, private writes of datastore files, and hardened reads."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from namespaces import NC

from iosxe_agent.datastore import persist
from iosxe_agent.datastore.persist import atomic_write, read_tree, serialize
from iosxe_agent.device.names import AAA_NS, NATIVE_NS


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_atomic_write_creates_a_private_file(tmp_path: Path) -> None:
    target = tmp_path / "startup-config.xml"
    atomic_write(target, b"one")
    assert target.read_bytes() == b"one" and mode(target) == 0o600
    atomic_write(target, b"two" * 100_000)
    assert target.read_bytes() == b"two" * 100_000 and mode(target) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["startup-config.xml"]  # no temporary file left
    atomic_write(tmp_path / "other", b"x", mode=0o640)
    assert mode(tmp_path / "other") == 0o640 & ~_umask()


def _umask() -> int:
    old = os.umask(0)
    os.umask(old)
    return old


def test_replacing_a_world_readable_file_makes_it_private(tmp_path: Path) -> None:
    target = tmp_path / "startup-config.xml"
    target.write_bytes(b"old")
    os.chmod(target, 0o644)
    atomic_write(target, b"new")
    assert mode(target) == 0o600


def test_a_stale_temporary_file_does_not_leak_its_permissions(tmp_path: Path) -> None:
    stale = tmp_path / ".startup-config.xml.tmp"
    stale.write_bytes(b"left over by a crash")
    os.chmod(stale, 0o666)
    atomic_write(tmp_path / "startup-config.xml", b"secret")
    assert mode(tmp_path / "startup-config.xml") == 0o600
    assert (tmp_path / "startup-config.xml").read_bytes() == b"secret"
    assert not stale.exists()


def test_a_symlink_in_place_of_the_temporary_file_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.write_bytes(b"untouched")
    (tmp_path / ".startup-config.xml.tmp").symlink_to(outside)
    atomic_write(tmp_path / "startup-config.xml", b"secret")
    assert outside.read_bytes() == b"untouched"
    assert (tmp_path / "startup-config.xml").read_bytes() == b"secret"


def test_a_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "running-config.xml"
    atomic_write(target, b"old")

    def boom(*_: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(persist.os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    monkeypatch.undo()
    atomic_write(target, b"new")  # the stale temporary file is no obstacle
    assert target.read_bytes() == b"new" and mode(target) == 0o600


def test_the_data_is_synced_before_the_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(persist.os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(persist.os, "replace", lambda a, b: (events.append("replace"), real_replace(a, b))[1])
    atomic_write(tmp_path / "f", b"data")
    assert events == ["fsync", "replace", "fsync"]  # file, rename, directory


def test_write_and_read_tree(ios: Any, tmp_path: Path) -> None:
    tree = ios.tree(f'<hostname>R1</hostname><aaa><new-model xmlns="{AAA_NS}"/></aaa>')
    path = tmp_path / "startup-config.xml"
    atomic_write(path, serialize(tree))
    text = path.read_text()
    assert text.startswith("<?xml version='1.0' encoding='UTF-8'?>\n")
    assert f'<native xmlns="{NATIVE_NS}">' in text and f'<new-model xmlns="{AAA_NS}"/>' in text
    assert "ns0" not in text
    assert mode(path) == 0o600
    back = read_tree(path)
    assert back is not None
    assert back.tag == f"{{{NC}}}config"
    assert back.findtext(f"{{{NATIVE_NS}}}native/{{{NATIVE_NS}}}hostname") == "R1"
    assert not (back.text or "").strip()  # indentation is not data


def test_read_missing_and_corrupt(tmp_path: Path) -> None:
    assert read_tree(tmp_path / "nope.xml") is None
    (tmp_path / "bad.xml").write_text("<config><native>")
    with pytest.raises(etree.XMLSyntaxError):
        read_tree(tmp_path / "bad.xml")


def test_read_does_not_expand_entities(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("TOPSECRET")
    (tmp_path / "evil.xml").write_text(
        f'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY x SYSTEM "file://{secret}">]><c>&x;</c>'
    )
    tree = read_tree(tmp_path / "evil.xml")
    assert tree is not None and "TOPSECRET" not in etree.tostring(tree).decode()
