"""The printable check's short cuts give the verdict of the full rendering and read-back they stand for.

The renderer passes over the plan's commands by gates and groups (render.py ``_Group``) and leaves out the slots
of a tree without kept lines; the parser passes over ``!`` and blank lines before making their words, and makes a
command's ``no`` form once. The reference here walks every command of the plan with every slot; the values are
random configurations with values IOS text cannot carry (spaces, line breaks, keywords as names, empty strings,
lower-case hex), checked whole and as the excerpts a commit checks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from ios_config_strategies import FEATURES, build, representable
from lxml import etree

from iosxe_agent.data.edit import load_config
from iosxe_agent.data.validate import validate
from iosxe_agent.device.cli_map import parse, render
from iosxe_agent.device.cli_map.parse import CONFIG_MODE, _tokenize
from iosxe_agent.device.cli_map.render import _Quick, render_sourced
from iosxe_agent.device.cli_map.table import BY_MODE
from iosxe_agent.device.cli_map.tree import ALL_VALUES, DataTree, Step
from iosxe_agent.device.printable import Focus, excerpt, unprintable

#: Values the text does not carry, or carries only just (and some that look as if they might not).
UNPRINTABLE = (
    "", " ", "a b", " lead", "trail ", "\n", "x\nusername root privilege 15", "a\tb", "!", "^C", "end", "exit",
    "no", "privilege", "secret", "RO", "rw", "0123456789abcdef0123456789abcdef", "\u2028", "\x85", "ü",
)  # fmt: skip


@contextmanager
def _walking_everything() -> Iterator[None]:
    """The renderer without its short cuts: every command of the plan walked, in order, with every slot."""
    events = render._events
    ungated = render._group(tuple(item._replace(gate=None) for item in render._plan()), (), False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render, "_quick", lambda cmd: _Quick((), False, None))
        patch.setattr(render, "_root", lambda: ungated)
        patch.setattr(render, "_events", lambda native, version, sources, slots=True: events(native, version, sources))
        yield


def _verdict(tree: etree._Element, schema: Any) -> list[tuple[str, str | None]]:
    """What :func:`unprintable` finds: where each value is in ``tree`` and what reads back instead."""
    where = tree.getroottree()
    return [(where.getpath(bad.element), bad.read_back) for bad in unprintable(tree, schema)]


@st.composite
def _hostile(draw: st.DrawFn, trees: Any) -> etree._Element:
    """A valid configuration with up to three of the string values it prints replaced by unprintable ones."""
    tree = build(trees.empty(), trees.doc.cfg, trees.schema, draw(st.lists(FEATURES, min_size=1, max_size=4)))
    assume(representable(tree))
    printed = render_sourced(tree)[1]
    if printed:
        for index in draw(st.lists(st.integers(0, len(printed) - 1), min_size=1, max_size=3, unique=True)):
            printed[index].text = draw(st.sampled_from(UNPRINTABLE))
    loaded = load_config(tree, trees.schema)
    assume(loaded.tree is not None and not loaded.errors and not validate(loaded.tree, trees.schema))
    assert loaded.tree is not None
    return loaded.tree


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_the_check_refuses_what_the_full_rendering_and_read_back_refuse(trees: Any, data: st.DataObject) -> None:
    tree = data.draw(_hostile(trees))
    elements = [el for el in tree.iter() if isinstance(el.tag, str)]
    picked = data.draw(st.lists(st.sampled_from(elements), min_size=1, max_size=3))
    whole = data.draw(st.lists(st.booleans(), min_size=len(picked), max_size=len(picked)))
    part = excerpt(tree, [Focus(el, w) for el, w in zip(picked, whole, strict=True)], trees.schema)
    fast = (_verdict(tree, trees.schema), _verdict(part, trees.schema))
    event("refused" if fast[0] else "accepted")
    with _walking_everything():
        full = (_verdict(tree, trees.schema), _verdict(part, trees.schema))
    assert fast == full


@given(line=st.text(st.sampled_from(" \t\x0b\x0c\x1c\x1f\x85\xa0\u2028\u3000!a#\r"), max_size=6))
def test_a_line_passed_over_before_its_words_are_made_is_one_without_words_or_a_comment(line: str) -> None:
    tokens = _tokenize(line)
    text = line.lstrip()
    assert (not text or text[0] == "!") == (not tokens or tokens[0].text.startswith("!"))


def _negative_walked(cmd: Any, base: tuple[Step, ...]) -> list[parse.EditOp]:
    """The ``no`` form's operations made from the syntax on every call (the reference of ``parse._no_form``)."""
    rel = parse._rel
    if cmd.no == "sets":
        return [parse.EditOp("set", base + rel(cmd, p), v) for p, v in cmd.no_sets]
    if cmd.no_remove:
        return [parse.EditOp("remove", base + rel(cmd, p)) for p in cmd.no_remove]
    paths = cmd.data_paths()
    if cmd.no == "anchor" or not paths or (cmd.anchor_steps and cmd.anchor_steps[-1].keys):
        return [parse.EditOp("remove", base)] if base else []
    ops = []
    for p in paths:
        steps = base + rel(cmd, p)
        if p in cmd.leaflist_paths():
            steps = (*steps[:-1], Step(steps[-1].tag, value=ALL_VALUES))
        ops.append(parse.EditOp("remove", steps))
    return ops


def test_every_no_form_makes_the_operations_of_its_syntax() -> None:
    context = (Step("{urn:x}ctx", (("{urn:x}name", "v"),)),)
    checked = 0
    for cmds in BY_MODE.values():
        for cmd in cmds:
            for base in ((), context, context + parse._anchor(cmd, dict.fromkeys(cmd.key_names, "k"))):
                assert parse._negative(cmd, base) == _negative_walked(cmd, base), cmd.id
                checked += 1
    assert checked > 600


def test_comment_and_blank_lines_leave_the_mode_as_it_was() -> None:
    state = DataTree(None)
    for line in ("!", "  ! x", "", "   ", "\t!"):
        assert parse._step(line, CONFIG_MODE, state) == ([], CONFIG_MODE, None, None)
