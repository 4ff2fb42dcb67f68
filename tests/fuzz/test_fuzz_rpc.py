"""Fuzzing the RPC parser and dispatcher of a real device, in-process: schema-shaped requests of every base
operation with broken parameters, then byte mutations of them. Whatever arrives, the session answers with a
well-formed ``<rpc-reply>`` whose errors carry RFC 6241 error-tags (never the catch-all "internal error" that
means an exception escaped a handler), or with an error and a close for a message it cannot parse."""

from __future__ import annotations

import asyncio
import tracemalloc
from types import ModuleType

from capture_transport import Capture
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from namespaces import NC

from iosxe_agent.netconf.errors import ErrorTag
from iosxe_agent.netconf.session import BASE_10, BASE_11, NetconfSession
from iosxe_agent.router import Device

FUZZ = settings.get_profile("iosxe-fuzz")
TAGS = {t.value for t in ErrorTag}


def _session(device: Device, caps: tuple[str, ...]) -> tuple[NetconfSession, Capture]:
    """A session past its hello, as the NETCONF server would make it (and release it when it ends)."""
    services = device.services

    def ended(session: NetconfSession) -> None:
        services.sessions.remove(session.session_id)
        services.stores.session_ended(session.session_id)

    transport = Capture()
    session = NetconfSession(
        session_id=services.sessions.allocate(),
        user="admin",
        services=services,
        transport=transport,
        client_capabilities=caps,
        on_close=ended,
    )
    services.sessions.add(session)
    return session, transport


def _assert_proper(reply: etree._Element) -> None:
    assert reply.tag == f"{{{NC}}}rpc-reply", etree.tostring(reply)
    etree.fromstring(etree.tostring(reply))  # serializes and parses back
    for err in reply.iter(f"{{{NC}}}rpc-error"):
        assert err.findtext(f"{{{NC}}}error-tag") in TAGS
        message = err.findtext(f"{{{NC}}}error-message") or ""
        assert "internal error" not in message, etree.tostring(reply).decode()


def _run(loop: asyncio.AbstractEventLoop, device: Device, messages: list[bytes], caps: tuple[str, ...]) -> None:
    session, transport = _session(device, caps)
    try:
        for msg in messages:
            reply = loop.run_until_complete(asyncio.wait_for(session.handle_message(msg), 30))
            if reply is None:  # unparseable: an error was sent and the session closes
                assert transport.closed and b"rpc-error" in transport.sent
                break
            _assert_proper(reply)
            for action in session.after_reply:
                result = action()
                if result is not None:
                    loop.run_until_complete(asyncio.wait_for(result, 30))
            session.after_reply.clear()
    finally:
        session.connection_lost()
    for datastore in ("running", "candidate", "startup"):  # a session that ended holds nothing
        holder = device.stores.locks.holder(datastore)
        assert holder is None or holder.session_id != session.session_id


def _rpc_bytes(op: etree._Element, message_id: str | None) -> bytes:
    rpc = etree.Element(f"{{{NC}}}rpc", nsmap={None: NC})
    if message_id is not None:
        rpc.set("message-id", message_id)
    rpc.append(op)
    return etree.tostring(rpc)


@settings(FUZZ, max_examples=int(1.5 * FUZZ.max_examples))
@given(data=st.data())
def test_rpcs(loop: asyncio.AbstractEventLoop, device: Device, gen: ModuleType, data: st.DataObject) -> None:
    schema = device.services.schema
    ops = data.draw(st.lists(gen.rpc_operation(schema), min_size=1, max_size=4))
    ids = st.one_of(st.none(), st.sampled_from(["1", "101", "", "x y"]))
    messages = [_rpc_bytes(op, data.draw(ids)) for op in ops]
    if data.draw(st.integers(0, 3)) == 0:
        messages[-1] = gen.mutate(messages[-1], data.draw(gen.BYTE_EDITS))
    caps = data.draw(st.sampled_from([(BASE_10,), (BASE_11,), (BASE_10, BASE_11)]))
    _run(loop, device, messages, caps)


@settings(FUZZ, max_examples=3 * FUZZ.max_examples)
@given(st.binary(max_size=200))
def test_arbitrary_bytes(loop: asyncio.AbstractEventLoop, device: Device, raw: bytes) -> None:
    _run(loop, device, [raw], (BASE_11,))


def test_hostile_documents_are_refused_in_bounded_memory(loop: asyncio.AbstractEventLoop, device: Device) -> None:
    """Entity expansion, external entities and deep nesting: refused before they cost memory."""
    laughs = b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "' + b"A" * 1000 + b'">'
    for i in range(1, 10):
        laughs += b'<!ENTITY a%d "%s">' % (i, (b"&a%d;" % (i - 1) if i > 1 else b"&a;") * 10)
    laughs += b']><rpc message-id="1" xmlns="' + NC.encode() + b'"><get><filter>&a9;</filter></get></rpc>'
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<rpc message-id="2" xmlns="' + NC.encode() + b'"><get><filter>&x;</filter></get></rpc>'
    )
    dtd = b'<!DOCTYPE r SYSTEM "http://127.0.0.1:9/evil.dtd"><rpc message-id="3" xmlns="' + NC.encode() + b'"/>'
    deep = b'<rpc message-id="4" xmlns="' + NC.encode() + b'">' + b"<a>" * 5000 + b"</a>" * 5000 + b"</rpc>"
    tracemalloc.start()
    try:
        for doc in (laughs, xxe, dtd, deep):
            session, transport = _session(device, (BASE_11,))
            assert loop.run_until_complete(session.handle_message(doc)) is None
            assert transport.closed and b"malformed-message" in transport.sent
            assert b"root:" not in transport.sent  # nothing of /etc/passwd
            session.connection_lost()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024, f"peak {peak} bytes"
