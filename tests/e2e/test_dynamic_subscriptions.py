"""Dynamic subscriptions (yang-push, ``:notification:1.1``) end to end: ncclient against the real agent process,
sending establish-subscription the way Cisco's telemetry examples do (``m.dispatch(...)``) and reading the
updates with ``m.take_notification()``; a second session commits, an IOS CLI session over SSH configures."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import asyncssh
import pytest
from agents import ADMIN_PASSWORD, uniq
from lxml import etree
from namespaces import EN, IOS, NC, NOTIF, PATCH, YP
from ncclient.operations.rpc import RPCError
from notification_client import nothing, take

from iosxe_agent.netconf.push import FIRST_ID, MAX_PER_SESSION, MIN_PERIOD_CS

N = {"n": NOTIF, "en": EN, "yp": YP, "ios": IOS, "p": PATCH}


def establish_rpc(body: str, stream: str = "yp:yang-push") -> etree._Element:
    return etree.fromstring(
        f'<establish-subscription xmlns="{EN}" xmlns:yp="{YP}"><stream>{stream}</stream>{body}</establish-subscription>'
    )


def periodic(xpath: str, period: int = MIN_PERIOD_CS) -> etree._Element:
    return establish_rpc(f"<yp:xpath-filter>{xpath}</yp:xpath-filter><yp:period>{period}</yp:period>")


def on_change(xpath: str) -> etree._Element:
    return establish_rpc(f"<yp:xpath-filter>{xpath}</yp:xpath-filter><yp:dampening-period>0</yp:dampening-period>")


def result(reply) -> tuple[str, int | None]:
    """(subscription-result, subscription-id) of an rpc-reply; the result is checked to be a notif-bis identity."""
    root = etree.fromstring(reply.xml.encode())
    res = root.find("en:subscription-result", N)
    assert res is not None, reply.xml
    prefix, _, name = (res.text or "").partition(":")
    assert res.nsmap[prefix] == EN, res.text
    sid = root.findtext("en:subscription-id", namespaces=N)
    return name, int(sid) if sid is not None else None


def establish(m, rpc: etree._Element) -> int:
    name, sid = result(m.dispatch(rpc))
    assert name == "ok" and sid is not None
    return sid


def delete_rpc(sid: int) -> etree._Element:
    return etree.fromstring(
        f'<delete-subscription xmlns="{EN}"><subscription-id>{sid}</subscription-id></delete-subscription>'
    )


def kill_rpc(sid: int) -> etree._Element:
    return etree.fromstring(f'<kill-subscription xmlns="{EN}"><identifier>{sid}</identifier></kill-subscription>')


def of(kind: str, sid: int) -> Callable[[etree._Element], bool]:
    """Notifications of ``kind`` (push-update, push-change-update, subscription-terminated) for ``sid``."""

    def pred(msg: etree._Element) -> bool:
        ns = EN if kind == "subscription-terminated" else YP
        return msg[1].tag == f"{{{ns}}}{kind}" and msg[1].findtext(f"{{{ns}}}subscription-id") == str(sid)

    return pred


def user_config(name: str, privilege: int) -> str:
    return (
        f'<config xmlns="{NC}"><native xmlns="{IOS}"><username><name>{name}</name>'
        f"<privilege>{privilege}</privilege></username></native></config>"
    )


def c14n(el: etree._Element) -> bytes:
    """Exclusive canonical form: namespaces declared on ancestors but unused do not count."""
    return etree.tostring(el, method="c14n", exclusive=True)


def commit(agent, config: str) -> None:
    with agent.connect() as other:
        other.edit_config(target="candidate", config=config)
        other.commit()


# ---------------------------------------------------------------------------------------------------------------
def test_periodic_xpath_subscription_pushes_the_selected_data(agent, nc) -> None:
    before = time.monotonic()
    sid = establish(nc, periodic("/native/hostname"))
    assert sid >= FIRST_ID  # IOS XE numbers dynamic subscriptions from 2^31
    first = take(nc, of("push-update", sid))
    second = take(nc, of("push-update", sid))
    assert time.monotonic() - before >= MIN_PERIOD_CS / 100 * 0.9  # one period between the two
    for msg in (first, second):
        contents = msg.find("yp:push-update/yp:datastore-contents-xml", N)
        assert [c.tag for c in contents] == [f"{{{IOS}}}native"]
        assert [c.tag for c in contents[0]] == [f"{{{IOS}}}hostname"]
        assert contents.findtext("ios:native/ios:hostname", namespaces=N)
    # the same bytes as a <get> with the same filter
    got = etree.fromstring(nc.get(filter=("xpath", "/native/hostname")).xml.encode())
    data = got.find(f"{{{NC}}}data")
    contents = second.find("yp:push-update/yp:datastore-contents-xml", N)
    assert [c14n(c) for c in contents] == [c14n(c) for c in data]


def test_undeclared_module_prefixes_and_subtree_filters_work(agent, nc) -> None:
    name = uniq("pfx")
    commit(agent, user_config(name, 3))
    sid = establish(nc, periodic(f"/ios:native/ios:username[ios:name='{name}']"))  # ios: is not declared
    msg = take(nc, of("push-update", sid))
    assert (
        msg.findtext("yp:push-update/yp:datastore-contents-xml/ios:native/ios:username/ios:privilege", namespaces=N)
        == "3"
    )
    subtree = establish(
        nc,
        establish_rpc(
            f'<yp:subtree-filter><native xmlns="{IOS}"><username><name>{name}</name></username></native>'
            f"</yp:subtree-filter><yp:period>{MIN_PERIOD_CS}</yp:period>"
        ),
    )
    msg = take(nc, of("push-update", subtree))
    assert (
        msg.findtext("yp:push-update/yp:datastore-contents-xml/ios:native/ios:username/ios:name", namespaces=N) == name
    )


def test_on_change_sends_the_data_then_each_commit_of_another_session(agent, nc) -> None:
    name = uniq("oc")
    sid = establish(nc, on_change(f"/ios:native/ios:username[ios:name='{name}']"))
    start = take(nc, of("push-update", sid))  # synchronisation: the (empty) selection
    assert len(start.find("yp:push-update/yp:datastore-contents-xml", N)) == 0
    commit(agent, user_config(name, 5))
    msg = take(nc, of("push-change-update", sid))
    (edit,) = msg.findall("yp:push-change-update/yp:datastore-changes-xml/p:yang-patch/p:edit", N)
    assert edit.findtext("p:operation", namespaces=N) == "create"
    assert edit.findtext("p:target", namespaces=N) == "/Cisco-IOS-XE-native:native"
    assert edit.findtext("p:value/ios:native/ios:username/ios:privilege", namespaces=N) == "5"
    commit(agent, user_config(name, 7))
    msg = take(nc, of("push-change-update", sid))
    assert msg.findtext(".//p:edit/p:operation", namespaces=N) == "replace"
    assert msg.findtext(".//p:value/ios:native/ios:username/ios:privilege", namespaces=N) == "7"
    # a commit outside the selection sends nothing
    commit(agent, user_config(uniq("other"), 1))
    nothing(nc, of("push-change-update", sid))


def test_on_change_follows_a_cli_change(agent, nc) -> None:
    name = uniq("cli")
    sid = establish(nc, on_change(f"/ios:native/ios:username[ios:name='{name}']"))
    take(nc, of("push-update", sid))

    async def configure() -> None:
        async with asyncssh.connect(
            "127.0.0.1", agent.ssh_port, username="admin", password=ADMIN_PASSWORD, known_hosts=None
        ) as conn:
            proc = await conn.create_process(term_type="vt100", term_size=(200, 50))
            for line, prompt in (
                ("", "#"),
                ("configure terminal", "(config)#"),
                (f"username {name} privilege 4", "(config)#"),
                ("end", "#"),
            ):
                proc.stdin.write(line + "\n")
                await asyncio.wait_for(proc.stdout.readuntil(prompt), 30)
            proc.stdin.write("exit\n")

    asyncio.run(configure())
    msg = take(nc, of("push-change-update", sid))
    assert msg.findtext(".//p:value/ios:native/ios:username/ios:privilege", namespaces=N) == "4"


def test_delete_subscription_stops_the_updates_and_only_for_its_own_session(agent, nc) -> None:
    sid = establish(nc, periodic("/native/hostname"))
    take(nc, of("push-update", sid))
    with agent.connect() as other:
        assert result(other.dispatch(delete_rpc(sid))) == ("error-no-such-subscription", None)
    take(nc, of("push-update", sid))  # still running
    assert result(nc.dispatch(delete_rpc(sid))) == ("ok", None)
    nothing(nc, of("push-update", sid))
    assert result(nc.dispatch(delete_rpc(sid))) == ("error-no-such-subscription", None)
    assert result(nc.dispatch(delete_rpc(12345))) == ("error-no-such-subscription", None)


def test_kill_subscription_from_another_session_terminates_it(agent, nc) -> None:
    sid = establish(nc, periodic("/native/hostname"))
    take(nc, of("push-update", sid))
    with agent.connect() as other:
        assert result(other.dispatch(kill_rpc(sid))) == ("ok", None)
        assert result(other.dispatch(kill_rpc(sid))) == ("error-no-such-subscription", None)
    msg = take(nc, of("subscription-terminated", sid))
    assert msg.findtext("en:subscription-terminated/en:reason", namespaces=N) == "notif-bis:subscription-deleted"
    nothing(nc, of("push-update", sid))


def test_subscriptions_end_with_their_session(agent) -> None:
    m = agent.connect()
    sid = establish(m, periodic("/native/hostname"))
    take(m, of("push-update", sid))
    m.close_session()
    with agent.connect() as other:
        deadline = time.monotonic() + 10
        while result(other.dispatch(kill_rpc(sid)))[0] == "ok":  # pragma: no cover - only if the end is slow
            assert time.monotonic() < deadline
        assert result(other.dispatch(kill_rpc(sid))) == ("error-no-such-subscription", None)
    assert agent.alive()


@pytest.mark.parametrize(
    ("rpc", "expected"),
    [
        (periodic("/native/hostname[", 100), "error-no-such-option"),  # XPath that does not compile
        (periodic("/nosuchprefix:native", 100), "error-no-such-option"),
        (periodic("count(/native)", 100), "error-no-such-option"),  # not a node-set
        (periodic("/native/hostname", MIN_PERIOD_CS - 1), "error-no-such-option"),  # below the minimum period
        (establish_rpc("<yp:xpath-filter>/native</yp:xpath-filter>"), "error-no-such-option"),  # no trigger
        (establish_rpc("<yp:period>100</yp:period>"), "error-no-such-option"),  # no filter
        (
            establish_rpc("<yp:xpath-filter>/native</yp:xpath-filter><yp:period>100</yp:period>", "NETCONF"),
            "error-no-such-option",
        ),
        (
            establish_rpc(
                "<encoding>encode-json</encoding><yp:xpath-filter>/native</yp:xpath-filter><yp:period>100</yp:period>"
            ),
            "error-no-such-option",
        ),
    ],
)
def test_unserviceable_requests_get_an_error_result(nc, rpc: etree._Element, expected: str) -> None:
    assert result(nc.dispatch(rpc)) == (expected, None)


@pytest.mark.parametrize(
    ("body", "tag"),
    [
        ("<yp:xpath-filter>/native</yp:xpath-filter><yp:period>soon</yp:period>", "invalid-value"),
        ("<yp:xpath-filter>/native</yp:xpath-filter><yp:dampening-period>5</yp:dampening-period>", "invalid-value"),
        (
            "<yp:xpath-filter>/native</yp:xpath-filter><yp:period>100</yp:period><yp:dampening-period>0</yp:dampening-period>",
            "bad-element",
        ),
        (
            "<yp:xpath-filter>/native</yp:xpath-filter><yp:period>100</yp:period><yp:anchor-time>2024-01-01T00:00:00Z</yp:anchor-time>",
            "unknown-element",
        ),
        (
            "<yp:xpath-filter>/native</yp:xpath-filter><yp:period>100</yp:period><startTime>2024-01-01T00:00:00Z</startTime>",
            "unknown-element",
        ),
    ],
)
def test_requests_outside_the_schema_are_rpc_errors(nc, body: str, tag: str) -> None:
    with pytest.raises(RPCError) as err:
        nc.dispatch(establish_rpc(body))
    assert err.value.tag == tag


def test_modify_subscription_is_not_supported_as_on_17_12(nc) -> None:
    rpc = etree.fromstring(
        f'<modify-subscription xmlns="{EN}"><subscription-id>{FIRST_ID}</subscription-id></modify-subscription>'
    )
    with pytest.raises(RPCError):
        nc.dispatch(rpc)


def test_a_session_holds_a_bounded_number_of_subscriptions(agent) -> None:
    with agent.connect() as m:
        ids = [establish(m, on_change("/native/hostname")) for _ in range(MAX_PER_SESSION)]
        assert len(set(ids)) == MAX_PER_SESSION
        assert result(m.dispatch(on_change("/native/hostname"))) == ("error-insufficient-resources", None)
        assert result(m.dispatch(delete_rpc(ids[0]))) == ("ok", None)
        establish(m, on_change("/native/hostname"))  # room again
        with agent.connect() as other:  # the bound is per session
            establish(other, on_change("/native/hostname"))
