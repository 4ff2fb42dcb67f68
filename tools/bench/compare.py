#!/usr/bin/env python3
"""Side-by-side NETCONF benchmark: this agent against Debian's netconfd (yuma123), one run, one client.

Starts both servers on loopback (netconfd behind a private sshd, see netconfd_ref.py; the agent with a private
state directory) and a bare asyncssh responder (floor.py) for the physical floor, runs the same workloads
against each with the same minimal NETCONF 1.1 client over one SSH session each (rawclient.py), and prints
workload, netconfd median, ours median, ratio (ours / netconfd), the goal, the spread and n. Absolute times on
a shared machine are noise; the ratios are the result. Never asserts; ``--quick`` is a small, fast run.

Usage: tools/bench/run [--quick] [--runs N] [--users N] [--plot FILE.png]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import asyncssh
import netconfd_ref
from agentproc import PASSWORD, start_agent, stop_process
from rawclient import RawNetconf
from workloads import (
    GET_CONFIG,
    NATIVE,
    Target,
    descendants,
    edit_commit,
    load_users,
    memory_per_session,
    peak_rss_mb,
    session,
    setup_times,
    throughput,
    timed,
)

REPO = Path(__file__).resolve().parents[2]
NC = "urn:ietf:params:xml:ns:netconf:base:1.0"


@dataclass(frozen=True)
class Sizes:
    """How much work a run does."""

    rounds: int
    users: int
    seconds: float  # per throughput measurement
    extra_sessions: int


FULL = Sizes(rounds=30, users=10_000, seconds=3.0, extra_sessions=10)
QUICK = Sizes(rounds=5, users=200, seconds=0.5, extra_sessions=3)


@dataclass(frozen=True)
class Row:
    """One line of the table: the goal is ``ours / netconfd <= goal`` (``>=`` when ``higher_better``)."""

    key: str
    label: str
    unit: str
    goal: float
    higher_better: bool = False


def rows(users: int) -> list[Row]:
    return [
        Row("setup", "session set-up (connect+auth+hello)", "ms", 0.1),
        Row("get_small", "get-config, small config", "ms", 1.5),
        Row("edit_small", "edit-config + commit, one leaf", "ms", 1.0),
        Row("edit_big", f"edit one leaf + commit, {users} users", "ms", 1.0),
        Row("get_big", f"get-config of {users} users", "ms", 1.0),
        Row("create", f"create {users} users, one edit + commit", "ms", 0.1),
        Row("tput_edit", "edit+commit throughput, 4 sessions", "ops/s", 1.0, True),
        Row("tput_get", "get throughput, 4 sessions", "ops/s", 0.5, True),
        Row("peak_rss", f"peak RSS after creating {users} users", "MB", 0.5),
        Row("mem_session", "memory per extra NETCONF session", "MB", 1.0),
    ]


Results = dict[str, list[float]]


def progress(target: Target, what: str) -> None:
    print(f"  {target.name}: {what}", file=sys.stderr, flush=True)


async def suite(target: Target, sizes: Sizes) -> Results:
    """Every comparable workload against one server, in an order that builds the state the next needs."""
    progress(target, "session set-up")
    res: Results = {"setup": await setup_times(target, sizes.rounds)}
    s = await session(target)
    progress(target, "small configuration")
    res["get_small"] = await timed(sizes.rounds * 4, lambda: s.ok(GET_CONFIG))
    counter = [0]
    res["edit_small"] = await timed(sizes.rounds * 2, lambda: edit_commit(s, counter))
    progress(target, "throughput")
    res["tput_edit"] = [await throughput(target, 4, sizes.seconds, "edit")]
    res["tput_get"] = [await throughput(target, 4, sizes.seconds, "get")]
    progress(target, "memory per session")
    res["mem_session"] = [await memory_per_session(target, sizes.extra_sessions)]
    progress(target, f"creating {sizes.users} users")
    res["create"] = [await load_users(s, 0, sizes.users)]
    res["peak_rss"] = [peak_rss_mb(target.pid)]
    progress(target, "large configuration")
    size = len(await s.ok(GET_CONFIG))
    res["get_big_bytes"] = [float(size)]
    res["get_big"] = await timed(max(5, sizes.rounds // 2), lambda: s.ok(GET_CONFIG))
    # netconfd's commit grows quadratically with the list (≈12 s at 10,000 users): few rounds keep the run short
    res["edit_big"] = await timed(max(3, sizes.rounds // 6), lambda: edit_commit(s, counter))
    await s.close()
    return res


async def ours_only(
    target: Target, ssh_port: int, sizes: Sizes, floor_port: int, state_dir: Path
) -> dict[str, list[float]]:
    """The agent's own figures (it must already hold ``sizes.users`` users): nothing to compare them with."""
    res: dict[str, list[float]] = {"floor_fsync": await asyncio.to_thread(durable_appends, state_dir, 100)}
    s = await session(target)
    res["save_config"] = await timed(5, lambda: s.ok('<save-config xmlns="http://cisco.com/yang/cisco-ia"/>'))
    res["commit_to_live"] = await _commit_to_live(s, ssh_port, 5)
    await s.close()
    async with asyncssh.connect(
        "127.0.0.1", ssh_port, username="admin", password=PASSWORD, known_hosts=None, agent_path=None
    ) as conn:

        async def show() -> None:
            out = await conn.run("show running-config", check=True, timeout=120)
            assert isinstance(out.stdout, str) and "username user" in out.stdout

        res["show_run"] = await timed(5, show)
    floor = Target("floor", lambda: RawNetconf.open("127.0.0.1", floor_port, "bench", "floor"), 0, list)
    res["floor_setup"] = await setup_times(floor, sizes.rounds)
    fs = await session(floor)
    res["floor_rpc"] = await timed(sizes.rounds * 4, lambda: fs.ok(GET_CONFIG))
    await fs.close()
    return res


