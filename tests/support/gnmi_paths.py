"""gNMI Path protos from short text, for the pure mapping tests: ``path("Cisco-IOS-XE-native:native",
"username[name=admin]")``. Keys are written ``[k=v]`` at the end of an element; everything after the first
``=`` up to the final ``]`` is the value, so a value may hold ``]`` and ``=``."""

from __future__ import annotations

from iosxe_agent.gnmi.proto import gnmi_pb2


def path(*elems: str, origin: str = "") -> gnmi_pb2.Path:
    """A Path of ``elems`` (each ``name`` or ``name[key=value]``, one key) under ``origin``."""
    out = gnmi_pb2.Path(origin=origin)
    for elem in elems:
        name, bracket, rest = elem.partition("[")
        keys = dict([rest.removesuffix("]").split("=", 1)]) if bracket else {}
        out.elem.add(name=name, key=keys)
    return out


def text(p: gnmi_pb2.Path) -> str:
    """A Path back as ``/name[k=v]/…`` text, for readable assertions."""
    return "/" + "/".join(e.name + "".join(f"[{k}={v}]" for k, v in sorted(e.key.items())) for e in p.elem)
