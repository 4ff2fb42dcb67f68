"""``show tacacs`` and ``show aaa servers`` in the full IOS XE 17.x layout, checked three ways: against expected
text written from real 17.x captures (genie's golden outputs and ntc-templates' raw files), through the parsers
automation really uses (ntc-templates' ``cisco_ios_show_tacacs``, which rejects any unknown line, and genie's
``ShowTacacs`` / ``ShowAAServers``), and the counters' bookkeeping the new lines print.

genie (``pyats[library]``) pins an older pysnmp than the agent needs, so it lives in its own virtualenv; its test
runs that interpreter, named by ``IOSXE_TEST_PYATS_PYTHON`` (``tools/test-all`` sets it), and is skipped without it.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
from collections import deque
from typing import Any

import asyncssh
import pytest
from agents import ADMIN_PASSWORD, ADMIN_USER
from ntc_templates.parse import parse_output  # type: ignore[import-untyped]

from iosxe_agent.cli.show_aaa import requests_per_minute, show_aaa_servers, show_tacacs
from iosxe_agent.device.aaa.network import MINUTES_KEPT, NetworkAaa, ServerCounters
from iosxe_agent.device.aaa.radius import RadiusServer
from iosxe_agent.device.aaa.tacacs import TacacsServer

PYATS_PYTHON_ENV = "IOSXE_TEST_PYATS_PYTHON"
GENIE_TIMEOUT_S = 120
SHOW_TIMEOUT_S = 30
AAA = "http://cisco.com/ns/yang/Cisco-IOS-XE-aaa"


def _tacacs_pair() -> list[ServerCounters]:
    """TAC1 answered five sessions; TAC2 could never be reached (two logins, one authorization)."""
    alive = ServerCounters("tacacs+", "TAC1", "127.0.0.1", 49, 49)
    alive.traffic.opens = alive.traffic.closes = 5
    alive.traffic.sent = alive.traffic.received = 8
    dead = ServerCounters("tacacs+", "TAC2", "127.0.0.2", 4949, 4949, up=False)
    dead.traffic.failed_connects = 3
    dead.failing.update(authen=2, author=1)
    return [alive, dead]


#: as ntc-templates' cisco_ios_show_tacacs_status_fail_count.raw and genie's ShowTacacs golden outputs lay it out
EXPECTED_TACACS = """\
Tacacs+ Server -  public  :
               Server name: TAC1
            Server address: 127.0.0.1
               Server port: 49
              Socket opens:          5
             Socket closes:          5
             Socket aborts:          0
             Socket errors:          0
           Socket Timeouts:          0
   Failed Connect Attempts:          0
        Total Packets Sent:          8
        Total Packets Recv:          8
             Server Status: Alive
Continous Authc fail count:          0
Continous Authz fail count:          0


Tacacs+ Server -  public  :
               Server name: TAC2
            Server address: 127.0.0.2
               Server port: 4949
              Socket opens:          0
             Socket closes:          0
             Socket aborts:          0
             Socket errors:          0
           Socket Timeouts:          0
   Failed Connect Attempts:          3
        Total Packets Sent:          0
        Total Packets Recv:          0
             Server Status: Dead
Continous Authc fail count:          2
Continous Authz fail count:          1


"""


def test_show_tacacs_prints_every_17x_line() -> None:
    radius = ServerCounters("radius", "RAD1", "127.0.0.3", 1812, 1813)
    assert show_tacacs([*_tacacs_pair(), radius]) == EXPECTED_TACACS
    assert show_tacacs([radius]) == ""


def test_ntc_templates_parse_show_tacacs() -> None:
    """ntc-templates' template ends in ``^. -> Error``: one line it does not know and the whole parse fails."""
    parsed = parse_output(platform="cisco_ios", command="show tacacs", data=EXPECTED_TACACS)
    assert [(row["tacacs_server_name"], row["tacacs_server"], row["server_port"]) for row in parsed] == [
        ("TAC1", "127.0.0.1", "49"),
        ("TAC2", "127.0.0.2", "4949"),
    ]
    assert parsed[0]["socket_opens"] == "5" and parsed[0]["packets_sent"] == "8"
    assert parsed[1]["failed_connections"] == "3"


