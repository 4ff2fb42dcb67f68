"""Configuration lines no command of the table knows, kept as text where IOS prints them (issue 15 item 3).

A real router's configuration holds hundreds of lines no model of ours knows (``router ospf 1`` and its indented
lines, ACLs, ``class-map`` …). They are kept, so that the whole configuration loads and ``show running-config``
gives it back: in the device-private store ``priv:unmodelled/block[context after]/text`` (hidden from NETCONF;
it travels with the datastore through commit, save, startup, copy and SCP). A *block* is a run of consecutive
kept lines, indentation and the ``!`` lines that follow them included, printed at one :class:`Slot`:

* ``context``: the modelled block the lines sit in, as the element path of its list entry below ``native``
  (:func:`context_key`: ``line/vty[0]``); empty for global configuration;
* ``after``: where in that block: after the lines of a command of the table (``hostname``; one entry of a list,
  ``username@bob``), after the Nth ``!`` line of the global plan that follows an item (``hostname!1``), first
  (:data:`FIRST`) or last (:data:`LAST`).

A run is made of *stanzas*: a line and the lines indented deeper below it (``router bgp 1`` > `` address-family
ipv4`` > ``  neighbor …`` and the `` exit-address-family`` that closes it), then the ``!`` lines after it. Adding
a stanza whose first line the context already has merges its lines into that one (``router ospf 1`` typed twice,
the same file copied twice: nothing doubles); ``no`` + a line removes that stanza.

Where a file's kept lines go is found by :func:`place`: the file is laid beside the rendering of the modelled
configuration it makes, line for line, and each run of lines the rendering does not have goes to the first slot
after the last line both have. Everything here is pure.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

from lxml import etree

from iosxe_agent.device.cli_map.syntax import Step
from iosxe_agent.device.names import PRIVATE_NS

__all__ = [
    "BLOCK_TAG",
    "FIRST",
    "LAST",
    "UNMODELLED_TAG",
    "Item",
    "Slot",
    "add",
    "block_steps",
    "context_key",
    "drop_context",
    "merge",
    "place",
    "read",
    "remove",
]

UNMODELLED_TAG = f"{{{PRIVATE_NS}}}unmodelled"
BLOCK_TAG = f"{{{PRIVATE_NS}}}block"
CONTEXT_TAG = f"{{{PRIVATE_NS}}}context"
AFTER_TAG = f"{{{PRIVATE_NS}}}after"
TEXT_TAG = f"{{{PRIVATE_NS}}}text"
FIRST = "^"
LAST = "$"

Lines = list[str]


class Slot(NamedTuple):
    """A place of the running configuration that kept lines can print at (see the module docstring)."""

    context: str
    after: str


class Item(NamedTuple):
    """One line of a configuration file for :func:`place`: ``kind`` ``cmd`` (a command of the table), ``bang``
    (a ``!`` line) or ``kept`` (kept as text, in ``context``)."""

    kind: str
    text: str
    context: str = ""


def context_key(steps: Iterable[Step]) -> str:
    """The ``context`` of the block a path of list entries leads to (``line/vty[0]``)."""
    return "/".join(s.tag.rpartition("}")[2] + "".join(f"[{v}]" for _, v in s.keys) for s in steps)


def block_steps(slot: Slot) -> tuple[Step, ...]:
    """The instance path of a block's ``text`` leaf below ``native``."""
    keys = ((CONTEXT_TAG, slot.context), (AFTER_TAG, slot.after))
    return (Step(UNMODELLED_TAG), Step(BLOCK_TAG, keys), Step(TEXT_TAG))


def read(native: etree._Element | None) -> dict[Slot, Lines]:
    """The blocks stored under ``native``, by slot."""
    out: dict[Slot, Lines] = {}
    store = None if native is None else next(native.iterchildren(UNMODELLED_TAG), None)
    if store is None:
        return out
    for block in store.iterchildren(BLOCK_TAG):
        ctx, after, text = (next(block.iterchildren(t), None) for t in (CONTEXT_TAG, AFTER_TAG, TEXT_TAG))
        if text is not None and text.text:
            out[Slot(_text(ctx), _text(after))] = text.text.split("\n")
    return out


def _text(el: etree._Element | None) -> str:
    return "" if el is None else (el.text or "")


# -- stanzas --------------------------------------------------------------------------------------------------------
def indent(line: str) -> int:
    """How deep a line is indented."""
    return len(line) - len(line.lstrip(" "))


def is_bang(line: str) -> bool:
    """A ``!`` separator line (any indentation)."""
    return line.strip() == "!"


