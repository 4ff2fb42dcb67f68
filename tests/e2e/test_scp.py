"""SCP on the device port with the OpenSSH client (``scp -O``, the classic protocol IOS speaks), asyncssh and
ncclient: the guide's Secure Copy chapter, the rules that refuse it, the IOS file system behind it, and the
exec commands over the same files (``dir``, ``more``, ``delete``, ``copy``)."""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import signal
import subprocess
import time
import uuid
from pathlib import Path

import asyncssh
import pytest
from agents import ADMIN_PASSWORD, add_user
from datastores import running_xml
from lxml import etree
from namespaces import IOS

SCP_ON = "<ip><scp><server><enable/></server></scp></ip>"
SCP_OFF = '<ip><scp><server><enable nc:operation="remove"/></server></scp></ip>'
SSH_OPTS = [
    "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
    "-o", "PubkeyAuthentication=no", "-o", "PreferredAuthentications=password,keyboard-interactive",
    "-o", "NumberOfPasswordPrompts=1", "-o", "ConnectTimeout=20",
]  # fmt: skip

pytestmark = pytest.mark.skipif(shutil.which("scp") is None, reason="OpenSSH client (Debian openssh-client) missing")


def running_native(agent, subtree: str) -> etree._Element:
    m = agent.connect()
    try:
        reply = m.get_config("running", filter=("subtree", f'<native xmlns="{IOS}">{subtree}</native>'))
        return etree.fromstring(reply.xml.encode())
    finally:
        m.close_session()


def hostname(agent) -> str | None:
    return running_native(agent, "<hostname/>").findtext(f".//{{{IOS}}}hostname")


def _password_env(tmp: Path, password: str) -> tuple[list[str], dict[str, str]]:
    """sshpass when installed (Debian ``sshpass``), otherwise OpenSSH's SSH_ASKPASS (forced, no terminal)."""
    if shutil.which("sshpass"):
        return ["sshpass", "-p", password], dict(os.environ)
    script = tmp / f"askpass-{uuid.uuid4().hex[:6]}.sh"
    script.write_text(f"#!/bin/sh\necho '{password}'\n")
    script.chmod(0o700)
    env = {**os.environ, "SSH_ASKPASS": str(script), "SSH_ASKPASS_REQUIRE": "force", "DISPLAY": ":0"}
    return [], env


def scp_cmd(agent, tmp: Path, *args: str, password: str = ADMIN_PASSWORD, legacy: bool = True):
    prefix, env = _password_env(tmp, password)
    cmd = [*prefix, "scp", *(["-O"] if legacy else []), "-P", str(agent.ssh_port), *SSH_OPTS, *args]
    return cmd, env


def scp(agent, tmp: Path, *args: str, password: str = ADMIN_PASSWORD, legacy: bool = True, timeout: float = 180):
    cmd, env = scp_cmd(agent, tmp, *args, password=password, legacy=legacy)
    return subprocess.run(
        cmd, capture_output=True, text=True, timeout=timeout, env=env, stdin=subprocess.DEVNULL, check=False
    )


def remote(user: str, path: str) -> str:
    return f"{user}@127.0.0.1:{path}"


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def flash_dir(agent) -> Path:
    return agent.state_dir / "flash"


def exec_command(agent, command: str, user: str = "admin", password: str = ADMIN_PASSWORD) -> str:
    async def run() -> str:
        async with asyncssh.connect(
            "127.0.0.1", agent.ssh_port, username=user, password=password, known_hosts=None
        ) as conn:
            return str((await conn.run(command, timeout=30)).stdout).replace("\r\n", "\n")

    return asyncio.run(run())


class Shell:
    def __init__(self, proc: asyncssh.SSHClientProcess[str]) -> None:
        self.proc = proc

    async def until(self, *endings: str) -> str:
        return await asyncio.wait_for(self.proc.stdout.readuntil(endings), 60)

    async def cmd(self, line: str, *endings: str) -> str:
        self.proc.stdin.write(line + "\n")
        return (await self.until(*(endings or ("#",)))).replace("\r\n", "\n")


