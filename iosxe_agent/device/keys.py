"""RSA key pairs kept by label as 0600 PEM files in the state directory, and the IOS texts about them.

IOS keeps key pairs outside the configuration (they are not in running-config); so do we. Each key pair is
``<state>/keys/<file>.pem`` (PKCS#8, 0600) plus a ``<file>.json`` sidecar holding what the PEM cannot say
(generation time, usage, exportable flag, the name it was generated under); ``<file>`` is the label with
anything outside ``[A-Za-z0-9._~@:+-]`` (and a leading dot) percent-encoded. The sidecar carries the SHA-256 of
the public key, so a sidecar left over from an interrupted replacement is recognised and ignored; a PEM
without (a matching) sidecar is still a usable key (general purpose, non-exportable, generated at its mtime).

Generation is split the usual way: :func:`plan_generate` / :func:`plan_zeroize` are pure decisions (label,
validity, the IOS refusal line), :meth:`KeyStore.generate_rsa` does the CPU work and the file I/O, and
:meth:`KeyStore.agenerate_rsa` runs that part in the process's key pool (:mod:`iosxe_agent.device.keyload`, one
thread per core) so no session stalls. Log lines and listener callbacks always run on the caller's thread (the
event loop for the ``a*`` methods). Stored keys are read through :func:`keyload.read_private_key`, which skips
OpenSSL's re-validation only for files nobody but the agent's user can have written.

IOS texts used here, and where they come from (IOSXE-CLI-REFERENCE.md):

* verified from real 17.x captures (§3.1, §2.4): ``The name for the keys will be: L``, ``% The key modulus size
  is N bits``, ``% Generating N bit RSA keys, keys will be non-exportable...``, ``[OK] (elapsed time was N
  seconds)``, ``% You already have RSA keys defined named L.`` / ``% They will be replaced.``, the syslog
  lines ``%CRYPTO_ENGINE-5-KEY_ADDITION`` / ``%CRYPTO_ENGINE-5-KEY_DELETED``, the ``show crypto key mypubkey
  rsa`` layout and the SECSH 80-column wrap (§2.1).
* quoted by many secondary sources, no raw capture: ``% Please define a domain-name first.``
* UNVERIFIED (our choice): :data:`MSG_BAD_MODULUS`, :data:`MSG_BAD_LABEL`, :data:`MSG_NO_SUCH_KEY`, the zeroize
  texts (tutorial wording, §3.2), ``keys will be exportable...``, and the usage-keys transcript (the modulus
  and generation lines once per pair). Real IOS names both usage-key pairs ``L``; here they are ``L.sig`` and
  ``L.enc`` (one label per file), which is what ``show crypto key mypubkey rsa`` prints.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, get_args
from urllib.parse import quote, unquote

import asyncssh
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from iosxe_agent.datastore.persist import atomic_write
from iosxe_agent.device.keyload import in_keygen_pool, new_rsa_key, read_private_key
from iosxe_agent.device.views.identity_view import DEFAULT_HOSTNAME

log = logging.getLogger(__name__)

Usage = Literal["general", "signature", "encryption"]
_USAGES: tuple[Usage, ...] = get_args(Usage)

MIN_MODULUS = 2048  # 17.x: "Choose the size of the key modulus in the range of 2048 to 4096"
MAX_MODULUS = 4096
DEFAULT_MODULUS = 2048
MAX_FILE_STEM = 240  # the percent-encoded label, so "<stem>.sig.json" stays within NAME_MAX (255)

MSG_NO_DOMAIN = "% Please define a domain-name first."
MSG_BAD_MODULUS = f"% Invalid modulus size. Choose a key modulus in the range of {MIN_MODULUS} to {MAX_MODULUS}."
MSG_BAD_LABEL = "% Invalid key label."
MSG_NO_SUCH_KEY = "% RSA keypair {label} does not exist."

_SAFE = "@:+"  # besides quote()'s own unreserved set A-Z a-z 0-9 _ . - ~
_USAGE_TEXT = {"general": "General Purpose Key", "signature": "Signature Key", "encryption": "Encryption Key"}
_SUFFIX: dict[Usage, str] = {"signature": ".sig", "encryption": ".enc"}


# -- values ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class KeyInfo:
    """What is known about one stored key pair (never the private half)."""

    label: str  # the key's own label (the file it lives in)
    name: str  # the label it was generated under: ``label`` itself, or ``L`` for the usage pair ``L.sig``
    usage: Usage
    modulus: int
    exportable: bool
    generated: datetime  # UTC
    public_der: bytes = field(repr=False)  # DER SubjectPublicKeyInfo
    public_blob: bytes = field(repr=False)  # SSH wire format (``ssh-rsa`` e n)


@dataclass(frozen=True, slots=True)
class GeneratePlan:
    """What ``crypto key generate rsa …`` will do, decided before any key is made."""

    name: str
    members: tuple[tuple[str, Usage], ...]  # (label, usage) of each pair to create
    modulus: int
    exportable: bool


@dataclass(frozen=True, slots=True)
class ZeroizePlan:
    """What ``crypto key zeroize rsa [L]`` will remove: ``label`` None means every RSA key."""

    label: str | None


@dataclass(frozen=True, slots=True)
class Refusal:
    """The command is refused; ``message`` is the IOS line (``% …``)."""

    message: str


@dataclass(frozen=True, slots=True)
class GenerateResult:
    """Outcome of a generation: ``text`` is what the IOS console prints (the refusal line if not ``ok``)."""

    ok: bool
    text: str
    name: str | None = None
    keys: tuple[KeyInfo, ...] = ()
    replaced: tuple[str, ...] = ()  # labels whose key material was replaced by a new key of the same label
    removed: tuple[str, ...] = ()  # labels that existed before and are gone (replaced by another layout)
    error: str | None = None


@dataclass(frozen=True, slots=True)
class ZeroizeResult:
    """Outcome of a zeroize: ``text`` is what the IOS console prints (the refusal line if not ``ok``)."""

    ok: bool
    text: str
    removed: tuple[str, ...] = ()
    error: str | None = None


@dataclass(frozen=True, slots=True)
class KeyEvent:
    """Sent to listeners after each successful generate or zeroize.

    ``added`` are labels with new key material (``replaced`` is the subset that existed before), ``removed``
    labels that no longer exist. An SSH server whose host key label is in ``removed`` must stop, in
    ``replaced`` reload its key, in ``added`` may start.
    """

    action: Literal["generate", "zeroize"]
    added: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


Listener = Callable[[KeyEvent], None]


# -- pure decisions and texts ---------------------------------------------------------------------------------
def file_stem(label: str) -> str:
    """The file name (without extension) of ``label``: percent-encoded, never hidden, never a path."""
    stem = quote(label, safe=_SAFE)
    if stem.startswith("."):
        stem = "%2E" + stem[1:]
    return stem


def valid_label(label: str) -> bool:
    """True if ``label`` can name a key: printable ASCII without blanks, and a file name that fits."""
    return bool(label) and all(0x21 <= ord(c) <= 0x7E for c in label) and len(file_stem(label)) <= MAX_FILE_STEM


def default_label(hostname: str | None, domain: str | None) -> str | None:
    """IOS's default key label ``hostname.domain`` (hostname ``Router`` if unset), or None without a domain."""
    if not domain:
        return None
    return f"{hostname or DEFAULT_HOSTNAME}.{domain}"


