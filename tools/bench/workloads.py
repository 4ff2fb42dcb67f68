"""The workloads the side-by-side benchmark runs against each server, with one raw client (rawclient.py).

Each function times one thing and returns samples; none asserts anything about speed. Every RPC is checked
for ``<rpc-error>`` (:meth:`RawNetconf.ok`), so a refused edit is never timed as a fast one.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from rawclient import RawNetconf

NATIVE = "http://cisco.com/ns/yang/Cisco-IOS-XE-native"
GET_CONFIG = "<get-config><source><running/></source></get-config>"
#: A well-formed type-9 hash: users arrive already hashed, so neither server spends the time in scrypt.
HASH = "$9$AAAAAAAAAAAAAA$98TL7I2NJnM8PHS7XqDxOe569kXm8FUzMdMc/E6wP2Y"
#: netconfd drops an RPC that reaches it in the same read as the client's hello (it switches framing after
#: parsing the hello buffer); a short pause after the hello, outside every timed section, avoids that.
HELLO_SETTLE_S = 0.02


@dataclass
class Target:
    """A server under test: how to open a session, and the process whose memory counts."""

    name: str
    open: Callable[[], Awaitable[RawNetconf]]
    pid: int  # the server process (peak RSS)
    tree_pids: Callable[[], list[int]]  # every process that serves sessions (memory per session)


async def session(target: Target) -> RawNetconf:
    """An open session that is ready for RPCs."""
    s = await target.open()
    await asyncio.sleep(HELLO_SETTLE_S)
    return s


def leaf_edit(value: int) -> str:
    """edit-config of one leaf (``ip ssh time-out``) on the candidate."""
    cfg = f"<native xmlns='{NATIVE}'><ip><ssh><time-out>{value % 120 + 1}</time-out></ssh></ip></native>"
    return f"<edit-config><target><candidate/></target><config>{cfg}</config></edit-config>"


def users_edit(first: int, count: int) -> str:
    """edit-config creating users ``user{first}`` … on the candidate, each with a privilege and a secret."""
    entries = "".join(
        f"<username><name>user{i:05d}</name><privilege>1</privilege>"
        f"<secret><encryption>9</encryption><secret>{HASH}</secret></secret></username>"
        for i in range(first, first + count)
    )
    cfg = f"<native xmlns='{NATIVE}'>{entries}</native>"
    return f"<edit-config><target><candidate/></target><config>{cfg}</config></edit-config>"


async def timed(rounds: int, fn: Callable[[], Awaitable[object]]) -> list[float]:
    """Run ``fn`` ``rounds`` times; the durations in ms."""
    out = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        await fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


async def setup_times(target: Target, rounds: int) -> list[float]:
    """connect + SSH auth + hello exchange, each a new connection; the close is not timed."""
    out = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        s = await target.open()
        out.append((time.perf_counter() - t0) * 1000)
        await asyncio.sleep(HELLO_SETTLE_S)
        await s.close()
    return out


async def edit_commit(s: RawNetconf, counter: list[int]) -> None:
    """One leaf edited on the candidate, then committed."""
    counter[0] += 1
    await s.ok(leaf_edit(counter[0]))
    await s.ok("<commit/>")


async def throughput(target: Target, sessions: int, seconds: float, op: str) -> float:
    """Operations per second from ``sessions`` concurrent sessions, each looping ``op`` ("edit" or "get")."""
    clients = [await session(target) for _ in range(sessions)]
    deadline = time.perf_counter() + seconds
    done = [0]

    async def loop(s: RawNetconf) -> None:
        counter = [0]
        while time.perf_counter() < deadline:
            if op == "edit":
                await edit_commit(s, counter)
            else:
                await s.ok(GET_CONFIG)
            done[0] += 1

    t0 = time.perf_counter()
    await asyncio.gather(*(loop(c) for c in clients))
    rate = done[0] / (time.perf_counter() - t0)
    for c in clients:
        await c.close()
    return rate


def pss_kb(pids: list[int]) -> int:
    """Proportional set size of ``pids`` together (shared pages counted once, split among sharers)."""
    total = 0
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        m = re.search(r"^Pss:\s+(\d+) kB", text, re.M)
        total += int(m.group(1)) if m else 0
    return total


def peak_rss_mb(pid: int) -> float:
    """The high-water mark of a process's resident set (VmHWM)."""
    m = re.search(r"^VmHWM:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.M)
    return int(m.group(1)) / 1024 if m else float("nan")


def descendants(root: int) -> list[int]:
    """``root`` and every process below it (read from /proc, which every Linux has)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except (FileNotFoundError, ProcessLookupError):
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(parents.get(pid, []))
    return out


async def memory_per_session(target: Target, extra: int) -> float:
    """MB of memory (PSS of every serving process) that each of ``extra`` idle open sessions adds."""
    await asyncio.sleep(0.3)
    before = pss_kb(target.tree_pids())
    clients = [await session(target) for _ in range(extra)]
    await asyncio.sleep(0.5)  # let forked children finish starting
    after = pss_kb(target.tree_pids())
    for c in clients:
        await c.close()
    return (after - before) / 1024 / extra


async def load_users(s: RawNetconf, first: int, count: int) -> float:
    """Create ``count`` users in one edit-config and commit them; ms taken, from sending the edit (the client
    builds its ~2 MB of XML before: ~8 ms that are no server's work) to the commit's reply."""
    edit = users_edit(first, count)
    t0 = time.perf_counter()
    await s.ok(edit)
    await s.ok("<commit/>")
    return (time.perf_counter() - t0) * 1000
