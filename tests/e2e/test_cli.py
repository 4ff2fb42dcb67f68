"""The IOS CLI on the device SSH port, driven by real clients: asyncssh, netmiko, scrapli — and NETCONF sees it."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import asyncssh
import pytest
from agents import ADMIN_PASSWORD
from lxml import etree
from namespaces import IOS, NC

NS = {"ios": IOS}


class Shell:
    """An interactive pty session: send a line, read up to the next prompt."""

    def __init__(self, proc: asyncssh.SSHClientProcess[str]) -> None:
        self.proc = proc

    async def until(self, *endings: str) -> str:
        return await asyncio.wait_for(self.proc.stdout.readuntil(endings), 30)

    async def cmd(self, line: str, *endings: str) -> str:
        self.proc.stdin.write(line + "\n")
        out = await self.until(*(endings or ("#", ">")))
        return out.replace("\r\n", "\n")


async def with_shell(agent, fn, user: str = "admin", password: str = ADMIN_PASSWORD):
    async with asyncssh.connect(
        "127.0.0.1", agent.ssh_port, username=user, password=password, known_hosts=None
    ) as conn:
        proc = await conn.create_process(term_type="vt100", term_size=(200, 50))
        shell = Shell(proc)
        await shell.until("#", ">")
        result = await fn(shell)
        proc.stdin.write("exit\n")
        return result


def exec_command(agent, command: str, user: str = "admin", password: str = ADMIN_PASSWORD) -> str:
    async def run() -> str:
        async with asyncssh.connect(
            "127.0.0.1", agent.ssh_port, username=user, password=password, known_hosts=None
        ) as conn:
            return str((await conn.run(command, timeout=30)).stdout).replace("\r\n", "\n")

    return asyncio.run(run())


def netconf_hostname(agent) -> str:
    m = agent.connect()
    try:
        flt = f'<native xmlns="{IOS}"><hostname/></native>'
        root = etree.fromstring(m.get_config("running", filter=("subtree", flt)).xml.encode())
        return root.findtext(".//ios:hostname", namespaces=NS)
    finally:
        m.close_session()


def test_cli_change_is_seen_by_netconf_and_netconf_change_by_the_cli(fresh_agent) -> None:
    agent = fresh_agent()

    async def configure(shell: Shell) -> str:
        await shell.cmd("configure terminal", "(config)#")
        await shell.cmd("hostname CliEdge", "(config)#")
        return await shell.cmd("end", "#")

    asyncio.run(with_shell(agent, configure))
    assert netconf_hostname(agent) == "CliEdge"
    m = agent.connect()
    try:
        m.edit_config(
            target="running",
            config=f'<config xmlns="{NC}"><native xmlns="{IOS}"><ip><ssh><time-out>42</time-out></ssh></ip>'
            "</native></config>",
        )
    finally:
        m.close_session()
    assert "ip ssh time-out 42" in exec_command(agent, "show running-config | include time-out")


def test_guide_scp_example_typed_into_the_cli(fresh_agent) -> None:
    agent = fresh_agent()
    lines = [
        "aaa new-model",
        "aaa authentication login default local",
        "aaa authorization exec default local",
        "username scpuser privilege 15 secret 0 Scp-Passw0rd",
        "ip scp server enable",
        "ip ssh time-out 60",
        "ip ssh authentication-retries 2",
    ]

    async def configure(shell: Shell) -> list[str]:
        outs = [await shell.cmd("conf t", "(config)#")]
        for line in lines:
            outs.append(await shell.cmd(line, "(config)#"))
        outs.append(await shell.cmd("end", "#"))
        return outs

    outs = asyncio.run(with_shell(agent, configure))
    assert not any("%" in o for o in outs), outs
    run = exec_command(agent, "show running-config")
    for expected in (
        "aaa new-model",
        "aaa authentication login default local",
        "aaa authorization exec default local",
        "ip scp server enable",
        "ip ssh time-out 60",
        "ip ssh authentication-retries 2",
    ):
        assert expected in run
    assert "username scpuser privilege 15 secret 9 $9$" in run
    assert "Scp-Passw0rd" not in run
    assert "Authentication timeout: 60 secs; Authentication retries: 2" in exec_command(agent, "show ip ssh")


def test_errors_are_printed_as_ios_prints_them(agent) -> None:
    async def errors(shell: Shell) -> tuple[str, str, str, str]:
        invalid = await shell.cmd("show versoin", "#")
        incomplete = await shell.cmd("show", "#")
        await shell.cmd("conf t", "(config)#")
        config_invalid = await shell.cmd("ip ssh tme-out 60", "(config)#")
        out_of_range = await shell.cmd("ip ssh time-out 121", "(config)#")
        await shell.cmd("end", "#")
        return invalid, incomplete, config_invalid, out_of_range

    invalid, incomplete, config_invalid, out_of_range = asyncio.run(with_shell(agent, errors))
    caret = next(ln for ln in invalid.splitlines() if ln.strip() == "^")
    assert caret.index("^") == len("Router#") + len("show vers")
    assert "% Invalid input detected at '^' marker." in invalid
    assert "% Incomplete command." in incomplete
    caret = next(ln for ln in config_invalid.splitlines() if ln.strip() == "^")
    assert caret.index("^") == len("Router(config)#") + len("ip ssh t")
    assert "% Invalid input detected at '^' marker." in out_of_range


def test_an_empty_or_blank_line_prints_only_the_prompt_again(agent) -> None:
    """What every netmiko/scrapli/NAPALM/unicon session sends first: no error, just the prompt."""

    async def blank(shell: Shell) -> list[str]:
        return [await shell.cmd(line, "#") for line in ("", "   ", "\t")]

    for out in asyncio.run(with_shell(agent, blank)):
        assert "%" not in out and "^" not in out
        assert out.strip().endswith("Router#")


def test_level_1_user_cannot_see_the_configuration(fresh_agent) -> None:
    agent = fresh_agent()
    m = agent.connect()
    try:
        m.edit_config(
            target="running",
            config=f'<config xmlns="{NC}"><native xmlns="{IOS}"><username><name>viewer</name><privilege>1</privilege>'
            "<secret><encryption>0</encryption><secret>Viewer-1</secret></secret></username></native></config>",
        )
    finally:
        m.close_session()
    out = exec_command(agent, "show running-config", user="viewer", password="Viewer-1")
    assert "% Invalid input detected" in out
    assert "Current privilege level is 1" in exec_command(agent, "show privilege", user="viewer", password="Viewer-1")


def test_copy_and_write_save_the_configuration(fresh_agent) -> None:
    agent = fresh_agent()

    async def save(shell: Shell) -> tuple[str, str]:
        await shell.cmd("conf t", "(config)#")
        await shell.cmd("hostname Saved1", "(config)#")
        await shell.cmd("end", "#")
        question = await shell.cmd("copy running-config startup-config", "]? ")
        done = await shell.cmd("", "#")
        return question, done

    question, done = asyncio.run(with_shell(agent, save))
    assert "Destination filename [startup-config]? " in question
    assert "Building configuration..." in done and "[OK]" in done
    assert "hostname Saved1" in exec_command(agent, "show startup-config")
    agent.restart()
    assert netconf_hostname(agent) == "Saved1"


def test_output_filters_and_paging(agent) -> None:
    out = exec_command(agent, "show running-config | section line vty")
    assert out.splitlines()[0].startswith("line vty 0 4")

    async def flow(shell: Shell) -> str:
        await shell.cmd("terminal length 10", "#")
        shell.proc.stdin.write("show running-config\n")
        page = await shell.until("--More--")
        shell.proc.stdin.write("q")
        await shell.until("#")
        await shell.cmd("terminal length 0", "#")
        return page

    page = asyncio.run(with_shell(agent, flow))
    assert "Building configuration..." in page


def test_pubkey_chain_key_string_becomes_key_hash_and_logs_in(fresh_agent, tmp_path: Path) -> None:
    agent = fresh_agent()
    key = asyncssh.generate_private_key("ssh-rsa", key_size=2048)
    blob = base64.b64encode(key.public_data).decode()
    digest = hashlib.md5(key.public_data).hexdigest().upper()
    chunks = [blob[i : i + 64] for i in range(0, len(blob), 64)]

    async def configure(shell: Shell) -> str:
        await shell.cmd("conf t", "(config)#")
        await shell.cmd("username keyuser privilege 15", "(config)#")
        await shell.cmd("ip ssh pubkey-chain", "(conf-ssh-pubkey)#")
        await shell.cmd("username keyuser", "(conf-ssh-pubkey-user)#")
        await shell.cmd("key-string", "(conf-ssh-pubkey-data)#")
        for chunk in chunks:
            await shell.cmd(chunk, "(conf-ssh-pubkey-data)#")
        await shell.cmd("exit", "(conf-ssh-pubkey-user)#")
        return await shell.cmd("end", "#")

    asyncio.run(with_shell(agent, configure))
    assert f"key-hash ssh-rsa {digest}" in exec_command(agent, "show running-config | section pubkey-chain")

    async def login() -> str:
        async with asyncssh.connect(
            "127.0.0.1", agent.ssh_port, username="keyuser", client_keys=[key], known_hosts=None, password=None
        ) as conn:
            return str((await conn.run("show privilege", timeout=20)).stdout)

    assert "Current privilege level is 15" in asyncio.run(login())


def test_crypto_key_generate_dialogue_in_the_cli(fresh_agent) -> None:
    agent = fresh_agent()

    async def generate(shell: Shell) -> str:
        await shell.cmd("conf t", "(config)#")
        await shell.cmd("ip domain name example.net", "(config)#")
        await shell.cmd("end", "#")
        asked = await shell.cmd("crypto key generate rsa", "[2048]: ")
        done = await shell.cmd("2048", "#")
        return asked + done

    out = asyncio.run(with_shell(agent, generate))
    assert "The name for the keys will be: Router.example.net" in out
    assert "% Generating crypto RSA keys in background ..." in out  # exec mode (17.x); config mode: test_crypto_*
    agent.wait_for_output("%CRYPTO_ENGINE-5-KEY_ADDITION: A key named Router.example.net ")
    assert "Router.example.net" in exec_command(agent, "show crypto key mypubkey rsa")


def test_netmiko_cisco_xe(fresh_agent) -> None:
    netmiko = pytest.importorskip("netmiko")
    agent = fresh_agent()
    conn = netmiko.ConnectHandler(
        device_type="cisco_xe", host="127.0.0.1", port=agent.ssh_port, username="admin", password=ADMIN_PASSWORD,
        allow_agent=False, use_keys=False, fast_cli=False,
    )  # fmt: skip
    try:
        assert conn.find_prompt() == "Router#"
        assert "SSH Enabled - version 2.0" in conn.send_command("show ip ssh")
        out = conn.send_config_set(["ip ssh time-out 77", "ip ssh authentication-retries 4"])
        assert "%" not in out
        assert "[OK]" in conn.save_config()
    finally:
        conn.disconnect()
    m = agent.connect()
    try:
        flt = f'<native xmlns="{IOS}"><ip><ssh/></ip></native>'
        root = etree.fromstring(m.get_config("running", filter=("subtree", flt)).xml.encode())
        assert root.findtext(".//ios:ssh/ios:time-out", namespaces=NS) == "77"
    finally:
        m.close_session()


def test_scrapli_iosxe_driver(fresh_agent) -> None:
    driver = pytest.importorskip("scrapli.driver.core")
    agent = fresh_agent()
    conn = driver.IOSXEDriver(
        host="127.0.0.1", port=agent.ssh_port, auth_username="admin", auth_password=ADMIN_PASSWORD,
        auth_strict_key=False, transport="system", timeout_ops=30,
    )  # fmt: skip
    conn.open()
    try:
        assert "Current privilege level is 15" in conn.send_command("show privilege").result
        response = conn.send_configs(["hostname ScrapliR1", "ip ssh maxstartups 5"])
        assert not response.failed
    finally:
        conn.close()
    assert netconf_hostname(agent) == "ScrapliR1"


@pytest.mark.skipif(shutil.which("ssh") is None, reason="OpenSSH client not installed")
def test_openssh_exec_request(agent) -> None:
    result = subprocess.run(
        ["sshpass", "-p", ADMIN_PASSWORD, "ssh", "-p", str(agent.ssh_port), "-o", "StrictHostKeyChecking=no",
         "-o", "UserKnownHostsFile=/dev/null", "admin@127.0.0.1", "show version"],
        capture_output=True, text=True, timeout=30,
    ) if shutil.which("sshpass") else None  # fmt: skip
    if result is None:
        pytest.skip("sshpass not installed")
    assert result.returncode == 0, result.stderr
    assert "Cisco IOS XE Software, Version 17.12" in result.stdout


def test_debug_ip_ssh_reaches_the_log_buffer_and_monitoring_terminals(fresh_agent) -> None:
    agent = fresh_agent()

    async def scenario(shell: Shell) -> str:
        await shell.cmd("terminal monitor", "#")
        switched = await shell.cmd("debug ip ssh", "#")
        assert "Incoming ssh debugging is on" in switched
        async with asyncssh.connect(
            "127.0.0.1", agent.ssh_port, username="admin", password=ADMIN_PASSWORD, known_hosts=None
        ) as other:
            await other.run("show privilege", timeout=20)
        seen = await asyncio.wait_for(shell.proc.stdout.readuntil("authentication successful for admin"), 20)
        await shell.cmd("undebug all", "#")
        return switched + seen

    seen = asyncio.run(with_shell(agent, scenario))
    assert "starting SSH control process" in seen
    # the first line arrives while the prompt waits: IOS opens a line of its own for it
    assert re.search(r"Router#\r?\n\*\w{3} +\d+ \d{2}:\d{2}:\d{2}\.\d{3}: SSH", seen), seen[:300]
    logging_out = exec_command(agent, "show logging")
    assert "%SSH-5-ENABLED: SSH 2.0 has been enabled" in logging_out
    assert "authentication successful for admin" in logging_out


def test_question_mark_help_and_tab_completion(agent) -> None:
    async def scenario(shell: Shell) -> tuple[str, str]:
        shell.proc.stdin.write("show ?")
        helped = await shell.until("version")
        await shell.until("Router#")
        shell.proc.stdin.write("\x15")  # Ctrl-U: clear the line the help put back
        shell.proc.stdin.write("sh\tpriv\t\n")
        completed = await shell.until("Current privilege level is 15")
        await shell.until("#")
        return helped, completed

    helped, completed = asyncio.run(with_shell(agent, scenario))
    assert "privilege" in helped and "running-config" in helped
    assert "show privilege" in completed


def test_cli_respects_a_netconf_lock_on_running(fresh_agent) -> None:
    agent = fresh_agent()
    m = agent.connect()
    try:
        m.lock("running")

        async def locked(shell: Shell) -> str:
            await shell.cmd("conf t", "(config)#")
            out = await shell.cmd("hostname Blocked", "(config)#")
            await shell.cmd("end", "#")
            return out

        out = asyncio.run(with_shell(agent, locked))
        assert f"locked by session {m.session_id}" in out
        m.unlock("running")
    finally:
        m.close_session()
    assert netconf_hostname(agent) == "Router"


def test_ctrl_c_abandons_the_line_and_keeps_the_session(agent) -> None:
    async def scenario(shell: Shell) -> str:
        shell.proc.stdin.write("show priv\x03")
        await shell.until("#")
        await shell.cmd("conf t", "(config)#")
        shell.proc.stdin.write("\x03")
        await shell.until("Router#")
        return await shell.cmd("show privilege", "#")

    assert "Current privilege level is 15" in asyncio.run(with_shell(agent, scenario))
