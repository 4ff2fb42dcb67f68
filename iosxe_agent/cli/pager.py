"""Output filters (``| include|exclude|begin|section|count``) and ``--More--`` paging, as pure functions.

Filters use IOS regular expressions on RE2 (:mod:`iosxe_agent.cli.ios_regex`): each line is matched in time linear in
its length, so no filter a user types can hold the event loop longer than a pass over the output.
"""

from __future__ import annotations

from dataclasses import dataclass

from iosxe_agent.cli.ios_regex import IosRegex, compile_ios
from iosxe_agent.limits import DEFAULT_LIMITS, Limits

MORE = " --More-- "
FILTERS = ("include", "exclude", "begin", "section", "count")


@dataclass(frozen=True, slots=True)
class OutputFilter:
    """One ``| kind REGEX`` stage."""

    kind: str
    pattern: str


def split_pipe(line: str) -> tuple[str, list[OutputFilter] | str]:
    """Split ``cmd | inc x`` into the command and its filters; a bad filter gives an error column (as text).

    The first ``|`` ends the command. After it a ``|`` is regex alternation (``| include transport|Allowed``, as
    IOS reads it) unless it follows white space and starts another filter (``| sec line | count``).
    """
    if "|" not in line:
        return line, []
    command, _, rest = line.partition("|")
    filters: list[OutputFilter] = []
    offset = len(command) + 1
    for stage in _stages(rest):
        words = stage.split(None, 1)
        if not words:
            return command, f"{offset}"
        kinds = _kinds(words[0])
        if len(kinds) != 1:
            return command, f"{offset + len(stage) - len(stage.lstrip())}"
        if kinds[0] != "count" and len(words) < 2:
            return command, "incomplete"
        filters.append(OutputFilter(kinds[0], words[1].strip() if len(words) > 1 else ""))
        offset += len(stage) + 1
    return command.rstrip(), filters


def _kinds(word: str) -> list[str]:
    return [k for k in FILTERS if k.startswith(word.lower())]


def _stages(rest: str) -> list[str]:
    """``rest`` cut at each `` | KIND`` that starts a new filter stage (the ``|`` itself dropped)."""
    stages: list[str] = []
    start = 0
    for i, c in enumerate(rest):
        if c == "|" and i > start and rest[i - 1].isspace():
            words = rest[i + 1 :].split(None, 1)
            if words and len(_kinds(words[0])) == 1:
                stages.append(rest[start:i])
                start = i + 1
    stages.append(rest[start:])
    return stages


def apply_filters(text: str, filters: list[OutputFilter], limits: Limits = DEFAULT_LIMITS) -> str:
    """Run the output of a command through its filters (``limits`` bounds each regex's length and memory)."""
    lines = text.split("\n")
    for f in filters:
        rx = compile_ios(f.pattern, limits.max_filter_regex_chars, limits.max_filter_regex_bytes)
        if f.kind == "include":
            lines = [ln for ln in lines if rx.search(ln)]
        elif f.kind == "exclude":
            lines = [ln for ln in lines if not rx.search(ln)]
        elif f.kind == "begin":
            start = next((i for i, ln in enumerate(lines) if rx.search(ln)), len(lines))
            lines = lines[start:]
        elif f.kind == "section":
            lines = _section(lines, rx)
        elif f.kind == "count":
            matched = [ln for ln in lines if ln and (not f.pattern or rx.search(ln))]
            return f"Number of lines which match regexp = {len(matched)}"
    return "\n".join(lines)


def _section(lines: list[str], rx: IosRegex) -> list[str]:
    """Top-level lines that match, each with the indented lines of its block."""
    out: list[str] = []
    keep = False
    for ln in lines:
        if ln and not ln[0].isspace():
            keep = bool(rx.search(ln))
        elif not ln.strip():
            keep = keep and False
        if keep:
            out.append(ln)
    return out


def pages(text: str, length: int) -> list[str]:
    """Split output into screens of ``length - 1`` lines (``terminal length 0``: one page)."""
    lines = text.split("\n")
    if length <= 0 or len(lines) < length:
        return [text]
    size = max(1, length - 1)
    return ["\n".join(lines[i : i + size]) for i in range(0, len(lines), size)]
