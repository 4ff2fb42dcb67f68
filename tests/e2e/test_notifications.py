"""RFC 5277 notifications and the RFC 6470 events, end to end: ncclient (and a raw base:1.0 client) against the
real agent process. A subscribed session sees the commits, session starts and ends of the other sessions."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncssh
import pytest
from agents import ADMIN_PASSWORD, ADMIN_USER, uniq
from framing import EOM
from lxml import etree
from namespaces import IOS, NC, NCN, NETMOD, NOTIF, native
from ncclient.operations.rpc import RPCError
from notification_client import nothing, take

from iosxe_agent.yang.loader import ietf_module_dir

N = {"n": NOTIF, "nm": NETMOD, "ncn": NCN, "ios": IOS, "nc": NC}
YANG = Path(__file__).resolve().parents[2] / "yang"
#: a subtree filter with two top-level nodes (ncclient takes a list for that)
SESSION_EVENTS = [f'<netconf-session-start xmlns="{NCN}"/>', f'<netconf-session-end xmlns="{NCN}"/>']


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="microseconds")


def name(msg: etree._Element) -> str:
    return etree.QName(msg[1]).localname


def event(msg: etree._Element) -> etree._Element:
    return msg[1]


def change_by(session_id: str) -> Callable[[etree._Element], bool]:
    def pred(msg: etree._Element) -> bool:
        return (
            name(msg) == "netconf-config-change"
            and event(msg).findtext("ncn:changed-by/ncn:session-id", namespaces=N) == session_id
        )

    return pred


def session_event(kind: str, session_id: str) -> Callable[[etree._Element], bool]:
    def pred(msg: etree._Element) -> bool:
        return name(msg) == f"netconf-session-{kind}" and event(msg).findtext("ncn:session-id", namespaces=N) == str(
            session_id
        )

    return pred


def edits(msg: etree._Element) -> list[tuple[str, str]]:
    return [
        (e.findtext("ncn:target", namespaces=N) or "", e.findtext("ncn:operation", namespaces=N) or "")
        for e in event(msg).iterfind("ncn:edit", N)
    ]


def running(m) -> etree._Element:
    return etree.fromstring(m.get_config("running").xml.encode()).find("nc:data", N)


def resolve(msg: etree._Element, target: str, data: etree._Element) -> list[etree._Element]:
    """The nodes an edit's instance-identifier names in ``data``, with the prefixes declared on ``<target>``."""
    el = next(e for e in event(msg).iterfind("ncn:edit/ncn:target", N) if e.text == target)
    nsmap = {p: ns for p, ns in el.nsmap.items() if p}
    return data.xpath("." + target, namespaces=nsmap)


@pytest.fixture
def sessions(agent):
    """Open ncclient sessions on demand; close whatever is still open at the end."""
    opened = []

    def connect():
        m = agent.connect()
        opened.append(m)
        return m

    yield connect
    for m in opened:
        if m.connected:
            with contextlib.suppress(Exception):
                m.close_session()


# -- netconf-config-change ------------------------------------------------------------------------------------------
def test_hello_offers_notification_and_interleave(sessions) -> None:
    caps = set(sessions().server_capabilities)
    assert "urn:ietf:params:netconf:capability:notification:1.0" in caps
    assert "urn:ietf:params:netconf:capability:interleave:1.0" in caps
    assert f"{NCN}?module=ietf-netconf-notifications&revision=2012-02-06" in caps
    # RFC 5277's own modules are not announced: a 17.12 box has neither (create-subscription is served anyway)
    assert not any("module=notifications&" in c or "module=nc-notifications&" in c for c in caps)


