"""The SSH algorithms of IOS XE 17.12: the names its CLI takes, what it offers by default, and what a configuration
makes it offer (pure; the SSH service turns the result into asyncssh options, ``show ip ssh`` prints it).

Sources:

* the defaults are a real 17.x ``show ip ssh`` (IOSXE-CLI-REFERENCE.md §2.1, IOL-XE; the RT01 17.x capture has the
  same lists plus ``ssh-rsa`` in the host-key and public-key lines, §2.1 "Variants");
* the names ``ip ssh {server|client} algorithm encryption|mac|kex|hostkey|authentication|publickey`` take are the
  enumerations of Cisco's models (they appear as ``ordered-by user`` leaf-lists from 17.16.1; 17.12.1 models only
  three empty ``aes*-ctr`` leaves under ``encryption``, the rest of the lines are CLI-only there, see
  ``yang/iosxe-agent-private.yang``);
* IOS keeps each list in the order typed and offers it in that order (a preference list, as in every SSH
  KEXINIT); ``show ip ssh`` prints the configured list, not only what the host keys can sign: the IOL capture
  lists ``ecdsa-sha2-*`` host-key algorithms on a box with no EC key (``ssh-ec ... NONE``).

``ip ssh dh min size N`` removes every fixed Diffie-Hellman group smaller than N from the key exchanges (group14 is
2048 bits, group16 4096; IOS XE 17.12 offers no group exchange at all).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# -- the names the CLI takes (Cisco's enumerations) ----------------------------------------------------------------
ENCRYPTION = (
    "aes128-cbc", "aes128-ctr", "aes128-gcm", "aes128-gcm@openssh.com", "aes192-cbc", "aes192-ctr", "aes256-cbc",
    "aes256-ctr", "aes256-gcm", "aes256-gcm@openssh.com", "chacha20-poly1305@openssh.com", "3des-cbc",
)  # fmt: skip
MAC = ("hmac-sha1", "hmac-sha2-256", "hmac-sha2-256-etm@openssh.com", "hmac-sha2-512", "hmac-sha2-512-etm@openssh.com")
KEX = (
    "curve25519-sha256", "curve25519-sha256@libssh.org", "diffie-hellman-group14-sha1",
    "diffie-hellman-group14-sha256", "diffie-hellman-group16-sha512", "ecdh-sha2-nistp256", "ecdh-sha2-nistp384",
    "ecdh-sha2-nistp521",
)  # fmt: skip
HOSTKEY = (
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "rsa-sha2-256",
    "rsa-sha2-512",
    "ssh-rsa",
)
AUTHENTICATION = ("keyboard", "password", "publickey")
PUBLICKEY = (
    "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "rsa-sha2-256", "rsa-sha2-512",
    "ssh-ed25519", "ssh-rsa", "x509v3-ecdsa-sha2-nistp256", "x509v3-ecdsa-sha2-nistp384",
    "x509v3-ecdsa-sha2-nistp521", "x509v3-rsa2048-sha256",
)  # fmt: skip

#: The ciphers Cisco's 17.12.1 model has a leaf for (``ip ssh server algorithm encryption`` over NETCONF).
CTR_LEAVES = ("aes128-ctr", "aes192-ctr", "aes256-ctr")

# -- what 17.12 offers when nothing is configured (§2.1, in order) -------------------------------------------------
DEFAULT_ENCRYPTION = (
    "chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com", "aes128-gcm", "aes256-gcm",
    "aes128-ctr", "aes192-ctr", "aes256-ctr",
)  # fmt: skip
DEFAULT_MAC = ("hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com")
DEFAULT_KEX = (
    "curve25519-sha256", "curve25519-sha256@libssh.org", "ecdh-sha2-nistp256", "ecdh-sha2-nistp384",
    "ecdh-sha2-nistp521", "diffie-hellman-group14-sha256", "diffie-hellman-group16-sha512",
)  # fmt: skip
DEFAULT_HOSTKEY = ("ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "rsa-sha2-512", "rsa-sha2-256")
DEFAULT_PUBLICKEY = (
    "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-ed25519", "x509v3-ecdsa-sha2-nistp256",
    "x509v3-ecdsa-sha2-nistp384", "x509v3-ecdsa-sha2-nistp521", "rsa-sha2-256", "rsa-sha2-512",
    "x509v3-rsa2048-sha256",
)  # fmt: skip
DEFAULT_AUTHENTICATION = ("publickey", "keyboard", "password")

#: The ``authentication`` keywords as SSH (and ``show ip ssh``) names the methods.
AUTH_METHOD = {"publickey": "publickey", "keyboard": "keyboard-interactive", "password": "password"}

#: Size in bits of each fixed Diffie-Hellman group a key exchange uses (RFC 3526 / RFC 8268).
DH_GROUP_BITS = {
    "diffie-hellman-group14-sha1": 2048,
    "diffie-hellman-group14-sha256": 2048,
    "diffie-hellman-group16-sha512": 4096,
}

#: Host-key algorithms each kind of host key can sign with (a key type absent from the device offers none).
SIGNS_WITH = {
    "ssh-rsa": frozenset({"rsa-sha2-256", "rsa-sha2-512", "ssh-rsa"}),
    "ecdsa-sha2-nistp256": frozenset({"ecdsa-sha2-nistp256"}),
    "ecdsa-sha2-nistp384": frozenset({"ecdsa-sha2-nistp384"}),
    "ecdsa-sha2-nistp521": frozenset({"ecdsa-sha2-nistp521"}),
}


@dataclass(frozen=True, slots=True)
class Configured:
    """The ``ip ssh server algorithm …`` lists of a configuration, as typed (empty: the line is absent)."""

    encryption: tuple[str, ...] = ()
    mac: tuple[str, ...] = ()
    kex: tuple[str, ...] = ()
    hostkey: tuple[str, ...] = ()
    authentication: tuple[str, ...] = ()
    publickey: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Offer:
    """What the server offers, each list in preference order, in IOS's names: the lines of ``show ip ssh``."""

    authentication: tuple[str, ...]  # SSH method names (keyboard-interactive, not keyboard)
    publickey: tuple[str, ...]
    hostkey: tuple[str, ...]
    encryption: tuple[str, ...]
    mac: tuple[str, ...]
    kex: tuple[str, ...]