def same(a: str, b: str) -> bool:
    """The same command, white space aside."""
    return a.split() == b.split()


def stanza_end(lines: Sequence[str], i: int) -> int:
    """The index after the stanza whose first line is ``lines[i]``: the lines indented deeper, and an ``exit-…``
    line at its own depth that closes it (`` exit-address-family``)."""
    base = indent(lines[i])
    j = i + 1
    while j < len(lines) and indent(lines[j]) > base:
        j += 1
    if j < len(lines) and indent(lines[j]) == base and lines[j].strip().startswith("exit-"):
        j += 1
    return j


def split(lines: Sequence[str]) -> Iterator[Lines]:
    """The stanzas of a run, each with the ``!`` lines that follow it (a run may start with ``!`` lines alone)."""
    i = 0
    current: Lines = []
    while i < len(lines):
        if is_bang(lines[i]) and indent(lines[i]) <= (indent(current[0]) if current else 0):
            current.append(lines[i])
            i += 1
            continue
        if current:
            yield current
        end = stanza_end(lines, i)
        current = list(lines[i:end])
        i = end
    if current:
        yield current


def _find(lines: Sequence[str], head: str) -> tuple[int, int] | None:
    """(start, end) of the stanza of ``lines`` (at its top level) whose first line is ``head``."""
    i = 0
    while i < len(lines):
        if is_bang(lines[i]):
            i += 1
            continue
        end = stanza_end(lines, i)
        if same(lines[i], head):
            return i, end
        i = end
    return None


def _body(lines: Sequence[str], start: int, end: int) -> int:
    """Where a stanza's own lines stop: before its closing ``exit-…`` line."""
    last = end - 1
    if last > start and indent(lines[last]) == indent(lines[start]) and lines[last].strip().startswith("exit-"):
        return last
    return end


def merge_lines(old: Sequence[str], new: Sequence[str], fresh: bool) -> Lines:
    """``old`` with the stanzas of ``new``: a stanza whose first line ``old`` has is merged into it (its own lines,
    recursively; its ``!`` lines are dropped), another one is appended. ``!`` lines before the first stanza are
    kept only when the block is ``fresh``."""
    out = list(old)
    for stanza in split(new):
        if is_bang(stanza[0]):
            if fresh:
                out.extend(stanza)
            continue
        hit = _find(out, stanza[0])
        if hit is None:
            out.extend(stanza)
            continue
        start, end = hit
        stop = _body(out, start, end)
        own = [ln for ln in stanza[1:] if not (is_bang(ln) and indent(ln) <= indent(stanza[0]))]
        if own and own[-1].strip().startswith("exit-") and indent(own[-1]) == indent(stanza[0]):
            own = own[:-1]
        out[start + 1 : stop] = merge_lines(out[start + 1 : stop], own, False)
    return out


# -- changes: each returns the blocks it changes (an empty list removes the block) ---------------------------------
Blocks = dict[Slot, Lines]


def _key(line: str) -> str:
    """A line as stanzas are matched: white space aside."""
    return " ".join(line.split())


class _Block:
    """A block as its stanzas, indexed by first line, so that merging a whole file costs one pass."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.stanzas = list(split(lines))
        self.index = {_key(st[0]): n for n, st in enumerate(self.stanzas) if not is_bang(st[0])}

    def lines(self) -> Lines:
        return [line for stanza in self.stanzas for line in stanza]

    def put(self, stanza: Lines, fresh: bool) -> bool:
        """Merge one stanza in (see :func:`merge_lines`); True when the block changed."""
        if is_bang(stanza[0]):
            if fresh:
                self.stanzas.append(stanza)
            return fresh
        n = self.index.get(_key(stanza[0]))
        if n is None:
            self.index[_key(stanza[0])] = len(self.stanzas)
            self.stanzas.append(stanza)
            return True
        merged = merge_lines(self.stanzas[n], stanza, False)
        if merged == self.stanzas[n]:
            return False
        self.stanzas[n] = merged
        return True


def merge(blocks: Blocks, runs: Iterable[tuple[Slot, Sequence[str]]]) -> Blocks:
    """Add runs of kept lines to ``blocks`` (see :func:`merge_lines`): a stanza the context has somewhere is merged
    there, the others go to the run's slot."""
    built: dict[Slot, _Block] = {}
    holders: dict[tuple[str, str], Slot] = {}  # (context, first line) -> the block that has the stanza
    for slot, lines in blocks.items():
        for stanza in split(lines):
            if not is_bang(stanza[0]):
                holders.setdefault((slot.context, _key(stanza[0])), slot)
    changed: set[Slot] = set()
    for slot, run in runs:
        for stanza in split(run):
            head = None if is_bang(stanza[0]) else (slot.context, _key(stanza[0]))
            where = holders.get(head, slot) if head is not None else slot
            block = built.get(where)
            if block is None:
                block = built[where] = _Block(blocks.get(where, []))
            if block.put(stanza, where not in blocks):
                changed.add(where)
            if head is not None:
                holders.setdefault(head, where)
    return {slot: built[slot].lines() for slot in changed}


