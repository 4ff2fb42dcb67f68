"""Secrets entered in clear are stored hashed, as IOS XE 17.x does (``secret 0 X`` becomes ``secret 9 $9$…``).

Runs on every tree about to be stored (a datastore normalizer), so whichever face wrote the secret — NETCONF,
CLI, SCP — the clear text never reaches a datastore, a file on disk or a get-config reply. With ``service
password-encryption`` the reversible passwords (``username … password``, ``enable password``, line passwords,
TACACS+/RADIUS keys) typed in clear are stored as type 7, as IOS does the moment the service is on; turning the
service off leaves them encrypted (IOS does not decrypt them either).

Every stored tree is already normalized, so after an edit only what the edit touched can hold a clear secret: the
datastore passes the edit's :class:`~iosxe_agent.data.touched.Touched` and only those top-level nodes are searched
(one user of 100,000 costs one keyed query instead of a walk of them all). ``None`` means a tree of unknown origin
(a load, a copy-config): everything is searched.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from iosxe_agent.data.touched import Touched
from iosxe_agent.device.names import AAA_NS, NATIVE_NS, n
from iosxe_agent.device.passwords import type7_encode, type9_hash

_NS = {"n": NATIVE_NS, "a": AAA_NS}
_NATIVE = n("native")
_USERNAME = n("username")
_SERVICE = n("service")
_ENCRYPTING = etree.XPath("n:native/n:service/n:password-encryption", namespaces=_NS)
_CLEAR = "[not({k}) or {k} = '0']"
#: More touched users than this, and one query over every user (in C) beats one keyed query per user.
_KEYED_USERS_UP_TO = 16


@dataclass(frozen=True, slots=True)
class _Holders:
    """The holders of one kind of secret under one top-level node of ``native`` (``top``): the query from the
    datastore root over every such node (``whole``), and the same relative to one of them (``within``)."""

    top: str
    whole: etree.XPath
    within: etree.XPath


def _holders(top: str, relative: str) -> _Holders:
    return _Holders(
        n(top.removeprefix("n:")),
        etree.XPath(f"n:native/{top}/{relative}", namespaces=_NS),
        etree.XPath(relative, namespaces=_NS),
    )


#: Exactly the holders of a clear-text secret: ``username``'s ``secret/{encryption, secret}`` and ``enable``'s
#: ``secret/{type, secret}`` with kind 0 and a non-empty value, each one query in C. Values in a stored tree are
#: canonical, so the kind compares as the exact text ``0``. A holder without a kind is left alone: IOS treats its
#: text as already encrypted.
_CLEAR_HOLDERS = (
    _holders("n:username", "n:secret[n:encryption = '0'][n:secret != '']"),
    _holders("n:enable", "n:secret[n:type = '0'][n:secret != '']"),
)

#: Holders of a reversible password in clear (no kind, or kind 0), each with the Clark tags of its kind and value
#: leaves: what ``service password-encryption`` turns into type 7.
_AAA_KEY = ("a:encryption", f"{{{AAA_NS}}}encryption", (f"{{{AAA_NS}}}key", f"{{{AAA_NS}}}clear-key"))
_REVERSIBLE = tuple(
    (_holders(top, f"{path}{_CLEAR.format(k=kind_leaf)}"), kind, values)
    for top, path, (kind_leaf, kind, values) in (
        ("n:username", "n:password", ("n:encryption", n("encryption"), (n("password"),))),
        ("n:enable", "n:password", ("n:type", n("type"), (n("secret"),))),
        ("n:line", "*/n:password", ("n:type", n("type"), (n("secret"),))),
        ("n:tacacs", "a:server/a:key", _AAA_KEY),
        ("n:tacacs-server", "a:key", _AAA_KEY),
        ("n:radius", "a:server/a:key", _AAA_KEY),
        ("n:radius-server", "a:key", _AAA_KEY),
    )
)


@dataclass(frozen=True, slots=True)
class _Scope:
    """Where an edit may have left a clear secret: every node of a top-level kind (``tags``), or single users
    (``users``, by name). ``everything``: no report, or ``service`` changed (``password-encryption`` may have
    been turned on, which reaches every reversible password)."""

    everything: bool
    tags: frozenset[str] = frozenset()
    users: tuple[str, ...] = ()

    def reaches(self, holders: _Holders) -> bool:
        """Whether any holder of that kind may have changed."""
        return self.everything or holders.top in self.tags or (holders.top == _USERNAME and bool(self.users))


_EVERYTHING = _Scope(True)
_NOTHING = _Scope(False)


def _scope(touched: Touched | None) -> _Scope:
    if touched is None or (touched.whole and _NATIVE in touched.tags):
        return _EVERYTHING
    native = touched.children.get((_NATIVE,))
    if native is None:
        return _NOTHING
    tags = set(native.tags) - native.entries.keys() if native.whole else set()
    named = native.entries if native.whole else {}
    tags |= named.keys() - {_USERNAME}  # a named entry of another kind: that kind's every holder, as before
    users: dict[str, None] = {}  # (each once: a user both in the trie and named would be hashed twice)
    for ident in [*native.children, *named.get(_USERNAME, ())]:
        if ident[0] == _USERNAME and len(ident) == 2:
            users[ident[1]] = None
        else:
            tags.add(ident[0])
    if _SERVICE in tags:
        return _EVERYTHING
    if len(users) > _KEYED_USERS_UP_TO:
        tags.add(_USERNAME)
    return _Scope(False, frozenset(tags), () if _USERNAME in tags else tuple(users))


#: (the first ``name`` and the first match let libxml2 stop early: ~2x faster beside 100,000 users; a user's
#: name is its key, so there is one match and one ``name``)
_USER_BY_NAME = etree.XPath("n:native/n:username[n:name[1] = $name][1]", namespaces=_NS)


def _found(tree: etree._Element, holders: _Holders, scope: _Scope) -> list[etree._Element]:
    """The holders of ``holders``' kind within ``scope``, in document order."""
    if not scope.reaches(holders):
        return []
    if scope.everything or holders.top in scope.tags:
        return _elements(holders.whole(tree))
    users = [user for name in scope.users for user in _elements(_USER_BY_NAME(tree, name=name))]
    return [holder for user in users for holder in _elements(holders.within(user))]


