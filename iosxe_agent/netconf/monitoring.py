"""NETCONF monitoring (RFC 6022 ``/netconf-state``) and the YANG library as ``<get>`` state data.

:func:`netconf_state` builds a fresh ``<netconf-state>`` from the live device: the capabilities of our hello,
the datastores with their global and partial locks, every module and submodule ``get-schema`` serves, the open
sessions with their counters, and the server-wide statistics. :func:`install` makes ``<get>`` return it, together
with RFC 7895 ``modules-state`` and RFC 8525 ``yang-library`` (built by :mod:`iosxe_agent.yang.library`).

Server-wide counters live in :class:`NetconfStatistics` (``services.statistics``): sessions add their own
counters to the totals when they end, so the figures reported are those totals plus the live sessions'.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lxml import etree

from iosxe_agent.datastore.names import Datastore
from iosxe_agent.yang import library

if TYPE_CHECKING:
    from iosxe_agent.netconf.services import NetconfServices
    from iosxe_agent.netconf.session import NetconfSession

NCM_NS = "urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"
NMDA_NS = "urn:ietf:params:xml:ns:yang:ietf-netconf-nmda"

#: RFC 6470 termination reasons (``NetconfSession.termination_reason``) that are not "abnormal" (RFC 6022
#: dropped-sessions); "bad-hello" is counted as in-bad-hellos instead.
_NOT_DROPPED = frozenset({"closed", "killed", "bad-hello"})


@dataclass(slots=True)
class NetconfStatistics:
    """RFC 6022 ``/netconf-state/statistics`` of one device's NETCONF server.

    ``in_rpcs`` … ``out_notifications`` hold the totals of sessions that have ended; the live sessions' own
    counters are added when the statistics are reported.
    """

    start_time: float = field(default_factory=time.time)
    in_bad_hellos: int = 0
    in_sessions: int = 0
    dropped_sessions: int = 0
    in_rpcs: int = 0
    in_bad_rpcs: int = 0
    out_rpc_errors: int = 0
    out_notifications: int = 0

    def session_ended(self, session: NetconfSession) -> None:
        """Fold a finished session's counters into the totals.

        A session that ended without close-session or kill-session (transport closed, hello timeout, framing
        error) counts as dropped; one refused for its hello counts as a bad hello instead (RFC 6022 §2.1.5).
        """
        stats = session.stats
        self.in_rpcs += stats.in_rpcs
        self.in_bad_rpcs += stats.in_bad_rpcs
        self.out_rpc_errors += stats.out_rpc_errors
        self.out_notifications += stats.out_notifications
        if session.termination_reason == "bad-hello":
            self.in_bad_hellos += 1
        elif session.termination_reason not in _NOT_DROPPED:
            self.dropped_sessions += 1


def date_and_time(ts: float) -> str:
    """ietf-yang-types ``date-and-time`` in UTC, as ConfD writes it (``2024-05-01T10:00:00+00:00``)."""
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(ts))


def datastore_names(services: NetconfServices) -> list[Datastore]:
    """The conventional datastores this server offers now: running, candidate (while enabled), and startup with
    the extensions."""
    names = [Datastore.RUNNING, Datastore.CANDIDATE] if services.candidate_enabled() else [Datastore.RUNNING]
    if services.extensions:
        names.append(Datastore.STARTUP)
    return names


def netconf_state(services: NetconfServices) -> etree._Element:
    """A fresh ``<netconf-state>`` describing ``services`` now."""
    root = etree.Element(_q("netconf-state"), nsmap={None: NCM_NS})
    caps = _sub(root, "capabilities")
    for uri in services.capabilities():
        _leaf(caps, "capability", uri)

    datastores = _sub(root, "datastores")
    for name in datastore_names(services):
        ds = _sub(datastores, "datastore")
        _leaf(ds, "name", name)
        holder = services.stores.locks.holder(name)
        partial = services.stores.locks.partial_locks() if name is Datastore.RUNNING else []
        if holder is not None:
            lock = _sub(_sub(ds, "locks"), "global-lock")
            _leaf(lock, "locked-by-session", str(holder.session_id))
            _leaf(lock, "locked-time", date_and_time(holder.since))
        elif partial:  # RFC 5717 §2.4.1: partial locks of running, each with what it selected and holds
            locks = _sub(ds, "locks")
            for pl in sorted(partial, key=lambda p: p.lock_id):
                entry = _sub(locks, "partial-lock")
                _leaf(entry, "lock-id", str(pl.lock_id))
                _leaf(entry, "locked-by-session", str(pl.session_id))
                _leaf(entry, "locked-time", date_and_time(pl.since))
                for select in pl.select:
                    _leaf(entry, "select", select)
                for node in pl.nodes:
                    locked = etree.SubElement(entry, _q("locked-node"), nsmap=dict(node.path_ns) or None)
                    locked.text = node.path

    schemas = _sub(root, "schemas")
    for source in library.schema_sources(services.schema):
        entry = _sub(schemas, "schema")
        _leaf(entry, "identifier", source.identifier)
        _leaf(entry, "version", source.version)
        _leaf(entry, "format", "yang")  # identityref ncm:yang, in the default namespace (RFC 7950 §9.10.3)
        _leaf(entry, "namespace", source.namespace)
        _leaf(entry, "location", "NETCONF")

    live = sorted(services.sessions.sessions.values(), key=lambda s: s.session_id)
    sessions = _sub(root, "sessions")
    for s in live:
        entry = _sub(sessions, "session")
        _leaf(entry, "session-id", str(s.session_id))
        _leaf(entry, "transport", "netconf-ssh")  # identityref ncm:netconf-ssh
        _leaf(entry, "username", s.user)
        if s.source_host:
            _leaf(entry, "source-host", s.source_host)
        _leaf(entry, "login-time", date_and_time(s.login_time))
        _leaf(entry, "in-rpcs", str(s.stats.in_rpcs))
        _leaf(entry, "in-bad-rpcs", str(s.stats.in_bad_rpcs))
        _leaf(entry, "out-rpc-errors", str(s.stats.out_rpc_errors))
        _leaf(entry, "out-notifications", str(s.stats.out_notifications))

    st = services.statistics
    statistics = _sub(root, "statistics")
    _leaf(statistics, "netconf-start-time", date_and_time(st.start_time))
    _leaf(statistics, "in-bad-hellos", str(st.in_bad_hellos))
    _leaf(statistics, "in-sessions", str(st.in_sessions))
    _leaf(statistics, "dropped-sessions", str(st.dropped_sessions))
    _leaf(statistics, "in-rpcs", str(st.in_rpcs + sum(s.stats.in_rpcs for s in live)))
    _leaf(statistics, "in-bad-rpcs", str(st.in_bad_rpcs + sum(s.stats.in_bad_rpcs for s in live)))
    _leaf(statistics, "out-rpc-errors", str(st.out_rpc_errors + sum(s.stats.out_rpc_errors for s in live)))
    _leaf(statistics, "out-notifications", str(st.out_notifications + sum(s.stats.out_notifications for s in live)))
    return root


def install(services: NetconfServices, *, schema_url: library.SchemaUrl | None = None) -> None:
    """Make ``<get>`` return ``netconf-state``, ``modules-state`` and ``yang-library`` (each only when its
    module is part of the schema, so a client can always resolve what it receives).

    The library never changes while the device runs, so ``modules-state`` is built once and copied; the
    ``yang-library`` datastore list also names ``operational`` once NMDA ``get-data`` is served.
    """
    schema = services.schema
    providers: list[Callable[[], list[etree._Element]]] = []
    if "ietf-netconf-monitoring" in schema.modules:
        providers.append(lambda: [netconf_state(services)])
    if "ietf-yang-library" not in schema.modules:
        services.state_providers.extend(providers)
        return
    modules = library.modules_state(schema, schema_url=schema_url)
    cache: dict[tuple[str, ...], etree._Element] = {}

    def yang_library() -> etree._Element:
        names: list[str] = list(datastore_names(services))
        if services.registry.lookup(f"{{{NMDA_NS}}}get-data") is not None:
            names.append("operational")
        key = tuple(names)
        if key not in cache:
            cache[key] = library.yang_library(schema, datastores=names)
        return copy.deepcopy(cache[key])

    providers.append(lambda: [copy.deepcopy(modules), yang_library()])
    services.state_providers.extend(providers)


def _q(name: str) -> str:
    return f"{{{NCM_NS}}}{name}"


def _sub(parent: etree._Element, name: str) -> etree._Element:
    return etree.SubElement(parent, _q(name))


def _leaf(parent: etree._Element, name: str, text: str) -> etree._Element:
    el = etree.SubElement(parent, _q(name))
    el.text = text
    return el
