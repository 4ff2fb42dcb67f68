"""Secrets entered in clear are stored hashed, as IOS XE 17.x does (``secret 0 X`` becomes ``secret 9 $9$…``).

Runs on every tree about to be stored (a datastore normalizer), so whichever face wrote the secret — NETCONF,
CLI, SCP — the clear text never reaches a datastore, a file on disk or a get-config reply.
"""

from __future__ import annotations

from lxml import etree

from iosxe_agent.device.names import NATIVE_NS, n
from iosxe_agent.device.passwords import type9_hash

#: Exactly the holders of a clear-text secret: ``username``'s ``secret/{encryption, secret}`` and ``enable``'s
#: ``secret/{type, secret}`` with kind 0 and a non-empty value. One query in C: the normalizer runs on every
#: commit, and walking 10,000 users in Python to find none in clear cost a quarter of a one-leaf commit.
#: Values in a stored tree are canonical, so the kind compares as the exact text ``0``. A holder without a kind
#: is left alone: IOS treats its text as already encrypted.
_CLEAR_HOLDERS = etree.XPath(
    "n:native/n:username/n:secret[n:encryption = '0'][n:secret != '']"
    " | n:native/n:enable/n:secret[n:type = '0'][n:secret != '']",
    namespaces={"n": NATIVE_NS},
)


def hash_clear_secrets(tree: etree._Element) -> None:
    """Replace every type-0 ``secret`` under ``username`` and ``enable secret`` with its type-9 hash, in place."""
    for holder in _CLEAR_HOLDERS(tree):
        kind = holder.find(n("encryption"))
        if kind is None:
            kind = holder.find(n("type"))
        value = holder.find(n("secret"))
        assert kind is not None and value is not None and value.text is not None  # selected by _CLEAR_HOLDERS
        kind.text = "9"
        value.text = type9_hash(value.text)
