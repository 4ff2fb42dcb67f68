#!/usr/bin/env python3
"""Device SSH benchmark: how soon a committed setting is in force for the next connection. Prints, never asserts.

Each round commits ``ip ssh server algorithm encryption`` with a cipher the previous round refused, and from the
moment the commit reply arrives retries a connection that offers only that cipher until one succeeds. The figure
is commit-reply -> first successful login, next to the plain login time with no change (the floor).
Usage: tools/bench/ssh_bench.py [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import asyncssh
from agentproc import PASSWORD, start_agent
from rawclient import RawNetconf

NATIVE = "http://cisco.com/ns/yang/Cisco-IOS-XE-native"
NC = "urn:ietf:params:xml:ns:netconf:base:1.0"
CIPHERS = ("aes128-ctr", "aes256-ctr")


async def login(port: int, cipher: str) -> None:
    async with asyncssh.connect(
        "127.0.0.1", port, username="admin", password=PASSWORD, known_hosts=None, encryption_algs=[cipher],
        preferred_auth="password",
    ) as conn:  # fmt: skip
        await conn.run("show privilege", timeout=10)


def report(label: str, samples: list[float]) -> None:
    samples.sort()
    p90 = samples[min(len(samples) - 1, round(0.9 * (len(samples) - 1)))]
    print(
        f"{label:<48} n={len(samples):<4} median {statistics.median(samples):8.2f} ms   "
        f"min {samples[0]:8.2f}  p90 {p90:8.2f}  max {samples[-1]:8.2f}",
        flush=True,
    )


async def run(netconf_port: int, ssh_port: int, rounds: int) -> None:
    nc = await RawNetconf.open("127.0.0.1", netconf_port, "admin", PASSWORD)
    floor: list[float] = []
    in_force: list[float] = []
    for i in range(rounds):
        cipher = CIPHERS[i % 2]
        enc = f"<encryption nc:operation='replace' xmlns:nc='{NC}'><{cipher}/></encryption>"
        leaf = f"<server><algorithm>{enc}</algorithm></server>"
        await nc.rpc(
            f"<edit-config><target><candidate/></target><config><native xmlns='{NATIVE}'><ip><ssh>{leaf}</ssh></ip>"
            "</native></config></edit-config>"
        )
        await nc.rpc("<commit/>")
        t0 = time.perf_counter()
        while True:
            try:
                await login(ssh_port, cipher)
                break
            except asyncssh.KeyExchangeFailed:
                await asyncio.sleep(0.001)
        in_force.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        await login(ssh_port, cipher)
        floor.append((time.perf_counter() - t0) * 1000)
    await nc.close()
    report("login with no configuration change (floor)", floor)
    report("commit reply -> new cipher accepted at login", in_force)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=50)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        proc, netconf_port, ssh_port = start_agent(Path(tmp) / "state")
        try:
            asyncio.run(run(netconf_port, ssh_port, args.rounds))
        finally:
            proc.terminate()
            proc.wait(timeout=20)


if __name__ == "__main__":
    main()
