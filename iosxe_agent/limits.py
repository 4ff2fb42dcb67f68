"""Every bound the agent enforces, named in one place.

A hostile or broken peer must never make the agent use unbounded memory, time or connections; each layer takes
its limits from a :class:`Limits` value (built once in ``main``) instead of hard-coding numbers, so a test or an
operator can tighten them and the error a client gets always names the limit it hit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from typing import Any


class LimitError(ValueError):
    """A ``NAME=VALUE`` override that names no limit or gives a value the limit cannot take."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Upper bounds on sizes, counts and waits. Defaults suit a single simulated router.

    Waits are in seconds; a wait of 0 means "no bound". The device SSH port takes its connection bounds from the
    running configuration instead, as IOS does (``ip ssh maxstartups``, ``ip ssh time-out``, ``ip ssh
    authentication-retries``, ``ip ssh server peruser session limit``, ``exec-timeout``); these fields bound the
    NETCONF port and the layers both ports share. The OpenSSH-style admission defences (per-source and per-user
    bounds, random early drop, the authenticated-idle time) apply to both ports, scaled on the device port to its
    ``ip ssh maxstartups``. IOS XE 17.12 documents no idle time for NETCONF-YANG sessions (``netconf-yang ssh`` sets
    only the port, ACLs and VRF; sessions end with ``clear netconf-yang session``); ``idle_timeout_s`` defaults to
    one hour, as netconfd-pro and Brocade do, so forgotten sessions cannot hold the session slots for ever.
    """

    max_message_bytes: int = 64 * 1024 * 1024  # one NETCONF message after de-framing
    max_chunk_bytes: int = 16 * 1024 * 1024  # one RFC 6242 chunk (the RFC allows up to 4294967295)
    max_xml_depth: int = 256  # element nesting in any parsed document
    max_edit_elements: int = 200_000  # elements in one <config> of edit-config / copy-config
    max_netconf_sessions: int = 64
    max_sessions_per_user: int = 16  # NETCONF sessions one user name may hold at once (below the total: others get in)
    max_unauthenticated: int = 16  # NETCONF SSH connections that have not finished authentication (MaxStartups)
    max_unauthenticated_per_source: int = 8  # of those, from one source address, on each port (PerSourceMaxStartups)
    early_drop_start_percent: int = 50  # random early drop starts at this share of the bound above / maxstartups
    early_drop_rate_percent: int = 30  # drop chance at the start, rising to 100 at the bound (MaxStartups 10:30:100)
    max_connections_per_user: int = 16  # authenticated SSH connections one user name may hold, on each port
    auth_idle_timeout_s: float = 60.0  # an authenticated SSH connection with no open channel is closed after this
    max_auth_tries: int = 3  # failed NETCONF passwords per connection (IOS ``ip ssh authentication-retries`` 3)
    login_timeout_s: float = 30.0  # NETCONF TCP accept to SSH authentication done (OpenSSH LoginGraceTime)
    hello_timeout_s: float = 60.0  # NETCONF subsystem start to the client's <hello>
    idle_timeout_s: float = 3600.0  # no complete NETCONF request for this long ends a session; 0: never
    revert_minute_s: float = 60.0  # one minute of a cisco-ia revert timer (rollback, revert); tests shorten it
    max_rpc_queue: int = 32  # rpcs read ahead of processing per session (pipelining)
    max_reply_bytes: int = 512 * 1024 * 1024
    max_flash_bytes: int = 64 * 1024 * 1024  # everything in the device's flash: directory
    max_transfer_bytes: int = 64 * 1024 * 1024  # one file copied to flash: by SCP (flash: size bounds it too)
    max_config_file_bytes: int = 4 * 1024 * 1024  # a running-/startup-config file copied in, parsed in memory
    # running's write-ahead journal past this is folded into a new snapshot, in the background (a larger record too):
    # it bounds start-up replay (~0.7 s per MiB of one-leaf records beside 10,000 users) and the disk it holds, while
    # one-leaf records (~250 bytes) rewrite a 25 MB 100,000-user snapshot only once per ~4,000 commits
    journal_compact_bytes: int = 1024 * 1024
    max_replay_events: int = 1000  # notifications kept for RFC 5277 replay (create-subscription startTime)
    max_notification_queue: int = 1000  # notifications waiting for one subscriber before it is dropped as too slow
    max_notification_backlog_bytes: int = 4 * 1024 * 1024  # unsent bytes on a transport before notifications wait
    max_pending_output_bytes: int = 4 * 1024 * 1024  # unsent bytes on a session before it stops reading (NETCONF, CLI)
    stalled_output_timeout_s: float = 60.0  # a peer that leaves output above that bound this long is disconnected
    max_rpc_attributes: int = 1024  # attributes plus namespace declarations on one <rpc> (all echoed on the reply)
    max_message_elements: int = 250_000  # elements in one NETCONF message, counted before a tree is built
    worker_parse_bytes: int = 1024 * 1024  # NETCONF messages at least this large are parsed off the event loop
    worker_filter_size: int = 1000  # filters of this many elements (subtree) or characters (XPath) run off the loop
    max_filter_regex_chars: int = 1024  # a CLI `| include` regex; a longer one is matched as literal text
    max_filter_regex_bytes: int = 8 * 1024 * 1024  # RE2 program memory of one CLI filter regex
    restconf_max_body_bytes: int = 16 * 1024 * 1024  # one RESTCONF request body (413 too-big beyond)
    restconf_max_header_bytes: int = 8190  # one RESTCONF request line or header field (aiohttp's own default)
    restconf_max_connections: int = 64  # open RESTCONF (HTTPS) connections; more are closed at once
    restconf_timeout_s: float = 60.0  # RESTCONF: TLS handshake, idle keep-alive, reading a request body
    gnmi_max_message_bytes: int = 16 * 1024 * 1024  # one gNMI (gRPC) message, either way (RESOURCE_EXHAUSTED beyond)
    gnmi_max_streams: int = 64  # concurrent gNMI RPCs per server (gRPC refuses more)
    gnmi_max_subscriptions: int = 32  # open gNMI Subscribe streams per device (RESOURCE_EXHAUSTED beyond)
    gnmi_max_paths: int = 256  # paths in one gNMI request (Get paths, Set operations, subscriptions)
    gnmi_min_sample_interval_s: float = 1.0  # shortest SAMPLE interval; a shorter one is raised to it
    gnmi_subscribe_wait_s: float = 60.0  # a Subscribe call's first request (its subscription list) must come by then


DEFAULT_LIMITS = Limits()


def limit_names() -> list[str]:
    """Every limit's name, as ``--limit NAME=VALUE`` takes it."""
    return [f.name for f in fields(Limits)]


