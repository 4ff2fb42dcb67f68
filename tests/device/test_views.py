"""The configuration views (pure): each concern read from XML trees, defaults included, and the one-reader rule."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
from lxml import etree
from namespaces import AAA, IOS, NC, SNMP

from iosxe_agent.device import views
from iosxe_agent.device.aaa.radius import RadiusServer
from iosxe_agent.device.aaa.tacacs import TacacsServer
from iosxe_agent.device.ssh_algorithms import Configured
from iosxe_agent.device.views import (
    AccountingList,
    Identity,
    LocalUser,
    LoginPolicy,
    MethodList,
    SshView,
    TrapTarget,
    VtyLine,
)

AGENT = Path(__file__).resolve().parents[2] / "iosxe_agent"


def config(body: str = "") -> etree._Element:
    """A running tree: ``<config><native>body</native></config>`` (aaa and snmp elements declare their own ns)."""
    return etree.fromstring(f'<config xmlns="{NC}"><native xmlns="{IOS}">{body}</native></config>')


EMPTY_TREES = [etree.fromstring(f'<config xmlns="{NC}"/>'), config()]


# -- identity --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("tree", EMPTY_TREES)
def test_identity_defaults_to_router_without_a_domain(tree: etree._Element) -> None:
    assert views.identity(tree) == Identity("Router", None)


def test_identity_reads_hostname_and_domain_from_either_root() -> None:
    body = "<hostname>R1</hostname><ip><domain><name>example.test</name></domain></ip>"
    assert views.identity(config(body)) == Identity("R1", "example.test")
    bare = etree.fromstring(f'<native xmlns="{IOS}">{body}</native>')
    assert views.identity(bare) == Identity("R1", "example.test")


# -- ssh -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("tree", EMPTY_TREES)
def test_ssh_defaults_are_ios_xe_17s(tree: etree._Element) -> None:
    view = views.ssh(tree)
    assert view == SshView()
    assert (view.auth_timeout, view.auth_retries, view.maxstartups, view.dh_min) == (120, 3, 10, 2048)
    assert view.vty == (VtyLine(0, 4, frozenset({"ssh"}), "default", False, None, 600, None),)
    assert view.ssh_lines == 5
    assert view.logging_events and view.keypair_name is None and view.key_hashes == {}
    assert view.algorithms == Configured()


def test_ssh_reads_every_setting() -> None:
    view = views.ssh(
        config(
            "<ip><ssh><time-out>60</time-out><authentication-retries>2</authentication-retries>"
            "<maxstartups>4</maxstartups><rsa><keypair-name>SSH-KEY</keypair-name></rsa>"
            "<dh><min><size>4096</size></min></dh><logging><events-enable>false</events-enable></logging>"
            "<server><algorithm><encryption><aes256-ctr/><aes128-ctr/></encryption></algorithm>"
            "<peruser><session><limit>3</limit></session></peruser></server>"
            "<pubkey-chain><username><name>ops</name><key-hash><key-type>ssh-rsa</key-type>"
            "<key-hash-value>ab12</key-hash-value></key-hash></username></pubkey-chain>"
            "</ssh></ip>"
            "<line><vty><first>0</first><last>1</last><transport><input><all/></input></transport>"
            "<login><authentication>VTY</authentication></login><exec-timeout><minutes>1</minutes>"
            "<seconds>30</seconds></exec-timeout><password><type>0</type><secret>pw</secret></password>"
            "<privilege><level><number>7</number></level></privilege></vty>"
            "<vty><first>2</first><last>4</last><transport><input><none/></input></transport>"
            "<login><local/></login></vty></line>"
        )
    )
    assert (view.auth_timeout, view.auth_retries, view.maxstartups, view.dh_min) == (60, 2, 4, 4096)
    assert view.keypair_name == "SSH-KEY"
    assert view.algorithms.encryption == ("aes128-ctr", "aes256-ctr")  # Cisco's leaves alone: the model's order
    assert view.peruser_limit == 3
    assert not view.logging_events
    assert view.key_hashes == {"ops": frozenset({"AB12"})}
    first, second = view.vty
    assert first == VtyLine(0, 1, frozenset({"ssh", "telnet", "all"}), "VTY", False, ("0", "pw"), 90, 7)
    assert second == VtyLine(2, 4, frozenset(), "default", True, None, 600, None)
    assert view.ssh_lines == 2


# -- aaa -------------------------------------------------------------------------------------------------------
AAA_BODY = f"""
<username><name>Ops</name><privilege>15</privilege><secret><encryption>9</encryption><secret>$9$x</secret></secret>
</username>
<username><name>ops</name><password><password>clear</password></password></username>
<username><name>nopw</name></username>
<enable><password><secret>en-pw</secret></password><secret><type>9</type><secret>$9$e</secret></secret></enable>
<aaa><new-model xmlns="{AAA}"/>
 <authentication xmlns="{AAA}"><login><name>VTY</name><a1><group>TAC</group></a1><a2><local/></a2></login>
 </authentication>
 <authorization xmlns="{AAA}"><exec><name>default</name><a1><tacacs/></a1><a2><if-authenticated/></a2></exec>
 </authorization>
 <accounting xmlns="{AAA}"><exec><name>default</name><stop-only><group1><group>TAC</group></group1></stop-only>
 </exec><exec><name>quiet</name><none/></exec></accounting>
 <group xmlns="{AAA}"><server><tacacsplus><name>TAC</name><server><name><name>T1</name></name></server>
 </tacacsplus></server></group>