def test_an_edit_by_another_session_reaches_the_subscriber(sessions) -> None:
    a, b = sessions(), sessions()
    a.create_subscription()
    user, host = uniq("nu"), uniq("R")
    b.edit_config(target="running", config=native(f"<hostname>{host}</hostname><username><name>{user}</name>"
                                                  "<privilege>1</privilege></username>"))  # fmt: skip
    msg = take(a, change_by(b.session_id))
    ev = event(msg)
    assert ev.findtext("ncn:changed-by/ncn:username", namespaces=N) == ADMIN_USER
    assert ev.findtext("ncn:changed-by/ncn:source-host", namespaces=N) == "127.0.0.1"
    assert ev.findtext("ncn:datastore", namespaces=N) == "running"
    user_path = f"/ios:native/ios:username[ios:name='{user}']"
    assert edits(msg) == [("/ios:native/ios:hostname", "replace"), (user_path, "create")]
    data = running(a)
    assert [e.text for e in resolve(msg, "/ios:native/ios:hostname", data)] == [host]
    assert [e.findtext("ios:name", namespaces=N) for e in resolve(msg, user_path, data)] == [user]

    b.edit_config(target="running", config=native(f'<username nc:operation="delete"><name>{user}</name></username>'))
    assert edits(take(a, change_by(b.session_id))) == [(user_path, "delete")]
    b.edit_config(target="running", config=native(f"<username><name>{user}</name><privilege>2</privilege></username>"))
    assert edits(take(a, change_by(b.session_id))) == [(user_path, "create")]
    b.edit_config(target="running", config=native(f"<username><name>{user}</name><privilege>3</privilege></username>"))
    assert edits(take(a, change_by(b.session_id))) == [(f"{user_path}/ios:privilege", "replace")]


def test_a_candidate_commit_notifies_on_commit_only(sessions) -> None:
    a, b = sessions(), sessions()
    a.create_subscription()
    user = uniq("cu")
    b.edit_config(
        target="candidate", config=native(f"<username><name>{user}</name><privilege>1</privilege></username>")
    )
    nothing(a, change_by(b.session_id))  # the candidate is not a notified datastore
    b.commit()
    msg = take(a, change_by(b.session_id))
    assert event(msg).findtext("ncn:changed-by/ncn:username", namespaces=N) == ADMIN_USER
    assert edits(msg) == [(f"/ios:native/ios:username[ios:name='{user}']", "create")]


