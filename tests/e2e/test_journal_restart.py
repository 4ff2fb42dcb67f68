"""Running kept as snapshot + journal by the real agent: one-leaf commits append a few hundred bytes each, the
journal is folded into a new snapshot past its bound, and a SIGKILLed agent comes back with the last commit."""

from __future__ import annotations

import signal
from collections.abc import Callable
from typing import Any

from namespaces import IOS
from ncclient.xml_ import to_ele

BOUND = 4096


def set_hostname(m: Any, name: str) -> None:
    body = f'<config><native xmlns="{IOS}"><hostname>{name}</hostname></native></config>'
    m.edit_config(target="running", config=to_ele(body))


def hostname(m: Any) -> str:
    reply = m.get_config(source="running", filter=("subtree", f'<native xmlns="{IOS}"><hostname/></native>'))
    return str(reply.data_ele.findtext(f".//{{{IOS}}}hostname"))


def test_commits_append_to_the_journal_and_survive_a_kill(fresh_agent: Callable[..., Any]) -> None:
    agent = fresh_agent("--persist-running", "--limit", f"journal_compact_bytes={BOUND}")
    state = agent.state_dir
    m = agent.connect()
    try:
        set_hostname(m, "J0")
        journal = next(state.glob("running-config.*.journal"))
        before = journal.stat().st_size
        set_hostname(m, "J1")
        assert 0 < journal.stat().st_size - before < 400  # one leaf, not the whole configuration
        for i in range(2, 40):  # past the bound: a new generation, the old one removed
            set_hostname(m, f"J{i}")
        assert not (state / "running-config.xml").exists()
        assert len(list(state.glob("running-config.*.xml"))) == 1
        assert len(list(state.glob("running-config.*.journal"))) == 1
        assert journal.name not in {p.name for p in state.iterdir()}
    finally:
        m.close_session()
    assert agent.proc is not None
    agent.proc.send_signal(signal.SIGKILL)  # no chance to write anything more
    agent.proc.wait()
    agent.proc = None
    agent.start()
    m = agent.connect()
    try:
        assert hostname(m) == "J39"
    finally:
        m.close_session()
