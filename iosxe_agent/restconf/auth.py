"""Who may use RESTCONF: HTTP Basic credentials checked as IOS XE's HTTP server checks them, privilege 15.

``ip http authentication local``: the local user database only (``username … privilege 15 secret …``).
Otherwise (``aaa``, or nothing configured with ``aaa new-model``): the ``aaa authentication login default`` list
and exec authorization, the very :class:`~iosxe_agent.device.aaa.authorization.Login` NETCONF uses, so TACACS+ and
RADIUS users get in exactly when they would get a NETCONF session. Either way level 15 is required, as on IOS XE.

Basic authentication sends the password with every request, and a type-9 (scrypt) check costs tens of
milliseconds: an accepted login is remembered for :data:`CACHE_S` seconds, keyed by a keyed hash of user and
password (never the password itself), and only while the AAA and RESTCONF configuration it was decided under
are unchanged. Refusals are never remembered, so a password guesser pays the full check each time.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
import os
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from lxml import etree

from iosxe_agent.device import views
from iosxe_agent.device.passwords import verify

#: how long an accepted login is remembered, and for how many user/password pairs at most
CACHE_S = 60.0
CACHE_ENTRIES = 256
REQUIRED_PRIVILEGE = 15


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """User and password of an ``Authorization: Basic …`` header (None when absent or malformed). Pure."""
    if not header:
        return None
    scheme, _, encoded = header.strip().partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        return None
    try:
        text = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = text.partition(":")
    return (user, password) if sep and user else None


class RestconfLogin:
    """Decides each request's credentials against the running configuration of the moment."""

    def __init__(
        self,
        running: Callable[[], etree._Element],
        aaa_login: Callable[[str, str, str | None], Awaitable[bool]],
    ) -> None:
        self._running = running
        self._aaa_login = aaa_login
        self._key = os.urandom(32)
        self._accepted: OrderedDict[bytes, tuple[float, object]] = OrderedDict()

    def _state(self) -> object:
        """What a login decision depends on: the AAA and RESTCONF views (compared by value)."""
        running = self._running()
        return (views.aaa(running), views.restconf(running))

    async def authenticate(self, user: str, password: str, peer: str | None) -> bool:
        """True when ``user`` may use RESTCONF with ``password``."""
        digest = hmac.new(self._key, f"{user}\0{password}".encode(), hashlib.sha256).digest()
        state = self._state()
        hit = self._accepted.get(digest)
        now = time.monotonic()
        if hit is not None and hit[0] > now and hit[1] == state:
            return True
        self._accepted.pop(digest, None)
        if not await self._decide(user, password, peer):
            return False
        self._accepted[digest] = (now + CACHE_S, state)
        while len(self._accepted) > CACHE_ENTRIES:
            self._accepted.popitem(last=False)
        return True

    async def _decide(self, user: str, password: str, peer: str | None) -> bool:
        running = self._running()
        if not views.restconf(running).local_authentication:
            return await self._aaa_login(user, password, peer)
        entry = views.aaa(running).user(user, case_sensitive=False)
        if entry is None or entry.stored is None or entry.encryption is None:
            return False
        if not await asyncio.to_thread(verify, entry.encryption, entry.stored, password):
            return False
        return entry.privilege >= REQUIRED_PRIVILEGE
