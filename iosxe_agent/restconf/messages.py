"""A RESTCONF request and response as plain values: what the HTTP server hands the resources and gets back, so
every resource is testable without a socket."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Request:
    """An authenticated request: method, the still percent-encoded path, the query, headers and body."""

    method: str
    path: str
    user: str
    query: tuple[tuple[str, str], ...] = ()
    headers: Mapping[str, str] = field(default_factory=dict)  # case-insensitive in the server
    body: bytes = b""
    peer: str | None = None


@dataclass(frozen=True, slots=True)
class Response:
    """What goes back: status, body and its media type, and further headers."""

    status: int
    body: bytes = b""
    content_type: str | None = None
    headers: tuple[tuple[str, str], ...] = ()


def json_body(document: object) -> bytes:
    """A JSON reply body (indented, as IOS XE's)."""
    return json.dumps(document, indent=2).encode()
