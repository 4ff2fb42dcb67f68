"""A spare copy of running, kept between commits so that an edit need not deep-copy the whole tree.

Why: an edit works on a tree nobody else sees (a committed tree is never changed in place: readers, views and
the journal may hold it), and that used to be a deep copy of the tree it edits; each commit then freed the tree
it replaced. Beside 100,000 users the copy and the free cost ~100 ms of CPU per commit, while the rest of a
one-leaf commit costs a few milliseconds.

How: after a commit, the tree it replaced is usually held by nobody. Replaying the commit's change record (the
one the journal appends, :mod:`~iosxe_agent.datastore.change_record`, which gives back the committed tree
exactly) onto it, in place, makes it equal to the new running at the cost of the change. The next edit of
running (or of a candidate that is running) takes it and edits it in place. An edit that fails leaves its spare
half edited: it is dropped, and the next edit copies as before; the commit after that makes a new spare.

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

from lxml import etree

from iosxe_agent.datastore.change_record import RecordError, replay
from iosxe_agent.datastore.transaction import Transaction
from iosxe_agent.yang.schema import Schema

log = logging.getLogger(__name__)

#: References to the transaction when :meth:`SpareTree.follow` counts them: the committing frame's, the
#: parameter's and ``getrefcount``'s own argument. Pinned by tests/datastore/test_spare.py in both directions
#: (a plain commit recycles; one more holder, of the transaction or of the tree, stops it).
_TXN_REFS = 3
#: References to the replaced tree at that moment: ``txn.old``, the local name and ``getrefcount``'s argument.
_TREE_REFS = 3
#: Replaying a record costs ~9 times what deep-copying (and later freeing) a tree of as many serialised bytes
#: does (10,000 new users: 4.5 MB of record replayed in 181 ms; the 2.4 MB tree they make copied and freed in
#: 11 ms). A record over 1/REPLAY_COST of running's size is not replayed: the next edit copies instead.
REPLAY_COST = 10


class SpareTree:
    """At most one private tree equal to running (see the module docstring); the caller keeps that equality by
    calling :meth:`follow` after every swap of running and nothing else in between."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self._tree: etree._Element | None = None
        self._releasers: list[Callable[[etree._Element], None]] = []

    def release_with(self, fn: Callable[[etree._Element], None]) -> None:
        """Have ``fn(tree)`` drop what it memoised for ``tree`` before that tree is recycled (a view's memo)."""
        self._releasers.append(fn)

    def take(self) -> etree._Element | None:
        """The spare, now the caller's to edit in place (equal to running), or None; either way none is left."""
        tree, self._tree = self._tree, None
        return tree

    def put_back(self, tree: etree._Element) -> None:
        """Keep ``tree`` (taken with :meth:`take`) as the spare again: an edit reported no change to it, so it
        still equals running (``tests/data/test_edit_unchanged.py``), and an idempotent run of the same
        configuration keeps costing no copy."""
        self._tree = tree

    def follow(
        self, txn: Transaction, record: bytes | None, held: Callable[[etree._Element], bool], running_bytes: int
    ) -> None:
        """Running (about ``running_bytes`` serialised) just became ``txn.new`` through ``record``: bring a tree
        equal to ``txn.old`` up to it.

        The tree is the spare when there is one (the edit made its own copy), else ``txn.old`` if nothing holds
        it: ``held(tree)`` says whether a datastore or a pending backup does, the rest is counted. Without a
        record (running was not journalled), or with one that costs more to replay than a copy, no spare is
        kept. A commit that swapped in the tree it replaced (a commit of a candidate that is running: another
        session's commit took its edits) changed nothing: the memos and the spare still hold."""
        old = txn.old
        if old is txn.new:
            return
        for release in self._releasers:  # memos of a replaced tree serve nobody, whether or not it is recycled
            release(old)
        tree = self._tree
        self._tree = None
        if record is None or len(record) * REPLAY_COST > running_bytes:
            return
        if tree is None:
            if held(old) or sys.getrefcount(txn) > _TXN_REFS or sys.getrefcount(old) > _TREE_REFS:
                return
            tree = old
        try:
            replay(tree, record, self.schema)
        except RecordError as exc:  # a record that gives back running cannot fail here: the journal relies on it
            log.error("the spare copy of running could not follow a commit (%s); edits copy the tree", exc)
            return
        self._tree = tree
