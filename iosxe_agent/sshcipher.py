"""What encrypting an SSH packet costs: two changes to asyncssh (2.24) that take that cost down and leave every
byte a peer can decrypt as it was.

Each NETCONF RPC costs at least one SSH packet in and one out; on a one-leaf edit + commit, asyncssh's receive and
send paths were ~30% of the agent's CPU and its packet encryption alone ~18% (py-spy). :func:`install` changes two
things, once per process:

1. **No SSH_MSG_IGNORE before each packet when the cipher does not need one.** asyncssh sends an empty IGNORE
   packet before *every* packet once encryption is on, so each reply costs two encryptions, two MACs and two
   socket writes. That countermeasure is for CBC ciphers only: RFC 4251 §9.3.1 (the chosen-plaintext attack on
   CBC, whose next IV is the last ciphertext block the attacker has seen). A counter mode (AES-CTR, RFC 4344)
   and the AEAD ciphers (chacha20-poly1305@openssh.com, OpenSSH PROTOCOL.chacha20poly1305; AES-GCM, RFC 5647)
   never chain one packet's ciphertext into the next one's IV, and neither OpenSSH's sshd nor IOS XE sends these
   packets. The IGNORE is dropped for exactly the ciphers in :data:`NO_IGNORE_CIPHERS` (by the name
   asyncssh reports as ``send_cipher``, which it sets when it switches the packet encryption); every other
   cipher — CBC, arcfour, anything unknown — keeps asyncssh's IGNORE packets. (``debug ip ssh`` traces the
   packets that are sent, so it shows these IGNOREs under CBC only, as a real IOS shows none.)
2. **chacha20-poly1305@openssh.com with its two ChaCha20 states kept, instead of three new ciphers a packet.** asyncssh
   builds three ``cryptography`` ``Cipher`` objects per packet (length, Poly1305 key, payload). OpenSSH's own
   construction (PROTOCOL.chacha20poly1305, ``cipher-chachapoly.c``) keeps one ChaCha20 state per key and sets
   its nonce per packet: the Poly1305 key is the first 32 bytes of block 0 of the main key's keystream, the
   payload uses blocks 1…, so one state reset to the sequence number gives both; received packets are verified
   with that key before anything is decrypted, as before. :class:`_Chacha` does that with
   ``CipherContext.reset_nonce``; it replaces what ``ChachaEncryption.new`` builds, so the negotiation, the
   algorithm lists and every other cipher stay asyncssh's. (``register_encryption_alg`` cannot replace an
   algorithm: registering the name again would list it twice in every default KEXINIT.)

Both are done only on the asyncssh whose code they were written against: :data:`_READ` holds the digest of the
source of what each change relies on (``SSHConnection.send_packet``; ``ChachaEncryption`` and
``asyncssh.crypto.chacha``), and an asyncssh whose source differs keeps its own behaviour for that change.
Installed once per process, before any SSH server starts (as :mod:`iosxe_agent.sshflow`); idempotent; clients in
the same process get both changes too.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable
from types import ModuleType
from typing import Any

from asyncssh.connection import SSHConnection
from asyncssh.constants import MSG_IGNORE, MSG_KEX_LAST
from asyncssh.crypto import chacha
from asyncssh.encryption import ChachaEncryption
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.ciphers import Cipher, CipherContext
from cryptography.hazmat.primitives.ciphers.algorithms import ChaCha20
from cryptography.hazmat.primitives.poly1305 import Poly1305

_INSTALLED = "_iosxe_agent_cipher"
_SKIP_IGNORE = "_iosxe_agent_skip_ignore"  # set while a packet whose IGNORE we drop is being sent

#: Ciphers that chain nothing from one packet into the next (CTR and AEAD): the IGNORE packet protects nothing.
#: ``aes128-gcm``/``aes256-gcm`` are IOS's names of the same GCM (:mod:`iosxe_agent.device.ssh_wire`).
NO_IGNORE_CIPHERS = frozenset(
    {
        "chacha20-poly1305@openssh.com",
        *(f"aes{bits}-gcm{suffix}" for bits in (128, 256) for suffix in ("@openssh.com", "")),
        *(f"aes{bits}-ctr" for bits in (128, 192, 256)),
    }
)

#: The asyncssh release whose source :data:`_READ` holds.
READ_FROM = "2.24.1"
#: sha256 of the source each change was written against (asyncssh :data:`READ_FROM`).
_READ = {
    "send_packet": "fb9da7bec6dd395a2f379f8a0f4dbfc5f194ff80e1ed8630d9a6dbf291359406",
    "chacha": "e5c1466057a4cd5d826cbd5abb0efae3b1a7558a5eb63df4c6cd4c9427bb8347",
}

_KEY = 32  # each of chacha20-poly1305's two ChaCha20 keys (the negotiated 64 bytes: main key, then length key)
_BLOCK_0 = bytes(64)  # one ChaCha20 block of zeros: its keystream's first 32 bytes are the Poly1305 key
_POLY1305_KEY = 32


def source_digest(*parts: Callable[..., Any] | type | ModuleType) -> str:
    """sha256 of the source of ``parts``, or "" when Python cannot show it (then nothing is replaced)."""
    try:
        text = "".join(inspect.getsource(part) for part in parts)
    except (OSError, TypeError):
        return ""
    return hashlib.sha256(text.encode()).hexdigest()


def _nonce(seq: int) -> bytes:
    """ChaCha20's 16-byte nonce for packet ``seq``: block counter 0 (8 bytes), then ``seq`` as a big-endian uint64."""
    return seq.to_bytes(16, "big")


