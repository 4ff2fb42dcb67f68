"""gNMI values (JSON_IETF, gNMI §2.3.1) of datastore instances, for Get, Subscribe and on-change updates.

A node's value is what sits *at* its path: a leaf's bare JSON value, a leaf-list's array, a container's or list
entry's object of children (module-qualified at its top, RFC 7951 §4), the datastore's top-level nodes for the
root. Encoding is the RFC 7951 codec's (:mod:`iosxe_agent.data.json_codec`), the one RESTCONF uses, so both
faces print a value alike. Hidden subtrees are cut out of every value and never matched by a path.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from lxml import etree

from iosxe_agent.data.diff import Change, ChangeOp
from iosxe_agent.data.hidden import has_hidden, strip_hidden
from iosxe_agent.data.json_codec import encode_json
from iosxe_agent.datastore.transaction import Transaction
from iosxe_agent.gnmi.path_map import Match, PathStep, Target, find_matches, gnmi_path, match_below, steps_of
from iosxe_agent.gnmi.proto import gnmi_pb2
from iosxe_agent.restconf.paths import ApiPath, Step, find_instances, skeleton
from iosxe_agent.yang.schema import Kind, Schema, SchemaNode

#: the root of the small tree a value with hidden nodes is copied into to strip them (any tag: never sent)
_HOLDER = "{urn:ietf:params:xml:ns:netconf:base:1.0}data"


def get_updates(tree: etree._Element, target: Target, schema: Schema, *, config_only: bool) -> list[gnmi_pb2.Update]:
    """One update per instance ``target`` names in the datastore wrapper ``tree``, at its concrete path, with
    its JSON_IETF value (a leaf-list: one update with every value of each parent's leaf-list); state
    (``config false``) data left out when ``config_only``. Empty when nothing exists."""
    if not target.steps and not target.all_children:
        value = _members(strip_hidden(tree, schema), schema.root, schema, config_only)
        return [_update(gnmi_pb2.Path(), value)] if value else []
    return updates_of(find_matches(tree, target, schema), schema, config_only=config_only)


def updates_of(matches: Sequence[Match], schema: Schema, *, config_only: bool) -> list[gnmi_pb2.Update]:
    """The updates for ``matches`` (concrete instances in tree order): leaf-list entries of one parent
    grouped into one array value; an instance that holds nothing but hidden nodes gives none."""
    out: list[gnmi_pb2.Update] = []
    index = 0
    while index < len(matches):
        match = matches[index]
        node = match.steps[-1].node
        if node.kind is Kind.LEAF_LIST:
            group = [match.element]
            while index + 1 < len(matches) and _same_leaf_list(matches[index + 1], match):
                index += 1
                group.append(matches[index].element)
            if node.config or not config_only:
                values = [_scalar(el, node, schema) for el in group]
                out.append(_update(gnmi_path((*match.steps[:-1], Step(node))), values))
        elif node.config or not config_only:
            el = _visible(match, schema)
            if el is not None:
                out.append(_update(gnmi_path(match.steps), _value(el, node, schema, config_only)))
        index += 1
    return out


def _same_leaf_list(a: Match, b: Match) -> bool:
    return a.steps[-1].node is b.steps[-1].node and a.element.getparent() is b.element.getparent()


def _value(el: etree._Element, node: SchemaNode, schema: Schema, config_only: bool) -> Any:
    """The JSON value at instance ``el`` of ``node``: bare for a leaf, an object of its children otherwise."""
    if node.kind is Kind.LEAF:
        return _scalar(el, node, schema)
    if node.kind in (Kind.ANYXML, Kind.ANYDATA):
        return encode_json(schema, [el], parent=node.data_parent)[_member(node)]
    return _members(el, node, schema, config_only)


def _members(el: etree._Element, node: SchemaNode, schema: Schema, config_only: bool) -> dict[str, Any]:
    if config_only and _has_state(node):
        el = _config_copy(el, node)
    return encode_json(schema, el, parent=node)


def _scalar(el: etree._Element, node: SchemaNode, schema: Schema) -> Any:
    """A leaf's value, or one leaf-list entry's (which the codec writes as a one-value array)."""
    value = encode_json(schema, [el], parent=node.data_parent)[_member(node)]
    return value[0] if node.kind is Kind.LEAF_LIST else value


def _member(node: SchemaNode) -> str:
    return f"{node.module}:{node.name}"


def _update(path: gnmi_pb2.Path, value: Any) -> gnmi_pb2.Update:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return gnmi_pb2.Update(path=path, val=gnmi_pb2.TypedValue(json_ietf_val=text.encode()))


def _visible(match: Match, schema: Schema) -> etree._Element | None:
    """The instance without its hidden subtrees, as :func:`~iosxe_agent.data.hidden.strip_hidden` cuts them (a
    container left empty goes too: None when that is the instance itself). A copy, of the instance only, when it
    has some."""
    if not has_hidden(match.element, schema.hidden_ns):
        return match.element
    holder = etree.Element(_HOLDER)
    skeleton(holder, match.steps[:-1]).append(copy.deepcopy(match.element))
    found = find_instances(strip_hidden(holder, schema), ApiPath(match.steps))
    return found[0] if found else None


@lru_cache(maxsize=4096)
def _has_state(node: SchemaNode) -> bool:
    """True when some data node below ``node`` is ``config false`` (cached: schemas are immutable)."""
    return any(not c.config or _has_state(c) for c in node.data_children.values())


def _config_copy(el: etree._Element, node: SchemaNode) -> etree._Element:
    """A copy of ``el`` without its ``config false`` descendants."""
    out = copy.deepcopy(el)
    _drop_state(out, node)
    return out


def _drop_state(el: etree._Element, node: SchemaNode) -> None:
    for child in list(el):
        cnode = node.child(child.tag) if isinstance(child.tag, str) else None
        if cnode is None:
            continue
        if not cnode.config:
            el.remove(child)
        elif _has_state(cnode):
            _drop_state(child, cnode)


# -- on-change ------------------------------------------------------------------------------------------------------
def changed_updates(
    txn: Transaction, targets: Iterable[Target], schema: Schema
) -> tuple[list[gnmi_pb2.Update], list[gnmi_pb2.Path]]:
    """The updates (new values) and deletes a committed transaction (``txn.changes``, ``txn.new``) makes under
    any of ``targets``, for Subscribe ON_CHANGE: a change at or below a target is reported at its own path, a
    change above a target (a whole container created or removed) by the target's instances inside it. A
    leaf-list entry added or removed is reported as its leaf-list's new array (a delete when none is left)."""
    updates: dict[bytes, gnmi_pb2.Update] = {}
    deletes: dict[bytes, gnmi_pb2.Path] = {}
    targets = list(targets)
    for change in txn.changes:
        element = change.new if change.new is not None else change.old
        steps = steps_of(element, schema) if element is not None else None
        if steps is None:
            continue
        for target in targets:
            for item in _under(change, steps, target, txn.new, schema):
                if isinstance(item, gnmi_pb2.Update):
                    key = item.path.SerializeToString(deterministic=True)
                    updates[key] = item
                    deletes.pop(key, None)
                else:
                    key = item.SerializeToString(deterministic=True)
                    deletes[key] = item
                    updates.pop(key, None)
    return list(updates.values()), list(deletes.values())


def _under(
    change: Change, steps: tuple[Step, ...], target: Target, new_tree: etree._Element, schema: Schema
) -> list[gnmi_pb2.Update | gnmi_pb2.Path]:
    """What ``change`` (at concrete ``steps``) reports to ``target``: updates, and paths for deletes."""
    depth = min(len(steps), len(target.steps))
    if not all(_step_matches(steps[i], target.steps[i]) for i in range(depth)):
        return []
    if len(steps) < len(target.steps) or (len(steps) == len(target.steps) and target.all_children):
        rest = target.steps[len(steps) :]
        if change.op is ChangeOp.DELETE:
            assert change.old is not None
            gone = match_below(change.old, steps, rest, target.all_children, schema)
            return [gnmi_path(m.steps) for m in gone]
        assert change.new is not None
        found = match_below(change.new, steps, rest, target.all_children, schema)
        return list(updates_of(found, schema, config_only=False))
    node = steps[-1].node
    if node.kind is Kind.LEAF_LIST:
        return _leaf_list_change(steps, new_tree, schema)
    if change.op is ChangeOp.DELETE:
        return [gnmi_path(steps)]
    assert change.new is not None
    return list(updates_of([Match(change.new, steps)], schema, config_only=False))


def _step_matches(step: Step, pattern: PathStep) -> bool:
    return step.node is pattern.node and all(
        want is None or have == want for have, want in zip(step.values, pattern.keys, strict=False)
    )


def _leaf_list_change(
    steps: tuple[Step, ...], new_tree: etree._Element, schema: Schema
) -> list[gnmi_pb2.Update | gnmi_pb2.Path]:
    """A leaf-list entry changed: the leaf-list's values in the new tree, or its deletion when none is left."""
    node = steps[-1].node
    parents = match_below(new_tree, (), tuple(_pattern(s) for s in steps[:-1]), False, schema)
    entries = [
        Match(el, (*steps[:-1], Step(node, (el.text or "",))))
        for p in parents
        for el in p.element.iterchildren(node.tag)
    ]
    if not entries:
        return [gnmi_path((*steps[:-1], Step(node)))]
    return list(updates_of(entries, schema, config_only=False))


def _pattern(step: Step) -> PathStep:
    return PathStep(step.node, step.values)


def notification(
    updates: Sequence[gnmi_pb2.Update],
    deletes: Sequence[gnmi_pb2.Path] = (),
    *,
    timestamp_ns: int,
    prefix: gnmi_pb2.Path | None = None,
) -> gnmi_pb2.Notification:
    """A Notification of ``updates`` and ``deletes`` taken at ``timestamp_ns`` (nanoseconds since the epoch)."""
    note = gnmi_pb2.Notification(timestamp=timestamp_ns, update=list(updates), delete=list(deletes))
    if prefix is not None:
        note.prefix.CopyFrom(prefix)
    return note
