"""SNMP tty traps: ``snmp-server host A [version 1|2c] COMMUNITY tty`` + ``snmp-server enable traps tty``.

When an SSH (vty) session ends, IOS sends Cisco's ``tcpConnectionClose`` notification to every host configured
for tty traps (:func:`iosxe_agent.device.views.snmp` says which). This module builds the trap (pure functions) and sends
it over real UDP with pysnmp (:class:`TrapSender`), without ever blocking or failing the session that ended.

The notification (CISCOTRAP-MIB, an SMIv1 TRAP-TYPE)::

    tcpConnectionClose TRAP-TYPE  ENTERPRISE cisco (1.3.6.1.4.1.9)
        VARIABLES { tslineSesType, tcpConnState, loctcpConnElapsed, loctcpConnInBytes, loctcpConnOutBytes,
                    tsLineUser }
        ::= 1

* SNMPv1: Trap-PDU with enterprise ``1.3.6.1.4.1.9``, generic-trap 6 (enterpriseSpecific), specific-trap 1,
  agent-addr = the session's local IPv4 address (the address the trap is "from", as in the guide's
  ``addr 10.0.0.1``), else the sender's ``agent_address`` (127.0.0.1 by default), time-stamp = sysUpTime.
* SNMPv2c: SNMPv2-Trap-PDU ``sysUpTime.0, snmpTrapOID.0 = 1.3.6.1.4.1.9.0.1`` (the RFC 3584 §2.1.2 v1→v2 name
  ``cisco.0.1``) followed by the six varbinds. ``informs`` hosts (v2c only) get an InformRequest instead.

The six varbinds, in the MIB's (and the guide's ``debug snmp packet``) order; instances as IOS builds them:

======================  ====================================  =========  ==========================================
object (MIB)            OID + instance                        type       value
======================  ====================================  =========  ==========================================
tslineSesType           1.3.6.1.4.1.9.2.9.3.1.1.L.1           INTEGER    6 = tcp (what the guide's SSH session
(OLD-CISCO-TS-MIB)      (``local.9.3.1.1``; INDEX                         shows: ``local.9.3.1.1.2.1 = 6``)
                        tslineSesLine L, tslineSesSession 1)
tcpConnState            1.3.6.1.2.1.6.13.1.1.T                INTEGER    IOS's TCB state code of the closed
(RFC1213/TCP-MIB)       (``tcpConnEntry.1``)                             connection, see below (guide: 4)
loctcpConnElapsed       1.3.6.1.4.1.9.2.6.1.1.5.T             TimeTicks  session duration, 1/100 s
(OLD-CISCO-TCP-MIB)     (``ltcpConnEntry.5``)
loctcpConnInBytes       1.3.6.1.4.1.9.2.6.1.1.1.T             INTEGER    bytes received from the client
(OLD-CISCO-TCP-MIB)     (``ltcpConnEntry.1``)                            (clamped to 2**31-1)
loctcpConnOutBytes      1.3.6.1.4.1.9.2.6.1.1.2.T             INTEGER    bytes sent to the client
(OLD-CISCO-TCP-MIB)     (``ltcpConnEntry.2``)                            (clamped to 2**31-1)
tsLineUser              1.3.6.1.4.1.9.2.9.2.1.18.L            OCTET STR  the user name (DisplayString, ≤ 255 bytes)
(OLD-CISCO-TS-MIB)      (``local.9.2.1.18``; INDEX tsLineNumber)
======================  ====================================  =========  ==========================================

``T`` is the tcpConnTable index ``localAddr(4).localPort.remAddr(4).remPort`` (guide:
``10.0.0.1.22.10.0.0.2.55246``): local = the agent's listening address and port, remote = the SSH client. The
table is IPv4-only; an IPv4-mapped IPv6 address is unwrapped and any other address becomes ``0.0.0.0``.
``L`` is the absolute line number (``show users``/``show line``): ``con 0`` = 0, ``aux 0`` = 1, ``vty N`` =
N + 2 (a 17.x box shows ``2 vty 0``; the guide's trap carries ``.2``). ``local`` is ``1.3.6.1.4.1.9.2``.

Why these OIDs: they are the objects CISCOTRAP-MIB lists in ``tcpConnectionClose``'s VARIABLES clause, with the
OIDs of OLD-CISCO-TS-MIB (``lts`` = local 9: ltsLineEntry = lts.2.1, column 18 tsLineUser; ltsLineSessionEntry
= lts.3.1, column 1 tslineSesType), OLD-CISCO-TCP-MIB (``ltcp`` = local 6: ltcpConnEntry = ltcp.1.1, columns 1
InBytes, 2 OutBytes, 5 Elapsed) and RFC 1213 (tcpConnEntry = tcp.13.1, column 1 tcpConnState); the guide's
captured ``debug snmp packet`` output shows exactly these six objects, instances and order.

tcpConnState: the guide's trap for an SSH session the client closed with ``exit`` carries 4, which in TCP-MIB
numbering would be synReceived — impossible for a session that ran. So IOS evidently sends its own TCB code
(``show tcp`` names CLOSED, LISTEN, SYNSENT, SYNRCVD, ESTAB, FINWAIT1, FINWAIT2, CLOSEWAIT, LASTACK, CLOSING,
TIMEWAIT = 0 … 10; the trap fires while the TCB is still ESTAB = 4). :class:`SessionEnd` takes that name
(default ``ESTAB``) and the trap carries its code, so the default reproduces the guide. This mapping is inferred
from the guide's capture, not from a Cisco document.

sysUpTime is the device's: :class:`TrapSender` is built once per device and keeps one long-lived pysnmp
``SnmpEngine``; it puts its own sysUpTime.0 (hundredths of a second since the sender was created, from a
monotonic clock) first in every notification, so the value is real and keeps growing even if the engine is
ever replaced. pysnmp itself is imported when the first trap is built (most devices never send one): the clock
starts with the sender, at the device's start, not at that import.

The community string is a secret: it is never logged at any level, and :class:`TrapTarget` keeps it out of
``repr``.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from iosxe_agent.device.egress import Egress
from iosxe_agent.device.views import TrapTarget
from iosxe_agent.digits import ascii_digits

if TYPE_CHECKING:  # pysnmp (~11 MB) is imported by the functions that build or send a trap, at the first one
    from pysnmp.hlapi.v3arch.asyncio import SnmpEngine

log = logging.getLogger(__name__)

# --- OIDs ---------------------------------------------------------------------------------------------------

CISCO = "1.3.6.1.4.1.9"  # enterprise of the v1 trap
TCP_CONNECTION_CLOSE = "1.3.6.1.4.1.9.0.1"  # snmpTrapOID.0 of the v2c form (cisco.0.1)
SPECIFIC_TRAP = 1
GENERIC_ENTERPRISE_SPECIFIC = 6
TSLINE_SES_TYPE = "1.3.6.1.4.1.9.2.9.3.1.1"  # OLD-CISCO-TS-MIB ltsLineSessionEntry.1
TCP_CONN_STATE = "1.3.6.1.2.1.6.13.1.1"  # RFC1213-MIB / TCP-MIB tcpConnEntry.1
LOCTCP_CONN_ELAPSED = "1.3.6.1.4.1.9.2.6.1.1.5"  # OLD-CISCO-TCP-MIB ltcpConnEntry.5
LOCTCP_CONN_IN_BYTES = "1.3.6.1.4.1.9.2.6.1.1.1"  # OLD-CISCO-TCP-MIB ltcpConnEntry.1
LOCTCP_CONN_OUT_BYTES = "1.3.6.1.4.1.9.2.6.1.1.2"  # OLD-CISCO-TCP-MIB ltcpConnEntry.2
TS_LINE_USER = "1.3.6.1.4.1.9.2.9.2.1.18"  # OLD-CISCO-TS-MIB ltsLineEntry.18
SYS_UP_TIME_0 = "1.3.6.1.2.1.1.3.0"
SNMP_TRAP_OID_0 = "1.3.6.1.6.3.1.1.4.1.0"
SNMP_TRAP_ADDRESS_0 = "1.3.6.1.6.3.18.1.3.0"  # RFC 3584: becomes the v1 agent-addr, not sent as a varbind

SES_TYPE_TCP = 6  # tslineSesType tcp(6), what IOS reports for an SSH vty session
#: IOS TCB states (``show tcp``) and the code the trap carries for each.
TCB_STATES = {
    name: code
    for code, name in enumerate(
        ("CLOSED", "LISTEN", "SYNSENT", "SYNRCVD", "ESTAB", "FINWAIT1", "FINWAIT2", "CLOSEWAIT", "LASTACK",
         "CLOSING", "TIMEWAIT")
    )
}  # fmt: skip

_INT32_MAX = 2**31 - 1
_TIMETICKS_MAX = 2**32 - 1


# --- the notification (pure) --------------------------------------------------------------------------------


def line_number(line: str) -> int:
    """Absolute line number of a line name: ``con 0`` → 0, ``aux 0`` → 1, ``vty N`` → N + 2; digits as given."""
    words = line.strip().lower().split()
    if len(words) == 1 and ascii_digits(words[0]):
        return int(words[0])
    if len(words) == 2 and ascii_digits(words[1]):
        kind, number = words[0], int(words[1])
        if "vty".startswith(kind) and kind:
            return number + 2
        if kind in ("con", "console", "cty") and number == 0:
            return 0
        if kind in ("aux", "auxiliary") and number == 0:
            return 1
    raise ValueError(f"unknown line {line!r}")


@dataclass(frozen=True, slots=True)
class SessionEnd:
    """What IOS reports about a tty session that ended (the trap's varbinds).

    ``line`` is the line name (``vty 0``); ``local_*`` is the agent's end of the TCP connection (listening
    address and port), ``peer_*`` the client's; ``state`` is the IOS TCB state name (see the module docstring).
    Invalid values raise ``ValueError`` here, at construction, never while sending.
    """

    username: str
    peer_address: str
    peer_port: int
    local_address: str
    local_port: int
    line: str = "vty 0"
    bytes_in: int = 0
    bytes_out: int = 0
    elapsed_s: float = 0.0
    state: str = "ESTAB"

    def __post_init__(self) -> None:
        line_number(self.line)
        if self.state.upper() not in TCB_STATES:
            raise ValueError(f"unknown TCP state {self.state!r}; one of {', '.join(TCB_STATES)}")
        for port in (self.peer_port, self.local_port):
            if not 0 <= port <= 65535:
                raise ValueError(f"port {port} out of range")


def _ipv4(address: str) -> str:
    """The address as dotted IPv4 for a tcpConnTable index; 0.0.0.0 when it has no IPv4 form."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "0.0.0.0"
    if isinstance(ip, ipaddress.IPv6Address):
        return str(ip.ipv4_mapped) if ip.ipv4_mapped is not None else "0.0.0.0"
    return str(ip)


