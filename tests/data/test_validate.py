"""Whole-tree validation: when, must, leafref, mandatory, min/max-elements and unique on the Cisco schema."""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree

from iosxe_agent.data.edit import load_config
from iosxe_agent.data.validate import validate
from iosxe_agent.device.names import AAA_NS, NATIVE_NS

A = f'xmlns="{AAA_NS}"'
LOGIN = "/ios:native/ios:aaa/ios-aaa:authentication/ios-aaa:login[ios-aaa:name='default']"


def problems(doc: Any, body: str) -> list[tuple[str, str | None, str | None]]:
    tree = doc.tree(body)
    before = etree.tostring(tree)
    errors = validate(tree, doc.schema)
    assert etree.tostring(tree) == before
    for e in errors:
        if e.path:  # every prefix in an error path resolves
            for step in e.path.strip("/").split("/"):
                assert step.split(":")[0] in e.path_ns
    return [(e.tag, e.app_tag, e.path) for e in errors]


def login(a1: str, a2: str = "", a3: str = "") -> str:
    body = f"<a1>{a1}</a1>" + (f"<a2>{a2}</a2>" if a2 else "") + (f"<a3>{a3}</a3>" if a3 else "")
    return f"<aaa><authentication {A}><login><name>default</name>{body}</login></authentication></aaa>"


# ------------------------------------------------------------------------------------------------ when


def test_a2_needs_a1_other_than_none(ios: Any) -> None:
    assert problems(ios, login("<none/>", "<local/>")) == [("unknown-element", None, f"{LOGIN}/ios-aaa:a2")]
    assert problems(ios, login("<group>tacacs+</group>", "<local/>")) == []
    assert problems(ios, login("<local/>", "<none/>")) == []


def test_a3_needs_a1_and_a2_other_than_none(ios: Any) -> None:
    assert problems(ios, login("<group>TAC</group>", "<none/>", "<local/>")) == [
        ("unknown-element", None, f"{LOGIN}/ios-aaa:a3")
    ]
    assert problems(ios, login("<group>TAC</group>", "<line/>", "<local/>")) == []


def test_local_only_once_per_list(ios: Any) -> None:
    assert problems(ios, login("<local/>", "<local/>")) == [
        ("unknown-element", None, f"{LOGIN}/ios-aaa:a2/ios-aaa:local")
    ]
    assert problems(ios, login("<local-case/>", "<group>radius</group>", "<local/>")) == [
        ("unknown-element", None, f"{LOGIN}/ios-aaa:a3/ios-aaa:local")
    ]


def test_exec_authorization_when(ios: Any) -> None:
    body = (f"<aaa><authorization {A}><exec><name>default</name><a1><if-authenticated/></a1><a2><local/></a2>"
            "</exec></authorization></aaa>")  # fmt: skip
    [(tag, _, path)] = problems(ios, body)
    assert tag == "unknown-element" and path.endswith("ios-aaa:exec[ios-aaa:name='default']/ios-aaa:a2")


def test_when_message_names_the_condition(ios: Any) -> None:
    tree = ios.tree(login("<none/>", "<local/>"))
    [err] = validate(tree, ios.schema)
    assert "not(../a1/none)" in err.message


# ------------------------------------------------------------------------------------------------ must

POLICY = (f"<username><name>ops</name><common-criteria-policy {A}><common-criteria-policy>STRONG"
          "</common-criteria-policy></common-criteria-policy></username>")  # fmt: skip


def test_username_policy_needs_common_criteria(ios: Any) -> None:
    tree = ios.tree(POLICY)
    [err] = validate(tree, ios.schema)
    assert (err.tag, err.app_tag) == ("operation-failed", "must-violation")
    assert err.message == "Configure common-criteria policy before using it"
    assert (
        err.path
        == "/ios:native/ios:username[ios:name='ops']/ios-aaa:common-criteria-policy/ios-aaa:common-criteria-policy"
    )
    assert err.path_ns == {"ios": NATIVE_NS, "ios-aaa": AAA_NS}
    fixed = (
        POLICY + f"<aaa><common-criteria {A}><policy>STRONG</policy><min-length>8</min-length></common-criteria></aaa>"
    )
    assert problems(ios, fixed) == []
    other = POLICY + f"<aaa><common-criteria {A}><policy>WEAK</policy></common-criteria></aaa>"
    assert [p[1] for p in problems(ios, other)] == ["must-violation"]


