"""The configuration archive on the real agent, through netmiko as automation drives it, and over NETCONF.

- the ``archive`` block is configuration: typed, it prints in ``show running-config`` in IOS's order and reads
  back; over NETCONF it is Cisco's ``/native/archive`` and validates against the real 17.12.1 modules (yanglint);
- ``archive config`` writes ``flash:<path>-<timestamp>-N``; ``write memory`` archives only with ``write-memory``;
  ``maximum`` keeps the newest (the oldest file leaves flash:); ``show archive`` lists them as IOS does;
- ``show archive config differences`` compares two archives (or running and startup), ``incremental-diffs`` lists
  what a file would add to running.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cisco_yang import yanglint_errors
from lxml import etree
from namespaces import IOS
from netmiko_session import netmiko_cli

#: An archive file of the path ``flash:<word>-$h``: IOS's time stamp (``Dec--7-03-10-11.123-UTC``), then the number.
ARCHIVE_NAME = re.compile(r"flash:[a-z]+-Router-[A-Z][a-z]{2}--?\d{1,2}-\d\d-\d\d-\d\d\.\d{3}-UTC-(\d+)")


@contextlib.contextmanager
def session(agent: Any) -> Iterator[Any]:
    """A netmiko ``cisco_xe`` session, as NAPALM and Ansible open one."""
    conn = netmiko_cli(agent.ssh_port)
    try:
        yield conn
    finally:
        conn.disconnect()


@pytest.fixture
def conn(agent: Any) -> Iterator[Any]:
    with session(agent) as c:
        yield c


def names(shown: str) -> list[str]:
    return [m.group(0) for m in ARCHIVE_NAME.finditer(shown)]


def test_archive_config_write_memory_maximum_and_show_archive(conn: Any) -> None:
    assert conn.send_command("show archive") == "Archive feature not enabled"
    conn.send_config_set(["archive", " path flash:arch-$h", " maximum 2"])
    shown = conn.send_command("show archive")
    assert shown.splitlines()[:3] == [
        "The maximum archive configurations allowed is 2.",
        "The next archive file will be named flash:arch-Router-<timestamp>-0",
        " Archive #  Name",
    ]
    assert conn.send_command("archive config") == ""
    conn.save_config()  # no write-memory: not archived
    assert len(names(conn.send_command("show archive"))) == 1
    conn.send_config_set(["archive", " write-memory"])
    assert "[OK]" in conn.save_config()
    conn.send_command("archive config")
    shown = conn.send_command("show archive")
    kept = names(shown)
    assert [ARCHIVE_NAME.fullmatch(n).group(1) for n in kept] == ["1", "2"]  # type: ignore[union-attr]
    assert "There are currently 2 archive configurations saved." in shown
    assert f"{kept[1]} <- Most Recent" in shown
    listing = conn.send_command("dir flash:")
    assert "-UTC-0" not in listing and all(n.removeprefix("flash:") in listing for n in kept)
    assert "hostname Router" in conn.send_command(f"more {kept[1]}")
    running = conn.send_command("show running-config")
    assert "\narchive\n path flash:arch-$h\n maximum 2\n write-memory\n" in running


def test_differences_between_archives_and_incremental_diffs(conn: Any) -> None:
    conn.send_config_set(["archive", " path flash:diff-$h"])
    conn.send_command("archive config")
    conn.send_config_set(["ip ssh time-out 42"])
    conn.send_command("archive config")
    first, second = names(conn.send_command("show archive"))[-2:]
    assert first.startswith("flash:diff-Router-") and second.startswith("flash:diff-Router-")
    diff = conn.send_command(f"show archive config differences {first} {second}")
    assert diff.splitlines() == ["!Contextual Config Diffs:", "+ip ssh time-out 42"]
    unsaved = conn.send_command("show archive config differences")  # running against startup
    assert "-ip ssh time-out 42" in unsaved.splitlines()
    assert conn.send_command(f"show archive config differences {second}").endswith("!No changes were found")
    incr = conn.send_command(f"show archive config incremental-diffs {first} ignorecase")
    assert incr == "!List of Commands:\nend\n!No changes were found"  # running holds all of the older one
    conn.send_config_set(["no ip ssh time-out 42"])


@pytest.mark.skipif(shutil.which("yanglint") is None, reason="yanglint (Debian libyang2-tools) is not installed")
def test_the_archive_block_over_netconf_is_cisco_s(agent: Any, cisco_modules: Path, tmp_path: Path) -> None:
    archive = (
        "<archive><log><config><logging><enable/><size>200</size></logging><hidekeys/></config></log>"
        "<path>flash:nc-$h</path><maximum>14</maximum><write-memory/><time-period>1440</time-period></archive>"
    )
    with agent.connect() as m:
        m.edit_config(target="running", config=f'<config><native xmlns="{IOS}">{archive}</native></config>')
    with agent.connect() as m:
        reply = m.get_config("running", filter=("subtree", f'<native xmlns="{IOS}"><archive/></native>'))
    native = etree.fromstring(reply.xml.encode()).find(f".//{{{IOS}}}native")
    assert native is not None
    assert yanglint_errors(native, cisco_modules, tmp_path) == []
    with session(agent) as conn:
        running = conn.send_command("show running-config")
    assert "\n log config\n  logging enable\n  logging size 200\n  hidekeys\n path flash:nc-$h\n" in running
