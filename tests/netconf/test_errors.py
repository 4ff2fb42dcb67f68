"""<rpc-error> rendering and <rpc-reply> envelopes (RFC 6241 §4.2, §4.3, Appendix A)."""

from __future__ import annotations

import re

import pytest
from lxml import etree
from namespaces import AAA, IA, IOS

from iosxe_agent.limits import DEFAULT_LIMITS
from iosxe_agent.netconf.errors import (
    ErrorTag,
    ErrorType,
    RpcError,
    missing_message_id,
    render_rpc_error,
    rpc_reply,
    rpc_reply_with_errors,
)
from iosxe_agent.netconf.xmlio import NC_NS, XML_NS, parse_message, qn, serialize

FULL = RpcError(
    ErrorType.APPLICATION,
    ErrorTag.INVALID_VALUE,
    message="inconsistent value",
    severity="error",
    app_tag="too-long",
    path="/ios:native/ios:username[ios:name='a:b']/ios-aaa:privilege",
    path_ns={"ios": IOS, "ios-aaa": AAA},
    info=(("bad-element", "privilege"), (f"{{{IA}}}severity", "error_cli")),
    info_elements=(etree.fromstring(f'<detail xmlns="{IA}"><bad-cli><bad-command>x</bad-command></bad-cli></detail>'),),
)


def reparse(el: etree._Element) -> etree._Element:
    """Serialize and parse again, so assertions see what a client sees on the wire."""
    return parse_message(serialize(el), DEFAULT_LIMITS)


def local_names(el: etree._Element) -> list[str]:
    return [etree.QName(child).localname for child in el]


def test_error_tags_are_exactly_rfc_6241_appendix_a() -> None:
    assert {tag.value for tag in ErrorTag} == {
        "in-use",
        "invalid-value",
        "too-big",
        "missing-attribute",
        "bad-attribute",
        "unknown-attribute",
        "missing-element",
        "bad-element",
        "unknown-element",
        "unknown-namespace",
        "access-denied",
        "lock-denied",
        "resource-denied",
        "rollback-failed",
        "data-exists",
        "data-missing",
        "operation-not-supported",
        "operation-failed",
        "partial-operation",
        "malformed-message",
    }


def test_error_types() -> None:
    assert [t.value for t in ErrorType] == ["transport", "rpc", "protocol", "application"]
    assert ErrorType.RPC == "rpc"


def test_children_follow_the_xsd_order() -> None:
    el = reparse(render_rpc_error(FULL))
    assert el.tag == qn(NC_NS, "rpc-error")
    assert local_names(el) == [
        "error-type",
        "error-tag",
        "error-severity",
        "error-app-tag",
        "error-path",
        "error-message",
        "error-info",
    ]
    assert [child.text for child in el][:4] == ["application", "invalid-value", "error", "too-long"]


def test_all_children_are_in_the_base_namespace() -> None:
    el = reparse(render_rpc_error(FULL))
    assert all(etree.QName(child).namespace == NC_NS for child in el)


def test_optional_children_are_left_out() -> None:
    el = reparse(render_rpc_error(RpcError(ErrorType.PROTOCOL, ErrorTag.UNKNOWN_ELEMENT)))
    assert local_names(el) == ["error-type", "error-tag", "error-severity"]


def test_warning_severity() -> None:
    el = render_rpc_error(RpcError(ErrorType.APPLICATION, ErrorTag.OPERATION_FAILED, severity="warning"))
    assert el.findtext(qn(NC_NS, "error-severity")) == "warning"


def test_error_message_has_xml_lang_en() -> None:
    el = reparse(render_rpc_error(FULL))
    message = el.find(qn(NC_NS, "error-message"))
    assert message is not None
    assert message.get(qn(XML_NS, "lang")) == "en"
    assert message.text == "inconsistent value"
    assert b'xml:lang="en"' in serialize(el)


def assert_path_prefixes_resolve(path_el: etree._Element) -> None:
    text = path_el.text or ""
    without_literals = re.sub(r"'[^']*'|\"[^\"]*\"", "", text)
    prefixes = set(re.findall(r"([A-Za-z_][\w.-]*):[A-Za-z_]", without_literals))
    assert prefixes, "the test path must use prefixes"
    for prefix in prefixes:
        assert path_el.nsmap.get(prefix) is not None, prefix


