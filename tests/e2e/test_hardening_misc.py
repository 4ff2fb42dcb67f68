"""The smaller defects of issue 16 (item 7), against the real agent process with real clients.

- Two cases of one choice in one edit-config: an RFC 6241 ``bad-element`` rpc-error, datastores unchanged
  (before: ``local`` and ``none`` in one method list were both accepted, the last winning: no authentication).
- ``flash:`` counts uploads in progress: two concurrent ``scp -O`` uploads never hold more than flash: has.
- A configuration file with a DTD gets a clear error and the CLI / SCP session carries on.
- ``dir`` (and ``show flash:``, prompts, errors) print file names with terminal escape sequences escaped.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

import asyncssh
import pytest
from agents import ADMIN_PASSWORD
from lxml import etree
from namespaces import AAA, IOS, NC, native
from ncclient.operations import RPCError

SCP_ON = "<ip><scp><server><enable/></server></scp></ip>"
DTD_CONFIG = (
    '<?xml version="1.0"?>\n<!DOCTYPE config SYSTEM "file:///etc/passwd">\n'
    f'<config xmlns="{NC}"><native xmlns="{IOS}"><hostname>Dtd</hostname></native></config>\n'
)
needs_scp = pytest.mark.skipif(
    shutil.which("scp") is None or shutil.which("sshpass") is None, reason="needs OpenSSH scp and sshpass"
)


def scp_upload(agent: Any, src: Path, dst: str, *extra: str) -> subprocess.CompletedProcess[str]:
    """OpenSSH ``scp -O`` (the classic protocol IOS speaks) of ``src`` to ``admin@device:dst``."""
    cmd = ["sshpass", "-p", ADMIN_PASSWORD, "scp", "-O", "-P", str(agent.ssh_port), *extra]
    cmd += ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR"]
    cmd += ["-o", "PubkeyAuthentication=no", str(src), f"admin@127.0.0.1:{dst}"]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL, check=False)


async def cli(agent: Any, *exchanges: tuple[str, str]) -> list[str]:
    """One interactive CLI session: send each line, read up to its expected ending; the outputs."""
    async with asyncssh.connect(
        "127.0.0.1", agent.ssh_port, username="admin", password=ADMIN_PASSWORD, known_hosts=None
    ) as conn:
        proc = await conn.create_process(term_type="vt100", term_size=(200, 50))
        await asyncio.wait_for(proc.stdout.readuntil("#"), 60)
        outputs = []
        for line, ending in (("terminal length 0", "#"), *exchanges):
            proc.stdin.write(line + "\n")
            outputs.append((await asyncio.wait_for(proc.stdout.readuntil(ending), 60)).replace("\r\n", "\n"))
        proc.stdin.write("exit\n")
        return outputs[1:]


def exec_command(agent: Any, command: str) -> str:
    async def run() -> str:
        async with asyncssh.connect(
            "127.0.0.1", agent.ssh_port, username="admin", password=ADMIN_PASSWORD, known_hosts=None
        ) as conn:
            return str((await conn.run(command, timeout=30)).stdout).replace("\r\n", "\n")

    return asyncio.run(run())


def data_of(nc: Any, ds: str) -> bytes:
    """The <data> of a get-config (without the reply's message-id), canonical."""
    data = etree.fromstring(nc.get_config(ds).xml.encode()).find(f"{{{NC}}}data")
    return etree.tostring(data, method="c14n")


# -- a choice with two cases in one edit --------------------------------------------------------------------------
def test_two_cases_of_one_choice_in_one_edit_are_refused(nc: Any) -> None:
    a1 = f"<aaa><authentication xmlns='{AAA}'><login><name>CHOICE</name><a1>{{}}</a1></login></authentication></aaa>"
    before = {ds: data_of(nc, ds) for ds in ("running", "candidate")}
    for target in ("candidate", "running"):
        with pytest.raises(RPCError) as exc:
            nc.edit_config(target=target, config=native(a1.format("<local/><none/>")))
        assert exc.value.tag == "bad-element" and exc.value.type == "application"
        assert 'Data for both cases "local" and "none" exist' in exc.value.message
        error = exc.value.xml  # the <rpc-error> element
        assert error.findtext(f".//{{{NC}}}bad-element") == "none"
        assert error.findtext(f".//{{{NC}}}error-path").strip().endswith(":a1/ios-aaa:none")
    assert {ds: data_of(nc, ds) for ds in ("running", "candidate")} == before  # nothing changed
    # one case, then the other in a later edit: the old case is replaced
    nc.edit_config(target="running", config=native(a1.format("<local/>")))
    nc.edit_config(target="running", config=native(a1.format("<group>tacacs+</group>")))
    got = nc.get_config("running", filter=("subtree", f'<native xmlns="{IOS}"><aaa/></native>')).xml
    assert "<name>CHOICE</name><a1><group>tacacs+</group></a1>" in got
    nc.edit_config(target="running", config=native(a1.format("").replace("<login>", '<login nc:operation="delete">')))


# -- flash: counts uploads in progress ----------------------------------------------------------------------------
@needs_scp
def test_two_concurrent_scp_uploads_never_overfill_flash(fresh_agent: Any, tmp_path: Path) -> None:
    agent = fresh_agent("--flash-size", "4")
    agent.commit(SCP_ON)
    sources = []
    for name in ("one.bin", "two.bin"):
        src = tmp_path / name
        src.write_bytes(os.urandom(3 << 20))  # each fits in the 4 MB of flash:, both do not
        sources.append(src)
    flash = agent.state_dir / "flash"
    peak, stop = [0], threading.Event()

    def watch() -> None:  # what the disk holds, temporary files of the transfers included
        while not stop.wait(0.02):
            total = 0
            for p in flash.iterdir() if flash.exists() else ():
                try:
                    total += p.stat().st_size
                except FileNotFoundError:
                    continue
            peak[0] = max(peak[0], total)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    results: dict[str, subprocess.CompletedProcess[str]] = {}
    uploads = [
        # at 8 Mbit/s each transfer takes about 3 s, so the two are in flight together
        threading.Thread(
            target=lambda s=src: results.__setitem__(s.name, scp_upload(agent, s, f"flash:{s.name}", "-l", "8000"))
        )
        for src in sources
    ]
    for t in uploads:
        t.start()
    for t in uploads:
        t.join(timeout=180)
    stop.set()
    watcher.join()
    ok = [name for name, r in results.items() if r.returncode == 0]
    failed = [r for r in results.values() if r.returncode != 0]
    # the upload that found no room gave its space up at once: the other one finished
    assert len(ok) == 1 and len(failed) == 1, {k: (r.returncode, r.stderr) for k, r in results.items()}
    assert all("No space left on device" in r.stderr for r in failed)
    assert peak[0] <= 4 << 20, peak[0]
    assert sorted(p.name for p in flash.iterdir()) == sorted(ok)  # no temporary file left behind
    listing = exec_command(agent, "dir")
    assert f"{4 << 20} bytes total ({(4 << 20) - (3 << 20) * len(ok)} bytes free)" in listing


# -- a configuration file with a DTD ------------------------------------------------------------------------------
def test_copy_of_a_file_with_a_dtd_is_refused_and_the_cli_session_lives(agent: Any) -> None:
    (agent.state_dir / "flash").mkdir(exist_ok=True)
    (agent.state_dir / "flash" / "dtd.cfg").write_text(DTD_CONFIG)
    copied, clock = asyncio.run(
        cli(agent, ("copy flash:dtd.cfg running-config", "]? "), ("", "#"), ("show clock", "#"))
    )[1:]
    assert "a DOCTYPE is not allowed in a configuration file" in copied
    assert "UTC" in clock or ":" in clock  # the same session answered the next command
    assert "Dtd" not in exec_command(agent, "show running-config | include hostname")


@needs_scp
def test_scp_upload_of_a_file_with_a_dtd_is_refused_and_the_next_one_works(agent: Any, tmp_path: Path) -> None:
    agent.commit(SCP_ON)
    bad = tmp_path / "bad.cfg"
    bad.write_text(DTD_CONFIG)
    refused = scp_upload(agent, bad, "running-config")
    assert refused.returncode != 0 and "a DOCTYPE is not allowed in a configuration file" in refused.stderr
    good = tmp_path / "good.cfg"
    good.write_text("ip ssh time-out 77\n")
    accepted = scp_upload(agent, good, "running-config")
    assert accepted.returncode == 0, accepted.stderr
    assert "ip ssh time-out 77" in exec_command(agent, "show running-config | include time-out")


# -- file names are printed, not obeyed -----------------------------------------------------------------------------
def test_dir_and_show_flash_escape_terminal_sequences_in_file_names(agent: Any) -> None:
    flash = agent.state_dir / "flash"
    flash.mkdir(exist_ok=True)
    for name in ("\x1b[2Jcleared", "two\nlines", "bell\x07", "rtl\u202ecod.exe"):
        (flash / name).write_bytes(b"x")
    (flash / os.fsdecode(b"raw\x9b1m")).write_bytes(b"x")  # a C1 CSI, not UTF-8: an undecodable name
    for command in ("dir", "dir flash:", "show flash:"):
        out = exec_command(agent, command)
        assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out and "\x9b" not in out
        for shown in ("\\x1b[2Jcleared", "two\\x0alines", "bell\\x07", "rtl\\u202ecod.exe", "raw\\x9b1m"):
            assert shown in out, (command, out)
        assert not any(line.startswith("lines") for line in out.splitlines())  # no forged listing line
    # a typed name is echoed escaped in the error too
    out = exec_command(agent, "more flash:nope\x1b[31m")
    assert "\x1b" not in out and "flash:nope\\x1b[31m" in out
