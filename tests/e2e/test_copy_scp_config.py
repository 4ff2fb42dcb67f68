"""``copy`` between running-config / startup-config and ``scp://`` URLs in both directions, between two real
agents on loopback: the device under test (``near``) runs IOS XE's dialogue and its own SCP client; the other
(``far``, ``ip scp server enable``) is the SCP server whose flash: holds the files.

What is checked is what an engineer sees: the questions (``Address or name of remote host [h]?``, ``Destination
username [u]?``, ``Destination filename [f]?``, ``Writing f``, ``Password:``, `` Sending file modes: C0644 N f``,
``N bytes copied in S secs (R bytes/sec)``), ``file prompt quiet`` asking none of them, and the failures (a host
that is no host, nobody listening, a refused password, a configuration with a line that is not a command)."""

from __future__ import annotations

import asyncio
import re

import pytest
from agents import ADMIN_PASSWORD, limits
from cli_dialogue import Dialogue, in_shell

SCP_ON = "<ip><scp><server><enable/></server></scp></ip>"
COPIED = re.compile(r"^(\d+) bytes copied in \d+\.\d{3} secs \(\d+ bytes/sec\)$", re.M)


@pytest.fixture
def near_far(fresh_agent):
    """Two agents: the one the tests type into, and an SCP server for it."""
    far = fresh_agent()
    far.commit(SCP_ON)
    return fresh_agent(), far


def far_url(far, path: str, password: str | None = None) -> str:
    secret = f":{password}" if password is not None else ""
    return f"scp://admin{secret}@127.0.0.1:{far.ssh_port}/flash:{path}"


async def configure(shell: Dialogue, *lines: str) -> str:
    out = await shell.cmd("configure terminal")
    for line in lines:
        out += await shell.cmd(line)
    return out + await shell.cmd("end")


def test_running_config_to_scp_asks_writes_and_the_file_is_what_copy_to_flash_writes(near_far) -> None:
    near, far = near_far
    url = far_url(far, "near-confg")

    async def session(shell: Dialogue) -> str:
        await shell.cmd("copy running-config flash:local-confg", "]? ")
        await shell.cmd("")
        out = await shell.cmd(f"copy running-config {url}", "]? ")
        out += await shell.cmd("", "]? ")
        out += await shell.cmd("", "]? ")
        out += await shell.cmd("", "Password: ")
        return out + await shell.cmd(ADMIN_PASSWORD)

    out = asyncio.run(in_shell(near.ssh_port, session))
    assert "Address or name of remote host [127.0.0.1]? " in out
    assert "Destination username [admin]? " in out
    assert "Destination filename [flash:near-confg]? " in out
    assert "Writing flash:near-confg \nPassword: " in out
    assert ADMIN_PASSWORD not in out  # the password is not echoed
    sent = (far.state_dir / "flash" / "near-confg").read_bytes()
    assert sent == (near.state_dir / "flash" / "local-confg").read_bytes()
    assert b"\nip scp server enable" not in sent and b"\nend" in sent  # near's configuration, not far's
    copied = COPIED.search(out)
    assert copied and int(copied.group(1)) == len(sent), out


def test_scp_to_running_config_merges_and_to_startup_config_replaces(near_far) -> None:
    near, far = near_far
    (far.state_dir / "flash" / "merge.cfg").write_text("ip ssh time-out 77\nbanner motd ^Cfrom far^C\n")
    size = len((far.state_dir / "flash" / "merge.cfg").read_bytes())

    async def session(shell: Dialogue) -> str:
        out = await shell.cmd(f"copy {far_url(far, 'merge.cfg')} running-config", "]? ")
        out += await shell.cmd("", "Password: ")
        out += await shell.cmd(ADMIN_PASSWORD)
        out += await shell.cmd("show running-config | include time-out|hostname")
        out += await shell.cmd(f"copy {far_url(far, 'merge.cfg', ADMIN_PASSWORD)} startup-config", "]? ")
        out += await shell.cmd("")
        return out + await shell.cmd("show startup-config")

    out = asyncio.run(in_shell(near.ssh_port, session))
    assert "Destination filename [running-config]? " in out
    assert re.search(rf"\n Sending file modes: C0[67][04][04] {size} flash:merge.cfg\n!\n{size} bytes copied", out), out
    assert "ip ssh time-out 77" in out
    assert "hostname Router" in out  # merged: what the file does not say is kept
    assert "Destination filename [startup-config]? " in out
    assert re.search(r"bytes/sec\)\n\[OK\]", out), out
    startup = out.rsplit("show startup-config", 1)[1]
    assert "ip ssh time-out 77" in startup and "hostname" not in startup  # replaced by the file alone


