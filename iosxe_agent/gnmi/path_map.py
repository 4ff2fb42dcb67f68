"""gNMI paths (gNMI specification §2.2.2, path conventions) to schema nodes and data instances: pure functions.

A gNMI path is a list of elements, each a name and, for a list entry, a map of key values. With the RFC 7951
origin a name is qualified by its module wherever the module changes (``Cisco-IOS-XE-native:native/ip/ssh``),
as in JSON_IETF and RESTCONF; the prefix of a request is prepended to each of its paths. Reads may use
wildcards: ``*`` as a key value or a missing key matches every entry, ``*`` as the last element every child;
writes name exact instances (a delete expands its wildcards against the datastore, gNMI §3.4.6).

What the device accepts as origin and first element is in one place, :data:`ORIGINS` and
:func:`_origin_module`; everything else is generic over the compiled schema. Hidden (device-private) modules are
unknown here, as they are to NETCONF and RESTCONF.

Errors: :class:`GnmiPathError`, whose ``code`` is the gRPC status code name the spec asks for.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from iosxe_agent.gnmi.proto import gnmi_pb2
from iosxe_agent.restconf.paths import Step, module_names, namespace_modules
from iosxe_agent.yang.schema import Kind, Schema, SchemaNode, split_clark

#: Origins and what they mean on this device (IOS XE 17.12): the native models are served under the empty
#: (legacy) origin and under ``rfc7951``; OpenConfig and CLI origins exist on the real box for models and a
#: face this agent does not serve, so they are *unimplemented*, while any other origin is a client error.
ORIGINS = frozenset({"", "rfc7951"})
UNSERVED_ORIGINS = frozenset({"openconfig", "cli"})
#: bounds on one path, far above any real one (a gRPC message is bounded in size too)
MAX_ELEMS = 64
MAX_KEYS = 16
WILDCARD = "*"
#: a character no XML 1.0 text may hold (so no YANG value: the datastore is XML)
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_DATA = (Kind.CONTAINER, Kind.LIST, Kind.LEAF, Kind.LEAF_LIST, Kind.ANYXML, Kind.ANYDATA)


class GnmiPathError(Exception):
    """A path or value the request cannot be served with; ``code`` is a ``grpc.StatusCode`` name."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class PathStep:
    """One element resolved: its schema node and, for a list, a value per key in key order (None: any)."""

    node: SchemaNode
    keys: tuple[str | None, ...] = ()


@dataclass(frozen=True, slots=True)
class Target:
    """A resolved path: ``node`` is the schema node it names (the schema root for ``/``; for a trailing ``*``
    the node whose children it names), ``steps`` the elements with their keys, ``text`` the module-qualified
    path for messages and logs."""

    node: SchemaNode
    steps: tuple[PathStep, ...]
    text: str
    all_children: bool = False

    @property
    def wildcard(self) -> bool:
        """True when the path may match several instances (a ``*`` or a missing key)."""
        return self.all_children or any(k is None for s in self.steps for k in s.keys)


@dataclass(frozen=True, slots=True)
class Match:
    """One data instance a target names: its element and its concrete steps from the datastore root."""

    element: etree._Element
    steps: tuple[Step, ...]


def resolve(prefix: gnmi_pb2.Path | None, path: gnmi_pb2.Path, schema: Schema) -> Target:
    """The target of ``path`` under ``prefix`` (None: no prefix).

    Raises:
        GnmiPathError: INVALID_ARGUMENT for a malformed path, NOT_FOUND for one naming no schema node,
            UNIMPLEMENTED for an origin or wildcard this server does not serve.
    """
    origin = _origin(prefix.origin if prefix is not None else "", path.origin)
    if (prefix is not None and prefix.element) or path.element:
        raise GnmiPathError("INVALID_ARGUMENT", "the deprecated 'element' path field is not supported; use 'elem'")
    elems = [*(prefix.elem if prefix is not None else ()), *path.elem]
    if len(elems) > MAX_ELEMS:
        raise GnmiPathError("INVALID_ARGUMENT", f"the path has more than {MAX_ELEMS} elements")
    modules = module_names(schema)
    parent, namespace = schema.root, _origin_module(origin, modules)
    steps: list[PathStep] = []
    for index, elem in enumerate(elems):
        if elem.name == WILDCARD and index == len(elems) - 1:
            if elem.key:
                raise GnmiPathError("INVALID_ARGUMENT", "the '*' element takes no keys")
            _check_parent(parent, "*")
            return Target(parent, tuple(steps), _text(steps, schema) + "/*", all_children=True)
        node = _step_node(schema, parent, namespace, elem.name, index, modules)
        steps.append(PathStep(node, _keys(node, dict(elem.key))))
        parent, namespace = node, node.ns
    return Target(parent, tuple(steps), _text(steps, schema))


