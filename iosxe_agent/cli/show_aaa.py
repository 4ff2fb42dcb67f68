"""``show tacacs`` and ``show aaa servers``: the AAA servers' state and counters, in IOS XE's layout (pure).

The counters are the agent's own (:class:`~iosxe_agent.device.aaa.network.ServerCounters`; TACACS+ sockets and packets
from :class:`~iosxe_agent.device.aaa.tacacs.Traffic`, one connection per exchange). IOS's finer counters (socket aborts,
RADIUS retransmissions, throttling, dot1x) have no counterpart here and print as 0.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from iosxe_agent.device.aaa.network import Exchange, ServerCounters


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 3600:
        return f"{seconds}s"
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h{rest // 60}m"


def show_tacacs(servers: Sequence[ServerCounters]) -> str:
    """One block per ``tacacs server``."""
    blocks = []
    for s in servers:
        if s.protocol != "tacacs+":
            continue
        t = s.traffic
        rows = [
            ("Server name", s.name),
            ("Server address", s.host),
            ("Server port", str(s.auth_port)),
            ("Socket opens", f"{t.opens:>10}"),
            ("Socket closes", f"{t.closes:>10}"),
            ("Socket aborts", f"{0:>10}"),
            ("Socket errors", f"{t.errors:>10}"),
            ("Socket Timeouts", f"{t.timeouts:>10}"),
            ("Failed Connect Attempts", f"{t.failed_connects:>10}"),
            ("Total Packets Sent", f"{t.sent:>10}"),
            ("Total Packets Recv", f"{t.received:>10}"),
        ]
        lines = ["Tacacs+ Server -  public  :"]
        lines += [f"{label:>26}: {value}" for label, value in rows]
        lines.append(f"{'Server Status':>26}: {'Alive' if s.up else 'Dead'}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def _exchange(label: str, e: Exchange) -> list[str]:
    return [
        f"     {label}: request {e.requests}, timeouts {e.errors}, failover 0, retransmission 0",
        f"             Response: accept {e.accepts}, reject {e.rejects}, challenge 0",
        f"             Response: unexpected 0, server error 0, incorrect 0, time {int(e.last_ms)}ms",
        f"             Transaction: success {e.accepts + e.rejects}, failure {e.errors}",
    ]


def show_aaa_servers(servers: Sequence[ServerCounters], now: float | None = None) -> str:
    """One block per configured RADIUS and TACACS+ server, numbered in configuration order."""
    now = time.monotonic() if now is None else now
    out: list[str] = []
    for number, s in enumerate(servers, start=1):
        kind = "TACACS+" if s.protocol == "tacacs+" else "RADIUS"
        out.append(
            f"{kind}: id {number}, priority {number}, host {s.host}, auth-port {s.auth_port}, "
            f"acct-port {s.acct_port}, hostname {s.name}"
        )
        out.append(f"     State: current {'UP' if s.up else 'DEAD'}, duration {_duration(now - s.state_since)}")
        out.append(f"     Dead: total time 0s, count {s.dead_count}")
        out.append("     Quarantined: No")
        out += _exchange("Authen", s.authen)
        out += _exchange("Author", s.author)
        out += [
            f"     Account: request {s.account.requests}, timeouts {s.account.errors}, failover 0, retransmission 0",
            f"             Request: start {s.acct_starts}, interim 0, stop {s.acct_stops}",
            f"             Response: start {s.acct_starts_ok}, interim 0, stop {s.acct_stops_ok}",
            f"             Response: unexpected 0, server error 0, incorrect 0, time {int(s.account.last_ms)}ms",
            f"             Transaction: success {s.account.accepts}, failure {s.account.errors}",
        ]
        out.append(f"     Elapsed time since counters last cleared: {_duration(now - s.cleared)}")
    return "\n".join(out) + ("\n" if out else "")
