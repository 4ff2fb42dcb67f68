#!/usr/bin/env python3
"""RESTCONF and gNMI beside NETCONF on one agent, in one run: prints medians and spread, never asserts.

Measures on the bootstrap configuration, each client keeping its connection open (as automation does):
  * RESTCONF GET of ``Cisco-IOS-XE-native:native/ip/ssh`` (JSON and XML), ``requests`` over HTTPS keep-alive;
  * RESTCONF PATCH of one leaf (``ip ssh time-out``, JSON), a commit of running each time;
  * gNMI Get of ``ip/ssh`` (JSON_IETF) and Set (update) of the same leaf, pygnmi over one plain-text channel;
  * NETCONF get-config of running filtered to ``ip/ssh``, and edit-config of the same leaf on running, with the
    minimal asyncssh client (rawclient.py: ncclient's 100 ms polling would hide the server's own cost).
Usage: tools/bench/restconf_bench.py [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import IO

import asyncssh
import requests
from agentproc import PASSWORD, start_agent
from netconf_bench import measure, measure_raw
from pygnmi.client import gNMIclient
from rawclient import RawNetconf

NATIVE = "http://cisco.com/ns/yang/Cisco-IOS-XE-native"
SSH = "Cisco-IOS-XE-native:native/ip/ssh"
JSON = "application/yang-data+json"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def configure_restconf(ssh_port: int) -> None:
    """``ip http secure-server``, ``restconf``, ``gnmi-yang`` and ``gnmi-yang server`` at the CLI, as an operator
    turns RESTCONF and gNMI on."""

    async def run() -> None:
        async with asyncssh.connect(
            "127.0.0.1", ssh_port, username="admin", password=PASSWORD, known_hosts=None, client_keys=None
        ) as conn:
            proc = await conn.create_process(term_type="vt100")
            lines = ("ip http secure-server", "restconf", "gnmi-yang", "gnmi-yang server")
            for line in ("", "configure terminal", *lines, "end"):
                if line:
                    proc.stdin.write(line + "\n")
                await asyncio.wait_for(proc.stdout.readuntil("#"), 30)
            proc.stdin.write("exit\n")

    asyncio.run(run())


def watch(stream: IO[str], restconf: threading.Event, gnmi: threading.Event) -> None:
    """Drain the agent's output (a full pipe would block it) and signal its ``RESTCONF on`` / ``gNMI on`` lines."""
    for line in stream:
        if "RESTCONF on" in line:
            restconf.set()
        if "gNMI on" in line:
            gnmi.set()


async def netconf_suite(port: int, rounds: int) -> None:
    s = await RawNetconf.open("127.0.0.1", port, "admin", PASSWORD)
    flt = f"<filter><native xmlns='{NATIVE}'><ip><ssh/></ip></native></filter>"
    get = f"<get-config><source><running/></source>{flt}</get-config>"
    await measure_raw("NETCONF [raw] get-config ip/ssh", rounds, lambda: s.rpc(get))
    counter = iter(range(10**9))

    async def edit() -> None:
        leaf = f"<native xmlns='{NATIVE}'><ip><ssh><time-out>{next(counter) % 120 + 1}</time-out></ssh></ip></native>"
        await s.rpc(f"<edit-config><target><running/></target><config>{leaf}</config></edit-config>")

    await measure_raw("NETCONF [raw] edit-config running, one leaf", rounds, edit)
    await s.close()


def restconf_suite(port: int, cert: Path, rounds: int) -> None:
    http = requests.Session()
    http.auth = ("admin", PASSWORD)
    url = f"https://127.0.0.1:{port}/restconf/data/{SSH}"

    def get(kind: str) -> None:
        r = http.get(url, headers={"Accept": kind}, verify=str(cert), timeout=60)
        r.raise_for_status()

    get(JSON)  # the first request pays the login check (scrypt); later ones hit the accepted-login memo
    measure("RESTCONF GET ip/ssh (JSON)", rounds, lambda: get(JSON))
    measure("RESTCONF GET ip/ssh (XML)", rounds, lambda: get("application/yang-data+xml"))
    counter = iter(range(10**9))

    def patch() -> None:
        body = json.dumps({"Cisco-IOS-XE-native:ssh": {"time-out": next(counter) % 120 + 1}})
        headers = {"Content-Type": JSON, "Accept": JSON}
        r = http.patch(url, data=body, headers=headers, verify=str(cert), timeout=60)
        r.raise_for_status()

    measure("RESTCONF PATCH ip/ssh time-out (JSON)", rounds, patch)


def gnmi_suite(port: int, rounds: int) -> None:
    with gNMIclient(target=("127.0.0.1", port), username="admin", password=PASSWORD, insecure=True) as g:
        g.get(path=[SSH], encoding="json_ietf")  # the first call pays the login check; later ones hit the memo
        measure("gNMI Get ip/ssh (JSON_IETF)", rounds, lambda: g.get(path=[SSH], encoding="json_ietf"))
        counter = iter(range(10**9))

        def set_leaf() -> None:
            g.set(update=[(f"{SSH}/time-out", next(counter) % 120 + 1)], encoding="json_ietf")

        measure("gNMI Set ip/ssh time-out (update)", rounds, set_leaf)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=50)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        state = Path(tmp) / "state"
        port, gnmi_port = free_port(), free_port()
        ports = ("--restconf-port", str(port), "--gnmi-port", str(gnmi_port))
        proc, netconf_port, ssh_port = start_agent(state, *ports, "--log-level", "INFO")
        assert proc.stdout is not None
        restconf, gnmi = threading.Event(), threading.Event()
        threading.Thread(target=watch, args=(proc.stdout, restconf, gnmi), daemon=True).start()
        try:
            configure_restconf(ssh_port)
            if not restconf.wait(60) or not gnmi.wait(60):
                raise SystemExit("RESTCONF or gNMI did not start")
            cert = next((state / "restconf").glob("TP-self-signed-*.crt"))
            t0 = time.perf_counter()
            restconf_suite(port, cert, args.rounds)
            gnmi_suite(gnmi_port, args.rounds)
            asyncio.run(netconf_suite(netconf_port, args.rounds))
            print(f"(whole run {time.perf_counter() - t0:.1f} s)")
        finally:
            proc.terminate()
            proc.wait(timeout=20)


if __name__ == "__main__":
    main()