def durable_appends(directory: Path, rounds: int) -> list[float]:
    """ms per append of a one-leaf change record's size (300 bytes) + fsync to a file in ``directory``: what
    every commit's journal append costs at least on this disk (the agent acknowledges a commit only once it is
    durable; netconfd 2.13 rewrites its backup-cfg.xml and a transaction-id file on every commit but calls
    neither fsync nor fdatasync: strace of five edit+commit pairs)."""
    out = []
    with tempfile.NamedTemporaryFile(dir=directory, prefix="fsync-floor-") as f:
        for _ in range(rounds):
            t0 = time.perf_counter()
            f.write(b"x" * 300)
            f.flush()
            os.fsync(f.fileno())
            out.append((time.perf_counter() - t0) * 1000)
    return out


async def _commit_to_live(s: RawNetconf, ssh_port: int, rounds: int) -> list[float]:
    """ms from a commit reply that changes ``ip ssh server algorithm encryption`` until a new device SSH
    connection offering only the new cipher gets in (that connection's own set-up included)."""

    def cipher_edit(cipher: str) -> str:
        enc = f"<encryption nc:operation='replace' xmlns:nc='{NC}'><{cipher}/></encryption>"
        cfg = f"<native xmlns='{NATIVE}'><ip><ssh><server><algorithm>{enc}</algorithm></server></ssh></ip></native>"
        return f"<edit-config><target><candidate/></target><config>{cfg}</config></edit-config>"

    out = []
    for i in range(rounds):
        cipher = ("aes256-ctr", "aes128-ctr")[i % 2]
        await s.ok(cipher_edit(cipher))
        await s.ok("<commit/>")
        t0 = time.perf_counter()
        deadline = t0 + 10
        while time.perf_counter() < deadline:
            try:
                conn = await asyncssh.connect(
                    "127.0.0.1", ssh_port, username="admin", password=PASSWORD, known_hosts=None,
                    agent_path=None, encryption_algs=[cipher],
                )  # fmt: skip
            except (asyncssh.Error, OSError):
                continue
            conn.close()
            break
        out.append((time.perf_counter() - t0) * 1000)
    await s.ok(
        f"<edit-config><target><candidate/></target><config><native xmlns='{NATIVE}'><ip><ssh><server>"
        f"<algorithm nc:operation='remove' xmlns:nc='{NC}'/>"
        "</server></ssh></ip></native></config></edit-config>"
    )
    await s.ok("<commit/>")
    return out


