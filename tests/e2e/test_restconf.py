"""RESTCONF (RFC 8040) against the real agent with ``requests`` and ``curl``: the same running datastore as
NETCONF and the CLI, IOS XE's paths, errors, authentication and locks.

RESTCONF is turned on as an operator does it, at the CLI (``restconf`` is CLI-only on 17.12, and a factory box
has ``ip http secure-server``), and the tests learn the port from the agent's ``RESTCONF on HOST:PORT`` line.
"""

from __future__ import annotations

import json
import shutil
import socket
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from agents import ADMIN_PASSWORD, ADMIN_USER
from cli_dialogue import cli, show
from lxml import etree
from namespaces import IOS as native
from own_agent import own_agent
from restconf_client import JSON, NATIVE, SSH, XML, AgentProcess, Restconf, enable_restconf

from iosxe_agent.yang.loader import ietf_module_dir

MAX_CONNECTIONS = 4
YANG_DIR = Path(__file__).resolve().parents[2] / "yang"


@pytest.fixture(scope="module")
def rc_agent(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AgentProcess]:
    """An agent of this module's own, its RESTCONF on any free port (xdist workers run side by side)."""
    args = ("--restconf-port", "0", "--limit", f"restconf_max_connections={MAX_CONNECTIONS}")
    with own_agent(request, tmp_path_factory, "restconf", *args) as agent:
        yield agent


@pytest.fixture(scope="module")
def rc(rc_agent: AgentProcess) -> Restconf:
    return enable_restconf(rc_agent)


def ssh_leaf(agent: AgentProcess, name: str) -> str | None:
    """``ip ssh <name>`` as NETCONF reads it from running."""
    with agent.connect() as m:
        reply = m.get_config("running", filter=("subtree", f'<native xmlns="{native}"><ip><ssh/></ip></native>'))
    return reply.data_ele.findtext(f".//{{{native}}}ssh/{{{native}}}{name}")


def test_discovery_root_and_library_version(rc: Restconf) -> None:
    meta = rc.http("GET", f"{rc.base}/.well-known/host-meta")
    assert meta.status_code == 200
    link = etree.fromstring(meta.content).find("{http://docs.oasis-open.org/ns/xri/xrd-1.0}Link")
    assert link is not None and link.get("rel") == "restconf" and link.get("href") == "/restconf"
    root = rc.http("GET", f"{rc.base}/restconf", headers={"Accept": JSON})
    assert root.json()["ietf-restconf:restconf"]["yang-library-version"] == "2016-06-21"
    version = rc.http("GET", f"{rc.base}/restconf/yang-library-version", headers={"Accept": JSON})
    assert version.json() == {"ietf-restconf:yang-library-version": "2016-06-21"}


def test_get_ip_ssh_json_and_xml(rc: Restconf) -> None:
    got = rc.get(SSH)
    assert got.status_code == 200 and got.headers["Content-Type"] == JSON
    assert "Cisco-IOS-XE-native:ssh" in got.json()
    assert got.headers["ETag"] and got.headers["Last-Modified"]
    xml = rc.get(SSH, accept=XML)
    assert xml.status_code == 200
    assert etree.fromstring(xml.content).tag == f"{{{native}}}ssh"


def test_patch_seen_by_netconf_and_show_running(rc_agent: AgentProcess, rc: Restconf) -> None:
    patched = rc.send("PATCH", SSH, json.dumps({"Cisco-IOS-XE-native:ssh": {"time-out": 77}}))
    assert patched.status_code == 204, patched.text
    assert ssh_leaf(rc_agent, "time-out") == "77"
    assert "ip ssh time-out 77" in show(rc_agent, "show running-config | include ip ssh")
    assert rc.get(f"{SSH}/time-out").json() == {"Cisco-IOS-XE-native:time-out": 77}
    assert rc.get(SSH, params={"fields": "time-out"}).json() == {"Cisco-IOS-XE-native:ssh": {"time-out": 77}}
    assert rc.get(NATIVE, params={"depth": "1"}).json() == {"Cisco-IOS-XE-native:native": {}}


