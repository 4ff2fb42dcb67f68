"""A byte pipe under a NETCONF session in tests: keeps what the session sends and whether it closed it."""

from __future__ import annotations


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
