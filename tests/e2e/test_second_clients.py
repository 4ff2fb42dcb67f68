"""The ncclient scenarios again, through NETCONF clients that share no code with ncclient.

* **scrapli-netconf** (``scrapli==2025.1.30``; scrapli 2.x breaks it): its own RFC 6242 framing, over two SSH
  stacks: ``transport="system"`` (the OpenSSH binary, password typed in-channel on a pty, ``ssh -tt -s netconf``)
  and ``transport="asyncssh"``. Both hello variants: by default scrapli offers only base:1.1 (chunked framing); with
  ``preferred_netconf_version="1.0"`` it keeps end-of-message framing and writes a ``\\n`` after each ``]]>]]>``.
* the PyPI **netconf** client (``netconf.client.NetconfSSHSession``, paramiko through sshutil): every rpc is
  ``<nc:rpc nc:message-id="N">``, a namespaced attribute that RFC 6241 §4.2 says comes back unchanged.
* **netconf-console2** (ncclient-based CLI, run as a subprocess the way people use it).

The scenarios: get-config with a subtree filter, edit-config to candidate + commit + get-config, lock/unlock
against an ncclient session, an out-of-range value refused with the right rpc-error, and cisco-ia save-config.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from agents import ADMIN_PASSWORD, ADMIN_USER
from lxml import etree
from namespaces import IA, IOS, NC
from ncclient.operations.rpc import RPCError
from netconf import error as netconf_error
from netconf.client import NetconfSSHSession
from scrapli_netconf.driver import AsyncNetconfDriver, NetconfDriver

NS = {"nc": NC, "ios": IOS, "ia": IA}
HOSTNAME_FILTER = f'<native xmlns="{IOS}"><hostname/></native>'
SSH_FILTER = f'<native xmlns="{IOS}"><ip><ssh><time-out/></ssh></ip></native>'
SAVE_CONFIG = f'<save-config xmlns="{IA}"/>'
SAVED = "Save running-config successful"

_timeouts = iter(range(11, 120))


def next_timeout() -> int:
    """A time-out value (1..120) no earlier test of this module has used, so each change is visible."""
    return next(_timeouts)


def ssh_config(time_out: int | str, root: str = "config") -> str:
    return f'<{root}><native xmlns="{IOS}"><ip><ssh><time-out>{time_out}</time-out></ssh></ip></native></{root}>'


def ncclient_time_out(nc, source: str = "running") -> str | None:
    root = etree.fromstring(nc.get_config(source, filter=("subtree", SSH_FILTER)).xml.encode())
    return root.findtext(".//ios:ssh/ios:time-out", namespaces=NS)


# ---------------------------------------------------------------------------------------------------------------
# scrapli-netconf
# ---------------------------------------------------------------------------------------------------------------
class _SyncAsyncDriver:
    """The asyncssh-transport AsyncNetconfDriver behind the sync driver's call signatures, on a private loop."""

    def __init__(self, driver: AsyncNetconfDriver) -> None:
        self._driver = driver
        self._loop = asyncio.new_event_loop()

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._driver, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            result = attr(*args, **kwargs)
            return self._loop.run_until_complete(result) if asyncio.iscoroutine(result) else result

        return call

    def close(self) -> None:
        try:
            self._loop.run_until_complete(self._driver.close())
        finally:
            self._loop.close()


SCRAPLI_VARIANTS = [
    pytest.param(("system", "1.1"), id="system-base11"),
    pytest.param(("system", "1.0"), id="system-base10"),
    pytest.param(("asyncssh", "1.1"), id="asyncssh-base11"),
    pytest.param(("asyncssh", "1.0"), id="asyncssh-base10"),
]


def open_scrapli(agent, transport: str, version: str) -> Any:
    kwargs: dict[str, Any] = {
        "host": agent.host,
        "port": agent.netconf_port,
        "auth_username": ADMIN_USER,
        "auth_password": ADMIN_PASSWORD,
        "auth_strict_key": False,
        "timeout_socket": 30,
        "timeout_transport": 60,
        "timeout_ops": 60,
        "preferred_netconf_version": version,
    }
    if transport == "system":
        conn: Any = NetconfDriver(transport="system", **kwargs)
        conn.open()
        return conn
    wrapped = _SyncAsyncDriver(AsyncNetconfDriver(transport="asyncssh", **kwargs))
    wrapped.open()
    return wrapped


@pytest.fixture(params=SCRAPLI_VARIANTS)
def scrapli(agent, request) -> Iterator[Any]:
    transport, version = request.param
    conn = open_scrapli(agent, transport, version)
    assert conn.netconf_version.value == version
    yield conn
    conn.close()


def reply_of(response) -> etree._Element:
    """The rpc-reply element of a scrapli response (parsed again from the text, to keep scrapli's parse out)."""
    root = etree.fromstring(response.result.encode())
    assert root.tag == f"{{{NC}}}rpc-reply"
    return root


