"""The pure admission decisions both SSH faces use (iosxe_agent/netconf/admission.py): OpenSSH's early-drop curve,
per-source bounds, eviction when full, per-user counts, and the authenticated-idle clock."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iosxe_agent.limits import Limits
from iosxe_agent.netconf.admission import Admission, EarlyDrop, IdleGuard, Refusal, refusal_text


def never() -> float:
    raise AssertionError("no draw expected here")


def draws(*values: float) -> Iterator[float]:
    return iter(values)


# -- the early-drop curve -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("waiting", "expected"),
    [(0, 0.0), (9, 0.0), (10, 0.30), (55, 0.65), (99, 0.30 + 0.70 * 89 / 90), (100, 1.0), (150, 1.0)],
)
def test_probability_follows_openssh_maxstartups_10_30_100(waiting: int, expected: float) -> None:
    assert EarlyDrop(start=10, rate=30, full=100).probability(waiting) == pytest.approx(expected)


def test_scaled_start_is_a_share_of_the_bound() -> None:
    assert EarlyDrop.scaled(16, 50, 30) == EarlyDrop(start=8, rate=30, full=16)
    assert EarlyDrop.scaled(10, 50, 30) == EarlyDrop(start=5, rate=30, full=10)
    assert EarlyDrop.scaled(3, 50, 30) == EarlyDrop(start=2, rate=30, full=3)  # rounded up
    assert EarlyDrop.scaled(10, 500, 250) == EarlyDrop(start=10, rate=100, full=10)  # clamped


def test_start_at_100_percent_is_a_hard_bound_only() -> None:
    drop = EarlyDrop.scaled(10, 100, 30)
    assert [drop.probability(n) for n in (0, 9, 10)] == [0.0, 0.0, 1.0]


def test_rate_100_drops_everything_from_the_start() -> None:
    drop = EarlyDrop(start=4, rate=100, full=8)
    assert [drop.probability(n) for n in (3, 4, 7)] == [0.0, 1.0, 1.0]


# -- admission ----------------------------------------------------------------------------------------------------
NO_DROP = EarlyDrop.scaled(6, 100, 30)


def test_per_source_bound_refuses_only_that_source() -> None:
    table: Admission[str] = Admission(never)
    assert table.admit("a1", "127.0.0.2", NO_DROP, 2).admitted
    assert table.admit("a2", "127.0.0.2", NO_DROP, 2).admitted
    assert table.admit("a3", "127.0.0.2", NO_DROP, 2).refusal is Refusal.PER_SOURCE
    assert table.admit("b1", "127.0.0.1", NO_DROP, 2).admitted
    assert table.waiting == 3 and table.waiting_from("127.0.0.2") == 2


def test_per_source_zero_means_unbounded() -> None:
    table: Admission[int] = Admission(never)
    assert all(table.admit(i, "127.0.0.2", NO_DROP, 0).admitted for i in range(6))


def test_early_drop_spares_a_sources_first_connection() -> None:
    always = EarlyDrop(start=1, rate=100, full=10)
    table: Admission[str] = Admission(never)  # a first connection never even draws
    assert table.admit("a1", "127.0.0.2", always, 0).admitted
    assert table.admit("b1", "127.0.0.3", always, 0).admitted
    assert table.admit("a2", "127.0.0.2", always, 0).refusal is Refusal.EARLY_DROP


def test_early_drop_draws_against_the_curve() -> None:
    drop = EarlyDrop(start=2, rate=50, full=10)
    values = draws(0.49, 0.51)
    table: Admission[str] = Admission(lambda: next(values))
    table.admit("a1", "127.0.0.2", drop, 0)
    table.admit("a2", "127.0.0.2", drop, 0)  # waiting 1 < start: no draw
    assert table.admit("a3", "127.0.0.2", drop, 0).refusal is Refusal.EARLY_DROP  # 0.49 < 0.5
    assert table.admit("a4", "127.0.0.2", drop, 0).admitted  # 0.51 >= 0.5
    with pytest.raises(StopIteration):
        table.admit("a5", "127.0.0.2", drop, 0)  # the next draw is taken: the iterator is spent


def test_full_table_evicts_the_oldest_of_the_heaviest_source() -> None:
    table: Admission[str] = Admission(never)
    for name, source in [("a1", "127.0.0.2"), ("b1", "127.0.0.3"), ("a2", "127.0.0.2"), ("b2", "127.0.0.3")]:
        table.admit(name, source, EarlyDrop.scaled(5, 100, 0), 0)
    table.admit("a3", "127.0.0.2", EarlyDrop.scaled(5, 100, 0), 0)
    verdict = table.admit("c1", "127.0.0.1", EarlyDrop.scaled(5, 100, 0), 0)
    assert verdict.admitted and verdict.evict == "a1"
    assert table.waiting == 5 and table.waiting_from("127.0.0.2") == 2 and table.waiting_from("127.0.0.1") == 1
    table.settled("a1")  # the evicted connection's own end later is a no-op
    assert table.waiting == 5


def test_full_table_of_distinct_sources_refuses() -> None:
    full = EarlyDrop.scaled(3, 100, 0)
    table: Admission[str] = Admission(never)
    for i in range(3):
        table.admit(f"c{i}", f"127.0.0.{i + 2}", full, 0)
    assert table.admit("new", "127.0.0.1", full, 0).refusal is Refusal.FULL


def test_the_heaviest_source_cannot_evict_itself() -> None:
    full = EarlyDrop.scaled(3, 100, 0)
    table: Admission[str] = Admission(never)
    for i in range(3):
        table.admit(f"a{i}", "127.0.0.2", full, 0)
    assert table.admit("a3", "127.0.0.2", full, 0).refusal is Refusal.FULL


def test_settled_and_gone_release_the_slot_once() -> None:
    table: Admission[str] = Admission(never)
    table.admit("a1", "127.0.0.2", NO_DROP, 1)
    table.settled("a1")
    table.settled("a1")
    table.gone("a1")
    assert table.waiting == 0 and table.waiting_from("127.0.0.2") == 0
    assert table.admit("a2", "127.0.0.2", NO_DROP, 1).admitted


def test_connections_per_user() -> None:
    table: Admission[str] = Admission(never)
    for name in ("c1", "c2", "c3"):
        table.admit(name, "127.0.0.1", NO_DROP, 0)
    assert table.authenticated("c1", "op", 2) and table.authenticated("c2", "op", 2)
    assert not table.authenticated("c3", "op", 2)
    assert table.waiting == 0  # logged in or refused, none waits any more
    assert table.authenticated("c3", "admin", 2)
    table.gone("c1")
    table.gone("c1")
    assert table.connections_of("op") == 1
    assert table.authenticated("c4", "op", 2)


def test_refusal_texts_name_the_bound() -> None:
    kw = {"full": "ip ssh maxstartups 10", "per_source": "max_unauthenticated_per_source=8"}
    assert "127.0.0.2 (max_unauthenticated_per_source=8)" in refusal_text(Refusal.PER_SOURCE, "127.0.0.2", 3, **kw)
    assert "early drop at 6 of ip ssh maxstartups 10" in refusal_text(Refusal.EARLY_DROP, "127.0.0.2", 6, **kw)
    assert refusal_text(Refusal.FULL, "127.0.0.2", 10, **kw).endswith("(ip ssh maxstartups 10)")


ops = st.lists(
    st.tuples(
        st.sampled_from(["admit", "admit", "engage", "settle"]),
        st.integers(0, 40),
        st.integers(1, 6),
        st.floats(0, 0.999),
    ),
    max_size=120,
)


@settings(max_examples=300, deadline=None)
@given(ops=ops, full=st.integers(1, 12), per_source=st.integers(0, 5), start=st.integers(0, 100))
def test_bounds_hold_and_a_new_address_gets_in(ops, full: int, per_source: int, start: int) -> None:
    """Whatever happens: never more than ``full`` waiting, never more than ``per_source`` from one address, and
    a newcomer from an address with nothing waiting is admitted unless the table is full of connections that are
    either already authenticating or spread one per address."""
    drop = EarlyDrop.scaled(full, start, 30)
    pending: list[float] = []
    table: Admission[int] = Admission(lambda: pending.pop())
    seen: set[int] = set()
    stalled: dict[int, str] = {}  # the test's own model of who has not begun to authenticate
    for op, conn, src, draw in ops:
        source = f"127.0.0.{src}"
        if op == "settle":
            table.settled(conn)
            stalled.pop(conn, None)
            continue
        if op == "engage":
            table.engaged(conn)
            stalled.pop(conn, None)
            continue
        if conn in seen:
            continue  # each connection is admitted at most once
        seen.add(conn)
        held, waiting = table.waiting_from(source), table.waiting
        most = max((list(stalled.values()).count(s) for s in set(stalled.values())), default=0)
        pending[:] = [draw]
        verdict = table.admit(conn, source, drop, per_source)
        if verdict.admitted:
            assert held < per_source or not per_source
            stalled[conn] = source
            if verdict.evict is not None:
                assert stalled.pop(verdict.evict) != source
        if held == 0 and (waiting < full or most >= 2):
            assert verdict.admitted
        assert table.waiting <= full
        if per_source:
            assert all(table.waiting_from(f"127.0.0.{i}") <= per_source for i in range(1, 7))


def test_connections_that_began_to_authenticate_are_never_evicted_nor_make_a_flood() -> None:
    full = EarlyDrop(start=1, rate=100, full=4)
    table: Admission[str] = Admission(never)
    for name in ("l1", "l2", "l3"):  # a burst of real logins from one address, each past its key exchange
        assert table.admit(name, "127.0.0.1", full, 0).admitted
        table.engaged(name)
    assert table.admit("f1", "127.0.0.2", full, 0).admitted  # the table is full now
    assert table.admit("l4", "127.0.0.1", full, 0).refusal is Refusal.FULL  # nobody may be evicted: f1 is alone
    table.settled("l1")
    assert table.admit("l4", "127.0.0.1", full, 0).admitted  # its stalled count is 0: no early drop either
    assert table.admit("f2", "127.0.0.2", full, 0).refusal is Refusal.FULL


def test_defaults_keep_one_user_below_the_total() -> None:
    limits = Limits()
    assert limits.max_sessions_per_user < limits.max_netconf_sessions
    assert limits.max_unauthenticated_per_source < limits.max_unauthenticated
    assert 0 < limits.login_timeout_s <= 30 and limits.idle_timeout_s > 0 and limits.auth_idle_timeout_s > 0


# -- the authenticated-idle clock ---------------------------------------------------------------------------------
async def test_idle_guard_fires_when_no_channel_is_open() -> None:
    fired = asyncio.Event()
    guard = IdleGuard(0.05, fired.set)
    guard.arm()
    await asyncio.wait_for(fired.wait(), 5)


async def test_idle_guard_waits_while_a_channel_is_open_and_restarts_after() -> None:
    fired = asyncio.Event()
    guard = IdleGuard(0.05, fired.set)
    guard.arm()
    channel = asyncio.get_running_loop().create_future()
    guard.hold(channel)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(asyncio.shield(fired.wait()), 0.3)  # 6 timeouts pass with the channel open
    channel.set_result(None)
    await asyncio.wait_for(fired.wait(), 5)


async def test_idle_guard_closed_or_disabled_never_fires() -> None:
    fired = asyncio.Event()
    closed = IdleGuard(0.01, fired.set)
    closed.arm()
    closed.close()
    disabled = IdleGuard(0, fired.set)
    disabled.arm()
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(asyncio.shield(fired.wait()), 0.2)
