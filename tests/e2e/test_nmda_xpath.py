"""XPath filters, with-defaults (RFC 6243) and NMDA get-data/edit-data (RFC 8526/8527) through ncclient against
the real agent process."""

from __future__ import annotations

import pytest
from agents import uniq
from lxml import etree
from namespaces import AAA, DS, IOS, NC, NMDA, OR, WD
from ncclient.operations.rpc import RPCError

NS = {"nc": NC, "ios": IOS, "aaa": AAA, "nmda": NMDA}
ORIGIN = f"{{{OR}}}origin"
DEFAULT = f"{{{WD}}}default"

XPATH_CAP = "urn:ietf:params:netconf:capability:xpath:1.0"
OPER_DEFAULTS_CAP = (
    "urn:ietf:params:netconf:capability:with-operational-defaults:1.0"
    "?basic-mode=explicit&also-supported=report-all-tagged,report-all"
)


def root_of(reply) -> etree._Element:
    return etree.fromstring(reply.xml.encode())


def data_el(reply, ns: str = NC) -> etree._Element:
    data = root_of(reply).find(f"{{{ns}}}data")
    assert data is not None, reply.xml
    return data


def canonical(el: etree._Element) -> bytes:
    """The data's children, canonicalised, so replies compare independently of prefixes and wrapper."""
    return b"".join(etree.tostring(c, method="c14n") for c in el)


def get_data(m, datastore: str, body: str = "") -> etree._Element:
    rpc = f'<get-data xmlns="{NMDA}" xmlns:ds="{DS}"><datastore>ds:{datastore}</datastore>{body}</get-data>'
    return data_el(m.dispatch(etree.fromstring(rpc)), NMDA)


def edit_data(m, datastore: str, config: str, extra: str = "") -> None:
    rpc = (
        f'<edit-data xmlns="{NMDA}" xmlns:ds="{DS}"><datastore>ds:{datastore}</datastore>{extra}'
        f'<config><native xmlns="{IOS}">{config}</native></config></edit-data>'
    )
    m.dispatch(etree.fromstring(rpc))


def rpc_error(m, xml: str) -> RPCError:
    with pytest.raises(RPCError) as exc:
        m.dispatch(etree.fromstring(xml))
    return exc.value


# -- hello -------------------------------------------------------------------------------------------------------
def test_hello_offers_xpath_and_with_operational_defaults(nc) -> None:
    caps = list(nc.server_capabilities)
    assert XPATH_CAP in caps
    assert OPER_DEFAULTS_CAP in caps
    # IOS XE order: xpath after validate, with-operational-defaults right after with-defaults
    assert caps.index(XPATH_CAP) < caps.index(OPER_DEFAULTS_CAP)
    with_defaults = next(i for i, c in enumerate(caps) if c.startswith("urn:ietf:params:netconf:capability:with-def"))
    assert caps.index(OPER_DEFAULTS_CAP) == with_defaults + 1


# -- XPath and subtree filters agree -----------------------------------------------------------------------------
EQUIVALENT = [
    ("/ios:native", f'<native xmlns="{IOS}"/>'),
    ("/ios:native/ios:hostname", f'<native xmlns="{IOS}"><hostname/></native>'),
    (
        "/ios:native/ios:username[ios:name='admin']",
        f'<native xmlns="{IOS}"><username><name>admin</name></username></native>',
    ),
    ("/ios:native/ios:username/ios:name", f'<native xmlns="{IOS}"><username><name/></username></native>'),
    ("/ios:native/ios:aaa/aaa:new-model", f'<native xmlns="{IOS}"><aaa><new-model xmlns="{AAA}"/></aaa></native>'),
    (
        "/ios:native/ios:aaa/aaa:authentication/aaa:login[aaa:name='default']/aaa:a1",
        f'<native xmlns="{IOS}"><aaa><authentication xmlns="{AAA}"><login><name>default</name><a1/></login>'
        "</authentication></aaa></native>",
    ),
    (
        "/ios:native/ios:username[ios:name='admin']/ios:privilege | /ios:native/ios:ip/ios:domain",
        f'<native xmlns="{IOS}"><username><name>admin</name><privilege/></username><ip><domain/></ip></native>',
    ),
]


