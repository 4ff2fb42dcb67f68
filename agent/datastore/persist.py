"""Atomic, durable file writes and reads of datastore trees.

A crash or power cut at any moment must leave either the old or the new file on disk, never a torn one: write a
temporary file in the same directory, fsync it, rename it over the target, then fsync the directory.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from lxml import etree

_PARSER = etree.XMLParser(
    resolve_entities=False, load_dtd=False, no_network=True, remove_blank_text=True, huge_tree=True
)


def atomic_write(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Replace ``path`` with ``data`` atomically and durably; the file gets permissions ``mode``."""
    tmp = path.with_name(f".{path.name}.tmp")
    # a temporary file left by a crash keeps its old permissions if reopened (and could be a symlink):
    # start from a fresh file so ``mode`` holds
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def write_tree(path: Path, tree: etree._Element) -> None:
    """Store a datastore tree as indented XML."""
    atomic_write(path, etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def read_tree(path: Path) -> etree._Element | None:
    """Load a stored tree, or None when the file does not exist. Raises ``etree.XMLSyntaxError`` if corrupt."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    return etree.fromstring(data, _PARSER)
