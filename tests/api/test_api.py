"""The public API as a user's async code meets it: ``async with iosxe_agent.Device(...)`` and ``Fleet(...)``.

Why these tests: the API is what a user's own CI builds on, so each test does what a user would (real asyncssh
for the CLI, real ncclient for NETCONF, run in a worker thread because it blocks) and checks what a user relies
on: kernel-chosen ports that answer while the block runs and refuse afterwards, a temporary state directory that
disappears, a given one that is kept and restarts the same router, a seed, and devices of a fleet that stay apart.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncssh
import pytest
from ncclient import manager

import iosxe_agent
from iosxe_agent.fleet.runner import FleetStartError

PASSWORD = "Api-pass-1"
#: a seed without AAA must let local users log in on the vty lines itself, as on IOS
VTY_LOGIN_LOCAL = "line vty 0 4\n login local\n transport input ssh\n"


def _get_config(device: iosxe_agent.Device, password: str | None = None) -> str:
    """Running as ncclient reads it (blocking: tests call it through ``asyncio.to_thread``)."""
    with manager.connect(
        host=device.host,
        port=device.netconf_port,
        username=device.username,
        password=password or device.password,
        hostkey_verify=False,
        allow_agent=False,
        look_for_keys=False,
        device_params={"name": "iosxe"},
        timeout=60,
    ) as m:
        return str(m.get_config(source="running").data_xml)


async def _cli(
    device: iosxe_agent.Device, command: str | None, *, lines: str = "", user: str = "", password: str = ""
) -> str:
    """One exec ``command``, or (None) the IOS shell fed ``lines`` as typed, then EOF."""
    async with asyncssh.connect(
        device.host,
        device.ssh_port,
        username=user or device.username,
        password=password or device.password,
        known_hosts=None,
    ) as conn:
        result = await conn.run(command, input=lines, check=True, timeout=30)
        return str(result.stdout)


async def _refused(host: str, port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection(host, port)
    except ConnectionRefusedError:
        return True
    writer.close()
    return False


async def test_a_device_answers_on_its_own_ports_and_leaves_nothing_behind() -> None:
    async with iosxe_agent.Device("R7", admin_password=PASSWORD) as dev:
        endpoint = dev.endpoint
        assert (endpoint.name, endpoint.host) == ("R7", "127.0.0.1")
        assert 0 not in (dev.ssh_port, dev.netconf_port) and dev.ssh_port != dev.netconf_port
        assert (endpoint.ssh_port, endpoint.netconf_port, endpoint.state_dir) == (
            dev.ssh_port,
            dev.netconf_port,
            dev.state_dir,
        )
        assert "<hostname>R7</hostname>" in await asyncio.to_thread(_get_config, dev)
        assert "R7 uptime is" in await _cli(dev, "show version")
        assert dev.state_dir.is_dir()
    assert not endpoint.state_dir.exists()
    assert await _refused(endpoint.host, endpoint.ssh_port)
    assert await _refused(endpoint.host, endpoint.netconf_port)
    with pytest.raises(RuntimeError, match="R7 is not running"):
        _ = dev.ssh_port


async def test_without_a_password_one_is_made_up_and_given_to_the_user() -> None:
    async with iosxe_agent.Device() as one, iosxe_agent.Device() as two:
        assert one.username == "admin" and len(one.password) >= 16 and one.password != two.password
        assert "R1 uptime is" in await _cli(one, "show version")
        with pytest.raises(asyncssh.PermissionDenied):
            await _cli(one, "show version", password=two.password)


async def test_a_seed_as_text_starts_the_device_with_its_users_and_the_given_hostname() -> None:
    seed = "hostname CORE-9\nip domain name seed.lab\nusername ops privilege 15 secret 0 Ops-pass-1\n" + VTY_LOGIN_LOCAL
    async with iosxe_agent.Device("R3", admin_password=PASSWORD, startup_config=seed) as dev:
        shown = await _cli(dev, "show running-config | include ^hostname|^ip domain", user="ops", password="Ops-pass-1")
        assert "hostname R3" in shown and "CORE-9" not in shown
        assert "ip domain name seed.lab" in shown
        config = await asyncio.to_thread(_get_config, dev)  # the admin user is ensured in any seed
        assert "<name>ops</name>" in config and "<name>admin</name>" in config


async def test_a_seed_file_and_a_state_dir_of_the_users_are_kept_and_restart_the_same_router(tmp_path: Path) -> None:
    seed = tmp_path / "r4.cfg"
    seed.write_text("hostname R4\nip ssh time-out 90\n" + VTY_LOGIN_LOCAL)
    state = tmp_path / "state"
    async with iosxe_agent.Device("R4", admin_password=PASSWORD, startup_config=seed, state_dir=state) as dev:
        assert "ip ssh time-out 90" in await _cli(dev, "show running-config | include time-out")
        await _cli(dev, None, lines="configure terminal\nip ssh time-out 100\nend\nwrite memory\nexit\n")
    assert (state / "startup-config.xml").is_file()
    seed.write_text("hostname R4\nip ssh time-out 110\n" + VTY_LOGIN_LOCAL)
    async with iosxe_agent.Device("R4", admin_password="Another-pass", startup_config=seed, state_dir=state) as again:
        assert "ip ssh time-out 100" in await _cli(again, "show running-config | include time-out", password=PASSWORD)
        with pytest.raises(asyncssh.PermissionDenied):  # the password of the first start stays
            await _cli(again, "show version")
    assert (state / "startup-config.xml").is_file()


async def test_one_state_dir_serves_one_device_at_a_time(tmp_path: Path) -> None:
    async with iosxe_agent.Device("R5", state_dir=tmp_path):
        with pytest.raises(FleetStartError, match="R5"):
            async with iosxe_agent.Device("R5", state_dir=tmp_path):
                pass


async def test_fleet_devices_share_a_credential_and_nothing_else() -> None:
    async with iosxe_agent.Fleet(3, prefix="PE", first_index=7, admin_password=PASSWORD) as fleet:
        assert [e.name for e in fleet.endpoints] == ["PE7", "PE8", "PE9"] == [d.hostname for d in fleet]
        ports = [p for e in fleet.endpoints for p in (e.ssh_port, e.netconf_port)]
        assert len(set(ports)) == 6
        assert len({e.state_dir for e in fleet.endpoints}) == 3
        pe8 = fleet["PE8"]
        assert (pe8.username, pe8.password) == (fleet.username, PASSWORD)
        await _cli(pe8, None, lines="configure terminal\nusername only-pe8 secret 0 Pe8-pass-1\nend\nexit\n")
        configs = await asyncio.gather(*(asyncio.to_thread(_get_config, d) for d in fleet))
        assert ["<name>only-pe8</name>" in c for c in configs] == [False, True, False]
        assert all(f"<hostname>{d.hostname}</hostname>" in c for d, c in zip(fleet, configs, strict=True))
        endpoints = fleet.endpoints
    for endpoint in endpoints:
        assert not endpoint.state_dir.exists()
        assert await _refused(endpoint.host, endpoint.netconf_port)
    with pytest.raises(RuntimeError, match="not running"):
        fleet["PE8"]


async def test_the_plugins_device_serves_an_async_test_too(iosxe_device: iosxe_agent.Device) -> None:
    """The pytest fixture's device runs on the plugin's own loop, so this test's loop is free for its clients."""
    assert "R1 uptime is" in await _cli(iosxe_device, "show version")
    assert "<hostname>R1</hostname>" in await asyncio.to_thread(_get_config, iosxe_device)
