"""Who made a change must be said, never assumed: a forgotten session id may not silently mean the system."""

from __future__ import annotations

import pytest

from iosxe_agent.datastore.names import Datastore
from iosxe_agent.datastore.transaction import SYSTEM, SYSTEM_SESSION_ID, Face, Origin


def test_the_session_id_is_required_and_named() -> None:
    with pytest.raises(TypeError, match="session_id"):
        Origin(user="alice", face=Face.CLI)  # the mistake this test is about
    with pytest.raises(TypeError):
        Origin(3, "alice", Face.CLI)  # positional: easy to swap, so refused
    assert not Origin(session_id=3, user="alice", face=Face.CLI).is_system


def test_the_system_is_named_explicitly() -> None:
    assert SYSTEM.is_system and SYSTEM.session_id == SYSTEM_SESSION_ID and SYSTEM.face is Face.SYSTEM
    recovery = Origin(session_id=SYSTEM_SESSION_ID, user="recover-admin", face=Face.RECOVERY)
    assert recovery.is_system


def test_closed_sets_keep_their_wire_text() -> None:
    assert [str(d) for d in Datastore] == ["running", "candidate", "startup"]
    assert f"{Datastore.CANDIDATE}" == "candidate" and Datastore("startup") is Datastore.STARTUP
    assert f"{Face.NETCONF}" == "netconf"
