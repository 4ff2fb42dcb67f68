"""The management-plane lines of a 17.12 box in the CLI table (``netconf-yang``, ``restconf``, ``ip http``,
``ntp``, ``clock timezone``, ``ip name-server``, ``ip forward-protocol``, ``line aux 0``, ``stopbits``): typed,
each lands where Cisco's 17.12.1 models put it (device-private for the two commands no model has), prints where a
real box prints it and reads back into the same tree; the ``no`` forms undo them as IOS does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from lxml import etree

from iosxe_agent.cli import show
from iosxe_agent.device import views
from iosxe_agent.device.cli_map import CONFIG_MODE, parse_config_text, parse_line, render_config
from iosxe_agent.device.cli_map.help import help_lines
from iosxe_agent.device.names import HTTP_NS, NATIVE_NS, NTP_NS, PRIVATE_NS
from iosxe_agent.device.views import ClockZone, NetconfView

NS = {"ios": NATIVE_NS, "http": HTTP_NS, "ntp": NTP_NS, "priv": PRIVATE_NS}


def running(trees: Any, text: str, tree: etree._Element | None = None) -> etree._Element:
    edit, errors = parse_config_text(text, tree)
    assert not errors, errors
    return trees.apply(trees.empty() if tree is None else tree, edit)


def texts(tree: etree._Element, path: str) -> list[str]:
    return [el.text or "" for el in tree.iterfind(path, NS)]


def round_trips(trees: Any, tree: etree._Element) -> str:
    """The tree's running-config text, after checking that it reads back into the same tree."""
    text = render_config(tree)
    assert trees.canonical(running(trees, text)) == trees.canonical(tree)
    return text


#: what a real 17.12 c8000v prints for these commands, in its order (CLI reference §1.3; a 17.x capture)
C8000V_LINES = """\
clock timezone CET 1 0
clock summer-time CEST recurring last Sun Mar 2:00 last Sun Oct 3:00
ip name-server 127.0.0.53 127.0.0.54
ip name-server vrf Mgmt-intf 127.0.0.55
ip forward-protocol nd
no ip http server
ip http authentication local
ip http secure-server
ip http client source-interface GigabitEthernet4
line con 0
 stopbits 1
line aux 0
line vty 0 4
 transport input ssh
line vty 5 15
 transport input ssh
ntp source Loopback0
ntp server 127.0.0.51 prefer
ntp server 127.0.0.52 key 7
netconf-yang
netconf-yang feature candidate-datastore
restconf
"""


def test_a_real_box_s_lines_print_back_in_its_order(trees: Any) -> None:
    tree = running(trees, C8000V_LINES)
    text = round_trips(trees, tree)
    ours = C8000V_LINES.splitlines()
    assert [line for line in text.splitlines() if line in ours] == ours  # fixed lines of other areas left out


def test_each_line_lands_in_cisco_s_node(trees: Any) -> None:
    tree = running(trees, C8000V_LINES)
    ios = "ios:native/"
    assert texts(tree, ios + "ios:clock/ios:timezone/*") == ["CET", "1", "0"]
    assert texts(tree, ios + "ios:ip/ios:name-server/ios:no-vrf-ordered") == ["127.0.0.53", "127.0.0.54"]
    assert texts(tree, ios + "ios:ip/ios:name-server/ios:vrf/ios:server-ip-list-ordered") == ["127.0.0.55"]
    assert texts(tree, ios + "ios:ip/ios:forward-protocol/ios:protocol") == ["nd"]
    assert texts(tree, ios + "ios:ip/http:http/http:server") == ["false"]
    assert texts(tree, ios + "ios:ip/http:http/http:secure-server") == ["true"]
    assert tree.find(ios + "ios:ip/http:http/http:authentication/http:local", NS) is not None
    assert texts(tree, ios + "ios:ip/http:http/http:client/http:source-interface") == ["GigabitEthernet4"]
    assert texts(tree, ios + "ios:ntp/ntp:source/ntp:Loopback") == ["0"]
    assert texts(tree, ios + "ios:ntp/ntp:server/ntp:server-list/ntp:ip-address") == ["127.0.0.51", "127.0.0.52"]
    assert tree.find(ios + "ios:ntp/ntp:server/ntp:server-list/ntp:prefer", NS) is not None
    assert texts(tree, ios + "ios:line/ios:console/ios:stopbits") == ["1"]
    assert texts(tree, ios + "ios:line/ios:aux/ios:first") == ["0"]
    assert tree.find(ios + "priv:netconf-yang/priv:feature/priv:candidate-datastore", NS) is not None
    assert tree.find(ios + "priv:restconf", NS) is not None
    assert trees.valid(tree)


