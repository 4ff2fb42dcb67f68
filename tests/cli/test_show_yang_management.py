"""``show platform software yang-management process`` (pure): 17.12's nine processes in its layout, each running
as the configuration has it run."""

from __future__ import annotations

from lxml import etree

from iosxe_agent.cli.show_yang_management import (
    PROCESSES,
    Programmability,
    programmability,
    show_yang_management_process,
)
from iosxe_agent.device.names import HTTP_NS, NATIVE_NS, PRIVATE_NS

ALL_DMI = {"confd", "nesd", "syncfd", "dmiauthd", "ndbmand", "pubd"}


def states(text: str) -> dict[str, str]:
    lines = text.split("\n")
    assert len(lines) == len(PROCESSES)
    parsed = {}
    for line in lines:
        name, state = line[:17].rstrip(), line[17:]
        assert line[17:19] == ": " and line.endswith(" "), repr(line)
        parsed[name] = state[2:-1]
    assert list(parsed) == list(PROCESSES)
    return parsed


def running(on: Programmability) -> set[str]:
    return {name for name, state in states(show_yang_management_process(on)).items() if state == "Running"}


def test_the_layout_is_17_12s() -> None:
    text = show_yang_management_process(Programmability(netconf=True))
    assert text.startswith("confd            : Running \nnesd             : Running \n")
    assert "ncsshd           : Running \n" in text and "nginx            : Not Running \n" in text
    assert text.endswith("\ngnmib            : Not Running ")


def test_each_interface_runs_its_processes() -> None:
    assert running(Programmability()) == set()
    assert running(Programmability(netconf=True)) == ALL_DMI | {"ncsshd"}
    assert running(Programmability(restconf=True, web_server=True)) == ALL_DMI | {"nginx"}
    assert running(Programmability(web_server=True)) == {"nginx"}  # the web server alone runs no DMI
    assert running(Programmability(gnmi=True)) == ALL_DMI | {"gnmib"}


def test_the_configuration_decides() -> None:
    assert programmability(etree.Element("config")) == Programmability()
    root = etree.Element("config")  # a new tree: the views remember the last one they read
    native = etree.SubElement(root, f"{{{NATIVE_NS}}}native")
    etree.SubElement(native, f"{{{PRIVATE_NS}}}netconf-yang")
    etree.SubElement(native, f"{{{PRIVATE_NS}}}restconf")
    http = etree.SubElement(etree.SubElement(native, f"{{{NATIVE_NS}}}ip"), f"{{{HTTP_NS}}}http")
    etree.SubElement(http, f"{{{HTTP_NS}}}server").text = "true"
    on = programmability(root)
    assert (on.netconf, on.restconf, on.web_server, on.gnmi) == (True, True, True, False)