class Processes:
    """The agent and the floor responder, started for one run and stopped by PID."""

    def __init__(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="bench-agent-")
        self._procs: list[subprocess.Popen[str]] = []

    @property
    def state_dir(self) -> Path:
        return Path(self._tmp.name) / "state"

    def agent(self) -> tuple[subprocess.Popen[str], int, int]:
        proc, port, ssh_port = start_agent(self.state_dir)
        self._procs.append(proc)
        return proc, port, ssh_port

    def floor(self) -> int:
        proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("floor.py"))], stdout=subprocess.PIPE, text=True
        )
        self._procs.append(proc)
        assert proc.stdout is not None
        m = re.search(r":(\d+)", proc.stdout.readline())
        if not m:
            raise SystemExit("floor responder did not start")
        return int(m.group(1))

    def stop(self) -> None:
        for proc in self._procs:
            stop_process(proc)
        self._tmp.cleanup()


def one_run(sizes: Sizes, ref_first: bool) -> tuple[Results, Results, dict[str, list[float]], str]:
    """Start everything, run the suite against netconfd and the agent (order alternates between runs), stop."""
    procs = Processes()
    try:
        with netconfd_ref.NetconfdReference() as ref:
            agent, port, ssh_port = procs.agent()
            floor_port = procs.floor()
            theirs = Target(
                "netconfd",
                lambda: RawNetconf.open("127.0.0.1", ref.port, ref.user, client_keys=[ref.client_key]),
                ref.netconfd_pid,
                lambda: [ref.netconfd_pid, *descendants(ref.sshd_pid)],
            )
            ours = Target(
                "ours", lambda: RawNetconf.open("127.0.0.1", port, "admin", PASSWORD), agent.pid, lambda: [agent.pid]
            )

            async def run() -> tuple[Results, Results, dict[str, list[float]]]:
                order = (theirs, ours) if ref_first else (ours, theirs)
                got = {t.name: await suite(t, sizes) for t in order}
                extra = await ours_only(ours, ssh_port, sizes, floor_port, procs.state_dir.parent)
                return got["netconfd"], got["ours"], extra

            r, o, x = asyncio.run(run())
            return r, o, x, ref.modules
    finally:
        procs.stop()


def _med(v: list[float]) -> float:
    return statistics.median(v) if v else float("nan")


