"""Memos with a bound on their size, for the per-shape memos of the commit path (the printable check, the
renderer's templates, the parser's graft plans, the view carrier's touched inputs).

Each is keyed on shapes, a few per command or node in use, so a full memo means shapes are churning and none is
worth keeping over the others: it is emptied and starts again, with no bookkeeping on the hot path.
"""

from __future__ import annotations

from typing import TypeVar

_K = TypeVar("_K")
_V = TypeVar("_V")


def remember(memo: dict[_K, _V], key: _K, value: _V, bound: int) -> None:
    """``memo[key] = value``, forgetting everything first when ``memo`` holds ``bound`` entries."""
    if len(memo) >= bound:
        memo.clear()
    memo[key] = value