def _clamp(value: int, high: int) -> int:
    return max(0, min(int(value), high))


def tty_varbinds(info: SessionEnd) -> list[tuple[str, Any]]:
    """The six ``tcpConnectionClose`` varbinds for ``info``: (dotted OID with instance, pysnmp value)."""
    from pysnmp.proto.rfc1902 import Integer32, OctetString, TimeTicks

    line = line_number(info.line)
    conn = f"{_ipv4(info.local_address)}.{info.local_port}.{_ipv4(info.peer_address)}.{info.peer_port}"
    user = info.username.encode("utf-8")[:255]
    return [
        (f"{TSLINE_SES_TYPE}.{line}.1", Integer32(SES_TYPE_TCP)),
        (f"{TCP_CONN_STATE}.{conn}", Integer32(TCB_STATES[info.state.upper()])),
        (f"{LOCTCP_CONN_ELAPSED}.{conn}", TimeTicks(_clamp(round(info.elapsed_s * 100), _TIMETICKS_MAX))),
        (f"{LOCTCP_CONN_IN_BYTES}.{conn}", Integer32(_clamp(info.bytes_in, _INT32_MAX))),
        (f"{LOCTCP_CONN_OUT_BYTES}.{conn}", Integer32(_clamp(info.bytes_out, _INT32_MAX))),
        (f"{TS_LINE_USER}.{line}", OctetString(user)),
    ]


