"""Every implemented NETCONF operation through ncclient against the real agent process."""

from __future__ import annotations

import pytest
from agents import uniq
from lxml import etree
from namespaces import AAA, IOS, NC, native
from ncclient.operations.rpc import RPCError

NS = {"nc": NC, "ios": IOS, "aaa": AAA}


def data_of(reply) -> etree._Element:
    return etree.fromstring(reply.xml.encode())


def ssh_leaf(m, name: str, source: str = "running") -> str | None:
    flt = f'<native xmlns="{IOS}"><ip><ssh><{name}/></ssh></ip></native>'
    root = data_of(m.get_config(source, filter=("subtree", flt)))
    return root.findtext(f".//ios:ssh/ios:{name}", namespaces=NS)


def user_names(m, source: str = "running") -> list[str]:
    flt = f'<native xmlns="{IOS}"><username><name/></username></native>'
    root = data_of(m.get_config(source, filter=("subtree", flt)))
    return [e.text for e in root.iterfind(".//ios:username/ios:name", NS)]


def running_bytes(m) -> bytes:
    return etree.tostring(data_of(m.get_config("running")).find(f"{{{NC}}}data"), method="c14n")


def error_of(exc: pytest.ExceptionInfo[RPCError]) -> RPCError:
    return exc.value


# -- hello ------------------------------------------------------------------------------------------------------
def test_hello_advertises_the_implemented_17_12_capabilities(nc) -> None:
    caps = set(nc.server_capabilities)
    for cap in (
        "urn:ietf:params:netconf:base:1.0",
        "urn:ietf:params:netconf:base:1.1",
        "urn:ietf:params:netconf:capability:writable-running:1.0",
        "urn:ietf:params:netconf:capability:candidate:1.0",
        "urn:ietf:params:netconf:capability:rollback-on-error:1.0",
        "urn:ietf:params:netconf:capability:validate:1.0",
        "urn:ietf:params:netconf:capability:validate:1.1",
        "urn:ietf:params:netconf:capability:with-defaults:1.0?basic-mode=explicit&also-supported=report-all-tagged,report-all",
        "http://cisco.com/yang/cisco-ia?module=cisco-ia&revision=2021-11-01",
    ):
        assert cap in caps
    # a 17.12 box offers neither of these; YANG 1.1 modules are not in the hello
    assert not any(":startup:" in c or ":confirmed-commit" in c or ":url:" in c for c in caps)
    assert not any("module=Cisco-IOS-XE-native" in c for c in caps)


def test_session_ids_are_unique(agent) -> None:
    a, b = agent.connect(), agent.connect()
    try:
        assert a.session_id != b.session_id
    finally:
        a.close_session()
        b.close_session()


def test_default_device_handler_connects(agent) -> None:
    m = agent.connect(device_params={"name": "default"})
    try:
        assert data_of(m.get_config("running")).find(".//ios:hostname", NS) is not None
    finally:
        m.close_session()


def test_only_privilege_15_users_may_open_netconf(agent, nc) -> None:
    name = uniq("p1")
    nc.edit_config(
        target="running",
        config=native(
            f"<username><name>{name}</name><privilege>1</privilege>"
            "<secret><encryption>0</encryption><secret>Lowpriv-1</secret></secret></username>"
        ),
    )
    from ncclient.transport.errors import AuthenticationError

    with pytest.raises(AuthenticationError):
        agent.connect(user=name, password="Lowpriv-1")
    with pytest.raises(AuthenticationError):
        agent.connect(password="wrong-password")


# -- get / get-config -------------------------------------------------------------------------------------------
def test_get_config_returns_iosxe_xml_shape(nc) -> None:
    xml = nc.get_config("running").xml
    assert f'<native xmlns="{IOS}">' in xml
    assert f'<new-model xmlns="{AAA}"/>' in xml
    assert f'<authentication xmlns="{AAA}"><login><name>default</name><a1><local/></a1></login></authentication>' in xml


def test_get_returns_running(nc) -> None:
    root = data_of(nc.get(filter=("subtree", f'<native xmlns="{IOS}"><hostname/></native>')))
    assert root.findtext(".//ios:hostname", namespaces=NS) == "Router"


def test_subtree_filter_selects_one_list_entry(nc) -> None:
    flt = f'<native xmlns="{IOS}"><username><name>admin</name></username></native>'
    root = data_of(nc.get_config("running", filter=("subtree", flt)))
    entries = root.findall(".//ios:username", NS)
    assert len(entries) == 1
    assert entries[0].findtext("ios:privilege", namespaces=NS) == "15"


