"""The gNMI data mapping the gNMI service codes against: paths to schema nodes and instances, JSON_IETF values,
a SetRequest as one NETCONF-style edit, and on-change updates of a commit. Pure functions over the compiled
schema and datastore trees; the pieces live in :mod:`~iosxe_agent.gnmi.path_map` (paths),
:mod:`~iosxe_agent.gnmi.value_map` (values, updates) and :mod:`~iosxe_agent.gnmi.set_map` (Set)."""

from __future__ import annotations

from iosxe_agent.gnmi.path_map import GnmiPathError, PathStep, Target, resolve
from iosxe_agent.gnmi.set_map import set_edit
from iosxe_agent.gnmi.value_map import changed_updates, get_updates, notification

__all__ = [
    "GnmiPathError",
    "PathStep",
    "Target",
    "changed_updates",
    "get_updates",
    "notification",
    "resolve",
    "set_edit",
]
