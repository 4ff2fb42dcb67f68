"""The capability URIs of our ``<hello>``, derived from what is implemented and which modules are loaded.

Only capabilities the agent really implements are listed. Module capabilities follow RFC 6020 §5.6.4 and IOS
XE's practice: YANG 1.0 modules appear in the hello; YANG 1.1 modules only in the YANG library (RFC 7950 §5.6.4).
"""

from __future__ import annotations

from urllib.parse import quote

from agent.yang.schema import Schema

CAP = "urn:ietf:params:netconf:capability:"
BASE_10 = "urn:ietf:params:netconf:base:1.0"
BASE_11 = "urn:ietf:params:netconf:base:1.1"
WRITABLE_RUNNING = CAP + "writable-running:1.0"
CANDIDATE = CAP + "candidate:1.0"
ROLLBACK_ON_ERROR = CAP + "rollback-on-error:1.0"
VALIDATE_10 = CAP + "validate:1.0"
VALIDATE_11 = CAP + "validate:1.1"
STARTUP = CAP + "startup:1.0"
WITH_DEFAULTS = CAP + "with-defaults:1.0?basic-mode=explicit&also-supported=report-all-tagged,report-all"


def protocol_capabilities(extensions: bool) -> list[str]:
    """The protocol capabilities, in the order a 17.12 box lists them; ``:startup`` only with extensions."""
    caps = [BASE_10, BASE_11, WRITABLE_RUNNING, CANDIDATE, ROLLBACK_ON_ERROR, VALIDATE_10, VALIDATE_11]
    if extensions:
        caps.append(STARTUP)
    caps.append(WITH_DEFAULTS)
    return caps


def module_capabilities(schema: Schema) -> list[str]:
    """``ns?module=M&revision=R[&features=…][&deviations=…]`` for each implemented YANG 1.0 module."""
    caps = []
    for info in sorted(schema.modules.values(), key=lambda m: m.name):
        if info.is_submodule or info.yang_version == "1.1" or not info.implemented:
            continue
        uri = f"{info.ns}?module={quote(info.name)}"
        if info.revision:
            uri += f"&revision={info.revision}"
        if info.features:
            uri += "&features=" + ",".join(info.features)
        if info.deviations:
            uri += "&deviations=" + ",".join(info.deviations)
        caps.append(uri)
    return caps
