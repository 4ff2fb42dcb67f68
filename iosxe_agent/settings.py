"""What the command line and environment decide for one device: :class:`Settings`, and the default state directory.

A module of its own so that parsing the command line (``--help``, ``--version``) imports nothing heavy: the
serving code (:mod:`iosxe_agent.serve`) and the parser (:mod:`iosxe_agent.main`) both read these.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from iosxe_agent.device.egress import LOOPBACK, EgressPolicy
from iosxe_agent.limits import DEFAULT_LIMITS, Limits

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the command line and environment decide."""

    state_dir: Path
    host: str = "127.0.0.1"
    netconf_port: int = 8830
    ssh_port: int = 8022
    restconf_port: int = 8443  # HTTPS, bound while `restconf` and `ip http secure-server` are configured
    gnmi_port: int | None = None  # overrides `gnmi-yang port` (None: the configured port; 0: any free port)
    gnmi_secure_port: int | None = None  # overrides `gnmi-yang secure-port` (same rules)
    admin_user: str | None = None
    admin_password: str | None = None
    #: where ``admin_password`` came from, for the start-up message (``--admin-password-file F`` …)
    admin_password_source: str | None = None
    #: ``--recover-admin [USER]``: the user to recover ("" for the admin user), None to run the agent
    recover_admin: str | None = None
    netconf_extensions: bool = False
    persist_running: bool = False
    #: keep the compiled YANG schema in ``$XDG_CACHE_HOME/iosxe-agent`` (``--no-schema-cache``: compile every start)
    schema_cache: bool = True
    log_level: str = "INFO"
    sftp: bool = False
    flash_size_mb: int | None = None
    limits: Limits = DEFAULT_LIMITS
    #: ``--ready-file``: where the JSON line of :class:`~iosxe_agent.fleet.endpoints.Ready` goes once listening
    ready_file: Path | None = None
    #: ``--startup-config``: the seed of a first start instead of the bootstrap configuration
    startup_config: Path | None = None
    egress: EgressPolicy = LOOPBACK  # where the device's own clients may send (its --host is always added)


def default_state_dir() -> Path:
    """``$XDG_STATE_HOME/iosxe-agent``, default ``~/.local/state/iosxe-agent``."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "iosxe-agent"


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/iosxe-agent``, default ``~/.cache/iosxe-agent``: the compiled YANG schema
    (:mod:`iosxe_agent.yang.schema_cache`)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "iosxe-agent"