def test_with_defaults_report_all_adds_defaults(nc) -> None:
    flt = f'<native xmlns="{IOS}"><ip><ssh/></ip></native>'
    explicit = data_of(nc.get_config("running", filter=("subtree", flt)))
    assert explicit.find(".//ios:ssh/ios:dh", NS) is None
    full = data_of(nc.get_config("running", filter=("subtree", flt), with_defaults="report-all"))
    assert full.findtext(".//ios:ssh/ios:dh/ios:min/ios:size", namespaces=NS) == "2048"
    tagged = data_of(nc.get_config("running", filter=("subtree", flt), with_defaults="report-all-tagged"))
    size = tagged.find(".//ios:ssh/ios:dh/ios:min/ios:size", NS)
    assert size.get("{urn:ietf:params:xml:ns:yang:ietf-netconf-with-defaults}default") == "true"


def test_startup_is_not_reachable_without_extensions(nc) -> None:
    with pytest.raises(RPCError) as exc:
        nc.get_config("startup")
    assert exc.value.tag == "invalid-value"


# -- edit-config operations -------------------------------------------------------------------------------------
def test_merge_sets_and_changes_a_leaf(nc) -> None:
    nc.edit_config(target="running", config=native("<ip><ssh><time-out>60</time-out></ssh></ip>"))
    assert ssh_leaf(nc, "time-out") == "60"
    nc.edit_config(target="running", config=native("<ip><ssh><time-out>+045</time-out></ssh></ip>"))
    assert ssh_leaf(nc, "time-out") == "45"  # stored in canonical form


def test_create_refuses_existing_node(nc) -> None:
    name = uniq("c")
    body = f'<username nc:operation="create"><name>{name}</name><privilege>5</privilege></username>'
    nc.edit_config(target="running", config=native(body))
    with pytest.raises(RPCError) as exc:
        nc.edit_config(target="running", config=native(body))
    assert exc.value.tag == "data-exists"
    assert name in exc.value.path


def test_delete_and_remove(nc) -> None:
    name = uniq("d")
    nc.edit_config(target="running", config=native(f"<username><name>{name}</name></username>"))
    nc.edit_config(target="running", config=native(f'<username nc:operation="delete"><name>{name}</name></username>'))
    assert name not in user_names(nc)
    with pytest.raises(RPCError) as exc:
        nc.edit_config(
            target="running", config=native(f'<username nc:operation="delete"><name>{name}</name></username>')
        )
    assert exc.value.tag == "data-missing"
    # remove of a missing node is not an error
    nc.edit_config(target="running", config=native(f'<username nc:operation="remove"><name>{name}</name></username>'))


def test_replace_replaces_the_whole_subtree(nc) -> None:
    nc.edit_config(
        target="running",
        config=native("<ip><ssh><time-out>30</time-out><authentication-retries>2</authentication-retries></ssh></ip>"),
    )
    nc.edit_config(
        target="running", config=native('<ip><ssh nc:operation="replace"><time-out>90</time-out></ssh></ip>')
    )
    assert ssh_leaf(nc, "time-out") == "90"
    assert ssh_leaf(nc, "authentication-retries") is None


def test_default_operation_none_needs_existing_nodes(nc) -> None:
    with pytest.raises(RPCError) as exc:
        nc.edit_config(
            target="running",
            default_operation="none",
            config=native(f"<username><name>{uniq('n')}</name><privilege>3</privilege></username>"),
        )
    assert exc.value.tag == "data-missing"


def test_default_operation_replace_replaces_the_configuration(agent) -> None:
    m = agent.connect()
    try:
        m.lock("candidate")
        before = data_of(m.get_config("candidate")).find(f"{{{NC}}}data")
        native_el = before.find("ios:native", NS)
        native_el.find("ios:hostname", NS).text = "Replaced"
        config = etree.Element(f"{{{NC}}}config")
        config.append(native_el)
        m.edit_config(target="candidate", default_operation="replace", config=config)
        root = data_of(m.get_config("candidate"))
        assert root.findtext(".//ios:hostname", namespaces=NS) == "Replaced"
        m.discard_changes()
        assert data_of(m.get_config("candidate")).findtext(".//ios:hostname", namespaces=NS) == "Router"
        m.unlock("candidate")
    finally:
        m.close_session()


def test_test_only_changes_nothing(nc) -> None:
    before = running_bytes(nc)
    nc.edit_config(target="running", test_option="test-only", config=native("<hostname>TestOnly</hostname>"))
    assert running_bytes(nc) == before


def test_error_option_continue_applies_good_parts(nc) -> None:
    name = uniq("e")
    body = (
        f"<username><name>{name}</name><privilege>99</privilege></username><ip><ssh><time-out>77</time-out></ssh></ip>"
    )
    with pytest.raises(RPCError) as exc:
        nc.edit_config(target="running", error_option="continue-on-error", config=native(body))
    assert exc.value.tag == "invalid-value"
    assert ssh_leaf(nc, "time-out") == "77"


