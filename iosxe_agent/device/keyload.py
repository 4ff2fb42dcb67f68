"""Reading the agent's own private key files fast, and generating RSA keys off the event loop, on every core.

Why: a device's start is dominated by its RSA keys. Reading a PEM through ``asyncssh.read_private_key`` makes
OpenSSL re-validate the key (primality tests of p and q, ~50 ms per 2048-bit key): 1,000 devices with two keys
each spend ~100 s restarting. A key the agent itself wrote into a directory only its own user can write was
validated when it was generated and cannot have been replaced by anyone else, so it is imported with
asyncssh's own ``unsafe_skip_rsa_key_validation`` (~0.1 ms). Any file that is not provably ours (another owner,
group/other permission bits on it or on its directory, a symbolic link) keeps the full validation.

Generating a key (~70 ms) releases the GIL inside OpenSSL, so one bounded thread pool per process, one thread
per core, lets many devices generate their keys in parallel while the event loop keeps serving devices that
already have theirs. The pool is created on first use in the process that uses it (fleet workers fork before).
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import os
import stat
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import asyncssh

from iosxe_agent.datastore.persist import atomic_write

T = TypeVar("T")

MAX_KEY_FILE_BYTES = 64 * 1024  # a 4096-bit PKCS#8 PEM is ~3.3 KB; anything far larger is not a key of ours
RSA_EXPONENT = 65537

_pool_lock = threading.Lock()
_pool: tuple[int, ThreadPoolExecutor] | None = None  # (owning pid, pool): a forked child builds its own


def private_to(st: os.stat_result, uid: int) -> bool:
    """True if only ``uid`` (and root) can change what ``st`` describes: owned by ``uid``, no group/other bits."""
    return st.st_uid == uid and stat.S_IMODE(st.st_mode) & 0o077 == 0


def trusted(link: os.stat_result, opened: os.stat_result, directory: os.stat_result, uid: int) -> bool:
    """Whether a key file may skip validation: a regular file (``link``, not followed, and ``opened`` are the
    same inode) private to ``uid`` in a directory private to ``uid``; nobody else can have written it."""
    return (
        stat.S_ISREG(link.st_mode)
        and (link.st_dev, link.st_ino) == (opened.st_dev, opened.st_ino)
        and stat.S_ISDIR(directory.st_mode)
        and private_to(opened, uid)
        and private_to(directory, uid)
    )


def _read_bounded(path: Path) -> tuple[bytes, os.stat_result]:
    """The file's bytes (at most :data:`MAX_KEY_FILE_BYTES`) and the status of the inode actually read."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)  # a FIFO planted here must not hang the scan
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode) or opened.st_size > MAX_KEY_FILE_BYTES:
            raise asyncssh.KeyImportError(f"{path.name}: not a key file")
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, MAX_KEY_FILE_BYTES + 1 - size):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_KEY_FILE_BYTES:
                raise asyncssh.KeyImportError(f"{path.name}: not a key file")
        return b"".join(chunks), opened
    finally:
        os.close(fd)


def read_private_key(path: Path) -> asyncssh.SSHKey:
    """The private key in ``path``: imported without re-validation if the agent's own user alone can have
    written it (see :func:`trusted`), with asyncssh's full validation otherwise.

    Raises OSError or ``asyncssh.KeyImportError`` as ``asyncssh.read_private_key`` does.
    """
    data, opened = _read_bounded(path)
    skip = trusted(os.lstat(path), opened, os.stat(path.parent), os.geteuid())
    return asyncssh.import_private_key(data, unsafe_skip_rsa_key_validation=skip)


def new_rsa_key(bits: int) -> asyncssh.SSHKey:
    """A fresh RSA key pair (blocking, ~70 ms at 2048 bits; OpenSSL runs without the GIL)."""
    return asyncssh.generate_private_key("ssh-rsa", key_size=bits, exponent=RSA_EXPONENT)


def keygen_pool() -> ThreadPoolExecutor:
    """This process's key-generation pool: one thread per core, so key work is bounded and uses every core."""
    global _pool
    with _pool_lock:
        if _pool is None or _pool[0] != os.getpid():
            workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
            _pool = (os.getpid(), ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="keygen"))
        return _pool[1]


async def in_keygen_pool(func: Callable[..., T], *args: object) -> T:
    """Run ``func(*args)`` in :func:`keygen_pool`, in the caller's context (the device's log name follows)."""
    call = functools.partial(contextvars.copy_context().run, func, *args)
    return await asyncio.get_running_loop().run_in_executor(keygen_pool(), call)


def _load_or_create(path: Path, bits: int, seed: asyncssh.SSHKey | None) -> asyncssh.SSHKey:
    if path.exists():
        return read_private_key(path)
    key = seed or new_rsa_key(bits)
    atomic_write(path, key.export_private_key("pkcs8-pem"), mode=0o600)
    return key


async def host_key_file(path: Path, bits: int = 2048, seed: asyncssh.SSHKey | None = None) -> asyncssh.SSHKey:
    """The key stored in ``path``; if missing, ``seed`` (or a new RSA key of ``bits``) is written there first
    (0600, atomically). File I/O and generation run in the key pool."""
    return await in_keygen_pool(_load_or_create, path, bits, seed)
