"""NETCONF, RESTCONF, gNMI and the CLI are four faces on one running datastore: a change made through any of them
is seen, in the same test, by the other three (issue 20's acceptance). One agent, each face turned on as an
operator does it (``restconf`` + ``ip http secure-server``, ``gnmi-yang`` + ``gnmi-yang server`` at the CLI).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from cli_dialogue import cli, show
from gnmi_client import client, enable_gnmi
from namespaces import IOS as native
from own_agent import own_agent
from restconf_client import SSH, AgentProcess, Restconf, enable_restconf

GNMI_SSH = "Cisco-IOS-XE-native:native/ip/ssh"


@pytest.fixture(scope="module")
def faces(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[AgentProcess, Restconf, int]]:
    """One agent with RESTCONF and gNMI on, on ports the kernel chose (xdist workers run side by side)."""
    args = ("--restconf-port", "0", "--gnmi-port", "0", "--gnmi-secure-port", "0")
    with own_agent(request, tmp_path_factory, "faces", *args) as agent:
        yield agent, enable_restconf(agent), enable_gnmi(agent)


def by_netconf(agent: AgentProcess, leaf: str) -> str | None:
    with agent.connect() as m:
        reply = m.get_config("running", filter=("subtree", f'<native xmlns="{native}"><ip><ssh/></ip></native>'))
    return reply.data_ele.findtext(f".//{{{native}}}ssh/{{{native}}}{leaf}")


def by_restconf(rc: Restconf, leaf: str) -> Any:
    got = rc.get(f"{SSH}/{leaf}")
    return got.json()[f"Cisco-IOS-XE-native:{leaf}"] if got.status_code == 200 else None


def by_gnmi(port: int, leaf: str) -> Any:
    with client(port) as g:
        reply = g.get(path=[f"{GNMI_SSH}/{leaf}"], encoding="json_ietf")
    return [u["val"] for n in reply["notification"] for u in n.get("update", [])]


def by_cli(agent: AgentProcess, leaf: str) -> list[str]:
    out = show(agent, f"show running-config | include ^ip ssh {leaf}")
    return [line.strip() for line in out.splitlines() if line.startswith(f"ip ssh {leaf}")]


def seen_everywhere(agent: AgentProcess, rc: Restconf, port: int, leaf: str, value: int) -> None:
    assert by_netconf(agent, leaf) == str(value)
    assert by_restconf(rc, leaf) == value
    assert by_gnmi(port, leaf) == [value]
    assert by_cli(agent, leaf) == [f"ip ssh {leaf} {value}"]


def test_a_change_by_each_face_is_seen_by_the_other_three(faces: tuple[AgentProcess, Restconf, int]) -> None:
    agent, rc, port = faces
    agent.commit("<ip><ssh><time-out>61</time-out></ssh></ip>")  # NETCONF
    seen_everywhere(agent, rc, port, "time-out", 61)

    patched = rc.send("PATCH", SSH, json.dumps({"Cisco-IOS-XE-native:ssh": {"time-out": 62}}))  # RESTCONF
    assert patched.status_code == 204, patched.text
    seen_everywhere(agent, rc, port, "time-out", 62)

    with client(port) as g:  # gNMI
        g.set(update=[(f"{GNMI_SSH}/time-out", 63)], encoding="json_ietf")
    seen_everywhere(agent, rc, port, "time-out", 63)

    cli(agent, "ip ssh time-out 64")  # the CLI
    seen_everywhere(agent, rc, port, "time-out", 64)


def test_a_delete_by_gnmi_is_gone_from_every_face(faces: tuple[AgentProcess, Restconf, int]) -> None:
    agent, rc, port = faces
    cli(agent, "ip ssh authentication-retries 4")
    seen_everywhere(agent, rc, port, "authentication-retries", 4)
    with client(port) as g:
        g.set(delete=[f"{GNMI_SSH}/authentication-retries"], encoding="json_ietf")
    assert by_netconf(agent, "authentication-retries") is None
    assert by_restconf(rc, "authentication-retries") is None
    assert by_cli(agent, "authentication-retries") == []
