"""Fuzzing the gNMI data mapping: any Path proto (with any prefix and origin) either resolves or is refused with a
GnmiPathError, and what resolves feeds Get and Set without any other exception; a resolved exact path prints back
(as its updates' paths) to a path resolving to the same nodes.

Paths follow the schema (a random walk: names qualified where the module changes, keys of random text, ``*``)
and are then broken in small ways (an unknown or hidden module, a dropped qualifier, a stray key, a wildcard or
``...`` in the middle, random text); values are random JSON texts and scalar TypedValues.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st
from lxml import etree

from iosxe_agent.gnmi.mapping import GnmiPathError, get_updates, resolve, set_edit
from iosxe_agent.gnmi.proto import gnmi_pb2
from iosxe_agent.yang.schema import Kind, Schema, SchemaNode, split_clark

FUZZ = settings.get_profile("iosxe-fuzz")
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=8)
ORIGINS = st.sampled_from(["", "rfc7951"] * 4 + ["openconfig", "Cisco-IOS-XE-native", "iosxe-agent-private", "x"])
TREE_XML = (
    "<hostname>R1</hostname><ip><ssh><time-out>60</time-out></ssh></ip>"
    "<username><name>alice</name><privilege>15</privilege></username>"
)


@st.composite
def walk(draw: st.DrawFn, schema: Schema) -> list[tuple[str, dict[str, str]]]:
    """A schema-shaped list of (name, keys): module names where the module changes, random key values."""
    node: SchemaNode = schema.root
    out: list[tuple[str, dict[str, str]]] = []
    module = ""
    for _ in range(draw(st.integers(0, 6))):
        children = sorted(node.data_children.values(), key=lambda c: c.tag)
        if not children:
            break
        node = draw(st.sampled_from(children))
        name = node.name if node.module == module else f"{node.module}:{node.name}"
        module = node.module
        keys = {split_clark(k)[1]: draw(st.sampled_from(["alice", "alice", "*"]) | TEXT) for k in node.keys}
        if keys and draw(st.integers(0, 3)) == 0:
            keys.popitem()
        out.append((name, keys))
        if node.kind not in (Kind.CONTAINER, Kind.LIST):
            break
    return out


@st.composite
def paths(draw: st.DrawFn, schema: Schema) -> gnmi_pb2.Path:
    elems = draw(walk(schema))
    how = draw(st.sampled_from(["keep", "keep", "star", "dots", "unqualify", "module", "key", "random", "cut"]))
    at = draw(st.integers(0, len(elems)))
    if how == "star":
        elems.insert(at, ("*", {}))
    elif how == "dots":
        elems.insert(at, ("...", {}))
    elif how == "unqualify" and elems:
        elems[0] = (elems[0][0].rpartition(":")[2], elems[0][1])
    elif how == "module":
        elems.insert(at, (draw(st.sampled_from(["iosxe-agent-private:", "nope:", ":", ""])) + draw(TEXT), {}))
    elif how == "key" and elems:
        elems[-1] = (elems[-1][0], {**elems[-1][1], draw(TEXT): draw(TEXT)})
    elif how == "random":
        elems = draw(st.lists(st.tuples(TEXT, st.dictionaries(TEXT, TEXT, max_size=2)), max_size=4))
    elif how == "cut":
        elems = elems[:at]
    path = gnmi_pb2.Path(origin=draw(ORIGINS))
    for name, keys in elems:
        path.elem.add(name=name, key=keys)
    return path


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)
VALUES = st.one_of(
    JSON.map(lambda v: gnmi_pb2.TypedValue(json_ietf_val=json.dumps(v).encode())),
    st.binary(max_size=12).map(lambda b: gnmi_pb2.TypedValue(json_val=b)),
    TEXT.map(lambda s: gnmi_pb2.TypedValue(string_val=s)),
    st.integers(-(2**63), 2**63 - 1).map(lambda i: gnmi_pb2.TypedValue(int_val=i)),
    st.integers(0, 2**64 - 1).map(lambda i: gnmi_pb2.TypedValue(uint_val=i)),
    st.booleans().map(lambda b: gnmi_pb2.TypedValue(bool_val=b)),
    st.floats(allow_nan=True).map(lambda f: gnmi_pb2.TypedValue(double_val=f)),
    st.builds(gnmi_pb2.TypedValue),
)


@FUZZ
@given(data=st.data())
def test_resolve_get_and_set_only_refuse_with_gnmi_path_errors(helpers: Any, data: st.DataObject) -> None:
    ios = helpers.ios_doc()
    schema: Schema = ios.schema
    tree = ios.tree(TREE_XML)
    path = data.draw(paths(schema))
    prefix = None
    if data.draw(st.booleans()):  # the same path split between a prefix and the path
        at = data.draw(st.integers(0, len(path.elem)))
        prefix = gnmi_pb2.Path(origin=path.origin, elem=path.elem[:at])
        path = gnmi_pb2.Path(origin=data.draw(st.sampled_from(["", "", path.origin, "rfc7951"])), elem=path.elem[at:])
    try:
        target = resolve(prefix, path, schema)
    except GnmiPathError as refused:
        assert refused.code in {"INVALID_ARGUMENT", "NOT_FOUND", "UNIMPLEMENTED"} and refused.message
        event(f"path refused: {refused.code}")
        return
    updates = get_updates(tree, target, schema, config_only=data.draw(st.booleans()))
    event("get found data" if updates else "get found nothing")
    for update in updates:  # each value is at a concrete path that reads back to the node asked for
        again = resolve(None, update.path, schema)
        assert not again.wildcard
        assert again.node is target.node or target.all_children or not target.steps
    request = gnmi_pb2.SetRequest()
    which = data.draw(st.sampled_from(["delete", "replace", "update"]))
    if prefix is not None:
        request.prefix.CopyFrom(prefix)
    if which == "delete":
        request.delete.append(path)
    else:
        known = [u.val for u in updates] + [gnmi_pb2.TypedValue(json_ietf_val=b'"R1"'), gnmi_pb2.TypedValue(uint_val=7)]
        value = data.draw(st.sampled_from(known) | VALUES)  # a value Get gave back fits; random ones rarely do
        getattr(request, which).append(gnmi_pb2.Update(path=path, val=value))
    try:
        edit, default_operation = set_edit(request, tree, schema)
    except GnmiPathError as refused:
        assert refused.code in {"INVALID_ARGUMENT", "NOT_FOUND", "UNIMPLEMENTED"} and refused.message
        event(f"set refused: {refused.code}")
        return
    event(f"set built: {which}")
    assert default_operation == "merge" and etree.QName(edit).localname == "config"