def test_error_path_prefixes_resolve_on_the_rendered_error() -> None:
    el = reparse(render_rpc_error(FULL))
    path = el.find(qn(NC_NS, "error-path"))
    assert path is not None
    assert path.text == FULL.path
    assert_path_prefixes_resolve(path)
    assert path.nsmap["ios"] == IOS
    assert path.nsmap["ios-aaa"] == AAA
    # With the element's own bindings the path selects the offending node of a matching data tree.
    data = etree.fromstring(
        f'<native xmlns="{IOS}"><username><name>a:b</name><privilege xmlns="{AAA}">15</privilege></username></native>'
    )
    bindings = {prefix: uri for prefix, uri in path.nsmap.items() if prefix is not None}
    assert [node.text for node in etree.XPath(path.text, namespaces=bindings)(data)] == ["15"]


def test_error_path_prefixes_resolve_inside_a_reply() -> None:
    rpc = parse_message(
        f'<rpc xmlns="{NC_NS}" xmlns:ios="urn:other" message-id="5"><get/></rpc>'.encode(), DEFAULT_LIMITS
    )
    reply = reparse(rpc_reply_with_errors([FULL], rpc.attrib, rpc.nsmap))
    path = reply.find(f"{qn(NC_NS, 'rpc-error')}/{qn(NC_NS, 'error-path')}")
    assert path is not None
    assert_path_prefixes_resolve(path)
    assert path.nsmap["ios"] == IOS  # the error's own binding wins over the request's "ios" prefix


def test_error_info_simple_children() -> None:
    el = reparse(render_rpc_error(FULL))
    info = el.find(qn(NC_NS, "error-info"))
    assert info is not None
    assert [child.tag for child in info] == [
        qn(NC_NS, "bad-element"),
        qn(IA, "severity"),
        qn(IA, "detail"),
    ]
    assert info.findtext(qn(NC_NS, "bad-element")) == "privilege"
    assert info.findtext(f"{qn(IA, 'detail')}/{qn(IA, 'bad-cli')}/{qn(IA, 'bad-command')}") == "x"


def test_info_elements_are_copied_not_moved() -> None:
    holder = etree.fromstring(f'<holder><detail xmlns="{IA}"/></holder>')
    err = RpcError(ErrorType.APPLICATION, ErrorTag.INVALID_VALUE, info_elements=(holder[0],))
    render_rpc_error(err)
    render_rpc_error(err)
    assert len(holder) == 1
    assert err.info_elements[0].getparent() is holder


@pytest.mark.parametrize("name", ["bad-attribute", "bad-element", "bad-namespace", "session-id", "ok-element"])
def test_standard_error_info_names_are_in_the_base_namespace(name: str) -> None:
    el = render_rpc_error(RpcError(ErrorType.PROTOCOL, ErrorTag.LOCK_DENIED, info=((name, "0"),)))
    assert el.findtext(f"{qn(NC_NS, 'error-info')}/{qn(NC_NS, name)}") == "0"


def test_missing_message_id_error() -> None:
    el = render_rpc_error(missing_message_id())
    assert el.findtext(qn(NC_NS, "error-type")) == "rpc"
    assert el.findtext(qn(NC_NS, "error-tag")) == "missing-attribute"
    info = el.find(qn(NC_NS, "error-info"))
    assert info is not None
    assert info.findtext(qn(NC_NS, "bad-attribute")) == "message-id"
    assert info.findtext(qn(NC_NS, "bad-element")) == "rpc"


def test_rpc_error_is_an_immutable_value() -> None:
    err = RpcError(ErrorType.RPC, ErrorTag.MALFORMED_MESSAGE, path_ns={"a": "urn:a"})
    assert err == RpcError(ErrorType.RPC, ErrorTag.MALFORMED_MESSAGE, path_ns={"a": "urn:a"})
    assert hash(err) == hash(RpcError(ErrorType.RPC, ErrorTag.MALFORMED_MESSAGE))
    with pytest.raises(AttributeError):
        err.message = "changed"  # type: ignore[misc]


