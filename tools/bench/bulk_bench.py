#!/usr/bin/env python3
"""Bulk-configuration benchmark (issue 17): what a large list costs the agent, measured through a real agent.

Prints, never asserts:
  * idle RSS of a freshly started agent (bootstrap configuration);
  * one leaf edit + commit on the bootstrap configuration, at the first start and after a restart (the baseline of
    the 100,000-user row, measured the same way);
  * creating ``--users`` users in ONE edit-config + commit, and the memory it adds (VmHWM after the create
    minus VmRSS just before it); with ``--netconfd`` the same create against netconfd and netconfd's whole
    process peak (VmHWM), the issue's reference;
  * one leaf edit + commit beside those users;
  * loading a ``--startup-users`` startup: agent start (process spawn) until it serves NETCONF, against the same
    start with the bootstrap configuration, for the file as the agent saves it and for one with the users
    appended out of order (hand-edited); then one leaf edit + commit beside the saved one's users.
The agent runs from the current directory (``python -m iosxe_agent``), so two checkouts can be compared by
running this script from each. Absolute figures on a shared machine are noise: compare rows of one run.

Usage: tools/bench/bulk_bench.py [--users N] [--startup-users N] [--rounds N] [--netconfd]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from agentproc import PASSWORD, enable_candidate, launch, stop_process
from lxml import etree
from rawclient import RawNetconf
from workloads import HASH, NATIVE, Target, edit_commit, load_users, peak_rss_mb, session, timed


def rss_mb(pid: int) -> float:
    """The current resident set of a process (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_ms(pid: int) -> float:
    """CPU time a process has used (user + system, every thread): on a shared machine it varies far less than
    wall time, so it is printed beside it."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def row(label: str, value: float, unit: str, samples: list[float] | None = None) -> None:
    spread = ""
    if samples and len(samples) > 2:
        s = sorted(samples)
        spread = f"   (n={len(s)}, min {s[0]:.2f}, max {s[-1]:.2f})"
    print(f"{label:<58} {value:10.2f} {unit}{spread}", flush=True)


def with_users(startup: Path, count: int, *, saved: bool = True) -> None:
    """Add ``count`` users (already hashed, as a saved configuration holds them) to a stored configuration.

    ``saved``: as the agent itself writes the file (``write memory``): the users beside the existing ones, in
    schema and key order, pretty-printed. Otherwise appended at the end of ``native``, as a hand-edited file might
    have them: the agent then rebuilds the tree in schema order instead of checking and copying it."""
    tree = etree.parse(str(startup), etree.XMLParser(remove_blank_text=True))
    native = tree.getroot().find(f"{{{NATIVE}}}native")
    assert native is not None, "the stored configuration has no native tree"
    last = native.findall(f"{{{NATIVE}}}username")[-1] if saved else None
    assert not saved or (last is not None and (last.findtext(f"{{{NATIVE}}}name") or "") < "load"), "admin sorts first"
    for i in range(count):
        user = etree.Element(f"{{{NATIVE}}}username")
        etree.SubElement(user, f"{{{NATIVE}}}name").text = f"load{i:06d}"
        etree.SubElement(user, f"{{{NATIVE}}}privilege").text = "1"
        secret = etree.SubElement(user, f"{{{NATIVE}}}secret")
        etree.SubElement(secret, f"{{{NATIVE}}}encryption").text = "9"
        etree.SubElement(secret, f"{{{NATIVE}}}secret").text = HASH
        if last is None:
            native.append(user)
        else:
            last.addnext(user)
            last = user
    tree.write(str(startup), xml_declaration=True, encoding="UTF-8", pretty_print=True)


def timed_launch(state: Path) -> tuple[subprocess.Popen[str], int, int, float]:
    t0 = time.perf_counter()
    proc, port, ssh_port = launch(state)
    return proc, port, ssh_port, (time.perf_counter() - t0) * 1000


def agent_target(proc: subprocess.Popen[str], port: int) -> Target:
    return Target("ours", lambda: RawNetconf.open("127.0.0.1", port, "admin", PASSWORD), proc.pid, lambda: [proc.pid])


async def leaf_rows(target: Target, rounds: int, what: str) -> None:
    s = await session(target)
    counter = [0]  # one counter for all rounds: each edit sets a new value (a fresh one made every edit a no-op)
    samples = await timed(rounds, lambda: edit_commit(s, counter))
    row(f"edit one leaf + commit, {what}", statistics.median(samples), "ms", samples)
    await s.close()


async def create_rows(target: Target, users: int, rounds: int) -> None:
    s = await session(target)
    await asyncio.sleep(0.3)  # let the session's own allocations settle before the baseline
    before, cpu_before = rss_mb(target.pid), cpu_ms(target.pid)
    took = await load_users(s, 0, users)
    row(f"{target.name}: create {users} users, one edit-config + commit", took, "ms")
    row(f"{target.name}: CPU time of that create (server process)", cpu_ms(target.pid) - cpu_before, "ms")
    if target.name == "ours":
        added = peak_rss_mb(target.pid) - before
        row(f"ours: memory the create adds (VmHWM after - VmRSS before, {before:.1f})", added, "MB")
        counter = [0]
        samples = await timed(rounds, lambda: edit_commit(s, counter))
        row(f"edit one leaf + commit, beside {users} users", statistics.median(samples), "ms", samples)
    else:
        row(f"{target.name}: whole process peak RSS (VmHWM)", peak_rss_mb(target.pid), "MB")
    await s.close()


def agent_runs(users: int, startup_users: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-bulk-") as tmp:
        state = Path(tmp) / "state"
        proc, port, ssh_port, first = timed_launch(state)  # first start: writes the bootstrap startup
        try:
            row("agent start to ready, first start (bootstrap written)", first, "ms")
            row("idle RSS, bootstrap configuration", rss_mb(proc.pid), "MB")
            enable_candidate(ssh_port)
            target = agent_target(proc, port)
            asyncio.run(leaf_rows(target, rounds, "bootstrap configuration"))
            asyncio.run(create_rows(target, users, rounds))
        finally:
            stop_process(proc)
        # the reference of the 100,000-user row, measured the same way (a restarted agent: a first start still
        # generates its keys in the background while the rows above run)
        restart(state, "bootstrap configuration", rounds)
        startup = state / "startup-config.xml"
        bootstrap = startup.read_bytes()
        with_users(startup, startup_users, saved=False)
        restart(state, f"{startup_users}-user startup, out of order", rounds=0)
        startup.write_bytes(bootstrap)
        with_users(startup, startup_users)
        restart(state, f"{startup_users}-user startup", rounds)


def restart(state: Path, label: str, rounds: int) -> None:
    """Start the agent on an existing state directory, timed until it serves NETCONF; ``rounds`` leaf edits."""
    proc, port, ssh_port, took = timed_launch(state)
    try:
        row(f"agent start to ready, {label}", took, "ms")
        row(f"agent CPU time at ready, {label}", cpu_ms(proc.pid), "ms")
        row(f"RSS after start, {label}", rss_mb(proc.pid), "MB")
        if rounds:
            enable_candidate(ssh_port)
            asyncio.run(leaf_rows(agent_target(proc, port), rounds, f"beside the {label}"))
    finally:
        stop_process(proc)


def netconfd_run(users: int) -> None:
    import netconfd_ref  # only --netconfd needs the reference

    with netconfd_ref.NetconfdReference() as ref:
        target = Target(
            "netconfd",
            lambda: RawNetconf.open("127.0.0.1", ref.port, ref.user, client_keys=[ref.client_key]),
            ref.netconfd_pid,
            lambda: [ref.netconfd_pid],
        )
        row("netconfd: idle RSS", rss_mb(ref.netconfd_pid), "MB")
        asyncio.run(create_rows(target, users, 0))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--users", type=int, default=10_000, help="users created in one edit-config (default 10000)")
    p.add_argument("--startup-users", type=int, default=100_000, help="users of the startup load (default 100000)")
    p.add_argument("--rounds", type=int, default=15, help="rounds of each one-leaf edit + commit row")
    p.add_argument("--netconfd", action="store_true", help="also create the users on netconfd (netconfd_ref.py)")
    args = p.parse_args()
    agent_runs(args.users, args.startup_users, args.rounds)
    if args.netconfd:
        netconfd_run(args.users)


if __name__ == "__main__":
    main()
