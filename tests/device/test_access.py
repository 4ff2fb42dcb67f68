"""Who can open a NETCONF session, read from the configuration alone (iosxe_agent/device/access.py), checked against
the run-time authenticator it mirrors, and the recovery edit (iosxe_agent/device/recovery.py) on in-memory stores."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from lxml import etree
from namespaces import AAA, IOS, NC

from iosxe_agent.datastore.store import RUNNING, StorePaths, Stores
from iosxe_agent.datastore.transaction import SYSTEM
from iosxe_agent.device.aaa.authorization import Login
from iosxe_agent.device.aaa.network import NetworkAaa
from iosxe_agent.device.access import can_open_netconf, netconf_access, startup_report
from iosxe_agent.device.bootstrap import bootstrap_config
from iosxe_agent.device.names import MODULES
from iosxe_agent.device.recovery import RecoveryError, recover_admin, recover_tree
from iosxe_agent.device.secrets import hash_clear_secrets
from iosxe_agent.limits import DEFAULT_LIMITS
from iosxe_agent.serve import yang_dir
from iosxe_agent.yang.loader import default_search_path, load_schema
from iosxe_agent.yang.schema import Schema

PW, OPS_PW = "Adm1n-pass", "0ps-pass"
OPS = "<username><name>ops</name><privilege>1</privilege><secret><encryption>0</encryption><secret>0ps-pass</secret></secret></username>"  # noqa: E501
TAC = (
    f'<aaa><group xmlns="{AAA}"><server><tacacsplus><name>TACG</name><server><name><name>T1</name></name></server>'
    f'</tacacsplus></server></group></aaa><tacacs><server xmlns="{AAA}"><name>T1</name>'
    "<address><ipv4>127.0.0.1</ipv4></address><port>9</port><timeout>1</timeout></server></tacacs>"
)


@cache
def schema() -> Schema:
    return load_schema(default_search_path(yang_dir()), MODULES)


def config(body: str) -> etree._Element:
    return etree.fromstring(f'<config xmlns="{NC}" xmlns:nc="{NC}"><native xmlns="{IOS}">{body}</native></config>')


def aaa_list(kind: str, methods: str) -> str:
    holder = "authentication" if kind == "login" else "authorization"
    return f'<aaa><{holder} xmlns="{AAA}"><{kind} nc:operation="replace"><name>default</name>{methods}</{kind}></{holder}></aaa>'  # noqa: E501


async def stores_with(*edits: str) -> Stores:
    """The bootstrap configuration (user admin, privilege 15) plus ``edits``, in memory."""
    stores = Stores(schema(), DEFAULT_LIMITS, StorePaths(None, None))
    stores.normalize_with(hash_clear_secrets)
    stores.load(lambda: bootstrap_config("admin", PW))
    for body in edits:
        await stores.edit(RUNNING, config(body), SYSTEM)
    return stores


CASES = {
    "bootstrap": ((OPS,), {"admin"}),
    "login none": ((OPS, aaa_list("login", "<a1><none/></a1>")), {"admin"}),
    "login line": ((OPS, aaa_list("login", "<a1><line/></a1>")), set()),
    "login enable, no secret": ((aaa_list("login", "<a1><enable/></a1>"),), set()),
    "group without servers, then local": (
        (aaa_list("login", "<a1><group>NOPE</group></a1><a2><local/></a2>"),),
        {"admin"},
    ),
    "authorization if-authenticated": ((OPS, aaa_list("exec", "<a1><if-authenticated/></a1>")), {"admin"}),
    "authorization none": ((OPS, aaa_list("exec", "<a1><none/></a1>")), {"admin"}),
    "no aaa new-model": ((OPS, f'<aaa><new-model xmlns="{AAA}" nc:operation="delete"/></aaa>'), {"admin"}),
    "admin at privilege 1": (("<username><name>admin</name><privilege>1</privilege></username>",), set()),
    "every user deleted": (('<username nc:operation="delete"><name>admin</name></username>',), set()),
}


@pytest.mark.parametrize("case", sorted(CASES))
async def test_static_answer_agrees_with_the_authenticator(case: str) -> None:
    edits, expected = CASES[case]
    stores = await stores_with(*edits)
    access = netconf_access(stores.running)
    assert set(access.admins) == expected
    assert access.locked_out == (not expected)
    login = Login(stores, NetworkAaa())
    for user, password in (("admin", PW), ("ops", OPS_PW), ("ghost", "x")):
        real = await login.authenticate(user, password, "127.0.0.1")
        assert real == can_open_netconf(stores.running, user), (case, user)


async def test_a_server_method_makes_the_answer_depend_on_the_servers() -> None:
    stores = await stores_with(TAC, aaa_list("login", "<a1><group>TACG</group></a1><a2><local/></a2>"))
    access = netconf_access(stores.running)
    assert access.admins == ("admin",) and access.servers == ("group:TACG",) and not access.locked_out
    report = startup_report(access, first_start=False, user="admin", generated=None, source=None)
    assert report == [
        "the stored configuration decides who may log in",
        "NETCONF logins (privilege 15, local): admin",
        "NETCONF logins also through the AAA servers of group:TACG",
    ]


async def test_startup_report_tells_which_password_applies() -> None:
    ok = netconf_access((await stores_with()).running)
    first = startup_report(ok, first_start=True, user="admin", generated="Xyz", source=None)
    assert first[:2] == [
        "first start: admin user 'admin', password 'Xyz'",
        "(shown once; it is stored only as a type-9 hash)",
    ]
    given = startup_report(ok, first_start=True, user="admin", generated=None, source="--admin-password-file f")
    assert given[0] == "first start: admin user 'admin' created with the password from --admin-password-file f"
    later = startup_report(ok, first_start=False, user="admin", generated=None, source="--admin-password")
    assert later[1] == "the password from --admin-password is not used: it only applies to a first start"
    out = netconf_access((await stores_with(aaa_list("login", "<a1><line/></a1>"))).running)
    warning = startup_report(out, first_start=False, user="admin", generated=None, source=None)[-1]
    assert warning.startswith("WARNING: no user in the configuration can open a NETCONF session")
    assert "'aaa authentication login default line'" in warning and "--recover-admin" in warning


async def test_recovery_adds_the_user_and_repairs_login_and_authorization_lists() -> None:
    stores = await stores_with(
        TAC,
        aaa_list("login", "<a1><group>TACG</group></a1>"),
        aaa_list("exec", "<a1><group>TACG</group></a1>"),
    )
    assert not can_open_netconf(stores.running, "rescue")
    changes = await recover_tree(stores, "rescue", "$9$abcdefghijklmn$" + "A" * 43)
    assert changes == (
        "username rescue privilege 15 secret 9 <new secret>",
        "aaa authentication login default local (was: group TACG)",
        "aaa authorization exec default local (was: group TACG)",
    )
    assert can_open_netconf(stores.running, "rescue")


async def test_recovery_changes_only_the_user_when_the_lists_already_let_it_in() -> None:
    stores = await stores_with('<username nc:operation="delete"><name>admin</name></username>')
    assert await recover_tree(stores, "admin", "$9$abcdefghijklmn$" + "A" * 43) == (
        "username admin privilege 15 secret 9 <new secret>",
    )


async def test_recover_admin_needs_a_startup_config(tmp_path: Path) -> None:
    with pytest.raises(RecoveryError, match="a first start creates the admin user"):
        await recover_admin(tmp_path, schema(), DEFAULT_LIMITS, "admin", PW)


@pytest.mark.parametrize("name", ["", "two words", "new\nline", "esc\x1b[2J"])
async def test_recover_admin_refuses_a_name_ios_text_cannot_carry(tmp_path: Path, name: str) -> None:
    with pytest.raises(RecoveryError, match="is not a user name IOS can print"):
        await recover_admin(tmp_path, schema(), DEFAULT_LIMITS, name, PW)
