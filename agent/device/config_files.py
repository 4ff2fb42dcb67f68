"""Configuration files in either form a device meets: the XML ``<config>`` of a datastore, or IOS text.

IOS text (``show running-config`` output, or lines typed into ``configure terminal``) is folded into one
``<config>`` edit by the CLI table (:func:`agent.device.cli_map.parse_config_text`), on top of ``base``: the
running configuration when the file is merged into it (``copy flash:F running-config``), nothing when the file
stands for a whole configuration (``startup-config``, ``configure replace``). A file with lines that are not
commands is refused as a whole, naming the lines, so that nothing half-applies.
"""

from __future__ import annotations

from lxml import etree

from agent.device.cli_map.parse import parse_config_text
from agent.device.files import FlashError, decode_config
from agent.device.scp import ConfigFileError, line_errors

_BLANK = b"\xef\xbb\xbf \t\r\n"


def is_xml(data: bytes) -> bool:
    """True for the XML form (after a byte-order mark and white space, the first character is ``<``)."""
    return data.lstrip(_BLANK).startswith(b"<")


def read_config(data: bytes, shown: str, base: etree._Element | None) -> etree._Element:
    """The ``<config>`` a configuration file stands for (pure). Raises ConfigFileError naming ``shown``."""
    if is_xml(data):
        try:
            return decode_config(data, shown)
        except FlashError as exc:
            raise ConfigFileError(str(exc)) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigFileError(f"%Error copying {shown} (not a text configuration file)") from None
    edit, errors = parse_config_text(text, base)
    if errors:
        raise line_errors(shown, errors)
    return edit