async def with_shell(agent, fn):
    async with asyncssh.connect(
        "127.0.0.1", agent.ssh_port, username="admin", password=ADMIN_PASSWORD, known_hosts=None
    ) as conn:
        proc = await conn.create_process(term_type="vt100", term_size=(200, 50))
        shell = Shell(proc)
        await shell.until("#")
        await shell.cmd("terminal length 0")
        result = await fn(shell)
        proc.stdin.write("exit\n")
        return result


@pytest.fixture
def scp_agent(fresh_agent):
    """An agent with the guide's configuration: the bootstrap AAA (aaa new-model, login and exec authorization
    local), a privilege-15 user, and ``ip scp server enable`` committed over NETCONF."""
    agent = fresh_agent()
    agent.commit(SCP_ON)
    return agent


# -- the guide --------------------------------------------------------------------------------------------------------
def test_guide_configuration_uploads_and_downloads_20_mb_with_matching_sha256(scp_agent, tmp_path: Path) -> None:
    agent = scp_agent
    add_user(agent, "scpuser", 15, "Scp-Passw0rd")
    src = tmp_path / "image.bin"
    with src.open("wb") as f:
        for _ in range(20):
            f.write(os.urandom(1 << 20))
    up = scp(agent, tmp_path, str(src), remote("scpuser", "flash:image.bin"), password="Scp-Passw0rd")
    assert up.returncode == 0, up.stderr
    stored = flash_dir(agent) / "image.bin"
    assert sha256(stored) == sha256(src)
    assert stat_mode(stored) == 0o600
    back = tmp_path / "back.bin"
    down = scp(agent, tmp_path, remote("scpuser", "bootflash:image.bin"), str(back), password="Scp-Passw0rd")
    assert down.returncode == 0, down.stderr
    assert sha256(back) == sha256(src)
    assert [p.name for p in flash_dir(agent).iterdir()] == ["image.bin"]  # no temporary file left behind


def stat_mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_plain_name_and_directory_targets_land_in_flash(scp_agent, tmp_path: Path) -> None:
    agent = scp_agent
    (tmp_path / "a.cfg").write_text("one\n")
    (tmp_path / "b.cfg").write_text("two\n")
    assert scp(agent, tmp_path, str(tmp_path / "a.cfg"), remote("admin", "a-copy.cfg")).returncode == 0
    assert scp(agent, tmp_path, str(tmp_path / "b.cfg"), remote("admin", "flash:")).returncode == 0
    assert (flash_dir(agent) / "a-copy.cfg").read_text() == "one\n"
    assert (flash_dir(agent) / "b.cfg").read_text() == "two\n"


# -- who may copy -----------------------------------------------------------------------------------------------------
def test_privilege_14_user_is_refused(scp_agent, tmp_path: Path) -> None:
    agent = scp_agent
    add_user(agent, "op14", 14, "Op14-pass")
    src = tmp_path / "x.cfg"
    src.write_text("hostname Nope\n")
    up = scp(agent, tmp_path, str(src), remote("op14", "flash:x.cfg"), password="Op14-pass")
    assert up.returncode != 0
    assert "%Error opening flash:x.cfg (Permission denied)" in up.stderr
    assert not (flash_dir(agent) / "x.cfg").exists()
    down = scp(agent, tmp_path, remote("op14", "running-config"), str(tmp_path / "rc"), password="Op14-pass")
    assert down.returncode != 0
    assert "%Error opening running-config (Permission denied)" in down.stderr
    assert not (tmp_path / "rc").exists()
    # the same user logs in to the shell (SCP alone needs 15)
    assert "Current privilege level is 14" in exec_command(agent, "show privilege", "op14", "Op14-pass")


def test_without_ip_scp_server_enable_scp_is_refused(fresh_agent, tmp_path: Path) -> None:
    agent = fresh_agent()  # bootstrap: aaa new-model and authorization, admin at 15, but no ip scp server enable
    src = tmp_path / "x.cfg"
    src.write_text("x\n")
    up = scp(agent, tmp_path, str(src), remote("admin", "flash:x.cfg"))
    assert up.returncode != 0
    assert "%Error opening flash:x.cfg (Permission denied)" in up.stderr
    down = scp(agent, tmp_path, remote("admin", "running-config"), str(tmp_path / "rc"))
    assert down.returncode != 0 and "Permission denied" in down.stderr
    agent.wait_for_output("ip scp server enable is not configured")


