"""Login decisions through ``aaa authentication login`` method lists, for NETCONF and the device's vty lines.

IOS semantics: the methods of a list are tried in order; a method that *answers* (accept or reject) ends the
search, a method that cannot answer (ERROR: no server reachable, no such database) passes to the next one.
``local`` rejects an unknown user rather than falling through. Without ``aaa new-model`` a vty line logs in with
``login local`` (the user database) or its line password. ``group`` methods ask TACACS+ / RADIUS servers
(:mod:`agent.device.aaa.network`); ``enable`` and ``line`` check the enable secret and the vty line's password.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from lxml import etree

from agent.device.aaa.network import NetworkAaa
from agent.device.aaa.servers import group_servers, slot_methods
from agent.device.aaa.tacacs import Converse
from agent.device.names import a, n
from agent.device.passwords import verify
from agent.device.ssh_policy import VtyLine


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
    method: str | None = None  # local, none, enable, line, tacacs+, radius, publickey
    avpairs: tuple[str, ...] = ()  # a RADIUS Access-Accept's Cisco-AVPairs, for exec authorization


def local_user(running: etree._Element, name: str, *, case_sensitive: bool = True) -> LocalUser | None:
    """The ``username`` entry for ``name`` (IOS ``local`` matches names case-insensitively, ``local-case`` not)."""
    wanted = name if case_sensitive else name.casefold()
    for entry in running.iterfind(f"{n('native')}/{n('username')}"):
        stored = entry.findtext(n("name")) or ""
        if (stored if case_sensitive else stored.casefold()) == wanted:
            return _local_user_of(entry)
    return None


def local_users(running: etree._Element) -> list[LocalUser]:
    """Every ``username`` entry, in stored order (for questions about all users at once, read in one pass)."""
    return [_local_user_of(entry) for entry in running.iterfind(f"{n('native')}/{n('username')}")]


def _local_user_of(entry: etree._Element) -> LocalUser:
    stored = entry.findtext(n("name")) or ""
    privilege = int(entry.findtext(n("privilege")) or "1")
    secret = entry.find(n("secret"))
    password = entry.find(n("password"))
    if secret is not None:
        return LocalUser(stored, privilege, secret.findtext(n("encryption")), secret.findtext(n("secret")))
    if password is not None:
        encryption = password.findtext(n("encryption")) or "0"
        return LocalUser(stored, privilege, encryption, password.findtext(n("password")))
    return LocalUser(stored, privilege, None, None)


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
        if login.findtext(a("name")) == list_name:
            return list(slot_methods(login, ("a1", "a2", "a3", "a4"))) or ["local"]
    return ["local"]


def enable_secret(running: etree._Element) -> tuple[str, str] | None:
    """``enable secret`` (preferred) or ``enable password`` of running, as (type, stored)."""
    enable = running.find(f"{n('native')}/{n('enable')}")
    if enable is None:
        return None
    for holder in (enable.find(n("secret")), enable.find(n("password"))):
        if holder is not None and holder.findtext(n("secret")):
            return holder.findtext(n("type")) or "0", holder.findtext(n("secret")) or ""
    return None


@dataclass(frozen=True, slots=True)
class LoginRequest:
    """Who is logging in, from where, and how to ask them more (a TACACS+ password change)."""

    user: str
    password: str
    line: VtyLine | None = None  # None: NETCONF
    list_name: str = "default"
    port: str = "tty0"  # the TACACS+ port / RADIUS NAS-Port name
    rem_addr: str = ""
    converse: Converse | None = None


async def _local(running: etree._Element, user: str, password: str, *, case_sensitive: bool) -> LoginResult | None:
    method = "local-case" if case_sensitive else "local"
    entry = local_user(running, user, case_sensitive=case_sensitive)
    if entry is None or entry.stored is None or entry.encryption is None:
        return LoginResult(False, method=method)
    ok = await asyncio.to_thread(verify, entry.encryption, entry.stored, password)
    return LoginResult(ok, entry.privilege, method)


async def _stored(secret: tuple[str, str] | None, password: str, method: str) -> LoginResult | None:
    """``enable`` / ``line``: a configured password answers; none configured is an ERROR (next method)."""
    if secret is None:
        return None
    ok = await asyncio.to_thread(verify, secret[0], secret[1], password)
    return LoginResult(ok, 1, method)


async def _method(
    method: str, running: etree._Element, request: LoginRequest, network: NetworkAaa | None
) -> LoginResult | None:
    """One method's answer, or None for ERROR (try the next method)."""
    user, password = request.user, request.password
    if method in ("local", "local-case"):
        return await _local(running, user, password, case_sensitive=method == "local-case")
    if method == "none":
        entry = local_user(running, user, case_sensitive=False)
        return LoginResult(True, entry.privilege if entry else 1, "none")
    if method == "enable":
        return await _stored(enable_secret(running), password, "enable")
    if method == "line":
        line = request.line
        return await _stored(line.line_password if line else None, password, "line")
    if method.startswith("group:") and network is not None:
        servers = group_servers(running, method.removeprefix("group:"))
        answer = await network.authenticate(
            servers, user, password, converse=request.converse, port=request.port, rem_addr=request.rem_addr
        )
        if answer is None:
            return None
        return LoginResult(answer.accepted, 1, answer.protocol, answer.avpairs)
    return None  # cache and kerberos methods cannot answer on this device


async def check_login(running: etree._Element, request: LoginRequest, network: NetworkAaa | None = None) -> LoginResult:
    """Authenticate a login on ``request.line`` (None: NETCONF) with the running configuration."""
    line = request.line
    if line is not None and not aaa_new_model(running):
        if line.login_local:
            return await _local(running, request.user, request.password, case_sensitive=False) or LoginResult(False)
        # no line password: IOS says "Password required, but none set"
        return await _stored(line.line_password, request.password, "line") or LoginResult(False)
    for method in login_methods(running, request.list_name):
        result = await _method(method, running, request, network)
        if result is not None:
            return result
    return LoginResult(False)


def exec_privilege(running: etree._Element, user: str, line: VtyLine | None, authenticated: LoginResult) -> int:
    """The exec level a session starts at: the line's ``privilege level``, else what the login granted."""
    if line is not None and line.privilege is not None:
        return line.privilege
    return authenticated.privilege
