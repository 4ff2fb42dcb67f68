"""The names of the configuration datastores (RFC 6241 §5.1, RFC 8342), as their wire text.

A ``str`` enum: a member is its own name wherever text is needed (``<running/>``, lock messages, file names), and
mypy sees a datastore argument that names no datastore.
"""

from __future__ import annotations

import enum


class Datastore(enum.StrEnum):
    """A conventional configuration datastore."""

    RUNNING = "running"
    CANDIDATE = "candidate"
    STARTUP = "startup"