def _keystream(key: bytes) -> CipherContext:
    return Cipher(ChaCha20(key, bytes(16)), mode=None).encryptor()


class _Chacha(ChachaEncryption):
    """chacha20-poly1305@openssh.com with one ChaCha20 state per key, reset to each packet's nonce (see the module
    doc). Same bytes as asyncssh's ``ChachaCipher``: ``tests/test_sshcipher.py`` compares both."""

    def __init__(self, key: bytes) -> None:  # not super's: it would build a ChachaCipher
        self._main = _keystream(key[:_KEY])
        self._length = _keystream(key[_KEY:])

    def _poly1305_key(self, nonce: bytes) -> bytes:
        """The packet's Poly1305 key; leaves the main state at block 1, where the payload starts."""
        self._main.reset_nonce(nonce)
        return self._main.update(_BLOCK_0)[:_POLY1305_KEY]

    def _length_field(self, header: bytes, nonce: bytes) -> bytes:
        self._length.reset_nonce(nonce)
        return self._length.update(header)

    def encrypt_packet(self, seq: int, header: bytes, packet: bytes) -> tuple[bytes, bytes]:
        """The encrypted length and packet, and the Poly1305 tag over both."""
        nonce = _nonce(seq)
        length = self._length_field(header, nonce)
        key = self._poly1305_key(nonce)
        sealed = length + self._main.update(packet)
        return sealed, Poly1305.generate_tag(key, sealed)

    def decrypt_header(self, seq: int, first_block: bytes, header_len: int) -> tuple[bytes, bytes]:
        """The first block as received (the tag covers it) and the decrypted length field."""
        return first_block, self._length_field(first_block[:header_len], _nonce(seq))

    def decrypt_packet(self, seq: int, first: bytes, rest: bytes, header_len: int, mac: bytes) -> bytes | None:
        """The packet after the length field, or None if the tag does not verify (nothing is decrypted then)."""
        sealed = first + rest
        try:
            Poly1305.verify_tag(self._poly1305_key(_nonce(seq)), sealed, mac)
        except InvalidSignature:
            return None
        return self._main.update(sealed[header_len:])


def _new_chacha(
    cls: type[ChachaEncryption],
    cipher_name: str,
    key: bytes,
    iv: bytes,
    mac_alg: bytes = b"",
    mac_key: bytes = b"",
    etm: bool = False,
) -> ChachaEncryption:
    """``ChachaEncryption.new`` building :class:`_Chacha` (same signature; the cipher has no IV and no MAC)."""
    return _Chacha(key)


def _install_chacha() -> None:
    if source_digest(ChachaEncryption, chacha) != _READ["chacha"] or not hasattr(CipherContext, "reset_nonce"):
        return  # not the code _Chacha reproduces: asyncssh's own ChachaCipher stays
    ChachaEncryption.new = classmethod(_new_chacha)  # type: ignore[method-assign,assignment]


def _install_no_ignore() -> None:
    if source_digest(SSHConnection.send_packet) != _READ["send_packet"]:
        return  # not the send_packet whose IGNORE insertion the wrapper below recognises
    send_packet = SSHConnection.send_packet

    def send(self: Any, pkttype: int, *args: bytes, handler: Any = None) -> None:
        if pkttype == MSG_IGNORE and getattr(self, _SKIP_IGNORE, False):
            setattr(self, _SKIP_IGNORE, False)  # the one asyncssh inserts before the packet being sent
            return
        if pkttype <= MSG_KEX_LAST or self.get_extra_info("send_cipher") not in NO_IGNORE_CIPHERS:
            send_packet(self, pkttype, *args, handler=handler)  # no IGNORE inserted, or one this cipher keeps
            return
        # asyncssh inserts its IGNORE first thing once it sends (a rekey's KEXINIT may come before it and passes
        # through unchanged); a packet it defers instead inserts none now, and the flag is cleared either way.
        setattr(self, _SKIP_IGNORE, True)
        try:
            send_packet(self, pkttype, *args, handler=handler)
        finally:
            setattr(self, _SKIP_IGNORE, False)

    SSHConnection.send_packet = send  # type: ignore[method-assign]  # asyncssh has no option for it


def install() -> None:
    """Apply both changes of the module doc where asyncssh's code is the one they were written against
    (idempotent)."""
    if getattr(SSHConnection, _INSTALLED, False):
        return
    _install_chacha()
    _install_no_ignore()
    setattr(SSHConnection, _INSTALLED, True)
