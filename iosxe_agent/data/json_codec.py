"""YANG data as JSON (RFC 7951) and back, driven by the compiled schema.

The datastores hold lxml trees with canonical XML text (:mod:`iosxe_agent.yang.datatype`); a JSON face (RESTCONF,
gNMI's JSON_IETF) reads and writes the same trees through this module, so one database serves every protocol and
a value checked here is checked by the very function the XML path uses.

The mapping (RFC 7951): member names are ``module:name`` at the top of a document and wherever a node's module
differs from its parent's, bare otherwise; containers are objects, lists and leaf-lists arrays; int8…uint32 are
numbers, int64/uint64/decimal64 strings (a JSON number cannot carry them exactly everywhere); ``empty`` is
``[null]``; identityrefs are ``module:identity`` and instance-identifiers name modules instead of prefixes; union
members are tried in type order, the JSON type of the value taking part (``5`` and ``"5"`` differ). Metadata
(RFC 7952) is written and read only for the two annotations a server emits, with-defaults' ``default`` and NMDA's
``origin``. anydata and anyxml have no schema below them and are mapped plainly: objects, arrays for repeated
names, strings.

Input is hostile: :func:`loads_bounded` bounds the text's size and nesting and refuses duplicate member names (two
members for one node would be two instances of a single node, which ``json.loads`` would silently merge into the
last one); :func:`decode_json` bounds the elements it builds and the depth of schema-less data, and reports the
first problem as a :class:`~iosxe_agent.data.errors.DataError` with the error-tag and message the XML edit path
gives for the same mistake.
"""

from __future__ import annotations

import json
import re
from collections import ChainMap
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NoReturn

from lxml import etree

from iosxe_agent.data.defaults import WD_NS
from iosxe_agent.data.errors import DataError
from iosxe_agent.data.nmda import OR_NS
from iosxe_agent.data.tags import tag_of
from iosxe_agent.limits import DEFAULT_LIMITS
from iosxe_agent.yang.datatype import TypeMismatch, canonical
from iosxe_agent.yang.schema import Kind, Schema, SchemaNode, TypeSpec, clark, split_clark

#: integer types RFC 7951 §6.1 writes as JSON numbers; the 64-bit ones (and decimal64) are strings
_NUMBER_INTS = frozenset({"int8", "int16", "int32", "uint8", "uint16", "uint32"})
_STRING_NUMBERS = frozenset({"int64", "uint64", "decimal64"})
#: the annotations (RFC 7952) a reply may carry, by XML attribute: JSON member name and YANG base type of the value
_ANNOTATIONS = {
    clark(WD_NS, "default"): ("ietf-netconf-with-defaults:default", "boolean"),
    clark(OR_NS, "origin"): ("ietf-origin:origin", "identityref"),
}
#: the one annotation a client may send (RFC 6243 §4.5: a report-all-tagged reply given back), to its attribute
_CLIENT_ANNOTATION = ("ietf-netconf-with-defaults:default", clark(WD_NS, "default"))
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
#: one token of an instance-identifier: a quoted literal (copied as is), a possibly qualified name, or any char
_IID_TOKEN = re.compile(r"""'[^']*'|"[^"]*"|(?P<name>[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)|.""", re.S)
_SHOWN_CHARS = 64  # of a value or member name quoted in an error message


class JsonDataError(Exception):
    """JSON input that is not valid data for the schema; ``error`` is what the client is told."""

    def __init__(self, error: DataError) -> None:
        super().__init__(error.message)
        self.error = error