def test_scrapli_get_config_with_subtree_filter(scrapli, nc) -> None:
    response = scrapli.get_config(source="running", filter_=HOSTNAME_FILTER, filter_type="subtree")
    assert not response.failed, response.result
    native = reply_of(response).find("nc:data/ios:native", NS)
    assert native is not None
    assert [child.tag for child in native] == [f"{{{IOS}}}hostname"]
    expected = etree.fromstring(nc.get_config("running", filter=("subtree", HOSTNAME_FILTER)).xml.encode())
    assert native.findtext("ios:hostname", namespaces=NS) == expected.findtext(".//ios:hostname", namespaces=NS)


def test_scrapli_edit_candidate_commit_then_get_config(scrapli, nc) -> None:
    value = str(next_timeout())
    response = scrapli.edit_config(config=ssh_config(value), target="candidate")
    assert not response.failed, response.result
    assert reply_of(response).find("nc:ok", NS) is not None
    candidate = scrapli.get_config(source="candidate", filter_=SSH_FILTER)
    assert reply_of(candidate).findtext(".//ios:ssh/ios:time-out", namespaces=NS) == value
    assert ncclient_time_out(nc) != value, "the edit reached running before the commit"

    commit = scrapli.commit()
    assert not commit.failed, commit.result
    running = scrapli.get_config(source="running", filter_=SSH_FILTER)
    assert reply_of(running).findtext(".//ios:ssh/ios:time-out", namespaces=NS) == value
    assert ncclient_time_out(nc) == value


def test_scrapli_lock_and_unlock_against_ncclient(scrapli, nc) -> None:
    for target in ("running", "candidate"):
        locked = scrapli.lock(target=target)
        assert not locked.failed, locked.result
        with pytest.raises(RPCError) as exc:
            nc.lock(target)
        assert exc.value.tag == "lock-denied"
        unlocked = scrapli.unlock(target=target)
        assert not unlocked.failed, unlocked.result
        assert reply_of(unlocked).find("nc:ok", NS) is not None
        nc.lock(target)
        nc.unlock(target)


def test_scrapli_out_of_range_value_is_a_failed_response_with_invalid_value(scrapli, nc) -> None:
    before = ncclient_time_out(nc, "candidate")
    response = scrapli.edit_config(config=ssh_config(121), target="candidate")
    assert response.failed
    error = reply_of(response).find("nc:rpc-error", NS)
    assert error is not None
    assert error.findtext("nc:error-type", namespaces=NS) == "application"
    assert error.findtext("nc:error-tag", namespaces=NS) == "invalid-value"
    assert error.findtext("nc:error-severity", namespaces=NS) == "error"
    assert (error.findtext("nc:error-path", namespaces=NS) or "").strip().endswith("time-out")
    assert ncclient_time_out(nc, "candidate") == before
    assert not scrapli.discard().failed


def test_scrapli_save_config_rpc(scrapli) -> None:
    response = scrapli.rpc(filter_=SAVE_CONFIG)
    assert not response.failed, response.result
    assert reply_of(response).findtext("ia:result", namespaces=NS) == SAVED


# ---------------------------------------------------------------------------------------------------------------
# PyPI netconf (choppsv1) 2.1.0
# ---------------------------------------------------------------------------------------------------------------
@pytest.fixture
def chopps(agent) -> Iterator[NetconfSSHSession]:
    session = NetconfSSHSession(agent.host, port=agent.netconf_port, username=ADMIN_USER, password=ADMIN_PASSWORD)
    yield session
    session.close()


def test_netconf_client_get_config_with_subtree_filter(chopps, nc) -> None:
    data = chopps.get_config(source="running", select=HOSTNAME_FILTER)
    assert data.tag == f"{{{NC}}}data"
    native = data.find("ios:native", NS)
    assert native is not None and [child.tag for child in native] == [f"{{{IOS}}}hostname"]
    expected = etree.fromstring(nc.get_config("running", filter=("subtree", HOSTNAME_FILTER)).xml.encode())
    assert native.findtext("ios:hostname", namespaces=NS) == expected.findtext(".//ios:hostname", namespaces=NS)


def test_netconf_client_namespaced_message_id_is_echoed(chopps) -> None:
    msg_id = chopps.send_rpc_async(f'<get-config xmlns="{NC}"><source><running/></source></get-config>')
    _tree, reply, raw = chopps.wait_reply(msg_id, timeout=60)
    # RFC 6241 §4.2: the rpc-reply carries every attribute of the rpc, unchanged, so nc:message-id stays nc:
    assert reply.get(f"{{{NC}}}message-id") == str(msg_id)
    assert reply.get("message-id") is None
    assert reply.find("nc:data", NS) is not None
    etree.fromstring(raw.encode())  # well-formed, with the nc prefix declared