@pytest.mark.parametrize(("select", "subtree"), EQUIVALENT)
def test_xpath_and_subtree_filters_give_the_same_answer(nc, select: str, subtree: str) -> None:
    by_xpath = data_el(nc.get_config("running", filter=("xpath", ({"ios": IOS, "aaa": AAA}, select))))
    by_subtree = data_el(nc.get_config("running", filter=("subtree", subtree)))
    assert len(by_xpath) == 1
    assert canonical(by_xpath) == canonical(by_subtree)
    # and byte for byte as the agent sends them
    assert etree.tostring(by_xpath) == etree.tostring(by_subtree)
    # <get> answers the same for configuration
    assert canonical(data_el(nc.get(filter=("xpath", ({"ios": IOS, "aaa": AAA}, select))))) == canonical(by_subtree)


def test_xpath_filter_selects_one_leaf_with_ancestors(nc) -> None:
    data = data_el(nc.get_config("running", filter=("xpath", ({"ios": IOS}, "/ios:native/ios:hostname"))))
    native = data.find("ios:native", NS)
    assert [etree.QName(c).localname for c in native] == ["hostname"]
    assert native.findtext("ios:hostname", namespaces=NS) == "Router"


def test_unprefixed_xpath_filter_as_ios_xe_scripts_send_it(nc) -> None:
    plain = data_el(nc.get_config("running", filter=("xpath", "/native/hostname")))
    prefixed = data_el(nc.get_config("running", filter=("xpath", ({"ios": IOS}, "/ios:native/ios:hostname"))))
    assert etree.tostring(plain) == etree.tostring(prefixed)


def test_xpath_filter_prefixes_come_from_the_filter_element(nc) -> None:
    rpc = (
        f'<get-config xmlns="{NC}"><source><running/></source>'
        f'<filter type="xpath" xmlns:n="{IOS}" xmlns:a="{AAA}" select="/n:native/n:aaa/a:new-model"/></get-config>'
    )
    data = data_el(nc.dispatch(etree.fromstring(rpc)))
    assert data.find("ios:native/ios:aaa/aaa:new-model", NS) is not None


@pytest.mark.parametrize(
    "select",
    ["/ios:native/", "/nope:native", "count(/ios:native)", "/ios:native/frob()", "/ios:native[", "$x"],
)
def test_bad_xpath_filter_is_invalid_value(nc, select: str) -> None:
    with pytest.raises(RPCError) as exc:
        nc.get_config("running", filter=("xpath", ({"ios": IOS}, select)))
    assert exc.value.tag == "invalid-value"
    with pytest.raises(RPCError) as exc:
        nc.get(filter=("xpath", ({"ios": IOS}, select)))
    assert exc.value.tag == "invalid-value"


def test_xpath_filter_without_select_is_missing_attribute(nc) -> None:
    err = rpc_error(nc, f'<get-config xmlns="{NC}"><source><running/></source><filter type="xpath"/></get-config>')
    assert err.tag == "missing-attribute"


def test_unknown_filter_type_is_bad_attribute(nc) -> None:
    err = rpc_error(nc, f'<get xmlns="{NC}"><filter type="jsonpath" select="$"/></get>')
    assert err.tag == "bad-attribute"


# -- with-defaults on get, get-config, copy-config ---------------------------------------------------------------
SSH_FILTER = f'<native xmlns="{IOS}"><ip><ssh/><domain/></ip></native>'


def _ip(data: etree._Element) -> etree._Element:
    ip = data.find("ios:native/ios:ip", NS)
    assert ip is not None
    return ip


@pytest.mark.parametrize("op", ["get", "get-config"])
def test_with_defaults_modes(nc, op: str) -> None:
    def fetch(mode: str | None) -> etree._Element:
        wd = f'<with-defaults xmlns="{WD}">{mode}</with-defaults>' if mode else ""
        source = "<source><running/></source>" if op == "get-config" else ""
        rpc = f'<{op} xmlns="{NC}">{source}<filter type="subtree">{SSH_FILTER}</filter>{wd}</{op}>'
        return _ip(data_el(nc.dispatch(etree.fromstring(rpc))))

    basic = fetch(None)
    explicit = fetch("explicit")
    assert etree.tostring(basic) == etree.tostring(explicit)
    # bootstrap sets ssh-version 2, which is also its default; domain lookup is left at its default (true)
    assert explicit.findtext("ios:ssh/ios:ssh-version", namespaces=NS) == "2"
    assert explicit.find("ios:domain/ios:lookup", NS) is None

    every = fetch("report-all")
    assert every.findtext("ios:domain/ios:lookup", namespaces=NS) == "true"
    assert every.findtext("ios:ssh/ios:dh/ios:min/ios:size", namespaces=NS) == "2048"
    assert not any(e.get(DEFAULT) for e in every.iter())

    tagged = fetch("report-all-tagged")
    assert tagged.find("ios:domain/ios:lookup", NS).get(DEFAULT) == "true"
    assert tagged.find("ios:ssh/ios:ssh-version", NS).get(DEFAULT) == "true"  # set, but to its default
    assert tagged.find("ios:domain/ios:name", NS).get(DEFAULT) is None

    trimmed = fetch("trim")
    assert trimmed.find("ios:ssh/ios:ssh-version", NS) is None
    assert trimmed.find("ios:domain/ios:lookup", NS) is None
    assert trimmed.findtext("ios:domain/ios:name", namespaces=NS) == "lab.local"


