"""close-session and kill-session (RFC 6241 §7.8, §7.9)."""

from __future__ import annotations

from lxml import etree

from iosxe_agent.digits import ascii_digits
from iosxe_agent.netconf.errors import ErrorTag
from iosxe_agent.netconf.faults import missing_element, protocol_error
from iosxe_agent.netconf.operations.params import child, only_known
from iosxe_agent.netconf.registry import Registry, Reply, RpcContext
from iosxe_agent.netconf.xmlio import NC_NS, qn


async def close_session(ctx: RpcContext, op: etree._Element) -> Reply:
    """<close-session>: reply <ok/>, then end the session (its locks are released on close)."""
    only_known(op, set(), "close-session")
    session = ctx.session
    session.after_reply.append(lambda: session.close("closed"))
    return None


async def kill_session(ctx: RpcContext, op: etree._Element) -> Reply:
    """<kill-session>: abort another session, releasing its locks and discarding what it held."""
    only_known(op, {qn(NC_NS, "session-id")}, "kill-session")
    el = child(op, "session-id")
    if el is None:
        raise missing_element("session-id", "kill-session")
    text = (el.text or "").strip()
    if not ascii_digits(text) or int(text) == 0:
        raise protocol_error(ErrorTag.INVALID_VALUE, f'"{text}" is not a valid session-id', element="session-id")
    target = int(text)
    if target == ctx.session.session_id:
        raise protocol_error(
            ErrorTag.INVALID_VALUE, "a session cannot kill itself; use close-session", element="session-id"
        )
    victim = ctx.services.sessions.get(target)
    if victim is None:
        raise protocol_error(ErrorTag.INVALID_VALUE, f"no session with id {target}", element="session-id")
    victim.kill(ctx.session.session_id)
    return None


def register(registry: Registry) -> None:
    """Serve the session operations."""
    registry.register(qn(NC_NS, "close-session"), close_session)
    registry.register(qn(NC_NS, "kill-session"), kill_session)
