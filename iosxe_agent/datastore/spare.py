"""A spare copy of running, kept between commits so that an edit need not deep-copy the whole tree.

Why: an edit works on a tree nobody else sees (a committed tree is never changed in place: readers, views and
the journal may hold it), and that used to be a deep copy of the tree it edits; each commit then freed the tree
it replaced. Beside 100,000 users the copy and the free cost ~100 ms of CPU per commit, while the rest of a
one-leaf commit costs a few milliseconds.

How: after a commit, the tree it replaced is usually held by nobody. Replaying the commit's change record (the
one the journal appends, :mod:`~iosxe_agent.datastore.change_record`, which gives back the committed tree
exactly) onto it, in place, makes it equal to the new running at the cost of the change. The next edit of
running (or of a candidate that is running) takes it and edits it in place. The replay waits for that edit: a
commit keeps the records it owes the tree, so the commit's reply does not wait for it (10,000 new users: 2.4 MB
replayed in ~50 ms), and a tree no edit takes before it is dropped costs no replay at all. An edit that fails
leaves its spare half edited: it is dropped, and the next edit copies as before; the commit after that makes a
new spare.

Safety: a tree is recycled only when nothing but the commit pipeline holds it: neither the transaction (a job
still queued, a listener that kept it) nor the tree itself (startup, the candidate, a confirmed commit's backup,
a view's memo, a reader in a thread). Holders that merely memoise a value per tree are first asked to let go of
it (:meth:`SpareTree.release_with`); every other reference is counted: one too many and the tree is left to its
holder (and freed when that lets go), never changed under it.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from lxml import etree

from iosxe_agent.datastore.change_record import Record, RecordError, Replayer
from iosxe_agent.datastore.transaction import Transaction
from iosxe_agent.yang.schema import Schema

log = logging.getLogger(__name__)

#: References to the transaction when :meth:`SpareTree.follow` counts them: the committing frame's, the
#: parameter's and ``getrefcount``'s own argument. Pinned by tests/datastore/test_spare.py in both directions
#: (a plain commit recycles; one more holder, of the transaction or of the tree, stops it).
_TXN_REFS = 3
#: References to the replaced tree at that moment: ``txn.old``, the local name and ``getrefcount``'s argument.
_TREE_REFS = 3
#: Replaying a record costs ~2 times per byte what deep-copying (at the next edit) and freeing (at this commit)
#: a tree of as many serialised bytes does, once a bulk create's record is one run (CPU, gc paused: 10,000 users
#: created beside 20,000: 2.4 MB of record replayed in 52 ms, the 7.3 MB tree copied and freed in 76 ms; beside
#: 90,000: 131 ms against 296 ms; beside 10,000: 53 against 57, the break-even). A record over 1/REPLAY_COST of
#: running's size is not replayed: the next edit copies instead.
REPLAY_COST = 2


class SpareTree:
    """At most one private tree equal to running (see the module docstring); the caller keeps that equality by
    calling :meth:`follow` after every swap of running and nothing else in between."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self._tree: etree._Element | None = None
        #: the records the spare still owes (their ops, and their bytes): replayed in order by :meth:`take`, it is
        #: then equal to running
        self._owed: list[list[list[Any]]] = []
        self._owed_bytes = 0
        self._releasers: list[Callable[[etree._Element], None]] = []

    def release_with(self, fn: Callable[[etree._Element], None]) -> None:
        """Have ``fn(tree)`` drop what it memoised for ``tree`` before that tree is recycled (a view's memo)."""
        self._releasers.append(fn)

    def take(self) -> etree._Element | None:
        """The spare, now the caller's to edit in place (equal to running), or None; either way none is left."""
        tree, owed = self._tree, self._owed
        self._tree, self._owed, self._owed_bytes = None, [], 0
        if tree is None:
            return None
        try:
            replayer = Replayer(tree, self.schema)  # one for all: a list it indexed for one record serves the next
            for ops in owed:
                replayer.replay_ops(ops)
        except RecordError as exc:  # a record that gives back running cannot fail here: the journal relies on it
            log.error("the spare copy of running could not follow a commit (%s); edits copy the tree", exc)
            return None
        return tree

    def put_back(self, tree: etree._Element) -> None:
        """Keep ``tree`` (taken with :meth:`take`) as the spare again: an edit reported no change to it, so it
        still equals running (``tests/data/test_edit_unchanged.py``), and an idempotent run of the same
        configuration keeps costing no copy."""
        self._tree = tree

    def follow(
        self, txn: Transaction, record: Record | None, held: Callable[[etree._Element], bool], running_bytes: int
    ) -> None:
        """Running (about ``running_bytes`` serialised) just became ``txn.new`` through ``record``: a tree equal
        to ``txn.old`` (once its owed records are replayed) owes ``record`` too.

        The tree is the spare when there is one (the edit made its own copy), else ``txn.old`` if nothing holds
        it: ``held(tree)`` says whether a datastore or a pending backup does, the rest is counted. Without a
        record (running was not journalled), or when the records owed cost more to replay than a copy, no spare
        is kept. A commit that swapped in the tree it replaced (a commit of a candidate that is running: another
        session's commit took its edits) changed nothing: the memos and the spare still hold."""
        old = txn.old
        if old is txn.new:
            return
        for release in self._releasers:  # memos of a replaced tree serve nobody, whether or not it is recycled
            release(old)
        tree, owed, owed_bytes = self._tree, self._owed, self._owed_bytes + (len(record.data) if record else 0)
        self._tree, self._owed, self._owed_bytes = None, [], 0
        if record is None or owed_bytes * REPLAY_COST > running_bytes:
            return
        if tree is None:
            if held(old) or sys.getrefcount(txn) > _TXN_REFS or sys.getrefcount(old) > _TREE_REFS:
                return
            tree = old
        owed.append(record.ops)
        self._tree, self._owed, self._owed_bytes = tree, owed, owed_bytes
