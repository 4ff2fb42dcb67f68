"""``access_of`` (iosxe_agent/device/access.py) skips users who cannot be admins: proven equal, on random AAA
configurations, to asking about every user with the per-user rule ``can_open_netconf`` uses."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from hypothesis import given, settings
from hypothesis import strategies as st

from iosxe_agent.device import access
from iosxe_agent.device.aaa.radius import RadiusServer
from iosxe_agent.device.aaa.tacacs import TacacsServer
from iosxe_agent.device.access import NetconfAccess, access_of, ios_methods
from iosxe_agent.device.views import AaaView, LocalUser, MethodList
from iosxe_agent.device.views.aaa_view import AaaServer

GROUPS: Mapping[str, tuple[AaaServer, ...]] = MappingProxyType(
    {
        "TACG": (TacacsServer("T1", "127.0.0.1"),),
        "RADG": (RadiusServer("R1", "127.0.0.1"),),
        "MIXED": (RadiusServer("R1", "127.0.0.1"), TacacsServer("T1", "127.0.0.1")),
        "EMPTY": (),
    }
)
GROUP_METHODS = ["group:TACG", "group:RADG", "group:MIXED", "group:EMPTY", "group:NOSUCH"]
LOGIN_METHODS = ["local", "local-case", "none", "enable", "line", *GROUP_METHODS]
EXEC_METHODS = ["local", "if-authenticated", "none", *GROUP_METHODS]


def every_user(aaa: AaaView) -> NetconfAccess:
    """The answer asked of every user in turn (the rule of one user, :func:`access.can_open_netconf`'s)."""
    login = aaa.login_methods()
    servers = [m for m in login if m.startswith("group:") and aaa.group_servers(m.removeprefix("group:"))]
    admins = tuple(u.name for u in aaa.users if access._can_open(aaa, u.name, servers))
    return NetconfAccess(admins, tuple(dict.fromkeys(servers)), ios_methods(login))


def view(
    users: list[LocalUser],
    *,
    new_model: bool = True,
    login: tuple[str, ...] | None = None,
    authorization: tuple[str, ...] | None = None,
    enable_secret: bool = False,
) -> AaaView:
    """An AAA view as ``read_aaa`` builds one (the first of names alike wins the look-ups)."""
    return AaaView(
        new_model=new_model,
        users=tuple(users),
        enable_secret=("9", "$9$stored") if enable_secret else None,
        login_lists=MappingProxyType({} if login is None else {"default": login}),
        exec_lists=MappingProxyType({} if authorization is None else {"default": MethodList("default", authorization)}),
        groups=GROUPS,
        _exact=MappingProxyType({u.name: u for u in reversed(users)}),
        _folded=MappingProxyType({u.name.casefold(): u for u in reversed(users)}),
    )


users_st = st.lists(
    st.builds(
        LocalUser,
        name=st.sampled_from(["admin", "Admin", "ADMIN", "ops", "Ops", "guest"]),
        privilege=st.sampled_from([0, 1, 7, 14, 15]),
        encryption=st.sampled_from([None, "0", "9"]),
        stored=st.sampled_from([None, "$9$stored"]),
    ),
    max_size=8,
)
methods = st.lists(st.sampled_from(LOGIN_METHODS), min_size=1, max_size=4).map(tuple)
exec_methods = st.lists(st.sampled_from(EXEC_METHODS), min_size=1, max_size=4).map(tuple)


@settings(max_examples=600, deadline=None)
@given(
    users=users_st,
    new_model=st.booleans(),
    login=st.none() | methods,
    authorization=st.none() | exec_methods,
    enable_secret=st.booleans(),
)
def test_skipping_users_gives_the_answer_of_asking_each(
    users: list[LocalUser],
    new_model: bool,
    login: tuple[str, ...] | None,
    authorization: tuple[str, ...] | None,
    enable_secret: bool,
) -> None:
    aaa = view(users, new_model=new_model, login=login, authorization=authorization, enable_secret=enable_secret)
    assert access_of(aaa) == every_user(aaa)


def test_many_weak_users_and_the_servers_authorization_names() -> None:
    weak = [LocalUser(f"user{i}", 1, "9", "$9$stored") for i in range(500)]
    strong = LocalUser("Admin", 15, "9", "$9$stored")
    for users in ([*weak, strong], [strong, *weak], weak):
        aaa = view(users, login=("local",), authorization=("group:TACG", "local"))
        assert access_of(aaa) == every_user(aaa)
        assert access_of(aaa).servers == ("group:TACG",)  # named though no weak user can be an admin
    aaa = view([*weak, strong], login=("line", "local"), authorization=("none",))
    assert access_of(aaa).admins == ("Admin",)
    case_twin = view([LocalUser("admin", 1, "9", "$9$stored"), strong], login=("local",))
    assert access_of(case_twin) == every_user(case_twin)  # "admin" logs in as the first of its folded name
