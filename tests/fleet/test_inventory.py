"""The inventories of ``iosxe_agent.fleet.inventory`` read back as the tools read them: YAML parsed with the safe
loader, Nornir's own SimpleInventory, the CSV with the csv module. Names YAML would misread stay strings, names that
could smuggle Jinja or pyATS markup are refused, and no file ever holds the password.

tests/e2e/test_fleet_inventories.py runs the tools themselves against a live fleet with these files.
"""

from __future__ import annotations

import csv
import io
import os
import stat
from pathlib import Path

import pytest
import yaml
from nornir import InitNornir

from iosxe_agent.admin_password import PASSWORD_ENV
from iosxe_agent.fleet.endpoints import Endpoint, Ready
from iosxe_agent.fleet.inventory import (
    ANSIBLE_FILE,
    CSV_FILE,
    NETCONF_SUFFIX,
    NORNIR_DIR,
    TESTBED_FILE,
    ansible_inventory,
    devices_csv,
    nornir_files,
    pyats_testbed,
    write_inventories,
)

#: names YAML 1.1 would read as booleans, null, numbers or a date if they were written unquoted
YAML_LOOKALIKES = ["yes", "No", "on", "OFF", "null", "1e3", "0x1F", "010", "1", "1.5", "2026-12-06", "y", "R1"]


def fleet(names: list[str], user: str = "admin") -> Ready:
    endpoints = tuple(
        Endpoint(name, f"127.1.0.{i}", 22, 830, Path(f"/var/lib/fleet/{name}")) for i, name in enumerate(names, 1)
    )
    return Ready(endpoints, user, 4242)


def port_fleet() -> Ready:
    """Three devices on one address with port ranges, as ``--port-base 20000`` lays them out."""
    endpoints = tuple(
        Endpoint(f"R{i}", "127.0.0.1", 20000 + 2 * i, 20001 + 2 * i, Path(f"/s/R{i}")) for i in range(1, 4)
    )
    return Ready(endpoints, "netops", 1)


def test_ansible_inventory_has_a_cli_and_a_netconf_host_per_device() -> None:
    ready = port_fleet()
    inventory = yaml.safe_load(ansible_inventory(ready))["all"]
    assert inventory["vars"]["ansible_user"] == "netops"
    assert inventory["vars"]["ansible_password"] == '{{ lookup("env", "IOSXE_AGENT_ADMIN_PASSWORD") }}'
    assert inventory["vars"]["ansible_network_os"] == "cisco.ios.ios"
    cli, netconf = inventory["children"]["iosxe_cli"], inventory["children"]["iosxe_netconf"]
    assert cli["vars"] == {"ansible_connection": "ansible.netcommon.network_cli"}
    assert netconf["vars"] == {"ansible_connection": "ansible.netcommon.netconf"}
    for e in ready.endpoints:
        assert cli["hosts"][e.name] == {"ansible_host": "127.0.0.1", "ansible_port": e.ssh_port}
        assert netconf["hosts"][e.name + NETCONF_SUFFIX] == {
            "ansible_host": "127.0.0.1",
            "ansible_port": e.netconf_port,
        }
    # one Ansible host has one set of variables: a name in both groups would get only one of the two connections
    assert not set(cli["hosts"]) & set(netconf["hosts"])


def test_password_variable_is_configurable_and_checked() -> None:
    ready = fleet(["R1"])
    ansible = yaml.safe_load(ansible_inventory(ready, "LAB_SECRET"))
    assert ansible["all"]["vars"]["ansible_password"] == '{{ lookup("env", "LAB_SECRET") }}'
    assert yaml.safe_load(pyats_testbed(ready, "LAB_SECRET"))["testbed"]["credentials"]["default"] == {
        "username": "admin",
        "password": "%ENV{LAB_SECRET}",
    }
    for bad in ["", "1X", "A-B", "X') }}{{ 7*7 }}", "A}B"]:
        with pytest.raises(ValueError, match="environment variable"):
            ansible_inventory(ready, bad)


