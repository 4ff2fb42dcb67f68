"""samples/ansible/restconf_playbook.yml with ``ansible-playbook`` against a live agent's RESTCONF: the httpapi
connection (ansible.netcommon.restconf, API root ``/restconf``) reads with ``restconf_get`` and changes ``ip ssh
time-out`` with ``restconf_config`` (GET, then PATCH); a second run changes nothing, and the change is seen by
NETCONF and the CLI. The device certificate is verified (the client trusts the file the agent made)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from agents import ADMIN_PASSWORD, ADMIN_USER
from cli_dialogue import show
from namespaces import IOS
from restconf_client import Restconf, enable_restconf

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "ansible"
PLAYBOOK = SAMPLE / "restconf_playbook.yml"


def write_inventory(path: Path, rc: Restconf) -> Path:
    path.write_text(
        "[iosxe]\n"
        f"r1 ansible_host=127.0.0.1 ansible_httpapi_port={rc.port}\n\n"
        "[iosxe:vars]\n"
        "ansible_connection=ansible.netcommon.httpapi\n"
        "ansible_network_os=ansible.netcommon.restconf\n"
        "ansible_httpapi_use_ssl=true\n"
        "ansible_httpapi_validate_certs=true\n"
        f"ansible_user={ADMIN_USER}\n"
        f"ansible_password={ADMIN_PASSWORD}\n"
        f"ansible_python_interpreter={sys.executable}\n"
    )
    return path


def play(inventory: Path, env: dict[str, str], timeout: int) -> str:
    args = ["-i", str(inventory), str(PLAYBOOK), "-e", f"ssh_timeout={timeout}"]
    result = subprocess.run(
        [sys.executable, "-m", "ansible.cli.playbook", *args],
        cwd=SAMPLE, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    return " ".join(output.split())


@pytest.mark.slow
def test_playbook_patches_once_and_is_idempotent(
    ansible_env: Callable[..., dict[str, str]], fresh_agent: Callable[..., Any], tmp_path: Path
) -> None:
    agent = fresh_agent("--restconf-port", "0")
    rc = enable_restconf(agent)
    inventory = write_inventory(tmp_path / "inventory.ini", rc)
    env = ansible_env(SSL_CERT_FILE=str(rc.cert), REQUESTS_CA_BUNDLE=str(rc.cert))  # trust the device certificate

    first = play(inventory, env, 57)
    assert "hostname is Router" in first
    assert "r1 : ok=3 changed=1 unreachable=0 failed=0" in first, first
    second = play(inventory, env, 57)
    assert "r1 : ok=3 changed=0 unreachable=0 failed=0" in second, second

    with agent.connect() as m:
        reply = m.get_config("running", filter=("subtree", f'<native xmlns="{IOS}"><ip><ssh/></ip></native>'))
    assert reply.data_ele.findtext(f".//{{{IOS}}}ssh/{{{IOS}}}time-out") == "57"
    assert "ip ssh time-out 57" in show(agent, "show running-config | include ip ssh time-out")
