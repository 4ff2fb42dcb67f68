#!/usr/bin/env python3
"""NETCONF benchmark: starts its own agent on loopback and prints median and spread, never asserts.

Measures, with ncclient (iosxe handler) as the client:
  * session set-up: TCP + SSH + auth + hello exchange (connect() until the manager is usable);
  * get-config of running, small (bootstrap configuration) and with 10,000 usernames;
  * edit-config of one leaf to candidate followed by commit (small datastore).
Lines marked [raw] use a minimal asyncssh client (rawclient.py): ncclient polls its socket every 100 ms, which
puts a ~100 ms floor under every ncclient request whatever the server does.
Usage: tools/bench/netconf_bench.py [--rounds N] [--users N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from agentproc import PASSWORD, start_agent
from ncclient import manager
from rawclient import RawNetconf

NATIVE = "http://cisco.com/ns/yang/Cisco-IOS-XE-native"
NC = "urn:ietf:params:xml:ns:netconf:base:1.0"
# a well-formed type-9 hash so that loading 10,000 users does not spend minutes in scrypt
HASH = "$9$AAAAAAAAAAAAAA$98TL7I2NJnM8PHS7XqDxOe569kXm8FUzMdMc/E6wP2Y"


def connect(port: int) -> manager.Manager:
    return manager.connect(
        host="127.0.0.1", port=port, username="admin", password=PASSWORD, hostkey_verify=False,
        allow_agent=False, look_for_keys=False, device_params={"name": "iosxe"}, timeout=600,
    )  # fmt: skip


def measure(label: str, rounds: int, fn: Callable[[], object]) -> None:
    samples = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    report(label, samples)


def report(label: str, samples: list[float]) -> None:
    rounds = len(samples)
    samples.sort()
    p90 = samples[min(len(samples) - 1, round(0.9 * (len(samples) - 1)))]
    print(
        f"{label:<42} n={rounds:<4} median {statistics.median(samples):9.2f} ms   "
        f"min {samples[0]:9.2f}  p90 {p90:9.2f}  max {samples[-1]:9.2f}",
        flush=True,
    )


def users_config(count: int) -> str:
    entries = "".join(
        f"<username><name>user{i:05d}</name><privilege>1</privilege>"
        f"<secret><encryption>9</encryption><secret>{HASH}</secret></secret></username>"
        for i in range(count)
    )
    return (
        f'<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><native xmlns="{NATIVE}">{entries}</native></config>'
    )


async def measure_raw(label: str, rounds: int, fn: Callable[[], Awaitable[object]]) -> None:
    samples = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        await fn()
        samples.append((time.perf_counter() - t0) * 1000)
    report(label, samples)


async def raw_suite(port: int, rounds: int, tag: str) -> None:
    """The same operations through a client without polling latency: what the server itself costs."""

    async def setup() -> None:
        s = await RawNetconf.open("127.0.0.1", port, "admin", PASSWORD)
        await s.close()

    await measure_raw(f"[raw] session set-up + close{tag}", rounds, setup)
    s = await RawNetconf.open("127.0.0.1", port, "admin", PASSWORD)
    get = "<get-config><source><running/></source></get-config>"
    await measure_raw(f"[raw] get-config running{tag}", rounds, lambda: s.rpc(get))
    counter = iter(range(10**9))

    async def edit_commit() -> None:
        leaf = f"<native xmlns='{NATIVE}'><ip><ssh><time-out>{next(counter) % 120 + 1}</time-out></ssh></ip></native>"
        await s.rpc(f"<edit-config><target><candidate/></target><config>{leaf}</config></edit-config>")
        await s.rpc("<commit/>")

    await measure_raw(f"[raw] edit-config one leaf + commit{tag}", rounds, edit_commit)
    await s.close()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=30)
    p.add_argument("--users", type=int, default=10_000)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        proc, port, _ = start_agent(Path(tmp) / "state")
        try:
            asyncio.run(raw_suite(port, args.rounds, " (bootstrap config)"))
            measure("session set-up (connect + hello)", args.rounds, lambda: connect(port).close_session())
            m = connect(port)
            measure("get-config running (bootstrap config)", args.rounds, lambda: m.get_config("running"))
            counter = iter(range(10**9))

            def edit_commit() -> None:
                leaf = f"<ip><ssh><time-out>{next(counter) % 120 + 1}</time-out></ssh></ip>"
                cfg = f'<config xmlns="{NC}"><native xmlns="{NATIVE}">{leaf}</native></config>'
                m.edit_config(target="candidate", config=cfg)
                m.commit()

            measure("edit-config one leaf + commit", args.rounds, edit_commit)
            t0 = time.perf_counter()
            m.edit_config(target="running", config=users_config(args.users))
            label = f"load {args.users} usernames (one edit-config)"
            print(f"{label:<42} {(time.perf_counter() - t0) * 1000:9.2f} ms")
            size = len(m.get_config("running").xml)
            measure(f"get-config running ({args.users} users, {size / 1e6:.1f} MB)", max(5, args.rounds // 3),
                    lambda: m.get_config("running"))  # fmt: skip
            measure(f"edit-config one leaf + commit ({args.users} users)", max(5, args.rounds // 3), edit_commit)
            m.close_session()
            asyncio.run(raw_suite(port, max(5, args.rounds // 3), f" ({args.users} users)"))
        finally:
            proc.terminate()
            proc.wait(timeout=20)


if __name__ == "__main__":
    main()
