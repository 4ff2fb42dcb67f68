"""The candidate datastore follows ``netconf-yang feature candidate-datastore``, as on IOS XE 17.12.

A fresh agent, like a factory box, has ``netconf-yang`` and no candidate: its hello has neither ``:candidate``
nor (with the extensions) ``:confirmed-commit``, ``netconf-state`` lists only running, and every use of the
candidate (``edit-config``/``get-config``/``lock`` on it, ``commit``, ``discard-changes``, NMDA ``ds:candidate``)
is refused. Typing the feature line at the CLI gives the sessions opened afterwards the candidate; a session
keeps what its own hello said until it closes, in both directions.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from agents import uniq
from candidate import LINE, enable_candidate
from cli_dialogue import Dialogue, cli, in_shell
from lxml import etree
from namespaces import native
from ncclient import manager
from ncclient.operations import RPCError

CANDIDATE_CAP = "urn:ietf:params:netconf:capability:candidate:1.0"
CONFIRMED_CAP = "urn:ietf:params:netconf:capability:confirmed-commit:1.1"
NC = "urn:ietf:params:xml:ns:netconf:base:1.0"
NCM = "urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"
NMDA = "urn:ietf:params:xml:ns:yang:ietf-netconf-nmda"


def hostname_edit(name: str) -> str:
    return native(f"<hostname>{name}</hostname>")


def refused(call: Callable[[], object]) -> RPCError:
    with pytest.raises(RPCError) as info:
        call()
    return info.value


def raw(m: manager.Manager, body: str) -> object:
    """An RPC ncclient would refuse to send to a server without ``:candidate`` (it checks the hello first)."""
    return m.dispatch(etree.fromstring(body))


def test_a_factory_agent_has_no_candidate(fresh_agent: Callable[..., Any]) -> None:
    factory = fresh_agent("--netconf-extensions", candidate=False)  # the fixtures' default adds the feature
    with factory.connect() as m:
        assert CANDIDATE_CAP not in m.server_capabilities
        assert CONFIRMED_CAP not in m.server_capabilities  # confirmed commit confirms a candidate commit
        datastores = m.get(("subtree", f'<netconf-state xmlns="{NCM}"><datastores/></netconf-state>')).data_ele
        names = [el.text for el in datastores.iter(f"{{{NCM}}}name")]
        assert names == ["running", "startup"]  # startup: the extensions
        for call in (
            lambda: m.edit_config(target="candidate", config=hostname_edit("no-candidate")),
            lambda: m.get_config(source="candidate"),
            lambda: m.lock("candidate"),
            lambda: raw(m, f'<commit xmlns="{NC}"/>'),
            lambda: raw(m, f'<discard-changes xmlns="{NC}"/>'),
            lambda: raw(m, f'<get-data xmlns="{NMDA}" xmlns:ds="urn:ietf:params:xml:ns:yang:ietf-datastores">'
                        "<datastore>ds:candidate</datastore></get-data>"),
        ):  # fmt: skip
            error = refused(call)
            assert error.tag in ("operation-not-supported", "invalid-value"), error
        # running is untouched and still writable
        m.edit_config(target="running", config=hostname_edit("factory"))
        assert "<hostname>factory</hostname>" in m.get_config(source="running").xml


def test_the_feature_reaches_new_sessions_only(fresh_agent: Callable[..., Any]) -> None:
    agent = fresh_agent(candidate=False)
    before = agent.connect()
    try:
        assert CANDIDATE_CAP not in before.server_capabilities
        enable_candidate(agent.ssh_port)
        with agent.connect() as after:
            assert CANDIDATE_CAP in after.server_capabilities
            name = uniq("cand")
            after.edit_config(target="candidate", config=hostname_edit(name))
            after.commit()
            assert f"<hostname>{name}</hostname>" in after.get_config(source="running").xml
        # the session opened before the change keeps its hello: still no candidate for it
        assert refused(lambda: before.get_config(source="candidate")).tag == "operation-not-supported"
        # and one opened with the candidate keeps it after the feature goes
        during = agent.connect()
        out = cli(agent, f"no {LINE}")
        assert "Invalid input" not in out
        with agent.connect() as later:
            assert CANDIDATE_CAP not in later.server_capabilities
        during.edit_config(target="candidate", config=hostname_edit("kept"))
        during.commit()
        during.close_session()
    finally:
        before.close_session()


def test_the_feature_line_prints_where_ios_prints_it_and_survives_a_restart(
    fresh_agent: Callable[..., Any],
) -> None:
    agent = fresh_agent()  # the fixture's default: typed and saved
    running = show_running(agent)
    assert running.endswith(f"netconf-yang\n{LINE}\nend"), running[-200:]
    agent.restart()
    with agent.connect() as m:
        assert CANDIDATE_CAP in m.server_capabilities


def show_running(agent: Any) -> str:
    async def show(shell: Dialogue) -> str:
        text = await shell.cmd("show running-config", "\nend")
        return text[text.index("Building configuration") :]

    return asyncio.run(in_shell(agent.ssh_port, show)).replace("\r", "")
