"""SIGKILL a process committing to running's journal — at random moments and in the middle of compactions — and
load what it left: always running as of the last acknowledged commit or the one in flight, byte for byte.

The writer (tests/support/journal_writer.py) compacts every few commits (a 1,500-byte bound beside a 500-entry
snapshot), so the kills land in appends, in snapshot writes, between a snapshot and the new journal, and while
the old generation is removed.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import journal_writer
import pytest
from lxml import etree

from iosxe_agent.datastore.journal import RunningJournal
from iosxe_agent.limits import Limits

ROOT = Path(__file__).resolve().parents[2]
WRITER = ROOT / "tests" / "support" / "journal_writer.py"
KILLS = 16


class Expected:
    """Running after each commit, computed here the way the writer computes it."""

    def __init__(self) -> None:
        self.schema = journal_writer.edge_schema()
        self.trees = [journal_writer.start_tree(self.schema)]

    def xml(self, k: int) -> bytes:
        while len(self.trees) <= k:
            tree, _ = journal_writer.commit(self.trees[-1], len(self.trees), self.schema)
            self.trees.append(tree)
        return etree.tostring(self.trees[k])


def run_until_killed(state: Path, rng: random.Random) -> list[str]:
    """Start the writer, SIGKILL it right after a compaction starts or after a random number of commits; every
    line it printed."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # unbuffered: every line the writer printed before the kill is read, none waits in a buffer of ours
    proc = subprocess.Popen(
        [sys.executable, str(WRITER), str(state), "1500"], stdout=subprocess.PIPE, bufsize=0, env=env, cwd=ROOT
    )
    assert proc.stdout is not None
    aim_at_compaction, target = rng.random() < 0.6, rng.randint(1, 25)
    lines: list[str] = []
    acks = 0
    try:
        while line := proc.stdout.readline().decode():
            lines.append(line.strip())
            acks += line.startswith("acked")
            if acks >= target and (line.startswith("compacting") or not aim_at_compaction):
                break
    finally:
        proc.kill()
        rest, _ = proc.communicate(timeout=30)
    assert proc.returncode == -9, lines[-5:]
    return lines + rest.decode().split("\n")[:-1]


@pytest.mark.slow
def test_sigkill_during_appends_and_compactions_keeps_the_last_acknowledged_commit(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    expected = Expected()
    rng = random.Random(17)
    in_compaction = 0
    for _ in range(KILLS):
        lines = run_until_killed(state, rng)
        acked = [int(x.split()[1]) for x in lines if x.startswith("acked")]
        if lines and lines[-1].startswith("compacting"):
            in_compaction += 1
        tree = RunningJournal(state / "running-config.xml", expected.schema, Limits(journal_compact_bytes=1500)).load()
        assert tree is not None
        k = int(tree.findtext(f"{{{journal_writer.EDGE}}}top/{{{journal_writer.EDGE}}}big") or 0)
        last = acked[-1] if acked else k
        assert k in (last, last + 1), (k, lines[:2], lines[-3:], sorted(p.name for p in state.iterdir()))
        assert etree.tostring(tree) == expected.xml(k)
        generations = {p.name.split(".")[1] for p in state.iterdir() if not p.name.startswith(".")}
        assert len(generations) == 1, sorted(p.name for p in state.iterdir())
    assert in_compaction >= KILLS // 4
