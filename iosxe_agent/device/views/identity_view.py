"""Who the device says it is: ``hostname`` and ``ip domain name`` (prompts, key labels, ``show version``)."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from iosxe_agent.data.order import single_children
from iosxe_agent.device.names import n
from iosxe_agent.device.views.tree import native_of

DEFAULT_HOSTNAME = "Router"  # IOS's hostname when none is configured
_HOSTNAME, _IP = n("hostname"), n("ip")


@dataclass(frozen=True, slots=True)
class Identity:
    """``hostname`` (``Router`` when unset) and ``ip domain name`` (None when unset)."""

    hostname: str = DEFAULT_HOSTNAME
    domain: str | None = None


def read_identity(tree: etree._Element) -> Identity:
    """The identity of a configuration (pure)."""
    native = native_of(tree)
    if native is None:
        return Identity()
    tops = single_children(native, _HOSTNAME, _IP)  # found without passing the users beside them
    hostname, ip = tops[_HOSTNAME], tops[_IP]
    return Identity(
        hostname=(hostname.text if hostname is not None else None) or DEFAULT_HOSTNAME,
        domain=(ip.findtext(f"{n('domain')}/{n('name')}") if ip is not None else None) or None,
    )
