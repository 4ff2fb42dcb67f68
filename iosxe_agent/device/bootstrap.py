"""The configuration a new device starts with (DESIGN.md §3): usable and secure from the first start."""

from __future__ import annotations

import secrets
import string

from lxml import etree

from iosxe_agent.device.names import AAA_NS, NATIVE_NS
from iosxe_agent.device.passwords import type9_hash

NC_NS = "urn:ietf:params:xml:ns:netconf:base:1.0"


def random_password(length: int = 16) -> str:
    """A password for the first admin when none was given; printed once, never stored in clear."""
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


def bootstrap_config(admin_user: str, admin_password: str) -> etree._Element:
    """``hostname Router``, ``ip domain name lab.local``, AAA with local login and exec authorization, one
    privilege-15 user with a type-9 secret, ``ip ssh version 2`` and ``line vty 0 4 / transport input ssh``."""
    return hashed_bootstrap_config(admin_user, type9_hash(admin_password))


def hashed_bootstrap_config(admin_user: str, secret: str) -> etree._Element:
    """:func:`bootstrap_config` with the password already a type-9 hash (scrypt, ~7 ms of CPU: a fleet of
    many devices with one password hashes it once)."""
    xml = f"""
<config xmlns="{NC_NS}">
  <native xmlns="{NATIVE_NS}">
    <hostname>Router</hostname>
    <username>
      <name></name>
      <privilege>15</privilege>
      <secret><encryption>9</encryption><secret></secret></secret>
    </username>
    <ip>
      <domain><name>lab.local</name></domain>
      <ssh><ssh-version>2</ssh-version></ssh>
    </ip>
    <aaa>
      <new-model xmlns="{AAA_NS}"/>
      <authentication xmlns="{AAA_NS}"><login><name>default</name><a1><local/></a1></login></authentication>
      <authorization xmlns="{AAA_NS}"><exec><name>default</name><a1><local/></a1></exec></authorization>
    </aaa>
    <line>
      <vty><first>0</first><last>4</last><transport><input><input>ssh</input></input></transport></vty>
    </line>
  </native>
</config>"""
    root = etree.fromstring(xml.encode())
    ns = {"ios": NATIVE_NS}
    for path, value in (
        ("ios:native/ios:username/ios:name", admin_user),
        ("ios:native/ios:username/ios:secret/ios:secret", secret),
    ):
        leaf = root.find(path, ns)
        assert leaf is not None  # the template above has it
        leaf.text = value
    return root
