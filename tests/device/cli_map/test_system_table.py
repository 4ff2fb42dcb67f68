"""The system lines of a 17.12 box in the CLI table (``service``, ``platform``, ``license``, ``memory``,
``logging``, ``diagnostic``, ``subscriber``, ``multilink``, ``redundancy``, ``control-plane``, ``call-home``):
typed, each lands where Cisco's 17.12.1 models put it, prints where a real box prints it and reads back into the
same tree; the ``no`` forms undo them as IOS does."""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree

from iosxe_agent.device import views
from iosxe_agent.device.cli_map import CONFIG_MODE, parse_config_text, parse_line, render_config
from iosxe_agent.device.logbuffer import DeviceLog, show_logging
from iosxe_agent.device.names import CALL_HOME_NS, DIAGNOSTICS_NS, NATIVE_NS, PLATFORM_NS, PPP_NS
from iosxe_agent.device.views import LoggingView, SyslogHost

NS = {"ios": NATIVE_NS, "plt": PLATFORM_NS, "ch": CALL_HOME_NS, "diag": DIAGNOSTICS_NS, "ppp": PPP_NS}
IOS = "ios:native/"


def running(trees: Any, text: str, tree: etree._Element | None = None) -> etree._Element:
    edit, errors = parse_config_text(text, tree)
    assert not errors, errors
    return trees.apply(trees.empty() if tree is None else tree, edit)


def texts(tree: etree._Element, path: str) -> list[str]:
    return [el.text or "" for el in tree.iterfind(IOS + path, NS)]


def has(tree: etree._Element, path: str) -> bool:
    return tree.find(IOS + path, NS) is not None


def round_trips(trees: Any, tree: etree._Element) -> str:
    """The tree's running-config text, after checking that it reads back into the same tree."""
    text = render_config(tree)
    assert trees.canonical(running(trees, text)) == trees.canonical(tree)
    return text


#: A c8000v's system lines in its order (CLI reference §1.2/§1.3; the 17.12 sample in tests/e2e/realconfigs), with
#: the non-default ones a real configuration adds (tcp keepalives, password-encryption, syslog hosts).
C8000V_LINES = """\
service tcp-keepalives-in
service tcp-keepalives-out
service timestamps debug datetime msec
service timestamps log datetime msec localtime show-timezone year
service password-encryption
service call-home
platform qfp utilization monitor load 80
platform punt-keepalive disable-kernel-core
platform sslvpn use-pd
platform console serial
logging buffered 64000 informational
no logging console
logging monitor warnings
login on-success log
subscriber templating
multilink bundle-name authenticated
license udi pid C8000V sn 9W11KIW7FTV
license boot level network-advantage addon dna-advantage
license smart transport smart
license smart url default
memory free low-watermark processor 63709
diagnostic bootup level minimal
redundancy
logging trap notifications
logging facility local5
logging source-interface Loopback0
logging source-interface GigabitEthernet2 vrf Mgmt-intf
logging host 127.0.0.61
logging host 127.0.0.62 transport udp port 1514
logging host 127.0.0.63 vrf Mgmt-intf
control-plane
call-home
 ! If contact email address in call-home is configured as sch-smart-licensing@cisco.com
 ! the email address configured in Cisco Smart License Portal will be used as contact email address to send SCH \
notifications.
 contact-email-addr sch-smart-licensing@cisco.com
 profile "CiscoTAC-1"
  active
  destination transport-method http
"""


def test_a_real_box_s_lines_print_back_in_its_order(trees: Any) -> None:
    tree = running(trees, C8000V_LINES)
    text = round_trips(trees, tree)
    ours = C8000V_LINES.splitlines()
    assert [line for line in text.splitlines() if line in ours] == ours


def test_the_header_lines_come_right_after_version_and_blocks_end_as_ios_prints_them(trees: Any) -> None:
    lines = render_config(running(trees, C8000V_LINES)).splitlines()
    assert lines[1:11] == C8000V_LINES.splitlines()[:10]
    assert lines[11] == "!"
    for block in ("redundancy", "control-plane", "call-home"):
        end = lines.index(block) + (1 if block != "call-home" else 8)
        assert lines[end] == "!", block


