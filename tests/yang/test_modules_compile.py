"""Our YANG modules compile with pyang and yanglint, carry Cisco's identities, and accept/reject instances.

Instance documents live in tests/yang/data/:
  good_*.xml      configuration (a <native> root) that yanglint -t config must accept
  bad_*.xml       configuration that must be rejected, for the reason listed in BAD_CONFIG
  rpc_good_*.xml  RPC input that yanglint -t rpc must accept
  rpc_bad_*.xml   RPC input that must be rejected, for the reason listed in BAD_RPC
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
YANG_DIR = ROOT / "yang"
DATA_DIR = Path(__file__).resolve().parent / "data"
YANGCHECK = ROOT / "tools" / "yangcheck"

YANGLINT = shutil.which("yanglint")
needs_yanglint = pytest.mark.skipif(YANGLINT is None, reason="yanglint not installed (Debian package libyang2-tools)")


def _load_yangcheck() -> ModuleType:
    loader = importlib.machinery.SourceFileLoader("yangcheck", str(YANGCHECK))
    spec = importlib.util.spec_from_loader("yangcheck", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("yangcheck", module)
    loader.exec_module(module)
    return module


yangcheck = _load_yangcheck()

NS = "http://cisco.com/ns/yang/"
NATIVE = "Cisco-IOS-XE-native"
IETF = "urn:ietf:params:xml:ns:yang:"

# (module, kind, namespace or belongs-to, prefix, revision, yang-version)
MODULES = [
    ("Cisco-IOS-XE-native", "module", NS + "Cisco-IOS-XE-native", "ios", "2023-07-01", "1.1"),
    ("Cisco-IOS-XE-ip", "submodule", "Cisco-IOS-XE-native", "ios", "2023-07-01", "1.1"),
    ("Cisco-IOS-XE-line", "submodule", "Cisco-IOS-XE-native", "ios", "2023-07-01", "1.1"),
    ("Cisco-IOS-XE-logging", "submodule", "Cisco-IOS-XE-native", "ios", "2023-03-01", "1.1"),
    ("Cisco-IOS-XE-license", "submodule", "Cisco-IOS-XE-native", "ios", "2022-11-01", "1.1"),
    ("Cisco-IOS-XE-platform", "module", NS + "Cisco-IOS-XE-platform", "ios-plt", "2023-07-01", "1.1"),
    ("Cisco-IOS-XE-call-home", "module", NS + "Cisco-IOS-XE-call-home", "ios-ch", "2022-11-01", "1.1"),
    ("Cisco-IOS-XE-diagnostics", "module", NS + "Cisco-IOS-XE-diagnostics", "ios-diag", "2022-11-01", "1.1"),
    ("Cisco-IOS-XE-ppp", "module", NS + "Cisco-IOS-XE-ppp", "ios-ppp", "2022-11-01", "1.1"),
    ("Cisco-IOS-XE-http", "module", NS + "Cisco-IOS-XE-http", "ios-http", "2022-11-01", "1.1"),
    ("Cisco-IOS-XE-ntp", "module", NS + "Cisco-IOS-XE-ntp", "ios-ntp", "2022-11-01", "1.1"),
    ("Cisco-IOS-XE-gnmi-cfg", "module", NS + "Cisco-IOS-XE-gnmi-cfg", "gnmi-cfg", "2022-11-01", "1.1"),
    ("Cisco-IOS-XE-interfaces", "submodule", "Cisco-IOS-XE-native", "ios", "2023-07-01", "1.1"),
    ("Cisco-IOS-XE-ethernet", "module", NS + "Cisco-IOS-XE-ethernet", "ios-eth", "2023-07-01", "1.1"),
    ("Cisco-IOS-XE-types", "module", NS + "Cisco-IOS-XE-types", "ios-types", "2023-07-01", "1.1"),
    (
        "Cisco-IOS-XE-interface-common",
        "module",
        NS + "Cisco-IOS-XE-interface-common",
        "ios-ifc",
        "2023-07-01",
        "1.1",
    ),
    ("Cisco-IOS-XE-aaa", "module", NS + "Cisco-IOS-XE-aaa", "ios-aaa", "2023-07-01", "1.1"),
    ("Cisco-IOS-XE-snmp", "module", NS + "Cisco-IOS-XE-snmp", "ios-snmp", "2022-11-01", "1.1"),
    (
        "Cisco-IOS-XE-crypto",
        "module",
        NS + "Cisco-IOS-XE-crypto",
        "ios-crypto",
        "2023-07-01",
        "1.1",
    ),
    ("Cisco-IOS-XE-rpc", "module", NS + "Cisco-IOS-XE-rpc", "ios-xe-rpc", "2022-11-01", "1.1"),
    ("Cisco-IOS-XE-crypto-rpc", "submodule", "Cisco-IOS-XE-rpc", "ios-xe-rpc", "2022-11-01", "1.1"),
    ("cisco-ia", "module", "http://cisco.com/yang/cisco-ia", "cisco-ia", "2021-11-01", None),
    ("notifications", "module", "urn:ietf:params:xml:ns:netconf:notification:1.0", "ncEvent", "2008-07-14", None),
    ("nc-notifications", "module", "urn:ietf:params:xml:ns:netmod:notification", "manageEvent", "2008-07-14", None),
    ("ietf-event-notifications", "module", IETF + "ietf-event-notifications", "notif-bis", "2016-10-27", None),
    ("ietf-yang-push", "module", IETF + "ietf-yang-push", "yp", "2021-03-01", None),
    (
        "cisco-xe-ietf-event-notifications-deviation",
        "module",
        NS + "cisco-xe-ietf-event-notifications-deviation",
        "notif-bis-devs",
        "2018-12-03",
        None,
    ),
    (
        "cisco-xe-ietf-yang-push-deviation",
        "module",
        NS + "cisco-xe-ietf-yang-push-deviation",
        "yp-devs",
        "2018-12-03",
        None,
    ),
    ("ietf-restconf-monitoring", "module", IETF + "ietf-restconf-monitoring", "rcmon", "2017-01-26", None),
    # ours: the device-private configuration (CLI-only commands), hidden from NETCONF
    ("iosxe-agent-private", "module", "urn:iosxe-agent:params:xml:ns:yang:private", "priv", "2026-12-07", "1.1"),
]

BAD_CONFIG = {
    "bad_ssh_timeout_121.xml": "out of the allowed range",
    "bad_ssh_auth_retries_6.xml": "out of the allowed range",
    "bad_ssh_dh_min_1024.xml": 'Invalid enumeration value "1024"',
    "bad_hostname_digits.xml": "Unsatisfied pattern",
    "bad_aaa_a2_after_none.xml": 'When condition "not(../a1/none)" not satisfied',
    "bad_aaa_local_twice.xml": "When condition",
    "bad_aaa_commands_group_not_tacacs.xml": "Not a tacacs+ server group",
    "bad_aaa_wrong_namespace.xml": 'Node "new-model" not found',
    "bad_aaa_group_as_container.xml": 'inside a terminal node "group"',
    "bad_username_policy_missing.xml": "Configure common-criteria policy before using it",
    "bad_pubkey_three_hashes.xml": 'Too many "key-hash" instances',
    "bad_unknown_element.xml": 'Node "stricthostkeycheck" not found',
    "bad_vty_transport_both.xml": "Data for both cases",
    "bad_snmp_informs_and_traps.xml": 'Data for both cases "informs" and "traps"',
}

BAD_RPC = {
    "rpc_bad_crypto_modulus.xml": "out of the allowed range",
    "rpc_bad_copy_both_names.xml": 'Data for both cases "source-drop-node-name" and "_source"',
    "rpc_bad_copy_missing_destination.xml": 'Mandatory choice "destination-choice"',
    "rpc_bad_copy_pattern.xml": "Unsatisfied pattern",
    "rpc_bad_rollback_no_url.xml": 'Mandatory node "target-url"',
    "rpc_bad_default_empty.xml": 'Mandatory choice "default-choice"',
}


def _data(prefix: str) -> list[str]:
    return sorted(p.name for p in DATA_DIR.glob(f"{prefix}*.xml"))


# ---------------------------------------------------------------------------------------------- pyang


@pytest.fixture(scope="module")
def ietf_dir() -> Path:
    found = yangcheck.pyang_ietf_dir()
    assert found is not None, "pyang's IETF module directory not found"
    return found


@pytest.fixture(scope="module")
def ctx(ietf_dir: Path) -> Any:
    import pyang.context
    import pyang.repository

    repo = pyang.repository.FileRepository(
        os.pathsep.join([str(YANG_DIR), str(ietf_dir)]), use_env=False, no_path_recurse=True
    )
    context = pyang.context.Context(repo)
    for path in yangcheck.yang_files(YANG_DIR):
        assert context.add_module(str(path), path.read_text(encoding="utf-8")) is not None, path
    context.validate()
    return context


def _child(children: list[Any], name: str) -> Any | None:
    for node in children:
        if node.arg == name and node.keyword not in ("choice", "case"):
            return node
    for node in children:
        if node.keyword in ("choice", "case"):
            found = _child(node.i_children, name)
            if found is not None:
                return found
    return None


def node_at(ctx: Any, module: str, path: str) -> Any:
    """Schema node at a slash path of node names (choices and cases are looked through)."""
    mod = ctx.get_module(module)
    assert mod is not None, module
    children = mod.i_children
    node = None
    for name in path.strip("/").split("/"):
        node = _child(children, name)
        assert node is not None, f"{module}:{path}: no {name!r}"
        children = getattr(node, "i_children", [])
    return node


def _arg(node: Any, *keywords: str) -> str | None:
    stmt = node
    for kw in keywords:
        stmt = stmt.search_one(kw)
        if stmt is None:
            return None
    return stmt.arg


def test_ietf_dir_holds_the_imported_modules(ietf_dir: Path) -> None:
    for name in ("ietf-inet-types", "ietf-yang-types", "ietf-netconf", "ietf-netconf-with-defaults"):
        assert (ietf_dir / f"{name}.yang").is_file(), name


def test_pyang_compiles_without_errors_or_warnings(ietf_dir: Path) -> None:
    report = yangcheck.run_pyang(yangcheck.yang_files(YANG_DIR), [YANG_DIR, ietf_dir])
    assert report.errors == []
    assert report.warnings == []


def test_every_module_is_listed() -> None:
    assert {p.stem for p in yangcheck.yang_files(YANG_DIR)} == {m[0] for m in MODULES}


@pytest.mark.parametrize(("name", "kind", "ns_or_parent", "prefix", "revision", "version"), MODULES)
def test_module_identity(
    ctx: Any, name: str, kind: str, ns_or_parent: str, prefix: str, revision: str, version: str | None
) -> None:
    mod = ctx.get_module(name)
    assert mod is not None and mod.keyword == kind
    if kind == "module":
        assert _arg(mod, "namespace") == ns_or_parent
        assert _arg(mod, "prefix") == prefix
    else:
        assert _arg(mod, "belongs-to") == ns_or_parent
        assert _arg(mod, "belongs-to", "prefix") == prefix
    assert mod.search("revision")[0].arg == revision  # newest revision first
    assert _arg(mod, "yang-version") == version


def test_subscription_modules_as_17_12_deviates_them(ctx: Any) -> None:
    rpcs = [r.arg for r in ctx.get_module("ietf-event-notifications").i_children if r.keyword == "rpc"]
    assert rpcs == ["establish-subscription", "create-subscription", "delete-subscription", "kill-subscription"]
    params = [c.arg for c in node_at(ctx, "ietf-event-notifications", "establish-subscription/input").i_children]
    assert params == ["stream", "encoding", "filter-type", "update-trigger"]
    dampening = node_at(ctx, "ietf-event-notifications", "establish-subscription/input/dampening-period")
    assert _arg(dampening, "type", "range") == "0"
    assert (
        node_at(ctx, "ietf-event-notifications", "establish-subscription/input/period").i_module.arg == "ietf-yang-push"
    )
    for leaf in ("xpath-filter", "subtree-filter", "period"):
        node_at(ctx, "ietf-event-notifications", f"establish-subscription/input/{leaf}")
    push = {c.arg for c in node_at(ctx, "ietf-yang-push", "push-update").i_children}
    assert {"subscription-id", "datastore-contents-xml"} <= push


def test_native_top_level_order(ctx: Any) -> None:
    native = node_at(ctx, "Cisco-IOS-XE-native", "native")
    names = [c.arg for c in native.i_children]
    expected = [
        "hostname",
        "enable",
        "username",
        "ip",
        "aaa",
        "tacacs",
        "tacacs-server",
        "radius-server",
        "radius",
        "crypto",
        "snmp-server",
        "line",
    ]
    assert [n for n in names if n in expected] == expected


def test_ssh_schema_order(ctx: Any) -> None:
    ssh = node_at(ctx, "Cisco-IOS-XE-native", "native/ip/ssh")
    # Cisco's own nodes (the device-private module's augment comes after them)
    assert [c.arg for c in ssh.i_children if c.i_module.i_modulename == "Cisco-IOS-XE-native"] == [
        "authentication-retries",
        "client",
        "dscp",
        "dh",
        "logging",
        "pubkey-chain",
        "precedence",
        "rsa",
        "server",
        "source-interface-config",
        "source-interface",
        "time-out",
        "ssh-version",
        "version",
        "maxstartups",
        "port",
        "bulk-mode",
    ]


# path, statement chain, expected argument
FACTS = [
    (NATIVE, "native/hostname", ("type", "length"), "1..246"),
    (NATIVE, "native/hostname", ("type", "pattern"), "([0-9.]*[A-Za-z\\-_]+[A-Za-z0-9.\\-_]*)"),
    (NATIVE, "native/username", ("key",), "name"),
    (NATIVE, "native/username/privilege", ("type", "range"), "0..15"),
    (NATIVE, "native/ip/domain/lookup", ("default",), "true"),
    (NATIVE, "native/ip/domain/name", ("type", "length"), "1..236"),
    (NATIVE, "native/ip/domain/periodic-resolve", ("default",), "240"),
    (NATIVE, "native/ip/domain/timeout", ("default",), "5"),
    (NATIVE, "native/ip/scp/server/enable", ("type",), "empty"),
    (NATIVE, "native/ip/ssh/authentication-retries", ("type", "range"), "0..5"),
    (NATIVE, "native/ip/ssh/dscp", ("type", "range"), "0..63"),
    (NATIVE, "native/ip/ssh/dh/min/size", ("default",), "2048"),
    (NATIVE, "native/ip/ssh/logging/events-enable", ("default",), "true"),
    (NATIVE, "native/ip/ssh/logging/events", ("status",), "deprecated"),
    (NATIVE, "native/ip/ssh/pubkey-chain/username", ("max-elements",), "15"),
    (NATIVE, "native/ip/ssh/pubkey-chain/username/key-hash", ("max-elements",), "2"),
    (NATIVE, "native/ip/ssh/pubkey-chain/username/key-hash", ("key",), "key-type key-hash-value"),
    (NATIVE, "native/ip/ssh/precedence", ("type", "range"), "0..7"),
    (NATIVE, "native/ip/ssh/server/peruser/session/limit", ("type", "range"), "1..16"),
    (NATIVE, "native/ip/ssh/source-interface", ("status",), "deprecated"),
    (NATIVE, "native/ip/ssh/time-out", ("type", "range"), "1..120"),
    (NATIVE, "native/ip/ssh/time-out", ("default",), None),
    (NATIVE, "native/ip/ssh/ssh-version", ("default",), "2"),
    (NATIVE, "native/ip/ssh/version", ("status",), "deprecated"),
    (NATIVE, "native/ip/ssh/version", ("type", "range"), "1..2"),
    (NATIVE, "native/ip/ssh/maxstartups", ("type", "range"), "2..128"),
    (NATIVE, "native/ip/ssh/port/port-no", ("type", "range"), "2000..10000"),
    (NATIVE, "native/ip/ssh/bulk-mode", ("presence",), "true"),
    (NATIVE, "native/ip/ssh/bulk-mode/window-size", ("default",), "131072"),
    (NATIVE, "native/ip/ssh/source-interface-config/Loopback", ("type", "range"), "0..2147483647"),
    (NATIVE, "native/line/console", ("max-elements",), "1"),
    (NATIVE, "native/line/vty", ("key",), "first"),
    (NATIVE, "native/line/vty/first", ("type", "range"), "0..1869"),
    (NATIVE, "native/line/vty/last", ("type", "range"), "1..1869"),
    (NATIVE, "native/line/vty/access-class/acccess-list", ("key",), "direction"),
    (NATIVE, "native/line/vty/access-class/acccess-list/access-list", ("mandatory",), "true"),
    (NATIVE, "native/line/vty/exec-timeout/minutes", ("type", "range"), "0..35791"),
    (NATIVE, "native/line/vty/login/authentication", ("default",), "default"),
    (NATIVE, "native/line/vty/transport/input/input", ("ordered-by",), "user"),
    (NATIVE, "native/line/console/transport/input", ("status",), "obsolete"),
    (NATIVE, "native/aaa/session-id", ("default",), "common"),
    (NATIVE, "native/aaa/authentication/login/a2", ("when",), "not(../a1/none)"),
    (
        NATIVE,
        "native/aaa/authorization/exec/a2",
        ("when",),
        "not(../a1/none) and not(../a1/if-authenticated)",
    ),
    (NATIVE, "native/aaa/authorization/commands", ("key",), "level list-name"),
    (NATIVE, "native/aaa/group/server/tacacsplus/server/name", ("ordered-by",), "user"),
    (NATIVE, "native/aaa/common-criteria", ("key",), "policy"),
    (NATIVE, "native/tacacs/server/port", ("default",), "49"),
    (NATIVE, "native/radius/server/address/auth-port", ("default",), "1812"),
    (NATIVE, "native/radius/server/address/acct-port", ("default",), "1813"),
    (NATIVE, "native/tacacs-server/directed-request", ("presence",), "true"),
    (NATIVE, "native/snmp-server/enable/enable-choice/traps", ("presence",), "true"),
    (NATIVE, "native/snmp-server/host-config/ip-community", ("key",), "ip-address community-or-user"),
    (
        NATIVE,
        "native/snmp-server/host-config/ip-vrf-community-port",
        ("key",),
        "ip-address vrf community-or-user udp-port",
    ),
    (NATIVE, "native/snmp-server/host-config/ip-community/ip-address", ("type",), "ios-types:host-type"),
    (NATIVE, "native/snmp-server/community-config/permission", ("default",), "ro"),
    (NATIVE, "native/crypto/key/pubkey-chain/rsa/addressed-key", ("key",), "ip"),
    (NATIVE, "native/crypto/key/pubkey-chain/rsa/named-key", ("key",), "name"),
    ("Cisco-IOS-XE-rpc", "crypto/input/generate/rsa", ("presence",), "true"),
    ("Cisco-IOS-XE-rpc", "crypto/input/generate/rsa/modulus", ("type", "range"), "360..4096"),
    ("Cisco-IOS-XE-rpc", "copy/input/_source", ("status",), "deprecated"),
    ("Cisco-IOS-XE-rpc", "copy/input/_destination", ("status",), "deprecated"),
    ("Cisco-IOS-XE-rpc", "delete/input/filename-drop-node-name", ("mandatory",), "true"),
    ("cisco-ia", "rollback/input/target-url", ("mandatory",), "true"),
    ("cisco-ia", "rollback/input/verbose", ("default",), "false"),
    ("cisco-ia", "revert/input/timer", ("type", "range"), "1..120"),
]


@pytest.mark.parametrize(("module", "path", "chain", "expected"), FACTS)
def test_schema_fact(ctx: Any, module: str, path: str, chain: tuple[str, ...], expected: str | None) -> None:
    assert _arg(node_at(ctx, module, path), *chain) == expected


def test_enum_values(ctx: Any) -> None:
    def enums(module: str, path: str) -> list[str]:
        return [e.arg for e in node_at(ctx, module, path).search_one("type").search("enum")]

    native = "Cisco-IOS-XE-native"
    assert enums(native, "native/ip/ssh/dh/min/size") == ["2048", "4096"]
    assert enums(native, "native/ip/ssh/ssh-version") == ["2"]
    assert enums(native, "native/ip/ssh/pubkey-chain/username/key-hash/key-type") == ["ssh-rsa"]
    assert enums(native, "native/username/password/encryption") == ["0", "7", "6"]
    assert enums(native, "native/username/secret/encryption") == ["0", "5", "8", "9"]
    assert enums(native, "native/enable/secret/type") == ["0", "4", "5", "8", "9"]
    assert enums(native, "native/aaa/session-id") == ["common", "unique"]
    assert enums(native, "native/tacacs/server/key/encryption") == ["0", "7", "6"]
    assert enums(native, "native/snmp-server/host-config/ip-community/version") == ["1", "2c", "3"]
    assert "ssh" in enums(native, "native/line/vty/transport/input/input")


def test_choices(ctx: Any) -> None:
    def choice_of(module: str, path: str) -> tuple[str, list[str]]:
        parent_path, _, leaf = path.rpartition("/")
        parent = node_at(ctx, module, parent_path)
        for ch in parent.i_children:
            if ch.keyword == "choice" and any(_child([case], leaf) for case in ch.i_children):
                return ch.arg, [case.arg for case in ch.i_children]
        raise AssertionError(f"{path} is not in a choice")

    native = "Cisco-IOS-XE-native"
    name, cases = choice_of(native, "native/aaa/authentication/login/a1/local")
    assert name == "auth-login-choice" and cases[0] == "none" and "group" in cases
    name, cases = choice_of(native, "native/aaa/authentication/login/a2/group")
    assert name == "auth-login-choice" and cases[:2] == ["group", "cache"]
    name, cases = choice_of(native, "native/aaa/authorization/exec/a1/local")
    assert name == "auth-exec-choice"
    name, cases = choice_of(native, "native/aaa/accounting/exec/start-stop")
    assert (name, cases) == ("accounting-choice", ["none", "start-stop", "stop-only", "wait-start"])
    name, cases = choice_of(native, "native/aaa/accounting/commands/commands-config/none")
    assert (name, cases) == ("commands-choice", ["none-case", "others-case"])
    name, cases = choice_of(native, "native/tacacs/server/address/ipv4")
    assert (name, cases) == ("tacacs-host-address", ["ipv4", "ipv6", "fqdn"])
    name, cases = choice_of(native, "native/line/vty/transport/input/input")
    assert (name, cases) == ("input-protocol", ["all-protocol", "no-protocol", "other-protocol"])
    name, cases = choice_of(native, "native/snmp-server/host-config/ip-community/traps")
    assert (name, cases) == ("informs-traps-choice", ["informs", "traps"])
    name, _ = choice_of(native, "native/ip/ssh/source-interface-config/GigabitEthernet")
    assert name == "interface-choice"
    name, _ = choice_of("Cisco-IOS-XE-rpc", "default/input/interface")
    assert name == "default-choice"
    # copy's arguments under their 17.x names or (deprecated) 16.x names; each choice is mandatory
    for leaf, old, choice in (
        ("source-drop-node-name", "_source", "source-choice"),
        ("destination-drop-node-name", "_destination", "destination-choice"),
    ):
        name, cases = choice_of("Cisco-IOS-XE-rpc", f"copy/input/{leaf}")
        assert (name, cases) == (choice, [leaf, old])
        copy_input = node_at(ctx, "Cisco-IOS-XE-rpc", "copy/input")
        stmt = next(c for c in copy_input.i_children if c.arg == choice)
        assert _arg(stmt, "mandatory") == "true"


def test_augmented_nodes_take_the_augmenting_namespace(ctx: Any) -> None:
    cases = {
        "native/aaa/new-model": "Cisco-IOS-XE-aaa",
        "native/tacacs/server": "Cisco-IOS-XE-aaa",
        "native/ip/tacacs": "Cisco-IOS-XE-aaa",
        "native/username/common-criteria-policy": "Cisco-IOS-XE-aaa",
        "native/username/aaa": "Cisco-IOS-XE-aaa",
        "native/snmp-server/host-config": "Cisco-IOS-XE-snmp",
        "native/crypto/key": "Cisco-IOS-XE-crypto",
        "native/ip/ssh": "Cisco-IOS-XE-native",
        "native/ip/ssh/source-interface-config/Loopback": "Cisco-IOS-XE-native",
        "native/aaa/group/server/tacacsplus/ip/tacacs/source-interface/Loopback": "Cisco-IOS-XE-aaa",
        "native/line/vty/transport/input/input": "Cisco-IOS-XE-native",
    }
    for path, module in cases.items():
        assert node_at(ctx, "Cisco-IOS-XE-native", path).i_module.i_modulename == module, path


def test_snmp_trap_leaves(ctx: Any) -> None:
    trap_enable = node_at(ctx, NATIVE, "native/snmp-server/host-config/ip-community/trap-enable")
    names = [c.arg for c in trap_enable.i_children]
    assert len(names) >= 20
    assert {"tty", "config", "syslog", "snmp", "aaa_server", "entity", "bgp", "cpu"} <= set(names)
    traps = node_at(ctx, NATIVE, "native/snmp-server/enable/enable-choice/traps")
    assert {"tty", "syslog", "config", "aaa_server", "snmp"} <= {c.arg for c in traps.i_children}
    snmp = node_at(ctx, NATIVE, "native/snmp-server/enable/enable-choice/traps/snmp")
    expected = ["authentication", "coldstart", "linkdown", "linkup", "warmstart"]
    assert [c.arg for c in snmp.i_children] == expected


def test_rpc_outputs_are_result_strings(ctx: Any) -> None:
    rpcs = {
        "Cisco-IOS-XE-rpc": ["default", "clear", "crypto", "reload", "copy", "delete"],
        "cisco-ia": [
            "sync-from",
            "save-config",
            "netconf-session-id",
            "current-time",
            "is-syncing",
            "checkpoint",
            "revert",
            "rollback",
        ],
    }
    for module, names in rpcs.items():
        assert [r.arg for r in ctx.get_module(module).i_children if r.keyword == "rpc"] == names
        for name in names:
            result = node_at(ctx, module, f"{name}/output/result")
            assert _arg(result, "type") == "string"


# -------------------------------------------------------------------------------------------- yanglint


def _yanglint(ietf_dir: Path, data_type: str | None, *extra: Path) -> subprocess.CompletedProcess[str]:
    assert YANGLINT is not None
    cmd = yangcheck.yanglint_command(yangcheck.yang_files(YANG_DIR), [YANG_DIR, ietf_dir], YANGLINT)
    if data_type is not None:
        cmd[1:1] = ["-t", data_type]
    cmd += [str(p) for p in extra]
    return subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=120)


@needs_yanglint
def test_yanglint_compiles_cleanly(ietf_dir: Path) -> None:
    proc = _yanglint(ietf_dir, None)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip() == "" and proc.stdout.strip() == ""


@needs_yanglint
def test_yangcheck_tool_passes() -> None:
    proc = subprocess.run(
        [sys.executable, str(YANGCHECK), "--werror"], capture_output=True, text=True, check=False, timeout=300
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_data_files_are_all_classified() -> None:
    names = {p.name for p in DATA_DIR.glob("*.xml")}
    assert set(_data("bad_")) == set(BAD_CONFIG)
    assert set(_data("rpc_bad_")) == set(BAD_RPC)
    assert names == set(_data("good_")) | set(BAD_CONFIG) | set(_data("rpc_good_")) | set(BAD_RPC)
    assert "good_scp_guide.xml" in names


@needs_yanglint
@pytest.mark.parametrize("name", _data("good_"))
def test_good_config_is_accepted(ietf_dir: Path, name: str) -> None:
    proc = _yanglint(ietf_dir, "config", DATA_DIR / name)
    assert proc.returncode == 0, proc.stderr


@needs_yanglint
@pytest.mark.parametrize(("name", "reason"), sorted(BAD_CONFIG.items()))
def test_bad_config_is_rejected(ietf_dir: Path, name: str, reason: str) -> None:
    proc = _yanglint(ietf_dir, "config", DATA_DIR / name)
    assert proc.returncode != 0, f"{name} was accepted"
    assert reason in proc.stderr, proc.stderr


@needs_yanglint
@pytest.mark.parametrize("name", _data("rpc_good_"))
def test_good_rpc_is_accepted(ietf_dir: Path, name: str) -> None:
    proc = _yanglint(ietf_dir, "rpc", DATA_DIR / name)
    assert proc.returncode == 0, proc.stderr


@needs_yanglint
@pytest.mark.parametrize(("name", "reason"), sorted(BAD_RPC.items()))
def test_bad_rpc_is_rejected(ietf_dir: Path, name: str, reason: str) -> None:
    proc = _yanglint(ietf_dir, "rpc", DATA_DIR / name)
    assert proc.returncode != 0, f"{name} was accepted"
    assert reason in proc.stderr, proc.stderr
