"""Whether the RESTCONF server runs, and how its users log in: ``restconf``, ``ip http secure-server``,
``ip http authentication``.

On IOS XE 17.12 RESTCONF is served by the HTTPS server: it answers only while both ``restconf`` and
``ip http secure-server`` are configured (``ip http server`` alone serves plain HTTP, which RESTCONF never uses).
``ip http authentication local`` checks the local user database only; without it (or with ``aaa``) a login goes
through the ``aaa authentication login default`` list as a NETCONF login does. ``restconf`` is CLI-only on 17.12
(no YANG node), so it lives in the device-private module; ``ip http`` is Cisco-IOS-XE-http under ``/native/ip``.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from iosxe_agent.device.names import HTTP_NS, n, p
from iosxe_agent.device.views.single import find_in
from iosxe_agent.device.views.tree import native_of


def _h(name: str) -> str:
    return f"{{{HTTP_NS}}}{name}"


@dataclass(frozen=True, slots=True)
class RestconfView:
    """The RESTCONF face's configuration (all off when unset, as on a box without these lines)."""

    restconf: bool = False
    secure_server: bool = False
    #: ``ip http server``: plain HTTP (never RESTCONF's; the web server runs for it all the same)
    http_server: bool = False
    #: ``ip http authentication local``: the local user database only (else the AAA login list)
    local_authentication: bool = False

    @property
    def enabled(self) -> bool:
        """RESTCONF answers: ``restconf`` and ``ip http secure-server`` are both configured."""
        return self.restconf and self.secure_server


def read_restconf(tree: etree._Element) -> RestconfView:
    """The RESTCONF settings of a configuration (pure)."""
    native = native_of(tree)
    if native is None:
        return RestconfView()
    http = find_in(native, n("ip"), _h("http"))
    secure = http.findtext(_h("secure-server")) if http is not None else None
    plain = http.findtext(_h("server")) if http is not None else None
    local = http.find(f"{_h('authentication')}/{_h('local')}") if http is not None else None
    return RestconfView(
        restconf=find_in(native, p("restconf")) is not None,
        secure_server=(secure or "").strip() == "true",
        http_server=(plain or "").strip() == "true",
        local_authentication=local is not None,
    )
