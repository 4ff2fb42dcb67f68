"""The AAA configuration as plain values: users, ``enable``, method lists, servers and server groups (pure).

IOS resolves a method ``group X`` at the moment of use: ``group tacacs+`` means every ``tacacs server`` in
configuration order, ``group radius`` every ``radius server``, and any other name the members of ``aaa group
server tacacs+|radius X`` in the order of their ``server name`` lines, followed by the group's private servers.
Per-server settings fall back to the ``tacacs-server`` / ``radius-server`` globals, then to IOS defaults (TACACS+
port 49, timeout 5 s; RADIUS timeout 5 s, 3 retransmissions). Without ``aaa new-model`` there are no method lists:
logins use the local user database and nothing is authorized or accounted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from lxml import etree

from iosxe_agent.device.aaa.radius import RadiusServer
from iosxe_agent.device.aaa.tacacs import TacacsServer
from iosxe_agent.device.names import a, n
from iosxe_agent.device.passwords import type7_decode
from iosxe_agent.device.views.tree import native_of

TACACS_PORT = 49
DEFAULT_TIMEOUT = 5
RADIUS_RETRANSMIT = 3
RADIUS_AUTH_PORT = 1812  # the model's defaults for `radius server` / `address ipv4 A auth-port P acct-port Q`
RADIUS_ACCT_PORT = 1813
#: the privilege of a ``username`` entry that names none
DEFAULT_PRIVILEGE = 1
#: what an undefined login list (or a device without ``aaa new-model``) does: the local user database
LOCAL_ONLY = ("local",)

AaaServer = TacacsServer | RadiusServer


@dataclass(frozen=True, slots=True)
class LocalUser:
    """A ``username`` entry, as authentication needs it."""

    name: str
    privilege: int
    encryption: str | None
    stored: str | None


@dataclass(frozen=True, slots=True)
class MethodList:
    """A named method list: its methods in order (``group:NAME``, ``local``, ``none``, ``if-authenticated`` …)."""

    name: str
    methods: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AccountingList:
    """``aaa accounting exec LIST start-stop|stop-only|wait-start group G …``."""

    action: str  # start-stop, stop-only, wait-start
    groups: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AaaView:
    """Everything AAA decides from. The lists are kept as configured; the methods below apply ``new-model``.
    The mappings are read-only: one view is shared by every caller that asks about the same tree."""

    new_model: bool = False
    users: tuple[LocalUser, ...] = ()
    enable_secret: tuple[str, str] | None = None  # (type, stored) of ``enable secret``, else ``enable password``
    login_lists: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    exec_lists: Mapping[str, MethodList] = field(default_factory=dict)  # aaa authorization exec
    accounting_lists: Mapping[str, AccountingList] = field(default_factory=dict)  # aaa accounting exec
    tacacs: tuple[TacacsServer, ...] = ()  # every `tacacs server` with an address, in configuration order
    radius: tuple[RadiusServer, ...] = ()  # every `radius server` with an address, in configuration order
    groups: Mapping[str, tuple[AaaServer, ...]] = field(default_factory=dict)  # `aaa group server …` by name
    _exact: Mapping[str, LocalUser] = field(default_factory=dict, repr=False, compare=False)
    _folded: Mapping[str, LocalUser] = field(default_factory=dict, repr=False, compare=False)

    def user(self, name: str, *, case_sensitive: bool = True) -> LocalUser | None:
        """The ``username`` entry for ``name`` (IOS ``local`` matches names case-insensitively, ``local-case``
        not); the first in configuration order when several fold to the same name."""
        return self._exact.get(name) if case_sensitive else self._folded.get(name.casefold())

    def login_methods(self, list_name: str = "default") -> tuple[str, ...]:
        """The methods of ``aaa authentication login LIST``; an undefined list (or no ``aaa new-model``) falls
        back to the local user database, as IOS does."""
        if not self.new_model:
            return LOCAL_ONLY
        return self.login_lists.get(list_name) or LOCAL_ONLY

    def authorization_exec(self, list_name: str = "default") -> MethodList | None:
        """``aaa authorization exec LIST …``; None when not configured (IOS then does no authorization)."""
        return self.exec_lists.get(list_name) if self.new_model else None

    def accounting_exec(self, list_name: str = "default") -> AccountingList | None:
        """The exec accounting list, or None (not configured, ``none``, or no ``aaa new-model``)."""
        return self.accounting_lists.get(list_name) if self.new_model else None

    def group_servers(self, group: str) -> tuple[AaaServer, ...]:
        """The servers a ``group X`` method tries, in order (empty for an unknown group: the method errors)."""
        if group == "tacacs+":
            return self.tacacs
        if group == "radius":
            return self.radius
        return self.groups.get(group, ())


# -- reading ---------------------------------------------------------------------------------------------------
_USERNAME, _NAME, _PRIVILEGE = n("username"), n("name"), n("privilege")
_SECRET, _PASSWORD = n("secret"), n("password")
_ENCRYPTION = n("encryption")


def _local_user(entry: etree._Element) -> LocalUser:
    """One ``username`` entry, its children read in one pass (the first of each kind, as ``findtext`` reads): a
    device may hold 100,000 users, and a path search per leaf cost seconds to read them all on the first login
    after each commit."""
    name = privilege = None
    secret = password = None
    for child in entry:
        tag = child.tag
        if tag == _NAME:
            name = child.text or "" if name is None else name
        elif tag == _PRIVILEGE:
            privilege = child.text or "" if privilege is None else privilege
        elif tag == _SECRET:
            secret = child if secret is None else secret
        elif tag == _PASSWORD:
            password = child if password is None else password
    stored, level = name or "", int(privilege or DEFAULT_PRIVILEGE)
    if secret is not None:
        return LocalUser(stored, level, *_kind_and_value(secret))
    if password is not None:
        kind, value = _kind_and_value(password)
        return LocalUser(stored, level, kind or "0", value)
    return LocalUser(stored, level, None, None)


def _kind_and_value(holder: etree._Element) -> tuple[str | None, str | None]:
    """``findtext`` of the ``encryption`` leaf and of the value leaf (which has the holder's tag), in one pass."""
    kind = value = None
    value_tag = holder.tag
    for child in holder:
        tag = child.tag
        if tag == _ENCRYPTION:
            kind = child.text or "" if kind is None else kind
        elif tag == value_tag:
            value = child.text or "" if value is None else value
    return kind, value


def _enable_secret(native: etree._Element) -> tuple[str, str] | None:
    enable = native.find(n("enable"))
    if enable is None:
        return None
    for holder in (enable.find(n("secret")), enable.find(n("password"))):
        if holder is not None and holder.findtext(n("secret")):
            return holder.findtext(n("type")) or "0", holder.findtext(n("secret")) or ""
    return None


def _slot_methods(entry: etree._Element, slots: tuple[str, ...] = ("a1", "a2", "a3", "a4")) -> tuple[str, ...]:
    """The methods held in ``a1``…``a4`` style slots: ``group X`` becomes ``group:X``, flags their name."""
    methods = []
    for slot in slots:
        holder = entry.find(a(slot))
        if holder is None:
            continue
        for method in holder:
            local = etree.QName(method).localname
            if local in ("group", "cache"):
                methods.append(f"{local}:{(method.text or '').strip()}")
            elif local in ("tacacs", "radius"):
                methods.append(f"group:{'tacacs+' if local == 'tacacs' else 'radius'}")
            else:
                methods.append(local)
    return tuple(methods)


def _accounting(entry: etree._Element) -> AccountingList | None:
    for action in ("start-stop", "stop-only", "wait-start"):
        holder = entry.find(a(action))
        if holder is None:
            continue
        groups = tuple(
            (holder.findtext(f"{a(slot)}/{a('group')}") or "").strip()
            for slot in ("group1", "group2", "group3", "group4")
        )
        return AccountingList(action, tuple(g for g in groups if g))
    return None  # `aaa accounting exec LIST none`


def _key(holder: etree._Element | None, leaf: str = "key") -> str | None:
    """The clear text of a ``key [0|7] K`` container; None when absent or not decodable here (type 6 needs the
    master key, which this device never has)."""
    if holder is None:
        return None
    text = holder.findtext(a(leaf))
    if text is None:
        return None
    kind = holder.findtext(a("encryption")) or "0"
    if kind == "7":
        try:
            return type7_decode(text)
        except ValueError:
            return None
    return text if kind == "0" else None


def _int(el: etree._Element, path: str) -> int | None:
    text = el.findtext(path)
    return int(text) if text is not None else None


def _address(server: etree._Element) -> str | None:
    for kind in ("ipv4", "ipv6", "fqdn"):
        text = server.findtext(f"{a('address')}/{a(kind)}")
        if text:
            return text
    return None


@dataclass(frozen=True, slots=True)
class _Defaults:
    """What a server entry that does not say otherwise gets: the globals, else IOS's defaults."""

    timeout: int
    retransmit: int
    key: str | None


def _tacacs_globals(native: etree._Element) -> _Defaults:
    glob = native.find(n("tacacs-server"))
    if glob is None:
        return _Defaults(DEFAULT_TIMEOUT, 0, None)
    return _Defaults(_int(glob, a("timeout")) or DEFAULT_TIMEOUT, 0, _key(glob.find(a("key"))))


def _radius_globals(native: etree._Element) -> _Defaults:
    glob = native.find(n("radius-server"))
    if glob is None:
        return _Defaults(DEFAULT_TIMEOUT, RADIUS_RETRANSMIT, None)
    retransmit = _int(glob, a("retransmit"))
    return _Defaults(
        _int(glob, a("timeout")) or DEFAULT_TIMEOUT,
        RADIUS_RETRANSMIT if retransmit is None else retransmit,
        _key(glob.find(a("key")), "clear-key"),
    )


def _tacacs(entry: etree._Element, name: str, host: str, d: _Defaults) -> TacacsServer:
    """A ``tacacs server`` or a group's ``server-private`` entry."""
    key = _key(entry.find(a("key")))
    return TacacsServer(
        name=name,
        host=host,
        port=_int(entry, a("port")) or TACACS_PORT,
        key=key if key is not None else d.key or "",
        timeout=float(_int(entry, a("timeout")) or d.timeout),
    )


def _radius(entry: etree._Element, name: str, host: str, ports: str, d: _Defaults) -> RadiusServer:
    """A ``radius server`` (``ports`` = ``address/``: its ports sit under the address) or a group's
    ``server-private`` entry (``ports`` = "": beside it)."""
    key = _key(entry.find(a("key")))
    retransmit = _int(entry, a("retransmit"))
    return RadiusServer(
        name=name,
        host=host,
        auth_port=_int(entry, ports + a("auth-port")) or RADIUS_AUTH_PORT,
        acct_port=_int(entry, ports + a("acct-port")) or RADIUS_ACCT_PORT,
        key=key if key is not None else d.key or "",
        timeout=float(_int(entry, a("timeout")) or d.timeout),
        retransmit=d.retransmit if retransmit is None else retransmit,
    )


def _name(entry: etree._Element) -> str:
    return entry.findtext(a("name")) or ""


def _members(group: etree._Element, by_name: Mapping[str, AaaServer]) -> list[AaaServer]:
    """The group's ``server name`` members that exist, in the order of those lines."""
    names = [m.findtext(a("name")) or "" for m in group.iterfind(f"{a('server')}/{a('name')}")]
    return [by_name[m] for m in names if m in by_name]


def _server_groups(
    native: etree._Element, tacacs: tuple[TacacsServer, ...], radius: tuple[RadiusServer, ...]
) -> dict[str, tuple[AaaServer, ...]]:
    """``aaa group server tacacs+|radius NAME``: members then private servers (a TACACS+ group wins a name)."""
    groups: dict[str, tuple[AaaServer, ...]] = {}
    entries = f"{n('aaa')}/{a('group')}/{a('server')}"
    tac_by_name: dict[str, AaaServer] = {s.name: s for s in tacacs}
    tac = _tacacs_globals(native)
    for entry in native.iterfind(f"{entries}/{a('tacacsplus')}"):
        d = _Defaults(_int(entry, a("timeout")) or tac.timeout, 0, tac.key)  # the group's own timeout first
        private = [_tacacs(p, host, host, d) for p in entry.iterfind(a("server-private")) if (host := _name(p))]
        groups.setdefault(_name(entry), (*_members(entry, tac_by_name), *private))
    rad_by_name: dict[str, AaaServer] = {s.name: s for s in radius}
    rad = _radius_globals(native)
    for entry in native.iterfind(f"{entries}/{a('radius')}"):
        own = [_radius(p, host, host, "", rad) for p in entry.iterfind(a("server-private")) if (host := _name(p))]
        groups.setdefault(_name(entry), (*_members(entry, rad_by_name), *own))
    return groups


def users_of(tree: etree._Element) -> Iterator[etree._Element]:
    """The ``username`` entries of a configuration, in configuration order."""
    native = native_of(tree)
    return native.iterfind(_USERNAME) if native is not None else iter(())


def namesakes_of_privileged(tree: etree._Element, level: int) -> list[etree._Element]:
    """The ``username`` entries whose case-folded name is that of an entry of privilege ``level`` or more, in
    configuration order: every entry a ``local`` login can resolve to when it looks for such a user.

    Found from the privilege and name leaves alone, in one C-level pass over the leaves of each tag, then read as
    every entry is (:func:`_local_user`): with 100,000 users this touches the few entries it returns instead of
    every entry's children (16 ms for the privilege leaves instead of half a second)."""
    native = native_of(tree)
    if native is None:
        return []
    # an entry without a privilege leaf reads as level 1
    privileged = (
        native.iterfind(_USERNAME)
        if level <= DEFAULT_PRIVILEGE
        else _entries_of(native, _PRIVILEGE, lambda text: _may_reach(text, level))
    )
    folds = {user.name.casefold() for entry in privileged if (user := _local_user(entry)).privilege >= level}
    if not folds:
        return []
    # an entry without a name leaf reads as "": only then must every entry be looked at
    found = (
        native.iterfind(_USERNAME) if "" in folds else _entries_of(native, _NAME, lambda text: text.casefold() in folds)
    )
    return [entry for entry in found if _local_user(entry).name.casefold() in folds]


def _may_reach(text: str, level: int) -> bool:
    """Whether a privilege leaf's text can read as ``level`` or more (text int() refuses is kept: reading the
    entry raises as the whole view's reading does)."""
    try:
        return int(text) >= level
    except ValueError:
        return True


def _entries_of(native: etree._Element, tag: str, keep: Callable[[str], bool]) -> Iterator[etree._Element]:
    """The ``username`` entries of ``native`` with a ``tag`` leaf whose text ``keep`` accepts, each once, in
    configuration order: every element of that tag below ``native`` is visited in C, and only those whose text
    is kept are asked whether they are such a leaf (any other configuration may use the tag too)."""
    last = None
    for leaf in native.iter(tag):
        text = leaf.text
        if not (text and keep(text)):
            continue
        entry = leaf.getparent()
        if entry is not None and entry is not last and entry.tag == _USERNAME and entry.getparent() is native:
            last = entry
            yield entry


def read_aaa(tree: etree._Element, entries: Iterable[etree._Element] | None = None) -> AaaView:
    """The AAA view of a configuration (pure).

    ``entries``: read only these ``username`` entries of the tree (in configuration order) instead of all of
    them. Reading 100,000 users takes half a second; a question that provably depends on a few of them only (the
    start-up report's, :func:`iosxe_agent.device.access.netconf_access`) asks a view of those."""
    native = native_of(tree)
    if native is None:
        return AaaView()
    users = tuple(_local_user(entry) for entry in (native.iterfind(_USERNAME) if entries is None else entries))
    # the first of several alike wins: built backwards, each earlier user replaces a later one (in C, not a
    # setdefault call per user: 100,000 users)
    exact = {user.name: user for user in reversed(users)}
    folded = {user.name.casefold(): user for user in reversed(users)}
    aaa = native.find(n("aaa"))
    login_lists: dict[str, tuple[str, ...]] = {}
    exec_lists: dict[str, MethodList] = {}
    accounting_lists: dict[str, AccountingList] = {}
    if aaa is not None:
        for entry in aaa.iterfind(f"{a('authentication')}/{a('login')}"):
            login_lists.setdefault(_name(entry), _slot_methods(entry))
        for entry in aaa.iterfind(f"{a('authorization')}/{a('exec')}"):
            exec_lists.setdefault(_name(entry), MethodList(_name(entry), _slot_methods(entry)))
        for entry in aaa.iterfind(f"{a('accounting')}/{a('exec')}"):
            if (accounting := _accounting(entry)) is not None:
                accounting_lists.setdefault(_name(entry), accounting)
    tac = _tacacs_globals(native)
    tacacs = tuple(
        _tacacs(entry, entry.findtext(a("name")) or host, host, tac)
        for entry in native.iterfind(f"{n('tacacs')}/{a('server')}")
        if (host := _address(entry)) is not None
    )
    rad = _radius_globals(native)
    radius = tuple(
        _radius(entry, entry.findtext(a("id")) or host, host, f"{a('address')}/", rad)
        for entry in native.iterfind(f"{n('radius')}/{a('server')}")
        if (host := _address(entry)) is not None
    )
    return AaaView(
        new_model=aaa is not None and aaa.find(a("new-model")) is not None,
        users=users,
        enable_secret=_enable_secret(native),
        login_lists=MappingProxyType(login_lists),
        exec_lists=MappingProxyType(exec_lists),
        accounting_lists=MappingProxyType(accounting_lists),
        tacacs=tacacs,
        radius=radius,
        groups=MappingProxyType(_server_groups(native, tacacs, radius)),
        _exact=MappingProxyType(exact),
        _folded=MappingProxyType(folded),
    )
