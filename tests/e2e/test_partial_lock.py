"""Partial lock (RFC 5717) against the real agent, with ncclient."""

from __future__ import annotations

import time
import uuid

import pytest
from lxml import etree
from namespaces import IOS, NC, PL, native
from ncclient.operations.rpc import RPCError

NS = {"nc": NC, "ios": IOS, "pl": PL}


def partial_lock(m, *selects: str) -> etree._Element:
    body = "".join(f"<select>{s}</select>" for s in selects)
    reply = m.dispatch(etree.fromstring(f'<partial-lock xmlns="{PL}" xmlns:ios="{IOS}">{body}</partial-lock>'))
    return etree.fromstring(reply.xml.encode())


def partial_unlock(m, lock_id: str) -> None:
    m.dispatch(etree.fromstring(f'<partial-unlock xmlns="{PL}"><lock-id>{lock_id}</lock-id></partial-unlock>'))


def user(name: str, privilege: int = 1) -> str:
    return f"<username><name>{name}</name><privilege>{privilege}</privilege></username>"


def test_partial_lock_is_offered(agent) -> None:
    m = agent.connect()
    try:
        assert "urn:ietf:params:netconf:capability:partial-lock:1.0" in m.server_capabilities
    finally:
        m.close_session()


def test_partial_lock_protects_the_selected_nodes_from_other_sessions(agent) -> None:
    a, b = agent.connect(), agent.connect()
    name = f"pl{uuid.uuid4().hex[:6]}"
    try:
        a.edit_config(target="running", config=native(user(name)))
        reply = partial_lock(a, f"/ios:native/ios:username[ios:name='{name}']")
        lock_id = reply.findtext("pl:lock-id", namespaces=NS)
        assert lock_id is not None and lock_id.isdigit()
        nodes = reply.findall("pl:locked-node", NS)
        assert [n.text for n in nodes] == [f"/ios:native/ios:username[ios:name='{name}']"]
        assert nodes[0].nsmap.get("ios") == IOS  # the instance-identifier's prefix resolves

        with pytest.raises(RPCError) as exc:
            b.edit_config(target="running", config=native(user(name, 5)))
        assert exc.value.tag == "in-use"
        assert f"<session-id>{a.session_id}</session-id>" in (exc.value.info or "")
        with pytest.raises(RPCError) as exc:  # through the candidate as well
            b.edit_config(target="candidate", config=native(user(name, 5)))
            b.commit()
        assert exc.value.tag == "in-use"
        b.discard_changes()
        b.edit_config(target="running", config=native(user(name + "x")))  # other entries stay writable
        a.edit_config(target="running", config=native(user(name, 2)))  # the holder may write

        with pytest.raises(RPCError) as exc:
            b.lock("running")
        assert exc.value.tag == "lock-denied"
        with pytest.raises(RPCError) as exc:
            partial_lock(b, "/ios:native/ios:username")
        assert exc.value.tag == "lock-denied"
        assert f"<session-id>{a.session_id}</session-id>" in (exc.value.info or "")
        with pytest.raises(RPCError) as exc:
            partial_unlock(b, lock_id)
        assert exc.value.tag == "invalid-value"

        partial_unlock(a, lock_id)
        b.edit_config(target="running", config=native(user(name, 7)))
    finally:
        a.close_session()
        b.close_session()


def test_a_global_lock_blocks_partial_locks(agent) -> None:
    a, b = agent.connect(), agent.connect()
    try:
        a.lock("running")
        with pytest.raises(RPCError) as exc:
            partial_lock(b, "/ios:native/ios:hostname")
        assert exc.value.tag == "lock-denied"
        partial_lock(a, "/ios:native/ios:hostname")  # the holder of the global lock may
    finally:
        a.close_session()
        b.close_session()


def test_partial_locks_go_with_their_session(agent) -> None:
    a, b = agent.connect(), agent.connect()
    try:
        partial_lock(a, "/ios:native/ios:ip/ios:domain")
        a.close_session()
        deadline = time.monotonic() + 10
        while True:
            try:
                b.lock("running")
                break
            except RPCError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        b.unlock("running")
    finally:
        b.close_session()


def test_bad_selects(agent) -> None:
    m = agent.connect()
    try:
        with pytest.raises(RPCError) as exc:
            partial_lock(m, "/ios:native/ios:no-such-node")
        assert exc.value.tag == "operation-failed" and exc.value.app_tag == "no-matches"
        with pytest.raises(RPCError) as exc:
            partial_lock(m, "/ios:native/[")
        assert exc.value.tag == "invalid-value"
        with pytest.raises(RPCError) as exc:
            partial_lock(m, "count(/ios:native)")
        assert exc.value.tag == "invalid-value" and exc.value.app_tag == "not-a-node-set"
        with pytest.raises(RPCError) as exc:
            m.dispatch(etree.fromstring(f'<partial-lock xmlns="{PL}"/>'))
        assert exc.value.tag == "missing-element"
        with pytest.raises(RPCError) as exc:
            partial_unlock(m, "abc")
        assert exc.value.tag == "invalid-value"
    finally:
        m.close_session()
