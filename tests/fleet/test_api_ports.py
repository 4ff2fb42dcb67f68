"""Each device's RESTCONF and gNMI ports in the fleet's plan (pure): the port bases, 17.12's standard ports with an
address per device, inventory keys, and collisions refused in one line."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import yaml

from iosxe_agent.fleet.cli import parse_args
from iosxe_agent.fleet.endpoints import Endpoint, Ready
from iosxe_agent.fleet.inventory import RESTCONF_SUFFIX, ansible_inventory, devices_csv
from iosxe_agent.fleet.plan import Addressing, DeviceSpec, PlanError, checked, from_inventory, numbered

ROOT = Path("/state")


def api_ports(specs: tuple[DeviceSpec, ...]) -> list[tuple[int, int, int]]:
    return [(s.restconf_port, s.gnmi_port, s.gnmi_secure_port) for s in specs]


def test_port_bases_give_each_device_the_next_port() -> None:
    addressing = Addressing(
        port_base=20000, restconf_port_base=21000, gnmi_port_base=22000, gnmi_secure_port_base=23000
    )
    specs = numbered(3, "R", 1, ROOT, addressing)
    assert api_ports(specs) == [(21000, 22000, 23000), (21001, 22001, 23001), (21002, 22002, 23002)]


def test_without_a_base_the_api_ports_are_the_kernels_or_the_routers() -> None:
    assert api_ports(numbered(2, "R", 1, ROOT, Addressing(port_base=20000))) == [(0, 0, 0), (0, 0, 0)]
    own_address = numbered(2, "R", 1, ROOT, Addressing(address_base="127.1.0.1"))
    assert api_ports(own_address) == [(443, 50052, 9339), (443, 50052, 9339)]


def test_a_base_running_past_the_last_port_is_refused() -> None:
    with pytest.raises(PlanError, match="--gnmi-secure-port-base 65535: device 2 would need port 65536"):
        numbered(2, "R", 1, ROOT, Addressing(gnmi_secure_port_base=65535))


@pytest.mark.parametrize(
    ("addressing", "message"),
    [
        (Addressing(port_base=20000, restconf_port_base=20002), "devices R1 and R2 both use 127.0.0.1:20002"),
        (Addressing(port_base=20000, gnmi_port_base=20001), "device R1: NETCONF and gNMI both on 127.0.0.1:20001"),
        (Addressing(restconf_port_base=9000, gnmi_port_base=9001), "devices R1 and R2 both use 127.0.0.1:9001"),
    ],
)  # fmt: skip
def test_colliding_api_ports_are_one_line_naming_both(addressing: Addressing, message: str) -> None:
    with pytest.raises(PlanError, match=message):
        numbered(2, "R", 1, ROOT, addressing)


def test_an_api_port_out_of_range_is_refused() -> None:
    with pytest.raises(PlanError, match="port 70000 is not a port"):
        checked([DeviceSpec("R1", "127.0.0.1", 0, 0, ROOT / "R1", gnmi_port=70000)])


INVENTORY = """
defaults:
  port_base: 30000
  restconf_port_base: 31000
  gnmi_port_base: 32000
devices:
  - name: core1
  - name: core2
    restconf_port: 8443
    gnmi_secure_port: 9339
"""


def test_an_inventory_takes_bases_from_defaults_and_ports_per_device() -> None:
    specs, _ = from_inventory(yaml.safe_load(INVENTORY), Path("/inv"), ROOT)
    assert api_ports(specs) == [(31000, 32000, 0), (8443, 32001, 9339)]


def test_an_inventory_port_that_is_no_port_is_refused() -> None:
    document = yaml.safe_load("devices: [{name: R1, gnmi_port: -1}]")
    with pytest.raises(PlanError, match="inventory device R1: gnmi_port -1 is not a port number"):
        from_inventory(document, Path("/inv"), ROOT)


def test_the_command_line_lays_the_api_ports_out(tmp_path: Path) -> None:
    argv = ["--devices", "2", "--port-base", "20000", "--restconf-port-base", "21000", "--gnmi-port-base", "22000"]
    settings = parse_args([*argv, "--state-dir", str(tmp_path)], environ={})
    assert api_ports(settings.specs) == [(21000, 22000, 0), (21001, 22001, 0)]


def test_the_command_line_refuses_a_port_base_with_an_inventory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inventory = tmp_path / "inv.yaml"
    inventory.write_text("devices: [{name: R1}]\n")
    with pytest.raises(SystemExit):
        parse_args(["--inventory", str(inventory), "--restconf-port-base", "21000"], environ={})
    assert "--restconf-port-base: not with --inventory" in capsys.readouterr().err


def test_the_ready_record_and_inventories_carry_the_api_ports() -> None:
    endpoints = (
        Endpoint("R1", "127.0.0.1", 20000, 20001, ROOT / "R1", restconf_port=21000, gnmi_port=22000),
        Endpoint("R2", "127.0.0.1", 20002, 20003, ROOT / "R2"),
    )
    ready = Ready(endpoints, "admin", 1)
    assert Ready.loads(ready.dumps()) == ready
    rows = list(csv.DictReader(io.StringIO(devices_csv(ready))))
    assert [(r["restconf_port"], r["gnmi_port"], r["gnmi_secure_port"]) for r in rows] == [
        ("21000", "22000", "0"),
        ("0", "0", "0"),
    ]
    restconf = yaml.safe_load(ansible_inventory(ready))["all"]["children"]["iosxe_restconf"]
    assert restconf["vars"]["ansible_network_os"] == "ansible.netcommon.restconf"
    # a device whose RESTCONF port is not known yet (kernel-chosen, server off) has no RESTCONF host
    assert restconf["hosts"] == {"R1" + RESTCONF_SUFFIX: {"ansible_host": "127.0.0.1", "ansible_httpapi_port": 21000}}
