"""Turns each committed running configuration into live device behaviour (docs/architecture.md).

The SSH listener is the one service that must act when configuration changes (rebind, host key, algorithms), so
it is a commit subscriber: the reconciler derives its :class:`~iosxe_agent.device.views.SshView` from the new tree
alone and hands it over only when it differs from the view in force, so applying the same commit twice changes
nothing. ``check`` may veto (a view that cannot be derived); ``apply`` may not. A commit that changes nothing
the view reads hands the view in force on (:class:`~iosxe_agent.device.views.carry.ViewCarrier`): no re-read;
one that changes ``ip ssh`` alone hands on the vty blocks (``views.vty``) and reads ``ip ssh`` only.
"""

from __future__ import annotations

from iosxe_agent.data.errors import DataError
from iosxe_agent.datastore.transaction import Transaction
from iosxe_agent.device import views
from iosxe_agent.device.ssh_service import SshService
from iosxe_agent.device.views import SshView
from iosxe_agent.device.views.carry import ViewCarrier


class Reconciler:
    """The subscriber that keeps the SSH service in line with running."""

    def __init__(self, ssh: SshService, carrier: ViewCarrier) -> None:
        self.ssh = ssh
        self.carrier = carrier
        self._pending: SshView | None = None

    def check(self, txn: Transaction) -> list[DataError]:
        """Derive the view of the new tree; a tree we cannot act on is refused before it is committed."""
        self.carrier.carry(txn, (views.vty, views.ssh))  # the vty blocks too: ``ip ssh`` alone reads them not
        try:
            self._pending = views.ssh(txn.new)
        except (ValueError, TypeError) as exc:
            return [DataError("operation-failed", f"the device cannot apply this configuration: {exc}")]
        return []

    def apply(self, txn: Transaction) -> None:
        """Make the new view effective for the next connection (existing sessions keep theirs)."""
        view = self._pending if self._pending is not None else views.ssh(txn.new)
        self._pending = None
        if view != self.ssh.view:
            self.ssh.apply_soon(view)

    def abort(self, txn: Transaction) -> None:
        """Another subscriber vetoed: forget the prepared view."""
        self._pending = None
