"""Datastore tree -> ``show running-config`` text, from the one CLI table.

Each command of :data:`~.table.RENDER_PLAN` (and, inside a block, each command of the sub-mode) is printed for
every instance of its anchor whose data its syntax can spell: keywords as declared, arguments from their leaves,
optional parts only when their data is present, the first alternative that has data. What the renderer prints,
the parser reads back into the same tree (tested with hypothesis); nodes no command covers are not printed.

Layout (CLI reference §1.2-1.7, 17.x): ``Building configuration...``, a blank line, ``Current configuration : N
bytes`` (N = byte length of the text from the next ``!`` through ``end\\n``, plus one, as IOS counts it), ``!``,
optionally ``! Last configuration change at HH:MM:SS UTC Www Mmm D YYYY[ by USER]`` and ``!``, ``version 17.12``,
the sections in 17.x order with ``!`` separator lines, one-space indentation inside blocks (two and three in
``ip ssh pubkey-chain``), ``end``. The text ends with ``end\\n``; the shell adds the empty line IOS prints before
the prompt. The result is a pure function of the tree and the arguments (the clock value is passed in).
"""

from __future__ import annotations

from datetime import UTC, datetime

from lxml import etree

from agent.device.cli_map.keys import crypto_key_lines
from agent.device.cli_map.syntax import (
    INTERFACE_TYPES,
    Alt,
    Arg,
    Choice,
    Command,
    Interface,
    Kw,
    Many,
    Node,
    Opt,
    Pad,
    SchemaStep,
    Seq,
)
from agent.device.cli_map.table import BY_ID, BY_MODE, CRYPTO_DATA, RENDER_PLAN
from agent.device.cli_map.tree import NATIVE_TAG

__all__ = ["IOS_VERSION", "render_config", "render_lines", "render_running_config"]

IOS_VERSION = "17.12"
_INTERFACES = frozenset(INTERFACE_TYPES)
_Rendered = tuple[list[str], int] | None


def _child(el: etree._Element, tag: str) -> etree._Element | None:
    return next(el.iterchildren(tag), None)


def _find(el: etree._Element | None, tags: tuple[str, ...]) -> etree._Element | None:
    for tag in tags:
        if el is None:
            return None
        el = next(el.iterchildren(tag), None)
    return el


def _anchors(ctx: etree._Element, steps: tuple[SchemaStep, ...]) -> list[etree._Element]:
    found = [ctx]
    for step in steps:
        nxt: list[etree._Element] = []
        for el in found:
            if step.keys:
                nxt.extend(el.iterchildren(step.tag))
            else:
                hit = _child(el, step.tag)
                if hit is not None:
                    nxt.append(hit)
        found = nxt
    return found


def _arg(node: Arg, el: etree._Element, cmd: Command) -> _Rendered:
    if node.path is None:
        return None
    tags = cmd.path(node.path)
    kind = node.type
    if node.leaflist:
        parent = _find(el, tags[:-1])
        values = [] if parent is None else [v.text or "" for v in parent.iterchildren(tags[-1])]
        if not values:
            return None
        if isinstance(kind, Choice):
            words = [kind.word_of(v) for v in values]
            if any(w is None for w in words):
                return None
            return [w for w in words if w is not None], 1
        return values, 1
    target = _find(el, tags)
    if target is None:
        return None
    if isinstance(kind, Interface):
        for choice in target:
            if isinstance(choice.tag, str):
                name = choice.tag.rpartition("}")[2]
                if name in _INTERFACES:
                    return [f"{name}{choice.text or ''}"], 1
        return None
    text = target.text or ""
    if isinstance(kind, Choice):
        word = kind.word_of(text)
        return None if word is None else ([word], 1)
    return [text], 1


def _render(node: Node, el: etree._Element, cmd: Command) -> _Rendered:
    """The tokens ``node`` prints for the data under ``el`` and how many data items they carry; None when the
    data does not fit the node."""
    if node.parse_only:
        return None
    if isinstance(node, Kw):
        for path, value in node.set:
            target = _find(el, cmd.path(path))
            if target is None or (value is not None and (target.text or "") != value):
                return None
        return [node.display or node.word], 1 if node.set else 0
    if isinstance(node, Arg):
        return _arg(node, el, cmd)
    if isinstance(node, Seq):
        tokens: list[str] = []
        used = 0
        for item in node.items:
            got = _render(item, el, cmd)
            if got is None:
                return None
            tokens += got[0]
            used += got[1]
        return tokens, used
    if isinstance(node, Opt):
        got = _render(node.item, el, cmd)
        return got if got is not None and got[1] else ([], 0)
    if isinstance(node, Alt):
        fallback: _Rendered = None
        for branch in node.branches:
            got = _render(branch, el, cmd)
            if got is not None:
                if got[1]:
                    return got
                fallback = fallback or got
        return fallback
    if isinstance(node, Many):
        tokens = []
        used = 0
        count = 0
        for item in node.items:
            got = _render(item, el, cmd)
            if got is not None and got[1]:
                tokens += got[0]
                used += got[1]
                count += 1
        return (tokens, used) if count >= node.min else None
    if isinstance(node, Pad):
        return [""], 0
    raise TypeError(node)