def _origin(prefix_origin: str, path_origin: str) -> str:
    if prefix_origin and path_origin and prefix_origin != path_origin:
        raise GnmiPathError(
            "INVALID_ARGUMENT", f"the prefix's origin {prefix_origin!r} and the path's {path_origin!r} differ"
        )
    return prefix_origin or path_origin


def _origin_module(origin: str, modules: dict[str, str]) -> str:
    """The namespace an origin gives the first element ("" when none): IOS XE 17.12 also takes a module name as
    the origin, qualifying the first element (the form ``pygnmi`` sends for ``Cisco-IOS-XE-native:native/...``)."""
    if origin in ORIGINS:
        return ""
    if origin in modules:
        return modules[origin]
    if origin in UNSERVED_ORIGINS:
        raise GnmiPathError("UNIMPLEMENTED", f"origin {origin!r} is not served; use 'rfc7951'")
    raise GnmiPathError("INVALID_ARGUMENT", f"unknown origin {origin!r}")


def _check_parent(parent: SchemaNode, name: str) -> None:
    if parent.kind in (Kind.LEAF, Kind.LEAF_LIST, Kind.ANYXML, Kind.ANYDATA):
        raise GnmiPathError("INVALID_ARGUMENT", f"{parent.name!r} has no child nodes (at {name!r})")


def _step_node(
    schema: Schema, parent: SchemaNode, namespace: str, name: str, index: int, modules: dict[str, str]
) -> SchemaNode:
    """The schema node element ``name`` (``module:name`` or ``name``) names below ``parent``."""
    if name == "...":
        raise GnmiPathError("UNIMPLEMENTED", "the multi-level wildcard '...' is not supported")
    if name == WILDCARD:
        raise GnmiPathError("UNIMPLEMENTED", "a '*' element is supported only as the last element of a path")
    _check_parent(parent, name)
    module, sep, local = name.rpartition(":")
    if not local or (sep and not module):
        raise GnmiPathError("INVALID_ARGUMENT", f"malformed path element {name!r}")
    if sep:
        if module not in modules:
            raise GnmiPathError("NOT_FOUND", f"unknown module {module!r}")
        namespace = modules[module]
    if not namespace:  # an unqualified first element: accepted when one visible module has it
        found = [n for n in parent.data_children.values() if n.name == local and n.ns in modules.values()]
        if len(found) != 1:
            raise GnmiPathError("INVALID_ARGUMENT", f"the first element {name!r} must name its module (module:name)")
        return found[0]
    node = parent.child(f"{{{namespace}}}{local}")
    if node is None or node.kind not in _DATA:
        raise GnmiPathError("NOT_FOUND", f"no schema node {name!r} at element {index + 1} of the path")
    return node


def _keys(node: SchemaNode, given: dict[str, str]) -> tuple[str | None, ...]:
    """The key values of an element in key order: ``*`` and missing keys read as None (any)."""
    if not given:
        return (None,) * len(node.keys) if node.kind is Kind.LIST else ()
    if node.kind is not Kind.LIST or not node.keys:
        raise GnmiPathError("INVALID_ARGUMENT", f"{node.name!r} is not a list and takes no keys")
    if len(given) > MAX_KEYS:
        raise GnmiPathError("INVALID_ARGUMENT", f"more than {MAX_KEYS} keys on {node.name!r}")
    names = [split_clark(k)[1] for k in node.keys]
    for key in given:
        local = key.rpartition(":")[2]
        if local not in names or (":" in key and key.rpartition(":")[0] != node.module):
            raise GnmiPathError("INVALID_ARGUMENT", f"{key!r} is not a key of the list {node.name!r}")
    if any(_NOT_XML.search(v) for v in given.values()):
        raise GnmiPathError("INVALID_ARGUMENT", f"a key value of {node.name!r} holds a character XML cannot carry")
    plain = {k.rpartition(":")[2]: v for k, v in given.items()}
    return tuple(None if plain.get(n, WILDCARD) == WILDCARD else plain[n] for n in names)


def _text(steps: list[PathStep] | tuple[PathStep, ...], schema: Schema) -> str:
    modules = namespace_modules(schema)
    parts: list[str] = []
    namespace = ""
    for step in steps:
        node = step.node
        name = node.name if node.ns == namespace else f"{modules.get(node.ns, '')}:{node.name}"
        namespace = node.ns
        for key, value in zip(node.keys, step.keys, strict=True):
            name += f"[{split_clark(key)[1]}={_escape(WILDCARD if value is None else value)}]"
        parts.append(name)
    return "/" + "/".join(parts)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("]", "\\]")


