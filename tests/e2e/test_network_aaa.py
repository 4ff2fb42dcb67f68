"""Network AAA end to end: the agent logs users in through a real TACACS+ peer and Debian's freeradius.

The TACACS+ peer is ``tests/peers/tacacs_server.py`` (proven against two third-party clients by its own tests), run
as a separate process; RADIUS is Debian's freeradius with a self-contained configuration
(``tests/peers/freeradius.py``). Logins come from OpenSSH (keyboard-interactive and password, through pexpect),
asyncssh and ncclient.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType

import asyncssh
import pexpect
import pytest
from agents import ADMIN_PASSWORD
from ncclient import manager
from ncclient.transport.errors import AuthenticationError

PEERS = Path(__file__).resolve().parents[1] / "peers"
KEY = "tac-secret"
RADIUS_SECRET = "rad-secret"


# -- peers ----------------------------------------------------------------------------------------------------------
class Tacacs:
    """The TACACS+ peer as its own process, with its config file, accounting and authentication logs."""

    def __init__(self, module: ModuleType, workdir: Path, users: dict[str, dict[str, object]]) -> None:
        self.workdir = workdir
        self.config = module.write_config(workdir, KEY, users)
        self.accounting = workdir / "acct.jsonl"
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        port_file = self.workdir / "port"
        port_file.unlink(missing_ok=True)
        args = ["--config", str(self.config), "--host", "127.0.0.1", "--port", str(self.port), "--port-file"]
        self.proc = subprocess.Popen([sys.executable, str(PEERS / "tacacs_server.py"), *args, str(port_file)])
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if port_file.exists() and port_file.read_text().strip():
                self.port = int(port_file.read_text())
                return
            time.sleep(0.05)
        raise RuntimeError("TACACS+ peer did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None

    def user(self, name: str) -> dict[str, object]:
        return json.loads(self.config.read_text())["users"][name]

    def records(self, count: int, timeout: float = 10.0) -> list[dict[str, object]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            lines = self.accounting.read_text().splitlines() if self.accounting.exists() else []
            if len(lines) >= count:
                return [json.loads(line) for line in lines]
            time.sleep(0.1)
        raise AssertionError(f"expected {count} accounting records")


@pytest.fixture
def tacacs(tmp_path: Path, peers: Callable[[str], ModuleType]) -> Iterator[Tacacs]:
    peer = Tacacs(
        peers("tacacs_server"),
        tmp_path,
        {
            "ops15": {"password": "Ops-15-pw", "priv-lvl": 15},
            "viewer": {"password": "View-1-pw", "priv-lvl": 1},
            "expired": {"password": "Old-pw-1", "priv-lvl": 15, "expired": True},
            "admin": {"password": ADMIN_PASSWORD, "priv-lvl": 15},
            "both": {"password": "Server-pw-1", "priv-lvl": 15},
        },
    )
    peer.start()
    yield peer
    peer.stop()


@pytest.fixture
def radius(tmp_path: Path, peers: Callable[[str], ModuleType]) -> Iterator[object]:
    server = peers("freeradius").FreeRadius(
        tmp_path / "radius", RADIUS_SECRET, {"rad15": ("Rad-15-pw", 15), "rad1": ("Rad-1-pw", 1)}
    )
    server.start()
    yield server
    server.stop()


# -- the device -----------------------------------------------------------------------------------------------------
async def _configure(agent, lines: list[str]) -> str:
    async with asyncssh.connect(
        "127.0.0.1",
        agent.ssh_port,
        username="admin",
        password=ADMIN_PASSWORD,
        known_hosts=None,
        preferred_auth="password",
    ) as conn:
        proc = await conn.create_process(term_type="vt100", term_size=(200, 50))
        proc.stdin.write("\n".join(["configure terminal", *lines, "end", "exit"]) + "\n")
        output = await asyncio.wait_for(proc.stdout.read(), 30)
        assert "% Invalid" not in output and "% Incomplete" not in output, output
        return output


def configure(agent, *lines: str) -> None:
    asyncio.run(_configure(agent, list(lines)))


def cli(agent, command: str, user: str = "admin", password: str = ADMIN_PASSWORD) -> str:
    async def run() -> str:
        async with asyncssh.connect(
            "127.0.0.1", agent.ssh_port, username=user, password=password, known_hosts=None, preferred_auth="password"
        ) as conn:
            return str((await conn.run(command, timeout=30)).stdout).replace("\r\n", "\n")

    return asyncio.run(run())


def tacacs_config(peer: Tacacs, *extra: str, timeout: int = 3) -> list[str]:
    return [
        "aaa new-model",
        "tacacs server TAC1",
        " address ipv4 127.0.0.1",
        f" port {peer.port}",
        f" key {KEY}",
        f" timeout {timeout}",
        "exit",
        "aaa group server tacacs+ TACG",
        " server name TAC1",
        "exit",
        "aaa authentication login default group TACG local",
        *extra,
    ]


def radius_config(server, *extra: str) -> list[str]:
    return [
        "aaa new-model",
        "radius server RAD1",
        f" address ipv4 127.0.0.1 auth-port {server.auth_port} acct-port {server.acct_port}",
        f" key {RADIUS_SECRET}",
        " timeout 2",
        " retransmit 1",
        "exit",
        "aaa group server radius RADG",
        " server name RAD1",
        "exit",
        "aaa authentication login default group RADG local",
        *extra,
    ]


def openssh(agent, user: str, *, method: str = "keyboard-interactive", command: str = "") -> pexpect.spawn:
    args = [
        "-p", str(agent.ssh_port), "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
        "-o", f"PreferredAuthentications={method}", "-o", "NumberOfPasswordPrompts=1", "-o", "LogLevel=INFO",
        "-tt", f"{user}@127.0.0.1",
    ]  # fmt: skip
    if command:
        args.append(command)
    return pexpect.spawn("ssh", args, encoding="utf-8", timeout=20)


def prompt_after_login(agent, user: str, password: str) -> str:
    child = openssh(agent, user)
    child.expect("Password: ")
    child.sendline(password)
    index = child.expect([r"Router[#>]", "Permission denied", r"% Authorization failed\.", pexpect.EOF])
    text = child.after if index in (0, 2) else "denied"
    child.sendline("exit")
    child.close()
    return str(text)


def netconf_login(agent, user: str, password: str) -> bool:
    try:
        m = manager.connect(
            host="127.0.0.1", port=agent.netconf_port, username=user, password=password, hostkey_verify=False,
            allow_agent=False, look_for_keys=False, device_params={"name": "iosxe"}, timeout=30,
        )  # fmt: skip
    except AuthenticationError:
        return False
    m.close_session()
    return True


# -- TACACS+ --------------------------------------------------------------------------------------------------------
def test_tacacs_login_over_ssh_and_privilege_from_exec_authorization(fresh_agent, tacacs: Tacacs) -> None:
    agent = fresh_agent()
    configure(agent, *tacacs_config(tacacs))
    # the bootstrap's "aaa authorization exec default local" does not know ops15: authorization fails
    assert prompt_after_login(agent, "ops15", "Ops-15-pw") == "% Authorization failed."
    configure(agent, "aaa authorization exec default group TACG local")
    assert prompt_after_login(agent, "ops15", "Ops-15-pw") == "Router#"
    assert prompt_after_login(agent, "viewer", "View-1-pw") == "Router>"
    assert prompt_after_login(agent, "viewer", "wrong") == "denied"
    # without exec authorization a server login starts at level 1, as on IOS
    configure(agent, "no aaa authorization exec default")
    assert prompt_after_login(agent, "ops15", "Ops-15-pw") == "Router>"


def test_tacacs_login_over_netconf_needs_level_15(fresh_agent, tacacs: Tacacs) -> None:
    agent = fresh_agent()
    configure(agent, *tacacs_config(tacacs, "aaa authorization exec default group TACG local"))
    assert netconf_login(agent, "ops15", "Ops-15-pw")
    assert not netconf_login(agent, "viewer", "View-1-pw")  # authenticated, but level 1
    assert not netconf_login(agent, "ops15", "bad")


def test_a_server_rejection_is_final_even_with_local_next(fresh_agent, tacacs: Tacacs) -> None:
    agent = fresh_agent()
    configure(
        agent,
        "username both privilege 15 secret 0 Local-pw-1",
        *tacacs_config(tacacs, "aaa authorization exec default group TACG local"),
    )
    # "both" exists locally too, but the server knows another password and rejects: local is not asked
    assert prompt_after_login(agent, "both", "Local-pw-1") == "denied"
    assert not netconf_login(agent, "both", "Local-pw-1")
    assert netconf_login(agent, "both", "Server-pw-1")


def test_local_fallback_when_the_server_is_down_within_the_timeout(fresh_agent, tacacs: Tacacs) -> None:
    agent = fresh_agent()
    configure(agent, *tacacs_config(tacacs, "aaa authorization exec default group TACG local", timeout=2))
    tacacs.stop()  # connection refused: the local method answers at once
    started = time.monotonic()
    assert netconf_login(agent, "admin", ADMIN_PASSWORD)
    assert time.monotonic() - started < 5
    # a server that accepts the connection and never answers costs at most its timeout (2 s)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        configure(agent, "tacacs server TAC1", f" port {silent.getsockname()[1]}")
        m = agent.connect()  # an open session is not held up by a login that waits on the dead server
        try:
            with ThreadPoolExecutor(1) as pool:
                started = time.monotonic()
                waiting = pool.submit(prompt_after_login, agent, "admin", ADMIN_PASSWORD)
                silent.settimeout(20)
                held, _ = silent.accept()  # the login now waits on the server that never answers
                before = time.monotonic()
                m.get_config("running")
                served_in = time.monotonic() - before
                assert not waiting.done() and served_in < 1.0, served_in
                assert waiting.result(timeout=30) == "Router#"
                held.close()
                elapsed = time.monotonic() - started
        finally:
            m.close_session()
    assert 1.5 < elapsed < 8, elapsed


def test_exec_accounting_start_and_stop_reach_the_server(fresh_agent, tacacs: Tacacs) -> None:
    agent = fresh_agent()
    configure(
        agent,
        *tacacs_config(
            tacacs,
            "aaa authorization exec default group TACG local",
            "aaa accounting exec default start-stop group TACG",
        ),
    )
    assert "Current privilege level is 15" in cli(agent, "show privilege", "ops15", "Ops-15-pw")
    records = [r for r in tacacs.records(2) if r["user"] == "ops15"]
    assert [r["flags"] for r in records[:2]] == ["start", "stop"]
    start, stop = records[0], records[1]
    task = [a for a in start["args"] if str(a).startswith("task_id=")]
    assert task and task == [a for a in stop["args"] if str(a).startswith("task_id=")]
    assert "service=shell" in start["args"]
    assert any(str(a).startswith("elapsed_time=") for a in stop["args"])
    assert start["rem_addr"] == "127.0.0.1"


def test_chpass_through_keyboard_interactive_with_openssh(fresh_agent, tacacs: Tacacs) -> None:
    agent = fresh_agent()
    configure(agent, *tacacs_config(tacacs, "aaa authorization exec default group TACG local"))
    child = openssh(agent, "expired")
    child.expect("Password: ")
    child.sendline("Old-pw-1")
    child.expect("Your password has expired.")
    child.expect("New Password: ")
    child.sendline("New-pw-2")
    child.expect("Re-enter New password: ")
    child.sendline("New-pw-3")  # mismatch: the server says so and asks again
    child.expect("have to be the same")
    child.expect("New Password: ")
    child.sendline("New-pw-2")
    child.expect("Re-enter New password: ")
    child.sendline("New-pw-2")
    child.expect("Router#")
    child.sendline("exit")
    child.close()
    entry = tacacs.user("expired")
    assert entry["password"] == "New-pw-2" and not entry.get("expired")
    assert prompt_after_login(agent, "expired", "New-pw-2") == "Router#"
    assert prompt_after_login(agent, "expired", "Old-pw-1") == "denied"


def test_show_tacacs_and_show_aaa_servers_count_the_exchanges(fresh_agent, tacacs: Tacacs) -> None:
    agent = fresh_agent()
    configure(agent, *tacacs_config(tacacs, "aaa authorization exec default group TACG local"))
    assert prompt_after_login(agent, "viewer", "wrong") == "denied"
    assert netconf_login(agent, "ops15", "Ops-15-pw")
    text = cli(agent, "show tacacs")  # admin logs in through the server too
    assert "Server name: TAC1" in text and "Server address: 127.0.0.1" in text
    assert f"Server port: {tacacs.port}" in text
    # viewer: START + REPLY(GETPASS) + CONTINUE + REPLY(FAIL); ops15 and admin: the same plus one authorization
    # exchange each; four sessions before "show tacacs" ran, each on its own socket
    assert re.search(r"Socket opens:\s+5\n", text), text
    assert re.search(r"Total Packets Sent:\s+8\n", text) and re.search(r"Total Packets Recv:\s+8\n", text), text
    servers = cli(agent, "show aaa servers")
    assert f"TACACS+: id 1, priority 1, host 127.0.0.1, auth-port {tacacs.port}" in servers
    # authentication: viewer rejected; ops15 and admin (twice) accepted
    assert "Authen: request 4, timeouts 0" in servers
    assert "Response: accept 3, reject 1" in servers
    assert "State: current UP" in servers


# -- RADIUS ---------------------------------------------------------------------------------------------------------
def test_radius_login_with_privilege_from_the_access_accept(fresh_agent, radius) -> None:
    agent = fresh_agent()
    configure(agent, *radius_config(radius, "aaa authorization exec default group RADG local"))
    assert prompt_after_login(agent, "rad15", "Rad-15-pw") == "Router#"
    assert prompt_after_login(agent, "rad1", "Rad-1-pw") == "Router>"
    assert prompt_after_login(agent, "rad1", "wrong") == "denied"
    assert netconf_login(agent, "rad15", "Rad-15-pw")
    assert not netconf_login(agent, "rad1", "Rad-1-pw")


def test_radius_rejection_is_final_and_a_dead_server_falls_back(fresh_agent, radius) -> None:
    agent = fresh_agent()
    configure(agent, *radius_config(radius, "aaa authorization exec default group RADG local"))
    assert not netconf_login(agent, "admin", ADMIN_PASSWORD)  # freeradius rejects admin: local is not asked
    radius.stop()
    started = time.monotonic()
    assert netconf_login(agent, "admin", ADMIN_PASSWORD)  # 2 tries x 2 s, then local
    assert time.monotonic() - started < 4 + 4


def test_radius_accounting_records(fresh_agent, radius) -> None:
    agent = fresh_agent()
    configure(
        agent,
        *radius_config(
            radius,
            "aaa authorization exec default group RADG local",
            "aaa accounting exec default start-stop group RADG",
        ),
    )
    assert "Current privilege level is 15" in cli(agent, "show privilege", "rad15", "Rad-15-pw")
    deadline = time.monotonic() + 10
    records: list[dict[str, str]] = []
    while time.monotonic() < deadline:
        records = [r for r in radius.accounting_records() if r.get("User-Name") == "rad15" or r.get("user") == "rad15"]
        if len(records) >= 2:
            break
        time.sleep(0.2)
    kinds = [str(r.get("Acct-Status-Type")) for r in records]
    assert kinds[:2] == ["Start", "Stop"], records
    assert records[0]["Acct-Session-Id"] == records[1]["Acct-Session-Id"]


def test_chpass_through_the_password_method_with_openssh(fresh_agent, tacacs: Tacacs) -> None:
    agent = fresh_agent()
    configure(agent, *tacacs_config(tacacs, "aaa authorization exec default group TACG local"))
    child = openssh(agent, "expired", method="password")
    child.expect("assword: ")
    child.sendline("Old-pw-1")
    child.expect("Your password has expired.")  # SSH_MSG_USERAUTH_PASSWD_CHANGEREQ with the server's words
    child.expect("old password: ")
    child.sendline("Old-pw-1")
    child.expect("new password: ")
    child.sendline("Via-password-2")
    child.expect("new password: ")  # OpenSSH's "Retype …'s new password:"
    child.sendline("Via-password-2")
    child.expect("Router#")
    child.sendline("exit")
    child.close()
    assert tacacs.user("expired")["password"] == "Via-password-2"
    assert netconf_login(agent, "expired", "Via-password-2")