def test_without_aaa_authorization_exec_scp_is_refused(scp_agent, tmp_path: Path) -> None:
    agent = scp_agent
    aaa = "http://cisco.com/ns/yang/Cisco-IOS-XE-aaa"
    agent.commit(f'<aaa><authorization xmlns="{aaa}" nc:operation="remove"/></aaa>')
    src = tmp_path / "x.cfg"
    src.write_text("x\n")
    up = scp(agent, tmp_path, str(src), remote("admin", "flash:x.cfg"))
    assert up.returncode != 0 and "Permission denied" in up.stderr
    agent.wait_for_output("no aaa authorization exec method list")


def test_no_ip_scp_server_enable_refuses_the_next_transfer(scp_agent, tmp_path: Path) -> None:
    agent = scp_agent
    src = tmp_path / "x.cfg"
    src.write_text("x\n")
    assert scp(agent, tmp_path, str(src), remote("admin", "flash:first.cfg")).returncode == 0
    agent.commit(SCP_OFF)
    up = scp(agent, tmp_path, str(src), remote("admin", "flash:second.cfg"))
    assert up.returncode != 0 and "Permission denied" in up.stderr
    assert not (flash_dir(agent) / "second.cfg").exists()


def test_turning_scp_off_bites_on_an_open_connection(scp_agent, tmp_path: Path) -> None:
    agent = scp_agent
    src = tmp_path / "x.cfg"
    src.write_text("x\n")

    async def scenario() -> None:
        async with asyncssh.connect(
            "127.0.0.1", agent.ssh_port, username="admin", password=ADMIN_PASSWORD, known_hosts=None
        ) as conn:
            await asyncssh.scp(str(src), (conn, "flash:one.cfg"))
            await asyncio.to_thread(agent.commit, SCP_OFF)
            with pytest.raises(asyncssh.SFTPError, match=r"%Error opening flash:two.cfg \(Permission denied\)"):
                await asyncssh.scp(str(src), (conn, "flash:two.cfg"))
            await asyncio.to_thread(agent.commit, SCP_ON)
            await asyncssh.scp(str(src), (conn, "flash:three.cfg"))

    asyncio.run(scenario())
    assert sorted(p.name for p in flash_dir(agent).iterdir()) == ["one.cfg", "three.cfg"]


# -- running-config and startup-config --------------------------------------------------------------------------------
def test_upload_to_running_config_merges_and_netconf_sees_it(scp_agent, tmp_path: Path) -> None:
    agent = scp_agent
    cfg = tmp_path / "cfg.txt"
    cfg.write_text("hostname ScpEdge\nip ssh time-out 77\n!\nend\n")
    up = scp(agent, tmp_path, str(cfg), remote("admin", "running-config"))
    assert up.returncode == 0, up.stderr
    assert hostname(agent) == "ScpEdge"
    ssh = running_native(agent, "<ip><ssh><time-out/></ssh></ip>")
    assert ssh.findtext(f".//{{{IOS}}}time-out") == "77"
    # merged, not replaced: the users and AAA are still there
    assert running_native(agent, "<username/>").findtext(f".//{{{IOS}}}name") == "admin"


def test_a_bad_line_is_reported_and_the_others_apply(scp_agent, tmp_path: Path) -> None:
    """IOS's file semantics: the lines that are commands apply in order; the transfer succeeds and the client's
    stderr names the line that is not (a bad argument: unknown words would be kept as unmodelled lines)."""
    agent = scp_agent
    cfg = tmp_path / "bad.txt"
    cfg.write_text("hostname HalfApplied\nip ssh time-out 999\nip ssh time-out 50\n")
    up = scp(agent, tmp_path, str(cfg), remote("admin", "system:running-config"))
    assert up.returncode == 0, up.stderr
    assert "%Warning copying running-config (1 invalid line(s) skipped" in up.stderr
    assert "line 2 'ip ssh time-out 999': % Invalid input detected at '^' marker." in up.stderr
    assert hostname(agent) == "HalfApplied"
    ssh = running_native(agent, "<ip><ssh><time-out/></ssh></ip>")
    assert ssh.findtext(f".//{{{IOS}}}time-out") == "50"
    fix = _text(tmp_path, "hostname Router\n")
    assert scp(agent, tmp_path, str(fix), remote("admin", "running-config")).returncode == 0