NC_PREFIXED_RPC = (
    f'<nc:rpc xmlns:nc="{NC_NS}" nc:message-id="urn:uuid:b41a" foo="bar" xmlns:x="urn:x" x:tag="t"><nc:get/></nc:rpc>'
).encode()


def test_reply_with_errors_echoes_namespaced_attributes() -> None:
    rpc = parse_message(NC_PREFIXED_RPC, DEFAULT_LIMITS)
    wire = serialize(rpc_reply_with_errors([missing_message_id()], rpc.attrib, rpc.nsmap))
    reply = parse_message(wire, DEFAULT_LIMITS)
    assert reply.tag == qn(NC_NS, "rpc-reply")
    assert dict(reply.attrib) == {qn(NC_NS, "message-id"): "urn:uuid:b41a", "foo": "bar", "{urn:x}tag": "t"}
    assert reply.nsmap == {None: NC_NS, "nc": NC_NS, "x": "urn:x"}
    assert wire.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<rpc-reply xmlns="' + NC_NS.encode())
    assert b'nc:message-id="urn:uuid:b41a"' in wire


def test_reply_with_errors_holds_one_rpc_error_each_in_order() -> None:
    errors = [
        RpcError(ErrorType.APPLICATION, ErrorTag.DATA_EXISTS),
        RpcError(ErrorType.APPLICATION, ErrorTag.DATA_MISSING),
    ]
    reply = rpc_reply_with_errors(errors, {"message-id": "7"})
    assert reply.get("message-id") == "7"
    assert [e.findtext(qn(NC_NS, "error-tag")) for e in reply] == ["data-exists", "data-missing"]


def test_reply_with_errors_for_an_unparseable_request_has_no_attributes() -> None:
    reply = rpc_reply_with_errors([RpcError(ErrorType.RPC, ErrorTag.MALFORMED_MESSAGE)])
    assert dict(reply.attrib) == {}
    assert local_names(reply) == ["rpc-error"]


def test_reply_with_errors_needs_an_error() -> None:
    with pytest.raises(ValueError):
        rpc_reply_with_errors([])


def test_request_default_namespace_other_than_base_is_not_echoed() -> None:
    rpc = parse_message(
        f'<nc:rpc xmlns:nc="{NC_NS}" xmlns="urn:foo" message-id="3"><nc:get/></nc:rpc>'.encode(),
        DEFAULT_LIMITS,
    )
    reply = reparse(rpc_reply(rpc))
    assert reply.nsmap[None] == NC_NS
    assert reply.get("message-id") == "3"


def test_rpc_reply_ok() -> None:
    rpc = parse_message(NC_PREFIXED_RPC, DEFAULT_LIMITS)
    wire = serialize(rpc_reply(rpc))
    assert wire == (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<rpc-reply xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" '
        b'xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" xmlns:x="urn:x" '
        b'nc:message-id="urn:uuid:b41a" foo="bar" x:tag="t"><ok/></rpc-reply>'
    )


def test_rpc_reply_with_children_copies_them() -> None:
    rpc = parse_message(f'<rpc xmlns="{NC_NS}" message-id="9"><get/></rpc>'.encode(), DEFAULT_LIMITS)
    store = etree.fromstring(f'<data xmlns="{NC_NS}"><native xmlns="{IOS}"><hostname>R1</hostname></native></data>')
    reply = reparse(rpc_reply(rpc, [store]))
    assert local_names(reply) == ["data"]
    assert reply.findtext(f"{qn(NC_NS, 'data')}/{qn(IOS, 'native')}/{qn(IOS, 'hostname')}") == "R1"
    assert store.getparent() is None  # the datastore element stayed where it was
    assert len(store) == 1


def test_rpc_reply_with_no_children_is_empty_not_ok() -> None:
    rpc = parse_message(f'<rpc xmlns="{NC_NS}" message-id="9"><get/></rpc>'.encode(), DEFAULT_LIMITS)
    assert len(rpc_reply(rpc, [])) == 0
