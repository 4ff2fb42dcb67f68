"""The agent's TACACS+ client (iosxe_agent/device/aaa/tacacs.py) against the in-repo RFC 8907 peer and misbehaving
servers, plus its pure codec.

The peer (tests/peers/tacacs_server.py, itself validated by two third-party clients) runs in this test's event
loop; the misbehaving servers are raw asyncio listeners on loopback.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import socket
import struct
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from tacacs_plus.packet import TACACSHeader, crypt

from iosxe_agent.device.aaa.tacacs import (
    AuthenResult,
    AuthenStatus,
    AuthorResult,
    Header,
    TacacsError,
    TacacsServer,
    account,
    authenticate_ascii,
    authorize,
    decode_acct_reply,
    decode_authen_reply,
    decode_author_response,
    encode_authen_continue,
    encode_authen_start,
    encode_packet,
    obfuscate,
    pseudo_pad,
)

KEY = "s3cret"


class Peer:
    """A running in-process peer and what a test reads back from it."""

    def __init__(self, server: Any, workdir: Path) -> None:
        self.server = server
        self.workdir = workdir

    def at(self, key: str = KEY, timeout: float = 5.0) -> TacacsServer:
        return TacacsServer("T1", "127.0.0.1", self.server.port, key, timeout)

    def records(self, name: str) -> list[dict[str, Any]]:
        path = self.workdir / name
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    def config(self) -> dict[str, Any]:
        return json.loads((self.workdir / "tacacs.json").read_text())


async def _start_peer(module: ModuleType, workdir: Path, key: str) -> Peer:
    server = module.TacacsPeer(module.write_config(workdir, key, module.SAMPLE_USERS))
    await server.start()
    return Peer(server, workdir)


@pytest.fixture
async def peer(tmp_path: Path, peers: Callable[[str], ModuleType]) -> AsyncIterator[Peer]:
    running = await _start_peer(peers("tacacs_server"), tmp_path, KEY)
    try:
        yield running
    finally:
        await running.server.stop()


class Script:
    """A scripted user: answers prompts in order, recording (prompt, echo) pairs; None in the script = give up."""

    def __init__(self, *answers: str | None) -> None:
        self.answers = list(answers)
        self.prompts: list[tuple[str, bool]] = []

    async def __call__(self, prompt: str, echo: bool) -> str | None:
        self.prompts.append((prompt, echo))
        assert self.answers, f"unexpected prompt {prompt!r}"
        return self.answers.pop(0)


# ----------------------------------------------------------------------------------------------- codec


def test_pseudo_pad_known_answer() -> None:
    """RFC 8907 §4.5 computed by hand with hashlib: MD5_1 = MD5(session_id|key|version|seq_no), MD5_2 = ...|MD5_1."""
    session_id, key, version, seq_no = 0x01020304, b"s3cret", 0xC0, 1
    seed = bytes([1, 2, 3, 4]) + key + bytes([version, seq_no])
    md5_1 = hashlib.md5(seed).digest()
    md5_2 = hashlib.md5(seed + md5_1).digest()
    md5_3 = hashlib.md5(seed + md5_2).digest()
    assert pseudo_pad(session_id, key, version, seq_no, 40) == (md5_1 + md5_2 + md5_3)[:40]
    assert pseudo_pad(session_id, key, version, seq_no, 0) == b""


def test_obfuscation_matches_a_third_party_implementation() -> None:
    """PyPI tacacs_plus's own crypt() over a three-block body gives the same bytes."""
    body = bytes(range(40))
    theirs = crypt(TACACSHeader(0xC1, 2, 0xCAFEF00D, len(body), seq_no=5), body, "s3cret")
    assert obfuscate(body, session_id=0xCAFEF00D, key=b"s3cret", version=0xC1, seq_no=5) == theirs


def test_obfuscation_round_trip() -> None:
    body = encode_authen_start(
        action=1, priv_lvl=15, authen_type=1, service=1, user="alice", port="tty0", rem_addr="10.0.0.1"
    )
    hidden = obfuscate(body, session_id=7, key=b"k", version=0xC0, seq_no=1)
    assert hidden != body and len(hidden) == len(body)
    assert obfuscate(hidden, session_id=7, key=b"k", version=0xC0, seq_no=1) == body
    assert obfuscate(hidden, session_id=7, key=b"other", version=0xC0, seq_no=1) != body


