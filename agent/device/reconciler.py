"""Turns each committed running configuration into live device behaviour (DESIGN.md §2).

Diff-driven and idempotent: the desired state is derived from the new tree alone, and only what differs from
the state in force is applied, so applying the same commit twice changes nothing. ``check`` may veto (a policy
that cannot be derived); ``apply`` may not, and logs failures with the path that caused them.
"""

from __future__ import annotations

import logging

from agent.data.errors import DataError
from agent.datastore.transaction import Transaction
from agent.device.ssh_policy import SshPolicy, derive_policy
from agent.device.ssh_service import SshService

log = logging.getLogger(__name__)


class Reconciler:
    """The subscriber that keeps the SSH service in line with running."""

    def __init__(self, ssh: SshService) -> None:
        self.ssh = ssh
        self._pending: SshPolicy | None = None

    def check(self, txn: Transaction) -> list[DataError]:
        """Derive the policy of the new tree; a tree we cannot act on is refused before it is committed."""
        try:
            self._pending = derive_policy(txn.new)
        except (ValueError, TypeError) as exc:
            return [DataError("operation-failed", f"the device cannot apply this configuration: {exc}")]
        return []

    def apply(self, txn: Transaction) -> None:
        """Make the new policy effective for the next connection (existing sessions keep theirs)."""
        policy = self._pending if self._pending is not None else derive_policy(txn.new)
        self._pending = None
        if policy != self.ssh.policy:
            self.ssh.apply_soon(policy)

    def abort(self, txn: Transaction) -> None:
        """Another subscriber vetoed: forget the prepared policy."""
        self._pending = None
