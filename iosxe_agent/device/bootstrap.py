"""The configuration a new device starts with (DESIGN.md §3): usable and secure from the first start."""

from __future__ import annotations

import secrets
import string

from lxml import etree

from iosxe_agent.device.names import (
    AAA_NS,
    CALL_HOME_NS,
    DIAGNOSTICS_NS,
    ETHERNET_NS,
    HTTP_NS,
    NATIVE_NS,
    PLATFORM_NS,
    PPP_NS,
    PRIVATE_NS,
)
from iosxe_agent.device.passwords import type9_hash
from iosxe_agent.device.serial import new_serial

NC_NS = "urn:ietf:params:xml:ns:netconf:base:1.0"
#: A c8000v's three vNICs as a first boot prints them: GigabitEthernet1 takes its address by DHCP (the management
#: port of a cloud or lab instance), the others are down without an address; Ethernet ports print ``negotiation
#: auto`` and ``no mop enabled`` / ``no mop sysid``.
C8000V_INTERFACES = "".join(
    f"<GigabitEthernet><name>{n}</name>{'<ip><address><dhcp/></address></ip>' if n == 1 else '<shutdown/>'}"
    f'<negotiation xmlns="{ETHERNET_NS}"><auto>true</auto></negotiation>'
    "<mop><enabled>false</enabled><sysid>false</sysid></mop></GigabitEthernet>"
    for n in (1, 2, 3)
)

#: The system lines a factory c8000v 17.12 prints (CLI reference §1.2/§1.3): service timestamps, the platform
#: lines, subscriber templating, multilink bundle-name, the licence UDI (its serial is the device's, filled in
#: below), the memory watermark, diagnostic bootup, the redundancy and control-plane blocks and Smart Licensing's
#: call-home profile.
C8000V_SYSTEM = f"""
    <memory><free><low-watermark><processor>63709</processor></low-watermark></free></memory>
    <call-home>
      <contact-email-addr xmlns="{CALL_HOME_NS}">sch-smart-licensing@cisco.com</contact-email-addr>
      <tac-profile xmlns="{CALL_HOME_NS}"><profile><CiscoTAC-1>
        <active>true</active><destination><transport-method>http</transport-method></destination>
      </CiscoTAC-1></profile></tac-profile>
    </call-home>
    <service>
      <timestamps>
        <debug-config><datetime><msec/></datetime></debug-config>
        <log-config><datetime><msec/></datetime></log-config>
      </timestamps>
    </service>
    <platform>
      <console xmlns="{PLATFORM_NS}"><output>serial</output></console>
      <qfp xmlns="{PLATFORM_NS}"><utilization><monitor><load>80</load></monitor></utilization></qfp>
      <punt-keepalive xmlns="{PLATFORM_NS}"><disable-kernel-core>true</disable-kernel-core></punt-keepalive>
    </platform>
    <control-plane/>
    <multilink><bundle-name xmlns="{PPP_NS}">authenticated</bundle-name></multilink>
    <redundancy/>
    <subscriber><templating/></subscriber>
    <license><udi><pid>C8000V</pid><sn></sn></udi></license>
    <diagnostic xmlns="{DIAGNOSTICS_NS}"><bootup><level>minimal</level></bootup></diagnostic>"""

#: The management services a factory c8000v 17.12 prints: the HTTP(S) servers with local authentication (beside
#: ``ip forward-protocol nd``, ``ip ssh bulk-mode 131072``, the console's ``stopbits 1``, ``line aux 0``, ``line vty
#: 5 15`` and ``netconf-yang`` in the template below). No candidate datastore: a factory box has none until
#: ``netconf-yang feature candidate-datastore`` is configured.
C8000V_HTTP = (
    f'<http xmlns="{HTTP_NS}"><authentication><local/></authentication>'
    "<server>true</server><secure-server>true</secure-server></http>"
)


def random_password(length: int = 16) -> str:
    """A password for the first admin when none was given; printed once, never stored in clear."""
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


def bootstrap_config(admin_user: str, admin_password: str, serial: str | None = None) -> etree._Element:
    """``hostname Router``, ``ip domain name lab.local``, AAA with local login and exec authorization, one
    privilege-15 user with a type-9 secret, ``ip ssh version 2`` and ``line vty 0 4 / transport input ssh``, with
    a factory c8000v's system lines (:data:`C8000V_SYSTEM`; ``serial`` is the licence UDI's, a new one if None),
    its three ports (:data:`C8000V_INTERFACES`) and ``vrf definition Mgmt-intf``."""
    return hashed_bootstrap_config(admin_user, type9_hash(admin_password), serial or new_serial())


def hashed_bootstrap_config(admin_user: str, secret: str, serial: str) -> etree._Element:
    """:func:`bootstrap_config` with the password already a type-9 hash (scrypt, ~7 ms of CPU: a fleet of
    many devices with one password hashes it once) and the device's serial (``show version`` prints the same)."""
    xml = f"""
<config xmlns="{NC_NS}">
  <native xmlns="{NATIVE_NS}">
    <hostname>Router</hostname>{C8000V_SYSTEM}
    <username>
      <name></name>
      <privilege>15</privilege>
      <secret><encryption>9</encryption><secret></secret></secret>
    </username>
    <vrf><definition><name>Mgmt-intf</name><address-family><ipv4/><ipv6/></address-family></definition></vrf>
    <ip>
      <domain><name>lab.local</name></domain>
      <forward-protocol><protocol>nd</protocol></forward-protocol>{C8000V_HTTP}
      <ssh><bulk-mode><window-size>131072</window-size></bulk-mode><ssh-version>2</ssh-version></ssh>
    </ip>
    <interface>{C8000V_INTERFACES}</interface>
    <aaa>
      <new-model xmlns="{AAA_NS}"/>
      <authentication xmlns="{AAA_NS}"><login><name>default</name><a1><local/></a1></login></authentication>
      <authorization xmlns="{AAA_NS}"><exec><name>default</name><a1><local/></a1></exec></authorization>
    </aaa>
    <line>
      <console><first>0</first><stopbits>1</stopbits></console>
      <aux><first>0</first></aux>
      <vty><first>0</first><last>4</last><transport><input><input>ssh</input></input></transport></vty>
      <vty><first>5</first><last>15</last><transport><input><input>ssh</input></input></transport></vty>
    </line>
    <netconf-yang xmlns="{PRIVATE_NS}"/>
  </native>
</config>"""
    root = etree.fromstring(xml.encode())
    ns = {"ios": NATIVE_NS}
    for path, value in (
        ("ios:native/ios:username/ios:name", admin_user),
        ("ios:native/ios:username/ios:secret/ios:secret", secret),
        ("ios:native/ios:license/ios:udi/ios:sn", serial),
    ):
        leaf = root.find(path, ns)
        assert leaf is not None  # the template above has it
        leaf.text = value
    return root
