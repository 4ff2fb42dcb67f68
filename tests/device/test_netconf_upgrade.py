"""Configurations of versions that served NETCONF whatever they stored get ``netconf-yang`` (device/upgrade.py)."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from iosxe_agent.device.names import NATIVE_NS
from iosxe_agent.device.upgrade import mark_netconf_followed, netconf_followed, netconf_served
from iosxe_agent.device.views.netconf_view import NetconfView, read_netconf

NC = "urn:ietf:params:xml:ns:netconf:base:1.0"


def test_a_configuration_without_netconf_yang_gets_it_once() -> None:
    old = etree.fromstring(
        f'<config xmlns="{NC}"><native xmlns="{NATIVE_NS}"><hostname>R1</hostname></native></config>'
    )
    assert not read_netconf(old).enabled  # the view's pure reader: views cache a tree, this one changes in place
    netconf_served(old)
    assert read_netconf(old) == NetconfView(enabled=True, candidate_datastore=False)
    again = etree.tostring(old)
    netconf_served(old)  # nothing more to do
    assert etree.tostring(old) == again


def test_an_empty_configuration_gets_netconf_yang() -> None:
    empty = etree.fromstring(f'<config xmlns="{NC}"/>')
    netconf_served(empty)
    assert read_netconf(empty).enabled


def test_the_marker_says_the_stored_configuration_decides(tmp_path: Path) -> None:
    assert not netconf_followed(tmp_path)
    mark_netconf_followed(tmp_path)
    assert netconf_followed(tmp_path)
