"""The configuration archive: part of the one CLI table (:mod:`.table` merges it).

``archive`` and its sub-mode (``path``, ``maximum``, ``write-memory``, ``time-period``).
Same notation as :mod:`.table` (see :mod:`.syntax`); global commands are placed by :data:`.table.RENDER_PLAN`,
sub-mode commands print in the order they are declared here.
"""

from __future__ import annotations

from iosxe_agent.device.cli_map.syntax import Command, Mode

#: Commands declared here, in running-config order within each mode.
COMMANDS: list[Command] = []
#: Sub-modes declared here (merged into :data:`.table.MODES`).
MODES: tuple[Mode, ...] = ()
#: Presence containers these commands reach (same form as :data:`.table.PRESENCE`).
PRESENCE: frozenset[tuple[str, ...]] = frozenset()
