"""Fuzzing the RFC 6242 decoders: whatever bytes arrive, split however, a framer returns messages within the
limits or raises FramingError, and a framer that raised stays failed."""

from __future__ import annotations

import itertools
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iosxe_agent.limits import Limits
from iosxe_agent.netconf.framing import EOM_DELIMITER, ChunkFramer, EomFramer, Framer, FramingError, FramingTooBig

FUZZ = settings.get_profile("iosxe-fuzz")
SMALL = Limits(max_message_bytes=300, max_chunk_bytes=64)

_EOM_PIECES = st.one_of(
    st.sampled_from([EOM_DELIMITER, b"]]>", b"]]", b"]", b">]]>", b"<rpc/>", b"\n", b"]]>]]"]),
    st.binary(max_size=40),
)
_CHUNK_PIECES = st.one_of(
    st.integers(1, 80).map(lambda n: b"\n#%d\n" % n),  # chunk headers, some over max_chunk_bytes
    st.sampled_from([b"\n##\n", b"\n#", b"#", b"\n", b"\n#0\n", b"\n#01\n", b"\n#4294967296\n", b"##"]),
    st.binary(max_size=40),
)


def _split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    edges = [0, *points, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(edges)]


def _decode(framer: Framer, pieces: list[bytes]) -> tuple[list[bytes], FramingError | None]:
    out: list[bytes] = []
    for piece in pieces:
        try:
            out += framer.feed(piece)
        except FramingError as exc:
            with pytest.raises(FramingError):
                framer.feed(b"\n#1\nx\n##\n]]>]]>")  # poisoned: never resynchronises
            return out, exc
    return out, None


@settings(FUZZ, max_examples=5 * FUZZ.max_examples)
@given(st.lists(_EOM_PIECES, max_size=30), st.lists(st.integers(0, 10_000), max_size=8))
def test_eom_decoder(pieces: list[bytes], cuts: list[int]) -> None:
    stream = b"".join(pieces)
    whole, whole_error = _decode(EomFramer(SMALL), [stream])
    split, split_error = _decode(EomFramer(SMALL), _split(stream, cuts))
    if whole_error is None and split_error is None:
        assert split == whole  # where the reads end never changes the messages
        assert whole == stream.split(EOM_DELIMITER)[: len(whole)]
    assert all(len(m) <= SMALL.max_message_bytes for m in whole + split)
    assert all(EOM_DELIMITER not in m for m in whole + split)


@settings(FUZZ, max_examples=5 * FUZZ.max_examples)
@given(st.lists(_CHUNK_PIECES, max_size=30), st.lists(st.integers(0, 10_000), max_size=8))
def test_chunk_decoder(pieces: list[bytes], cuts: list[int]) -> None:
    stream = b"".join(pieces)
    whole, whole_error = _decode(ChunkFramer(SMALL), [stream])
    split, split_error = _decode(ChunkFramer(SMALL), _split(stream, cuts))
    assert type(split_error) is type(whole_error)
    # a feed that raises returns nothing, so a message completed in the same read as the damage is not seen
    assert split == whole if whole_error is None else split[: len(whole)] == whole
    assert all(0 < len(m) <= SMALL.max_message_bytes for m in whole)


@settings(FUZZ, max_examples=5 * FUZZ.max_examples)
@given(
    st.lists(st.binary(min_size=1, max_size=400), min_size=1, max_size=4),
    st.lists(st.integers(0, 10_000), max_size=8),
)
def test_chunk_roundtrip_or_too_big(messages: list[bytes], cuts: list[int]) -> None:
    stream = b"".join(ChunkFramer(SMALL).encode(m) for m in messages)
    out, error = _decode(ChunkFramer(SMALL), _split(stream, cuts))
    fits = [m for m in messages if len(m) <= SMALL.max_message_bytes]
    if error is None:
        assert out == messages
    else:  # the first message over the limit stops the stream, with the limit's own error
        assert isinstance(error, FramingTooBig) and out == fits[: len(out)]
        assert "max_message_bytes" in str(error)


@pytest.mark.parametrize("framer_class", [EomFramer, ChunkFramer], ids=["1.0", "1.1"])
def test_memory_stays_bounded_for_an_endless_message(framer_class: type[EomFramer | ChunkFramer]) -> None:
    """32 MiB streamed at a 1 MiB message limit: refused near the limit, with memory in proportion to it."""
    limits = Limits(max_message_bytes=1 << 20, max_chunk_bytes=1 << 16)
    framer = framer_class(limits)
    piece = b"a" * (1 << 16)
    framed = piece if framer_class is EomFramer else b"\n#%d\n" % len(piece) + piece
    tracemalloc.start()
    fed = 0
    try:
        with pytest.raises(FramingTooBig):
            for _ in range(512):
                framer.feed(framed)
                fed += len(piece)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert fed <= limits.max_message_bytes
    assert peak < 4 * limits.max_message_bytes, f"peak {peak} bytes"
