"""Snapshots of the agent's datastores through NETCONF, for "nothing changed" assertions in end-to-end tests."""

from __future__ import annotations

from typing import Any

from lxml import etree
from namespaces import NC


def running_xml(agent: Any) -> bytes:
    """The whole running configuration: the canonical (c14n) form of get-config's <data>, byte-comparable."""
    m = agent.connect()
    try:
        data = etree.fromstring(m.get_config("running").xml.encode()).find(f"{{{NC}}}data")
        assert data is not None
        return etree.tostring(data, method="c14n")
    finally:
        m.close_session()
