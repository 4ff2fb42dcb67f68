"""A bulk change is checked in chunks of command instances (printable.CHUNK), which bounds the check's memory;
the verdict and the error must be those of checking everything at once."""

from __future__ import annotations

from typing import Any

import pytest

from iosxe_agent.data.diff import diff
from iosxe_agent.datastore.transaction import Face, Origin, Transaction
from iosxe_agent.device import printable
from iosxe_agent.device.printable import PrintableCheck

USERS = 12  # with CHUNK = 5: three chunks, the last one short


def _users(bad: set[int]) -> str:
    return "".join(
        f"<username><name>{'x y' if i in bad else 'user'}{i:03d}</name><privilege>{i % 16}</privilege></username>"
        for i in range(USERS)
    )


def _check(trees: Any, body: str) -> list[tuple[object, ...]]:
    old = trees.apply(trees.empty(), trees.doc.cfg("<hostname>R1</hostname>"))
    new = trees.apply(old, trees.doc.cfg(body))
    txn = Transaction(old, new, diff(old, new, trees.schema), Origin(session_id=7, user="u", face=Face.NETCONF))
    return [(e.tag, e.message, e.path, e.info) for e in PrintableCheck(trees.schema).check(txn)]


@pytest.mark.parametrize("bad", [set(), {7}, {11}, {3, 9}])
def test_chunked_check_gives_the_verdict_of_the_whole_check(
    trees: Any, bad: set[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    body = _users(bad)
    whole = _check(trees, body)  # USERS < CHUNK: one pass over everything
    monkeypatch.setattr(printable, "CHUNK", 5)
    assert _check(trees, body) == whole
    assert bool(whole) == bool(bad)
