"""A process that commits to running's journal for ever, for tests/datastore/test_journal_crash.py to SIGKILL.

``python3 journal_writer.py STATE_DIR BOUND`` loads the journal of ``STATE_DIR`` (a snapshot of :func:`start_tree`
when there is none), then makes commit after commit: commit ``k`` is :func:`edit_body` ``(k)``, appended, then
``compact_after`` with ``journal_compact_bytes`` = ``BOUND``. It prints ``loaded k`` (the last commit it found),
``acked k`` once commit ``k`` is durable, and ``compacting k`` / ``compacted k`` around a compaction that is due,
each line flushed, so the killer knows what was acknowledged and can aim at a compaction.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from lxml import etree

from iosxe_agent.data.diff import diff
from iosxe_agent.data.edit import apply_edit
from iosxe_agent.datastore.change_record import encode
from iosxe_agent.datastore.journal import RunningJournal
from iosxe_agent.datastore.persist import serialize
from iosxe_agent.datastore.transaction import SYSTEM, Transaction
from iosxe_agent.limits import Limits

EDGE = "urn:test:edge"
NC = "urn:ietf:params:xml:ns:netconf:base:1.0"
RULES = 500  # a snapshot of some size, so a kill can land while it is written


def edge_schema() -> Any:
    """test-edge from tests/cisco_schema.py (loaded by path: tests are no package)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import cisco_schema

    return cisco_schema.edge_schema()


def config(body: str) -> etree._Element:
    return etree.fromstring(f'<config xmlns="{NC}"><top xmlns="{EDGE}">{body}</top></config>')


def start_tree(schema: Any) -> etree._Element:
    """Running before commit 1."""
    rules = "".join(f"<rule><name>r{i}</name><action>x</action></rule>" for i in range(RULES))
    empty = etree.Element(f"{{{NC}}}config", nsmap={None: NC})
    result = apply_edit(empty, config(rules), schema)
    assert result.tree is not None
    return result.tree


def edit_body(k: int) -> str:
    """Commit ``k``: a new value of a leaf, a rule created and an older one removed."""
    body = f"<big>{k}</big><rule><name>n{k}</name><action>y</action></rule>"
    if k > 3:
        body += f'<rule xmlns:nc="{NC}" nc:operation="remove"><name>n{k - 3}</name></rule>'
    return body


def commit(tree: etree._Element, k: int, schema: Any) -> tuple[etree._Element, bytes]:
    """Running after commit ``k`` (from running before it) and the record of that commit."""
    result = apply_edit(tree, config(edit_body(k)), schema)
    assert result.tree is not None, result.errors
    txn = Transaction(tree, result.tree, diff(tree, result.tree, schema, result.touched), SYSTEM)
    return result.tree, encode(txn, schema, result.touched)


def main() -> None:
    state, bound = Path(sys.argv[1]), int(sys.argv[2])
    schema = edge_schema()
    journal = RunningJournal(state / "running-config.xml", schema, Limits(journal_compact_bytes=bound))
    tree = journal.load()
    if tree is None:
        tree = start_tree(schema)
        journal.snapshot(serialize(tree))
    k = int(tree.findtext(f"{{{EDGE}}}top/{{{EDGE}}}big") or 0)
    print(f"loaded {k}", flush=True)
    while True:
        k += 1
        tree, record = commit(tree, k, schema)
        journal.append(record)
        print(f"acked {k}", flush=True)
        if journal.needs_snapshot():
            print(f"compacting {k}", flush=True)
            journal.compact_after(lambda t=tree: serialize(t))
            print(f"compacted {k}", flush=True)


if __name__ == "__main__":
    main()
