"""The device certificate's trustpoint as configuration: the lines ``show running-config`` prints once ``ip http
secure-server`` has made the self-signed certificate, as on a real 17.12 box::

    crypto pki trustpoint TP-self-signed-<n>
     enrollment selfsigned
     subject-name cn=IOS-Self-Signed-Certificate-<n>
     revocation-check none
     rsakeypair TP-self-signed-<n>
     hash sha256
    !
    !
    crypto pki certificate chain TP-self-signed-<n>
     certificate self-signed 01
      <the certificate, DER in hexadecimal: groups of eight digits, eight groups a line>
      \tquit

No model of ours knows ``crypto pki`` (a real configuration's ``crypto pki`` lines are kept as text), so these lines
go where kept lines live, the device-private store of :mod:`iosxe_agent.device.cli_map.unmodelled`, at the place
a real 17.12 configuration has them (after ``multilink bundle-name``, before ``license``). Being configuration,
they travel with it: ``write memory``, ``copy running-config scp:``, ``configure replace``, NETCONF never (the
store is device-private). A configuration that names a self-signed trustpoint already (a router's own, loaded
whole) keeps it: no second one is added, and a certificate made then takes its number. Pure: the service commits
what :func:`trustpoint_edit` returns.
"""

from __future__ import annotations

import re

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from lxml import etree

from iosxe_agent.datastore.store import ROOT_TAG
from iosxe_agent.device.cli_map import unmodelled
from iosxe_agent.device.cli_map.keys import crypto_key_lines
from iosxe_agent.device.names import NATIVE_NS, PRIVATE_NS

PREFIX = "TP-self-signed-"
_HEADER = re.compile(r"crypto pki trustpoint TP-self-signed-(\d{1,10})")
#: where a real 17.12 configuration's self-signed trustpoint prints (the global block, after multilink)
SLOT = unmodelled.Slot("", "multilink-bundle-name")


def trustpoint_lines(trustpoint: str, cert_pem: bytes) -> list[str]:
    """The configuration lines of ``trustpoint`` (``TP-self-signed-<n>``) holding the certificate ``cert_pem``."""
    number = trustpoint.removeprefix(PREFIX)
    der = x509.load_pem_x509_certificate(cert_pem).public_bytes(serialization.Encoding.DER)
    return [
        f"crypto pki trustpoint {trustpoint}",
        " enrollment selfsigned",
        f" subject-name cn=IOS-Self-Signed-Certificate-{number}",
        " revocation-check none",
        f" rsakeypair {trustpoint}",
        " hash sha256",
        "!",
        "!",
        f"crypto pki certificate chain {trustpoint}",
        " certificate self-signed 01",
        *(f"  {line}" for line in crypto_key_lines(der.hex().upper())),
        "  \tquit",
    ]


def configured_number(native: etree._Element | None) -> int | None:
    """The ``<n>`` of the self-signed trustpoint running names already (a router's own configuration loaded
    whole, or lines added before), or None: the HTTPS server uses that trustpoint, as IOS does, rather than
    making one more."""
    for lines in unmodelled.read(native).values():
        for line in lines:
            found = _HEADER.fullmatch(line.rstrip())
            if found is not None:
                return int(found.group(1))
    return None


def trustpoint_edit(native: etree._Element | None, trustpoint: str, cert_pem: bytes) -> etree._Element | None:
    """The edit of running (merge) that adds the trustpoint's lines to the kept lines under ``native`` (running's),
    or None when running names a self-signed trustpoint already (these lines, added before or carried by a
    file, or the box's own from a configuration it was given)."""
    if configured_number(native) is not None:
        return None
    blocks = unmodelled.read(native)
    changed = unmodelled.merge(blocks, [(SLOT, trustpoint_lines(trustpoint, cert_pem))])
    config = etree.Element(ROOT_TAG)
    native = etree.SubElement(config, f"{{{NATIVE_NS}}}native", nsmap={None: NATIVE_NS})
    store = etree.SubElement(native, unmodelled.UNMODELLED_TAG, nsmap={"priv": PRIVATE_NS})
    for slot, lines in changed.items():
        block = etree.SubElement(store, unmodelled.BLOCK_TAG)
        etree.SubElement(block, unmodelled.CONTEXT_TAG).text = slot.context
        etree.SubElement(block, unmodelled.AFTER_TAG).text = slot.after
        etree.SubElement(block, unmodelled.TEXT_TAG).text = "\n".join(lines)
    return config
