"""Namespaces and module set of the Cisco IOS XE 17.12 models this device serves."""

from __future__ import annotations

NATIVE_NS = "http://cisco.com/ns/yang/Cisco-IOS-XE-native"
AAA_NS = "http://cisco.com/ns/yang/Cisco-IOS-XE-aaa"
SNMP_NS = "http://cisco.com/ns/yang/Cisco-IOS-XE-snmp"
CRYPTO_NS = "http://cisco.com/ns/yang/Cisco-IOS-XE-crypto"
ETHERNET_NS = "http://cisco.com/ns/yang/Cisco-IOS-XE-ethernet"
HTTP_NS = "http://cisco.com/ns/yang/Cisco-IOS-XE-http"
NTP_NS = "http://cisco.com/ns/yang/Cisco-IOS-XE-ntp"
PLATFORM_NS = "http://cisco.com/ns/yang/Cisco-IOS-XE-platform"
CALL_HOME_NS = "http://cisco.com/ns/yang/Cisco-IOS-XE-call-home"
DIAGNOSTICS_NS = "http://cisco.com/ns/yang/Cisco-IOS-XE-diagnostics"
PPP_NS = "http://cisco.com/ns/yang/Cisco-IOS-XE-ppp"
RPC_NS = "http://cisco.com/ns/yang/Cisco-IOS-XE-rpc"
IA_NS = "http://cisco.com/yang/cisco-ia"
GNMI_CFG_NS = "http://cisco.com/ns/yang/Cisco-IOS-XE-gnmi-cfg"
#: Our own module for what real 17.12 has only in the CLI (device-private: NETCONF never sees it).
PRIVATE_NS = "urn:iosxe-agent:params:xml:ns:yang:private"
PRIVATE_MODULE = "iosxe-agent-private"

#: Modules compiled at start-up (their imports and submodules come along).
MODULES = (
    "Cisco-IOS-XE-native",
    "Cisco-IOS-XE-aaa",
    "Cisco-IOS-XE-snmp",
    "Cisco-IOS-XE-crypto",
    "Cisco-IOS-XE-ethernet",
    "Cisco-IOS-XE-http",
    "Cisco-IOS-XE-ntp",
    "Cisco-IOS-XE-platform",
    "Cisco-IOS-XE-call-home",
    "Cisco-IOS-XE-diagnostics",
    "Cisco-IOS-XE-ppp",
    "Cisco-IOS-XE-rpc",
    "Cisco-IOS-XE-gnmi-cfg",  # gnmi-yang: the gNMI servers
    "cisco-ia",
    "ietf-netconf-with-defaults",
    "ietf-netconf-monitoring",  # netconf-state, get-schema (RFC 6022)
    "ietf-yang-library",  # modules-state, yang-library (RFC 7895, RFC 8525)
    "ietf-restconf-monitoring",  # restconf-state (RFC 8040 §9), state data, as 17.12 implements it
    "ietf-netconf-nmda",  # imports ietf-datastores and ietf-origin (conformance "import", as on 17.12)
    "ietf-netconf-notifications",
    "ietf-netconf",  # implemented, announced with the features below, as 17.12 does
    # dynamic subscriptions (yang-push): the draft-era modules 17.12 announces, with its two deviation modules
    "ietf-event-notifications",
    "ietf-yang-push",
    "cisco-xe-ietf-event-notifications-deviation",
    "cisco-xe-ietf-yang-push-deviation",
    PRIVATE_MODULE,  # hidden from NETCONF: HIDDEN_MODULES
)
#: Compiled and stored, never exposed over NETCONF: the CLI-only configuration of a real 17.12 box.
HIDDEN_MODULES = frozenset({PRIVATE_MODULE})
# RFC 5277's `notifications` / `nc-notifications` (yang/) are not loaded: a 17.12 box lists neither, in its hello
# or its library; create-subscription is served without them.

#: ietf-netconf features this device supports (17.12's list); the extensions add confirmed-commit and startup.
NETCONF_FEATURES = ("writable-running", "candidate", "rollback-on-error", "validate", "xpath")
EXTENSION_FEATURES = ("confirmed-commit", "startup")


def enabled_features(extensions: bool) -> dict[str, tuple[str, ...]]:
    """Per-module supported features for the loader (ietf-netconf depends on ``--netconf-extensions``)."""
    netconf = NETCONF_FEATURES + (EXTENSION_FEATURES if extensions else ())
    return {"ietf-netconf": netconf}


#: Where IOS XE 17.12 says its schemas are (modules-state ``schema``); clients download them with get-schema.
SCHEMA_URL = "http://localhost:8008/restconf/tailf/modules/"


def schema_url(name: str, revision: str | None) -> str:
    """The ``schema`` URL a 17.12 box lists for a (sub)module in modules-state."""
    return SCHEMA_URL + name + (f"/{revision}" if revision else "")


def n(name: str) -> str:
    """Clark tag of a native-namespace element."""
    return f"{{{NATIVE_NS}}}{name}"


def a(name: str) -> str:
    """Clark tag of an aaa-namespace element."""
    return f"{{{AAA_NS}}}{name}"


def s(name: str) -> str:
    """Clark tag of an snmp-namespace element."""
    return f"{{{SNMP_NS}}}{name}"


def p(name: str) -> str:
    """Clark tag of a device-private element (``iosxe-agent-private``)."""
    return f"{{{PRIVATE_NS}}}{name}"