# -- parsing --------------------------------------------------------------------------------------------------------
def loads_bounded(data: bytes | str, max_bytes: int) -> Any:
    """Parse a JSON text of at most ``max_bytes`` bytes (UTF-8, RFC 8259 §8.1).

    Duplicate member names, ``NaN``/``Infinity`` and nesting deeper than the interpreter allows are refused
    rather than silently accepted.

    Raises:
        JsonDataError: too-big for an over-sized text, malformed-message for anything that is not JSON.
    """
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if len(raw) > max_bytes:
        raise JsonDataError(DataError("too-big", f"the JSON text is larger than {max_bytes} bytes", error_type="rpc"))
    try:
        return json.loads(raw.decode("utf-8"), object_pairs_hook=_unique_members, parse_constant=_no_constant)
    except RecursionError:
        raise _malformed("the JSON text is nested too deeply") from None
    except UnicodeDecodeError:
        raise _malformed("the JSON text is not UTF-8") from None
    except ValueError as exc:  # JSONDecodeError, duplicate members, integers beyond Python's digit limit
        raise _malformed(f"malformed JSON: {exc}") from None


def _malformed(message: str) -> JsonDataError:
    return JsonDataError(DataError("malformed-message", message, error_type="rpc"))


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in pairs:
        if name in out:
            raise ValueError(f"member {_show(name)} appears twice in one object")
        out[name] = value
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _show(value: object) -> str:
    """``value`` as JSON text for an error message, cut to a readable length."""
    return _cut(json.dumps(value, default=repr))


# -- module names ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Names:
    """The module-name view of a schema's namespaces, which JSON uses where XML uses namespaces and prefixes."""

    module_of_ns: dict[str, str]
    ns_of_module: dict[str, str]
    prefix_of_module: dict[str, str]
    ns_of_prefix: dict[str, str]  # each module's own prefix (canonical identityref text uses them)


@lru_cache(maxsize=16)
def _names(schema: Schema) -> _Names:
    mods = [m for m in schema.modules.values() if not m.is_submodule]
    return _Names(
        {m.ns: m.name for m in mods},
        {m.name: m.ns for m in mods},
        {m.name: m.prefix for m in mods},
        dict(schema.prefix_to_ns),
    )


# -- encoding -------------------------------------------------------------------------------------------------------
def encode_json(
    schema: Schema,
    elements: Iterable[etree._Element],
    *,
    parent: SchemaNode | None = None,
    qualified: bool = True,
) -> dict[str, Any]:
    """The JSON members for ``elements``, sibling data elements that are children of schema node ``parent`` (the
    schema root when None): a datastore's top-level nodes, or the target of a RESTCONF GET. Every member of the
    result is module-qualified, as a top-level object's must be (RFC 7951 §4); with ``qualified=False`` only those
    whose module differs from ``parent``'s are, for members the caller puts inside an object of its own that
    stands for ``parent`` (an RPC's ``"<module>:output"``).

    Hidden subtrees (``Schema.hidden_ns``) are encoded like any other: a caller serving a client passes the
    client's view of the datastore.

    Raises:
        ValueError: an element the schema does not know under ``parent`` (the trees given are datastore trees, so
            this is a bug in the caller, not bad input).
    """
    return _Encoder(schema).members(elements, parent or schema.root, qualify_all=qualified)


