"""The Cisco RPCs (cisco-ia checkpoint/rollback/revert/sync-from/is-syncing/netconf-session-id/current-time,
Cisco-IOS-XE-rpc copy) against the real agent, with ncclient."""

from __future__ import annotations

import os
import stat
import time
from datetime import datetime

import pytest
from agents import uniq
from lxml import etree
from namespaces import IA, IOS, NC, RPC, native
from ncclient.operations.rpc import RPCError
from waiting import until

NS = {"nc": NC, "ios": IOS, "ia": IA, "rpc": RPC}


def call(m, xml: str) -> str:
    """Send an RPC; return the text of its <result>."""
    reply = etree.fromstring(m.dispatch(etree.fromstring(xml)).xml.encode())
    result = reply.find("ia:result", NS)
    if result is None:
        result = reply.find("rpc:result", NS)
    assert result is not None, etree.tostring(reply)
    return result.text or ""


def ia(name: str, body: str = "") -> str:
    return f'<{name} xmlns="{IA}">{body}</{name}>'


def copy(src: str, dst: str, old_names: bool = False) -> str:
    s, d = ("_source", "_destination") if old_names else ("source-drop-node-name", "destination-drop-node-name")
    return f'<copy xmlns="{RPC}"><{s}>{src}</{s}><{d}>{dst}</{d}></copy>'


def hostname(m, source: str = "running") -> str | None:
    flt = f'<native xmlns="{IOS}"><hostname/></native>'
    root = etree.fromstring(m.get_config(source, filter=("subtree", flt)).xml.encode())
    return root.findtext(".//ios:hostname", namespaces=NS)


def domain(m) -> str | None:
    flt = f'<native xmlns="{IOS}"><ip><domain/></ip></native>'
    root = etree.fromstring(m.get_config("running", filter=("subtree", flt)).xml.encode())
    return root.findtext(".//ios:ip/ios:domain/ios:name", namespaces=NS)


def set_hostname(m, name: str) -> None:
    m.edit_config(target="running", config=native(f"<hostname>{name}</hostname>"))


@pytest.fixture
def m(agent):
    session = agent.connect()
    yield session
    session.close_session()


# -- informational -------------------------------------------------------------------------------------------------
def test_session_id_time_and_sync(m) -> None:
    assert call(m, ia("netconf-session-id")) == str(m.session_id)
    stamp = datetime.fromisoformat(call(m, ia("current-time")))
    assert stamp.tzinfo is not None and abs(stamp.timestamp() - time.time()) < 60
    assert call(m, ia("is-syncing")) == "No sync in progress"
    assert call(m, ia("sync-from", "<sync-defaults/>")) == "Sync from device successful"
    with pytest.raises(RPCError) as exc:
        call(m, ia("is-syncing", "<bogus/>"))
    assert exc.value.tag == "unknown-element"


# -- copy ----------------------------------------------------------------------------------------------------------
def test_copy_running_config_to_flash_and_back_restores(agent, m) -> None:
    name = uniq("x")
    set_hostname(m, "Before")
    assert call(m, copy("running-config", f"flash:{name}")) == "RPC request successful"
    stored = agent.state_dir / "flash" / name
    assert stored.is_file() and stat.S_IMODE(os.stat(stored).st_mode) == 0o600
    set_hostname(m, "Changed")
    assert call(m, copy(f"flash:{name}", "running-config")) == "RPC request successful"
    assert hostname(m) == "Before"


def test_copy_into_running_config_merges(m) -> None:
    name = uniq("merge")
    m.edit_config(target="running", config=native("<ip><domain><name>kept.local</name></domain></ip>"))
    call(m, copy("running-config", f"flash:{name}"))
    m.edit_config(target="running", config=native("<ip><domain><name>later.local</name></domain></ip>"))
    set_hostname(m, "Later")
    call(m, copy(f"flash:{name}", "running-config"))
    assert domain(m) == "kept.local" and hostname(m) != "Later"  # the file's values win; nothing is deleted


