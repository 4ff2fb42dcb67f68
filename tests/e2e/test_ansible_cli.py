"""samples/ansible/cli_playbook.yml over ``network_cli``: Ansible's cisco.ios modules against the device's IOS shell.

The playbook runs ``cisco.ios.ios_command`` (``show version``, ``show ip ssh``), ``cisco.ios.ios_config`` (two
``ip ssh`` lines, then ``exec-timeout 7 0`` under ``line vty 0 4``, each with ``save_when: modified``) and
``cisco.ios.ios_facts`` (``gather_subset: min``). On the wire that is what ``cisco.ios``'s terminal and cliconf
plugins send (IOSXE-CLI-REFERENCE.md §6): ``terminal length 0``, ``terminal width 512``, ``terminal width 0``,
``show privilege`` (become: enable), ``show version`` and ``show vlan`` for the facts, ``show running-config``,
``configure terminal`` … ``end``, ``show startup-config`` and ``copy running-config startup-config\\r`` (the
second carriage return answers ``Destination filename [startup-config]?``).

SSH is paramiko (``ansible_network_cli_ssh_type=paramiko``): it is installed here, ``ansible-pylibssh`` is not.
The ``ansible.posix.json`` stdout callback makes the results machine-readable. No network is used.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

import asyncssh
import pytest
from agents import ADMIN_PASSWORD, ADMIN_USER
from lxml import etree
from namespaces import IOS

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "ansible"
PLAYBOOK = SAMPLE / "cli_playbook.yml"
NS = {"ios": IOS}
FILTER = f'<native xmlns="{IOS}"><ip><ssh/></ip><line/></native>'

pytestmark = pytest.mark.timeout(600)


#: Ansible prints task results as JSON, so the tests read them instead of scraping text.
JSON_RESULTS = {"ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json", "ANSIBLE_LOAD_CALLBACK_PLUGINS": "1"}


def write_inventory(
    path: Path, port: int, user: str = ADMIN_USER, password: str = ADMIN_PASSWORD, enable: str = "unused"
) -> Path:
    path.write_text(
        "[iosxe]\n"
        f"r1 ansible_host=127.0.0.1 ansible_port={port}\n\n"
        "[iosxe:vars]\n"
        "ansible_connection=ansible.netcommon.network_cli\n"
        "ansible_network_os=cisco.ios.ios\n"
        "ansible_network_cli_ssh_type=paramiko\n"
        "ansible_host_key_checking=false\n"
        f"ansible_user={user}\n"
        f"ansible_password={password}\n"
        "ansible_become=true\n"
        "ansible_become_method=enable\n"
        f"ansible_become_password={enable}\n"
        f"ansible_python_interpreter={sys.executable}\n"
    )
    return path


def run_ansible(tool: str, *args: str, env: dict[str, str]) -> tuple[subprocess.CompletedProcess[str], dict, float]:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", f"ansible.cli.{tool}", *args],
        cwd=SAMPLE,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    elapsed = time.monotonic() - started
    try:
        report = json.loads(result.stdout[result.stdout.index("{") :])
    except ValueError:
        report = {}
    return result, report, elapsed


def task_results(report: dict) -> dict[str, dict]:
    """Task name → the result on r1."""
    return {t["task"]["name"]: t["hosts"]["r1"] for play in report["plays"] for t in play["tasks"]}


def netconf_view(agent) -> dict[str, str | None]:
    with agent.connect() as m:
        root = etree.fromstring(m.get_config("running", filter=("subtree", FILTER)).xml.encode())
    vty = next(
        (v for v in root.iterfind(".//ios:line/ios:vty", NS) if v.findtext("ios:first", namespaces=NS) == "0"), None
    )
    return {
        "time-out": root.findtext(".//ios:ip/ios:ssh/ios:time-out", namespaces=NS),
        "retries": root.findtext(".//ios:ip/ios:ssh/ios:authentication-retries", namespaces=NS),
        "vty-minutes": None if vty is None else vty.findtext("ios:exec-timeout/ios:minutes", namespaces=NS),
        "vty-seconds": None if vty is None else vty.findtext("ios:exec-timeout/ios:seconds", namespaces=NS),
    }


@pytest.mark.slow
def test_cli_playbook_configures_saves_is_idempotent_and_gathers_facts(ansible_env, fresh_agent, tmp_path) -> None:
    agent = fresh_agent()
    assert netconf_view(agent)["time-out"] is None
    inventory = write_inventory(tmp_path / "inventory.ini", agent.ssh_port)

    first, report, first_time = run_ansible(
        "playbook",
        "-i",
        str(inventory),
        str(PLAYBOOK),
        env=ansible_env(**JSON_RESULTS),
    )
    assert first.returncode == 0, first.stdout + first.stderr
    assert report["stats"]["r1"]["changed"] == 2 and report["stats"]["r1"]["failures"] == 0, report["stats"]
    tasks = task_results(report)
    shows = tasks["Run show commands"]["stdout"]
    assert shows[0].startswith("Cisco IOS XE Software, Version 17.12.01")
    assert "Authentication timeout: 120 secs; Authentication retries: 3" in shows[1]
    ssh_task = tasks["Set the SSH time-out and retries (saved to startup when running differs from it)"]
    assert ssh_task["changed"] and ssh_task["updates"] == ["ip ssh time-out 45", "ip ssh authentication-retries 2"]
    vty_task = tasks["Set the exec-timeout of vty 0 4"]
    assert vty_task["changed"] and vty_task["updates"] == ["line vty 0 4", "exec-timeout 7 0"]
    facts = tasks["Gather the minimal facts (hostname, version, model from show version)"]["ansible_facts"]
    assert facts["ansible_net_hostname"] == "Router"
    assert facts["ansible_net_version"] == "17.12.01"
    assert facts["ansible_net_model"] == "C8000V"
    assert facts["ansible_net_image"] == "bootflash:packages.conf"
    assert facts["ansible_net_iostype"] == "IOS-XE"
    assert facts["ansible_net_serialnum"] == (agent.state_dir / "serial").read_text().strip()  # the device's own
    assert facts["ansible_net_api"] == "cliconf"

    # a NETCONF client sees what the CLI changed, in the same test
    expected = {"time-out": "45", "retries": "2", "vty-minutes": "7", "vty-seconds": "0"}
    assert netconf_view(agent) == expected

    # idempotence: the second run changes (and saves) nothing
    second, report, second_time = run_ansible(
        "playbook",
        "-i",
        str(inventory),
        str(PLAYBOOK),
        env=ansible_env(**JSON_RESULTS),
    )
    assert second.returncode == 0, second.stdout + second.stderr
    assert report["stats"]["r1"]["changed"] == 0, report["stats"]
    print(f"ansible-playbook over network_cli: first run {first_time:.1f}s, second run {second_time:.1f}s")

    # save_when: modified ran copy running-config startup-config: the change survives a reload
    agent.restart()
    assert netconf_view(agent) == expected


async def _configure(port: int, lines: list[str]) -> None:
    async with asyncssh.connect(
        "127.0.0.1", port, username=ADMIN_USER, password=ADMIN_PASSWORD, known_hosts=None
    ) as conn:
        proc = await conn.create_process(term_type="vt100", term_size=(200, 50))
        await asyncio.wait_for(proc.stdout.readuntil("#"), 30)
        for line in ["configure terminal", *lines, "end"]:
            proc.stdin.write(line + "\n")
            out = await asyncio.wait_for(proc.stdout.readuntil("#"), 30)
            assert "%" not in out, out
        proc.stdin.write("exit\n")


def test_level_1_user_is_enabled_and_device_errors_fail_the_task(ansible_env, fresh_agent, tmp_path) -> None:
    agent = fresh_agent()
    asyncio.run(_configure(agent.ssh_port, ["username op privilege 1 secret 0 Op-pass1", "enable secret 0 En-pass1"]))
    inventory = write_inventory(tmp_path / "op.ini", agent.ssh_port, "op", "Op-pass1", "En-pass1")

    # become: enable: Router> → enable → Password: → show privilege says 15
    ok, report, _ = run_ansible(
        "adhoc", "-i", str(inventory), "r1", "-m", "cisco.ios.ios_command", "-a", "commands='show privilege'",
        env=ansible_env(**JSON_RESULTS),
    )  # fmt: skip
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert task_results(report)["cisco.ios.ios_command"]["stdout"] == ["Current privilege level is 15"]

    # a line the device refuses: IOS's caret error matches cisco.ios's error regexes, the task fails, nothing changes
    bad, report, _ = run_ansible(
        "adhoc", "-i", str(inventory), "r1", "-m", "cisco.ios.ios_config", "-a", "lines='ip ssh time-out 121'",
        env=ansible_env(**JSON_RESULTS),
    )  # fmt: skip
    assert bad.returncode != 0
    result = task_results(report)["cisco.ios.ios_config"]
    assert result["failed"] and "% Invalid input detected at '^' marker." in result["msg"], result
    assert netconf_view(agent)["time-out"] is None
