"""Serving a fleet: in this process, or in K forked workers (``--workers K``) each serving a contiguous shard.

Why fork: one event loop uses one core. The schema (~0.4 s, ~77 MB) is compiled once and every port is bound
once, in the parent, before the workers exist; each child inherits both (the schema's pages stay shared
copy-on-write) and serves only its shard. The parent serves nothing: it supervises.

- Each child reports on its own pipe one JSON line: its endpoints (``{"devices": …, "first_starts": n}``) or
  ``{"error": "one line"}``; it keeps the pipe open until it exits, so end-of-file on the pipe *is* the child's
  death, seen without signals or polling.
- The parent writes the ready file once every child has reported (the endpoints in spec order), and forwards
  SIGTERM/SIGINT to the children. A child that fails to start or dies makes the parent stop the others and exit 1.
- Children ignore SIGINT (a terminal's Ctrl-C reaches the whole process group: the parent alone decides) and
  watch a lifeline pipe whose write end only the parent holds: if the parent is killed outright, the children
  see end-of-file and stop instead of serving on as orphans.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from iosxe_agent.fleet.endpoints import Endpoint
from iosxe_agent.fleet.runner import FleetRunner, FleetStartError, Started
from iosxe_agent.listeners import DevicePorts

log = logging.getLogger(__name__)

#: how long stopping children may take before they are killed (each stops its devices side by side)
STOP_TIMEOUT_S = 60.0
#: the largest report line a child may send (~200 bytes per device)
MAX_REPORT_BYTES = 64 * 1024 * 1024

#: what a runner with its devices' sockets becomes: built in the child, after the fork
RunnerFactory = Callable[[Sequence[DevicePorts]], FleetRunner]


@dataclass(frozen=True, slots=True)
class Shard:
    """One worker's devices: a runner factory for them and their sockets, already listening."""

    make_runner: RunnerFactory
    ports: tuple[DevicePorts, ...]


async def serve(runner: FleetRunner, report: Callable[[Started], None], lifeline: int | None = None) -> None:
    """Start ``runner``'s devices, ``report`` where they listen, serve until SIGTERM/SIGINT (or end-of-file on
    ``lifeline``), stop them. FleetStartError propagates (nothing is left running)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    if lifeline is not None:
        loop.add_reader(lifeline, stop.set)  # readable only at end-of-file: the parent is gone
    started = await runner.start()
    try:
        report(started)
        await stop.wait()
    finally:
        await runner.stop()


def encode_report(started: Started) -> bytes:
    """A child's report line."""
    body = {"devices": [e.as_json() for e in started.endpoints], "first_starts": started.first_starts}
    return json.dumps(body, separators=(",", ":")).encode() + b"\n"


