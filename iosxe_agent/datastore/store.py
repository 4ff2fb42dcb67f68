"""running, candidate and startup, and the one commit pipeline every writer goes through.

NETCONF, the CLI, SCP, rollback, RESTCONF and the confirmed-commit timers all change configuration through the
coroutines of :class:`Stores`: edit a copy, validate it, let subscribers check it, write it durably (in the
:class:`~iosxe_agent.datastore.persist.OrderedWriter` thread, so other sessions go on meanwhile), and only then
swap it in and let subscribers apply it. Nothing is visible before it is on disk: a write that fails (a full or
read-only state directory) aborts the subscribers' checks and leaves every datastore, every live service and
every file as it was, and the caller gets ``operation-failed`` naming the file and the cause.

One lock orders every write operation from its checks to its swap, so each edit is computed on the latest
committed running and files reach the disk in commit order. The locked part runs as a task of its own: a caller
cancelled while it runs (its session closed) stops waiting, but the operation completes or fails as a unit.
Each datastore is an lxml tree that is never mutated in place once stored (a new tree replaces it), so readers
can hold a reference while writers work, and a failed operation leaves every datastore byte-identical. An edit
works on a private tree: a copy, or the spare one that the previous commit's replaced tree became once nothing
else held it (:mod:`~iosxe_agent.datastore.spare`).

Locks: a global lock (RFC 6241) held by another session makes a datastore read-only for everyone else; a
partial lock (RFC 5717) protects the subtrees of the running nodes it selected, so another session's
transaction that would create, change or delete anything in them is refused with ``in-use``. Partial locks are
checked in :meth:`Stores.commit_tree` against the transaction's diff, so every face is subject to them (a CLI
configuration line and an SCP upload too: each commits through here with its session's own id); the only
transactions exempt are the system's own (:data:`~iosxe_agent.datastore.transaction.SYSTEM`: the configuration loaded
at start-up, the revert of an unconfirmed commit, password recovery), which must always succeed.
A CLI takes no lock in configuration mode: each line commits at once, so a NETCONF write to nodes a CLI user is
changing is not refused and the last commit wins, while a NETCONF partial lock refuses a CLI line that touches a
locked node.

Confirmed commit (RFC 6241 §8.4) and the timed rollback of a configuration replace live in
:class:`~iosxe_agent.datastore.confirm.ConfirmedCommit` (``Stores.confirm``); their reverts are ordinary
transactions of this pipeline, so the device services follow them.
"""

from __future__ import annotations

import asyncio
import copy
import gc
import logging
import time
from collections.abc import Callable, Coroutine, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from lxml import etree

from iosxe_agent.data.diff import diff
from iosxe_agent.data.edit import EditResult, apply_edit, load_config
from iosxe_agent.data.errors import DataError
from iosxe_agent.data.touched import Touched
from iosxe_agent.data.validate import validate
from iosxe_agent.datastore.change_record import Record, recorded
from iosxe_agent.datastore.confirm import (
    DEFAULT_TIMEOUT_S,
    TIMED_ROLLBACK,
    ConfirmedCommit,
    ConfirmError,
    ConfirmEvent,
    LoopScheduler,
    Pending,
    Plan,
    Scheduler,
)
from iosxe_agent.datastore.journal import RunningJournal
from iosxe_agent.datastore.locks import (
    LockedNode,
    LockHolder,
    LockTable,
    PartialLock,
    find_node,
    instance_identifier,
    node_key,
)
from iosxe_agent.datastore.names import Datastore
from iosxe_agent.datastore.persist import FileOp, OrderedWriter, WriteError, apply_ops, read_tree, serialize
from iosxe_agent.datastore.spare import SpareTree
from iosxe_agent.datastore.subscriber import Subscriber
from iosxe_agent.datastore.transaction import SYSTEM, Origin, Transaction
from iosxe_agent.limits import Limits
from iosxe_agent.yang.schema import Schema, split_clark
from iosxe_agent.yang.xpath import XPathError, compile_xpath

log = logging.getLogger(__name__)
T = TypeVar("T")

NC_NS = "urn:ietf:params:xml:ns:netconf:base:1.0"
ROOT_TAG = f"{{{NC_NS}}}config"
RUNNING, CANDIDATE, STARTUP = Datastore.RUNNING, Datastore.CANDIDATE, Datastore.STARTUP
DATASTORES = tuple(Datastore)
#: How long an operation waits for its configuration file to reach the disk before it reports a failure.
PERSIST_TIMEOUT_S = 60.0


#: A datastore normalizer (:meth:`Stores.normalize_with`): rewrites a new tree in place, given what the edit
#: changed (None: everything); returns True when it rewrote values beyond that.
Normalizer = Callable[[etree._Element, "Touched | None"], bool | None]


