"""The IOS file system behind SCP: flash: streaming and its bounds, names, the rules that allow a copy, the
configuration files (merge into running, replace startup), and the SCP/SFTP server run in-process on a real
device with the asyncssh client, down to the raw SCP protocol (stalled, half-closed and pipelined uploads)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from functools import cache
from pathlib import Path

import asyncssh
import pytest
from agents import ADMIN_PASSWORD
from lxml import etree
from namespaces import AAA, IOS, NC
from waiting import until_async

from iosxe_agent.datastore.transaction import SYSTEM
from iosxe_agent.device.aaa.login import LoginResult
from iosxe_agent.device.config_files import ConfigFileError, skipped_summary
from iosxe_agent.device.debug import Debug
from iosxe_agent.device.files import Flash, FlashError
from iosxe_agent.device.filesystem import FileKind, TransferLimits, Url, locate
from iosxe_agent.device.names import MODULES
from iosxe_agent.device.scp import scp_refusal, transfer_privilege
from iosxe_agent.router import Device, DeviceOptions
from iosxe_agent.serve import yang_dir
from iosxe_agent.yang.loader import default_search_path, load_schema
from iosxe_agent.yang.schema import Schema


@cache
def schema() -> Schema:
    return load_schema(default_search_path(yang_dir()), MODULES)


def config(body: str) -> etree._Element:
    return etree.fromstring(f'<config xmlns="{NC}" xmlns:nc="{NC}"><native xmlns="{IOS}">{body}</native></config>')


def tree(body: str) -> etree._Element:
    return config(body)


# -- flash: streaming -----------------------------------------------------------------------------------------------
def test_streamed_write_appears_only_on_commit(tmp_path: Path) -> None:
    flash = Flash(tmp_path / "flash", 1 << 20)
    w = flash.open_write("a.bin")
    w.write(b"hello ")
    w.write(b"world")
    assert not (tmp_path / "flash" / "a.bin").exists()
    assert w.tmp.name.startswith(".~a.bin.") and (w.tmp.stat().st_mode & 0o777) == 0o600
    assert flash.names() == []  # temporaries are hidden
    w.commit()
    assert (tmp_path / "flash" / "a.bin").read_bytes() == b"hello world"
    assert sorted(p.name for p in (tmp_path / "flash").iterdir()) == ["a.bin"]


def test_out_of_order_writes_and_abort_keep_the_old_file(tmp_path: Path) -> None:
    flash = Flash(tmp_path / "flash", 1 << 20)
    flash.write("a.bin", b"old")
    w = flash.open_write("a.bin")
    w.write(b"world", 6)
    w.write(b"hello ", 0)
    assert w.size == 11
    w.abort()
    assert flash.read("a.bin") == b"old"
    assert sorted(p.name for p in (tmp_path / "flash").iterdir()) == ["a.bin"]


def test_the_size_bound_refuses_a_write_and_commit(tmp_path: Path) -> None:
    flash = Flash(tmp_path / "flash", 1000)
    flash.write("keep.bin", b"x" * 400)
    w = flash.open_write("big.bin")
    w.write(b"y" * 600)
    with pytest.raises(FlashError, match=r"%Error writing flash:big.bin \(No space left on device\)"):
        w.write(b"y")
    w.abort()
    # two writers that each fit, but not together: the second is refused while the first is in progress
    a, b = flash.open_write("a.bin"), flash.open_write("b.bin")
    a.write(b"a" * 500)
    with pytest.raises(FlashError, match="No space left on device"):
        b.write(b"b" * 500)
    b.abort()
    a.commit()
    assert flash.names() == ["a.bin", "keep.bin"]
    assert flash.usage() == 900


def test_temporary_names_cannot_be_given_and_crash_leftovers_are_cleaned(tmp_path: Path) -> None:
    flash = Flash(tmp_path / "flash", 1 << 20)
    w = flash.open_write("x.bin")
    w.write(b"partial")
    for name in (w.tmp.name, ".~anything", "dir/.~x"):
        with pytest.raises(FlashError, match="Invalid argument"):
            flash.resolve(name)
    # a crash leaves the temporary file; the next start removes it
    assert Flash(tmp_path / "flash", 1 << 20).clean_partials() == 1
    assert list((tmp_path / "flash").iterdir()) == []


def test_entries_stat_open_read_and_delete(tmp_path: Path) -> None:
    flash = Flash(tmp_path / "flash", 1 << 20)
    flash.write("b.cfg", b"bb")
    flash.write("a.cfg", b"a")
    (tmp_path / "flash" / "sub").mkdir()
    (tmp_path / "flash" / "link").symlink_to(tmp_path)
    # the symbolic link is not listed (and never followed)
    assert [(e.name, e.is_dir) for e in flash.entries()] == [("a.cfg", False), ("b.cfg", False), ("sub", True)]
    assert [e.size for e in flash.entries()][:2] == [1, 2]
    with flash.open_read("b.cfg") as f:
        assert f.read() == b"bb"
    assert flash.stat("a.cfg").st_size == 1
    with pytest.raises(FlashError, match=r"%Error opening flash:link \(Permission denied\)"):
        flash.open_read("link")
    with pytest.raises(FlashError, match=r"%Error opening flash:sub \(Is a directory\)"):
        flash.open_read("sub")
    with pytest.raises(FlashError, match=r"%Error opening flash:nope \(No such file or directory\)"):
        flash.stat("nope")
    flash.delete("a.cfg")
    with pytest.raises(FlashError, match=r"%Error deleting flash:a.cfg \(No such file or directory\)"):
        flash.delete("a.cfg")
    with pytest.raises(FlashError, match="Is a directory"):
        flash.delete("sub")
    assert flash.free() == (1 << 20) - 2


# -- names ----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("flash:x.bin", Url("flash", "x.bin", "flash:x.bin")),
        ("bootflash:x.bin", Url("flash", "x.bin", "flash:x.bin")),
        ("flash:/x.bin", Url("flash", "x.bin", "flash:x.bin")),
        ("/flash:x.bin", Url("flash", "x.bin", "flash:x.bin")),  # SFTP clients make paths absolute
        ("x.bin", Url("flash", "x.bin", "flash:x.bin")),  # the default file system
        ("./x.bin", Url("flash", "x.bin", "flash:x.bin")),
        ("", Url("flash", "", "flash:")),
        (".", Url("flash", "", "flash:")),
        ("/", Url("flash", "", "flash:")),
        ("flash:", Url("flash", "", "flash:")),
        ("running-config", Url("running", text="running-config")),
        ("/system:running-config", Url("running", text="running-config")),
        ("startup-config", Url("startup", text="startup-config")),
        ("nvram:startup-config", Url("startup", text="startup-config")),
        ("nvram:other", Url("other", text="nvram:other")),
        ("tftp://host/x", Url("other", text="tftp://host/x")),
    ],
)
def test_locate(given: str, expected: Url) -> None:
    assert locate(given) == expected


# -- who may copy ---------------------------------------------------------------------------------------------------
GUIDE = (
    f'<aaa><new-model xmlns="{AAA}"/>'
    f'<authorization xmlns="{AAA}"><exec><name>default</name><a1><local/></a1></exec></authorization></aaa>'
    "<ip><scp><server><enable/></server></scp></ip>"
)


def test_scp_refusal_rules() -> None:
    assert scp_refusal(tree(GUIDE), 15) is None
    assert scp_refusal(tree(GUIDE), 14) == "privilege level 14 is below 15"
    no_scp = GUIDE.replace("<ip><scp><server><enable/></server></scp></ip>", "")
    assert scp_refusal(tree(no_scp), 15) == "ip scp server enable is not configured"
    no_new_model = GUIDE.replace(f'<new-model xmlns="{AAA}"/>', "")
    assert scp_refusal(tree(no_new_model), 15) == "aaa new-model is not configured"
    no_authz = f'<aaa><new-model xmlns="{AAA}"/></aaa><ip><scp><server><enable/></server></scp></ip>'
    assert scp_refusal(tree(no_authz), 15) == "no aaa authorization exec method list is configured"
    assert scp_refusal(etree.Element(f"{{{NC}}}config"), 15) == "ip scp server enable is not configured"


def test_transfer_privilege_reads_the_local_user_live() -> None:
    running = tree("<username><name>ops</name><privilege>15</privilege></username>")
    assert transfer_privilege(running, "ops", LoginResult(True, 15, "local")) == 15
    assert transfer_privilege(running, "OPS", LoginResult(True, 15, "local")) == 15  # local: any case
    demoted = tree("<username><name>ops</name><privilege>7</privilege></username>")
    assert transfer_privilege(demoted, "ops", LoginResult(True, 15, "local")) == 7
    assert transfer_privilege(tree(""), "ops", LoginResult(True, 15, "local")) == 0  # deleted since login
    assert transfer_privilege(tree(""), "ops", LoginResult(True, 15, "group:tacacs+")) == 15
    assert transfer_privilege(running, "ops", None) == 0


# -- a device in-process --------------------------------------------------------------------------------------------
@pytest.fixture
async def device(tmp_path: Path) -> AsyncIterator[Device]:
    dev = Device(tmp_path / "state", schema(), options=DeviceOptions(admin_user="admin", admin_password=ADMIN_PASSWORD))
    dev.load()
    await dev.start()
    await dev.stores.edit("running", config("<ip><scp><server><enable/></server></scp></ip>"), SYSTEM)
    try:
        yield dev
    finally:
        await dev.stop()


def connect(dev: Device, user: str = "admin", password: str = ADMIN_PASSWORD) -> asyncssh.connection._ConnectManager:
    return asyncssh.connect(
        "127.0.0.1", dev.ssh.port, username=user, password=password, known_hosts=None, preferred_auth="password"
    )


def flash_files(dev: Device) -> list[str]:
    root = dev.state_dir / "flash"
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def hostname(dev: Device) -> str | None:
    return dev.stores.running.findtext(f"{{{IOS}}}native/{{{IOS}}}hostname")


async def test_upload_download_and_config_files_with_the_asyncssh_client(device: Device, tmp_path: Path) -> None:
    src = tmp_path / "x.bin"
    src.write_bytes(os.urandom(600_000))
    cfg = tmp_path / "cfg.txt"
    cfg.write_text("hostname InProc\n")
    async with connect(device) as conn:
        await asyncssh.scp(str(src), (conn, "flash:x.bin"))
        await asyncssh.scp((conn, "bootflash:x.bin"), str(tmp_path / "back.bin"))
        await asyncssh.scp(str(cfg), (conn, "running-config"))
        await asyncssh.scp((conn, "running-config"), str(tmp_path / "rc.txt"))
        with pytest.raises(asyncssh.SFTPError, match=r"%Error opening nvram:foo \(No such file or directory\)"):
            await asyncssh.scp(str(cfg), (conn, "nvram:foo"))
        with pytest.raises(asyncssh.SFTPError, match=r"%Error opening flash:missing \(No such file or directory\)"):
            await asyncssh.scp((conn, "flash:missing"), str(tmp_path / "m"))
        with pytest.raises(asyncssh.SFTPError, match=r"Invalid argument"):
            await asyncssh.scp(str(cfg), (conn, "flash:../escape"))
    assert (tmp_path / "back.bin").read_bytes() == src.read_bytes()
    assert hostname(device) == "InProc"
    assert "hostname InProc" in (tmp_path / "rc.txt").read_text()
    assert flash_files(device) == ["x.bin"]
    assert not (tmp_path / "state" / "escape").exists()


async def test_config_file_errors_skip_their_lines_only(device: Device) -> None:
    files = device.ssh.files
    assert files is not None
    skipped = await files.write(locate("running-config"), b"hostname Half\nip ssh time-out 999\nhostname\n", SYSTEM)
    summary = skipped_summary(skipped)
    assert summary == (
        "2 invalid line(s) skipped: line 2 'ip ssh time-out 999': % Invalid input detected at '^' marker.; "
        "line 3 'hostname': % Incomplete command."
    )
    assert "\n" not in summary  # one line: it is what SCP sends on stderr
    assert hostname(device) == "Half"
    before = etree.tostring(device.stores.running)
    with pytest.raises(ConfigFileError, match=r"%Error copying running-config \(not a text configuration file\)"):
        await files.write(locate("running-config"), b"\xff\xfe\x00bad", SYSTEM)
    files.limits = TransferLimits(max_config_bytes=10)
    with pytest.raises(ConfigFileError, match=r"%Error writing startup-config \(File too large\)"):
        await files.write(locate("startup-config"), b"hostname Way-too-long\n", SYSTEM)
    assert etree.tostring(device.stores.running) == before


async def test_startup_file_replaces_startup_text_and_xml(device: Device) -> None:
    files = device.ssh.files
    assert files is not None
    text = files.render(FileKind.STARTUP).decode().replace("hostname Router", "hostname Later")
    await files.write(locate("startup-config"), text.encode(), SYSTEM)
    assert device.stores.startup.findtext(f"{{{IOS}}}native/{{{IOS}}}hostname") == "Later"
    assert hostname(device) == "Router"
    xml = etree.tostring(config(f"<hostname>FromXml</hostname>{GUIDE}"))
    await files.write(locate("startup-config"), xml, SYSTEM)
    assert device.stores.startup.findtext(f"{{{IOS}}}native/{{{IOS}}}hostname") == "FromXml"
    assert device.stores.startup.find(f"{{{IOS}}}native/{{{IOS}}}username") is None  # replaced, not merged
    skipped = await files.write(locate("startup-config"), b"hostname X\nip ssh time-out 999\n", SYSTEM)
    assert [e.lineno for e in skipped] == [2]  # skipped now, as the box would skip it when it boots
    assert device.stores.startup.findtext(f"{{{IOS}}}native/{{{IOS}}}hostname") == "X"


async def test_flash_bound_refuses_an_upload_and_leaves_nothing(device: Device, tmp_path: Path) -> None:
    assert device.ssh.files is not None
    device.ssh.files.flash.max_bytes = 100_000
    src = tmp_path / "big.bin"
    src.write_bytes(os.urandom(300_000))
    async with connect(device) as conn:
        with pytest.raises(asyncssh.SFTPError, match=r"%Error writing flash:big.bin \(No space left on device\)"):
            await asyncssh.scp(str(src), (conn, "flash:big.bin"))
        small = tmp_path / "small.bin"
        small.write_bytes(b"s" * 1000)
        await asyncssh.scp(str(small), (conn, "flash:small.bin"))  # the same channel type still works
    assert flash_files(device) == ["small.bin"]


# -- the raw SCP protocol: what a broken client does ----------------------------------------------------------------
async def _start_sink(conn: asyncssh.SSHClientConnection, target: str, size: int) -> asyncssh.SSHClientProcess[bytes]:
    proc = await conn.create_process(f"scp -t {target}", encoding=None)
    assert await asyncio.wait_for(proc.stdout.read(1), 10) == b"\0"
    proc.stdin.write(f"C0644 {size} {target.rsplit(':', 1)[-1]}\n".encode())
    assert await asyncio.wait_for(proc.stdout.read(1), 10) == b"\0"
    return proc


async def _temporaries_appear(dev: Device) -> None:
    assert await until_async(lambda: any(name.startswith(".~") for name in flash_files(dev)), 5), "no upload"


async def test_stream_ended_early_leaves_no_file(device: Device) -> None:
    async with connect(device) as conn:
        proc = await _start_sink(conn, "flash:half.bin", 1_000_000)
        proc.stdin.write(b"x" * 300_000)
        await _temporaries_appear(device)
        proc.stdin.write_eof()
        await asyncio.wait_for(proc.wait_closed(), 10)
    assert await until_async(lambda: flash_files(device) == [], 5), flash_files(device)


async def test_connection_dropped_mid_transfer_leaves_no_file(device: Device) -> None:
    conn = await connect(device)
    proc = await _start_sink(conn, "flash:drop.bin", 1_000_000)
    proc.stdin.write(b"x" * 300_000)
    await _temporaries_appear(device)
    conn.abort()
    assert await until_async(lambda: flash_files(device) == [], 5), flash_files(device)
    assert not [s for s in device.sessions if s.mode == "scp"]  # the session record is gone too


async def test_stalled_upload_is_closed_after_the_idle_bound(device: Device) -> None:
    assert device.ssh.files is not None
    device.ssh.files.limits = TransferLimits(idle_s=0.4)
    async with connect(device) as conn:
        proc = await _start_sink(conn, "flash:stall.bin", 1_000_000)
        proc.stdin.write(b"x" * 100_000)
        await _temporaries_appear(device)
        started = asyncio.get_running_loop().time()
        await asyncio.wait_for(proc.wait_closed(), 10)  # the device closes the channel
        assert asyncio.get_running_loop().time() - started < 5
    assert await until_async(lambda: flash_files(device) == [], 5), flash_files(device)


async def test_pipelined_complete_upload_is_kept_even_with_eof_right_behind(device: Device) -> None:
    data = os.urandom(200_000)
    async with connect(device) as conn:
        proc = await _start_sink(conn, "flash:pipe.bin", len(data))
        proc.stdin.write(data + b"\0")
        proc.stdin.write_eof()  # a client that does not wait for the final OK
        assert await asyncio.wait_for(proc.stdout.read(1), 10) == b"\0"
        await asyncio.wait_for(proc.wait_closed(), 10)
    assert await until_async(lambda: flash_files(device) == ["pipe.bin"], 5), flash_files(device)
    assert (device.state_dir / "flash" / "pipe.bin").read_bytes() == data


async def test_not_allowed_refuses_in_the_protocol(device: Device) -> None:
    await device.stores.edit(
        "running", config('<ip><scp><server><enable nc:operation="remove"/></server></scp></ip>'), SYSTEM
    )
    async with connect(device) as conn:
        proc = await conn.create_process("scp -f running-config", encoding=None)
        proc.stdin.write(b"\0")
        reply = await asyncio.wait_for(proc.stdout.readline(), 10)
        assert reply == b"\x01scp: %Error opening running-config (Permission denied)\n"


# -- SFTP -----------------------------------------------------------------------------------------------------------
async def test_sftp_subsystem_is_refused_unless_enabled(device: Device) -> None:
    async with connect(device) as conn:
        with pytest.raises((asyncssh.ChannelOpenError, asyncssh.SFTPError)):
            await conn.start_sftp_client()
        assert (await conn.run("show privilege", timeout=10)).stdout.strip() == "Current privilege level is 15"


async def test_sftp_when_enabled_serves_the_same_file_system(device: Device, tmp_path: Path) -> None:
    device.ssh.sftp = True
    src = tmp_path / "s.bin"
    src.write_bytes(os.urandom(100_000))
    async with connect(device) as conn, conn.start_sftp_client() as sftp:
        await sftp.put(str(src), "flash:s.bin")
        assert "s.bin" in await sftp.listdir("flash:")
        assert (await sftp.stat("flash:s.bin")).size == 100_000
        await sftp.get("s.bin", str(tmp_path / "back.bin"))
        assert (tmp_path / "back.bin").read_bytes() == src.read_bytes()
        async with sftp.open("running-config") as f:
            assert "ip scp server enable" in await f.read()
        with pytest.raises(asyncssh.SFTPError, match="Operation not supported"):
            await sftp.mkdir("flash:dir")
        with pytest.raises(asyncssh.SFTPError, match="Operation not supported"):
            await sftp.rename("flash:s.bin", "flash:t.bin")
        with pytest.raises(asyncssh.SFTPError, match="Permission denied"):
            await sftp.remove("running-config")
        await sftp.remove("flash:s.bin")
        await device.stores.edit(
            "running", config('<ip><scp><server><enable nc:operation="remove"/></server></scp></ip>'), SYSTEM
        )
        with pytest.raises(asyncssh.SFTPError, match="Permission denied"):
            await sftp.put(str(src), "flash:again.bin")
    assert flash_files(device) == []


async def test_debug_ip_scp_lines(device: Device, tmp_path: Path) -> None:
    device.cli.debug.turn_on(Debug.SCP)  # `debug ip scp`
    src = tmp_path / "d.cfg"
    src.write_bytes(b"d" * 20)
    async with connect(device) as conn:
        await asyncssh.scp(str(src), (conn, "flash:d.cfg"))
        await asyncssh.scp((conn, "flash:d.cfg"), str(tmp_path / "back.cfg"))
    text = "\n".join(device.log.lines())
    assert "SCP: [" in text
    assert "<- 127.0.0.1:" in text and "recv 20 bytes" in text
    assert "send C0600 20 flash:d.cfg" in text and "send 20 bytes" in text
