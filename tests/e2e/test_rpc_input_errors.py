"""RPC input refused by the schema-driven check (iosxe_agent.netconf.rpc_input), as ncclient receives it from the real
agent: each ``<rpc-error>`` whole (type, tag, error-info, an error-path whose prefixes resolve on the element)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from lxml import etree
from namespaces import IA, NC, NCM, RPC
from ncclient.manager import Manager
from ncclient.operations import RaiseMode

NS = {"nc": NC}


@pytest.fixture
def m(agent) -> Iterator[Manager]:
    session = agent.connect()
    session.raise_mode = RaiseMode.NONE
    yield session
    session.close_session()


def rpc_error(m: Manager, xml: str) -> etree._Element:
    """The one ``<rpc-error>`` of the reply to ``xml``."""
    reply = etree.fromstring(m.dispatch(etree.fromstring(xml)).xml.encode())
    (error,) = reply.findall("nc:rpc-error", NS)
    return error


def fields(error: etree._Element) -> tuple[str | None, ...]:
    return tuple(error.findtext(f"nc:{n}", namespaces=NS) for n in ("error-type", "error-tag", "error-path"))


def bad_element(error: etree._Element) -> str | None:
    return error.findtext("nc:error-info/nc:bad-element", namespaces=NS)


def resolved_path(error: etree._Element) -> list[tuple[str, str]]:
    """The error-path as (namespace, name) steps, each prefix looked up on the error-path element itself."""
    path = error.find("nc:error-path", NS)
    assert path is not None and path.text is not None
    steps = [step.split(":") for step in path.text.strip().split("/")[1:]]
    return [(path.nsmap[prefix], name) for prefix, name in steps]


def test_a_nested_value_outside_its_type_names_its_instance(m: Manager) -> None:
    error = rpc_error(
        m, f'<crypto xmlns="{RPC}"><generate><rsa><label>NC-X</label><modulus>99999</modulus></rsa></generate></crypto>'
    )
    assert fields(error)[:2] == ("application", "invalid-value") and bad_element(error) == "modulus"
    assert resolved_path(error) == [(RPC, "crypto"), (RPC, "generate"), (RPC, "rsa"), (RPC, "modulus")]


def test_two_cases_of_one_choice_are_bad_element(m: Manager) -> None:
    error = rpc_error(
        m,
        f'<copy xmlns="{RPC}"><source-drop-node-name>running-config</source-drop-node-name>'
        "<_source>startup-config</_source><destination-drop-node-name>flash:x</destination-drop-node-name></copy>",
    )
    assert fields(error) == ("protocol", "bad-element", None) and bad_element(error) == "_source"


def test_a_value_in_an_empty_leaf_and_a_repeated_leaf(m: Manager) -> None:
    error = rpc_error(m, f'<sync-from xmlns="{IA}"><sync-defaults>yes</sync-defaults></sync-from>')
    assert fields(error)[:2] == ("application", "invalid-value")
    assert resolved_path(error) == [(IA, "sync-from"), (IA, "sync-defaults")]
    error = rpc_error(m, f'<revert xmlns="{IA}"><timer>5</timer><timer>6</timer></revert>')
    assert fields(error) == ("protocol", "bad-element", None) and bad_element(error) == "timer"


def test_get_schema_format_is_checked_as_an_identityref(m: Manager) -> None:
    error = rpc_error(
        m, f'<get-schema xmlns="{NCM}"><identifier>cisco-ia</identifier><format>ncm:bogus</format></get-schema>'
    )
    assert fields(error)[:2] == ("application", "invalid-value") and bad_element(error) == "format"
    assert resolved_path(error) == [(NCM, "get-schema"), (NCM, "format")]
