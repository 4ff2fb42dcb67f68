"""The soak's adversary mode: hostile and careless clients running beside the legitimate ones.

``tools/soak --adversaries`` starts these next to its NETCONF and CLI workers; the soak passes only if the
legitimate clients see no error at all. Each adversary repeats one attack from the hardening issue for the whole
run, bounded in count and time, on loopback only:

* :class:`RegexBomber` — a privilege-1 CLI user running output filters with catastrophic-backtracking
  regular expressions (``show clock | include ^(.*)*ZZ``); every command must come back within a bound.
* :class:`SilentNetconf` — a NETCONF client that pipelines get-configs and never reads a reply; the agent must
  stop reading it (its writes block) and eventually close it, instead of buffering without bound.
* :class:`SilentCli` — a CLI session that runs ``show running-config`` over and over and never reads.
* :class:`IdleFlood` — TCP connections from several source addresses in 127.0.0.0/8 to both SSH ports that never
  send a byte, reopened whenever the agent drops them.
* :class:`LoginProber` — the legitimate side of the floods: a new NETCONF login and a new device SSH login from
  127.0.0.1, again and again; every one must succeed, and its time is recorded.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from dataclasses import dataclass, field
from typing import Any

import asyncssh
from rawclient import HELLO

BOMB_USER, BOMB_PASSWORD = "bomber", "Bomb-pass-1"
BOMBS = (
    "show clock | include ^(.*)*ZZ",
    "show running-config | include (a|aa)*b",
    "show running-config | include (x+x+)+y",
    "show running-config | section ((((.*)*)*)*)*Q",
)
BOMB_BOUND_S = 5.0  # a filtered command must answer within this, however evil its expression
FLOOD_SOURCES = ("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5")
FLOOD_PER_SOURCE = 8  # connections each flooding address tries to hold on each port
PROBE_EVERY_S = 1.0
PROBE_TIMEOUT_S = 30.0


@dataclass
class AdversaryFigures:
    """What the adversaries did and what the legitimate probers saw."""

    bombs_run: int = 0
    bomb_worst_s: float = 0.0
    silent_netconf_closed: int = 0  # non-reading NETCONF sessions the agent closed
    silent_netconf_blocked: int = 0  # times the agent stopped reading a non-reading session (writes blocked)
    silent_cli_closed: int = 0
    flood_connections: int = 0  # TCP connections the flood opened in total
    flood_dropped: int = 0  # of those, closed by the agent
    probes: int = 0
    probe_failures: int = 0
    probe_latencies: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def problem(self, text: str) -> None:
        if len(self.problems) < 50:
            self.problems.append(text)
            print(f"soak: adversary: {text}", flush=True)

    def summary(self) -> dict[str, Any]:
        lat = sorted(self.probe_latencies)
        pick = (lambda q: round(lat[min(len(lat) - 1, int(q * len(lat)))], 3)) if lat else (lambda q: None)
        return {
            "bombs_run": self.bombs_run, "bomb_worst_s": round(self.bomb_worst_s, 3),
            "silent_netconf_closed": self.silent_netconf_closed,
            "silent_netconf_blocked": self.silent_netconf_blocked, "silent_cli_closed": self.silent_cli_closed,
            "flood_connections": self.flood_connections, "flood_dropped": self.flood_dropped,
            "probes": self.probes, "probe_failures": self.probe_failures,
            "probe_login_p50_s": pick(0.5), "probe_login_p99_s": pick(0.99), "probe_login_max_s": pick(1.0),
        }  # fmt: skip


def bomber_config(native_ns: str) -> str:
    """The edit-config body that creates the privilege-1 user of :class:`RegexBomber`."""
    return (
        f"<config><native xmlns='{native_ns}'><username><name>{BOMB_USER}</name><privilege>1</privilege>"
        f"<secret><encryption>0</encryption><secret>{BOMB_PASSWORD}</secret></secret></username></native></config>"
    )


async def _until(proc: asyncssh.SSHClientProcess[str], endings: tuple[str, ...], timeout: float) -> str:
    """Read until the output ends with one of ``endings`` (a prompt)."""
    out = ""
    async with asyncio.timeout(timeout):
        while not out.rstrip(" ").endswith(endings):
            chunk = await proc.stdout.read(65536)
            if not chunk:
                raise ConnectionError(f"session closed; last output {out[-200:]!r}")
            out += chunk
    return out


class RegexBomber:
    """A privilege-1 user who runs regex bombs in output filters for the whole run."""

    def __init__(self, ssh_port: int, figures: AdversaryFigures) -> None:
        self.port = ssh_port
        self.figures = figures

    async def run(self, until: float) -> None:
        async with await asyncssh.connect(
            "127.0.0.1", self.port, username=BOMB_USER, password=BOMB_PASSWORD, known_hosts=None
        ) as conn:
            proc = await conn.create_process(term_type="vt100", term_size=(200, 50))
            await _until(proc, (">",), PROBE_TIMEOUT_S)
            proc.stdin.write("terminal length 0\n")
            await _until(proc, (">",), PROBE_TIMEOUT_S)
            i = 0
            while time.monotonic() < until:
                command = BOMBS[i % len(BOMBS)]
                i += 1
                started = time.monotonic()
                proc.stdin.write(command + "\n")
                try:
                    await _until(proc, (">",), BOMB_BOUND_S * 4)
                except TimeoutError:
                    self.figures.problem(f"{command!r} did not answer within {BOMB_BOUND_S * 4} s")
                    return
                took = time.monotonic() - started
                self.figures.bombs_run += 1
                self.figures.bomb_worst_s = max(self.figures.bomb_worst_s, took)
                if took > BOMB_BOUND_S:
                    self.figures.problem(f"{command!r} took {took:.1f} s (bound {BOMB_BOUND_S} s)")


class SilentNetconf:
    """Pipelines get-configs on a NETCONF session and never reads; reconnects when the agent closes it."""

    def __init__(self, port: int, password: str, figures: AdversaryFigures) -> None:
        self.port = port
        self.password = password
        self.figures = figures

    async def _open(self) -> tuple[asyncssh.SSHClientConnection, asyncssh.SSHWriter[bytes]]:
        conn = await asyncssh.connect(
            "127.0.0.1", self.port, username="admin", password=self.password, known_hosts=None
        )
        writer, reader, _ = await conn.open_session(subsystem="netconf", encoding=None)
        hello = b""
        while b"]]>]]>" not in hello:
            hello += await reader.read(65536)
        writer.write(HELLO)
        return conn, writer

    async def run(self, until: float) -> None:
        request = b'<rpc xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="1"><get-config><source>'
        request += b"<running/></source></get-config></rpc>"
        framed = (b"\n#%d\n" % len(request) + request + b"\n##\n") * 16
        while time.monotonic() < until:
            try:
                conn, writer = await asyncio.wait_for(self._open(), PROBE_TIMEOUT_S)
            except (TimeoutError, asyncssh.Error, OSError):
                await asyncio.sleep(1.0)  # refused (a session cap, say): an attacker just tries again
                continue
            closed_by_agent = False
            try:
                while time.monotonic() < until:
                    writer.write(framed)
                    try:
                        await asyncio.wait_for(writer.drain(), 2.0)
                    except TimeoutError:
                        self.figures.silent_netconf_blocked += 1  # the agent stopped reading us: backpressure
                        await asyncio.wait_for(conn.wait_closed(), max(0.1, until - time.monotonic()))
                        closed_by_agent = True
                        break
            except TimeoutError:
                pass  # the run ended while the agent still held the session open
            except (asyncssh.Error, OSError):
                closed_by_agent = True
            finally:
                self.figures.silent_netconf_closed += int(closed_by_agent)
                conn.abort()
                await conn.wait_closed()


class SilentCli:
    """Runs ``show running-config`` again and again on the device port and never reads the output."""

    def __init__(self, ssh_port: int, password: str, figures: AdversaryFigures) -> None:
        self.port = ssh_port
        self.password = password
        self.figures = figures

    async def run(self, until: float) -> None:
        while time.monotonic() < until:
            try:
                conn = await asyncio.wait_for(
                    asyncssh.connect(
                        "127.0.0.1", self.port, username="admin", password=self.password, known_hosts=None
                    ),
                    PROBE_TIMEOUT_S,
                )
            except (TimeoutError, asyncssh.Error, OSError):
                await asyncio.sleep(1.0)  # refused (a session cap, say): an attacker just tries again
                continue
            closed = False
            try:
                proc = await conn.create_process(term_type="vt100", term_size=(200, 50))
                await _until(proc, ("#",), PROBE_TIMEOUT_S)
                proc.stdin.write("terminal length 0\n")
                await _until(proc, ("#",), PROBE_TIMEOUT_S)
                while time.monotonic() < until:
                    proc.stdin.write("show running-config\n" * 32)
                    try:
                        await asyncio.wait_for(proc.stdin.drain(), 2.0)
                    except TimeoutError:
                        await asyncio.wait_for(conn.wait_closed(), max(0.1, until - time.monotonic()))
                        closed = True
                        break
            except TimeoutError:
                pass
            except (asyncssh.Error, OSError):
                closed = True
            finally:
                self.figures.silent_cli_closed += int(closed)
                conn.abort()
                await conn.wait_closed()


class IdleFlood:
    """Holds idle TCP connections from several loopback source addresses to the given ports."""

    def __init__(self, ports: tuple[int, ...], figures: AdversaryFigures) -> None:
        self.ports = ports
        self.figures = figures

    async def _hold(self, source: str, port: int, until: float) -> None:
        loop = asyncio.get_running_loop()
        while time.monotonic() < until:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setblocking(False)
            try:
                sock.bind((source, 0))
                await loop.sock_connect(sock, ("127.0.0.1", port))
                self.figures.flood_connections += 1
                # never send a byte; wait until the agent drops us (or the run ends)
                async with asyncio.timeout(max(0.1, until - time.monotonic())):
                    while await loop.sock_recv(sock, 4096):
                        pass
                self.figures.flood_dropped += 1
            except (TimeoutError, OSError):
                pass
            finally:
                sock.close()
            await asyncio.sleep(0.2)  # reconnect at once, but not in a hot loop

    async def run(self, until: float) -> None:
        await asyncio.gather(
            *(self._hold(s, p, until) for s in FLOOD_SOURCES for p in self.ports for _ in range(FLOOD_PER_SOURCE))
        )


class LoginProber:
    """A legitimate administrator logging in afresh on both ports from 127.0.0.1 while the floods run."""

    def __init__(self, agent: Any, password: str, figures: AdversaryFigures) -> None:
        self.agent = agent
        self.password = password
        self.figures = figures

    async def _netconf(self) -> None:
        nc = await self.agent.netconf()
        await nc.ok("<get-config><source><running/></source></get-config>")
        await nc.close()

    async def _ssh(self) -> None:
        async with await asyncssh.connect(
            "127.0.0.1", self.agent.ssh_port, username="admin", password=self.password, known_hosts=None
        ) as conn:
            result = await conn.run("show version", check=False)
            if "Cisco IOS XE Software" not in str(result.stdout):
                raise RuntimeError(f"show version gave {str(result.stdout)[:200]!r}")

    async def run(self, until: float) -> None:
        while time.monotonic() < until:
            for face, probe in (("NETCONF", self._netconf), ("SSH", self._ssh)):
                started = time.monotonic()
                self.figures.probes += 1
                try:
                    await asyncio.wait_for(probe(), PROBE_TIMEOUT_S)
                except Exception as exc:  # every failure of a legitimate login is a finding
                    self.figures.probe_failures += 1
                    self.figures.problem(f"legitimate {face} login failed: {exc!r}")
                else:
                    self.figures.probe_latencies.append(time.monotonic() - started)
            await asyncio.sleep(PROBE_EVERY_S)


async def run_all(agent: Any, password: str, figures: AdversaryFigures, until: float) -> None:
    """Every adversary and the prober until ``until``; an adversary that crashes is reported, not fatal."""
    tasks = {
        "regex bomber": RegexBomber(agent.ssh_port, figures).run(until),
        "silent NETCONF": SilentNetconf(agent.netconf_port, password, figures).run(until),
        "silent CLI": SilentCli(agent.ssh_port, password, figures).run(until),
        "idle flood": IdleFlood((agent.netconf_port, agent.ssh_port), figures).run(until),
        "login prober": LoginProber(agent, password, figures).run(until),
    }
    results = await asyncio.gather(*tasks.values(), return_exceptions=True)
    for name, result in zip(tasks, results, strict=True):
        if isinstance(result, BaseException):
            with contextlib.suppress(Exception):
                figures.problem(f"{name} stopped: {result!r}")