def test_ncclient_with_defaults_argument(nc) -> None:
    tagged = data_el(nc.get_config("running", filter=("subtree", SSH_FILTER), with_defaults="report-all-tagged"))
    assert tagged.find(".//ios:domain/ios:lookup", NS).get(DEFAULT) == "true"
    xml = nc.get(filter=("subtree", SSH_FILTER), with_defaults="report-all-tagged").xml
    assert f'xmlns:wd="{WD}"' in xml and 'wd:default="true"' in xml


@pytest.mark.parametrize("op", ["get", "get-config", "copy-config"])
def test_unknown_with_defaults_mode_is_invalid_value(nc, op: str) -> None:
    body = {
        "get": "",
        "get-config": "<source><running/></source>",
        "copy-config": "<target><candidate/></target><source><running/></source>",
    }[op]
    err = rpc_error(nc, f'<{op} xmlns="{NC}">{body}<with-defaults xmlns="{WD}">everything</with-defaults></{op}>')
    assert err.tag == "invalid-value"


@pytest.mark.parametrize("mode", ["explicit", "report-all", "report-all-tagged", "trim"])
def test_copy_config_takes_with_defaults_and_keeps_what_is_configured(agent, mode: str) -> None:
    m = agent.connect()
    try:
        rpc = (
            f'<copy-config xmlns="{NC}"><target><candidate/></target><source><running/></source>'
            f'<with-defaults xmlns="{WD}">{mode}</with-defaults></copy-config>'
        )
        m.dispatch(etree.fromstring(rpc))
        candidate = data_el(m.get_config("candidate"))
        running = data_el(m.get_config("running"))
        # a datastore target keeps what was configured: no defaults become configuration, none is trimmed
        assert etree.tostring(candidate) == etree.tostring(running)
        assert candidate.find(".//ios:domain/ios:lookup", NS) is None
        assert candidate.findtext(".//ios:ssh/ios:ssh-version", namespaces=NS) == "2"
    finally:
        m.discard_changes()
        m.close_session()


def test_copy_config_accepts_a_report_all_tagged_reply_back(agent) -> None:
    m = agent.connect()
    try:
        tagged = data_el(m.get_config("running", with_defaults="report-all-tagged"))
        assert tagged.find(".//ios:domain/ios:lookup", NS).get(DEFAULT) == "true"
        config = etree.Element(f"{{{NC}}}config", nsmap={None: NC})
        config.extend(list(tagged))
        copy = etree.Element(f"{{{NC}}}copy-config", nsmap={None: NC})
        etree.SubElement(etree.SubElement(copy, f"{{{NC}}}target"), f"{{{NC}}}candidate")
        etree.SubElement(copy, f"{{{NC}}}source").append(config)
        m.dispatch(copy)
        candidate = data_el(m.get_config("candidate"))
        assert not any(e.get(DEFAULT) for e in candidate.iter())
        assert candidate.find(".//ios:domain/ios:lookup", NS) is None  # tagged defaults are not configuration
        assert candidate.findtext(".//ios:ssh/ios:ssh-version", namespaces=NS) is None  # nor is a default value
        assert candidate.findtext(".//ios:domain/ios:name", namespaces=NS) == "lab.local"
    finally:
        m.discard_changes()
        m.close_session()


def test_a_wd_default_tag_on_a_non_default_value_is_invalid_value(nc) -> None:
    config = (
        f'<config xmlns="{NC}"><native xmlns="{IOS}" xmlns:wd="{WD}"><ip><ssh>'
        '<time-out wd:default="true">99</time-out></ssh></ip></native></config>'
    )
    err = rpc_error(nc, f'<edit-config xmlns="{NC}"><target><candidate/></target>{config}</edit-config>')
    assert err.tag == "invalid-value"


# -- get-data ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("datastore", ["running", "candidate", "operational"])
def test_get_data_on_each_datastore(nc, datastore: str) -> None:
    data = get_data(nc, datastore)
    assert data.tag == f"{{{NMDA}}}data"
    assert data.findtext("ios:native/ios:hostname", namespaces=NS) == "Router"
    assert data.find("ios:native/aaa:new-model", NS) is None
    assert data.find("ios:native/ios:aaa/aaa:new-model", NS) is not None


