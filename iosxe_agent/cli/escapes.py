"""Names from outside the device made safe to print on a terminal (pure).

A file in flash: can be named with anything a file system allows, and a name typed into a command is echoed in
its error message: a name holding ``ESC [ 2 J`` would clear the operator's screen, one holding a newline would
print a fake line of ``dir`` output, a bidirectional override would show a different name. Every character
that is not printable (C0/C1 controls, DEL, format and separator characters, undecodable bytes) is shown as a
Python-style escape, and so is the backslash that starts one, so the printed name is unambiguous.
"""

from __future__ import annotations

#: Undecodable bytes of a file name come back from the OS as lone surrogates U+DC80..U+DCFF (PEP 383).
_SURROGATE_ESCAPES = range(0xDC80, 0xDD00)


def _escape(ch: str) -> str:
    cp = ord(ch)
    if cp in _SURROGATE_ESCAPES:
        return f"\\x{cp - 0xDC00:02x}"
    if cp < 0x100:
        return f"\\x{cp:02x}"
    return f"\\u{cp:04x}" if cp < 0x10000 else f"\\U{cp:08x}"


def printable(text: str) -> str:
    """``text`` with every character that is not printable (and the backslash) escaped."""
    if text.isprintable() and "\\" not in text:
        return text
    return "".join("\\\\" if ch == "\\" else ch if ch.isprintable() else _escape(ch) for ch in text)
