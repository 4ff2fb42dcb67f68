"""Typing configuration lines as in ``configure terminal``, on in-memory trees (the CLI table's unit tests).

``trees`` is the ``trees`` fixture of tests/device/cli_map (empty, apply, tree, canonical).
"""

from __future__ import annotations

from typing import Any

from iosxe_agent.device.cli_map import CONFIG_MODE, ModeContext, parse_line


def typed(trees: Any, lines: list[str], tree: Any = None, mode: ModeContext = CONFIG_MODE) -> tuple[Any, ModeContext]:
    """Type ``lines`` one by one, applying each edit; no line may fail. The tree and the mode they end in."""
    tree = trees.empty() if tree is None else tree
    for line in lines:
        result = parse_line(line, mode, tree)
        assert result.error is None, (line, result.error)
        tree = trees.apply(tree, result.edit)
        mode = result.mode
    return tree, mode
