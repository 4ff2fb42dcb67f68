"""Confirmed commit (RFC 6241 §8.4, ``--netconf-extensions`` only) against the real agent, with ncclient, and the
device SSH service following the revert (asyncssh)."""

from __future__ import annotations

import asyncio
import time

import asyncssh
import pytest
from agents import ADMIN_PASSWORD
from lxml import etree
from namespaces import IOS, NC, NCN, native
from ncclient.operations.rpc import RPCError
from waiting import until

NS = {"nc": NC, "ios": IOS, "ncn": NCN}
EXT = "--netconf-extensions"
CONFIRMED_CAP = "urn:ietf:params:netconf:capability:confirmed-commit:1.1"
AES256_ONLY = "<ip><ssh><server><algorithm><encryption><aes256-ctr/></encryption></algorithm></server></ssh></ip>"


def hostname(m) -> str | None:
    flt = f'<native xmlns="{IOS}"><hostname/></native>'
    root = etree.fromstring(m.get_config("running", filter=("subtree", flt)).xml.encode())
    return root.findtext(".//ios:hostname", namespaces=NS)


def encryption(m) -> list[str]:
    flt = f'<native xmlns="{IOS}"><ip><ssh><server/></ssh></ip></native>'
    root = etree.fromstring(m.get_config("running", filter=("subtree", flt)).xml.encode())
    enc = root.find(".//ios:server/ios:algorithm/ios:encryption", NS)
    return [] if enc is None else [etree.QName(c).localname for c in enc]


def stage(m, body: str) -> None:
    m.edit_config(target="candidate", config=native(body))


def raw(m, xml: str):
    return m.dispatch(etree.fromstring(xml))


async def ssh_cipher(port: int, cipher: str) -> str:
    async with asyncssh.connect(
        "127.0.0.1",
        port,
        username="admin",
        password=ADMIN_PASSWORD,
        known_hosts=None,
        client_keys=None,
        preferred_auth="password",
        encryption_algs=[cipher],
    ) as conn:
        result = await conn.run("show privilege", timeout=20)
        return str(result.stdout)


def ssh_works(port: int, cipher: str) -> bool:
    try:
        return "privilege level is 15" in asyncio.run(ssh_cipher(port, cipher))
    except (asyncssh.Error, OSError):
        return False


# -- without the extensions: what a 17.12 box does -----------------------------------------------------------------
def test_by_default_confirmed_commit_is_unknown_and_not_offered(agent) -> None:
    m = agent.connect()
    try:
        assert not any(":confirmed-commit" in c for c in m.server_capabilities)
        with pytest.raises(RPCError) as exc:
            raw(m, f'<commit xmlns="{NC}"><confirmed/><confirm-timeout>5</confirm-timeout></commit>')
        assert exc.value.tag == "unknown-element"
        assert "<bad-element>confirmed</bad-element>" in (exc.value.info or "")
        with pytest.raises(RPCError) as exc:
            raw(m, f'<cancel-commit xmlns="{NC}"/>')
        assert exc.value.tag == "operation-not-supported"
        m.commit()  # a plain commit still works
    finally:
        m.close_session()


# -- the timer -----------------------------------------------------------------------------------------------------
def test_unconfirmed_commit_rolls_back_running_and_the_live_ssh_service(fresh_agent) -> None:
    agent = fresh_agent(EXT)
    m = agent.connect()
    try:
        assert CONFIRMED_CAP in m.server_capabilities
        assert ssh_works(agent.ssh_port, "aes128-ctr")
        stage(m, AES256_ONLY)
        m.commit(confirmed=True, timeout="6")
        started = time.monotonic()
        # during the wait the SSH server speaks only aes256-ctr
        assert until(lambda: not ssh_works(agent.ssh_port, "aes128-ctr"), 4)
        assert ssh_works(agent.ssh_port, "aes256-ctr")  # the server is up: aes128-ctr alone is refused
        assert encryption(m) == ["aes256-ctr"]  # a get during the wait does not cancel anything
        m.get()
        assert time.monotonic() - started < 6, "the checks took longer than the confirm timeout"
        # not confirmed: running and the SSH service go back
        agent.wait_for_output(r"confirmed-commit not confirmed within 6s")
        assert until(lambda: encryption(m) == [], 20)
        assert until(lambda: ssh_works(agent.ssh_port, "aes128-ctr"), 10)
    finally:
        m.close_session()


def test_follow_up_confirmed_commit_extends_and_keeps_the_original_backup(fresh_agent) -> None:
    agent = fresh_agent(EXT)
    m = agent.connect()
    try:
        original = hostname(m)
        stage(m, "<hostname>First</hostname>")
        m.commit(confirmed=True, timeout="2")
        first_deadline = time.monotonic() + 2
        stage(m, "<hostname>Second</hostname>")
        m.commit(confirmed=True, timeout="5")
        time.sleep(max(0.0, first_deadline - time.monotonic()) + 0.5)  # nothing announces a timer that did not fire
        assert hostname(m) == "Second"
        agent.wait_for_output(r"confirmed-commit not confirmed within 5s")
        assert until(lambda: hostname(m) == original, 15)  # not "First"
    finally:
        m.close_session()


