"""The device's self-signed HTTPS certificate, as IOS makes its ``TP-self-signed-<n>`` trustpoint.

IOS XE generates, on the first ``ip http secure-server``, an RSA 2048 key and a self-signed certificate whose
subject is ``CN=IOS-Self-Signed-Certificate-<n>`` in a trustpoint named ``TP-self-signed-<n>`` (``n`` a number
fixed for the box). It is made once and kept: a client that pinned it (``requests`` ``verify=``, ``curl
--cacert``) keeps trusting the device across restarts. The files live in the 0700 state directory, the key 0600;
besides IOS's subject we add the listening address as a subjectAltName, so a client may verify it by address.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

#: IOS's self-signed certificates end here
NOT_AFTER = datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
KEY_BITS = 2048


@dataclass(frozen=True, slots=True)
class DeviceCertificate:
    """Where the trustpoint's certificate and key are, and its name."""

    trustpoint: str
    cert: Path
    key: Path


def _write_private(path: Path, data: bytes, mode: int) -> None:
    """Write ``data`` to a new file created with ``mode`` (never readable by others, even for a moment)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _subject_alt_name(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


def make_certificate(number: int, host: str) -> tuple[bytes, bytes]:
    """A new key and self-signed certificate for trustpoint ``TP-self-signed-<number>`` (PEM, PEM): pure but
    for the randomness of the key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"IOS-Self-Signed-Certificate-{number}")])
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(max(NOT_AFTER, now + datetime.timedelta(days=365)))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName([_subject_alt_name(host)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def device_certificate(directory: Path, host: str, number: int | None = None) -> DeviceCertificate:
    """The device's trustpoint in ``directory``, made on first use (blocking: RSA generation; run it in a
    thread), numbered ``number`` when the configuration names one already (else a random number). An existing one
    is kept whatever ``host`` and ``number`` are now, as IOS keeps its trustpoint."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    for cert in sorted(directory.glob("TP-self-signed-*.crt")):
        key = cert.with_suffix(".key")
        if key.exists():
            return DeviceCertificate(cert.stem, cert, key)
    if number is None:
        number = secrets.randbelow(4_000_000_000) + 100_000_000
    trustpoint = f"TP-self-signed-{number}"
    cert_pem, key_pem = make_certificate(number, host)
    key = directory / f"{trustpoint}.key"
    cert = directory / f"{trustpoint}.crt"
    _write_private(key, key_pem, 0o600)
    _write_private(cert, cert_pem, 0o644)
    return DeviceCertificate(trustpoint, cert, key)