class _Encoder:
    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.names = _names(schema)

    def members(self, elements: Iterable[etree._Element], parent: SchemaNode, *, qualify_all: bool) -> dict[str, Any]:
        out: dict[str, Any] = {}
        leaf_list_meta: dict[str, list[dict[str, Any] | None]] = {}
        for el in elements:
            if not isinstance(el.tag, str):
                continue
            snode = parent.child(el.tag)
            if snode is None:
                raise ValueError(f"{el.tag} is not a schema child of {parent.path()}")
            name = snode.name if not qualify_all and snode.module == parent.module else f"{snode.module}:{snode.name}"
            meta = self.annotations(el)
            if snode.kind is Kind.LEAF:
                out[name] = self.value(el, snode)
                if meta:
                    out["@" + name] = meta
            elif snode.kind is Kind.LEAF_LIST:
                values = out.setdefault(name, [])
                values.append(self.value(el, snode))
                if meta:
                    marks = leaf_list_meta.setdefault(name, [])
                    marks.extend([None] * (len(values) - 1 - len(marks)))
                    marks.append(meta)
            elif snode.kind is Kind.LIST:
                out.setdefault(name, []).append(self.interior(el, snode, meta))
            elif snode.kind is Kind.CONTAINER:
                out[name] = self.interior(el, snode, meta)
            else:  # anydata, anyxml
                out[name] = _plain_object(el, self.names)
        for name, marks in leaf_list_meta.items():
            out["@" + name] = marks + [None] * (len(out[name]) - len(marks))
        return out

    def interior(self, el: etree._Element, snode: SchemaNode, meta: dict[str, Any]) -> dict[str, Any]:
        obj = self.members(el, snode, qualify_all=False)
        if meta:
            obj["@"] = meta
        return obj

    def annotations(self, el: etree._Element) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for attr, text in el.attrib.items():
            known = _ANNOTATIONS.get(str(attr))
            if known is not None:
                member, base = known
                out[member] = text == "true" if base == "boolean" else self.identity(text, el)
        return out

    def value(self, el: etree._Element, snode: SchemaNode) -> Any:
        assert snode.type is not None  # every leaf and leaf-list has a type
        return self.typed(el.text or "", snode.type, el)

    def typed(self, text: str, t: TypeSpec, el: etree._Element) -> Any:
        base = t.base
        if base in _NUMBER_INTS:
            return int(text)
        if base == "boolean":
            return text == "true"
        if base == "empty":
            return [None]
        if base == "identityref":
            return self.identity(text, el)
        if base == "instance-identifier":
            return _iid_to_json(text, self.resolver(el), self.names)
        if base == "leafref" and t.leafref_target is not None and t.leafref_target.type is not None:
            return self.typed(text, t.leafref_target.type, el)
        if base == "union":
            nsmap = self.resolver(el)
            for member in t.members:
                try:
                    canonical(text, member, nsmap, self.schema.identities)
                except TypeMismatch:
                    continue
                return self.typed(text, member, el)
        return text  # strings, enumerations, bits, binary, the 64-bit numbers, decimal64

    def resolver(self, el: etree._Element) -> Mapping[str | None, str]:
        """The prefixes of ``el``'s value: its own declarations, then each module's own prefix (canonical text
        uses those, and a datastore element need not declare them)."""
        return ChainMap(el.nsmap, self.names.ns_of_prefix)  # type: ignore[arg-type]

    def identity(self, text: str, el: etree._Element) -> str:
        prefix, sep, name = text.rpartition(":")
        ns = self.resolver(el).get(prefix if sep else None)
        module = self.names.module_of_ns.get(ns or "")
        return f"{module}:{name}" if module else text


# -- instance-identifiers -------------------------------------------------------------------------------------------
def _rewrite_iid(
    text: str, module_of: Callable[[str], str | None], spell: Callable[[str, str, str | None], str]
) -> str:
    """``text`` with each node name re-spelt: ``module_of`` maps a name's qualifier (a prefix or a module name) to
    its module, ``spell(module, local, context)`` writes the name, ``context`` being the module it is read against
    (a step's: the previous step's; a predicate's: its step's). Quoted literals are copied as they are.

    Raises:
        TypeMismatch: a qualifier ``module_of`` does not know, or a first step without one.
    """
    out: list[str] = []
    depth = 0
    step_module: str | None = None
    for m in _IID_TOKEN.finditer(text):
        name = m.group("name")
        if name is None:
            tok = m.group(0)
            depth += (tok == "[") - (tok == "]")
            out.append(tok)
            continue
        qualifier, _, local = name.rpartition(":")
        module = module_of(qualifier) if qualifier else step_module
        if module is None:
            raise TypeMismatch(f'"{text}" is not a valid instance-identifier: "{name}" names no known module')
        out.append(spell(module, local, step_module))
        if depth == 0:
            step_module = module
    return "".join(out)


