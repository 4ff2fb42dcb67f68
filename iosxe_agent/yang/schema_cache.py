"""A per-user cache of compiled schemas: importing pyang and compiling the modules costs ~0.6-1 s of CPU at every
start; hashing the inputs and loading the pickled result ~30 ms.

The cache file is named after a key that hashes everything the compiled :class:`~iosxe_agent.yang.schema.Schema`
depends on: every YANG file pyang could read on the search path (names and bytes), the code that builds a Schema
(``iosxe_agent/yang/*.py``), the pyang and Python versions and the compile options (modules in order, features,
hidden modules). Any change gives another key, so a stale schema is never loaded; the few newest files are kept.

Loading a pickle runs code, so a file is loaded only when it and its directory belong to our uid and neither is
writable by group or others (checked on the open descriptor, not on the name). Anything else — a foreign or
tampered file, a corrupt one, an unreadable or read-only directory — is logged at debug level and the schema is
compiled as if there were no cache: the cache can make a start faster, never stop it.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from iosxe_agent.yang.schema import Schema

log = logging.getLogger(__name__)

#: First bytes of a cache file, before the key it was written for and the pickle.
MAGIC = b"compiled schema cache 1\n"
#: Cache files kept in the directory (several option sets — e.g. with and without --netconf-extensions — coexist).
KEEP_FILES = 8
#: A cache file bigger than this is not ours (the device schema pickles to under 1 MB).
MAX_FILE_BYTES = 64 * 1024 * 1024
_YANG_SUFFIXES = (".yang", ".yin")
_CODE_DIR = Path(__file__).resolve().parent


def cache_key(
    search_dirs: Sequence[Path],
    module_names: Sequence[str],
    features: Mapping[str, Iterable[str]] | None,
    hidden_modules: frozenset[str],
) -> str:
    """The hex digest naming the compiled schema of these inputs (see the module docstring for what goes in)."""
    h = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        h.update(f"{label}:{len(data)}:".encode())
        h.update(data)

    add("python", f"{sys.version_info[:3]}".encode())
    add("pyang", _pyang_version().encode())
    add("pickle", str(pickle.HIGHEST_PROTOCOL).encode())
    for code in sorted(_CODE_DIR.glob("*.py")):
        add(f"code {code.name}", code.read_bytes())
    for d in search_dirs:
        add("dir", str(d).encode())
        for f in _yang_files(d):
            add(f"yang {f.relative_to(d)}", f.read_bytes())
    add("modules", "\0".join(module_names).encode())
    for module, names in sorted((features or {}).items()):
        add(f"features {module}", "\0".join(sorted(names)).encode())
    add("hidden", "\0".join(sorted(hidden_modules)).encode())
    return h.hexdigest()


def _pyang_version() -> str:
    try:
        return importlib.metadata.version("pyang")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - pyang is a hard dependency
        return "?"


def _yang_files(d: Path) -> list[Path]:
    """Every module file pyang's repository would find under ``d`` (it searches subdirectories too)."""
    if not d.is_dir():
        return []
    return sorted(p for p in d.rglob("*") if p.suffix in _YANG_SUFFIXES and p.is_file())


def cached_schema(
    cache_dir: Path | None,
    compile_schema: Callable[[], Schema],
    search_dirs: Sequence[Path],
    module_names: Sequence[str],
    features: Mapping[str, Iterable[str]] | None = None,
    hidden_modules: frozenset[str] = frozenset(),
) -> Schema:
    """The schema ``compile_schema()`` builds from these inputs: from ``cache_dir`` when a safe file of the same key
    is there, else compiled and (best effort) stored. ``cache_dir`` None: no cache, compile."""
    if cache_dir is None:
        return compile_schema()
    try:
        key = cache_key(search_dirs, module_names, features, hidden_modules)
    except OSError as exc:
        log.debug("schema cache: cannot hash the inputs (%s); compiling", exc)
        return compile_schema()
    path = cache_dir / f"schema-{key}.pickle"
    schema = read_cached(path, key)
    if schema is not None:
        return schema
    schema = compile_schema()
    write_cached(cache_dir, path, key, schema)
    return schema


def read_cached(path: Path, key: str) -> Schema | None:
    """The schema stored at ``path`` for ``key``, or None (missing, unsafe, corrupt, another key: logged at debug)."""
    try:
        fd = _open_private(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.debug("schema cache: not reading %s: %s", path, exc)
        return None
    with os.fdopen(fd, "rb") as f:
        try:
            info = os.fstat(f.fileno())
            _check_private(info, path)
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
                raise _Unsafe(f"{path} is not a regular file of at most {MAX_FILE_BYTES} bytes")
            header = MAGIC + key.encode() + b"\n"
            if f.read(len(header)) != header:
                raise _Unsafe(f"{path} was not written for this key")
            schema = pickle.load(f)
        except Exception as exc:  # a corrupt pickle raises anything; the cache never stops a start
            log.debug("schema cache: ignoring %s: %s", path, exc)
            return None
    if not isinstance(schema, Schema):
        log.debug("schema cache: ignoring %s: holds a %s", path, type(schema).__name__)
        return None
    return schema


def _open_private(path: Path) -> int:
    """A read descriptor of ``path`` (never a symlink) in a directory checked on its own descriptor, so neither
    can be swapped between the check and the read."""
    flags = getattr(os, "O_CLOEXEC", 0)
    dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | flags)
    try:
        _check_private(os.fstat(dir_fd), path.parent)
        return os.open(path.name, os.O_RDONLY | os.O_NOFOLLOW | flags, dir_fd=dir_fd)
    finally:
        os.close(dir_fd)


class _Unsafe(OSError):
    """A cache file or directory that must not be loaded."""


def _check_private(info: os.stat_result, path: Path) -> None:
    """Raise :class:`_Unsafe` unless ``info`` is owned by our uid and not writable by group or others."""
    if info.st_uid != os.getuid():
        raise _Unsafe(f"{path} belongs to uid {info.st_uid}, not {os.getuid()}")
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise _Unsafe(f"{path} is writable by group or others (mode {stat.S_IMODE(info.st_mode):o})")


def write_cached(cache_dir: Path, path: Path, key: str, schema: Schema) -> None:
    """Store ``schema`` at ``path`` atomically (temp file 0600 + rename) and drop the oldest other cache files;
    any failure is logged at debug level and leaves the start alone."""
    try:
        cache_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        _check_private(os.stat(cache_dir), cache_dir)
        data = MAGIC + key.encode() + b"\n" + pickle.dumps(schema, protocol=pickle.HIGHEST_PROTOCOL)
        fd, tmp = tempfile.mkstemp(prefix=".schema-", suffix=".tmp", dir=cache_dir)  # mode 0600
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
        _prune(cache_dir, keep=path)
    except (OSError, pickle.PicklingError, RecursionError) as exc:
        log.debug("schema cache: not writing %s: %s", path, exc)


def _prune(cache_dir: Path, keep: Path) -> None:
    """Keep the :data:`KEEP_FILES` newest cache files (``keep`` among them): every changed input leaves one behind."""
    files = sorted(cache_dir.glob("schema-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in [p for p in files if p != keep][KEEP_FILES - 1 :]:
        old.unlink(missing_ok=True)
