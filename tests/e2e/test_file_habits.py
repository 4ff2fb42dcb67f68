"""What automation tools do with the device's files, driven by the tools themselves (netmiko, OpenSSH ``scp -O``):

- netmiko's ``file_transfer`` (what NAPALM's ``ios`` driver runs) checks free space with ``dir``, uploads with SCP
  and then compares ``verify /md5 flash:/F`` with its own MD5: it must report the file transferred *and* verified;
- ``verify /md5 F [HASH]`` prints IOS's dots, ``verify /md5 (F) = MD5``, ``Verified (F) = MD5`` or ``%Error
  verifying F`` with both signatures; the MD5 is hashlib's of the bytes ``scp -O`` sent;
- ``file prompt quiet`` (NAPALM configures it before ``copy running-config flash:…``) lets ``copy`` and ``delete``
  run without a question, so a tool that waits for the prompt never stalls; ``no file prompt quiet`` brings the
  questions back (``delete /force`` never asks); the setting is configuration (``show running-config``; CLI-only
  on 17.12, so not in NETCONF's view);
- ``show startup-config`` starts with ``Using N out of 33554432 bytes``, N being the size of the startup
  configuration as a file (what ``copy startup-config flash:F`` writes).
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from agents import ADMIN_PASSWORD, ADMIN_USER
from lxml import etree
from namespaces import IOS
from openssh import needs_openssh_scp, scp_upload

netmiko = pytest.importorskip("netmiko")

MD5_LINE = re.compile(r"^verify /md5 \((\S+)\) = ([0-9a-f]{32})$", re.M)


@pytest.fixture(scope="module")
def device(agent: Any) -> Any:
    """The module's agent with ``ip scp server enable`` (the bootstrap has the AAA that SCP needs)."""
    agent.commit("<ip><scp><server><enable/></server></scp></ip>")
    return agent


@pytest.fixture
def conn(device: Any) -> Iterator[Any]:
    """A netmiko ``cisco_xe`` session as NAPALM opens one (no keys, no agent)."""
    session = netmiko.ConnectHandler(
        device_type="cisco_xe", host="127.0.0.1", port=device.ssh_port, username=ADMIN_USER,
        password=ADMIN_PASSWORD, allow_agent=False, use_keys=False, fast_cli=False,
    )  # fmt: skip
    try:
        yield session
    finally:
        session.disconnect()


def name(suffix: str) -> str:
    return f"habits-{uuid.uuid4().hex[:8]}.{suffix}"


def test_netmiko_file_transfer_is_verified_by_verify_md5(conn: Any, tmp_path: Path) -> None:
    local = tmp_path / "image.bin"
    local.write_bytes(os.urandom(300_000))
    dest = name("bin")
    result = netmiko.file_transfer(conn, source_file=str(local), dest_file=dest, file_system="flash:")
    assert result == {"file_exists": True, "file_transferred": True, "file_verified": True}
    again = netmiko.file_transfer(conn, source_file=str(local), dest_file=dest, file_system="flash:")
    assert again == {"file_exists": True, "file_transferred": False, "file_verified": True}  # MD5 says: same file


@needs_openssh_scp
def test_verify_md5_of_an_scp_upload_is_hashlibs(device: Any, conn: Any, tmp_path: Path) -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)
    local = tmp_path / "upload.bin"
    local.write_bytes(data)
    dest = name("bin")
    done = scp_upload(device.ssh_port, local, f"flash:{dest}")
    assert done.returncode == 0, done.stderr
    md5 = hashlib.md5(data).hexdigest()

    out = conn.send_command(f"verify /md5 flash:{dest}", read_timeout=60)
    assert re.match(r"^\.{25}Done!$", out.splitlines()[0])  # one dot per 128 KiB read
    found = MD5_LINE.search(out)
    assert found is not None and found.groups() == (f"flash:{dest}", md5), out

    assert f"Verified (flash:{dest}) = {md5}" in conn.send_command(f"verify /md5 flash:{dest} {md5.upper()}")
    wrong = conn.send_command(f"verify /md5 flash:{dest} {'0' * 32}")
    assert f"%Error verifying flash:{dest}\nComputed signature = {md5}\nSubmitted signature = {'0' * 32}" in wrong
    missing = conn.send_command("verify /md5 flash:no-such-file.bin")
    assert "%Error opening flash:no-such-file.bin (No such file or directory)" in missing


