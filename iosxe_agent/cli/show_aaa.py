"""``show tacacs`` and ``show aaa servers``: the AAA servers' state and counters, in IOS XE 17.x's layout (pure).

Every line a real 17.x router prints is printed, in its order and spacing, because automation parses these
commands line by line: genie's ``ShowTacacs`` needs the two ``Continous Auth… fail count`` lines (IOS's own
spelling) and genie's ``ShowAAServers`` the ``Malformed responses`` / ``Bad authenticators`` and ``Consecutive …``
lines, and ntc-templates' ``cisco_ios_show_tacacs`` rejects any line it does not know (so the ``Expected Replies``
line some releases add is not printed).

The counters are the agent's own (:class:`~iosxe_agent.device.aaa.network.ServerCounters`; TACACS+ sockets and packets
from :class:`~iosxe_agent.device.aaa.tacacs.Traffic`, one connection per exchange). Logins are IOSd's business, so
the agent's exchanges are IOSd's in the ``Platform`` lines, and SMD and WNCD (802.1X and wireless sessions, which
the agent does not have) print as never having used the server. IOS's finer counters (socket aborts,
retransmissions, failovers, throttling, dot1x and MAC authentication, malformed answers) have no counterpart here
and print as 0.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from iosxe_agent.device.aaa.network import MINUTES_KEPT, Exchange, ServerCounters

#: ``show tacacs`` right-aligns its labels to the longest, ``Continous Authc fail count``
_TACACS_LABEL = 26
_INDENT = " " * 5
_DETAIL = " " * 13


def _seconds(seconds: float) -> str:
    return f"{max(0, int(seconds))}s"


def _elapsed(seconds: float) -> str:
    """IOS's coarse elapsed time: ``0m``, ``45m``, ``2h9m``, ``3d4h``."""
    hours, minutes = divmod(max(0, int(seconds)) // 60, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days}d{hours}h"
    return f"{hours}h{minutes}m" if hours else f"{minutes}m"


def _tacacs_block(s: ServerCounters) -> list[str]:
    t = s.traffic
    texts = [("Server name", s.name), ("Server address", s.host), ("Server port", str(s.auth_port))]
    counts = [
        ("Socket opens", t.opens),
        ("Socket closes", t.closes),
        ("Socket aborts", 0),
        ("Socket errors", t.errors),
        ("Socket Timeouts", t.timeouts),
        ("Failed Connect Attempts", t.failed_connects),
        ("Total Packets Sent", t.sent),
        ("Total Packets Recv", t.received),
    ]
    fails = [
        ("Continous Authc fail count", s.failing.get("authen", 0)),
        ("Continous Authz fail count", s.failing.get("author", 0)),
    ]
    return [
        "Tacacs+ Server -  public  :",
        *(f"{label:>{_TACACS_LABEL}}: {value}" for label, value in texts),
        *(f"{label:>{_TACACS_LABEL}}: {value:>10}" for label, value in counts),
        f"{'Server Status':>{_TACACS_LABEL}}: {'Alive' if s.up else 'Dead'}",
        *(f"{label:>{_TACACS_LABEL}}: {value:>10}" for label, value in fails),
    ]


def show_tacacs(servers: Sequence[ServerCounters]) -> str:
    """One block per ``tacacs server``, each followed by two blank lines as on IOS."""
    return "".join("\n".join(_tacacs_block(s)) + "\n\n\n" for s in servers if s.protocol == "tacacs+")


def _no_transactions(kind: str) -> list[str]:
    """A dot1x / MAC authentication sub-block: the agent has no such sessions."""
    return [
        f"{_DETAIL}{kind} transactions:",
        f"{_DETAIL}Response: total responses: 0, avg response time: 0ms",
        f"{_DETAIL}Transaction: timeouts 0, failover 0",
        f"{_DETAIL}Transaction: total 0, success 0, failure 0",
    ]


def _exchange_head(label: str, e: Exchange) -> str:
    return f"{_INDENT}{label}: request {e.requests}, timeouts {e.errors}, failover 0, retransmission 0"


def _exchange_tail(e: Exchange) -> list[str]:
    return [
        f"{_DETAIL}Response: unexpected 0, server error 0, incorrect 0, time {int(e.last_ms)}ms",
        f"{_DETAIL}Transaction: success {e.accepts + e.rejects}, failure {e.errors}",
        f"{_DETAIL}Throttled: transaction 0, timeout 0, failure 0",
        f"{_DETAIL}Malformed responses: 0",
        f"{_DETAIL}Bad authenticators: 0",
    ]


def _access(label: str, e: Exchange, sub_blocks: Sequence[str]) -> list[str]:
    """``Authen`` or ``Author``: requests, answers, then IOS's per-session-kind sub-blocks."""
    return [
        _exchange_head(label, e),
        f"{_DETAIL}Response: accept {e.accepts}, reject {e.rejects}, challenge 0",
        *_exchange_tail(e),
        *(line for kind in sub_blocks for line in _no_transactions(kind)),
    ]


def _account(s: ServerCounters) -> list[str]:
    return [
        _exchange_head("Account", s.account),
        f"{_DETAIL}Request: start {s.acct_starts}, interim 0, stop {s.acct_stops}",
        f"{_DETAIL}Response: start {s.acct_starts_ok}, interim 0, stop {s.acct_stops_ok}",
        *_exchange_tail(s.account),
    ]


def _outstanding(*exchanges: Exchange) -> int:
    """Requests sent and not yet answered nor given up on (logins in progress while the command runs)."""
    return sum(e.requests - e.accepts - e.rejects - e.errors for e in exchanges)


def _consecutive(title: str, total: int, iosd: tuple[int, int, int]) -> list[str]:
    """A ``Consecutive …`` block: the agent's exchanges are IOSd's (max, current, total)."""
    rows = [("SMD Platform ", (0, 0, 0)), ("WNCD Platform", (0, 0, 0)), ("IOSD Platform ", iosd)]
    return [
        f"{_INDENT}Consecutive {title}: total {total}",
        *(f"{_DETAIL}{name}: max {m}, current {c} total {t}" for name, (m, c, t) in rows),
    ]


def _ago(minutes: int) -> str:
    return f"{minutes // 60} hours, {minutes % 60} minutes ago"


def requests_per_minute(tally: Sequence[Sequence[int]], now: float, cleared: float) -> list[str]:
    """The busiest and quietest minute since the counters were cleared (at most the last 24 hours, oldest first
    on ties, as IOS reports the start of the window as the quietest minute of an idle server) and the average."""
    last = int(now // 60)
    first = max(int(cleared // 60), last - MINUTES_KEPT + 1)
    counts = {minute: requests for minute, requests in tally}
    window = [(minute, counts.get(minute, 0)) for minute in range(first, last + 1)] or [(last, 0)]
    high = max(window, key=lambda entry: (entry[1], -entry[0]))
    low = min(window, key=lambda entry: (entry[1], entry[0]))
    average = sum(requests for _, requests in window) // len(window)
    return [
        f"{_INDENT}Requests per minute past 24 hours:",
        f"{_DETAIL}high - {_ago(last - high[0])}: {high[1]}",
        f"{_DETAIL}low  - {_ago(last - low[0])}: {low[1]}",
        f"{_DETAIL}average: {average}",
    ]


def _server_block(number: int, s: ServerCounters, now: float) -> list[str]:
    kind = "TACACS+" if s.protocol == "tacacs+" else "RADIUS"
    state = "UP" if s.up else "DEAD"
    timeouts = s.authen.errors + s.author.errors + s.account.errors
    return [
        f"{kind}: id {number}, priority {number}, host {s.host}, auth-port {s.auth_port}, "
        f"acct-port {s.acct_port}, hostname {s.name}",
        f"{_INDENT}State: current {state}, duration {_seconds(now - s.state_since)}, "
        f"previous duration {_seconds(s.previous_duration)}",
        f"{_INDENT}Dead: total time {_seconds(s.dead_total(now))}, count {s.dead_count}",
        f"{_INDENT}Platform State from SMD: current UP, duration {_seconds(now - s.cleared)}, previous duration 0s",
        f"{_INDENT}SMD Platform Dead: total time 0s, count 0",
        f"{_INDENT}Quarantined: No",
        *_access("Authen", s.authen, ("Dot1x", "MAC auth")),
        *_access("Author", s.author, ("MAC author",)),
        *_account(s),
        f"{_INDENT}Elapsed time since counters last cleared: {_elapsed(now - s.cleared)}",
        f"{_INDENT}Estimated Outstanding Access Transactions: {_outstanding(s.authen, s.author)}",
        f"{_INDENT}Estimated Outstanding Accounting Transactions: {_outstanding(s.account)}",
        f"{_INDENT}Estimated Throttled Access Transactions: 0",
        f"{_INDENT}Estimated Throttled Accounting Transactions: 0",
        f"{_INDENT}Maximum Throttled Transactions: access 0, accounting 0",
        *_consecutive("Response Failures", 0, (0, 0, 0)),
        *_consecutive("Timeouts", timeouts, (s.timeouts_run_max, s.timeouts_run, timeouts)),
        *requests_per_minute(s.per_minute, now, s.cleared),
    ]


def show_aaa_servers(servers: Sequence[ServerCounters], now: float | None = None) -> str:
    """One block per configured RADIUS and TACACS+ server, numbered in configuration order, a blank line apart."""
    now = time.monotonic() if now is None else now
    blocks = ["\n".join(_server_block(number, s, now)) + "\n" for number, s in enumerate(servers, start=1)]
    return "\n".join(blocks)