def _elements(result: object) -> list[etree._Element]:
    assert isinstance(result, list)  # a node-set query
    return [el for el in result if isinstance(el, etree._Element)]


def encrypt_clear_passwords(tree: etree._Element, touched: Touched | None = None) -> bool:
    """Under ``service password-encryption``, store every reversible password held in clear as type 7, in place
    (the kind leaf, created if missing, goes before the value, in schema order); only where ``touched`` says the
    edit changed something (None: everywhere). True when it encrypted passwords the edit did not write (the
    edit changed ``service``): the commit must then compare the whole tree (a datastore normalizer's contract)."""
    scope = _scope(touched)
    return _encrypt(tree, scope) and scope.everything


def hash_clear_secrets(tree: etree._Element, touched: Touched | None = None) -> bool:
    """Replace every type-0 ``secret`` under ``username`` and ``enable secret`` with its type-9 hash, and apply
    ``service password-encryption`` (:func:`encrypt_clear_passwords`), in place; only where ``touched`` says the
    edit changed something (None: everywhere). True as :func:`encrypt_clear_passwords` says (a hash always sits
    beside the secret the edit wrote)."""
    scope = _scope(touched)
    widened = _encrypt(tree, scope) and scope.everything
    for holders in _CLEAR_HOLDERS:
        for holder in _found(tree, holders, scope):
            kind = holder.find(n("encryption"))
            if kind is None:
                kind = holder.find(n("type"))
            value = holder.find(n("secret"))
            assert kind is not None and value is not None and value.text is not None  # selected by the query
            kind.text = "9"
            value.text = type9_hash(value.text)
    return widened


def _encrypt(tree: etree._Element, scope: _Scope) -> bool:
    """Type 7 for the clear reversible passwords in ``scope``; True when it encrypted any."""
    if not any(scope.reaches(holders) for holders, _, _ in _REVERSIBLE) or not _ENCRYPTING(tree):
        return False  # (the scope first: finding ``service`` among 100,000 users is what costs)
    encrypted = False
    for holders, kind_tag, value_tags in _REVERSIBLE:
        for holder in _found(tree, holders, scope):
            value = next((v for v in holder if v.tag in value_tags), None)
            if value is None or not value.text:
                continue
            kind = holder.find(kind_tag)
            if kind is None:
                kind = etree.Element(kind_tag)
                value.addprevious(kind)
            kind.text = "7"
            value.text = type7_encode(value.text)
            encrypted = True
    return encrypted
