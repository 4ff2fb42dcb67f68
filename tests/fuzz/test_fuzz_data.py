"""Fuzzing the data layer with the real Cisco schema: the edit engine, subtree filters and XPath filters.

Edits: only :class:`EditResult` comes back (never an exception), the datastore given is never changed, every
error carries an RFC 6241 error-tag, and the element budget is enforced. Filters: only FilterError /
XPathFilterError escape, and what a filter returns is a part of the data it filtered.
"""

from __future__ import annotations

import copy
from types import ModuleType

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.data.edit import apply_edit
from iosxe_agent.data.filter import FilterError, subtree_filter
from iosxe_agent.data.xpath_filter import XPathFilterError, xpath_filter
from iosxe_agent.netconf.errors import ErrorTag
from iosxe_agent.router import Device

FUZZ = settings.get_profile("iosxe-fuzz")
TAGS = {t.value for t in ErrorTag}
PREFIXES = {
    "ios": "http://cisco.com/ns/yang/Cisco-IOS-XE-native",
    "ios-aaa": "http://cisco.com/ns/yang/Cisco-IOS-XE-aaa",
    "x": "urn:example:other",
}


def _paths(tree: etree._Element) -> set[tuple[str, ...]]:
    """Every element as its chain of tags from the wrapper (content only: what a filter may return)."""
    out: set[tuple[str, ...]] = set()
    for el in tree.iter():
        if isinstance(el.tag, str):
            out.add(tuple(str(a.tag) for a in reversed([el, *el.iterancestors()]))[1:])
    return out


@settings(FUZZ, max_examples=FUZZ.max_examples)
@given(data=st.data())
def test_edit_engine(device: Device, gen: ModuleType, data: st.DataObject) -> None:
    schema = device.stores.schema
    before = copy.deepcopy(device.stores.running)
    edit = data.draw(gen.config(schema))
    budget = data.draw(st.sampled_from([3, 50, 500]))
    result = apply_edit(
        device.stores.running,
        edit,
        schema,
        default_operation=data.draw(st.sampled_from(["merge", "replace", "none"])),
        error_option=data.draw(st.sampled_from(["stop-on-error", "continue-on-error", "rollback-on-error"])),
        max_elements=budget,
    )
    assert etree.tostring(device.stores.running) == etree.tostring(before), "apply_edit changed its input"
    assert all(e.tag in TAGS and e.message for e in result.errors)
    if any(e.tag == "too-big" for e in result.errors):  # over the element budget: refused as a whole
        assert result.tree is None
    if result.tree is not None:
        etree.fromstring(etree.tostring(result.tree))


def test_edit_over_the_element_budget_is_refused_whole(device: Device) -> None:
    users = "".join(f"<username><name>u{i}</name><privilege>1</privilege></username>" for i in range(200))
    edit = etree.fromstring(
        f'<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><native xmlns="{PREFIXES["ios"]}">{users}'
        "</native></config>"
    )
    result = apply_edit(device.stores.running, edit, device.stores.schema, max_elements=500)
    assert result.tree is None and [e.tag for e in result.errors] == ["too-big"]


@settings(FUZZ, max_examples=FUZZ.max_examples)
@given(data=st.data())
def test_subtree_filter(device: Device, gen: ModuleType, data: st.DataObject) -> None:
    running = device.stores.running
    flt = data.draw(gen.config(device.stores.schema, "filter", edit_attrs=False))
    try:
        out = subtree_filter(running, flt, device.stores.schema)
    except FilterError as exc:
        assert str(exc)
        return
    assert _paths(out) <= _paths(running)


@settings(FUZZ, max_examples=3 * FUZZ.max_examples)
@given(data=st.data())
def test_xpath_filter(device: Device, gen: ModuleType, data: st.DataObject) -> None:
    running = device.stores.running
    expr = data.draw(gen.xpath_text())
    try:
        out = xpath_filter(running, expr, PREFIXES, device.stores.schema)
    except XPathFilterError as exc:
        assert str(exc)
        return
    assert _paths(out) <= _paths(running)
