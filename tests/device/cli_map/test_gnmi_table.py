"""``gnmi-yang …``: the CLI table's commands for Cisco-IOS-XE-gnmi-cfg, a container beside ``native`` at the
datastore root. Typed lines land there, ``show running-config`` prints them back in 17.12's order just before
``netconf-yang``, and the text parses back into the same tree."""

from __future__ import annotations

from typing import Any

from config_typing import typed
from lxml import etree

from iosxe_agent.device.cli_map import parse_config_text, render_lines
from iosxe_agent.device.names import GNMI_CFG_NS

LINES = [
    "gnmi-yang",
    "gnmi-yang server",
    "gnmi-yang port 50000",
    "gnmi-yang secure-server",
    "gnmi-yang secure-trustpoint tp1",
    "gnmi-yang secure-client-auth",
    "gnmi-yang secure-peer-trustpoint tp2",
    "gnmi-yang secure-port 9400",
    "gnmi-yang secure-password-authentication",
]


def settings(tree: etree._Element) -> dict[str, str]:
    config = tree.find(f"{{{GNMI_CFG_NS}}}gnmi-cfg-data/{{{GNMI_CFG_NS}}}config")
    assert config is not None
    return {etree.QName(el).localname: el.text or "" for el in config}


def test_typed_lines_set_cisco_gnmi_cfg_beside_native(trees: Any) -> None:
    tree, _ = typed(trees, ["gnmi-yang secure-trustpoint tp1", *LINES])
    assert settings(tree) == {
        "enable": "true",
        "service": "true",
        "port": "50000",
        "secure-enable": "true",
        "secure-tsname": "tp1",
        "secure-client-auth": "true",
        "secure-client-auth-tsname": "tp2",
        "secure-port": "9400",
        "secure-password-auth": "true",
    }
    assert trees.valid(tree)


def test_running_config_prints_them_before_netconf_yang_and_parses_back(trees: Any) -> None:
    tree, _ = typed(trees, ["gnmi-yang secure-trustpoint tp1", *LINES, "netconf-yang"])
    lines = render_lines(tree)
    start = lines.index("gnmi-yang")
    assert lines[start : start + len(LINES) + 1] == [*LINES, "netconf-yang"]
    edit, errors = parse_config_text("\n".join(lines), trees.empty())
    assert not errors
    assert trees.canonical(trees.apply(trees.empty(), edit)) == trees.canonical(tree)


def test_no_forms_remove_their_leaf_and_no_gnmi_yang_everything(trees: Any) -> None:
    tree, _ = typed(trees, ["gnmi-yang", "gnmi-yang server", "gnmi-yang port 50000", "no gnmi-yang port 50000"])
    assert settings(tree) == {"enable": "true", "service": "true"}
    tree, _ = typed(trees, ["no gnmi-yang server"], tree)
    assert settings(tree) == {"enable": "true"}
    tree, _ = typed(trees, ["no gnmi-yang"], tree)
    assert tree.find(f"{{{GNMI_CFG_NS}}}gnmi-cfg-data/{{{GNMI_CFG_NS}}}config") is None
    assert not [line for line in render_lines(tree) if line.startswith("gnmi-yang")]
