"""The pyang -> compact schema loader, checked against IOSXE-YANG-REFERENCE.md node by node."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from iosxe_agent.device.names import AAA_NS, CRYPTO_NS, IA_NS, NATIVE_NS, RPC_NS, SNMP_NS
from iosxe_agent.yang.loader import SchemaLoadError, default_search_path, load_schema
from iosxe_agent.yang.schema import DATA_KINDS, Kind, SchemaNode, clark

HOSTNAME_PATTERN = r"([0-9.]*[A-Za-z\-_]+[A-Za-z0-9.\-_]*)"
VTY_PROTOCOLS = ("acercon", "lapb-ta", "lat", "mop", "nasi", "pad", "rlogin", "ssh", "telnet", "udptn", "v120")

L, LL, C, LS = Kind.LEAF, Kind.LEAF_LIST, Kind.CONTAINER, Kind.LIST

# path (NSMAP prefixes switch namespace), kind, expected attributes. Attribute names: base (type base), tname
# (type name), ranges, lengths, enums, default, keys (local names), max, presence, user (ordered-by user),
# status, mandatory, patterns.
REFERENCE: list[tuple[str, Kind, dict[str, Any]]] = [
    # §2 hostname, ip domain
    ("hostname", L, {"base": "string", "lengths": ((1, 246),), "patterns": (HOSTNAME_PATTERN,)}),
    ("ip/domain/name", L, {"base": "string", "lengths": ((1, 236),)}),
    ("ip/domain/lookup", L, {"base": "boolean", "default": ("true",)}),
    ("ip/domain/list/domain-name", LL, {"base": "string"}),
    ("ip/domain/periodic-resolve", L, {"base": "uint32", "ranges": ((30, 3000),), "default": ("240",)}),
    ("ip/domain/timeout", L, {"base": "uint16", "ranges": ((1, 3600),), "default": ("5",)}),
    # §3 ip ssh
    ("ip/ssh/authentication-retries", L, {"base": "uint8", "ranges": ((0, 5),), "default": ()}),
    ("ip/ssh/client/algorithm/encryption/aes128-ctr", L, {"base": "empty"}),
    ("ip/ssh/client/algorithm/encryption/aes256-ctr", L, {"base": "empty"}),
    ("ip/ssh/dscp", L, {"base": "uint8", "ranges": ((0, 63),)}),
    ("ip/ssh/dh/min/size", L, {"base": "enumeration", "enums": ("2048", "4096"), "default": ("2048",)}),
    ("ip/ssh/logging/events-enable", L, {"base": "boolean", "default": ("true",)}),
    ("ip/ssh/logging/events", L, {"base": "empty", "status": "deprecated"}),
    ("ip/ssh/pubkey-chain/username", LS, {"keys": ("name",), "max": 15}),
    ("ip/ssh/pubkey-chain/username/name", L, {"base": "string"}),
    ("ip/ssh/pubkey-chain/username/key-hash", LS, {"keys": ("key-type", "key-hash-value"), "max": 2}),
    ("ip/ssh/pubkey-chain/username/key-hash/key-type", L, {"base": "enumeration", "enums": ("ssh-rsa",)}),
    ("ip/ssh/pubkey-chain/username/key-hash/key-hash-value", L, {"base": "string", "patterns": ()}),
    ("ip/ssh/precedence", L, {"base": "uint8", "ranges": ((0, 7),)}),
    ("ip/ssh/rsa/keypair-name", L, {"base": "string"}),
    ("ip/ssh/server/algorithm/encryption/aes256-ctr", L, {"base": "empty"}),
    ("ip/ssh/server/peruser/session/limit", L, {"base": "uint8", "ranges": ((1, 16),)}),
    ("ip/ssh/source-interface-config/Loopback", L, {"base": "uint32", "ranges": ((0, 2147483647),)}),
    ("ip/ssh/source-interface-config/GigabitEthernet", L, {"base": "string"}),
    ("ip/ssh/source-interface-config/Vlan", L, {"base": "uint16"}),
    ("ip/ssh/source-interface", L, {"base": "string", "status": "deprecated"}),
    ("ip/ssh/time-out", L, {"base": "uint8", "ranges": ((1, 120),), "default": ()}),
    ("ip/ssh/ssh-version", L, {"base": "enumeration", "enums": ("2",), "default": ("2",)}),
    ("ip/ssh/version", L, {"base": "uint8", "ranges": ((1, 2),), "status": "deprecated"}),
    ("ip/ssh/maxstartups", L, {"base": "uint8", "ranges": ((2, 128),)}),
    ("ip/ssh/port", LS, {"keys": ("port-no",)}),
    ("ip/ssh/port/port-no", L, {"base": "uint16", "ranges": ((2000, 10000),)}),
    ("ip/ssh/port/low-rotary", L, {"base": "uint8", "ranges": ((1, 127),)}),
    ("ip/ssh/port/high-rotary", L, {"base": "uint8", "ranges": ((1, 127),)}),
    ("ip/ssh/bulk-mode", C, {"presence": True}),
    ("ip/ssh/bulk-mode/window-size", L, {"base": "uint32", "ranges": ((131072, 1073741824),), "default": ("131072",)}),
    # §4 ip scp
    ("ip/scp/server/enable", L, {"base": "empty"}),
    # §5 username, enable
    ("username", LS, {"keys": ("name",), "max": None, "user": False}),
    ("username/name", L, {"base": "string"}),
    ("username/privilege", L, {"base": "uint8", "ranges": ((0, 15),)}),
    ("username/view", L, {"base": "string"}),
    ("username/one-time", L, {"base": "empty"}),
    ("username/password/encryption", L, {"base": "enumeration", "enums": ("0", "7", "6"), "default": ()}),
    ("username/password/password", L, {"base": "string", "patterns": (".*",)}),
    ("username/secret/encryption", L, {"base": "enumeration", "enums": ("0", "5", "8", "9")}),
    ("username/secret/secret", L, {"base": "string"}),
    ("username/ios-aaa:common-criteria-policy/common-criteria-policy", L, {"base": "string"}),
    ("username/ios-aaa:aaa/attribute/list", L, {"base": "leafref"}),
    ("enable/password/type", L, {"base": "enumeration", "enums": ("0", "6", "7")}),
    ("enable/last-resort", L, {"base": "enumeration", "enums": ("password", "succeed")}),
    ("enable/secret/type", L, {"base": "enumeration", "enums": ("0", "4", "5", "8", "9")}),
    ("enable/use-tacacs", L, {"base": "empty"}),
    # §6 aaa (all children in the aaa namespace)
    ("aaa/ios-aaa:new-model", L, {"base": "empty"}),
    ("aaa/ios-aaa:session-id", L, {"base": "enumeration", "enums": ("common", "unique"), "default": ("common",)}),
    ("aaa/ios-aaa:authentication/login", LS, {"keys": ("name",)}),
    ("aaa/ios-aaa:authentication/login/name", L, {"base": "union"}),
    ("aaa/ios-aaa:authentication/login/a1/local", L, {"base": "empty"}),
    ("aaa/ios-aaa:authentication/login/a1/none", L, {"base": "empty"}),
    ("aaa/ios-aaa:authentication/login/a1/group", L, {"base": "union"}),
    ("aaa/ios-aaa:authentication/login/a4/group", L, {"base": "union"}),
    ("aaa/ios-aaa:authorization/exec", LS, {"keys": ("name",)}),
    ("aaa/ios-aaa:authorization/exec/a1/if-authenticated", L, {"base": "empty"}),
    ("aaa/ios-aaa:authorization/commands", LS, {"keys": ("level", "list-name")}),
    ("aaa/ios-aaa:authorization/commands/level", L, {"base": "uint8", "ranges": ((0, 15),)}),
    ("aaa/ios-aaa:accounting/exec", LS, {"keys": ("name",)}),
    ("aaa/ios-aaa:accounting/exec/start-stop/group1/group", L, {"base": "union"}),
    ("aaa/ios-aaa:group/server/tacacsplus", LS, {"keys": ("name",)}),
    ("aaa/ios-aaa:group/server/tacacsplus/server/name", LS, {"keys": ("name",), "user": True}),
    ("aaa/ios-aaa:group/server/tacacsplus/timeout", L, {"base": "uint32", "ranges": ((1, 1000),)}),
    ("aaa/ios-aaa:group/server/radius/server/name", LS, {"keys": ("name",), "user": True}),
    ("aaa/ios-aaa:common-criteria", LS, {"keys": ("policy",)}),
    ("aaa/ios-aaa:attribute/list", LS, {"keys": ("name",)}),
    ("tacacs/ios-aaa:server", LS, {"keys": ("name",)}),
    ("tacacs/ios-aaa:server/port", L, {"base": "uint16", "default": ("49",)}),
    ("tacacs/ios-aaa:server/timeout", L, {"base": "uint16", "ranges": ((1, 1000),)}),
    ("tacacs/ios-aaa:server/key/encryption", L, {"base": "enumeration", "enums": ("0", "7", "6")}),
    ("tacacs/ios-aaa:server/address/ipv4", L, {"base": "union"}),
    ("tacacs-server/ios-aaa:timeout", L, {"base": "uint16", "ranges": ((1, 1000),)}),
    ("tacacs-server/ios-aaa:directed-request", C, {"presence": True}),
    ("radius/ios-aaa:server", LS, {"keys": ("id",)}),
    ("radius/ios-aaa:server/address/auth-port", L, {"base": "uint16", "default": ("1812",)}),
    ("radius/ios-aaa:server/address/acct-port", L, {"base": "uint16", "default": ("1813",)}),
    ("radius/ios-aaa:server/retransmit", L, {"base": "uint8", "ranges": ((0, 100),)}),
    # §7 crypto (config side)
    ("crypto/ios-crypto:key/pubkey-chain/rsa/addressed-key", LS, {"keys": ("ip",)}),
    ("crypto/ios-crypto:key/pubkey-chain/rsa/named-key", LS, {"keys": ("name",)}),
    ("crypto/ios-crypto:key/storage", L, {"base": "string"}),
    # §8 snmp
    ("snmp-server/ios-snmp:host-config/ip-community", LS, {"keys": ("ip-address", "community-or-user")}),
    ("snmp-server/ios-snmp:host-config/ip-community/ip-address", L, {"base": "union", "tname": "ios-types:host-type"}),
    ("snmp-server/ios-snmp:host-config/ip-community/informs", L, {"base": "empty"}),
    ("snmp-server/ios-snmp:host-config/ip-community/traps", L, {"base": "empty"}),
    ("snmp-server/ios-snmp:host-config/ip-community/version", L, {"base": "enumeration", "enums": ("1", "2c", "3")}),
    ("snmp-server/ios-snmp:host-config/ip-community/trap-enable/tty", L, {"base": "empty"}),
    (
        "snmp-server/ios-snmp:host-config/ip-community-port",
        LS,
        {"keys": ("ip-address", "community-or-user", "udp-port")},
    ),
    ("snmp-server/ios-snmp:enable/enable-choice", C, {"presence": False}),
    ("snmp-server/ios-snmp:enable/enable-choice/traps", C, {"presence": True}),
    ("snmp-server/ios-snmp:enable/enable-choice/traps/tty", L, {"base": "empty"}),
    ("snmp-server/ios-snmp:community-config", LS, {"keys": ("name",)}),
    ("snmp-server/ios-snmp:community-config/permission", L, {"base": "enumeration", "enums": ("ro", "rw")}),
    # §9 line
    ("line/vty", LS, {"keys": ("first",)}),
    ("line/vty/first", L, {"base": "uint16", "ranges": ((0, 1869),)}),
    ("line/vty/last", L, {"base": "uint16", "ranges": ((1, 1869),)}),
    ("line/vty/exec-timeout/minutes", L, {"base": "uint32", "ranges": ((0, 35791),)}),
    ("line/vty/exec-timeout/seconds", L, {"base": "uint32", "ranges": ((0, 2147483),)}),
    ("line/vty/login/local", L, {"base": "empty"}),
    ("line/vty/login/authentication", L, {"base": "string", "default": ("default",)}),
    ("line/vty/transport/input/all", L, {"base": "empty"}),
    ("line/vty/transport/input/none", L, {"base": "empty"}),
    ("line/vty/transport/input/input", LL, {"base": "enumeration", "enums": VTY_PROTOCOLS, "user": True}),
    ("line/vty/access-class/acccess-list", LS, {"keys": ("direction",)}),
    ("line/vty/access-class/acccess-list/access-list", L, {"mandatory": True}),
    ("line/vty/privilege/level/number", L, {"base": "uint8", "ranges": ((0, 15),)}),
    ("line/vty/autocommand/line", L, {"base": "string"}),
    ("line/console", LS, {"keys": ("first",), "max": 1}),
    ("line/console/first", L, {"base": "enumeration", "enums": ("0",)}),
]

NS_OF_PREFIX = {"ios": NATIVE_NS, "ios-aaa": AAA_NS, "ios-snmp": SNMP_NS, "ios-crypto": CRYPTO_NS}


def lookup(schema: Any, path: str) -> SchemaNode:
    """Follow ``path`` from /native; a ``prefix:`` switches the namespace for that step and the rest."""
    node: SchemaNode | None = schema.root.child(clark(NATIVE_NS, "native"))
    ns = NATIVE_NS
    for step in path.split("/"):
        prefix, _, name = step.rpartition(":")
        if prefix:
            ns = NS_OF_PREFIX[prefix]
        assert node is not None
        node = node.child(clark(ns, name))
        assert node is not None, f"{step} of {path} is missing"
    assert node is not None
    return node


@pytest.mark.parametrize(("path", "kind", "expect"), REFERENCE, ids=[r[0] for r in REFERENCE])
def test_reference_node(ios: Any, path: str, kind: Kind, expect: dict[str, Any]) -> None:
    node = lookup(ios.schema, path)
    assert node.kind is kind
    assert node.config
    t = node.type
    checks = {
        "base": lambda: t.base,
        "tname": lambda: t.name,
        "ranges": lambda: t.ranges,
        "lengths": lambda: t.lengths,
        "enums": lambda: t.enums,
        "patterns": lambda: tuple(p.regex for p in t.patterns),
        "default": lambda: node.default,
        "keys": lambda: tuple(k.rpartition("}")[2] for k in node.keys),
        "max": lambda: node.max_elements,
        "presence": lambda: node.presence,
        "user": lambda: node.ordered_by_user,
        "status": lambda: node.status,
        "mandatory": lambda: node.mandatory,
    }
    for attr, want in expect.items():
        assert checks[attr]() == want, f"{path}: {attr}"
    if kind in (Kind.LEAF, Kind.LEAF_LIST):
        assert t is not None
    if kind is Kind.LIST:
        # every key is a leaf child of the list, in key order, in the list's namespace
        for k in node.keys:
            key = node.child(k)
            assert key is not None and key.kind is Kind.LEAF and key.is_key


def test_reference_node_is_not_obsolete_noise(ios: Any) -> None:
    # the line console `transport input` is obsolete in the model; vty's is current
    assert lookup(ios.schema, "line/console/transport/input").status == "obsolete"
    assert lookup(ios.schema, "line/vty/transport/input").status == "current"


@pytest.mark.parametrize(
    ("path", "ns"),
    [
        ("aaa", NATIVE_NS),
        ("aaa/ios-aaa:new-model", AAA_NS),
        ("aaa/ios-aaa:authentication", AAA_NS),
        ("aaa/ios-aaa:authentication/login/a1/local", AAA_NS),
        ("tacacs", NATIVE_NS),
        ("tacacs/ios-aaa:server", AAA_NS),
        ("username/ios-aaa:common-criteria-policy", AAA_NS),
        ("username/secret", NATIVE_NS),
        ("snmp-server", NATIVE_NS),
        ("snmp-server/ios-snmp:host-config/ip-community/trap-enable/tty", SNMP_NS),
        ("crypto", NATIVE_NS),
        ("crypto/ios-crypto:key/pubkey-chain", CRYPTO_NS),
        ("ip/ssh/source-interface-config/Loopback", NATIVE_NS),  # a grouping used from another module
    ],
)
def test_augment_nodes_carry_the_augmenting_namespace(ios: Any, path: str, ns: str) -> None:
    node = lookup(ios.schema, path)
    assert node.ns == ns
    assert node.tag == clark(ns, node.name)
    prefix = {NATIVE_NS: "ios", AAA_NS: "ios-aaa", SNMP_NS: "ios-snmp", CRYPTO_NS: "ios-crypto"}[ns]
    assert node.prefix == prefix


def test_module_names_of_augment_nodes(ios: Any) -> None:
    assert lookup(ios.schema, "aaa/ios-aaa:new-model").module == "Cisco-IOS-XE-aaa"
    assert lookup(ios.schema, "ip/ssh/time-out").module == "Cisco-IOS-XE-native"  # submodule -> its module
    assert lookup(ios.schema, "snmp-server/ios-snmp:host-config").module == "Cisco-IOS-XE-snmp"


def test_paths_use_the_defining_prefixes(ios: Any) -> None:
    node = lookup(ios.schema, "aaa/ios-aaa:authentication/login/a2")
    assert node.path() == "/ios:native/ios:aaa/ios-aaa:authentication/ios-aaa:login/ios-aaa:a2"
    assert lookup(ios.schema, "line/vty/transport/input/input").path() == (
        "/ios:native/ios:line/ios:vty/ios:transport/ios:input/ios:input"
    )


def test_choices_wrap_shorthand_cases(ios: Any) -> None:
    inp = lookup(ios.schema, "line/vty/transport/input")
    [choice] = inp.children
    assert choice.kind is Kind.CHOICE and choice.name == "input-protocol"
    assert [c.kind for c in choice.children] == [Kind.CASE] * 3
    assert [c.name for c in choice.children] == ["all-protocol", "no-protocol", "other-protocol"]
    leaf_list = inp.child(clark(NATIVE_NS, "input"))
    assert leaf_list is not None
    assert leaf_list.parent is not None and leaf_list.parent.kind is Kind.CASE
    assert leaf_list.data_parent is inp
    assert [(ch.name, ca.name) for ch, ca in leaf_list.choice_ancestry()] == [("input-protocol", "other-protocol")]
    # aaa a1 uses shorthand cases (a leaf directly under the choice): each gets a synthetic case of its name
    a1 = lookup(ios.schema, "aaa/ios-aaa:authentication/login/a1")
    [login_choice] = a1.children
    for case in login_choice.children:
        assert case.kind is Kind.CASE
        assert [c.name for c in case.children] == [case.name]
        assert case.children[0].parent is case
    # data children are indexed straight through choice and case
    methods = ("none", "krb5", "krb5-telnet", "line", "enable", "local", "local-case", "group", "cache")
    assert set(a1.data_children) == {clark(AAA_NS, n) for n in methods}


def test_every_node_under_a_choice_has_a_case_parent(ios: Any) -> None:
    for node in ios.schema.root.walk():
        if node.kind is Kind.CHOICE:
            assert node.children and all(c.kind is Kind.CASE for c in node.children), node.path()


def test_order_index_follows_schema_order(ios: Any) -> None:
    ssh = lookup(ios.schema, "ip/ssh")
    names = [n.name for n in sorted(ssh.data_children.values(), key=lambda n: n.order_index)]
    assert names == [
        "authentication-retries", "client", "dscp", "dh", "logging", "pubkey-chain", "precedence", "rsa",
        "server", "source-interface-config", "source-interface", "time-out", "ssh-version", "version",
        "maxstartups", "port", "bulk-mode", "stricthostkeycheck",  # the device-private augment comes last
    ]  # fmt: skip
    ip = lookup(ios.schema, "ip")
    ip_order = [n.name for n in ip.data_children.values()]
    assert ip_order.index("domain") < ip_order.index("route") < ip_order.index("scp") < ip_order.index("ssh")
    native = ios.schema.root.child(clark(NATIVE_NS, "native"))
    order = [n.name for n in native.data_children.values()]
    assert order.index("hostname") < order.index("username") < order.index("ip") < order.index("aaa")
    # every data_children mapping is in order_index order, 0..n-1, through choices
    for node in ios.schema.root.walk():
        if node.kind in DATA_KINDS or node.kind is Kind.MODULE:
            assert [c.order_index for c in node.data_children.values()] == list(range(len(node.data_children)))
    vty_input = lookup(ios.schema, "line/vty/transport/input")
    assert [c.name for c in vty_input.data_children.values()] == ["all", "none", "input"]


def test_when_and_must_are_kept(ios: Any) -> None:
    a2 = lookup(ios.schema, "aaa/ios-aaa:authentication/login/a2")
    assert [w.xpath for w in a2.when] == ["not(../a1/none)"]
    assert not a2.when[0].context_is_parent
    ccp = lookup(ios.schema, "username/ios-aaa:common-criteria-policy/common-criteria-policy")
    [must] = ccp.musts
    assert "common-criteria" in must.xpath and must.error_message == "Configure common-criteria policy before using it"
    assert ccp.prefixes["ios"] == NATIVE_NS and ccp.prefixes["ios-aaa"] == AAA_NS
    group = lookup(ios.schema, "aaa/ios-aaa:authorization/commands/a1/group")
    assert group.musts and group.musts[0].error_message is not None


def test_leafref_target_is_resolved(ios: Any) -> None:
    ref = lookup(ios.schema, "username/ios-aaa:aaa/attribute/list")
    assert ref.type.leafref_path == "/ios:native/ios:aaa/ios-aaa:attribute/ios-aaa:list/ios-aaa:name"
    assert ref.type.leafref_target is lookup(ios.schema, "aaa/ios-aaa:attribute/list/name")
    assert ref.type.require_instance


def test_union_members(ios: Any) -> None:
    host = lookup(ios.schema, "snmp-server/ios-snmp:host-config/ip-community/ip-address").type
    assert [m.name for m in host.members] == ["inet:ip-address", "inet:domain-name"]
    ip = host.members[0]
    assert ip.base == "union" and [m.name for m in ip.members] == ["inet:ipv4-address", "inet:ipv6-address"]
    assert all(m.base == "string" and m.patterns for m in ip.members)
    name = lookup(ios.schema, "aaa/ios-aaa:authentication/login/name").type
    assert [m.base for m in name.members] == ["enumeration", "string"]
    assert name.members[0].enums == ("default",)
    assert name.members[1].lengths == ((1, 31),)


def test_rpcs_present_with_input_and_output(ios: Any) -> None:
    schema = ios.schema
    save = clark(IA_NS, "save-config")
    assert save in schema.rpcs
    assert schema.rpc_input(save) is not None and not schema.rpc_input(save).data_children
    result = schema.rpc_output(save).child(clark(IA_NS, "result"))
    assert result is not None and result.type.base == "string"

    copy = clark(RPC_NS, "copy")
    inp = schema.rpc_input(copy)
    assert [c.name for c in inp.data_children.values()] == [
        "source-drop-node-name",
        "_source",
        "destination-drop-node-name",
        "_destination",
    ]
    src = inp.child(clark(RPC_NS, "source-drop-node-name"))
    assert src.type.patterns and src.parent is not None and src.parent.parent is not None
    assert src.parent.parent.kind is Kind.CHOICE and src.parent.parent.mandatory  # 17.x or 16.x name, one of them
    assert inp.child(clark(RPC_NS, "_source")).status == "deprecated"
    assert schema.rpc_output(copy).child(clark(RPC_NS, "result")) is not None

    crypto = clark(RPC_NS, "crypto")
    cin = schema.rpc_input(crypto)
    rsa = cin.child(clark(RPC_NS, "generate")).child(clark(RPC_NS, "rsa"))
    assert rsa.kind is Kind.CONTAINER and rsa.presence
    modulus = rsa.child(clark(RPC_NS, "modulus"))
    assert modulus.type.base == "uint16" and modulus.type.ranges == ((360, 4096),)
    zeroize = cin.child(clark(RPC_NS, "key")).child(clark(RPC_NS, "zeroize")).child(clark(RPC_NS, "rsa"))
    assert zeroize.kind is Kind.LEAF and zeroize.type.base == "string"
    assert schema.rpc_output(crypto).child(clark(RPC_NS, "result")) is not None

    rollback = schema.rpc_input(clark(IA_NS, "rollback"))
    assert rollback.child(clark(IA_NS, "target-url")).mandatory
    assert rollback.child(clark(IA_NS, "verbose")).default == ("false",)
    assert schema.rpc_input(clark(RPC_NS, "nosuch")) is None and schema.rpc_output(clark(RPC_NS, "nosuch")) is None
    for name in ("sync-from", "checkpoint", "revert", "is-syncing"):
        assert clark(IA_NS, name) in schema.rpcs


def test_rpc_nodes_do_not_join_the_data_tree(ios: Any) -> None:
    assert ios.schema.root.child(clark(RPC_NS, "copy")) is None
    # the configuration roots: native, ietf-event-notifications' configured-subscription containers and
    # Cisco-IOS-XE-gnmi-cfg's gnmi-cfg-data (as on 17.12); the IETF modules add state roots (netconf-state …)
    en = "urn:ietf:params:xml:ns:yang:ietf-event-notifications"
    assert {t for t, c in ios.schema.root.data_children.items() if c.config} == {
        clark(NATIVE_NS, "native"),
        clark(en, "filters"),
        clark(en, "subscription-config"),
        clark("http://cisco.com/ns/yang/Cisco-IOS-XE-gnmi-cfg", "gnmi-cfg-data"),
    }


def test_modules_and_submodules(ios: Any) -> None:
    mods = ios.schema.modules
    native = mods["Cisco-IOS-XE-native"]
    assert native.ns == NATIVE_NS and native.prefix == "ios" and native.revision == "2023-07-01"
    assert native.yang_version == "1.1" and native.implemented and not native.is_submodule
    submodules = {name: "2023-07-01" for name in ("Cisco-IOS-XE-ip", "Cisco-IOS-XE-line", "Cisco-IOS-XE-interfaces")}
    assert submodules.items() <= dict(native.submodules).items()
    ip = mods["Cisco-IOS-XE-ip"]
    assert ip.is_submodule and ip.belongs_to == "Cisco-IOS-XE-native" and ip.ns == NATIVE_NS
    assert mods["cisco-ia"].yang_version == "1" and mods["cisco-ia"].ns == IA_NS
    assert not mods["ietf-inet-types"].implemented  # imported only
    assert ios.schema.prefix_to_ns["ios-aaa"] == AAA_NS and ios.schema.ns_to_prefix[SNMP_NS] == "ios-snmp"
    assert Path(native.path).name == "Cisco-IOS-XE-native.yang"


# -------------------------------------------------------------------------------- the synthetic module


def test_edge_types_and_constraints(edge: Any) -> None:
    top = edge.node("top")
    assert edge.node("top", "ratio").type.ranges == ((Decimal("0"), Decimal("100")),)
    assert edge.node("top", "ratio").type.fraction_digits == 2
    assert edge.node("top", "ratio").type.name == "percent"
    assert edge.node("top", "flags").type.bits == ("lock", "auto-negotiate", "fast")
    assert edge.node("top", "blob").type.lengths == ((1, 4),)
    assert edge.node("top", "alg").type.identity_bases == ("{urn:test:edge}crypto-alg",)
    label = edge.node("top", "label").type
    assert [(p.regex, p.invert) for p in label.patterns] == [("[a-z]+", False), ("x.*", True)]
    assert edge.node("top", "counter").type.ranges == ((-10, -1), (1, 10))
    assert edge.node("top", "big").type.ranges == ()
    assert edge.node("top", "port").default == ("830",)  # from the typedef
    assert not edge.node("top", "state").config and not edge.node("top", "state", "uptime").config
    rule = edge.node("top", "rule")
    assert rule.ordered_by_user and rule.unique == (("prio",),)
    assert edge.node("top", "rule", "action").mandatory
    pair = edge.node("top", "pair")
    assert (pair.min_elements, pair.max_elements) == (1, 3)
    assert pair.keys == ("{urn:test:edge}a", "{urn:test:edge}b")
    choice = next(c for c in top.children if c.kind is Kind.CHOICE)
    assert choice.default == ("tcp",)
    assert [c.name for c in choice.children] == ["tcp", "udp", "raw"]
    assert edge.node("top", "blobdata").kind is Kind.ANYDATA


def test_edge_identities(edge: Any) -> None:
    ids = edge.schema.identities
    base = ids["{urn:test:edge}crypto-alg"]
    assert base.derived == {"{urn:test:edge}rsa", "{urn:test:edge}rsa-sha2", "{urn:test:edge}ecdsa"}
    assert ids["{urn:test:edge}rsa"].derived == {"{urn:test:edge}rsa-sha2"}
    assert ids["{urn:test:edge}rsa-sha2"].bases == ("{urn:test:edge}rsa",)
    assert ids["{urn:test:edge}other"].derived == set()


def test_edge_rpc_and_notification(edge: Any) -> None:
    ping = "{urn:test:edge}ping"
    inp = edge.schema.rpc_input(ping)
    assert [c.name for c in inp.data_children.values()] == ["host", "count"]
    assert inp.child("{urn:test:edge}host").mandatory
    assert inp.child("{urn:test:edge}count").default == ("5",)
    assert edge.schema.rpc_output(ping).child("{urn:test:edge}rtt").type.base == "uint32"
    notif = edge.schema.notifications["{urn:test:edge}pinged"]
    assert notif.kind is Kind.NOTIFICATION and notif.child("{urn:test:edge}host") is not None


# -------------------------------------------------------------------------------------------- failures


def _write(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / f"{name}.yang").write_text(text)
    return tmp_path


def test_broken_module_raises(tmp_path: Path) -> None:
    _write(tmp_path, "broken", 'module broken { namespace "urn:b"; prefix b; container c { leaf x { type nosuch; } } }')
    with pytest.raises(SchemaLoadError, match="nosuch"):
        load_schema(default_search_path(tmp_path), ["broken"])


def test_syntax_error_raises(tmp_path: Path) -> None:
    _write(tmp_path, "garbled", 'module garbled { namespace "urn:g"; prefix g; container c { leaf x { type string; }')
    with pytest.raises(SchemaLoadError):
        load_schema(default_search_path(tmp_path), ["garbled"])


def test_bad_reference_raises(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "badref",
        'module badref { namespace "urn:r"; prefix r; container c { leaf x { type leafref { path "../nope"; } } } }',
    )
    with pytest.raises(SchemaLoadError):
        load_schema(default_search_path(tmp_path), ["badref"])


def test_missing_module_raises(tmp_path: Path) -> None:
    with pytest.raises(SchemaLoadError, match="module nosuch-module not found"):
        load_schema([tmp_path], ["nosuch-module"])
