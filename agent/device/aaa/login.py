"""Login decisions through ``aaa authentication login`` method lists, for NETCONF and the device's vty lines.

IOS semantics: the methods of a list are tried in order; a method that *answers* (accept or reject) ends the
search, a method that cannot answer (ERROR: no server reachable, no such database) passes to the next one.
``local`` rejects an unknown user rather than falling through. Without ``aaa new-model`` a vty line logs in with
``login local`` (the user database) or its line password. NETCONF only admits privilege-15 users.
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
from agent.device.ssh_policy import VtyLine

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


@dataclass(frozen=True, slots=True)
class LoginResult:
    """Whether a login succeeded, with the exec privilege it grants."""

    ok: bool
    privilege: int = 1
    method: str | None = None


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
            return LocalUser(stored, privilege, secret.findtext(n("encryption")), secret.findtext(n("secret")))
        if password is not None:
            encryption = password.findtext(n("encryption")) or "0"
            return LocalUser(stored, privilege, encryption, password.findtext(n("password")))
        return LocalUser(stored, privilege, None, None)
    return None


def aaa_new_model(running: etree._Element) -> bool:
    """True when ``aaa new-model`` is configured."""
    return running.find(f"{n('native')}/{n('aaa')}/{a('new-model')}") is not None


def login_methods(running: etree._Element, list_name: str = "default") -> list[str]:
    """The methods (``local``, ``local-case``, ``none``, ``group:NAME`` …) of ``aaa authentication login LIST``.

    An undefined list (or no ``aaa new-model``) falls back to the local user database, as IOS does.
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


async def _local(running: etree._Element, user: str, password: str, *, case_sensitive: bool) -> LoginResult | None:
    entry = local_user(running, user, case_sensitive=case_sensitive)
    if entry is None or entry.stored is None or entry.encryption is None:
        return LoginResult(False)
    ok = await asyncio.to_thread(verify, entry.encryption, entry.stored, password)
    return LoginResult(ok, entry.privilege, "local")


async def _method(method: str, running: etree._Element, user: str, password: str) -> LoginResult | None:
    """One method's answer, or None for ERROR (try the next method)."""
    if method in ("local", "local-case"):
        return await _local(running, user, password, case_sensitive=method == "local-case")
    if method == "none":
        entry = local_user(running, user, case_sensitive=False)
        return LoginResult(True, entry.privilege if entry else 1, "none")
    return None  # group/cache/enable/line methods answer once their servers are implemented


async def check_login(
    running: etree._Element, user: str, password: str, *, list_name: str = "default", line: VtyLine | None = None
) -> LoginResult:
    """Authenticate ``user`` as a login on ``line`` (None: NETCONF) with the running configuration."""
    if line is not None and not aaa_new_model(running):
        if line.login_local:
            return await _local(running, user, password, case_sensitive=False) or LoginResult(False)
        if line.line_password is not None:
            kind, stored = line.line_password
            ok = await asyncio.to_thread(verify, kind, stored, password)
            return LoginResult(ok, 1, "line")
        return LoginResult(False)  # IOS: "Password required, but none set"
    for method in login_methods(running, list_name):
        result = await _method(method, running, user, password)
        if result is not None:
            return result
    return LoginResult(False)


def exec_privilege(running: etree._Element, user: str, line: VtyLine | None, authenticated: LoginResult) -> int:
    """The exec level a session starts at: the line's ``privilege level``, else what the login granted."""
    if line is not None and line.privilege is not None:
        return line.privilege
    return authenticated.privilege


class Login:
    """The NETCONF authenticator: the default login list, privilege 15 required, live configuration."""

    def __init__(self, stores: Stores, required_privilege: int = 15) -> None:
        self._stores = stores
        self._required = required_privilege

    async def authenticate(self, user: str, password: str, peer: str | None) -> bool:
        """True when the login list accepts ``user``/``password`` and the user has the required privilege."""
        result = await check_login(self._stores.running, user, password)
        if result.ok and result.privilege < self._required:
            log.info("NETCONF login of %r refused: privilege %d < %d", user, result.privilege, self._required)
            return False
        return result.ok
