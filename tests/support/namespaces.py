"""The XML namespaces tests write and look for, spelled once.

Tests deliberately do not take these from ``agent`` (a typo in the product must not be copied into the check);
``tests/support`` is on pytest's ``pythonpath`` (pyproject), so test modules import this by name.
"""

from __future__ import annotations

# -- NETCONF protocol (RFC 6241, 5277, 5717, 6243, 8342, 8526, 8639/8641) ---------------------------------------------
NC = "urn:ietf:params:xml:ns:netconf:base:1.0"
NOTIF = "urn:ietf:params:xml:ns:netconf:notification:1.0"
NETMOD = "urn:ietf:params:xml:ns:netmod:notification"
NCN = "urn:ietf:params:xml:ns:yang:ietf-netconf-notifications"
NCM = "urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"
PL = "urn:ietf:params:xml:ns:netconf:partial-lock:1.0"
WD = "urn:ietf:params:xml:ns:yang:ietf-netconf-with-defaults"
YL = "urn:ietf:params:xml:ns:yang:ietf-yang-library"
NMDA = "urn:ietf:params:xml:ns:yang:ietf-netconf-nmda"
DS = "urn:ietf:params:xml:ns:yang:ietf-datastores"
OR = "urn:ietf:params:xml:ns:yang:ietf-origin"
EN = "urn:ietf:params:xml:ns:yang:ietf-event-notifications"
YP = "urn:ietf:params:xml:ns:yang:ietf-yang-push"
PATCH = "urn:ietf:params:xml:ns:yang:ietf-yang-patch"
YANG_NS = "urn:ietf:params:xml:ns:yang:1"

# -- Cisco IOS XE 17.12 models ----------------------------------------------------------------------------------------
IOS = "http://cisco.com/ns/yang/Cisco-IOS-XE-native"
AAA = "http://cisco.com/ns/yang/Cisco-IOS-XE-aaa"
SNMP = "http://cisco.com/ns/yang/Cisco-IOS-XE-snmp"
CRYPTO = "http://cisco.com/ns/yang/Cisco-IOS-XE-crypto"
#: ours: the device-private configuration (CLI-only commands of 17.12), hidden from NETCONF
PRIV = "urn:iosxe-agent:params:xml:ns:yang:private"
RPC = "http://cisco.com/ns/yang/Cisco-IOS-XE-rpc"
IA = "http://cisco.com/yang/cisco-ia"


def native(body: str) -> str:
    """``body`` inside ``<native>`` inside an edit's ``<config>`` (with the ``nc:`` prefix bound for
    ``nc:operation``): the document most edit-config tests send."""
    return f'<config xmlns="{NC}" xmlns:nc="{NC}"><native xmlns="{IOS}">{body}</native></config>'