def add(blocks: Blocks, context: str, headers: Sequence[str], line: str, slot: Slot) -> Blocks:
    """A typed line, inside the unmodelled sub-modes ``headers`` (outermost first): as a run of one stanza."""
    return merge(blocks, [(slot, [*headers, line])])


def remove(blocks: Blocks, context: str, headers: Sequence[str], line: str) -> Blocks | None:
    """``no`` + ``line``: the stanza it starts, at the top level of ``context`` or inside ``headers``; None when
    there is none. Removing it takes the ``!`` lines after it; a block left with ``!`` lines only goes."""
    for slot, lines in blocks.items():
        if slot.context != context:
            continue
        lo, hi = 0, len(lines)
        for head in headers:
            hit = _find(lines[lo:hi], head)
            if hit is None:
                break
            lo, hi = lo + hit[0] + 1, _body(lines, lo + hit[0], lo + hit[1])
        else:
            hit = _find(lines[lo:hi], line)
            if hit is None:
                continue
            start, end = lo + hit[0], lo + hit[1]
            if not headers:
                while end < len(lines) and is_bang(lines[end]) and indent(lines[end]) <= indent(lines[start]):
                    end += 1
            left = lines[:start] + lines[end:]
            return {slot: [] if all(is_bang(x) for x in left) else left}
    return None


def drop_context(blocks: Blocks, context: str) -> Blocks:
    """The blocks that go with a modelled block (``no interface X``): those inside it or below it."""
    return {s: [] for s in blocks if s.context == context or s.context.startswith(context + "/")}


# -- where a file's kept lines go -----------------------------------------------------------------------------------
def place(items: Sequence[Item], events: Sequence[str | Slot]) -> list[tuple[Slot, Lines]]:
    """The runs of a file's lines that the rendering ``events`` (lines and slots, modelled lines only) does not
    print, each with its slot.

    The file and the rendering are walked side by side: a command line matches the next rendered line with its
    text (lines the file has elsewhere or spells otherwise are passed over), a ``!`` line matches when the next
    rendered line is one (the earliest match, so that a block's own trailing ``!`` lines stay with it). Kept lines,
    and ``!`` lines the rendering does not have, make runs; each goes to the first slot of its context after the
    last matched line.
    """
    line_at = [k for k, ev in enumerate(events) if isinstance(ev, str)]
    texts = [str(events[k]).rstrip() for k in line_at]
    where: dict[str, list[int]] = {}
    for n, text in enumerate(texts):
        where.setdefault(text, []).append(n)
    nxt = 0  # the next rendered line to match
    last = -1  # event index of the last matched line
    runs: list[tuple[str, int, Lines]] = []
    open_run = False
    for item in items:
        text = item.text.rstrip()
        if item.kind == "cmd":
            found = where.get(text, [])
            k = bisect.bisect_left(found, nxt)
            if k < len(found):
                nxt = found[k] + 1
                last = line_at[found[k]]
            open_run = False
            continue
        if item.kind == "bang" and nxt < len(texts) and texts[nxt] == text:
            last = line_at[nxt]
            nxt += 1
            open_run = False
            continue
        context = item.context
        if item.kind == "bang":
            if last < 0 and not open_run:
                continue  # the '!' lines of the header, before 'version'
            context = runs[-1][0] if open_run else _innermost(events, last)
        if not open_run or runs[-1][0] != context:
            runs.append((context, last, []))
            open_run = True
        runs[-1][2].append(item.text)
    return [(_slot_after(events, at, context), lines) for context, at, lines in runs]


def _innermost(events: Sequence[str | Slot], at: int) -> str:
    """The context of the first slot after event ``at``."""
    return next((ev.context for ev in events[at + 1 :] if isinstance(ev, Slot)), "")


def _slot_after(events: Sequence[str | Slot], at: int, context: str) -> Slot:
    """The first slot of ``context`` after event ``at`` (the last one of the context when there is none)."""
    return next((ev for ev in events[at + 1 :] if isinstance(ev, Slot) and ev.context == context), Slot(context, LAST))
