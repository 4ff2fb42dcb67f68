"""A netmiko ``cisco_xe`` session to a test device, as automation (NAPALM, Ansible, Nornir) opens one: the
tests' administrator by default, never the developer's keys or SSH agent."""

from __future__ import annotations

from typing import Any

import netmiko
from agents import ADMIN_PASSWORD, ADMIN_USER


def netmiko_cli(port: int, user: str = ADMIN_USER, password: str = ADMIN_PASSWORD, **options: Any) -> Any:
    """Connect to the device's SSH port on 127.0.0.1 (``options``: more ConnectHandler arguments)."""
    return netmiko.ConnectHandler(
        device_type="cisco_xe", host="127.0.0.1", port=port, username=user, password=password,
        allow_agent=False, use_keys=False, fast_cli=False, **options,
    )  # fmt: skip
