"""Every bound the agent enforces, named in one place.

A hostile or broken peer must never make the agent use unbounded memory, time or connections; each layer takes
its limits from a :class:`Limits` value (built once in ``main``) instead of hard-coding numbers, so a test or an
operator can tighten them and the error a client gets always names the limit it hit.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    """Upper bounds on sizes, counts and waits. Defaults suit a single simulated router."""

    max_message_bytes: int = 64 * 1024 * 1024  # one NETCONF message after de-framing
    max_chunk_bytes: int = 16 * 1024 * 1024  # one RFC 6242 chunk (the RFC allows up to 4294967295)
    max_xml_depth: int = 256  # element nesting in any parsed document
    max_edit_elements: int = 200_000  # elements in one <config> of edit-config / copy-config
    max_netconf_sessions: int = 64
    max_unauthenticated: int = 16  # SSH connections that have not finished authentication
    login_timeout_s: float = 120.0
    hello_timeout_s: float = 60.0
    idle_timeout_s: float = 0.0  # 0: no idle limit on NETCONF sessions (IOS XE default)
    max_rpc_queue: int = 32  # rpcs read ahead of processing per session (pipelining)
    max_reply_bytes: int = 512 * 1024 * 1024
    max_flash_bytes: int = 64 * 1024 * 1024  # everything in the device's flash: directory
    max_replay_events: int = 1000  # notifications kept for RFC 5277 replay (create-subscription startTime)
    max_notification_queue: int = 1000  # notifications waiting for one subscriber before it is dropped as too slow
    max_notification_backlog_bytes: int = 4 * 1024 * 1024  # unsent bytes on a transport before notifications wait


DEFAULT_LIMITS = Limits()
