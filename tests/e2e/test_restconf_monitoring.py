"""``ietf-restconf-monitoring`` (RFC 8040 §9) on the real agent: ``restconf-state`` lists the capabilities the
server implements, is state data (``content=nonconfig``/``all`` show it, ``config`` does not), cannot be written,
is in the YANG library as 17.12 lists it, and NETCONF ``<get>`` sees the same. ``show platform software
yang-management process`` tells which of 17.12's processes run for the interfaces configured.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from cli_dialogue import cli, show
from own_agent import own_agent
from restconf_client import JSON, AgentProcess, Restconf, enable_restconf

STATE = "ietf-restconf-monitoring:restconf-state"
RCMON = "urn:ietf:params:xml:ns:yang:ietf-restconf-monitoring"
CAPABILITIES = [
    "urn:ietf:params:restconf:capability:defaults:1.0?basic-mode=explicit",
    "urn:ietf:params:restconf:capability:depth:1.0",
    "urn:ietf:params:restconf:capability:fields:1.0",
    "urn:ietf:params:restconf:capability:with-defaults:1.0",
    "urn:ietf:params:restconf:capability:yang-patch:1.0",
]


@pytest.fixture(scope="module")
def agent(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AgentProcess]:
    with own_agent(request, tmp_path_factory, "rcmon", "--restconf-port", "0") as agent:
        yield agent


@pytest.fixture(scope="module")
def rc(agent: AgentProcess) -> Restconf:
    return enable_restconf(agent)


def test_restconf_state_lists_the_capabilities_the_server_has(rc: Restconf) -> None:
    reply = rc.get(STATE)
    assert reply.status_code == 200, reply.text
    assert reply.json() == {STATE: {"capabilities": {"capability": CAPABILITIES}}}  # no event stream is offered
    # each query parameter it announces is one the server takes
    for query in (("depth", "1"), ("fields", "capabilities"), ("with-defaults", "report-all")):
        assert rc.get(STATE, params=dict([query])).status_code == 200
    leaf_list = rc.get(f"{STATE}/capabilities/capability", accept=JSON).json()
    assert leaf_list == {"ietf-restconf-monitoring:capability": CAPABILITIES}


def test_it_is_state_data(rc: Restconf) -> None:
    assert rc.get(STATE, params={"content": "nonconfig"}).json() == rc.get(STATE, params={"content": "all"}).json()
    assert rc.get(STATE, params={"content": "config"}).status_code == 404
    assert STATE not in rc.get("", params={"content": "config"}).json()["ietf-restconf:data"]
    assert STATE in rc.get("", params={"content": "nonconfig"}).json()["ietf-restconf:data"]
    body = json.dumps({STATE: {"capabilities": {"capability": ["urn:x"]}}})
    for method in ("PUT", "PATCH", "DELETE"):
        refused = rc.send(method, STATE, body)
        assert refused.status_code == 405, (method, refused.text)
        assert refused.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert rc.get(STATE).json()[STATE]["capabilities"]["capability"] == CAPABILITIES


def test_the_library_and_netconf_see_it_as_17_12_lists_it(agent: AgentProcess, rc: Restconf) -> None:
    module = rc.get("ietf-yang-library:modules-state/module=ietf-restconf-monitoring,2017-01-26").json()
    (entry,) = module["ietf-yang-library:module"]
    assert (entry["namespace"], entry["conformance-type"]) == (RCMON, "implement")
    with agent.connect() as m:
        reply = m.get(filter=("subtree", f'<restconf-state xmlns="{RCMON}"/>'))
    assert [el.text for el in reply.data_ele.iter(f"{{{RCMON}}}capability")] == CAPABILITIES


def processes(agent: AgentProcess) -> dict[str, str]:
    shown = show(agent, "show platform software yang-management process")
    return dict(line.replace(" ", "").split(":") for line in shown.splitlines() if " : " in line)


def test_the_yang_management_processes_follow_the_configuration(agent: AgentProcess, rc: Restconf) -> None:
    states = processes(agent)
    assert list(states) == ["confd", "nesd", "syncfd", "ncsshd", "dmiauthd", "nginx", "ndbmand", "pubd", "gnmib"]
    assert {name for name, state in states.items() if state != "Running"} == {"gnmib"}
    cli(agent, "no netconf-yang")
    try:
        states = processes(agent)
        assert states["ncsshd"] == "NotRunning" and states["confd"] == "Running"  # RESTCONF keeps DMI up
    finally:
        mark = len(agent.output)
        cli(agent, "netconf-yang")
        agent.wait_for_output(r"NETCONF started \(netconf-yang\)", after=mark)  # for the module's NETCONF tests
