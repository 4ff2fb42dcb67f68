"""The notification bus (RFC 5277) and the RFC 6470 events, without a network: event shapes checked by yanglint,
the replay window, filters, create-subscription's errors, slow subscribers and backpressure."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from iosxe_agent.datastore.store import RUNNING, StorePaths, Stores
from iosxe_agent.datastore.transaction import SYSTEM, Face, Origin, Transaction
from iosxe_agent.device.names import MODULES, NATIVE_NS
from iosxe_agent.limits import Limits
from iosxe_agent.netconf.faults import RpcFault
from iosxe_agent.netconf.notifications import (
    NCN_NS,
    NETMOD_NOTIFICATION_NS,
    NOTIFICATION_NS,
    EventFilter,
    NotificationBus,
    confirmed_commit_event,
    format_time,
    parse_time,
    session_end_event,
    session_start_event,
)
from iosxe_agent.netconf.operations import subscription
from iosxe_agent.netconf.registry import Registry, RpcContext
from iosxe_agent.netconf.xmlio import NC_NS
from iosxe_agent.yang.loader import default_search_path, ietf_module_dir, load_schema
from iosxe_agent.yang.schema import Schema

ROOT = Path(__file__).resolve().parents[2]
YANG = ROOT / "yang"
N = {"n": NOTIFICATION_NS, "ncn": NCN_NS, "nm": NETMOD_NOTIFICATION_NS, "ios": NATIVE_NS}
BOOT = "<hostname>Router</hostname><username><name>admin</name><privilege>15</privilege></username>"


@cache
def schema() -> Schema:
    return load_schema(default_search_path(YANG), MODULES)


def cfg(body: str) -> etree._Element:
    return etree.fromstring(f'<config xmlns="{NC_NS}"><native xmlns="{NATIVE_NS}">{body}</native></config>')


# -- test doubles of the session side ---------------------------------------------------------------------------------
@dataclass
class FakeTransport:
    backlog: int = 0
    closed: bool = False

    def write_buffer_size(self) -> int:
        return self.backlog


@dataclass
class Stats:
    out_notifications: int = 0


@dataclass(eq=False)
class FakeSession:
    """What the bus and the handler use of a NetconfSession."""

    session_id: int
    user: str = "alice"
    source_host: str | None = "127.0.2.7"
    transport: FakeTransport = field(default_factory=FakeTransport)
    stats: Stats = field(default_factory=Stats)
    sent: list[etree._Element] = field(default_factory=list)
    after_reply: list[Callable[[], Any]] = field(default_factory=list)
    termination_reason: str = "dropped"
    killed_by: int | None = None

    @property
    def is_closed(self) -> bool:
        return self.transport.closed

    def send(self, el: etree._Element) -> None:
        if not self.is_closed:
            self.sent.append(etree.fromstring(etree.tostring(el)))

    def close(self, reason: str = "other", killed_by: int | None = None) -> None:
        if not self.transport.closed:
            self.termination_reason, self.killed_by = reason, killed_by
        self.transport.closed = True

    def names(self) -> list[str]:
        return [etree.QName(m[1]).localname for m in self.sent]


class Clock:
    """A settable clock in microseconds."""

    def __init__(self, start: int = 1_700_000_000_000_000) -> None:
        self.now = start

    def __call__(self) -> int:
        return self.now


def marker(name: str) -> etree._Element:
    return etree.Element(f"{{{NCN_NS}}}{name}")


async def drain(session: FakeSession, count: int, timeout: float = 5.0) -> None:
    """Let the subscription's task run until ``session`` has received ``count`` messages."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while len(session.sent) < count:
        assert loop.time() < deadline, f"only {session.names()} arrived"
        await asyncio.sleep(0.01)


# -- yanglint, the independent oracle -----------------------------------------------------------------------------
YANGLINT = shutil.which("yanglint")


