"""``verify /md5``: the MD5 of a file as IOS prints it, and the check against a hash the user submits.

Why it exists: netmiko's ``file_transfer`` and NAPALM's ``ios`` driver copy a file with SCP and then run ``verify
/md5 flash:/F`` to compare the device's MD5 with their own (netmiko reads the hash after the first ``=``);
operators paste the MD5 Cisco publishes for an image to check a download. What IOS prints:

    Router#verify /md5 flash:image.bin
    ..........Done!
    verify /md5 (flash:image.bin) = 0f369ed9e98756f179d4f29d6e7755d3

    Router#verify /md5 flash:image.bin 0f369ed9e98756f179d4f29d6e7755d3
    ..........Done!
    Verified (flash:image.bin) = 0f369ed9e98756f179d4f29d6e7755d3

    Router#verify /md5 flash:image.bin 0f
    ..........Done!
    %Error verifying flash:image.bin
    Computed signature = 0f369ed9e98756f179d4f29d6e7755d3
    Submitted signature = 0f

Only the pure parts live here (the digest of a stream, read in bounded chunks, and the text); the CLI command in
:mod:`iosxe_agent.cli.file_cmds` reads the file through the device file system, in a worker thread (an image of
hundreds of megabytes takes seconds to hash and must not stall the other sessions of the device).
"""

from __future__ import annotations

import hashlib
from typing import BinaryIO

#: IOS prints one progress dot per block it has read; the size is ours (a 64 MB flash: gives at most 512 dots).
BLOCK = 128 * 1024


def md5_of(stream: BinaryIO, block: int = BLOCK) -> tuple[str, int]:
    """The hex MD5 of what ``stream`` holds and the number of blocks read (at least one: IOS prints a dot even
    for an empty file). Reads ``block`` bytes at a time, so memory stays bounded whatever the file's size."""
    digest = hashlib.md5(usedforsecurity=False)
    blocks = 0
    while chunk := stream.read(block):
        digest.update(chunk)
        blocks += 1
    return digest.hexdigest(), max(blocks, 1)


def render_verify(shown: str, computed: str, blocks: int, submitted: str | None = None) -> str:
    """What ``verify /md5 SHOWN [SUBMITTED]`` prints once the digest is known: the progress dots and ``Done!``,
    then the MD5, or whether it equals the submitted one (compared without regard to case, as hex is)."""
    progress = "." * blocks + "Done!"
    if submitted is None:
        return f"{progress}\nverify /md5 ({shown}) = {computed}"
    if submitted.lower() == computed:
        return f"{progress}\nVerified ({shown}) = {computed}"
    return f"{progress}\n%Error verifying {shown}\nComputed signature = {computed}\nSubmitted signature = {submitted}"
