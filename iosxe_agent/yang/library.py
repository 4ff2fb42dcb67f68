"""The YANG library of a compiled schema: RFC 7895 ``modules-state`` and RFC 8525 ``yang-library``.

Pure functions of a :class:`~iosxe_agent.yang.schema.Schema`: which modules are implemented and which are only
imported, their revisions, namespaces, submodules, features and deviations, and a stable identifier of the whole
set (``module-set-id`` / ``content-id``) that clients use to cache schemas. Nothing here names a vendor; where a
server puts its schema URLs is passed in by the caller.

Shape (the order of entries as a ConfD-based server such as IOS XE 17.12 lists them): modules sorted by name;
features, deviations and submodules sorted by name; each entry's children in schema order
(name, revision, schema, namespace, feature, deviation, conformance-type, submodule); a module without a
revision has an empty ``<revision/>``.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from iosxe_agent.yang.schema import ModuleInfo, Schema

YANGLIB_NS = "urn:ietf:params:xml:ns:yang:ietf-yang-library"
DS_NS = "urn:ietf:params:xml:ns:yang:ietf-datastores"
#: The ietf-yang-library revision whose ``modules-state`` and ``yang-library`` we build (RFC 8525).
YANG_LIBRARY_REVISION = "2019-01-04"

#: ``(module or submodule name, revision or None) -> URL`` of its schema text, or None for no URL.
SchemaUrl = Callable[[str, str | None], str | None]

IMPLEMENT = "implement"
IMPORT = "import"


@dataclass(frozen=True, slots=True)
class LibraryModule:
    """One entry of the library: a module with everything RFC 7895 and RFC 8525 report about it."""

    name: str
    revision: str | None
    namespace: str
    conformance: str  # "implement" or "import"
    features: tuple[str, ...]
    deviations: tuple[tuple[str, str | None], ...]  # (deviation module, its revision)
    submodules: tuple[tuple[str, str | None], ...]  # (submodule, its revision)


@dataclass(frozen=True, slots=True)
class SchemaSource:
    """One module or submodule whose text a server offers (RFC 6022 ``schema`` entry, ``get-schema``)."""

    identifier: str
    version: str  # the revision, or "" when the (sub)module has none (RFC 6022)
    namespace: str  # a submodule's is the namespace of the module it belongs to
    path: str  # the file the text comes from
    is_submodule: bool


def library_modules(schema: Schema) -> list[LibraryModule]:
    """Every main module of ``schema`` (implemented or import-only), sorted by name; hidden modules are not
    listed, nor named as deviations."""
    result = []
    for info in sorted(_main_modules(schema), key=lambda m: m.name):
        implemented = info.implemented
        subs = tuple(sorted(set(info.submodules)))
        features: set[str] = set()
        if implemented:
            features.update(info.features)
            for sub, _ in subs:
                sub_info = schema.modules.get(sub)
                if sub_info is not None:
                    features.update(sub_info.features)
        deviations = tuple(
            sorted(
                (d, schema.modules[d].revision if d in schema.modules else None)
                for d in set(info.deviations) - schema.hidden_modules
            )
        )
        result.append(
            LibraryModule(
                name=info.name,
                revision=info.revision,
                namespace=info.ns,
                conformance=IMPLEMENT if implemented else IMPORT,
                features=tuple(sorted(features)) if implemented else (),
                deviations=deviations if implemented else (),
                submodules=subs,
            )
        )
    return result


def module_set_id(schema: Schema) -> str:
    """A stable identifier of the module set: 32 hex digits that change whenever any library entry changes.

    It digests exactly what the library reports (names, revisions, namespaces, conformance, features,
    deviations, submodules) in a canonical order, so two devices with the same modules share the id and a
    restart keeps it. The same value serves as RFC 8525 ``content-id``.
    """
    canonical = json.dumps(
        [
            [m.name, m.revision, m.namespace, m.conformance, m.features, m.deviations, m.submodules]
            for m in library_modules(schema)
        ],
        separators=(",", ":"),
    )
    return hashlib.md5(canonical.encode(), usedforsecurity=False).hexdigest()


def modules_state(schema: Schema, *, schema_url: SchemaUrl | None = None) -> etree._Element:
    """RFC 7895 ``<modules-state>`` (kept, deprecated, in RFC 8525) for ``schema``."""
    root = etree.Element(_q("modules-state"), nsmap={None: YANGLIB_NS})
    _leaf(root, "module-set-id", module_set_id(schema))
    for m in library_modules(schema):
        entry = _sub(root, "module")
        _leaf(entry, "name", m.name)
        _leaf(entry, "revision", m.revision or "")
        url = schema_url(m.name, m.revision) if schema_url is not None else None
        if url:
            _leaf(entry, "schema", url)
        _leaf(entry, "namespace", m.namespace)
        for feature in m.features:
            _leaf(entry, "feature", feature)
        for dev, dev_rev in m.deviations:
            deviation = _sub(entry, "deviation")
            _leaf(deviation, "name", dev)
            _leaf(deviation, "revision", dev_rev or "")
        _leaf(entry, "conformance-type", m.conformance)
        for sub, sub_rev in m.submodules:
            submodule = _sub(entry, "submodule")
            _leaf(submodule, "name", sub)
            _leaf(submodule, "revision", sub_rev or "")
            sub_url = schema_url(sub, sub_rev) if schema_url is not None else None
            if sub_url:
                _leaf(submodule, "schema", sub_url)
    return root


def yang_library(
    schema: Schema,
    *,
    datastores: Iterable[str] = ("running",),
    set_name: str = "common",
    location: SchemaUrl | None = None,
) -> etree._Element:
    """RFC 8525 ``<yang-library>``: one module set and one schema (``set_name``) used by every datastore.

    ``datastores`` are ietf-datastores identity names (``running``, ``candidate``, ``startup``,
    ``operational`` …); ``location`` gives optional schema URLs, otherwise clients use ``get-schema``.
    """
    root = etree.Element(_q("yang-library"), nsmap={None: YANGLIB_NS})
    module_set = _sub(root, "module-set")
    _leaf(module_set, "name", set_name)
    modules = library_modules(schema)
    for m in modules:
        if m.conformance != IMPLEMENT:
            continue
        entry = _sub(module_set, "module")
        _leaf(entry, "name", m.name)
        if m.revision:
            _leaf(entry, "revision", m.revision)
        _leaf(entry, "namespace", m.namespace)
        _location(entry, location, m.name, m.revision)
        _submodules(entry, m, location)
        for feature in m.features:
            _leaf(entry, "feature", feature)
        for dev, _ in m.deviations:
            _leaf(entry, "deviation", dev)
    for m in modules:
        if m.conformance != IMPORT:
            continue
        entry = _sub(module_set, "import-only-module")
        _leaf(entry, "name", m.name)
        _leaf(entry, "revision", m.revision or "")
        _leaf(entry, "namespace", m.namespace)
        _location(entry, location, m.name, m.revision)
        _submodules(entry, m, location)
    schema_el = _sub(root, "schema")
    _leaf(schema_el, "name", set_name)
    _leaf(schema_el, "module-set", set_name)
    for ds in datastores:
        datastore = _sub(root, "datastore")
        name = etree.SubElement(datastore, _q("name"), nsmap={"ds": DS_NS})
        name.text = f"ds:{ds}"
        _leaf(datastore, "schema", set_name)
    _leaf(root, "content-id", module_set_id(schema))
    return root


def schema_sources(schema: Schema) -> list[SchemaSource]:
    """Every module and submodule of ``schema`` (imports included, hidden ones left out), sorted by name then
    version."""
    sources = []
    for info in _visible(schema):
        ns = info.ns
        if info.is_submodule and info.belongs_to in schema.modules:
            ns = schema.modules[info.belongs_to].ns
        sources.append(SchemaSource(info.name, info.revision or "", ns, info.path, info.is_submodule))
    return sorted(sources, key=lambda s: (s.identifier, s.version))


def read_source(source: SchemaSource) -> str:
    """The exact text of a (sub)module file (UTF-8, line ends kept as they are)."""
    return Path(source.path).read_bytes().decode("utf-8")


@functools.cache
def source_texts(schema: Schema) -> dict[tuple[str, str], str]:
    """The text of every (sub)module of ``schema`` by (name, revision): read once per compiled schema, which every
    server of the process shares (a fleet's thousand devices would otherwise each read and hold the files)."""
    return {(s.identifier, s.version): read_source(s) for s in schema_sources(schema)}


def _visible(schema: Schema) -> list[ModuleInfo]:
    """The (sub)modules a client may learn of: all but the hidden modules and their submodules."""
    hidden = schema.hidden_modules
    return [m for m in schema.modules.values() if m.name not in hidden and m.belongs_to not in hidden]


def _main_modules(schema: Schema) -> list[ModuleInfo]:
    return [m for m in _visible(schema) if not m.is_submodule]


def _location(entry: etree._Element, location: SchemaUrl | None, name: str, revision: str | None) -> None:
    url = location(name, revision) if location is not None else None
    if url:
        _leaf(entry, "location", url)


def _submodules(entry: etree._Element, m: LibraryModule, location: SchemaUrl | None) -> None:
    for sub, sub_rev in m.submodules:
        submodule = _sub(entry, "submodule")
        _leaf(submodule, "name", sub)
        if sub_rev:
            _leaf(submodule, "revision", sub_rev)
        _location(submodule, location, sub, sub_rev)


def _q(name: str) -> str:
    return f"{{{YANGLIB_NS}}}{name}"


def _sub(parent: etree._Element, name: str) -> etree._Element:
    return etree.SubElement(parent, _q(name))


def _leaf(parent: etree._Element, name: str, text: str) -> etree._Element:
    el = etree.SubElement(parent, _q(name))
    el.text = text
    return el
