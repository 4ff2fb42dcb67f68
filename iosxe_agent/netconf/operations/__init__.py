"""The base NETCONF operations, one family per module; :func:`register_base` installs them all."""

from __future__ import annotations

from iosxe_agent.netconf.operations import datastore, edit, locking, nmda, partial_lock, retrieve, session
from iosxe_agent.netconf.registry import Registry


def register_base(registry: Registry, *, extensions: bool) -> None:
    """Serve every RFC 6241 operation the agent implements."""
    retrieve.register(registry)
    edit.register(registry, extensions)
    datastore.register(registry, extensions)
    locking.register(registry)
    partial_lock.register(registry)
    session.register(registry)
    nmda.register(registry)
