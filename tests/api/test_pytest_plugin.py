"""The pytest plugin as a user meets it: a test file of their own, in a directory of their own, run by pytest.

Why pytester in a subprocess: the user's run must find the plugin the way theirs will, through the installed
distribution's ``pytest11`` entry point, with none of this repository's conftest, ini options or fixtures around;
and their synchronous clients (ncclient, netmiko) must get answers from devices the fixtures serve.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from iosxe_agent.pytest_plugin import FleetSpec, device_arguments, fleet_spec

pytest_plugins = ["pytester"]

DOC = Path(__file__).resolve().parents[2] / "docs" / "pytest-plugin.md"

USER_TESTS = """
import pytest
from ncclient import manager
from netmiko import ConnectHandler


def get_config(device):
    with manager.connect(
        host=device.host, port=device.netconf_port, username=device.username, password=device.password,
        hostkey_verify=False, allow_agent=False, look_for_keys=False, device_params={"name": "iosxe"}, timeout=60,
    ) as m:
        return m.get_config(source="running").data_xml


def cli(device):
    return ConnectHandler(
        device_type="cisco_xe", host=device.host, port=device.ssh_port, username=device.username,
        password=device.password, timeout=60,
    )


def show(device, command):
    with cli(device) as conn:
        return conn.send_command(command)


def configure(device, lines):
    with cli(device) as conn:
        conn.send_config_set(lines)


def test_a_device_of_my_own(iosxe_device):
    assert "<hostname>R1</hostname>" in get_config(iosxe_device)
    assert "R1 uptime is" in show(iosxe_device, "show version")
    configure(iosxe_device, ["username only-mine privilege 1 secret 0 Mine-pass-1"])
    assert "<name>only-mine</name>" in get_config(iosxe_device)


def test_each_test_gets_a_fresh_device(iosxe_device):
    assert "<name>only-mine</name>" not in get_config(iosxe_device)


@pytest.mark.iosxe_device(
    hostname="EDGE1", startup_config="hostname X\\nip ssh time-out 77\\n", admin_password="Edge-pass-1"
)
def test_a_device_as_the_marker_says(iosxe_device):
    config = get_config(iosxe_device)
    assert "<hostname>EDGE1</hostname>" in config and "<time-out>77</time-out>" in config
    assert iosxe_device.password == "Edge-pass-1"


@pytest.mark.iosxe_fleet(count=2, prefix="PE")
def test_a_fleet(iosxe_fleet):
    assert [e.name for e in iosxe_fleet.endpoints] == ["PE1", "PE2"]
    assert "PE2 uptime is" in show(iosxe_fleet["PE2"], "show version")
    assert "<hostname>PE1</hostname>" in get_config(iosxe_fleet["PE1"])


@pytest.mark.iosxe_fleet(count=2, prefix="PE")
def test_the_module_shares_the_fleet(iosxe_fleet, request):
    assert iosxe_fleet is request.getfixturevalue("iosxe_fleet")
    assert len(iosxe_fleet) == 2


def test_the_ini_option_sizes_an_unmarked_fleet(iosxe_fleet):
    assert [d.hostname for d in iosxe_fleet] == ["R1", "R2", "R3", "R4"]
"""


def documented_example() -> str:
    """The complete test file docs/pytest-plugin.md shows a user (its first Python block with tests)."""
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
    return next(block for block in blocks if "def test_" in block)


@pytest.mark.slow
def test_a_users_sync_tests_reach_the_fixtures_devices_with_ncclient_and_netmiko(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\niosxe_fleet_size = 4\n")
    pytester.makepyfile(test_user=USER_TESTS, test_routers=documented_example())
    result = pytester.runpytest_subprocess("-v", "-p", "no:cacheprovider", timeout=300)
    result.assert_outcomes(passed=9)


def test_a_conftest_that_also_names_the_plugin_does_not_load_it_twice(pytester: pytest.Pytester) -> None:
    pytester.makeconftest('pytest_plugins = ["iosxe_agent.pytest_plugin"]\n')
    result = pytester.runpytest_subprocess("--fixtures", "-p", "no:cacheprovider", timeout=120)
    result.stdout.fnmatch_lines(["*iosxe_device*", "*iosxe_fleet*"])
    assert result.ret == 0


@pytest.mark.parametrize(
    ("marker", "spec"),
    [
        (None, FleetSpec(4, "R")),
        (pytest.mark.iosxe_fleet(count=2).mark, FleetSpec(2, "R")),
        (pytest.mark.iosxe_fleet(count="7", prefix="PE").mark, FleetSpec(7, "PE")),
    ],
)
def test_the_closest_marker_else_the_ini_option_sizes_the_fleet(marker: pytest.Mark | None, spec: FleetSpec) -> None:
    assert fleet_spec(marker, "4") == spec


@pytest.mark.parametrize(
    ("marker", "error"),
    [
        (pytest.mark.iosxe_fleet(3).mark, "by keyword"),
        (pytest.mark.iosxe_fleet(size=3).mark, "unknown argument(s) size"),
        (pytest.mark.iosxe_fleet(count="many").mark, "whole number, not 'many'"),
        (pytest.mark.iosxe_fleet(count=1001).mark, "1 to 1000, not 1001"),
        (pytest.mark.iosxe_fleet(prefix="").mark, "non-empty string"),
    ],
)
def test_a_fleet_marker_that_cannot_be_met_says_why(marker: pytest.Mark, error: str) -> None:
    with pytest.raises(pytest.UsageError, match=re.escape(error)):
        fleet_spec(marker, "3")


def test_the_device_marker_passes_the_devices_own_arguments_only() -> None:
    assert device_arguments(None) == {}
    assert device_arguments(pytest.mark.iosxe_device(hostname="E1").mark) == {"hostname": "E1"}
    with pytest.raises(pytest.UsageError, match=re.escape("unknown argument(s) state_dir")):
        device_arguments(pytest.mark.iosxe_device(state_dir="/tmp/x").mark)


def test_a_bad_marker_is_a_usage_error_naming_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_user="import pytest\n\n@pytest.mark.iosxe_fleet(count=0)\ndef test_x(iosxe_fleet):\n    pass\n"
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=120)
    result.stdout.fnmatch_lines(["*iosxe_fleet: count must be 1 to 1000, not 0*"])
    assert result.ret != 0
