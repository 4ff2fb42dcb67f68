"""base:1.1 framing of what we send: a message that fits one chunk is framed in one step, a longer one chunk by
chunk; both give exactly the RFC 6242 §4.2 stream, and the peer's framer reads the message back."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from iosxe_agent.limits import Limits
from iosxe_agent.netconf.framing import ChunkFramer


def _rfc_chunks(msg: bytes, size: int) -> bytes:
    """RFC 6242 §4.2: ``LF # len LF data`` per piece of at most ``size`` bytes, then ``LF ## LF``."""
    pieces = [msg[i : i + size] for i in range(0, len(msg), size)]
    return b"".join(b"\n#%d\n" % len(piece) + piece for piece in pieces) + b"\n##\n"


@given(msg=st.binary(min_size=1, max_size=60), max_chunk=st.integers(1, 40))
def test_encode_is_the_rfc_chunk_stream_and_reads_back(msg: bytes, max_chunk: int) -> None:
    framer = ChunkFramer(Limits(max_chunk_bytes=max_chunk))
    encoded = framer.encode(msg)
    assert encoded == _rfc_chunks(msg, max_chunk)
    assert ChunkFramer(Limits(max_chunk_bytes=max_chunk)).feed(encoded) == [msg]


def test_a_message_of_exactly_one_chunk_and_one_byte_more() -> None:
    framer = ChunkFramer(Limits(max_chunk_bytes=4))
    assert framer.encode(b"abcd") == b"\n#4\nabcd\n##\n"
    assert framer.encode(b"abcde") == b"\n#4\nabcd\n#1\ne\n##\n"