def offer(configured: Configured, dh_min: int) -> Offer:
    """The lists a configuration offers: each configured list as typed, or 17.12's default, and the key exchanges
    whose Diffie-Hellman group is at least ``dh_min`` bits."""
    kex = configured.kex or DEFAULT_KEX
    return Offer(
        authentication=tuple(AUTH_METHOD[m] for m in configured.authentication or DEFAULT_AUTHENTICATION),
        publickey=configured.publickey or DEFAULT_PUBLICKEY,
        hostkey=configured.hostkey or DEFAULT_HOSTKEY,
        encryption=configured.encryption or DEFAULT_ENCRYPTION,
        mac=configured.mac or DEFAULT_MAC,
        kex=tuple(k for k in kex if DH_GROUP_BITS.get(k, dh_min) >= dh_min),
    )


def host_key_algorithms(hostkey: Iterable[str], key_types: Iterable[str]) -> tuple[str, ...]:
    """The host-key algorithms that go on the wire: those of ``hostkey`` the device's keys can sign with."""
    signable = frozenset().union(*(SIGNS_WITH.get(k, frozenset()) for k in key_types))
    return tuple(a for a in hostkey if a in signable)


# -- the peer's KEXINIT ----------------------------------------------------------------------------------------------
MSG_KEXINIT = 20
KEXINIT_LISTS = (
    "kex", "hostkey", "encryption_cs", "encryption_sc", "mac_cs", "mac_sc", "compression_cs", "compression_sc",
    "language_cs", "language_sc",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class KexInit:
    """The ten name-lists of an SSH_MSG_KEXINIT (RFC 4253 §7.1)."""

    kex: tuple[str, ...]
    hostkey: tuple[str, ...]
    encryption_cs: tuple[str, ...]
    encryption_sc: tuple[str, ...]
    mac_cs: tuple[str, ...]
    mac_sc: tuple[str, ...]
    compression_cs: tuple[str, ...]
    compression_sc: tuple[str, ...]
    language_cs: tuple[str, ...]
    language_sc: tuple[str, ...]


def parse_kexinit(payload: bytes) -> KexInit:
    """Read a KEXINIT payload (message number, 16-byte cookie, ten name-lists …); ValueError if it is not one."""
    if not payload or payload[0] != MSG_KEXINIT:
        raise ValueError("not an SSH_MSG_KEXINIT")
    offset = 17
    lists: list[tuple[str, ...]] = []
    for _ in KEXINIT_LISTS:
        if offset + 4 > len(payload):
            raise ValueError("truncated KEXINIT")
        (size,) = struct.unpack_from(">I", payload, offset)
        offset += 4
        if offset + size > len(payload):
            raise ValueError("truncated KEXINIT")
        text = payload[offset : offset + size].decode("ascii")
        offset += size
        lists.append(tuple(text.split(",")) if text else ())
    return KexInit(*lists)


def negotiated(client: Sequence[str], server: Sequence[str]) -> str | None:
    """The algorithm RFC 4253 §7.1 picks: the client's first one the server also lists."""
    return next((a for a in client if a in server), None)
