"""One leaf of a tree committed with one value after another through a printable check, each verdict with the
number of full read-backs it took (how the tests of the check's proofs see that a proven shape is not read back)."""

from __future__ import annotations

import copy

import pytest
from lxml import etree

from iosxe_agent.data.diff import diff
from iosxe_agent.datastore.transaction import Face, Origin, Transaction
from iosxe_agent.device import printable
from iosxe_agent.yang.schema import Schema


def verdicts(
    check: printable.PrintableCheck, old: etree._Element, tag: str, values: list[str], schema: Schema
) -> list[tuple[str, int, int]]:
    """For each of ``values``: the first ``tag`` element of a copy of ``old`` set to it, committed by a user;
    (the value, the errors the check gave, the full read-backs it made)."""
    reads = [0]
    real = printable.unprintable

    def counted(tree: etree._Element, schema: Schema) -> list[printable.Unprintable]:
        reads[0] += 1
        return real(tree, schema)

    out = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(printable, "unprintable", counted)
        for value in values:
            new = copy.deepcopy(old)
            next(new.iter(tag)).text = value
            txn = Transaction(old, new, diff(old, new, schema), Origin(session_id=7, user="u", face=Face.NETCONF))
            before = reads[0]
            out.append((value, len(check.check(txn)), reads[0] - before))
    return out