def plan_generate(
    label: str | None,
    *,
    hostname: str | None,
    domain: str | None,
    modulus: int | None = DEFAULT_MODULUS,
    usage_keys: bool = False,
    exportable: bool = False,
) -> GeneratePlan | Refusal:
    """Decide ``crypto key generate rsa [general-keys|usage-keys] [label L] [modulus N] [exportable]``."""
    name = label if label is not None else default_label(hostname, domain)
    if name is None:
        return Refusal(MSG_NO_DOMAIN)
    if modulus is None:
        modulus = DEFAULT_MODULUS
    if not MIN_MODULUS <= modulus <= MAX_MODULUS:
        return Refusal(MSG_BAD_MODULUS)
    members: tuple[tuple[str, Usage], ...]
    if usage_keys:
        members = ((name + _SUFFIX["signature"], "signature"), (name + _SUFFIX["encryption"], "encryption"))
    else:
        members = ((name, "general"),)
    if not all(valid_label(m) for m, _ in members):
        return Refusal(MSG_BAD_LABEL)
    return GeneratePlan(name, members, modulus, exportable)


def plan_zeroize(label: str | None, existing: Sequence[KeyInfo]) -> ZeroizePlan | Refusal:
    """Decide ``crypto key zeroize rsa [L]``: a named label must exist (as a key or as a usage-key pair)."""
    if label is None:
        return ZeroizePlan(None)
    if not any(k.label == label or k.name == label for k in existing):
        return Refusal(MSG_NO_SUCH_KEY.format(label=label))
    return ZeroizePlan(label)


