"""The capability URIs of our ``<hello>``: what is implemented, in the order an IOS XE 17.12 box lists them.

Base capabilities are always there; every other protocol capability is offered by the code that implements it
(it appends the URI to ``Registry.capabilities`` when it registers its operations), so the hello can never
claim something the agent does not do. Module capabilities follow RFC 6020 §5.6.4 and IOS XE's practice:
YANG 1.0 modules appear in the hello, YANG 1.1 modules only in the YANG library (RFC 7950 §5.6.4).
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

from iosxe_agent.yang.schema import Schema

CAP = "urn:ietf:params:netconf:capability:"
BASE_10 = "urn:ietf:params:netconf:base:1.0"
BASE_11 = "urn:ietf:params:netconf:base:1.1"
WRITABLE_RUNNING = CAP + "writable-running:1.0"
CANDIDATE = CAP + "candidate:1.0"
CONFIRMED_COMMIT = CAP + "confirmed-commit:1.1"
ROLLBACK_ON_ERROR = CAP + "rollback-on-error:1.0"
VALIDATE_10 = CAP + "validate:1.0"
VALIDATE_11 = CAP + "validate:1.1"
STARTUP = CAP + "startup:1.0"
XPATH = CAP + "xpath:1.0"
NOTIFICATION = CAP + "notification:1.0"
INTERLEAVE = CAP + "interleave:1.0"
NOTIFICATION_11 = CAP + "notification:1.1"  # dynamic subscriptions (establish-subscription, yang-push)
PARTIAL_LOCK = CAP + "partial-lock:1.0"
WITH_DEFAULTS = CAP + "with-defaults:1.0?basic-mode=explicit&also-supported=report-all-tagged,report-all"
WITH_OPERATIONAL_DEFAULTS = (
    CAP + "with-operational-defaults:1.0?basic-mode=explicit&also-supported=report-all-tagged,report-all"
)
YANG_LIBRARY_10 = CAP + "yang-library:1.0"
YANG_LIBRARY_11 = CAP + "yang-library:1.1"

#: The 17.12.1 order (capability-c8000v.xml); the two extensions sit where RFC 6241 servers usually put them.
ORDER = (
    BASE_10,
    BASE_11,
    WRITABLE_RUNNING,
    CANDIDATE,
    CONFIRMED_COMMIT,
    ROLLBACK_ON_ERROR,
    VALIDATE_10,
    VALIDATE_11,
    STARTUP,
    XPATH,
    NOTIFICATION,
    INTERLEAVE,
    PARTIAL_LOCK,
    WITH_DEFAULTS,
    WITH_OPERATIONAL_DEFAULTS,
    YANG_LIBRARY_10,
    YANG_LIBRARY_11,
    NOTIFICATION_11,  # 17.12 sends it last of all, even after the module capabilities
)
#: Sent after the module capabilities, where 17.12 puts them.
TRAILING = (NOTIFICATION_11,)
#: Implemented by the core itself (framing, datastores, edit-config, validate, with-defaults on retrieval).
CORE = (BASE_10, BASE_11, WRITABLE_RUNNING, CANDIDATE, ROLLBACK_ON_ERROR, VALIDATE_10, VALIDATE_11, WITH_DEFAULTS)


#: Capabilities that exist only with the candidate datastore (confirmed commit confirms a candidate commit).
CANDIDATE_ONLY = (CANDIDATE, CONFIRMED_COMMIT)


def needs_candidate(uri: str) -> bool:
    """True for a capability a server without the candidate datastore must not announce."""
    return uri in CANDIDATE_ONLY


def _rank(uri: str) -> int:
    stem = uri.split("?", 1)[0]
    for i, known in enumerate(ORDER):
        if known.split("?", 1)[0] == stem:
            return i
    return len(ORDER)


def protocol_capabilities(offered: Iterable[str]) -> list[str]:
    """The core capabilities plus ``offered`` ones, without duplicates, in IOS XE's order."""
    caps: list[str] = []
    for uri in (*CORE, *offered):
        if uri not in caps:
            caps.append(uri)
    return sorted(caps, key=_rank)


def module_capabilities(schema: Schema) -> list[str]:
    """``ns?module=M&revision=R[&features=…][&deviations=…]`` for each YANG 1.0 module, implemented or only
    imported (17.12 announces ietf-inet-types and ietf-yang-types, which its library lists as ``import``)."""
    caps = []
    for info in sorted(schema.modules.values(), key=lambda m: m.ns):
        if info.is_submodule or info.yang_version == "1.1" or info.name in schema.hidden_modules:
            continue
        uri = f"{info.ns}?module={quote(info.name)}"
        if info.revision:
            uri += f"&revision={info.revision}"
        if info.features and info.implemented:
            uri += "&features=" + ",".join(info.features)
        deviations = [d for d in info.deviations if d not in schema.hidden_modules]
        if deviations:
            uri += "&deviations=" + ",".join(deviations)
        caps.append(uri)
    return caps