def _radius_server() -> ServerCounters:
    """A RADIUS server 2h9m after its counters started: dead once for 100 s, six requests in two minutes."""
    s = ServerCounters("radius", "RAD1", "127.0.0.3", 1812, 1813, state_since=600.0, cleared=0.0)
    s.authen.requests, s.authen.accepts, s.authen.rejects, s.authen.errors, s.authen.last_ms = 4, 2, 1, 1, 12.7
    s.account.requests, s.account.accepts, s.account.last_ms = 2, 2, 3.2
    s.acct_starts = s.acct_stops = s.acct_starts_ok = s.acct_stops_ok = 1
    s.previous_duration = s.dead_time = 100.0
    s.dead_count = s.timeouts_run_max = 1
    s.per_minute.extend([[60, 3], [100, 3]])
    return s


#: genie's ShowAAServers golden outputs (17.x), less the WNCD per-instance lines a router has no WNCD for
EXPECTED_SERVER = """\
RADIUS: id 1, priority 1, host 127.0.0.3, auth-port 1812, acct-port 1813, hostname RAD1
     State: current UP, duration 7140s, previous duration 100s
     Dead: total time 100s, count 1
     Platform State from SMD: current UP, duration 7740s, previous duration 0s
     SMD Platform Dead: total time 0s, count 0
     Quarantined: No
     Authen: request 4, timeouts 1, failover 0, retransmission 0
             Response: accept 2, reject 1, challenge 0
             Response: unexpected 0, server error 0, incorrect 0, time 12ms
             Transaction: success 3, failure 1
             Throttled: transaction 0, timeout 0, failure 0
             Malformed responses: 0
             Bad authenticators: 0
             Dot1x transactions:
             Response: total responses: 0, avg response time: 0ms
             Transaction: timeouts 0, failover 0
             Transaction: total 0, success 0, failure 0
             MAC auth transactions:
             Response: total responses: 0, avg response time: 0ms
             Transaction: timeouts 0, failover 0
             Transaction: total 0, success 0, failure 0
     Author: request 0, timeouts 0, failover 0, retransmission 0
             Response: accept 0, reject 0, challenge 0
             Response: unexpected 0, server error 0, incorrect 0, time 0ms
             Transaction: success 0, failure 0
             Throttled: transaction 0, timeout 0, failure 0
             Malformed responses: 0
             Bad authenticators: 0
             MAC author transactions:
             Response: total responses: 0, avg response time: 0ms
             Transaction: timeouts 0, failover 0
             Transaction: total 0, success 0, failure 0
     Account: request 2, timeouts 0, failover 0, retransmission 0
             Request: start 1, interim 0, stop 1
             Response: start 1, interim 0, stop 1
             Response: unexpected 0, server error 0, incorrect 0, time 3ms
             Transaction: success 2, failure 0
             Throttled: transaction 0, timeout 0, failure 0
             Malformed responses: 0
             Bad authenticators: 0
     Elapsed time since counters last cleared: 2h9m
     Estimated Outstanding Access Transactions: 0
     Estimated Outstanding Accounting Transactions: 0
     Estimated Throttled Access Transactions: 0
     Estimated Throttled Accounting Transactions: 0
     Maximum Throttled Transactions: access 0, accounting 0
     Consecutive Response Failures: total 0
             SMD Platform : max 0, current 0 total 0
             WNCD Platform: max 0, current 0 total 0
             IOSD Platform : max 0, current 0 total 0
     Consecutive Timeouts: total 1
             SMD Platform : max 0, current 0 total 0
             WNCD Platform: max 0, current 0 total 0
             IOSD Platform : max 1, current 0 total 1
     Requests per minute past 24 hours:
             high - 1 hours, 9 minutes ago: 3
             low  - 2 hours, 9 minutes ago: 0
             average: 0
"""


def test_show_aaa_servers_prints_every_17x_line() -> None:
    radius = _radius_server()
    assert show_aaa_servers([radius], now=7740.0) == EXPECTED_SERVER
    # servers are numbered in configuration order and a blank line apart
    two = show_aaa_servers([radius, _tacacs_pair()[0]], now=7740.0)
    assert two.startswith(EXPECTED_SERVER + "\nTACACS+: id 2, priority 2, host 127.0.0.1, auth-port 49, acct-port 49")
    assert show_aaa_servers([]) == ""