def test_verify_md5_of_the_startup_config_is_the_md5_of_the_file_copied_from_it(conn: Any) -> None:
    dest = name("cfg")
    conn.send_command(f"copy startup-config flash:{dest}", expect_string=r"\]\?")
    assert "bytes copied" in conn.send_command("\n", expect_string=r"#")
    on_flash = MD5_LINE.search(conn.send_command(f"verify /md5 flash:{dest}"))
    from_nvram = MD5_LINE.search(conn.send_command("verify /md5 nvram:startup-config"))
    assert on_flash is not None and from_nvram is not None
    assert on_flash.group(2) == from_nvram.group(2)


def test_file_prompt_quiet_lets_copy_and_delete_run_without_a_question(device: Any, conn: Any) -> None:
    out = conn.send_config_set(["file prompt quiet"])
    assert "%" not in out
    try:
        assert "file prompt quiet" in conn.send_command("show running-config | include ^file prompt")
        m = device.connect()
        try:  # CLI-only on 17.12: device-private, so NETCONF does not see it (tests/e2e/test_private_store.py)
            root = etree.fromstring(m.get_config("running").xml.encode())
            assert root.find(f".//{{{IOS}}}native") is not None and "prompt" not in etree.tostring(root).decode()
        finally:
            m.close_session()

        dest = name("cfg")
        for _ in range(2):  # the second copy overwrites without "Do you want to over write? [confirm]"
            copied = conn.send_command(f"copy running-config flash:{dest}", read_timeout=20)
            assert "?" not in copied and "[confirm]" not in copied
            assert re.search(r"^\d+ bytes copied in [\d.]+ secs \(\d+ bytes/sec\)$", copied, re.M), copied
        assert f"Directory of flash:/{dest}" in conn.send_command(f"dir flash:/{dest}")
        deleted = conn.send_command(f"delete flash:{dest}", read_timeout=20)
        assert "?" not in deleted and "[confirm]" not in deleted
        assert "%Error opening" in conn.send_command(f"dir flash:/{dest}")
    finally:
        conn.send_config_set(["no file prompt quiet"])

    assert "file prompt" not in conn.send_command("show running-config | include ^file prompt")
    dest = name("cfg")
    asked = conn.send_command(f"copy running-config flash:{dest}", expect_string=r"\]\?")
    assert f"Destination filename [{dest}]?" in asked
    assert "bytes copied" in conn.send_command("\n", expect_string=r"#")
    asked = conn.send_command(f"delete flash:{dest}", expect_string=r"\]\?")
    assert f"Delete filename [{dest}]?" in asked
    assert f"Delete flash:/{dest}? [confirm]" in conn.send_command("\n", expect_string=r"\[confirm\]")
    conn.send_command("\n", expect_string=r"#")
    assert "%Error opening" in conn.send_command(f"dir flash:/{dest}")

    conn.send_command(f"copy running-config flash:{dest}", expect_string=r"\]\?")
    conn.send_command("\n", expect_string=r"#")
    forced = conn.send_command(f"delete /force flash:{dest}", read_timeout=20)  # asks nothing, whatever the level
    assert "?" not in forced and "[confirm]" not in forced
    assert "%Error opening" in conn.send_command(f"dir flash:/{dest}")


def test_show_startup_config_begins_with_the_nvram_usage(conn: Any) -> None:
    listing = conn.send_command("show startup-config")
    first, _, rest = listing.partition("\n")
    used = re.fullmatch(r"Using (\d+) out of 33554432 bytes", first)
    assert used is not None, first
    assert rest.startswith("!\n") and "version 17.12" in rest and rest.rstrip().endswith("end")
    dest = name("cfg")
    conn.send_command(f"copy startup-config flash:{dest}", expect_string=r"\]\?")
    copied = conn.send_command("\n", expect_string=r"#")
    assert re.search(rf"^{used.group(1)} bytes copied in ", copied, re.M), (first, copied)
