"""Configuration files in either form a device meets: the XML ``<config>`` of a datastore, or IOS text.

IOS text (``show running-config`` output, or lines typed into ``configure terminal``) is folded into one
``<config>`` edit by the CLI table (:func:`iosxe_agent.device.cli_map.parse.parse_config`), on top of ``base``: the
running configuration when the file is merged into it (``copy flash:F running-config``), nothing when the file
stands for a whole configuration (``startup-config``, ``configure replace``).

Two readings, because IOS has two semantics:

* :func:`read_config_file` -- IOS's file semantics (``copy F running-config``, an SCP upload, a startup
  configuration at boot): every line that is a command applies, in order, as if typed; a line that is not is
  skipped and reported (:attr:`ConfigFile.skipped`, printed by :func:`console_lines` as IOS's console shows it
  during a copy, or summed up in one line by :func:`skipped_summary`).
* :func:`read_config` -- all or nothing (``configure replace``, the cisco-ia ``rollback`` RPC): a file with a line
  that is not a command is refused as a whole, naming the lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from iosxe_agent.data.errors import DataError
from iosxe_agent.device.cli_map.parse import Action, LineError, format_error, parse_config
from iosxe_agent.device.files import FlashError, decode_config

_BLANK = b"\xef\xbb\xbf \t\r\n"
#: How many skipped lines a one-line summary names (the rest are counted).
_NAMED = 5


class ConfigFileError(FlashError):
    """A configuration file was refused as a whole; ``str()`` is one line (for SCP), ``lines`` IOS's detail,
    ``errors`` the datastore's own errors when it was the datastore that refused (an RPC answers with them)."""

    def __init__(self, summary: str, lines: list[str] | None = None, errors: tuple[DataError, ...] = ()) -> None:
        super().__init__(summary)
        self.lines = lines or [summary]
        self.errors = errors


@dataclass(frozen=True, slots=True)
class ConfigFile:
    """What a configuration file stands for under IOS's file semantics: the ``<config>`` edit of its commands,
    the actions its lines ask for in order (``crypto key generate rsa …``; the XML form has none), and the lines
    that are not commands (skipped)."""

    config: etree._Element
    actions: tuple[Action, ...] = ()
    skipped: tuple[LineError, ...] = ()


def _short(error: LineError) -> str:
    kind = error.error.kind
    if kind == "invalid":
        return "% Invalid input detected at '^' marker."
    if kind == "incomplete":
        return "% Incomplete command."
    if kind == "ambiguous":
        return "% Ambiguous command"
    return error.error.message


def _named(errors: tuple[LineError, ...]) -> str:
    parts = [f"line {e.lineno} '{e.line.strip()[:80]}': {_short(e)}" for e in errors[:_NAMED]]
    if len(errors) > _NAMED:
        parts.append(f"and {len(errors) - _NAMED} more")
    return "; ".join(parts)


def console_lines(errors: tuple[LineError, ...]) -> list[str]:
    """What IOS's console shows for the skipped lines of a file copied to running-config: per line, the caret
    under the column where it went wrong (the line itself is not echoed) and the error, then a blank line."""
    out: list[str] = []
    for e in errors:
        out += format_error("", e.line, e.error) if e.lineno else [_short(e)]
    return out


def skipped_summary(errors: tuple[LineError, ...]) -> str:
    """One line naming the skipped lines (for an SCP client's stderr and an RPC's result)."""
    return f"{len(errors)} invalid line(s) skipped: {_named(errors)}"


def line_errors(shown: str, errors: tuple[LineError, ...]) -> ConfigFileError:
    """The refusal of a whole file (all-or-nothing readers) with lines that are not commands."""
    summary = f"%Error copying {shown} ({len(errors)} invalid line(s), nothing changed: {_named(errors)})"
    detail: list[str] = []
    for e in errors:
        detail.append(f"Line {e.lineno}: {e.line}" if e.lineno else "At the end of the file:")
        detail += [x for x in format_error(f"Line {e.lineno}: " if e.lineno else "", e.line, e.error) if x]
    detail.append(f"%Error copying {shown}: {len(errors)} invalid line(s), nothing changed")
    return ConfigFileError(summary, detail)


def is_xml(data: bytes) -> bool:
    """True for the XML form (after a byte-order mark and white space, the first character is ``<``)."""
    return data.lstrip(_BLANK).startswith(b"<")


def read_config_file(data: bytes, shown: str, base: etree._Element | None) -> ConfigFile:
    """The file under IOS's file semantics (pure): its commands on top of ``base``, its actions, the lines
    skipped. Raises ConfigFileError naming ``shown`` only for a file that is no configuration at all (not
    text, broken XML)."""
    if is_xml(data):
        try:
            return ConfigFile(decode_config(data, shown))
        except FlashError as exc:
            raise ConfigFileError(str(exc)) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigFileError(f"%Error copying {shown} (not a text configuration file)") from None
    parsed = parse_config(text, base)
    return ConfigFile(parsed.edit, parsed.actions, parsed.errors)


def read_config(data: bytes, shown: str, base: etree._Element | None) -> etree._Element:
    """The ``<config>`` a whole configuration file stands for, all or nothing (pure). Raises ConfigFileError
    naming ``shown`` (with every line that is not a command)."""
    read = read_config_file(data, shown, base)
    if read.skipped:
        raise line_errors(shown, read.skipped)
    return read.config
