"""The configuration archive of one device: ``archive config``, archiving on ``write memory``, ``show archive``.

IOS XE names each archive file after the configured ``path`` (``$h`` becomes the hostname) followed by a time stamp
and a sequence number that starts at 0 at boot: ``path flash:archive`` gives ``flash:archive-Dec--7-03-10-11.123-UTC-0``
(the day is space-padded and spaces become ``-``, as IOS builds it); when the path holds ``$t`` the time stamp goes
there instead. ``maximum`` (default 10) files are kept: saving one more deletes the oldest. Like IOS, the list of
archive files lives in memory and starts empty at every start (the files themselves stay in flash:).

Only ``flash:``/``bootflash:`` paths are written here; a remote path (``tftp:``, ``scp:`` …) is configuration this
device accepts and cannot reach, and archiving to it fails with IOS's error. The pure parts (names, ``show
archive``) are functions; :class:`ConfigArchive` holds the device's list and writes through its flash:.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from iosxe_agent.device.files import Flash, FlashError
from iosxe_agent.device.views.archive_view import ArchiveView

NOT_ENABLED = "Archive feature not enabled"
#: ``show archive``'s place holder for the time stamp of the next file.
NEXT_STAMP = "<timestamp>"


def stamp(when: datetime) -> str:
    """IOS's archive time stamp: ``Dec--7-03-10-11.123-UTC`` (month, space-padded day, time, ms, zone)."""
    t = when.astimezone(UTC)
    return f"{t:%b}-{t.day:>2}-{t:%H-%M-%S}.{t.microsecond // 1000:03d}-UTC".replace(" ", "-")


def archive_name(path: str, hostname: str, number: int, stamp_text: str) -> str:
    """The name of archive file ``number`` for ``path`` (pure): ``$h`` is the hostname, ``$t`` the time stamp;
    without ``$t`` the time stamp is appended, and the number always is."""
    base = path.replace("$h", hostname)
    if "$t" in base:
        return f"{base.replace('$t', stamp_text)}-{number}"
    return f"{base}-{stamp_text}-{number}"


def show_archive(view: ArchiveView, saved: list[str], next_name: str) -> str:
    """``show archive`` (pure): the settings, the files kept (oldest first, the last marked), one row per slot
    up to ``maximum``."""
    if not view.enabled:
        return NOT_ENABLED
    lines = [f"The maximum archive configurations allowed is {view.maximum}."]
    if saved:
        lines.append(f"There are currently {len(saved)} archive configurations saved.")
    lines += [f"The next archive file will be named {next_name}", " Archive #  Name"]
    for slot in range(1, view.maximum + 1):
        name = saved[slot - 1] if slot <= len(saved) else ""
        recent = " <- Most Recent" if saved and slot == len(saved) else ""
        lines.append(f"{slot:>4}        {name}{recent}")
    return "\n".join(lines)


@dataclass
class ArchiveError(Exception):
    """An archive file could not be written; ``str()`` is IOS's console line."""

    message: str

    def __str__(self) -> str:
        return self.message


class ConfigArchive:
    """The archive files this device wrote since it started, and the next sequence number. ``flash_name`` maps a
    URL to its name in flash: (None: not a flash: file), the device file system's rule."""

    def __init__(self, flash: Flash, flash_name: Callable[[str], str | None]) -> None:
        self.flash = flash
        self.flash_name = flash_name
        self.saved: deque[str] = deque()
        self.number = 0

    def next_name(self, view: ArchiveView, hostname: str) -> str:
        """What ``show archive`` says the next file will be called."""
        return archive_name(view.path or "", hostname, self.number, NEXT_STAMP)

    def show(self, view: ArchiveView, hostname: str) -> str:
        """``show archive``."""
        return show_archive(view, list(self.saved), self.next_name(view, hostname))

    def save(self, view: ArchiveView, hostname: str, text: bytes, when: datetime) -> str:
        """Write ``text`` (running-config as a file) as the next archive file and drop the oldest beyond
        ``maximum``; returns its name. Raises ArchiveError (archive off, a path this device cannot write)."""
        if view.path is None:
            raise ArchiveError("%Archive path not specified")
        name = archive_name(view.path, hostname, self.number, stamp(when))
        local = self.flash_name(name)
        if local is None:
            raise ArchiveError(f"%Error opening {name} (Permission denied)")
        try:
            self.flash.write(local, text)
        except FlashError as exc:
            raise ArchiveError(str(exc)) from None
        self.number += 1
        self.saved.append(name)
        while len(self.saved) > view.maximum:
            self._forget(self.saved.popleft())
        return name

    def _forget(self, name: str) -> None:
        """Delete an archive file that fell off the end (already gone, or deleted by hand: nothing to do)."""
        local = self.flash_name(name)
        if local is None:
            return
        try:
            self.flash.delete(local)
        except FlashError:
            return
