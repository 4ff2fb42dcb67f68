"""``show iosxe-agent unmodelled``: the configuration lines the agent keeps as text, and where.

Why: a whole real configuration loads because the lines no model of ours knows are kept as text (the device-private
store of :mod:`iosxe_agent.device.cli_map.unmodelled`). They print in ``show running-config`` like any line but
NETCONF does not see them and nothing acts on them, so a user must be able to tell which lines those are: this
command lists every one, block by block in the order they print, with the block they sit in and their place.
"""

from __future__ import annotations

from lxml import etree

from iosxe_agent.cli.context import CliSession
from iosxe_agent.device.cli_map.render import render_events
from iosxe_agent.device.cli_map.tree import NATIVE_TAG
from iosxe_agent.device.cli_map.unmodelled import Slot, read


def listing(tree: etree._Element | None) -> str:
    """The kept lines of datastore ``tree``, as the command prints them (pure)."""
    native = None if tree is None else (tree if tree.tag == NATIVE_TAG else next(tree.iterchildren(NATIVE_TAG), None))
    blocks = read(native)
    count = sum(len(lines) for lines in blocks.values())
    head = f"Configuration lines kept as text (not modelled, not visible over NETCONF): {count}"
    if not blocks:
        return head + "\n"
    order = {ev: n for n, ev in enumerate(render_events(tree)) if isinstance(ev, Slot)}
    out = [head]
    for slot in sorted(blocks, key=lambda s: (order.get(s, len(order)), s)):
        where = slot.context or "global configuration"
        out += ["", f"In {where}, after {slot.after}:", *(f"  {line}" for line in blocks[slot])]
    return "\n".join(out) + "\n"


async def show_unmodelled(s: CliSession, args: tuple[str, ...]) -> str:
    """The exec handler (privileged)."""
    return listing(s.device.running)
