"""The agent's RADIUS client: RFC 2865/2866 codecs checked against the RFC's own arithmetic, the client against a
real FreeRADIUS (tests/peers/freeradius.py), and its retries and reply checks against small UDP servers."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import socket
import struct
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from types import ModuleType
from typing import Any, cast

import pytest
from pyrad import packet
from pyrad.client import Client, Timeout

from iosxe_agent.device.aaa import radius
from iosxe_agent.device.aaa.radius import RadiusError, RadiusResult, RadiusServer

SECRET = "s3cret-'%{x}"
LONG_PASSWORD = "a passphrase well over 16 bytes, with ünïcode"  # three 16-octet blocks once hidden
USERS = {"admin": ("Adm1n-pw", 15), "oper": ("0per-pw", 1), "carol": (LONG_PASSWORD, 15)}
REQUEST_AUTH = bytes(range(16))


@pytest.fixture(scope="module")
def freeradius(tmp_path_factory: pytest.TempPathFactory, peers: Callable[[str], ModuleType]) -> Iterator[Any]:
    """One FreeRADIUS for the module: users admin (15), oper (1), carol (15, a long password)."""
    with peers("freeradius").FreeRadius(tmp_path_factory.mktemp("freeradius"), SECRET, USERS) as server:
        yield server


def server_for(peer: Any, *, key: str = SECRET, timeout: float = 2.0, retransmit: int = 1) -> RadiusServer:
    return RadiusServer("FR", "127.0.0.1", peer.auth_port, peer.acct_port, key, timeout, retransmit)


def free_udp_port() -> int:
    """A loopback UDP port nobody listens on (bound and released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- RFC arithmetic, computed here independently of pyrad -------------------------------------------------------


def attributes(raw: bytes) -> list[tuple[int, bytes]]:
    """(type, value) of each attribute of an encoded packet."""
    found, at = [], 20
    while at < len(raw):
        kind, length = raw[at], raw[at + 1]
        found.append((kind, raw[at + 2 : at + length]))
        at += length
    return found


def hide(password: bytes, secret: bytes, authenticator: bytes) -> bytes:
    """RFC 2865 §5.2: c(1) = p(1) xor MD5(S + RA), c(i) = p(i) xor MD5(S + c(i-1)), p NUL-padded to 16n."""
    padded = password.ljust(max(16, -(-len(password) // 16) * 16), b"\0")
    hidden, chain = b"", authenticator
    for at in range(0, len(padded), 16):
        block = bytes(a ^ b for a, b in zip(padded[at : at + 16], hashlib.md5(secret + chain).digest(), strict=True))
        hidden += block
        chain = block
    return hidden


def avp(kind: int, value: bytes) -> bytes:
    return bytes([kind, len(value) + 2]) + value


def cisco_avpair(text: str) -> bytes:
    inner = avp(1, text.encode())
    return avp(26, struct.pack("!I", 9) + inner)


def reply_bytes(
    code: int, identifier: int, attrs: bytes, *, secret: str = SECRET, request_auth: bytes = REQUEST_AUTH
) -> bytes:
    """A reply signed as RFC 2865 §3 says: MD5(Code + ID + Length + RequestAuth + Attributes + Secret)."""
    header = struct.pack("!BBH", code, identifier, 20 + len(attrs))
    return header + hashlib.md5(header + request_auth + attrs + secret.encode()).digest() + attrs


def with_message_authenticator(code: int, identifier: int, attrs: bytes, *, mac_key: str = SECRET) -> bytes:
    """A reply whose first attribute is a Message-Authenticator (RFC 3579 §3.2: HMAC-MD5 with ``mac_key`` over the
    reply with the Request Authenticator in place and the Message-Authenticator zeroed), then signed as usual."""
    zeroed = avp(80, bytes(16)) + attrs
    header = struct.pack("!BBH", code, identifier, 20 + len(zeroed))
    mac = hmac.new(mac_key.encode(), header + REQUEST_AUTH + zeroed, "md5").digest()
    return reply_bytes(code, identifier, avp(80, mac) + attrs)


def encoded_access_request(password: str = "pw") -> tuple[packet.AuthPacket, bytes]:
    """An Access-Request for nemo with Identifier 7 and :data:`REQUEST_AUTH`, and its bytes."""
    request = radius.access_request(
        SECRET,
        "nemo",
        password,
        nas_ip="10.0.0.1",
        nas_port=2,
        calling_station="10.0.0.2",
        identifier=7,
        authenticator=REQUEST_AUTH,
    )
    return request, request.RequestPacket()


def test_password_hiding_matches_the_rfc_2865_example() -> None:
    """RFC 2865 §7.1: user nemo, password arctangent, secret xyzzy5461, that Request Authenticator."""
    request = radius.access_request(
        "xyzzy5461",
        "nemo",
        "arctangent",
        nas_ip="127.0.1.16",
        nas_port=3,
        calling_station="",
        identifier=0,
        authenticator=bytes.fromhex("0f403f9473978057bd83d5cb98f4227a"),
    )
    assert dict(attributes(request.RequestPacket()))[2] == bytes.fromhex("0dbe708d93d413ce3196e43f782a0aee")


@pytest.mark.parametrize("password", [LONG_PASSWORD, "x" * 16, "y" * 17, ""], ids=["3-blocks", "16", "17", "empty"])
def test_password_hiding_chains_blocks(password: str) -> None:
    _, raw = encoded_access_request(password)
    hidden = dict(attributes(raw))[2]
    assert hidden == hide(password.encode(), SECRET.encode(), REQUEST_AUTH)
    assert len(hidden) % 16 == 0 and len(hidden) >= max(16, len(password.encode()))


def test_access_request_carries_the_login_attributes_and_a_valid_message_authenticator() -> None:
    _, raw = encoded_access_request()
    attrs = attributes(raw)
    assert attrs[0][0] == 80, "Message-Authenticator comes first"
    values = dict(attrs)
    assert values[1] == b"nemo"
    assert values[4] == socket.inet_aton("10.0.0.1")  # NAS-IP-Address
    assert values[5] == struct.pack("!I", 2)  # NAS-Port
    assert values[61] == struct.pack("!I", 5)  # NAS-Port-Type Virtual
    assert values[6] == struct.pack("!I", 1)  # Service-Type Login
    assert values[31] == b"10.0.0.2"  # Calling-Station-Id
    zeroed = raw[:22] + bytes(16) + raw[38:]
    assert values[80] == hmac.new(SECRET.encode(), zeroed, "md5").digest()


def test_ipv6_nas_uses_nas_ipv6_address() -> None:
    request = radius.access_request(
        SECRET, "u", "p", nas_ip="2001:db8::1", nas_port=0, calling_station="", identifier=1, authenticator=REQUEST_AUTH
    )
    values = dict(attributes(request.RequestPacket()))
    assert values[95] == socket.inet_pton(socket.AF_INET6, "2001:db8::1") and 4 not in values


def test_accounting_request_authenticator_is_the_rfc_2866_md5() -> None:
    request = radius.accounting_request(
        SECRET,
        "oper",
        start=False,
        session_id="00000042",
        nas_ip="127.0.0.1",
        session_time=61,
        calling_station="",
        identifier=9,
    )
    raw = request.RequestPacket()
    assert raw[4:20] == hashlib.md5(raw[:4] + bytes(16) + raw[20:] + SECRET.encode()).digest()
    values = dict(attributes(raw))
    assert values[40] == struct.pack("!I", 2)  # Acct-Status-Type Stop
    assert values[44] == b"00000042" and values[1] == b"oper"
    assert values[46] == struct.pack("!I", 61)  # Acct-Session-Time


def test_a_correctly_signed_accept_is_taken_with_its_avpairs() -> None:
    request, _ = encoded_access_request()
    reply = radius.verified_reply(request, reply_bytes(2, 7, cisco_avpair("shell:priv-lvl=15") + avp(18, b"hi")))
    assert reply is not None
    assert radius.access_result(reply) == RadiusResult(True, ("shell:priv-lvl=15",), "hi")


def test_a_correct_message_authenticator_in_the_reply_is_accepted() -> None:
    request, _ = encoded_access_request()
    assert radius.verified_reply(request, with_message_authenticator(2, 7, cisco_avpair("shell:priv-lvl=1")))


@pytest.mark.parametrize(
    "data",
    [
        reply_bytes(2, 7, b"", secret="other-key"),
        reply_bytes(2, 8, b""),
        reply_bytes(2, 7, cisco_avpair("shell:priv-lvl=1"), request_auth=bytes(16)),
        reply_bytes(2, 7, cisco_avpair("shell:priv-lvl=1"))[:-1] + b"5",
        reply_bytes(5, 7, b""),
        reply_bytes(2, 7, b"")[:19],
        with_message_authenticator(2, 7, b"", mac_key="other-key"),
    ],
    ids=["wrong-key", "wrong-id", "wrong-request-auth", "tampered", "wrong-code", "truncated", "bad-msg-auth"],
)
def test_replies_that_do_not_verify_are_ignored(data: bytes) -> None:
    request, _ = encoded_access_request()
    assert radius.verified_reply(request, data) is None


def test_a_reject_grants_nothing_even_with_avpairs() -> None:
    request, _ = encoded_access_request()
    reply = radius.verified_reply(request, reply_bytes(3, 7, cisco_avpair("shell:priv-lvl=15") + avp(18, b"no")))
    assert reply is not None
    result = radius.access_result(reply)
    assert result == RadiusResult(False, (), "no") and result.privilege() is None


def test_a_challenge_counts_as_a_reject() -> None:
    request, _ = encoded_access_request()
    reply = radius.verified_reply(request, reply_bytes(11, 7, avp(18, b"Enter token") + avp(24, b"state")))
    assert reply is not None and radius.access_result(reply) == RadiusResult(False, (), "Enter token")


@pytest.mark.parametrize(
    ("avpairs", "level"),
    [
        (("shell:priv-lvl=15",), 15),
        (("shell:priv-lvl*7",), 7),
        (("shell:roles=x", " shell:priv-lvl=0 "), 0),
        (("shell:priv-lvl=16", "shell:priv-lvl=3"), 3),
        (("shell:priv-lvl=abc",), None),
        (("xshell:priv-lvl=15",), None),
        ((), None),
    ],
)
def test_privilege_from_avpairs(avpairs: tuple[str, ...], level: int | None) -> None:
    assert RadiusResult(True, avpairs).privilege() == level


def test_the_key_is_not_in_the_servers_repr() -> None:
    assert "hunter2" not in repr(RadiusServer("S", "127.0.2.1", key="hunter2"))


# --- against FreeRADIUS -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("user", "level"), [("admin", 15), ("oper", 1), ("carol", 15)])
async def test_freeradius_accepts_with_the_users_privilege(freeradius: Any, user: str, level: int) -> None:
    result = await radius.authenticate(server_for(freeradius), user, USERS[user][0], calling_station="10.0.0.9")
    assert result.accepted and result.avpairs == (f"shell:priv-lvl={level}",) and result.privilege() == level


@pytest.mark.parametrize(("user", "password"), [("admin", "wrong"), ("nobody", "Adm1n-pw"), ("admin", "")])
async def test_freeradius_rejects(freeradius: Any, user: str, password: str) -> None:
    """FreeRADIUS's Reject for a wrong password still carries the user's Cisco-AVPair (see the peer test below);
    the client grants nothing from it."""
    result = await radius.authenticate(server_for(freeradius), user, password)
    assert not result.accepted and result.avpairs == () and result.privilege() is None


async def test_wrong_shared_secret_gets_no_answer(freeradius: Any) -> None:
    """FreeRADIUS drops a request whose Message-Authenticator does not verify: the client gives up in time."""
    server = server_for(freeradius, key="not-the-secret", timeout=0.5, retransmit=1)
    began = time.monotonic()
    with pytest.raises(RadiusError, match="no valid reply after 2 tries"):
        await radius.authenticate(server, "admin", "Adm1n-pw")
    assert time.monotonic() - began <= (1 + server.retransmit) * server.timeout + 0.5
    assert any("invalid Message-Authenticator" in line for line in freeradius.output)


async def test_nothing_listening_raises_in_bounded_time() -> None:
    server = RadiusServer("DOWN", "127.0.0.1", free_udp_port(), free_udp_port(), SECRET, timeout=0.3, retransmit=2)
    began = time.monotonic()
    with pytest.raises(RadiusError):
        await radius.authenticate(server, "admin", "Adm1n-pw")
    with pytest.raises(RadiusError):
        await radius.account(server, "admin", start=True, session_id="1")
    assert time.monotonic() - began <= 2 * ((1 + server.retransmit) * server.timeout + 0.5)


async def test_unresolvable_host_raises() -> None:
    with pytest.raises(RadiusError, match="cannot send"):
        await radius.authenticate(RadiusServer("BAD", "no-such-host.invalid", timeout=2), "admin", "pw")


async def test_accounting_start_and_stop_are_recorded(freeradius: Any) -> None:
    server = server_for(freeradius)
    await radius.account(server, "oper", start=True, session_id="0000A1B2", calling_station="10.0.0.2")
    await radius.account(
        server, "oper", start=False, session_id="0000A1B2", session_time=42, calling_station="10.0.0.2"
    )
    records = [r for r in freeradius.accounting_records() if r.get("Acct-Session-Id") == "0000A1B2"]
    assert [(r["Acct-Status-Type"], r["User-Name"]) for r in records] == [("Start", "oper"), ("Stop", "oper")]
    assert records[1]["Acct-Session-Time"] == "42"
    assert all(r["Service-Type"] == "Login-User" and r["Calling-Station-Id"] == "10.0.0.2" for r in records)


async def test_accounting_with_the_wrong_secret_raises(freeradius: Any) -> None:
    server = server_for(freeradius, key="not-the-secret", timeout=0.5, retransmit=0)
    with pytest.raises(RadiusError):
        await radius.account(server, "oper", start=True, session_id="0000DEAD")
    assert not [r for r in freeradius.accounting_records() if r.get("Acct-Session-Id") == "0000DEAD"]


def test_peer_answers_an_independent_client(freeradius: Any) -> None:
    """The peer's configuration works on its own, with pyrad's blocking client (its own sockets and retries):
    Accept with the AVPair; a Reject that *carries* the AVPair; and no answer without Message-Authenticator."""
    client = Client(
        "127.0.0.1",
        freeradius.auth_port,
        freeradius.acct_port,
        secret=SECRET.encode(),
        dict=radius.dictionary(),
        retries=1,
        timeout=2,
    )

    def ask(password: str, *, message_authenticator: bool = True) -> packet.Packet:
        request = client.CreateAuthPacket(User_Name="admin", message_authenticator=message_authenticator)
        request["User-Password"] = request.PwCrypt(password)
        return client.SendPacket(request)

    accept = ask("Adm1n-pw")
    assert accept.code == packet.AccessAccept and accept["Cisco-AVPair"] == ["shell:priv-lvl=15"]
    reject = ask("wrong")
    assert reject.code == packet.AccessReject and reject["Cisco-AVPair"] == ["shell:priv-lvl=15"]
    client.timeout = 0.5
    with pytest.raises(Timeout):
        ask("Adm1n-pw", message_authenticator=False)


# --- retransmission, against small UDP servers ------------------------------------------------------------------


Answer = Callable[[int, bytes], list[bytes]]


class UdpServer(asyncio.DatagramProtocol):
    """Records every datagram; ``answer(n, data)`` returns the datagrams to send back to the n-th (from 0)."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.received: list[bytes] = []
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)  # the selector transport is not a subclass

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        assert self.transport is not None
        self.received.append(data)
        for reply in self.answer(len(self.received) - 1, data):
            self.transport.sendto(reply, addr)


StartUdp = Callable[[Answer], Awaitable[tuple[UdpServer, RadiusServer]]]


@pytest.fixture
async def udp_server() -> AsyncIterator[StartUdp]:
    """``await udp_server(answer)`` -> (UdpServer, RadiusServer aimed at it, timeout 0.3 s, retransmit 2)."""
    transports: list[asyncio.DatagramTransport] = []

    async def start(answer: Answer) -> tuple[UdpServer, RadiusServer]:
        transport, protocol = await asyncio.get_running_loop().create_datagram_endpoint(
            lambda: UdpServer(answer), local_addr=("127.0.0.1", 0)
        )
        transports.append(transport)
        port = transport.get_extra_info("sockname")[1]
        return protocol, RadiusServer("FAKE", "127.0.0.1", port, port, SECRET, timeout=0.3, retransmit=2)

    yield start
    for transport in transports:
        transport.close()


def accept_for(data: bytes, *, code: int = packet.AccessAccept, key: str = SECRET, bump_id: bool = False) -> bytes:
    """A reply to the request in ``data``, built the server's way with pyrad (id, authenticator, key)."""
    request = packet.AuthPacket(packet=data, secret=key.encode(), dict=radius.dictionary())
    reply = request.CreateReply(Cisco_AVPair="shell:priv-lvl=15")
    reply.code = code
    if bump_id:
        reply.id = (request.id + 1) % 256
    return reply.ReplyPacket()


async def test_a_silent_server_gets_one_plus_retransmit_identical_requests(udp_server: StartUdp) -> None:
    fake, server = await udp_server(lambda n, data: [])
    with pytest.raises(RadiusError, match="after 3 tries"):
        await radius.authenticate(server, "admin", "pw")
    assert len(fake.received) == 1 + server.retransmit
    assert len(set(fake.received)) == 1, "a retransmission repeats the Identifier and Request Authenticator"


async def test_the_answer_to_a_retransmission_is_taken(udp_server: StartUdp) -> None:
    fake, server = await udp_server(lambda n, data: [accept_for(data)] if n == 1 else [])
    result = await radius.authenticate(server, "admin", "pw")
    assert result.accepted and result.privilege() == 15 and len(fake.received) == 2


async def test_forged_replies_are_skipped_for_the_genuine_one(udp_server: StartUdp) -> None:
    def answer(n: int, data: bytes) -> list[bytes]:
        return [accept_for(data, key="forger"), accept_for(data, bump_id=True), b"\x02junk", accept_for(data)]

    fake, server = await udp_server(answer)
    assert (await radius.authenticate(server, "admin", "pw")).accepted and len(fake.received) == 1


async def test_only_forged_replies_mean_no_answer(udp_server: StartUdp) -> None:
    _, server = await udp_server(lambda n, data: [accept_for(data, key="forger")])
    with pytest.raises(RadiusError, match="3 invalid datagrams ignored"):
        await radius.authenticate(server, "admin", "pw")


async def test_a_signed_reject_with_avpairs_grants_nothing(udp_server: StartUdp) -> None:
    _, server = await udp_server(lambda n, data: [accept_for(data, code=packet.AccessReject)])
    assert await radius.authenticate(server, "admin", "pw") == RadiusResult(False)


async def test_credentials_radius_cannot_carry_are_refused_without_asking(udp_server: StartUdp) -> None:
    fake, server = await udp_server(lambda n, data: [accept_for(data)])
    assert await radius.authenticate(server, "admin", "p" * 129) == RadiusResult(False)
    assert await radius.authenticate(server, "u" * 254, "pw") == RadiusResult(False)
    assert fake.received == []


async def test_accounting_values_radius_cannot_carry_raise_radius_error(udp_server: StartUdp) -> None:
    fake, server = await udp_server(lambda n, data: [])
    with pytest.raises(RadiusError, match="not sendable"):
        await radius.account(server, "u" * 254, start=True, session_id="1")
    assert fake.received == []
