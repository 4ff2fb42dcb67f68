"""The one CLI table (DESIGN.md §2): each IOS configuration command declared once with its YANG path, read by
both the parser (``configure terminal``, configuration files) and the renderer (``show running-config``)."""

from __future__ import annotations

from iosxe_agent.device.cli_map.parse import (
    CONFIG_MODE,
    EXEC_MODE,
    CliError,
    LineError,
    ModeContext,
    ParseResult,
    format_error,
    identify,
    parse_config_text,
    parse_line,
)
from iosxe_agent.device.cli_map.render import IOS_VERSION, render_config, render_lines, render_running_config

__all__ = [
    "CONFIG_MODE",
    "EXEC_MODE",
    "IOS_VERSION",
    "CliError",
    "LineError",
    "ModeContext",
    "ParseResult",
    "format_error",
    "identify",
    "parse_config_text",
    "parse_line",
    "render_config",
    "render_lines",
    "render_running_config",
]
