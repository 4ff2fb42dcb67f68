"""Stored configurations of older agent versions, brought up to the current schema before they are loaded.

Why: a state directory outlives the version that wrote it. When a node moves (a CLI-only command moved into the
device-private module), the old file would otherwise fail to load and the device would not start. Each rewrite
here is a pure in-place function of one tree, registered with ``Stores.upgrade_with`` (start-up and
``--recover-admin`` alike); it does nothing to a tree that has nothing to upgrade.
"""

from __future__ import annotations

from lxml import etree

from iosxe_agent.device.names import n, p


def upgrade_stored(tree: etree._Element) -> None:
    """Every upgrade, in order, on the stored ``<config>`` ``tree``."""
    _file_prompt_is_private(tree)


def _file_prompt_is_private(tree: etree._Element) -> None:
    """``/native/file/prompt`` (Cisco's 17.15.1 node, which versions before the device-private store served)
    becomes the device-private ``file``/``prompt``: 17.12.1's model has no ``file`` container."""
    for native in tree.iterchildren(n("native")):
        for old in native.iterchildren(n("file")):
            old.tag = p("file")
            for leaf in old.iterchildren(n("prompt")):
                leaf.tag = p("prompt")