def test_pyats_testbed_structure() -> None:
    """What pyATS's testbed schema asks of a device (os, type, connections with protocol/ip/port), checked here
    whether or not pyATS is installed; the e2e test loads and connects it where it is."""
    ready = port_fleet()
    testbed = yaml.safe_load(pyats_testbed(ready))
    assert testbed["testbed"]["name"] == "iosxe-fleet"
    assert testbed["testbed"]["credentials"]["default"]["password"] == f"%ENV{{{PASSWORD_ENV}}}"
    assert list(testbed["devices"]) == ["R1", "R2", "R3"]
    for e in ready.endpoints:
        device = testbed["devices"][e.name]
        assert (device["os"], device["platform"], device["type"]) == ("iosxe", "cat8k", "router")
        cli = device["connections"]["cli"]
        assert (cli["protocol"], cli["ip"], cli["port"]) == ("ssh", e.host, e.ssh_port)
        assert "StrictHostKeyChecking=no" in cli["ssh_options"]
        # connecting must not reconfigure the device, nor wait 10 s per device after a disconnect
        assert cli["arguments"] == {"init_config_commands": []}
        assert cli["settings"]["POST_DISCONNECT_WAIT_SEC"] == 0


def test_csv_reads_back() -> None:
    ready = port_fleet()
    rows = list(csv.DictReader(io.StringIO(devices_csv(ready))))
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


def test_nornir_loads_the_inventory(tmp_path: Path) -> None:
    ready = port_fleet()
    write_inventories(tmp_path, ready)
    nr = InitNornir(config_file=str(tmp_path / NORNIR_DIR / "config.yaml"), logging={"enabled": False})
    assert sorted(nr.inventory.hosts) == ["R1", "R2", "R3"]
    for e in ready.endpoints:
        host = nr.inventory.hosts[e.name]
        assert (host.hostname, host.port, host.platform, host.username) == (e.host, e.ssh_port, "cisco_ios", "netops")
        assert host["netconf_port"] == e.netconf_port
        assert host.password is None  # set at run time from the environment, never stored


def test_yaml_lookalike_names_stay_strings(tmp_path: Path) -> None:
    ready = fleet(YAML_LOOKALIKES)
    ansible = yaml.safe_load(ansible_inventory(ready))["all"]["children"]
    assert list(ansible["iosxe_cli"]["hosts"]) == YAML_LOOKALIKES
    assert list(ansible["iosxe_netconf"]["hosts"]) == [n + NETCONF_SUFFIX for n in YAML_LOOKALIKES]
    assert list(yaml.safe_load(pyats_testbed(ready))["devices"]) == YAML_LOOKALIKES
    nornir = nornir_files(ready, tmp_path)
    assert list(yaml.safe_load(nornir["hosts.yaml"])) == YAML_LOOKALIKES
    assert [row["name"] for row in csv.DictReader(io.StringIO(devices_csv(ready)))] == YAML_LOOKALIKES


@pytest.mark.parametrize(
    "name", ["", "R 1", "R{{ 7*7 }}", "%{self}", "%ENV{HOME}", "R1\nR2", "-R1", "R1:22", "R#1", "x" * 64, "Rü"]
)
def test_names_that_are_not_plain_host_names_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="device name"):
        write_inventories(tmp_path / "inv", fleet(["R1", name]))
    assert not (tmp_path / "inv").exists()  # nothing is written when one name is bad


def test_duplicate_names_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="used twice"):
        write_inventories(tmp_path, fleet(["R1", "R2", "R1"]))


def test_no_password_in_any_file_and_permissions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "S3cret-never-written"
    monkeypatch.setenv(PASSWORD_ENV, secret)
    old = os.umask(0o077)  # a strict umask still gives readable inventories: they hold no secret
    try:
        written = write_inventories(tmp_path / "inv", fleet(["R1", "R2"]))
    finally:
        os.umask(old)
    directory = tmp_path / "inv"
    expected = {ANSIBLE_FILE, TESTBED_FILE, CSV_FILE} | {
        f"{NORNIR_DIR}/{n}" for n in ("hosts.yaml", "groups.yaml", "defaults.yaml", "config.yaml")
    }
    assert {str(p.relative_to(directory)) for p in written} == expected
    on_disk = {str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file()}
    assert on_disk == expected  # no temporary file left behind
    for path in written:
        assert secret not in path.read_text()
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert stat.S_IMODE(directory.stat().st_mode) == 0o755
    assert stat.S_IMODE((directory / NORNIR_DIR).stat().st_mode) == 0o755


def test_rewriting_replaces_the_files(tmp_path: Path) -> None:
    write_inventories(tmp_path, fleet(["R1", "R2", "R3"]))
    write_inventories(tmp_path, fleet(["R1"]))
    assert [row["name"] for row in csv.DictReader((tmp_path / CSV_FILE).open())] == ["R1"]
    assert list(yaml.safe_load((tmp_path / TESTBED_FILE).read_text())["devices"]) == ["R1"]