def test_put_creates_then_replaces_and_delete_removes(rc_agent: AgentProcess, rc: Restconf) -> None:
    rc.send("DELETE", f"{SSH}/authentication-retries", b"")
    leaf = f"{SSH}/authentication-retries"
    created = rc.send("PUT", leaf, json.dumps({"Cisco-IOS-XE-native:authentication-retries": 4}))
    assert created.status_code == 201, created.text
    assert created.headers["Location"].endswith("/restconf/data/" + leaf)
    replaced = rc.send("PUT", leaf, json.dumps({"Cisco-IOS-XE-native:authentication-retries": 5}))
    assert replaced.status_code == 204
    assert ssh_leaf(rc_agent, "authentication-retries") == "5"
    assert rc.send("DELETE", leaf, b"").status_code == 204
    assert ssh_leaf(rc_agent, "authentication-retries") is None
    gone = rc.send("DELETE", leaf, b"")
    assert gone.status_code == 404
    assert gone.json()["ietf-restconf:errors"]["error"][0]["error-tag"] == "data-missing"


def test_xml_body_and_netconf_change_seen_by_restconf(rc_agent: AgentProcess, rc: Restconf) -> None:
    body = f'<ssh xmlns="{native}"><time-out>88</time-out></ssh>'
    assert rc.send("PATCH", SSH, body, kind=XML).status_code == 204
    rc_agent.commit("<ip><ssh><time-out>99</time-out></ssh></ip>")
    assert rc.get(f"{SSH}/time-out").json() == {"Cisco-IOS-XE-native:time-out": 99}


def test_post_creates_a_list_entry_once(rc: Restconf) -> None:
    user = {"Cisco-IOS-XE-native:username": [{"name": "rc-user", "privilege": 15}]}
    rc.send("DELETE", f"{NATIVE}/username=rc-user", b"")
    created = rc.send("POST", NATIVE, json.dumps(user))
    assert created.status_code == 201, created.text
    assert created.headers["Location"].endswith(f"/restconf/data/{NATIVE}/username=rc-user")
    again = rc.send("POST", NATIVE, json.dumps(user))
    assert again.status_code == 409
    assert again.json()["ietf-restconf:errors"]["error"][0]["error-tag"] == "data-exists"
    assert rc.get(f"{NATIVE}/username=rc-user/privilege").json() == {"Cisco-IOS-XE-native:privilege": 15}


def test_yang_patch_is_atomic(rc_agent: AgentProcess, rc: Restconf) -> None:
    """RFC 8072: several edits in one commit; one bad edit and none is applied."""
    patch = {
        "ietf-yang-patch:yang-patch": {
            "patch-id": "p1",
            "edit": [
                {"edit-id": "1", "operation": "merge", "target": "/ip/ssh",
                 "value": {"Cisco-IOS-XE-native:ssh": {"time-out": 44}}},
                {"edit-id": "2", "operation": "create", "target": "/username=yp-user",
                 "value": {"Cisco-IOS-XE-native:username": [{"name": "yp-user", "privilege": 15}]}},
            ],
        }
    }  # fmt: skip
    done = rc.send("PATCH", NATIVE, json.dumps(patch), kind="application/yang-patch+json")
    assert done.status_code == 200, done.text
    assert done.json() == {"ietf-yang-patch:yang-patch-status": {"patch-id": "p1", "ok": [None]}}
    assert ssh_leaf(rc_agent, "time-out") == "44"
    assert rc.get(f"{NATIVE}/username=yp-user/privilege").status_code == 200
    edits = patch["ietf-yang-patch:yang-patch"]["edit"]
    edits[0]["value"] = {"Cisco-IOS-XE-native:ssh": {"time-out": 45}}  # fine alone, but the create now fails
    refused = rc.send("PATCH", NATIVE, json.dumps(patch), kind="application/yang-patch+json")
    assert refused.status_code == 409
    status = refused.json()["ietf-yang-patch:yang-patch-status"]
    assert status["errors"]["error"][0]["error-tag"] == "data-exists"
    assert ssh_leaf(rc_agent, "time-out") == "44"  # nothing applied
    xml_patch = (
        '<yang-patch xmlns="urn:ietf:params:xml:ns:yang:ietf-yang-patch"><patch-id>p2</patch-id>'
        "<edit><edit-id>1</edit-id><operation>delete</operation><target>/username=yp-user</target></edit>"
        "</yang-patch>"
    )
    deleted = rc.send("PATCH", NATIVE, xml_patch, kind="application/yang-patch+xml")
    assert deleted.status_code == 200 and b"<ok/>" in deleted.content
    assert rc.get(f"{NATIVE}/username=yp-user").status_code == 404