def test_copy_running_to_startup_with_16x_leaf_names(m) -> None:
    set_hostname(m, uniq("Saved"))
    assert call(m, copy("running-config", "startup-config", old_names=True)) == "RPC request successful"
    name = uniq("st")
    call(m, copy("startup-config", f"flash:{name}"))
    set_hostname(m, "Other")
    call(m, copy("running-config", "nvram:startup-config"))
    call(m, copy(f"flash:{name}", "startup-config"))  # back to the saved one
    call(m, copy("startup-config", "running-config"))
    assert hostname(m).startswith("Saved")


def test_copy_refusals(m) -> None:
    with pytest.raises(RPCError) as exc:
        call(m, copy("flash:does-not-exist", "running-config"))
    assert exc.value.tag == "operation-failed"
    assert exc.value.message == "%Error opening flash:does-not-exist (No such file or directory)"
    for bad in ("flash:../escape", "flash:a/../../b", "flash:"):
        with pytest.raises(RPCError) as exc:
            call(m, copy("running-config", bad))
        assert exc.value.tag == "operation-failed", bad
    with pytest.raises(RPCError) as exc:
        call(m, copy("tftp://127.0.2.1/cfg", "running-config"))
    assert exc.value.tag == "operation-not-supported"
    with pytest.raises(RPCError) as exc:
        call(m, copy("running-config", "bogus"))
    assert exc.value.tag == "invalid-value"  # outside the leaf's pattern
    with pytest.raises(RPCError) as exc:
        call(m, f'<copy xmlns="{RPC}"><source-drop-node-name>running-config</source-drop-node-name></copy>')
    assert exc.value.tag == "missing-element"
    with pytest.raises(RPCError) as exc:
        call(m, copy("running-config", "running-config"))
    assert exc.value.tag == "operation-failed"


def test_flash_is_not_left_through_a_symlink(agent, m) -> None:
    flash = agent.state_dir / "flash"
    flash.mkdir(exist_ok=True)
    outside = agent.state_dir / "outside.xml"
    outside.write_text("secret")
    link = flash / uniq("link")
    link.symlink_to(outside)
    with pytest.raises(RPCError):
        call(m, copy(f"flash:{link.name}", "running-config"))
    with pytest.raises(RPCError):
        call(m, copy("running-config", f"flash:{link.name}"))
    assert outside.read_text() == "secret"


def write_flash(agent, text: str) -> str:
    name = uniq("cli")
    flash = agent.state_dir / "flash"
    flash.mkdir(exist_ok=True)
    (flash / name).write_text(text)
    return f"flash:{name}"


def running_text(agent, m) -> str:
    """Running as the device writes it (``copy running-config flash:F``): the whole text, with what NETCONF does
    not see (``netconf-yang``: a file without it turns NETCONF off, as on 17.12)."""
    name = uniq("run")
    assert call(m, copy("running-config", f"flash:{name}")) == "RPC request successful"
    return (agent.state_dir / "flash" / name).read_text()


def test_an_ios_text_file_in_flash_merges_into_running(agent, m) -> None:
    before = domain(m)
    url = write_flash(agent, "hostname FromText\n!\nend\n")
    assert call(m, copy(url, "running-config")) == "RPC request successful"
    assert hostname(m) == "FromText" and domain(m) == before  # a merge


def test_a_text_file_with_a_bad_line_applies_the_rest(agent, m) -> None:
    """IOS's file semantics: the copy RPC applies the lines that are commands and names the others."""
    set_hostname(m, "Untouched")
    url = write_flash(agent, "hostname Changed\nip ssh time-out 999\n")
    assert call(m, copy(url, "running-config")) == (
        "RPC request successful (1 invalid line(s) skipped: line 2 'ip ssh time-out 999': "
        "% Invalid input detected at '^' marker.)"
    )
    assert hostname(m) == "Changed"


