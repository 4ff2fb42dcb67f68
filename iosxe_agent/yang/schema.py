"""The compact, immutable schema tree the rest of the agent works with.

pyang is only used by :mod:`iosxe_agent.yang.loader` to compile modules; everything downstream (editing, validation,
filtering, rendering) reads these small objects instead, so a YANG change never leaks pyang internals into the
data layers and the tree can be shared read-only by every session and device.

Data children are addressed by their Clark-notation tag (``{namespace}name``), which is exactly what lxml uses for
element tags, so a lookup of an XML element's schema node is a single dict access.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal


class Kind(enum.Enum):
    """What kind of YANG statement a schema node came from."""

    MODULE = "module"  # the synthetic root holding every top-level data node
    CONTAINER = "container"
    LIST = "list"
    LEAF = "leaf"
    LEAF_LIST = "leaf-list"
    CHOICE = "choice"
    CASE = "case"
    ANYXML = "anyxml"
    ANYDATA = "anydata"
    RPC = "rpc"
    ACTION = "action"
    INPUT = "input"
    OUTPUT = "output"
    NOTIFICATION = "notification"


DATA_KINDS = frozenset({Kind.CONTAINER, Kind.LIST, Kind.LEAF, Kind.LEAF_LIST, Kind.ANYXML, Kind.ANYDATA})


def clark(ns: str, name: str) -> str:
    """Return the lxml/Clark tag ``{ns}name``."""
    return f"{{{ns}}}{name}"


def split_clark(tag: str) -> tuple[str, str]:
    """Split ``{ns}name`` into ``(ns, name)``; a tag without namespace gives ``("", tag)``."""
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return "", tag


@dataclass(frozen=True, slots=True)
class Pattern:
    """One YANG ``pattern`` (an XSD regular expression), possibly inverted (YANG 1.1 ``invert-match``)."""

    regex: str
    invert: bool = False
    error_message: str | None = None
    error_app_tag: str | None = None


@dataclass(frozen=True, slots=True)
class Restriction:
    """A ``must`` expression (or a ``when``) with the error text the module attaches to it."""

    xpath: str
    error_message: str | None = None
    error_app_tag: str | None = None
    context_is_parent: bool = False  # a when on augment/uses/choice/case is evaluated at the data parent


@dataclass(frozen=True, slots=True)
class TypeSpec:
    """A resolved YANG type: the built-in base plus every restriction collected along the typedef chain.

    ``name`` is the outermost type name as written (``inet:ip-address``, ``string`` …) and is used in error
    messages. Integer and decimal ranges are stored as inclusive ``(low, high)`` pairs; lengths likewise.
    """

    base: str
    name: str
    ranges: tuple[tuple[int | Decimal, int | Decimal], ...] = ()
    lengths: tuple[tuple[int, int], ...] = ()
    patterns: tuple[Pattern, ...] = ()
    enums: tuple[str, ...] = ()
    bits: tuple[str, ...] = ()
    fraction_digits: int = 0
    members: tuple[TypeSpec, ...] = ()
    leafref_path: str | None = None
    leafref_target: SchemaNode | None = field(default=None, compare=False, repr=False)
    require_instance: bool = True
    identity_bases: tuple[str, ...] = ()  # Clark names of the base identities
    range_error: str | None = None
    length_error: str | None = None


@dataclass(eq=False, slots=True)
class Identity:
    """A YANG identity, keyed by Clark name; ``derived`` is the transitive closure of identities based on it."""

    ns: str
    name: str
    prefix: str
    bases: tuple[str, ...]
    derived: set[str] = field(default_factory=set)


@dataclass(eq=False, slots=True)
class SchemaNode:
    """One node of the compiled schema.

    ``children`` is every schema child in schema order, choices and cases included; ``data_children`` maps the
    Clark tag of each *data* child (looking through choices and cases) to its node and preserves schema order,
    which is the canonical order of siblings in a datastore. ``prefixes`` maps the prefixes in scope in the
    defining module to namespaces, so must/when/leafref expressions written with them can be evaluated.
    """

    kind: Kind
    name: str
    ns: str
    module: str
    prefix: str
    parent: SchemaNode | None = field(default=None, repr=False)
    config: bool = True
    children: list[SchemaNode] = field(default_factory=list, repr=False)
    data_children: dict[str, SchemaNode] = field(default_factory=dict, repr=False)
    keys: tuple[str, ...] = ()  # Clark tags of list keys, in key order
    unique: tuple[tuple[str, ...], ...] = ()  # descendant schema paths (prefixed, as written) per unique stmt
    ordered_by_user: bool = False
    presence: bool = False
    mandatory: bool = False
    min_elements: int = 0
    max_elements: int | None = None
    default: tuple[str, ...] = ()  # leaf default or leaf-list defaults (canonical text); choice: default case
    type: TypeSpec | None = None
    musts: tuple[Restriction, ...] = ()
    when: tuple[Restriction, ...] = ()  # own when plus the when of enclosing uses/augment
    prefixes: dict[str, str] = field(default_factory=dict, repr=False)
    status: str = "current"
    description: str | None = field(default=None, repr=False)
    order_index: int = 0  # position among the parent's data children (canonical sibling order)

    @property
    def tag(self) -> str:
        """Clark tag of the element that instantiates this node."""
        return clark(self.ns, self.name)

    @property
    def is_key(self) -> bool:
        """True for a leaf that is a key of its enclosing list."""
        owner = self.data_parent
        return self.kind is Kind.LEAF and owner is not None and owner.kind is Kind.LIST and self.tag in owner.keys

    @property
    def data_parent(self) -> SchemaNode | None:
        """The nearest ancestor that is not a choice or case."""
        node = self.parent
        while node is not None and node.kind in (Kind.CHOICE, Kind.CASE):
            node = node.parent
        return node

    def child(self, tag: str) -> SchemaNode | None:
        """Return the data child with Clark tag ``tag`` (through choices/cases), or None."""
        return self.data_children.get(tag)

    def choice_ancestry(self) -> list[tuple[SchemaNode, SchemaNode]]:
        """(choice, case) pairs between this node and its data parent, innermost first.

        The loader wraps shorthand cases in a synthetic CASE node, so a CASE always sits directly in a CHOICE.
        """
        pairs: list[tuple[SchemaNode, SchemaNode]] = []
        case = self.parent
        while case is not None and case.kind is Kind.CASE and case.parent is not None:
            pairs.append((case.parent, case))
            case = case.parent.parent
        return pairs

    def path(self) -> str:
        """Schema path with prefixes, e.g. ``/ios:native/ios:ip/ios:ssh`` (choices and cases left out)."""
        parts: list[str] = []
        node: SchemaNode | None = self
        while node is not None and node.kind is not Kind.MODULE:
            if node.kind not in (Kind.CHOICE, Kind.CASE, Kind.INPUT, Kind.OUTPUT):
                parts.append(f"{node.prefix}:{node.name}")
            node = node.parent
        return "/" + "/".join(reversed(parts))

    def walk(self) -> Iterator[SchemaNode]:
        """Depth-first iteration over this node and every schema descendant."""
        yield self
        for c in self.children:
            yield from c.walk()


@dataclass(frozen=True, slots=True)
class ModuleInfo:
    """What the yang-library, hello and get-schema need to know about one loaded module or submodule."""

    name: str
    revision: str | None
    ns: str
    prefix: str
    yang_version: str
    path: str  # file it was loaded from
    submodules: tuple[tuple[str, str | None], ...] = ()  # (name, revision)
    features: tuple[str, ...] = ()
    deviations: tuple[str, ...] = ()
    is_submodule: bool = False
    belongs_to: str | None = None
    implemented: bool = True


@dataclass(eq=False, slots=True)
class Schema:
    """Everything compiled from the YANG modules: the data tree root, RPCs, notifications and identities."""

    root: SchemaNode
    rpcs: dict[str, SchemaNode]  # Clark tag -> RPC node (its children are INPUT / OUTPUT)
    notifications: dict[str, SchemaNode]
    identities: dict[str, Identity]
    modules: dict[str, ModuleInfo]  # module or submodule name -> info
    prefix_to_ns: dict[str, str]  # each module's own prefix -> its namespace (first wins)
    ns_to_prefix: dict[str, str]
    #: Modules a server keeps to itself (device-private configuration): compiled and stored like the others,
    #: never announced, served or accepted over the management protocol (see :mod:`iosxe_agent.data.hidden`).
    hidden_modules: frozenset[str] = frozenset()
    #: The namespaces of ``hidden_modules``: an element in one of them, with its subtree, is hidden.
    hidden_ns: frozenset[str] = frozenset()

    def node_for(self, tags: list[str]) -> SchemaNode | None:
        """Follow a sequence of Clark tags from the root; None if any step is unknown."""
        node: SchemaNode | None = self.root
        for t in tags:
            if node is None:
                return None
            node = node.child(t)
        return node

    def rpc_input(self, tag: str) -> SchemaNode | None:
        """The INPUT node of RPC ``tag``, or None if the RPC is unknown."""
        rpc = self.rpcs.get(tag)
        if rpc is None:
            return None
        for c in rpc.children:
            if c.kind is Kind.INPUT:
                return c
        return None

    def rpc_output(self, tag: str) -> SchemaNode | None:
        """The OUTPUT node of RPC ``tag``, or None."""
        rpc = self.rpcs.get(tag)
        if rpc is None:
            return None
        for c in rpc.children:
            if c.kind is Kind.OUTPUT:
                return c
        return None
