"""A full or read-only state directory: every writer reports the failed write, and nothing changes.

The agent's state directory is a small tmpfs of the test's own. Once it is filled (a filler file) or remounted
read-only, every face that writes configuration — NETCONF edit-config of running, a candidate commit, the
save-config RPC, a CLI configuration line, ``write memory``, ``copy running-config startup-config``, an SCP upload
to running-config, a RESTCONF PATCH — must answer with the OS cause, leave running, startup, their files and the
live SSH service as they were, and keep every session up: when space returns, the same sessions work on.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cli_dialogue import Dialogue, cli, in_shell, show
from lxml import etree
from namespaces import native
from ncclient import manager
from ncclient.operations import RPCError
from openssh import needs_openssh_scp, scp_upload
from restconf_client import JSON, NATIVE, RESTCONF_LINE, Restconf, enable_restconf
from stored_running import running_files

pytestmark = [pytest.mark.slow, needs_openssh_scp]

SIZE = "4m"  # the state directory of a fresh agent takes well under 1 MB
CAUSES = {"full": "No space left on device", "read-only": "Read-only file system"}
IA = "http://cisco.com/yang/cisco-ia"
HOSTNAME = re.compile(r"<hostname>([^<]*)</hostname>")


def _run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=30, check=False)


@dataclass
class SmallDisk:
    """A tmpfs mounted for one test, which it can fill up or make read-only and then give back."""

    path: Path

    @property
    def state(self) -> Path:
        """The agent's state directory on it."""
        return self.path / "agent"

    def fill(self) -> None:
        """Take every free byte with a filler file (written until the file system says it is full)."""
        fd = os.open(self.path / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            for chunk in (1 << 16, 1 << 12, 1):  # the big chunks first, then what is left of the last page
                with contextlib.suppress(OSError):
                    while True:
                        os.write(fd, b"\0" * chunk)
        finally:
            os.close(fd)
        with pytest.raises(OSError) as full:
            (self.path / "probe").write_bytes(b"\0" * 4096)
        assert full.value.errno == errno.ENOSPC

    def free(self) -> None:
        (self.path / "filler").unlink()
        (self.path / "probe").unlink(missing_ok=True)

    def read_only(self) -> None:
        """Make the state directory read-only for every new open. Not a remount of the tmpfs itself: the agent
        holds its state lock file open for writing, which the kernel refuses to remount under (EBUSY); a
        read-only bind mount over the directory is what a new open of any file in it goes through."""
        for step in (("--bind", str(self.state), str(self.state)), ("-o", "remount,bind,ro", str(self.state))):
            done = _run("mount", *step)
            assert done.returncode == 0, done.stderr

    def read_write(self) -> None:
        done = _run("umount", str(self.state))
        assert done.returncode == 0, done.stderr


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[SmallDisk]:
    where = tmp_path / "tmpfs"
    where.mkdir()
    mounted = _run("mount", "-t", "tmpfs", "-o", f"size={SIZE},mode=0700", "tmpfs", str(where))
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs for the state directory (needs root): {mounted.stderr.strip()}")
    try:
        yield SmallDisk(where)
    finally:
        _run("umount", str(where / "agent"))  # a read-only bind mount a failed test left (else: not mounted)
        if _run("umount", str(where)).returncode != 0:
            _run("umount", "-l", str(where))  # a process still holding a file: detach now, freed when it lets go


@pytest.fixture
def agent_on_disk(fresh_agent: Callable[..., Any], small_disk: SmallDisk) -> Iterator[tuple[Any, Restconf]]:
    """An agent (candidate datastore and RESTCONF on) whose state directory now lives on ``small_disk``."""
    agent = fresh_agent()
    enable_restconf(agent)  # configured and saved while the disk is roomy
    cli(agent, "ip scp server enable")
    assert "[OK]" in show(agent, "write memory")
    agent.stop()
    state = small_disk.state
    shutil.copytree(agent.state_dir, state, symlinks=True)
    agent.state_dir = state
    mark = len(agent.output)
    agent.start()
    agent.wait_for_output(RESTCONF_LINE, after=mark)
    found = re.search(RESTCONF_LINE, "".join(agent.output[mark:]))
    assert found is not None
    try:
        yield agent, Restconf(agent, int(found.group(1)))
    finally:
        agent.stop()  # before the disk is unmounted


def _hostname(m: manager.Manager) -> str:
    found = HOSTNAME.search(m.get_config(source="running").data_xml)
    assert found is not None
    return found.group(1)


def _refused(cause: str, call: Callable[[], object]) -> None:
    with pytest.raises(RPCError) as info:
        call()
    assert info.value.tag == "operation-failed" and cause in str(info.value), info.value


async def _in_thread(fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
    return await asyncio.to_thread(fn, *args, **kw)


async def _prompt(port: int) -> str:
    """The prompt a new SSH session gets: the hostname the live SSH service shows."""

    async def first(shell: Dialogue) -> str:
        return (await shell.cmd("")).strip()

    return await in_shell(port, first)


async def _every_writer_fails(
    agent: Any, restconf: Restconf, m: manager.Manager, shell: Dialogue, cause: str, hostname: str, tmp_path: Path
) -> None:
    await _in_thread(
        _refused, cause, lambda: m.edit_config(target="running", config=native("<hostname>NC-LOST</hostname>"))
    )
    await _in_thread(m.edit_config, target="candidate", config=native("<hostname>CAND-LOST</hostname>"))
    await _in_thread(_refused, cause, m.commit)
    await _in_thread(m.discard_changes)
    await _in_thread(_refused, cause, lambda: m.dispatch(etree.fromstring(f'<save-config xmlns="{IA}"/>')))

    out = await shell.cmd("configure terminal")
    out = await shell.cmd("hostname CLI-LOST")
    assert f"% Configuration not applied: could not write running-config ({cause})" in out
    assert out.rstrip().endswith(f"\n{hostname}(config)#"), out  # the prompt keeps the old hostname
    await shell.cmd("end")
    out = await shell.cmd("write memory")
    assert f"%Error opening nvram:startup-config ({cause})" in out and "[OK]" not in out
    await shell.cmd("copy running-config startup-config", "]? ")
    out = await shell.cmd("")
    assert f"%Error opening nvram:startup-config ({cause})" in out and "[OK]" not in out

    upload = tmp_path / "lost.cfg"
    upload.write_text("hostname SCP-LOST\n")
    sent = await _in_thread(scp_upload, agent.ssh_port, upload, "running-config", timeout=60)
    assert sent.returncode != 0 and f"%Error opening system:running-config ({cause})" in sent.stderr, sent

    body = f'{{"{NATIVE}": {{"hostname": "RC-LOST"}}}}'
    answer = await _in_thread(restconf.send, "PATCH", NATIVE, body, JSON)
    assert answer.status_code == 500 and cause in answer.text, (answer.status_code, answer.text)


def _stored_files(state: Path) -> dict[str, bytes]:
    """Startup's file and running's (snapshot and journal), name -> bytes."""
    return {**running_files(state), "startup-config.xml": (state / "startup-config.xml").read_bytes()}


@pytest.mark.parametrize("failure", ["full", "read-only"])
async def test_every_writer_reports_a_failed_write_and_changes_nothing(
    agent_on_disk: tuple[Any, Restconf], small_disk: SmallDisk, failure: str, tmp_path: Path
) -> None:
    agent, restconf = agent_on_disk
    state: Path = agent.state_dir
    m = await _in_thread(agent.connect)
    other = await _in_thread(agent.connect)  # a second session that only watches
    hostname = await _in_thread(_hostname, m)
    files = _stored_files(state)

    async def steps(shell: Dialogue) -> None:
        (small_disk.fill if failure == "full" else small_disk.read_only)()
        try:
            await _every_writer_fails(agent, restconf, m, shell, CAUSES[failure], hostname, tmp_path)
            assert _stored_files(state) == files  # running's snapshot and journal, and startup, byte for byte
            assert await _in_thread(_hostname, m) == hostname == await _in_thread(_hostname, other)
            assert await _prompt(agent.ssh_port) == f"{hostname}#"  # the live SSH service: unchanged
            assert not list(state.glob(".*.tmp"))  # no half-written temporary file is left behind
        finally:
            (small_disk.free if failure == "full" else small_disk.read_write)()
        # space is back: the very same sessions work on, and every write lands
        await _in_thread(m.edit_config, target="running", config=native("<hostname>NC-BACK</hostname>"))
        await shell.cmd("configure terminal")
        out = await shell.cmd("hostname CLI-BACK")
        assert out.rstrip().endswith("CLI-BACK(config)#"), out
        await shell.cmd("end")
        assert "[OK]" in await shell.cmd("write memory")

    await in_shell(agent.ssh_port, steps)
    assert await _in_thread(_hostname, other) == "CLI-BACK"
    assert b"<hostname>CLI-BACK</hostname>" in (state / "startup-config.xml").read_bytes()
    assert agent.alive()
    for session in (m, other):
        await _in_thread(session.close_session)
