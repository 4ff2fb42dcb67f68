"""The configuration archive and the configuration differences, as pure functions and over a real flash: directory.

- archive file names: ``path`` + ``-`` + IOS's time stamp (``Dec--7-03-10-11.123-UTC``: the day space-padded, spaces
  turned into ``-``) + ``-N`` from 0; ``$h`` is the hostname, ``$t`` places the time stamp;
- ``show archive``: the 17.x layout genie parses (maximum, how many saved, the next name with ``<timestamp>``, one
  row per slot, ``<- Most Recent``), ``Archive feature not enabled`` without a path;
- ``maximum`` bounds the files kept: one more deletes the oldest from flash:;
- contextual differences (``+``/``-`` at each line's indentation under unsigned context lines), incremental diffs
  (the lines running lacks) and the commands of a replace, with banners kept whole;
- genie's ``ShowArchive`` and ``ShowArchiveConfigDifferences`` parse both texts (with the pyATS virtualenv).
"""

from __future__ import annotations

import json
import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from iosxe_agent.device.archive import ArchiveError, ConfigArchive, archive_name, show_archive, stamp
from iosxe_agent.device.cli_map.parse import parse_config_text
from iosxe_agent.device.config_diff import contextual_diff, incremental, parse_tree, replace_commands
from iosxe_agent.device.files import Flash
from iosxe_agent.device.views import ArchiveView, archive

WHEN = datetime(2026, 12, 7, 3, 10, 11, 123456, tzinfo=UTC)


def test_names_follow_ios() -> None:
    assert stamp(WHEN) == "Dec--7-03-10-11.123-UTC"
    assert stamp(datetime(2026, 5, 17, 23, 28, 37, 582000, tzinfo=UTC)) == "May-17-23-28-37.582-UTC"
    assert archive_name("flash:archive", "R1", 0, stamp(WHEN)) == "flash:archive-Dec--7-03-10-11.123-UTC-0"
    assert archive_name("flash:$h-cfg", "R1", 3, "<timestamp>") == "flash:R1-cfg-<timestamp>-3"
    assert archive_name("flash:$h-$t", "R1", 2, "T") == "flash:R1-T-2"


def test_the_view_reads_the_block_with_ios_defaults() -> None:
    edit, errors = parse_config_text("archive\n path flash:arch\n write-memory\n time-period 60\n")
    assert errors == ()
    assert archive(edit) == ArchiveView(path="flash:arch", maximum=10, write_memory=True, time_period_min=60)
    assert not archive(parse_config_text("hostname R1\n")[0]).enabled
    again, errors = parse_config_text("archive\n time-period 1440\n path flash:a\n maximum 3\n no time-period\n")
    assert errors == () and archive(again) == ArchiveView(path="flash:a", maximum=3)


def test_show_archive_layout() -> None:
    assert show_archive(ArchiveView(), [], "x") == "Archive feature not enabled"
    view = ArchiveView(path="flash:a", maximum=3)
    assert show_archive(view, [], "flash:a-<timestamp>-0").splitlines() == [
        "The maximum archive configurations allowed is 3.",
        "The next archive file will be named flash:a-<timestamp>-0",
        " Archive #  Name",
        "   1        ",
        "   2        ",
        "   3        ",
    ]
    shown = show_archive(view, ["flash:a-X-0", "flash:a-Y-1"], "flash:a-<timestamp>-2").splitlines()
    assert shown[1] == "There are currently 2 archive configurations saved."
    assert shown[4:] == ["   1        flash:a-X-0", "   2        flash:a-Y-1 <- Most Recent", "   3        "]


def test_maximum_keeps_the_newest_files(tmp_path: Path) -> None:
    flash = Flash(tmp_path / "flash", 1 << 20)
    kept = ConfigArchive(flash, lambda url: url.removeprefix("flash:") if url.startswith("flash:") else None)
    view = ArchiveView(path="flash:arch-$h", maximum=2)
    names = [kept.save(view, "R1", f"hostname R{i}\n".encode(), WHEN) for i in range(3)]
    assert names == [f"flash:arch-R1-Dec--7-03-10-11.123-UTC-{i}" for i in range(3)]
    assert sorted(flash.names()) == sorted(n.removeprefix("flash:") for n in names[1:])
    assert flash.read(names[2].removeprefix("flash:")) == b"hostname R2\n"
    assert kept.next_name(view, "R1") == "flash:arch-R1-<timestamp>-3"
    with pytest.raises(ArchiveError, match="Archive path not specified"):
        kept.save(ArchiveView(), "R1", b"", WHEN)
    with pytest.raises(ArchiveError, match=r"%Error opening tftp://127.0.0.1/a-.*\(Permission denied\)"):
        kept.save(ArchiveView(path="tftp://127.0.0.1/a"), "R1", b"", WHEN)


