"""RSA key pairs kept by name as 0600 PEM files in the state directory, and the IOS texts about them.

IOS keeps key pairs outside the configuration (they are not in running-config); so do we. A key *name* (the
label of ``crypto key generate rsa … label L``, or ``hostname.domain``) holds either one general-purpose key pair
or, after ``usage-keys``, two: a signature and an encryption pair, both shown as ``Key name: L`` (as on IOS).
SSH serves the general pair, or the signature half of a usage pair (:meth:`KeyStore.load`).

Files: a general pair is ``<state>/keys/<stem>.pem`` (PKCS#8, 0600) plus a ``<stem>.json`` sidecar holding what
the PEM cannot say (generation time, usage, exportable flag); a usage pair is ``<stem>#sig.pem`` and
``<stem>#enc.pem`` with their sidecars. ``<stem>`` is the name with anything outside ``[A-Za-z0-9._~@:+-]`` (and a
leading dot) percent-encoded, so no name's stem contains ``#`` and the two layouts never meet. The sidecar carries
the SHA-256 of the public key, so a sidecar left over from an interrupted replacement is recognised and ignored; a
PEM without (a matching) sidecar is still a usable key (generated at its mtime). State directories written before
usage pairs shared a name hold them as ``L.sig.pem`` / ``L.enc.pem`` whose sidecar names ``L`` and the usage: they
load as the halves of ``L`` and are removed when ``L`` is replaced or zeroized.

Generation is split the usual way: :func:`plan_generate` / :func:`plan_zeroize` are pure decisions (name,
validity, the IOS refusal line), :meth:`KeyStore.generate` does the CPU work and the file I/O, and
:meth:`KeyStore.agenerate` runs that part in the process's key pool (:mod:`iosxe_agent.device.keyload`, one thread
per core) so no session stalls. Log lines and listener callbacks always run on the caller's thread (the event loop
for the ``a*`` methods). Stored keys are read through :func:`keyload.read_private_key`, which skips OpenSSL's
re-validation only for files nobody but the agent's user can have written.

IOS texts used here, and where they come from (IOSXE-CLI-REFERENCE.md):

* verified from real 17.x captures (§3.1, §2.4): ``The name for the keys will be: L``, the modulus question
  (``Choose the size of the key modulus in the range of 2048 to 4096 for your`` …), ``% The key modulus size is N
  bits``, ``% Generating N bit RSA keys, keys will be non-exportable...``, ``[OK] (elapsed time was N seconds)``,
  exec mode's ``% Generating crypto RSA keys in background ...``, ``% You already have RSA keys defined named L.``
  / ``% They will be replaced.``, the syslog lines ``%CRYPTO_ENGINE-5-KEY_ADDITION`` /
  ``%CRYPTO_ENGINE-5-KEY_DELETED``, the ``show crypto key mypubkey rsa`` layout and the SECSH 80-column wrap (§2.1).
  A modulus below 2048 on the command line is invalid input (caret), as RT01 17.x shows (§1.4): the CLI table
  types it ``<2048-4096>``.
* classic IOS wording, kept by 17.x as far as anyone quotes it: ``% Do you really want to replace them?
  [yes/no]:``, the usage-keys questions (``Signature Keys`` / ``Encryption Keys``); many secondary sources:
  ``% Please define a domain-name first.``
* UNVERIFIED (our choice): :data:`MSG_BAD_MODULUS` (an out-of-range answer to the question, or the NETCONF RPC),
  :data:`MSG_BAD_LABEL`, :data:`MSG_NO_SUCH_KEY`, the zeroize texts (tutorial wording, §3.2), ``keys will be
  exportable...``, the usage-keys transcript (the modulus and generation lines once per pair, one
  ``KEY_ADDITION`` / ``KEY_DELETED`` line per pair).
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
from iosxe_agent.digits import ascii_digits

log = logging.getLogger(__name__)

Usage = Literal["general", "signature", "encryption"]
_USAGES: tuple[Usage, ...] = get_args(Usage)

MIN_MODULUS = 2048  # 17.x: "Choose the size of the key modulus in the range of 2048 to 4096"
MAX_MODULUS = 4096
DEFAULT_MODULUS = 2048
MAX_FILE_STEM = 240  # the percent-encoded name, so "<stem>#sig.json" stays within NAME_MAX (255)

MSG_NO_DOMAIN = "% Please define a domain-name first."
MSG_BAD_MODULUS = f"% Invalid modulus size. Choose a key modulus in the range of {MIN_MODULUS} to {MAX_MODULUS}."
MSG_BAD_LABEL = "% Invalid key label."
MSG_NO_SUCH_KEY = "% RSA keypair {label} does not exist."
MSG_BACKGROUND = "% Generating crypto RSA keys in background ..."
REPLACE_QUESTION = "% Do you really want to replace them? [yes/no]: "
REMOVE_QUESTION = "Do you really want to remove these keys? [yes/no]: "

_SAFE = "@:+"  # besides quote()'s own unreserved set A-Z a-z 0-9 _ . - ~ ; never "#" (see the module docstring)
_USAGE_TEXT = {"general": "General Purpose Key", "signature": "Signature Key", "encryption": "Encryption Key"}
_QUESTION_KIND = {"general": "General Purpose Keys", "signature": "Signature Keys", "encryption": "Encryption Keys"}
_FILE_TAG: dict[Usage, str] = {"general": "", "signature": "#sig", "encryption": "#enc"}
_TAG_USAGE: dict[str, Usage] = {"sig": "signature", "enc": "encryption"}


# -- values ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class KeyInfo:
    """What is known about one stored key pair (never the private half)."""

    label: str  # the key name IOS shows (``Key name:``); both halves of a usage pair carry it
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
    members: tuple[tuple[Usage, int], ...]  # (usage, modulus) of each key pair to create, in order
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
    """Outcome of a generation: ``text`` is what the IOS console prints when the modulus was given (the refusal
    line if not ``ok``); ``elapsed`` the seconds each pair took, for the other dialogues."""

    ok: bool
    text: str
    name: str | None = None
    keys: tuple[KeyInfo, ...] = ()
    replaced: bool = False  # the name held keys before (they are gone)
    elapsed: tuple[float, ...] = ()
    error: str | None = None


@dataclass(frozen=True, slots=True)
class ZeroizeResult:
    """Outcome of a zeroize: ``text`` is what the IOS console prints (the refusal line if not ``ok``)."""

    ok: bool
    text: str
    removed: tuple[str, ...] = ()  # the key names removed
    error: str | None = None


@dataclass(frozen=True, slots=True)
class KeyEvent:
    """Sent to listeners after each successful generate or zeroize, with key names.

    ``added`` are names with new key material (``replaced`` is the subset that held keys before), ``removed``
    names that no longer exist. An SSH server whose host key name is in ``removed`` must stop, in ``replaced``
    reload its key, in ``added`` may start.
    """

    action: Literal["generate", "zeroize"]
    added: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


Listener = Callable[[KeyEvent], None]


# -- pure decisions -------------------------------------------------------------------------------------------
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
    encryption_modulus: int | None = None,
) -> GeneratePlan | Refusal:
    """Decide ``crypto key generate rsa [general-keys|usage-keys] [label L] [modulus N] [exportable]``;
    ``encryption_modulus`` is the usage pair's second answer when the modulus was asked (default: ``modulus``)."""
    name = label if label is not None else default_label(hostname, domain)
    if name is None:
        return Refusal(MSG_NO_DOMAIN)
    sizes = [DEFAULT_MODULUS if modulus is None else modulus]
    if usage_keys:
        sizes.append(sizes[0] if encryption_modulus is None else encryption_modulus)
    if not all(MIN_MODULUS <= size <= MAX_MODULUS for size in sizes):
        return Refusal(MSG_BAD_MODULUS)
    if not valid_label(name):
        return Refusal(MSG_BAD_LABEL)
    usages: tuple[Usage, ...] = ("signature", "encryption") if usage_keys else ("general",)
    return GeneratePlan(name, tuple(zip(usages, sizes, strict=True)), exportable)


