"""The IOS file system of one device and its one ``copy``, in-process: real datastores (the commit pipeline, locks,
persistence in a temp dir) and a real flash: directory, no listeners.

What the faces rely on: every configuration copied to flash: is the IOS text ``show running-config`` prints (so
the CLI, the RPC and SCP write the same bytes); a file copied into running is merged, into startup replaces it;
a refused copy changes nothing and says why in IOS's words (with the datastore's own errors attached)."""

from __future__ import annotations

import itertools
from functools import cache
from pathlib import Path

import pytest
from lxml import etree
from namespaces import IOS, NC

from iosxe_agent.datastore.store import RUNNING, STARTUP, StorePaths, Stores
from iosxe_agent.datastore.transaction import Face, Origin
from iosxe_agent.device.bootstrap import bootstrap_config
from iosxe_agent.device.cli_map.parse import parse_config_text
from iosxe_agent.device.cli_map.render import render_running_config
from iosxe_agent.device.config_files import ConfigFileError, console_lines
from iosxe_agent.device.files import Flash, FlashError, encode_config
from iosxe_agent.device.filesystem import DeviceFiles, FileKind, TransferLimits, Url, locate, parse_url
from iosxe_agent.device.names import MODULES
from iosxe_agent.device.secrets import hash_clear_secrets
from iosxe_agent.limits import Limits
from iosxe_agent.yang.loader import default_search_path, load_schema
from iosxe_agent.yang.schema import Schema

YANG = Path(__file__).resolve().parents[2] / "yang"
WHO = Origin(session_id=7, user="admin", face=Face.CLI)


@cache
def schema() -> Schema:
    return load_schema(default_search_path(YANG), MODULES)


@pytest.fixture
def files(tmp_path: Path) -> DeviceFiles:
    stores = Stores(schema(), Limits(), StorePaths(tmp_path / "startup-config.xml", tmp_path / "running-config.xml"))
    stores.normalize_with(hash_clear_secrets)
    stores.load(lambda: bootstrap_config("admin", "Adm1n-pass"))
    return DeviceFiles(Flash(tmp_path / "flash", 1 << 20), stores, session_ids=itertools.count(1).__next__)


def native(body: str) -> etree._Element:
    return etree.fromstring(f'<config xmlns="{NC}"><native xmlns="{IOS}">{body}</native></config>')


def hostname(tree: etree._Element) -> str | None:
    return tree.findtext(f"{{{IOS}}}native/{{{IOS}}}hostname")


async def set_hostname(files: DeviceFiles, name: str) -> None:
    await files.stores.edit(RUNNING, native(f"<hostname>{name}</hostname>"), WHO)


def url(text: str) -> Url:
    return parse_url(text)


# -- names ----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "kind", "name", "shown"),
    [
        ("running-config", FileKind.RUNNING, "", "running-config"),
        ("system:running-config", FileKind.RUNNING, "", "running-config"),
        ("startup-config", FileKind.STARTUP, "", "startup-config"),
        ("nvram:startup-config", FileKind.STARTUP, "", "startup-config"),
        ("bootflash:a.cfg", FileKind.FLASH, "a.cfg", "flash:a.cfg"),
        ("flash:/dir/a.cfg", FileKind.FLASH, "dir/a.cfg", "flash:dir/a.cfg"),
        ("null:", FileKind.NULL, "", "null:"),
        ("nvram:private-config", FileKind.OTHER, "", "nvram:private-config"),
        ("tftp://127.0.0.1/a.cfg", FileKind.OTHER, "", "tftp://127.0.0.1/a.cfg"),
        ("a.cfg", FileKind.OTHER, "", "a.cfg"),  # the RPC and the CLI's arguments name their file system
    ],
)
def test_parse_url(text: str, kind: FileKind, name: str, shown: str) -> None:
    assert parse_url(text) == Url(kind, name, shown)


def test_locate_takes_bare_names_as_flash_files() -> None:
    assert locate("a.cfg") == Url(FileKind.FLASH, "a.cfg", "flash:a.cfg")
    assert locate("/./") == Url(FileKind.FLASH, "", "flash:")
    assert locate("/system:running-config").kind is FileKind.RUNNING


