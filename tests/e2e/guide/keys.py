"""The reader's own RSA key pair, as the guide's key-string step asks for it ("from .ssh/id_rsa.pub")."""

from __future__ import annotations

import base64
import hashlib
import subprocess
from dataclasses import dataclass
from pathlib import Path

#: IOS reads a key-string pasted in lines; one very long line can fail on a real box (IOSXE-CLI-REFERENCE §4)
KEY_STRING_WIDTH = 72


@dataclass(frozen=True)
class ReaderKey:
    """The private key file, the public key as key-string lines, and the key-hash IOS shows for it."""

    file: Path
    key_string: str
    key_hash: str


def reader_key(folder: Path) -> ReaderKey:
    """A fresh 2048-bit RSA pair in ``folder`` (ssh-keygen, no passphrase)."""
    file = folder / "id_rsa"
    subprocess.run(["ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", str(file)], check=True, timeout=60)
    blob = file.with_suffix(".pub").read_text().split()[1]
    lines = "\n".join(blob[i : i + KEY_STRING_WIDTH] for i in range(0, len(blob), KEY_STRING_WIDTH))
    return ReaderKey(file, lines, hashlib.md5(base64.b64decode(blob)).hexdigest().upper())
