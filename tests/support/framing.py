"""RFC 6242 framing as the tests' own clients write and read it, independent of the agent's framer.

Both end-of-message (base:1.0) and chunked (base:1.1) framing; the reader is strict, so a test notices when the
agent frames badly, not only when it frames differently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

EOM = b"]]>]]>"
END_OF_CHUNKS = b"\n##\n"
MAX_CHUNK = 4294967295  # RFC 6242 §4.2


class WireFramingError(Exception):
    """The server sent bytes that are not valid RFC 6242 framing."""


_CHUNK_HEADER = re.compile(rb"\n#([1-9][0-9]{0,9})\n")
# What the start of a chunk header or end-of-chunks marker looks like before all of it has arrived.
_PARTIAL_HEADER = re.compile(rb"\n?|\n#|\n##|\n#[1-9][0-9]{0,9}")


class Deframer:
    """Splits the server's byte stream into messages: ``]]>]]>``-terminated, or RFC 6242 §4.2 chunks."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.chunked = False

    def feed(self, data: bytes) -> None:
        self.buffer += data

    def next_message(self) -> bytes | None:
        """The oldest complete message, removed from the buffer; None if none is complete yet."""
        return self._next_chunked() if self.chunked else self._next_eom()

    def _next_eom(self) -> bytes | None:
        end = self.buffer.find(EOM)
        if end < 0:
            return None
        msg = bytes(self.buffer[:end])
        del self.buffer[: end + len(EOM)]
        return msg

    def _next_chunked(self) -> bytes | None:
        buf = self.buffer
        pos = 0
        parts: list[bytes] = []
        while True:
            if buf.startswith(END_OF_CHUNKS, pos):
                if not parts:
                    raise WireFramingError("end-of-chunks before any chunk")
                del buf[: pos + len(END_OF_CHUNKS)]
                return b"".join(parts)
            m = _CHUNK_HEADER.match(buf, pos)
            if m is None:
                if _PARTIAL_HEADER.fullmatch(bytes(buf[pos : pos + 13])):
                    return None  # a header is still arriving
                raise WireFramingError(f"bad chunk header at {pos}: {bytes(buf[pos : pos + 16])!r}")
            size = int(m.group(1))
            if size > MAX_CHUNK:
                raise WireFramingError(f"chunk-size {size} exceeds the RFC 6242 maximum")
            start = m.end()
            if len(buf) < start + size:
                return None  # chunk data still arriving
            parts.append(bytes(buf[start : start + size]))
            pos = start + size


def chunk(msg: bytes, sizes: Iterable[int] | int | None = None) -> bytes:
    """Frame ``msg`` in base:1.1 chunks: one chunk, chunks of a fixed size, or of the sizes given in turn."""
    if sizes is None:
        sizes = len(msg)
    if isinstance(sizes, int):
        step = sizes
        pieces = [msg[i : i + step] for i in range(0, len(msg), step)]
    else:
        pieces, pos = [], 0
        it = iter(sizes)
        while pos < len(msg):
            n = next(it)
            pieces.append(msg[pos : pos + n])
            pos += n
    return b"".join(b"\n#%d\n%s" % (len(p), p) for p in pieces) + END_OF_CHUNKS
