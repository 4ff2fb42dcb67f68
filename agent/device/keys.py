"""RSA key pairs kept by label as 0600 PEM files in the state directory.

IOS keeps key pairs outside the configuration (they are not in running-config); so do we. Generation is
CPU-heavy, so callers run :meth:`KeyStore.generate` in a worker thread.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import asyncssh

from agent.datastore.persist import atomic_write

_LABEL = re.compile(r"[A-Za-z0-9._@:-]{1,64}")


class KeyStore:
    """The device's RSA key pairs, one ``<label>.pem`` per key in ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(directory, 0o700)

    def _path(self, label: str) -> Path:
        if not _LABEL.fullmatch(label):
            raise ValueError(f"invalid key label {label!r}")
        return self.directory / f"{label}.pem"

    def labels(self) -> list[str]:
        """Labels of the stored key pairs, oldest first."""
        files = sorted(self.directory.glob("*.pem"), key=lambda p: (p.stat().st_mtime_ns, p.name))
        return [p.stem for p in files]

    def load(self, label: str) -> asyncssh.SSHKey | None:
        """The key pair stored under ``label``, or None."""
        path = self._path(label)
        if not path.exists():
            return None
        return asyncssh.read_private_key(path)

    def generate(self, label: str, modulus: int = 2048) -> asyncssh.SSHKey:
        """Create (or replace) the RSA key pair ``label``; the private key file is written 0600."""
        key = asyncssh.generate_private_key("ssh-rsa", key_size=modulus)
        atomic_write(self._path(label), key.export_private_key("pkcs8-pem"), mode=0o600)
        return key

    def load_or_generate(self, label: str, modulus: int = 2048) -> asyncssh.SSHKey:
        """The key pair ``label``, generating it first if it does not exist."""
        return self.load(label) or self.generate(label, modulus)
