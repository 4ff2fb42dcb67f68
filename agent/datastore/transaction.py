"""A committed (or about to be committed) change of the running datastore, as one immutable value."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from agent.data.diff import Change


@dataclass(frozen=True, slots=True)
class Origin:
    """Who made a change: the NETCONF session id (0 for the system), user name and face (netconf, cli …)."""

    session_id: int = 0
    user: str = "system"
    face: str = "system"
    source_host: str | None = None


@dataclass(frozen=True, slots=True)
class Transaction:
    """``old`` and ``new`` running trees and the node-level ``changes`` between them."""

    old: etree._Element
    new: etree._Element
    changes: tuple[Change, ...]
    origin: Origin
    datastore: str = "running"
