"""How the C allocator is tuned in a process that serves configurations.

Why: glibc keeps small freed blocks in "fastbins" without merging them with their neighbours, and merges them
all at once at the next large allocation. libxml2 allocates every element and text of a configuration tree on
its own, so freeing a large tree, or the large documents of a bulk edit, leaves hundreds of thousands of such
blocks, and some later, unrelated allocation pays for merging them in one go: beside 100,000 users, one-leaf
commits spent about half their CPU inside a small regular-expression match that merely asked for memory. With
fastbins off (``M_MXFAST`` 0) a block merges when it is freed, while its neighbours are still in the cache.
Measured side by side (docs/bench.md): one-leaf commits beside 100,000 users took about half the CPU, creating
10,000 users added 37 MB instead of 52, and the small-configuration rows did not move. Python's own small
objects come from its own allocator and are not affected; under another C library this does nothing.
"""

from __future__ import annotations

import ctypes
import platform

#: mallopt's parameter for the largest block kept in a fastbin (glibc's malloc.h)
M_MXFAST = 1


def tune_allocator() -> bool:
    """Turn glibc's fastbins off for this process; whether it was done (False: not glibc, or refused)."""
    if platform.libc_ver()[0] != "glibc":
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library the interpreter itself runs on
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MXFAST, 0))
