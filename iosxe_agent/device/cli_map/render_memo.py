"""The line a command prints for one anchor, from a template per anchor *shape* instead of a walk of the syntax.

Why: a bulk change renders thousands of anchors of one command that differ only in free values (10,000 new
users: ``username NAME privilege 1 secret 9 HASH``), and the syntax walk of :func:`.render._render` costs about
twenty node visits per anchor. What that walk prints depends on the anchor's subtree alone, and only through

* its structure: which elements exist, in which order (every lookup is "the first child with this tag");
* the text of the elements some node *inspects*: a keyword's ``set`` leaf, a :class:`~.syntax.Choice`;
* the text of the elements a plain argument (:class:`~.syntax.Word`, :class:`~.syntax.Number`,
  :class:`~.syntax.Rest`) prints, which it copies into a token as it is and never otherwise looks at.

So two anchors that agree on the first two print the same tokens, with the copied texts at the same places, and
name the same elements (by position in document order) as sources. The key of a shape is the structure (tags and
child counts in document order) and the text of every element but the copied ones (:func:`_layout`). A template
is made by the walk itself, on a copy of the first anchor of a shape whose copied texts are replaced by distinct
markers; the markers in the tokens say where each copied text goes.

Commands outside that reasoning never use a template: a leaf-list or interface argument (reads several children,
or joins texts), a block (its anchor holds whole sub-modes); nor do anchors missing a key argument's leaf (the walk
then looks above the anchor), holding comments or processing instructions, or larger than :data:`_MAX_ELEMENTS`.
``tests/device/cli_map/test_render_memo.py`` compares templates with the walk.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, NamedTuple

from lxml import etree

from iosxe_agent.bounded import remember
from iosxe_agent.device.cli_map.syntax import Arg, Choice, Command, Interface, Kw, Node, walk

#: Anchors with more elements than this take the walk (a template pays off on small, repeated anchors).
_MAX_ELEMENTS = 32
#: Templates remembered (all forgotten when full): a few per command that has bulk instances.
_TEMPLATES_MAX = 256
_MARK = "\ue001tpl:"  # (a private-use character: the markers of one template differ only in their index)


class Printed(NamedTuple):
    """What a syntax node printed (the renderer's ``_Printed``): its tokens, how many data items they carry, and
    the data elements whose values the tokens spell (so a caller can check that the parser reads exactly those
    values back)."""

    tokens: list[str]
    data: int
    sources: list[etree._Element]


#: The walk a template stands for: (syntax node, anchor, command) -> what it printed, or None.
Render = Callable[[Node, etree._Element, Command], Printed | None]


@dataclass(frozen=True, slots=True)
class _Paths:
    """A command's data paths as tag tuples below its anchor: ``copied`` only ever printed as they are,
    ``inspected`` read for their text in any other way, ``keys`` the key arguments (looked up above the anchor when
    the anchor lacks them)."""

    copied: tuple[tuple[str, ...], ...]
    inspected: tuple[tuple[str, ...], ...]
    keys: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Template:
    """What the walk printed for a shape: ``tokens`` with None where copied text ``fills`` (token index ->
    element position in document order) goes, and the positions of the ``sources``."""

    tokens: tuple[str | None, ...]
    fills: tuple[tuple[int, int], ...]
    data: int
    sources: tuple[int, ...]

    def fill(self, els: list[etree._Element]) -> Printed:
        tokens: list[str] = list(self.tokens)  # type: ignore[arg-type]  # (every None is filled below)
        for i, pos in self.fills:
            tokens[i] = els[pos].text or ""
        return Printed(tokens, self.data, [els[pos] for pos in self.sources])


_NONE: Literal["none"] = "none"  # the walk printed nothing for this shape
_WALK: Literal["walk"] = "walk"  # this shape is outside the template's reasoning: always walk
_Known = Template | Literal["none", "walk"]

#: ``id()`` of a command (they live as long as the table) -> its paths, or None when it never uses a template.
_PATHS: dict[int, _Paths | None] = {}
#: (command, structure of an anchor) -> :func:`_layout`; (that key, the texts at the layout) -> a template
_layouts: dict[tuple[object, ...], tuple[int, ...] | Literal["walk"]] = {}
_templates: dict[tuple[object, ...], _Known] = {}


def _paths(cmd: Command) -> _Paths | None:
    key = id(cmd)
    if key not in _PATHS:
        _PATHS[key] = _paths_of(cmd)
    return _PATHS[key]


def _paths_of(cmd: Command) -> _Paths | None:
    if cmd.enters is not None:
        return None
    copied: set[str] = set()
    inspected: set[str] = set()
    for node in walk(cmd.syntax):
        if isinstance(node, Kw):
            inspected.update(path for path, _ in node.set)
        elif isinstance(node, Arg) and node.path is not None:
            if node.leaflist or node.flags or isinstance(node.type, Interface):
                return None
            (inspected if isinstance(node.type, Choice) else copied).add(node.path)
    copied -= inspected
    keys = [p for p in copied | inspected if p in cmd.key_names]
    return _Paths(*(tuple(cmd.path(p) for p in sorted(group)) for group in (copied, inspected, keys)))


def _first(el: etree._Element, tags: tuple[str, ...]) -> etree._Element | None:
    """The element the walk reads at ``tags`` below ``el``: the first child with each tag, in turn."""
    found = el
    for tag in tags:
        child = next(found.iterchildren(tag), None)
        if child is None:
            return None
        found = child
    return found


def rendered(cmd: Command, anchor: etree._Element, render: Render) -> Printed | None:
    """``render(cmd.syntax, anchor, cmd)``, through the template of ``anchor``'s shape when there is one."""
    found = _known(cmd, anchor, render)
    if found is None:
        return render(cmd.syntax, anchor, cmd)
    _, known, els = found
    if known is _NONE:
        return None
    if known is _WALK:
        return render(cmd.syntax, anchor, cmd)
    assert isinstance(known, Template)
    return known.fill(els)


def template_of(
    cmd: Command, anchor: etree._Element, render: Render
) -> tuple[tuple[object, ...], Template, list[etree._Element]] | None:
    """The shape of ``anchor`` (structure and the texts the template depends on, as :func:`rendered` keys its
    templates), the template it prints by and its elements in document order (what the template's positions
    index); None when ``anchor`` is walked or prints nothing. Why: anchors of one shape print the same line but
    for the copied texts, so a caller can reason about a bulk of them once per shape (``printable``)."""
    found = _known(cmd, anchor, render)
    if found is None:
        return None
    shape, known, els = found
    return (shape, known, els) if isinstance(known, Template) else None


def _known(
    cmd: Command, anchor: etree._Element, render: Render
) -> tuple[tuple[object, ...], _Known, list[etree._Element]] | None:
    """The shape of ``anchor``, what is known of it and its elements in document order; None when ``cmd`` or the
    anchor's size or structure rules templates out."""
    paths = _paths(cmd)
    if paths is None:
        return None
    els = list(anchor.iter())
    if len(els) > _MAX_ELEMENTS:
        return None
    # (a comment's tag is a function: such an anchor is walked, see _layout)
    key: tuple[object, ...] = (id(cmd), *[(el.tag, len(el)) for el in els])
    layout = _layouts.get(key)
    if layout is None:
        layout = _layout(anchor, paths)
        remember(_layouts, key, layout, _TEMPLATES_MAX)
    if layout is _WALK:
        return None
    assert isinstance(layout, tuple)
    shape = (key, *[els[pos].text for pos in layout])
    known = _templates.get(shape)
    if known is None:
        known = _template(cmd, anchor, paths, render)
        remember(_templates, shape, known, _TEMPLATES_MAX)
    return shape, known, els


def _layout(anchor: etree._Element, paths: _Paths) -> tuple[int, ...] | Literal["walk"]:
    """The positions (document order) of the elements of ``anchor`` whose text a template depends on: all but
    the copied ones (a superset of the inspected ones); ``_WALK`` when the anchor is walked whatever its texts."""
    els = list(anchor.iter())
    if any(not isinstance(el.tag, str) for el in els):
        return _WALK
    if any(_first(anchor, tags) is None for tags in paths.keys):
        return _WALK  # (the walk would look for the key above the anchor)
    copied = {id(found) for tags in paths.copied if (found := _first(anchor, tags)) is not None}
    return tuple(pos for pos, el in enumerate(els) if id(el) not in copied)


def _template(cmd: Command, anchor: etree._Element, paths: _Paths, render: Render) -> _Known:
    """The template of ``anchor``'s shape, made by ``render`` on a marked copy (see the module docstring)."""
    marked = copy.copy(anchor)  # (lxml copies the whole subtree, detached)
    els = list(marked.iter())
    position = {id(el): pos for pos, el in enumerate(els)}
    marks: dict[str, int] = {}
    for tags in paths.copied:
        found = _first(marked, tags)
        if found is not None:
            pos = position[id(found)]
            found.text = marker = f"{_MARK}{pos}"
            marks[marker] = pos
    got = render(cmd.syntax, marked, cmd)
    if got is None:
        return _NONE
    tokens: list[str | None] = []
    fills: list[tuple[int, int]] = []
    for i, token in enumerate(got.tokens):
        pos = marks.get(token, -1)
        if pos >= 0:
            tokens.append(None)
            fills.append((i, pos))
        elif _MARK in token:
            return _WALK  # (a copied text printed as part of a token: not a plain copy)
        else:
            tokens.append(token)
    if any(id(src) not in position for src in got.sources):
        return _WALK
    return Template(tuple(tokens), tuple(fills), got.data, tuple(position[id(src)] for src in got.sources))