@pytest.mark.parametrize("option", ["stop-on-error", "rollback-on-error"])
def test_failed_edit_leaves_running_unchanged(nc, option: str) -> None:
    before = running_bytes(nc)
    body = "<hostname>Good</hostname><ip><ssh><authentication-retries>6</authentication-retries></ssh></ip>"
    with pytest.raises(RPCError) as exc:
        nc.edit_config(target="running", error_option=option, config=native(body))
    assert exc.value.tag == "invalid-value"
    assert exc.value.path.strip() == "/ios:native/ios:ip/ios:ssh/ios:authentication-retries"
    assert running_bytes(nc) == before


@pytest.mark.parametrize(
    ("body", "tag"),
    [
        ("<hostname>9</hostname>", "invalid-value"),
        ("<ip><ssh><dh><min><size>1024</size></min></dh></ssh></ip>", "invalid-value"),
        ("<ip><ssh><bogus>1</bogus></ssh></ip>", "unknown-element"),
        ("<username><privilege>1</privilege></username>", "missing-element"),
        ("<ip><scp><server><enable>yes</enable></server></scp></ip>", "invalid-value"),
    ],
)
def test_invalid_edits_are_refused(nc, body: str, tag: str) -> None:
    before = running_bytes(nc)
    with pytest.raises(RPCError) as exc:
        nc.edit_config(target="running", config=native(body))
    assert exc.value.tag == tag
    assert running_bytes(nc) == before


def test_unknown_namespace_is_refused(nc) -> None:
    with pytest.raises(RPCError) as exc:
        nc.edit_config(
            target="running",
            config='<config><native xmlns="urn:example:nope"><hostname>x</hostname></native></config>',
        )
    assert exc.value.tag == "unknown-namespace"


def test_aaa_when_condition_is_enforced(nc) -> None:
    body = (
        f'<aaa><authentication xmlns="{AAA}"><login><name>{uniq("L")}</name>'
        "<a1><none/></a1><a2><local/></a2></login></authentication></aaa>"
    )
    with pytest.raises(RPCError) as exc:
        nc.edit_config(target="running", config=native(body))
    assert exc.value.tag == "unknown-element"


def test_bad_operation_attribute(nc) -> None:
    with pytest.raises(RPCError) as exc:
        nc.edit_config(target="running", config=native('<hostname nc:operation="frobnicate">x</hostname>'))
    assert exc.value.tag == "bad-attribute"


# -- candidate --------------------------------------------------------------------------------------------------
def test_candidate_commit_and_discard(agent) -> None:
    m = agent.connect()
    try:
        m.edit_config(target="candidate", config=native("<ip><ssh><time-out>33</time-out></ssh></ip>"))
        assert ssh_leaf(m, "time-out", "candidate") == "33"
        assert ssh_leaf(m, "time-out") != "33"
        m.discard_changes()
        assert ssh_leaf(m, "time-out", "candidate") != "33"
        m.edit_config(target="candidate", config=native("<ip><ssh><time-out>34</time-out></ssh></ip>"))
        m.commit()
        assert ssh_leaf(m, "time-out") == "34"
    finally:
        m.close_session()


def test_validate_datastore_and_inline_config(nc) -> None:
    nc.validate(source="running")
    nc.validate(source="candidate")
    good = etree.fromstring(native("<hostname>Valid</hostname>"))
    nc.validate(source=good)
    bad = etree.fromstring(native("<ip><ssh><time-out>0</time-out></ssh></ip>"))
    with pytest.raises(RPCError) as exc:
        nc.validate(source=bad)
    assert exc.value.tag == "invalid-value"


def test_copy_config_running_to_candidate_and_inline(agent) -> None:
    m = agent.connect()
    try:
        m.lock("candidate")
        inline = etree.fromstring(f'<source xmlns="{NC}">' + native("<hostname>Inline</hostname>") + "</source>")
        m.copy_config(source=inline, target="candidate")
        root = data_of(m.get_config("candidate"))
        assert root.findtext(".//ios:hostname", namespaces=NS) == "Inline"
        assert root.find(".//ios:username", NS) is None  # copy-config replaces everything
        m.copy_config(source="running", target="candidate")
        assert running_bytes(m) == etree.tostring(
            data_of(m.get_config("candidate")).find(f"{{{NC}}}data"), method="c14n"
        )
        m.unlock("candidate")
    finally:
        m.close_session()