def plan_zeroize(label: str | None, existing: Sequence[KeyInfo]) -> ZeroizePlan | Refusal:
    """Decide ``crypto key zeroize rsa [L]``: a named key must exist."""
    if label is None:
        return ZeroizePlan(None)
    if not any(k.label == label for k in existing):
        return Refusal(MSG_NO_SUCH_KEY.format(label=label))
    return ZeroizePlan(label)


def zeroize_targets(plan: ZeroizePlan, existing: Sequence[KeyInfo]) -> list[KeyInfo]:
    """The key pairs ``plan`` removes, in generation order."""
    return [k for k in existing if plan.label in (None, k.label)]


def host_key_name(keypair_name: str | None, keys: Sequence[KeyInfo]) -> str | None:
    """The key SSH serves (the guide's rules): ``ip ssh rsa keypair-name L`` names it, and while L does not
    exist there is none (SSH waits for it); without the command, the first general-purpose key generated."""
    if keypair_name is not None:
        found = any(k.label == keypair_name and k.usage != "encryption" for k in keys)
        return keypair_name if found else None
    return next((k.label for k in keys if k.usage == "general"), None)


def parse_modulus_answer(answer: str) -> int | None:
    """The answer to ``How many bits in the modulus [2048]:``: empty is the default; None if not a size."""
    text = answer.strip()
    if not text:
        return DEFAULT_MODULUS
    value = int(text) if ascii_digits(text) and len(text) <= 5 else 0
    return value if MIN_MODULUS <= value <= MAX_MODULUS else None


