"""Compile YANG modules with pyang into the agent's compact :class:`~iosxe_agent.yang.schema.Schema`.

This is the only module that imports pyang. pyang resolves imports, includes, groupings, augments, deviations
and typedef chains; we then copy just what the data layers need into frozen, pyang-free objects, once at
start-up, so nothing downstream depends on pyang's semi-internal ``i_*`` attributes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyang import context, error, repository
from pyang import types as ptypes

from iosxe_agent.yang.schema import (
    DATA_KINDS,
    Identity,
    Kind,
    ModuleInfo,
    Pattern,
    Restriction,
    Schema,
    SchemaNode,
    TypeSpec,
    clark,
)

# re-exported: callers that compile find the search path here too
from iosxe_agent.yang.search_path import default_search_path as default_search_path
from iosxe_agent.yang.search_path import ietf_module_dir as ietf_module_dir


class SchemaLoadError(Exception):
    """The modules could not be compiled; the message lists every pyang error."""


_KINDS = {k.value: k for k in Kind}
_WHEN_ON_PARENT = ("augment", "uses", "choice", "case")


def load_schema(
    search_dirs: Sequence[Path],
    module_names: Iterable[str],
    features: Mapping[str, Iterable[str]] | None = None,
    *,
    hidden_modules: frozenset[str] = frozenset(),
) -> Schema:
    """Compile ``module_names`` (found on ``search_dirs``) and return the compact schema.

    ``features`` names, per module, the features the server supports; a module not named there supports all
    the features it defines (what the hello and the YANG library then report). ``hidden_modules`` (some of
    ``module_names``) are compiled like the others but kept private: ``Schema.hidden_modules``/``hidden_ns``.

    Raises:
        SchemaLoadError: a module is missing or pyang reports an error-level problem.
    """
    repo = repository.FileRepository(os.pathsep.join(str(d) for d in search_dirs), use_env=False)
    ctx = context.Context(repo)
    ctx.lax_quote_checks = True
    wanted = []
    for name in module_names:
        mod = ctx.search_module(None, name)
        if mod is None:
            raise SchemaLoadError(f"module {name} not found in {', '.join(map(str, search_dirs))}")
        wanted.append(mod)
    ctx.validate()
    problems = [
        f"{pos}: {error.err_to_str(tag, args)}"
        for pos, tag, args in ctx.errors
        if error.is_error(error.err_level(tag)) and tag not in ("UNUSED_IMPORT",)
    ]
    if problems:
        raise SchemaLoadError("\n".join(problems))
    schema = _Builder(ctx, wanted, {k: tuple(v) for k, v in (features or {}).items()}).build()
    unknown = hidden_modules - {m.arg for m in wanted}
    if unknown:
        raise SchemaLoadError(f"hidden module(s) {', '.join(sorted(unknown))} not among the compiled modules")
    schema.hidden_modules = hidden_modules
    schema.hidden_ns = frozenset(schema.modules[m].ns for m in hidden_modules)
    return schema


class _Builder:
    """Walks pyang statements once and produces SchemaNodes."""

    def __init__(self, ctx: Any, wanted: list[Any], features: Mapping[str, tuple[str, ...]]) -> None:
        self.ctx = ctx
        self.wanted = wanted
        self.features = features
        self.identities: dict[str, Identity] = {}
        self._ns_cache: dict[str, tuple[str, str]] = {}
        self._prefix_cache: dict[int, dict[str, str]] = {}
        self._leafrefs: list[tuple[SchemaNode, Any]] = []
        self._by_stmt: dict[int, SchemaNode] = {}

    # -- module facts -----------------------------------------------------------------------------------------
    def _module_of(self, mod_stmt: Any) -> Any:
        """The main module a (sub)module statement belongs to."""
        if mod_stmt.keyword == "submodule":
            return self.ctx.get_module(mod_stmt.i_modulename) or mod_stmt
        return mod_stmt

    def _ns_prefix(self, mod_stmt: Any) -> tuple[str, str]:
        main = self._module_of(mod_stmt)
        key = main.arg
        if key not in self._ns_cache:
            ns = main.search_one("namespace")
            pfx = main.search_one("prefix")
            self._ns_cache[key] = (ns.arg if ns is not None else "", pfx.arg if pfx is not None else key)
        return self._ns_cache[key]

    def _prefixes(self, mod_stmt: Any) -> dict[str, str]:
        """prefix -> namespace for every prefix usable inside ``mod_stmt``."""
        key = id(mod_stmt)
        if key not in self._prefix_cache:
            result: dict[str, str] = {}
            for pfx, (modname, rev) in getattr(mod_stmt, "i_prefixes", {}).items():
                m = self.ctx.get_module(modname, rev) or self.ctx.get_module(modname)
                if m is not None:
                    result[pfx] = self._ns_prefix(m)[0]
            self._prefix_cache[key] = result
        return self._prefix_cache[key]

    # -- tree -------------------------------------------------------------------------------------------------
    def build(self) -> Schema:
        root = SchemaNode(kind=Kind.MODULE, name="", ns="", module="", prefix="")
        rpcs: dict[str, SchemaNode] = {}
        notifs: dict[str, SchemaNode] = {}
        for mod in self.wanted:
            for stmt in mod.i_children:
                kind = _KINDS.get(stmt.keyword)
                if kind is Kind.RPC:
                    node = self._node(stmt, None)
                    rpcs[node.tag] = node
                elif kind is Kind.NOTIFICATION:
                    node = self._node(stmt, None)
                    notifs[node.tag] = node
                elif kind is not None:
                    root.children.append(self._node(stmt, root))
        _index_children(root)
        for op in (*rpcs.values(), *notifs.values()):
            _index_children(op)  # RPC input/output and notification content are looked up by tag too
        self._collect_identities()
        self._resolve_leafrefs()
        modules = self._module_infos()
        prefix_to_ns: dict[str, str] = {}
        ns_to_prefix: dict[str, str] = {}
        for info in modules.values():
            if info.is_submodule:
                continue
            prefix_to_ns.setdefault(info.prefix, info.ns)
            ns_to_prefix.setdefault(info.ns, info.prefix)
        return Schema(root, rpcs, notifs, self.identities, modules, prefix_to_ns, ns_to_prefix)

    def _node(self, stmt: Any, parent: SchemaNode | None) -> SchemaNode:
        kind = _KINDS[stmt.keyword]
        ns, prefix = self._ns_prefix(stmt.i_module)
        orig = getattr(stmt, "i_orig_module", None) or stmt.i_module
        node = SchemaNode(
            kind=kind,
            name=stmt.arg if stmt.arg is not None else stmt.keyword,
            ns=ns,
            module=self._module_of(stmt.i_module).arg,
            prefix=prefix,
            parent=parent,
            config=bool(getattr(stmt, "i_config", True)) if kind in DATA_KINDS else True,
            prefixes=self._prefixes(orig),
            status=_arg(stmt, "status") or "current",
            description=_arg(stmt, "description"),
            musts=tuple(_restriction(m) for m in stmt.search("must")),
            when=tuple(self._whens(stmt)),
        )
        if parent is not None and parent.kind is Kind.MODULE and kind in DATA_KINDS:
            node.config = bool(getattr(stmt, "i_config", True))
        self._by_stmt[id(stmt)] = node
        if kind is Kind.CONTAINER:
            node.presence = stmt.search_one("presence") is not None
        elif kind is Kind.LIST:
            key = stmt.search_one("key")
            if key is not None:
                node.keys = tuple(clark(ns, k.split(":")[-1]) for k in key.arg.split())
            node.unique = tuple(tuple(u.arg.split()) for u in stmt.search("unique"))
        if kind in (Kind.LIST, Kind.LEAF_LIST):
            node.ordered_by_user = _arg(stmt, "ordered-by") == "user"
            node.min_elements = int(_arg(stmt, "min-elements") or 0)
            max_el = _arg(stmt, "max-elements")
            node.max_elements = None if max_el in (None, "unbounded") else int(max_el)
        if kind in (Kind.LEAF, Kind.CHOICE, Kind.ANYXML, Kind.ANYDATA, Kind.CONTAINER):
            node.mandatory = _arg(stmt, "mandatory") == "true"
        if kind in (Kind.LEAF, Kind.LEAF_LIST):
            node.type = self._type(stmt.search_one("type"), stmt)
            if getattr(stmt, "i_leafref", None) is not None:
                self._leafrefs.append((node, stmt))
            if kind is Kind.LEAF:
                dflt = getattr(stmt, "i_default_str", "") if getattr(stmt, "i_default", None) is not None else ""
                if dflt == "" and stmt.search_one("default") is not None:
                    dflt = stmt.search_one("default").arg
                node.default = (dflt,) if dflt != "" or stmt.search_one("default") is not None else ()
            else:
                node.default = tuple(d.arg for d in stmt.search("default"))
        elif kind is Kind.CHOICE:
            d = _arg(stmt, "default")
            node.default = (d,) if d else ()
        for child in getattr(stmt, "i_children", ()):
            ckind = _KINDS.get(child.keyword)
            if ckind is None:
                continue
            if kind is Kind.CHOICE and ckind is not Kind.CASE:
                # shorthand case: wrap in a synthetic case so every data node under a choice has a CASE parent
                case = SchemaNode(kind=Kind.CASE, name=child.arg, ns=ns, module=node.module, prefix=prefix, parent=node)
                case.children.append(self._node(child, case))
                node.children.append(case)
            else:
                node.children.append(self._node(child, node))
        return node

    def _whens(self, stmt: Any) -> list[Restriction]:
        found = [_restriction(w) for w in stmt.search("when")]
        augment = getattr(stmt, "i_augment", None)
        if augment is not None:
            found += [_restriction(w, on_parent=True) for w in augment.search("when")]
        for uses in getattr(stmt, "i_uses", ()) or ():
            found += [_restriction(w, on_parent=True) for w in uses.search("when")]
        if stmt.keyword in ("choice", "case"):
            found = [Restriction(r.xpath, r.error_message, r.error_app_tag, True) for r in found]
        return found

    # -- types ------------------------------------------------------------------------------------------------
    def _type(self, type_stmt: Any, leaf: Any) -> TypeSpec:
        spec = type_stmt.i_type_spec
        name = type_stmt.arg
        ranges: tuple[tuple[Any, Any], ...] = ()
        lengths: tuple[tuple[int, int], ...] = ()
        patterns: list[Pattern] = []
        enums: tuple[str, ...] = ()
        bits: tuple[str, ...] = ()
        fraction = 0
        members: tuple[TypeSpec, ...] = ()
        leafref_path: str | None = None
        require_instance = True
        bases: tuple[str, ...] = ()
        range_err = _typedef_error(type_stmt, "range")
        length_err = _typedef_error(type_stmt, "length")
        s = spec
        while s is not None:
            if isinstance(s, ptypes.RangeTypeSpec) and not ranges:
                ranges = tuple(_range_pair(lo, hi, s) for lo, hi in s.ranges)
            elif isinstance(s, ptypes.LengthTypeSpec) and not lengths:
                lengths = tuple(_length_pair(lo, hi) for lo, hi in s.lengths)
            elif isinstance(s, ptypes.PatternTypeSpec):
                patterns.extend(Pattern(p.spec, bool(p.invert_match)) for p in s.res)
            elif isinstance(s, ptypes.EnumTypeSpec) and not enums:
                enums = tuple(e for e, _ in s.enums)
            elif isinstance(s, ptypes.BitTypeSpec) and not bits:
                bits = tuple(b[0] for b in s.bits)
            elif isinstance(s, ptypes.Decimal64TypeSpec):
                fraction = s.fraction_digits
            elif isinstance(s, ptypes.UnionTypeSpec):
                members = tuple(self._type(t, leaf) for t in s.types)
            elif isinstance(s, ptypes.PathTypeSpec):
                leafref_path = s.path_.arg if hasattr(s.path_, "arg") else str(s.path_spec)
                require_instance = bool(getattr(s, "require_instance", True))
            elif isinstance(s, ptypes.IdentityrefTypeSpec):
                bases = tuple(self._identity_clark(b) for b in s.idbases)
            elif isinstance(s, ptypes.InstanceIdentifierTypeSpec):
                require_instance = bool(getattr(s, "require_instance", True))
            s = getattr(s, "base", None) if not isinstance(s, ptypes.UnionTypeSpec) else None
        if leafref_path is None and type_stmt.search_one("path") is not None:
            leafref_path = type_stmt.search_one("path").arg
        return TypeSpec(
            base=_builtin(spec, type_stmt),
            name=name,
            ranges=ranges,
            lengths=lengths,
            patterns=tuple(patterns),
            enums=enums,
            bits=bits,
            fraction_digits=fraction,
            members=members,
            leafref_path=leafref_path,
            require_instance=require_instance,
            identity_bases=bases,
            range_error=range_err,
            length_error=length_err,
        )

    def _identity_clark(self, base_stmt: Any) -> str:
        ident = getattr(base_stmt, "i_identity", None)
        if ident is None:
            return str(base_stmt.arg)  # pyang is untyped: its statement arguments are str
        ns, _ = self._ns_prefix(ident.i_module)
        return clark(ns, ident.arg)

    def _collect_identities(self) -> None:
        for mod in list(self.ctx.modules.values()):
            ns, prefix = self._ns_prefix(mod)
            for ident in mod.search("identity"):
                bases = tuple(self._identity_clark(b) for b in ident.search("base"))
                self.identities[clark(ns, ident.arg)] = Identity(ns, ident.arg, prefix, bases)
        for key, ident in self.identities.items():
            stack = list(ident.bases)
            seen: set[str] = set()
            while stack:
                b = stack.pop()
                if b in seen or b not in self.identities:
                    continue
                seen.add(b)
                self.identities[b].derived.add(key)
                stack.extend(self.identities[b].bases)

    def _resolve_leafrefs(self) -> None:
        for node, stmt in self._leafrefs:
            ptr = getattr(stmt, "i_leafref_ptr", None)
            target = self._by_stmt.get(id(ptr[0])) if ptr else None
            if target is not None and node.type is not None:
                node.type = _with_target(node.type, target)

    def _module_infos(self) -> dict[str, ModuleInfo]:
        wanted = {m.arg for m in self.wanted}
        infos: dict[str, ModuleInfo] = {}
        for mod in self.ctx.modules.values():
            ns, prefix = self._ns_prefix(mod)
            rev = mod.search_one("revision")
            is_sub = mod.keyword == "submodule"
            subs = tuple(
                (i.arg, _arg(i, "revision-date") or _latest_revision(self.ctx.get_module(i.arg)))
                for i in mod.search("include")
            )
            infos[mod.arg] = ModuleInfo(
                name=mod.arg,
                revision=rev.arg if rev is not None else None,
                ns=ns,
                prefix=prefix,
                yang_version=_arg(mod, "yang-version") or "1",
                path=str(getattr(mod.pos, "ref", "")),
                submodules=subs,
                features=tuple(
                    f.arg
                    for f in mod.search("feature")
                    if mod.arg not in self.features or f.arg in self.features[mod.arg]
                ),
                deviations=tuple(
                    m.arg for m in self.ctx.modules.values() if _deviates(m, mod.arg) and m.keyword == "module"
                ),
                is_submodule=is_sub,
                belongs_to=_arg(mod, "belongs-to") if is_sub else None,
                implemented=mod.arg in wanted or self._module_of(mod).arg in wanted,
            )
        return infos


def _index_children(node: SchemaNode) -> None:
    """Fill ``data_children`` and ``order_index`` through choices and cases, recursively."""
    order: list[SchemaNode] = []

    def collect(n: SchemaNode) -> None:
        for c in n.children:
            if c.kind in (Kind.CHOICE, Kind.CASE):
                collect(c)
            else:
                order.append(c)

    collect(node)
    node.data_children = {}
    for i, c in enumerate(order):
        c.order_index = i
        node.data_children[c.tag] = c
    for c in node.children:
        if c.kind in (Kind.CHOICE, Kind.CASE):
            _index_nested(c)
        else:
            _index_children(c)


def _index_nested(node: SchemaNode) -> None:
    for c in node.children:
        if c.kind in (Kind.CHOICE, Kind.CASE):
            _index_nested(c)
        else:
            _index_children(c)


def _arg(stmt: Any, keyword: str) -> str | None:
    sub = stmt.search_one(keyword)
    return sub.arg if sub is not None else None


def _restriction(stmt: Any, on_parent: bool = False) -> Restriction:
    return Restriction(stmt.arg, _arg(stmt, "error-message"), _arg(stmt, "error-app-tag"), on_parent)


def _typedef_error(type_stmt: Any, keyword: str) -> str | None:
    sub = type_stmt.search_one(keyword)
    return _arg(sub, "error-message") if sub is not None else None


def _range_pair(lo: Any, hi: Any, spec: Any) -> tuple[Any, Any]:
    lo = spec.min if lo == "min" else lo
    hi = lo if hi is None else (spec.max if hi == "max" else hi)
    if hi == "max":
        hi = spec.max
    return _num(lo), _num(hi)


def _num(v: Any) -> int | Decimal:
    if isinstance(v, ptypes.Decimal64Value):
        return Decimal(v.s) if v.s is not None else Decimal(v.value).scaleb(-(v.fd or 0))
    return int(v)


def _length_pair(lo: Any, hi: Any) -> tuple[int, int]:
    lo_i = 0 if lo == "min" else int(lo)
    if hi is None:
        return lo_i, lo_i
    return lo_i, (18446744073709551615 if hi == "max" else int(hi))


_BUILTINS = {
    "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "decimal64", "string",
    "boolean", "enumeration", "bits", "binary", "leafref", "identityref", "empty", "union",
    "instance-identifier",
}  # fmt: skip


def _builtin(spec: Any, type_stmt: Any) -> str:
    """The YANG built-in type a (possibly derived) type ends in."""
    t = type_stmt
    while t is not None:
        arg: str = t.arg
        name = arg.split(":")[-1] if ":" not in arg or getattr(t, "i_typedef", None) is None else arg
        if getattr(t, "i_typedef", None) is None and name in _BUILTINS:
            return name
        typedef = getattr(t, "i_typedef", None)
        t = typedef.search_one("type") if typedef is not None else None
    return spec.name if spec is not None else "string"


def _with_target(t: TypeSpec, target: SchemaNode) -> TypeSpec:
    return replace(t, leafref_target=target)


def _latest_revision(mod: Any) -> str | None:
    return _arg(mod, "revision") if mod is not None else None


def _deviates(mod: Any, target: str) -> bool:
    for dev in mod.search("deviation"):
        tgt = getattr(dev, "i_target_node", None)
        if tgt is not None and tgt.i_module.i_modulename == target:
            return True
    return False