def test_start_and_continue_layout() -> None:
    body = encode_authen_start(action=1, priv_lvl=15, authen_type=2, service=1, user="al", port="p", rem_addr="")
    assert body == bytes([1, 15, 2, 1, 2, 1, 0, 0]) + b"alp"
    assert encode_authen_continue("pw") == struct.pack("!HHB", 2, 0, 0) + b"pw"
    assert encode_authen_continue(abort=True) == struct.pack("!HHB", 0, 0, 1)
    with pytest.raises(ValueError, match="user"):
        encode_authen_start(action=1, priv_lvl=1, authen_type=1, service=1, user="u" * 256, port="", rem_addr="")


def test_header_round_trip() -> None:
    header = Header(0xC1, 1, 3, 0, 0xDEADBEEF, 42)
    assert Header.unpack(header.pack()) == header
    assert header.pack() == bytes([0xC1, 1, 3, 0, 0xDE, 0xAD, 0xBE, 0xEF, 0, 0, 0, 42])


def test_decoders_reject_bodies_that_do_not_add_up() -> None:
    reply = struct.pack("!BBHH", 1, 0, 3, 0) + b"hi!"
    assert decode_authen_reply(reply).server_msg == "hi!"
    for broken in (reply[:-1], reply + b"x", b"\x01"):
        with pytest.raises(TacacsError, match="malformed"):
            decode_authen_reply(broken)
    response = struct.pack("!BBHH", 1, 2, 0, 0) + bytes([10, 3]) + b"priv-lvl=7" + b"a*b"
    assert decode_author_response(response).args == ("priv-lvl=7", "a*b")
    with pytest.raises(TacacsError):
        decode_author_response(response[:-1])
    assert decode_acct_reply(struct.pack("!HHB", 2, 0, 1) + b"ok").status == 1
    with pytest.raises(TacacsError):
        decode_acct_reply(struct.pack("!HHB", 2, 0, 1))


def test_author_result_value() -> None:
    result = AuthorResult(True, ("service=shell", "priv-lvl*15", "autocmd=show users=1", "noval"))
    assert result.value("priv-lvl") == "15"
    assert result.value("autocmd") == "show users=1"
    assert result.value("service") == "shell"
    assert result.value("noval") is None
    assert result.value("missing") is None


def test_server_repr_hides_the_key() -> None:
    assert KEY not in repr(TacacsServer("T1", "127.0.0.1", 49, KEY))


# ---------------------------------------------------------------------------------------- authentication


async def test_ascii_login_pass_and_fail(peer: Peer) -> None:
    user = Script("alice-pw")
    result = await authenticate_ascii(peer.at(), "alice", user, port="tty2", rem_addr="192.0.2.9")
    assert result.status is AuthenStatus.PASS
    assert user.prompts == [("Password: ", False)]  # GETPASS carries NOECHO
    result = await authenticate_ascii(peer.at(), "alice", Script("wrong"))
    assert result == AuthenResult(AuthenStatus.FAIL, "Authentication failed")
    result = await authenticate_ascii(peer.at(), "nobody", Script("alice-pw"))
    assert result.status is AuthenStatus.FAIL
    outcomes = [(r["user"], r["type"], r["result"]) for r in peer.records("authen.jsonl")]
    assert outcomes == [("alice", "ascii", "pass"), ("alice", "ascii", "fail"), ("nobody", "ascii", "fail")]


async def test_ascii_login_without_user_answers_getuser(peer: Peer) -> None:
    user = Script("bob", "bob-pw")
    result = await authenticate_ascii(peer.at(), "", user)
    assert result.status is AuthenStatus.PASS
    assert user.prompts == [("Username: ", True), ("Password: ", False)]
    assert peer.records("authen.jsonl")[0]["user"] == "bob"


async def test_chpass_conversation_with_a_mismatch(peer: Peer) -> None:
    """The IOS ChPass dialogue of the configuration guide: mismatch, try again, then the password is changed."""
    user = Script("carol-pw", "cisco", "cisco12", "n3w-pw", "n3w-pw")
    result = await authenticate_ascii(peer.at(), "carol", user)
    assert result.status is AuthenStatus.PASS
    assert user.prompts == [
        ("Password: ", False),
        ("Your password has expired.\nEnter a new one now.\nNew Password: ", False),
        ("Re-enter New password: ", False),
        ("The New and Re-entered passwords have to be the same.\nTry again.\nNew Password: ", False),
        ("Re-enter New password: ", False),
    ]
    carol = peer.config()["users"]["carol"]
    assert carol["password"] == "n3w-pw" and carol["expired"] is False
    assert (await authenticate_ascii(peer.at(), "carol", Script("n3w-pw"))).status is AuthenStatus.PASS
    assert (await authenticate_ascii(peer.at(), "carol", Script("carol-pw"))).status is AuthenStatus.FAIL
    assert peer.records("authen.jsonl")[0]["password_changed"] is True
    assert "n3w-pw" not in (peer.workdir / "authen.jsonl").read_text()