def _iid_to_json(text: str, nsmap: Mapping[str | None, str], names: _Names) -> str:
    """The JSON form of a stored (prefixed) instance-identifier: module names, written only where the module
    changes (RFC 7951 §6.11). A stored value that cannot be read so is given as it is."""

    def module_of(prefix: str) -> str | None:
        return names.module_of_ns.get(nsmap.get(prefix) or "")

    try:
        return _rewrite_iid(text, module_of, lambda mod, local, ctx: local if mod == ctx else f"{mod}:{local}")
    except TypeMismatch:
        return text


def json_instance_path(schema: Schema, path: str, path_ns: Mapping[str, str]) -> str:
    """An error path as the XML path gives it (``DataError.path`` with its prefixes ``path_ns``) in JSON form,
    as RFC 8040 §7.1 wants ``error-path`` in a JSON error body: ``/Cisco-IOS-XE-native:native/ip/ssh``."""
    names = _names(schema)
    prefixes: dict[str | None, str] = dict(names.ns_of_prefix.items())
    prefixes.update(path_ns.items())
    return _iid_to_json(path, prefixes, names)


def _iid_from_json(text: str, names: _Names) -> tuple[str, dict[str | None, str]]:
    """The XML form of a JSON instance-identifier (every name prefixed) and the prefixes it declares."""
    used: dict[str | None, str] = {}

    def spell(module: str, local: str, _context: str | None) -> str:
        prefix = names.prefix_of_module[module]
        used[prefix] = names.ns_of_module[module]
        return f"{prefix}:{local}"

    return _rewrite_iid(text, lambda mod: mod if mod in names.ns_of_module else None, spell), used


# -- anydata and anyxml ---------------------------------------------------------------------------------------------
def _plain_object(el: etree._Element, names: _Names, parent_module: str | None = None) -> dict[str, Any]:
    """Schema-less children as JSON: an element with children is an object, one without a string (``[null]`` when
    it has no text either), a repeated name an array. Members are qualified as in schema-driven data, the first
    level always; children in a namespace of no loaded module have no JSON name and are left out."""
    groups: dict[str, list[Any]] = {}
    for child in el:
        if not isinstance(child.tag, str):
            continue
        ns, local = split_clark(child.tag)
        module = names.module_of_ns.get(ns)
        if module is None:
            continue
        name = local if module == parent_module else f"{module}:{local}"
        nested = any(isinstance(c.tag, str) for c in child)
        value = _plain_object(child, names, module) if nested else (child.text or None)
        groups.setdefault(name, []).append(value)
    return {name: [None] if vals == [None] else vals if len(vals) > 1 else vals[0] for name, vals in groups.items()}


# -- decoding -------------------------------------------------------------------------------------------------------
def decode_json(
    schema: Schema,
    value: Any,
    *,
    parent: SchemaNode | None = None,
    hidden: frozenset[str] = frozenset(),
    max_elements: int = DEFAULT_LIMITS.max_edit_elements,
    max_depth: int = DEFAULT_LIMITS.max_xml_depth,
) -> list[etree._Element]:
    """The data elements a JSON object (``json.loads`` output, e.g. from :func:`loads_bounded`) stands for: the
    children of schema node ``parent`` (the schema root when None), each a detached element in the wire namespace
    form (its namespace declared as the default), with canonical values and its children in schema order, ready
    for a ``<config>`` the edit engine applies.

    Member names and value types are checked here, with the XML path's error-tags and messages; what needs the
    whole tree (keys present, one case per choice, must, mandatory) is the edit engine's and validation's job, as
    for XML. ``hidden`` names namespaces the author may not use (``Schema.hidden_ns`` for a client), which read as
    unknown. At most ``max_elements`` elements are built and schema-less data (anydata) nests at most
    ``max_depth`` levels.

    Raises:
        JsonDataError: the first problem found.
    """
    if not isinstance(value, dict):
        raise _malformed(f"YANG data in JSON is an object, not {_show(value)}")
    decoder = _Decoder(schema, hidden, max_elements, max_depth)
    roots, meta = decoder.members(value, parent or schema.root, None, None)
    if meta:
        decoder.fail("unknown-attribute", 'an annotation ("@") at the top of a document annotates nothing', None)
    return [_declare(root, decoder.decls) for root in roots]