def test_the_config_change_validates_with_yanglint(sessions, tmp_path: Path) -> None:
    yanglint = shutil.which("yanglint")
    if yanglint is None:
        pytest.skip("yanglint is not installed")
    a, b = sessions(), sessions()
    a.create_subscription()
    b.edit_config(target="running", config=native(f"<username><name>{uniq('y')}</name></username>"))
    msg = take(a, change_by(b.session_id))
    (tmp_path / "n.xml").write_bytes(etree.tostring(msg))
    (tmp_path / "op.xml").write_bytes(b"".join(etree.tostring(c) for c in running(a)))
    ietf = ietf_module_dir()
    assert ietf is not None
    proc = subprocess.run(
        [yanglint, "-p", str(YANG), "-p", str(ietf), "-t", "nc-notif", "-O", str(tmp_path / "op.xml"),
         str(YANG / "Cisco-IOS-XE-native.yang"), str(YANG / "Cisco-IOS-XE-aaa.yang"),
         str(ietf / "ietf-netconf-notifications.yang"), str(tmp_path / "n.xml")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_interleave_rpcs_keep_working_while_subscribed(sessions) -> None:
    a, b = sessions(), sessions()
    a.create_subscription()
    assert running(a).find("ios:native", N) is not None
    user = uniq("iu")
    a.edit_config(target="running", config=native(f"<username><name>{user}</name></username>"))
    own = take(a, change_by(a.session_id))  # a subscriber also sees its own commits
    assert edits(own) == [(f"/ios:native/ios:username[ios:name='{user}']", "create")]
    b.edit_config(target="running", config=native(f'<username nc:operation="delete"><name>{user}</name></username>'))
    take(a, change_by(b.session_id))
    assert running(a).find(f"ios:native/ios:username[ios:name='{user}']", N) is None


# -- session start / end ---------------------------------------------------------------------------------------------
def test_session_start_and_end_with_killed_by(sessions) -> None:
    a = sessions()
    a.create_subscription(filter=SESSION_EVENTS)
    c = sessions()
    start = event(take(a, session_event("start", c.session_id)))
    assert start.findtext("ncn:username", namespaces=N) == ADMIN_USER
    assert start.findtext("ncn:source-host", namespaces=N) == "127.0.0.1"
    b = sessions()
    b.kill_session(c.session_id)
    end = event(take(a, session_event("end", c.session_id)))
    assert end.findtext("ncn:termination-reason", namespaces=N) == "killed"
    assert end.findtext("ncn:killed-by", namespaces=N) == b.session_id
    b.close_session()
    end = event(take(a, session_event("end", b.session_id)))
    assert end.findtext("ncn:termination-reason", namespaces=N) == "closed"
    assert end.find("ncn:killed-by", N) is None


def test_a_dropped_connection_ends_with_dropped(sessions) -> None:
    a = sessions()
    a.create_subscription(filter=SESSION_EVENTS)
    d = sessions()
    d._session.close()  # the transport goes away without <close-session>
    end = event(take(a, session_event("end", d.session_id)))
    assert end.findtext("ncn:termination-reason", namespaces=N) == "dropped"


# -- replay ------------------------------------------------------------------------------------------------------------
def test_replay_returns_past_events_then_replay_complete(sessions) -> None:
    b = sessions()
    t0 = datetime.now(UTC) - timedelta(milliseconds=50)
    user = uniq("ru")
    b.edit_config(target="running", config=native(f"<username><name>{user}</name></username>"))
    time.sleep(0.05)
    t1 = datetime.now(UTC)
    time.sleep(0.05)
    target = (f"/ios:native/ios:username[ios:name='{user}']", "create")

    d = sessions()
    d.create_subscription(start_time=iso(t0))
    past = take(d, change_by(b.session_id))
    assert edits(past) == [target]
    assert t0 <= datetime.fromisoformat(past.findtext("n:eventTime", namespaces=N) or "") <= t1
    take(d, lambda m: name(m) == "replayComplete")

    e = sessions()
    e.create_subscription(start_time=iso(t0), stop_time=iso(t1))
    got = []
    while not got or name(got[-1]) != "notificationComplete":
        got.append(take(e))
    assert [name(m) for m in got][-2:] == ["replayComplete", "notificationComplete"]
    assert [edits(m) for m in got if change_by(b.session_id)(m)] == [[target]]
    assert all(t0 <= datetime.fromisoformat(m.findtext("n:eventTime", namespaces=N) or "") <= t1 for m in got[:-2])
    e.create_subscription()  # the subscription is over: the session may subscribe again


def test_stop_time_in_the_future_ends_the_subscription_then(sessions) -> None:
    b, f = sessions(), sessions()
    stop = datetime.now(UTC) + timedelta(seconds=3)
    f.create_subscription(start_time=iso(datetime.now(UTC)), stop_time=iso(stop))
    take(f, lambda m: name(m) == "replayComplete")
    b.edit_config(target="running", config=native(f"<username><name>{uniq('su')}</name></username>"))
    take(f, change_by(b.session_id))
    done = take(f, lambda m: name(m) == "notificationComplete", timeout=10)
    assert datetime.fromisoformat(done.findtext("n:eventTime", namespaces=N) or "") >= stop
    b.edit_config(target="running", config=native(f"<username><name>{uniq('su')}</name></username>"))
    nothing(f, change_by(b.session_id))


# -- filters -----------------------------------------------------------------------------------------------------------
def test_subtree_filter_on_notifications(sessions) -> None:
    a, b, c = sessions(), sessions(), sessions()
    flt = (f'<netconf-config-change xmlns="{NCN}"><changed-by><session-id>{b.session_id}</session-id></changed-by>'
           "</netconf-config-change>")  # fmt: skip
    a.create_subscription(filter=("subtree", flt))
    c.edit_config(target="running", config=native(f"<username><name>{uniq('fc')}</name></username>"))
    b.edit_config(target="running", config=native(f"<username><name>{uniq('fb')}</name></username>"))
    msg = take(a)  # the first thing delivered is b's change: c's change and the session events were filtered out
    assert change_by(b.session_id)(msg)
    sessions().close_session()
    nothing(a)


def test_xpath_filter_on_notifications(sessions) -> None:
    a, b = sessions(), sessions()
    a.create_subscription(filter=("xpath", ({"ncn": NCN}, "/ncn:netconf-session-end")))
    b.edit_config(target="running", config=native(f"<username><name>{uniq('x')}</name></username>"))
    c = sessions()
    c.close_session()
    msg = take(a)
    assert session_event("end", c.session_id)(msg)


# -- errors and state --------------------------------------------------------------------------------------------------
def error_tag(exc: pytest.ExceptionInfo[RPCError]) -> str:
    return exc.value.tag


def test_create_subscription_errors(sessions) -> None:
    a = sessions()
    with pytest.raises(RPCError) as exc:
        a.create_subscription(stream_name="SNMP")
    assert error_tag(exc) == "invalid-value"
    with pytest.raises(RPCError) as exc:
        a.create_subscription(start_time=iso(datetime.now(UTC) + timedelta(hours=1)))
    assert error_tag(exc) == "bad-element"
    stop_only = (
        f'<create-subscription xmlns="{NOTIF}"><stopTime>{iso(datetime.now(UTC))}</stopTime></create-subscription>'
    )
    with pytest.raises(RPCError) as exc:
        a.dispatch(etree.fromstring(stop_only))
    assert error_tag(exc) == "missing-element"
    a.create_subscription()
    with pytest.raises(RPCError) as exc:
        a.create_subscription()
    assert error_tag(exc) == "operation-failed"


def test_streams_are_state_data(sessions) -> None:
    a = sessions()
    reply = a.get(filter=("subtree", f'<netconf xmlns="{NETMOD}"/>'))
    data = etree.fromstring(reply.xml.encode())
    stream = data.find("nc:data/nm:netconf/nm:streams/nm:stream", N)
    assert stream is not None
    assert stream.findtext("nm:name", namespaces=N) == "NETCONF"
    assert stream.findtext("nm:replaySupport", namespaces=N) == "true"
    assert stream.findtext("nm:replayLogCreationTime", namespaces=N)


# -- a raw base:1.0 client: end-of-message framing, bad hello ---------------------------------------------------------
HELLO_10 = (
    f'<?xml version="1.0" encoding="UTF-8"?><hello xmlns="{NC}"><capabilities>'
    "<capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>"
).encode() + EOM


async def _read_message(reader: asyncssh.SSHReader[bytes], buf: bytearray) -> bytes:
    while EOM not in buf:
        data = await asyncio.wait_for(reader.read(65536), 15)
        if not data:
            raise EOFError("the server closed the channel")
        buf += data
    end = buf.index(EOM)
    msg = bytes(buf[:end])
    del buf[: end + len(EOM)]
    return msg


async def _raw(agent, hello: bytes, *, subscribe_then: Callable[[], None] | None = None) -> list[bytes]:
    """Connect, send ``hello``; if ``subscribe_then`` is given, subscribe, call it and return the next message."""
    async with asyncssh.connect(
        agent.host, agent.netconf_port, username=ADMIN_USER, password=ADMIN_PASSWORD, known_hosts=None
    ) as conn:
        writer, reader, _ = await conn.open_session(subsystem="netconf", encoding=None)
        buf = bytearray()
        server_hello = await _read_message(reader, buf)
        writer.write(hello)
        if subscribe_then is None:
            await asyncio.wait_for(reader.read(), 15)  # the server closes a bad hello
            return [server_hello]
        writer.write(f'<rpc xmlns="{NC}" message-id="1"><create-subscription xmlns="{NOTIF}"/></rpc>'.encode() + EOM)
        reply = await _read_message(reader, buf)
        await asyncio.get_running_loop().run_in_executor(None, subscribe_then)
        while True:  # other tests' sessions may still be ending: their session-end events come first
            note = await _read_message(reader, buf)
            if name(etree.fromstring(note)) not in ("netconf-session-start", "netconf-session-end"):
                return [server_hello, reply, note]


def test_base10_session_receives_eom_framed_notifications(agent, sessions) -> None:
    b = sessions()
    user = uniq("eom")
    _, reply, note = asyncio.run(
        _raw(
            agent,
            HELLO_10,
            subscribe_then=lambda: b.edit_config(
                target="running", config=native(f"<username><name>{user}</name></username>")
            ),
        )
    )
    assert etree.fromstring(reply).find("nc:ok", N) is not None
    msg = etree.fromstring(note)
    assert note.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert name(msg) == "netconf-config-change"
    assert edits(msg) == [(f"/ios:native/ios:username[ios:name='{user}']", "create")]


def test_a_bad_hello_ends_with_bad_hello(agent, sessions) -> None:
    a = sessions()
    a.create_subscription(filter=SESSION_EVENTS)
    bad = f'<hello xmlns="{NC}"><capabilities><capability>urn:x</capability></capabilities></hello>'.encode() + EOM
    (server_hello,) = asyncio.run(_raw(agent, bad))
    sid = etree.fromstring(server_hello).findtext("nc:session-id", namespaces=N)
    take(a, session_event("start", sid))
    end = event(take(a, session_event("end", sid)))
    assert end.findtext("ncn:termination-reason", namespaces=N) == "bad-hello"
