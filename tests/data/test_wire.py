"""wire_copy: replies and files put each module's subtree in its own default namespace, without prefixes."""

from __future__ import annotations

from typing import Any

from lxml import etree
from namespaces import NC, WD

from iosxe_agent.data.defaults import apply_with_defaults
from iosxe_agent.data.wire import wire_copy
from iosxe_agent.device.names import AAA_NS, NATIVE_NS, SNMP_NS


def test_default_namespace_form(ios: Any) -> None:
    tree = ios.tree(f'<hostname>R1</hostname><aaa><new-model xmlns="{AAA_NS}"/></aaa>')
    assert b"ns0:" not in etree.tostring(tree)  # edits create nodes in place, in the wire form
    before = etree.tostring(tree)
    out = etree.tostring(wire_copy(tree)).decode()
    assert etree.tostring(tree) == before
    assert out == (
        f'<config xmlns="{NC}"><native xmlns="{NATIVE_NS}"><hostname>R1</hostname>'
        f'<aaa><new-model xmlns="{AAA_NS}"/></aaa></native></config>'
    )


def test_every_module_switch_declares_its_namespace_once(ios: Any, helpers: Any) -> None:
    tree = ios.tree(
        f'<aaa><new-model xmlns="{AAA_NS}"/><authentication xmlns="{AAA_NS}"><login><name>default</name><a1><local/>'
        f'</a1></login></authentication></aaa><snmp-server><enable xmlns="{SNMP_NS}"><enable-choice><traps><tty/>'
        "</traps></enable-choice></enable></snmp-server>"
    )
    out = wire_copy(tree)
    for el in out.iter():
        parent = el.getparent()
        own = etree.QName(el).namespace
        declared = {k: v for k, v in el.nsmap.items() if parent is None or parent.nsmap.get(k) != v}
        if parent is None or etree.QName(parent).namespace != own:
            assert declared == {None: own}, etree.tostring(el)
        else:
            assert declared == {}, etree.tostring(el)
    text = etree.tostring(out).decode()
    assert ":" not in "".join(etree.QName(e).localname for e in out.iter())
    assert "ns0" not in text and "xmlns:" not in text
    assert f'<authentication xmlns="{AAA_NS}"><login><name>default</name>' in text
    assert f'<enable xmlns="{SNMP_NS}"><enable-choice><traps><tty/></traps>' in text


def test_copy_of_a_subtree_under_a_known_parent(ios: Any) -> None:
    tree = ios.tree("<hostname>R1</hostname>")
    native = tree[0]
    holder = etree.Element(f"{{{NATIVE_NS}}}data", nsmap={None: NATIVE_NS})
    holder.append(wire_copy(native, NATIVE_NS))
    assert (
        etree.tostring(holder) == f'<data xmlns="{NATIVE_NS}"><native><hostname>R1</hostname></native></data>'.encode()
    )
    assert etree.tostring(wire_copy(native)) == f'<native xmlns="{NATIVE_NS}"><hostname>R1</hostname></native>'.encode()


def test_attributes_keep_their_prefixes(ios: Any) -> None:
    tagged = apply_with_defaults(ios.tree("<ip><ssh><ssh-version>2</ssh-version></ssh></ip>"), ios.schema,
                                 "report-all-tagged")  # fmt: skip
    out = wire_copy(tagged)
    version = out.find(f".//{{{NATIVE_NS}}}ssh-version")
    assert version.get(f"{{{WD}}}default") == "true"
    assert version.nsmap.get("wd") == WD
    assert f'<ssh-version xmlns:wd="{WD}" wd:default="true">2</ssh-version>' in etree.tostring(out).decode()
    # an attribute in a namespace without a well-known prefix keeps the prefix it had
    el = etree.fromstring('<a xmlns="urn:a" xmlns:q="urn:q" q:x="1"><b xmlns:r="urn:r">t</b></a>')
    out = etree.tostring(wire_copy(el)).decode()
    assert out == '<a xmlns="urn:a" xmlns:q="urn:q" q:x="1"><b>t</b></a>'


def test_prefixed_values_stay_resolvable() -> None:
    el = etree.fromstring('<a xmlns="urn:a" xmlns:ids="urn:ids"><alg>ids:rsa</alg><url>http://x</url></a>')
    out = etree.tostring(wire_copy(el)).decode()
    assert out == '<a xmlns="urn:a"><alg xmlns:ids="urn:ids">ids:rsa</alg><url>http://x</url></a>'


def test_mixed_content_and_empty_elements() -> None:
    el = etree.fromstring('<a xmlns="urn:a"><e/><t>x</t><n xmlns="urn:b"><m/></n></a>')
    assert etree.tostring(wire_copy(el)) == b'<a xmlns="urn:a"><e/><t>x</t><n xmlns="urn:b"><m/></n></a>'


def test_round_trip_through_text_reparses_to_the_same_data(ios: Any, helpers: Any) -> None:
    from iosxe_agent.data.edit import load_config

    tree = load_config(helpers.instance("good_aaa_reference.xml"), ios.schema).tree
    text = etree.tostring(wire_copy(tree))
    again = load_config(etree.fromstring(text), ios.schema).tree
    assert etree.tostring(wire_copy(again)) == text