def _declare(root: etree._Element, decls: Mapping[str | None, str]) -> etree._Element:
    """``root``, declaring ``decls`` (the prefixes identityref and instance-identifier values below it use).

    They are declared on the root because lxml drops a declaration deeper down whenever an element is moved under
    an ancestor binding the same namespace (the default one included), which would leave a value's prefix unbound.
    """
    if all(root.nsmap.get(p) == ns for p, ns in decls.items()):
        return root
    out = etree.Element(root.tag, attrib=dict(root.attrib), nsmap={**root.nsmap, **decls})
    out.text = root.text
    out.extend(list(root))
    return out


@dataclass(frozen=True, slots=True)
class _Where:
    """Where the decoder is, for error paths: a chain of schema nodes, list entries with their JSON object."""

    up: _Where | None
    node: SchemaNode
    entry: Mapping[str, Any] | None = None

    def path(self) -> tuple[str, dict[str, str]]:
        parts: list[str] = []
        ns: dict[str, str] = {}
        at: _Where | None = self
        while at is not None:
            node = at.node
            ns[node.prefix] = node.ns
            parts.append(f"{node.prefix}:{node.name}{_predicate(node, at.entry)}")
            at = at.up
        return "/" + "/".join(reversed(parts)), ns


def _predicate(node: SchemaNode, entry: Mapping[str, Any] | None) -> str:
    """``[p:key='value']…`` for a list entry whose keys are plain JSON scalars (error paths only)."""
    if entry is None:
        return ""
    out = []
    for key in node.keys:
        local = split_clark(key)[1]
        value = entry.get(local, entry.get(f"{node.module}:{local}"))
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            return ""
        text = str(value)
        out.append(f"[{node.prefix}:{local}={_quote(text)}]")
    return "".join(out)


def _quote(text: str) -> str:
    return f"'{text}'" if "'" not in text else f'"{text}"'


