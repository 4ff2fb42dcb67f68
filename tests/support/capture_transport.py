"""A byte pipe under a NETCONF session in tests: keeps what the session sends and whether it closed it."""

from __future__ import annotations

from typing import Any

from iosxe_agent.datastore.store import StorePaths, Stores
from iosxe_agent.limits import Limits
from iosxe_agent.netconf.operations import locking
from iosxe_agent.netconf.registry import Registry
from iosxe_agent.netconf.services import NetconfServices
from iosxe_agent.netconf.session import BASE_11, NetconfSession
from iosxe_agent.netconf.xmlio import NC_NS


class Capture:
    """The transport a :class:`~iosxe_agent.netconf.session.NetconfSession` writes to, without SSH beneath it."""

    def __init__(self) -> None:
        self.sent = bytearray()
        self.closed = False

    def write(self, data: bytes) -> None:
        self.sent += data

    def close(self) -> None:
        self.closed = True

    def pause_reading(self) -> None:
        return None

    def resume_reading(self) -> None:
        return None


def lock_session(helpers: Any, limits: Limits, transport: Capture | None = None) -> tuple[NetconfSession, Capture]:
    """A started base:1.1 session serving lock/unlock over ``transport`` (a new :class:`Capture` by default), its
    hello exchange done and our hello cleared from what it sent."""
    schema = helpers.cisco_schema()
    registry = Registry()
    locking.register(registry)
    services = NetconfServices(schema, Stores(schema, limits, StorePaths(None, None)), limits, registry)
    capture = Capture() if transport is None else transport
    session = NetconfSession(session_id=1, user="admin", services=services, transport=capture)
    session.start()
    session.data_received(HELLO_11)
    capture.sent.clear()
    return session, capture


HELLO_11 = (
    f'<hello xmlns="{NC_NS}"><capabilities><capability>{BASE_11}</capability></capabilities></hello>]]>]]>'
).encode()
