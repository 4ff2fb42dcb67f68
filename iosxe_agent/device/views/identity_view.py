"""Who the device says it is: ``hostname`` and ``ip domain name`` (prompts, key labels, ``show version``)."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from iosxe_agent.device.names import n
from iosxe_agent.device.views.tree import native_of

DEFAULT_HOSTNAME = "Router"  # IOS's hostname when none is configured


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
    return Identity(
        hostname=native.findtext(n("hostname")) or DEFAULT_HOSTNAME,
        domain=native.findtext(f"{n('ip')}/{n('domain')}/{n('name')}") or None,
    )
