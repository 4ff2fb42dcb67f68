"""The device's TACACS+ client (RFC 8907): authentication (ASCII login incl. ChPass), authorization, accounting.

IOS XE logs a user in (console, vty, SSH, NETCONF) with a TACACS+ ASCII login; its TACACS+ PAP (minor version 1)
serves ``ppp authentication pap``, and this device has no PPP, so the client has no PAP.

Why our own code: the only Python client (PyPI ``tacacs_plus``) blocks, and answers at most one prompt, so the
IOS "password expired" conversation (GETDATA after GETPASS) cannot work with it.

The module has two layers. The codec is pure functions over bytes — header, MD5 pseudo-pad obfuscation and the
six packet bodies the client needs — so it can be tested without sockets. The transport opens one TCP connection
per session, as IOS does without ``single-connection``, and turns every way a server can let us down (refused,
silent, closed, too big, wrong key, wrong session or sequence number, ERROR/FOLLOW) into :class:`TacacsError`, so
the method-list code can simply try the next server or method. A session's network waits (connect and every
reply) share one ``timeout`` budget; the time a user spends answering a prompt is not charged to it — the caller
bounds that (login grace time), just as a real terminal line does.

Keys and passwords are never logged; messages name the server, not the secret.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import hashlib
import re
import secrets
import struct
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import TypeVar

VERSION_DEFAULT = 0xC0  # minor version 0: ASCII login, authorization, accounting
MAX_BODY = 64 * 1024  # we refuse replies announcing more; real ones are a few hundred bytes

FLAG_UNENCRYPTED = 0x01
REPLY_FLAG_NOECHO = 0x01
CONTINUE_FLAG_ABORT = 0x01

_HEADER = struct.Struct("!BBBBII")  # version, type, seq_no, flags, session_id, length
_CLOSE_GRACE = 1.0  # seconds to let the kernel flush our last packet when we hang up


class TacacsError(Exception):
    """Server unreachable, timed out, closed the connection, sent a malformed or undecryptable packet (wrong key)
    or an ERROR status -> the caller tries the next server / method."""


class PacketType(enum.IntEnum):
    """Header ``type``."""

    AUTHEN = 0x01
    AUTHOR = 0x02
    ACCT = 0x03


class AuthenAction(enum.IntEnum):
    LOGIN = 0x01


class AuthenType(enum.IntEnum):
    ASCII = 0x01


class AuthenService(enum.IntEnum):
    LOGIN = 0x01


class AuthenMethod(enum.IntEnum):
    """``authen_method`` of authorization and accounting requests: how the user was authenticated."""

    NOT_SET = 0x00
    NONE = 0x01
    LINE = 0x03
    ENABLE = 0x04
    LOCAL = 0x05
    TACACSPLUS = 0x06
    RADIUS = 0x10


class ReplyStatus(enum.IntEnum):
    """Authentication REPLY ``status``."""

    PASS = 0x01
    FAIL = 0x02
    GETDATA = 0x03
    GETUSER = 0x04
    GETPASS = 0x05
    RESTART = 0x06
    ERROR = 0x07
    FOLLOW = 0x21


class AuthorStatus(enum.IntEnum):
    """Authorization RESPONSE ``status``."""

    PASS_ADD = 0x01
    PASS_REPL = 0x02
    FAIL = 0x10
    ERROR = 0x11
    FOLLOW = 0x21


class AcctStatus(enum.IntEnum):
    """Accounting REPLY ``status``."""

    SUCCESS = 0x01
    ERROR = 0x02
    FOLLOW = 0x21


class AcctFlag(enum.IntFlag):
    START = 0x02
    STOP = 0x04
    WATCHDOG = 0x08


_T = TypeVar("_T")
_PROMPTS = frozenset({ReplyStatus.GETUSER, ReplyStatus.GETPASS, ReplyStatus.GETDATA})


# --------------------------------------------------------------------------------------------------- codec


@dataclass(frozen=True, slots=True)
class Header:
    """The 12-byte packet header (RFC 8907 §4.1)."""

    version: int
    type: int
    seq_no: int
    flags: int
    session_id: int
    length: int

    def pack(self) -> bytes:
        return _HEADER.pack(self.version, self.type, self.seq_no, self.flags, self.session_id, self.length)

    @classmethod
    def unpack(cls, data: bytes) -> Header:
        if len(data) != _HEADER.size:
            raise TacacsError(f"header of {len(data)} bytes, not {_HEADER.size}")
        return cls(*_HEADER.unpack(data))


def pseudo_pad(session_id: int, key: bytes, version: int, seq_no: int, length: int) -> bytes:
    """The MD5 pseudo-pad of RFC 8907 §4.5: MD5_1 = MD5(session_id, key, version, seq_no), MD5_n = MD5(same,
    MD5_n-1), concatenated and truncated to ``length``."""
    seed = struct.pack("!I", session_id) + key + bytes((version, seq_no))
    chunks: list[bytes] = []
    previous = b""
    for _ in range(-(-length // 16)):
        previous = hashlib.md5(seed + previous, usedforsecurity=False).digest()
        chunks.append(previous)
    return b"".join(chunks)[:length]


def obfuscate(body: bytes, *, session_id: int, key: bytes, version: int, seq_no: int) -> bytes:
    """XOR ``body`` with its pseudo-pad; the same call hides and reveals (the operation is its own inverse)."""
    pad = pseudo_pad(session_id, key, version, seq_no, len(body))
    return (int.from_bytes(body, "big") ^ int.from_bytes(pad, "big")).to_bytes(len(body), "big")


def encode_packet(header: Header, body: bytes, key: bytes) -> bytes:
    """Header plus body, obfuscated with ``key`` unless the header says UNENCRYPTED."""
    if header.length != len(body):
        raise ValueError(f"header length {header.length} != body length {len(body)}")
    if not header.flags & FLAG_UNENCRYPTED:
        body = obfuscate(body, session_id=header.session_id, key=key, version=header.version, seq_no=header.seq_no)
    return header.pack() + body


def _text(value: str | bytes) -> bytes:
    return value.encode() if isinstance(value, str) else value


def _fields(limit: int, **values: str | bytes) -> list[bytes]:
    """The values as bytes, refusing any longer than its length field can say (ValueError names the field)."""
    encoded = []
    for name, value in values.items():
        raw = _text(value)
        if len(raw) > limit:
            raise ValueError(f"TACACS+ {name} is {len(raw)} bytes, at most {limit} fit")
        encoded.append(raw)
    return encoded


def encode_authen_start(
    *,
    action: int,
    priv_lvl: int,
    authen_type: int,
    service: int,
    user: str,
    port: str,
    rem_addr: str,
    data: str | bytes = b"",
) -> bytes:
    """Authentication START body (§5.1). ValueError when a field is longer than 255 bytes."""
    fields = _fields(255, user=user, port=port, rem_addr=rem_addr, data=data)
    return bytes((action, priv_lvl, authen_type, service, *map(len, fields))) + b"".join(fields)


def encode_authen_continue(user_msg: str | bytes = b"", data: str | bytes = b"", *, abort: bool = False) -> bytes:
    """Authentication CONTINUE body (§5.3): the user's answer travels in ``user_msg``."""
    msg, extra = _fields(0xFFFF, user_msg=user_msg, data=data)
    flags = CONTINUE_FLAG_ABORT if abort else 0
    return struct.pack("!HHB", len(msg), len(extra), flags) + msg + extra