</aaa>
<tacacs><server xmlns="{AAA}"><name>T1</name><address><ipv4>127.0.0.1</ipv4></address></server>
<server xmlns="{AAA}"><name>NOADDR</name></server></tacacs>
<radius><server xmlns="{AAA}"><id>R1</id><address><ipv4>127.0.0.2</ipv4></address></server></radius>
"""


@pytest.mark.parametrize("tree", EMPTY_TREES)
def test_aaa_defaults_log_in_locally_and_authorize_nothing(tree: etree._Element) -> None:
    aaa = views.aaa(tree)
    assert not aaa.new_model and aaa.users == () and aaa.enable_secret is None
    assert aaa.login_methods() == ("local",)
    assert aaa.authorization_exec() is None and aaa.accounting_exec() is None
    assert aaa.group_servers("tacacs+") == () and aaa.group_servers("TAC") == ()


def test_aaa_users_exact_and_case_folded() -> None:
    aaa = views.aaa(config(AAA_BODY))
    assert aaa.user("Ops") == LocalUser("Ops", 15, "9", "$9$x")
    assert aaa.user("ops") == LocalUser("ops", 1, "0", "clear")  # local-case: the exact name
    assert aaa.user("OPS", case_sensitive=False) == aaa.user("Ops")  # local: the first that folds to it
    assert aaa.user("OPS") is None
    assert aaa.user("nopw") == LocalUser("nopw", 1, None, None)
    assert [u.name for u in aaa.users] == ["Ops", "ops", "nopw"]


def test_aaa_enable_secret_wins_over_enable_password() -> None:
    assert views.aaa(config(AAA_BODY)).enable_secret == ("9", "$9$e")
    only_password = config("<enable><password><secret>en-pw</secret></password></enable>")
    assert views.aaa(only_password).enable_secret == ("0", "en-pw")


def test_aaa_lists_servers_and_groups() -> None:
    aaa = views.aaa(config(AAA_BODY))
    assert aaa.new_model
    assert aaa.login_methods("VTY") == ("group:TAC", "local")
    assert aaa.login_methods() == ("local",)  # an undefined list: the local database
    assert aaa.authorization_exec() == MethodList("default", ("group:tacacs+", "if-authenticated"))
    assert aaa.accounting_exec() == AccountingList("stop-only", ("TAC",))
    assert aaa.accounting_exec("quiet") is None  # `aaa accounting exec quiet none`
    t1 = TacacsServer("T1", "127.0.0.1", 49, "", 5.0)
    assert aaa.tacacs == (t1,)  # a server without an address is skipped, as IOS does
    assert aaa.radius == (RadiusServer("R1", "127.0.0.2", 1812, 1813, "", 5.0, 3),)
    assert aaa.group_servers("TAC") == (t1,)
    assert aaa.group_servers("tacacs+") == (t1,)
    assert aaa.group_servers("radius") == aaa.radius


def test_aaa_lists_need_new_model_but_stay_in_the_view() -> None:
    aaa = views.aaa(config(AAA_BODY.replace(f'<new-model xmlns="{AAA}"/>', "")))
    assert not aaa.new_model
    assert aaa.login_methods("VTY") == ("local",)
    assert aaa.authorization_exec() is None and aaa.accounting_exec() is None
    assert "default" in aaa.exec_lists  # configured, merely not in force (scp_refusal tells the two apart)


# -- login (quiet mode) ----------------------------------------------------------------------------------------
def test_login_defaults_and_an_incomplete_block_for() -> None:
    assert views.login(config()) == LoginPolicy()
    assert views.login(config()).effective_delay == 0
    partial = views.login(config("<login><block-config><block-for>10</block-for></block-config></login>"))
    assert not partial.watching  # block-for without attempts/within is not in force
    watching = config(
        "<login><block-config><block-for>10</block-for><attempts>2</attempts><within>30</within></block-config></login>"
    )
    assert views.login(watching) == LoginPolicy(10, 2, 30)
    assert views.login(watching).effective_delay == 1  # IOS's `login delay` once block-for is configured


# -- snmp ------------------------------------------------------------------------------------------------------
HOST = (
    f'<host-config xmlns="{SNMP}"><ip-community><ip-address>127.0.0.1</ip-address>'
    "<community-or-user>public</community-or-user></ip-community></host-config>"
)


def traps(body: str) -> str:
    return f'<enable xmlns="{SNMP}"><enable-choice><traps>{body}</traps></enable-choice></enable>'


@pytest.mark.parametrize("tree", EMPTY_TREES)
def test_snmp_defaults_send_nothing(tree: etree._Element) -> None:
    assert views.snmp(tree).tty_targets == ()
    assert not views.snmp(tree).tty_traps


def test_bare_enable_traps_enables_tty_traps_as_ios_does() -> None:
    """`snmp-server enable traps` with no keyword enables every notification type of the device (Cisco IOS
    command reference), so a session end sends its tty trap."""
    view = views.snmp(config(f"<snmp-server>{HOST}{traps('')}</snmp-server>"))
    assert view.tty_traps
    assert view.tty_targets == (TrapTarget("127.0.0.1", 162, "public", "1", False),)


def test_other_trap_keywords_leave_tty_traps_off() -> None:
    view = views.snmp(config(f"<snmp-server>{HOST}{traps('<config/>')}</snmp-server>"))
    assert not view.tty_traps
    assert view.hosts != () and view.tty_targets == ()
    assert views.snmp(config(f"<snmp-server>{HOST}{traps('<config/><tty/>')}</snmp-server>")).tty_traps


# -- scp -------------------------------------------------------------------------------------------------------
def test_scp_server_is_off_unless_enabled() -> None:
    assert not views.scp(config()).server_enabled
    assert views.scp(config("<ip><scp><server><enable/></server></scp></ip>")).server_enabled


# -- dns (show hosts) ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("tree", EMPTY_TREES)
def test_dns_defaults_look_up_by_broadcast(tree: etree._Element) -> None:
    assert views.dns(tree) == views.DnsView(lookup=True, name_servers=())


def test_dns_reads_lookup_and_the_servers_in_order() -> None:
    servers = "".join(f"<no-vrf-ordered>127.0.0.{i}</no-vrf-ordered>" for i in (3, 1, 2))
    body = f"<ip><domain><lookup>false</lookup></domain><name-server>{servers}</name-server></ip>"
    assert views.dns(config(body)) == views.DnsView(lookup=False, name_servers=("127.0.0.3", "127.0.0.1", "127.0.0.2"))


# -- memo ------------------------------------------------------------------------------------------------------
def test_a_view_is_read_once_per_tree_and_anew_for_a_new_tree() -> None:
    old = config("<hostname>OLD</hostname>")
    first = views.identity(old)
    assert views.identity(old) is first
    new = copy.deepcopy(old)  # a commit swaps in a new tree object
    new.find(f"{{{IOS}}}native/{{{IOS}}}hostname").text = "NEW"
    assert views.identity(new).hostname == "NEW"
    assert views.identity(old) == first


# -- the rule --------------------------------------------------------------------------------------------------
#: Modules of the Cisco layer that may walk a configuration tree: the views (behaviour), the CLI table (it *is*
#: the configuration's text form), and the writers that build or normalise trees rather than act on them.
TREE_WALKERS = {
    "device/views",
    "device/cli_map",
    "device/secrets.py",
    "device/bootstrap.py",
    "device/recovery.py",
    "device/seed.py",
}
WALK = re.compile(r"\.(?:find|findtext|iterfind|findall|xpath)\(([^\n]{0,60})")
CONFIG_TAG = re.compile(r"\b[na]\(|native|NATIVE_NS|AAA_NS|SNMP_NS")


def test_only_the_views_read_the_configuration_for_behaviour() -> None:
    offenders = []
    for path in sorted([*(AGENT / "device").rglob("*.py"), *(AGENT / "cli").rglob("*.py")]):
        where = path.relative_to(AGENT).as_posix()
        if not any(where.startswith(allowed) for allowed in TREE_WALKERS):
            calls = WALK.finditer(path.read_text())
            offenders += [f"{where}: {m.group(0)}" for m in calls if CONFIG_TAG.search(m.group(1))]
    assert offenders == [], "read configuration through iosxe_agent.device.views, not with find/findtext"
