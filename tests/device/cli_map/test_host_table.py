"""``ip host [vrf V] NAME A…`` in the CLI table and in the resolver view: typed lines land in Cisco's
``/native/ip/host``, print between the ``ip domain`` lines and ``ip name-server`` (the order IOS prints them), read
back into the same tree, and give the device's own clients the address of a name (the table first, then the word
itself: no other lookup)."""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree

from iosxe_agent.device import views
from iosxe_agent.device.cli_map import CONFIG_MODE, CliError, parse_config_text, parse_line, render_config
from iosxe_agent.device.views import DnsView, HostEntry

TYPED = """\
ip name-server 127.0.0.53
ip host vrf Mgmt-intf r2 127.0.0.12
ip host r3 127.0.0.3 ::1
ip domain name lab.local
ip host r2 127.0.0.2
ip host r2 127.0.0.22
ip host ts1 2001 127.0.0.41
"""

#: the lines as a box prints them: names in the table's order, a name typed again holding both addresses
PRINTED = """\
ip domain name lab.local
ip host r2 127.0.0.2 127.0.0.22
ip host r3 127.0.0.3 ::1
ip host ts1 2001 127.0.0.41
ip host vrf Mgmt-intf r2 127.0.0.12
ip name-server 127.0.0.53
"""


def running(trees: Any, text: str) -> etree._Element:
    edit, errors = parse_config_text(text, None)
    assert not errors, errors
    tree: etree._Element = trees.apply(trees.empty(), edit)
    return tree


def test_lines_print_after_the_domain_and_before_the_name_servers_and_read_back(trees: Any) -> None:
    tree = running(trees, TYPED)
    text = render_config(tree)
    assert PRINTED in text, text
    assert trees.canonical(running(trees, text)) == trees.canonical(tree)


def test_the_view_holds_the_global_names_then_each_vrfs(trees: Any) -> None:
    assert views.dns(running(trees, TYPED)).hosts == (
        HostEntry("r2", ("127.0.0.2", "127.0.0.22")),
        HostEntry("r3", ("127.0.0.3", "::1")),
        HostEntry("ts1", ("127.0.0.41",), port=2001),
        HostEntry("r2", ("127.0.0.12",), vrf="Mgmt-intf"),
    )
    assert views.dns(running(trees, TYPED + "no ip host r2\nno ip host vrf Mgmt-intf r2\n")).hosts == (
        HostEntry("r3", ("127.0.0.3", "::1")),
        HostEntry("ts1", ("127.0.0.41",), port=2001),
    )


def test_address_of_takes_the_table_first_then_the_word_as_typed() -> None:
    dns = DnsView(hosts=(HostEntry("R2", ("127.0.0.2", "127.0.0.22")), HostEntry("r2", ("127.0.0.12",), "V")))
    assert dns.address_of("r2") == "127.0.0.2"  # the first address; names compare without case
    assert dns.address_of("r2", "V") == "127.0.0.12"  # a VRF's own table
    assert dns.address_of("r2", "W") == "r2"  # no entry: the word itself (the egress gate refuses a name)
    assert dns.address_of("127.0.0.5") == "127.0.0.5"


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("ip host r2 foo", CliError("invalid", 11)),  # not an address: the caret under it
        ("ip host vrf V r2 127.0.0.1 foo", CliError("invalid", 27)),
        ("ip host r2", CliError("incomplete", 10)),
        ("ip host vrf V r2", CliError("incomplete", 16)),  # never the host "vrf" at addresses "V r2"
    ],
)
def test_what_is_not_a_host_line_gets_ios_error(line: str, error: CliError) -> None:
    result = parse_line(line, CONFIG_MODE, None)
    assert (result.error, result.edit) == (error, None)
