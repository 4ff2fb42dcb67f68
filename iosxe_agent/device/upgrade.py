"""Stored configurations of older agent versions, brought up to the current schema before they are loaded.

Why: a state directory outlives the version that wrote it. When a node moves (a CLI-only command moved into the
device-private module), the old file would otherwise fail to load and the device would not start. Each rewrite
here is a pure in-place function of one tree, registered with ``Stores.upgrade_with`` (start-up and
``--recover-admin`` alike); it does nothing to a tree that has nothing to upgrade.

One upgrade depends on the state directory, not on the tree: versions before ``netconf-yang`` acted served NETCONF
whatever their configuration said (the oldest never stored ``netconf-yang``), so a tree of theirs without it
does not mean ``no netconf-yang``. A file, :data:`NETCONF_FOLLOWED`, tells the two apart: the first start of this
version in a state directory adds ``netconf-yang`` to every configuration it loads (:func:`netconf_served`:
stored ones, and a first start's bootstrap or seed, which ensures NETCONF as it ensures the admin user), writes
the stored ones back, and only then writes the file; from then on the stored configuration decides.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from iosxe_agent.datastore.persist import atomic_write
from iosxe_agent.device.names import n, p

#: a file in a state directory whose stored configurations say themselves whether NETCONF runs
NETCONF_FOLLOWED = "netconf-yang-followed"


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


def netconf_served(tree: etree._Element) -> None:
    """``netconf-yang`` added to a ``<config>`` that lacks it (its ``native`` made if need be), for a configuration
    of a version that served NETCONF whatever it said (see the module docstring)."""
    natives = list(tree.iterchildren(n("native"))) or [etree.SubElement(tree, n("native"))]
    for native in natives:
        if next(native.iterchildren(p("netconf-yang")), None) is None:
            etree.SubElement(native, p("netconf-yang"))


def netconf_followed(state_dir: Path) -> bool:
    """Whether ``state_dir``'s stored configurations say themselves whether NETCONF runs (False: a first start,
    or a state directory of a version that served NETCONF always)."""
    return (state_dir / NETCONF_FOLLOWED).is_file()


def mark_netconf_followed(state_dir: Path) -> None:
    """Write :data:`NETCONF_FOLLOWED` (durably), once every stored configuration holds what
    :func:`netconf_served` gave it."""
    atomic_write(state_dir / NETCONF_FOLLOWED, b"stored configurations say whether NETCONF runs (netconf-yang)\n")