@dataclass(frozen=True, slots=True)
class Request:
    """The fields an authorization REQUEST (§6.1) and an accounting REQUEST (§7.1) share."""

    authen_method: int
    priv_lvl: int
    authen_type: int
    service: int
    user: str
    port: str
    rem_addr: str
    args: tuple[str, ...]


def encode_author_request(request: Request) -> bytes:
    """Authorization REQUEST body. ValueError for more than 255 arguments or a field longer than 255 bytes."""
    if len(request.args) > 255:
        raise ValueError(f"{len(request.args)} TACACS+ arguments, at most 255 fit")
    fields = _fields(255, user=request.user, port=request.port, rem_addr=request.rem_addr)
    args = [_fields(255, argument=arg)[0] for arg in request.args]
    head = (request.authen_method, request.priv_lvl, request.authen_type, request.service)
    return bytes((*head, *map(len, fields), len(args), *map(len, args))) + b"".join(fields) + b"".join(args)


def encode_acct_request(flags: int, request: Request) -> bytes:
    """Accounting REQUEST body: the flags byte (START / STOP / WATCHDOG), then the authorization layout."""
    return bytes((flags,)) + encode_author_request(request)


class _Reader:
    """Walks a decoded body; any overrun or leftover means a malformed packet (typically: the wrong key)."""

    def __init__(self, body: bytes, what: str) -> None:
        self.body = body
        self.offset = 0
        self.what = what

    def take(self, count: int) -> bytes:
        end = self.offset + count
        if end > len(self.body):
            raise TacacsError(f"malformed {self.what} (wrong key?): fields overrun the {len(self.body)}-byte body")
        chunk = self.body[self.offset : end]
        self.offset = end
        return chunk

    def unpack(self, fmt: str) -> tuple[int, ...]:
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))

    def done(self) -> None:
        if self.offset != len(self.body):
            raise TacacsError(f"malformed {self.what} (wrong key?): {len(self.body) - self.offset} bytes left over")


