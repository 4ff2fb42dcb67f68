"""What a gNMI Capabilities call answers: the modules the device serves, the encodings, the gNMI version.

The models are the modules NETCONF announces (implemented, not submodules, not the device-private module), each
with the organization its YANG text states and its revision as the version, as IOS XE lists them. The
organization is read from the module's own file once per schema (the compiled schema does not keep it).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from iosxe_agent.gnmi.proto import gnmi_pb2
from iosxe_agent.yang.schema import Schema

#: the gNMI specification version this server implements
GNMI_VERSION = "0.10.0"
#: what values may be encoded as: RFC 7951 JSON, and plain JSON (the same text here: module-qualified names)
ENCODINGS = (gnmi_pb2.JSON_IETF, gnmi_pb2.JSON)
_ORGANIZATION = re.compile(r'\borganization\s+"((?:[^"\\]|\\.)*)"', re.S)
_SPACE = re.compile(r"\s+")


def organization_of(text: str) -> str:
    """The ``organization`` statement of a module's text, whitespace folded ("" when it has none). Pure."""
    match = _ORGANIZATION.search(text)
    return _SPACE.sub(" ", match.group(1)).strip() if match else ""


@functools.lru_cache(maxsize=8)
def _models(schema: Schema) -> tuple[tuple[str, str, str], ...]:
    found = []
    for info in sorted(schema.modules.values(), key=lambda m: m.name):
        if info.is_submodule or not info.implemented or info.name in schema.hidden_modules:
            continue
        try:
            text = Path(info.path).read_text(encoding="utf-8")
        except OSError:
            text = ""
        found.append((info.name, organization_of(text), info.revision or ""))
    return tuple(found)


def capability_response(schema: Schema) -> gnmi_pb2.CapabilityResponse:
    """The Capabilities answer for a device compiled with ``schema``."""
    models = [gnmi_pb2.ModelData(name=n, organization=o, version=v) for n, o, v in _models(schema)]
    return gnmi_pb2.CapabilityResponse(
        supported_models=models, supported_encodings=list(ENCODINGS), gNMI_version=GNMI_VERSION
    )
