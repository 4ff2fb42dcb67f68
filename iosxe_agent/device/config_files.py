"""Configuration files in either form a device meets: the XML ``<config>`` of a datastore, or IOS text.

IOS text (``show running-config`` output, or lines typed into ``configure terminal``) is folded into one
``<config>`` edit by the CLI table (:func:`iosxe_agent.device.cli_map.parse_config_text`), on top of ``base``: the
running configuration when the file is merged into it (``copy flash:F running-config``), nothing when the file
stands for a whole configuration (``startup-config``, ``configure replace``). A file with lines that are not
commands is refused as a whole, naming the lines, so that nothing half-applies.
"""

from __future__ import annotations

from lxml import etree

from iosxe_agent.data.errors import DataError
from iosxe_agent.device.cli_map.parse import Action, LineError, format_error, parse_config
from iosxe_agent.device.files import FlashError, decode_config

_BLANK = b"\xef\xbb\xbf \t\r\n"


class ConfigFileError(FlashError):
    """A configuration file was refused as a whole; ``str()`` is one line (for SCP), ``lines`` IOS's detail,
    ``errors`` the datastore's own errors when it was the datastore that refused (an RPC answers with them)."""

    def __init__(self, summary: str, lines: list[str] | None = None, errors: tuple[DataError, ...] = ()) -> None:
        super().__init__(summary)
        self.lines = lines or [summary]
        self.errors = errors


def _short(error: LineError) -> str:
    kind = error.error.kind
    if kind == "invalid":
        return "% Invalid input detected at '^' marker."
    if kind == "incomplete":
        return "% Incomplete command."
    if kind == "ambiguous":
        return "% Ambiguous command"
    return error.error.message


def line_errors(shown: str, errors: tuple[LineError, ...]) -> ConfigFileError:
    """The refusal of a configuration file with lines that are not commands."""
    parts = [f"line {e.lineno} '{e.line.strip()[:80]}': {_short(e)}" for e in errors[:5]]
    if len(errors) > 5:
        parts.append(f"and {len(errors) - 5} more")
    summary = f"%Error copying {shown} ({len(errors)} invalid line(s), nothing changed: {'; '.join(parts)})"
    detail: list[str] = []
    for e in errors:
        detail.append(f"Line {e.lineno}: {e.line}" if e.lineno else "At the end of the file:")
        detail += [x for x in format_error(f"Line {e.lineno}: " if e.lineno else "", e.line, e.error) if x]
    detail.append(f"%Error copying {shown}: {len(errors)} invalid line(s), nothing changed")
    return ConfigFileError(summary, detail)


def is_xml(data: bytes) -> bool:
    """True for the XML form (after a byte-order mark and white space, the first character is ``<``)."""
    return data.lstrip(_BLANK).startswith(b"<")


def read_config(data: bytes, shown: str, base: etree._Element | None) -> etree._Element:
    """The ``<config>`` a configuration file stands for (pure). Raises ConfigFileError naming ``shown``."""
    return read_config_actions(data, shown, base)[0]


def read_config_actions(
    data: bytes, shown: str, base: etree._Element | None
) -> tuple[etree._Element, tuple[Action, ...]]:
    """:func:`read_config` and the actions its lines ask for, in order (``crypto key generate rsa …``; the XML
    form has none), for a file merged into running (pure). Raises ConfigFileError naming ``shown``."""
    if is_xml(data):
        try:
            return decode_config(data, shown), ()
        except FlashError as exc:
            raise ConfigFileError(str(exc)) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigFileError(f"%Error copying {shown} (not a text configuration file)") from None
    parsed = parse_config(text, base)
    if parsed.errors:
        raise line_errors(shown, parsed.errors)
    return parsed.edit, parsed.actions