def zeroize_targets(plan: ZeroizePlan, existing: Sequence[KeyInfo]) -> list[KeyInfo]:
    """The keys ``plan`` removes, in generation order."""
    if plan.label is None:
        return list(existing)
    return [k for k in existing if plan.label in (k.label, k.name)]


def generate_text(plan: GeneratePlan, *, replacing: bool, elapsed: Sequence[float]) -> str:
    """The console text of a successful generation with the modulus given (17.x form, §3.1)."""
    lines: list[str] = []
    if replacing:
        lines += [f"% You already have RSA keys defined named {plan.name}.", "% They will be replaced."]
    else:
        lines.append(f"The name for the keys will be: {plan.name}")
    kind = "exportable" if plan.exportable else "non-exportable"
    for seconds in elapsed:
        lines += [
            "",
            f"% The key modulus size is {plan.modulus} bits",
            f"% Generating {plan.modulus} bit RSA keys, keys will be {kind}...",
            f"[OK] (elapsed time was {int(seconds)} seconds)",
        ]
    return "\n".join(lines) + "\n"


def zeroize_text(plan: ZeroizePlan, *, every_kind: bool = False) -> str:
    """The console text of ``crypto key zeroize rsa [L]`` without the confirmation question (tutorial wording,
    UNVERIFIED); ``every_kind`` gives plain ``crypto key zeroize`` (real IOS 15 wording)."""
    if every_kind:
        first = "% All keys will be removed."
    elif plan.label is None:
        first = "% All RSA keys will be removed."
    else:
        first = f"% Keys to be removed are named '{plan.label}'."
    return f"{first}\n% All router certs issued using these keys will also be removed.\n"


def key_addition(label: str) -> str:
    """The syslog message logged when a key pair is created (real 17.x wording)."""
    return f"%CRYPTO_ENGINE-5-KEY_ADDITION: A key named {label} has been generated or imported by crypto-engine"


def key_deleted(label: str) -> str:
    """The syslog message logged when a key pair is removed (real 17.x wording)."""
    return f"%CRYPTO_ENGINE-5-KEY_DELETED: A key named {label} has been removed from key storage"


def ios_time(t: datetime) -> str:
    """IOS's timestamp in ``show crypto key``: ``09:24:31 UTC Mar 2 2024`` (day not padded)."""
    t = t.astimezone(UTC)
    return f"{t:%H:%M:%S} UTC {t:%b} {t.day} {t.year}"


def hex_groups(data: bytes) -> list[str]:
    """``data`` as IOS key-data lines: 8-hex-digit groups, 8 per line, indented 2, a trailing space on every
    line but the last."""
    digits = data.hex().upper()
    groups = [digits[i : i + 8] for i in range(0, len(digits), 8)]
    rows = [groups[i : i + 8] for i in range(0, len(groups), 8)]
    lines = ["  " + " ".join(row) + " " for row in rows]
    if lines:
        lines[-1] = lines[-1].rstrip(" ")
    return lines


def render_mypubkey_rsa(keys: Iterable[KeyInfo]) -> str:
    """``show crypto key mypubkey rsa`` for ``keys`` (17.x layout, §2.4); empty string for no keys."""
    lines: list[str] = []
    for k in keys:
        lines += [
            f"% Key pair was generated at: {ios_time(k.generated)}",
            f"Key name: {k.label}",
            f"Key type: RSA KEYS      {k.modulus} bits",
            " Storage Device: not specified",
            f" Usage: {_USAGE_TEXT[k.usage]}",
            f" Key is {'' if k.exportable else 'not '}exportable. Redundancy enabled.",
            " Key Data:",
            *hex_groups(k.public_der),
        ]
    return "".join(line + "\n" for line in lines)


