"""The device-private configuration, end to end on the real agent: what real 17.12 has only in its CLI
(``ip ssh stricthostkeycheck``, ``ip ssh pubkey-chain`` / ``server``, ``file prompt``) is kept by the datastore —
``show running-config``, ``write memory`` and a restart, SCP uploads — while NETCONF (ncclient) sees nothing of it:
no capability, no library entry, no schema, no node in any reply, an edit naming it refused as an unknown
namespace, and a replace of the visible configuration keeps it. yanglint accepts the replies against the
visible modules alone.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from agents import ADMIN_PASSWORD, ADMIN_USER
from lxml import etree
from namespaces import IOS, NC, PRIV
from ncclient.operations.rpc import RPCError
from ncclient.xml_ import to_ele
from openssh import needs_openssh_scp, scp_upload

from iosxe_agent.yang.loader import ietf_module_dir

netmiko = pytest.importorskip("netmiko")

YANG_DIR = Path(__file__).resolve().parents[2] / "yang"
NCM = "urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"
HASH = "5D24EA1D261C1836E437F4E67E2CEBEB"
CLI_ONLY = (
    "ip ssh stricthostkeycheck",
    "ip ssh pubkey-chain",
    " server server1",
    f"  key-hash ssh-rsa {HASH}",
    "file prompt quiet",
)
#: the three lines as show running-config prints them
SHOWN = ("\nfile prompt quiet\n", "\nip ssh stricthostkeycheck\n", f"\n  server server1\n   key-hash ssh-rsa {HASH} \n")
UNKNOWN_NS = "urn:example:no-such-module"


def cli(agent: Any) -> Any:
    """A netmiko ``cisco_xe`` session (no keys, no agent), as automation opens one."""
    return netmiko.ConnectHandler(
        device_type="cisco_xe", host="127.0.0.1", port=agent.ssh_port, username=ADMIN_USER,
        password=ADMIN_PASSWORD, allow_agent=False, use_keys=False, fast_cli=False,
    )  # fmt: skip


def show_run(agent: Any) -> str:
    conn = cli(agent)
    try:
        return str(conn.send_command("show running-config"))
    finally:
        conn.disconnect()


def assert_cli_only_lines(text: str) -> None:
    for part in SHOWN:
        assert part in text, text


def xml_of(reply: Any) -> etree._Element:
    return etree.fromstring(reply.xml.encode())


def data(reply: Any) -> bytes:
    """The ``<data>`` of a reply, canonical (the reply's message-id left out)."""
    return etree.tostring(xml_of(reply).find(f"{{{NC}}}data"), method="c14n")


def no_private(root: etree._Element) -> None:
    """Neither a private element nor the private namespace anywhere in a reply."""
    text = etree.tostring(root).decode()
    assert PRIV not in text and "iosxe-agent-private" not in text, text


@pytest.fixture(scope="module")
def device(agent: Any) -> Iterator[Any]:
    """The module's agent with the CLI-only lines typed in configuration mode and saved (``write memory``)."""
    agent.commit("<ip><scp><server><enable/></server></scp></ip>")
    conn = cli(agent)
    try:
        conn.send_config_set(list(CLI_ONLY))
        conn.save_config()
    finally:
        conn.disconnect()
    yield agent


@pytest.fixture
def m(device: Any) -> Iterator[Any]:
    session = device.connect()
    try:
        yield session
    finally:
        session.close_session()


def test_show_running_config_prints_the_cli_only_lines(device: Any) -> None:
    text = show_run(device)
    assert_cli_only_lines(text)
    assert text.index("ip ssh stricthostkeycheck") < text.index("ip ssh pubkey-chain")


def test_the_hello_announces_no_private_module(m: Any) -> None:
    caps = list(m.server_capabilities)
    assert caps and not [c for c in caps if PRIV in c or "iosxe-agent-private" in c]


SUBTREE = ("subtree", f'<native xmlns="{IOS}"><ip><ssh/></ip></native>')
STRICT = f'<stricthostkeycheck xmlns="{PRIV}"/>'
FILTERS = {
    "none": None,
    "subtree": SUBTREE,
    "subtree-private": ("subtree", f'<native xmlns="{IOS}"><file xmlns="{PRIV}"/></native>'),
    "subtree-private-leaf": ("subtree", f'<native xmlns="{IOS}"><ip><ssh>{STRICT}</ssh></ip></native>'),
    "xpath": ("xpath", ({"ios": IOS}, "/ios:native/ios:ip/ios:ssh")),
    "xpath-private": ("xpath", ({"ios": IOS, "p": PRIV}, "/ios:native/p:file | //ios:ssh/p:stricthostkeycheck")),
    "xpath-private-prefix": ("xpath", "//priv:server"),
}  # fmt: skip


@pytest.mark.parametrize("source", ["running", "candidate"])
@pytest.mark.parametrize("flt", FILTERS, ids=list(FILTERS))
@pytest.mark.parametrize("with_defaults", [None, "report-all"])
def test_get_config_shows_no_private_node(m: Any, source: str, flt: str, with_defaults: str | None) -> None:
    check_get_config(m, source, flt, with_defaults)


def check_get_config(m: Any, source: str, flt: str, with_defaults: str | None) -> None:
    """get-config of ``source`` with the filter ``FILTERS[flt]``: no private node, and the visible part there."""
    kw: dict[str, Any] = {"with_defaults": with_defaults} if with_defaults else {}
    try:
        reply = m.get_config(source, filter=FILTERS[flt], **kw)
    except RPCError as exc:  # an undeclared prefix is refused, as for any module the device does not have
        assert flt == "xpath-private-prefix" and exc.tag == "invalid-value", exc
        return
    root = xml_of(reply)
    no_private(root)
    if flt.endswith("private") or flt.endswith("private-leaf"):
        assert not len(root.find(f"{{{NC}}}data")), etree.tostring(root)  # it matches nothing
    if flt in ("none", "subtree", "xpath"):
        assert root.find(f".//{{{IOS}}}ssh") is not None  # the visible part is there


def test_a_filter_naming_the_private_namespace_selects_what_an_unknown_one_does(m: Any) -> None:
    for template in (
        f'<native xmlns="{IOS}"><file xmlns="{{ns}}"/></native>',
        f'<native xmlns="{IOS}"><ip><ssh><stricthostkeycheck xmlns="{{ns}}"/></ssh></ip></native>',
    ):
        private = data(m.get_config("running", filter=("subtree", template.format(ns=PRIV))))
        assert private == data(m.get_config("running", filter=("subtree", template.format(ns=UNKNOWN_NS))))


def test_get_and_the_yang_library_list_no_private_module(m: Any) -> None:
    whole = xml_of(m.get())
    no_private(whole)
    library = whole.find(".//{urn:ietf:params:xml:ns:yang:ietf-yang-library}modules-state")
    assert library is not None and library.find(".//{*}module") is not None  # the library is there, without it
    schemas = whole.find(f".//{{{NCM}}}schemas")
    assert schemas is not None and len(schemas)


def test_get_schema_of_the_private_module_fails_as_for_an_unknown_one(m: Any) -> None:
    request = f'<get-schema xmlns="{NCM}"><identifier>{{}}</identifier></get-schema>'
    errors = []
    for name in ("iosxe-agent-private", "no-such-module"):
        with pytest.raises(RPCError) as exc:
            m.dispatch(to_ele(request.format(name)))
        errors.append((exc.value.tag, exc.value.type, exc.value.message.replace(name, "NAME")))
    assert errors[0] == errors[1]


@pytest.mark.parametrize(
    "body",
    [
        '<ip><ssh><stricthostkeycheck xmlns="{ns}" nc:operation="delete"/></ssh></ip>',
        '<file xmlns="{ns}"><prompt>noisy</prompt></file>',
        '<ip><ssh><pubkey-chain><server xmlns="{ns}"><name>evil</name></server></pubkey-chain></ssh></ip>',
    ],
)
@pytest.mark.parametrize("target", ["running", "candidate"])
def test_an_edit_naming_the_private_namespace_is_refused_as_an_unknown_one(
    device: Any, m: Any, body: str, target: str
) -> None:
    before = data(m.get_config("running"))
    errors = []
    for ns in (PRIV, UNKNOWN_NS):
        config = f'<config xmlns="{NC}" xmlns:nc="{NC}"><native xmlns="{IOS}">{body.format(ns=ns)}</native></config>'
        with pytest.raises(RPCError) as exc:
            m.edit_config(target=target, config=config)
        e = exc.value
        errors.append(
            (e.tag, e.type, e.path, e.message.replace(ns, "NS"), e.info.replace(ns, "NS") if e.info else e.info)
        )
    assert errors[0] == errors[1]
    assert errors[0][0] == "unknown-element"
    m.discard_changes()
    assert data(m.get_config("running")) == before
    assert_cli_only_lines(show_run(device))


def visible_native(m: Any) -> etree._Element:
    native = xml_of(m.get_config("running")).find(f".//{{{IOS}}}native")
    assert native is not None
    return native


def test_a_netconf_replace_of_native_keeps_the_cli_only_lines(device: Any, m: Any) -> None:
    native = visible_native(m)
    native.set(f"{{{NC}}}operation", "replace")
    native.find(f"{{{IOS}}}hostname").text = "Replaced"
    config = etree.Element(f"{{{NC}}}config", nsmap={"nc": NC})
    config.append(native)
    m.edit_config(target="running", config=etree.tostring(config).decode())
    text = show_run(device)
    assert "\nhostname Replaced\n" in text
    assert_cli_only_lines(text)


def test_copy_config_of_the_visible_configuration_keeps_the_cli_only_lines(device: Any, m: Any) -> None:
    native = visible_native(m)
    native.find(f"{{{IOS}}}hostname").text = "Copied"
    source = etree.Element(f"{{{NC}}}source")
    etree.SubElement(source, f"{{{NC}}}config").append(native)
    m.copy_config(source=source, target="running")
    text = show_run(device)
    assert "\nhostname Copied\n" in text
    assert_cli_only_lines(text)


@pytest.mark.skipif(shutil.which("yanglint") is None, reason="yanglint (Debian libyang2-tools) is not installed")
@pytest.mark.parametrize("with_defaults", [None, "report-all"])
def test_yanglint_accepts_get_config_against_the_visible_modules(
    m: Any, tmp_path: Path, with_defaults: str | None
) -> None:
    kw: dict[str, Any] = {"with_defaults": with_defaults} if with_defaults else {}
    native = xml_of(m.get_config("running", **kw)).find(f".//{{{IOS}}}native")
    doc = tmp_path / "running.xml"
    doc.write_bytes(etree.tostring(native))
    # the modules whose namespaces the reply uses (each Cisco namespace ends in its module's name)
    visible = sorted({etree.QName(el).namespace or "" for el in native.iter() if isinstance(el.tag, str)})
    modules = [str(YANG_DIR / f"{ns.rpartition('/')[2]}.yang") for ns in visible]
    cmd = ["yanglint", "-p", str(YANG_DIR), "-p", str(ietf_module_dir()), "-t", "config", *modules, str(doc)]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@needs_openssh_scp
def test_scp_upload_write_memory_and_restart_keep_them(fresh_agent: Any, tmp_path: Path) -> None:
    agent = fresh_agent("--netconf-extensions")  # startup readable over NETCONF
    agent.commit("<ip><scp><server><enable/></server></scp></ip>")
    upload = tmp_path / "private.cfg"
    upload.write_text("\n".join(CLI_ONLY) + "\nend\n")
    done = scp_upload(agent.ssh_port, upload, "running-config")
    assert done.returncode == 0, done.stderr
    assert_cli_only_lines(show_run(agent))
    conn = cli(agent)
    try:
        conn.save_config()
        startup = str(conn.send_command("show startup-config"))
    finally:
        conn.disconnect()
    assert_cli_only_lines(startup)
    agent.restart()
    assert_cli_only_lines(show_run(agent))
    session = agent.connect()
    try:
        for flt in FILTERS:
            for with_defaults in (None, "report-all"):
                check_get_config(session, "startup", flt, with_defaults)
    finally:
        session.close_session()


def test_a_cli_change_of_private_lines_only_sends_no_config_change(device: Any, m: Any) -> None:
    """The subscriber hears of the visible change that follows, and of nothing before it."""
    m.create_subscription()
    conn = cli(device)
    try:
        conn.send_config_set(["no ip ssh stricthostkeycheck", "ip ssh stricthostkeycheck", "hostname Notified"])
    finally:
        conn.disconnect()
    first = m.take_notification(block=True, timeout=20)
    assert first is not None
    xml = first.notification_xml
    assert "netconf-config-change" in xml and PRIV not in xml
    assert "/ios:native/ios:hostname" in xml, xml


def test_checkpoint_rollback_and_a_candidate_commit_carry_the_private_part(device: Any, m: Any) -> None:
    """Whole-tree paths keep the hidden part: cisco-ia checkpoint/rollback, candidate commit."""
    ia = "http://cisco.com/yang/cisco-ia"
    reply = xml_of(m.dispatch(to_ele(f'<checkpoint xmlns="{ia}"/>')))
    url = (reply.findtext(f"{{{ia}}}result") or "").rsplit(" ", 1)[-1]
    assert url.startswith("flash:"), etree.tostring(reply)
    conn = cli(device)
    try:
        conn.send_config_set(["no ip ssh stricthostkeycheck", "no file prompt quiet"])
    finally:
        conn.disconnect()
    assert "ip ssh stricthostkeycheck" not in show_run(device)
    m.dispatch(to_ele(f'<rollback xmlns="{ia}"><target-url>{url}</target-url></rollback>'))
    assert_cli_only_lines(show_run(device))
    m.edit_config(
        target="candidate",
        config=f'<config xmlns="{NC}"><native xmlns="{IOS}"><hostname>Cand</hostname></native></config>',
    )
    m.commit()
    text = show_run(device)
    assert "\nhostname Cand\n" in text
    assert_cli_only_lines(text)


def test_a_state_directory_of_the_previous_version_still_loads(fresh_agent: Any) -> None:
    """Before the device-private store, ``file prompt`` was saved as Cisco's 17.15.1 ``/native/file/prompt``."""
    agent = fresh_agent()
    agent.stop()
    startup = agent.state_dir / "startup-config.xml"
    tree = etree.parse(str(startup)).getroot()
    native = tree.find(f"{{{IOS}}}native")
    assert native is not None
    etree.SubElement(etree.SubElement(native, f"{{{IOS}}}file"), f"{{{IOS}}}prompt").text = "quiet"
    startup.write_bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))
    agent.start()
    assert "\nfile prompt quiet\n" in show_run(agent)