# -- locks ------------------------------------------------------------------------------------------------------
def test_lock_contention_between_two_sessions(agent) -> None:
    a, b = agent.connect(), agent.connect()
    try:
        a.lock("running")
        with pytest.raises(RPCError) as exc:
            b.lock("running")
        assert exc.value.tag == "lock-denied"
        info = etree.fromstring(exc.value.info.encode())
        assert info.findtext(f"{{{NC}}}session-id") == str(a.session_id)
        with pytest.raises(RPCError) as exc:
            b.edit_config(target="running", config=native("<hostname>Blocked</hostname>"))
        assert exc.value.tag == "in-use"
        with pytest.raises(RPCError) as exc:
            b.unlock("running")
        assert exc.value.tag == "operation-failed"
        a.unlock("running")
        b.lock("running")
        b.unlock("running")
    finally:
        a.close_session()
        b.close_session()


def test_dirty_candidate_cannot_be_locked_by_another_session(agent) -> None:
    a, b = agent.connect(), agent.connect()
    try:
        a.edit_config(target="candidate", config=native("<hostname>Dirty</hostname>"))
        with pytest.raises(RPCError) as exc:
            b.lock("candidate")
        assert exc.value.tag == "lock-denied"
        a.discard_changes()
        b.lock("candidate")
        b.unlock("candidate")
    finally:
        a.close_session()
        b.close_session()


def test_closing_a_session_releases_its_locks(agent) -> None:
    a = agent.connect()
    a.lock("running")
    a.close_session()
    b = agent.connect()
    try:
        b.lock("running")
        b.unlock("running")
    finally:
        b.close_session()


def test_kill_session(agent) -> None:
    a, b = agent.connect(), agent.connect()
    try:
        a.lock("running")
        b.kill_session(a.session_id)
        b.lock("running")
        b.unlock("running")
        with pytest.raises(RPCError) as exc:
            b.kill_session(b.session_id)
        assert exc.value.tag == "invalid-value"
    finally:
        b.close_session()


# -- unknown and unsupported ------------------------------------------------------------------------------------
def test_unimplemented_cisco_rpc_answers_operation_not_supported(nc) -> None:
    with pytest.raises(RPCError) as exc:
        nc.dispatch(
            etree.fromstring(
                '<default xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-rpc"><interface>GigabitEthernet1</interface>'
                "</default>"
            )
        )
    assert exc.value.tag == "operation-not-supported"


def test_delete_config_is_not_offered_by_default(nc) -> None:
    with pytest.raises(RPCError) as exc:
        nc.delete_config(target="startup")
    assert exc.value.tag == "operation-not-supported"


# -- persistence ------------------------------------------------------------------------------------------------
def test_save_config_survives_restart_and_unsaved_changes_do_not(fresh_agent) -> None:
    agent = fresh_agent()
    m = agent.connect()
    m.edit_config(target="running", config=native("<hostname>Saved</hostname>"))
    reply = m.save_config()
    assert "Save running-config successful" in reply.xml
    m.edit_config(target="running", config=native("<hostname>Unsaved</hostname>"))
    m.close_session()
    agent.restart()
    m = agent.connect()
    try:
        assert data_of(m.get_config("running")).findtext(".//ios:hostname", namespaces=NS) == "Saved"
    finally:
        m.close_session()
    mode = (agent.state_dir.stat().st_mode) & 0o777
    assert mode == 0o700


def test_extensions_offer_startup(fresh_agent) -> None:
    agent = fresh_agent("--netconf-extensions")
    m = agent.connect()
    try:
        assert "urn:ietf:params:netconf:capability:startup:1.0" in m.server_capabilities
        m.edit_config(target="running", config=native("<hostname>Ext</hostname>"))
        m.copy_config(source="running", target="startup")
        assert data_of(m.get_config("startup")).findtext(".//ios:hostname", namespaces=NS) == "Ext"
        m.delete_config(target="startup")
        assert data_of(m.get_config("startup")).find(".//ios:native", NS) is None
        with pytest.raises(RPCError):
            m.delete_config(target="running")
    finally:
        m.close_session()


def test_clear_secret_is_stored_as_type_9(agent, nc) -> None:
    name = uniq("s")
    nc.edit_config(
        target="running",
        config=native(
            f"<username><name>{name}</name><privilege>15</privilege>"
            "<secret><encryption>0</encryption><secret>Clear-Text-9</secret></secret></username>"
        ),
    )
    flt = f'<native xmlns="{IOS}"><username><name>{name}</name></username></native>'
    root = data_of(nc.get_config("running", filter=("subtree", flt)))
    assert root.findtext(".//ios:secret/ios:encryption", namespaces=NS) == "9"
    assert root.findtext(".//ios:secret/ios:secret", namespaces=NS).startswith("$9$")
    assert "Clear-Text-9" not in nc.get_config("running").xml
    m = agent.connect(user=name, password="Clear-Text-9")
    m.close_session()
