"""Whether the gNMI servers run, on which ports, and with which trustpoint: ``gnmi-yang …``.

IOS XE 17.12 keeps them in Cisco-IOS-XE-gnmi-cfg (``/gnmi-cfg-data/config``, a presence container: ``gnmi-yang``).
The feature on (``enable``) is not enough: the plain-text server listens when ``gnmi-yang server`` (``service``)
is configured too, the TLS server when ``gnmi-yang secure-server`` (``secure-enable``, which needs a trustpoint).
Defaults are the module's: port 50052, secure port 9339, everything else off.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from iosxe_agent.device.names import GNMI_CFG_NS
from iosxe_agent.digits import ascii_digits

DEFAULT_PORT = 50052
DEFAULT_SECURE_PORT = 9339


def _g(name: str) -> str:
    return f"{{{GNMI_CFG_NS}}}{name}"


@dataclass(frozen=True, slots=True)
class GnmiView:
    """The gNMI configuration (all off when unset, as on a box without ``gnmi-yang``)."""

    enable: bool = False
    service: bool = False
    port: int = DEFAULT_PORT
    secure_enable: bool = False
    secure_port: int = DEFAULT_SECURE_PORT
    trustpoint: str | None = None
    client_auth: bool = False
    client_auth_trustpoint: str | None = None
    password_auth: bool = False

    @property
    def insecure(self) -> bool:
        """The plain-text server listens: ``gnmi-yang`` and ``gnmi-yang server``."""
        return self.enable and self.service

    @property
    def secure(self) -> bool:
        """The TLS server listens: ``gnmi-yang`` and ``gnmi-yang secure-server``."""
        return self.enable and self.secure_enable


def _flag(config: etree._Element, name: str) -> bool:
    return (config.findtext(_g(name)) or "").strip() == "true"


def _number(config: etree._Element, name: str, default: int) -> int:
    text = (config.findtext(_g(name)) or "").strip()
    return int(text) if ascii_digits(text) else default


def read_gnmi(tree: etree._Element) -> GnmiView:
    """The gNMI settings of a configuration (a datastore root; pure)."""
    config = tree.find(f"{_g('gnmi-cfg-data')}/{_g('config')}")
    if config is None:
        return GnmiView()
    return GnmiView(
        enable=_flag(config, "enable"),
        service=_flag(config, "service"),
        port=_number(config, "port", DEFAULT_PORT),
        secure_enable=_flag(config, "secure-enable"),
        secure_port=_number(config, "secure-port", DEFAULT_SECURE_PORT),
        trustpoint=config.findtext(_g("secure-tsname")) or None,
        client_auth=_flag(config, "secure-client-auth"),
        client_auth_trustpoint=config.findtext(_g("secure-client-auth-tsname")) or None,
        password_auth=_flag(config, "secure-password-auth"),
    )
