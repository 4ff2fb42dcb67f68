"""The input of an RPC, checked against its YANG ``input`` statement and handed to the handler as a typed view.

Every RPC handler with input starts with :func:`parse_input`, so each one refuses bad input with the same
RFC 6241 Appendix A errors, and its own code only carries what the operation means, never how to read XML.

What is refused (RFC 7950 §7.14.2 and §8.3.1, RFC 6241 Appendix A):

- an element the input does not define: ``unknown-element`` (protocol; error-info ``bad-element``);
- a leaf, container or anyxml given twice, data for two cases of one choice, two list entries with the same
  keys: ``bad-element`` (protocol);
- a leaf or leaf-list value outside its type (base type, range, length, pattern, enum …) or with child elements:
  ``invalid-value`` (application) with the error-path of the instance, the failing restriction's error-app-tag
  and error-message, and ``bad-element``;
- a missing mandatory leaf, mandatory choice (named by its first data node) or list key: ``missing-element``
  (protocol);
- fewer than ``min-elements`` or more than ``max-elements`` entries: ``operation-failed`` with error-app-tag
  ``too-few-elements`` / ``too-many-elements`` (RFC 7950 §15.2, §15.3), as in a datastore.

An absent leaf (or leaf-list) with a default takes it where YANG says it applies (RFC 7950 §7.6.1, §7.9.3):
outside choices, in the case given, or in a choice's default case when no case is; within an absent
non-presence container too. ``when`` and ``must`` inside an input are not evaluated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree

from iosxe_agent.netconf.errors import ErrorTag
from iosxe_agent.netconf.faults import application_error, bad_element, conflicting, missing_element, unknown_element
from iosxe_agent.yang.datatype import TypeMismatch, canonical
from iosxe_agent.yang.schema import Identity, Kind, Schema, SchemaNode, clark, split_clark

#: an instance path and the namespace of each prefix it uses (an RFC 6241 error-path)
_Path = tuple[str, Mapping[str, str]]
_ONE_ONLY = frozenset({Kind.LEAF, Kind.CONTAINER, Kind.ANYXML, Kind.ANYDATA})


@dataclass(frozen=True, slots=True)
class InputNode:
    """One validated node of an RPC's input: the input itself, a container or a list entry.

    Children are named by local name (in this node's namespace) or by Clark name ``{ns}name`` (a node another
    module augments in); a name the schema does not define here is a programming error (``KeyError``). Leaf
    values are canonical text (RFC 7950 §9), defaults included.
    """

    schema: SchemaNode
    #: the request element; None for an absent non-presence container (which still carries defaults)
    element: etree._Element | None
    leaves: Mapping[str, str]
    #: Clark tags of the children the request holds
    present: frozenset[str]
    containers: Mapping[str, InputNode]
    lists: Mapping[str, tuple[InputNode, ...]]
    leaf_lists: Mapping[str, tuple[str, ...]]

    def _tag(self, name: str) -> str:
        tag = name if name.startswith("{") else clark(self.schema.ns, name)
        if tag not in self.schema.data_children:
            raise KeyError(f"{self.schema.path()} has no child {name}")
        return tag

    def has(self, name: str) -> bool:
        """True if the request gave child ``name`` (defaults do not count)."""
        return self._tag(name) in self.present

    def text(self, name: str) -> str | None:
        """The canonical value of leaf ``name``, its default if absent, or None."""
        return self.leaves.get(self._tag(name))

    def integer(self, name: str) -> int | None:
        """The value of an integer leaf ``name`` (or its default), or None."""
        value = self.text(name)
        return None if value is None else int(value)

    def flag(self, name: str) -> bool:
        """An ``empty`` leaf: given or not; a ``boolean`` leaf: its value (or its default)."""
        value = self.text(name)
        node = self.schema.data_children[self._tag(name)]
        if node.type is not None and node.type.base == "boolean":
            return value == "true"
        return value is not None

    def container(self, name: str) -> InputNode | None:
        """Container ``name``: None for an absent presence container; an absent non-presence one has defaults."""
        return self.containers.get(self._tag(name))

    def given(self, name: str) -> InputNode | None:
        """Container ``name`` if the request holds it, else None (whatever its defaults)."""
        tag = self._tag(name)
        return self.containers[tag] if tag in self.present else None

    def entries(self, name: str) -> tuple[InputNode, ...]:
        """The entries of list ``name``, in request order."""
        return self.lists.get(self._tag(name), ())

    def values(self, name: str) -> tuple[str, ...]:
        """The canonical values of leaf-list ``name`` (or its defaults), in request order."""
        return self.leaf_lists.get(self._tag(name), ())


def parse_input(schema: Schema, op: etree._Element) -> InputNode:
    """Check the operation element ``op`` against its RPC's input; the validated view, or the RFC 6241 fault.

    Raises:
        RpcFault: the input breaks the schema (see the module docstring for which error).
        LookupError: the schema has no such RPC (a handler registered for an RPC the schema lacks: a server bug).
    """
    tag = etree.QName(op).text
    node = schema.rpc_input(tag)
    if node is None:
        raise LookupError(f"{tag} is not an RPC of the schema")
    return _Reader(schema.identities).node(op, node, (node.path(), {node.prefix: node.ns}))


class _Reader:
    """Reads one request; holds what every node needs (identities resolve identityref values)."""

    def __init__(self, identities: Mapping[str, Identity]) -> None:
        self.identities = identities

    def node(self, el: etree._Element | None, snode: SchemaNode, path: _Path) -> InputNode:
        where = snode.name if el is None else etree.QName(el).localname
        groups = self._children(el, snode, where) if el is not None else {}
        view = _Parts()
        for tag, elements in groups.items():
            cnode = snode.data_children[tag]
            here = _step(path, cnode)
            if cnode.kind is Kind.LEAF:
                view.leaves[tag] = self._value(elements[0], cnode, here)
            elif cnode.kind is Kind.CONTAINER:
                view.containers[tag] = self.node(elements[0], cnode, here)
            elif cnode.kind is Kind.LIST:
                view.lists[tag] = self._entries(elements, cnode, path)
                _check_count(cnode, len(elements), here)
            elif cnode.kind is Kind.LEAF_LIST:
                view.leaf_lists[tag] = tuple(self._value(e, cnode, _step(path, cnode, _pred(e.text))) for e in elements)
                _check_count(cnode, len(elements), here)
        self._absent(snode, groups, view, path, where)
        return InputNode(snode, el, view.leaves, frozenset(groups), view.containers, view.lists, view.leaf_lists)

    def _children(self, el: etree._Element, snode: SchemaNode, where: str) -> dict[str, list[etree._Element]]:
        """The child elements of ``el`` by Clark tag (document order); unknown, repeated and clashing ones refused."""
        groups: dict[str, list[etree._Element]] = {}
        cases: dict[int, tuple[SchemaNode, str]] = {}  # id(choice) -> (the case given, its first element's name)
        for child in el:
            if not isinstance(child.tag, str):
                continue
            name = etree.QName(child).localname
            cnode = snode.child(child.tag)
            if cnode is None:
                raise unknown_element(name, where)
            for choice, case in cnode.choice_ancestry():
                first_case, first_name = cases.setdefault(id(choice), (case, name))
                if first_case is not case:
                    raise conflicting(first_name, name)
            seen = groups.setdefault(child.tag, [])
            if seen and cnode.kind in _ONE_ONLY:
                raise bad_element(name, f"<{name}> is given more than once")
            seen.append(child)
        return groups

    def _value(self, el: etree._Element, snode: SchemaNode, path: _Path) -> str:
        """The canonical text of a leaf or leaf-list element, or invalid-value."""
        assert snode.type is not None  # the loader gives every leaf and leaf-list a type
        try:
            if len(el):
                raise TypeMismatch(f"{path[0]} is a leaf and cannot have child elements")
            return canonical(el.text, snode.type, _with_default(el.nsmap, snode.ns), self.identities)
        except TypeMismatch as exc:
            raise application_error(
                ErrorTag.INVALID_VALUE,
                exc.message,
                element=snode.name,
                app_tag=exc.app_tag,
                path=path[0],
                path_ns=path[1],
            ) from exc

    def _entries(self, elements: list[etree._Element], snode: SchemaNode, path: _Path) -> tuple[InputNode, ...]:
        """The entries of a list: every key given, no two with the same keys."""
        entries: list[InputNode] = []
        seen: set[tuple[str, ...]] = set()
        for el in elements:
            keys = [(k, el.find(k)) for k in snode.keys]
            for k, kel in keys:
                if kel is None:
                    raise missing_element(split_clark(k)[1], snode.name)
            predicate = "".join(
                _pred(kel.text, f"{snode.prefix}:{split_clark(k)[1]}") for k, kel in keys if kel is not None
            )
            entry = self.node(el, snode, _step(path, snode, predicate))
            ident = tuple(entry.leaves[k] for k in snode.keys)
            if snode.keys and ident in seen:
                raise bad_element(snode.name, f"two entries of <{snode.name}> have the keys {predicate}")
            seen.add(ident)
            entries.append(entry)
        return tuple(entries)

    def _absent(self, snode: SchemaNode, groups: Mapping[str, object], view: _Parts, path: _Path, where: str) -> None:
        """What the request leaves out of ``snode``: mandatory nodes are refused, defaults filled in."""
        for c in snode.children:
            if c.kind is Kind.CHOICE:
                case = _active_case(c, groups)
                if case is not None:
                    self._absent(case, groups, view, path, where)
                elif c.mandatory:
                    raise missing_element(_first_data(c).name, where)
            elif c.tag in groups:
                continue
            elif c.kind is Kind.LEAF:
                if c.mandatory:
                    raise missing_element(c.name, where)
                if c.default:
                    view.leaves[c.tag] = c.default[0]
            elif c.kind is Kind.LEAF_LIST:
                _check_count(c, 0, _step(path, c))
                if c.default:
                    view.leaf_lists[c.tag] = c.default
            elif c.kind is Kind.LIST:
                _check_count(c, 0, _step(path, c))
            elif c.kind is Kind.CONTAINER and not c.presence:
                view.containers[c.tag] = self.node(None, c, _step(path, c))


@dataclass(slots=True)
class _Parts:
    """The children of an :class:`InputNode` while it is being read."""

    leaves: dict[str, str] = field(default_factory=dict)
    containers: dict[str, InputNode] = field(default_factory=dict)
    lists: dict[str, tuple[InputNode, ...]] = field(default_factory=dict)
    leaf_lists: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _active_case(choice: SchemaNode, groups: Mapping[str, object]) -> SchemaNode | None:
    """The case of ``choice`` the request gave data for, else its default case, else None."""
    for case in choice.children:
        if any(d.tag in groups for d in _data_nodes(case)):
            return case
    return next((case for case in choice.children if choice.default and case.name == choice.default[0]), None)


def _data_nodes(node: SchemaNode) -> list[SchemaNode]:
    """The data nodes directly under a choice or case, looking through nested choices and cases."""
    found: list[SchemaNode] = []
    for c in node.children:
        found.extend(_data_nodes(c) if c.kind in (Kind.CHOICE, Kind.CASE) else [c])
    return found


def _first_data(choice: SchemaNode) -> SchemaNode:
    """The node a missing mandatory choice is named by in ``bad-element``: its first data node in schema order."""
    return _data_nodes(choice)[0]


def _with_default(nsmap: Mapping[str | None, str], ns: str) -> Mapping[str | None, str]:
    """``nsmap`` with the leaf's own namespace as default where none is in effect.

    RFC 7950 §9.10.3 reads an unprefixed identityref in the default namespace; ncclient writes get-schema's
    ``<ns0:format>yang</ns0:format>`` with none, and servers take it in the module of the leaf.
    """
    return nsmap if None in nsmap else {**nsmap, None: ns}


def _check_count(snode: SchemaNode, count: int, path: _Path) -> None:
    """min-elements / max-elements of a list or leaf-list (RFC 7950 §15.2, §15.3)."""
    if snode.max_elements is not None and count > snode.max_elements:
        message, app_tag = (
            f"{path[0]} has {count} entries; at most {snode.max_elements} are allowed",
            "too-many-elements",
        )
    elif count < snode.min_elements:
        message, app_tag = (
            f"{path[0]} has {count} entries; at least {snode.min_elements} are required",
            "too-few-elements",
        )
    else:
        return
    raise application_error(ErrorTag.OPERATION_FAILED, message, app_tag=app_tag, path=path[0], path_ns=path[1])


def _step(path: _Path, snode: SchemaNode, predicate: str = "") -> _Path:
    """``path`` one node deeper (the node's prefix declared if new)."""
    base, ns = path
    if snode.prefix not in ns:
        ns = {**ns, snode.prefix: snode.ns}
    return f"{base}/{snode.prefix}:{snode.name}{predicate}", ns


def _pred(value: str | None, name: str = ".") -> str:
    """An XPath predicate ``[name='value']`` (double quotes around a value that holds a single quote)."""
    text = value or ""
    quoted = f"'{text}'" if "'" not in text else f'"{text}"'
    return f"[{name}={quoted}]"
