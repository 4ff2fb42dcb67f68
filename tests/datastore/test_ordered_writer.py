"""The writer thread of the datastores (datastore/persist.py ``OrderedWriter``), as the executor it replaced
behaved: batches in submission order whichever way they were queued, a failure reaching its waiter (and only
it), a batch whose waiter gave up before it started left undone, the worker ending with its writer, and the
batches queued before the interpreter exits done before it does."""

from __future__ import annotations

import asyncio
import gc
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iosxe_agent.datastore import persist
from iosxe_agent.datastore.persist import OrderedWriter, WriteError

WAIT_S = 10.0


def _appender(done: list[int], index: int) -> persist.FileOp:
    return (Path(f"f{index}"), lambda: done.append(index))


def _failing(index: int) -> persist.FileOp:
    def fail() -> None:
        raise WriteError(Path(f"f{index}"), OSError(28, "No space left on device"))

    return (Path(f"f{index}"), fail)


@settings(max_examples=40, deadline=None)
@given(kinds=st.lists(st.sampled_from(["await", "queue", "fail"]), min_size=1, max_size=12))
async def test_batches_run_in_submission_order_and_failures_reach_their_waiter(kinds: list[str]) -> None:
    writer = OrderedWriter()
    done: list[int] = []
    waits = []
    for i, kind in enumerate(kinds):
        if kind == "queue":
            writer.apply([_appender(done, i)])
        else:
            ops = [_failing(i) if kind == "fail" else _appender(done, i)]
            waits.append((kind, asyncio.ensure_future(writer.write(ops))))
            await asyncio.sleep(0)  # the waiter's task runs up to its await: the batch is queued
    for kind, waiting in waits:
        if kind == "fail":
            with pytest.raises(WriteError):
                await waiting
        else:
            await waiting
    await writer.write([])  # behind everything queued
    assert done == [i for i, kind in enumerate(kinds) if kind != "fail"]


async def test_a_queued_batch_reports_its_failure_on_its_future() -> None:
    writer = OrderedWriter()
    failed = writer.apply([_failing(0)])
    await writer.write([])
    assert isinstance(failed.exception(timeout=WAIT_S), WriteError)


async def test_a_batch_whose_waiter_gave_up_before_it_started_is_not_done() -> None:
    writer = OrderedWriter()
    entered, opened = threading.Event(), threading.Event()
    done: list[int] = []

    def gate() -> None:
        entered.set()
        opened.wait(WAIT_S)

    writer.apply([(Path("gate"), gate)])
    assert await asyncio.to_thread(entered.wait, WAIT_S)
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.05):
            await writer.write([_appender(done, 1)])
    opened.set()
    await writer.write([_appender(done, 2)])
    assert done == [2]


async def test_the_worker_ends_when_its_writer_is_collected() -> None:
    before = set(threading.enumerate())
    writer = OrderedWriter()
    await writer.write([])
    (worker,) = (t for t in threading.enumerate() if t not in before and t.name == "persist")
    del writer
    gc.collect()
    await asyncio.to_thread(worker.join, WAIT_S)
    assert not worker.is_alive()


def test_batches_queued_before_exit_are_done(tmp_path: Path) -> None:
    target = tmp_path / "written"
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from iosxe_agent.datastore.persist import OrderedWriter\n"
        "writer = OrderedWriter()\n"
        "writer.apply([(Path('slow'), lambda: time.sleep(0.3))])\n"
        f"writer.apply([(Path({str(target)!r}), b'kept')])\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=Path(__file__).resolve().parents[2], timeout=60)
    assert target.read_bytes() == b"kept"
