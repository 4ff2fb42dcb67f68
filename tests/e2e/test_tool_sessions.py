"""A typical automation job, driven by the tools themselves, leaves clean session logs: netmiko (``cisco_xe``) and
scrapli (``IOSXEDriver`` over the ``system`` and ``paramiko`` transports) connect, run ``show version`` and
``show running-config``, send a few configuration lines and save, and their own logs of the session hold no IOS
error line (``% Invalid input``, ``% Incomplete``, ``% Ambiguous`` …) — the bare newlines they send to find the
prompt must only bring the prompt back.

scrapli's paramiko transport once returned a stray error as the next command's output about one connection in
ten; the repeated connects below check that every first command gets exactly its own output.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from agents import ADMIN_PASSWORD, ADMIN_USER
from cli_dialogue import Dialogue, in_shell

netmiko = pytest.importorskip("netmiko")
scrapli_core = pytest.importorskip("scrapli.driver.core")

#: an IOS error or warning line: IOS starts each with "%" and a blank (the caret line precedes some of them)
IOS_ERROR = re.compile(r"^\s*% ", re.M)
CONFIG_LINES = ("ip ssh time-out 90", "ip ssh authentication-retries 2", "ip domain name tools.lab")
REPEATS = 20
TIMEOUT_S = 30


def _assert_clean(log: str) -> None:
    assert "Invalid input" not in log, log[-3000:]
    assert IOS_ERROR.search(log) is None, log[-3000:]


@pytest.fixture
def device(fresh_agent: Any) -> Iterator[Any]:
    yield fresh_agent()


def test_a_netmiko_job_leaves_a_clean_session_log(device: Any, tmp_path: Path) -> None:
    log_file = tmp_path / "netmiko.log"
    conn = netmiko.ConnectHandler(
        device_type="cisco_xe", host="127.0.0.1", port=device.ssh_port, username=ADMIN_USER,
        password=ADMIN_PASSWORD, allow_agent=False, use_keys=False, session_log=str(log_file),
    )  # fmt: skip
    try:
        assert conn.find_prompt() == "Router#"
        assert "Cisco IOS XE Software, Version 17.12" in conn.send_command("show version")
        assert "hostname Router" in conn.send_command("show running-config")
        conn.send_config_set(list(CONFIG_LINES))
        assert "[OK]" in conn.save_config()
    finally:
        conn.disconnect()
    log = log_file.read_text()
    assert "ip ssh time-out 90" in log and "Building configuration" in log
    _assert_clean(log)


def _scrapli(device: Any, transport: str, log_file: Path) -> Any:
    return scrapli_core.IOSXEDriver(
        host="127.0.0.1", port=device.ssh_port, auth_username=ADMIN_USER, auth_password=ADMIN_PASSWORD,
        auth_strict_key=False, transport=transport, timeout_ops=TIMEOUT_S, channel_log=str(log_file),
        channel_log_mode="append",
    )  # fmt: skip


@pytest.mark.parametrize("transport", ["system", "paramiko"])
def test_a_scrapli_job_leaves_a_clean_channel_log(device: Any, tmp_path: Path, transport: str) -> None:
    log_file = tmp_path / f"scrapli-{transport}.log"
    conn = _scrapli(device, transport, log_file)
    conn.open()
    try:
        version = conn.send_command("show version")
        assert not version.failed and "Cisco IOS XE Software, Version 17.12" in version.result
        running = conn.send_command("show running-config")
        assert not running.failed and "hostname Router" in running.result
        assert not conn.send_configs(list(CONFIG_LINES)).failed
        saved = conn.send_command("write memory")
        assert not saved.failed and "[OK]" in saved.result
    finally:
        conn.close()
    log = log_file.read_text()
    assert "ip ssh time-out 90" in log
    _assert_clean(log)


def test_every_scrapli_paramiko_connection_gets_its_own_first_output(device: Any, tmp_path: Path) -> None:
    log_file = tmp_path / "scrapli-repeat.log"
    for attempt in range(REPEATS):
        conn = _scrapli(device, "paramiko", log_file)
        conn.open()
        try:
            result = conn.send_command("show privilege")
        finally:
            conn.close()
        assert result.result == "Current privilege level is 15", (attempt, result.result)
    _assert_clean(log_file.read_text())


# -- what a terminal sees after an error (CLI reference §3.3, real 16.12/17.12 captures) ----------------------------
async def _errors(shell: Dialogue) -> str:
    typed = [("show 999", "#"), ("show", "#"), ("s", "#"), ("configure terminal", ")#"), ("ip ssh time-out 999", ")#")]
    return "".join([await shell.cmd(line, end) for line, end in typed])


def test_errors_are_followed_by_the_empty_line_ios_prints(device: Any) -> None:
    """``% Invalid input`` and ``% Incomplete command.`` get an empty line before the prompt; an ambiguous command
    does not."""
    out = asyncio.run(in_shell(device.ssh_port, _errors))
    assert out == (
        "show 999\n" + " " * len("Router#show ") + "^\n% Invalid input detected at '^' marker.\n\nRouter#"
        "show\n% Incomplete command.\n\nRouter#"
        's\n% Ambiguous command:  "s"\nRouter#'
        "configure terminal\nEnter configuration commands, one per line.  End with CNTL/Z.\nRouter(config)#"
        "ip ssh time-out 999\n"
        + " " * len("Router(config)#ip ssh time-out ")
        + "^\n% Invalid input detected at '^' marker.\n\nRouter(config)#"
    )