def test_each_line_lands_in_cisco_s_node(trees: Any) -> None:
    tree = running(trees, C8000V_LINES)
    assert has(tree, "ios:service/ios:tcp-keepalives-in") and has(tree, "ios:service/ios:password-encryption")
    log_stamps = "ios:service/ios:timestamps/ios:log-config/ios:datetime/"
    assert [has(tree, log_stamps + f"ios:{w}") for w in ("msec", "localtime", "show-timezone", "year")] == [True] * 4
    assert texts(tree, "ios:platform/plt:qfp/plt:utilization/plt:monitor/plt:load") == ["80"]
    assert texts(tree, "ios:platform/plt:punt-keepalive/plt:disable-kernel-core") == ["true"]
    assert texts(tree, "ios:platform/plt:console/plt:output") == ["serial"]
    assert texts(tree, "ios:logging/ios:buffered/*") == ["64000", "informational"]
    assert texts(tree, "ios:logging/ios:console-config/ios:console") == ["false"]
    assert texts(tree, "ios:logging/ios:monitor-config/ios:common-config/ios:monitor/ios:severity") == ["warnings"]
    assert texts(tree, "ios:logging/ios:trap/ios:severity") == ["notifications"]
    assert texts(tree, "ios:logging/ios:source-interface-conf/ios:interface-name-non-vrf") == ["Loopback0"]
    assert texts(tree, "ios:logging/ios:source-interface-conf/ios:source-interface-vrf/*") == [
        "Mgmt-intf",
        "GigabitEthernet2",
    ]
    assert texts(tree, "ios:logging/ios:host/ios:ipv4-host-list/ios:ipv4-host") == ["127.0.0.61"]
    transport = "ios:logging/ios:host/ios:ipv4-host-transport-list/"
    assert texts(tree, transport + "ios:transport/ios:udp/ios:port-config/ios:port-number") == ["1514"]
    assert texts(tree, "ios:logging/ios:host/ios:ipv4-host-vrf-list/*") == ["127.0.0.63", "Mgmt-intf"]
    assert texts(tree, "ios:license/ios:udi/*") == ["C8000V", "9W11KIW7FTV"]
    assert texts(tree, "ios:license/ios:boot/ios:level/ios:network-advantage/ios:addon") == ["dna-advantage"]
    assert texts(tree, "ios:license/ios:smart/ios:transport-type") == ["smart"]
    assert texts(tree, "ios:memory/ios:free/ios:low-watermark/ios:processor") == ["63709"]
    assert texts(tree, "diag:diagnostic/diag:bootup/diag:level") == ["minimal"]
    assert has(tree, "ios:subscriber/ios:templating") and has(tree, "ios:redundancy") and has(tree, "ios:control-plane")
    assert texts(tree, "ios:multilink/ppp:bundle-name") == ["authenticated"]
    assert texts(tree, "ios:call-home/ch:contact-email-addr") == ["sch-smart-licensing@cisco.com"]
    tac = "ios:call-home/ch:tac-profile/ch:profile/ch:CiscoTAC-1/"
    assert texts(tree, tac + "ch:active") == ["true"]
    assert texts(tree, tac + "ch:destination/ch:transport-method") == ["http"]


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("logging buffered 6", "logging buffered informational"),
        ("logging console 3", "logging console errors"),
        ("logging buffered 8192", "logging buffered 8192"),
        ("service timestamps debug uptime", "service timestamps debug uptime"),
        ("no service pad", "no service pad"),
        ("logging trap", "logging trap"),
        ("license smart transport off", "license smart transport off"),
        ("platform console virtual", "platform console virtual"),
        (
            "boot system bootflash:packages.conf\nboot system flash bootflash:old.bin\nboot system tftp.bin",
            "boot-start-marker\nboot system bootflash:packages.conf\nboot system tftp.bin\n"
            "boot system flash bootflash:old.bin\nboot-end-marker\n",
        ),
        ("call-home\n profile CiscoTAC-1\n  no active", ' profile "CiscoTAC-1"\n  no active\n!'),
    ],
)
def test_typed_forms_print_as_ios_prints_them(trees: Any, typed: str, printed: str) -> None:
    text = round_trips(trees, running(trees, typed))
    assert printed in text


