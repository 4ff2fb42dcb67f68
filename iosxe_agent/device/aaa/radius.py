"""The agent's RADIUS client: RFC 2865 authentication and RFC 2866 accounting for ``aaa … group radius``.

Packets are pyrad's (``AuthPacket``/``AcctPacket``) with the dictionary the project ships beside this file
(``radius.dict``); the UDP exchange is our own, because pyrad's ``ClientAsync`` keeps one long-lived socket per
server and reports timeouts through a background task, while a login needs one bounded question and answer.
Each exchange opens its own connected UDP socket, so the 8-bit Identifier only has to be unique per source port
(RFC 2865 §3) and the kernel drops datagrams from any other address.

Security (the Blast-RADIUS attack, CVE-2024-3596, and RFC 2865 §3): every Access-Request carries a
Message-Authenticator; a reply counts only if its Identifier matches, its Response Authenticator verifies with
the shared key, its Message-Authenticator (when present) verifies, and its code answers the request; anything
else is ignored as if it never arrived. A reply *without* Message-Authenticator is still taken: requiring one
would shut out every server older than the 2024 fixes (Debian 12's FreeRADIUS 3.2.1 sends none). Request
Authenticators and Identifiers come from :mod:`secrets`. The key and the password are never logged.

The outcome follows IOS: an Access-Accept or Access-Reject *answers* (the method list stops there); no valid
answer after ``1 + retransmit`` tries of ``timeout`` seconds each raises :class:`RadiusError`, and the caller
moves on to the next server or method.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import logging
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from pyrad import packet
from pyrad.dictionary import Dictionary

log = logging.getLogger(__name__)

DICTIONARY_FILE = Path(__file__).with_name("radius.dict")
MAX_PACKET_BYTES = 4096  # RFC 2865 §3: the largest RADIUS packet; longer datagrams are not replies
MAX_PASSWORD_BYTES = 128  # RFC 2865 §5.2: the hidden User-Password is at most 128 octets
MAX_STRING_BYTES = 253  # RFC 2865 §5: one attribute's value
_MAX_QUEUED = 32  # datagrams waiting to be checked; more are dropped (a flood cannot grow memory)

#: The reply codes that answer each request code.
_ANSWERS = {
    packet.AccessRequest: frozenset({packet.AccessAccept, packet.AccessReject, packet.AccessChallenge}),
    packet.AccountingRequest: frozenset({packet.AccountingResponse}),
}
_PRIV_LVL = re.compile(r"shell:priv-lvl[=*](\d{1,2})")


class RadiusError(Exception):
    """No (valid) answer from the server after all retransmissions -> next server/method."""


@dataclass(frozen=True, slots=True)
class RadiusServer:
    """One ``radius server NAME`` block: where it listens and the key shared with it."""

    name: str
    host: str
    auth_port: int = 1645  # IOS defaults for `radius server`
    acct_port: int = 1646
    key: str = field(default="", repr=False)  # kept out of repr(), so a logged or printed server never shows it
    timeout: float = 5.0  # seconds per try
    retransmit: int = 3  # extra tries after the first


@dataclass(frozen=True, slots=True)
class RadiusResult:
    """The server's answer to an Access-Request."""

    accepted: bool
    avpairs: tuple[str, ...] = ()  # Cisco-AVPair values of an Access-Accept, e.g. ("shell:priv-lvl=15",)
    reply_message: str = ""

    def privilege(self) -> int | None:
        """The exec privilege the server grants (see :func:`privilege_of`)."""
        return privilege_of(self.avpairs)


def privilege_of(avpairs: tuple[str, ...]) -> int | None:
    """The exec privilege Cisco-AVPairs grant: the first ``shell:priv-lvl=N`` (or the optional form
    ``shell:priv-lvl*N``) with 0 <= N <= 15; None when there is none, so the caller applies its default."""
    for pair in avpairs:
        match = _PRIV_LVL.fullmatch(pair.strip())
        if match and int(match[1]) <= 15:
            return int(match[1])
    return None


@functools.cache
def dictionary() -> Dictionary:
    """The project's RADIUS dictionary, read once."""
    return Dictionary(str(DICTIONARY_FILE))


