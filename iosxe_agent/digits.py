"""What every numeric field of the agent takes as a number: ASCII digits only.

Why one home: ``str.isdigit`` also passes superscripts such as ``"²"``, which ``int()`` refuses (an unhandled
``ValueError`` where the user deserves the field's own error), and ``str.isdecimal`` passes other scripts'
digits such as ``"٣"``, which ``int()`` reads as 3 — a value IOS, YANG's integer types (RFC 7950 §9.2.1),
RFC 8040's ``depth`` and a URL's port never accept. Every check of "is this a number" before ``int()`` asks here.
"""

from __future__ import annotations


def ascii_digits(text: str) -> bool:
    """True if ``text`` is one or more of ``0`` to ``9`` and nothing else."""
    return text.isascii() and text.isdigit()
