"""Driving an agent's RESTCONF from tests: turning it on at the CLI and a ``requests`` client that trusts the
device's own certificate (tests/e2e/test_restconf.py, test_restconf_ansible.py)."""

from __future__ import annotations

import re
from typing import Any

import requests
from agents import ADMIN_PASSWORD, ADMIN_USER
from cli_dialogue import cli

NATIVE = "Cisco-IOS-XE-native:native"
SSH = f"{NATIVE}/ip/ssh"
JSON = "application/yang-data+json"
XML = "application/yang-data+xml"
RESTCONF_LINE = r"RESTCONF on 127\.0\.0\.1:(\d+)"
#: tests/conftest.py's AgentProcess (pytest's importlib mode gives test files no import of conftest by name)
AgentProcess = Any


class Restconf:
    """A ``requests`` session on the agent's RESTCONF port, trusting the device's own certificate."""

    def __init__(self, agent: AgentProcess, port: int) -> None:
        self.base = f"https://127.0.0.1:{port}"
        self.port = port
        certs = sorted((agent.state_dir / "restconf").glob("TP-self-signed-*.crt"))
        assert len(certs) == 1, certs
        self.cert = certs[0]
        self.session = requests.Session()
        self.session.auth = (ADMIN_USER, ADMIN_PASSWORD)

    def http(self, method: str, url: str, **kw: Any) -> requests.Response:
        """One request; ``verify`` per request, as a session's own is overridden by ``REQUESTS_CA_BUNDLE``."""
        return self.session.request(method, url, verify=str(self.cert), timeout=30, **kw)

    def url(self, path: str) -> str:
        return f"{self.base}/restconf/data/{path}"

    def get(self, path: str, accept: str = JSON, **kw: Any) -> requests.Response:
        return self.http("GET", self.url(path), headers={"Accept": accept, **kw.pop("headers", {})}, **kw)

    def send(self, method: str, path: str, body: str | bytes, kind: str = JSON, **kw: Any) -> requests.Response:
        headers = {"Content-Type": kind, "Accept": kind, **kw.pop("headers", {})}
        return self.http(method, self.url(path), data=body, headers=headers, **kw)


def enable_restconf(agent: AgentProcess) -> Restconf:
    """``ip http secure-server`` and ``restconf`` at the CLI, then a client on the port the agent announces."""
    mark = len(agent.output)
    cli(agent, "ip http secure-server", "restconf")
    agent.wait_for_output(RESTCONF_LINE, after=mark)
    found = re.search(RESTCONF_LINE, "".join(agent.output[mark:]))
    assert found is not None
    return Restconf(agent, int(found.group(1)))
