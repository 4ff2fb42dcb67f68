"""How much the file commands ask: ``file prompt alert|noisy|quiet``.

Automation sends ``copy running-config flash:F`` or ``delete flash:F`` and waits for the prompt; a question in
between (``Destination filename [F]?``, ``Delete flash:/F? [confirm]``) stalls it. NAPALM's ``ios`` driver
therefore configures ``file prompt quiet`` before its file operations, and IOS then asks nothing it already knows.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from lxml import etree

from iosxe_agent.device.names import p
from iosxe_agent.device.views.single import find_in
from iosxe_agent.device.views.tree import native_of


class FilePrompt(StrEnum):
    """The values of ``file prompt`` (device-private ``/native/priv:file/prompt``: CLI-only on 17.12), as IOS
    spells them."""

    ALERT = "alert"  # IOS's default: ask before what destroys or overwrites, and for the destination name
    NOISY = "noisy"  # confirm every parameter (the questions of ``alert``, here)
    QUIET = "quiet"  # ask only for what is missing (a password not in the URL)


@dataclass(frozen=True, slots=True)
class FileView:
    """The prompting level of the file commands (``copy``, ``delete``)."""

    prompt: FilePrompt = FilePrompt.ALERT


def read_file_prompt(tree: etree._Element) -> FileView:
    """The ``file prompt`` level of a configuration (pure; IOS's ``alert`` when unset; the schema admits only the
    three values)."""
    native = native_of(tree)
    prompt = find_in(native, p("file"), p("prompt"))
    value = (prompt.text or "") if prompt is not None else None
    return FileView(prompt=FilePrompt(value)) if value else FileView()