# -- one written form per destination -------------------------------------------------------------------------------
async def test_a_configuration_copied_to_flash_is_the_ios_text_of_show_running_config(files: DeviceFiles) -> None:
    await set_hostname(files, "Textual")
    count, _ = await files.copy(url("running-config"), url("flash:run.cfg"), WHO)
    data = files.flash.read("run.cfg")
    assert data == render_running_config(files.stores.running, header=False).encode()
    assert count == len(data)
    assert data.startswith(b"!\n") and b"\nhostname Textual\n" in data and data.endswith(b"end\n")
    assert b"<" not in data.split(b"\n", 1)[0]  # not the XML form
    # the text stands for running exactly: parsed on its own it is the running tree
    edit, errors = parse_config_text(data.decode())
    assert errors == ()
    assert etree.tostring(files.stores.parse_config(edit)) == etree.tostring(files.stores.running)
    # startup the same way (it still holds the bootstrap hostname)
    await files.copy(url("nvram:startup-config"), url("bootflash:start.cfg"), WHO)
    assert files.flash.read("start.cfg") == render_running_config(files.stores.startup, header=False).encode()
    assert b"hostname Router\n" in files.flash.read("start.cfg")


async def test_flash_file_into_running_merges(files: DeviceFiles) -> None:
    files.flash.write("merge.cfg", b"hostname Merged\n")
    before_users = files.stores.running.findall(f"{{{IOS}}}native/{{{IOS}}}username")
    await files.copy(url("flash:merge.cfg"), url("running-config"), WHO)
    assert hostname(files.stores.running) == "Merged"
    assert len(files.stores.running.findall(f"{{{IOS}}}native/{{{IOS}}}username")) == len(before_users) == 1
    assert hostname(files.stores.startup) == "Router"


async def test_flash_file_into_startup_replaces_it_in_either_form(files: DeviceFiles) -> None:
    files.flash.write("text.cfg", b"hostname FromText\n")
    await files.copy(url("flash:text.cfg"), url("startup-config"), WHO)
    assert hostname(files.stores.startup) == "FromText"
    assert files.stores.startup.find(f"{{{IOS}}}native/{{{IOS}}}username") is None  # replaced, not merged
    assert hostname(files.stores.running) == "Router"
    files.flash.write("xml.cfg", encode_config(native("<hostname>FromXml</hostname>")))
    await files.copy(url("flash:xml.cfg"), url("startup-config"), WHO)
    assert hostname(files.stores.startup) == "FromXml"


async def test_running_to_startup_saves_and_startup_to_running_merges(files: DeviceFiles) -> None:
    await set_hostname(files, "Saved")
    assert await files.copy(url("running-config"), url("startup-config"), WHO) == (0, ())
    assert etree.tostring(files.stores.startup) == etree.tostring(files.stores.running)
    assert (files.stores.paths.startup is not None) and b"Saved" in files.stores.paths.startup.read_bytes()
    await set_hostname(files, "Later")
    count, _ = await files.copy(url("startup-config"), url("running-config"), WHO)
    assert count == len(render_running_config(files.stores.startup, header=False).encode())
    assert hostname(files.stores.running) == "Saved"


async def test_flash_to_flash_streams_the_bytes(files: DeviceFiles) -> None:
    blob = bytes(range(256)) * 2000  # not a configuration: copied as it is
    files.flash.write("image.bin", blob)
    assert await files.copy(url("flash:image.bin"), url("flash:copy.bin"), WHO) == (len(blob), ())
    assert files.flash.read("copy.bin") == blob
    assert files.flash.names() == ["copy.bin", "image.bin"]  # no temporary file left


async def test_null_reads_empty_and_keeps_nothing(files: DeviceFiles) -> None:
    """NAPALM's ``discard_config`` empties its candidate file with ``copy null: flash:F``."""
    files.flash.write("candidate_config.txt", b"hostname R9\n")
    assert await files.copy(url("null:"), url("flash:candidate_config.txt"), WHO) == (0, ())
    assert files.flash.read("candidate_config.txt") == b""
    before = etree.tostring(files.stores.running)
    assert await files.copy(url("running-config"), url("null:"), WHO) != (0, ())  # read, then thrown away
    assert etree.tostring(files.stores.running) == before
    assert files.flash.names() == ["candidate_config.txt"]


