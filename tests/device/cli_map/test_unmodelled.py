"""Lines no command of the table knows: kept as text, in their blocks, printed where the file had them.

Files are trusted (they came from a router); typed lines are kept only when the vocabulary of Cisco's real 17.12.1
model says they are real commands. The lines here are ones nobody models (routing protocols, ACLs, QoS, VLANs).
"""

from __future__ import annotations

from typing import Any

import pytest
from config_typing import typed
from lxml import etree

from iosxe_agent.cli.show_unmodelled import listing
from iosxe_agent.device.bootstrap import bootstrap_config
from iosxe_agent.device.cli_map import unmodelled
from iosxe_agent.device.cli_map.help import complete, help_lines
from iosxe_agent.device.cli_map.parse import CONFIG_MODE, CliError, parse_config_text, parse_line
from iosxe_agent.device.cli_map.render import render_config
from iosxe_agent.device.cli_map.tree import DataTree

#: Kept lines to insert into a rendered configuration, each after the first line equal to the key.
INSERTS = {
    "boot-end-marker": [
        "router bgp 65000",
        " bgp log-neighbor-changes",
        " neighbor 127.0.0.2 remote-as 65001",
        " !",
        " address-family ipv4",
        "  network 127.0.0.0 mask 255.0.0.0",
        "  neighbor 127.0.0.2 activate",
        " exit-address-family",
        "!",
        "spanning-tree mode rapid-pvst",
        "spanning-tree extend system-id",
    ],
    "ip forward-protocol nd": [
        "ip access-list extended BLOCK-TELNET",
        " 10 deny   tcp any any eq telnet",
        " 20 permit ip any any",
        "!",
        "class-map match-any VOICE",
        " match dscp ef ",
        "policy-map WAN-OUT",
        " class VOICE",
        "  priority percent 20",
        "vlan 10",
        " name USERS",
    ],
}


def _blocks(edit_or_tree: etree._Element) -> dict[unmodelled.Slot, list[str]]:
    return unmodelled.read(DataTree(edit_or_tree).native())


def _with_inserts(text: str) -> str:
    lines = text.splitlines()
    for anchor, more in INSERTS.items():
        at = lines.index(anchor) + 1
        lines[at:at] = more
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def factory() -> str:
    """The first-start configuration of a device, as ``show running-config`` prints it."""
    return render_config(bootstrap_config("admin", "Lab-pass-1", serial="9TESTSERIAL"))


# -- files ----------------------------------------------------------------------------------------------------------
def test_a_file_with_unknown_lines_prints_back_byte_for_byte(trees: Any, factory: str) -> None:
    text = _with_inserts(factory)
    edit, errors = parse_config_text(text)
    assert errors == ()
    tree = trees.apply(trees.empty(), edit)
    assert render_config(tree) == text
    assert trees.valid(tree)


def test_the_same_file_merged_twice_changes_nothing(trees: Any, factory: str) -> None:
    text = _with_inserts(factory)
    once = trees.apply(trees.empty(), parse_config_text(text)[0])
    twice = trees.apply(once, parse_config_text(text, once)[0])
    assert render_config(twice) == text
    assert _blocks(twice) == _blocks(once)


def test_a_merge_adds_lines_to_a_block_the_device_has(trees: Any, factory: str) -> None:
    tree = trees.apply(trees.empty(), parse_config_text(_with_inserts(factory))[0])
    change = "router bgp 65000\n address-family ipv4\n  network 127.1.0.0 mask 255.255.0.0\n exit-address-family\n"
    tree = trees.apply(tree, parse_config_text(change, tree)[0])
    text = render_config(tree)
    assert "  neighbor 127.0.0.2 activate\n  network 127.1.0.0 mask 255.255.0.0\n exit-address-family\n" in text
    assert text.count("router bgp 65000") == 1


def test_sub_lines_of_a_modelled_block_stay_in_it(trees: Any) -> None:
    text = "line vty 0 4\n exec-timeout 5 0\n absolute-timeout 30\n!\n"
    edit, errors = parse_config_text(text)
    assert errors == ()
    assert _blocks(edit) == {unmodelled.Slot("line/vty[0]", "line-exec-timeout"): [" absolute-timeout 30"]}


def test_a_bad_argument_of_a_modelled_command_stays_an_error_in_a_file() -> None:
    _, errors = parse_config_text("ip ssh time-out 999\nhostname\nrouter ospf 1\n")
    assert [(e.lineno, e.error.kind) for e in errors] == [(1, "invalid"), (2, "incomplete")]


def test_no_in_a_file_removes_a_kept_block(trees: Any) -> None:
    tree = trees.apply(trees.empty(), parse_config_text("router ospf 1\n network 127.0.0.0 0.255.255.255 area 0\n")[0])
    tree = trees.apply(tree, parse_config_text("no router ospf 1\n", tree)[0])
    assert _blocks(tree) == {}


def test_a_no_line_nothing_matches_is_configuration_too(trees: Any) -> None:
    edit, _ = parse_config_text("no spanning-tree vlan 10\n")
    assert list(_blocks(edit).values()) == [["no spanning-tree vlan 10"]]


