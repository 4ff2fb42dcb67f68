"""A committed (or about to be committed) change of the running datastore, as one immutable value."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from lxml import etree

from iosxe_agent.data.diff import Change
from iosxe_agent.data.touched import Touched
from iosxe_agent.datastore.names import Datastore

#: The session id of changes no client session makes (the configuration loaded at start-up, the revert of an
#: unconfirmed commit, password recovery). Such a change is exempt from partial locks and never refused for
#: what a client could not do: it must always go through. Session ids of clients start at 1.
SYSTEM_SESSION_ID = 0


class Face(enum.StrEnum):
    """Through which face of the device a change came (logged, and ``system`` is RFC 6470's ``<server/>``)."""

    NETCONF = "netconf"
    CLI = "cli"
    SCP = "scp"
    RESTCONF = "restconf"
    GNMI = "gnmi"
    RECOVERY = "recovery"
    SYSTEM = "system"


@dataclass(frozen=True, slots=True, kw_only=True)
class Origin:
    """Who made a change: the session id (device-wide, shared by every face), user name, face and peer.

    Every field but the peer must be given by name, so a forgotten session id is a type error rather than a
    silent :data:`SYSTEM_SESSION_ID`; the system's own changes say so with :data:`SYSTEM`.
    """

    session_id: int
    user: str
    face: Face
    source_host: str | None = None

    @property
    def is_system(self) -> bool:
        """True for the system's own changes (no client session made them)."""
        return self.session_id == SYSTEM_SESSION_ID


#: The origin of the system's own changes: start-up and the revert of an unconfirmed commit.
SYSTEM = Origin(session_id=SYSTEM_SESSION_ID, user="system", face=Face.SYSTEM)


@dataclass(frozen=True, slots=True)
class Transaction:
    """``old`` and ``new`` running trees and the node-level ``changes`` between them.

    ``touched``: where ``new`` may differ from ``old`` as the edits reported it (None: anywhere). ``changes``
    leave out an ordered-by-user entry that only moved; ``touched`` names its parent, so a follower of such a
    list can tell that a commit elsewhere moved nothing in it without comparing the list."""

    old: etree._Element
    new: etree._Element
    changes: tuple[Change, ...]
    origin: Origin
    datastore: Datastore = Datastore.RUNNING
    touched: Touched | None = None
