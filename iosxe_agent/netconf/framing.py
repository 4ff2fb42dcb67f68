"""RFC 6242 message framing, sans-I/O: bytes in, complete NETCONF messages out.

The session hands whatever the SSH channel delivers to :meth:`Framer.feed`; a read may end anywhere, even
inside the ``]]>]]>`` delimiter or a chunk header, so both framers keep just enough state to resume. Keeping
framing free of I/O lets the same code serve every transport and be tested byte by byte.

Every size is bounded by :class:`~iosxe_agent.limits.Limits`; a protocol violation raises :class:`FramingError`.
RFC 6242 gives no way to resynchronise a broken stream, so a framer that raised is poisoned: each later
:meth:`feed` raises again and the session is expected to close.
"""

from __future__ import annotations

import enum
import re
from typing import NoReturn, Protocol

from iosxe_agent.limits import DEFAULT_LIMITS, Limits

EOM_DELIMITER = b"]]>]]>"
MAX_CHUNK_SIZE = 4294967295  # RFC 6242 §4.2: chunk-size is at most 4294967295
_MAX_CHUNK_DIGITS = len(str(MAX_CHUNK_SIZE))


class FramingError(Exception):
    """The peer broke RFC 6242 framing or exceeded a size limit; the stream cannot be trusted any more."""


class FramingTooBig(FramingError):
    """A message or chunk is larger than a :class:`~iosxe_agent.limits.Limits` bound (the client gets ``too-big``)."""


class Framer(Protocol):
    """What a NETCONF session needs from a framing mode (base:1.0 end-of-message or base:1.1 chunked)."""

    def feed(self, data: bytes) -> list[bytes]:
        """Consume received bytes and return the messages they complete, oldest first."""
        ...

    def encode(self, msg: bytes) -> bytes:
        """Return ``msg`` framed for sending."""
        ...


class EomFramer:
    """base:1.0 framing: each message is followed by ``]]>]]>`` (RFC 6242 §4.3)."""

    def __init__(self, limits: Limits = DEFAULT_LIMITS) -> None:
        self._max_message = limits.max_message_bytes
        self._buffer = bytearray()
        self._failed = False

    def feed(self, data: bytes) -> list[bytes]:
        """Return every message completed by ``data``.

        Only the new bytes, plus the last ``len(delimiter) - 1`` bytes already buffered (a delimiter may
        straddle two reads), are searched, so a large message arriving in many small reads costs linear time.

        Raises:
            FramingError: a message is larger than ``max_message_bytes``, or the framer failed before.
        """
        _check_usable(self._failed)
        buffer = self._buffer
        search_from = max(0, len(buffer) - (len(EOM_DELIMITER) - 1))
        buffer += data
        messages: list[bytes] = []
        start = 0
        while (end := buffer.find(EOM_DELIMITER, search_from)) >= 0:
            if end - start > self._max_message:
                self._fail(
                    f"message of {end - start} bytes exceeds the limit of {self._max_message} (max_message_bytes)",
                    FramingTooBig,
                )
            with memoryview(buffer) as view:
                messages.append(bytes(view[start:end]))
            start = search_from = end + len(EOM_DELIMITER)
        del buffer[:start]
        # An incomplete message may still end with up to 5 bytes of a delimiter that is not yet complete.
        if len(buffer) > self._max_message + len(EOM_DELIMITER) - 1:
            self._fail(
                f"message exceeds the limit of {self._max_message} bytes (max_message_bytes) without an "
                "end-of-message delimiter",
                FramingTooBig,
            )
        return messages

    def encode(self, msg: bytes) -> bytes:
        """Append the end-of-message delimiter.

        Raises:
            ValueError: the peer would see the delimiter earlier than intended, because ``msg`` contains it
                (possible inside an XML comment or a CDATA section) or ends with ``]]>``; base:1.0 cannot
                frame such a message.
        """
        framed = msg + EOM_DELIMITER
        if framed.find(EOM_DELIMITER) != len(msg):
            raise ValueError("message cannot be framed in base:1.0: it would end before the delimiter")
        return framed

    def _fail(self, reason: str, kind: type[FramingError] = FramingError) -> NoReturn:
        self._failed = True
        self._buffer.clear()
        raise kind(reason)