async def test_abort_gives_fail_and_changes_nothing(peer: Peer, peers: Callable[[str], ModuleType]) -> None:
    user = Script("carol-pw", None)
    result = await authenticate_ascii(peer.at(), "carol", user)
    assert result.status is AuthenStatus.FAIL
    assert len(user.prompts) == 2
    assert peer.config()["users"]["carol"] == peers("tacacs_server").SAMPLE_USERS["carol"]
    await _until(lambda: peer.records("authen.jsonl") != [])
    assert [r["result"] for r in peer.records("authen.jsonl")] == ["abort"]


async def test_time_a_user_takes_is_not_charged_to_the_timeout(peer: Peer) -> None:
    """The timeout bounds the server, not the person typing: a 1.5 s answer with a 1 s timeout still logs in."""

    async def slow_user(prompt: str, echo: bool) -> str:
        await asyncio.sleep(1.5)
        return "alice-pw"

    result = await authenticate_ascii(peer.at(timeout=1.0), "alice", slow_user)
    assert result.status is AuthenStatus.PASS


async def test_too_many_prompts_aborts(peer: Peer) -> None:
    """An endless mismatch loop ends after max_rounds prompts with FAIL, not with another server."""
    user = Script("carol-pw", *[f"x{i}" for i in range(10)])
    result = await authenticate_ascii(peer.at(), "carol", user, max_rounds=5)
    assert result.status is AuthenStatus.FAIL
    assert len(user.prompts) == 5


# ------------------------------------------------------------------------------- authorization, accounting


async def test_authorize_priv_lvl_and_fail(peer: Peer) -> None:
    alice = await authorize(peer.at(), "alice", ("service=shell", "cmd="))
    assert alice.passed and alice.value("priv-lvl") == "15"
    bob = await authorize(peer.at(), "bob", ("service=shell", "cmd="))
    assert bob.passed and bob.args == ("priv-lvl=1", "autocmd=show users")
    assert not (await authorize(peer.at(), "mallory", ("service=shell", "cmd="))).passed
    assert not (await authorize(peer.at(), "nobody", ("service=shell", "cmd="))).passed


async def test_accounting_start_and_stop(peer: Peer) -> None:
    start = ("task_id=5", "timezone=UTC", "service=shell", "start_time=1700000000")
    stop = ("task_id=5", "timezone=UTC", "service=shell", "stop_time=1700000060", "elapsed_time=60")
    await account(peer.at(), "alice", start=True, args=start, port="tty2", rem_addr="192.0.2.9")
    await account(peer.at(), "alice", start=False, args=stop, port="tty2", rem_addr="192.0.2.9")
    records = peer.records("acct.jsonl")
    assert [(r["user"], r["flags"], tuple(r["args"])) for r in records] == [
        ("alice", "start", start),
        ("alice", "stop", stop),
    ]
    assert {(r["port"], r["rem_addr"]) for r in records} == {("tty2", "192.0.2.9")}


async def test_unencrypted_when_both_sides_have_no_key(tmp_path: Path, peers: Callable[[str], ModuleType]) -> None:
    plain = await _start_peer(peers("tacacs_server"), tmp_path, "")
    try:
        assert (await authenticate_ascii(plain.at(key=""), "alice", Script("alice-pw"))).status is AuthenStatus.PASS
        assert (await authorize(plain.at(key=""), "alice", ("service=shell",))).value("priv-lvl") == "15"
        with pytest.raises(TacacsError):  # a key the server does not share
            await authenticate_ascii(plain.at(key=KEY), "alice", Script("alice-pw"))
    finally:
        await plain.server.stop()


# ------------------------------------------------------------------------------------------------ failures


async def test_wrong_key_is_an_error(peer: Peer) -> None:
    for attempt in (
        authenticate_ascii(peer.at(key="wrong"), "alice", Script("alice-pw")),
        authorize(peer.at(key="wrong"), "alice", ("service=shell",)),
        account(peer.at(key="wrong"), "alice", start=True, args=("task_id=1",)),
    ):
        with pytest.raises(TacacsError, match="T1"):
            await attempt
    with pytest.raises(TacacsError):  # a client without key talking to a server with one
        await authenticate_ascii(peer.at(key=""), "alice", Script("alice-pw"))
    assert peer.records("authen.jsonl") == [] and peer.records("acct.jsonl") == []


async def test_nothing_listening_fails_fast() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(TacacsError, match="T1"):
        await authenticate_ascii(TacacsServer("T1", "127.0.0.1", port, KEY, 5.0), "alice", Script("alice-pw"))
    assert time.monotonic() - started < 1.0