OLD = """!
hostname A
interface Loopback1
 description old
 ip address 127.0.0.2 255.255.255.255
banner motd ^C
two
lines
^C
line vty 0 4
 transport input ssh
end
"""
NEW = """Building configuration...

Current configuration : 1 bytes
hostname B
interface Loopback1
 description new
 ip address 127.0.0.2 255.255.255.255
banner motd ^C
two
lines
^C
line vty 0 4
 transport input ssh
ip ssh time-out 60
"""


def test_contextual_differences() -> None:
    assert contextual_diff(OLD, NEW).splitlines() == [
        "!Contextual Config Diffs:",
        "+hostname B",
        "interface Loopback1",
        " +description new",
        " -description old",
        "+ip ssh time-out 60",
        "-hostname A",
    ]
    assert contextual_diff(OLD, OLD) == "!Contextual Config Diffs:\n!No changes were found"
    assert contextual_diff("", "line vty 0 4\n transport input ssh\n").splitlines()[1:] == [
        "+line vty 0 4",
        " +transport input ssh",
    ]


def test_a_banner_is_one_line_whatever_its_text_holds() -> None:
    (banner,) = parse_tree("banner motd ^C\n interface Loopback9\nend\n^C\n")
    assert banner.text == "banner motd ^C\n interface Loopback9\nend\n^C" and banner.children == []


def test_incremental_differences() -> None:
    assert incremental(OLD, "hostname a\ninterface Loopback1\n description new\n", ignorecase=True).splitlines() == [
        "!List of Commands:",
        "interface Loopback1",
        " description new",
        "end",
    ]
    assert incremental(OLD, "Hostname A\n") == "!List of Commands:\nHostname A\nend"
    assert incremental(OLD, "hostname A\n") == "!List of Commands:\nend\n!No changes were found"


def test_replace_commands() -> None:
    assert replace_commands(OLD, NEW) == [
        "no hostname A",
        "hostname B",
        "interface Loopback1",
        " no description old",
        " description new",
        "ip ssh time-out 60",
    ]
    assert replace_commands("no ip domain lookup\n", "") == ["ip domain lookup"]


#: genie's parsers of both commands, fed our texts (genie lives in its own virtualenv: tools/test-all's pyATS one)
GENIE = """
import json, sys
from unittest.mock import Mock
from genie.libs.parser.iosxe.show_archive import ShowArchive, ShowArchiveConfigDifferences
texts = json.load(sys.stdin)
print(json.dumps([ShowArchive(device=Mock()).parse(output=texts[0]),
                  ShowArchiveConfigDifferences(device=Mock()).parse(output=texts[1])]))
"""


def test_genie_parses_show_archive_and_the_differences() -> None:
    python = os.environ.get("IOSXE_TEST_PYATS_PYTHON")
    if not python:
        pytest.skip("genie runs in its own virtualenv; set IOSXE_TEST_PYATS_PYTHON to its python (tools/test-all does)")
    shown = show_archive(ArchiveView(path="flash:a", maximum=3), ["flash:a-X-0", "flash:a-Y-1"], "flash:a-<t>-2")
    texts = [shown, contextual_diff(OLD, NEW)]
    done = subprocess.run(
        [python, "-c", GENIE], input=json.dumps(texts), capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-4000:]
    archived, diff = json.loads(done.stdout.splitlines()[-1])
    assert archived == {
        "archive": {
            "max_archive_configurations": 3,
            "total": 2,
            "1": {"file": "flash:a-X-0"},
            "2": {"file": "flash:a-Y-1"},
            "most_recent_file": "flash:a-Y-1",
        }
    }
    assert diff == {
        "diff": ["+hostname B", "+description new", "-description old", "+ip ssh time-out 60", "-hostname A"]
    }