def _str(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


@dataclass(frozen=True, slots=True)
class AuthenReply:
    """A decoded authentication REPLY."""

    status: int
    flags: int
    server_msg: str
    data: bytes


@dataclass(frozen=True, slots=True)
class AuthorResponse:
    """A decoded authorization RESPONSE."""

    status: int
    args: tuple[str, ...]
    server_msg: str
    data: bytes


@dataclass(frozen=True, slots=True)
class AcctReply:
    """A decoded accounting REPLY."""

    status: int
    server_msg: str
    data: bytes


def decode_authen_reply(body: bytes) -> AuthenReply:
    """Authentication REPLY body (§5.2); TacacsError unless the lengths add up exactly."""
    reader = _Reader(body, "authentication REPLY")
    status, flags, msg_len, data_len = reader.unpack("!BBHH")
    reply = AuthenReply(status, flags, _str(reader.take(msg_len)), reader.take(data_len))
    reader.done()
    return reply


def decode_author_response(body: bytes) -> AuthorResponse:
    """Authorization RESPONSE body (§6.2); TacacsError unless the lengths add up exactly."""
    reader = _Reader(body, "authorization RESPONSE")
    status, arg_cnt, msg_len, data_len = reader.unpack("!BBHH")
    arg_lens = reader.take(arg_cnt)
    server_msg, data = _str(reader.take(msg_len)), reader.take(data_len)
    args = tuple(_str(reader.take(length)) for length in arg_lens)
    reader.done()
    return AuthorResponse(status, args, server_msg, data)


def decode_acct_reply(body: bytes) -> AcctReply:
    """Accounting REPLY body (§7.2); TacacsError unless the lengths add up exactly."""
    reader = _Reader(body, "accounting REPLY")
    msg_len, data_len, status = reader.unpack("!HHB")
    reply = AcctReply(status, _str(reader.take(msg_len)), reader.take(data_len))
    reader.done()
    return reply


# ------------------------------------------------------------------------------------------------ transport


@dataclass(frozen=True, slots=True)
class TacacsServer:
    """One configured server."""

    name: str  # the `tacacs server NAME` (or the address for a legacy host)
    host: str
    port: int = 49
    key: str = field(default="", repr=False)  # clear-text shared secret ("" = unencrypted, TAC_PLUS_UNENCRYPTED_FLAG)
    timeout: float = 5.0  # seconds, bounds connect + the whole exchange


@dataclass
class Traffic:
    """Socket and packet counts of one server, summed over its sessions (what ``show tacacs`` prints)."""

    opens: int = 0
    closes: int = 0
    errors: int = 0  # refused, reset or closed by the server
    timeouts: int = 0
    failed_connects: int = 0
    sent: int = 0
    received: int = 0


class _Session:
    """One TACACS+ session on its own TCP connection: numbers the packets, checks and reveals the replies.

    All network waits draw on one budget of ``server.timeout`` seconds.
    """

    def __init__(
        self, server: TacacsServer, packet_type: PacketType, version: int, traffic: Traffic | None = None
    ) -> None:
        self.server = server
        self.traffic = traffic or Traffic()
        self.packet_type = packet_type
        self.version = version
        self.key = server.key.encode()
        self.flags = 0 if server.key else FLAG_UNENCRYPTED
        self.session_id = secrets.randbits(32)
        self.seq_no = 0  # of the last packet sent or received
        self.budget = server.timeout
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    def fail(self, why: str) -> TacacsError:
        """The error to raise, naming the server (never the key)."""
        return TacacsError(f"TACACS+ server {self.server.name} ({self.server.host}:{self.server.port}): {why}")

    async def _bounded(self, step: Awaitable[_T]) -> _T:
        """Await a network step within what is left of the budget; map every transport failure to TacacsError."""
        started = time.monotonic()
        try:
            async with asyncio.timeout(max(self.budget, 0.0)):
                return await step
        except TimeoutError:
            self.traffic.timeouts += 1
            raise self.fail(f"no answer within {self.server.timeout:g} s") from None
        except asyncio.IncompleteReadError:
            self.traffic.errors += 1
            raise self.fail("closed the connection") from None
        except OSError as exc:
            self.traffic.errors += 1
            raise self.fail(exc.strerror or type(exc).__name__) from None
        finally:
            self.budget -= time.monotonic() - started

    async def __aenter__(self) -> _Session:
        try:
            self.reader, self.writer = await self._bounded(asyncio.open_connection(self.server.host, self.server.port))
        except TacacsError:
            self.traffic.failed_connects += 1
            raise
        self.traffic.opens += 1
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.writer is not None:
            self.traffic.closes += 1
            self.writer.close()
            with contextlib.suppress(OSError, TimeoutError):
                async with asyncio.timeout(_CLOSE_GRACE):
                    await self.writer.wait_closed()

    async def send(self, body: bytes) -> None:
        assert self.writer is not None
        if self.seq_no >= 255:
            raise self.fail("sequence number would wrap")
        self.seq_no += 1
        header = Header(self.version, self.packet_type, self.seq_no, self.flags, self.session_id, len(body))
        self.writer.write(encode_packet(header, body, self.key))
        self.traffic.sent += 1
        await self._bounded(self.writer.drain())

    async def receive(self) -> bytes:
        """The next reply's revealed body, after checking that it belongs to this session and comes next."""
        assert self.reader is not None
        header = Header.unpack(await self._bounded(self.reader.readexactly(_HEADER.size)))
        if header.version != self.version:
            raise self.fail(f"reply version {header.version:#x}, expected {self.version:#x}")
        if header.type != self.packet_type:
            raise self.fail(f"reply type {header.type}, expected {int(self.packet_type)}")
        if header.session_id != self.session_id:
            raise self.fail("reply for another session")
        if header.seq_no != self.seq_no + 1:
            raise self.fail(f"reply sequence number {header.seq_no}, expected {self.seq_no + 1}")
        if (header.flags & FLAG_UNENCRYPTED) != self.flags:
            raise self.fail("reply obfuscation does not match the key configuration")
        if header.length > MAX_BODY:
            raise self.fail(f"reply of {header.length} bytes exceeds {MAX_BODY}")
        raw = await self._bounded(self.reader.readexactly(header.length))
        self.traffic.received += 1
        self.seq_no = header.seq_no
        if self.flags & FLAG_UNENCRYPTED:
            return raw
        return obfuscate(raw, session_id=self.session_id, key=self.key, version=self.version, seq_no=self.seq_no)

    async def exchange(self, body: bytes, decode: Callable[[bytes], _T]) -> _T:
        """Send ``body``, decode the reply; a reply that does not decode names this server in its TacacsError."""
        await self.send(body)
        reply = await self.receive()
        try:
            return decode(reply)
        except TacacsError as exc:
            raise self.fail(str(exc)) from None


def _status_name(kind: type[enum.IntEnum], value: int) -> str:
    return kind(value).name if value in kind._value2member_map_ else f"{value:#x}"


# ------------------------------------------------------------------------------------------- authentication


class AuthenStatus(enum.Enum):
    """The outcome of an authentication; ERROR is also raised as TacacsError by the client."""

    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class AuthenResult:
    status: AuthenStatus
    server_msg: str = ""


# A conversation callback: the server's prompt text and whether the reply may be echoed -> the user's answer,
# or None when the user gave up (client then sends CONTINUE with the ABORT flag and returns FAIL).
Converse = Callable[[str, bool], Awaitable[str | None]]


def _verdict(session: _Session, reply: AuthenReply) -> AuthenResult:
    """PASS / FAIL as a result; every other status means "this server cannot decide": TacacsError."""
    if reply.status == ReplyStatus.PASS:
        return AuthenResult(AuthenStatus.PASS, reply.server_msg)
    if reply.status == ReplyStatus.FAIL:
        return AuthenResult(AuthenStatus.FAIL, reply.server_msg)
    raise session.fail(f"authentication status {_status_name(ReplyStatus, reply.status)} {reply.server_msg!r}")


def _start(user: str, port: str, rem_addr: str, priv_lvl: int) -> bytes:
    """The START of an ASCII login (its data field stays empty: the password comes when the server asks)."""
    return encode_authen_start(
        action=AuthenAction.LOGIN, priv_lvl=priv_lvl, authen_type=AuthenType.ASCII, service=AuthenService.LOGIN,
        user=user, port=port, rem_addr=rem_addr,
    )  # fmt: skip


def _continue_body(answer: str | None) -> bytes | None:
    """The CONTINUE carrying ``answer``, or None to abort (the user gave up, or the answer cannot be carried)."""
    if answer is None:
        return None
    try:
        return encode_authen_continue(answer)
    except ValueError:
        return None


async def authenticate_ascii(
    server: TacacsServer,
    user: str,
    converse: Converse,
    *,
    port: str = "tty0",
    rem_addr: str = "",
    priv_lvl: int = 1,
    max_rounds: int = 16,
    traffic: Traffic | None = None,
) -> AuthenResult:
    """ASCII login: START with ``user`` (may be "": the server then asks for it), then answer each GETUSER /
    GETPASS / GETDATA prompt through ``converse`` — which is how ChPass ("Your password has expired") works.

    A user who gives up (``converse`` returns None), more than ``max_rounds`` prompts, or an answer too long for
    the protocol abort the session (CONTINUE with ABORT) and give FAIL: the server did answer, so asking another
    server would be wrong. A user name longer than 255 bytes is a FAIL without asking any server.
    """
    try:
        start = _start(user, port, rem_addr, priv_lvl)
    except ValueError as exc:
        return AuthenResult(AuthenStatus.FAIL, str(exc))
    async with _Session(server, PacketType.AUTHEN, VERSION_DEFAULT, traffic) as session:
        reply = await session.exchange(start, decode_authen_reply)
        prompts = 0
        while reply.status in _PROMPTS:
            echo = not reply.flags & REPLY_FLAG_NOECHO
            answer = await converse(reply.server_msg, echo) if prompts < max_rounds else None
            prompts += 1
            body = _continue_body(answer)
            if body is None:
                await session.send(encode_authen_continue(abort=True))
                return AuthenResult(AuthenStatus.FAIL, "Authentication aborted")
            reply = await session.exchange(body, decode_authen_reply)
        return _verdict(session, reply)


# -------------------------------------------------------------------------------------------- authorization

_AV = re.compile(r"([^=*]*)([=*])(.*)", re.DOTALL)


@dataclass(frozen=True, slots=True)
class AuthorResult:
    passed: bool  # PASS_ADD or PASS_REPL
    args: tuple[str, ...]  # the server's AV pairs, e.g. ("priv-lvl=15",) (for PASS_REPL, the replacement set)
    server_msg: str = ""

    def value(self, attr: str) -> str | None:
        """The value of the first ``attr=value`` (mandatory) or ``attr*value`` (optional) pair, else None."""
        for arg in self.args:
            match = _AV.fullmatch(arg)
            if match is not None and match.group(1) == attr:
                return match.group(3)
        return None


async def authorize(
    server: TacacsServer,
    user: str,
    args: Sequence[str],
    *,
    port: str = "tty0",
    rem_addr: str = "",
    authen_method: int = AuthenMethod.TACACSPLUS,
    priv_lvl: int = 1,
    traffic: Traffic | None = None,
) -> AuthorResult:
    """One authorization REQUEST, e.g. ``args=("service=shell", "cmd=")`` for exec authorization.

    FAIL gives ``passed=False``; ERROR, FOLLOW and anything malformed raise TacacsError. ValueError for
    arguments the protocol cannot carry (more than 255, or one longer than 255 bytes).
    """
    request = Request(authen_method, priv_lvl, AuthenType.ASCII, AuthenService.LOGIN, user, port, rem_addr, tuple(args))
    body = encode_author_request(request)
    async with _Session(server, PacketType.AUTHOR, VERSION_DEFAULT, traffic) as session:
        response = await session.exchange(body, decode_author_response)
    if response.status in (AuthorStatus.PASS_ADD, AuthorStatus.PASS_REPL):
        return AuthorResult(True, response.args, response.server_msg)
    if response.status == AuthorStatus.FAIL:
        return AuthorResult(False, response.args, response.server_msg)
    raise session.fail(f"authorization status {_status_name(AuthorStatus, response.status)} {response.server_msg!r}")


# ----------------------------------------------------------------------------------------------- accounting


async def account(
    server: TacacsServer,
    user: str,
    *,
    start: bool,
    args: Sequence[str],
    port: str = "tty0",
    rem_addr: str = "",
    priv_lvl: int = 1,
    traffic: Traffic | None = None,
) -> None:
    """One accounting record, START or STOP, e.g. ``args=("task_id=5", "timezone=UTC", "service=shell",
    "start_time=...")``. Returns once the server answered SUCCESS; ERROR, FOLLOW or no reply raise TacacsError."""
    request = Request(
        AuthenMethod.TACACSPLUS, priv_lvl, AuthenType.ASCII, AuthenService.LOGIN, user, port, rem_addr, tuple(args)
    )
    body = encode_acct_request(AcctFlag.START if start else AcctFlag.STOP, request)
    async with _Session(server, PacketType.ACCT, VERSION_DEFAULT, traffic) as session:
        reply = await session.exchange(body, decode_acct_reply)
    if reply.status != AcctStatus.SUCCESS:
        raise session.fail(f"accounting status {_status_name(AcctStatus, reply.status)} {reply.server_msg!r}")