@pytest.mark.parametrize(
    ("line", "gone"),
    [
        ("no logging console", "ios:logging/ios:console-config/ios:common-config"),
        ("no service timestamps debug", "ios:service/ios:timestamps/ios:debug-config"),
        ("no platform console serial", "ios:platform/plt:console"),
        ("no license udi pid C8000V sn 9W11KIW7FTV", "ios:license/ios:udi"),
        ("no redundancy", "ios:redundancy"),
        ("no control-plane", "ios:control-plane"),
        ("no logging host 127.0.0.61", "ios:logging/ios:host/ios:ipv4-host-list"),
        ("no diagnostic bootup level minimal", "diag:diagnostic"),
    ],
)
def test_no_forms_remove_what_the_line_stored(trees: Any, line: str, gone: str) -> None:
    before = running(trees, C8000V_LINES.replace("no logging console\n", "logging console informational\n"))
    after = running(trees, line, before)
    assert has(before, gone) and not has(after, gone)
    round_trips(trees, after)


def test_no_logging_console_is_stored_and_a_bare_logging_console_undoes_it(trees: Any) -> None:
    off = running(trees, "no logging console")
    assert texts(off, "ios:logging/ios:console-config/ios:console") == ["false"]
    assert "no logging console" in render_config(off)
    back = running(trees, "logging console", off)
    assert "logging console" not in render_config(back)
    assert not texts(back, "ios:logging/ios:console-config/ios:console")


def test_re_entering_timestamps_replaces_the_old_options(trees: Any) -> None:
    tree = running(trees, "service timestamps log datetime msec localtime\nservice timestamps log uptime")
    assert "service timestamps log uptime" in round_trips(trees, tree)
    assert not has(tree, "ios:service/ios:timestamps/ios:log-config/ios:datetime")


@pytest.mark.parametrize(
    "line",
    ["platform qfp utilization monitor load 49", "logging buffered 100", "diagnostic bootup level full"],
)
def test_out_of_range_values_are_refused(line: str) -> None:
    result = parse_line(line, CONFIG_MODE, None)
    assert result.error is not None


@pytest.mark.parametrize(
    ("line", "mode"),
    [
        ("redundancy", "config-red"),
        ("control-plane", "config-cp"),
        ("call-home", "cfg-call-home"),
    ],
)
def test_blocks_enter_ios_s_sub_modes(line: str, mode: str) -> None:
    result = parse_line(line, CONFIG_MODE, None)
    assert result.error is None and result.mode.name == mode


def test_the_logging_view_reads_levels_sizes_and_hosts(trees: Any) -> None:
    view = views.logging(running(trees, C8000V_LINES))
    assert (view.buffer_size, view.buffer_level, view.console_level, view.monitor_level) == (64000, 6, None, 4)
    assert (view.trap_level, view.source_interface) == (5, "Loopback0")
    assert set(view.hosts) == {
        SyslogHost("127.0.0.61"),
        SyslogHost("127.0.0.62", port=1514),
        SyslogHost("127.0.0.63", vrf="Mgmt-intf"),
    }
    assert views.logging(trees.empty()) == LoggingView()  # IOS's defaults: all on at debugging, trap informational


def test_the_buffer_keeps_what_logging_buffered_lets_in() -> None:
    log = DeviceLog(clock=lambda: 0.0)
    log.follow(lambda: LoggingView(buffer_size=4096, buffer_level=5))
    log.emit("%SYS-5-CONFIG_I: Configured from console by admin on vty0")
    log.emit("%SEC_LOGIN-6-INFO: too verbose for level notifications")
    log.emit("SSH2 0: debug output is level 7")
    assert [line.split(": ", 1)[1] for line in log.lines()] == [
        "%SYS-5-CONFIG_I: Configured from console by admin on vty0"
    ]
    for i in range(200):
        log.emit(f"%SYS-5-CONFIG_I: line {i:03d} " + "x" * 40)
    kept = log.lines()
    assert sum(len(line) + 1 for line in kept) <= 4096 and kept[-1].endswith("x" * 40) and "line 199" in kept[-1]
    assert log.logged == 203  # every message counts, as IOS's 'messages logged'


def test_show_logging_reports_the_configured_levels_and_size() -> None:
    log = DeviceLog(clock=lambda: 0.0)
    log.follow(lambda: LoggingView(64000, 6, None, 4, 5, "Loopback0"))
    text = show_logging(log)
    assert "    Console logging: disabled\n" in text
    assert "    Monitor logging: level warnings, 0 messages logged" in text
    assert "    Buffer logging:  level informational, 0 messages logged" in text
    assert "    Trap logging: level notifications, 0 message lines logged" in text
    assert "        Logging Source-Interface:       VRF Name:\n        Loopback0\n" in text
    assert "Log Buffer (64000 bytes):" in text
