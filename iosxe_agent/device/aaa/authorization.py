"""``aaa authorization exec``: the privilege an authenticated session starts at, or its refusal.

Without an exec authorization list IOS grants what the login gave: the user's local ``privilege`` for local
logins, level 1 for server logins (a TACACS+ or RADIUS ``priv-lvl`` only counts when exec authorization asks for
it), unless the vty line sets ``privilege level``. With a list, its methods are tried in order as for
authentication: a server that answers PASS grants its ``priv-lvl`` (the line's level, else 1, when it sends
none), FAIL refuses the session, and only an unreachable server passes to the next method. ``group radius`` has
no exchange of its own: it answers with the attributes of the RADIUS Access-Accept that authenticated the login,
and errors for a login RADIUS did not authenticate. NETCONF sessions are authorized the same way and then need
level 15, as on IOS XE.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from iosxe_agent.datastore.store import Stores
from iosxe_agent.device import views
from iosxe_agent.device.aaa.login import LoginRequest, LoginResult, check_login, exec_privilege
from iosxe_agent.device.aaa.network import NetworkAaa
from iosxe_agent.device.aaa.radius import privilege_of
from iosxe_agent.device.aaa.tacacs import TacacsServer
from iosxe_agent.device.views import AaaView, VtyLine

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ExecGrant:
    """Whether an exec session may start, and at which level."""

    allowed: bool
    privilege: int = 1
    method: str | None = None


async def _group(
    group: str,
    aaa: AaaView,
    login: LoginResult,
    request: LoginRequest,
    network: NetworkAaa,
    default: int,
) -> ExecGrant | None:
    servers = aaa.group_servers(group)
    if any(isinstance(s, TacacsServer) for s in servers):
        answer = await network.authorize_exec(servers, request.user, port=request.port, rem_addr=request.rem_addr)
        if answer is not None:
            granted, level = answer
            return ExecGrant(granted, min(level, 15) if level is not None else default, "tacacs+")
    if login.method == "radius" and any(not isinstance(s, TacacsServer) for s in servers):
        level = privilege_of(login.avpairs)
        return ExecGrant(True, level if level is not None else default, "radius")
    return None


async def authorize_exec(
    aaa: AaaView,
    login: LoginResult,
    request: LoginRequest,
    network: NetworkAaa,
    list_name: str = "default",
) -> ExecGrant:
    """Decide the exec level of an authenticated ``request.user`` (``request.line`` None: NETCONF)."""
    line: VtyLine | None = request.line
    base = exec_privilege(line, login)
    methods = aaa.authorization_exec(list_name)
    if methods is None:
        return ExecGrant(True, base, None)
    default = line.privilege if line is not None and line.privilege is not None else 1
    for method in methods.methods:
        grant: ExecGrant | None = None
        if method.startswith("group:"):
            grant = await _group(method.removeprefix("group:"), aaa, login, request, network, default)
        elif method == "local":
            entry = aaa.user(request.user, case_sensitive=False)
            level = entry.privilege if entry else 1
            grant = ExecGrant(entry is not None, default if line and line.privilege is not None else level, "local")
        elif method in ("if-authenticated", "none"):
            grant = ExecGrant(True, base, method)
        if grant is not None:
            return grant
    log.info("exec authorization of %r: no method answered", request.user)
    return ExecGrant(False)


class Login:
    """The NETCONF authenticator: the default login and exec authorization lists, level 15 required."""

    def __init__(self, stores: Stores, network: NetworkAaa, required_privilege: int = 15) -> None:
        self._stores = stores
        self._network = network
        self._required = required_privilege

    async def authenticate(self, user: str, password: str, peer: str | None) -> bool:
        """True when the login list accepts ``user``/``password`` and authorization grants the required level."""
        aaa = views.aaa(self._stores.running)
        request = LoginRequest(user, password, port="netconf", rem_addr=peer or "")
        result = await check_login(aaa, request, self._network)
        if not result.ok:
            return False
        grant = await authorize_exec(aaa, result, request, self._network)
        if not grant.allowed or grant.privilege < self._required:
            log.info("NETCONF login of %r refused: exec level %d < %d", user, grant.privilege, self._required)
            return False
        return True