class StoreError(Exception):
    """An operation was refused; ``errors`` says why, as data errors the caller renders."""

    def __init__(self, errors: list[DataError] | tuple[DataError, ...]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = tuple(errors)


class WriteFailed(StoreError):
    """The change was refused because its file could not be written (nothing changed); ``reason`` is the OS
    cause alone (``No space left on device``), for the faces that print it in IOS's words."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__([DataError("operation-failed", message)])
        self.reason = reason


class _CollectorPaused:
    """Pause Python's cyclic garbage collector for a burst of allocation (restoring its state after): loading or
    editing a large configuration, checking it, recording it and letting the subscribers follow it allocate
    hundreds of thousands of short-lived objects, and every full collection they trigger walks each object the
    process holds (a 100,000-user start-up spent 0.4 s of CPU in them, creating 10,000 users in one edit 0.8 s).
    Reference counting still frees those objects at once; a cycle among them waits for the next collection. Only
    around code that does not await: no other task ever runs while it is paused.

    A class rather than a ``contextlib.contextmanager``: three of them wrap every edit and commit, and the
    generator such a manager drives costs several times this one's two calls."""

    __slots__ = ("_enabled",)

    def __enter__(self) -> None:
        self._enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *_: object) -> None:
        if self._enabled:
            gc.enable()


def _log_unexpected(done: Future[None]) -> None:
    """Log what a queued journal job that nobody waits for raised beyond a WriteError (the journal logs those
    itself): a bug there would otherwise vanish with its future."""
    exc = None if done.cancelled() else done.exception()
    if exc is not None and not isinstance(exc, WriteError):
        log.error("running's journal: a background job failed", exc_info=exc)


def empty_tree() -> etree._Element:
    """A datastore with no configuration."""
    return etree.Element(ROOT_TAG, nsmap={None: NC_NS})


def _denied(message: str, session_id: int) -> DataError:
    return DataError("lock-denied", message, error_type="protocol", info=(("session-id", str(session_id)),))


def _lock_message(ds: Datastore, h: LockHolder) -> str:
    since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(h.since))
    return f"the configuration database {ds} is locked by session {h.session_id} {h.user} on since {since}"


@dataclass(frozen=True, slots=True)
class StorePaths:
    """Where the datastores live on disk (None: keep in memory only, for tests of the pure layers)."""

    startup: Path | None
    running: Path | None
    load_running: bool = False

    @property
    def confirm_backup(self) -> Path | None:
        """Where the configuration from before an unconfirmed commit waits (beside running-config)."""
        return self.running.with_name("confirmed-commit-backup.xml") if self.running is not None else None


