"""``iosxe-agent --recover-admin [USER]``: the agent's password recovery, for a configuration nobody can log in to.

On a real router password recovery needs the console and a reload that skips the startup-config; here the
equivalent proof of ownership is write access to the state directory while the agent is stopped (the caller
holds :class:`iosxe_agent.device.state_lock.StateLock`). The recovery edits the stored configuration through the same
datastore pipeline as every other change (parse, edit, normalize, validate, atomic write):

- ``username USER privilege 15 secret 9 …`` replaces the user's entry (or adds it);
- if that user still could not open a NETCONF session (:func:`iosxe_agent.device.access.can_open_netconf`), the
  ``default`` login list becomes ``local``; if exec authorization still refuses level 15, the ``default`` exec
  authorization list becomes ``local`` too. Nothing else changes: that is the smallest edit that gives the user
  a guaranteed way in (a ``group`` method in front of ``local`` would let a reachable server refuse them), and it
  is what the bootstrap configuration has. What was replaced is reported, so it can be restored.

It is applied to ``startup-config.xml`` and, when they exist, to the ``running-config.xml`` that
``--persist-running`` restores and to the backup of an unconfirmed commit that replaces it, so the next start lets
the user in whichever of them it loads.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from iosxe_agent.datastore.journal import RunningJournal
from iosxe_agent.datastore.persist import WriteError, atomic_write, read_tree, serialize
from iosxe_agent.datastore.store import RUNNING, StoreError, StorePaths, Stores
from iosxe_agent.datastore.transaction import SYSTEM_SESSION_ID, Face, Origin
from iosxe_agent.device import views
from iosxe_agent.device.access import can_open_netconf, ios_methods
from iosxe_agent.device.cli_map.flagged import reconcile_flagged_lists
from iosxe_agent.device.names import AAA_NS, NATIVE_NS
from iosxe_agent.device.passwords import type9_hash
from iosxe_agent.device.secrets import hash_clear_secrets
from iosxe_agent.device.upgrade import upgrade_stored
from iosxe_agent.limits import Limits
from iosxe_agent.yang.schema import Schema

NC_NS = "urn:ietf:params:xml:ns:netconf:base:1.0"
ORIGIN = Origin(session_id=SYSTEM_SESSION_ID, user="recover-admin", face=Face.RECOVERY)


class RecoveryError(Exception):
    """The stored configuration could not be recovered; nothing was written."""


def _edit(body: str) -> etree._Element:
    return etree.fromstring(
        f'<config xmlns="{NC_NS}" xmlns:nc="{NC_NS}"><native xmlns="{NATIVE_NS}">{body}</native></config>'.encode()
    )


def user_edit(user: str, secret_hash: str) -> etree._Element:
    """``username USER privilege 15 secret 9 HASH``, replacing whatever the entry held."""
    edit = _edit(
        '<username nc:operation="replace"><name/><privilege>15</privilege>'
        "<secret><encryption>9</encryption><secret/></secret></username>"
    )
    ns = {"i": NATIVE_NS}
    for path, value in (("i:native/i:username/i:name", user), ("i:native/i:username/i:secret/i:secret", secret_hash)):
        leaf = edit.find(path, ns)
        assert leaf is not None  # the template above has it
        leaf.text = value
    return edit


def local_list_edit(kind: str) -> etree._Element:
    """``aaa authentication login default local`` (``kind`` login) or ``aaa authorization exec default local``."""
    holder = "authentication" if kind == "login" else "authorization"
    return _edit(
        f'<aaa><{holder} xmlns="{AAA_NS}"><{kind} nc:operation="replace"><name>default</name>'
        f"<a1><local/></a1></{kind}></{holder}></aaa>"
    )


@dataclass(frozen=True, slots=True)
class Recovered:
    """What one file's recovery changed: the lines to print."""

    path: Path
    changes: tuple[str, ...]


async def recover_tree(stores: Stores, user: str, secret_hash: str) -> tuple[str, ...]:
    """Apply the recovery to ``stores``' running tree; returns what changed, in IOS words."""
    changes = [f"username {user} privilege 15 secret 9 <new secret>"]
    await stores.edit(RUNNING, user_edit(user, secret_hash), ORIGIN)
    running = stores.running
    if not can_open_netconf(running, user):
        if views.aaa(running).new_model:
            was = ios_methods(views.aaa(running).login_methods())
            await stores.edit(RUNNING, local_list_edit("login"), ORIGIN)
            changes.append(f"aaa authentication login default local (was: {was})")
        running = stores.running
    if not can_open_netconf(running, user):
        exec_list = views.aaa(running).authorization_exec()
        was = ios_methods(exec_list.methods) if exec_list is not None else "none"
        await stores.edit(RUNNING, local_list_edit("exec"), ORIGIN)
        changes.append(f"aaa authorization exec default local (was: {was})")
    if not can_open_netconf(stores.running, user):
        raise RecoveryError(f"the configuration still gives {user!r} no NETCONF login; nothing was written")
    return tuple(changes)


def _loaded(schema: Schema, limits: Limits, tree: etree._Element) -> Stores:
    """In-memory datastores holding ``tree`` as running, parsed, normalized and validated as at start-up."""
    stores = Stores(schema, limits, StorePaths(None, None))
    stores.normalize_with(hash_clear_secrets)
    stores.normalize_with(reconcile_flagged_lists)
    stores.upgrade_with(upgrade_stored)
    stores.load(lambda: tree)
    return stores


async def recover_admin(state_dir: Path, schema: Schema, limits: Limits, user: str, password: str) -> list[Recovered]:
    """Give ``user`` privilege 15, ``password`` and a NETCONF login in the stored configuration(s).

    Every file is recovered in memory first, so either all are written or none. Raises RecoveryError when there
    is no startup-config (a first start creates the admin user), or a stored configuration cannot be read or
    loaded.
    """
    if not user or not user.isprintable() or any(ch.isspace() for ch in user):
        raise RecoveryError(f"{user!r} is not a user name IOS can print (no spaces or control characters)")
    startup, running = state_dir / "startup-config.xml", state_dir / "running-config.xml"
    backup = StorePaths(None, running).confirm_backup  # what --persist-running restores after an unconfirmed commit
    assert backup is not None
    secret_hash = type9_hash(password)
    staged: list[tuple[Path, etree._Element, tuple[str, ...]]] = []
    for path in (startup, running, backup):
        try:
            stored = RunningJournal(running, schema, limits).load() if path == running else read_tree(path)
        except (etree.XMLSyntaxError, OSError) as exc:
            raise RecoveryError(f"cannot read {path}: {exc}") from None
        if stored is None:
            if path == startup:
                raise RecoveryError(f"no {path.name} in {state_dir}: a first start creates the admin user")
            continue
        try:
            stores = _loaded(schema, limits, stored)
            changes = await recover_tree(stores, user, secret_hash)
        except StoreError as exc:
            raise RecoveryError("; ".join(e.message for e in exc.errors)) from None
        staged.append((path, stores.running, changes))
    for path, tree, _ in staged:
        # startup and the backup are whole files; running is a new snapshot generation of its journal
        try:
            if path == running:
                RunningJournal(running, schema, limits).snapshot(serialize(tree))
            else:
                atomic_write(path, serialize(tree))
        except WriteError as exc:
            raise RecoveryError(str(exc)) from None
        except OSError as exc:
            raise RecoveryError(str(WriteError(path, exc))) from None
    return [Recovered(path, changes) for path, _, changes in staged]
