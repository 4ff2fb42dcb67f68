"""A NETCONF session over a transport of the test's own, serving retrievals from an in-memory datastore: what the
session-level tests (idle clock, back-pressure) drive byte by byte."""

from __future__ import annotations

from typing import Any

from iosxe_agent.datastore.store import StorePaths, Stores
from iosxe_agent.limits import Limits
from iosxe_agent.netconf.operations import retrieve
from iosxe_agent.netconf.registry import Registry
from iosxe_agent.netconf.services import NetconfServices
from iosxe_agent.netconf.session import NetconfSession


def get_only_session(helpers: Any, limits: Limits, transport: Any) -> NetconfSession:
    """Session 1 of user admin on the Cisco schema, answering get/get-config, writing to ``transport``."""
    schema = helpers.cisco_schema()
    registry = Registry()
    retrieve.register(registry)
    services = NetconfServices(schema, Stores(schema, limits, StorePaths(None, None)), limits, registry)
    return NetconfSession(session_id=1, user="admin", services=services, transport=transport)
