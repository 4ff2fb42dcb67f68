"""samples/ansible/netconf_playbook.yml, run with ``ansible-playbook`` against a live agent.

The playbook uses ``ansible.netcommon.netconf_get`` (subtree filter on native/hostname), ``netconf_config``
(``ip ssh time-out`` on candidate with ``commit: true``, twice, the second time unchanged) and ``netconf_rpc``
(cisco-ia ``save-config``), over ``ansible_connection=ansible.netcommon.netconf``. The PyPI ``ansible`` package
bundles ansible.netcommon; the modules run on the controller and need ncclient, plus xmltodict for
``display: native``. No network is used: the inventory names only the agent on 127.0.0.1.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from agents import ADMIN_PASSWORD, ADMIN_USER
from lxml import etree
from namespaces import IOS

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "ansible"
PLAYBOOK = SAMPLE / "netconf_playbook.yml"
NS = {"ios": IOS}
SSH_FILTER = f'<native xmlns="{IOS}"><ip><ssh><time-out/></ssh></ip></native>'


def write_inventory(path: Path, port: int) -> Path:
    path.write_text(
        "[iosxe]\n"
        f"r1 ansible_host=127.0.0.1 ansible_port={port}\n\n"
        "[iosxe:vars]\n"
        "ansible_connection=ansible.netcommon.netconf\n"
        "ansible_network_os=cisco.ios.ios\n"
        f"ansible_user={ADMIN_USER}\n"
        f"ansible_password={ADMIN_PASSWORD}\n"
        "ansible_netconf_host_key_checking=false\n"
        f"ansible_python_interpreter={sys.executable}\n"
    )
    return path


def run_ansible(tool: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", f"ansible.cli.{tool}", *args],
        cwd=SAMPLE,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def time_out(agent) -> str | None:
    with agent.connect() as m:
        root = etree.fromstring(m.get_config("running", filter=("subtree", SSH_FILTER)).xml.encode())
    return root.findtext(".//ios:ssh/ios:time-out", namespaces=NS)


@pytest.mark.slow
def test_playbook_reads_edits_commits_and_saves(ansible_env, fresh_agent, tmp_path) -> None:
    agent = fresh_agent()
    assert time_out(agent) is None  # the factory default has no time-out (basic-mode explicit)
    inventory = write_inventory(tmp_path / "inventory.ini", agent.netconf_port)

    result = run_ansible("playbook", "-i", str(inventory), str(PLAYBOOK), "-e", "ssh_timeout=57", env=ansible_env())
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "hostname is Router" in output
    assert "r1 : ok=7 changed=1 unreachable=0 failed=0" in " ".join(output.split()), output

    # the committed change is in running, as another client sees it
    assert time_out(agent) == "57"
    # and save-config wrote startup: the time-out survives a reload
    agent.restart()
    assert time_out(agent) == "57"


def test_playbook_failure_surfaces_the_device_error(ansible_env, fresh_agent, tmp_path) -> None:
    agent = fresh_agent()
    inventory = write_inventory(tmp_path / "inventory.ini", agent.netconf_port)
    result = run_ansible("playbook", "-i", str(inventory), str(PLAYBOOK), "-e", "ssh_timeout=121", env=ansible_env())
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "out of range" in output, output
    assert time_out(agent) is None


@pytest.mark.parametrize("inventory", ["inventory.ini", None])
def test_inventory_names_the_netconf_connection(ansible_env, tmp_path, inventory: str | None) -> None:
    path = SAMPLE / inventory if inventory else write_inventory(tmp_path / "generated.ini", 830)
    result = run_ansible("inventory", "-i", str(path), "--host", "r1", env=ansible_env())
    assert result.returncode == 0, result.stderr
    host = json.loads(result.stdout)
    assert host["ansible_connection"] == "ansible.netcommon.netconf"
    # [group:vars] values of an INI inventory are strings; the netconf plugin reads the option as a boolean
    assert str(host["ansible_netconf_host_key_checking"]).lower() == "false"
    assert host["ansible_user"] == ADMIN_USER
