"""What end-to-end tests say to the agents that tests/conftest.py starts: the admin login, ``--limit`` arguments,
users, names that do not collide within a module's shared agent.

``tests/support`` is on pytest's ``pythonpath`` (pyproject), so test modules import this by name.
"""

from __future__ import annotations

import uuid
from typing import Any, Protocol

from ncclient import manager

#: the administrator every test agent is started with (tests/conftest.py passes the password in the environment)
ADMIN_USER = "admin"
ADMIN_PASSWORD = "Adm1n-pass"


def netconf_manager(
    host: str, port: int, user: str = ADMIN_USER, password: str = ADMIN_PASSWORD, **kw: Any
) -> manager.Manager:
    """An ncclient session as every test opens one: the IOS XE device handler, no host-key check, no SSH agent or
    key files (a developer's own keys must not change what a test sees), a 60 s RPC time-out unless given."""
    params: dict[str, Any] = {"device_params": {"name": "iosxe"}, "timeout": 60, **kw}
    return manager.connect(
        host=host,
        port=port,
        username=user,
        password=password,
        hostkey_verify=False,
        allow_agent=False,
        look_for_keys=False,
        **params,
    )


class Committer(Protocol):
    """An agent a test can configure (tests/conftest.py's ``AgentProcess``)."""

    def commit(self, body: str) -> None:
        """Merge ``<native>body</native>`` into running."""
        ...


def limits(**values: object) -> list[str]:
    """``--limit NAME=VALUE`` arguments for an agent: ``fresh_agent(*limits(login_timeout_s=3))``."""
    return [arg for name, value in values.items() for arg in ("--limit", f"{name}={value}")]


def add_user(agent: Committer, name: str, privilege: int, password: str) -> None:
    """A local user with a clear (type 0) secret, committed over NETCONF."""
    agent.commit(
        f"<username><name>{name}</name><privilege>{privilege}</privilege>"
        f"<secret><encryption>0</encryption><secret>{password}</secret></secret></username>",
    )


def uniq(prefix: str) -> str:
    """``prefix`` and 8 random hex digits: a name no other test of a module's shared agent uses."""
    return f"{prefix}{uuid.uuid4().hex[:8]}"
