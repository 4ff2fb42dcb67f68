"""commit, discard-changes and, with the extensions, confirmed commit and cancel-commit (RFC 6241 §8.3, §8.4).

IOS XE 17.12 has no ``:confirmed-commit``: by default ``<commit>`` takes no parameter, so ``<confirmed/>`` is
an unknown element there (as on the box) and ``<cancel-commit>`` is not served. With ``--netconf-extensions``
the ``:confirmed-commit:1.1`` parameters are accepted: ``<confirmed/>``, ``<confirm-timeout>`` (seconds,
1..4294967295, default 600), ``<persist>`` and ``<persist-id>``. ``<confirm-timeout>`` and ``<persist>`` on a
commit without ``<confirmed/>`` are ignored (the ietf-netconf model allows them there and gives them no
meaning). The rules (who may confirm, extend or cancel) are in :mod:`iosxe_agent.datastore.confirm`.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from iosxe_agent.datastore.confirm import CONFIRMED_COMMIT, DEFAULT_TIMEOUT_S, ConfirmEvent, ConfirmNotice
from iosxe_agent.datastore.store import StoreError
from iosxe_agent.digits import ascii_digits
from iosxe_agent.netconf import capabilities
from iosxe_agent.netconf.errors import ErrorTag
from iosxe_agent.netconf.faults import fault_from, protocol_error
from iosxe_agent.netconf.notifications import NotificationBus, confirmed_commit_event
from iosxe_agent.netconf.operations.params import child, no_candidate, only_known, origin
from iosxe_agent.netconf.registry import Registry, Reply, RpcContext
from iosxe_agent.netconf.xmlio import NC_NS, qn

_CONFIRM_PARAMS = {qn(NC_NS, n) for n in ("confirmed", "confirm-timeout", "persist", "persist-id")}
_UINT32_MAX = 4294967295


def _text(op: etree._Element, name: str) -> str | None:
    el = child(op, name)
    return None if el is None else (el.text or "")


def _timeout(op: etree._Element) -> int:
    text = _text(op, "confirm-timeout")
    if text is None:
        return DEFAULT_TIMEOUT_S
    value = text.strip()
    if not ascii_digits(value) or not 1 <= int(value) <= _UINT32_MAX:
        raise protocol_error(
            ErrorTag.INVALID_VALUE,
            f'"{value}" is not a valid confirm-timeout (seconds, 1..{_UINT32_MAX})',
            element="confirm-timeout",
        )
    return int(value)


def _need_candidate(ctx: RpcContext, operation: str) -> None:
    """The candidate operations exist only for a session whose hello offered the candidate datastore."""
    if not ctx.session.candidate:
        raise no_candidate(operation)


async def commit(ctx: RpcContext, op: etree._Element) -> Reply:
    """<commit>: candidate becomes running, through the one commit pipeline (confirmed with the extensions)."""
    _need_candidate(ctx, "commit")
    only_known(op, _CONFIRM_PARAMS if ctx.services.extensions else set(), "commit")
    confirmed = child(op, "confirmed") is not None
    stores = ctx.services.stores
    try:
        await stores.commit(
            origin(ctx),
            confirmed=confirmed,
            confirm_timeout=_timeout(op) if confirmed else DEFAULT_TIMEOUT_S,
            persist=_text(op, "persist") if confirmed else None,
            persist_id=_text(op, "persist-id"),
        )
    except StoreError as exc:
        raise fault_from(exc.errors) from exc
    return None


async def cancel_commit(ctx: RpcContext, op: etree._Element) -> Reply:
    """<cancel-commit>: revert the pending confirmed commit (persistent ones from any session, by persist-id)."""
    _need_candidate(ctx, "cancel-commit")
    only_known(op, {qn(NC_NS, "persist-id")}, "cancel-commit")
    stores = ctx.services.stores
    try:
        await stores.cancel_commit(origin(ctx), _text(op, "persist-id"))
    except StoreError as exc:
        raise fault_from(exc.errors) from exc
    return None


async def discard_changes(ctx: RpcContext, op: etree._Element) -> Reply:
    """<discard-changes>: candidate goes back to running."""
    _need_candidate(ctx, "discard-changes")
    only_known(op, set(), "discard-changes")
    try:
        ctx.services.stores.discard_changes(ctx.session.session_id)
    except StoreError as exc:
        raise fault_from(exc.errors) from exc
    return None


def register(registry: Registry, extensions: bool = False) -> None:
    """Serve the candidate operations; confirmed commit and cancel-commit only with the extensions."""
    registry.register(qn(NC_NS, "commit"), commit)
    registry.register(qn(NC_NS, "discard-changes"), discard_changes)
    if extensions:
        registry.register(qn(NC_NS, "cancel-commit"), cancel_commit)
        registry.capabilities.append(capabilities.CONFIRMED_COMMIT)


def confirm_notifier(bus: NotificationBus) -> Callable[[ConfirmNotice], None]:
    """A ``Stores.confirm`` listener publishing RFC 6470 ``netconf-confirmed-commit`` on ``bus`` (for the
    NETCONF confirmed commit only; a device's timed rollback is not one)."""

    def publish(notice: ConfirmNotice) -> None:
        if notice.kind != CONFIRMED_COMMIT:
            return
        o = notice.origin
        if notice.event is ConfirmEvent.TIMEOUT or o is None:
            bus.publish(confirmed_commit_event(ConfirmEvent.TIMEOUT.value))
            return
        bus.publish(
            confirmed_commit_event(
                notice.event.value,
                user=o.user,
                session_id=o.session_id,
                source_host=o.source_host,
                timeout=notice.timeout_s,
            )
        )

    return publish