def test_rollback_to_an_ios_text_file_replaces_running(agent, m) -> None:
    set_hostname(m, "Textual")
    text = running_text(agent, m)
    assert "ip domain name" in text
    url = write_flash(agent, "\n".join(line for line in text.splitlines() if not line.startswith("ip domain name")))
    set_hostname(m, "Later")
    assert call(m, ia("rollback", f"<target-url>{url}</target-url>")) == "Total number of passes: 1\nRollback Done"
    assert hostname(m) == "Textual" and domain(m) is None  # the file's configuration, whole


# -- checkpoint / rollback / revert --------------------------------------------------------------------------------
def test_checkpoint_then_rollback_replaces_running(m) -> None:
    set_hostname(m, "Checkpointed")
    text = call(m, ia("checkpoint"))
    assert text.startswith("Checkpoint successful: flash:archive-")
    url = text.split(": ", 1)[1]
    set_hostname(m, "Afterwards")
    m.edit_config(target="running", config=native("<ip><domain><name>gone.local</name></domain></ip>"))
    assert call(m, ia("rollback", f"<target-url>{url}</target-url>")) == "Total number of passes: 1\nRollback Done"
    assert hostname(m) == "Checkpointed" and domain(m) != "gone.local"  # a replace, not a merge
    with pytest.raises(RPCError) as exc:
        call(m, ia("rollback", "<target-url>flash:missing-file</target-url>"))
    assert exc.value.tag == "operation-failed"
    with pytest.raises(RPCError) as exc:
        call(m, ia("rollback"))
    assert exc.value.tag == "missing-element"
    with pytest.raises(RPCError) as exc:
        call(m, ia("rollback", f"<target-url>{url}</target-url><revert-timer>0</revert-timer>"))
    assert exc.value.tag == "invalid-value"


def test_revert_with_nothing_pending(m) -> None:
    for body in ("", "<now/>", "<timer>5</timer>"):
        with pytest.raises(RPCError) as exc:
            call(m, ia("revert", body))
        assert exc.value.tag == "operation-failed" and "No Rollback Confirmed Change pending" in exc.value.message


def test_rollback_with_revert_timer_confirmed_by_revert_stays(fresh_agent) -> None:
    agent = fresh_agent()
    m = agent.connect()
    try:
        url = call(m, ia("checkpoint")).split(": ", 1)[1]
        set_hostname(m, "Target")
        target = call(m, ia("checkpoint")).split(": ", 1)[1]
        set_hostname(m, "Original")
        assert url != target
        call(m, ia("rollback", f"<target-url>{target}</target-url><revert-timer>1</revert-timer>"))
        assert hostname(m) == "Target"
        assert call(m, ia("revert", "<timer>2</timer>")) == "Rollback timer reset to 2 minutes"
        assert call(m, ia("revert")) == "Rollback confirmed"
        assert hostname(m) == "Target"
        with pytest.raises(RPCError):
            call(m, ia("revert"))  # nothing pending any more
        # revert now: back at once
        call(m, ia("rollback", f"<target-url>{url}</target-url><revert-timer>5</revert-timer>"))
        assert hostname(m) == "Router"
        assert call(m, ia("revert", "<now/>")) == "Rollback Done"
        assert hostname(m) == "Target"
    finally:
        m.close_session()


def test_rollback_with_revert_timer_not_confirmed_reverts(fresh_agent) -> None:
    agent = fresh_agent("--limit", "revert_minute_s=4")  # a revert-timer of 1 (the least IOS takes) lasts 4 s
    m = agent.connect()
    try:
        set_hostname(m, "Replacement")
        url = call(m, ia("checkpoint")).split(": ", 1)[1]
        set_hostname(m, "Original")
        call(m, ia("rollback", f"<target-url>{url}</target-url><revert-timer>1</revert-timer>"))
        assert hostname(m) == "Replacement"
        m.close_session()  # not tied to the session that started it
        m = agent.connect()
        assert hostname(m) == "Replacement"
        agent.wait_for_output(r"timed-rollback not confirmed within 4s")
        assert until(lambda: hostname(m) == "Original", 10)
    finally:
        m.close_session()
