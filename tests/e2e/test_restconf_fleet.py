"""A fleet whose devices all serve RESTCONF: ``--restconf-port-base`` gives each its own port, the ready file says
which, and each port is that device's own RESTCONF (its hostname, its datastore, its certificate).

The devices' seed turns RESTCONF on (``restconf`` + ``ip http secure-server``), so it listens from the start and
the ready line, the event the test waits on, already names every port.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fleets import FleetProcess, free_port_run
from restconf_client import JSON, NATIVE, Restconf

DEVICES = 3


@pytest.fixture
def restconf_fleet(tmp_path: Path) -> Iterator[FleetProcess]:
    seed = tmp_path / "seed.cfg"
    seed.write_text("hostname lab\nip http secure-server\nrestconf\n")
    ports = free_port_run(2 * DEVICES + DEVICES)  # SSH and NETCONF of each device, then RESTCONF of each
    fleet = FleetProcess(
        tmp_path,
        (
            "--devices", str(DEVICES), "--workers", "2", "--startup-config", str(seed),
            "--port-base", str(ports), "--restconf-port-base", str(ports + 2 * DEVICES),
        ),
    )  # fmt: skip
    yield fleet
    fleet.stop()


def test_each_device_answers_restconf_on_its_own_port(restconf_fleet: FleetProcess) -> None:
    ready = restconf_fleet.start()
    base = int(restconf_fleet.args[restconf_fleet.args.index("--restconf-port-base") + 1])
    assert [e.restconf_port for e in ready.endpoints] == [base, base + 1, base + 2]
    on_disk = json.loads(restconf_fleet.ready_file.read_text())
    assert [d["restconf_port"] for d in on_disk["devices"]] == [base, base + 1, base + 2]
    for endpoint in ready.endpoints:
        rc = Restconf(endpoint, endpoint.restconf_port)  # trusts this device's own certificate only
        reply = rc.get(f"{NATIVE}/hostname", accept=JSON)
        assert reply.status_code == 200, reply.text
        assert reply.json() == {"Cisco-IOS-XE-native:hostname": endpoint.name}
    # a write on one device's port changes that device alone
    first, second = (Restconf(e, e.restconf_port) for e in ready.endpoints[:2])
    body = json.dumps({"Cisco-IOS-XE-native:hostname": "renamed"})
    assert first.send("PATCH", f"{NATIVE}/hostname", body).status_code == 204
    assert first.get(f"{NATIVE}/hostname").json() == {"Cisco-IOS-XE-native:hostname": "renamed"}
    assert second.get(f"{NATIVE}/hostname").json() == {"Cisco-IOS-XE-native:hostname": ready.endpoints[1].name}
    assert restconf_fleet.signal() == 0