def secsh_public_key_lines(key: KeyInfo, width: int = 80) -> list[str]:
    """``ssh-rsa <base64>`` cut into ``width``-column lines, the last one space-padded (``show ip ssh``, §2.1)."""
    text = "ssh-rsa " + base64.b64encode(key.public_blob).decode("ascii")
    return [text[i : i + width].ljust(width) for i in range(0, len(text), width)]


# -- the store ------------------------------------------------------------------------------------------------
@dataclass(slots=True)
class _Entry:
    info: KeyInfo
    key: asyncssh.SSHKey
    order: int


def _rsa(key: asyncssh.SSHKey) -> rsa.RSAPrivateKey:
    """The cryptography object of a stored key pair (an RSA private key: the only kind IOS's commands make)."""
    pyca = key.pyca_key
    if not isinstance(pyca, rsa.RSAPrivateKey):
        raise TypeError(f"not an RSA key pair: {key.get_algorithm()!r}")
    return pyca


def _public_der(key: asyncssh.SSHKey) -> bytes:
    public = _rsa(key).public_key()
    return public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _usage(stored: object) -> Usage:
    """The usage a key's metadata records, ``general`` when it records none we know."""
    return next((u for u in _USAGES if u == stored), "general")


def _fingerprint(key: asyncssh.SSHKey) -> str:
    return hashlib.sha256(key.public_data).hexdigest()


