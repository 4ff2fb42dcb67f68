"""A real SNMP notification receiver for tests: pysnmp's ``NotificationReceiver`` on an ephemeral loopback port.

It runs inside the test's own event loop (pysnmp's asyncio carrier), accepts SNMPv1 and SNMPv2c traps and v2c
informs (it acknowledges informs, as a manager does), and records each one as a :class:`ReceivedTrap` holding
what was on the wire: version, community, sender, and — for v1 — enterprise, agent-addr, generic and specific
trap numbers and the time stamp, taken from the undecoded Trap-PDU before pysnmp translates it (RFC 3584 §3.1)
to the v2 form the application callback sees.

Only communities given to :meth:`TrapReceiver.start` are accepted (pysnmp drops the rest, as snmptrapd with
``authCommunity`` would); a test that sends with another community sees nothing arrive.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from dataclasses import dataclass, field
from typing import Any

from pyasn1.type import univ
from pysnmp.carrier.asyncio.dgram import udp
from pysnmp.entity import config, engine
from pysnmp.entity.rfc3413 import ntfrcv
from pysnmp.proto import api

SNMP_TRAP_OID = "1.3.6.1.6.3.1.1.4.1.0"
SYS_UP_TIME = "1.3.6.1.2.1.1.3.0"


@dataclass
class ReceivedTrap:
    """One notification as it arrived."""

    version: str  # "1" or "2c"
    community: str
    source: tuple[str, int]
    pdu_type: str  # "trap" (v1 Trap-PDU or v2 SNMPv2-Trap-PDU) or "inform"
    uptime: int  # v1 time-stamp or v2 sysUpTime.0, in hundredths of a second
    trap_oid: str  # v2 snmpTrapOID.0, or the RFC 3584 translation of a v1 trap
    varbinds: list[tuple[str, Any]] = field(default_factory=list)  # after sysUpTime/snmpTrapOID; python values
    enterprise: str | None = None  # v1 only
    agent_addr: str | None = None  # v1 only
    generic_trap: int | None = None  # v1 only
    specific_trap: int | None = None  # v1 only

    def value(self, oid_prefix: str) -> Any:
        """The value of the one varbind whose OID starts with ``oid_prefix`` (dotted, no leading dot)."""
        found = [v for o, v in self.varbinds if o == oid_prefix or o.startswith(oid_prefix + ".")]
        assert len(found) == 1, f"{oid_prefix}: {len(found)} varbinds in {self.varbinds}"
        return found[0]

    def oid(self, oid_prefix: str) -> str:
        """The full OID (with its instance) of the one varbind under ``oid_prefix``."""
        found = [o for o, _ in self.varbinds if o == oid_prefix or o.startswith(oid_prefix + ".")]
        assert len(found) == 1, f"{oid_prefix}: {len(found)} varbinds in {self.varbinds}"
        return found[0]


def _python(value: Any) -> Any:
    """A pyasn1 SNMP value as plain Python: int, bytes, dotted OID text, or dotted IPv4 text for IpAddress."""
    if isinstance(value, univ.ObjectIdentifier):
        return str(value)
    if value.tagSet == api.v2c.IpAddress.tagSet:
        return socket.inet_ntoa(bytes(value))
    if isinstance(value, univ.OctetString):
        return bytes(value)
    return int(value)


class TrapReceiver:
    """``async with TrapReceiver(["public"]) as rx:`` → ``rx.port``; ``await rx.wait_for(1)`` → traps."""

    def __init__(self, communities: list[str] | tuple[str, ...] = ("public",), host: str = "127.0.0.1") -> None:
        self.communities = list(communities)
        self.host = host
        self.port = 0
        self.traps: list[ReceivedTrap] = []
        self._engine: engine.SnmpEngine | None = None
        self._wire: dict[str, Any] | None = None
        self._arrived = asyncio.Event()

    async def __aenter__(self) -> TrapReceiver:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.stop()

    async def start(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind((self.host, 0))
        self.port = sock.getsockname()[1]
        eng = engine.SnmpEngine()
        transport = udp.UdpAsyncioTransport().open_server_mode(sock=sock)
        config.add_transport(eng, udp.DOMAIN_NAME, transport)
        for i, community in enumerate(self.communities):
            config.add_v1_system(eng, f"area-{i}", community)
        eng.observer.register_observer(
            self._on_wire, "rfc2576.prepareDataElements:unconfirmed", "rfc2576.prepareDataElements:confirmed"
        )
        ntfrcv.NotificationReceiver(eng, self._on_notification)
        self._engine = eng
        await transport._lport  # the datagram endpoint is open once this future is done

    def stop(self) -> None:
        if self._engine is not None:
            self._engine.close_dispatcher()
            self._engine = None

    async def wait_for(self, count: int, timeout: float = 10.0) -> list[ReceivedTrap]:
        """Wait until at least ``count`` notifications arrived; return all received so far."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(self.traps) < count:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"expected {count} notification(s), got {len(self.traps)}: {self.traps}")
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), remaining)
        return list(self.traps)

    async def quiet(self, seconds: float = 0.5) -> list[ReceivedTrap]:
        """Let ``seconds`` pass (so that stray extra notifications would arrive); return what was received."""
        await asyncio.sleep(seconds)
        return list(self.traps)

    # -- pysnmp callbacks -------------------------------------------------------------------------------------

    def _on_wire(self, snmp_engine: Any, execpoint: str, variables: dict[str, Any], cb_ctx: Any) -> None:
        self._wire = dict(variables, execpoint=execpoint)

    def _on_notification(
        self,
        snmp_engine: Any,
        state_reference: Any,
        context_engine_id: Any,
        context_name: Any,
        var_binds: Any,
        cb_ctx: Any,
    ) -> None:
        wire = self._wire or {}
        self._wire = None
        pdu = wire.get("pdu")
        version = "1" if wire.get("securityModel") == 1 else "2c"
        address = wire.get("transportAddress")
        source = (str(address[0]), int(address[1])) if address else ("", 0)
        names = [(str(oid), val) for oid, val in var_binds]
        uptime = next((int(v) for o, v in names if o == SYS_UP_TIME), -1)
        trap_oid = next((str(v) for o, v in names if o == SNMP_TRAP_OID), "")
        trap = ReceivedTrap(
            version=version,
            community=bytes(wire.get("communityName", b"")).decode(),
            source=source,
            pdu_type="inform" if wire.get("execpoint", "").endswith(":confirmed") else "trap",
            uptime=uptime,
            trap_oid=trap_oid,
            varbinds=[(o, _python(v)) for o, v in names if o not in (SYS_UP_TIME, SNMP_TRAP_OID)],
        )
        if version == "1" and pdu is not None:
            v1 = api.v1.apiTrapPDU
            trap.enterprise = str(v1.get_enterprise(pdu))
            trap.agent_addr = socket.inet_ntoa(bytes(v1.get_agent_address(pdu)))
            trap.generic_trap = int(v1.get_generic_trap(pdu))
            trap.specific_trap = int(v1.get_specific_trap(pdu))
            trap.uptime = int(v1.get_timestamp(pdu))
            trap.varbinds = [(str(o), _python(v)) for o, v in v1.get_varbinds(pdu)]
        self.traps.append(trap)
        self._arrived.set()