# -- refusals change nothing ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("src", "dst", "message"),
    [
        ("running-config", "running-config", "%Error copying running-config (Source and destination are the same)"),
        ("flash:a", "bootflash:a", "%Error copying flash:a (Source and destination are the same)"),
        ("tftp://127.0.0.1/x", "running-config", "%Error opening tftp://127.0.0.1/x (No such file or directory)"),
        ("running-config", "flash:", "%Error opening flash: (Is a directory)"),
        ("running-config", "flash:../x", "%Error parsing filename (flash:../x) (Invalid argument)"),
        ("flash:missing", "running-config", "%Error opening flash:missing (No such file or directory)"),
        ("null:", "startup-config", "%Error copying null: (Invalid argument)"),
    ],
)
async def test_copies_that_cannot_happen(files: DeviceFiles, src: str, dst: str, message: str) -> None:
    before = etree.tostring(files.stores.running)
    with pytest.raises(FlashError) as info:
        await files.copy(url(src), url(dst), WHO)
    assert str(info.value) == message
    assert etree.tostring(files.stores.running) == before
    assert files.flash.names() == []


async def test_a_bad_line_is_skipped_and_the_rest_applies(files: DeviceFiles) -> None:
    """IOS's file semantics: every line that is a command applies in order, as if typed; the others are returned
    (the faces report them) and change nothing."""
    text = b"hostname Half\nip ssh time-out 999\nip ssh time-out 50\n"  # 999: a bad argument, not unknown words
    files.flash.write("bad.cfg", text)
    count, skipped = await files.copy(url("flash:bad.cfg"), url("running-config"), WHO)
    assert count == len(text)
    assert [(e.lineno, e.line, e.error.kind, e.error.column) for e in skipped] == [
        (2, "ip ssh time-out 999", "invalid", 16)
    ]
    assert console_lines(skipped) == [" " * 16 + "^", "% Invalid input detected at '^' marker.", ""]
    assert files.stores.running.findtext(f"{{{IOS}}}native/{{{IOS}}}hostname") == "Half"
    assert files.stores.running.findtext(f".//{{{IOS}}}ssh/{{{IOS}}}time-out") == "50"


async def test_a_datastore_refusal_carries_its_errors(files: DeviceFiles) -> None:
    files.flash.write("ok.cfg", b"hostname Locked\n")
    files.stores.lock(RUNNING, 99, "other")  # a NETCONF session holds running
    with pytest.raises(ConfigFileError) as info:
        await files.copy(url("flash:ok.cfg"), url("running-config"), WHO)
    assert str(info.value).startswith("%Error copying running-config (")
    assert [e.tag for e in info.value.errors] == ["in-use"]
    assert hostname(files.stores.running) == "Router"
    files.stores.lock(STARTUP, 99, "other")
    with pytest.raises(ConfigFileError) as info:
        await files.copy(url("running-config"), url("startup-config"), WHO)
    assert [e.tag for e in info.value.errors] == ["in-use"]


async def test_configuration_files_are_bounded(files: DeviceFiles) -> None:
    files.limits = TransferLimits(max_config_bytes=64)
    files.flash.write("big.cfg", b"!\n" * 40)
    with pytest.raises(FlashError, match=r"^%Error reading flash:big.cfg \(File too large\)$"):
        await files.copy(url("flash:big.cfg"), url("running-config"), WHO)
    with pytest.raises(ConfigFileError, match=r"^%Error writing startup-config \(File too large\)$"):
        await files.write(url("startup-config"), b"!\n" * 40, WHO)
    assert await files.copy(url("flash:big.cfg"), url("flash:big2.cfg"), WHO) == (80, ())  # no configuration read


def test_scratch_is_private_and_a_crashed_transfers_scratch_is_removed_at_start(files: DeviceFiles) -> None:
    """A configuration on its way to or from a remote host sits in a 0700 directory beside flash: (hashed secrets
    never pass through /tmp); one a crash left behind is removed when the device starts."""
    with files.scratch() as where:
        assert where.parent == files.flash.root.parent
        assert where.stat().st_mode & 0o777 == 0o700
        (where / "running-config").write_text("hostname R9\n")
        crashed = where.parent / f"{where.name}-crashed"
        crashed.mkdir()
        (crashed / "running-config").write_text("hostname R8\n")
    assert not where.exists()
    assert files.clean_scratch() == 1
    assert not crashed.exists()
    assert files.clean_scratch() == 0
