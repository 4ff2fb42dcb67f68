"""``iosxe-agent fleet``: many devices from one command, each a whole router of its own, reached by real clients.

Every test runs the real command (tests/support/fleets.py) and waits for its ready line; ncclient talks NETCONF
and asyncssh runs exec commands on the device SSH port of each device the ready file names.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fleets import FleetProcess, netconf, run_exec
from namespaces import IOS, native
from waiting import until

from iosxe_agent.fleet.endpoints import Endpoint, Ready

HOSTNAME_FILTER = f'<native xmlns="{IOS}"><hostname/></native>'
DOMAIN_FILTER = f'<native xmlns="{IOS}"><ip><domain/></ip></native>'


@pytest.fixture
def fleet(tmp_path: Path) -> Iterator[Callable[..., FleetProcess]]:
    """A factory of fleets in this test's directory (stopped at the end whatever happened)."""
    made: list[FleetProcess] = []

    def make(*args: str, workdir: Path | None = None) -> FleetProcess:
        f = FleetProcess(workdir or tmp_path, tuple(args))
        made.append(f)
        return f

    yield make
    for f in made:
        f.stop()


def hostname_of(endpoint: Endpoint) -> str:
    m = netconf(endpoint)
    try:
        reply = m.get_config("running", filter=("subtree", HOSTNAME_FILTER))
    finally:
        m.close_session()
    return str(reply.data.findtext(f"{{{IOS}}}native/{{{IOS}}}hostname"))


def assert_serves(endpoint: Endpoint) -> None:
    """The device answers NETCONF get-config and ``show version`` / ``show running-config | include hostname``
    over SSH, and calls itself by its fleet name everywhere."""
    assert hostname_of(endpoint) == endpoint.name
    version, hostname = run_exec(endpoint, "show version", "show running-config | include hostname")
    assert "Cisco IOS XE Software" in version
    assert f"{endpoint.name} uptime is" in version
    assert hostname.strip() == f"hostname {endpoint.name}"


@pytest.mark.slow  # two fleet starts and clients on every device: ~8 s alone, more on a busy machine
def test_three_devices_each_a_router_of_its_own(fleet: Callable[..., FleetProcess]) -> None:
    f = fleet("--devices", "3")
    ready = f.start()
    assert [e.name for e in ready.endpoints] == ["R1", "R2", "R3"]
    assert Ready.loads(f.ready_file.read_text()) == ready  # the file holds what the line said
    assert f.proc is not None and ready.pid == f.proc.pid
    assert (
        len({(e.host, e.ssh_port) for e in ready.endpoints} | {(e.host, e.netconf_port) for e in ready.endpoints}) == 6
    )
    for endpoint in ready.endpoints:
        assert endpoint.state_dir == f.state_dir / endpoint.name
        assert_serves(endpoint)
    f.wait_for_output(r"INFO \[R2\] iosxe_agent\.syslog: %SSH-5-ENABLED")  # console lines name their device

    r1, r2, _ = ready.endpoints
    m = netconf(r1)
    try:  # a change on R1 ...
        m.edit_config(target="running", config=native("<ip><domain><name>one.example</name></domain></ip>"))
    finally:
        m.close_session()
    assert "ip domain name one.example" in run_exec(r1, "show running-config | include domain")[0]
    assert "one.example" not in run_exec(r2, "show running-config | include domain")[0]  # ... is not on R2
    for endpoint in (r1, r2):
        run_exec(endpoint, "write memory")

    assert f.signal(signal.SIGTERM) == 0
    assert not f.ready_file.exists()  # the ready file lives only while the fleet serves

    again = f.start()  # the same state directories: the configuration and the devices' keys come back
    assert "ip domain name one.example" in run_exec(again.endpoints[0], "show running-config | include domain")[0]
    assert "one.example" not in run_exec(again.endpoints[1], "show running-config | include domain")[0]
    assert [hostname_of(e) for e in again.endpoints] == ["R1", "R2", "R3"]
    assert not any("first time" in line for line in f.output)
    assert f.signal(signal.SIGINT) == 0


def test_workers_share_the_devices_and_stop_together(tmp_path: Path, fleet: Callable[..., FleetProcess]) -> None:
    inventories = tmp_path / "inv"
    f = fleet("--devices", "4", "--workers", "2", "--prefix", "edge", "--first-index", "11")
    f.args += ("--write-inventory", str(inventories))
    ready = f.start()
    assert [e.name for e in ready.endpoints] == ["edge11", "edge12", "edge13", "edge14"]
    table = (inventories / "devices.csv").read_text()  # written by the parent, from every worker's devices
    assert all(f"{e.name},{e.host},{e.ssh_port},{e.netconf_port}" in table for e in ready.endpoints)
    workers = f.children()
    assert len(workers) == 2
    assert sum(line.startswith("iosxe-agent: ready: ") for line in f.output) == 1
    for endpoint in ready.endpoints:
        assert_serves(endpoint)
    assert f.signal(signal.SIGTERM) == 0
    for pid in workers:
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]