def _words(node: Node) -> list[str]:
    """The keywords of a data-free head of a command (for ``no`` lines)."""
    if isinstance(node, Kw):
        return [node.display or node.word]
    if isinstance(node, Seq):
        return [w for item in node.items for w in _words(item)]
    if isinstance(node, Alt):
        branch = next(b for b in node.branches if not b.parse_only)
        return _words(branch)
    return []


def _negated(cmd: Command, el: etree._Element) -> bool:
    for path, value in cmd.no_sets:
        target = _find(el, cmd.path(path))
        if target is None or (target.text or "") != value:
            return False
    return bool(cmd.no_sets)


def _command(cmd: Command, ctx: etree._Element, indent: str, out: list[str]) -> None:
    if cmd.fixed:
        out.append(indent + " ".join(_words(cmd.syntax)))
        return
    if cmd.noop or cmd.parse_only:
        return
    if cmd.contexts and ctx.tag.rpartition("}")[2] not in cmd.contexts:
        return
    start = len(out)
    for anchor in _anchors(ctx, cmd.anchor_steps):
        if cmd.render_as == "crypto-key":
            hex_el = _find(anchor, cmd.path("hex-data"))
            if hex_el is not None and hex_el.text:
                out.append(indent + "key-string")
                out.extend(CRYPTO_DATA.indent + line for line in crypto_key_lines(hex_el.text))
                out.append(indent + "quit")
            continue
        if cmd.bare:
            if not any(isinstance(c.tag, str) for c in anchor):
                out.append(indent + " ".join(_words(cmd.syntax)))
            continue
        got = _render(cmd.syntax, anchor, cmd)
        if got is None:
            if _negated(cmd, anchor):
                assert cmd.no_syntax is not None
                n = len(cmd.syntax.items) if cmd.no_len is None else cmd.no_len
                head = [w for item in cmd.no_syntax.items[:n] for w in _words(item)]
                out.append(indent + "no " + " ".join(head))
            continue
        tokens, used = got
        block: list[str] = []
        if cmd.enters is not None:
            for sub in BY_MODE[cmd.enters.name]:
                _command(sub, anchor, cmd.enters.indent, block)
            if not used and not block:
                continue
        elif not used:
            continue
        out.append(indent + " ".join(tokens))
        out.extend(block)
        if cmd.block_end is not None:
            out.append(indent + cmd.block_end)
    if len(out) == start and cmd.default_line is not None:
        out.append(indent + cmd.default_line)


def _native(tree: etree._Element | None) -> etree._Element | None:
    if tree is None:
        return None
    if tree.tag == NATIVE_TAG:
        return tree
    return _child(tree, NATIVE_TAG)


def render_lines(tree: etree._Element | None, *, version: str = IOS_VERSION) -> list[str]:
    """The configuration lines from ``version`` to ``end`` (no header), for the datastore ``tree`` (its
    ``<config>`` root or the ``native`` element)."""
    native = _native(tree)
    if native is None:
        native = etree.Element(NATIVE_TAG)
    out = [f"version {version}"]
    for item in RENDER_PLAN:
        if item == "!":
            out.append("!")
        else:
            _command(BY_ID[item], native, "", out)
    out.append("end")
    return out


def render_config(tree: etree._Element | None, *, version: str = IOS_VERSION) -> str:
    """:func:`render_lines` as text, each line ending in a newline."""
    return "".join(line + "\n" for line in render_lines(tree, version=version))


def _ios_time(when: datetime) -> str:
    when = when.astimezone(UTC) if when.tzinfo is not None else when
    return f"{when:%H:%M:%S} UTC {when:%a %b} {when.day} {when.year}"


def render_running_config(
    tree: etree._Element | None,
    *,
    last_change: datetime | None = None,
    changed_by: str | None = None,
    version: str = IOS_VERSION,
    header: bool = True,
) -> str:
    """``show running-config`` for the datastore ``tree``.

    ``last_change`` (naive values are taken as UTC) adds ``! Last configuration change at …`` and ``changed_by``
    its `` by USER`` suffix; without it the line is left out. ``header=False`` leaves out the ``Building
    configuration...`` and ``Current configuration`` lines, as in a file copied from running-config. The text
    ends with ``end\\n``.
    """
    text = "!\n"
    if last_change is not None:
        text += f"! Last configuration change at {_ios_time(last_change)}"
        text += f" by {changed_by}\n" if changed_by else "\n"
        text += "!\n"
    text += render_config(tree, version=version)
    if not header:
        return text
    size = len(text.encode("utf-8")) + 1
    return f"Building configuration...\n\nCurrent configuration : {size} bytes\n{text}"
