"""``ip ssh logging events``: the three ``%SSH-5-…`` messages IOS XE logs for each SSH connection.

From a real IOS XE 17.x router (``show logging``, one failed login then a good one, addresses changed)::

    %SSH-5-SSH2_SESSION: SSH2 Session request from 10.1.1.6 (tty = 0) using crypto cipher 'aes128-ctr', hmac
        'hmac-sha2-256-etm@openssh.com' Succeeded
    %SSH-5-SSH2_USERAUTH: User '' authentication for SSH2 Session from 10.1.1.6 (tty = 0) using crypto cipher
        'aes128-ctr', hmac 'hmac-sha2-256-etm@openssh.com' Failed
    %SSH-5-SSH2_CLOSE: SSH2 Session from 10.1.1.6 (tty = 0) for user '' using crypto cipher 'aes128-ctr', hmac
        'hmac-sha2-256-etm@openssh.com' closed

(each on one line). ``SSH2_SESSION`` comes once the keys are exchanged, when the client starts to authenticate;
``SSH2_USERAUTH`` when authentication ends, ``Succeeded`` or ``Failed``; ``SSH2_CLOSE`` when the connection ends.
``tty`` is the vty line the connection holds. 17.12.1's model defaults ``/native/ip/ssh/logging/events-enable`` to
true, so these are logged unless ``no ip ssh logging events`` is configured
(:attr:`iosxe_agent.device.views.SshView.logging_events`).

Our choices: the user is named in ``SSH2_USERAUTH`` / ``SSH2_CLOSE`` whenever the client gave one (the capture
above shows ``''`` for a client that failed before naming itself, other IOS captures show the name); the cipher
and hmac are the client-to-server ones, and for an AEAD cipher (no separate MAC) the hmac is the cipher's name.

The texts are pure functions; :class:`ConnectionEvents` only remembers, per connection, what has been said, so that
each message is logged once and in IOS's order whatever the SSH server's callbacks do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Crypto:
    """Who and how: the peer's address, the vty number, and the client-to-server cipher and MAC."""

    peer: str
    tty: int
    cipher: str
    mac: str

    def tail(self) -> str:
        """``using crypto cipher 'C', hmac 'M'``."""
        return f"using crypto cipher '{self.cipher}', hmac '{self.mac}'"


def session_request(c: Crypto) -> str:
    """``%SSH-5-SSH2_SESSION``: the key exchange is done and the client starts to authenticate."""
    return f"%SSH-5-SSH2_SESSION: SSH2 Session request from {c.peer} (tty = {c.tty}) {c.tail()} Succeeded"


def user_auth(c: Crypto, user: str, succeeded: bool) -> str:
    """``%SSH-5-SSH2_USERAUTH``: authentication ended, one way or the other."""
    outcome = "Succeeded" if succeeded else "Failed"
    where = f"SSH2 Session from {c.peer} (tty = {c.tty})"
    return f"%SSH-5-SSH2_USERAUTH: User '{user}' authentication for {where} {c.tail()} {outcome}"


def session_closed(c: Crypto, user: str) -> str:
    """``%SSH-5-SSH2_CLOSE``: the connection is gone."""
    return f"%SSH-5-SSH2_CLOSE: SSH2 Session from {c.peer} (tty = {c.tty}) for user '{user}' {c.tail()} closed"


class ConnectionEvents:
    """The messages of one connection, each logged once, in order, and only while ``enabled()`` says so."""

    def __init__(self, emit: Callable[[str], None], enabled: Callable[[], bool]) -> None:
        self._emit = emit
        self._enabled = enabled
        self._crypto: Crypto | None = None
        self._user = ""
        self._authenticated = False

    def _log(self, text: str) -> None:
        if self._enabled():
            self._emit(text)

    def requested(self, crypto: Crypto) -> None:
        """The client starts to authenticate (the first time only: a client asks once per method it tries)."""
        if self._crypto is None:
            self._crypto = crypto
            self._log(session_request(crypto))

    def attempted(self, user: str) -> None:
        """The user name the client authenticates as (for the messages that name it)."""
        self._user = user

    def succeeded(self) -> None:
        """Authentication succeeded."""
        if self._crypto is not None and not self._authenticated:
            self._authenticated = True
            self._log(user_auth(self._crypto, self._user, True))

    def closed(self) -> None:
        """The connection ended: a connection that never authenticated failed to."""
        if self._crypto is None:
            return  # no session was requested: nothing was said about it, nothing to close
        if not self._authenticated:
            self._log(user_auth(self._crypto, self._user, False))
        self._log(session_closed(self._crypto, self._user))
        self._crypto = None


def crypto_of(extra_info: Callable[[str], object], peer: str | None, line: str | None) -> Crypto:
    """The :class:`Crypto` of a connection from its ``get_extra_info`` and the vty line it holds (``vty 3``)."""
    tty = int(line.rsplit(" ", 1)[-1]) if line else 0
    return Crypto(peer or "", tty, str(extra_info("recv_cipher") or ""), str(extra_info("recv_mac") or ""))