def _spread(v: list[float]) -> str:
    if len(v) < 3:
        return "-"
    s = sorted(v)
    lo, hi = s[len(s) // 10], s[len(s) - 1 - len(s) // 10]
    med = statistics.median(s)
    return f"±{(hi - lo) / 2 / med * 100:.0f}%" if med else "-"


def table(runs: list[tuple[Results, Results, dict[str, list[float]]]], users: int) -> str:
    """The comparison table: medians over runs of each run's median."""
    lines = [
        f"{'workload':<44} {'netconfd':>10} {'ours':>10} {'ratio':>7} {'goal':>7} {'met':>4} "
        f"{'spread ref/ours':>16} {'n':>4}"
    ]
    for row in rows(users):
        ref = _med([_med(r[row.key]) for r, _, _ in runs])
        our = _med([_med(o[row.key]) for _, o, _ in runs])
        ratio = our / ref if ref else float("nan")
        met = ratio >= row.goal if row.higher_better else ratio <= row.goal
        sign = "≥" if row.higher_better else "≤"
        spread = f"{_spread(runs[0][0][row.key])}/{_spread(runs[0][1][row.key])}"
        n = len(runs[0][1][row.key]) * len(runs)
        label = row.label + (
            f" ({_med([r['get_big_bytes'][0] for r, _, _ in runs]) / 1e6:.1f} MB)" if row.key == "get_big" else ""
        )
        lines.append(
            f"{label + ' [' + row.unit + ']':<44} {ref:>10.2f} {our:>10.2f} {ratio:>7.3f} {sign + str(row.goal):>7} "
            f"{'yes' if met else 'NO':>4} {spread:>16} {n:>4}"
        )
    x = [r[2] for r in runs]
    ours_small = _med([_med(o["get_small"]) for _, o, _ in runs])
    floor_rpc = _med([_med(e["floor_rpc"]) for e in x])
    alone = [
        ("commit-to-live (commit reply -> a new SSH connection uses the new cipher)",
         _med([_med(e["commit_to_live"]) for e in x])),
        (f"save-config with {users} users", _med([_med(e["save_config"]) for e in x])),
        (f"show running-config with {users} users (device SSH exec)", _med([_med(e["show_run"]) for e in x])),
        ("floor: bare asyncssh NETCONF responder, session set-up", _med([_med(e["floor_setup"]) for e in x])),
        ("floor: bare asyncssh RPC round trip", floor_rpc),
        ("our RPC overhead over the floor (get-config, small)", ours_small - floor_rpc),
        ("floor: 300-byte append + fsync in the state dir's file system (per commit)",
         _med([_med(e["floor_fsync"]) for e in x])),
    ]  # fmt: skip
    lines += ["", "ours alone (medians):", *(f"  {label:<76} {value:9.2f} ms" for label, value in alone)]
    return "\n".join(lines)


def plot(path: Path, sizes: Sizes) -> None:
    """Latency against configuration size for both servers, and throughput against sessions, as one PNG."""
    import matplotlib  # only --plot needs it

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    steps = [0, sizes.users // 4, sizes.users // 2, sizes.users * 3 // 4, sizes.users]
    session_counts = [1, 2, 4, 8]
    curves: dict[str, dict[str, list[float]]] = {}
    procs = Processes()
    try:
        with netconfd_ref.NetconfdReference() as ref:
            agent, port, _ = procs.agent()
            targets = [
                Target("netconfd", lambda: RawNetconf.open("127.0.0.1", ref.port, ref.user,
                                                           client_keys=[ref.client_key]), ref.netconfd_pid, list),
                Target("ours", lambda: RawNetconf.open("127.0.0.1", port, "admin", PASSWORD), agent.pid, list),
            ]  # fmt: skip

            async def measure(t: Target) -> dict[str, list[float]]:
                out: dict[str, list[float]] = {"edit": [], "get": [], "tput": []}
                out["tput"] = [await throughput(t, n, sizes.seconds, "edit") for n in session_counts]
                s = await session(t)
                counter, have = [0], 0
                for n in steps:
                    if n > have:
                        await load_users(s, have, n - have)
                        have = n
                    out["edit"].append(_med(await timed(3, lambda: edit_commit(s, counter))))
                    out["get"].append(_med(await timed(max(3, sizes.rounds // 3), lambda: s.ok(GET_CONFIG))))
                await s.close()
                return out

            for t in targets:
                curves[t.name] = asyncio.run(measure(t))
    finally:
        procs.stop()
    fig, (a, b, c) = plt.subplots(1, 3, figsize=(15, 4.5))
    for name, style in (("netconfd", "o--"), ("ours", "s-")):
        a.plot(steps, curves[name]["edit"], style, label=name)
        b.plot(steps, curves[name]["get"], style, label=name)
        c.plot(session_counts, curves[name]["tput"], style, label=name)
    a.set(title="edit one leaf + commit", xlabel="users in the configuration", ylabel="median latency (ms)")
    b.set(title="get-config of running", xlabel="users in the configuration", ylabel="median latency (ms)")
    c.set(title="edit+commit throughput", xlabel="concurrent sessions", ylabel="operations per second")
    for ax in (a, b, c):
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle("iosxe-agent vs netconfd (yuma123), same client, same machine")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"plot written to {path}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="few rounds and 200 users: a smoke run of a minute or so")
    p.add_argument("--runs", type=int, default=1, help="whole runs; the table shows medians of their medians")
    p.add_argument("--users", type=int, help="users of the large-configuration workloads (default 10000)")
    p.add_argument("--plot", type=Path, help="also draw latency vs configuration size and throughput vs sessions")
    args = p.parse_args()
    sizes = QUICK if args.quick else FULL
    if args.users:
        sizes = Sizes(sizes.rounds, args.users, sizes.seconds, sizes.extra_sessions)
    netconfd_ref.ensure_packages()
    os.chdir(REPO)  # start_agent runs ``python -m iosxe_agent`` from here
    runs = []
    modules = ""
    for i in range(max(1, args.runs)):
        r, o, x, modules = one_run(sizes, ref_first=i % 2 == 0)
        runs.append((r, o, x))
        print(f"run {i + 1}/{args.runs} done", file=sys.stderr, flush=True)
    print(f"netconfd (yuma123) loaded {modules}; {len(runs)} run(s); ratio = ours / netconfd")
    print(table(runs, sizes.users))
    if args.plot:
        plot(args.plot, sizes)


if __name__ == "__main__":
    main()
