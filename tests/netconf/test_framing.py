"""RFC 6242 framing: both modes, every read boundary, every violation."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iosxe_agent.limits import Limits
from iosxe_agent.netconf.framing import ChunkFramer, EomFramer, Framer, FramingError

MESSAGES = [b'<rpc message-id="1"><get/></rpc>', b"<hello/>", b"x" * 300, b"]]>]]"]
EOM_STREAM = b"".join(m + b"]]>]]>" for m in MESSAGES)

# RFC 6242 §4.2: one <rpc> sent as three chunks.
RFC_CHUNKS = [
    b"<rpc",
    b' message-id="102"\n',
    b'     xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">\n  <close-session/>\n</rpc>',
]
RFC_EXAMPLE = b"".join(b"\n#%d\n%s" % (len(chunk), chunk) for chunk in RFC_CHUNKS) + b"\n##\n"


def feed_all(framer: Framer, pieces: list[bytes]) -> list[bytes]:
    return [message for piece in pieces for message in framer.feed(piece)]


def byte_by_byte(data: bytes) -> list[bytes]:
    return [data[i : i + 1] for i in range(len(data))]


def chunk_stream(messages: list[bytes]) -> bytes:
    framer = ChunkFramer()
    return b"".join(framer.encode(m) for m in messages)


def test_rfc_example_chunk_sizes_match_the_rfc() -> None:
    assert [len(c) for c in RFC_CHUNKS] == [4, 18, 79]


def test_rfc_example_decodes_to_one_message() -> None:
    assert ChunkFramer().feed(RFC_EXAMPLE) == [b"".join(RFC_CHUNKS)]


def test_rfc_example_byte_by_byte() -> None:
    assert feed_all(ChunkFramer(), byte_by_byte(RFC_EXAMPLE)) == [b"".join(RFC_CHUNKS)]


@pytest.mark.parametrize("framer_class", [EomFramer, ChunkFramer], ids=["1.0", "1.1"])
def test_every_split_point_of_a_multi_message_stream(framer_class: type[EomFramer | ChunkFramer]) -> None:
    stream = EOM_STREAM if framer_class is EomFramer else chunk_stream(MESSAGES)
    for cut in range(len(stream) + 1):
        assert feed_all(framer_class(), [stream[:cut], stream[cut:]]) == MESSAGES, cut


@pytest.mark.parametrize("framer_class", [EomFramer, ChunkFramer], ids=["1.0", "1.1"])
def test_byte_by_byte(framer_class: type[EomFramer | ChunkFramer]) -> None:
    stream = EOM_STREAM if framer_class is EomFramer else chunk_stream(MESSAGES)
    assert feed_all(framer_class(), byte_by_byte(stream)) == MESSAGES


def test_eom_delimiter_split_across_reads() -> None:
    framer = EomFramer()
    assert framer.feed(b"<a/>]]>") == []
    assert framer.feed(b"]]") == []
    assert framer.feed(b">") == [b"<a/>"]


def test_eom_partial_delimiters_inside_a_message_are_data() -> None:
    framer = EomFramer()
    assert framer.feed(b"a]]>]]b]]>]") == []
    assert framer.feed(b"]x]]>]]>") == [b"a]]>]]b]]>]]x"]


def test_eom_returns_messages_in_order_and_keeps_the_rest() -> None:
    framer = EomFramer()
    assert framer.feed(b"<a/>]]>]]><b/>]]>]]><c") == [b"<a/>", b"<b/>"]
    assert framer.feed(b"/>]]>]]>") == [b"<c/>"]


def test_eom_encode() -> None:
    assert EomFramer().encode(b"<a/>") == b"<a/>]]>]]>"


@pytest.mark.parametrize("message", [b"<!-- ]]>]]> -->", b"<a/>]]>"], ids=["contains", "ends-with-prefix"])
def test_eom_encode_refuses_a_message_the_peer_would_cut_short(message: bytes) -> None:
    with pytest.raises(ValueError):
        EomFramer().encode(message)


def test_eom_large_message_in_small_reads() -> None:
    body = b"<data>" + b"y" * 2_000_000 + b"</data>"
    framer = EomFramer()
    out = feed_all(framer, [body[i : i + 1000] for i in range(0, len(body), 1000)] + [b"]]>]]>"])
    assert out == [body]


def test_eom_message_over_the_limit_without_delimiter() -> None:
    framer = EomFramer(Limits(max_message_bytes=10))
    assert framer.feed(b"0123456789]]>]]") == []  # 10 bytes plus an incomplete delimiter is still fine
    with pytest.raises(FramingError):
        framer.feed(b"x")


def test_eom_message_over_the_limit_with_delimiter() -> None:
    with pytest.raises(FramingError):
        EomFramer(Limits(max_message_bytes=10)).feed(b"01234567890]]>]]>")


def test_eom_message_at_the_limit_is_accepted() -> None:
    assert EomFramer(Limits(max_message_bytes=10)).feed(b"0123456789]]>]]>") == [b"0123456789"]


def test_chunked_message_split_into_many_chunks() -> None:
    message = bytes(range(256)) * 40
    framer = ChunkFramer(Limits(max_chunk_bytes=7))
    encoded = framer.encode(message)
    assert encoded.count(b"\n#7\n") == len(message) // 7
    assert ChunkFramer().feed(encoded) == [message]
    assert feed_all(ChunkFramer(), byte_by_byte(encoded)) == [message]


def test_chunk_data_may_contain_framing_bytes() -> None:
    message = b"\n#5\n\n##\n]]>]]>"
    assert ChunkFramer().feed(ChunkFramer().encode(message)) == [message]


def test_chunk_encode_single_chunk() -> None:
    assert ChunkFramer().encode(b"<a/>") == b"\n#4\n<a/>\n##\n"


def test_chunk_encode_refuses_an_empty_message() -> None:
    with pytest.raises(ValueError):
        ChunkFramer().encode(b"")


def test_largest_legal_chunk_size_header_is_accepted_when_limits_allow() -> None:
    limits = Limits(max_chunk_bytes=4294967295, max_message_bytes=4294967295)
    assert ChunkFramer(limits).feed(b"\n#4294967295\nabc") == []


@pytest.mark.parametrize(
    "stream",
    [
        pytest.param(b"#4\nabcd\n##\n", id="missing-leading-LF"),
        pytest.param(b"\n4\nabcd\n##\n", id="missing-hash"),
        pytest.param(b"\n#0\n", id="size-zero"),
        pytest.param(b"\n#04\nabcd\n##\n", id="leading-zero"),
        pytest.param(b"\n#4294967296\n", id="size-over-rfc-maximum"),
        pytest.param(b"\n#42949672950\n", id="too-many-digits"),
        pytest.param(b"\n#4 \nabcd", id="space-after-size"),
        pytest.param(b"\n#-4\nabcd", id="negative-size"),
        pytest.param(b"\n#a\n", id="non-digit-size"),
        pytest.param(b"\n#\n", id="empty-size"),
        pytest.param(b"\n#4\nabcd#\n", id="missing-LF-after-data"),
        pytest.param(b"\n#4\nabcdX##\n", id="garbage-after-data"),
        pytest.param(b"\n#4\nabcd\n##X", id="missing-LF-after-end-of-chunks"),
        pytest.param(b"\n##\n", id="end-of-chunks-without-chunk"),
        pytest.param(b"\n#4\nabcd\n##\n<a/>", id="bytes-between-messages"),
        pytest.param(b"<rpc/>]]>]]>", id="base-1.0-message-on-1.1-stream"),
    ],
)
def test_chunk_violations(stream: bytes) -> None:
    with pytest.raises(FramingError):
        ChunkFramer().feed(stream)
    with pytest.raises(FramingError):
        feed_all(ChunkFramer(), byte_by_byte(stream))


def test_chunk_larger_than_limit() -> None:
    with pytest.raises(FramingError):
        ChunkFramer(Limits(max_chunk_bytes=16)).feed(b"\n#17\n")


def test_chunk_at_limit_is_accepted() -> None:
    assert ChunkFramer(Limits(max_chunk_bytes=16)).feed(b"\n#16\n" + b"a" * 16 + b"\n##\n") == [b"a" * 16]


def test_chunked_message_over_the_limit_is_refused_at_the_header() -> None:
    framer = ChunkFramer(Limits(max_message_bytes=10))
    assert framer.feed(b"\n#6\nabcdef") == []
    with pytest.raises(FramingError):
        framer.feed(b"\n#5\n")


def test_message_limit_applies_per_message() -> None:
    framer = ChunkFramer(Limits(max_message_bytes=10))
    stream = b"\n#6\nabcdef\n#4\nghij\n##\n" * 3
    assert framer.feed(stream) == [b"abcdefghij"] * 3


@pytest.mark.parametrize(
    ("framer", "bad", "good"),
    [
        (EomFramer(Limits(max_message_bytes=4)), b"toolong]]>]]>", b"<a/>]]>]]>"),
        (ChunkFramer(), b"\n#0\n", b"\n#4\n<a/>\n##\n"),
    ],
    ids=["1.0", "1.1"],
)
def test_framer_is_unusable_after_an_error(framer: Framer, bad: bytes, good: bytes) -> None:
    with pytest.raises(FramingError):
        framer.feed(bad)
    with pytest.raises(FramingError):
        framer.feed(good)


message_lists = st.lists(st.binary(min_size=1, max_size=200), min_size=1, max_size=6)


def random_slices(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({0, len(data), *(c % (len(data) + 1) for c in cuts)})
    return [data[a:b] for a, b in itertools.pairwise(points)]


@given(messages=message_lists, cuts=st.lists(st.integers(min_value=0), max_size=30))
def test_chunk_encode_then_feed_in_random_slices(messages: list[bytes], cuts: list[int]) -> None:
    encoder = ChunkFramer(Limits(max_chunk_bytes=13))
    stream = b"".join(encoder.encode(m) for m in messages)
    assert feed_all(ChunkFramer(), random_slices(stream, cuts)) == messages


def eom_frameable(message: bytes) -> bool:
    return (message + b"]]>]]>").find(b"]]>]]>") == len(message)


@given(
    messages=st.lists(st.binary(min_size=0, max_size=200).filter(eom_frameable), min_size=1, max_size=6),
    cuts=st.lists(st.integers(min_value=0), max_size=30),
)
def test_eom_encode_then_feed_in_random_slices(messages: list[bytes], cuts: list[int]) -> None:
    encoder = EomFramer()
    stream = b"".join(encoder.encode(m) for m in messages)
    assert feed_all(EomFramer(), random_slices(stream, cuts)) == messages