# -- typed lines ----------------------------------------------------------------------------------------------------
def test_a_typed_block_enters_its_sub_mode_and_keeps_its_lines(trees: Any) -> None:
    tree, mode = typed(trees, ["router ospf 1"])
    assert mode.prompt_suffix == "(config-router)"
    result = parse_line("network 127.0.0.0 0.255.255.255 area 0", mode, tree)
    assert result.error is None and result.mode == mode
    tree = trees.apply(tree, result.edit)
    result = parse_line("exit", mode, tree)
    assert result.mode == CONFIG_MODE
    tree, _ = typed(trees, ["router ospf 1", "passive-interface default", "end"], tree)
    assert list(_blocks(tree).values()) == [
        ["router ospf 1", " network 127.0.0.0 0.255.255.255 area 0", " passive-interface default"]
    ]
    tree, _ = typed(trees, ["no router ospf 1"], tree)
    assert _blocks(tree) == {}


def test_a_typed_global_command_leaves_the_kept_sub_mode(trees: Any) -> None:
    tree, mode = typed(trees, ["router ospf 1", "hostname R9"])
    assert mode == CONFIG_MODE
    assert "hostname R9\n" in render_config(tree)


def test_abbreviated_words_are_stored_in_full(trees: Any) -> None:
    tree, _ = typed(trees, ["spanning-tree mo pvst"])
    assert list(_blocks(tree).values()) == [["spanning-tree mode pvst"]]


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("ip ssh frobnicate", CliError("invalid", 7)),  # the real ip ssh has no such word
        ("frobnicate 1", CliError("invalid", 2)),  # under the 'o': 'fr' starts frame-relay
        ("router", CliError("incomplete", 6)),
        ("ip ssh time-out 999", CliError("invalid", 16)),  # a bad argument is not an unknown word
        ("hostname", CliError("incomplete", 8)),
        ("a", CliError("ambiguous", 0)),
    ],
)
def test_typed_lines_that_are_not_real_commands_stay_errors(line: str, error: CliError) -> None:
    result = parse_line(line, CONFIG_MODE, None)
    assert result.error == error and result.edit is None


def test_a_typed_sub_line_of_a_modelled_block_is_kept_in_it(trees: Any) -> None:
    tree, mode = typed(trees, ["line vty 0 4", "notify"])
    assert mode.name == "config-line"
    assert _blocks(tree) == {unmodelled.Slot("line/vty[0]", unmodelled.LAST): [" notify"]}
    assert "line vty 0 4\n notify\n" in render_config(tree)
    assert parse_line("absolute-timeout 30", mode, tree).error == CliError("invalid", 1)  # not a 17.12 word
    tree, _ = typed(trees, ["line vty 0 4", "no notify"], tree)
    assert _blocks(tree) == {}


def test_removing_a_modelled_block_takes_its_kept_lines(trees: Any) -> None:
    tree, _ = typed(trees, ["line vty 0 4", "notify", "exit", "no line vty 0 4"])
    assert _blocks(tree) == {}


# -- the listing ----------------------------------------------------------------------------------------------------
def test_show_iosxe_agent_unmodelled_lists_every_kept_line(trees: Any, factory: str) -> None:
    tree = trees.apply(trees.empty(), parse_config_text(_with_inserts(factory))[0])
    text = listing(tree)
    count = sum(len(v) for v in INSERTS.values())
    assert text.startswith(f"Configuration lines kept as text (not modelled, not visible over NETCONF): {count}\n")
    assert "\nIn global configuration, after boot-end-marker:\n  router bgp 65000\n" in text
    assert listing(trees.empty()).endswith(": 0\n")


def test_help_and_tab_in_a_kept_sub_mode_offer_real_words() -> None:
    mode = parse_line("router ospf 1", CONFIG_MODE, None).mode
    assert help_lines("netw", mode) == ["network  "]
    assert complete("netw", mode) == "network "


def test_a_typed_nested_sub_mode_keeps_its_lines_inside(trees: Any) -> None:
    lines = ["router bgp 65000", "neighbor 127.0.0.2 remote-as 65001", "address-family ipv4"]
    tree, mode = typed(trees, [*lines, "neighbor 127.0.0.2 activate"])
    assert mode.prompt_suffix == "(config-router-af)"
    result = parse_line("exit-address-family", mode, tree)
    assert result.error is None and result.mode.prompt_suffix == "(config-router)"
    tree = trees.apply(tree, result.edit)
    assert list(_blocks(tree).values()) == [
        [
            "router bgp 65000",
            " neighbor 127.0.0.2 remote-as 65001",
            " address-family ipv4",
            "  neighbor 127.0.0.2 activate",
            " exit-address-family",
        ]
    ]


def test_a_catalyst_access_port_keeps_its_switchport_lines(trees: Any) -> None:
    port = "interface GigabitEthernet1/0/1\n description users\n switchport access vlan 10\n switchport mode access\n"
    tree = trees.apply(trees.empty(), parse_config_text(f"{port} spanning-tree portfast\n!\n")[0])
    assert f"\n{port} spanning-tree portfast\n!\n" in render_config(tree)
    assert list(_blocks(tree)) == [unmodelled.Slot("interface/GigabitEthernet[1/0/1]", "if-description")]