# -- texts ----------------------------------------------------------------------------------------------------
def name_line(name: str) -> str:
    """The first line of a generation of keys nobody had under ``name``."""
    return f"The name for the keys will be: {name}\n"


def replace_notice(name: str) -> str:
    """The first line of a generation that replaces the keys of ``name``."""
    return f"% You already have RSA keys defined named {name}.\n"


def modulus_question(usage: Usage) -> str:
    """The modulus question for one key pair (asked once per pair when no modulus is given)."""
    return (
        f"Choose the size of the key modulus in the range of {MIN_MODULUS} to {MAX_MODULUS} for your\n"
        f"  {_QUESTION_KIND[usage]}. Choosing a key modulus greater than 512 may take\n"
        "  a few minutes.\n\n"
        f"How many bits in the modulus [{DEFAULT_MODULUS}]: "
    )


def modulus_line(modulus: int) -> str:
    """What a generation with the modulus given says before each pair."""
    return f"% The key modulus size is {modulus} bits\n"


def generating_lines(modulus: int, exportable: bool, seconds: float) -> str:
    """The two lines of one key pair generated in the foreground."""
    kind = "exportable" if exportable else "non-exportable"
    return (
        f"% Generating {modulus} bit RSA keys, keys will be {kind}...\n[OK] (elapsed time was {int(seconds)} seconds)\n"
    )


def generate_text(plan: GeneratePlan, *, replacing: bool, elapsed: Sequence[float]) -> str:
    """The console text of a successful generation with the modulus given (17.x form, §3.1)."""
    text = replace_notice(plan.name) + "% They will be replaced.\n" if replacing else name_line(plan.name)
    for (_, modulus), seconds in zip(plan.members, elapsed, strict=True):
        text += "\n" + modulus_line(modulus) + generating_lines(modulus, plan.exportable, seconds)
    return text


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
    stem: str  # the file name without extension: where the pair lives (either layout)


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