#: How ``debug snmp packet`` names an OID: the longest of these prefixes, as IOS's MIB names them (the guide's
#: ``local.9.3.1.1.2.1``, ``tcpConnEntry.1.…``, ``ltcpConnEntry.5.…``).
_DEBUG_NAMES = (
    ("1.3.6.1.4.1.9.2.6.1.1", "ltcpConnEntry"),
    ("1.3.6.1.2.1.6.13.1", "tcpConnEntry"),
    ("1.3.6.1.6.3.1.1.4.1", "snmpTrapOID"),
    ("1.3.6.1.2.1.1.3", "sysUpTime"),
    ("1.3.6.1.4.1.9.2", "local"),
    (CISCO, "cisco"),
)


def debug_name(oid: str) -> str:
    """``1.3.6.1.4.1.9.2.9.3.1.1.2.1`` → ``local.9.3.1.1.2.1``: the name ``debug snmp packet`` prints."""
    for prefix, name in _DEBUG_NAMES:
        if oid == prefix or oid.startswith(prefix + "."):
            return name + oid[len(prefix) :]
    return oid


def _debug_value(value: Any) -> str:
    from pysnmp.proto.rfc1902 import ObjectIdentifier, OctetString

    if isinstance(value, OctetString):
        return bytes(value).decode("utf-8", "replace")
    if isinstance(value, ObjectIdentifier):
        return debug_name(str(value))
    return str(int(value))


