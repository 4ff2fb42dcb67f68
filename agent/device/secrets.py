"""Secrets entered in clear are stored hashed, as IOS XE 17.x does (``secret 0 X`` becomes ``secret 9 $9$…``).

Runs on every tree about to be stored (a datastore normalizer), so whichever face wrote the secret — NETCONF,
CLI, SCP — the clear text never reaches a datastore, a file on disk or a get-config reply.
"""

from __future__ import annotations

from lxml import etree

from agent.device.names import n
from agent.device.passwords import type9_hash

_SECRET_PATHS = (
    f"{n('native')}/{n('username')}/{n('secret')}",
    f"{n('native')}/{n('enable')}/{n('secret')}",
)


def hash_clear_secrets(tree: etree._Element) -> None:
    """Replace every type-0 ``secret`` under ``username`` and ``enable secret`` with its type-9 hash, in place.

    ``username``'s container is ``secret/{encryption, secret}``; ``enable secret`` is ``secret/{type, secret}``.
    """
    for holder in _holders(tree):
        kind = holder.find(n("encryption"))
        if kind is None:
            kind = holder.find(n("type"))
        value = holder.find(n("secret"))
        if value is None or value.text is None:
            continue
        if kind is None or (kind.text or "").strip() == "0":
            if kind is None:
                continue  # no encryption given: IOS treats the text as already encrypted
            kind.text = "9"
            value.text = type9_hash(value.text)


def _holders(tree: etree._Element) -> list[etree._Element]:
    found: list[etree._Element] = []
    for path in _SECRET_PATHS:
        found.extend(tree.iterfind(path))
    return found