async def test_silent_server_times_out() -> None:
    """A server that accepts the connection and reads but never answers: TacacsError within the timeout."""

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # until the client hangs up
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    target = TacacsServer("T1", "127.0.0.1", server.sockets[0].getsockname()[1], KEY, 1.0)
    try:
        for attempt in (
            authenticate_ascii(target, "alice", Script("alice-pw")),
            authorize(target, "alice", ("service=shell",)),
        ):
            started = time.monotonic()
            with pytest.raises(TacacsError, match="no answer within 1 s"):
                await attempt
            assert time.monotonic() - started < target.timeout + 0.5
    finally:
        server.close()
        await server.wait_closed()


async def _answer_once(body: bytes, attempt: Callable[[TacacsServer], Awaitable[object]]) -> object:
    """Run ``attempt`` against a server whose one reply is ``body`` (properly numbered and obfuscated)."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = Header.unpack(await reader.readexactly(12))
        await reader.readexactly(request.length)
        header = Header(request.version, request.type, 2, request.flags, request.session_id, len(body))
        writer.write(encode_packet(header, body, KEY.encode()))
        await writer.drain()
        await reader.read()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    try:
        return await attempt(TacacsServer("T1", "127.0.0.1", server.sockets[0].getsockname()[1], KEY, 2.0))
    finally:
        server.close()
        await server.wait_closed()


@pytest.mark.parametrize("status", [0x06, 0x07, 0x21, 0x99])  # RESTART, ERROR, FOLLOW, unknown
async def test_authentication_statuses_without_a_verdict_are_errors(status: int) -> None:
    body = struct.pack("!BBHH", status, 0, 4, 0) + b"nope"
    with pytest.raises(TacacsError, match="nope"):
        await _answer_once(body, lambda target: authenticate_ascii(target, "alice", Script()))


@pytest.mark.parametrize("status", [0x11, 0x21])  # ERROR, FOLLOW
async def test_authorization_error_and_follow_are_errors(status: int) -> None:
    body = struct.pack("!BBHH", status, 0, 0, 0)
    with pytest.raises(TacacsError, match="authorization status"):
        await _answer_once(body, lambda target: authorize(target, "alice", ("service=shell",)))


@pytest.mark.parametrize("status", [0x02, 0x21])  # ERROR, FOLLOW
async def test_accounting_error_and_follow_are_errors(status: int) -> None:
    body = struct.pack("!HHB", 0, 0, status)
    with pytest.raises(TacacsError, match="accounting status"):
        await _answer_once(body, lambda target: account(target, "alice", start=True, args=("task_id=1",)))


async def test_undecodable_reply_names_the_server() -> None:
    with pytest.raises(TacacsError, match=r"T1 .*malformed authentication REPLY"):
        await _answer_once(b"\x01\x00\x00\x09", lambda target: authenticate_ascii(target, "alice", Script()))


def _oversized(h: Header) -> Header:
    return Header(h.version, h.type, 2, h.flags, h.session_id, 16 << 20)


def _other_session(h: Header) -> Header:
    return Header(h.version, h.type, 2, h.flags, h.session_id ^ 1, 0)


def _skipped_seq_no(h: Header) -> Header:
    return Header(h.version, h.type, 3, h.flags, h.session_id, 0)


def _other_version(h: Header) -> Header:
    return Header(0xC1, h.type, 2, h.flags, h.session_id, 0)


def _unencrypted(h: Header) -> Header:
    return Header(h.version, h.type, 2, h.flags | 0x01, h.session_id, 0)


@pytest.mark.parametrize(
    ("reply", "why"),
    [
        (_oversized, "exceeds"),
        (_other_session, "another session"),
        (_skipped_seq_no, "sequence number 3, expected 2"),
        (_other_version, "version 0xc1"),
        (_unencrypted, "obfuscation"),
    ],
)
async def test_foreign_or_oversized_reply_headers_are_errors(reply: Callable[[Header], Header], why: str) -> None:
    """A reply header that does not fit the request is refused before any body is read."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        header = Header.unpack(await reader.readexactly(12))
        await reader.readexactly(header.length)
        writer.write(reply(header).pack())
        await writer.drain()
        await reader.read()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    target = TacacsServer("T1", "127.0.0.1", server.sockets[0].getsockname()[1], KEY, 2.0)
    try:
        with pytest.raises(TacacsError, match=why):
            await authorize(target, "alice", ("service=shell",))
    finally:
        server.close()
        await server.wait_closed()


async def _until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)