def debug_trap(version: str, inform: bool, agent_addr: str, uptime: int, varbinds: list[tuple[str, Any]]) -> str:
    """The ``debug snmp packet`` message of one notification: its header line and one line per varbind.

    v1 is the guide's form (``SNMP: V1 Trap, ent cisco, addr A, gentrap 6, spectrap 1`` then the six varbinds);
    v2c (UNVERIFIED: no capture in the guide) names the PDU and lists ``sysUpTime.0`` and ``snmpTrapOID.0`` first,
    as the PDU carries them.
    """
    from pysnmp.proto.rfc1902 import ObjectIdentifier, TimeTicks

    if version == "1":
        head = f"SNMP: V1 Trap, ent cisco, addr {agent_addr}, gentrap {GENERIC_ENTERPRISE_SPECIFIC}, spectrap 1"
    else:
        head = f"SNMP: V2 {'Inform request' if inform else 'Trap'}, errstat 0, erridx 0"
        varbinds = [
            (SYS_UP_TIME_0, TimeTicks(uptime)),
            (SNMP_TRAP_OID_0, ObjectIdentifier(TCP_CONNECTION_CLOSE)),
            *varbinds,
        ]
    return "\n".join([head, *(f"{debug_name(oid)} = {_debug_value(value)}" for oid, value in varbinds)])


def _is_ipv6(address: str) -> bool:
    try:
        return isinstance(ipaddress.ip_address(address.split("%", 1)[0]), ipaddress.IPv6Address)
    except ValueError:
        return False


# --- sending ------------------------------------------------------------------------------------------------


