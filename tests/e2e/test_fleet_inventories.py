"""The inventories ``iosxe-agent fleet --write-inventory DIR`` writes, used by the real tools against a live fleet
of three devices: Ansible (``cisco.ios.ios_facts`` over every ``network_cli`` host, ``netconf_get`` over every
``netconf`` host), Nornir (nornir_netmiko ``netmiko_send_command`` ``show version`` on every host) and pyATS
(``device.connect()`` and ``execute("show version")`` on every device of the loaded testbed).

Each tool must reach every device, and the right one: each device answers with its own hostname (``R1`` …), so
an inventory that sent two names to one device would fail. The password reaches every tool only through
``IOSXE_AGENT_ADMIN_PASSWORD``, as the files say; no file holds it.

pyATS: ``pyats[library]`` (genie) pins pysnmp 7.1.22, below what this project needs, so it is not in the test
environment; its test runs in the Python named by ``IOSXE_TEST_PYATS_PYTHON`` (a virtualenv with pyats[library])
or in this one if pyATS imports here, and is skipped otherwise. ``tests/fleet/test_inventory.py`` checks the
testbed's structure either way.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from agents import ADMIN_PASSWORD
from fleets import FleetProcess
from namespaces import IOS
from nornir import InitNornir
from nornir_netmiko.tasks import netmiko_send_command  # type: ignore[import-untyped]

from iosxe_agent.admin_password import PASSWORD_ENV
from iosxe_agent.fleet.endpoints import Ready
from iosxe_agent.fleet.inventory import ANSIBLE_FILE, CSV_FILE, NETCONF_SUFFIX, NORNIR_DIR, TESTBED_FILE

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "ansible"
DEVICES = ("R1", "R2", "R3")
#: Ansible prints results as JSON, so the tests read them instead of scraping text
JSON_RESULTS = {"ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json", "ANSIBLE_LOAD_CALLBACK_PLUGINS": "1"}
TOOL_TIMEOUT_S = 300
PYATS_PYTHON_ENV = "IOSXE_TEST_PYATS_PYTHON"

#: run by the pyATS interpreter: load the testbed, connect to every device, run show version on each (unicon's
#: log file of a connection goes to /tmp unless named: here, the test's directory)
PYATS_SCRIPT = """
import json, sys
from pyats.topology import loader
testbed = loader.load(sys.argv[1])
for name, device in testbed.devices.items():
    device.connect(log_stdout=False, logfile=f"{name}-cli.log")
try:
    print(json.dumps({name: device.execute("show version") for name, device in testbed.devices.items()}))
finally:
    testbed.disconnect()
"""


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Ready, Path]]:
    """Three devices from the real command, and the directory it wrote the inventories to."""
    workdir = tmp_path_factory.mktemp("fleet")
    inventories = workdir / "inventories"
    process = FleetProcess(workdir, ("--devices", str(len(DEVICES)), "--write-inventory", str(inventories)))
    try:
        yield process.start(), inventories
    finally:
        process.stop()


def tool_env(ansible_home: Path | None = None) -> dict[str, str]:
    """The environment every tool runs in: the password in the variable the inventories name, and Ansible
    confined to the test's directory."""
    env = {**os.environ, PASSWORD_ENV: ADMIN_PASSWORD, "PYTHONWARNINGS": "ignore"}
    if ansible_home is not None:
        env.update(
            ANSIBLE_CONFIG=str(SAMPLE / "ansible.cfg"),
            ANSIBLE_HOME=str(ansible_home),
            ANSIBLE_LOCAL_TEMP=str(ansible_home / "tmp"),
            ANSIBLE_PERSISTENT_CONTROL_PATH_DIR=str(ansible_home / "pc"),
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_DEPRECATION_WARNINGS="0",
            **JSON_RESULTS,
        )
    return env


def ansible(inventory: Path, pattern: str, module: str, args: str, home: Path) -> dict[str, Any]:
    """``ansible PATTERN -m MODULE -a ARGS`` over the inventory: host → the module's result."""
    result = subprocess.run(
        [sys.executable, "-m", "ansible.cli.adhoc", "-i", str(inventory), pattern, "-m", module, "-a", args],
        cwd=home.parent,
        env=tool_env(home),
        capture_output=True,
        text=True,
        timeout=TOOL_TIMEOUT_S,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout[result.stdout.index("{") :])
    assert all(s["failures"] == 0 and s["unreachable"] == 0 for s in report["stats"].values()), report["stats"]
    return {
        host: outcome for play in report["plays"] for task in play["tasks"] for host, outcome in task["hosts"].items()
    }