def _identity(stem: str, meta: dict[str, object]) -> tuple[str, Usage] | None:
    """(name, usage) of the pair in ``<stem>.pem``: from the file name (``#sig``/``#enc``), else from the
    sidecar of an older layout (``L.sig`` naming ``L``); None for a tag this version does not know."""
    base, tagged, tag = stem.partition("#")
    if tagged:
        usage = _TAG_USAGE.get(tag)
        return (unquote(base), usage) if usage is not None else None
    name = meta.get("name")
    return (name if isinstance(name, str) and name else unquote(stem)), _usage(meta.get("usage"))


class KeyStore:
    """The device's RSA key pairs (see the module docstring for the files), cached in memory."""

    def __init__(self, directory: Path, syslog: Callable[[str], None] = lambda _message: None) -> None:
        self.directory = directory
        self._syslog = syslog  # the device's IOS log (``%CRYPTO_ENGINE-5-KEY_ADDITION`` …); a bare store logs nothing
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(directory, 0o700)
        self._lock = threading.RLock()
        self._listeners: list[Listener] = []
        self._background: set[asyncio.Task[GenerateResult]] = set()
        self._last_order = 0
        self._entries: dict[tuple[str, Usage], _Entry] = {}
        self._scan()

    # -- reading -------------------------------------------------------------------------------------------
    def _scan(self) -> None:
        for pem in self.directory.glob("*.pem"):
            entry = self._read(pem)
            if entry is None:
                continue
            slot = (entry.info.label, entry.info.usage)
            other = self._entries.get(slot)
            if other is not None and other.order > entry.order:
                log.warning("ignoring key file %s: an older copy of %s", pem.name, other.stem)
                continue
            self._entries[slot] = entry
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
        meta: dict[str, object] = {}
        with contextlib.suppress(OSError, ValueError):
            loaded = json.loads(pem.with_suffix(".json").read_text("utf-8"))
            if isinstance(loaded, dict) and loaded.get("fingerprint") == _fingerprint(key):
                meta = loaded
        identity = _identity(pem.stem, meta)
        if identity is None:
            log.warning("ignoring key file %s: not a key file of this version", pem.name)
            return None
        order = meta.get("order")
        generated = meta.get("generated")
        when = datetime.fromtimestamp(mtime_ns / 1e9, UTC)
        if isinstance(generated, str):
            with contextlib.suppress(ValueError):
                when = datetime.fromisoformat(generated).astimezone(UTC)
        info = KeyInfo(
            label=identity[0],
            usage=identity[1],
            modulus=_rsa(key).key_size,
            exportable=meta.get("exportable") is True,
            generated=when,
            public_der=_public_der(key),
            public_blob=key.public_data,
        )
        return _Entry(info, key, order if isinstance(order, int) else mtime_ns, pem.stem)

    def _sorted(self) -> list[_Entry]:
        return sorted(self._entries.values(), key=lambda e: (e.order, e.info.label, _USAGES.index(e.info.usage)))

    def keys(self) -> list[KeyInfo]:
        """Every stored RSA key pair, oldest first (a usage pair: signature, then encryption)."""
        with self._lock:
            return [e.info for e in self._sorted()]

    def labels(self) -> list[str]:
        """Names of the stored keys, oldest first, each once."""
        return list(dict.fromkeys(k.label for k in self.keys()))

    def exists(self, label: str) -> bool:
        """True if ``label`` names keys (either kind)."""
        with self._lock:
            return any(name == label for name, _ in self._entries)

    def _host_entry(self, label: str) -> _Entry | None:
        """The pair of ``label`` that signs: the general pair or the signature half of a usage pair."""
        return self._entries.get((label, "general")) or self._entries.get((label, "signature"))

    def info(self, label: str) -> KeyInfo | None:
        """What is known about the pair of ``label`` that signs (what SSH serves), or None."""
        with self._lock:
            entry = self._host_entry(label)
            return entry.info if entry else None

    def load(self, label: str) -> asyncssh.SSHKey | None:
        """The key pair (private key included) of ``label`` that signs (general, or the signature half), or None."""
        with self._lock:
            entry = self._host_entry(label)
            return entry.key if entry else None

    def public_key(self, label: str) -> asyncssh.SSHKey | None:
        """The public half of :meth:`load`, or None."""
        key = self.load(label)
        return key.convert_to_public() if key is not None else None

    def host_key(self, keypair_name: str | None) -> tuple[str, asyncssh.SSHKey] | None:
        """(name, key pair) SSH serves under ``ip ssh rsa keypair-name`` (None: not configured); see
        :func:`host_key_name`. None while SSH has no key."""
        with self._lock:
            name = host_key_name(keypair_name, self.keys())
            key = self.load(name) if name is not None else None
            return (name, key) if name is not None and key is not None else None

    # -- listeners ------------------------------------------------------------------------------------------
    def subscribe(self, callback: Listener) -> Callable[[], None]:
        """Call ``callback`` after each successful generate/zeroize; returns a function that unsubscribes."""
        self._listeners.append(callback)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._listeners.remove(callback)

        return unsubscribe

    def _announce(self, event: KeyEvent, syslog: Sequence[str]) -> None:
        for line in syslog:
            self._syslog(line)
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
        plan = plan_generate(
            label, hostname=hostname, domain=domain, modulus=modulus, usage_keys=usage_keys, exportable=exportable
        )
        return _refused(plan) if isinstance(plan, Refusal) else self.generate(plan)

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
        plan = plan_generate(
            label, hostname=hostname, domain=domain, modulus=modulus, usage_keys=usage_keys, exportable=exportable
        )
        return _refused(plan) if isinstance(plan, Refusal) else await self.agenerate(plan)

    def generate(self, plan: GeneratePlan) -> GenerateResult:
        """Carry out ``plan`` in the calling thread."""
        result, event, syslog = self._execute_generate(plan)
        self._announce(event, syslog)
        return result

    async def agenerate(self, plan: GeneratePlan) -> GenerateResult:
        """Carry out ``plan`` in the key pool; log lines and listeners run on the loop."""
        result, event, syslog = await in_keygen_pool(self._execute_generate, plan)
        self._announce(event, syslog)
        return result

    def generate_in_background(self, plan: GeneratePlan) -> None:
        """Carry out ``plan`` without waiting (exec mode's ``% Generating crypto RSA keys in background ...``):
        the syslog line says when it is done. The task is held here until it ends."""
        task = asyncio.get_running_loop().create_task(self.agenerate(plan))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _execute_generate(self, plan: GeneratePlan) -> tuple[GenerateResult, KeyEvent, list[str]]:
        made: list[tuple[Usage, asyncssh.SSHKey]] = []
        elapsed: list[float] = []
        for usage, modulus in plan.members:  # CPU work, outside the lock
            start = time.monotonic()
            made.append((usage, new_rsa_key(modulus)))
            elapsed.append(time.monotonic() - start)
        with self._lock:
            old = [e for e in self._sorted() if e.info.label == plan.name]
            infos = tuple(self._store(plan, usage, key) for usage, key in made)
            kept = {file_stem(plan.name) + _FILE_TAG[usage] for usage, _ in made}
            for entry in old:
                if (entry.info.label, entry.info.usage) not in {(i.label, i.usage) for i in infos}:
                    del self._entries[(entry.info.label, entry.info.usage)]
                if entry.stem not in kept:
                    self._unlink(entry.stem)
        text = generate_text(plan, replacing=bool(old), elapsed=elapsed)
        result = GenerateResult(True, text, plan.name, infos, bool(old), tuple(elapsed))
        event = KeyEvent("generate", (plan.name,), (plan.name,) if old else ())
        return result, event, [key_addition(i.label) for i in infos]

    def _store(self, plan: GeneratePlan, usage: Usage, key: asyncssh.SSHKey) -> KeyInfo:
        """Write one key pair (PEM, then its sidecar) and cache it; the caller holds the lock."""
        now = datetime.now(UTC)
        self._last_order = order = max(time.time_ns(), self._last_order + 1)
        stem = file_stem(plan.name) + _FILE_TAG[usage]
        meta = {
            "label": plan.name,
            "usage": usage,
            "modulus": _rsa(key).key_size,
            "exportable": plan.exportable,
            "generated": now.isoformat(),
            "order": order,
            "fingerprint": _fingerprint(key),
        }
        atomic_write(self.directory / f"{stem}.pem", key.export_private_key("pkcs8-pem"), mode=0o600)
        atomic_write(self.directory / f"{stem}.json", json.dumps(meta, indent=1).encode() + b"\n", mode=0o600)
        info = KeyInfo(plan.name, usage, _rsa(key).key_size, plan.exportable, now, _public_der(key), key.public_data)
        self._entries[(plan.name, usage)] = _Entry(info, key, order, stem)
        return info

    def _unlink(self, stem: str) -> None:
        """Remove one key pair's files (PEM first, so a crash leaves at worst an ignored sidecar)."""
        for suffix in (".pem", ".json"):
            with contextlib.suppress(FileNotFoundError):
                (self.directory / f"{stem}{suffix}").unlink()
        dir_fd = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    # -- zeroize --------------------------------------------------------------------------------------------
    def zeroize_rsa(self, label: str | None) -> ZeroizeResult:
        """``crypto key zeroize rsa [L]`` (None: every RSA key), without the confirmation question."""
        result, syslog = self._execute_zeroize(label)
        if result.ok:
            self._announce(KeyEvent("zeroize", removed=result.removed), syslog)
        return result

    async def azeroize_rsa(self, label: str | None) -> ZeroizeResult:
        """:meth:`zeroize_rsa` with the file I/O in a worker thread."""
        result, syslog = await asyncio.to_thread(self._execute_zeroize, label)
        if result.ok:
            self._announce(KeyEvent("zeroize", removed=result.removed), syslog)
        return result

    def _execute_zeroize(self, label: str | None) -> tuple[ZeroizeResult, list[str]]:
        with self._lock:
            existing = [e.info for e in self._sorted()]
            plan = plan_zeroize(label, existing)
            if isinstance(plan, Refusal):
                return ZeroizeResult(False, plan.message + "\n", error=plan.message), []
            targets = zeroize_targets(plan, existing)
            for k in targets:
                entry = self._entries.pop((k.label, k.usage))
                self._unlink(entry.stem)
        removed = tuple(dict.fromkeys(k.label for k in targets))
        return ZeroizeResult(True, zeroize_text(plan), removed), [key_deleted(k.label) for k in targets]

    # -- bootstrap ------------------------------------------------------------------------------------------
    def load_or_generate(self, label: str, modulus: int = DEFAULT_MODULUS) -> asyncssh.SSHKey:
        """The key pair ``label``, generating a general-purpose one first if it does not exist."""
        key = self.load(label)
        if key is not None:
            return key
        return self._loaded(label, self.generate_rsa(label, hostname=None, domain=None, modulus=modulus))

    async def aload_or_generate(self, label: str, modulus: int = DEFAULT_MODULUS) -> asyncssh.SSHKey:
        """:meth:`load_or_generate` with the generation in the key pool: many devices' first starts share the
        cores instead of each blocking the event loop for a key."""
        key = self.load(label)
        if key is not None:
            return key
        return self._loaded(label, await self.agenerate_rsa(label, hostname=None, domain=None, modulus=modulus))

    def _loaded(self, label: str, result: GenerateResult) -> asyncssh.SSHKey:
        key = self.load(label)
        if not result.ok or key is None:
            raise ValueError(f"cannot generate key {label!r}: {result.error}")
        return key


def _refused(refusal: Refusal) -> GenerateResult:
    """A refusal shaped as the result the caller returns."""
    return GenerateResult(False, refusal.message + "\n", error=refusal.message)
