"""Login decisions through ``aaa authentication login`` method lists, for NETCONF and (later) the CLI.

IOS semantics: the methods of a list are tried in order; a method that *answers* (accept or reject) ends the
search, a method that cannot answer (ERROR: no server reachable, no user database) passes to the next one.
``local`` rejects an unknown user rather than falling through. NETCONF only admits privilege-15 users.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from dataclasses import dataclass

from lxml import etree

from agent.datastore.store import Stores
from agent.device.names import a, n
from agent.device.passwords import verify

log = logging.getLogger(__name__)


class Verdict(enum.Enum):
    """The outcome of one method."""

    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class LocalUser:
    """A ``username`` entry, as authentication needs it."""

    name: str
    privilege: int
    encryption: str | None
    stored: str | None


def local_user(running: etree._Element, name: str, *, case_sensitive: bool = True) -> LocalUser | None:
    """The ``username`` entry for ``name`` (IOS ``local`` matches names case-insensitively, ``local-case`` not)."""
    wanted = name if case_sensitive else name.casefold()
    for entry in running.iterfind(f"{n('native')}/{n('username')}"):
        stored = entry.findtext(n("name")) or ""
        if (stored if case_sensitive else stored.casefold()) != wanted:
            continue
        privilege = int(entry.findtext(n("privilege")) or "1")
        secret = entry.find(n("secret"))
        password = entry.find(n("password"))
        if secret is not None:
            return LocalUser(name, privilege, secret.findtext(n("encryption")), secret.findtext(n("secret")))
        if password is not None:
            return LocalUser(
                name, privilege, password.findtext(n("encryption")) or "0", password.findtext(n("password"))
            )
        return LocalUser(name, privilege, None, None)
    return None


def login_methods(running: etree._Element, list_name: str = "default") -> list[str]:
    """The method names (``local``, ``none``, ``group:NAME`` …) of ``aaa authentication login LIST``.

    Without ``aaa new-model`` or without the list, IOS XE's NETCONF falls back to the local user database.
    """
    aaa = running.find(f"{n('native')}/{n('aaa')}")
    if aaa is None or aaa.find(a("new-model")) is None:
        return ["local"]
    for login in aaa.iterfind(f"{a('authentication')}/{a('login')}"):
        if login.findtext(a("name")) != list_name:
            continue
        methods = []
        for slot in ("a1", "a2", "a3", "a4"):
            holder = login.find(a(slot))
            if holder is None or len(holder) == 0:
                continue
            method = holder[0]
            local = etree.QName(method).localname
            methods.append(f"{local}:{(method.text or '').strip()}" if local in ("group", "cache") else local)
        return methods or ["local"]
    return ["local"]


class Login:
    """The authenticator the NETCONF server asks; reads the live running configuration on every attempt."""

    def __init__(self, stores: Stores, required_privilege: int = 15) -> None:
        self._stores = stores
        self._required = required_privilege

    async def authenticate(self, user: str, password: str, peer: str | None) -> bool:
        """True when the login list accepts ``user``/``password`` and the user has the required privilege."""
        running = self._stores.running
        for method in login_methods(running):
            verdict, privilege = await self._try(method, running, user, password)
            if verdict is Verdict.ERROR:
                continue
            if verdict is Verdict.FAIL:
                return False
            if privilege < self._required:
                log.info("login of %r refused: privilege %d < %d", user, privilege, self._required)
                return False
            return True
        return False

    async def _try(self, method: str, running: etree._Element, user: str, password: str) -> tuple[Verdict, int]:
        if method in ("local", "local-case"):
            entry = local_user(running, user, case_sensitive=method == "local-case")
            if entry is None or entry.stored is None or entry.encryption is None:
                return Verdict.FAIL, 0
            ok = await asyncio.to_thread(verify, entry.encryption, entry.stored, password)
            return (Verdict.PASS if ok else Verdict.FAIL), entry.privilege
        if method == "none":
            entry = local_user(running, user)
            return Verdict.PASS, entry.privilege if entry else 1
        return Verdict.ERROR, 0  # group/cache/enable/line methods answer once their servers are implemented
