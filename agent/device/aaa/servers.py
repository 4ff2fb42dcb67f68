"""The AAA servers and method lists of a running configuration, as plain values (pure: no I/O).

IOS resolves a method ``group X`` at the moment of use: ``group tacacs+`` means every ``tacacs server`` in
configuration order, ``group radius`` every ``radius server``, and any other name the members of ``aaa group
server tacacs+|radius X`` in the order of their ``server name`` lines, followed by the group's private servers.
Per-server settings fall back to the ``tacacs-server`` / ``radius-server`` globals, then to IOS defaults (TACACS+
port 49, timeout 5 s; RADIUS timeout 5 s, 3 retransmissions).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from lxml import etree

from agent.device.aaa.radius import RadiusServer
from agent.device.aaa.tacacs import TacacsServer
from agent.device.names import a, n
from agent.device.passwords import type7_decode

log = logging.getLogger(__name__)

TACACS_PORT = 49
DEFAULT_TIMEOUT = 5
RADIUS_RETRANSMIT = 3
RADIUS_AUTH_PORT = 1812  # the model's defaults for `radius server` / `address ipv4 A auth-port P acct-port Q`
RADIUS_ACCT_PORT = 1813

AaaServer = TacacsServer | RadiusServer


@dataclass(frozen=True, slots=True)
class MethodList:
    """A named method list: its methods in order (``group:NAME``, ``local``, ``none``, ``if-authenticated`` …)."""

    name: str
    methods: tuple[str, ...]


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


def _tacacs_globals(running: etree._Element) -> _Defaults:
    glob = running.find(f"{n('native')}/{n('tacacs-server')}")
    if glob is None:
        return _Defaults(DEFAULT_TIMEOUT, 0, None)
    return _Defaults(_int(glob, a("timeout")) or DEFAULT_TIMEOUT, 0, _key(glob.find(a("key"))))


def _radius_globals(running: etree._Element) -> _Defaults:
    glob = running.find(f"{n('native')}/{n('radius-server')}")
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


def tacacs_servers(running: etree._Element) -> list[TacacsServer]:
    """Every ``tacacs server NAME`` with an address (IOS skips one without), in configuration order."""
    d = _tacacs_globals(running)
    return [
        _tacacs(entry, entry.findtext(a("name")) or host, host, d)
        for entry in running.iterfind(f"{n('native')}/{n('tacacs')}/{a('server')}")
        if (host := _address(entry)) is not None
    ]


def radius_servers(running: etree._Element) -> list[RadiusServer]:
    """Every ``radius server NAME`` with an address, in configuration order."""
    d = _radius_globals(running)
    return [
        _radius(entry, entry.findtext(a("id")) or host, host, f"{a('address')}/", d)
        for entry in running.iterfind(f"{n('native')}/{n('radius')}/{a('server')}")
        if (host := _address(entry)) is not None
    ]


def group_servers(running: etree._Element, group: str) -> list[AaaServer]:
    """The servers a ``group X`` method tries, in order (empty for an unknown group: the method errors)."""
    if group == "tacacs+":
        return list(tacacs_servers(running))
    if group == "radius":
        return list(radius_servers(running))
    groups = f"{n('native')}/{n('aaa')}/{a('group')}/{a('server')}"
    for entry in running.iterfind(f"{groups}/{a('tacacsplus')}"):
        if entry.findtext(a("name")) == group:
            by_name = {s.name: s for s in tacacs_servers(running)}
            d = _tacacs_globals(running)
            d = _Defaults(_int(entry, a("timeout")) or d.timeout, 0, d.key)  # the group's own timeout first
            private = [_tacacs(p, host, host, d) for p in entry.iterfind(a("server-private")) if (host := _name(p))]
            return [*(by_name[m] for m in _member_names(entry) if m in by_name), *private]
    for entry in running.iterfind(f"{groups}/{a('radius')}"):
        if entry.findtext(a("name")) == group:
            by_name = {s.name: s for s in radius_servers(running)}
            d = _radius_globals(running)
            private = [_radius(p, host, host, "", d) for p in entry.iterfind(a("server-private")) if (host := _name(p))]
            return [*(by_name[m] for m in _member_names(entry) if m in by_name), *private]
    return []


def _name(entry: etree._Element) -> str:
    return entry.findtext(a("name")) or ""


def _member_names(group: etree._Element) -> list[str]:
    return [m.findtext(a("name")) or "" for m in group.iterfind(f"{a('server')}/{a('name')}")]


def slot_methods(entry: etree._Element, slots: tuple[str, ...]) -> tuple[str, ...]:
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


def authorization_exec(running: etree._Element, list_name: str = "default") -> MethodList | None:
    """``aaa authorization exec LIST …``; None when the list is not configured (IOS then does no authorization)."""
    aaa = running.find(f"{n('native')}/{n('aaa')}")
    if aaa is None or aaa.find(a("new-model")) is None:
        return None
    for entry in aaa.iterfind(f"{a('authorization')}/{a('exec')}"):
        if entry.findtext(a("name")) == list_name:
            return MethodList(list_name, slot_methods(entry, ("a1", "a2", "a3", "a4")))
    return None


@dataclass(frozen=True, slots=True)
class AccountingList:
    """``aaa accounting exec LIST start-stop|stop-only|wait-start group G …``."""

    action: str  # start-stop, stop-only, wait-start
    groups: tuple[str, ...]


def accounting_exec(running: etree._Element, list_name: str = "default") -> AccountingList | None:
    """The exec accounting list, or None (not configured, ``none``, or no ``aaa new-model``)."""
    aaa = running.find(f"{n('native')}/{n('aaa')}")
    if aaa is None or aaa.find(a("new-model")) is None:
        return None
    for entry in aaa.iterfind(f"{a('accounting')}/{a('exec')}"):
        if entry.findtext(a("name")) != list_name:
            continue
        for action in ("start-stop", "stop-only", "wait-start"):
            holder = entry.find(a(action))
            if holder is None:
                continue
            groups = tuple(
                (holder.findtext(f"{a(slot)}/{a('group')}") or "").strip()
                for slot in ("group1", "group2", "group3", "group4")
            )
            return AccountingList(action, tuple(g for g in groups if g))
    return None