class _State(enum.Enum):
    """Where a :class:`ChunkFramer` is inside ``LF HASH chunk-size LF chunk-data`` / ``LF HASH HASH LF``."""

    LF = enum.auto()  # expecting the LF that opens a chunk header or the end-of-chunks marker
    HASH = enum.auto()  # expecting the first '#'
    SIZE_START = enum.auto()  # expecting a non-zero digit (a chunk) or a second '#' (end of chunks)
    SIZE = enum.auto()  # reading further digits, up to the LF that ends the header
    DATA = enum.auto()  # copying chunk-data
    END_LF = enum.auto()  # expecting the LF after '##'


_LF = ord("\n")
_HASH = ord("#")
_ZERO = ord("0")
_NINE = ord("9")
#: a whole chunk header (at most the RFC's 10 digits) or end-of-chunks marker, matched where a header starts
_HEADER = re.compile(rb"\n#([1-9][0-9]{0,%d})\n|\n##\n" % (_MAX_CHUNK_DIGITS - 1))


class ChunkFramer:
    """base:1.1 chunked framing (RFC 6242 §4.2): ``\\n#<len>\\n<data>`` repeated, then ``\\n##\\n``.

    A header that arrives whole and within the limits is taken in one regular-expression match (the common
    case, once or twice per message); anything else (a header split over reads, a malformed or oversized one)
    goes one byte at a time through the state machine, which alone decides what an error says. Chunk data is
    appended in slices to one buffer, so a message split over many reads costs no more than one arriving whole.
    A chunk header is refused as soon as its size would break a limit, before any of its data is buffered.
    """

    def __init__(self, limits: Limits = DEFAULT_LIMITS) -> None:
        self._max_message = limits.max_message_bytes
        self._max_chunk = min(limits.max_chunk_bytes, MAX_CHUNK_SIZE)
        self._state = _State.LF
        self._size = 0  # chunk-size being read, then bytes of chunk-data still to copy
        self._digits = 0
        self._message = bytearray()
        self._failed = False

    def feed(self, data: bytes) -> list[bytes]:
        """Return every message completed by ``data``.

        Raises:
            FramingError: a malformed header (a byte other than the grammar allows, a leading zero, a zero or
                oversized chunk-size, an end-of-chunks marker before any chunk), a message larger than
                ``max_message_bytes``, or the framer failed before.
        """
        _check_usable(self._failed)
        view = memoryview(data)
        messages: list[bytes] = []
        pos = 0
        while pos < len(view):
            if self._state is _State.DATA:
                take = min(self._size, len(view) - pos)
                self._message += view[pos : pos + take]
                self._size -= take
                pos += take
                if self._size == 0:
                    self._state = _State.LF
                continue
            if self._state is _State.LF and (end := self._whole_header(data, pos, messages)):
                pos = end
                continue
            message = self._header_byte(view[pos])
            pos += 1
            if message is not None:
                messages.append(message)
        return messages

    def encode(self, msg: bytes) -> bytes:
        """Frame ``msg`` as chunks of at most ``max_chunk_bytes`` followed by the end-of-chunks marker.

        Raises:
            ValueError: ``msg`` is empty; a chunk cannot have size 0, so base:1.1 cannot frame it.
        """
        if not msg:
            raise ValueError("an empty message cannot be framed in base:1.1 chunks")
        if len(msg) <= self._max_chunk:  # a usual reply: one chunk, framed by one formatting operation
            return b"\n#%d\n%b\n##\n" % (len(msg), msg)
        view = memoryview(msg)
        out = bytearray()
        for start in range(0, len(view), self._max_chunk):
            chunk = view[start : start + self._max_chunk]
            out += b"\n#%d\n" % len(chunk)
            out += chunk
        out += b"\n##\n"
        return bytes(out)

    def _whole_header(self, data: bytes, pos: int, messages: list[bytes]) -> int:
        """Take a complete, acceptable header at ``pos`` at once; return where it ends, or 0 to go byte by byte.

        Accepts exactly what :meth:`_header_byte` would accept over the same bytes, with the same outcome: a
        chunk-size within ``max_chunk_bytes`` (hence within every prefix of its digits) whose chunk keeps the
        message within ``max_message_bytes``, or an end-of-chunks marker after at least one chunk. A message
        that is one such chunk followed by its end-of-chunks marker, all in ``data``, is taken at once.
        """
        match = _HEADER.match(data, pos)
        if match is None:
            return 0
        digits = match.group(1)
        if digits is None:
            if not self._message:
                return 0
            messages.append(self._finish_message())
            return match.end()
        size = int(digits)
        if size > self._max_chunk or len(self._message) + size > self._max_message:
            return 0
        end = match.end()
        if not self._message and data.startswith(b"\n##\n", end + size):
            # the usual request, one chunk and the end-of-chunks marker in one read: taken without the buffer
            messages.append(bytes(data[end : end + size]))
            return end + size + len(b"\n##\n")
        self._size = size
        self._state = _State.DATA
        return end

    def _header_byte(self, byte: int) -> bytes | None:
        """Advance the header state machine by one byte; return the message an end-of-chunks completes."""
        state = self._state
        if state is _State.LF:
            self._expect(byte, _LF, "expected LF before a chunk header")
            self._state = _State.HASH
        elif state is _State.HASH:
            self._expect(byte, _HASH, "expected '#' in a chunk header")
            self._state = _State.SIZE_START
        elif state is _State.SIZE_START:
            if byte == _HASH:
                if not self._message:  # every chunk carries at least one byte
                    self._fail("end-of-chunks marker before any chunk")
                self._state = _State.END_LF
            elif _ZERO < byte <= _NINE:
                self._size, self._digits = byte - _ZERO, 1
                self._state = _State.SIZE
            else:
                self._fail(f"chunk-size must start with a digit 1-9, got {bytes([byte])!r}")
        elif state is _State.SIZE:
            if byte == _LF:
                self._start_chunk()
            elif _ZERO <= byte <= _NINE:
                self._add_digit(byte - _ZERO)
            else:
                self._fail(f"invalid byte {bytes([byte])!r} in chunk-size")
        else:  # _State.END_LF
            self._expect(byte, _LF, "expected LF after the end-of-chunks marker")
            return self._finish_message()
        return None

    def _add_digit(self, digit: int) -> None:
        self._size = self._size * 10 + digit
        self._digits += 1
        if self._digits > _MAX_CHUNK_DIGITS or self._size > MAX_CHUNK_SIZE:
            self._fail(f"chunk-size exceeds the RFC 6242 maximum of {MAX_CHUNK_SIZE}")
        if self._size > self._max_chunk:
            self._fail(
                f"chunk-size {self._size} exceeds the limit of {self._max_chunk} bytes (max_chunk_bytes)", FramingTooBig
            )

    def _start_chunk(self) -> None:
        if len(self._message) + self._size > self._max_message:
            self._fail(f"message exceeds the limit of {self._max_message} bytes (max_message_bytes)", FramingTooBig)
        self._state = _State.DATA

    def _finish_message(self) -> bytes:
        message = bytes(self._message)
        self._message.clear()
        self._state = _State.LF
        return message

    def _expect(self, byte: int, wanted: int, reason: str) -> None:
        if byte != wanted:
            self._fail(f"{reason}, got {bytes([byte])!r}")

    def _fail(self, reason: str, kind: type[FramingError] = FramingError) -> NoReturn:
        self._failed = True
        self._message.clear()
        raise kind(reason)


def _check_usable(failed: bool) -> None:
    if failed:
        raise FramingError("framing already failed on this stream")