def test_abbreviations_as_typed(trees: Any) -> None:
    tree = running(trees, "clo t EST -5\nip forw nd\nip htt ser\nnetconf-y fea cand\nntp ser 127.0.0.51\n")
    text = round_trips(trees, tree)
    for line in ("clock timezone EST -5 0", "ip forward-protocol nd", "ip http server", "netconf-yang"):
        assert f"\n{line}\n" in text
    assert "\nnetconf-yang feature candidate-datastore\n" in text
    assert "\nntp server 127.0.0.51\n" in text


@pytest.mark.parametrize(
    ("typed", "gone"),
    [
        ("no clock timezone", "ios:native/ios:clock/ios:timezone"),
        ("no ip forward-protocol nd", "ios:native/ios:ip/ios:forward-protocol"),
        ("no ip http authentication local", "ios:native/ios:ip/http:http/http:authentication"),
        ("no ip http client source-interface GigabitEthernet4", "ios:native/ios:ip/http:http/http:client"),
        ("no ntp source Loopback0", "ios:native/ios:ntp/ntp:source"),
        ("no ntp server 127.0.0.52", "ios:native/ios:ntp/ntp:server/ntp:server-list[ntp:ip-address='127.0.0.52']"),
        ("no line aux 0", "ios:native/ios:line/ios:aux"),
        ("no restconf", "ios:native/priv:restconf"),
        ("no netconf-yang", "ios:native/priv:netconf-yang"),
    ],
)
def test_no_forms_remove_what_the_line_stored(trees: Any, typed: str, gone: str) -> None:
    tree = running(trees, typed + "\n", running(trees, C8000V_LINES))
    assert tree.find(gone, NS) is None
    round_trips(trees, tree)


def test_no_http_server_is_printed_as_ios_prints_a_hardened_box(trees: Any) -> None:
    tree = running(trees, "ip http server\nip http secure-server\nno ip http server\nno ip http secure-server\n")
    text = round_trips(trees, tree)
    assert "\nno ip http server\nno ip http secure-server\n" in text


def test_the_candidate_feature_goes_without_netconf_yang(trees: Any) -> None:
    tree = running(trees, "no netconf-yang feature candidate-datastore\n", running(trees, C8000V_LINES))
    assert tree.find("ios:native/priv:netconf-yang", NS) is not None
    assert tree.find("ios:native/priv:netconf-yang/priv:feature", NS) is None
    assert "\nnetconf-yang\nrestconf\n" in round_trips(trees, tree)


def test_summer_time_takes_full_names_and_prints_ios_s_short_ones(trees: Any) -> None:
    tree = running(trees, "clock summer-time PDT recurring 2 Sunday March 2:00 1 sun November 2:00 30\n")
    base = "ios:native/ios:clock/ios:summer-time/ios:"
    assert texts(tree, base + "recurring-start-day") == ["Sun"]
    assert texts(tree, base + "recurring-end-month") == ["Nov"]
    assert "\nclock summer-time PDT recurring 2 Sun Mar 2:00 1 Sun Nov 2:00 30\n" in round_trips(trees, tree)
    again = running(trees, "clock summer-time EDT recurring\n", tree)  # re-entered: the dates go
    assert texts(again, base + "*") == ["EDT", ""]
    assert "\nclock summer-time EDT recurring\n" in round_trips(trees, again)
    assert trees.find(running(trees, "no clock summer-time\n", again), "ios:native/ios:clock") is None


