"""``ietf-restconf-monitoring`` (RFC 8040 §9): what the RESTCONF server says about itself, as state data.

``/restconf-state/capabilities`` lists exactly the optional parts this server implements, so a client that
probes them (Ansible's httpapi, ``ncclient``-style tooling, YANG Suite) sees the truth: the query parameters
``depth``, ``fields`` and ``with-defaults`` (:mod:`iosxe_agent.restconf.query`), the server's default
with-defaults mode (``explicit``, as 17.12's) and YANG Patch (:mod:`iosxe_agent.restconf.yang_patch`). 17.12 also
lists ``filter`` and ``replay`` and ConfD's own ``collection`` / ``query-api``: they are left out, since this server
has neither event streams nor those APIs; for the same reason ``streams`` holds no stream.

A state provider (``NetconfServices.state_providers``): RESTCONF ``GET`` with ``content=nonconfig`` or ``all``
shows it, as does NETCONF ``<get>``; never writable (the schema says ``config false``).
"""

from __future__ import annotations

from lxml import etree

NS = "urn:ietf:params:xml:ns:yang:ietf-restconf-monitoring"
_CAPABILITY = "urn:ietf:params:restconf:capability:"
#: the RESTCONF capability URIs this server implements (RFC 8040 §9.1.2, RFC 8072 §4)
CAPABILITIES = (
    _CAPABILITY + "defaults:1.0?basic-mode=explicit",
    _CAPABILITY + "depth:1.0",
    _CAPABILITY + "fields:1.0",
    _CAPABILITY + "with-defaults:1.0",
    _CAPABILITY + "yang-patch:1.0",
)


def restconf_state() -> list[etree._Element]:
    """``/restconf-state``: the capabilities (no ``streams``: no event stream is offered)."""
    top = etree.Element(f"{{{NS}}}restconf-state", nsmap={None: NS})
    capabilities = etree.SubElement(top, f"{{{NS}}}capabilities")
    for uri in CAPABILITIES:
        etree.SubElement(capabilities, f"{{{NS}}}capability").text = uri
    return [top]
