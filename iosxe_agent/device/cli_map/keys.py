"""Key material typed into the key-string sub-modes.

``ip ssh pubkey-chain`` / ``username U`` / ``key-string`` takes the lines of a public key (base64, optionally with
the ``ssh-rsa`` prefix and a trailing comment, as in ``id_rsa.pub``) and IOS keeps only its fingerprint:
``key-hash ssh-rsa HEX`` with HEX the upper-case hex MD5 of the decoded blob (CLI reference §4; Ansible's
``ios_user`` vector ``dGVzdA==`` -> ``098F6BCD4621D373CADE4E832627B4F6``). ``crypto key pubkey-chain rsa`` key
strings are hexadecimal DER, stored as one upper-case hex string and printed back in groups of eight digits.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re

DECODE_FAILED = "%SSH: Failed to decode the Key Value"

#: Key type names an OpenSSH public key line may start with.
KEY_TYPES = frozenset(
    {
        "ssh-rsa",
        "ssh-dss",
        "ssh-ed25519",
        "ecdsa-sha2-nistp256",
        "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com",
        "sk-ecdsa-sha2-nistp256@openssh.com",
    }
)
_HEX = re.compile(r"[0-9A-Fa-f]*")
_GROUP = 8
_GROUPS_PER_LINE = 8


def key_fingerprint(blob: bytes) -> str:
    """``key-hash`` value of a decoded public key blob: upper-case hex MD5, no colons."""
    return hashlib.md5(blob, usedforsecurity=False).hexdigest().upper()


def _blob_type(blob: bytes) -> str | None:
    """The key type an SSH wire-format blob names (``string type`` first), or None if it does not look like one."""
    if len(blob) < 4:
        return None
    size = int.from_bytes(blob[:4], "big")
    if not 0 < size <= 64 or len(blob) < 4 + size:
        return None
    try:
        name = blob[4 : 4 + size].decode("ascii")
    except UnicodeDecodeError:
        return None
    return name if name in KEY_TYPES else None


def ssh_key_hash(lines: tuple[str, ...] | list[str]) -> tuple[str, str, str | None] | None:
    """(key type, key-hash, comment) of the pasted key lines, or None when they do not decode.

    The lines are concatenated (IOS lets a key span lines); a leading key type word is dropped, and the words after
    the key are its comment, which IOS prints after the hash (NSRC guide, CLI reference §4). Only ``ssh-rsa``
    keys can be stored (the 17.12 model's only key type), so a blob that names another type is refused too.
    """
    words = " ".join(lines).split()
    if words and words[0] in KEY_TYPES:
        words = words[1:]
    for end in range(len(words), 0, -1):  # drop trailing comment words until the rest decodes
        data = "".join(words[:end])
        try:
            blob = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            continue
        if not blob:
            return None
        named = _blob_type(blob)
        if named is not None and named != "ssh-rsa":
            return None
        return "ssh-rsa", key_fingerprint(blob), " ".join(words[end:]) or None
    return None


def crypto_key_hex(lines: tuple[str, ...] | list[str]) -> str | None:
    """The hexadecimal key data of ``crypto key pubkey-chain`` key-string lines (spaces ignored), or None."""
    data = "".join("".join(lines).split())
    if not data or not _HEX.fullmatch(data):
        return None
    return data.upper()


def crypto_key_lines(hex_data: str) -> list[str]:
    """Stored hex key data as IOS prints it: groups of eight digits, eight groups a line."""
    groups = [hex_data[i : i + _GROUP] for i in range(0, len(hex_data), _GROUP)]
    return [" ".join(groups[i : i + _GROUPS_PER_LINE]) for i in range(0, len(groups), _GROUPS_PER_LINE)]