def test_get_data_running_equals_get_config(nc) -> None:
    assert canonical(get_data(nc, "running")) == canonical(data_el(nc.get_config("running")))


def test_get_data_filters_like_get_config(nc) -> None:
    for select, subtree in EQUIVALENT:
        by_xpath = get_data(nc, "running", f'<xpath-filter xmlns:ios="{IOS}" xmlns:aaa="{AAA}">{select}</xpath-filter>')
        by_subtree = get_data(nc, "running", f"<subtree-filter>{subtree}</subtree-filter>")
        reference = data_el(nc.get_config("running", filter=("subtree", subtree)))
        assert canonical(by_xpath) == canonical(by_subtree) == canonical(reference)


def test_get_data_operational_with_origin(nc) -> None:
    data = get_data(nc, "operational", "<with-origin/>")
    native = data.find("ios:native", NS)
    assert native.get(ORIGIN) == "or:intended"
    # the value's prefix resolves to ietf-origin where it is used
    assert native.nsmap.get("or") == OR
    # inherited below: configured nodes carry no annotation of their own
    assert native.find("ios:hostname", NS).get(ORIGIN) is None
    assert native.find("ios:ip/ios:domain/ios:lookup", NS) is None  # basic-mode explicit: no defaults


def test_get_data_operational_defaults_have_origin_default(nc) -> None:
    body = f'<with-origin/><with-defaults xmlns="{WD}">report-all-tagged</with-defaults>'
    native = get_data(nc, "operational", body).find("ios:native", NS)
    lookup = native.find("ios:ip/ios:domain/ios:lookup", NS)
    assert lookup.text == "true"
    assert lookup.get(ORIGIN) == "or:default"
    assert lookup.get(DEFAULT) == "true"
    version = native.find("ios:ip/ios:ssh/ios:ssh-version", NS)  # configured, equal to its default
    assert version.get(ORIGIN) is None and version.get(DEFAULT) == "true"
    assert native.find("ios:ip/ios:domain/ios:name", NS).get(ORIGIN) is None


def test_get_data_origin_filter(nc) -> None:
    report_all = f'<with-defaults xmlns="{WD}">report-all</with-defaults>'
    body = f'<origin-filter xmlns:or="{OR}">or:default</origin-filter>{report_all}'
    native = get_data(nc, "operational", body).find("ios:native", NS)
    assert native.findtext("ios:ip/ios:domain/ios:lookup", namespaces=NS) == "true"
    assert native.find("ios:hostname", NS) is None
    assert native.find("ios:ip/ios:domain/ios:name", NS) is None
    negated = f'<negated-origin-filter xmlns:or="{OR}">or:default</negated-origin-filter>{report_all}'
    native = get_data(nc, "operational", negated).find("ios:native", NS)
    assert native.findtext("ios:hostname", namespaces=NS) == "Router"
    assert native.find("ios:ip/ios:domain/ios:lookup", NS) is None


def test_with_origin_is_only_for_operational(nc) -> None:
    for ds in ("running", "candidate"):
        err = rpc_error(
            nc,
            f'<get-data xmlns="{NMDA}" xmlns:ds="{DS}"><datastore>ds:{ds}</datastore><with-origin/></get-data>',
        )
        assert err.tag == "invalid-value"


def test_get_data_config_filter(nc) -> None:
    assert len(get_data(nc, "running", "<config-filter>false</config-filter>")) == 0
    only_config = get_data(nc, "operational", "<config-filter>true</config-filter>")
    assert canonical(only_config) == canonical(data_el(nc.get_config("running")))
    state = get_data(nc, "operational", "<config-filter>false</config-filter>")
    assert state.find("ios:native", NS) is None


def test_get_data_max_depth(nc) -> None:
    one = get_data(nc, "running", "<max-depth>1</max-depth>")
    native = one.find("ios:native", NS)
    assert native is not None and len(native) == 0
    two = get_data(nc, "running", "<max-depth>2</max-depth>").find("ios:native", NS)
    assert two.findtext("ios:hostname", namespaces=NS) == "Router"
    user = two.find("ios:username", NS)
    assert [etree.QName(c).localname for c in user] == ["name"]  # a list entry at the limit keeps its key
    assert len(two.find("ios:ip", NS)) == 0
    flt = f'<xpath-filter xmlns:ios="{IOS}">/ios:native/ios:ip</xpath-filter><max-depth>2</max-depth>'
    ip = get_data(nc, "running", flt).find("ios:native/ios:ip", NS)
    assert {etree.QName(c).localname for c in ip} >= {"domain", "ssh"}
    assert all(len(c) == 0 for c in ip)
    unbounded = get_data(nc, "running", "<max-depth>unbounded</max-depth>")
    assert canonical(unbounded) == canonical(get_data(nc, "running"))


