"""The renderer passes over commands that find nothing of theirs without walking them (render.py ``_Quick``, the
plan's gates and groups): what it prints, and the values it says it printed, are those of walking every command.

Random configurations over every subtree the table covers, whole and as the printable check's excerpts of a few
of their elements (which hold a handful of the plan's commands, and command instances without their siblings)."""

from __future__ import annotations

from typing import Any

import pytest
from cli_map_probes import walked_commands
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ios_config_strategies import FEATURES, build
from lxml import etree

from iosxe_agent.device.cli_map import render
from iosxe_agent.device.cli_map.render import _Quick, render_sourced
from iosxe_agent.device.cli_map.table import BY_MODE
from iosxe_agent.device.printable import Focus, excerpt


def _ungated() -> render._Group:
    """The plan with no gates and no groups: every command of it walked, in order."""
    return render._group(tuple(item._replace(gate=None) for item in render._plan()), (), False)


def _both(tree: etree._Element) -> tuple[tuple[str, list[int]], tuple[str, list[int]]]:
    """(text, ids of the sources) rendered with the quick paths and by walking every command of the plan, with
    every slot (``slots``: the walk of a tree without kept lines leaves them out)."""
    text, sources = render_sourced(tree)
    quick = (text, [id(s) for s in sources])
    events = render._events
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render, "_quick", lambda cmd: _Quick((), False, None))
        patch.setattr(render, "_root", _ungated)
        patch.setattr(render, "_events", lambda native, version, sources, slots=True: events(native, version, sources))
        text, walked_sources = render_sourced(tree)
        walked = (text, [id(s) for s in walked_sources])
    return quick, walked


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bodies=st.lists(FEATURES, min_size=1, max_size=6), data=st.data())
def test_passing_over_idle_commands_renders_what_walking_them_renders(
    trees: Any, bodies: list[str], data: st.DataObject
) -> None:
    tree = build(trees.empty(), trees.doc.cfg, trees.schema, bodies)
    quick, walked = _both(tree)
    assert quick == walked
    elements = [el for el in tree.iter() if isinstance(el.tag, str)]
    picked = data.draw(st.lists(st.sampled_from(elements), min_size=1, max_size=3))
    whole = data.draw(st.lists(st.booleans(), min_size=len(picked), max_size=len(picked)))
    part = excerpt(tree, [Focus(el, w) for el, w in zip(picked, whole, strict=True)], trees.schema)
    quick, walked = _both(part)
    assert quick == walked


def test_the_quick_paths_are_taken(trees: Any) -> None:
    """Of the 27 commands anchored at ``ip ssh``, only those with data there walk their syntax."""
    tree = trees.tree("<ip><ssh><time-out>60</time-out><ssh-version>2</ssh-version></ssh></ip>")
    with walked_commands(whole=False) as walked:
        text, _ = render_sourced(tree)
    assert "ip ssh time-out 60" in text and "ip ssh version 2" in text
    ssh = [cmd for cmd in BY_MODE["config"] if cmd.anchor.startswith("ip/ssh")]
    undecided = {cmd.id for cmd in ssh if render._quick(cmd).needs is None}  # (flags, a block, a list anchor)
    assert len(ssh) > 20 and len(undecided) <= 4
    with_data = {"ip-ssh-time-out", "ip-ssh-version"}
    assert with_data <= {cmd for cmd in walked if cmd.startswith("ip-ssh")} <= with_data | undecided