def test_a_timezone_behind_utc_and_one_with_minutes(trees: Any) -> None:
    assert "\nclock timezone PST -8 0\n" in round_trips(trees, running(trees, "clock timezone PST -8\n"))
    assert "\nclock timezone IST 5 30\n" in round_trips(trees, running(trees, "clock timezone IST 5 30\n"))


@pytest.mark.parametrize(
    ("line", "caret"),
    [("clock timezone X 24", 17), ("clock timezone X -24", 17), ("clock timezone X 1 60", 19),
     ("ip forward-protocol foo", 20), ("line aux 1", 9), ("netconf-yang feature x", 21),
     ("ip http authentication foo", 23), ("stopbits 3", 9)],
)  # fmt: skip
def test_out_of_range_values_are_invalid_input_with_the_caret_under_them(line: str, caret: int) -> None:
    mode = parse_line("line con 0", CONFIG_MODE, None).mode if line.startswith("stopbits") else CONFIG_MODE
    result = parse_line(line, mode, None)
    assert result.edit is None and result.error is not None
    assert (result.error.kind, result.error.column) == ("invalid", caret)


def test_name_servers_accumulate_in_typed_order(trees: Any) -> None:
    tree = running(trees, "ip name-server 127.0.0.2\nip name-server 127.0.0.1 127.0.0.3\n")
    assert texts(tree, "ios:native/ios:ip/ios:name-server/ios:no-vrf-ordered") == [
        "127.0.0.2",
        "127.0.0.1",
        "127.0.0.3",
    ]
    assert "\nip name-server 127.0.0.2 127.0.0.1 127.0.0.3\n" in round_trips(trees, tree)


def test_aux_takes_transport_input_like_a_vty(trees: Any) -> None:
    tree = running(trees, "line aux 0\n transport input none\n stopbits 1\n")
    text = round_trips(trees, tree)
    assert "\nline aux 0\n stopbits 1\n transport input none\n" in text


# -- the views: what the configuration makes the device do -----------------------------------------------------------
def test_netconf_view_follows_the_two_lines(trees: Any) -> None:
    assert views.netconf(trees.empty()) == NetconfView(enabled=False, candidate_datastore=False)
    assert views.netconf(running(trees, "netconf-yang\n")) == NetconfView(enabled=True, candidate_datastore=False)
    both = running(trees, "netconf-yang feature candidate-datastore\n")
    assert views.netconf(both) == NetconfView(enabled=True, candidate_datastore=True)


@pytest.mark.parametrize(
    ("typed", "name", "offset"),
    [
        ("", "UTC", timedelta(0)),
        ("clock timezone CET 1", "CET", timedelta(hours=1)),
        ("clock timezone PST -8 0", "PST", timedelta(hours=-8)),
        ("clock timezone IST 5 30", "IST", timedelta(hours=5, minutes=30)),
        ("clock timezone NST -3 30", "NST", -timedelta(hours=3, minutes=30)),
    ],
)
def test_clock_view_and_show_clock_follow_the_time_zone(trees: Any, typed: str, name: str, offset: timedelta) -> None:
    zone = views.clock(running(trees, typed + "\n") if typed else trees.empty())
    assert zone == ClockZone(name, offset)
    now = datetime(2026, 11, 24, 10, 15, 2, 123456, UTC)
    shown = show.show_clock(now, zone.name, zone.offset)
    local = now + offset
    assert shown == f"*{local:%H:%M:%S}.123 {name} {local:%a %b} {local.day} {local.year}"


def test_question_mark_shows_cisco_s_help_lines() -> None:
    assert help_lines("ip http ", CONFIG_MODE) == [
        "  authentication  Set http server authentication method",
        "  client          Set http client parameters",
        "  secure-server   Enable HTTP secure server",
        "  server          Enable http server",
    ]
    assert help_lines("clock ", CONFIG_MODE) == [
        "  summer-time  Configure summer (daylight savings) time",
        "  timezone     Configure time zone",
    ]
    assert "  prefer  Prefer this peer when possible" in help_lines("ntp server 127.0.0.1 ", CONFIG_MODE)
