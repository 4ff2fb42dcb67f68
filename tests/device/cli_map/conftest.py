"""Fixtures of the CLI table tests: the compiled Cisco schema and tree helpers (from tests/cisco_schema.py)."""

from __future__ import annotations

import copy
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from lxml import etree

from iosxe_agent.data.edit import apply_edit
from iosxe_agent.data.validate import validate
from iosxe_agent.data.wire import wire_copy
from iosxe_agent.yang.schema import Kind, Schema, SchemaNode

_NAME = "_iosxe_pure_test_helpers"


def _helpers() -> ModuleType:
    """tests/cisco_schema.py, loaded once per run whichever conftest asks first."""
    if _NAME not in sys.modules:
        spec = importlib.util.spec_from_file_location(_NAME, Path(__file__).resolve().parents[2] / "cisco_schema.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[_NAME] = module
        spec.loader.exec_module(module)
    return sys.modules[_NAME]


class Trees:
    """Datastore helpers over the Cisco schema: load ``<native>`` bodies, apply parser edits, compare trees."""

    def __init__(self, helpers: ModuleType) -> None:
        self.helpers = helpers
        self.doc = helpers.ios_doc()
        self.schema: Schema = helpers.cisco_schema()

    def tree(self, body: str) -> etree._Element:
        """A canonical datastore holding ``<native>body</native>`` (namespace prefixes: ios-aaa, ios-snmp)."""
        return self.doc.tree(body)

    def empty(self) -> etree._Element:
        return self.doc.empty()

    def apply(self, tree: etree._Element, edit: etree._Element | None) -> etree._Element:
        """Apply a parser edit (merge) and insist that it is accepted."""
        if edit is None:
            return tree
        result = apply_edit(tree, edit, self.schema)
        assert result.tree is not None, [e.message for e in result.errors]
        return result.tree

    def valid(self, tree: etree._Element) -> bool:
        return not validate(tree, self.schema)

    def canonical(self, tree: etree._Element) -> str:
        """C14N of the tree in wire namespace form, without empty non-presence containers (which no command
        prints, so no command can recreate them)."""
        return etree.tostring(wire_copy(_prune_copy(tree, self.schema.root)), method="c14n").decode()

    def find(self, tree: etree._Element, path: str) -> etree._Element | None:
        return self.doc.find(tree, path)

    def text(self, tree: etree._Element, path: str) -> str | None:
        return self.doc.text(tree, path)


def _prune_copy(tree: etree._Element, root: SchemaNode) -> etree._Element:
    out = copy.deepcopy(tree)
    _prune(out, root)
    return out


def _prune(el: etree._Element, snode: SchemaNode) -> None:
    for child in list(el):
        if not isinstance(child.tag, str):
            continue
        cnode = snode.child(child.tag)
        if cnode is None:
            continue
        _prune(child, cnode)
        if cnode.kind is Kind.CONTAINER and not cnode.presence and not any(isinstance(c.tag, str) for c in child):
            el.remove(child)


@pytest.fixture(scope="session")
def trees() -> Any:
    return Trees(_helpers())