def test_a_worker_that_dies_stops_the_fleet(fleet: Callable[..., FleetProcess]) -> None:
    f = fleet("--devices", "2", "--workers", "2")
    ready = f.start()
    first, second = f.children()
    os.kill(first, signal.SIGKILL)
    assert f.wait() == 1  # the parent noticed, stopped the other worker and failed
    assert not Path(f"/proc/{second}").exists()
    assert any("exited" in line for line in f.output)
    with pytest.raises(OSError):
        socket.create_connection((ready.endpoints[1].host, ready.endpoints[1].netconf_port), timeout=5).close()


def test_workers_do_not_outlive_a_killed_parent(fleet: Callable[..., FleetProcess]) -> None:
    """SIGKILL gives the parent no chance to forward anything: the workers see their lifeline pipe close."""
    f = fleet("--devices", "2", "--workers", "2")
    ready = f.start()
    workers = f.children()
    assert f.signal(signal.SIGKILL) == -signal.SIGKILL
    assert until(lambda: not any(Path(f"/proc/{pid}").exists() for pid in workers), timeout=60)
    for endpoint in ready.endpoints:  # every port was released
        with socket.socket() as s:
            s.bind((endpoint.host, endpoint.ssh_port))


def _bindable(address: str, ports: tuple[int, ...]) -> bool:
    """Whether this process may listen on ``address`` at each of ``ports`` (privileged ports need root)."""
    for port in ports:
        with socket.socket() as s, contextlib.suppress(OSError):
            s.bind((address, port))
            continue
        return False
    return True


def test_one_loopback_address_per_device(fleet: Callable[..., FleetProcess]) -> None:
    """``--address-base``: R1 on 127.1.x.y, R2 on the next address, each on the router ports 22 and 830 (where
    this user may bind them; otherwise ``--port-base`` lays the same fleet out on one address)."""
    base = f"127.1.{random.randrange(1, 250)}.{random.randrange(1, 200)}"  # another test run may hold one
    second = base.rsplit(".", 1)[0] + "." + str(int(base.rsplit(".", 1)[1]) + 1)
    if _bindable(base, (22, 830)) and _bindable(second, (22, 830)):
        f = fleet("--devices", "2", "--address-base", base)
        expected = [(base, 22, 830), (second, 22, 830)]
    else:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1] // 4 * 4  # a free neighbourhood, most likely
        f = fleet("--devices", "2", "--port-base", str(port))
        expected = [("127.0.0.1", port, port + 1), ("127.0.0.1", port + 2, port + 3)]
    ready = f.start()
    assert [(e.host, e.ssh_port, e.netconf_port) for e in ready.endpoints] == expected
    for endpoint in ready.endpoints:
        assert_serves(endpoint)
    assert f.signal() == 0


def test_a_seed_configuration_is_each_devices_first_start(tmp_path: Path, fleet: Callable[..., FleetProcess]) -> None:
    """``--startup-config``: IOS text as ``show running-config`` prints it; the fleet's admin user is ensured
    and every device takes its own name."""
    seed = tmp_path / "seed.cfg"
    seed.write_text(
        "hostname core\nip domain name seed.example\nusername ops privilege 1 secret 0 Ops-pass-1\n"
        "aaa new-model\naaa authentication login default local\naaa authorization exec default local\n"
        "line vty 0 4\n transport input ssh\n"
    )  # a router's configuration without the lab's admin user
    f = fleet("--devices", "2", "--startup-config", str(seed))
    ready = f.start()
    for endpoint in ready.endpoints:
        assert_serves(endpoint)
        domain, user = run_exec(endpoint, "show running-config | include domain", "show running-config | include ops")
        assert "ip domain name seed.example" in domain and "username ops privilege 1" in user
    assert f.signal() == 0


def test_collisions_and_busy_ports_are_one_line_before_anything_is_written(
    tmp_path: Path, fleet: Callable[..., FleetProcess]
) -> None:
    inventory = tmp_path / "fleet.yaml"
    inventory.write_text(
        "devices:\n  - {name: A1, ssh_port: 40022, netconf_port: 40830}\n"
        "  - {name: A2, ssh_port: 40830, netconf_port: 40831}\n"
    )
    clash = fleet("--inventory", str(inventory)).run_to_exit()
    assert clash.returncode == 2
    assert "devices A1 and A2 both use 127.0.0.1:40830" in clash.stderr
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        inventory.write_text(f"devices:\n  - {{name: B1}}\n  - {{name: B2, ssh_port: {port}}}\n")
        result = fleet("--inventory", str(inventory), workdir=tmp_path / "busy").run_to_exit()
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == f"iosxe-agent: device B2: cannot listen on 127.0.0.1:{port}:" + (
        " address already in use"
    )
    assert not (tmp_path / "busy" / "state").exists()  # nothing written
