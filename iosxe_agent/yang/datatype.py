"""Check a leaf's XML text against its YANG type and return the canonical text (RFC 7950 §9).

Every value is checked once, where it enters a datastore, and stored in canonical form, so comparisons,
diffs, leafref lookups and key matching downstream can compare plain strings.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from iosxe_agent.yang.regex import compile_xsd
from iosxe_agent.yang.schema import Identity, TypeSpec, clark

_INT_BOUNDS = {
    "int8": (-(2**7), 2**7 - 1),
    "int16": (-(2**15), 2**15 - 1),
    "int32": (-(2**31), 2**31 - 1),
    "int64": (-(2**63), 2**63 - 1),
    "uint8": (0, 2**8 - 1),
    "uint16": (0, 2**16 - 1),
    "uint32": (0, 2**32 - 1),
    "uint64": (0, 2**64 - 1),
}
_INT_RE = re.compile(r"[+-]?[0-9]+")
_DEC_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
#: one character outside XML 1.0's Char production (a single class: linear in Python re)
_NOT_XML_CHAR = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class TypeMismatch(Exception):
    """The text is not a value of the type; ``message`` is what the client reads in error-message."""

    def __init__(self, message: str, app_tag: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.app_tag = app_tag


def pattern_matches(regex: str, text: str) -> bool:
    """True if ``text`` matches the XSD regular expression ``regex`` as a whole.

    One engine for every XSD regex (:mod:`iosxe_agent.yang.regex`, RE2: linear time). A string with a character XML
    cannot carry is no value of any YANG string type, so it matches no pattern.

    Raises:
        RegexError: ``regex`` is not a valid XSD regular expression (a broken module).
    """
    if _NOT_XML_CHAR.search(text):
        return False
    return compile_xsd(regex).matches(text)


def _fmt_ranges(pairs: tuple[tuple[object, object], ...]) -> str:
    return " | ".join(str(lo) if lo == hi else f"{lo}..{hi}" for lo, hi in pairs)


def canonical(
    text: str | None,
    t: TypeSpec,
    nsmap: Mapping[str | None, str] | None = None,
    identities: Mapping[str, Identity] | None = None,
) -> str:
    """Return the canonical form of ``text`` for type ``t`` or raise :class:`TypeMismatch`.

    ``nsmap`` resolves prefixes in identityref values; ``identities`` maps Clark identity names to identities.
    """
    raw = "" if text is None else text
    base = t.base
    if base == "leafref":
        target = t.leafref_target
        if target is not None and target.type is not None:
            return canonical(raw, target.type, nsmap, identities)
        return raw
    if base in _INT_BOUNDS:
        return _integer(raw.strip(), t)
    if base == "decimal64":
        return _decimal(raw.strip(), t)
    if base == "string":
        return _string(raw, t)
    if base == "boolean":
        v = raw.strip()
        if v not in ("true", "false"):
            raise TypeMismatch(f'"{raw}" is not a valid boolean (true or false)')
        return v
    if base == "empty":
        if raw.strip():
            raise TypeMismatch(f'"{raw}" given for an empty leaf, which takes no value')
        return ""
    if base == "enumeration":
        v = raw.strip()
        if v not in t.enums:
            raise TypeMismatch(f'"{raw}" is an invalid value; expected one of: {", ".join(t.enums)}')
        return v
    if base == "bits":
        return _bits(raw, t)
    if base == "binary":
        return _binary(raw, t)
    if base == "identityref":
        return _identityref(raw.strip(), t, nsmap or {}, identities or {})
    if base == "union":
        for member in t.members:
            try:
                return canonical(raw, member, nsmap, identities)
            except TypeMismatch:
                continue
        raise TypeMismatch(f'"{raw}" is not a valid value of {t.name}')
    if base == "instance-identifier":
        v = raw.strip()
        if not v.startswith("/"):
            raise TypeMismatch(f'"{raw}" is not an instance-identifier')
        return v
    return raw


def _integer(v: str, t: TypeSpec) -> str:
    if not _INT_RE.fullmatch(v):
        raise TypeMismatch(f'"{v}" is not a valid {t.base}')
    lo, hi = _INT_BOUNDS[t.base]
    digits = v.lstrip("+-").lstrip("0") or "0"
    if len(digits) > 20:  # beyond any YANG integer (and int() refuses more than 4300 digits with ValueError)
        raise TypeMismatch(f'"{v}" is out of range for {t.base} ({lo}..{hi})')
    n = -int(digits) if v.startswith("-") else int(digits)
    if not lo <= n <= hi:
        raise TypeMismatch(f'"{v}" is out of range for {t.base} ({lo}..{hi})')
    if t.ranges and not any(a <= n <= b for a, b in t.ranges):
        raise TypeMismatch(t.range_error or f'"{v}" is out of range; allowed: {_fmt_ranges(t.ranges)}')
    return str(n)


def _decimal(v: str, t: TypeSpec) -> str:
    if not _DEC_RE.fullmatch(v):
        raise TypeMismatch(f'"{v}" is not a valid decimal64')
    frac = v.partition(".")[2]
    if len(frac) > t.fraction_digits:
        raise TypeMismatch(f'"{v}" has more than {t.fraction_digits} fraction digits')
    try:
        d = Decimal(v)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only valid decimals
        raise TypeMismatch(f'"{v}" is not a valid decimal64') from exc
    limit = Decimal(2**63 - 1).scaleb(-t.fraction_digits)
    if not -limit - Decimal(1).scaleb(-t.fraction_digits) <= d <= limit:
        raise TypeMismatch(f'"{v}" is out of range for decimal64')
    if t.ranges and not any(Decimal(a) <= d <= Decimal(b) for a, b in t.ranges):
        raise TypeMismatch(t.range_error or f'"{v}" is out of range; allowed: {_fmt_ranges(t.ranges)}')
    if d == 0:
        return "0.0"  # RFC 7950 §9.3.2: zero is "0.0", whatever its sign
    text = format(d.normalize(), "f")
    return text if "." in text else text + ".0"


def _check_length(n: int, v: str, t: TypeSpec) -> None:
    if t.lengths and not any(a <= n <= b for a, b in t.lengths):
        raise TypeMismatch(t.length_error or f'"{v}" has an invalid length {n}; allowed: {_fmt_ranges(t.lengths)}')


def _string(v: str, t: TypeSpec) -> str:
    _check_length(len(v), v, t)
    for p in t.patterns:
        if pattern_matches(p.regex, v) is p.invert:
            raise TypeMismatch(p.error_message or f'"{v}" does not match the pattern {p.regex!r}', p.error_app_tag)
    return v


def _bits(raw: str, t: TypeSpec) -> str:
    names = raw.split()
    unknown = [n for n in names if n not in t.bits]
    if unknown or len(set(names)) != len(names):
        raise TypeMismatch(f'"{raw}" is not a valid bits value; bits are: {", ".join(t.bits)}')
    return " ".join(b for b in t.bits if b in names)


def _binary(raw: str, t: TypeSpec) -> str:
    try:
        data = base64.b64decode("".join(raw.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise TypeMismatch(f'"{raw}" is not valid base64') from exc
    _check_length(len(data), raw, t)
    return base64.b64encode(data).decode()


def _identityref(v: str, t: TypeSpec, nsmap: Mapping[str | None, str], identities: Mapping[str, Identity]) -> str:
    prefix, sep, name = v.rpartition(":")
    ns = nsmap.get(prefix if sep else None)
    if ns is None:
        raise TypeMismatch(f'"{v}" uses an unknown prefix')
    key = clark(ns, name)
    if key not in identities or not any(key in identities[b].derived for b in t.identity_bases):
        raise TypeMismatch(f'"{v}" is not an identity derived from {", ".join(t.identity_bases)}')
    return f"{identities[key].prefix}:{name}"
