"""Login decisions through ``aaa authentication login`` method lists, for NETCONF and the device's vty lines.

IOS semantics: the methods of a list are tried in order; a method that *answers* (accept or reject) ends the
search, a method that cannot answer (ERROR: no server reachable, no such database) passes to the next one.
``local`` rejects an unknown user rather than falling through. Without ``aaa new-model`` a vty line logs in with
``login local`` (the user database) or its line password. ``group`` methods ask TACACS+ / RADIUS servers
(:mod:`iosxe_agent.device.aaa.network`); ``enable`` and ``line`` check the enable secret and the vty line's password.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from iosxe_agent.device.aaa.network import NetworkAaa
from iosxe_agent.device.aaa.tacacs import Converse
from iosxe_agent.device.passwords import verify
from iosxe_agent.device.views import AaaView, VtyLine


@dataclass(frozen=True, slots=True)
class LoginResult:
    """Whether a login succeeded, with the exec privilege it grants."""

    ok: bool
    privilege: int = 1
    method: str | None = None  # local, none, enable, line, tacacs+, radius, publickey
    avpairs: tuple[str, ...] = ()  # a RADIUS Access-Accept's Cisco-AVPairs, for exec authorization


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


async def _local(aaa: AaaView, user: str, password: str, *, case_sensitive: bool) -> LoginResult | None:
    method = "local-case" if case_sensitive else "local"
    entry = aaa.user(user, case_sensitive=case_sensitive)
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


async def _method(method: str, aaa: AaaView, request: LoginRequest, network: NetworkAaa | None) -> LoginResult | None:
    """One method's answer, or None for ERROR (try the next method)."""
    user, password = request.user, request.password
    if method in ("local", "local-case"):
        return await _local(aaa, user, password, case_sensitive=method == "local-case")
    if method == "none":
        entry = aaa.user(user, case_sensitive=False)
        return LoginResult(True, entry.privilege if entry else 1, "none")
    if method == "enable":
        return await _stored(aaa.enable_secret, password, "enable")
    if method == "line":
        line = request.line
        return await _stored(line.line_password if line else None, password, "line")
    if method.startswith("group:") and network is not None:
        servers = aaa.group_servers(method.removeprefix("group:"))
        answer = await network.authenticate(
            servers, user, password, converse=request.converse, port=request.port, rem_addr=request.rem_addr
        )
        if answer is None:
            return None
        return LoginResult(answer.accepted, 1, answer.protocol, answer.avpairs)
    return None  # cache and kerberos methods cannot answer on this device


async def check_login(aaa: AaaView, request: LoginRequest, network: NetworkAaa | None = None) -> LoginResult:
    """Authenticate a login on ``request.line`` (None: NETCONF) with the AAA view of running."""
    line = request.line
    if line is not None and not aaa.new_model:
        if line.login_local:
            return await _local(aaa, request.user, request.password, case_sensitive=False) or LoginResult(False)
        # no line password: IOS says "Password required, but none set"
        return await _stored(line.line_password, request.password, "line") or LoginResult(False)
    for method in aaa.login_methods(request.list_name):
        result = await _method(method, aaa, request, network)
        if result is not None:
            return result
    return LoginResult(False)


def exec_privilege(line: VtyLine | None, authenticated: LoginResult) -> int:
    """The exec level a session starts at: the line's ``privilege level``, else what the login granted."""
    if line is not None and line.privilege is not None:
        return line.privilege
    return authenticated.privilege
