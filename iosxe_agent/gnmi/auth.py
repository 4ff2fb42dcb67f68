"""Who may use gNMI: the ``username`` and ``password`` call metadata (what pygnmi and gnmic send), checked
through the device's AAA login list and exec authorization at privilege 15, exactly as a NETCONF login.

gRPC sends the credentials with every call, so accepted logins are remembered briefly as RESTCONF's are
(:class:`~iosxe_agent.restconf.auth.RestconfLogin`: keyed hash, never the password, forgotten when the AAA or
gNMI configuration changes; refusals never remembered).
"""

from __future__ import annotations

from collections.abc import Sequence

from iosxe_agent.device import views
from iosxe_agent.restconf.auth import RestconfLogin

#: the largest user name or password accepted from metadata (longer ones are refused unchecked)
MAX_CREDENTIAL_CHARS = 256


def metadata_credentials(metadata: Sequence[tuple[str, str | bytes]] | None) -> tuple[str, str] | None:
    """``username``/``password`` from a call's metadata (None when either is missing, binary or too long). Pure."""
    found: dict[str, str] = {}
    for key, value in metadata or ():
        if key in ("username", "password") and isinstance(value, str) and len(value) <= MAX_CREDENTIAL_CHARS:
            found.setdefault(key, value)
    user, password = found.get("username"), found.get("password")
    return (user, password) if user and password is not None else None


class GnmiLogin(RestconfLogin):
    """RESTCONF's cached login, deciding by the AAA login list alone (``ip http authentication`` is HTTP's)."""

    def _state(self) -> object:
        running = self._running()
        return (views.aaa(running), views.gnmi(running))

    async def _decide(self, user: str, password: str, peer: str | None) -> bool:
        return await self._aaa_login(user, password, peer)