def commands(group: str, extra: str = "") -> str:
    return (f"<aaa><authorization {A}><commands><level>15</level><list-name>default</list-name>"
            f"<a1><group>{group}</group></a1></commands></authorization>{extra}</aaa>")  # fmt: skip


def test_command_authorization_group_must(ios: Any) -> None:
    [(tag, app_tag, path)] = problems(ios, commands("NOSUCH"))
    assert (tag, app_tag) == ("operation-failed", "must-violation")
    assert path.endswith("ios-aaa:commands[ios-aaa:level='15'][ios-aaa:list-name='default']/ios-aaa:a1/ios-aaa:group")
    assert problems(ios, commands("tacacs+")) == []
    group = f"<group {A}><server><tacacsplus><name>TAC</name></tacacsplus></server></group>"
    assert problems(ios, commands("TAC", group)) == []
    radius = f"<group {A}><server><radius><name>TAC</name></radius></server></group>"
    assert len(problems(ios, commands("TAC", radius))) == 1  # a radius group of that name does not count


# --------------------------------------------------------------------------------------------- leafref

ATTR_USER = "<username><name>ops</name><aaa xmlns='{}'><attribute><list>ATTRS</list></attribute></aaa></username>"


def test_username_attribute_list_leafref(ios: Any) -> None:
    body = ATTR_USER.format(AAA_NS)
    [(tag, app_tag, path)] = problems(ios, body)
    assert (tag, app_tag) == ("data-missing", "instance-required")
    assert path == "/ios:native/ios:username[ios:name='ops']/ios-aaa:aaa/ios-aaa:attribute/ios-aaa:list"
    defined = body + f"<aaa><attribute {A}><list><name>ATTRS</name></list></attribute></aaa>"
    assert problems(ios, defined) == []
    other = body + f"<aaa><attribute {A}><list><name>OTHER</name></list></attribute></aaa>"
    assert [p[0] for p in problems(ios, other)] == ["data-missing"]


# ------------------------------------------------------------------------------------------- mandatory


def test_mandatory_leaf_in_a_list_entry(ios: Any) -> None:
    body = ("<line><vty><first>0</first><last>4</last><access-class><acccess-list><direction>in</direction>"
            "</acccess-list></access-class></vty></line>")  # fmt: skip
    [(tag, _, path)] = problems(ios, body)
    assert tag == "data-missing"
    assert path == ("/ios:native/ios:line/ios:vty[ios:first='0']/ios:access-class/ios:acccess-list"
                    "[ios:direction='in']/ios:access-list")  # fmt: skip
    fixed = body.replace("</direction>", "</direction><access-list>SSH</access-list>")
    assert problems(ios, fixed) == []


def test_mandatory_and_unique_on_edge(edge: Any) -> None:
    pair = "<pair><a>x</a><b>1</b></pair>"
    assert problems(edge, pair + "<rule><name>r</name></rule>") == [
        ("data-missing", None, "/te:top/te:rule[te:name='r']/te:action")
    ]
    dup = (
        "<rule><name>r1</name><prio>1</prio><action>a</action></rule>"
        "<rule><name>r2</name><prio>1</prio><action>a</action></rule>"
    )
    assert problems(edge, pair + dup) == [("operation-failed", "data-not-unique", "/te:top/te:rule")]
    distinct = dup.replace("<name>r2</name><prio>1</prio>", "<name>r2</name><prio>2</prio>")
    assert problems(edge, pair + distinct) == []
    no_prio = dup.replace("<prio>1</prio>", "")
    assert problems(edge, pair + no_prio) == []  # entries without the unique leaf do not clash


# ------------------------------------------------------------------------------------ min/max-elements


