"""The entity tag and modification time of running (RFC 8040 §3.4.1.1), and the conditional requests they
answer (RFC 7232: ``If-Match``, ``If-None-Match``, ``If-Unmodified-Since``; 304 and 412)."""

from __future__ import annotations

import datetime
import email.utils
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from iosxe_agent.datastore.transaction import Transaction
from iosxe_agent.restconf.errors import fault


@dataclass(slots=True)
class DatastoreVersion:
    """``ETag`` / ``Last-Modified`` of running: a new entity tag on every commit from any face (one tag for the
    whole datastore, as RFC 8040 allows); the start time of the process makes tags of an earlier run never match."""

    generation: int = 0
    modified: float = field(default_factory=time.time)
    epoch: str = field(default_factory=lambda: format(time.time_ns(), "x"))

    def on_commit(self, _txn: Transaction) -> None:
        """A commit listener: running changed."""
        self.generation += 1
        self.modified = time.time()

    @property
    def etag(self) -> str:
        return f'"{self.epoch}-{self.generation}"'

    @property
    def last_modified(self) -> str:
        return email.utils.formatdate(self.modified, usegmt=True)

    def headers(self) -> tuple[tuple[str, str], ...]:
        return (("ETag", self.etag), ("Last-Modified", self.last_modified))


def names(header: str | None, etag: str) -> bool:
    """An ``If-Match`` / ``If-None-Match`` list names ``etag`` (weak or strong)."""
    if header is None:
        return False
    return etag in (t.strip().removeprefix("W/") for t in header.split(","))


def check_write(headers: Mapping[str, str], version: DatastoreVersion, exists: Callable[[], bool]) -> None:
    """The preconditions of a write: entity tags of the datastore, ``*`` for whether the target resource
    ``exists()``, and ``If-Unmodified-Since``.

    Raises:
        RestconfFault: 412 when one fails.
    """
    etag = version.etag
    if_match, if_none_match = headers.get("If-Match"), headers.get("If-None-Match")
    if "*" in (if_match, if_none_match):
        there = exists()
        if (if_match == "*" and not there) or (if_none_match == "*" and there):
            raise fault("operation-failed", "the resource does (not) exist (If-Match / If-None-Match)", status=412)
    if if_match not in (None, "*") and not names(if_match, etag):
        raise fault("operation-failed", "the datastore changed (If-Match)", status=412)
    if if_none_match not in (None, "*") and names(if_none_match, etag):
        raise fault("operation-failed", "the datastore is unchanged (If-None-Match)", status=412)
    since = headers.get("If-Unmodified-Since")
    if since is None:
        return
    try:
        limit = email.utils.parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return  # RFC 7232 §3.4: an invalid date is ignored
    if datetime.datetime.fromtimestamp(int(version.modified), datetime.UTC) > limit:
        raise fault("operation-failed", "the datastore changed (If-Unmodified-Since)", status=412)


def not_modified(headers: Mapping[str, str], version: DatastoreVersion) -> bool:
    """A GET's ``If-None-Match`` names the current tag (or ``*``): 304."""
    value = headers.get("If-None-Match")
    return value is not None and (value.strip() == "*" or names(value, version.etag))
