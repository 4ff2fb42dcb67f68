"""Differences between two IOS configuration texts, as IOS's config archive prints them (pure).

Why: NAPALM's ``ios`` driver shows a pending change with ``show archive config differences system:running-config
flash:candidate_config.txt`` (a replace) or ``show archive config incremental-diffs flash:merge_config.txt
ignorecase`` (a merge) and reads IOS's text back; operators read the same before a ``configure replace``. The
comparison is contextual, as IOS's is: a configuration is a tree of lines (a sub-mode line's children are the
more indented lines under it), a line is matched by its text among its siblings, so an interface's description
is compared under that interface only, and the order of siblings does not count.

``show archive config differences A B`` (:func:`contextual_diff`)::

    !Contextual Config Diffs:
    +hostname B                    a line of B that A lacks, at its own indentation
    interface Loopback1            the context of changed lines below, unsigned
     +description new
     -description old
    -hostname A                    a line of A that B lacks

or ``!No changes were found`` after the first line. ``show archive config incremental-diffs F`` (:func:`incremental`)
lists the lines of F that are not already in running-config, under their context lines, as they would be typed,
between ``!List of Commands:`` and ``end``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

DIFF_HEADER = "!Contextual Config Diffs:"
NO_CHANGES = "!No changes were found"
LIST_HEADER = "!List of Commands:"
#: Lines that are no configuration: the two header lines of ``show running-config`` output.
_SHOW_HEADER = re.compile(r"Building configuration\.\.\.|Current configuration : \d+ bytes")
_BANNER = re.compile(r"banner\s+\S+\s+(\^C|\S)(.*)", re.IGNORECASE)


@dataclass
class Line:
    """One configuration line (its text without indentation) and the lines of its sub-mode."""

    text: str
    children: list[Line] = field(default_factory=list)


def parse_tree(text: str) -> list[Line]:
    """The configuration ``text`` as a tree of lines (pure): blank lines, ``!`` comments, the ``show
    running-config`` header and everything from ``end`` on are left out; a banner's text, whatever its lines
    hold, is part of its ``banner`` line."""
    roots: list[Line] = []
    stack: list[tuple[int, Line]] = []
    lines = iter(text.splitlines())
    for raw in lines:
        body = raw.strip()
        if not body or body.startswith("!") or _SHOW_HEADER.fullmatch(body):
            continue
        indent = len(raw) - len(raw.lstrip())
        if indent == 0 and body.lower() == "end":
            break
        banner = _BANNER.fullmatch(body)
        if banner is not None:
            body = _whole_banner(body, banner.group(1), banner.group(2), lines)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        node = Line(body)
        (stack[-1][1].children if stack else roots).append(node)
        stack.append((indent, node))
    return roots


def _whole_banner(first: str, delimiter: str, rest: str, lines: Iterator[str]) -> str:
    """A banner line with the text lines that follow it up to the closing delimiter, as one text."""
    if delimiter in rest:
        return first
    taken = [first]
    for raw in lines:
        taken.append(raw)
        if delimiter in raw:
            break
    return "\n".join(taken)


def _key(line: Line, ignorecase: bool) -> str:
    return line.text.lower() if ignorecase else line.text


def _signed(line: Line, sign: str, depth: int) -> Iterator[str]:
    yield f"{' ' * depth}{sign}{line.text}"
    for child in line.children:
        yield from _signed(child, sign, depth + 1)


def _diff(old: list[Line], new: list[Line], depth: int) -> list[str]:
    out: list[str] = []
    before = {line.text: line for line in old}
    after = {line.text for line in new}
    for line in new:
        match = before.get(line.text)
        if match is None:
            out += _signed(line, "+", depth)
            continue
        below = _diff(match.children, line.children, depth + 1)
        if below:
            out += [f"{' ' * depth}{line.text}", *below]
    for line in old:
        if line.text not in after:
            out += _signed(line, "-", depth)
    return out


def contextual_diff(old_text: str, new_text: str) -> str:
    """``show archive config differences OLD NEW``: ``+`` the lines of NEW that OLD lacks, ``-`` the reverse."""
    lines = _diff(parse_tree(old_text), parse_tree(new_text), 0)
    return "\n".join([DIFF_HEADER, *(lines or [NO_CHANGES])])


def _missing(present: list[Line], wanted: list[Line], depth: int, ignorecase: bool) -> list[str]:
    out: list[str] = []
    have = {_key(line, ignorecase): line for line in present}
    for line in wanted:
        match = have.get(_key(line, ignorecase))
        if match is None:
            out += _signed(line, "", depth)
            continue
        below = _missing(match.children, line.children, depth + 1, ignorecase)
        if below:
            out += [f"{' ' * depth}{line.text}", *below]
    return out


def incremental(running_text: str, file_text: str, *, ignorecase: bool = False) -> str:
    """``show archive config incremental-diffs FILE [ignorecase]``: the lines of FILE that running-config does
    not hold yet (under their context lines), which is what copying FILE to running-config would type."""
    lines = _missing(parse_tree(running_text), parse_tree(file_text), 0, ignorecase)
    return "\n".join([LIST_HEADER, *lines, "end", *([] if lines else [NO_CHANGES])])


def _negated(text: str) -> str:
    return text[3:] if text.lower().startswith("no ") else f"no {text}"


def _replace_commands(old: list[Line], new: list[Line], depth: int) -> list[str]:
    out: list[str] = []
    before = {line.text: line for line in old}
    after = {line.text for line in new}
    for line in old:
        if line.text not in after:
            out.append(f"{' ' * depth}{_negated(line.text.splitlines()[0])}")
    for line in new:
        match = before.get(line.text)
        if match is None:
            out += _signed(line, "", depth)
            continue
        below = _replace_commands(match.children, line.children, depth + 1)
        if below:
            out += [f"{' ' * depth}{line.text}", *below]
    return out


def replace_commands(old_text: str, new_text: str) -> list[str]:
    """The commands that turn configuration OLD into NEW (``configure replace … list`` prints them): each line
    OLD has and NEW lacks negated, then the lines NEW adds, under their context lines."""
    return _replace_commands(parse_tree(old_text), parse_tree(new_text), 0)
