"""Whether the device serves SCP at all: ``ip scp server enable`` (who may copy is AAA's business)."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from iosxe_agent.device.names import n
from iosxe_agent.device.views.single import find_in
from iosxe_agent.device.views.tree import native_of


@dataclass(frozen=True, slots=True)
class ScpView:
    """``ip scp server enable`` (off by default, as on IOS)."""

    server_enabled: bool = False


def read_scp(tree: etree._Element) -> ScpView:
    """The SCP server switch of a configuration (pure)."""
    native = native_of(tree)
    enabled = find_in(native, n("ip"), f"{n('scp')}/{n('server')}/{n('enable')}") is not None
    return ScpView(server_enabled=enabled)
