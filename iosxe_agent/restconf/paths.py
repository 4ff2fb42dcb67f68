"""RESTCONF api-paths (RFC 8040 §3.5.3) to schema nodes and data instances: pure functions, fuzzable.

An api-path is what follows ``/restconf/data/`` in a URI: ``Cisco-IOS-XE-native:native/ip/ssh``,
``Cisco-IOS-XE-native:native/username=admin``, ``…/interface/GigabitEthernet=1%2F0%2F1``. Each step is an
api-identifier, module-qualified on the first step and wherever the module changes (augments), and a list step
carries all its keys (``=k1,k2``, each percent-encoded; ``,`` and ``/`` inside a value are ``%2C`` / ``%2F``),
a leaf-list step its one value. The text is split on ``/`` and ``,`` *before* percent-decoding, so an encoded
separator stays data. Module names, not prefixes, name namespaces (RFC 7951 §4); the device-private module is
unknown here as it is to NETCONF.

Errors: :class:`PathError` with ``unknown`` set when the path is well formed but names no schema node (IOS XE
answers 404 "uri keypath not found"), unset when the text itself is malformed (400).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote, unquote

from lxml import etree

from iosxe_agent.yang.schema import Kind, Schema, SchemaNode

#: RFC 7950 identifier (the api-identifier's parts)
_IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_.\-]*"
_STEP = re.compile(rf"(?:(?P<module>{_IDENTIFIER}):)?(?P<name>{_IDENTIFIER})(?:=(?P<values>.*))?", re.DOTALL)
#: a percent sign must start a two-digit escape (``unquote`` would pass a bad one through silently)
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
#: bounds on what one path may hold, far above any real one (a URI is bounded by the header size too)
MAX_STEPS = 64
MAX_VALUES = 16


class PathError(ValueError):
    """An api-path that is malformed (``unknown`` False: 400) or names nothing in the schema (True: 404)."""

    def __init__(self, message: str, *, unknown: bool = False) -> None:
        super().__init__(message)
        self.unknown = unknown


@dataclass(frozen=True, slots=True)
class Step:
    """One step: its schema node and, for a list, its key values in key order (a leaf-list: its value)."""

    node: SchemaNode
    values: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ApiPath:
    """A parsed api-path; no steps is the datastore resource (``/restconf/data``)."""

    steps: tuple[Step, ...]

    def target(self, schema: Schema) -> SchemaNode:
        """The schema node the path ends at (the schema root for the datastore)."""
        return self.steps[-1].node if self.steps else schema.root

    @property
    def whole_list(self) -> bool:
        """The path ends at a list or leaf-list without naming one entry (every instance: GET only)."""
        last = self.steps[-1] if self.steps else None
        return last is not None and last.node.kind in (Kind.LIST, Kind.LEAF_LIST) and not last.values


def module_names(schema: Schema) -> dict[str, str]:
    """Module name -> namespace for every implemented, visible module (submodules share their module's)."""
    return {
        info.name: info.ns
        for info in schema.modules.values()
        if not info.is_submodule and info.name not in schema.hidden_modules
    }


def namespace_modules(schema: Schema) -> dict[str, str]:
    """Namespace -> module name (the inverse of :func:`module_names`)."""
    return {ns: name for name, ns in module_names(schema).items()}


def _decode(text: str, what: str) -> str:
    if _BAD_ESCAPE.search(text):
        raise PathError(f"bad percent-encoding in {what} {text!r}")
    try:
        return unquote(text, errors="strict")
    except UnicodeDecodeError:
        raise PathError(f"{what} {text!r} is not UTF-8 once percent-decoded") from None


def _child(parent: SchemaNode, namespace: str, name: str) -> SchemaNode | None:
    node = parent.child(f"{{{namespace}}}{name}")
    if node is None or node.kind not in (Kind.CONTAINER, Kind.LIST, Kind.LEAF, Kind.LEAF_LIST, Kind.ANYXML):
        return None
    return node


def parse_api_path(schema: Schema, raw: str) -> ApiPath:
    """Parse the still percent-encoded api-path ``raw`` (no leading ``/``; empty: the datastore).

    Raises:
        PathError: malformed text (bad step, escape, key count, step below a leaf) or an unknown node.
    """
    raw = raw.removesuffix("/")
    if not raw:
        return ApiPath(())
    parts = raw.split("/")
    if len(parts) > MAX_STEPS:
        raise PathError(f"the path has more than {MAX_STEPS} steps")
    modules = module_names(schema)
    parent, namespace = schema.root, ""
    steps: list[Step] = []
    for index, part in enumerate(parts):
        m = _STEP.fullmatch(part)
        if m is None:
            raise PathError(f"malformed path step {part!r}")
        if steps and steps[-1].node.kind in (Kind.LEAF, Kind.LEAF_LIST, Kind.ANYXML):
            raise PathError(f"{steps[-1].node.name!r} has no child nodes")
        if steps and steps[-1].node.kind is Kind.LIST and not steps[-1].values:
            raise PathError(f"the list {steps[-1].node.name!r} needs its keys before a child step")
        module = m.group("module")
        if module is not None:
            if module not in modules:
                raise PathError(f"unknown module {module!r}", unknown=True)
            namespace = modules[module]
        elif index == 0:
            raise PathError(f"the first step {part!r} must name its module (module:name)")
        node = _child(parent, namespace, m.group("name"))
        if node is None:
            raise PathError("uri keypath not found", unknown=True)
        steps.append(Step(node, _values(node, m.group("values"))))
        parent = node
    return ApiPath(tuple(steps))


def _values(node: SchemaNode, text: str | None) -> tuple[str, ...]:
    """The decoded key values (or leaf-list value) of a step, checked against what the node takes."""
    if text is None:
        return ()
    if node.kind is Kind.LEAF_LIST:
        return (_decode(text, "value"),)
    if node.kind is not Kind.LIST or not node.keys:
        raise PathError(f"{node.name!r} takes no key values")
    raw_values = text.split(",")
    if len(raw_values) > MAX_VALUES or len(raw_values) != len(node.keys):
        raise PathError(f"the list {node.name!r} takes {len(node.keys)} key value(s), not {len(raw_values)}")
    return tuple(_decode(v, "key value") for v in raw_values)


def _matches(el: etree._Element, step: Step) -> bool:
    if not step.values:
        return True
    if step.node.kind is Kind.LEAF_LIST:
        return (el.text or "") == step.values[0]
    return all((el.findtext(key) or "") == value for key, value in zip(step.node.keys, step.values, strict=True))


def find_instances(tree: etree._Element, path: ApiPath) -> list[etree._Element]:
    """The data instances ``path`` names in the datastore wrapper ``tree`` (none when absent; every entry of a
    list named without keys)."""
    return find_below([tree], path)


def find_below(holders: list[etree._Element], path: ApiPath) -> list[etree._Element]:
    """The instances ``path`` names among the children of ``holders`` (several roots: running and state data
    side by side, neither moved into the other)."""
    current = holders
    for step in path.steps:
        current = [el for holder in current for el in holder.iterchildren(step.node.tag) if _matches(el, step)]
        if not current:
            return []
    return current


def instance_element(step: Step) -> etree._Element:
    """A new element for ``step``: a list entry carries its key leaves, a leaf-list entry its value."""
    el = etree.Element(step.node.tag, nsmap={None: step.node.ns})
    if step.node.kind is Kind.LEAF_LIST and step.values:
        el.text = step.values[0]
    for key, value in zip(step.node.keys, step.values, strict=False):
        etree.SubElement(el, key).text = value
    return el


def skeleton(root: etree._Element, steps: tuple[Step, ...]) -> etree._Element:
    """Append the instances of ``steps`` under ``root`` (an edit's ``<config>``) as nested elements and return
    the innermost one (``root`` itself for no steps): where an edit puts its body."""
    holder = root
    for step in steps:
        el = instance_element(step)
        holder.append(el)
        holder = el
    return holder


def merge_skeleton(root: etree._Element, steps: tuple[Step, ...]) -> etree._Element:
    """:func:`skeleton`, reusing the instances already built under ``root`` (several edits in one ``<config>``)."""
    holder = root
    for step in steps:
        found = next((el for el in holder.iterchildren(step.node.tag) if _matches(el, step)), None)
        if found is None:
            found = instance_element(step)
            holder.append(found)
        holder = found
    return holder


def nests(a: ApiPath, b: ApiPath) -> bool:
    """One path is the other or an ancestor of it (same nodes, same keys, step by step)."""
    short, long = (a, b) if len(a.steps) <= len(b.steps) else (b, a)
    return all(
        s.node is t.node and s.values == t.values
        for s, t in zip(short.steps, long.steps[: len(short.steps)], strict=True)
    )


def _qualified(path: ApiPath, schema: Schema) -> Iterator[tuple[Step, str]]:
    """Each step with its node's name, module-qualified where the namespace changes (RFC 7951 and RFC 8040
    paths both name modules that way)."""
    modules = namespace_modules(schema)
    namespace = ""
    for step in path.steps:
        yield step, step.node.name if step.node.ns == namespace else f"{modules.get(step.node.ns, '')}:{step.node.name}"
        namespace = step.node.ns


def instance_identifier(path: ApiPath, schema: Schema) -> str:
    """The path as an RFC 7951 instance-identifier (``/Cisco-IOS-XE-native:native/username[name='admin']``), for
    ``error-path``; a module name appears where the namespace changes."""
    parts: list[str] = []
    for step, name in _qualified(path, schema):
        if step.node.kind is Kind.LEAF_LIST and step.values:
            name += f"[.={_quote(step.values[0])}]"
        for key, value in zip(step.node.keys, step.values, strict=False):
            name += f"[{etree.QName(key).localname}={_quote(value)}]"
        parts.append(name)
    return "/" + "/".join(parts)


def _quote(value: str) -> str:
    return f"'{value}'" if "'" not in value else f'"{value}"'


def api_path_text(path: ApiPath, schema: Schema) -> str:
    """The canonical, percent-encoded api-path of ``path`` (a ``Location`` header's tail)."""
    parts: list[str] = []
    for step, name in _qualified(path, schema):
        if step.values:
            name += "=" + ",".join(quote(v, safe="") for v in step.values)
        parts.append(name)
    return "/".join(parts)
