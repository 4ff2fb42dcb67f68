"""IOS command-line matching: unique-prefix keywords, arguments, caret errors, ``?`` help and Tab completion.

Commands are data (a tree of :class:`Node`); matching a line is a pure function returning either the command
and its arguments or an :class:`Error` that carries the column of the first character IOS would put the caret
under, so the shell can print exactly what IOS prints.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from iosxe_agent.digits import ascii_digits

INVALID = "% Invalid input detected at '^' marker."
INCOMPLETE = "% Incomplete command."


@dataclass(eq=False)
class Node:
    """One word position: a keyword (``name``) or an argument (``arg`` = a placeholder such as ``WORD``)."""

    name: str
    help: str = ""
    arg: str | None = None  # "WORD", "LINE" (rest of line), "<1-120>" …
    check: Callable[[str], bool] | None = None
    handler: Any = None  # set on nodes that complete a command
    min_privilege: int = 1
    children: list[Node] = field(default_factory=list)

    def child(self, name: str) -> Node | None:
        return next((c for c in self.children if c.arg is None and c.name == name), None)


@dataclass(frozen=True, slots=True)
class Match:
    """A complete command: its handler and the values of its argument words (and the words as typed)."""

    node: Node
    args: tuple[str, ...]
    words: tuple[str, ...]
    rest_column: int = 0  # where a LINE argument starts: a handler's Error about it is relative to it


@dataclass(frozen=True, slots=True)
class Error:
    """Why a line did not match: ``invalid`` (caret at ``column``), ``incomplete`` or ``ambiguous``."""

    kind: str
    column: int = 0
    text: str = ""

    def render(self, prompt_width: int) -> str:
        """The lines IOS prints for this error (the caret line is relative to the start of the prompt)."""
        if self.kind == "incomplete":
            return INCOMPLETE + "\n"
        if self.kind == "ambiguous":
            return f'% Ambiguous command:  "{self.text}"'
        return " " * (prompt_width + self.column) + "^\n" + INVALID + "\n"


_TOKEN = re.compile(r"\S+")


def tokens(line: str) -> list[tuple[str, int]]:
    """Words of ``line`` with their start columns."""
    return [(m.group(0), m.start()) for m in _TOKEN.finditer(line)]


def add(root: Node, spec: str, handler: Any, help_text: str = "", min_privilege: int = 1) -> None:
    """Add a command given as ``"show ip ssh"`` or ``"terminal length <0-512>"`` (``WORD``/``LINE`` args)."""
    node = root
    words = spec.split()
    for i, word in enumerate(words):
        is_arg = word.startswith("<") or word in ("WORD", "LINE")
        found = None
        for c in node.children:
            if (is_arg and c.arg == word) or (not is_arg and c.arg is None and c.name == word):
                found = c
                break
        if found is None:
            found = Node(word, help_text if i == len(words) - 1 else "", arg=word if is_arg else None)
            found.check = _range_check(word) if is_arg else None
            node.children.append(found)
        node = found
    node.handler = handler
    node.help = help_text or node.help
    node.min_privilege = min_privilege


def _range_check(word: str) -> Callable[[str], bool] | None:
    m = re.fullmatch(r"<(\d+)-(\d+)>", word)
    if not m:
        return None
    lo, hi = int(m.group(1)), int(m.group(2))
    return lambda v: ascii_digits(v) and lo <= int(v) <= hi


def _candidates(node: Node, word: str, privilege: int) -> list[Node]:
    lowered = word.lower()
    keywords = [c for c in node.children if c.arg is None and c.name.startswith(lowered) and _visible(c, privilege)]
    exact = [c for c in keywords if c.name == lowered]
    if exact:
        return exact
    if keywords:
        return keywords
    return [c for c in node.children if c.arg is not None and (c.check is None or c.check(word))]


def _visible(node: Node, privilege: int) -> bool:
    """A keyword is offered if some command under it is allowed at ``privilege``."""
    if node.handler is not None and node.min_privilege <= privilege:
        return True
    return any(_visible(c, privilege) for c in node.children)


def _mismatch_column(node: Node, word: str, start: int) -> int:
    """IOS puts the caret under the first character no keyword at this position continues."""
    best = 0
    for c in node.children:
        if c.arg is not None:
            continue
        common = 0
        for a, b in zip(c.name, word.lower(), strict=False):
            if a != b:
                break
            common += 1
        best = max(best, common)
    return start + best


def match(root: Node, line: str, privilege: int = 15) -> Match | Error:
    """Match a whole command line against the tree."""
    words = tokens(line)
    node = root
    args: list[str] = []
    typed: list[str] = []
    rest_column = 0
    for i, (word, start) in enumerate(words):
        found = _candidates(node, word, privilege)
        if not found:
            return Error("invalid", _mismatch_column(node, word, start))
        if len(found) > 1:
            return Error("ambiguous", text=line.strip())
        node = found[0]
        typed.append(word)
        if node.arg == "LINE":
            args.append(line[start:].rstrip())
            rest_column = start
            break
        if node.arg is not None:
            args.append(word)
        if i == len(words) - 1:
            break
    if node.handler is None or node.min_privilege > privilege:
        if node is root:
            return Error("invalid", 0)
        if node.handler is None and node.children:
            return Error("incomplete")
        return Error("invalid", words[0][1] if words else 0)
    return Match(node, tuple(args), tuple(typed), rest_column)


def help_lines(root: Node, line: str, privilege: int = 15) -> list[str]:
    """What ``?`` prints: completions of a partial word, or the next words with their help."""
    words = tokens(line)
    partial = "" if not line or line[-1].isspace() else (words[-1][0] if words else "")
    complete = words[:-1] if partial else words
    node = root
    for word, _ in complete:
        found = _candidates(node, word, privilege)
        if len(found) != 1:
            return ["% Unrecognized command"]
        node = found[0]
    if partial:
        names = sorted(c.name for c in node.children if c.arg is None and c.name.startswith(partial.lower()))
        return ["  ".join(names)] if names else ["% Unrecognized command"]
    out = []
    for c in sorted(node.children, key=lambda c: (c.arg is not None, c.name)):
        if not _visible(c, privilege) and c.arg is None:
            continue
        out.append(f"  {c.name:<22}{c.help}")
    if node.handler is not None:
        out.append("  <cr>")
    return out


def complete_word(root: Node, line: str, privilege: int = 15) -> str | None:
    """Tab: the line with its last word completed, if exactly one keyword continues it."""
    if not line or line[-1].isspace():
        return None
    words = tokens(line)
    node = root
    for word, _ in words[:-1]:
        found = _candidates(node, word, privilege)
        if len(found) != 1:
            return None
        node = found[0]
    last, start = words[-1]
    options = [c.name for c in node.children if c.arg is None and c.name.startswith(last.lower())]
    if len(options) != 1:
        return None
    return line[:start] + options[0] + " "