def key_hashes(n: int) -> str:
    entries = "".join(f"<key-hash><key-type>ssh-rsa</key-type><key-hash-value>{i:032X}</key-hash-value></key-hash>"
                      for i in range(n))  # fmt: skip
    return f"<ip><ssh><pubkey-chain><username><name>admin</name>{entries}</username></pubkey-chain></ssh></ip>"


def test_at_most_two_key_hashes_per_user(ios: Any) -> None:
    assert problems(ios, key_hashes(2)) == []
    [(tag, app_tag, path)] = problems(ios, key_hashes(3))
    assert (tag, app_tag) == ("operation-failed", "too-many-elements")
    assert path == "/ios:native/ios:ip/ios:ssh/ios:pubkey-chain/ios:username[ios:name='admin']/ios:key-hash"


def pubkey_users(n: int) -> str:
    users = "".join(f"<username><name>user{i:02d}</name></username>" for i in range(n))
    return f"<ip><ssh><pubkey-chain>{users}</pubkey-chain></ssh></ip>"


def test_at_most_fifteen_pubkey_chain_users(ios: Any) -> None:
    assert problems(ios, pubkey_users(15)) == []
    [(tag, app_tag, path)] = problems(ios, pubkey_users(16))
    assert (tag, app_tag, path) == (
        "operation-failed", "too-many-elements", "/ios:native/ios:ip/ios:ssh/ios:pubkey-chain/ios:username",
    )  # fmt: skip
    # top-level usernames have no such bound
    assert problems(ios, "".join(f"<username><name>u{i}</name></username>" for i in range(40))) == []


def test_min_and_max_elements_on_edge(edge: Any) -> None:
    assert problems(edge, "<mode>fast</mode>") == [("operation-failed", "too-few-elements", "/te:top/te:pair")]
    four = "".join(f"<pair><a>x</a><b>{i}</b></pair>" for i in range(4))
    assert problems(edge, four) == [("operation-failed", "too-many-elements", "/te:top/te:pair")]
    tags = "".join(f"<tag>t{i}</tag>" for i in range(5))
    assert problems(edge, "<pair><a>x</a><b>1</b></pair>" + tags) == [
        ("operation-failed", "too-many-elements", "/te:top/te:tag")
    ]
    assert validate(edge.empty(), edge.schema) == ()  # no top container, nothing required


# ------------------------------------------------------------------------------------- whole documents


@pytest.mark.parametrize(
    "name",
    ["good_aaa_reference.xml", "good_aaa_extended.xml", "good_ssh_reference.xml", "good_line_reference.xml",
     "good_crypto_pubkey.xml", "good_scp_guide.xml", "good_snmp_reference.xml"],
)  # fmt: skip
def test_reference_documents_are_valid(ios: Any, helpers: Any, name: str) -> None:
    result = load_config(helpers.instance(name), ios.schema)
    assert result.tree is not None and not result.errors
    assert validate(result.tree, ios.schema) == ()


@pytest.mark.parametrize(
    ("name", "app_tag"),
    [
        ("bad_aaa_a2_after_none.xml", None),
        ("bad_aaa_local_twice.xml", None),
        ("bad_aaa_commands_group_not_tacacs.xml", "must-violation"),
        ("bad_username_policy_missing.xml", "must-violation"),
        ("bad_pubkey_three_hashes.xml", "too-many-elements"),
    ],
)
def test_reference_documents_are_invalid(ios: Any, helpers: Any, name: str, app_tag: str | None) -> None:
    result = load_config(helpers.instance(name), ios.schema)
    assert result.tree is not None and not result.errors  # well-typed: only the cross-node rules fail
    [err] = validate(result.tree, ios.schema)
    assert err.app_tag == app_tag


def test_every_error_is_reported_up_to_max_errors(ios: Any) -> None:
    body = "".join(
        f"<username><name>u{i}</name><common-criteria-policy {A}><common-criteria-policy>P{i}"
        "</common-criteria-policy></common-criteria-policy></username>"
        for i in range(6)
    )
    tree = ios.tree(body)
    assert len(validate(tree, ios.schema)) == 6
    assert len(validate(tree, ios.schema, max_errors=2)) == 2
