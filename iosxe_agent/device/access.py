"""Who can open a NETCONF session under a configuration, decided from the configuration alone (pure).

A configuration can be saved in which nobody can log in any more (every user deleted, the login list pointed at
``enable`` with no enable secret, exec authorization refusing everyone …). The agent says so at start-up, and
``--recover-admin`` uses the same answer to know whether its user needs a login path repaired. This is the
static reading of what :class:`iosxe_agent.device.aaa.authorization.Login` does at run time: the ``default`` login
list (``local`` / ``local-case`` answer from the user database, ``none`` accepts, ``enable`` answers only when an
enable secret exists, ``line`` cannot answer for NETCONF, a ``group`` without servers cannot answer), then the
``default`` exec authorization list, and level 15. A ``group`` method with servers makes the answer depend on
those servers, which cannot be known offline.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from lxml import etree

from iosxe_agent.device import views
from iosxe_agent.device.aaa.tacacs import TacacsServer
from iosxe_agent.device.views import AaaView
from iosxe_agent.device.views.aaa_view import namesakes_of_privileged, read_aaa, users_of

NETCONF_PRIVILEGE = 15
#: how many users, in configuration order, :func:`netconf_access` reads for one of them to get past the login list
FIRST_USERS = 16


@dataclass(frozen=True, slots=True)
class NetconfAccess:
    """``admins``: local users who open a NETCONF session with their own password (or any, with ``none``);
    ``servers``: the login or authorization methods whose AAA servers decide as well (empty: nothing depends
    on a server); ``methods``: the default login list as IOS writes it (for messages)."""

    admins: tuple[str, ...]
    servers: tuple[str, ...]
    methods: str

    @property
    def locked_out(self) -> bool:
        """True when certainly nobody can open a NETCONF session."""
        return not self.admins and not self.servers


def ios_methods(methods: list[str] | tuple[str, ...]) -> str:
    """``group:TACG``, ``local`` as IOS writes them: ``group TACG local``."""
    return " ".join(m.replace(":", " ", 1) for m in methods)


def _login(aaa: AaaView, user: str) -> tuple[str, int] | None:
    """The method that lets ``user`` in with their own password and the level it grants, None when refused."""
    entry = aaa.user(user, case_sensitive=False)
    for method in aaa.login_methods():
        if method.startswith("group:"):
            continue  # without servers a group cannot answer; when they are down the next method answers
        if method in ("local", "local-case"):
            exact = aaa.user(user) if method == "local-case" else entry
            if exact is None or exact.stored is None or exact.encryption is None:
                return None
            return method, exact.privilege
        if method == "none":
            return method, entry.privilege if entry else 1
        if method == "enable" and aaa.enable_secret is not None:
            return None  # answers with the enable secret, not the user's own password
    return None


def _authorized(aaa: AaaView, user: str, login_level: int, servers: list[str]) -> int | None:
    """The exec level ``aaa authorization exec default`` grants, None when it refuses; TACACS+ methods that could
    answer first are added to ``servers``."""
    authorization = aaa.authorization_exec()
    if authorization is None:
        return login_level
    for method in authorization.methods:
        if method.startswith("group:"):
            if any(isinstance(s, TacacsServer) for s in aaa.group_servers(method.removeprefix("group:"))):
                servers.append(method)
            continue  # RADIUS answers only for RADIUS logins; an unreachable TACACS+ server passes on
        if method == "local":
            entry = aaa.user(user, case_sensitive=False)
            return entry.privilege if entry is not None else None
        if method in ("if-authenticated", "none"):
            return login_level
    return None


def _can_open(aaa: AaaView, user: str, servers: list[str]) -> bool:
    login = _login(aaa, user)
    if login is None:
        return False
    level = _authorized(aaa, user, login[1], servers)
    return level is not None and level >= NETCONF_PRIVILEGE


def can_open_netconf(running: etree._Element, user: str) -> bool:
    """True when ``user`` opens a NETCONF session with their own password when no AAA server answers."""
    return _can_open(views.aaa(running), user, [])


def netconf_access(running: etree._Element) -> NetconfAccess:
    """Which local users can open a NETCONF session, and which server methods could let others in.

    Asked once, at start-up, of a configuration nobody logged in to yet: reading every user for it (half a second
    for 100,000) would delay the start for users the answer does not depend on. :func:`access_of` asks about
    users in order until one gets past the login list, then only about those who share a case-folded name with a
    privilege-15 user (and looks names up among those alone): a view of the first :data:`FIRST_USERS` users and
    those namesakes gives its answer whenever one of the first gets past the login list; otherwise (few
    configurations: nobody at all can log in locally) the whole view is read."""
    head = list(itertools.islice(users_of(running), FIRST_USERS))
    if len(head) < FIRST_USERS:
        return access_of(views.aaa(running))
    first = set(head)
    chosen = [*head, *(e for e in namesakes_of_privileged(running, NETCONF_PRIVILEGE) if e not in first)]
    aaa = read_aaa(running, chosen)
    if any(_login(aaa, user.name) is not None for user in aaa.users[:FIRST_USERS]):
        return access_of(aaa)
    return access_of(views.aaa(running))


def access_of(aaa: AaaView) -> NetconfAccess:
    """:func:`netconf_access` of an AAA view, asking about each user only when the answer can be yes.

    Every exec level the two lists can grant a user is the privilege of a ``username`` entry with the same
    case-folded name (``local``, ``local-case``, ``none`` with an entry) or 1 (``none`` without one), so a user
    without a privilege-15 namesake is never an admin. Such a user is still asked about until one user has got
    past the login list: the authorization list, read then, names the TACACS+ groups that decide (the same for
    every user). With 100,000 users of privilege 1 this asks once instead of 100,000 times.
    """
    login = aaa.login_methods()
    # login methods with servers decide for every user, server-only users (no local entry) included
    servers = [m for m in login if m.startswith("group:") and aaa.group_servers(m.removeprefix("group:"))]
    strong = {u.name.casefold() for u in aaa.users if u.privilege >= NETCONF_PRIVILEGE}
    admins: list[str] = []
    authorization_read = False
    for u in aaa.users:
        if authorization_read and u.name.casefold() not in strong:
            continue
        granted = _login(aaa, u.name)
        if granted is None:
            continue
        authorization_read = True
        level = _authorized(aaa, u.name, granted[1], servers)
        if level is not None and level >= NETCONF_PRIVILEGE:
            admins.append(u.name)
    return NetconfAccess(tuple(admins), tuple(dict.fromkeys(servers)), ios_methods(login))


def startup_report(
    access: NetconfAccess, *, first_start: bool, user: str, generated: str | None, source: str | None
) -> list[str]:
    """What the start-up output says about credentials: the truth about which ones apply.

    On a first start the admin user was just created (with a generated password, shown once, or the given one);
    on every later start the stored configuration decides and a given password is not used. Either way the
    report ends with who can open a NETCONF session, and warns (pointing at ``--recover-admin``) when nobody can.
    """
    lines: list[str] = []
    if first_start and generated:
        lines.append(f"first start: admin user {user!r}, password {generated!r}")
        lines.append("(shown once; it is stored only as a type-9 hash)")
    elif first_start:
        lines.append(f"first start: admin user {user!r} created with the password from {source}")
    else:
        lines.append("the stored configuration decides who may log in")
        if source:
            lines.append(f"the password from {source} is not used: it only applies to a first start")
    if access.admins:
        lines.append(f"NETCONF logins (privilege 15, local): {', '.join(access.admins)}")
    if access.servers:
        lines.append(f"NETCONF logins also through the AAA servers of {', '.join(access.servers)}")
    if access.locked_out:
        lines.append(
            "WARNING: no user in the configuration can open a NETCONF session (no privilege-15 local user"
            f" reachable by 'aaa authentication login default {access.methods}');"
            " stop the agent and run: iosxe-agent --recover-admin [USER]"
        )
    return lines