def _nas_address(nas_ip: str) -> tuple[str, str]:
    """NAS-IP-Address for an IPv4 NAS, NAS-IPv6-Address (RFC 3162) for an IPv6 one: (attribute, value)."""
    address = ipaddress.ip_address(nas_ip)
    return ("NAS-IP-Address" if address.version == 4 else "NAS-IPv6-Address", str(address))


def access_request(
    key: str,
    user: str,
    password: str,
    *,
    nas_ip: str,
    nas_port: int,
    calling_station: str,
    identifier: int,
    authenticator: bytes,
) -> packet.AuthPacket:
    """An Access-Request for a PAP login, ready to encode (pure: the caller picks Identifier and authenticator).

    User-Password is hidden with the key and the Request Authenticator (RFC 2865 §5.2); the packet gets a
    Message-Authenticator (RFC 2869 §5.14) as its first attribute, computed when it is encoded.
    """
    request = packet.AuthPacket(
        packet.AccessRequest, id=identifier, secret=key.encode(), authenticator=authenticator, dict=dictionary()
    )
    request.add_message_authenticator()
    request["User-Name"] = user
    request["User-Password"] = request.PwCrypt(password)
    nas_attribute, nas_value = _nas_address(nas_ip)
    request[nas_attribute] = nas_value
    request["NAS-Port"] = nas_port
    request["NAS-Port-Type"] = "Virtual"
    request["Service-Type"] = "Login-User"
    if calling_station:
        request["Calling-Station-Id"] = calling_station
    return request


def accounting_request(
    key: str,
    user: str,
    *,
    start: bool,
    session_id: str,
    nas_ip: str,
    session_time: int | None,
    calling_station: str,
    identifier: int,
) -> packet.AcctPacket:
    """An Accounting-Request Start or Stop (pure). Its Request Authenticator is the MD5 over the packet and the
    key (RFC 2866 §3), computed when it is encoded; a Stop always carries Acct-Session-Time (0 if unknown)."""
    request = packet.AcctPacket(packet.AccountingRequest, id=identifier, secret=key.encode(), dict=dictionary())
    request["Acct-Status-Type"] = "Start" if start else "Stop"
    request["Acct-Session-Id"] = session_id
    request["User-Name"] = user
    nas_attribute, nas_value = _nas_address(nas_ip)
    request[nas_attribute] = nas_value
    request["Service-Type"] = "Login-User"
    if calling_station:
        request["Calling-Station-Id"] = calling_station
    if not start:
        request["Acct-Session-Time"] = session_time or 0
    return request


def verified_reply(request: packet.Packet, data: bytes) -> packet.Packet | None:
    """The reply in ``data`` if it is a genuine answer to ``request`` (already encoded), else None.

    Genuine: it decodes, its code answers the request's code, its Identifier matches, its Response
    Authenticator is MD5(Code+ID+Length+RequestAuth+Attributes+Key) (RFC 2865 §3, RFC 2866 §3), a
    Message-Authenticator in it verifies, and it adds no Proxy-State (pyrad's ``VerifyReply``).
    """
    if len(data) > MAX_PACKET_BYTES:
        return None
    try:
        reply = request.CreateReply(packet=data)
    except packet.PacketError:
        return None
    if reply.code not in _ANSWERS.get(request.code, ()) or not request.VerifyReply(reply, data):
        return None
    return reply


def _texts(reply: packet.Packet, attribute: str) -> list[str]:
    """The values of a string attribute; bytes that are not UTF-8 are replaced rather than trusted."""
    return [v if isinstance(v, str) else v.decode("utf-8", "replace") for v in reply.get(attribute, [])]


def access_result(reply: packet.Packet) -> RadiusResult:
    """What a verified reply to an Access-Request means for the login.

    Only an Access-Accept grants anything: FreeRADIUS, for one, sends the reply items it had already added
    (Cisco-AVPair included) on an Access-Reject too, so a Reject keeps nothing but its Reply-Message. An
    Access-Challenge asks for a further round (RFC 2865 §4.4, e.g. a token code) that a vty/NETCONF password
    login cannot conduct, so it counts as a reject, as IOS does for a PAP login it cannot continue.
    """
    message = "".join(_texts(reply, "Reply-Message"))
    if reply.code != packet.AccessAccept:
        return RadiusResult(False, reply_message=message)
    return RadiusResult(True, tuple(_texts(reply, "Cisco-AVPair")), message)