def test_file_prompt_quiet_asks_nothing_the_command_line_says(near_far) -> None:
    near, far = near_far
    (far.state_dir / "flash" / "quiet.cfg").write_text("ip ssh time-out 66\n")

    async def session(shell: Dialogue) -> str:
        await configure(shell, "file prompt quiet")
        out = await shell.cmd(f"copy startup-config {far_url(far, 'start-confg', ADMIN_PASSWORD)}")
        out += await shell.cmd(f"copy {far_url(far, 'quiet.cfg', ADMIN_PASSWORD)} running-config")
        out += await shell.cmd(f"copy running-config {far_url(far, 'run-confg')}", "Password: ")
        return out + await shell.cmd(ADMIN_PASSWORD)

    out = asyncio.run(in_shell(near.ssh_port, session))
    assert "]? " not in out, out
    assert "Writing flash:start-confg \n!\n" in out
    assert re.search(r" Sending file modes: C0\d{3} 19 flash:quiet.cfg\n!\n19 bytes copied in", out), out
    assert "Writing flash:run-confg \nPassword: " in out  # a password the URL does not give is still asked
    assert b"ip ssh time-out 66" in (far.state_dir / "flash" / "run-confg").read_bytes()
    assert (far.state_dir / "flash" / "start-confg").stat().st_size > 0


def test_refusals_bad_host_nobody_listening_wrong_password_and_a_bad_line(near_far) -> None:
    near, far = near_far
    flash = far.state_dir / "flash"
    (flash / "bad.cfg").write_text("ip ssh time-out 88\nip ssh time-out 999\n")
    bad_host = f"scp://admin:{ADMIN_PASSWORD}@bad_host!name/x.cfg"
    no_listener = f"scp://admin:{ADMIN_PASSWORD}@127.0.0.1:1/x.cfg"
    not_loopback = f"scp://admin:{ADMIN_PASSWORD}@backup.example/x.cfg"

    async def session(shell: Dialogue) -> str:
        await configure(shell, "file prompt quiet")
        out = await shell.cmd(f"copy running-config {bad_host}")
        out += await shell.cmd(f"copy {no_listener} running-config")
        out += await shell.cmd(f"copy {not_loopback} startup-config")
        out += await shell.cmd(f"copy running-config {far_url(far, 'denied-confg')}", "Password: ")
        out += await shell.cmd("not-the-password")
        out += await shell.cmd(f"copy {far_url(far, 'bad.cfg', ADMIN_PASSWORD)} running-config")
        return out + await shell.cmd("show running-config | include time-out")

    out = asyncio.run(in_shell(near.ssh_port, session))
    assert "%Error opening scp://admin@bad_host!name/x.cfg (Invalid IP address or hostname)" in out
    assert "%Error opening scp://admin@127.0.0.1:1/x.cfg (Connection refused by remote host)" in out
    assert "%Error opening scp://admin@backup.example/x.cfg (Timed out)" in out  # the egress gate: no packet
    assert f"%Error opening scp://admin@127.0.0.1:{far.ssh_port}/flash:denied-confg (Permission denied)" in out
    assert not (flash / "denied-confg").exists()
    assert " " * 16 + "^\n% Invalid input detected at '^' marker." in out  # under the 999, as IOS's copy shows it
    assert "\nip ssh time-out 88\n" in out  # the file's other line applied (IOS's file semantics)
    assert ADMIN_PASSWORD not in near.log_text()  # typed in the URLs (and echoed), never logged


#: the guide's "Secure Copy with local authentication" example, verbatim (comments included)
GUIDE_SCP_SERVER = (
    "! AAA authentication and authorization must be configured properly in order for SCP to work.",
    "aaa new-model",
    "aaa authentication login default local",
    "aaa authorization exec default local",
    "username user1 privilege 15 password 0 lab",
    "! SSH must be configured and functioning properly.",
    "ip scp server enable",
)


def test_a_far_end_configured_as_the_guides_example_takes_and_gives_configurations(fresh_agent) -> None:
    far, near = fresh_agent(), fresh_agent()
    typed = asyncio.run(in_shell(far.ssh_port, lambda shell: configure(shell, *GUIDE_SCP_SERVER)))
    assert "% " not in typed, typed
    url = f"scp://user1@127.0.0.1:{far.ssh_port}/flash:backup-confg"

    async def session(shell: Dialogue) -> str:
        out = await shell.cmd(f"copy running-config {url}", "]? ")
        for _ in range(2):
            out += await shell.cmd("", "]? ")
        out += await shell.cmd("", "Password: ")
        out += await shell.cmd("lab")
        out += await shell.cmd(f"copy {url} startup-config", "]? ")
        out += await shell.cmd("", "Password: ")
        return out + await shell.cmd("lab")

    out = asyncio.run(in_shell(near.ssh_port, session))
    assert "Destination username [user1]? " in out
    assert len(COPIED.findall(out)) == 2 and out.rstrip().endswith("[OK]\nRouter#"), out
    assert (far.state_dir / "flash" / "backup-confg").is_file()


def test_a_configuration_larger_than_the_bound_is_refused_before_it_is_kept(fresh_agent) -> None:
    far, near = fresh_agent(), fresh_agent(*limits(max_config_file_bytes=4096))
    far.commit(SCP_ON)
    (far.state_dir / "flash" / "big.cfg").write_text("!\n" * 100_000)
    url = far_url(far, "big.cfg", ADMIN_PASSWORD)

    async def session(shell: Dialogue) -> str:
        await configure(shell, "file prompt quiet")
        return await shell.cmd(f"copy {url} running-config")

    out = asyncio.run(in_shell(near.ssh_port, session))
    assert f"%Error reading scp://admin@127.0.0.1:{far.ssh_port}/flash:big.cfg (File too large)" in out, out
    assert not list(near.state_dir.glob(".transfer-*"))  # the scratch directory is gone