def test_the_fleet_wrote_every_inventory_for_its_devices_without_the_password(fleet: tuple[Ready, Path]) -> None:
    ready, inventories = fleet
    rows = list(csv.DictReader((inventories / CSV_FILE).open()))
    assert rows == [
        {
            "name": e.name,
            "host": e.host,
            "ssh_port": str(e.ssh_port),
            "netconf_port": str(e.netconf_port),
            "restconf_port": str(e.restconf_port),
            "gnmi_port": str(e.gnmi_port),
            "gnmi_secure_port": str(e.gnmi_secure_port),
        }
        for e in ready.endpoints
    ]
    files = [p for p in inventories.rglob("*") if p.is_file()]
    assert len(files) == 7
    assert not [p for p in files if ADMIN_PASSWORD in p.read_text()]


def test_ansible_ios_facts_over_every_cli_host(fleet: tuple[Ready, Path], tmp_path: Path) -> None:
    _, inventories = fleet
    results = ansible(
        inventories / ANSIBLE_FILE, "iosxe_cli", "cisco.ios.ios_facts", "gather_subset=min", tmp_path / "ah"
    )
    assert sorted(results) == list(DEVICES)
    for name, result in results.items():
        facts = result["ansible_facts"]
        assert facts["ansible_net_hostname"] == name  # the inventory host reached its own device
        assert (facts["ansible_net_version"], facts["ansible_net_model"]) == ("17.12.01", "C8000V")
        assert facts["ansible_net_api"] == "cliconf"


def test_ansible_netconf_get_over_every_netconf_host(fleet: tuple[Ready, Path], tmp_path: Path) -> None:
    _, inventories = fleet
    args = json.dumps({"source": "running", "filter": f'<native xmlns="{IOS}"><hostname/></native>'})
    results = ansible(
        inventories / ANSIBLE_FILE, "iosxe_netconf", "ansible.netcommon.netconf_get", args, tmp_path / "ah"
    )
    assert sorted(results) == [name + NETCONF_SUFFIX for name in DEVICES]
    for host, result in results.items():
        assert f"<hostname>{host.removesuffix(NETCONF_SUFFIX)}</hostname>" in result["stdout"], result


def test_nornir_netmiko_show_version_on_every_host(fleet: tuple[Ready, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    _, inventories = fleet
    monkeypatch.setenv(PASSWORD_ENV, ADMIN_PASSWORD)
    nr = InitNornir(config_file=str(inventories / NORNIR_DIR / "config.yaml"), logging={"enabled": False})
    nr.inventory.defaults.password = os.environ[PASSWORD_ENV]  # as the inventory's comment tells Nornir users
    results = nr.run(task=netmiko_send_command, command_string="show version")
    assert sorted(results) == list(DEVICES)
    assert not results.failed, {host: r.exception for host, r in results.items()}
    for name, multi in results.items():
        output = multi[0].result
        assert output.startswith("Cisco IOS XE Software, Version 17.12.01"), output
        assert f"{name} uptime is" in output


def pyats_python() -> str:
    """The interpreter that has pyATS, or a skip saying how to get one."""
    configured = os.environ.get(PYATS_PYTHON_ENV)
    if configured:
        return configured
    if importlib.util.find_spec("pyats") and importlib.util.find_spec("unicon"):
        return sys.executable
    pytest.skip(f"pyATS is not installed here: set {PYATS_PYTHON_ENV} to a Python with pyats[library]")


def test_pyats_testbed_connect_and_show_version(fleet: tuple[Ready, Path], tmp_path: Path) -> None:
    _, inventories = fleet
    result = subprocess.run(
        [pyats_python(), "-c", PYATS_SCRIPT, str(inventories / TESTBED_FILE)],
        cwd=tmp_path,
        env=tool_env(),
        capture_output=True,
        text=True,
        timeout=TOOL_TIMEOUT_S,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    outputs = json.loads(result.stdout.strip().splitlines()[-1])
    assert sorted(outputs) == list(DEVICES)
    for name, output in outputs.items():
        assert output.startswith("Cisco IOS XE Software, Version 17.12.01"), output
        assert f"{name} uptime is" in output
    assert sorted(p.name for p in tmp_path.glob("*-cli.log")) == [f"{name}-cli.log" for name in DEVICES]
