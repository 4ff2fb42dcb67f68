"""The contract between the commit pipeline and whatever acts on committed configuration.

Copied from sysrepo's event model: in ``check`` a subscriber may still veto the transaction; in ``apply`` it
may no longer veto; ``abort`` goes only to subscribers whose ``check`` succeeded when a later one vetoed.
"""

from __future__ import annotations

from typing import Protocol

from iosxe_agent.data.errors import DataError
from iosxe_agent.datastore.transaction import Transaction


class Subscriber(Protocol):
    """Something that follows the running configuration (the device reconciler, notification streams)."""

    def check(self, txn: Transaction) -> list[DataError]:
        """Return errors to veto ``txn``; an empty list accepts it."""
        ...

    def apply(self, txn: Transaction) -> None:
        """Make the committed ``txn.new`` effective; must not fail the transaction (log instead)."""
        ...

    def abort(self, txn: Transaction) -> None:
        """Undo whatever ``check`` prepared, because another subscriber vetoed ``txn``."""
        ...
