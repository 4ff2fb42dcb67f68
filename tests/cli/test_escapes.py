"""File names are printed, never obeyed (iosxe_agent/cli/escapes.py): escapes for every non-printable character."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from iosxe_agent.cli.escapes import printable

_ESCAPE = re.compile(r"\\(\\|x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8})")


def unescape(text: str) -> str:
    """The inverse of ``printable`` (undecodable bytes aside): proves the printed form is unambiguous."""
    return _ESCAPE.sub(lambda m: "\\" if m.group(1) == "\\" else chr(int(m.group(1)[1:], 16)), text)


def test_terminal_sequences_newlines_and_overrides_are_shown_escaped() -> None:
    assert printable("\x1b[2Jevil") == "\\x1b[2Jevil"
    assert printable("a\nb\r\tc\x7f\x9b") == "a\\x0ab\\x0d\\x09c\\x7f\\x9b"
    assert printable("bidi\u202egnp.exe") == "bidi\\u202egnp.exe"
    assert printable("back\\slash") == "back\\\\slash"
    assert printable("bad\udc9bbyte") == "bad\\x9bbyte"  # an undecodable byte of a file name (PEP 383)


def test_ordinary_names_are_unchanged() -> None:
    for name in ("image.bin", "running config.cfg", "Ünïcødé-名前.txt", ""):
        assert printable(name) is name or printable(name) == name


@given(st.text(st.characters(exclude_categories=["Cs"])))
def test_the_result_is_printable_and_unambiguous(text: str) -> None:
    shown = printable(text)
    assert shown.isprintable()
    assert unescape(shown) == text