def test_errors_change_nothing(rc: Restconf) -> None:
    etag = rc.get(SSH).headers["ETag"]
    unknown = rc.get(f"{NATIVE}/no-such-node")
    assert unknown.status_code == 404
    assert unknown.json()["ietf-restconf:errors"]["error"][0]["error-tag"] == "invalid-value"
    malformed = rc.send("PATCH", SSH, b'{"Cisco-IOS-XE-native:ssh": {')
    assert malformed.status_code == 400
    assert malformed.json()["ietf-restconf:errors"]["error"][0]["error-tag"] == "malformed-message"
    wrong = rc.send("PATCH", SSH, json.dumps({"Cisco-IOS-XE-native:ssh": {"time-out": "soon"}}))
    assert wrong.status_code == 400
    assert wrong.json()["ietf-restconf:errors"]["error"][0]["error-tag"] == "invalid-value"
    bad_xml = rc.send("PATCH", SSH, b"<ssh xmlns='x'>", kind=XML)
    assert bad_xml.status_code == 400 and b"<error-tag>malformed-message</error-tag>" in bad_xml.content
    assert rc.get(SSH, params={"depth": "0"}).status_code == 400
    assert rc.send("PATCH", SSH, b"{}", kind="text/plain").status_code == 415
    trace = rc.http("TRACE", rc.url(SSH))
    assert trace.status_code == 405 and "PATCH" in trace.headers["Allow"]
    big = rc.send("PATCH", SSH, b" " * (17 * 1024 * 1024))
    assert big.status_code == 413
    huge_header = rc.get(SSH, headers={"X-Filler": "x" * 9000})
    assert huge_header.status_code == 400
    assert rc.get(SSH).headers["ETag"] == etag  # no commit happened


