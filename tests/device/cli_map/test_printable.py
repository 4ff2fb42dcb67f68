"""Values IOS text cannot carry are refused (iosxe_agent/device/printable.py): the rule derived from the CLI table, the
excerpt that keeps the check proportional to the change, the commit-check error, and the CLI's own refusal of a
line break inside a ``LINE`` argument."""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree
from namespaces import CRYPTO

from iosxe_agent.data.diff import diff
from iosxe_agent.datastore.transaction import SYSTEM, Face, Origin, Transaction
from iosxe_agent.device.cli_map import CONFIG_MODE, parse_line, render_config
from iosxe_agent.device.cli_map.syntax import Arg, Kw, walk
from iosxe_agent.device.cli_map.table import BY_MODE
from iosxe_agent.device.printable import (
    CISCO_IA_NS,
    REFUSED_MESSAGE,
    Focus,
    PrintableCheck,
    anchors,
    excerpt,
    unprintable,
)

N = "{http://cisco.com/ns/yang/Cisco-IOS-XE-native}"
HASH = "0123456789ABCDEF0123456789ABCDEF"


def test_no_command_reaches_its_data_through_another_command_instance() -> None:
    """What makes the excerpt sound: leaving out the command instances nested in the one being checked never
    leaves out data that the checked commands print."""
    found = anchors()
    checked = 0
    for mode, contexts in found.contexts.items():
        for cmd in BY_MODE[mode]:
            paths = [n.path for n in walk(cmd.syntax) if isinstance(n, Arg) and n.path]
            paths += [p for n in walk(cmd.syntax) if isinstance(n, Kw) for p, _ in n.set]
            for ctx in contexts:
                anchor = (*ctx, *(s.tag for s in cmd.anchor_steps))
                for path in paths:
                    tags = cmd.path(path)
                    for depth in range(1, len(tags)):
                        assert (*anchor, *tags[:depth]) not in found.paths, (cmd.id, path)
                    checked += 1
    assert checked > 300


@pytest.mark.parametrize(
    ("body", "ok"),
    [
        ("<username><name>jürgen!</name><privilege>5</privilege></username>", True),
        ("<username><name>a b</name></username>", False),
        ("<username><name></name></username>", False),
        ("<username><name>a&#9;b</name></username>", False),
        ("<username><name>x&#10;username root privilege 15 secret 0 x</name></username>", False),
        ("<username><name>u</name><password><encryption>0</encryption><password>p w ^C !</password></password>"
         "</username>", True),
        ("<username><name>u</name><password><encryption>0</encryption><password> pw</password></password>"
         "</username>", False),
        ("<snmp-server><ios-snmp:location>rack 3  row 2 ! ^C end</ios-snmp:location></snmp-server>", True),
        ("<snmp-server><ios-snmp:location> rack</ios-snmp:location></snmp-server>", False),
        ("<snmp-server><ios-snmp:location>rack&#x85;row</ios-snmp:location></snmp-server>", False),
        ("<snmp-server><ios-snmp:contact></ios-snmp:contact></snmp-server>", False),
        ("<snmp-server><ios-snmp:community-config><ios-snmp:name>c</ios-snmp:name>"
         "<ios-snmp:access-list-name>RO</ios-snmp:access-list-name></ios-snmp:community-config></snmp-server>", False),
        ("<snmp-server><ios-snmp:community-config><ios-snmp:name>c</ios-snmp:name><ios-snmp:permission>ro"
         "</ios-snmp:permission><ios-snmp:access-list-name>RO</ios-snmp:access-list-name></ios-snmp:community-config>"
         "</snmp-server>", True),
        (f"<ip><ssh><pubkey-chain><username><name>k</name><key-hash><key-type>ssh-rsa</key-type>"
         f"<key-hash-value>{HASH.lower()}</key-hash-value></key-hash></username></pubkey-chain></ssh></ip>", False),
        (f"<ip><ssh><pubkey-chain><username><name>k</name><key-hash><key-type>ssh-rsa</key-type>"
         f"<key-hash-value>{HASH}</key-hash-value></key-hash></username></pubkey-chain></ssh></ip>", True),
        (f'<crypto><key xmlns="{CRYPTO}"><pubkey-chain><rsa><named-key><name>K</name><key-string>'
         "<hex-data></hex-data></key-string></named-key></rsa></pubkey-chain></key></crypto>", False),
        (f'<crypto><key xmlns="{CRYPTO}"><pubkey-chain><rsa><named-key><name>K</name><key-string>'
         "<hex-data>30819f30</hex-data></key-string></named-key></rsa></pubkey-chain></key></crypto>", False),
        ("<aaa><ios-aaa:group><ios-aaa:server><ios-aaa:tacacsplus><ios-aaa:name>G 1</ios-aaa:name>"
         "</ios-aaa:tacacsplus></ios-aaa:server></ios-aaa:group></aaa>", False),
        ("<line><vty><first>0</first><location>a&#10;b</location></vty></line>", False),
    ],
)  # fmt: skip
def test_values_are_refused_exactly_when_the_text_does_not_carry_them(trees: Any, body: str, ok: bool) -> None:
    tree = trees.tree(body)
    assert (not unprintable(tree, trees.schema)) is ok, render_config(tree)


