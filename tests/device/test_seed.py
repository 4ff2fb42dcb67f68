"""A device's first configuration from a seed file: the admin user ensured, the device's name as hostname."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from namespaces import IOS, NC

from iosxe_agent.device import views
from iosxe_agent.device.access import can_open_netconf
from iosxe_agent.device.bootstrap import bootstrap_config
from iosxe_agent.device.passwords import type9_hash, verify
from iosxe_agent.device.seed import SeedError, first_key_label, seeded_config, with_hostname
from iosxe_agent.limits import DEFAULT_LIMITS

SECRET = type9_hash("Adm1n-pass")


@pytest.fixture(scope="module")
def schema(helpers: Any) -> Any:
    return helpers.cisco_schema()


def test_an_ios_text_seed_keeps_its_configuration_and_gains_the_admin(tmp_path: Path, schema: Any) -> None:
    seed = tmp_path / "core.cfg"
    seed.write_text("hostname core\nip domain name seed.example\nusername ops privilege 1 secret 0 Ops-pass-1\n")
    tree = seeded_config(seed, schema, DEFAULT_LIMITS, user="admin", secret_hash=SECRET, hostname="R7")
    assert views.identity(tree).hostname == "R7" and views.identity(tree).domain == "seed.example"
    aaa = views.aaa(tree)
    admin, ops = aaa.user("admin"), aaa.user("ops")
    assert admin is not None and admin.privilege == 15 and admin.stored == SECRET
    assert ops is not None and ops.privilege == 1 and verify("9", str(ops.stored), "Ops-pass-1")
    assert can_open_netconf(tree, "admin")
    assert first_key_label(tree, "fallback") == "R7.seed.example"


def test_an_xml_seed_and_no_name(tmp_path: Path, schema: Any) -> None:
    seed = tmp_path / "core.xml"
    seed.write_text(f'<config xmlns="{NC}"><native xmlns="{IOS}"><hostname>core</hostname></native></config>')
    tree = seeded_config(seed, schema, DEFAULT_LIMITS, user="netops", secret_hash=SECRET, hostname=None)
    assert views.identity(tree).hostname == "core"
    assert can_open_netconf(tree, "netops")
    assert first_key_label(tree, "core.lab.local") == "core.lab.local"  # no domain: IOS has no default label


def test_a_seed_boots_with_the_lines_it_can_apply(tmp_path: Path, schema: Any, caplog: Any) -> None:
    """As a real box booting from its startup-config: a line that is not a command is skipped and named (on the
    operator's console), the others apply."""
    seed = tmp_path / "core.cfg"
    seed.write_text("hostname core\nip ssh time-out 999\nip ssh time-out 40\n")
    tree = seeded_config(seed, schema, DEFAULT_LIMITS, user="admin", secret_hash=SECRET, hostname=None)
    assert views.identity(tree).hostname == "core" and views.ssh(tree).auth_timeout == 40
    assert "core.cfg: 1 invalid line(s) skipped: line 2 'ip ssh time-out 999'" in caplog.text


def test_a_bad_seed_is_one_line_naming_the_file(tmp_path: Path, schema: Any) -> None:
    seed = tmp_path / "bad.cfg"
    seed.write_text("<config")
    with pytest.raises(SeedError, match="%Error parsing") as caught:
        seeded_config(seed, schema, DEFAULT_LIMITS, user="admin", secret_hash=SECRET, hostname="R1")
    assert "bad.cfg" in str(caught.value) and "\n" not in str(caught.value)
    with pytest.raises(SeedError, match="cannot read"):
        seeded_config(tmp_path / "missing.cfg", schema, DEFAULT_LIMITS, user="a", secret_hash=SECRET, hostname=None)


def test_the_bootstrap_takes_the_devices_name() -> None:
    tree = with_hostname(bootstrap_config("admin", "Adm1n-pass"), "edge12")
    assert views.identity(tree).hostname == "edge12"
    assert first_key_label(tree, "fallback") == "edge12.lab.local"
