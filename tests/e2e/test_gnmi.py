"""gNMI (v0.10 over gRPC) against the real agent with pygnmi: Capabilities, Get, Set and Subscribe on the same
running datastore as NETCONF and the CLI, 17.12's paths, errors, authentication, TLS with the device certificate,
and the configuration that turns the servers on and off.

The agent gets ``--gnmi-port 0 --gnmi-secure-port 0`` (any free ports: xdist workers run side by side), and the
tests learn the ports from its ``gNMI on HOST:PORT`` / ``gNMI (TLS) on HOST:PORT`` lines.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from agents import ADMIN_PASSWORD
from cisco_yang import extract_cisco_modules
from cli_dialogue import cli, show
from gnmi_client import (
    CREDENTIALS,
    GNMI_CFG,
    GNMI_LINE,
    AgentProcess,
    announced_port,
    client,
    configure_over_netconf,
    enable_gnmi,
    enable_gnmi_tls,
    raw_stub,
    status_of,
    tls_client,
)
from lxml import etree
from namespaces import IOS as native
from own_agent import own_agent
from pygnmi.client import gNMIException
from pygnmi.spec.v080 import gnmi_pb2

SSH = "Cisco-IOS-XE-native:native/ip/ssh"
HOSTNAME = "Cisco-IOS-XE-native:native/hostname"
#: ``ip ssh bulk-mode 131072`` of a factory box, as the value of its container (RFC 7951: members qualified)
BULK_MODE = {"Cisco-IOS-XE-native:window-size": 131072}
MAX_PATHS = 8


@pytest.fixture(scope="module")
def gnmi_agent(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AgentProcess]:
    """An agent of this module's own with gNMI's ports chosen by the kernel."""
    limits = ("--limit", "gnmi_min_sample_interval_s=0.2", "--limit", f"gnmi_max_paths={MAX_PATHS}")
    with own_agent(request, tmp_path_factory, "gnmi", "--gnmi-port", "0", "--gnmi-secure-port", "0", *limits) as agent:
        yield agent


@pytest.fixture(scope="module")
def port(gnmi_agent: AgentProcess) -> int:
    return enable_gnmi(gnmi_agent)


def ssh_leaf(agent: AgentProcess, name: str) -> str | None:
    """``ip ssh <name>`` as NETCONF reads it from running."""
    with agent.connect() as m:
        reply = m.get_config("running", filter=("subtree", f'<native xmlns="{native}"><ip><ssh/></ip></native>'))
    return reply.data_ele.findtext(f".//{{{native}}}ssh/{{{native}}}{name}")


def running(agent: AgentProcess, start: str) -> list[str]:
    """The lines of ``show running-config`` that begin with ``start`` (the echoed command left out)."""
    return [line for line in show(agent, "show running-config").splitlines() if line.startswith(start)]


def values(reply: dict) -> list[tuple[str, object]]:
    """(path, value) of every update of a pygnmi Get reply."""
    return [(u["path"], u["val"]) for n in reply["notification"] for u in n.get("update", [])]


def test_capabilities(port: int) -> None:
    with client(port) as g:
        caps = g.capabilities()
    assert caps["gnmi_version"] == "0.10.0"
    assert "json_ietf" in caps["supported_encodings"]
    models = {m["name"]: m for m in caps["supported_models"]}
    assert models["Cisco-IOS-XE-native"]["version"] and models["Cisco-IOS-XE-gnmi-cfg"]["version"] == "2022-11-01"
    assert "iosxe-agent-private" not in models  # the device-private module is never served


def test_get_ip_ssh_json_ietf_in_both_path_forms(port: int) -> None:
    with client(port) as g:
        module_origin = g.get(path=[SSH], encoding="json_ietf")  # origin = module name, as pygnmi sends 17.12's form
        rfc7951 = g.get(path=[f"rfc7951:/{SSH}"], encoding="json_ietf", datatype="config")
    [(path, value)] = values(module_origin)
    assert path.endswith("native/ip/ssh") and isinstance(value, dict)
    assert value["Cisco-IOS-XE-native:bulk-mode"] == {"window-size": 131072}  # a factory box's `ip ssh bulk-mode`
    assert [v for _, v in values(rfc7951)] == [value]


def test_set_update_replace_delete_seen_by_netconf_and_cli(gnmi_agent: AgentProcess, port: int) -> None:
    with client(port) as g:
        reply = g.set(update=[(f"{SSH}/time-out", 42)], encoding="json_ietf")
        assert [r["op"] for r in reply["response"]] == ["UPDATE"]
        assert ssh_leaf(gnmi_agent, "time-out") == "42"
        assert running(gnmi_agent, "ip ssh time-out") == ["ip ssh time-out 42"]
        g.set(replace=[(f"{SSH}/time-out", 55)], encoding="json_ietf")
        assert ssh_leaf(gnmi_agent, "time-out") == "55"
        assert running(gnmi_agent, "ip ssh time-out") == ["ip ssh time-out 55"]
        g.set(delete=[f"{SSH}/time-out"], encoding="json_ietf")
    assert ssh_leaf(gnmi_agent, "time-out") is None
    assert running(gnmi_agent, "ip ssh time-out") == []


def test_change_by_netconf_seen_by_gnmi_get(gnmi_agent: AgentProcess, port: int) -> None:
    gnmi_agent.commit("<ip><ssh><authentication-retries>4</authentication-retries></ssh></ip>")
    with client(port) as g:
        reply = g.get(path=[f"{SSH}/authentication-retries"], encoding="json_ietf")
    assert [v for _, v in values(reply)] == [4]


def test_set_is_atomic_and_a_bad_path_or_value_changes_nothing(gnmi_agent: AgentProcess, port: int) -> None:
    with client(port) as g:
        g.set(update=[(f"{SSH}/time-out", 30)], encoding="json_ietf")
        with pytest.raises(gNMIException) as bad_path:
            g.set(update=[(f"{SSH}/time-out", 31), ("Cisco-IOS-XE-native:native/no-such-node", 1)])
        assert status_of(bad_path.value) in (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.NOT_FOUND)
        with pytest.raises(gNMIException) as bad_value:
            g.set(update=[(f"{SSH}/time-out", 31), (f"{SSH}/authentication-retries", 99)], encoding="json_ietf")
        assert status_of(bad_value.value) == grpc.StatusCode.INVALID_ARGUMENT
    assert ssh_leaf(gnmi_agent, "time-out") == "30"  # neither request changed anything


def test_too_many_paths_in_one_request_are_refused(port: int) -> None:
    with client(port) as g:
        assert len(values(g.get(path=[HOSTNAME] * MAX_PATHS, encoding="json_ietf"))) == MAX_PATHS
        with pytest.raises(gNMIException) as too_many:
            g.get(path=[HOSTNAME] * (MAX_PATHS + 1), encoding="json_ietf")
    assert status_of(too_many.value) == grpc.StatusCode.RESOURCE_EXHAUSTED


def test_get_of_an_absent_node_is_not_found(port: int) -> None:
    with client(port) as g, pytest.raises(gNMIException) as absent:
        g.get(path=["Cisco-IOS-XE-native:native/banner/motd"], encoding="json_ietf")
    assert status_of(absent.value) == grpc.StatusCode.NOT_FOUND


def test_wrong_password_is_unauthenticated(port: int) -> None:
    wrong = client(port, password=ADMIN_PASSWORD + "x")
    with pytest.raises(gNMIException) as refused:
        wrong.connect()  # pygnmi asks for the capabilities first
    wrong.close()
    assert status_of(refused.value) == grpc.StatusCode.UNAUTHENTICATED
    stub, channel = raw_stub(port)
    with channel, pytest.raises(grpc.RpcError) as anonymous:
        stub.Capabilities(gnmi_pb2.CapabilityRequest(), timeout=10)
    assert anonymous.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_malformed_protobuf_and_unserved_encoding_are_refused(port: int) -> None:
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    with channel:
        raw_get = channel.unary_unary("/gnmi.gNMI/Get")
        with pytest.raises(grpc.RpcError) as malformed:
            raw_get(b"\x0a\xff\xff\xff", metadata=CREDENTIALS, timeout=10)
        assert malformed.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        stub = raw_stub(port)[0].__class__(channel)
        with pytest.raises(grpc.RpcError) as proto:
            stub.Get(gnmi_pb2.GetRequest(encoding=gnmi_pb2.PROTO), metadata=CREDENTIALS, timeout=10)
        assert proto.value.code() == grpc.StatusCode.UNIMPLEMENTED


def test_set_refused_while_netconf_holds_the_lock(gnmi_agent: AgentProcess, port: int) -> None:
    with gnmi_agent.connect() as m, m.locked("running"), client(port) as g:
        with pytest.raises(gNMIException) as locked:
            g.set(update=[(f"{SSH}/time-out", 33)], encoding="json_ietf")
        assert status_of(locked.value) == grpc.StatusCode.FAILED_PRECONDITION
    assert ssh_leaf(gnmi_agent, "time-out") != "33"


def test_subscribe_once_and_poll(port: int) -> None:
    request = {"subscription": [{"path": f"{SSH}/bulk-mode"}], "mode": "once", "encoding": "json_ietf"}
    with client(port) as g:
        replies = list(g.subscribe2(subscribe=request))
        assert replies[-1].get("sync_response") is True
        [update] = [u for r in replies for u in r.get("update", {}).get("update", [])]
        assert update["val"] == BULK_MODE
        poll = g.subscribe2(subscribe={**request, "mode": "poll"})
        try:
            first, second = poll.get_update(timeout=20), poll.get_update(timeout=20)
        finally:
            poll.close()
    assert first["sync_response"] and second["sync_response"]
    assert first["update"]["update"] == second["update"]["update"]


def test_subscribe_stream_on_change_sees_a_cli_hostname(gnmi_agent: AgentProcess, port: int) -> None:
    request = {
        "subscription": [{"path": HOSTNAME, "mode": "on_change"}],
        "mode": "stream",
        "encoding": "json_ietf",
    }
    with client(port) as g:
        stream = g.subscribe2(subscribe=request)
        try:
            initial = stream.get_update(timeout=20)
            assert initial["sync_response"] is True
            cli(gnmi_agent, "hostname gnmi-watched")
            change = stream.get_update(timeout=20)
            cli(gnmi_agent, "hostname Router")
        finally:
            stream.close()
    assert [u["val"] for u in change["update"]["update"]] == ["gnmi-watched"]


def test_subscribe_stream_on_change_updates_only_reports_a_delete(gnmi_agent: AgentProcess, port: int) -> None:
    request = {
        "subscription": [{"path": f"{SSH}/time-out", "mode": "on_change"}],
        "mode": "stream",
        "encoding": "json_ietf",
        "updates_only": True,
    }
    with client(port) as g:
        stream = g.subscribe2(subscribe=request)
        try:
            assert stream.get_update(timeout=20) == {"sync_response": True, "update": {}}  # no initial values
            cli(gnmi_agent, "ip ssh time-out 21")
            update = stream.get_update(timeout=20)
            cli(gnmi_agent, "no ip ssh time-out 21")
            delete = stream.get_update(timeout=20)
        finally:
            stream.close()
    assert [u["val"] for u in update["update"]["update"]] == [21]
    assert [d["path"] for d in delete["update"]["delete"]] == [f"{SSH}/time-out"]


def test_subscribe_stream_sample(port: int) -> None:
    request = {
        "subscription": [{"path": f"{SSH}/bulk-mode", "mode": "sample", "sample_interval": 200_000_000}],
        "mode": "stream",
        "encoding": "json_ietf",
    }
    with client(port) as g:
        stream = g.subscribe2(subscribe=request)
        try:
            assert stream.get_update(timeout=20)["sync_response"] is True
            samples = [stream.get_update(timeout=20) for _ in range(2)]  # one every 0.2 s
        finally:
            stream.close()
    assert [s["update"]["update"][0]["val"] for s in samples] == [BULK_MODE, BULK_MODE], samples


def test_tls_with_the_device_certificate(gnmi_agent: AgentProcess, port: int) -> None:
    secure = enable_gnmi_tls(gnmi_agent)
    with tls_client(gnmi_agent, secure) as g:
        reply = g.get(path=[HOSTNAME], encoding="json_ietf")
    assert [v for _, v in values(reply)] == ["Router"]
    assert running(gnmi_agent, "gnmi-yang") == [
        "gnmi-yang",
        "gnmi-yang server",
        "gnmi-yang secure-server",
        "gnmi-yang secure-trustpoint TP-self-signed-1",
    ]


@pytest.mark.skipif(shutil.which("yanglint") is None, reason="yanglint (Debian libyang2-tools) is not installed")
def test_netconf_sees_the_cli_settings_valid_against_cisco_s_real_module(
    gnmi_agent: AgentProcess, port: int, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    cli(gnmi_agent, "gnmi-yang port 50099", "gnmi-yang secure-port 9400", "gnmi-yang secure-password-authentication")
    with gnmi_agent.connect() as m:
        reply = m.get_config("running", filter=("subtree", f'<gnmi-cfg-data xmlns="{GNMI_CFG}"/>'))
    data = reply.data_ele.find(f"{{{GNMI_CFG}}}gnmi-cfg-data")
    assert data is not None
    config = {el.tag.rpartition("}")[2]: el.text for el in data.iterfind(f"{{{GNMI_CFG}}}config/*")}
    assert config["port"] == "50099" and config["secure-port"] == "9400" and config["secure-password-auth"] == "true"
    cisco = extract_cisco_modules(tmp_path_factory.mktemp("cisco-yang"))
    doc = tmp_path / "gnmi.xml"
    doc.write_bytes(etree.tostring(data))
    module = cisco / "Cisco-IOS-XE-gnmi-cfg.yang"
    lint = subprocess.run(["yanglint", "-p", str(cisco), "-t", "config", str(module), str(doc)], capture_output=True)
    assert lint.returncode == 0 and not lint.stdout.strip() and not lint.stderr.strip(), lint
    cli(gnmi_agent, "no gnmi-yang port 50099", "no gnmi-yang secure-port 9400")


def test_no_gnmi_yang_stops_both_servers_and_gnmi_yang_restarts_on_the_same_port(
    gnmi_agent: AgentProcess, port: int
) -> None:
    mark = len(gnmi_agent.output)
    cli(gnmi_agent, "no gnmi-yang")
    gnmi_agent.wait_for_output(r"gNMI stopped", after=mark)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    assert running(gnmi_agent, "gnmi-yang") == []
    assert enable_gnmi(gnmi_agent) == port


def test_configured_over_netconf_with_cisco_gnmi_cfg(gnmi_agent: AgentProcess, port: int) -> None:
    mark = len(gnmi_agent.output)
    configure_over_netconf(gnmi_agent, service="false")
    gnmi_agent.wait_for_output(r"gNMI stopped", after=mark)
    mark = len(gnmi_agent.output)
    configure_over_netconf(gnmi_agent, service="true")
    assert announced_port(gnmi_agent, GNMI_LINE, mark) == port
