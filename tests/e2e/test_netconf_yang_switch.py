"""``no netconf-yang`` stops NETCONF and ``netconf-yang`` starts it again, as on IOS XE 17.12.

Typed at the CLI (NETCONF cannot write the node: it is device-private, hidden from it): the NETCONF port then
refuses connections (ncclient's connect fails, a bare TCP connect is refused) and an open ncclient session ends;
``netconf-yang`` brings NETCONF back on the very same port. Saved with ``write memory``, the choice survives a
restart. A state directory of an older version (which served NETCONF whatever it stored, and whose oldest
configurations have no ``netconf-yang`` at all) keeps NETCONF on once upgraded, and its configuration decides
from then on.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cli_dialogue import Dialogue, in_shell
from lxml import etree
from ncclient.transport.errors import SSHError
from stored_running import as_plain_running, stored_running
from waiting import until

from iosxe_agent.serve import compiled_schema

MARKER = "netconf-yang-followed"  # iosxe_agent.device.upgrade.NETCONF_FOLLOWED
NETCONF_YANG = "{urn:iosxe-agent:params:xml:ns:yang:private}netconf-yang"


def stored_netconf_yang(path: Path) -> list[etree._Element]:
    return list(etree.parse(path).getroot().iter(NETCONF_YANG))


def without_netconf_yang(tree: etree._Element) -> etree._Element:
    """``tree`` without ``netconf-yang``, as versions that never stored it wrote it."""
    found = list(tree.iter(NETCONF_YANG))
    assert found
    for node in found:
        parent = node.getparent()
        assert parent is not None
        parent.remove(node)
    return tree


def as_an_older_version_stored(state: Path) -> None:
    """Rewrite a stopped agent's ``state`` as a version before ``netconf-yang`` was stored wrote it: startup without
    the line, and running likewise, in the one plain ``running-config.xml`` such a version kept it in."""
    startup = state / "startup-config.xml"
    startup.write_bytes(etree.tostring(without_netconf_yang(etree.parse(startup).getroot()), xml_declaration=True,
                                       encoding="UTF-8"))  # fmt: skip
    running = stored_running(state, compiled_schema())
    assert running is not None
    as_plain_running(state, without_netconf_yang(running))


def configure(agent: Any, *lines: str, save: bool = False) -> str:
    """Type ``lines`` in configuration mode (and ``write memory`` if ``save``) over the device's SSH CLI."""

    async def typing(shell: Dialogue) -> str:
        out = await shell.cmd("configure terminal")
        for line in lines:
            out += await shell.cmd(line)
        out += await shell.cmd("end")
        if save:
            out += await shell.cmd("write memory", "[OK]")
            out += await shell.until("#")
        return out

    return asyncio.run(in_shell(agent.ssh_port, typing))


def netconf_lines(agent: Any) -> list[str]:
    """The ``netconf-yang`` lines of ``show running-config``."""

    async def show(shell: Dialogue) -> str:
        return await shell.cmd("show running-config | include ^netconf-yang")

    out = asyncio.run(in_shell(agent.ssh_port, show))
    return [line for line in out.splitlines() if line.startswith("netconf-yang")]


def refused(port: int) -> bool:
    """True if a TCP connect to the NETCONF port is refused (nothing listens, nothing else holds the port)."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    except ConnectionRefusedError:
        return True
    return False


def assert_netconf_off(agent: Any) -> None:
    assert refused(agent.netconf_port)
    with pytest.raises(SSHError):
        agent.connect(timeout=10)


def assert_netconf_on(agent: Any) -> None:
    with agent.connect() as m:
        assert "<hostname>" in m.get_config(source="running").xml


def test_no_netconf_yang_stops_netconf_and_netconf_yang_starts_it_on_the_same_port(
    fresh_agent: Callable[..., Any],
) -> None:
    agent = fresh_agent()
    port = agent.netconf_port
    session = agent.connect()
    assert session.connected
    configure(agent, "no netconf-yang")
    agent.wait_for_output(rf"NETCONF stopped \(no netconf-yang\); port {port} held")
    assert until(lambda: not session.connected, timeout=10)  # the open session ended with the server
    assert_netconf_off(agent)
    assert netconf_lines(agent) == []

    mark = len(agent.output)
    configure(agent, "netconf-yang")
    agent.wait_for_output(rf"NETCONF started \(netconf-yang\) on 127\.0\.0\.1:{port}$", after=mark)
    assert agent.netconf_port == port
    assert_netconf_on(agent)
    assert netconf_lines(agent) == ["netconf-yang"]  # `no netconf-yang` took the candidate feature with it


def test_no_netconf_yang_saved_survives_a_restart(fresh_agent: Callable[..., Any]) -> None:
    agent = fresh_agent()
    configure(agent, "no netconf-yang", save=True)
    agent.wait_for_output(r"NETCONF stopped \(no netconf-yang\)")
    agent.restart()
    agent.wait_for_output(rf"NETCONF off \(no netconf-yang\); port {agent.netconf_port} held")
    assert_netconf_off(agent)

    configure(agent, "netconf-yang", save=True)
    agent.wait_for_output(rf"NETCONF started \(netconf-yang\) on 127\.0\.0\.1:{agent.netconf_port}$")
    assert_netconf_on(agent)
    agent.restart()
    assert "NETCONF off" not in agent.log_text()
    assert_netconf_on(agent)


def test_a_state_directory_of_an_older_version_keeps_netconf_on(fresh_agent: Callable[..., Any]) -> None:
    """An older version never stored ``netconf-yang`` (and served NETCONF all the same): its state directory,
    simulated by taking the line and the marker out of a stopped agent's, still serves NETCONF after the upgrade,
    stores ``netconf-yang`` from then on, and a later ``no netconf-yang`` saved there holds across a restart."""
    agent = fresh_agent()
    agent.stop()
    as_an_older_version_stored(agent.state_dir)
    (agent.state_dir / MARKER).unlink()

    agent.start()
    assert_netconf_on(agent)
    assert (agent.state_dir / MARKER).is_file()
    assert stored_netconf_yang(agent.state_dir / "startup-config.xml")  # written back
    assert not (agent.state_dir / "running-config.xml").exists()  # running moved to a snapshot and its journal

    configure(agent, "no netconf-yang", save=True)
    agent.wait_for_output(r"NETCONF stopped \(no netconf-yang\)")
    agent.restart()
    assert_netconf_off(agent)