# -- instances ------------------------------------------------------------------------------------------------------
def find_matches(tree: etree._Element, target: Target, schema: Schema) -> list[Match]:
    """The data instances ``target`` names in the datastore wrapper ``tree`` (none when absent), in tree order.
    Hidden subtrees are never matched."""
    return match_below(tree, (), target.steps, target.all_children, schema)


def match_below(
    holder: etree._Element,
    above: tuple[Step, ...],
    steps: tuple[PathStep, ...],
    all_children: bool,
    schema: Schema,
) -> list[Match]:
    """The instances ``steps`` name among the descendants of ``holder`` (an instance at concrete path ``above``,
    or the datastore wrapper with ``above`` empty)."""
    current = [Match(holder, above)]
    for step in steps:
        select = _selector(
            step.node.tag, tuple(k for k, v in zip(step.node.keys, step.keys, strict=True) if v is not None)
        )
        values = {f"k{i}": v for i, v in enumerate(v for v in step.keys if v is not None)}
        current = [
            Match(child, (*m.steps, concrete_step(child, step.node)))
            for m in current
            for child in select(m.element, **values)
        ]
    if all_children:
        current = [
            Match(child, (*m.steps, concrete_step(child, node)))
            for m in current
            for child, node in _visible_children(m.element, m.steps[-1].node if m.steps else schema.root, schema)
        ]
    return current


def _visible_children(
    el: etree._Element, node: SchemaNode, schema: Schema
) -> Iterator[tuple[etree._Element, SchemaNode]]:
    for child in el:
        if not isinstance(child.tag, str):
            continue
        cnode = node.child(child.tag)
        if cnode is not None and cnode.ns not in schema.hidden_ns:
            yield child, cnode


@lru_cache(maxsize=1024)
def _selector(tag: str, keys: tuple[str, ...]) -> etree.XPath:
    """A compiled XPath selecting the children with tag ``tag`` whose leaves ``keys`` equal the variables
    ``$k0``, ``$k1`` …: one C-level pass over a list of 10,000 entries instead of a Python loop."""
    names = {f"n{i}": split_clark(t)[0] for i, t in enumerate((tag, *keys))}
    step = f"n0:{split_clark(tag)[1]}"
    for i, key in enumerate(keys):
        step += f"[n{i + 1}:{split_clark(key)[1]}=$k{i}]"
    return etree.XPath(step, namespaces=names)


def _key_text(el: etree._Element, key: str) -> str:
    for child in el.iterchildren(key):
        return child.text or ""
    return ""


def concrete_step(el: etree._Element, node: SchemaNode) -> Step:
    """The step naming instance ``el`` of ``node``: a list entry's key values, a leaf-list entry's value."""
    if node.kind is Kind.LEAF_LIST:
        return Step(node, (el.text or "",))
    return Step(node, tuple(_key_text(el, k) for k in node.keys))


def steps_of(el: etree._Element, schema: Schema) -> tuple[Step, ...] | None:
    """The concrete steps of an element of a datastore tree (its wrapper excluded); None when an element on the
    way is unknown to the schema or hidden."""
    chain = [el, *el.iterancestors()][:-1]  # the last ancestor is the datastore wrapper
    node = schema.root
    out: list[Step] = []
    for item in reversed(chain):
        child = node.child(item.tag) if isinstance(item.tag, str) else None
        if child is None or child.ns in schema.hidden_ns:
            return None
        out.append(concrete_step(item, child))
        node = child
    return tuple(out)


def gnmi_path(steps: tuple[Step, ...]) -> gnmi_pb2.Path:
    """The gNMI path of concrete ``steps``: names qualified where the module changes, list keys as ``key``
    (a leaf-list entry is named by the leaf-list: gNMI paths carry no value selector)."""
    path = gnmi_pb2.Path()
    module = ""
    for step in steps:
        node = step.node
        name = node.name if node.module == module else f"{node.module}:{node.name}"
        module = node.module
        keys = {split_clark(k)[1]: v for k, v in zip(node.keys, step.values, strict=False)}
        path.elem.add(name=name, key=keys)
    return path


def target_steps(target: Target) -> tuple[Step, ...]:
    """An exact target's steps in the concrete form (every key given).

    Raises:
        GnmiPathError: INVALID_ARGUMENT when the target is a wildcard or names a list without its keys.
    """
    if target.wildcard:
        raise GnmiPathError("INVALID_ARGUMENT", f"{target.text}: a write names exact instances (every key, no '*')")
    return tuple(Step(s.node, tuple(k for k in s.keys if k is not None)) for s in target.steps)
