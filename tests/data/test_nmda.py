"""NMDA views (iosxe_agent.data.nmda): the operational tree with origins, config-filter, origin-filter, max-depth and
selection intersection; and RFC 6243 wd:default tags in edit/copy content (iosxe_agent.data.defaults)."""

from __future__ import annotations

from typing import Any

from lxml import etree
from namespaces import IOS, NC, WD

from iosxe_agent.data.defaults import resolve_default_tags
from iosxe_agent.data.filter import build_selection
from iosxe_agent.data.nmda import (
    DEFAULT,
    INTENDED,
    ORIGIN_ATTR,
    config_selection,
    finish_origins,
    intersect,
    limit_depth,
    operational_tree,
    origin_selection,
    whole,
)
from iosxe_agent.data.wire import wire_copy

EDGE = "urn:test:edge"
N = {"ios": IOS, "te": EDGE}
BODY = (
    "<hostname>R1</hostname><username><name>a</name><privilege>15</privilege></username>"
    "<ip><domain><name>x</name></domain></ip>"
)


def text(el: etree._Element) -> str:
    return etree.tostring(el).decode()


def test_operational_tree_marks_and_origins(ios: Any) -> None:
    running = ios.tree(BODY)
    before = etree.tostring(running)
    tree = operational_tree(running, [], ios.schema, "report-all", track_origin=True)
    assert etree.tostring(running) == before  # input untouched
    out = build_selection(tree, whole(tree), ios.schema)
    finish_origins(out, ios.schema, annotate=True)
    native = out.find("ios:native", N)
    assert native.get(ORIGIN_ATTR) == "or:intended"
    assert native.find("ios:hostname", N).get(ORIGIN_ATTR) is None
    assert native.find("ios:ip/ios:domain/ios:lookup", N).get(ORIGIN_ATTR) == "or:default"
    # non-presence containers made only for defaults carry no origin; their leaves do
    dh = native.find("ios:ip/ios:ssh/ios:dh", N)
    assert dh.get(ORIGIN_ATTR) is None and dh.find("ios:min/ios:size", N).get(ORIGIN_ATTR) == "or:default"
    # no private marks are left, and the wire copy declares the or: prefix where it is used
    assert all(len(e.attrib) <= 1 for e in out.iter())
    wire = etree.tostring(wire_copy(native)).decode()
    assert 'xmlns:or="urn:ietf:params:xml:ns:yang:ietf-origin" or:origin="or:intended"' in wire
    assert "internal" not in wire


def test_finish_origins_without_annotating_only_removes_marks(ios: Any) -> None:
    tree = operational_tree(ios.tree(BODY), [], ios.schema, "explicit", track_origin=True)
    out = build_selection(tree, whole(tree), ios.schema)
    finish_origins(out, ios.schema, annotate=False)
    assert text(wire_copy(out[0])) == text(wire_copy(ios.tree(BODY)[0]))


def test_state_nodes_carry_no_origin(edge: Any) -> None:
    running = edge.tree("<mode>fast</mode>")
    state = etree.fromstring(f'<top xmlns="{EDGE}"><state><uptime>5</uptime></state></top>')
    tree = operational_tree(running, [], edge.schema, "explicit", track_origin=True)
    tree[0].append(state[0])  # state inside a config container, as a provider would merge it
    out = build_selection(tree, whole(tree), edge.schema)
    finish_origins(out, edge.schema, annotate=True)
    assert out.find("te:top", N).get(ORIGIN_ATTR) == "or:intended"
    assert out.find("te:top/te:state", N).get(ORIGIN_ATTR) is None
    assert out.find("te:top/te:state/te:uptime", N).get(ORIGIN_ATTR) is None


def test_config_selection(edge: Any) -> None:
    tree = edge.tree("<mode>fast</mode><rule><name>r</name><prio>1</prio><action>a</action></rule>")
    tree[0].append(etree.fromstring(f'<state xmlns="{EDGE}"><uptime>5</uptime></state>'))
    only_config = build_selection(tree, config_selection(tree, edge.schema, True), edge.schema)
    assert only_config.find("te:top/te:state", N) is None
    assert only_config.findtext("te:top/te:rule/te:action", namespaces=N) == "a"
    only_state = build_selection(tree, config_selection(tree, edge.schema, False), edge.schema)
    assert [etree.QName(c).localname for c in only_state.find("te:top", N)] == ["state"]