class Stores:
    """The three datastores of one device, their locks and their subscribers."""

    def __init__(self, schema: Schema, limits: Limits, paths: StorePaths, scheduler: Scheduler | None = None) -> None:
        self.schema = schema
        self.limits = limits
        self.paths = paths
        self.locks = LockTable()
        #: The pending confirmed commit / timed rollback; ``confirm.listeners`` is the hook for
        #: netconf-confirmed-commit notifications.
        self.confirm = ConfirmedCommit(scheduler or LoopScheduler(), self._revert_pending)
        self._subscribers: list[Subscriber] = []
        self._listeners: list[Callable[[Transaction], None]] = []
        self._normalizers: list[Normalizer] = []
        self._upgrades: list[Callable[[etree._Element], None]] = []
        self._last_valid: etree._Element | None = None
        self.running = empty_tree()
        self.candidate = empty_tree()
        self.startup = empty_tree()
        self.candidate_dirty = False
        self.candidate_editor: int | None = None
        #: where the candidate may differ from running (merged edit reports), None when unknown
        self._candidate_touched: Touched | None = None
        self._writer = OrderedWriter()
        self._journal = RunningJournal(paths.running, schema, limits) if paths.running is not None else None
        #: held by every write operation from its checks to its swap (see the module docstring)
        self._lock = asyncio.Lock()
        #: a private tree equal to running that the next edit may change in place instead of copying running
        self._spare = SpareTree(schema)
        self._spare.release_with(self._forget_valid)

    # -- start-up ---------------------------------------------------------------------------------------------
    def load(self, bootstrap: Callable[[], etree._Element]) -> None:
        """Read startup (writing ``bootstrap()`` as startup if there is none) and load it into running."""
        with _CollectorPaused():
            self._load(bootstrap)

    def _load(self, bootstrap: Callable[[], etree._Element]) -> None:
        stored = read_tree(self.paths.startup) if self.paths.startup else None
        if stored is None:
            config = bootstrap()
            result = self._loaded(config, "bootstrap configuration")
            self.startup = result
            apply_ops(self._startup_ops(result))
        else:
            self.startup = self._loaded(stored, f"{self.paths.startup}")
        source = self.startup
        if self.paths.load_running and self._journal is not None:
            running = self._journal.load()
            if running is not None:
                source = self._loaded(running, f"{self.paths.running}")
        backup_path = self.paths.confirm_backup
        backup = read_tree(backup_path) if backup_path is not None else None
        if backup is not None:
            # the agent stopped while a commit waited for confirmation: that commit was never confirmed
            # (RFC 6241 §8.4.1), so a restored running configuration is the one from before it
            if self.paths.load_running:
                log.warning("restoring the configuration from before an unconfirmed commit")
                source = self._loaded(backup, f"{backup_path}")
            assert backup_path is not None
            backup_path.unlink(missing_ok=True)
        # no copy: every tree above is a fresh parse, already upgraded and normalized, and a stored tree is never
        # changed in place (a 100,000-user startup would cost a deep copy for nothing)
        txn, _ = self._check(source, SYSTEM)
        if self._journal is not None and self.paths.load_running:
            # a new generation starts from what was loaded (upgraded, normalised): records follow that tree
            self._journal.snapshot(serialize(txn.new))
        elif self._journal is not None:  # running is startup: the first commit starts a generation
            self._journal.forget()
        self._swap(txn)
        self.candidate = self.running
        self._candidate_touched = Touched()

    def _loaded(self, config: etree._Element, what: str) -> etree._Element:
        for upgrade in self._upgrades:
            upgrade(config)
        # the device's own configuration (bootstrap, stored state) is bounded by load_config's whole-configuration
        # bound, not by the per-edit one a client's edit gets: a smaller --limit must never stop a device starting
        result = load_config(config, self.schema)
        if result.tree is not None:
            self._normalize(result.tree, None)
        errors = result.errors or (validate(result.tree, self.schema) if result.tree is not None else ())
        if errors or result.tree is None:
            raise StoreError([DataError(e.tag, f"{what}: {e.message}", e.path, e.path_ns) for e in errors])
        return result.tree

    # -- subscribers ------------------------------------------------------------------------------------------
    def subscribe(self, subscriber: Subscriber) -> None:
        """Add a subscriber that can veto and then follows every running commit."""
        self._subscribers.append(subscriber)

    def normalize_with(self, fn: Normalizer) -> None:
        """Run ``fn`` on every new tree before it is validated and stored (it may rewrite values in place,
        e.g. hash a clear-text secret); trees reaching it are the edit's own (a copy, or the spare one), never a
        stored one. Its second argument is what the edit changed (None: a whole new tree): every stored tree is
        already normalized, so ``fn`` need look nowhere else.

        The commit's diff (and so running's journal record) looks only where the edit changed something: ``fn``
        either rewrites only values that sit beside a value the edit wrote, inside a list entry the report names
        if it names entries (the clear-secret hash does: the kind and the text share one parent), or leaf-lists,
        or returns True when it rewrote anything elsewhere (``service password-encryption`` turned on reaches
        every password), and that commit compares the whole tree."""
        self._normalizers.append(fn)

    def upgrade_with(self, fn: Callable[[etree._Element], None]) -> None:
        """Run ``fn`` on every stored configuration :meth:`load` reads, before it is parsed: it may rewrite in place
        what an older version of the schema stored (a node that moved), so such a state directory still loads."""
        self._upgrades.append(fn)

    def _normalize(self, tree: etree._Element, touched: Touched | None) -> Touched | None:
        """Normalize ``tree`` in place; what it now differs in: ``touched``, or None (everything) when a
        normalizer rewrote values beyond it."""
        widened = False
        for fn in self._normalizers:
            widened = bool(fn(tree, touched)) or widened
        return None if widened else touched

    def release_with(self, fn: Callable[[etree._Element], None]) -> None:
        """Have ``fn(tree)`` drop what it memoises for a replaced running tree before that tree is reused as the
        next edit's working copy (see :mod:`~iosxe_agent.datastore.spare`): a memo keyed by the tree object
        would otherwise hold it, and with it every later commit's copy."""
        self._spare.release_with(fn)

    def listen(self, callback: Callable[[Transaction], None]) -> None:
        """Be told after each commit (notifications); a listener cannot veto."""
        self._listeners.append(callback)

    async def settle(self) -> None:
        """Wait for the confirmed-commit reverts in flight (a stopping device, tests)."""
        await self.confirm.settle()

    # -- reads ------------------------------------------------------------------------------------------------
    def tree(self, ds: Datastore) -> etree._Element:
        """The current tree of datastore ``ds`` (do not mutate it)."""
        return {RUNNING: self.running, CANDIDATE: self.candidate, STARTUP: self.startup}[ds]

    # -- locks ------------------------------------------------------------------------------------------------
    def _check_writable(self, ds: Datastore, session_id: int) -> None:
        h = self.locks.blocks(ds, session_id)
        if h is not None:
            raise StoreError([DataError("in-use", _lock_message(ds, h), info=(("session-id", str(h.session_id)),))])

    def lock(self, ds: Datastore, session_id: int, user: str) -> None:
        """RFC 6241 §7.5: refuse if held, or if the candidate has changes not yet committed; RFC 5717: running
        cannot be locked while another session holds a partial lock of it."""
        if ds == RUNNING:
            partial = self.locks.partial_holder_other_than(session_id)
            if partial is not None:
                raise StoreError(
                    [
                        _denied(
                            f"the configuration database {ds} is partially locked by session "
                            f"{partial.session_id} {partial.user} (lock-id {partial.lock_id})",
                            partial.session_id,
                        )
                    ]
                )
        h = self.locks.holder(ds)
        if h is not None:
            raise StoreError(
                [
                    DataError(
                        "lock-denied",
                        _lock_message(ds, h),
                        error_type="protocol",
                        info=(("session-id", str(h.session_id)),),
                    )
                ]
            )
        if ds == CANDIDATE and self.candidate_dirty:
            owner = self.candidate_editor or 0
            raise StoreError(
                [
                    DataError(
                        "lock-denied",
                        "the candidate datastore has uncommitted changes; commit or discard them first",
                        error_type="protocol",
                        info=(("session-id", str(owner)),),
                    )
                ]
            )
        self.locks.acquire(ds, session_id, user)

    def unlock(self, ds: Datastore, session_id: int) -> None:
        """RFC 6241 §7.6: only the holder may unlock; releasing the candidate lock discards its changes."""
        h = self.locks.holder(ds)
        if h is None or h.session_id != session_id:
            msg = (
                f"the {ds} datastore is not locked" if h is None else f"the {ds} lock is held by session {h.session_id}"
            )
            raise StoreError(
                [
                    DataError(
                        "operation-failed",
                        msg,
                        error_type="protocol",
                        info=(("session-id", str(h.session_id)),) if h else (),
                    )
                ]
            )
        self.locks.release(ds, session_id)
        if ds == CANDIDATE:
            self.discard()

    def session_ended(self, session_id: int) -> None:
        """Release a finished session's locks (partial ones too); a candidate it locked loses its uncommitted
        changes; its non-persistent confirmed commit is reverted. Calling it twice is harmless."""
        held = self.locks.release_all(session_id)
        if CANDIDATE in held:
            self.discard()
        self.confirm.session_ended(session_id)

    # -- partial locks (RFC 5717) -----------------------------------------------------------------------------
    def partial_lock(self, session_id: int, user: str, selects: list[tuple[str, dict[str, str]]]) -> PartialLock:
        """Lock the running nodes each XPath ``select`` (with its prefix map) finds, with their subtrees.

        Raises:
            StoreError: invalid-value (bad expression, not a node-set, not a datastore node); operation-failed
                with app-tag no-matches (nothing selected); lock-denied (running is globally locked by another
                session, or another session's partial lock holds a selected node, an ancestor or a descendant).
        """
        holder = self.locks.blocks(RUNNING, session_id)
        if holder is not None:
            raise StoreError([_denied(_lock_message(RUNNING, holder), holder.session_id)])
        running = self.running
        found: dict[tuple[tuple[str, ...], ...], LockedNode] = {}
        for expr, prefixes in selects:
            try:
                result = compile_xpath(expr, prefixes, None).evaluate(running)
            except XPathError as exc:
                raise StoreError(
                    [DataError("invalid-value", str(exc), info=(("bad-element", "select"),), error_type="protocol")]
                ) from exc
            if not isinstance(result, list):
                raise StoreError(
                    [
                        DataError(
                            "invalid-value",
                            f"select {expr!r} does not give a node-set",
                            app_tag="not-a-node-set",
                            info=(("bad-element", "select"),),
                        )
                    ]
                )
            for node in result:
                if isinstance(node, etree._Element) and self._hidden(node):
                    continue  # a partial lock is a NETCONF request: hidden nodes are not there for it
                if not isinstance(node, etree._Element) or not isinstance(node.tag, str) or node is running:
                    raise StoreError(
                        [
                            DataError(
                                "invalid-value",
                                f"select {expr!r} selects something that is not a configuration data node",
                                app_tag="not-a-datastore-node",
                                info=(("bad-element", "select"),),
                            )
                        ]
                    )
                key = node_key(node, self.schema)
                if key not in found:
                    path, path_ns = instance_identifier(node, self.schema)
                    found[key] = LockedNode(key, path, path_ns)
        if not found:
            raise StoreError(
                [DataError("operation-failed", "the select expressions match no node", app_tag="no-matches")]
            )
        for node in found.values():
            conflict = self.locks.partial_conflict(node.key, session_id)
            if conflict is not None:
                other, held = conflict
                since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(other.since))
                raise StoreError(
                    [
                        _denied(
                            f"{held.path} is partially locked by session {other.session_id} {other.user} "
                            f"(lock-id {other.lock_id}) on since {since}",
                            other.session_id,
                        )
                    ]
                )
        return self.locks.add_partial(session_id, user, [e for e, _ in selects], found.values())

    def _hidden(self, node: etree._Element) -> bool:
        """True for a node of a hidden module or inside one (``Schema.hidden_ns``)."""
        hidden = self.schema.hidden_ns
        return bool(hidden) and any(
            isinstance(el.tag, str) and split_clark(el.tag)[0] in hidden for el in (node, *node.iterancestors())
        )

    def partial_unlock(self, session_id: int, lock_id: int) -> None:
        """Release partial lock ``lock_id``; only its owner may (invalid-value otherwise, RFC 5717 §2.4.2)."""
        lock = self.locks.partial(lock_id)
        if lock is None or lock.session_id != session_id:
            raise StoreError(
                [
                    DataError(
                        "invalid-value",
                        f"lock-id {lock_id} is not a partial lock of this session",
                        info=(("bad-element", "lock-id"),),
                        error_type="protocol",
                    )
                ]
            )
        self.locks.remove_partial(lock_id)

    def _check_partial_locks(self, txn: Transaction) -> None:
        """Refuse a transaction of a session that touches a node another session partially locked."""
        for change in txn.changes:
            el = change.new if change.new is not None else change.old
            if el is None:
                continue
            conflict = self.locks.partial_conflict(node_key(el, self.schema), txn.origin.session_id)
            if conflict is not None:
                lock, node = conflict
                raise StoreError(
                    [
                        DataError(
                            "in-use",
                            f"{node.path} is partially locked by session {lock.session_id} {lock.user} "
                            f"(lock-id {lock.lock_id})",
                            path=node.path,
                            path_ns=dict(node.path_ns),
                            info=(("session-id", str(lock.session_id)),),
                        )
                    ]
                )

    # -- writes -----------------------------------------------------------------------------------------------
    async def edit(
        self,
        ds: Datastore,
        config: etree._Element,
        origin: Origin,
        *,
        default_operation: str = "merge",
        test_option: str = "test-then-set",
        error_option: str = "stop-on-error",
        visible_only: bool = False,
    ) -> tuple[DataError, ...]:
        """edit-config on ``ds``. Returns the errors of a continue-on-error edit that was partly applied.

        ``visible_only``: the edit comes from a face that sees no hidden module (NETCONF): it may not name their
        nodes, and what it replaces keeps them (see :mod:`iosxe_agent.data.hidden`). A candidate edit writes
        nothing to disk but still takes its turn, so it is computed on the latest committed running.

        Raises:
            StoreError: the edit failed (or could not be written) and no datastore changed.
        """
        if ds == STARTUP:
            raise StoreError(
                [DataError("operation-not-supported", "startup cannot be edited directly", error_type="protocol")]
            )

        def prepare() -> tuple[tuple[DataError, ...], tuple[etree._Element, Touched | None] | None]:
            """The edit done up to its commit: its errors (of a partly applied continue-on-error edit), and the
            tree to commit as running with where it differs (None: nothing to commit; a candidate is stored)."""
            self._check_writable(ds, origin.session_id)
            # a change of running (directly, or through a candidate that is running) edits the spare in place;
            # whatever happens to the edit, that spare is the edit's now (half edited if it fails: dropped). No
            # local name holds running meanwhile: the commit may recycle it as the next spare
            spare = self._spare.take() if self.tree(ds) is self.running and test_option != "test-only" else None
            with _CollectorPaused():
                result: EditResult = apply_edit(
                    self.tree(ds) if spare is None else spare,
                    config,
                    self.schema,
                    default_operation=default_operation,
                    error_option=error_option,
                    max_elements=self.limits.max_edit_elements,
                    hidden=self.schema.hidden_ns if visible_only else frozenset(),
                    in_place=spare is not None,
                )
                if result.tree is None:
                    raise StoreError(result.errors)
                if spare is not None and not result.changed and not result.errors:
                    # an edit that changed nothing (running is valid): no check to run, the spare is kept
                    self._spare.put_back(spare)
                    return result.errors, None
                del spare  # only ``result`` holds the edited tree: a failed edit frees it
                edited = self._normalize(result.tree, result.touched)
                touched = edited if ds == RUNNING else self._candidate_touched_with(edited)
                problems = self._validate(result.tree, touched) if test_option != "set" or ds == RUNNING else ()
            if problems:
                raise StoreError(problems)
            if test_option == "test-only" or not result.changed:
                return result.errors, None
            if ds == RUNNING:
                return result.errors, (result.tree, touched)
            self._candidate_touched = touched
            self.candidate = result.tree
            self.candidate_dirty = True
            self.candidate_editor = origin.session_id
            return result.errors, None

        if ds != RUNNING or test_option == "test-only":  # nothing to commit: nothing in it awaits
            return (await self._serialised_now(prepare))[0]

        async def run() -> tuple[DataError, ...]:
            errors, commit = prepare()
            if commit is not None:
                tree, touched = commit
                await self._commit_locked(tree, origin, touched)
            return errors

        return await self._serialised(run)

    async def commit(
        self,
        origin: Origin,
        *,
        confirmed: bool = False,
        confirm_timeout: float = DEFAULT_TIMEOUT_S,
        persist: str | None = None,
        persist_id: str | None = None,
    ) -> None:
        """Make the candidate the running configuration (RFC 6241 §8.3.4.1).

        With ``confirmed`` it is a confirmed commit (RFC 6241 §8.4): running reverts after ``confirm_timeout``
        seconds unless confirmed; a plain commit (with ``persist_id`` when the pending one was given
        ``persist``) confirms. Every check happens before anything changes: a refused or failed commit arms,
        extends and confirms nothing.
        """

        async def run() -> None:
            self._check_writable(RUNNING, origin.session_id)
            try:
                plan = self.confirm.check_commit(origin.session_id, confirmed=confirmed, persist_id=persist_id)
            except ConfirmError as exc:
                raise StoreError(exc.errors) from exc
            problems = self._validate(self.candidate, self._candidate_touched)
            if problems:
                raise StoreError(problems)
            # the running tree is held only by a commit that starts or extends a confirmed one (a plain commit
            # leaves it free to become the spare copy of running)
            backup = self.running if plan in (Plan.START, Plan.EXTEND) else None
            before, after = self._backup_ops(plan, self.running)
            await self._commit_locked(self.candidate, origin, self._candidate_touched, before=before, after=after)
            self.candidate_dirty = False
            self.candidate_editor = None
            self.confirm.committed(plan, backup=backup, origin=origin, timeout_s=confirm_timeout, persist=persist)

        await self._serialised(run)

    async def cancel_commit(self, origin: Origin, persist_id: str | None = None) -> None:
        """<cancel-commit> (RFC 6241 §8.4.4.1): revert the pending confirmed commit now."""

        async def run() -> None:
            try:
                self.confirm.check_cancel(origin.session_id, persist_id)
            except ConfirmError as exc:
                raise StoreError(exc.errors) from exc
            self._check_writable(RUNNING, origin.session_id)
            await self._revert_now(origin)

        await self._serialised(run)

    # -- timed rollback (a configuration replace that reverts unless confirmed) -------------------------------
    async def timed_replace(self, tree: etree._Element, origin: Origin, timeout_s: float) -> None:
        """Replace running with the checked ``tree`` and revert after ``timeout_s`` seconds unless confirmed
        (:meth:`confirm_timed`). A second one while the first waits restarts the timer and keeps the
        configuration from before the first as the one to revert to."""

        async def run() -> None:
            self._check_writable(RUNNING, origin.session_id)
            try:
                plan = self.confirm.check_timed()
            except ConfirmError as exc:
                raise StoreError(exc.errors) from exc
            backup = self.running
            before, _ = self._backup_ops(plan, backup)
            await self._commit_locked(copy.deepcopy(tree), origin, before=before)
            self.confirm.committed(plan, backup=backup, origin=origin, timeout_s=timeout_s, kind=TIMED_ROLLBACK)

        await self._serialised(run)

    async def confirm_timed(self, origin: Origin) -> None:
        """Keep the configuration of a pending timed rollback."""

        async def run() -> None:
            try:
                self.confirm.timed()
            except ConfirmError as exc:
                raise StoreError(exc.errors) from exc
            await self._write(self._backup_removal())
            self.confirm.confirm_timed(origin)

        await self._serialised(run)

    async def revert_timed(self, origin: Origin) -> None:
        """Revert a pending timed rollback now."""

        async def run() -> None:
            try:
                self.confirm.timed()
            except ConfirmError as exc:
                raise StoreError(exc.errors) from exc
            self._check_writable(RUNNING, origin.session_id)
            await self._revert_now(origin)

        await self._serialised(run)

    async def reset_timed(self, origin: Origin, timeout_s: float, *, idle: bool = False) -> None:
        """Restart a pending timed rollback's timer (``idle``: it restarts again on every change). It writes
        nothing, but takes its turn so it never restarts a timer a write in flight is about to clear."""

        async def run() -> None:
            try:
                self.confirm.reset_timed(timeout_s, idle=idle, origin=origin)
            except ConfirmError as exc:
                raise StoreError(exc.errors) from exc

        await self._serialised(run)

    async def _revert_now(self, origin: Origin) -> None:
        """Commit the backup of the pending change as the system (no lock applies) and clear it; the caller holds
        the write lock and checked that a change is pending."""
        pending = self.confirm.pending
        assert pending is not None
        await self._commit_locked(pending.backup, SYSTEM, after=self._backup_removal())
        self.confirm.cancelled(origin)

    async def _revert_pending(self, pending: Pending, event: ConfirmEvent, origin: Origin | None) -> None:
        """The timer's or a closed session's revert (see :class:`ConfirmedCommit`): when its turn comes, revert
        only if ``pending`` is still the pending change (a confirm may have come first)."""

        async def run() -> None:
            if self.confirm.pending is not pending:
                return
            try:
                await self._commit_locked(pending.backup, SYSTEM, after=self._backup_removal())
            except WriteFailed:  # the disk may take it later: keep the change pending (its backup stays on disk)
                log.warning("the %s stays pending; its revert is tried again in %gs", pending.kind, pending.timeout_s)
                self.confirm.retry(pending)
                return
            except Exception:  # a subscriber refused the old configuration: log it, nothing else can be done
                log.exception("could not restore the configuration from before the %s", pending.kind)
            self.confirm.finish(pending, event, origin)

        await self._serialised(run)

    def _backup_ops(self, plan: Plan, backup: etree._Element) -> tuple[list[FileOp], list[FileOp]]:
        """The backup file's part of a commit under ``plan``: written before running when a change starts
        waiting (a restart then never keeps an unconfirmed change), removed after running when it is confirmed."""
        path = self.paths.confirm_backup if plan in (Plan.START, Plan.COMPLETE) else None  # (a path made: ~5 µs)
        if path is None:
            return [], []
        if plan is Plan.START:
            return [(path, serialize(backup))], []
        return [], [(path, None)]

    def _backup_removal(self) -> list[FileOp]:
        path = self.paths.confirm_backup
        return [] if path is None else [(path, None)]

    def discard_changes(self, session_id: int) -> None:
        """<discard-changes>: refused while another session holds the candidate lock."""
        self._check_writable(CANDIDATE, session_id)
        self.discard()

    def discard(self) -> None:
        """Reset the candidate to running (RFC 6241 §8.3.4.2)."""
        self.candidate = self.running
        self._candidate_touched = Touched()
        self.candidate_dirty = False
        self.candidate_editor = None

    def validate_ds(self, ds: Datastore) -> None:
        """<validate> of a datastore. Raises StoreError with every problem."""
        problems = self._validate(self.tree(ds))
        if problems:
            raise StoreError(problems)

    def validate_config(self, config: etree._Element, *, visible_only: bool = False) -> None:
        """<validate> of an inline <config> (``visible_only``: as for :meth:`parse_config`)."""
        self.parse_config(config, visible_only=visible_only)

    def parse_config(self, config: etree._Element, *, visible_only: bool = False) -> etree._Element:
        """A complete inline configuration as a checked, canonical tree (copy-config / validate source);
        ``visible_only`` refuses hidden modules' nodes, as :meth:`edit` does."""
        hidden = self.schema.hidden_ns if visible_only else frozenset()
        result = load_config(config, self.schema, max_elements=self.limits.max_edit_elements, hidden=hidden)
        if result.tree is None or result.errors:
            raise StoreError(result.errors)
        self._normalize(result.tree, None)
        problems = validate(result.tree, self.schema)
        if problems:
            raise StoreError(problems)
        return result.tree

    async def replace(self, target: Datastore, tree: etree._Element, origin: Origin) -> None:
        """copy-config: replace ``target`` with an already checked tree."""

        async def run() -> None:
            self._check_writable(target, origin.session_id)
            if target == RUNNING:
                await self._commit_locked(copy.deepcopy(tree), origin)
            elif target == CANDIDATE:
                self.candidate = copy.deepcopy(tree)
                self._candidate_touched = None
                self.candidate_dirty = etree.tostring(self.candidate) != etree.tostring(self.running)
                self.candidate_editor = origin.session_id if self.candidate_dirty else None
            else:
                await self._store_startup(copy.deepcopy(tree))

        await self._serialised(run)

    async def delete_startup(self, origin: Origin) -> None:
        """delete-config of startup (the extension): an empty startup configuration."""

        async def run() -> None:
            self._check_writable(STARTUP, origin.session_id)
            await self._store_startup(empty_tree())

        await self._serialised(run)

    async def save(self, origin: Origin) -> None:
        """Copy running to startup (a device's save RPC, the CLI's ``write``)."""

        async def run() -> None:
            self._check_writable(STARTUP, origin.session_id)
            await self._store_startup(self.running)

        await self._serialised(run)

    async def _store_startup(self, tree: etree._Element) -> None:
        """Write ``tree`` as startup, then make it the startup datastore."""
        await self._write(self._startup_ops(tree))
        self.startup = tree

    def _startup_ops(self, tree: etree._Element) -> list[FileOp]:
        return [] if self.paths.startup is None else [(self.paths.startup, serialize(tree))]

    def _candidate_touched_with(self, touched: Touched | None) -> Touched | None:
        """Where a candidate edited further by an edit that reported ``touched`` differs from running: the edit's
        own report when the candidate was running (its report then is an empty trie, and merging the edit's into
        it gives back the same trie, ``tests/datastore/test_candidate_touched.py``: no copy of it per edit)."""
        if self.candidate is self.running:
            return touched
        if self._candidate_touched is None or touched is None:
            return None
        merged = Touched()
        merged.merge(self._candidate_touched)
        merged.merge(touched)
        return merged

    def _validate(self, tree: etree._Element, touched: Touched | None = None) -> tuple[DataError, ...]:
        """Validate ``tree``, remembering the last tree found valid: stored trees are never mutated (one that
        becomes the spare is forgotten first, :meth:`_forget_valid`), so the commit of a candidate that its edit
        already validated need not walk it again. ``touched``: where ``tree`` differs from running (always
        valid), so only what that can affect is checked."""
        if tree is self._last_valid:
            return ()
        problems = validate(tree, self.schema, touched=touched)
        if not problems:
            self._last_valid = tree
        return problems

    # -- the pipeline -----------------------------------------------------------------------------------------
    async def commit_tree(self, new: etree._Element, origin: Origin, touched: Touched | None = None) -> Transaction:
        """Commit ``new`` as running: check -> write -> swap -> apply -> notify. Raises StoreError if a
        subscriber vetoes or the write fails (then nothing changed).

        ``touched``: where ``new`` differs from running, as the edits reported it (None: compare everything).
        """
        return await self._serialised(lambda: self._commit_locked(new, origin, touched))

    async def _serialised(self, operation: Callable[[], Coroutine[Any, Any, T]]) -> T:
        """Run ``operation`` holding the write lock, as a task of its own: a caller cancelled while waiting for
        its turn changes nothing; one cancelled later stops waiting while the operation completes or fails as
        a unit (the lock is released when it is over, not when the caller gives up)."""
        await self._lock.acquire()
        try:
            task = asyncio.get_running_loop().create_task(operation())
        except BaseException:
            self._lock.release()
            raise
        task.add_done_callback(self._finished)
        return await asyncio.shield(task)

    async def _serialised_now(self, operation: Callable[[], T]) -> T:
        """Run ``operation``, which never awaits (a candidate's edit), holding the write lock: as
        :meth:`_serialised` does, but without a task of its own (~15 µs of an edit), which it does not need: a caller
        cancelled while waiting for its turn changes nothing, and once it has the lock nothing can interrupt it."""
        await self._lock.acquire()
        try:
            return operation()
        finally:
            self._lock.release()

    def _finished(self, task: asyncio.Task[T]) -> None:
        self._lock.release()
        if not task.cancelled():
            task.exception()  # retrieved: a failure nobody waits for any more was logged where it happened

    async def _commit_locked(
        self,
        new: etree._Element,
        origin: Origin,
        touched: Touched | None = None,
        *,
        before: Sequence[FileOp] = (),
        after: Sequence[FileOp] = (),
    ) -> Transaction:
        """:meth:`commit_tree` for a caller holding the lock; ``before``/``after``: other files written in the
        same ordered batch as running (a confirmed commit's backup)."""
        with _CollectorPaused():
            txn, accepted = self._check(new, origin, touched)
            record = self._record(txn, touched)
            running = self._write_running(record, txn.new)
        try:
            await self._write([*before, *([running] if running is not None else []), *after])
        except WriteFailed as exc:
            for sub in accepted:
                sub.abort(txn)
            cause = exc.__cause__
            late = {path for path, _ in after}
            if running is not None and (
                isinstance(cause, TimeoutError) or (isinstance(cause, WriteError) and cause.path in late)
            ):
                # running's record is (or may yet be) on disk for a commit that is refused: the journal is brought
                # back to what memory holds, so no restart replays it and no later record follows it
                data = serialize(self.running)
                self._queue_running(lambda journal: journal.resync(data))
            raise
        # past its bound the journal becomes a new snapshot, in the background: nobody waits for it. The append
        # is done and nothing else is queued (the lock is held), so its size is exact here: a commit that leaves
        # the journal under its bound costs no second trip to the writer thread
        if self._journal is not None and self._journal.needs_snapshot():
            new = txn.new  # the job holds the tree it writes, not the transaction (whose old tree is recycled)
            self._queue_running(lambda journal: journal.compact_after(lambda: serialize(new)))
        with _CollectorPaused():
            self._swap(txn)
            self._spare.follow(txn, record, self._holds, self._journal.stored_bytes if self._journal else 0)
        return txn

    def _forget_valid(self, tree: etree._Element) -> None:
        """A memo like any view's: ``tree`` is about to be edited in place as the spare."""
        if self._last_valid is tree:
            self._last_valid = None

    def _holds(self, tree: etree._Element) -> bool:
        """Whether a datastore or a pending confirmed commit's backup is ``tree``."""
        pending = self.confirm.pending
        return (
            tree is self.running
            or tree is self.candidate
            or tree is self.startup
            or (pending is not None and pending.backup is tree)
        )

    def _check(
        self, new: etree._Element, origin: Origin, touched: Touched | None = None
    ) -> tuple[Transaction, list[Subscriber]]:
        """The transaction to ``new``, with partial locks and every subscriber's check passed (those subscribers
        are returned: they must be aborted if the commit goes no further). Raises StoreError on a veto."""
        old = self.running
        txn = Transaction(old, new, diff(old, new, self.schema, touched), origin, touched=touched)
        if not origin.is_system and self.locks.has_partial:
            self._check_partial_locks(txn)
        accepted: list[Subscriber] = []
        for sub in self._subscribers:
            vetoes = sub.check(txn)
            if vetoes:
                for done in accepted:
                    done.abort(txn)
                raise StoreError(vetoes)
            accepted.append(sub)
        return txn, accepted

    def _record(self, txn: Transaction, touched: Touched | None) -> Record | None:
        """``txn``'s change record when running is journalled (``touched`` as for :meth:`commit_tree`): the
        journal appends it and the spare copy of running replays it. A commit of the running tree itself (a
        candidate another session's commit already made running) has none: there is nothing to make durable."""
        if self.paths.running is None or self._journal is None or txn.old is txn.new:
            return None
        return recorded(txn, self.schema, touched)

    def _write_running(self, record: Record | None, new: etree._Element) -> FileOp | None:
        """How running's new state (``new``, through ``record``) reaches the disk: the one place that decides
        it (the record appended to the journal)."""
        journal, path = self._journal, self.paths.running
        if record is None or journal is None or path is None:
            return None
        data = record.data
        return (path, lambda: journal.write(data, lambda: serialize(new)))

    def _queue_running(self, job: Callable[[RunningJournal], None]) -> None:
        """Queue ``job`` on running's journal behind the writes queued so far, without waiting for it."""
        journal, path = self._journal, self.paths.running
        if journal is not None and path is not None:
            self._writer.apply([(path, lambda: job(journal))]).add_done_callback(_log_unexpected)

    async def _write(self, ops: Sequence[FileOp]) -> None:
        """Carry out ``ops`` in the writer thread, bounded by PERSIST_TIMEOUT_S; raise StoreError
        (operation-failed, naming the file and the cause) if they fail."""
        if not ops:
            return
        try:
            async with asyncio.timeout(PERSIST_TIMEOUT_S):  # no extra task per write, as wait_for makes
                await self._writer.write(ops)
        except WriteError as exc:
            log.warning("%s: the change is not applied (%s)", exc, exc.path)
            raise WriteFailed(str(exc), exc.cause.strerror or str(exc.cause)) from exc
        except TimeoutError as exc:
            # the thread may still finish it: the file can end up newer than memory, never torn
            names = ", ".join(path.name for path, _ in ops)
            log.warning("writing %s took longer than %gs: the change is not applied", names, PERSIST_TIMEOUT_S)
            raise WriteFailed(f"could not write {names}: timed out", "Timed out") from exc

    def _swap(self, txn: Transaction) -> None:
        """Make a written transaction visible: running (and a clean candidate) swapped, partial locks of deleted
        nodes dropped, subscribers applied, listeners told."""
        new = txn.new
        candidate_follows = not self.candidate_dirty
        self.running = new
        if candidate_follows:
            self.candidate = new
        # the candidate's report was against the running it was edited from
        self._candidate_touched = Touched() if self.candidate is new else None
        if self.locks.has_partial:
            self.locks.prune_partial(lambda key: find_node(new, key, self.schema) is not None)
        if not txn.origin.is_system:
            self.confirm.activity()
        for sub in self._subscribers:
            try:
                sub.apply(txn)
            except Exception:  # apply may not veto; a broken subscriber must not corrupt the commit
                log.exception("subscriber %r failed to apply a committed change", sub)
        for listener in self._listeners:
            try:
                listener(txn)
            except Exception:
                log.exception("commit listener failed")
