"""``ip ssh port P rotary A [B]``: extra SSH ports whose connections take the vty lines of rotary groups A..B.

On IOS the command makes SSH on TCP port P reach a line of the rotary groups (``line vty x y`` / ``rotary N``):
the reverse-SSH way into a terminal server's lines; on vty lines it opens an ordinary exec session on a line of the
group. Here each configured port is one more listener of the device's SSH server, bound to the device's own
address, with the same host key and algorithms as port 22; its connections authenticate and open sessions exactly
like those of the main port, except that they only take lines whose ``rotary`` is in A..B (and are refused, as a
busy line, when there is none). The main port keeps using every SSH line, rotary or not, as IOS does.

:class:`RotaryListeners` only keeps the set of listeners equal to the configured ports; how a listener is opened
(and what its connections do) is the SSH service's, passed in as ``listen``. A port that cannot be bound (taken by
another program) is logged on the console and tried again at the next change; the others still listen.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import asyncssh

from iosxe_agent.device.views import RotaryPort

log = logging.getLogger(__name__)

#: Opens the listener of one rotary port with the server's current options.
Listen = Callable[[RotaryPort, dict[str, Any]], Awaitable[asyncssh.SSHAcceptor]]


class RotaryListeners:
    """The listeners of the ``ip ssh port … rotary`` ports of one device."""

    def __init__(self, listen: Listen) -> None:
        self._listen = listen
        self._open: dict[RotaryPort, asyncssh.SSHAcceptor] = {}

    @property
    def ports(self) -> tuple[int, ...]:
        """The rotary ports listening now (sorted)."""
        return tuple(sorted(p.port for p in self._open))

    def differs(self, wanted: tuple[RotaryPort, ...]) -> bool:
        """Whether ``wanted`` is not what listens now (a resync is needed)."""
        return set(wanted) != set(self._open)

    async def sync(self, wanted: tuple[RotaryPort, ...], options: dict[str, Any] | None) -> None:
        """Listen on exactly the ``wanted`` ports with ``options`` (the main listener's); None: SSH is disabled,
        close them all. Listeners kept are updated in place (new connections get the new options)."""
        keep = set(wanted) if options is not None else set()
        for port in [p for p in self._open if p not in keep]:
            await self._close(port)
        if options is None:
            return
        self.update(options)
        for port in wanted:
            if port in self._open:
                continue
            try:
                self._open[port] = await self._listen(port, options)
                log.info("ip ssh port %d rotary %d-%d: listening", port.port, port.low, port.high)
            except OSError as exc:
                log.warning("ip ssh port %d rotary %d: cannot listen: %s", port.port, port.low, exc.strerror or exc)

    def update(self, options: dict[str, Any]) -> None:
        """The main listener's new options, in force for the next connection on every rotary port."""
        for acceptor in self._open.values():
            acceptor.update(**options)

    async def close(self) -> None:
        """Close every rotary listener (the device stops)."""
        for port in list(self._open):
            await self._close(port)

    async def _close(self, port: RotaryPort) -> None:
        acceptor = self._open.pop(port)
        acceptor.close()
        await acceptor.wait_closed()
        log.info("ip ssh port %d rotary %d-%d: closed", port.port, port.low, port.high)
