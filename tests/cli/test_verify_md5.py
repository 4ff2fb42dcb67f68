"""``verify /md5`` and the ``show startup-config`` header as pure functions: the digest of a stream read in
bounded blocks equals hashlib's, and the text is IOS's (netmiko reads the hash after the first ``=``)."""

from __future__ import annotations

import hashlib
import io
import re

from hypothesis import given
from hypothesis import strategies as st

from iosxe_agent.cli.file_cmds import NVRAM_BYTES, startup_listing
from iosxe_agent.cli.verify import BLOCK, md5_of, render_verify

#: netmiko's BaseFileTransfer.process_md5 pattern
NETMIKO_MD5 = re.compile(r"=\s+(\S+)")


@given(st.binary(max_size=4096), st.integers(min_value=1, max_value=512))
def test_md5_of_a_stream_is_hashlibs_whatever_the_block_size(data: bytes, block: int) -> None:
    digest, blocks = md5_of(io.BytesIO(data), block)
    assert digest == hashlib.md5(data).hexdigest()
    assert blocks == max(1, -(-len(data) // block))  # one dot per block read, one even for an empty file


def test_the_default_block_gives_one_dot_per_128_kib() -> None:
    data = bytes(range(256)) * (3 * BLOCK // 256) + b"tail"
    assert md5_of(io.BytesIO(data)) == (hashlib.md5(data).hexdigest(), 4)


def test_verify_prints_the_dots_then_the_md5_where_netmiko_looks_for_it() -> None:
    text = render_verify("flash:/image.bin", "0f369ed9e98756f179d4f29d6e7755d3", 3)
    assert text == "...Done!\nverify /md5 (flash:/image.bin) = 0f369ed9e98756f179d4f29d6e7755d3"
    match = NETMIKO_MD5.search(text)
    assert match is not None and match.group(1) == "0f369ed9e98756f179d4f29d6e7755d3"


def test_a_submitted_hash_is_verified_without_regard_to_case() -> None:
    computed = "0f369ed9e98756f179d4f29d6e7755d3"
    text = render_verify("flash:image.bin", computed, 1, computed.upper())
    assert text == f".Done!\nVerified (flash:image.bin) = {computed}"


def test_a_wrong_hash_is_an_error_with_both_signatures() -> None:
    text = render_verify("flash:image.bin", "0f369ed9e98756f179d4f29d6e7755d3", 2, "0f")
    assert text.splitlines() == [
        "..Done!",
        "%Error verifying flash:image.bin",
        "Computed signature = 0f369ed9e98756f179d4f29d6e7755d3",
        "Submitted signature = 0f",
    ]


def test_show_startup_config_begins_with_the_nvram_usage_of_the_text() -> None:
    text = "!\nversion 17.12\nhostname R\u00e9\n!\nend\n"  # a non-ASCII byte counts as its UTF-8 length
    listing = startup_listing(text)
    first, _, rest = listing.partition("\n")
    assert first == f"Using {len(text.encode())} out of 33554432 bytes"
    assert rest == text
    assert NVRAM_BYTES == 32768 * 1024  # show version: "32768K bytes of non-volatile configuration memory."
