"""The operator log (stdout): every line says which device it is about, so a fleet's output stays readable.

Why a context variable: the operator log is Python ``logging`` with module loggers (``iosxe_agent.netconf.session`` …)
that know nothing of devices, and one process serves many devices. A device runs its listeners inside a
context where :data:`CURRENT_DEVICE` names it; asyncio copies the context into every callback and task that
descends from there (accepted connections, their sessions, commits, ``asyncio.to_thread`` work), so
:class:`DeviceTag` can put the device's name on each record without any module passing it along. A record
that carries ``device`` itself (``extra={"device": …}``, as the device's IOS log forwards its messages) keeps it.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Callable, Iterator

#: The device the running code works for: a function returning its name (its hostname may change at any time).
CURRENT_DEVICE: contextvars.ContextVar[Callable[[], str]] = contextvars.ContextVar("iosxe_agent_device")

#: The console format: ``2026-12-06 18:40:00,123 INFO [R1] iosxe_agent.syslog: %SSH-5-ENABLED: …``.
FORMAT = "%(asctime)s %(levelname)s %(device_tag)s%(name)s: %(message)s"


@contextlib.contextmanager
def working_for(name: Callable[[], str]) -> Iterator[None]:
    """Run the body (and whatever it starts: listeners, tasks) as work of the device ``name`` returns."""
    token = CURRENT_DEVICE.set(name)
    try:
        yield
    finally:
        CURRENT_DEVICE.reset(token)


class DeviceTag(logging.Filter):
    """Adds ``device_tag`` (``"[R1] "``, or ``""`` for the process's own lines) to every record it sees."""

    def filter(self, record: logging.LogRecord) -> bool:
        name = getattr(record, "device", None)
        if name is None:
            current = CURRENT_DEVICE.get(None)
            name = current() if current is not None else ""
        record.device_tag = f"[{name}] " if name else ""
        return True


def install(handler: logging.Handler) -> None:
    """Give ``handler`` the device-tagged console format."""
    handler.addFilter(DeviceTag())
    handler.setFormatter(logging.Formatter(FORMAT))
