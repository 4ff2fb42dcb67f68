"""Secrets entered in clear are stored hashed, as IOS XE 17.x does (``secret 0 X`` becomes ``secret 9 $9$…``).

Runs on every tree about to be stored (a datastore normalizer), so whichever face wrote the secret — NETCONF,
CLI, SCP — the clear text never reaches a datastore, a file on disk or a get-config reply. With ``service
password-encryption`` the reversible passwords (``username … password``, ``enable password``, line passwords,
TACACS+/RADIUS keys) typed in clear are stored as type 7, as IOS does the moment the service is on; turning the
service off leaves them encrypted (IOS does not decrypt them either).
"""

from __future__ import annotations

from lxml import etree

from iosxe_agent.device.names import AAA_NS, NATIVE_NS, n
from iosxe_agent.device.passwords import type7_encode, type9_hash

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


_NS = {"n": NATIVE_NS, "a": AAA_NS}
_ENCRYPTING = etree.XPath("n:native/n:service/n:password-encryption", namespaces=_NS)
_CLEAR = "[not({k}) or {k} = '0']"
#: Holders of a reversible password in clear (no kind, or kind 0), each with the Clark tags of its kind and value
#: leaves: what ``service password-encryption`` turns into type 7.
_REVERSIBLE = tuple(
    (etree.XPath(f"({path}){_CLEAR.format(k=kind_leaf)}", namespaces=_NS), kind, values)
    for path, kind_leaf, kind, values in (
        ("n:native/n:username/n:password", "n:encryption", n("encryption"), (n("password"),)),
        ("n:native/n:enable/n:password", "n:type", n("type"), (n("secret"),)),
        ("n:native/n:line/*/n:password", "n:type", n("type"), (n("secret"),)),
        (
            "n:native/n:tacacs/a:server/a:key | n:native/n:tacacs-server/a:key"
            " | n:native/n:radius/a:server/a:key | n:native/n:radius-server/a:key",
            "a:encryption",
            f"{{{AAA_NS}}}encryption",
            (f"{{{AAA_NS}}}key", f"{{{AAA_NS}}}clear-key"),
        ),
    )
)


def encrypt_clear_passwords(tree: etree._Element) -> None:
    """Under ``service password-encryption``, store every reversible password held in clear as type 7, in place
    (the kind leaf, created if missing, goes before the value, in schema order)."""
    if not _ENCRYPTING(tree):
        return
    for select, kind_tag, value_tags in _REVERSIBLE:
        for holder in select(tree):
            value = next((v for v in holder if v.tag in value_tags), None)
            if value is None or not value.text:
                continue
            kind = holder.find(kind_tag)
            if kind is None:
                kind = etree.Element(kind_tag)
                value.addprevious(kind)
            kind.text = "7"
            value.text = type7_encode(value.text)


def hash_clear_secrets(tree: etree._Element) -> None:
    """Replace every type-0 ``secret`` under ``username`` and ``enable secret`` with its type-9 hash, and apply
    ``service password-encryption`` (:func:`encrypt_clear_passwords`), in place."""
    encrypt_clear_passwords(tree)
    for holder in _CLEAR_HOLDERS(tree):
        kind = holder.find(n("encryption"))
        if kind is None:
            kind = holder.find(n("type"))
        value = holder.find(n("secret"))
        assert kind is not None and value is not None and value.text is not None  # selected by _CLEAR_HOLDERS
        kind.text = "9"
        value.text = type9_hash(value.text)