def test_netconf_client_edit_running_and_candidate(chopps, nc) -> None:
    value = str(next_timeout())
    reply = chopps.edit_config(target="running", newconf=ssh_config(value, root="nc:config"))
    assert reply.find("nc:ok", NS) is not None
    assert ncclient_time_out(nc) == value

    value = str(next_timeout())
    chopps.edit_config(target="candidate", newconf=ssh_config(value, root="nc:config"))
    assert ncclient_time_out(nc) != value
    chopps.send_rpc("<nc:commit/>")
    assert ncclient_time_out(nc) == value
    data = chopps.get_config(source="running", select=SSH_FILTER)
    assert data.findtext(".//ios:ssh/ios:time-out", namespaces=NS) == value


def test_netconf_client_out_of_range_value_raises_invalid_value(chopps, nc) -> None:
    before = ncclient_time_out(nc)
    with pytest.raises(netconf_error.RPCError) as exc:
        chopps.edit_config(target="running", newconf=ssh_config(121, root="nc:config"))
    assert exc.value.get_error_tag() == "invalid-value"
    assert exc.value.get_error_type() == "application"
    assert ncclient_time_out(nc) == before


def test_netconf_client_save_config_and_lock(chopps, nc) -> None:
    _tree, reply, _raw = chopps.send_rpc(SAVE_CONFIG)
    assert reply.findtext("ia:result", namespaces=NS) == SAVED
    chopps.send_rpc("<nc:lock><nc:target><nc:running/></nc:target></nc:lock>")
    with pytest.raises(RPCError) as exc:
        nc.lock("running")
    assert exc.value.tag == "lock-denied"
    chopps.send_rpc("<nc:unlock><nc:target><nc:running/></nc:target></nc:unlock>")
    nc.lock("running")
    nc.unlock("running")


# ---------------------------------------------------------------------------------------------------------------
# netconf-console2 3.0.1 (a CLI; needs `six`, which it does not declare)
# ---------------------------------------------------------------------------------------------------------------
@pytest.fixture
def console(agent, tmp_path) -> Callable[..., subprocess.CompletedProcess[str]]:
    def run(*args: str, files: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        for name, text in (files or {}).items():
            (tmp_path / name).write_text(text)
        cmd = [
            sys.executable, "-c", "import sys; from netconf_console.ncc import main; sys.exit(main())",
            "--host", agent.host, "--port", str(agent.netconf_port), "-u", ADMIN_USER, "-p", ADMIN_PASSWORD,
            *args,
        ]  # fmt: skip
        return subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=120)

    return run


def test_netconf_console_get_config_with_xpath(console, nc) -> None:
    result = console("--get-config", "-x", "/ios:native/ios:hostname", "--ns", f"ios={IOS}")
    assert result.returncode == 0, result.stdout + result.stderr
    data = etree.fromstring(result.stdout.encode())
    expected = etree.fromstring(nc.get_config("running", filter=("subtree", HOSTNAME_FILTER)).xml.encode())
    assert data.findtext("ios:native/ios:hostname", namespaces=NS) == expected.findtext(
        ".//ios:hostname", namespaces=NS
    )
    assert [child.tag for child in data.find("ios:native", NS)] == [f"{{{IOS}}}hostname"]


def test_netconf_console_lock_edit_candidate_commit_unlock(console, nc) -> None:
    value = str(next_timeout())
    result = console(
        "--db", "candidate", "--lock", "--edit-config", "edit.xml", "--commit", "--unlock",
        files={"edit.xml": f'<native xmlns="{IOS}"><ip><ssh><time-out>{value}</time-out></ssh></ip></native>'},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("<ok") == 4  # lock, edit-config, commit, unlock
    assert ncclient_time_out(nc) == value


def test_netconf_console_error_and_rpc(console, nc) -> None:
    before = ncclient_time_out(nc)
    bad = console(
        "--edit-config", "bad.xml",
        files={"bad.xml": f'<native xmlns="{IOS}"><ip><ssh><time-out>121</time-out></ssh></ip></native>'},
    )  # fmt: skip
    assert bad.returncode != 0
    error = etree.fromstring(bad.stdout.encode())
    assert error.findtext("nc:error-tag", namespaces=NS) == "invalid-value"
    assert ncclient_time_out(nc) == before

    saved = console("--rpc", "save.xml", files={"save.xml": SAVE_CONFIG})
    assert saved.returncode == 0, saved.stdout + saved.stderr
    assert etree.fromstring(saved.stdout.encode()).findtext("ia:result", namespaces=NS) == SAVED


def test_clients_under_test_are_the_pinned_ones() -> None:
    from importlib.metadata import version

    assert version("scrapli") == "2025.1.30"  # scrapli 2.x (2026.x) removed the AsyncDriver scrapli-netconf needs
    assert version("netconf") == "2.1.0"
