"""Egress policy: the only destinations a device may send packets of its own to (``--egress CIDR,CIDR,...``).

Why: labs are seeded with production configurations, and those name production TACACS+/RADIUS servers, trap
receivers and hosts to ``ssh`` or ``copy scp://`` to. A lab must never send them a request by accident, so every
client of the device — the AAA clients, the SNMP trap sender, the CLI's ``ssh`` and ``copy scp://`` — asks
:meth:`Egress.permit` before it creates a socket (or a DNS query: a host name is refused unresolved, except
``localhost``, whose addresses are looked up once). A refused destination behaves like a server that does not
answer, which is what the device's code already handles the IOS way (AAA fail-over, a dropped trap,
``% Connection timed out``), only at once and without a packet.

The default allows loopback (``127.0.0.0/8``, ``::1``); ``--egress`` replaces it, and the addresses the device
(or the fleet) listens on are always added (:meth:`EgressPolicy.including`), so devices of one lab can reach one
another. :class:`EgressPolicy` is a pure value shared by every device; :class:`Egress` is one device's gate, with
the lookup of ``localhost`` and the memory of which refusals it already told the operator about (once each).
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

log = logging.getLogger(__name__)

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

MAX_TEXT = 4096  # characters of one --egress value
MAX_NETWORKS = 256  # entries of one --egress value
MAX_REPORTED = 1024  # distinct refused destinations a device names on the console; later ones are refused quietly
LOCALHOST = "localhost"  # the one host name resolved (system resolver, once per device)


class EgressSyntaxError(ValueError):
    """An ``--egress`` value that is not a comma-separated list of addresses or networks."""


def _address(text: str) -> Address | None:
    """The IP address ``text`` spells (an IPv4-mapped IPv6 address as the IPv4 address packets go to), or None."""
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


@dataclass(frozen=True, slots=True)
class EgressPolicy:
    """The networks a device may send to. Pure: parsing and membership only, no lookups, no state."""

    networks: tuple[Network, ...]

    @classmethod
    def parse(cls, text: str) -> EgressPolicy:
        """``127.0.0.0/8,::1`` (a bare address is a /32 or /128; ``none``: nothing but the own addresses).

        Host bits in a network (``127.0.0.1/8``) are an error rather than silently widened or narrowed: the
        operator states exactly what may be reached.
        """
        if len(text) > MAX_TEXT:
            raise EgressSyntaxError(f"longer than {MAX_TEXT} characters")
        items = [item.strip() for item in text.split(",")]
        if items == ["none"]:
            return cls(())
        if len(items) > MAX_NETWORKS:
            raise EgressSyntaxError(f"more than {MAX_NETWORKS} networks")
        networks: list[Network] = []
        for item in items:
            if not item:
                raise EgressSyntaxError(f"empty entry in {text!r}")
            try:
                networks.append(ipaddress.ip_network(item, strict=True))
            except ValueError as exc:
                raise EgressSyntaxError(f"{item!r} is not an address or network ({exc})") from None
        return cls(tuple(networks))

    def including(self, hosts: Iterable[str]) -> EgressPolicy:
        """This policy plus the addresses in ``hosts`` (where the device or fleet listens).

        An unspecified address (``0.0.0.0``, ``::``: "listen everywhere") names no destination and a host name is
        no address: both add nothing. The added addresses are collapsed into the fewest networks, so a fleet of
        1,000 consecutive loopback addresses adds a handful of entries, not 1,000 (its size bounds their number).
        """
        v4: list[ipaddress.IPv4Network] = []
        v6: list[ipaddress.IPv6Network] = []
        for host in hosts:
            address = _address(host)
            if address is None or address.is_unspecified or self.allows(str(address)):
                continue
            if isinstance(address, ipaddress.IPv4Address):
                v4.append(ipaddress.IPv4Network(address))
            else:
                v6.append(ipaddress.IPv6Network(address))
        added: list[Network] = [*ipaddress.collapse_addresses(v4), *ipaddress.collapse_addresses(v6)]
        return EgressPolicy((*self.networks, *added))

    def allows(self, address: str) -> bool:
        """Whether packets may go to ``address``, an IP literal; anything else (a host name) is not allowed."""
        parsed = _address(address)
        return parsed is not None and any(parsed in network for network in self.networks)

    def __str__(self) -> str:
        return ", ".join(str(network) for network in self.networks) or "nothing"


#: The default: loopback only.
LOOPBACK = EgressPolicy.parse("127.0.0.0/8,::1/128")


def egress_argument(text: str) -> EgressPolicy:
    """``type=`` of the ``--egress`` command-line option: the policy, or argparse's one-line usage error."""
    try:
        return EgressPolicy.parse(text)
    except EgressSyntaxError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def system_lookup(name: str) -> tuple[str, ...]:
    """The addresses the system resolver gives ``name`` (for ``localhost``: ``/etc/hosts``, no packet)."""
    try:
        infos = socket.getaddrinfo(name, None, type=socket.SOCK_STREAM)
    except OSError:
        return ()
    return tuple(dict.fromkeys(str(info[4][0]) for info in infos))


class Egress:
    """One device's gate: ``permit(host, port, what)`` before any socket; a refusal is told once per destination.

    ``localhost`` is allowed when every address the resolver gives it is (so whichever one a client then
    connects to is); it is looked up at its first use and remembered for the device's life.
    """

    def __init__(self, policy: EgressPolicy = LOOPBACK, *, lookup: Callable[[str], Sequence[str]] = system_lookup):
        self.policy = policy
        self._lookup = lookup
        self._localhost: tuple[str, ...] | None = None
        self._reported: set[tuple[str, int]] = set()

    def allows(self, host: str) -> bool:
        """Whether ``host`` (an IP literal, or ``localhost``) may be sent to. No other name is looked up."""
        if host.lower() != LOCALHOST:
            return self.policy.allows(host)
        if self._localhost is None:
            self._localhost = tuple(self._lookup(LOCALHOST))
        return bool(self._localhost) and all(self.policy.allows(address) for address in self._localhost)

    def permit(self, host: str, port: int, what: str) -> bool:
        """``allows(host)``; on a refusal, one console line the first time this destination is refused."""
        if self.allows(host):
            return True
        self._report(host, port, what)
        return False

    def _report(self, host: str, port: int, what: str) -> None:
        key = (host, port)
        if key in self._reported or len(self._reported) > MAX_REPORTED:
            return
        self._reported.add(key)
        if len(self._reported) > MAX_REPORTED:
            log.warning("egress: %d destinations refused; further refusals are not logged", MAX_REPORTED)
            return
        where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        log.warning("egress to %s (%s) refused by --egress policy; allowed: %s", where, what, self.policy)
