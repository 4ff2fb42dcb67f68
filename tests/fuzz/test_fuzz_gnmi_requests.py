"""Fuzzing the gNMI request path as the server runs it: bytes off the wire → protobuf message → Get or Set on a
real in-process device. Whatever arrives, the answer is a reply or a :class:`GnmiFault` (a gRPC status), never
another exception, and a refused Set leaves running as it was (the same tree object: nothing was committed).

Inputs are valid requests on schema-shaped paths (``ip ssh`` leaves, values of every scalar kind and JSON text)
with bytes flipped, cut or spliced, and raw random bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from iosxe_agent.gnmi.errors import GnmiFault
from iosxe_agent.gnmi.proto import gnmi_pb2
from iosxe_agent.gnmi.server import parse
from iosxe_agent.router import Device

FUZZ = settings.get_profile("iosxe-fuzz")
LEAVES = ("time-out", "authentication-retries", "version", "source-interface", "bulk-mode", "no-such-leaf")


def _path(leaf: str, origin: str) -> gnmi_pb2.Path:
    top = "Cisco-IOS-XE-native:native" if origin == "rfc7951" else "native"
    elems = [top, "ip", "ssh", leaf]
    return gnmi_pb2.Path(origin=origin, elem=[gnmi_pb2.PathElem(name=e) for e in elems])


VALUES = st.one_of(
    st.integers(-(2**63), 2**63 - 1).map(lambda i: gnmi_pb2.TypedValue(int_val=i)),
    st.text(max_size=12).map(lambda s: gnmi_pb2.TypedValue(string_val=s)),
    st.booleans().map(lambda b: gnmi_pb2.TypedValue(bool_val=b)),
    st.recursive(
        st.none() | st.integers(-5, 500) | st.text(max_size=6),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(LEAVES), inner, max_size=3),
        max_leaves=6,
    ).map(lambda v: gnmi_pb2.TypedValue(json_ietf_val=json.dumps(v).encode())),
    st.binary(max_size=16).map(lambda b: gnmi_pb2.TypedValue(json_ietf_val=b)),
)
PATHS = st.builds(_path, st.sampled_from(LEAVES), st.sampled_from(["", "rfc7951", "Cisco-IOS-XE-native", "x"]))
SETS = st.builds(
    lambda d, r, u: gnmi_pb2.SetRequest(delete=d, replace=r, update=u),
    st.lists(PATHS, max_size=2),
    st.lists(st.builds(lambda p, v: gnmi_pb2.Update(path=p, val=v), PATHS, VALUES), max_size=2),
    st.lists(st.builds(lambda p, v: gnmi_pb2.Update(path=p, val=v), PATHS, VALUES), max_size=2),
)
GETS = st.builds(
    lambda p, t, e: gnmi_pb2.GetRequest(path=p, type=t, encoding=e),
    st.lists(PATHS, max_size=3),
    st.sampled_from([0, 1, 2, 3, 9]),
    st.sampled_from([0, 4, 2, 77]),
)


@st.composite
def damaged(draw: st.DrawFn, message: st.SearchStrategy[gnmi_pb2.SetRequest | gnmi_pb2.GetRequest]) -> bytes:
    data = bytearray(draw(message).SerializeToString())
    how = draw(st.sampled_from(["keep", "flip", "cut", "splice"]))
    if how == "flip" and data:
        at = draw(st.integers(0, len(data) - 1))
        data[at] ^= draw(st.integers(1, 255))
    elif how == "cut":
        data = data[: draw(st.integers(0, len(data)))]
    elif how == "splice":
        data[draw(st.integers(0, len(data))) :] = draw(st.binary(max_size=8))
    return bytes(data)


def _serve(loop: asyncio.AbstractEventLoop, device: Device, data: bytes) -> None:
    api = device.gnmi.api
    before = device.stores.running
    with contextlib.suppress(GnmiFault):
        api.get(parse(gnmi_pb2.GetRequest, data))
    try:
        loop.run_until_complete(asyncio.wait_for(api.set(parse(gnmi_pb2.SetRequest, data), "fuzz", None), 30))
    except GnmiFault:
        assert device.stores.running is before  # refused: nothing committed


@settings(FUZZ, max_examples=FUZZ.max_examples)
@given(data=st.one_of(damaged(SETS), damaged(GETS), st.binary(max_size=64)))
def test_any_request_bytes_give_a_reply_or_a_status(
    loop: asyncio.AbstractEventLoop, device: Device, data: bytes
) -> None:
    _serve(loop, device, data)
