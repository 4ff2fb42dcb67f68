"""The ``banner`` configuration: what a terminal user is shown, and when (pure).

IOS XE over SSH version 2 (the only SSH it speaks) sends the login banner as the SSH authentication banner,
before the password is asked; the message of the day and then the exec banner are printed when an interactive
EXEC session starts, after login. A command run without a shell (``ssh host show version``) and NETCONF get none.
IOS replaces the tokens ``$(hostname)`` and ``$(domain)`` in a banner with the device's own values when it shows it.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from iosxe_agent.device.names import n
from iosxe_agent.device.views.identity_view import read_identity
from iosxe_agent.device.views.single import find_in
from iosxe_agent.device.views.tree import native_of


@dataclass(frozen=True, slots=True)
class Banners:
    """The banners as shown (tokens expanded); None where none is configured."""

    exec: str | None = None
    login: str | None = None
    motd: str | None = None

    @property
    def session_start(self) -> str:
        """What an interactive session prints before its first prompt: the motd, then the exec banner, each
        ending a line."""
        return "".join(text if text.endswith("\n") else text + "\n" for text in (self.motd, self.exec) if text)


def expand(text: str, hostname: str, domain: str | None) -> str:
    """``text`` with IOS's banner tokens replaced."""
    return text.replace("$(hostname)", hostname).replace("$(domain)", domain or "")


def read_banners(tree: etree._Element) -> Banners:
    """The banners of a configuration (``/native/banner/{exec,login,motd}/banner``)."""
    native = native_of(tree)
    banner = find_in(native, n("banner"))
    if banner is None:
        return Banners()
    identity = read_identity(tree)

    def text(kind: str) -> str | None:
        value = banner.findtext(f"{n(kind)}/{n('banner')}")
        return None if value is None else expand(value, identity.hostname, identity.domain)

    return Banners(exec=text("exec"), login=text("login"), motd=text("motd"))
