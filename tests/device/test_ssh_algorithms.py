"""What a configuration makes the SSH server offer (pure): the view of ``ip ssh server algorithm …`` lines, 17.12's
defaults, ``ip ssh dh min size``, what goes on the wire, and the KEXINIT reading ``show ssh`` relies on."""

from __future__ import annotations

import struct

import pytest
from lxml import etree
from namespaces import IOS, NC, PRIV

from iosxe_agent.device import views
from iosxe_agent.device.cli_map import parse_config_text, render_config
from iosxe_agent.device.cli_map.syntax import flagged_order
from iosxe_agent.device.printable import unprintable
from iosxe_agent.device.ssh_algorithms import (
    CTR_LEAVES,
    Configured,
    negotiated,
    offer,
    parse_kexinit,
)
from iosxe_agent.device.ssh_wire import wire
from iosxe_agent.serve import compiled_schema

#: §2.1, the real 17.x box with nothing configured
IOL = {
    "authentication": ("publickey", "keyboard-interactive", "password"),
    "hostkey": ("ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "rsa-sha2-512", "rsa-sha2-256"),
    "encryption": (
        "chacha20-poly1305@openssh.com",
        "aes128-gcm@openssh.com",
        "aes256-gcm@openssh.com",
        "aes128-gcm",
        "aes256-gcm",
        "aes128-ctr",
        "aes192-ctr",
        "aes256-ctr",
    ),
    "mac": ("hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com"),
    "kex": (
        "curve25519-sha256",
        "curve25519-sha256@libssh.org",
        "ecdh-sha2-nistp256",
        "ecdh-sha2-nistp384",
        "ecdh-sha2-nistp521",
        "diffie-hellman-group14-sha256",
        "diffie-hellman-group16-sha512",
    ),
}


def _typed(*lines: str) -> etree._Element:
    """The running tree after typing ``lines`` into an empty box (the edit's operations dropped)."""
    edit, errors = parse_config_text("\n".join(lines))
    assert errors == ()
    for el in edit.iter():
        el.attrib.pop(f"{{{NC}}}operation", None)
    return edit


def test_nothing_configured_offers_17_12s_lists() -> None:
    offered = offer(views.ssh(_typed()).algorithms, 2048)
    for name, expected in IOL.items():
        assert getattr(offered, name) == expected, name


def test_lines_keep_the_order_typed() -> None:
    view = views.ssh(
        _typed(
            "ip ssh server algorithm encryption aes256-ctr aes192-ctr aes128-ctr",
            "ip ssh server algorithm mac hmac-sha2-512 hmac-sha2-256",
            "ip ssh server algorithm kex ecdh-sha2-nistp521 curve25519-sha256",
            "ip ssh server algorithm hostkey rsa-sha2-256 ssh-rsa",
            "ip ssh server algorithm authentication password keyboard",
            "ip ssh server algorithm publickey ssh-ed25519 rsa-sha2-512",
            "ip ssh client algorithm mac hmac-sha1",  # the client's lists are not the server's
        )
    )
    assert view.algorithms == Configured(
        encryption=("aes256-ctr", "aes192-ctr", "aes128-ctr"),
        mac=("hmac-sha2-512", "hmac-sha2-256"),
        kex=("ecdh-sha2-nistp521", "curve25519-sha256"),
        hostkey=("rsa-sha2-256", "ssh-rsa"),
        authentication=("password", "keyboard"),
        publickey=("ssh-ed25519", "rsa-sha2-512"),
    )
    offered = offer(view.algorithms, view.dh_min)
    assert offered.authentication == ("password", "keyboard-interactive")
    assert offered.encryption == ("aes256-ctr", "aes192-ctr", "aes128-ctr")


def test_a_later_line_replaces_the_list() -> None:
    tree = _typed("ip ssh server algorithm encryption aes256-ctr aes128-ctr")
    edit, _ = parse_config_text("ip ssh server algorithm encryption aes192-ctr chacha20-poly1305@openssh.com", tree)
    enc = edit.find(f".//{{{IOS}}}encryption")
    assert enc is not None and enc.get(f"{{{NC}}}operation") == "replace"
    assert [e.text for e in enc.iterfind(f"{{{PRIV}}}encrypt-options")] == [
        "aes192-ctr",
        "chacha20-poly1305@openssh.com",
    ]


@pytest.mark.parametrize(
    ("typed", "leaves", "expected"),
    [
        ((), ("aes256-ctr", "aes128-ctr"), ("aes128-ctr", "aes256-ctr")),  # NETCONF only: the model's order
        (
            ("aes256-ctr", "aes128-gcm", "aes128-ctr"),
            ("aes128-ctr", "aes256-ctr"),
            ("aes256-ctr", "aes128-gcm", "aes128-ctr"),
        ),
        (("aes256-ctr", "aes128-gcm"), (), ("aes128-gcm",)),  # NETCONF removed aes256-ctr
        (("aes128-gcm",), ("aes192-ctr",), ("aes128-gcm", "aes192-ctr")),  # NETCONF added aes192-ctr
    ],
)
def test_encryption_is_the_typed_list_reconciled_with_ciscos_leaves(
    typed: tuple[str, ...], leaves: tuple[str, ...], expected: tuple[str, ...]
) -> None:
    assert flagged_order(typed, leaves, CTR_LEAVES) == expected


def test_dh_min_size_drops_every_smaller_group() -> None:
    configured = Configured(kex=("diffie-hellman-group14-sha1", "diffie-hellman-group16-sha512", "ecdh-sha2-nistp256"))
    assert offer(configured, 2048).kex == configured.kex
    assert offer(configured, 4096).kex == ("diffie-hellman-group16-sha512", "ecdh-sha2-nistp256")
    assert "diffie-hellman-group14-sha256" not in offer(Configured(), 4096).kex
    assert views.ssh(_typed("ip ssh dh min size 4096")).dh_min == 4096


def test_the_wire_carries_what_the_key_can_sign_and_asyncssh_can_speak() -> None:
    lists = wire(offer(Configured(), 2048), ("ssh-rsa",))
    assert lists.hostkey == ("rsa-sha2-512", "rsa-sha2-256")  # no EC key, no ssh-rsa (17.12's default list)
    assert lists.encryption == IOL["encryption"]  # aes128-gcm / aes256-gcm included (registered aliases)
    assert lists.kex == IOL["kex"] and lists.mac == IOL["mac"]
    assert not any(a.startswith("x509v3-") for a in lists.publickey) and "rsa-sha2-256" in lists.publickey
    assert lists.usable
    only_ec = wire(offer(Configured(hostkey=("ecdsa-sha2-nistp256",)), 2048), ("ssh-rsa",))
    assert only_ec.hostkey == () and not only_ec.usable
    no_kex = wire(offer(Configured(kex=("diffie-hellman-group14-sha256",)), 4096), ("ssh-rsa",))
    assert no_kex.kex == () and not no_kex.usable


def _kexinit(*lists: str) -> bytes:
    body = b"".join(struct.pack(">I", len(x)) + x.encode() for x in lists)
    return bytes([20]) + bytes(16) + body + b"\x00" + bytes(4)


def test_kexinit_is_read_as_rfc_4253_lays_it_out() -> None:
    payload = _kexinit("kx1,kx2", "hk", "c1,c2", "c3", "m1,m2", "m3", "none", "none", "", "")
    found = parse_kexinit(payload)
    assert found.kex == ("kx1", "kx2") and found.encryption_cs == ("c1", "c2") and found.mac_sc == ("m3",)
    assert found.language_cs == ()
    with pytest.raises(ValueError):
        parse_kexinit(payload[:30])
    with pytest.raises(ValueError):
        parse_kexinit(b"\x15" + payload[1:])


def test_negotiation_takes_the_clients_first_algorithm_the_server_has() -> None:
    client = ("umac-64-etm@openssh.com", "hmac-sha2-512-etm@openssh.com", "hmac-sha2-256-etm@openssh.com")
    assert negotiated(client, IOL["mac"]) == "hmac-sha2-512-etm@openssh.com"
    assert negotiated(("hmac-md5",), IOL["mac"]) is None


def test_a_netconf_change_of_ciscos_leaves_prints_and_is_read_back() -> None:
    """NETCONF sees (and may remove or add) only the ``aes*-ctr`` leaves: the line follows them, stays printable
    (the commit check of every face), and the view offers what the line says."""
    tree = _typed("ip ssh server algorithm encryption aes256-ctr aes128-gcm aes192-ctr")
    enc = tree.find(f".//{{{IOS}}}encryption")
    assert enc is not None
    enc.remove(enc.find(f"{{{IOS}}}aes256-ctr"))  # <aes256-ctr nc:operation="delete"/> over NETCONF
    etree.SubElement(enc, f"{{{IOS}}}aes128-ctr")  # <aes128-ctr/> merged over NETCONF
    assert "ip ssh server algorithm encryption aes128-gcm aes192-ctr aes128-ctr" in render_config(tree).split("\n")
    assert unprintable(tree, compiled_schema()) == []
    assert views.ssh(tree).algorithms.encryption == ("aes128-gcm", "aes192-ctr", "aes128-ctr")
