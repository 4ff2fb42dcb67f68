"""The base NETCONF operations, one family per module; :func:`register_base` installs them all."""

from __future__ import annotations

from agent.netconf.operations import datastore, edit, locking, retrieve, session
from agent.netconf.registry import Registry


def register_base(registry: Registry, *, extensions: bool) -> None:
    """Serve every RFC 6241 operation the agent implements."""
    retrieve.register(registry)
    edit.register(registry, extensions)
    datastore.register(registry)
    locking.register(registry)
    session.register(registry)