class _Replies(asyncio.DatagramProtocol):
    """Collects the datagrams arriving on one exchange's socket, bounded in size and number."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[bytes] = asyncio.Queue(maxsize=_MAX_QUEUED)

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        if len(data) <= MAX_PACKET_BYTES and not self.queue.full():
            self.queue.put_nowait(data)

    def error_received(self, exc: Exception) -> None:
        """An ICMP error (port unreachable …): the try simply gets no answer; the retries decide."""
        log.debug("radius: socket error %s", exc)


async def _exchange(server: RadiusServer, port: int, request: packet.Packet) -> packet.Packet:
    """Send ``request`` to ``server``:``port`` up to ``1 + retransmit`` times (the same bytes each time, so the
    server can spot duplicates) and return the first verified reply; RadiusError when none comes in time."""
    raw = request.RequestPacket()
    tries = 1 + max(0, server.retransmit)
    where = f"radius server {server.name} ({server.host}:{port})"
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(server.timeout):
            transport, replies = await loop.create_datagram_endpoint(_Replies, remote_addr=(server.host, port))
    except (OSError, TimeoutError) as exc:
        raise RadiusError(f"{where}: cannot send: {exc}") from None
    ignored = 0
    try:
        for attempt in range(1, tries + 1):
            log.debug("%s: request id %d, try %d of %d", where, request.id, attempt, tries)
            transport.sendto(raw)
            deadline = loop.time() + server.timeout
            while (remaining := deadline - loop.time()) > 0:
                try:
                    data = await asyncio.wait_for(replies.queue.get(), remaining)
                except TimeoutError:
                    break
                reply = verified_reply(request, data)
                if reply is not None:
                    return reply
                ignored += 1
    finally:
        transport.close()
    raise RadiusError(f"{where}: no valid reply after {tries} tries ({ignored} invalid datagrams ignored)")


async def authenticate(
    server: RadiusServer,
    user: str,
    password: str,
    *,
    nas_ip: str = "127.0.0.1",
    nas_port: int = 0,
    calling_station: str = "",
) -> RadiusResult:
    """Ask ``server`` whether ``user`` may log in with ``password`` (PAP).

    Access-Accept -> accepted with its Cisco-AVPairs; Access-Reject -> not accepted (attributes ignored but
    Reply-Message); Access-Challenge -> not accepted either (a password login cannot answer a challenge).
    A user name or password RADIUS cannot carry (over 253 / 128 octets) is refused without asking: it could
    never be accepted, and failing closed keeps such a login from falling through to the next method.

    :raises RadiusError: no valid reply after ``1 + server.retransmit`` tries of ``server.timeout`` seconds.
    """
    if len(user.encode()) > MAX_STRING_BYTES or len(password.encode()) > MAX_PASSWORD_BYTES:
        log.info("radius server %s: user name or password too long for RADIUS, login refused", server.name)
        return RadiusResult(False)
    request = access_request(
        server.key,
        user,
        password,
        nas_ip=nas_ip,
        nas_port=nas_port,
        calling_station=calling_station,
        identifier=secrets.randbelow(256),
        authenticator=secrets.token_bytes(16),
    )
    result = access_result(await _exchange(server, server.auth_port, request))
    log.info("radius server %s: %s for user %r", server.name, "accept" if result.accepted else "reject", user)
    return result


async def account(
    server: RadiusServer,
    user: str,
    *,
    start: bool,
    session_id: str,
    nas_ip: str = "127.0.0.1",
    session_time: int | None = None,
    calling_station: str = "",
) -> None:
    """Record the start or stop of ``user``'s session ``session_id`` on ``server`` (Accounting-Request, answered
    by an Accounting-Response).

    :raises RadiusError: no valid Accounting-Response after ``1 + server.retransmit`` tries, or a value RADIUS
        cannot carry (a string over 253 octets): either way the server has not recorded the session.
    """
    try:
        request = accounting_request(
            server.key,
            user,
            start=start,
            session_id=session_id,
            nas_ip=nas_ip,
            session_time=session_time,
            calling_station=calling_station,
            identifier=secrets.randbelow(256),
        )
    except ValueError as exc:
        raise RadiusError(f"radius server {server.name}: accounting record not sendable: {exc}") from None
    await _exchange(server, server.acct_port, request)
