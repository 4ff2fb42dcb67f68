"""A line that makes a new list entry, put straight into the parser's state from a plan of its kind of line
(parse._grafted), leaves the state byte for byte as making and applying its operations does, errors alike.

Texts: many ``username`` lines of every form the table reads (privilege, one-time, password, secret, the hashing
``algorithm-type`` forms that must not take the plan, ``no`` forms, the same user again), mixed with the lines of
random configurations (sub-modes, leaf-lists, interfaces, keyed entries inside modes), in order or shuffled."""

from __future__ import annotations

from typing import Any

import pytest
from cli_map_probes import mixed_text
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.device.cli_map import parse
from iosxe_agent.device.cli_map.parse import read_back

SECRET9 = "$9$nhEmQVczB7dqsO$X.HsgL6x1il0RxkOSSvyQYwucySCt7qFm4v7pqCxkKM"
NAMES = st.from_regex(r"[A-Za-z][A-Za-z0-9_.$-]{0,8}", fullmatch=True)
TAILS = (
    "",
    " privilege {p}",
    " privilege {p} secret 9 {s}",
    " secret 9 {s}",
    " secret 0 plain{p}",
    " secret plain{p}",
    " one-time secret 9 {s}",
    " privilege {p} one-time",
    " password 7 0822455D0A16",
    " password plain {p}",
    " privilege {p} password 0 two words",
    " algorithm-type scrypt secret pw{p}",
    " privilege 99",
    " secret 9",
)


@st.composite
def _user_lines(draw: st.DrawFn) -> list[str]:
    lines = []
    for name in draw(st.lists(NAMES, min_size=1, max_size=25)):
        tail = draw(st.sampled_from(TAILS)).format(p=draw(st.integers(0, 15)), s=SECRET9)
        lines.append(("no " if draw(st.integers(0, 9)) == 0 else "") + f"username {name}{tail}")
        if draw(st.integers(0, 5)) == 0:
            lines.append(f"username {name}" + draw(st.sampled_from(TAILS)).format(p=1, s=SECRET9))
    return lines


def _general(text: str) -> tuple[etree._Element, tuple[Any, ...]]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parse, "_grafted", lambda parsed, level, state: False)
        return read_back(text)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_planned_lines_read_back_as_their_operations_do(trees: Any, data: st.DataObject) -> None:
    text = mixed_text(trees, data, data.draw(_user_lines()))
    if data.draw(st.booleans()):
        parse._line_plans.clear()
    with pytest.MonkeyPatch.context() as patch:  # (a hash takes a random salt: the same one for both reads)
        patch.setattr(parse, "_HASHERS", dict.fromkeys(parse._HASHERS, lambda text: f"$9$salt${text}"))
        planned, errors = read_back(text)
        general, general_errors = _general(text)
    assert errors == general_errors
    assert etree.tostring(planned) == etree.tostring(general), text


def test_new_users_take_the_plan_and_a_repeated_one_does_not() -> None:
    taken: list[bool] = []
    real = parse._grafted

    def counting(parsed: Any, level: Any, state: Any) -> bool:
        taken.append(real(parsed, level, state))
        return taken[-1]

    text = (
        "hostname r1\n"
        + "".join(f"username u{i} privilege 1 secret 9 {SECRET9}\n" for i in range(50))
        + "username u7 privilege 2\n"
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parse, "_grafted", counting)
        planned, _ = read_back(text)
    assert taken == [False] + [True] * 50 + [False]  # (hostname: no list entry; u7 again: not new)
    assert etree.tostring(planned) == etree.tostring(_general(text)[0])


def test_a_plan_made_in_one_mode_instance_serves_another() -> None:
    """The second interface's secondary address takes the plan made under the first, and lands under its own."""
    text = "".join(
        f"interface Loopback{n}\n ip address 10.0.{n}.1 255.255.255.0\n ip address 10.1.{n}.1 255.255.255.0 secondary\n"
        for n in (1, 2)
    )
    taken: list[bool] = []
    real = parse._grafted

    def counting(parsed: Any, level: Any, state: Any) -> bool:
        taken.append(real(parsed, level, state))
        return taken[-1]

    parse._line_plans.clear()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parse, "_grafted", counting)
        planned, errors = read_back(text)
    assert not errors and taken.count(True) == 2
    assert etree.tostring(planned) == etree.tostring(_general(text)[0])
    second = planned.find(".//{*}Loopback[{*}name='2']")
    assert second is not None and b"10.1.2.1" in etree.tostring(second) and b"10.1.1.1" not in etree.tostring(second)