def with_overrides(base: Limits, overrides: Iterable[str]) -> Limits:
    """``base`` with each ``NAME=VALUE`` applied (``--limit max_netconf_sessions=8``).

    Counts and sizes take a non-negative integer (``_`` separators allowed), waits a non-negative number of
    seconds. Anything else is refused with a message that names the limit, so a typo never starts an agent
    with a default the operator meant to change.

    Raises:
        LimitError: an unknown name, a missing ``=``, or a value of the wrong kind or sign.
    """
    types = {f.name: f.type for f in fields(Limits)}
    changes: dict[str, Any] = {}  # by field name, each value of that field's kind (checked below)
    for item in overrides:
        name, sep, text = item.partition("=")
        name = name.strip().replace("-", "_")
        if not sep:
            raise LimitError(f"limit {item!r}: expected NAME=VALUE")
        if name not in types:
            raise LimitError(f"unknown limit {name!r}; known limits: {', '.join(limit_names())}")
        kind = int if types[name] in (int, "int") else float
        try:
            value = kind(text.strip())
        except ValueError:
            wanted = "an integer" if kind is int else "a number of seconds"
            raise LimitError(f"limit {name}: {text.strip()!r} is not {wanted}") from None
        if not value >= 0:  # also refuses NaN
            raise LimitError(f"limit {name}: {text.strip()!r} is not a non-negative number")
        changes[name] = value
    return replace(base, **changes)
