"""Network AAA: one ``group`` method run against its TACACS+ / RADIUS servers, with IOS's fail-over and counters.

Fail-over follows IOS: the servers of a group are tried in order and the next one is asked only when a server
cannot answer (unreachable, timed out, wrong key, protocol error). An answer — accept *or* reject — ends the
search; when no server answers the method returns None (ERROR) and the caller moves to the next method of its
list. Every exchange is bounded by the server's configured timeout (RADIUS: times its retransmissions), so a dead
server costs one login that much and never blocks other sessions (everything is asyncio).

The counters behind ``show tacacs`` and ``show aaa servers`` live here, one record per configured server; they
survive configuration changes for servers that keep their name, as IOS's do.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

from iosxe_agent.device.aaa import radius, tacacs
from iosxe_agent.device.aaa.radius import RadiusError, RadiusServer
from iosxe_agent.device.aaa.tacacs import Converse, TacacsError, TacacsServer, Traffic
from iosxe_agent.device.egress import Egress
from iosxe_agent.device.views.aaa_view import AaaServer
from iosxe_agent.digits import ascii_digits

log = logging.getLogger(__name__)

#: ``show aaa servers`` reports requests per minute over the past 24 hours: one tally per minute, that many kept
MINUTES_KEPT = 24 * 60


@dataclass(frozen=True, slots=True)
class Answer:
    """What a server group said about a login."""

    accepted: bool
    protocol: str  # "tacacs+" or "radius"
    avpairs: tuple[str, ...] = ()  # RADIUS Cisco-AVPairs of an Access-Accept (used by exec authorization)


@dataclass
class Exchange:
    """Counters of one kind of exchange (authentication, authorization or accounting) with one server."""

    requests: int = 0
    accepts: int = 0  # PASS / Access-Accept / accounting response
    rejects: int = 0  # FAIL / Access-Reject
    errors: int = 0  # no usable answer: unreachable, timeout, bad key, protocol error
    last_ms: float = 0.0  # round-trip time of the last answered exchange


@dataclass
class ServerCounters:
    """One server's state and counters, as ``show aaa servers`` / ``show tacacs`` print them."""

    protocol: str
    name: str
    host: str
    auth_port: int
    acct_port: int
    authen: Exchange = field(default_factory=Exchange)
    author: Exchange = field(default_factory=Exchange)
    account: Exchange = field(default_factory=Exchange)
    acct_starts: int = 0  # START / STOP records sent …
    acct_stops: int = 0
    acct_starts_ok: int = 0  # … and answered
    acct_stops_ok: int = 0
    up: bool = True
    state_since: float = field(default_factory=time.monotonic)
    dead_count: int = 0
    previous_duration: float = 0.0  # how long the state before the current one lasted
    dead_time: float = 0.0  # seconds spent DEAD in dead periods that have ended
    cleared: float = field(default_factory=time.monotonic)
    traffic: Traffic = field(default_factory=Traffic)  # TACACS+ sockets and packets
    failing: dict[str, int] = field(default_factory=dict)  # unanswered exchanges in a row, per kind …
    timeouts_run: int = 0  # … and of any kind, with the longest such run
    timeouts_run_max: int = 0
    per_minute: deque[list[int]] = field(default_factory=lambda: deque(maxlen=MINUTES_KEPT))  # [minute, requests]

    def mark(self, answered: bool) -> None:
        """Track UP/DEAD transitions: a server that failed to answer is DEAD until it answers again."""
        if answered != self.up:
            now = time.monotonic()
            self.previous_duration = now - self.state_since
            if answered:
                self.dead_time += self.previous_duration
            self.up = answered
            self.state_since = now
            if not answered:
                self.dead_count += 1

    def dead_total(self, now: float) -> float:
        """Seconds DEAD since the counters started, the current dead period included."""
        return self.dead_time + (0.0 if self.up else now - self.state_since)

    def request(self, kind: str) -> None:
        """Count a request about to be sent (``authen``, ``author`` or ``account``), in its minute's tally too."""
        exchange: Exchange = getattr(self, kind)
        exchange.requests += 1
        minute = int(time.monotonic() // 60)
        if self.per_minute and self.per_minute[-1][0] == minute:
            self.per_minute[-1][1] += 1
        else:
            self.per_minute.append([minute, 1])

    def answered(self, kind: str, started: float, accepted: bool) -> None:
        """Count an exchange (``authen``, ``author`` or ``account``) the server answered, and log the counters."""
        exchange: Exchange = getattr(self, kind)
        self.mark(True)
        self.failing[kind] = self.timeouts_run = 0
        exchange.last_ms = (time.monotonic() - started) * 1000
        if accepted:
            exchange.accepts += 1
        else:
            exchange.rejects += 1
        log.info(
            "%s server %s %s %s in %.0f ms (requests %d, accepts %d, rejects %d, errors %d)",
            self.protocol, self.name, kind, "accept" if accepted else "reject", exchange.last_ms,
            exchange.requests, exchange.accepts, exchange.rejects, exchange.errors,
        )  # fmt: skip

    def unanswered(self, kind: str, why: Exception) -> None:
        """Count an exchange that got no usable answer (the caller moves on to the next server)."""
        exchange: Exchange = getattr(self, kind)
        exchange.errors += 1
        self.failing[kind] = self.failing.get(kind, 0) + 1
        self.timeouts_run += 1
        self.timeouts_run_max = max(self.timeouts_run_max, self.timeouts_run)
        self.mark(False)
        log.warning(
            "%s server %s (%s) did not answer %s: %s (requests %d, errors %d)",
            self.protocol, self.name, self.host, kind, why, exchange.requests, exchange.errors,
        )  # fmt: skip


def _ports(server: AaaServer) -> tuple[int, int]:
    if isinstance(server, TacacsServer):
        return server.port, server.port
    return server.auth_port, server.acct_port


class NetworkAaa:
    """Runs group methods against servers and keeps their counters (one per device)."""

    def __init__(self, egress: Egress | None = None) -> None:
        self.counters: dict[tuple[str, str], ServerCounters] = {}
        self.egress = egress or Egress()  # a server it refuses is asked nothing: as if it never answered

    def _refused(self, server: AaaServer, record: ServerCounters, kind: str, port: int) -> bool:
        """Whether the egress policy forbids ``server``; if so the exchange is counted as unanswered (a failed
        connect), exactly as for a dead server, so fail-over moves on at once without a socket being opened."""
        if self.egress.permit(server.host, port, f"{record.protocol} server {server.name}"):
            return False
        record.traffic.failed_connects += 1
        record.unanswered(kind, ConnectionRefusedError(f"{server.host}:{port} refused by the egress policy"))
        return True

    def counter(self, server: AaaServer) -> ServerCounters:
        """The counters of ``server``, created on first use; a changed address or port starts them afresh."""
        protocol = "tacacs+" if isinstance(server, TacacsServer) else "radius"
        auth_port, acct_port = _ports(server)
        key = (protocol, server.name)
        record = self.counters.get(key)
        if record is None or (record.host, record.auth_port, record.acct_port) != (server.host, auth_port, acct_port):
            record = ServerCounters(protocol, server.name, server.host, auth_port, acct_port)
            self.counters[key] = record
        return record

    def known(self, servers: Sequence[AaaServer]) -> list[ServerCounters]:
        """Counters of the configured servers, in configuration order (for the show commands)."""
        return [self.counter(s) for s in servers]

    async def authenticate(
        self,
        servers: Sequence[AaaServer],
        user: str,
        password: str,
        *,
        converse: Converse | None = None,
        port: str = "tty0",
        rem_addr: str = "",
    ) -> Answer | None:
        """Ask the group's servers in order; None when none of them could answer."""
        for server in servers:
            record = self.counter(server)
            record.request("authen")
            if self._refused(server, record, "authen", record.auth_port):
                continue
            started = time.monotonic()
            try:
                if isinstance(server, TacacsServer):
                    answer = await self._tacacs_login(server, user, password, converse, port, rem_addr, record.traffic)
                else:
                    answer = await self._radius_login(server, user, password, rem_addr)
            except (TacacsError, RadiusError) as exc:
                record.unanswered("authen", exc)
                continue
            record.answered("authen", started, answer.accepted)
            return answer
        return None

    async def _tacacs_login(
        self,
        server: TacacsServer,
        user: str,
        password: str,
        converse: Converse | None,
        port: str,
        rem_addr: str,
        traffic: Traffic,
    ) -> Answer:
        """An ASCII login: the first password prompt gets the password the user already typed; any further
        question (an expired password's ChPass dialogue) goes to the user through ``converse``, or aborts."""
        given = [password]

        async def relay(prompt: str, echo: bool) -> str | None:
            if "username" in prompt.lower() and echo:
                return user
            if given and not echo:
                return given.pop()
            return await converse(prompt, echo) if converse is not None else None

        result = await tacacs.authenticate_ascii(server, user, relay, port=port, rem_addr=rem_addr, traffic=traffic)
        accepted = result.status is tacacs.AuthenStatus.PASS
        return Answer(accepted, "tacacs+")

    async def _radius_login(self, server: RadiusServer, user: str, password: str, rem_addr: str) -> Answer:
        result = await radius.authenticate(server, user, password, calling_station=rem_addr)
        return Answer(result.accepted, "radius", result.avpairs)  # a Reject carries no AVPairs

    async def authorize_exec(
        self, servers: Sequence[AaaServer], user: str, *, port: str = "tty0", rem_addr: str = ""
    ) -> tuple[bool, int | None] | None:
        """TACACS+ exec authorization: (granted, priv-lvl or None); None when no server answered.

        RADIUS has no separate authorization exchange (its attributes arrive with the Access-Accept), so a RADIUS
        server cannot answer here; the caller uses the login's attributes instead.
        """
        for server in servers:
            if not isinstance(server, TacacsServer):
                continue
            record = self.counter(server)
            record.request("author")
            if self._refused(server, record, "author", record.auth_port):
                continue
            started = time.monotonic()
            try:
                result = await tacacs.authorize(
                    server, user, ("service=shell", "cmd="), port=port, rem_addr=rem_addr, traffic=record.traffic
                )
            except TacacsError as exc:
                record.unanswered("author", exc)
                continue
            record.answered("author", started, result.passed)
            if not result.passed:
                return False, None
            level = result.value("priv-lvl")
            return True, int(level) if level is not None and ascii_digits(level) else None
        return None

    async def account(
        self, servers: Sequence[AaaServer], user: str, *, start: bool, record_args: AccountingRecord
    ) -> bool:
        """Send one accounting record to the first server that answers; False when none did."""
        for server in servers:
            record = self.counter(server)
            record.request("account")
            if start:
                record.acct_starts += 1
            else:
                record.acct_stops += 1
            if self._refused(server, record, "account", record.acct_port):
                continue
            started = time.monotonic()
            try:
                if isinstance(server, TacacsServer):
                    await tacacs.account(
                        server,
                        user,
                        start=start,
                        args=record_args.tacacs_args(start),
                        port=record_args.port,
                        rem_addr=record_args.rem_addr,
                        priv_lvl=record_args.privilege,
                        traffic=record.traffic,
                    )
                else:
                    await radius.account(
                        server,
                        user,
                        start=start,
                        session_id=record_args.session_id,
                        session_time=None if start else record_args.elapsed(),
                        calling_station=record_args.rem_addr,
                    )
            except (TacacsError, RadiusError) as exc:
                record.unanswered("account", exc)
                continue
            record.answered("account", started, True)
            if start:
                record.acct_starts_ok += 1
            else:
                record.acct_stops_ok += 1
            return True
        return False


@dataclass
class AccountingRecord:
    """What an exec accounting record says about one session (TACACS+ AV pairs / RADIUS attributes)."""

    task_id: int
    port: str
    rem_addr: str
    privilege: int
    started: float = field(default_factory=time.time)

    @property
    def session_id(self) -> str:
        """RADIUS Acct-Session-Id: IOS prints it as 8 hex digits."""
        return f"{self.task_id:08X}"

    def elapsed(self) -> int:
        """Whole seconds since the session started."""
        return max(0, int(time.time() - self.started))

    def tacacs_args(self, start: bool) -> tuple[str, ...]:
        """RFC 8907 §8.3 accounting arguments for an exec (shell) session."""
        common = (f"task_id={self.task_id}", "timezone=UTC", "service=shell", f"priv-lvl={self.privilege}")
        if start:
            return (*common, f"start_time={int(self.started)}")
        return (*common, f"stop_time={int(time.time())}", f"elapsed_time={self.elapsed()}")
