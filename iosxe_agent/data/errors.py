"""Errors found while editing or validating data, as plain values.

The data layer knows nothing of NETCONF framing; the NETCONF layer turns a :class:`DataError` into an
``<rpc-error>`` (RFC 6241 Appendix A), and a CLI could turn the same value into an IOS message.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class DataError:
    """One problem with a data tree or an edit.

    ``tag`` is an RFC 6241 error-tag; ``path`` is an instance path whose prefixes ``path_ns`` resolves;
    ``info`` holds error-info children as (local name, text) pairs (``bad-element``, ``bad-attribute`` …).
    """

    tag: str
    message: str
    path: str | None = None
    path_ns: dict[str, str] = field(default_factory=dict)
    app_tag: str | None = None
    info: tuple[tuple[str, str], ...] = ()
    error_type: str = "application"


class EditAborted(Exception):
    """Internal signal: stop processing an edit at the first error (stop-on-error / rollback-on-error)."""
