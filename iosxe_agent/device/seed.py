"""The first configuration of a device: the bootstrap, or a seed file, named after the device.

Why: a fleet starts many devices from one seed (``--startup-config``, or per device in an inventory), IOS text as
``show running-config`` prints it or an XML ``<config>``. A seed written for a real router rarely holds the lab's
admin user with a known password, so the admin user is ensured exactly as ``--recover-admin`` repairs a
configuration (privilege 15, the fleet's password, a NETCONF login path), through the same datastore pipeline.
A device named ``R7`` answers ``hostname R7`` on its first start whatever the seed says, so inventories, prompts
and console lines agree.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from lxml import etree

from iosxe_agent.datastore.store import StoreError, StorePaths, Stores
from iosxe_agent.device import views
from iosxe_agent.device.cli_map.flagged import reconcile_flagged_lists
from iosxe_agent.device.config_files import ConfigFileError, read_config_file, skipped_summary
from iosxe_agent.device.keys import default_label
from iosxe_agent.device.names import n
from iosxe_agent.device.recovery import RecoveryError, recover_tree
from iosxe_agent.device.secrets import hash_clear_secrets
from iosxe_agent.device.views.tree import native_of
from iosxe_agent.limits import Limits
from iosxe_agent.yang.schema import Schema

NC_NS = "urn:ietf:params:xml:ns:netconf:base:1.0"
log = logging.getLogger(__name__)


class SeedError(Exception):
    """The seed file cannot start a device; the message is one line naming the file."""


def with_hostname(config: etree._Element, hostname: str) -> etree._Element:
    """``config`` (a ``<config>`` tree, changed in place and returned) with ``hostname`` as its hostname."""
    native = native_of(config)
    if native is None:
        native = etree.SubElement(config, n("native"))
    leaf = native.find(n("hostname"))
    if leaf is None:
        leaf = etree.SubElement(native, n("hostname"))
    leaf.text = hostname
    return config


def read_seed(path: Path, limits: Limits) -> etree._Element:
    """The ``<config>`` a seed file stands for (IOS text or XML), bounded by ``max_config_file_bytes``. As a
    real box booting from it, lines that are not commands are skipped (and named in a warning), the rest apply."""
    try:
        with path.open("rb") as f:
            data = f.read(limits.max_config_file_bytes + 1)
    except OSError as exc:
        raise SeedError(f"cannot read the startup configuration {path}: {exc.strerror}") from None
    if len(data) > limits.max_config_file_bytes:
        raise SeedError(f"the startup configuration {path} is larger than {limits.max_config_file_bytes} bytes")
    try:
        read = read_config_file(data, str(path), None)
    except ConfigFileError as exc:
        raise SeedError(str(exc)) from None
    if read.skipped:  # IOS boots with the lines it can apply and says which it could not
        log.warning("the startup configuration %s: %s", path, skipped_summary(read.skipped))
    return read.config


def seeded_config(
    path: Path, schema: Schema, limits: Limits, *, user: str, secret_hash: str, hostname: str | None
) -> etree._Element:
    """The seed at ``path`` as a validated running tree, with ``user`` ensured a privilege-15 NETCONF login
    with the type-9 ``secret_hash`` and, if given, ``hostname``.

    The device's own datastores are not loaded yet (this is their bootstrap), so a scratch in-memory store does
    the work; its coroutines run on a private event loop in a worker thread, because the device loads
    synchronously, possibly from within the loop that will serve it."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="seed") as pool:
        return pool.submit(asyncio.run, _seeded(path, schema, limits, user, secret_hash, hostname)).result()


async def _seeded(
    path: Path, schema: Schema, limits: Limits, user: str, secret_hash: str, hostname: str | None
) -> etree._Element:
    config = read_seed(path, limits)
    if hostname is not None:
        with_hostname(config, hostname)
    stores = Stores(schema, limits, StorePaths(None, None))
    stores.normalize_with(hash_clear_secrets)
    stores.normalize_with(reconcile_flagged_lists)
    try:
        stores.load(lambda: config)
        await recover_tree(stores, user, secret_hash)
    except (StoreError, RecoveryError) as exc:
        raise SeedError(f"the startup configuration {path} cannot start a device: {exc}") from None
    return stores.running


def first_key_label(config: etree._Element, fallback: str) -> str:
    """The label of the RSA key a first start generates: ``ip ssh rsa keypair-name``, else IOS's default
    ``hostname.domain``, else ``fallback`` (a seed without ``ip domain name``)."""
    identity = views.identity(config)
    return views.ssh(config).keypair_name or default_label(identity.hostname, identity.domain) or fallback
