"""Probes the CLI-table tests share: a configuration text mixing given lines with rendered ones, and the commands
the renderer walks while a block runs."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import strategies as st
from ios_config_strategies import FEATURES, build
from lxml import etree

from iosxe_agent.device.cli_map import render, render_config


def mixed_text(trees: Any, data: st.DataObject, lines: list[str]) -> str:
    """``lines`` with the rendered lines of up to three random features, maybe shuffled: a text to read back."""
    features = data.draw(st.lists(FEATURES, max_size=3))
    other = render_config(build(trees.empty(), trees.doc.cfg, trees.schema, features))
    mixed = lines + other.splitlines()[:-1]
    return "\n".join(data.draw(st.permutations(mixed)) if data.draw(st.booleans()) else mixed) + "\n"


@contextlib.contextmanager
def walked_commands(*, whole: bool) -> Iterator[list[str]]:
    """The ids of the commands whose syntax the renderer walks meanwhile: once per syntax node visited, or once
    per command walked (``whole``)."""
    walked: list[str] = []
    real = render._render

    def counting(node: Any, el: etree._Element, cmd: Any) -> Any:
        if not whole or node is cmd.syntax:
            walked.append(cmd.id)
        return real(node, el, cmd)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render, "_render", counting)
        yield walked
