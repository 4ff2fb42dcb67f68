"""Keep every flagged leaf-list in the form the parser stores (a datastore normalizer, run on each new tree).

A flagged argument (:class:`~.syntax.Arg` ``flags``; today ``ip ssh server|client algorithm encryption``) is held
twice: Cisco's empty ``aes*-ctr`` leaves, which NETCONF sees and may change, and the device-private list of the
words as typed, stored only when the leaves alone would not print the same line. A NETCONF edit changes only the
leaves, so without this the two drift apart: the list ``aes128-cbc`` beside a newly set ``aes128-ctr`` leaf prints
``… encryption aes128-cbc aes128-ctr``, which the parser stores as the list of both words — another tree. This
rewrites the list to what the parser would store for the printed line (:func:`~.syntax.flagged_order`, then
:func:`~.syntax.flagged_list`), so render and parse agree whichever face wrote last, and a configuration that
round-trips through ``show running-config`` is the one stored.

Only the list changes, and it sits beside the leaves the edit wrote (the datastore's diff compares that parent
whole). The holders are found from the table, once; no list is ever created here (with no typed list the leaves
alone are already the parser's form). Every stored tree is already in that form, so after an edit only the holders
the edit's :class:`~iosxe_agent.data.touched.Touched` reaches are looked at (``None``: all of them).
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from iosxe_agent.data.touched import Touched
from iosxe_agent.device.cli_map.syntax import Arg, flagged_list, flagged_order, ns_of, walk
from iosxe_agent.device.cli_map.table import COMMANDS, CONFIG
from iosxe_agent.device.names import NATIVE_NS


@dataclass(frozen=True, slots=True)
class _Holder:
    """Where one flagged argument lives: the container (its Clark tags from the datastore root down) holding the
    flag leaves (Clark tags, in ``flags`` order) and the typed leaf-list (Clark tag)."""

    path: tuple[str, ...]
    list_tag: str
    flags: tuple[str, ...]
    flag_tags: tuple[str, ...]


def _holders() -> tuple[_Holder, ...]:
    """Every flagged argument of the table. They live under ``native`` in configuration mode; a flagged argument
    anywhere else would need its sub-mode's context here, so it fails loudly at import instead of drifting."""
    out: dict[tuple[str, ...], _Holder] = {}
    for cmd in COMMANDS:
        for node in walk(cmd.syntax):
            if not (isinstance(node, Arg) and node.flags and node.path):
                continue
            if cmd.mode is not CONFIG:
                raise ValueError(f"{cmd.id}: flagged arguments are reconciled in configuration mode only")
            tags = (f"{{{NATIVE_NS}}}native", *(s.tag for s in cmd.anchor_steps), *cmd.path(node.path))
            path = tags[:-1]
            flag_ns = ns_of(tags[-2])
            out[path] = _Holder(path, tags[-1], node.flags, tuple(f"{{{flag_ns}}}{f}" for f in node.flags))
    return tuple(out.values())


_HOLDERS = _holders()


def reconcile_flagged_lists(tree: etree._Element, touched: Touched | None = None) -> None:
    """Rewrite, in place, each typed list of a flagged argument into the parser's form for its printed words;
    only the holders ``touched`` reaches (None: every one)."""
    found: dict[tuple[str, ...], list[etree._Element]] = {(): [tree]}
    for holder in _HOLDERS:
        if touched is None or _reaches(touched, holder.path):
            for parent in _elements(found, holder.path):
                _reconcile(parent, holder)


def _reaches(touched: Touched, path: tuple[str, ...]) -> bool:
    """Whether the edit may have changed a child of a container at ``path``: the trie reaches it, or a node on the
    way whose children of the next step's kind all count as changed."""
    nodes = [touched]
    for tag in path:
        if any(node.whole and tag in node.tags for node in nodes):
            return True
        nodes = [sub for node in nodes for ident, sub in node.children.items() if ident[0] == tag]
        if not nodes:
            return False
    return True


def _elements(found: dict[tuple[str, ...], list[etree._Element]], path: tuple[str, ...]) -> list[etree._Element]:
    """The elements at ``path``, each step searched once per call (the holders share ``native/ip/ssh``, and finding
    ``ip`` among 10,000 users is what costs)."""
    if path not in found:
        found[path] = [c for el in _elements(found, path[:-1]) for c in el.iterchildren(path[-1])]
    return found[path]


def _reconcile(parent: etree._Element, holder: _Holder) -> None:
    typed = list(parent.iterchildren(holder.list_tag))
    if not typed:
        return
    present = [f for f, tag in zip(holder.flags, holder.flag_tags, strict=True) if parent.find(tag) is not None]
    values = [e.text or "" for e in typed]
    wanted = flagged_list(flagged_order(values, present, holder.flags), holder.flags)
    if list(wanted) == values:
        return
    anchor = typed[0]
    for value in wanted:
        el = anchor.makeelement(holder.list_tag, nsmap=anchor.nsmap)
        el.text = value
        anchor.addprevious(el)
    for el in typed:
        parent.remove(el)