def decode_report(line: bytes) -> Started | str:
    """A child's report: what it started, or its error line."""
    body = json.loads(line)
    if "error" in body:
        return str(body["error"])
    return Started(tuple(Endpoint.from_json(r) for r in body["devices"]), int(body["first_starts"]))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _child(shard: Shard, report_fd: int, lifeline: int) -> int:
    """The body of a forked worker: serve the shard, report on ``report_fd``; the exit code."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    runner = shard.make_runner(shard.ports)
    try:
        asyncio.run(serve(runner, lambda started: _write_all(report_fd, encode_report(started)), lifeline))
    except FleetStartError as exc:
        _write_all(report_fd, json.dumps({"error": str(exc)}).encode() + b"\n")
        return 1
    return 0


@dataclass(slots=True)
class _Worker:
    pid: int
    reader: int  # the report pipe's read end


def fork_workers(shards: Sequence[Shard]) -> tuple[list[_Worker], int]:
    """Fork one child per shard; the parent keeps the report pipes' read ends and the lifeline's write end.

    Each child closes what belongs to the others (their sockets, earlier report pipes), so a child's death
    closes its report pipe for good and no port outlives its own worker.
    """
    lifeline_r, lifeline_w = os.pipe()
    workers: list[_Worker] = []
    for index, shard in enumerate(shards):
        reader, writer = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            code = 1
            try:
                os.close(lifeline_w)
                os.close(reader)
                for worker in workers:
                    os.close(worker.reader)
                for other, rest in enumerate(shards):
                    if other != index:
                        for pair in rest.ports:
                            pair.close()
                code = _child(shard, writer, lifeline_r)
            except BaseException:
                log.exception("fleet worker %d failed", index + 1)
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        os.close(writer)
        for pair in shard.ports:
            pair.close()  # the child has them now
        workers.append(_Worker(pid, reader))
    os.close(lifeline_r)
    return workers, lifeline_w


async def supervise(workers: Sequence[_Worker], announce: Callable[[Started], None]) -> int:
    """Collect the children's reports, ``announce`` the whole fleet once, then wait for a signal (forwarded
    to the children) or a child's death (the others are stopped); the exit code."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    stopping = asyncio.ensure_future(stop.wait())
    streams = [await _stream(w.reader) for w in workers]
    reports = [asyncio.ensure_future(s.readline()) for s in streams]
    errors = await _start_errors(workers, reports, stopping)
    if not errors and not stopping.done():
        started = [decode_report(r.result()) for r in reports]
        endpoints = tuple(e for s in started if isinstance(s, Started) for e in s.endpoints)
        announce(Started(endpoints, sum(s.first_starts for s in started if isinstance(s, Started))))
        deaths = [asyncio.ensure_future(s.read()) for s in streams]  # end-of-file: the child exited
        await asyncio.wait([*deaths, stopping], return_when=asyncio.FIRST_COMPLETED)
        errors = [f"fleet worker {i + 1} (pid {w.pid}) exited" for i, w in enumerate(workers) if deaths[i].done()]
        _cancel(deaths)
    _cancel([*reports, stopping])
    for message in errors:
        print(f"iosxe-agent: {message}", file=sys.stderr, flush=True)
    codes = await _stop_all(workers, streams)
    return 1 if errors or any(code not in (0, -signal.SIGTERM) for code in codes) else 0


async def _start_errors(
    workers: Sequence[_Worker], reports: Sequence[asyncio.Future[bytes]], stopping: asyncio.Future[Any]
) -> list[str]:
    """Wait until every child reported, one failed, or a signal came; the failures' lines."""
    errors: list[str] = []
    pending = set(reports)
    while pending and not errors and not stopping.done():
        await asyncio.wait([*pending, stopping], return_when=asyncio.FIRST_COMPLETED)
        for index, report in enumerate(reports):
            if report in pending and report.done():
                pending.discard(report)
                error = _failure(index, workers[index], report.result())
                if error is not None:
                    errors.append(error)
    return errors


def _failure(index: int, worker: _Worker, line: bytes) -> str | None:
    """A child's start-up failure as one line, None if it started."""
    if not line:
        return f"fleet worker {index + 1} (pid {worker.pid}) exited during start-up"
    result = decode_report(line)
    return result if isinstance(result, str) else None


def _cancel(futures: Sequence[asyncio.Future[Any]]) -> None:
    for future in futures:
        future.cancel()


async def _stream(fd: int) -> asyncio.StreamReader:
    """A report pipe as a stream (lines up to :data:`MAX_REPORT_BYTES`)."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=MAX_REPORT_BYTES)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(fd, "rb", buffering=0))
    return reader


async def _stop_all(workers: Sequence[_Worker], streams: Sequence[asyncio.StreamReader]) -> list[int]:
    """SIGTERM every child, wait until each one's pipe closes (SIGKILL after :data:`STOP_TIMEOUT_S`), reap;
    their exit codes (-N: killed by signal N)."""
    for worker in workers:
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker.pid, signal.SIGTERM)

    async def exited(worker: _Worker, stream: asyncio.StreamReader) -> int:
        try:
            await asyncio.wait_for(stream.read(), STOP_TIMEOUT_S)
        except TimeoutError:
            log.warning("fleet worker pid %d did not stop in %.0f s: killed", worker.pid, STOP_TIMEOUT_S)
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker.pid, signal.SIGKILL)
        _, status = await asyncio.to_thread(os.waitpid, worker.pid, 0)  # its pipe closed as it exited
        return os.waitstatus_to_exitcode(status)

    return list(await asyncio.gather(*(exited(w, s) for w, s in zip(workers, streams, strict=True))))
