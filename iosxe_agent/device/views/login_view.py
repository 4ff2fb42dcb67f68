"""The ``login …`` configuration: quiet mode (``login block-for``), ``login delay``, login logging (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from iosxe_agent.device.names import n
from iosxe_agent.device.views.single import find_in
from iosxe_agent.device.views.tree import native_of

DEFAULT_DELAY = 1  # seconds: IOS applies it as soon as `login block-for` is configured


@dataclass(frozen=True, slots=True)
class LoginPolicy:
    """The ``login …`` configuration (``/native/login``)."""

    block_for: int | None = None
    attempts: int = 0
    within: int = 0
    delay: int | None = None
    failure_log_every: int | None = None  # None: no `login on-failure log`; 1: every failure
    success_log_every: int | None = None

    @property
    def watching(self) -> bool:
        """True when ``login block-for`` is configured."""
        return self.block_for is not None

    @property
    def effective_delay(self) -> int:
        """Seconds a failed attempt waits for its answer."""
        if self.delay is not None:
            return self.delay
        return DEFAULT_DELAY if self.watching else 0


def _every(container: etree._Element | None) -> int | None:
    log = container.find(n("log")) if container is not None else None
    if log is None:
        return None
    return int(log.findtext(n("every")) or "1")


def read_login(tree: etree._Element) -> LoginPolicy:
    """The login policy of a configuration (pure)."""
    native = native_of(tree)
    login = find_in(native, n("login"))
    if login is None:
        return LoginPolicy()
    block = login.find(n("block-config"))
    values = [block.findtext(n(leaf)) if block is not None else None for leaf in ("block-for", "attempts", "within")]
    watching = all(values)
    delay = login.findtext(n("delay"))
    return LoginPolicy(
        block_for=int(values[0] or 0) if watching else None,
        attempts=int(values[1] or 0) if watching else 0,
        within=int(values[2] or 0) if watching else 0,
        delay=int(delay) if delay else None,
        failure_log_every=_every(login.find(n("on-failure"))),
        success_log_every=_every(login.find(n("on-success"))),
    )