class _Decoder:
    def __init__(self, schema: Schema, hidden: frozenset[str], max_elements: int, max_depth: int) -> None:
        self.schema = schema
        self.names = _names(schema)
        self.hidden = hidden
        self.budget = max_elements
        self.max_depth = max_depth
        #: prefixes the values built so far use (declared on the roots at the end: :func:`_declare`)
        self.decls: dict[str | None, str] = {}

    # -- errors ---------------------------------------------------------------------------------------------------
    def fail(
        self,
        tag: str,
        message: str,
        where: _Where | None,
        *,
        app_tag: str | None = None,
        info: tuple[tuple[str, str], ...] = (),
    ) -> NoReturn:
        path, ns = where.path() if where is not None else (None, {})
        raise JsonDataError(DataError(tag, message, path, ns, app_tag, info))

    def spend(self) -> None:
        """Count one more element against the budget."""
        self.budget -= 1
        if self.budget < 0:
            self.fail("too-big", "the JSON data has more elements than the agent accepts", None)

    def new(self, snode: SchemaNode, into: etree._Element | None) -> Any:
        """A new instance of ``snode``: a root, or the last child of ``into``, declaring its namespace as the
        default where it differs from its parent's."""
        self.spend()
        if into is None:
            return etree.Element(snode.tag, nsmap={None: snode.ns})
        same = etree.QName(into).namespace == snode.ns
        return etree.SubElement(into, snode.tag, nsmap=None if same else {None: snode.ns})

    # -- members --------------------------------------------------------------------------------------------------
    def members(
        self, obj: Mapping[str, Any], parent: SchemaNode, into: etree._Element | None, where: _Where | None
    ) -> tuple[list[etree._Element], dict[str, Any]]:
        """Build ``obj``'s members (children of ``parent``) in schema order, as children of ``into`` or as roots
        when it is None (the top of a document); return the elements built and ``obj``'s own annotations (its
        ``"@"`` member)."""
        resolved: list[tuple[str, SchemaNode, Any]] = []
        seen: set[str] = set()
        notes: list[tuple[str, Any]] = []
        own: dict[str, Any] = {}
        for member, value in obj.items():
            if member == "@":
                own = self.annotation_object(value, where)
            elif member.startswith("@"):
                notes.append((member[1:], value))
            else:
                snode = self.child(member, parent, where)
                if snode.tag in seen:
                    self.fail(
                        "invalid-value",
                        f'"{snode.name}" is given twice (with and without its module name)',
                        where,
                        info=(("bad-element", snode.name),),
                    )
                seen.add(snode.tag)
                resolved.append((member, snode, value))
        resolved.sort(key=lambda item: item[1].order_index)  # stable: a list's entries keep their order
        made: list[etree._Element] = []
        by_name: dict[str, tuple[SchemaNode, list[etree._Element]]] = {}
        for member, snode, value in resolved:
            elements = self.node(snode, value, where, into)
            by_name[member] = (snode, elements)
            made.extend(elements)
        for member, value in notes:
            self.annotate(member, value, by_name, where)
        return made, own

    def child(self, member: str, parent: SchemaNode, where: _Where | None) -> SchemaNode:
        """The schema node a member names, or the XML path's error for an unknown element or namespace.

        A simple name is read in the parent's module. At the top of a document RFC 7951 §4 has the sender qualify
        every member, and at the schema root a simple name cannot be read at all; below a given parent it can,
        and a body whose wrapper the caller took off (``<module>:input``) legitimately holds simple names.
        """
        module, sep, local = member.rpartition(":")
        at_root = parent.kind is Kind.MODULE
        if not sep and at_root:
            self.fail(
                "unknown-namespace",
                f'"{_cut(member)}" has no module name (RFC 7951 §4: top-level members are qualified)',
                where,
                info=(("bad-element", _cut(member)),),
            )
        ns = self.names.ns_of_module.get(module) if sep else parent.ns
        if at_root and (ns is None or ns in self.hidden):
            self.fail(
                "unknown-namespace",
                f'module "{_cut(module)}" is not supported',
                where,
                info=(("bad-element", _cut(local)), ("bad-namespace", _cut(module))),
            )
        snode = parent.child(clark(ns, local)) if ns is not None and ns not in self.hidden else None
        if snode is None:
            path = where.path()[0] if where is not None else "the configuration" if at_root else parent.path()
            self.fail(
                "unknown-element",
                f'unknown element "{_cut(local)}" in {path}',
                where,
                info=(("bad-element", _cut(local)),),
            )
        return snode

    def node(
        self, snode: SchemaNode, value: Any, where: _Where | None, into: etree._Element | None
    ) -> list[etree._Element]:
        here = _Where(where, snode)
        kind = snode.kind
        if kind is Kind.LEAF:
            return [self.leaf(snode, value, here, into)]
        if kind is Kind.CONTAINER:
            return [self.interior(snode, self.expect(dict, value, here, "an object"), here, into)]
        if kind in (Kind.ANYDATA, Kind.ANYXML):
            el = self.new(snode, into)
            self.plain(el, self.expect(dict, value, here, "an object"), snode.module, here, 1)
            return [el]
        items = self.expect(list, value, here, "an array")
        if kind is Kind.LEAF_LIST:
            return [self.leaf(snode, item, here, into) for item in items]
        out = []
        for item in items:
            entry = self.expect(dict, item, here, "an array of objects")
            out.append(self.interior(snode, entry, _Where(where, snode, entry), into))
        return out

    def expect(self, kind: type, value: Any, here: _Where, what: str) -> Any:
        if not isinstance(value, kind):
            self.fail(
                "invalid-value",
                f"{here.path()[0]} is {what} in JSON, not {_show(value)}",
                here,
                info=(("bad-element", here.node.name),),
            )
        return value

    def interior(self, snode: SchemaNode, obj: Mapping[str, Any], here: _Where, into: etree._Element | None) -> Any:
        el = self.new(snode, into)
        meta = self.members(obj, snode, el, here)[1]
        self.set_annotations(el, meta, here)
        return el

    def leaf(self, snode: SchemaNode, value: Any, here: _Where, into: etree._Element | None) -> Any:
        if isinstance(value, dict):
            self.fail(
                "invalid-value" if snode.kind is Kind.LEAF else "bad-element",
                f"{here.path()[0]} is a leaf and cannot have child elements",
                here,
                info=(("bad-element", snode.name),),
            )
        assert snode.type is not None  # every leaf and leaf-list has a type
        try:
            text, decls = self.text(value, snode.type, snode.module)
        except TypeMismatch as exc:
            self.fail("invalid-value", exc.message, here, app_tag=exc.app_tag, info=(("bad-element", snode.name),))
        self.decls.update(decls)
        el = self.new(snode, into)
        try:
            el.text = text or None
        except ValueError:  # a character XML cannot carry (NUL, a lone surrogate …): no value of any YANG type
            self.fail("invalid-value", f"{_show(value)} holds a character XML cannot carry", here)
        return el

    # -- values ---------------------------------------------------------------------------------------------------
    def text(self, value: Any, t: TypeSpec, module: str) -> tuple[str, dict[str | None, str]]:
        """The canonical XML text of a JSON value of type ``t`` and the prefixes it needs declared; ``module`` is
        the leaf's (an unqualified identity is read in it).

        Raises:
            TypeMismatch: the JSON type or the value does not fit ``t``.
        """
        base = t.base
        if base == "leafref" and t.leafref_target is not None and t.leafref_target.type is not None:
            return self.text(value, t.leafref_target.type, module)
        if base == "union":
            for member in t.members:
                try:
                    return self.text(value, member, module)
                except TypeMismatch:
                    continue
            raise TypeMismatch(f"{_show(value)} is not a valid value of {t.name}")
        raw, decls = self.lexical(value, t, module)
        try:
            return canonical(raw, t, decls, self.schema.identities), decls
        except TypeMismatch as exc:
            if base != "identityref":
                raise
            bases = ", ".join(self.identity_name(b) for b in t.identity_bases)
            raise TypeMismatch(f"{_show(value)} is not an identity derived from {bases}", exc.app_tag) from None

    def lexical(self, value: Any, t: TypeSpec, module: str) -> tuple[str, dict[str | None, str]]:
        """The XML lexical form of a JSON value whose JSON type fits ``t`` (RFC 7951 §6)."""
        base = t.base
        if base in _NUMBER_INTS:
            if isinstance(value, int) and not isinstance(value, bool):
                return str(value), {}
            raise TypeMismatch(f"{_show(value)} is not a valid {base} (a JSON number)")
        if base == "boolean":
            if isinstance(value, bool):
                return ("true" if value else "false"), {}
            raise TypeMismatch(f"{_show(value)} is not a valid boolean (true or false)")
        if base == "empty":
            if value == [None]:
                return "", {}
            raise TypeMismatch(f"{_show(value)} given for an empty leaf, which is [null] in JSON")
        if not isinstance(value, str):
            what = "a string" if base not in _STRING_NUMBERS else "a string (RFC 7951 §6.1)"
            raise TypeMismatch(f"{_show(value)} is not a valid {base}: {what} in JSON")
        if base == "identityref":
            return self.identity(value, module)
        if base == "instance-identifier":
            return _iid_from_json(value, self.names)
        return value, {}

    def identity(self, value: str, module: str) -> tuple[str, dict[str | None, str]]:
        qualifier, sep, name = value.rpartition(":")
        mod = qualifier if sep else module
        ns = self.names.ns_of_module.get(mod)
        if ns is None:
            raise TypeMismatch(f'"{_cut(value)}" names no known module')
        prefix = self.names.prefix_of_module[mod]
        return f"{prefix}:{name}", {prefix: ns}

    def identity_name(self, key: str) -> str:
        """``module:identity`` for an identity's Clark name."""
        ns, name = split_clark(key)
        return f"{self.names.module_of_ns.get(ns, ns)}:{name}"

    # -- annotations ----------------------------------------------------------------------------------------------
    def annotation_object(self, value: Any, where: _Where | None) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail("invalid-value", f"an annotation is a JSON object, not {_show(value)}", where)
        return value

    def annotate(
        self,
        member: str,
        value: Any,
        by_name: dict[str, tuple[SchemaNode, list[etree._Element]]],
        where: _Where | None,
    ) -> None:
        """Apply ``"@member": value`` to the elements of ``member`` (RFC 7952 §5.2: one object for a leaf, an array
        of objects or nulls, in step with the values, for a leaf-list)."""
        found = by_name.get(member)
        if found is None:
            self.fail("invalid-value", f'the annotation "@{_cut(member)}" annotates no member', where)
        assert found is not None
        snode, elements = found
        here = _Where(where, snode)
        if snode.kind is Kind.LEAF:
            self.set_annotations(elements[0], self.annotation_object(value, here), here)
        elif snode.kind is Kind.LEAF_LIST and isinstance(value, list) and len(value) <= len(elements):
            for el, note in zip(elements, value, strict=False):
                if note is not None:
                    self.set_annotations(el, self.annotation_object(note, here), here)
        else:
            self.fail("invalid-value", f'"@{_cut(member)}" is not a valid annotation of {here.path()[0]}', here)

    def set_annotations(self, el: etree._Element, notes: Mapping[str, Any], where: _Where | None = None) -> None:
        """Set the annotations a client may send: with-defaults' ``default`` (RFC 6243 §4.5, RFC 8040 §4.8.9)."""
        for name, value in notes.items():
            if name != _CLIENT_ANNOTATION[0]:
                self.fail(
                    "unknown-attribute",
                    f'unknown annotation "{_cut(name)}"',
                    where,
                    info=(("bad-attribute", _cut(name)), ("bad-element", split_clark(tag_of(el))[1])),
                )
            if not isinstance(value, bool):
                self.fail("invalid-value", f"{name} is true or false, not {_show(value)}", where)
            el.set(_CLIENT_ANNOTATION[1], "true" if value else "false")

    # -- anydata --------------------------------------------------------------------------------------------------
    def plain(self, el: etree._Element, obj: Mapping[str, Any], module: str, here: _Where, depth: int) -> None:
        """Fill ``el`` with schema-less JSON (the reverse of :func:`_plain_object`)."""
        if depth > self.max_depth:
            self.fail("too-big", f"anydata nested deeper than {self.max_depth} levels", here)
        for member, value in obj.items():
            qualifier, sep, local = member.rpartition(":")
            mod = qualifier if sep else (module if depth > 1 else "")
            ns = self.names.ns_of_module.get(mod)
            if ns is None or ns in self.hidden or not _IDENTIFIER.fullmatch(local):
                self.fail("unknown-element", f'"{_cut(member)}" is not a member name of a known module', here)
            assert ns is not None
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, list):
                    self.fail("invalid-value", f"{_show(value)}: anydata holds no array of arrays", here)
                self.spend()
                child = etree.SubElement(
                    el, clark(ns, local), nsmap=None if ns == etree.QName(el).namespace else {None: ns}
                )
                if isinstance(item, dict):
                    self.plain(child, item, mod, here, depth + 1)
                elif item is not None:
                    text = item if isinstance(item, str) else json.dumps(item)
                    try:
                        child.text = text
                    except ValueError:
                        self.fail("invalid-value", f"{_show(item)} holds a character XML cannot carry", here)


def _cut(text: str) -> str:
    """Text from the input, cut to a length an error message can quote."""
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 3] + "..."