def yanglint_notif(tmp_path: Path, message: etree._Element, operational: etree._Element | None = None) -> None:
    """Validate a complete ``<notification>`` with ``yanglint -t nc-notif`` (instance-identifiers against the
    ``operational`` data tree, since ietf-netconf-notifications' targets require their instance)."""
    if YANGLINT is None:
        pytest.skip("yanglint is not installed")
    ietf = ietf_module_dir()
    assert ietf is not None
    msg = tmp_path / "notif.xml"
    msg.write_bytes(etree.tostring(message))
    cmd = [YANGLINT, "-p", str(YANG), "-p", str(ietf), "-t", "nc-notif"]
    if operational is not None:
        op = tmp_path / "operational.xml"
        op.write_bytes(b"".join(etree.tostring(c) for c in operational))
        cmd += ["-O", str(op)]
    cmd += [
        str(YANG / "Cisco-IOS-XE-native.yang"),
        str(YANG / "Cisco-IOS-XE-aaa.yang"),
        str(ietf / "ietf-netconf-notifications.yang"),
        str(YANG / "nc-notifications.yang"),
        str(msg),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr + etree.tostring(message).decode()


# -- times --------------------------------------------------------------------------------------------------------
def test_date_and_time_round_trip_is_exact() -> None:
    us = 1_700_000_000_123_456
    text = format_time(us)
    assert text == "2023-11-14T22:13:20.123456+00:00"
    assert parse_time(text) == us
    assert parse_time("2023-11-14T22:13:20.123456Z") == us
    assert parse_time("2023-11-15T00:13:20.1234567+02:00") == us  # finer fractions are truncated
    assert parse_time("2023-11-14T22:13:20Z") == us - 123_456


@pytest.mark.parametrize("bad", ["", "2023-11-14", "2023-11-14T22:13:20", "2023-13-01T00:00:00Z", "yesterday"])
def test_bad_date_and_time_is_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_time(bad)


# -- event shapes -------------------------------------------------------------------------------------------------
async def committed(edits: list[str], origin: Origin) -> tuple[Stores, list[Transaction]]:
    stores = Stores(schema(), Limits(), StorePaths(None, None))
    stores.load(lambda: cfg(BOOT))
    txns: list[Transaction] = []
    stores.listen(txns.append)
    for body in edits:
        await stores.edit(RUNNING, cfg(body), origin)
    return stores, txns


def edits_of(message: etree._Element) -> list[tuple[str | None, str | None]]:
    return [
        (e.findtext("ncn:target", namespaces=N), e.findtext("ncn:operation", namespaces=N))
        for e in message.iterfind("ncn:netconf-config-change/ncn:edit", N)
    ]


async def test_config_change_has_one_edit_per_change_with_resolvable_targets(tmp_path: Path) -> None:
    origin = Origin(session_id=7, user="bob", face=Face.NETCONF, source_host="127.0.2.1")
    stores, txns = await committed(["<hostname>R2</hostname><username><name>carol</name></username>"], origin)
    bus = NotificationBus(Limits())
    bus.on_commit(txns[0])
    msg = bus.log[-1].message
    ev = msg.find("ncn:netconf-config-change", N)
    assert ev is not None
    assert ev.findtext("ncn:changed-by/ncn:username", namespaces=N) == "bob"
    assert ev.findtext("ncn:changed-by/ncn:session-id", namespaces=N) == "7"
    assert ev.findtext("ncn:changed-by/ncn:source-host", namespaces=N) == "127.0.2.1"
    assert ev.findtext("ncn:datastore", namespaces=N) == "running"
    assert edits_of(msg) == [
        ("/ios:native/ios:hostname", "replace"),
        ("/ios:native/ios:username[ios:name='carol']", "create"),
    ]
    for target in ev.iterfind("ncn:edit/ncn:target", N):
        assert target.nsmap["ios"] == NATIVE_NS  # the prefixes of the instance-identifier are declared
    yanglint_notif(tmp_path, msg, stores.running)


async def test_config_change_reports_deletes_and_validates_against_the_old_tree(tmp_path: Path) -> None:
    delete = f'<username xmlns:nc="{NC_NS}" nc:operation="delete"><name>carol</name></username>'
    _, txns = await committed(
        ["<username><name>carol</name></username>", delete],
        Origin(session_id=3, user="bob", face=Face.NETCONF, source_host="10.0.0.1"),
    )
    bus = NotificationBus(Limits())
    bus.on_commit(txns[1])
    assert edits_of(bus.log[-1].message) == [("/ios:native/ios:username[ios:name='carol']", "delete")]
    yanglint_notif(tmp_path, bus.log[-1].message, txns[1].old)


async def test_system_changes_are_changed_by_the_server(tmp_path: Path) -> None:
    stores, txns = await committed(["<hostname>R3</hostname>"], SYSTEM)
    bus = NotificationBus(Limits())
    bus.on_commit(txns[0])
    changed_by = bus.log[-1].message.find("ncn:netconf-config-change/ncn:changed-by", N)
    assert changed_by is not None and [etree.QName(c).localname for c in changed_by] == ["server"]
    yanglint_notif(tmp_path, bus.log[-1].message, stores.running)


async def test_cli_changes_carry_their_session_and_omit_a_non_ip_source_host() -> None:
    _, txns = await committed(
        ["<hostname>R4</hostname>"], Origin(session_id=5, user="carol", face=Face.CLI, source_host="console")
    )
    bus = NotificationBus(Limits())
    bus.on_commit(txns[0])
    changed_by = bus.log[-1].message.find("ncn:netconf-config-change/ncn:changed-by", N)
    assert changed_by is not None
    assert [(etree.QName(c).localname, c.text) for c in changed_by] == [("username", "carol"), ("session-id", "5")]


async def test_a_commit_without_changes_publishes_nothing() -> None:
    stores, _ = await committed([], Origin(session_id=1, user="a", face=Face.NETCONF))
    bus = NotificationBus(Limits())
    stores.listen(bus.on_commit)
    before = len(bus.log)
    await stores.commit(Origin(session_id=1, user="a", face=Face.NETCONF))  # candidate == running
    assert len(bus.log) == before


@pytest.mark.parametrize(
    ("event", "children"),
    [
        (session_start_event("alice", 4, "127.0.2.9"), ["username", "session-id", "source-host"]),
        (session_start_event("alice", 4, "not-an-ip"), ["username", "session-id"]),
        (
            session_end_event("alice", 4, "::1", "killed", killed_by=2),
            ["username", "session-id", "source-host", "killed-by", "termination-reason"],
        ),
        (session_end_event("alice", 4, None, "closed", killed_by=2), ["username", "session-id", "termination-reason"]),
        (session_end_event("alice", 4, None, "bad-hello"), ["username", "session-id", "termination-reason"]),
        (
            confirmed_commit_event("start", user="alice", session_id=4, source_host="127.0.2.9", timeout=600),
            ["username", "session-id", "source-host", "confirm-event", "timeout"],
        ),
        (confirmed_commit_event("timeout", timeout=600), ["confirm-event"]),
        (confirmed_commit_event("complete", user="alice", session_id=4), ["username", "session-id", "confirm-event"]),
    ],
)
def test_session_and_confirmed_commit_events_are_valid(
    tmp_path: Path, event: etree._Element, children: list[str]
) -> None:
    assert [etree.QName(c).localname for c in event] == children
    bus = NotificationBus(Limits())
    yanglint_notif(tmp_path, bus.publish(event).message)


def test_event_builders_refuse_unknown_values() -> None:
    with pytest.raises(ValueError):
        session_end_event("a", 1, None, "exploded")
    with pytest.raises(ValueError):
        confirmed_commit_event("maybe")
    with pytest.raises(ValueError):
        confirmed_commit_event("start")  # needs the session


def test_streams_state_and_markers_are_valid(tmp_path: Path) -> None:
    clock = Clock()
    bus = NotificationBus(Limits(max_replay_events=2), clock)
    (state,) = bus.streams_state()
    assert state.findtext("nm:streams/nm:stream/nm:name", namespaces=N) == "NETCONF"
    assert state.findtext("nm:streams/nm:stream/nm:replaySupport", namespaces=N) == "true"
    assert state.find("nm:streams/nm:stream/nm:replayLogAgedTime", N) is None
    for i in range(3):
        clock.now += 1
        bus.publish(session_start_event("a", i + 1, None))
    (state,) = bus.streams_state()
    assert state.findtext("nm:streams/nm:stream/nm:replayLogAgedTime", namespaces=N) == format_time(clock.now - 2)
    if YANGLINT is None:
        pytest.skip("yanglint is not installed")
    data = tmp_path / "state.xml"
    data.write_bytes(etree.tostring(state))
    proc = subprocess.run(
        [YANGLINT, "-p", str(YANG), "-p", str(ietf_module_dir()), "-t", "data", str(YANG / "nc-notifications.yang"),
         str(data)], capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr


# -- replay log and the replay window ------------------------------------------------------------------------------
def test_the_replay_log_is_bounded_and_in_time_order() -> None:
    clock = Clock()
    bus = NotificationBus(Limits(max_replay_events=3), clock)
    for i in range(5):
        clock.now += 10
        bus.publish(session_start_event("a", i + 1, None))
    assert [e.body.findtext("ncn:session-id", namespaces=N) for e in bus.log] == ["3", "4", "5"]
    assert bus.aged_us == clock.now - 30  # the newest event that fell out
    clock.now -= 1000  # the wall clock stepped back: the log stays ordered
    assert bus.publish(session_start_event("a", 6, None)).time_us == bus.log[-2].time_us


async def test_replay_between_start_and_stop_then_replay_and_notification_complete() -> None:
    clock = Clock()
    bus = NotificationBus(Limits(), clock)
    times = []
    for i in range(5):
        clock.now += 1_000_000
        times.append(bus.publish(session_start_event("a", i + 1, None)).time_us)
    s = FakeSession(9)
    sub = bus.subscribe(s, None, times[1], times[3])
    assert s.sent == []  # nothing before start(): the <ok/> goes first
    sub.start()
    await drain(s, 5)
    assert s.names() == ["netconf-session-start"] * 3 + ["replayComplete", "notificationComplete"]
    assert [m.findtext("n:eventTime", namespaces=N) for m in s.sent[:3]] == [format_time(t) for t in times[1:4]]
    assert not bus.subscribed(9)  # over: the session may subscribe again
    assert s.stats.out_notifications == 5


async def test_replay_from_before_the_log_starts_at_the_oldest_event_then_goes_live() -> None:
    clock = Clock()
    bus = NotificationBus(Limits(max_replay_events=2), clock)
    for i in range(4):
        clock.now += 1
        bus.publish(session_start_event("a", i + 1, None))
    s = FakeSession(9)
    bus.subscribe(s, None, 0, None).start()
    await drain(s, 3)
    assert [m[1].findtext("ncn:session-id", namespaces=N) for m in s.sent[:2]] == ["3", "4"]
    assert s.names()[2] == "replayComplete"
    clock.now += 1
    bus.publish(session_start_event("a", 5, None))
    await drain(s, 4)
    assert s.sent[3][1].findtext("ncn:session-id", namespaces=N) == "5"
    assert bus.subscribed(9)


async def test_live_subscription_without_replay_sends_no_replay_complete() -> None:
    bus = NotificationBus(Limits())
    bus.publish(session_start_event("a", 1, None))  # before the subscription: not sent
    s = FakeSession(9)
    bus.subscribe(s).start()
    bus.publish(session_start_event("a", 2, None))
    await drain(s, 1)
    await asyncio.sleep(0.05)
    assert s.names() == ["netconf-session-start"]
    assert s.sent[0][1].findtext("ncn:session-id", namespaces=N) == "2"


async def test_stop_time_in_the_future_ends_the_subscription_when_it_comes() -> None:
    bus = NotificationBus(Limits())
    s = FakeSession(9)
    now = bus.clock()
    bus.subscribe(s, None, now - 1, now + 300_000).start()
    await drain(s, 1)
    assert s.names() == ["replayComplete"]
    bus.publish(session_start_event("a", 2, None))
    await drain(s, 3, timeout=5)
    assert s.names() == ["replayComplete", "netconf-session-start", "notificationComplete"]
    assert not bus.subscribed(9)


async def test_events_published_before_start_are_queued_not_lost() -> None:
    bus = NotificationBus(Limits())
    s = FakeSession(9)
    sub = bus.subscribe(s)
    bus.publish(session_start_event("a", 2, None))
    sub.start()
    await drain(s, 1)


# -- filters ---------------------------------------------------------------------------------------------------------
def filt(body: str, **attrs: str) -> etree._Element:
    el = etree.fromstring(f'<filter xmlns="{NC_NS}" xmlns:ncn="{NCN_NS}">{body}</filter>')
    for k, v in attrs.items():
        el.set(k, v)
    return el


START = NotificationBus().publish(session_start_event("alice", 1, "127.0.2.1")).message
END = NotificationBus().publish(session_end_event("bob", 2, None, "killed", 1)).message


@pytest.mark.parametrize(
    ("flt", "start", "end"),
    [
        (filt(f'<netconf-session-end xmlns="{NCN_NS}"/>'), False, True),
        (
            filt(f'<netconf-session-start xmlns="{NCN_NS}"><username>alice</username></netconf-session-start>'),
            True,
            False,
        ),
        (
            filt(f'<netconf-session-start xmlns="{NCN_NS}"><username>bob</username></netconf-session-start>'),
            False,
            False,
        ),
        (filt('<netconf-session-start xmlns=""/>'), True, False),  # no namespace: any (the IOS XE leniency)
        (filt(""), False, False),  # an empty filter selects nothing (RFC 6241 §6.4.2)
        (filt("", type="xpath", select="/ncn:netconf-session-end[ncn:killed-by=1]"), False, True),
        (filt("", type="xpath", select="//ncn:username = 'alice'"), True, False),
        (filt("", type="xpath", select="/ncn:netconf-config-change"), False, False),
    ],
)
def test_filters_select_whole_events(flt: etree._Element, start: bool, end: bool) -> None:
    f = EventFilter(flt)
    assert (f(START), f(END)) == (start, end)


# -- create-subscription ----------------------------------------------------------------------------------------------
def rpc(body: str = "") -> tuple[etree._Element, etree._Element]:
    root = etree.fromstring(
        f'<rpc xmlns="{NC_NS}" message-id="1"><create-subscription xmlns="{NOTIFICATION_NS}">{body}'
        "</create-subscription></rpc>"
    )
    return root, root[0]


async def call(bus: NotificationBus, session: FakeSession, body: str = "") -> None:
    registry = Registry()
    subscription.register(registry, bus)
    root, op = rpc(body)
    handler = registry.lookup(op.tag)
    assert handler is not None
    await handler(RpcContext(session, None, root), op)  # type: ignore[arg-type]


def test_registering_offers_notification_and_interleave() -> None:
    registry = Registry()
    subscription.register(registry, NotificationBus())
    assert registry.capabilities == [
        "urn:ietf:params:netconf:capability:notification:1.0",
        "urn:ietf:params:netconf:capability:interleave:1.0",
    ]


async def test_create_subscription_starts_after_the_reply() -> None:
    bus = NotificationBus()
    s = FakeSession(5)
    await call(bus, s, f'<stream>NETCONF</stream><filter xmlns="{NC_NS}" type="subtree"><netconf-session-start '
                       f'xmlns="{NCN_NS}"/></filter>')  # fmt: skip
    assert bus.subscribed(5) and len(s.after_reply) == 1
    bus.publish(session_end_event("a", 1, None, "closed"))
    bus.publish(session_start_event("a", 2, None))
    s.after_reply[0]()
    await drain(s, 1)
    await asyncio.sleep(0.05)
    assert s.names() == ["netconf-session-start"]


def fmt(us: int) -> str:
    return format_time(us)


NOW = 1_700_000_000_000_000


@pytest.mark.parametrize(
    ("body", "tag", "bad"),
    [
        ("<stream>SNMP</stream>", "invalid-value", "stream"),
        (f"<stopTime>{fmt(NOW)}</stopTime>", "missing-element", "startTime"),
        (f"<startTime>{fmt(NOW + 10_000_000)}</startTime>", "bad-element", "startTime"),
        (f"<startTime>{fmt(NOW - 10)}</startTime><stopTime>{fmt(NOW - 20)}</stopTime>", "bad-element", "stopTime"),
        ("<startTime>last tuesday</startTime>", "bad-element", "startTime"),
        ("<color>blue</color>", "unknown-element", "color"),
        (f'<filter xmlns="{NC_NS}" type="regex"/>', "bad-attribute", "filter"),
        (f'<filter xmlns="{NC_NS}" type="xpath"/>', "missing-attribute", "filter"),
        (f'<filter xmlns="{NC_NS}" type="xpath" select="/nope:x"/>', "invalid-value", "filter"),
        (f'<filter xmlns="{NC_NS}" type="xpath" select="/a[["/>', "invalid-value", "filter"),
        (f'<filter xmlns="{NC_NS}"><a>text<b/></a></filter>', "bad-element", "filter"),
    ],
)
async def test_create_subscription_errors(body: str, tag: str, bad: str) -> None:
    bus = NotificationBus(Limits(), Clock(NOW))
    with pytest.raises(RpcFault) as exc:
        await call(bus, FakeSession(5), body)
    (err,) = exc.value.errors
    assert (err.type.value, err.tag.value) == ("protocol", tag)
    assert ("bad-element", bad) in err.info
    assert not bus.subscribed(5)


async def test_a_second_subscription_on_the_same_session_fails() -> None:
    bus = NotificationBus()
    s = FakeSession(5)
    await call(bus, s)
    with pytest.raises(RpcFault) as exc:
        await call(bus, s)
    assert exc.value.errors[0].tag.value == "operation-failed"
    bus.session_ended(5)
    assert not bus.subscribed(5)


# -- sessions, slow subscribers and backpressure -----------------------------------------------------------------------
def test_session_hooks_publish_start_and_end_with_the_reason() -> None:
    bus = NotificationBus()
    s = FakeSession(4)
    bus.session_started(s)  # type: ignore[arg-type]
    s.close("killed", killed_by=2)
    bus.session_ended(4)
    start, end = (e.body for e in list(bus.log)[-2:])
    assert etree.QName(start).localname == "netconf-session-start"
    assert end.findtext("ncn:termination-reason", namespaces=N) == "killed"
    assert end.findtext("ncn:killed-by", namespaces=N) == "2"
    bus.session_ended(4)  # twice: nothing more
    assert len(bus.log) == 2


async def test_a_subscriber_that_does_not_keep_up_is_dropped_and_closed() -> None:
    bus = NotificationBus(Limits(max_notification_queue=2))
    slow, fine = FakeSession(1), FakeSession(2)
    bus.subscribe(slow)  # never started: nothing drains its queue
    bus.subscribe(fine).start()
    for i in range(3):
        bus.publish(session_start_event("a", 10 + i, None))
        await asyncio.sleep(0.01)  # the live subscriber's task keeps up
    assert slow.is_closed and slow.termination_reason == "other"
    assert not bus.subscribed(1) and bus.subscribed(2)
    await drain(fine, 3)


async def test_delivery_waits_while_the_transport_backlog_is_large() -> None:
    bus = NotificationBus(Limits(max_notification_backlog_bytes=100))
    s = FakeSession(1)
    s.transport.backlog = 1000
    bus.subscribe(s).start()
    bus.publish(session_start_event("a", 2, None))
    await asyncio.sleep(0.2)
    assert s.sent == []
    s.transport.backlog = 0
    await drain(s, 1)


async def test_a_closed_session_stops_its_delivery() -> None:
    bus = NotificationBus()
    s = FakeSession(1)
    sub = bus.subscribe(s)
    sub.start()
    s.close()
    bus.publish(session_start_event("a", 2, None))
    await asyncio.sleep(0.05)
    assert s.sent == [] and sub.ended