def _users(trees: Any) -> Any:
    keys = "".join(
        f"<username><name>{u}</name><key-hash><key-type>ssh-rsa</key-type><key-hash-value>{HASH}</key-hash-value>"
        "</key-hash></username>"
        for u in ("k1", "k2")
    )
    return trees.tree(
        "<hostname>R1</hostname><username><name>alice</name></username><username><name>bob</name>"
        f"<privilege>3</privilege></username><ip><ssh><time-out>60</time-out><pubkey-chain>{keys}</pubkey-chain>"
        "</ssh></ip>"
    )


def _lines(tree: Any) -> list[str]:
    fixed = {"version 17.12", "!", "boot-start-marker", "boot-end-marker", "no aaa new-model", "end"}
    return [line for line in render_config(tree).splitlines() if line not in fixed]


def test_the_excerpt_holds_only_the_changed_command_instances(trees: Any) -> None:
    tree = _users(trees)
    before = etree.tostring(tree)
    bob = next(u for u in tree.iter(f"{N}username") if u.findtext(f"{N}name") == "bob")
    assert _lines(excerpt(tree, [Focus(bob, True)], trees.schema)) == ["username bob privilege 3"]
    timeout = next(tree.iter(f"{N}time-out"))
    assert _lines(excerpt(tree, [Focus(timeout, True)], trees.schema)) == ["ip ssh time-out 60"]
    k2 = next(u for u in tree.iter(f"{N}username") if u.findtext(f"{N}name") == "k2")
    assert _lines(excerpt(tree, [Focus(k2, True)], trees.schema)) == [
        "ip ssh pubkey-chain",
        "  username k2",
        f"   key-hash ssh-rsa {HASH} ",
    ]
    assert unprintable(tree, trees.schema) == [] and etree.tostring(tree) == before  # read, never changed


def _txn(trees: Any, old: Any, new: Any) -> Transaction:
    return Transaction(old, new, diff(old, new, trees.schema), Origin(session_id=7, user="admin", face=Face.NETCONF))


def test_the_commit_check_refuses_with_the_ios_xe_error(trees: Any) -> None:
    old = _users(trees)
    new = trees.apply(old, trees.doc.cfg("<username><name>eve&#10;username root privilege 15</name></username>"))
    (error,) = PrintableCheck(trees.schema).check(_txn(trees, old, new))
    assert (error.tag, error.message, error.error_type) == ("invalid-value", REFUSED_MESSAGE, "application")
    assert error.path == "/ios:native/ios:username[ios:name='eve\nusername root privilege 15']/ios:name"
    assert error.info == ((f"{{{CISCO_IA_NS}}}severity", "error_cli"),)
    fine = trees.apply(old, trees.doc.cfg("<username><name>eve</name></username>"))
    assert PrintableCheck(trees.schema).check(_txn(trees, old, fine)) == []
    # the system's own transactions (startup at boot, reverts, recovery) are logged, never refused
    system = Transaction(old, new, diff(old, new, trees.schema), SYSTEM)
    assert PrintableCheck(trees.schema).check(system) == []


def test_a_deletion_checks_the_command_it_changes_again(trees: Any) -> None:
    """``snmp-server community c RO RO`` carries an access list called RO; without the permission before it the
    list name would read back as the permission."""
    body = (
        "<snmp-server><ios-snmp:community-config><ios-snmp:name>c</ios-snmp:name><ios-snmp:permission>ro"
        "</ios-snmp:permission><ios-snmp:access-list-name>RO</ios-snmp:access-list-name>"
        "</ios-snmp:community-config></snmp-server>"
    )
    old = trees.tree(body)
    new = trees.apply(
        old,
        trees.doc.cfg(
            "<snmp-server><ios-snmp:community-config><ios-snmp:name>c</ios-snmp:name>"
            '<ios-snmp:permission nc:operation="delete"/></ios-snmp:community-config></snmp-server>'
        ),
    )
    (error,) = PrintableCheck(trees.schema).check(_txn(trees, old, new))
    assert error.path is not None and error.path.endswith("/ios-snmp:access-list-name")


def test_the_cli_refuses_a_line_break_inside_a_line_argument() -> None:
    result = parse_line("snmp-server location lab\u2028username x privilege 15", CONFIG_MODE, None)
    assert result.edit is None and result.error is not None
    assert (result.error.kind, result.error.column) == ("invalid", len("snmp-server location lab"))
    assert parse_line("snmp-server location lab  row\t2", CONFIG_MODE, None).error is None