def _text(where: Path, text: str) -> Path:
    path = where / "fix.cfg"
    path.write_text(text)
    return path


def test_download_of_running_config_is_show_running_config(scp_agent, tmp_path: Path) -> None:
    agent = scp_agent
    out = tmp_path / "running.cfg"
    down = scp(agent, tmp_path, remote("admin", "running-config"), str(out))
    assert down.returncode == 0, down.stderr
    shown = exec_command(agent, "show running-config")
    head, _, body = shown.partition("\n!\n")
    # a file copied from running-config is show running-config without its two header lines, as on IOS
    assert head.startswith("Building configuration...\n\nCurrent configuration : ")
    assert out.read_text().rstrip("\n") == ("!\n" + body).rstrip("\n")
    assert "ip scp server enable" in out.read_text()
    # and it loads back onto the box without a change or an error
    before = running_xml(agent)
    assert scp(agent, tmp_path, str(out), remote("admin", "running-config")).returncode == 0
    assert running_xml(agent) == before


def test_startup_config_upload_replaces_startup_after_validation(scp_agent, tmp_path: Path) -> None:
    agent = scp_agent
    saved = tmp_path / "startup.cfg"
    assert scp(agent, tmp_path, remote("admin", "nvram:startup-config"), str(saved)).returncode == 0
    assert "hostname Router" in saved.read_text()
    saved.write_text(saved.read_text().replace("hostname Router", "hostname NextBoot"))
    up = scp(agent, tmp_path, str(saved), remote("admin", "startup-config"))
    assert up.returncode == 0, up.stderr
    assert "hostname NextBoot" in exec_command(agent, "show startup-config")
    assert hostname(agent) == "Router"  # running untouched
    bad = tmp_path / "bad-startup.cfg"
    bad.write_text("<config><native")  # no configuration at all: refused whole
    up = scp(agent, tmp_path, str(bad), remote("admin", "startup-config"))
    assert up.returncode != 0 and "%Error parsing" in up.stderr
    assert "hostname NextBoot" in exec_command(agent, "show startup-config")


# -- SFTP ------------------------------------------------------------------------------------------------------------
def test_plain_scp_sftp_mode_is_refused_by_default(scp_agent, tmp_path: Path) -> None:
    src = tmp_path / "x.cfg"
    src.write_text("x\n")
    up = scp(scp_agent, tmp_path, str(src), remote("admin", "flash:x.cfg"), legacy=False)
    assert up.returncode != 0
    assert not (flash_dir(scp_agent) / "x.cfg").exists()
    scp_agent.wait_for_output("SFTP subsystem refused")


def test_sftp_option_serves_plain_scp_under_the_same_rules(fresh_agent, tmp_path: Path) -> None:
    agent = fresh_agent("--sftp")
    src = tmp_path / "x.bin"
    src.write_bytes(os.urandom(300_000))
    refused = scp(agent, tmp_path, str(src), remote("admin", "flash:x.bin"), legacy=False)
    assert refused.returncode != 0  # no ip scp server enable yet
    agent.commit(SCP_ON)
    up = scp(agent, tmp_path, str(src), remote("admin", "flash:x.bin"), legacy=False)
    assert up.returncode == 0, up.stderr
    assert sha256(flash_dir(agent) / "x.bin") == sha256(src)
    back = tmp_path / "back.bin"
    down = scp(agent, tmp_path, remote("admin", "flash:x.bin"), str(back), legacy=False)
    assert down.returncode == 0, down.stderr
    assert sha256(back) == sha256(src)
    rc = tmp_path / "rc.cfg"
    assert scp(agent, tmp_path, remote("admin", "running-config"), str(rc), legacy=False).returncode == 0
    assert "ip scp server enable" in rc.read_text()


