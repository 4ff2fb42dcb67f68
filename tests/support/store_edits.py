"""Edits of the bootstrap-shaped test configuration that are always valid (hostname, users, ``ip ssh``, a vty
line): the random steps of the datastore property tests."""

from __future__ import annotations

from hypothesis import assume
from hypothesis import strategies as st

USERS = st.sampled_from(["admin", "ops", "guest"])
SSH = {
    "authentication-retries": st.integers(0, 5),
    "dscp": st.integers(0, 63),
    "time-out": st.integers(1, 120),
    "maxstartups": st.integers(2, 128),
}


@st.composite
def valid_edits(draw: st.DrawFn) -> str:
    parts = []
    if draw(st.booleans()):
        parts.append(f"<hostname>{draw(st.from_regex(r'[A-Za-z][A-Za-z0-9-]{0,10}', fullmatch=True))}</hostname>")
    for name in draw(st.lists(USERS, unique=True, max_size=2)):
        priv = draw(st.integers(0, 15))
        parts.append(f"<username><name>{name}</name><privilege>{priv}</privilege></username>")
    ssh = "".join(f"<{k}>{draw(v)}</{k}>" for k, v in SSH.items() if draw(st.booleans()))
    if draw(st.booleans()):
        ssh += f"<dh><min><size>{draw(st.sampled_from(['2048', '4096']))}</size></min></dh>"
    if ssh:
        parts.append(f"<ip><ssh>{ssh}</ssh></ip>")
    if draw(st.booleans()):
        parts.append(f"<line><vty><first>0</first><exec-timeout><minutes>{draw(st.integers(0, 35791))}</minutes>"
                     "</exec-timeout></vty></line>")  # fmt: skip
    assume(parts)
    return "".join(parts)