class TrapSender:
    """Sends tty traps for one device over UDP; one per device, for the device's life.

    ``await send_tty_trap(targets, info)`` sends one notification to each target and returns how many went out
    (informs: were acknowledged); it never raises for network or target trouble, it logs. ``schedule(...)``
    does the same in a background task so a session's close path never waits; at most ``max_in_flight`` sends
    run at once and further ones are dropped with a warning. ``debug = True`` (``debug snmp packet``) logs each
    notification on ``syslog`` (the device's IOS log) as the guide shows it: ``SNMP: Queuing packet to A``, the
    trap with its varbinds, and ``SNMP: Packet sent via UDP to A`` once it went out. ``await aclose()`` at device
    shutdown.
    A host the device's ``egress`` policy refuses gets nothing: its trap is dropped before a socket exists.
    """

    def __init__(
        self,
        *,
        agent_address: str = "127.0.0.1",
        max_in_flight: int = 32,
        inform_timeout_s: float = 2.0,
        inform_retries: int = 2,
        debug: bool = False,
        syslog: Callable[[str], None] = lambda _message: None,
        clock: Callable[[], float] = time.monotonic,
        max_engine_targets: int = 256,
        egress: Egress | None = None,
    ) -> None:
        self.agent_address = agent_address
        self.egress = egress or Egress()  # a host it refuses gets nothing: the trap is dropped before any socket
        self.max_in_flight = max_in_flight
        self.inform_timeout_s = inform_timeout_s
        self.inform_retries = inform_retries
        self.debug = debug
        self._syslog = syslog
        self._clock = clock
        self._started = clock()
        self._engine: SnmpEngine | None = None
        self._engine_loop: asyncio.AbstractEventLoop | None = None
        self._engine_targets: set[tuple[Any, ...]] = set()
        self._max_engine_targets = max_engine_targets
        self._active = 0  # sends using the engine right now
        self._tasks: set[asyncio.Task[int]] = set()

    # -- public ------------------------------------------------------------------------------------------

    def uptime_ticks(self) -> int:
        """sysUpTime: hundredths of a second since this sender (the device) started, modulo 2**32."""
        return int((self._clock() - self._started) * 100) & _TIMETICKS_MAX

    @property
    def in_flight(self) -> int:
        return len(self._tasks)

    def schedule(self, targets: Iterable[TrapTarget], info: SessionEnd) -> asyncio.Task[int] | None:
        """Send in the background; returns the task, or None when nothing is to be sent or too many are pending.

        Must be called from the event loop's thread. Never raises.
        """
        try:
            targets = list(targets)
            if not targets:
                return None
            if len(self._tasks) >= self.max_in_flight:
                log.warning("SNMP tty trap dropped: %d sends already in flight", len(self._tasks))
                return None
            task = asyncio.get_running_loop().create_task(self.send_tty_trap(targets, info), name="snmp-tty-trap")
        except Exception:
            log.exception("SNMP tty trap not scheduled")
            return None
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def send_tty_trap(self, targets: Iterable[TrapTarget], info: SessionEnd) -> int:
        """Send ``tcpConnectionClose`` for ``info`` to each target; the number that went out. Never raises
        (except ``CancelledError``)."""
        targets = list(targets)
        if not targets:
            return 0
        try:
            varbinds = tty_varbinds(info)
        except Exception:
            log.exception("SNMP tty trap not built")
            return 0
        agent_addr = _ipv4(info.local_address)
        if agent_addr == "0.0.0.0":
            agent_addr = _ipv4(self.agent_address)
        sends = (self._send_one(t, varbinds, agent_addr) for t in targets)
        results = await asyncio.gather(*sends)
        return sum(results)

    async def aclose(self) -> None:
        """Wait briefly for pending sends, cancel the rest, and close the SNMP engine."""
        pending = list(self._tasks)
        if pending:
            _, still = await asyncio.wait(pending, timeout=1.0)
            for task in still:
                task.cancel()
            with contextlib.suppress(Exception):
                await asyncio.gather(*still, return_exceptions=True)
        self._close_engine()

    # -- internals ---------------------------------------------------------------------------------------

    def _get_engine(self, key: tuple[Any, ...]) -> SnmpEngine:
        from pysnmp.hlapi.v3arch.asyncio import SnmpEngine

        loop = asyncio.get_running_loop()
        retire = self._engine is not None and (
            self._engine_loop is not loop
            or (key not in self._engine_targets and len(self._engine_targets) >= self._max_engine_targets)
        )
        if retire and self._active == 0:
            # pysnmp keeps every target it was ever given; a fresh engine bounds that (sysUpTime is ours).
            self._close_engine()
        if self._engine is None:
            self._engine = SnmpEngine()
            self._engine_loop = loop
            self._engine_targets = set()
        self._engine_targets.add(key)
        return self._engine

    def _close_engine(self) -> None:
        if self._engine is not None:
            with contextlib.suppress(Exception):
                self._engine.close_dispatcher()
            self._engine = None
            self._engine_loop = None

    def _notification(self, target: TrapTarget, varbinds: list[tuple[str, Any]], agent_addr: str) -> list[Any]:
        from pysnmp.hlapi.v3arch.asyncio import ObjectIdentity, ObjectType
        from pysnmp.proto.rfc1902 import IpAddress, ObjectIdentifier, TimeTicks

        head: list[tuple[str, Any]] = [
            (SYS_UP_TIME_0, TimeTicks(self.uptime_ticks())),
            (SNMP_TRAP_OID_0, ObjectIdentifier(TCP_CONNECTION_CLOSE)),
        ]
        if target.version == "1":
            head.append((SNMP_TRAP_ADDRESS_0, IpAddress(agent_addr)))
        return [ObjectType(ObjectIdentity(oid), value) for oid, value in head + varbinds]

    async def _send_one(self, target: TrapTarget, varbinds: list[tuple[str, Any]], agent_addr: str) -> int:
        where = f"{target.address}:{target.port}"
        kind = "inform" if target.inform and target.version == "2c" else "trap"
        if not self.egress.permit(target.address, target.port, f"SNMP {kind} host"):
            return 0
        if self.debug:
            self._syslog(f"SNMP: Queuing packet to {target.address}")
            inform = kind == "inform"
            self._syslog(debug_trap(target.version, inform, agent_addr, self.uptime_ticks(), varbinds))
        self._active += 1
        try:
            from pysnmp.hlapi.v3arch.asyncio import (
                CommunityData,
                ContextData,
                Udp6TransportTarget,
                UdpTransportTarget,
                send_notification,
            )

            target_cls = Udp6TransportTarget if _is_ipv6(target.address) else UdpTransportTarget
            transport = await target_cls.create(
                (target.address, target.port), timeout=self.inform_timeout_s, retries=self.inform_retries
            )
            mp_model = 0 if target.version == "1" else 1
            engine = self._get_engine((target.community, mp_model, target_cls.__name__, transport.transport_address))
            error_indication, error_status, _, _ = await send_notification(
                engine,
                CommunityData(target.community, mpModel=mp_model),
                transport,
                ContextData(),
                kind,
                *self._notification(target, varbinds, agent_addr),
                lookupMib=False,
            )
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bad host name, a socket error …: log, never propagate
            log.warning("SNMP %s to %s not sent: %s", kind, where, type(exc).__name__)
            log.debug("SNMP %s to %s failure detail", kind, where, exc_info=True)
            return 0
        finally:
            self._active -= 1
        if error_indication or error_status:
            log.warning("SNMP %s to %s failed: %s", kind, where, error_indication or error_status)
            return 0
        if self.debug:
            self._syslog(f"SNMP: Packet sent via UDP to {target.address}")
        return 1