def test_origin_selection_keeps_state_and_matching_config(ios: Any) -> None:
    tree = operational_tree(ios.tree(BODY), [], ios.schema, "report-all", track_origin=True)
    defaults = build_selection(tree, origin_selection(tree, ios.schema, lambda o: o == DEFAULT), ios.schema)
    finish_origins(defaults, ios.schema, annotate=False)
    native = defaults.find("ios:native", N)
    assert native.find("ios:hostname", N) is None
    assert native.findtext("ios:ip/ios:domain/ios:lookup", namespaces=N) == "true"
    assert native.find("ios:ip/ios:domain/ios:name", N) is None
    intended = build_selection(tree, origin_selection(tree, ios.schema, lambda o: o == INTENDED), ios.schema)
    finish_origins(intended, ios.schema, annotate=False)
    assert text(wire_copy(intended[0])) == text(wire_copy(ios.tree(BODY)[0]))


def test_intersect(ios: Any) -> None:
    tree = ios.tree(BODY)
    native = tree[0]
    hostname, username, ip = list(native)
    a = {native: {hostname: True, username: True}}
    b = {native: {username: {username[0]: True}, ip: True}}
    assert intersect(a, b) == {native: {username: {username[0]: True}}}
    assert intersect(a, {native: True}) == a
    assert intersect({native: {ip: True}}, {native: {hostname: True}}) == {}


def test_limit_depth(ios: Any) -> None:
    tree = ios.tree(BODY)
    one = build_selection(tree, limit_depth(whole(tree), 1), ios.schema)
    assert text(wire_copy(one[0])) == f'<native xmlns="{IOS}"/>'
    two = build_selection(tree, limit_depth(whole(tree), 2), ios.schema)
    assert (
        text(wire_copy(two[0]))
        == f'<native xmlns="{IOS}"><hostname>R1</hostname><username><name>a</name></username><ip/></native>'
    )
    assert limit_depth(whole(tree), None) == whole(tree)


def test_resolve_default_tags(ios: Any) -> None:
    cfg = etree.fromstring(
        f'<config xmlns="{NC}" xmlns:wd="{WD}"><native xmlns="{IOS}"><ip><domain>'
        '<lookup wd:default="true">true</lookup><name wd:default="false">x</name></domain></ip></native></config>'
    )
    same, errors = resolve_default_tags(cfg, ios.schema, edit=False)
    assert not errors
    assert same.find("ios:native/ios:ip/ios:domain/ios:lookup", N) is None
    assert same.find("ios:native/ios:ip/ios:domain/ios:name", N).attrib == {}
    assert cfg.find("ios:native/ios:ip/ios:domain/ios:lookup", N) is not None  # input untouched
    edit, errors = resolve_default_tags(cfg, ios.schema, edit=True)
    assert not errors
    assert edit.find("ios:native/ios:ip/ios:domain/ios:lookup", N).get(f"{{{NC}}}operation") == "remove"
    plain = etree.fromstring(f'<config xmlns="{NC}"><native xmlns="{IOS}"><hostname>R</hostname></native></config>')
    assert resolve_default_tags(plain, ios.schema, edit=True) == (plain, ())


def test_resolve_default_tags_errors(ios: Any) -> None:
    def errors(body: str) -> list[str]:
        cfg = etree.fromstring(f'<config xmlns="{NC}" xmlns:wd="{WD}"><native xmlns="{IOS}">{body}</native></config>')
        return [e.tag for e in resolve_default_tags(cfg, ios.schema, edit=True)[1]]

    assert errors('<ip><domain><lookup wd:default="true">false</lookup></domain></ip>') == ["invalid-value"]
    assert errors('<hostname wd:default="true">R</hostname>') == ["invalid-value"]
    assert errors('<ip wd:default="yes"/>') == ["bad-attribute"]