def test_preconditions(rc: Restconf) -> None:
    etag = rc.get(SSH).headers["ETag"]
    assert rc.get(SSH, headers={"If-None-Match": etag}).status_code == 304
    body = json.dumps({"Cisco-IOS-XE-native:ssh": {"time-out": 61}})
    assert rc.send("PATCH", SSH, body, headers={"If-Match": etag}).status_code == 204
    stale = rc.send("PATCH", SSH, body, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert rc.send("PATCH", SSH, body, headers={"If-None-Match": "*"}).status_code == 412  # it exists
    assert rc.send("PATCH", SSH, body, headers={"If-Match": "*"}).status_code == 204


def test_authentication_refused(rc_agent: AgentProcess, rc: Restconf) -> None:
    anonymous = requests.get(rc.url(SSH), verify=str(rc.cert), timeout=30)
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"].startswith("Basic realm=")
    wrong = requests.get(rc.url(SSH), auth=(ADMIN_USER, "not-the-password"), verify=str(rc.cert), timeout=30)
    assert wrong.status_code == 401
    cli(rc_agent, "username rc-low privilege 1 secret Low-pass-1")
    low = requests.get(rc.url(SSH), auth=("rc-low", "Low-pass-1"), verify=str(rc.cert), timeout=30)
    assert low.status_code == 401  # level 15 is required, as for NETCONF


def test_netconf_lock_is_respected(rc_agent: AgentProcess, rc: Restconf) -> None:
    body = json.dumps({"Cisco-IOS-XE-native:ssh": {"time-out": 66}})
    with rc_agent.connect() as m, m.locked("running"):
        refused = rc.send("PATCH", SSH, body)
        assert refused.status_code == 409
        assert refused.json()["ietf-restconf:errors"]["error"][0]["error-tag"] in ("in-use", "lock-denied")
    assert rc.send("PATCH", SSH, body).status_code == 204


def test_operations_save_config(rc: Restconf) -> None:
    listed = rc.http("GET", f"{rc.base}/restconf/operations", headers={"Accept": JSON})
    assert "cisco-ia:save-config" in listed.json()["ietf-restconf:operations"]
    saved = rc.http("POST", f"{rc.base}/restconf/operations/cisco-ia:save-config", headers={"Accept": JSON})
    assert saved.status_code == 200, saved.text
    assert "cisco-ia:output" in saved.json()


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl(rc: Restconf, tmp_path: Path) -> None:
    netrc = tmp_path / "netrc"  # the password stays off the command line
    netrc.write_text(f"machine 127.0.0.1 login {ADMIN_USER} password {ADMIN_PASSWORD}\n")
    netrc.chmod(0o600)
    out = subprocess.run(
        ["curl", "-sS", "--fail", "--netrc-file", str(netrc), "--cacert", str(rc.cert), "-H", f"Accept: {JSON}",
         rc.url(f"{SSH}/time-out")],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert "Cisco-IOS-XE-native:time-out" in json.loads(out.stdout)


def test_no_restconf_closes_the_port(rc_agent: AgentProcess, rc: Restconf) -> None:
    mark = len(rc_agent.output)
    cli(rc_agent, "no restconf")
    rc_agent.wait_for_output("RESTCONF stopped", after=mark)
    with pytest.raises(requests.ConnectionError):
        rc.get(SSH)
    mark = len(rc_agent.output)
    cli(rc_agent, "restconf")
    rc_agent.wait_for_output(rf"RESTCONF on 127\.0\.0\.1:{rc.port}\b", after=mark)  # the same port again
    assert rc.get(SSH).status_code == 200


@pytest.mark.skipif(shutil.which("yanglint") is None, reason="yanglint (Debian libyang2-tools) is not installed")
def test_yanglint_accepts_the_json_of_native(rc: Restconf, tmp_path: Path) -> None:
    got = rc.get(NATIVE, params={"content": "config"})
    assert got.status_code == 200
    doc = tmp_path / "native.json"
    doc.write_bytes(got.content)
    # the modules whose namespaces the data uses (each Cisco namespace ends in its module's name)
    xml = etree.fromstring(rc.get(NATIVE, accept=XML, params={"content": "config"}).content)
    used = sorted({etree.QName(el).namespace or "" for el in xml.iter() if isinstance(el.tag, str)})
    modules = [str(YANG_DIR / f"{ns.rpartition('/')[2]}.yang") for ns in used]
    cmd = ["yanglint", "-p", str(YANG_DIR), "-p", str(ietf_module_dir()), "-f", "json", "-t", "config", *modules]
    result = subprocess.run([*cmd, str(doc)], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_connections_are_bounded(rc: Restconf) -> None:
    """Over ``restconf_max_connections`` a new connection is closed at once; the open ones keep working."""
    context = ssl.create_default_context(cafile=str(rc.cert))
    request = b"GET /restconf HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    opened: list[socket.socket] = []  # each kept open (and referenced) until the end
    answers: list[bytes] = []
    try:
        for _ in range(MAX_CONNECTIONS + 1):
            raw = socket.create_connection(("127.0.0.1", rc.port), timeout=30)
            opened.append(raw)
            try:
                conn = context.wrap_socket(raw, server_hostname="127.0.0.1")  # takes over the descriptor
                opened.append(conn)
                conn.sendall(request)
                answers.append(conn.recv(64))  # an answer (401: no credentials) or EOF
            except (ConnectionError, ssl.SSLError):  # a reset or a TLS end without close_notify: closed too
                answers.append(b"")
    finally:
        for sock in opened:
            sock.close()
    assert answers[0].startswith(b"HTTP/1.1 401")
    assert answers[-1] == b""  # the requests session holds one connection too: the last is over the bound
    assert rc.get(SSH).status_code == 200
