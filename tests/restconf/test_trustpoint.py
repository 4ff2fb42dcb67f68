"""The trustpoint's configuration lines (pure): 17.12's layout, the certificate's DER in the chain, and no second
self-signed trustpoint when running names one already."""

from __future__ import annotations

import re
from pathlib import Path

from cryptography import x509
from lxml import etree

from iosxe_agent.device.cli_map import unmodelled
from iosxe_agent.device.names import NATIVE_NS
from iosxe_agent.restconf.certificate import device_certificate, make_certificate
from iosxe_agent.restconf.trustpoint import SLOT, configured_number, trustpoint_edit, trustpoint_lines

NUMBER = 1234567890
TRUSTPOINT = f"TP-self-signed-{NUMBER}"


def native_with(lines: list[str]) -> etree._Element:
    """A running ``native`` whose kept lines are ``lines`` (at the global block's end)."""
    native = etree.Element(f"{{{NATIVE_NS}}}native")
    block = etree.SubElement(etree.SubElement(native, unmodelled.UNMODELLED_TAG), unmodelled.BLOCK_TAG)
    etree.SubElement(block, unmodelled.CONTEXT_TAG).text = ""
    etree.SubElement(block, unmodelled.AFTER_TAG).text = unmodelled.LAST
    etree.SubElement(block, unmodelled.TEXT_TAG).text = "\n".join(lines)
    return native


def test_lines_are_17_12s_with_the_certificate_in_hex() -> None:
    cert_pem, _ = make_certificate(NUMBER, "127.0.0.1")
    lines = trustpoint_lines(TRUSTPOINT, cert_pem)
    assert lines[:10] == [
        f"crypto pki trustpoint {TRUSTPOINT}",
        " enrollment selfsigned",
        f" subject-name cn=IOS-Self-Signed-Certificate-{NUMBER}",
        " revocation-check none",
        f" rsakeypair {TRUSTPOINT}",
        " hash sha256",
        "!",
        "!",
        f"crypto pki certificate chain {TRUSTPOINT}",
        " certificate self-signed 01",
    ]
    assert lines[-1] == "  \tquit"
    hex_lines = lines[10:-1]
    assert all(re.fullmatch(r"  [0-9A-F]{8}( [0-9A-F]{8}){7}", line) for line in hex_lines[:-1])
    der = bytes.fromhex("".join(hex_lines))
    assert x509.load_der_x509_certificate(der) == x509.load_pem_x509_certificate(cert_pem)


def test_the_edit_adds_them_at_their_slot_unless_a_trustpoint_is_configured() -> None:
    cert_pem, _ = make_certificate(NUMBER, "127.0.0.1")
    edit = trustpoint_edit(None, TRUSTPOINT, cert_pem)
    assert edit is not None
    blocks = unmodelled.read(edit.find(f"{{{NATIVE_NS}}}native"))
    assert blocks == {SLOT: trustpoint_lines(TRUSTPOINT, cert_pem)}
    assert configured_number(None) is None
    configured = native_with(["crypto pki trustpoint TP-self-signed-42", " enrollment selfsigned"])
    assert configured_number(configured) == 42
    assert trustpoint_edit(configured, TRUSTPOINT, cert_pem) is None
    other = native_with(["crypto pki trustpoint SLA-TrustPoint", " enrollment pkcs12"])
    assert configured_number(other) is None and trustpoint_edit(other, TRUSTPOINT, cert_pem) is not None


def test_a_certificate_made_under_a_configured_trustpoint_takes_its_number(tmp_path: Path) -> None:
    made = device_certificate(tmp_path, "127.0.0.1", 42)
    assert made.trustpoint == "TP-self-signed-42"
    subject = x509.load_pem_x509_certificate(made.cert.read_bytes()).subject.rfc4514_string()
    assert subject == "CN=IOS-Self-Signed-Certificate-42"
    assert device_certificate(tmp_path, "127.0.0.1", 7) == made  # made once, kept