class KeyStore:
    """The device's RSA key pairs (see the module docstring for the files), cached in memory."""

    def __init__(self, directory: Path, syslog: Callable[[str], None] = lambda _message: None) -> None:
        self.directory = directory
        self._syslog = syslog  # the device's IOS log (``%CRYPTO_ENGINE-5-KEY_ADDITION`` …); a bare store logs nothing
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(directory, 0o700)
        self._lock = threading.RLock()
        self._listeners: list[Listener] = []
        self._last_order = 0
        self._entries: dict[str, _Entry] = {}
        self._scan()

    # -- reading -------------------------------------------------------------------------------------------
    def _scan(self) -> None:
        for pem in self.directory.glob("*.pem"):
            entry = self._read(pem)
            if entry is not None:
                self._entries[entry.info.label] = entry
                self._last_order = max(self._last_order, entry.order)

    def _read(self, pem: Path) -> _Entry | None:
        try:
            key = read_private_key(pem)  # our own 0600 files skip OpenSSL's re-validation (see keyload)
            mtime_ns = pem.stat().st_mtime_ns
        except (OSError, asyncssh.KeyImportError, ValueError):
            log.warning("ignoring unreadable key file %s", pem.name)
            return None
        if key.algorithm != b"ssh-rsa":
            log.warning("ignoring key file %s: not an RSA key", pem.name)
            return None
        label = unquote(pem.stem)
        meta: dict[str, object] = {}
        with contextlib.suppress(OSError, ValueError):
            loaded = json.loads(pem.with_suffix(".json").read_text("utf-8"))
            if isinstance(loaded, dict) and loaded.get("fingerprint") == _fingerprint(key):
                meta = loaded
        order = meta.get("order")
        generated = meta.get("generated")
        when = datetime.fromtimestamp(mtime_ns / 1e9, UTC)
        if isinstance(generated, str):
            with contextlib.suppress(ValueError):
                when = datetime.fromisoformat(generated).astimezone(UTC)
        info = KeyInfo(
            label=label,
            name=str(meta.get("name", label)),
            usage=_usage(meta.get("usage")),
            modulus=_rsa(key).key_size,
            exportable=meta.get("exportable") is True,
            generated=when,
            public_der=_public_der(key),
            public_blob=key.public_data,
        )
        return _Entry(info, key, order if isinstance(order, int) else mtime_ns)

    def _sorted(self) -> list[_Entry]:
        return sorted(self._entries.values(), key=lambda e: (e.order, e.info.label))

    def keys(self) -> list[KeyInfo]:
        """Every stored RSA key pair, oldest first."""
        with self._lock:
            return [e.info for e in self._sorted()]

    def labels(self) -> list[str]:
        """Labels of the stored key pairs, oldest first."""
        return [k.label for k in self.keys()]

    def info(self, label: str) -> KeyInfo | None:
        """What is known about the key pair ``label``, or None."""
        with self._lock:
            entry = self._entries.get(label)
            return entry.info if entry else None

    def load(self, label: str) -> asyncssh.SSHKey | None:
        """The key pair (private key included) stored under ``label``, or None."""
        with self._lock:
            entry = self._entries.get(label)
            return entry.key if entry else None

    def public_key(self, label: str) -> asyncssh.SSHKey | None:
        """The public half of the key pair ``label``, or None."""
        key = self.load(label)
        return key.convert_to_public() if key is not None else None

    # -- listeners ------------------------------------------------------------------------------------------
    def subscribe(self, callback: Listener) -> Callable[[], None]:
        """Call ``callback`` after each successful generate/zeroize; returns a function that unsubscribes."""
        self._listeners.append(callback)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._listeners.remove(callback)

        return unsubscribe

    def _announce(self, event: KeyEvent) -> None:
        for label in event.removed:
            self._syslog(key_deleted(label))
        for label in event.added:
            self._syslog(key_addition(label))
        for callback in list(self._listeners):
            try:
                callback(event)
            except Exception:
                log.exception("key listener %r failed on %s", callback, event.action)

    # -- generation -----------------------------------------------------------------------------------------
    def generate_rsa(
        self,
        label: str | None,
        *,
        hostname: str | None,
        domain: str | None,
        modulus: int | None = DEFAULT_MODULUS,
        usage_keys: bool = False,
        exportable: bool = False,
    ) -> GenerateResult:
        """``crypto key generate rsa …`` in the calling thread (blocking: use :meth:`agenerate_rsa` on a loop)."""
        plan = _plan_or_refusal(label, hostname, domain, modulus, usage_keys, exportable)
        if isinstance(plan, GenerateResult):
            return plan
        result, event = self._execute_generate(plan)
        self._announce(event)
        return result

    async def agenerate_rsa(
        self,
        label: str | None,
        *,
        hostname: str | None,
        domain: str | None,
        modulus: int | None = DEFAULT_MODULUS,
        usage_keys: bool = False,
        exportable: bool = False,
    ) -> GenerateResult:
        """:meth:`generate_rsa` with key generation and file I/O in the process's key pool (bounded, every core)."""
        plan = _plan_or_refusal(label, hostname, domain, modulus, usage_keys, exportable)
        if isinstance(plan, GenerateResult):
            return plan
        result, event = await in_keygen_pool(self._execute_generate, plan)
        self._announce(event)
        return result

    def _execute_generate(self, plan: GeneratePlan) -> tuple[GenerateResult, KeyEvent]:
        made: list[tuple[str, Usage, asyncssh.SSHKey]] = []
        elapsed: list[float] = []
        for member, usage in plan.members:  # CPU work, outside the lock
            start = time.monotonic()
            made.append((member, usage, new_rsa_key(plan.modulus)))
            elapsed.append(time.monotonic() - start)
        with self._lock:
            new_labels = {m for m, _ in plan.members}
            old = [e.info for e in self._sorted() if e.info.name == plan.name or e.info.label in new_labels]
            infos = tuple(self._store(member, plan, usage, key) for member, usage, key in made)
            removed = tuple(k.label for k in old if k.label not in new_labels)
            for label in removed:
                self._delete(label)
        replaced = tuple(k.label for k in old if k.label in new_labels)
        text = generate_text(plan, replacing=bool(old), elapsed=elapsed)
        added = tuple(i.label for i in infos)
        result = GenerateResult(True, text, plan.name, infos, replaced, removed)
        return result, KeyEvent("generate", added, replaced, removed)

    def _store(self, label: str, plan: GeneratePlan, usage: Usage, key: asyncssh.SSHKey) -> KeyInfo:
        """Write one key pair (PEM, then its sidecar) and cache it; the caller holds the lock."""
        now = datetime.now(UTC)
        self._last_order = order = max(time.time_ns(), self._last_order + 1)
        stem = file_stem(label)
        meta = {
            "label": label,
            "name": plan.name,
            "usage": usage,
            "modulus": plan.modulus,
            "exportable": plan.exportable,
            "generated": now.isoformat(),
            "order": order,
            "fingerprint": _fingerprint(key),
        }
        atomic_write(self.directory / f"{stem}.pem", key.export_private_key("pkcs8-pem"), mode=0o600)
        atomic_write(self.directory / f"{stem}.json", json.dumps(meta, indent=1).encode() + b"\n", mode=0o600)
        info = KeyInfo(label, plan.name, usage, plan.modulus, plan.exportable, now, _public_der(key), key.public_data)
        self._entries[label] = _Entry(info, key, order)
        return info

    def _delete(self, label: str) -> None:
        """Remove one key pair's files (PEM first, so a crash leaves at worst an ignored sidecar)."""
        stem = file_stem(label)
        for suffix in (".pem", ".json"):
            with contextlib.suppress(FileNotFoundError):
                (self.directory / f"{stem}{suffix}").unlink()
        dir_fd = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        self._entries.pop(label, None)

    # -- zeroize --------------------------------------------------------------------------------------------
    def zeroize_rsa(self, label: str | None) -> ZeroizeResult:
        """``crypto key zeroize rsa [L]`` (None: every RSA key), without the confirmation question."""
        result = self._execute_zeroize(label)
        if result.ok:
            self._announce(KeyEvent("zeroize", removed=result.removed))
        return result

    async def azeroize_rsa(self, label: str | None) -> ZeroizeResult:
        """:meth:`zeroize_rsa` with the file I/O in a worker thread."""
        result = await asyncio.to_thread(self._execute_zeroize, label)
        if result.ok:
            self._announce(KeyEvent("zeroize", removed=result.removed))
        return result

    def _execute_zeroize(self, label: str | None) -> ZeroizeResult:
        with self._lock:
            existing = [e.info for e in self._sorted()]
            plan = plan_zeroize(label, existing)
            if isinstance(plan, Refusal):
                return ZeroizeResult(False, plan.message + "\n", error=plan.message)
            targets = zeroize_targets(plan, existing)
            for k in targets:
                self._delete(k.label)
        return ZeroizeResult(True, zeroize_text(plan), tuple(k.label for k in targets))

    # -- compatibility (bootstrap) --------------------------------------------------------------------------
    def generate(self, label: str, modulus: int = DEFAULT_MODULUS) -> asyncssh.SSHKey:
        """Create (or replace) the general-purpose RSA key pair ``label``; its file is written 0600."""
        result = self.generate_rsa(label, hostname=None, domain=None, modulus=modulus)
        if not result.ok:
            raise ValueError(f"cannot generate key {label!r}: {result.error}")
        key = self.load(label)
        assert key is not None
        return key

    def load_or_generate(self, label: str, modulus: int = DEFAULT_MODULUS) -> asyncssh.SSHKey:
        """The key pair ``label``, generating it first if it does not exist."""
        return self.load(label) or self.generate(label, modulus)

    async def aload_or_generate(self, label: str, modulus: int = DEFAULT_MODULUS) -> asyncssh.SSHKey:
        """:meth:`load_or_generate` with the generation in the key pool: many devices' first starts share the
        cores instead of each blocking the event loop for a key."""
        key = self.load(label)
        if key is not None:
            return key
        result = await self.agenerate_rsa(label, hostname=None, domain=None, modulus=modulus)
        key = self.load(label)
        if not result.ok or key is None:
            raise ValueError(f"cannot generate key {label!r}: {result.error}")
        return key


def _plan_or_refusal(
    label: str | None,
    hostname: str | None,
    domain: str | None,
    modulus: int | None,
    usage_keys: bool,
    exportable: bool,
) -> GeneratePlan | GenerateResult:
    """The generation plan, or the refusal already shaped as the result the caller returns."""
    plan = plan_generate(
        label, hostname=hostname, domain=domain, modulus=modulus, usage_keys=usage_keys, exportable=exportable
    )
    if isinstance(plan, Refusal):
        return GenerateResult(False, plan.message + "\n", error=plan.message)
    return plan
