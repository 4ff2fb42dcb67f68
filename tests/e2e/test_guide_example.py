"""The guide's SCP-server example, end to end: one edit-config to candidate, commit, get-config in IOS XE's exact
XML shape, and the reply's data checked by an independent validator (yanglint) against our YANG modules."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree
from namespaces import AAA, IOS, NC

from iosxe_agent.yang.loader import ietf_module_dir

YANG_DIR = Path(__file__).resolve().parents[2] / "yang"
HTTP = "http://cisco.com/ns/yang/Cisco-IOS-XE-http"

GUIDE_CONFIG = f"""
<config xmlns="{NC}">
  <native xmlns="{IOS}">
    <hostname>R1</hostname>
    <username>
      <name>scpadmin</name>
      <privilege>15</privilege>
      <secret><encryption>0</encryption><secret>Guide-Secret-1</secret></secret>
    </username>
    <ip>
      <domain><name>example.com</name></domain>
      <scp><server><enable/></server></scp>
      <ssh><authentication-retries>2</authentication-retries><time-out>60</time-out><ssh-version>2</ssh-version></ssh>
    </ip>
    <aaa>
      <new-model xmlns="{AAA}"/>
      <authentication xmlns="{AAA}"><login><name>default</name><a1><local/></a1></login></authentication>
      <authorization xmlns="{AAA}"><exec><name>default</name><a1><local/></a1></exec></authorization>
    </aaa>
    <line><vty><first>0</first><last>4</last><transport><input><input>ssh</input></input></transport></vty></line>
  </native>
</config>"""

# What a 17.12 box answers for the same configuration merged into its factory lines (ip forward-protocol nd, ip ssh
# bulk-mode 131072, the HTTP servers): schema order, augment nodes in their module's namespace.
EXPECTED_IP = (
    f'<ip xmlns="{IOS}"><domain><name>example.com</name></domain>'
    "<forward-protocol><protocol>nd</protocol></forward-protocol><scp><server><enable/></server></scp>"
    "<ssh><authentication-retries>2</authentication-retries><time-out>60</time-out><ssh-version>2</ssh-version>"
    "<bulk-mode><window-size>131072</window-size></bulk-mode></ssh>"
    f'<http xmlns="{HTTP}"><authentication><local/></authentication><server>true</server>'
    "<secure-server>true</secure-server></http></ip>"
)
EXPECTED_AAA = (
    f'<aaa xmlns="{IOS}"><new-model xmlns="{AAA}"/>'
    f'<authentication xmlns="{AAA}"><login><name>default</name><a1><local/></a1></login></authentication>'
    f'<authorization xmlns="{AAA}"><exec><name>default</name><a1><local/></a1></exec></authorization></aaa>'
)


def c14n(el: etree._Element) -> bytes:
    return etree.tostring(el, method="c14n", exclusive=True)


@pytest.fixture(scope="module")
def committed(agent) -> etree._Element:
    m = agent.connect()
    try:
        m.lock("candidate")
        m.edit_config(target="candidate", config=GUIDE_CONFIG)
        m.commit()
        m.unlock("candidate")
        reply = m.get_config("running")
        return etree.fromstring(reply.xml.encode()).find(f"{{{NC}}}data")
    finally:
        m.close_session()


def test_guide_config_comes_back_in_iosxe_shape(committed: etree._Element) -> None:
    native = committed.find(f"{{{IOS}}}native")
    assert native.findtext(f"{{{IOS}}}hostname") == "R1"
    assert c14n(native.find(f"{{{IOS}}}ip")) == c14n(etree.fromstring(EXPECTED_IP))
    assert c14n(native.find(f"{{{IOS}}}aaa")) == c14n(etree.fromstring(EXPECTED_AAA))
    order = [etree.QName(c).localname for c in native]
    distinct = [name for i, name in enumerate(order) if i == 0 or order[i - 1] != name]
    guide = ["hostname", "username", "ip", "aaa", "line"]  # in schema order among the factory lines
    assert [name for name in distinct if name in guide] == guide
    raw = etree.tostring(native).decode()
    assert f'<new-model xmlns="{AAA}"/>' in raw  # augment children declare the aaa namespace themselves
    secret = native.find(f"{{{IOS}}}username/{{{IOS}}}secret")
    assert secret.findtext(f"{{{IOS}}}encryption") == "9"


@pytest.mark.skipif(shutil.which("yanglint") is None, reason="yanglint (Debian libyang2-tools) is not installed")
def test_reply_validates_with_yanglint(committed: etree._Element, tmp_path: Path) -> None:
    native = committed.find(f"{{{IOS}}}native")
    doc = tmp_path / "running.xml"
    doc.write_bytes(etree.tostring(native))
    # the modules whose namespaces the reply uses (each Cisco namespace ends in its module's name)
    namespaces = sorted({etree.QName(el).namespace or "" for el in native.iter() if isinstance(el.tag, str)})
    modules = [str(YANG_DIR / f"{ns.rpartition('/')[2]}.yang") for ns in namespaces]
    cmd = ["yanglint", "-p", str(YANG_DIR), "-p", str(ietf_module_dir()), "-t", "config", *modules, str(doc)]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_admin_can_log_in_with_the_guide_user(agent, committed: etree._Element) -> None:
    m = agent.connect(user="scpadmin", password="Guide-Secret-1")
    m.close_session()
