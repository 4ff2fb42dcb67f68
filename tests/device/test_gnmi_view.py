"""``views.gnmi``: which gNMI servers the configuration asks for (Cisco-IOS-XE-gnmi-cfg), with the module's
defaults."""

from __future__ import annotations

from lxml import etree
from namespaces import NC

from iosxe_agent.device import views
from iosxe_agent.device.names import GNMI_CFG_NS
from iosxe_agent.device.views.gnmi_view import GnmiView


def tree(leaves: str | None) -> etree._Element:
    body = "" if leaves is None else f'<gnmi-cfg-data xmlns="{GNMI_CFG_NS}"><config>{leaves}</config></gnmi-cfg-data>'
    return etree.fromstring(f'<config xmlns="{NC}">{body}</config>')


def test_nothing_configured_is_all_off_with_the_default_ports() -> None:
    view = views.gnmi(tree(None))
    assert view == GnmiView() and (view.port, view.secure_port) == (50052, 9339)
    assert not view.insecure and not view.secure


def test_a_server_needs_gnmi_yang_and_its_own_switch() -> None:
    assert not views.gnmi(tree("<service>true</service>")).insecure  # `gnmi-yang server` without `gnmi-yang`
    on = views.gnmi(tree("<enable>true</enable><service>true</service><port>50000</port>"))
    assert on.insecure and on.port == 50000 and not on.secure
    secure = views.gnmi(
        tree("<enable>true</enable><secure-enable>true</secure-enable><secure-tsname>tp</secure-tsname>")
    )
    assert secure.secure and secure.trustpoint == "tp" and not secure.insecure and secure.secure_port == 9339
