"""``configure replace`` on the real agent: one transaction, all or nothing, with IOS's dialogue.

- without ``force`` IOS asks (``… Enter Y if you are sure you want to proceed. ? [no]: ``): anything but ``y``
  keeps running as it was; ``y`` replaces it: ``Total number of passes: 1`` / ``Rollback Done``;
- a file with a line that is not a command changes nothing (the lines are named, then IOS's refusal);
- ``list`` prints the commands the replace amounts to;
- a timer (``time N``) needs the archive; with it the replace waits for ``configure confirm``, ``show archive
  config rollback timer`` shows it, ``configure revert now`` puts the old configuration back.

Files are placed in the agent's flash: directory (``<state>/flash``) directly: the copy faces are tested elsewhere.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from agents import ADMIN_PASSWORD, ADMIN_USER
from cli_dialogue import Dialogue, in_shell

netmiko = pytest.importorskip("netmiko")

PROMPT = "Router#"
QUESTION = "Enter Y if you are sure you want to proceed. ? [no]: "


@pytest.fixture
def base(agent: Any) -> Iterator[str]:
    """The configuration the agent runs at the start of the test, as a file (put back afterwards)."""
    text = run(agent, "more system:running-config")
    yield text
    put(agent, "restore.cfg", text)
    assert run(agent, "configure replace flash:restore.cfg force").endswith("Rollback Done")


def put(agent: Any, name: str, text: str) -> None:
    (agent.state_dir / "flash" / name).write_text(text)


def run(agent: Any, *commands: str) -> str:
    """Each command through netmiko; the output of the last."""
    conn = netmiko.ConnectHandler(
        device_type="cisco_xe", host="127.0.0.1", port=agent.ssh_port, username=ADMIN_USER,
        password=ADMIN_PASSWORD, allow_agent=False, use_keys=False,
    )  # fmt: skip
    try:
        out = ""
        for command in commands:
            out = str(conn.send_command(command, expect_string=r"#\s*$", read_timeout=30))  # any hostname
        return out.rpartition("\n")[0] if out.endswith("#") else out  # the prompt after it, whatever hostname
    finally:
        conn.disconnect()


def hostname(agent: Any) -> str:
    return run(agent, "show running-config | include ^hostname").split()[-1]


def test_the_question_and_the_replace(agent: Any, base: str) -> None:
    put(agent, "other.cfg", base.replace("hostname Router", "hostname Other"))

    async def dialogue(shell: Dialogue) -> tuple[str, str]:
        declined = await shell.cmd("configure replace flash:other.cfg", QUESTION)
        declined += await shell.cmd("n", PROMPT)
        accepted = await shell.cmd("configure replace flash:other.cfg", QUESTION)
        accepted += await shell.cmd("y", "Other#")
        return declined, accepted

    declined, accepted = asyncio.run(in_shell(agent.ssh_port, dialogue))
    assert "This will apply all necessary additions and deletions\nto replace the current running" in declined
    assert "Rollback Done" not in declined
    assert "Total number of passes: 1\nRollback Done" in accepted
    assert hostname(agent) == "Other"


def test_a_bad_file_changes_nothing(agent: Any, base: str) -> None:
    put(agent, "bad.cfg", base.replace("hostname Router", "hostname Bad\nip ssh time-out 999"))
    out = run(agent, "configure replace flash:bad.cfg force revert trigger error")
    assert "% Invalid input detected at '^' marker." in out
    assert out.endswith("%Rollback aborted: the running configuration is unchanged")
    assert hostname(agent) == "Router"
    assert run(agent, "configure replace flash:missing.cfg force") == (
        "%Error opening flash:missing.cfg (No such file or directory)"
    )


def test_list_shows_the_commands(agent: Any, base: str) -> None:
    put(agent, "listed.cfg", base.replace("hostname Router", "hostname Listed"))
    out = run(agent, "configure replace flash:listed.cfg list force").splitlines()
    assert out[:4] == ["!Pass 1", "!List of Commands:", "no hostname Router", "hostname Listed"]
    assert out[-3:] == ["end", "Total number of passes: 1", "Rollback Done"]


def test_a_timed_replace_waits_for_confirm_or_reverts(agent: Any, base: str) -> None:
    put(agent, "timed.cfg", base.replace("hostname Router", "hostname Timed"))
    no_archive = run(agent, "configure replace flash:timed.cfg force time 5")
    assert no_archive == "%Please turn config archive on before using Rollback Confirmed Change"
    with_archive = base.replace("hostname Router", "hostname Router\narchive\n path flash:timed-$h")
    put(agent, "archived.cfg", with_archive)
    run(agent, "configure replace flash:archived.cfg force")
    put(agent, "timed.cfg", with_archive.replace("hostname Router", "hostname Timed"))
    assert run(agent, "configure replace flash:timed.cfg force time 5").endswith("Rollback Done")
    assert hostname(agent) == "Timed"
    assert run(agent, "show archive config rollback timer").splitlines() == [
        "Timer type: absolute",
        "Timer value: 5 min",
        "User: admin",
    ]
    assert run(agent, "configure revert now") == "Rollback Done"
    assert hostname(agent) == "Router"
    assert run(agent, "show archive config rollback timer") == "%No Rollback Confirmed Change pending"
    run(agent, "configure replace flash:timed.cfg force revert timer 5")
    assert run(agent, "configure confirm") == ""
    assert run(agent, "show archive config rollback timer") == "%No Rollback Confirmed Change pending"
    assert hostname(agent) == "Timed"
    assert run(agent, "configure confirm") == "%No Rollback Confirmed Change pending"


def test_running_replaced_by_itself_changes_nothing(agent: Any, base: str) -> None:
    """Running replaced by its own text is a no-op: nothing to add or remove."""
    put(agent, "same.cfg", base)
    assert run(agent, "show archive config differences system:running-config flash:same.cfg").endswith(
        "!No changes were found"
    )
    assert run(agent, "configure replace flash:same.cfg force").endswith("Rollback Done")