# -- atomic uploads ---------------------------------------------------------------------------------------------------
def test_a_killed_upload_leaves_no_partial_file(scp_agent, tmp_path: Path) -> None:
    agent = scp_agent
    src = tmp_path / "big.bin"
    with src.open("wb") as f:
        for _ in range(40):
            f.write(os.urandom(1 << 20))
    # -l: 4000 Kbit/s, so the 40 MB take ~80 s and the kill surely lands mid-transfer
    cmd, env = scp_cmd(agent, tmp_path, "-l", "4000", str(src), remote("admin", "flash:big.bin"))
    proc = subprocess.Popen(
        cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # wait until data is flowing into the temporary file
            partial = (
                [p for p in flash_dir(agent).glob(".~*") if p.stat().st_size > 1 << 20]
                if flash_dir(agent).exists()
                else []
            )
            if partial:
                break
            time.sleep(0.2)
        else:
            pytest.fail("the upload never started")
        assert proc.poll() is None
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(flash_dir(agent).iterdir()):
        time.sleep(0.2)
    assert list(flash_dir(agent).iterdir()) == []
    agent.wait_for_output(r"discarded \((transfer incomplete|session ended)")
    # the agent goes on serving
    (tmp_path / "small.cfg").write_text("ok\n")
    assert scp(agent, tmp_path, str(tmp_path / "small.cfg"), remote("admin", "flash:small.cfg")).returncode == 0


# -- the exec commands over the same file system ----------------------------------------------------------------------
def test_dir_more_delete_and_copy_from_the_cli(scp_agent, tmp_path: Path) -> None:
    agent = scp_agent
    (tmp_path / "site.cfg").write_text("hostname FromFlash\nip ssh time-out 45\n")
    (tmp_path / "broken.cfg").write_text("hostname Broken\nip ssh time-out 999\n")
    for name in ("site.cfg", "broken.cfg"):
        assert scp(agent, tmp_path, str(tmp_path / name), remote("admin", f"flash:{name}")).returncode == 0

    async def session(shell: Shell) -> dict[str, str]:
        out = {"dir": await shell.cmd("dir flash:")}
        out["more"] = await shell.cmd("more flash:site.cfg")
        out["copy_prompt"] = await shell.cmd("copy flash:site.cfg running-config", "]? ")
        out["copy"] = await shell.cmd("")
        out["bad_prompt"] = await shell.cmd("copy flash:broken.cfg running-config", "]? ")
        out["bad"] = await shell.cmd("")
        await shell.cmd("copy running-config flash:backup.cfg", "]? ")
        out["backup"] = await shell.cmd("")
        out["overwrite"] = await shell.cmd("copy running-config flash:backup.cfg", "]? ")
        out["overwrite"] += await shell.cmd("", "[confirm]")
        out["overwrite"] += await shell.cmd("")
        out["delete"] = await shell.cmd("delete flash:site.cfg", "]? ")
        out["delete"] += await shell.cmd("", "[confirm]")
        out["delete"] += await shell.cmd("")
        out["dir_after"] = await shell.cmd("dir")
        out["missing"] = await shell.cmd("more flash:nothing.cfg")
        out["nvram"] = await shell.cmd("dir nvram:")
        return out

    out = asyncio.run(with_shell(agent, session))
    assert "Directory of flash:/" in out["dir"]
    assert "site.cfg" in out["dir"] and "broken.cfg" in out["dir"]
    assert "bytes total (" in out["dir"] and "bytes free)" in out["dir"]
    assert "hostname FromFlash\nip ssh time-out 45" in out["more"]
    assert "Destination filename [running-config]? " in out["copy_prompt"]
    assert "bytes copied in" in out["copy"] and "bytes/sec)" in out["copy"]
    assert " " * 16 + "^\n% Invalid input detected at '^' marker." in out["bad"]  # the caret under 999
    assert "bytes copied in" in out["bad"]
    assert hostname(agent) == "Broken"  # the bad file's other line applied, as IOS does
    ssh = running_native(agent, "<ip><ssh><time-out/></ssh></ip>")
    assert ssh.findtext(f".//{{{IOS}}}time-out") == "45"  # site.cfg's, not changed by the skipped line
    assert "bytes copied in" in out["backup"]
    assert "hostname Broken" in (flash_dir(agent) / "backup.cfg").read_text()
    assert "%Warning:There is a file already existing with this name" in out["overwrite"]
    assert "Do you want to over write? [confirm]" in out["overwrite"]
    assert "Delete filename [site.cfg]? " in out["delete"] and "Delete flash:/site.cfg? [confirm]" in out["delete"]
    assert not (flash_dir(agent) / "site.cfg").exists()
    assert "site.cfg" not in out["dir_after"] and "backup.cfg" in out["dir_after"]
    assert "%Error opening flash:nothing.cfg (No such file or directory)" in out["missing"]
    assert "%Error opening nvram: (No such file or directory)" in out["nvram"]


def test_copy_scp_url_to_flash_through_the_device_ssh_client(scp_agent, tmp_path: Path) -> None:
    agent = scp_agent
    src = tmp_path / "img.bin"
    src.write_bytes(os.urandom(700_000))
    assert scp(agent, tmp_path, str(src), remote("admin", "flash:img.bin")).returncode == 0
    url = f"scp://admin@127.0.0.1:{agent.ssh_port}/flash:img.bin"

    async def session(shell: Shell) -> str:
        out = await shell.cmd("debug ip scp")
        out += await shell.cmd(f"copy {url} flash:img-copy.bin", "]? ")
        out += await shell.cmd("", "Password: ")
        out += await shell.cmd(ADMIN_PASSWORD)
        out += await shell.cmd(f"copy {url} flash:wrong.bin", "]? ")
        out += await shell.cmd("", "Password: ")
        out += await shell.cmd("not-the-password")
        up = f"scp://admin@127.0.0.1:{agent.ssh_port}/flash:img-up.bin"
        out += await shell.cmd(f"copy flash:img.bin {up}", "]? ")
        out += await shell.cmd("", "]? ")
        out += await shell.cmd("", "]? ")
        out += await shell.cmd("", "Password: ")
        out += await shell.cmd(ADMIN_PASSWORD)
        out += await shell.cmd("show logging | include SCP")
        return out

    out = asyncio.run(with_shell(agent, session))
    assert "Destination filename [img-copy.bin]? " in out
    assert "700000 bytes copied in" in out
    assert sha256(flash_dir(agent) / "img-copy.bin") == sha256(src)
    assert f"%Error opening scp://admin@127.0.0.1:{agent.ssh_port}/flash:img.bin (Permission denied)" in out
    assert not (flash_dir(agent) / "wrong.bin").exists()
    assert "Address or name of remote host [127.0.0.1]? " in out
    assert "Destination filename [flash:img-up.bin]? " in out
    assert sha256(flash_dir(agent) / "img-up.bin") == sha256(src)  # uploaded to itself over SCP
    assert "SCP: [" in out and "send C0600 700000 flash:img.bin" in out  # debug ip scp


def test_scp_session_is_listed_while_it_runs(scp_agent, tmp_path: Path) -> None:
    agent = scp_agent
    src = tmp_path / "slow.bin"
    src.write_bytes(os.urandom(6 << 20))
    cmd, env = scp_cmd(agent, tmp_path, "-l", "8000", str(src), remote("admin", "flash:slow.bin"))
    proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    numbers: set[str] = set()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(numbers) < 2:
            # the exec session running `show ssh` is one connection; the SCP transfer is the other
            shown = exec_command(agent, "show ssh")
            numbers = {line.split()[0] for line in shown.splitlines() if line.rstrip().endswith("admin")}
            time.sleep(0.3)
    finally:
        rc = proc.wait(timeout=120)
    assert rc == 0, (proc.stderr.read() if proc.stderr else "") + agent.log_text()[-3000:]
    assert len(numbers) >= 2, shown
