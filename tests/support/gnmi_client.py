"""Driving an agent's gNMI from tests: turning it on, learning its ports from the operator log, and pygnmi
clients (plain text, or TLS trusting the device's own certificate) — tests/e2e/test_gnmi*.py, tools/bench."""

from __future__ import annotations

import re
from typing import Any

import grpc
from agents import ADMIN_PASSWORD, ADMIN_USER
from cli_dialogue import cli
from pygnmi.client import gNMIclient, gNMIException
from pygnmi.spec.v080 import gnmi_pb2_grpc

GNMI_CFG = "http://cisco.com/ns/yang/Cisco-IOS-XE-gnmi-cfg"
GNMI_LINE = r"gNMI on 127\.0\.0\.1:(\d+)"
GNMI_TLS_LINE = r"gNMI \(TLS\) on 127\.0\.0\.1:(\d+)"
#: tests/conftest.py's AgentProcess (pytest's importlib mode gives test files no import of conftest by name)
AgentProcess = Any


def announced_port(agent: AgentProcess, pattern: str, after: int) -> int:
    """The port of the first ``pattern`` line the agent printed from line ``after`` on (waiting for it)."""
    agent.wait_for_output(pattern, after=after)
    found = re.search(pattern, "".join(agent.output[after:]))
    assert found is not None
    return int(found.group(1))


def enable_gnmi(agent: AgentProcess) -> int:
    """``gnmi-yang`` and ``gnmi-yang server`` at the CLI; the plain-text port the agent announces."""
    mark = len(agent.output)
    cli(agent, "gnmi-yang", "gnmi-yang server")
    return announced_port(agent, GNMI_LINE, mark)


def enable_gnmi_tls(agent: AgentProcess, trustpoint: str = "TP-self-signed-1") -> int:
    """``gnmi-yang secure-trustpoint NAME`` and ``gnmi-yang secure-server``; the TLS port the agent announces."""
    mark = len(agent.output)
    cli(agent, "gnmi-yang", f"gnmi-yang secure-trustpoint {trustpoint}", "gnmi-yang secure-server")
    return announced_port(agent, GNMI_TLS_LINE, mark)


def client(port: int, *, password: str = ADMIN_PASSWORD, **kw: Any) -> gNMIclient:
    """A connected plain-text pygnmi client of the administrator (close it, or use it in ``with``)."""
    return gNMIclient(target=("127.0.0.1", port), username=ADMIN_USER, password=password, insecure=True, **kw)


def tls_client(agent: AgentProcess, port: int, **kw: Any) -> gNMIclient:
    """A pygnmi client over TLS that trusts the device certificate (its trustpoint file in the state dir)."""
    certs = sorted((agent.state_dir / "restconf").glob("TP-self-signed-*.crt"))
    assert len(certs) == 1, certs
    return gNMIclient(
        target=("127.0.0.1", port), username=ADMIN_USER, password=ADMIN_PASSWORD, path_root=str(certs[0]), **kw
    )


def configure_over_netconf(agent: AgentProcess, **leaves: str) -> None:
    """Merge ``/gnmi-cfg-data/config`` leaves (``secure_port="9400"``: the leaf ``secure-port``) into running over
    NETCONF, as automation configures 17.12's gNMI through Cisco-IOS-XE-gnmi-cfg."""
    body = "".join(f"<{k.replace('_', '-')}>{v}</{k.replace('_', '-')}>" for k, v in leaves.items())
    config = f'<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><gnmi-cfg-data xmlns="{GNMI_CFG}"><config>'
    with agent.connect() as m:
        m.edit_config(target="running", config=f"{config}{body}</config></gnmi-cfg-data></config>")


def status_of(error: gNMIException) -> grpc.StatusCode:
    """The gRPC status a pygnmi call failed with."""
    cause = error.orig_exc
    assert isinstance(cause, grpc.RpcError), error
    code: grpc.StatusCode = cause.code()
    return code


def raw_stub(port: int) -> tuple[gnmi_pb2_grpc.gNMIStub, grpc.Channel]:
    """pygnmi's generated gNMI stub on a plain channel, for requests pygnmi cannot form (malformed, raw codes)."""
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    return gnmi_pb2_grpc.gNMIStub(channel), channel


CREDENTIALS = (("username", ADMIN_USER), ("password", ADMIN_PASSWORD))