@pytest.mark.parametrize(
    ("body", "tag"),
    [
        ("<datastore>ds:intended</datastore>", "invalid-value"),
        ("<datastore>ds:startup</datastore>", "invalid-value"),
        (f'<datastore xmlns:x="{NMDA}">x:running</datastore>', "invalid-value"),
        ("<datastore>ds:running</datastore><max-depth>0</max-depth>", "invalid-value"),
        ("<datastore>ds:running</datastore><config-filter>maybe</config-filter>", "invalid-value"),
        ("<datastore>ds:running</datastore><xpath-filter>count(/)</xpath-filter>", "invalid-value"),
        ("<datastore>ds:running</datastore><frobnicate/>", "unknown-element"),
        ("", "missing-element"),
    ],
)
def test_get_data_errors(nc, body: str, tag: str) -> None:
    assert rpc_error(nc, f'<get-data xmlns="{NMDA}" xmlns:ds="{DS}">{body}</get-data>').tag == tag


# -- edit-data ---------------------------------------------------------------------------------------------------
def test_edit_data_to_candidate_then_commit(agent) -> None:
    m = agent.connect()
    name = uniq("nmda")
    try:
        edit_data(m, "candidate", f"<username><name>{name}</name><privilege>5</privilege></username>")
        flt = f"<xpath-filter xmlns:ios=\"{IOS}\">/ios:native/ios:username[ios:name='{name}']</xpath-filter>"
        assert get_data(m, "candidate", flt).findtext(".//ios:privilege", namespaces=NS) == "5"
        assert len(get_data(m, "running", flt)) == 0
        m.commit()
        assert get_data(m, "running", flt).findtext(".//ios:privilege", namespaces=NS) == "5"
        assert get_data(m, "operational", flt).findtext(".//ios:privilege", namespaces=NS) == "5"
        # nc:operation attributes work in edit-data as in edit-config
        edit_data(m, "running", f'<username xmlns:nc="{NC}" nc:operation="delete"><name>{name}</name></username>')
        assert len(get_data(m, "running", flt)) == 0
    finally:
        m.discard_changes()
        m.close_session()


def test_edit_data_default_operation_none_and_replace(agent) -> None:
    m = agent.connect()
    try:
        err = rpc_error(
            m,
            f'<edit-data xmlns="{NMDA}" xmlns:ds="{DS}"><datastore>ds:candidate</datastore>'
            f"<default-operation>none</default-operation>"
            f'<config><native xmlns="{IOS}"><ip><ssh><time-out>77</time-out></ssh></ip></native></config></edit-data>',
        )
        assert err.tag == "data-missing"
        edit_data(m, "candidate", "<hostname>Nmda1</hostname>", "<default-operation>merge</default-operation>")
        assert get_data(m, "candidate").findtext("ios:native/ios:hostname", namespaces=NS) == "Nmda1"
    finally:
        m.discard_changes()
        m.close_session()


def test_edit_data_failure_changes_nothing(agent) -> None:
    m = agent.connect()
    try:
        before = canonical(get_data(m, "running"))
        err = rpc_error(
            m,
            f'<edit-data xmlns="{NMDA}" xmlns:ds="{DS}"><datastore>ds:running</datastore>'
            f'<config><native xmlns="{IOS}"><hostname>Ok1</hostname><ip><ssh><time-out>notanumber</time-out>'
            "</ssh></ip></native></config></edit-data>",
        )
        assert err.tag in ("invalid-value", "bad-element")
        assert canonical(get_data(m, "running")) == before
    finally:
        m.close_session()


@pytest.mark.parametrize(
    ("body", "tag"),
    [
        ("<datastore>ds:operational</datastore><config/>", "invalid-value"),
        ("<datastore>ds:intended</datastore><config/>", "invalid-value"),
        ("<datastore>ds:running</datastore>", "missing-element"),
        ("<datastore>ds:running</datastore><url>file:///tmp/x.xml</url>", "operation-not-supported"),
        ("<datastore>ds:running</datastore><default-operation>merge-ish</default-operation><config/>", "bad-element"),
    ],
)
def test_edit_data_errors(nc, body: str, tag: str) -> None:
    assert rpc_error(nc, f'<edit-data xmlns="{NMDA}" xmlns:ds="{DS}">{body}</edit-data>').tag == tag
