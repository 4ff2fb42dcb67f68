"""What the configuration archive does: ``archive`` / ``path`` / ``maximum`` / ``write-memory`` / ``time-period``.

``archive config`` and, with ``write-memory``, every ``write memory`` save running-config into a new file named
after ``path``; ``maximum`` bounds how many are kept. Without a ``path`` the feature is off (``show archive``:
``Archive feature not enabled``), whatever else the block holds.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from iosxe_agent.device.names import n
from iosxe_agent.device.views.single import find_in
from iosxe_agent.device.views.tree import native_of

#: IOS keeps 10 archive files when ``maximum`` is not configured.
DEFAULT_MAXIMUM = 10


@dataclass(frozen=True, slots=True)
class ArchiveView:
    """The archive settings, with IOS's defaults."""

    path: str | None = None
    maximum: int = DEFAULT_MAXIMUM
    write_memory: bool = False
    time_period_min: int | None = None

    @property
    def enabled(self) -> bool:
        """True when archive files can be written (a path is configured)."""
        return self.path is not None


def read_archive(tree: etree._Element) -> ArchiveView:
    """The archive settings of a configuration (pure)."""
    native = native_of(tree)
    block = find_in(native, n("archive"))
    if block is None:
        return ArchiveView()
    maximum = block.findtext(n("maximum"))
    period = block.findtext(n("time-period"))
    return ArchiveView(
        path=block.findtext(n("path")) or None,
        maximum=int(maximum) if maximum else DEFAULT_MAXIMUM,
        write_memory=block.find(n("write-memory")) is not None,
        time_period_min=int(period) if period else None,
    )
