"""Cisco IOS password and secret encodings: types 0, 5, 7, 8 and 9, on the standard library only.

``username … password|secret <type> <text>`` stores the text exactly as given and verifies logins against it,
so each type must produce and check the very strings a real box does:

* 0 — clear text.
* 7 — Cisco's reversible XOR "encryption" (``service password-encryption``): a two-digit decimal seed, then
  each byte XORed with a fixed 53-byte key starting at that seed, as upper-case hex.
* 5 — FreeBSD md5-crypt (``$1$salt$hash``), implemented here because ``crypt`` left the standard library.
* 8 — ``$8$salt$hash``: PBKDF2-HMAC-SHA256, 20 000 iterations, 32 bytes.
* 9 — ``$9$salt$hash``: scrypt N=16384 r=1 p=1, 32 bytes; the IOS XE 17 default for ``secret``.

Types 8 and 9 use the 14 salt characters' ASCII bytes as the salt and write the key in standard base64
re-lettered into the Cisco alphabet, without padding (43 characters).

Types 5, 8 and 9 are deliberately slow (type 8 about 5 ms, type 9 about 6-7 ms per call, type 5 about 1 ms):
callers on the event loop must run :func:`verify` and the hash functions in a worker thread, or one login
would stall every session.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

CISCO_ALPHABET = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_STD_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_TO_CISCO = str.maketrans(_STD_ALPHABET, CISCO_ALPHABET)
_CISCO_CHARS = frozenset(CISCO_ALPHABET)

TYPE7_KEY = b"dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87"
TYPE7_MAX_SEED = len(TYPE7_KEY) - 1  # real boxes pick 0-15; any seed that indexes the key decodes
_TYPE7_IOS_MAX_SEED = 15
_DIGITS = frozenset("0123456789")
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")

MD5_MAGIC = "$1$"
MD5_MAX_SALT = 8
_MD5_IOS_SALT_LEN = 4  # IOS writes type 5 secrets with 4 salt characters ($1$mERr$...)
_MD5_ROUNDS = 1000
_MD5_DIGEST_LEN = 22  # crypt(3) encoding of the 16-byte digest

TYPE8_ITERATIONS = 20_000
SCRYPT_N, SCRYPT_R, SCRYPT_P = 16384, 1, 1
DERIVED_KEY_LEN = 32
SALT_LEN = 14  # Cisco alphabet encoding of 10 random bytes
_SALT_RANDOM_BYTES = 10
_HASH_LEN = 43  # Cisco alphabet encoding of the 32-byte derived key


def cisco_b64(raw: bytes) -> str:
    """Standard base64 of ``raw`` in the Cisco alphabet, padding stripped (types 8 and 9)."""
    return base64.b64encode(raw).decode("ascii").translate(_TO_CISCO).rstrip("=")


def new_salt() -> str:
    """A fresh 14-character type 8/9 salt, made the way IOS makes it: 10 random bytes, Cisco-encoded."""
    return cisco_b64(secrets.token_bytes(_SALT_RANDOM_BYTES))


def type7_encode(plain: str, seed: int | None = None) -> str:
    """Obfuscate ``plain`` as type 7; ``seed`` (0-52) defaults to a random 0-15 as IOS picks.

    Raises:
        ValueError: ``seed`` is outside 0-52.
    """
    if seed is None:
        seed = secrets.randbelow(_TYPE7_IOS_MAX_SEED + 1)
    if not 0 <= seed <= TYPE7_MAX_SEED:
        raise ValueError(f"type 7 seed must be 0-{TYPE7_MAX_SEED}, got {seed}")
    return f"{seed:02d}" + _type7_xor(plain.encode("utf-8"), seed).hex().upper()


def type7_decode(text: str) -> str:
    """Recover the plain text of a type 7 string (hex digits of either case are accepted).

    Raises:
        ValueError: ``text`` is not a decimal seed 0-52 followed by pairs of hex digits encoding UTF-8.
    """
    seed_text, hex_text = text[:2], text[2:]
    if len(seed_text) != 2 or not _DIGITS.issuperset(seed_text) or int(seed_text) > TYPE7_MAX_SEED:
        raise ValueError("type 7 text must start with a two-digit seed 00-52")
    if len(hex_text) % 2 or not _HEX_DIGITS.issuperset(hex_text):
        raise ValueError("type 7 text must continue with pairs of hex digits")
    return _type7_xor(bytes.fromhex(hex_text), int(seed_text)).decode("utf-8")


def md5_crypt(plain: str, salt: str | None = None) -> str:
    """Return the type 5 string ``$1$<salt>$<22 chars>`` (FreeBSD md5-crypt, as ``openssl passwd -1``).

    ``salt`` defaults to 4 random Cisco-alphabet characters, the length IOS uses.

    Raises:
        ValueError: ``salt`` is empty, longer than 8 characters or has a character outside ``./0-9A-Za-z``.
    """
    if salt is None:
        salt = "".join(secrets.choice(CISCO_ALPHABET) for _ in range(_MD5_IOS_SALT_LEN))
    if not 0 < len(salt) <= MD5_MAX_SALT or not _CISCO_CHARS.issuperset(salt):
        raise ValueError(f"md5-crypt salt must be 1-{MD5_MAX_SALT} characters of ./0-9A-Za-z")
    return f"{MD5_MAGIC}{salt}${_md5_crypt_digest(plain.encode('utf-8'), salt.encode('ascii'))}"


def type8_hash(plain: str, salt: str | None = None) -> str:
    """Return ``$8$<salt>$<43 chars>`` (PBKDF2-HMAC-SHA256); CPU-heavy, see the module docstring.

    Raises:
        ValueError: ``salt`` is not 14 Cisco-alphabet characters.
    """
    salt = _checked_salt(salt)
    key = hashlib.pbkdf2_hmac("sha256", plain.encode("utf-8"), salt.encode("ascii"), TYPE8_ITERATIONS)
    return f"$8${salt}${cisco_b64(key)}"


def type9_hash(plain: str, salt: str | None = None) -> str:
    """Return ``$9$<salt>$<43 chars>`` (scrypt); CPU-heavy, see the module docstring.

    Raises:
        ValueError: ``salt`` is not 14 Cisco-alphabet characters.
    """
    salt = _checked_salt(salt)
    key = hashlib.scrypt(
        plain.encode("utf-8"),
        salt=salt.encode("ascii"),
        n=SCRYPT_N,
        r=SCRYPT_R,
        p=SCRYPT_P,
        dklen=DERIVED_KEY_LEN,
    )
    return f"$9${salt}${cisco_b64(key)}"


def hash_secret_type9(plain: str) -> str:
    """What IOS XE 17 stores for a ``secret`` given in clear (``secret X`` or ``secret 0 X``): type 9."""
    return type9_hash(plain)


def is_well_formed(encryption: str, stored: str) -> bool:
    """Whether ``stored`` has the shape of a type ``encryption`` string; IOS refuses other configured text."""
    if encryption == "0":
        return True
    if encryption == "7":
        try:
            type7_decode(stored)
        except ValueError:
            return False
        return True
    if encryption == "5":
        return _split_md5(stored) is not None
    if encryption in ("8", "9"):
        return _split_salted(encryption, stored) is not None
    return False


def verify(encryption: str, stored: str, candidate: str) -> bool:
    """Check a login attempt ``candidate`` against a stored password of type ``encryption`` (0/5/7/8/9).

    Comparisons are constant-time. An unknown type, a malformed ``stored`` string or text that is not valid
    Unicode (a lone surrogate) gives False rather than an exception, so a bad configuration line locks one
    user out instead of failing the login machinery.
    """
    try:
        return _verify(encryption, stored, candidate)
    except UnicodeError:
        return False


def _verify(encryption: str, stored: str, candidate: str) -> bool:
    if encryption == "0":
        return _same(stored, candidate)
    if encryption == "7":
        try:
            plain = type7_decode(stored)
        except ValueError:
            return False
        return _same(plain, candidate)
    if encryption == "5":
        salt = _split_md5(stored)
        return salt is not None and _same(stored, md5_crypt(candidate, salt))
    if encryption in ("8", "9"):
        salt = _split_salted(encryption, stored)
        hasher = type8_hash if encryption == "8" else type9_hash
        return salt is not None and _same(stored, hasher(candidate, salt))
    return False


def _same(expected: str, given: str) -> bool:
    """Constant-time equality, so response timing does not reveal how much of a guess was right."""
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))


def _type7_xor(data: bytes, seed: int) -> bytearray:
    """XOR each byte with the key, starting at ``seed`` and wrapping; the same operation both ways."""
    return bytearray(byte ^ TYPE7_KEY[(seed + i) % len(TYPE7_KEY)] for i, byte in enumerate(data))


def _checked_salt(salt: str | None) -> str:
    if salt is None:
        return new_salt()
    if len(salt) != SALT_LEN or not _CISCO_CHARS.issuperset(salt):
        raise ValueError(f"type 8/9 salt must be {SALT_LEN} characters of ./0-9A-Za-z")
    return salt


def _split_md5(stored: str) -> str | None:
    """The salt of a well-formed ``$1$salt$hash`` string, else None."""
    if not stored.startswith(MD5_MAGIC):
        return None
    salt, sep, digest = stored[len(MD5_MAGIC) :].partition("$")
    ok = (
        sep == "$"
        and 0 < len(salt) <= MD5_MAX_SALT
        and len(digest) == _MD5_DIGEST_LEN
        and _CISCO_CHARS.issuperset(salt + digest)
    )
    return salt if ok else None


def _split_salted(encryption: str, stored: str) -> str | None:
    """The salt of a well-formed ``$8$``/``$9$`` string, else None."""
    prefix = f"${encryption}$"
    if not stored.startswith(prefix):
        return None
    salt, sep, digest = stored[len(prefix) :].partition("$")
    ok = sep == "$" and len(salt) == SALT_LEN and len(digest) == _HASH_LEN and _CISCO_CHARS.issuperset(salt + digest)
    return salt if ok else None


def _md5_crypt_digest(pw: bytes, salt: bytes) -> str:
    """The 22-character md5-crypt checksum (Poul-Henning Kamp's algorithm, FreeBSD 1994)."""
    alternate = hashlib.md5(pw + salt + pw).digest()
    ctx = hashlib.md5(pw + MD5_MAGIC.encode("ascii") + salt)
    for remaining in range(len(pw), 0, -16):
        ctx.update(alternate[: min(16, remaining)])
    # One byte per bit of the password length: NUL for a set bit, the first password byte for a clear one.
    length = len(pw)
    while length:
        ctx.update(b"\0" if length & 1 else pw[:1])
        length >>= 1
    digest = ctx.digest()
    for i in range(_MD5_ROUNDS):
        round_ctx = hashlib.md5(pw if i & 1 else digest)
        if i % 3:
            round_ctx.update(salt)
        if i % 7:
            round_ctx.update(pw)
        round_ctx.update(digest if i & 1 else pw)
        digest = round_ctx.digest()
    return _md5_crypt_b64(digest)


# md5-crypt writes the 16 digest bytes as 5 groups of 3 (these indexes, most significant first), then byte 11.
_MD5_GROUPS = ((0, 6, 12), (1, 7, 13), (2, 8, 14), (3, 9, 15), (4, 10, 5))


def _md5_crypt_b64(digest: bytes) -> str:
    """crypt(3)'s little-endian 6-bit encoding of an md5-crypt digest (not the same as base64)."""
    out: list[str] = []
    for a, b, c in _MD5_GROUPS:
        out += _crypt_chars((digest[a] << 16) | (digest[b] << 8) | digest[c], 4)
    out += _crypt_chars(digest[11], 2)
    return "".join(out)


def _crypt_chars(value: int, count: int) -> list[str]:
    """``count`` alphabet characters for ``value``, least significant 6 bits first."""
    return [CISCO_ALPHABET[(value >> (6 * i)) & 0x3F] for i in range(count)]
