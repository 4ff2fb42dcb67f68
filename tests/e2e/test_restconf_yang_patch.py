"""RFC 8072 YANG Patch ``insert`` and ``move`` against the real agent: entries of an ordered-by-user leaf-list
(``ip name-server``) and list (``boot system flash``) placed first, last, before or after another, in the order
RESTCONF, NETCONF and ``show running-config`` all see; refusals come back as ``yang-patch-status`` naming the edit,
and change nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from cli_dialogue import show
from namespaces import IOS
from own_agent import own_agent
from restconf_client import NATIVE, AgentProcess, Restconf, enable_restconf

PATCH = "application/yang-patch+json"
SERVERS = "ip/name-server/no-vrf-ordered"
BOOT = "boot/system/flash/flash-list-ordered-by-user"


@pytest.fixture(scope="module")
def agent(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AgentProcess]:
    with own_agent(request, tmp_path_factory, "yang-patch", "--restconf-port", "0") as agent:
        yield agent


@pytest.fixture(scope="module")
def rc(agent: AgentProcess) -> Restconf:
    return enable_restconf(agent)


def server(address: str, operation: str = "insert", **position: str) -> dict[str, Any]:
    """An edit placing name server ``address``."""
    edit: dict[str, Any] = {"edit-id": f"{operation} {address}", "operation": operation}
    edit["target"] = f"/{SERVERS}={address}"
    if operation == "insert":
        edit["value"] = {"Cisco-IOS-XE-native:no-vrf-ordered": [address]}
    return {**edit, **position}


def boot(image: str, operation: str = "insert", **position: str) -> dict[str, Any]:
    """An edit placing boot image ``image``."""
    edit: dict[str, Any] = {"edit-id": f"{operation} {image}", "operation": operation}
    edit["target"] = f"/{BOOT}={image}"
    if operation == "insert":
        edit["value"] = {"Cisco-IOS-XE-native:flash-list-ordered-by-user": [{"flash-leaf": image}]}
    return {**edit, **position}


def patch(rc: Restconf, *edits: dict[str, Any]) -> Any:
    body = {"ietf-yang-patch:yang-patch": {"patch-id": "p", "edit": list(edits)}}
    return rc.send("PATCH", NATIVE, json.dumps(body), kind=PATCH)


def emptied(rc: Restconf, path: str) -> None:
    """``path`` deleted whatever it holds (tests of one module may run in any order, each on its own worker)."""
    assert rc.http("DELETE", rc.url(f"{NATIVE}/{path}")).status_code in (204, 404)


def servers(rc: Restconf) -> list[str]:
    return list(rc.get(f"{NATIVE}/ip/name-server").json()["Cisco-IOS-XE-native:name-server"]["no-vrf-ordered"])


def images(rc: Restconf) -> list[str]:
    reply = rc.get(f"{NATIVE}/{BOOT}").json()
    return [entry["flash-leaf"] for entry in reply["Cisco-IOS-XE-native:flash-list-ordered-by-user"]]


def netconf_servers(agent: AgentProcess) -> list[str]:
    subtree = f'<native xmlns="{IOS}"><ip><name-server/></ip></native>'
    with agent.connect() as m:
        data = m.get_config("running", filter=("subtree", subtree)).data_ele
    return [str(el.text) for el in data.iter(f"{{{IOS}}}no-vrf-ordered")]


def test_insert_and_move_on_a_leaf_list(agent: AgentProcess, rc: Restconf) -> None:
    emptied(rc, "ip/name-server")
    done = patch(
        rc,
        server("127.0.0.1"),
        server("127.0.0.3"),
        server("127.0.0.2", where="after", point="/" + SERVERS + "=127.0.0.1"),
    )
    assert done.status_code == 200, done.text
    assert servers(rc) == ["127.0.0.1", "127.0.0.2", "127.0.0.3"]
    moved = patch(rc, server("127.0.0.3", "move", where="first"))
    assert moved.status_code == 200, moved.text
    assert servers(rc) == netconf_servers(agent) == ["127.0.0.3", "127.0.0.1", "127.0.0.2"]
    assert "ip name-server 127.0.0.3 127.0.0.1 127.0.0.2" in show(agent, "show running-config | include name-server")
    inserted = patch(rc, server("127.0.0.4", where="before", point=f"/{SERVERS}=127.0.0.1"))
    assert inserted.status_code == 200, inserted.text
    assert servers(rc) == ["127.0.0.3", "127.0.0.4", "127.0.0.1", "127.0.0.2"]


def test_insert_and_move_on_a_list(agent: AgentProcess, rc: Restconf) -> None:
    a, b, c = "bootflash:a.bin", "bootflash:b.bin", "bootflash:c.bin"
    emptied(rc, "boot/system/flash")
    done = patch(rc, boot(a), boot(c, where="last"), boot(b, where="before", point=f"/{BOOT}={c}"))
    assert done.status_code == 200, done.text
    assert images(rc) == [a, b, c]
    assert patch(rc, boot(a, "move", where="after", point=f"/{BOOT}={c}")).status_code == 200
    assert patch(rc, boot(c, "move")).status_code == 200  # where defaults to last
    assert images(rc) == [b, a, c]
    shown = show(agent, "show running-config | include boot system")
    assert [line.split()[-1] for line in shown.splitlines() if line.startswith("boot system flash")] == [b, a, c]


def status_of(reply: Any) -> dict[str, Any]:
    status: dict[str, Any] = reply.json()["ietf-yang-patch:yang-patch-status"]
    return status


def edit_error(reply: Any) -> tuple[str, str]:
    (edit,) = status_of(reply)["edit-status"]["edit"]
    return edit["edit-id"], edit["errors"]["error"][0]["error-tag"]


def test_refused_positions_name_the_edit_and_change_nothing(rc: Restconf) -> None:
    emptied(rc, "ip/name-server")
    assert patch(rc, server("127.0.0.50")).status_code == 200
    before, etag = servers(rc), rc.get(NATIVE).headers["ETag"]
    missing = patch(rc, server("127.0.0.9"), server("127.0.0.8", "move", where="first"))
    assert missing.status_code == 409
    assert edit_error(missing) == ("move 127.0.0.8", "data-missing")
    elsewhere = patch(rc, server("127.0.0.9", where="after", point="/boot/system/flash/flash-list-ordered-by-user=x"))
    assert elsewhere.status_code == 400 and edit_error(elsewhere) == ("insert 127.0.0.9", "invalid-value")
    unordered = {"edit-id": "u", "operation": "move", "target": "/username=admin", "where": "first"}
    assert edit_error(patch(rc, unordered)) == ("u", "invalid-value")
    no_anchor = patch(rc, server("127.0.0.9", where="before", point=f"/{SERVERS}=127.0.0.77"))
    assert no_anchor.status_code == 400
    assert status_of(no_anchor)["errors"]["error"][0]["error-tag"] == "bad-attribute"  # found at commit time
    exists = patch(rc, server("127.0.0.9"), server(before[0]))
    assert exists.status_code == 409
    assert status_of(exists)["errors"]["error"][0]["error-tag"] == "data-exists"
    assert servers(rc) == before and rc.get(NATIVE).headers["ETag"] == etag