def test_requests_per_minute_covers_at_most_the_last_day() -> None:
    day_ago = 1_000_000.0 - MINUTES_KEPT * 60
    tally = deque([[int(day_ago // 60) - 5, 50], [int(day_ago // 60) + 1, 7], [1_000_000 // 60, 2]])
    lines = requests_per_minute(tally, 1_000_000.0, cleared=0.0)
    assert lines[1].endswith("high - 23 hours, 59 minutes ago: 7")  # the 50 fell out of the window
    assert lines[2].endswith("low  - 23 hours, 58 minutes ago: 0")
    assert lines[3].endswith("average: 0")
    busy = requests_per_minute([[10, 4], [11, 6]], now=11 * 60 + 30, cleared=10 * 60)
    assert [line.strip() for line in busy[1:]] == [
        "high - 0 hours, 0 minutes ago: 6",
        "low  - 0 hours, 1 minutes ago: 4",
        "average: 5",
    ]


def test_counters_keep_state_history_runs_and_the_minute_tally() -> None:
    s = ServerCounters("tacacs+", "TAC1", "127.0.0.1", 49, 49)
    for _ in range(2):
        s.request("authen")
        s.unanswered("authen", TimeoutError("no answer"))
    assert (s.up, s.dead_count, s.failing["authen"], s.timeouts_run, s.timeouts_run_max) == (False, 1, 2, 2, 2)
    s.request("author")
    s.answered("author", s.state_since, True)
    assert (s.up, s.timeouts_run, s.timeouts_run_max, s.failing["authen"]) == (True, 0, 2, 2)
    assert s.dead_time == s.previous_duration > 0  # the dead period just ended is now history
    assert sum(count for _, count in s.per_minute) == s.authen.requests + s.author.requests == 3
    s.request("authen")
    s.answered("authen", s.state_since, False)  # a reject is an answer: the run of failures ends
    assert s.failing["authen"] == 0


GENIE_SCRIPT = """
import json, sys
from unittest.mock import Mock
from genie.libs.parser.iosxe.show_aaa import ShowAAServers
from genie.libs.parser.iosxe.show_tacacs import ShowTacacs
texts = json.load(sys.stdin)
print(json.dumps({
    "tacacs": ShowTacacs(device=Mock()).parse(output=texts["tacacs"]),
    "servers": ShowAAServers(device=Mock()).parse(output=texts["servers"]),
}))
"""


def _configured() -> tuple[str, str]:
    """What the two commands print for two TACACS+ servers and one RADIUS server that have seen some traffic."""
    network = NetworkAaa()
    tacacs = [TacacsServer("TAC1", "127.0.0.1"), TacacsServer("TAC2", "127.0.0.2", port=4949)]
    radius = [RadiusServer("RAD1", "127.0.0.3", auth_port=1812, acct_port=1813)]
    tac1, tac2, rad1 = network.known([*tacacs, *radius])
    for kind, accepted in (("authen", True), ("authen", False), ("author", True), ("account", True)):
        tac1.request(kind)
        tac1.answered(kind, tac1.state_since, accepted)
    tac1.traffic.opens = tac1.traffic.closes = 4
    tac1.traffic.sent = tac1.traffic.received = 9
    tac2.request("authen")
    tac2.traffic.failed_connects += 1
    tac2.unanswered("authen", ConnectionRefusedError("refused"))
    rad1.request("authen")
    rad1.answered("authen", rad1.state_since, True)
    servers = network.known([*radius, *tacacs])  # show aaa servers lists RADIUS first
    return show_tacacs(network.known(tacacs)), show_aaa_servers(servers)


def _genie(tacacs: str, servers: str) -> dict[str, Any]:
    python = os.environ.get(PYATS_PYTHON_ENV)
    if not python:
        pytest.skip(f"genie runs in its own virtualenv; set {PYATS_PYTHON_ENV} to its python (tools/test-all does)")
    done = subprocess.run(
        [python, "-c", GENIE_SCRIPT],
        input=json.dumps({"tacacs": tacacs, "servers": servers}),
        capture_output=True,
        text=True,
        timeout=GENIE_TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_genie_parses_both_commands_into_a_real_routers_keys() -> None:
    tacacs_text, servers_text = _configured()
    parsed = _genie(tacacs_text, servers_text)
    assert parsed["tacacs"]["server"] == {
        "TAC1": {
            "server_type": "public", "server_address": "127.0.0.1", "server_port": 49,
            "socket_opens": 4, "socket_closes": 4, "socket_aborts": 0, "socket_errors": 0, "socket_timeouts": 0,
            "failed_connect_attempts": 0, "total_packets_sent": 9, "total_packets_recv": 9,
            "server_status": "Alive", "continous_authc_fail_count": 0, "continous_authz_fail_count": 0,
        },
        "TAC2": {
            "server_type": "public", "server_address": "127.0.0.2", "server_port": 4949,
            "socket_opens": 0, "socket_closes": 0, "socket_aborts": 0, "socket_errors": 0, "socket_timeouts": 0,
            "failed_connect_attempts": 1, "total_packets_sent": 0, "total_packets_recv": 0,
            "server_status": "Dead", "continous_authc_fail_count": 1, "continous_authz_fail_count": 0,
        },
    }  # fmt: skip
    servers = parsed["servers"]["radius_server"]  # genie files TACACS+ servers there too, keyed by address
    assert {host: (s["id"], s["hostname"], s["auth_port"], s["acct_port"]) for host, s in servers.items()} == {
        "127.0.0.3": (1, "RAD1", 1812, 1813),
        "127.0.0.1": (2, "TAC1", 49, 49),
        "127.0.0.2": (3, "TAC2", 4949, 4949),
    }
    tac1, tac2, rad1 = servers["127.0.0.1"], servers["127.0.0.2"], servers["127.0.0.3"]
    authen = tac1["aaatype"]["authen"]
    assert (authen["request"], authen["timeout"], authen["bad_authenticators"]) == (2, 0, "0")
    assert authen["response"] | {"time": ""} == {
        "accept": 1,
        "reject": 1,
        "challenge": 0,
        "unexpected": 0,
        "server_error": 0,
        "incorrect": 0,
        "time": "",
    }
    assert authen["transaction"] == {"success": 2, "failure": 0}
    assert tac1["aaatype"]["author"]["response"]["accept"] == 1
    assert tac1["account"]["request"] == 1 and tac1["account"]["transaction"] == {"success": 1, "failure": 0}
    assert tac1["platform_state_type"]["state"]["current"] == "UP" and tac1["quarantined"] == "No"
    assert tac2["platform_state_type"]["state"]["current"] == "DEAD"
    assert tac2["dead_type"]["dead"]["count"] == "1"
    assert tac2["aaatype"]["authen"]["timeout"] == 1 and tac2["consecutive_timeouts"]["total"] == 1
    assert tac2["consecutive_timeouts"]["platform_type"]["iosd_platform"] == {"max": 1, "current": 1, "total": 1}
    assert rad1["aaatype"]["authen"]["response"]["accept"] == 1
    assert rad1["requests_per_minute_past_24_hours"]["level_type"]["high"]["ago"] == 1  # its one request
    assert rad1["elapsed_time"] == "0m" and rad1["estimated_outstanding_access_transactions"] == 0


#: the same three servers, configured over NETCONF on a live device (no method list uses them: admin logs in locally)
SERVERS_XML = f"""
<tacacs>
  <server xmlns="{AAA}"><name>TAC1</name><address><ipv4>127.0.0.1</ipv4></address></server>
  <server xmlns="{AAA}"><name>TAC2</name><address><ipv4>127.0.0.2</ipv4></address><port>4949</port></server>
</tacacs>
<radius>
  <server xmlns="{AAA}">
    <id>RAD1</id><address><ipv4>127.0.0.3</ipv4><auth-port>1812</auth-port><acct-port>1813</acct-port></address>
  </server>
</radius>"""


async def _show(port: int, *commands: str) -> list[str]:
    """Each command's output over an exec channel, as netmiko/genie read it after stripping the line ends."""
    async with asyncssh.connect(
        "127.0.0.1", port, username=ADMIN_USER, password=ADMIN_PASSWORD, known_hosts=None, preferred_auth="password"
    ) as conn:
        results = [await conn.run(command, timeout=SHOW_TIMEOUT_S) for command in commands]
    return [str(result.stdout).replace("\r\n", "\n") for result in results]


def test_a_live_devices_output_parses(fresh_agent: Any) -> None:
    agent = fresh_agent()
    agent.commit(SERVERS_XML)
    tacacs_text, servers_text = asyncio.run(_show(agent.ssh_port, "show tacacs", "show aaa servers"))
    rows = parse_output(platform="cisco_ios", command="show tacacs", data=tacacs_text)
    assert [(row["tacacs_server_name"], row["server_port"]) for row in rows] == [("TAC1", "49"), ("TAC2", "4949")]
    parsed = _genie(tacacs_text, servers_text)
    assert sorted(parsed["tacacs"]["server"]) == ["TAC1", "TAC2"]
    assert {host: s["hostname"] for host, s in parsed["servers"]["radius_server"].items()} == {
        "127.0.0.3": "RAD1",
        "127.0.0.1": "TAC1",
        "127.0.0.2": "TAC2",
    }
