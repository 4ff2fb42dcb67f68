"""The fleet's plan (pure): names, addresses and ports, inventories, collisions, shards."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from iosxe_agent.fleet.cli import parse_args
from iosxe_agent.fleet.plan import (
    Addressing,
    DeviceSpec,
    PlanError,
    checked,
    from_inventory,
    numbered,
    ordinal_offset,
    shards,
)

ROOT = Path("/state")


def test_numbered_devices_get_ephemeral_ports_on_the_host_by_default() -> None:
    specs = numbered(3, "R", 1, ROOT, Addressing())
    assert specs == tuple(DeviceSpec(f"R{i}", "127.0.0.1", 0, 0, ROOT / f"R{i}") for i in (1, 2, 3))


def test_address_base_gives_each_device_its_own_address_on_the_router_ports() -> None:
    specs = numbered(3, "edge", 7, ROOT, Addressing(address_base="127.1.0.254"))
    assert [(s.name, s.host, s.ssh_port, s.netconf_port) for s in specs] == [
        ("edge7", "127.1.0.254", 22, 830),
        ("edge8", "127.1.0.255", 22, 830),
        ("edge9", "127.1.1.0", 22, 830),
    ]


def test_port_base_lays_devices_out_two_ports_each() -> None:
    specs = numbered(2, "R", 1, ROOT, Addressing(host="127.0.0.2", port_base=20000))
    assert [(s.host, s.ssh_port, s.netconf_port) for s in specs] == [
        ("127.0.0.2", 20000, 20001),
        ("127.0.0.2", 20002, 20003),
    ]
    with pytest.raises(PlanError, match="would need port 65536"):
        numbered(2, "R", 1, ROOT, Addressing(port_base=65533))


def test_the_pod_ordinal_moves_the_device_range() -> None:
    assert ordinal_offset("iosxe-fleet-3", 100) == 300
    assert ordinal_offset("iosxe-fleet-0", 100) == 0
    with pytest.raises(PlanError, match="does not end in a number"):
        ordinal_offset("laptop", 10)


def spec(name: str, state: str, ssh: int = 0, netconf: int = 0, host: str = "127.0.0.1") -> DeviceSpec:
    return DeviceSpec(name, host, ssh, netconf, ROOT / state)


@pytest.mark.parametrize(
    ("specs", "message"),
    [
        ([spec("R1", "a"), spec("R1", "b")], "R1 and R1 both use the name R1"),
        ([spec("R1", "a"), spec("R2", "a")], "R1 and R2 both use the state directory /state/a"),
        ([spec("R1", "a", 100, 101), spec("R2", "b", 101, 102)], "R1 and R2 both use 127.0.0.1:101"),
        ([spec("R1", "a", 100, 100)], "SSH and NETCONF both on 127.0.0.1:100"),
        ([spec("1R", "a")], "device name '1R'"),
        ([spec("R/1", "a")], "device name 'R/1'"),
        ([spec("R1", "a", host="router.example")], "not an IP address"),
    ],
)
def test_collisions_are_one_line_naming_both_devices(specs: list[DeviceSpec], message: str) -> None:
    with pytest.raises(PlanError, match=message) as caught:
        checked(specs)
    assert "\n" not in str(caught.value)


def test_the_same_port_on_two_addresses_is_no_collision() -> None:
    specs = [spec("R1", "R1", 22, 830, "127.1.0.1"), spec("R2", "R2", 22, 830, "127.1.0.2")]
    assert checked(specs) == tuple(specs)


INVENTORY = """
defaults:
  admin_user: netops
  startup_config: seeds/base.cfg
  port_base: 30000
devices:
  - name: core1
  - name: core2
    startup_config: seeds/core2.cfg
    state_dir: /elsewhere/core2
  - name: edge1
    host: 127.2.0.1
    ssh_port: 22
    netconf_port: 830
"""


def test_an_inventory_fills_what_a_device_leaves_out_from_the_defaults() -> None:
    specs, user = from_inventory(yaml.safe_load(INVENTORY), Path("/inv"), ROOT)
    assert user == "netops"
    assert specs == (
        DeviceSpec("core1", "127.0.0.1", 30000, 30001, ROOT / "core1", Path("/inv/seeds/base.cfg")),
        DeviceSpec("core2", "127.0.0.1", 30002, 30003, Path("/elsewhere/core2"), Path("/inv/seeds/core2.cfg")),
        DeviceSpec("edge1", "127.2.0.1", 22, 830, ROOT / "edge1", Path("/inv/seeds/base.cfg")),
    )


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("- R1", "not a mapping with 'devices:'"),
        ("devices: []", "not a non-empty list"),
        ("devices: [{name: R1, colour: red}]", r"inventory device 1: unknown key\(s\) colour"),
        ("devices: [{host: 127.0.0.1}]", "inventory device 1 has no name"),
        ("devices: [{name: R1, ssh_port: 70000}]", "ssh_port 70000 is not a port number"),
        ("devices: [{name: R1, ssh_port: '22'}]", "ssh_port '22' is not a port number"),
        ("defaults: {address_base: 127.1.0.1, port_base: 2}\ndevices: [{name: R1}]", "both address_base and port_base"),
        ("devices: [{name: R1}, {name: R1}]", "devices R1 and R1 both use the name R1"),
        ("extra: 1\ndevices: [{name: R1}]", r"the inventory: unknown key\(s\) extra"),
    ],
)  # fmt: skip
def test_a_bad_inventory_is_one_line_saying_where(document: str, message: str) -> None:
    with pytest.raises(PlanError, match=message):
        from_inventory(yaml.safe_load(document), Path("/inv"), ROOT)


@given(st.integers(1, 300), st.integers(1, 20))
def test_shards_are_contiguous_even_and_never_empty(count: int, workers: int) -> None:
    specs = numbered(count, "R", 1, ROOT, Addressing())
    slices = shards(specs, workers)
    assert len(slices) == min(workers, count)
    assert tuple(s for part in slices for s in part) == specs
    sizes = [len(part) for part in slices]
    assert min(sizes) >= 1 and max(sizes) - min(sizes) <= 1


def test_pod_k_of_a_statefulset_serves_devices_k_n_plus_1_on() -> None:
    env = {"HOSTNAME": "iosxe-fleet-2", "IOSXE_AGENT_ADMIN_PASSWORD": "Adm1n-pass"}
    settings = parse_args(
        ["--devices", "3", "--ordinal-from-hostname", "--state-dir", "/s", "--port-base", "9000"], env
    )
    assert [(s.name, s.ssh_port) for s in settings.specs] == [("R7", 9000), ("R8", 9002), ("R9", 9004)]
    assert settings.admin_password == "Adm1n-pass" and settings.admin_user == "admin"
    assert settings.specs[0].state_dir == Path("/s/R7")


def test_the_password_is_never_taken_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--devices", "1", "--admin-password", "secret"], {})
    assert "unrecognized arguments: --admin-password" in capsys.readouterr().err


def test_an_inventory_lays_its_devices_out_itself(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inventory = tmp_path / "fleet.yaml"
    inventory.write_text("devices: [{name: R1}]\n")
    with pytest.raises(SystemExit):
        parse_args(["--inventory", str(inventory), "--port-base", "9000"], {})
    assert "--port-base: not with --inventory" in capsys.readouterr().err