def test_a_failed_confirmed_commit_arms_nothing(fresh_agent) -> None:
    agent = fresh_agent(EXT)
    m = agent.connect()
    try:
        hashes = "".join(
            f"<key-hash><key-type>ssh-rsa</key-type><key-hash-value>{i:032X}</key-hash-value></key-hash>"
            for i in range(3)
        )
        # test-option set skips validation, so the candidate can hold what a commit must refuse
        m.edit_config(
            target="candidate",
            config=native(
                f"<ip><ssh><pubkey-chain><username><name>u</name>{hashes}</username></pubkey-chain></ssh></ip>"
            ),
            test_option="set",
        )
        with pytest.raises(RPCError):
            m.commit(confirmed=True, timeout="2")
        m.discard_changes()
        with pytest.raises(RPCError) as exc:
            m.cancel_commit()
        assert exc.value.tag == "invalid-value"  # nothing is pending
    finally:
        m.close_session()


# -- sessions ------------------------------------------------------------------------------------------------------
def test_session_close_without_persist_rolls_back(fresh_agent) -> None:
    agent = fresh_agent(EXT)
    a, b = agent.connect(), agent.connect()
    try:
        original = hostname(b)
        stage(a, "<hostname>Closing</hostname>")
        a.commit(confirmed=True)  # the default 600 s
        assert hostname(b) == "Closing"
        with pytest.raises(RPCError) as exc:
            b.commit()  # only the issuing session may confirm
        assert exc.value.tag == "operation-failed"
        a.close_session()
        assert until(lambda: hostname(b) == original, 10)
    finally:
        b.close_session()


def test_confirming_from_another_session_with_persist_id(fresh_agent) -> None:
    agent = fresh_agent(EXT)
    a = agent.connect()
    stage(a, "<hostname>Persisted</hostname>")
    a.commit(confirmed=True, timeout="4", persist="tok-42")
    deadline = time.monotonic() + 4
    closed = a.session_id
    a.close_session()  # a persistent confirmed commit survives its session
    b = agent.connect()
    try:
        agent.wait_for_output(rf"NETCONF session {closed} closed")
        assert hostname(b) == "Persisted"
        with pytest.raises(RPCError) as exc:
            b.commit(persist_id="wrong")
        assert exc.value.tag == "invalid-value"
        with pytest.raises(RPCError) as exc:
            b.commit()
        assert exc.value.tag == "invalid-value"
        b.commit(persist_id="tok-42")
        time.sleep(max(0.0, deadline - time.monotonic()) + 0.5)  # past the timeout: confirmed, so it stays
        assert hostname(b) == "Persisted"
    finally:
        b.close_session()


def test_cancel_commit(fresh_agent) -> None:
    agent = fresh_agent(EXT)
    a, b = agent.connect(), agent.connect()
    try:
        original = hostname(a)
        stage(a, "<hostname>Cancelled</hostname>")
        a.commit(confirmed=True)
        with pytest.raises(RPCError) as exc:
            b.cancel_commit()
        assert exc.value.tag == "operation-failed"
        a.cancel_commit()
        assert hostname(a) == original
        # a persistent one, cancelled from another session after its own session is gone
        stage(a, "<hostname>Orphan</hostname>")
        a.commit(confirmed=True, persist="p-1")
        a.close_session()
        assert hostname(b) == "Orphan"
        with pytest.raises(RPCError) as exc:
            b.cancel_commit(persist_id="p-2")
        assert exc.value.tag == "invalid-value"
        b.cancel_commit(persist_id="p-1")
        assert hostname(b) == original
    finally:
        b.close_session()


def test_confirmed_commit_notifications(fresh_agent) -> None:
    agent = fresh_agent(EXT)
    watcher, m = agent.connect(), agent.connect()
    try:
        watcher.create_subscription()
        stage(m, "<hostname>Noted</hostname>")
        m.commit(confirmed=True, timeout="2")
        events: list[tuple[str, str | None]] = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and ("timeout", None) not in events:
            n = watcher.take_notification(block=True, timeout=2)
            if n is None:
                continue
            root = etree.fromstring(n.notification_xml.encode())
            ev = root.find("ncn:netconf-confirmed-commit", NS)
            if ev is not None:
                events.append(
                    (ev.findtext("ncn:confirm-event", namespaces=NS) or "", ev.findtext("ncn:timeout", namespaces=NS))
                )
        assert events[:2] == [("start", "2"), ("timeout", None)]
    finally:
        m.close_session()
        watcher.close_session()


def test_a_restart_never_keeps_an_unconfirmed_commit(fresh_agent) -> None:
    agent = fresh_agent(EXT, "--persist-running")
    m = agent.connect()
    original = hostname(m)
    stage(m, "<hostname>Unconfirmed</hostname>")
    m.commit(confirmed=True, persist="survives-the-session")
    m.close_session()
    assert agent.stop() == 0
    agent.start()
    restarted = len(agent.output)
    m = agent.connect()
    try:
        assert hostname(m) == original
        with pytest.raises(RPCError):
            m.commit(persist_id="survives-the-session")  # nothing is pending after the restart
    finally:
        m.close_session()
    # everything before the last session's end is in the log (session ids start again after the restart)
    agent.wait_for_output(rf"NETCONF session {m.session_id} closed", after=restarted)
    assert "Traceback" not in agent.log_text()
