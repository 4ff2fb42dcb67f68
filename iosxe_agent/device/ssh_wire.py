"""What the device's SSH server puts on the wire: the :class:`~iosxe_agent.device.ssh_algorithms.Offer` of its
configuration turned into asyncssh listener options, and what a connection negotiated, read as IOS reports it.

asyncssh knows every algorithm IOS XE 17.12 offers except two names and the X.509 ones:

* ``aes128-gcm`` / ``aes256-gcm`` (IOS's names of AES-GCM beside the ``@openssh.com`` ones; Cisco documents them as
  compatible with ``aes128-gcm@openssh.com``): registered here as aliases of asyncssh's OpenSSH-style GCM, not
  offered unless a list names them, so the server's KEXINIT carries IOS's exact default cipher list;
* ``x509v3-*`` public-key algorithms (X.509 user certificates need pyOpenSSL and a PKI trustpoint, neither of
  which this device has): ``show ip ssh`` lists them as IOS does, the ``server-sig-algs`` extension leaves them
  out.

Compression is ``none`` only (the guide: compression is not supported). Host-key algorithms are the configured (or
default) list less what the device's keys cannot sign: an RSA key offers ``rsa-sha2-512,rsa-sha2-256`` by default,
never ``ssh-rsa`` unless ``ip ssh server algorithm hostkey`` names it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncssh
from asyncssh.encryption import GCMEncryption, get_encryption_algs, register_encryption_alg
from asyncssh.kex import get_kex_algs
from asyncssh.mac import get_mac_algs
from asyncssh.public_key import get_public_key_algs

from iosxe_agent.device.ssh_algorithms import Offer, host_key_algorithms, negotiated, parse_kexinit

#: IOS cipher names asyncssh lacks -> the asyncssh cipher that speaks them.
_GCM_ALIASES = {b"aes128-gcm": "aes128-gcm", b"aes256-gcm": "aes256-gcm"}


def _register_aliases() -> None:
    """Teach asyncssh IOS's GCM names (once per process; not default, so no other listener offers them)."""
    for name, cipher in _GCM_ALIASES.items():
        if name not in get_encryption_algs():
            register_encryption_alg(name, GCMEncryption, cipher, False)


_register_aliases()


@dataclass(frozen=True, slots=True)
class Wire:
    """The lists the server's KEXINIT and ``server-sig-algs`` carry, in order. An empty ``kex``, ``hostkey``,
    ``encryption`` or ``mac`` list means no client can agree on anything (``usable`` is False)."""

    kex: tuple[str, ...]
    hostkey: tuple[str, ...]
    encryption: tuple[str, ...]
    mac: tuple[str, ...]
    publickey: tuple[str, ...]
    authentication: tuple[str, ...]

    @property
    def usable(self) -> bool:
        return all((self.kex, self.hostkey, self.encryption, self.mac))


def _known(names: tuple[str, ...], supported: list[bytes]) -> tuple[str, ...]:
    return tuple(a for a in names if a.encode("ascii") in supported)


def wire(offer: Offer, key_types: tuple[str, ...]) -> Wire:
    """What goes on the wire for ``offer`` with host keys of ``key_types`` (``ssh-rsa`` …)."""
    return Wire(
        kex=_known(offer.kex, get_kex_algs()),
        hostkey=host_key_algorithms(offer.hostkey, key_types),
        encryption=_known(offer.encryption, get_encryption_algs()),
        mac=_known(offer.mac, get_mac_algs()),
        publickey=_known(offer.publickey, get_public_key_algs()),
        authentication=offer.authentication,
    )


def listen_options(lists: Wire, key: asyncssh.SSHKey) -> dict[str, Any]:
    """asyncssh ``listen``/``update`` options offering ``lists`` with ``key`` as the host key. Unusable lists are
    replaced by asyncssh's own (it refuses empty ones): the service refuses those connections itself."""
    keypair = asyncssh.load_keypairs([key])[0]
    if lists.hostkey:
        keypair.host_key_algorithms = [a.encode("ascii") for a in lists.hostkey]
    options: dict[str, Any] = {"server_host_keys": [keypair], "compression_algs": ["none"]}
    if lists.usable:
        options.update(
            kex_algs=list(lists.kex),
            encryption_algs=list(lists.encryption),
            mac_algs=list(lists.mac),
            signature_algs=list(lists.publickey) or (),
        )
    return options


def ios_macs(conn: asyncssh.SSHServerConnection) -> tuple[str, str] | None:
    """The MACs (client->server, server->client) the two KEXINITs of ``conn`` negotiate by RFC 4253's rule, also
    for an AEAD cipher (which uses none): IOS reports that name (``using crypto cipher
    'chacha20-poly1305@openssh.com', hmac 'hmac-sha2-256-etm@openssh.com'``, 17.x syslog), where asyncssh
    reports the cipher's. None when the KEXINITs are not available or agree on no MAC.

    asyncssh keeps both KEXINIT payloads on the connection (``_client_kexinit``/``_server_kexinit``, what it hashes
    into the exchange) and offers no accessor for them."""
    try:
        client = parse_kexinit(bytes(getattr(conn, "_client_kexinit", b"")))
        server = parse_kexinit(bytes(getattr(conn, "_server_kexinit", b"")))
    except ValueError:
        return None
    cs = negotiated(client.mac_cs, server.mac_cs)
    sc = negotiated(client.mac_sc, server.mac_sc)
    return (cs, sc) if cs and sc else None
