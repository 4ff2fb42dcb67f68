"""The device SSH server follows each NETCONF commit at once, checked with asyncssh and the OpenSSH client."""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import socket
import subprocess
import time
from pathlib import Path

import asyncssh
import pytest
from agents import ADMIN_PASSWORD, uniq
from namespaces import AAA
from waiting import until

# The server refuses a connection with no common algorithm by DISCONNECT(KEY_EXCHANGE_FAILED) and a close; on a
# loaded machine the client may see the close before it reads the message.
KEX_REFUSED = (asyncssh.KeyExchangeFailed, asyncssh.ConnectionLost)


async def ssh_run(agent, user: str, password: str | None = None, command: str = "show privilege", **kw) -> str:
    async with asyncssh.connect(
        "127.0.0.1",
        agent.ssh_port,
        username=user,
        password=password,
        known_hosts=None,
        client_keys=kw.pop("client_keys", None),
        preferred_auth=kw.pop("preferred_auth", "password,keyboard-interactive"),
        **kw,
    ) as conn:
        result = await conn.run(command, timeout=20)
        return str(result.stdout)


def logs_in(agent) -> bool:
    """The admin gets an exec session (False while the agent still refuses the connection)."""
    try:
        return "privilege level is 15" in asyncio.run(ssh_run(agent, "admin", ADMIN_PASSWORD))
    except asyncssh.DisconnectError:
        return False


async def shell_prompt(agent, user: str, password: str) -> str:
    async with asyncssh.connect(
        "127.0.0.1", agent.ssh_port, username=user, password=password, known_hosts=None, preferred_auth="password"
    ) as conn:
        proc = await conn.create_process(term_type="vt100")
        out = await asyncio.wait_for(proc.stdout.readuntil((">", "#")), 20)
        proc.stdin.write("exit\n")
        return out.strip().splitlines()[-1]


def test_ssh_is_on_with_the_bootstrap_key_and_speaks_like_ios(agent) -> None:
    with socket.create_connection(("127.0.0.1", agent.ssh_port), timeout=10) as s:
        banner = s.recv(256)
    assert banner.startswith(b"SSH-2.0-Cisco-1.25")


def test_admin_gets_level_15_and_the_privileged_prompt(agent) -> None:
    assert "Current privilege level is 15" in asyncio.run(ssh_run(agent, "admin", ADMIN_PASSWORD))
    assert asyncio.run(shell_prompt(agent, "admin", ADMIN_PASSWORD)) == "Router#"


def test_user_added_by_netconf_logs_in_at_once_and_a_deleted_one_cannot(agent) -> None:
    name = uniq("u")
    agent.commit(
        f"<username><name>{name}</name><privilege>1</privilege>"
        "<secret><encryption>0</encryption><secret>User-pass-1</secret></secret></username>",
    )
    out = asyncio.run(ssh_run(agent, name, "User-pass-1"))
    assert "Current privilege level is 1" in out
    assert asyncio.run(shell_prompt(agent, name, "User-pass-1")) == "Router>"
    agent.commit(f'<username nc:operation="delete"><name>{name}</name></username>')
    with pytest.raises(asyncssh.PermissionDenied):
        asyncio.run(ssh_run(agent, name, "User-pass-1"))


def test_keyboard_interactive_login(agent) -> None:
    out = asyncio.run(ssh_run(agent, "admin", ADMIN_PASSWORD, preferred_auth="keyboard-interactive"))
    assert "Current privilege level is 15" in out


def test_hostname_change_shows_in_the_prompt(fresh_agent) -> None:
    agent = fresh_agent()
    agent.commit("<hostname>EdgeR1</hostname>")
    assert asyncio.run(shell_prompt(agent, "admin", ADMIN_PASSWORD)) == "EdgeR1#"


def test_unauthenticated_connection_is_dropped_after_time_out(fresh_agent) -> None:
    agent = fresh_agent()
    agent.commit("<ip><ssh><time-out>2</time-out></ssh></ip>")
    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", agent.ssh_port), timeout=30) as s:
        s.sendall(b"SSH-2.0-Test_idle\r\n")
        while s.recv(4096):
            pass
    elapsed = time.monotonic() - start
    assert 1.5 <= elapsed < 10


class _WrongPasswords(asyncssh.SSHClient):
    """Answers every password request with a wrong password and counts the requests."""

    asked = 0

    def password_auth_requested(self) -> str:
        type(self).asked += 1
        return f"wrong-{type(self).asked}"


@pytest.mark.parametrize("retries", [1, 2])
def test_connection_closed_after_authentication_retries(fresh_agent, retries: int) -> None:
    agent = fresh_agent()
    agent.commit(f"<ip><ssh><authentication-retries>{retries}</authentication-retries></ssh></ip>")
    _WrongPasswords.asked = 0

    async def attempt() -> None:
        conn, _ = await asyncssh.create_connection(
            _WrongPasswords, "127.0.0.1", agent.ssh_port, username="admin", known_hosts=None,
            preferred_auth="password", client_keys=None,
        )  # fmt: skip
        conn.close()

    with pytest.raises((asyncssh.PermissionDenied, asyncssh.DisconnectError)):
        asyncio.run(attempt())
    # `authentication-retries N`: N retries after the first wrong password, then the server hangs up
    assert _WrongPasswords.asked == retries + 1


def test_cipher_outside_server_algorithm_encryption_is_refused(fresh_agent) -> None:
    agent = fresh_agent()
    agent.commit("<ip><ssh><server><algorithm><encryption><aes256-ctr/></encryption></algorithm></server></ssh></ip>")
    out = asyncio.run(ssh_run(agent, "admin", ADMIN_PASSWORD, encryption_algs=["aes256-ctr"]))
    assert "privilege level is 15" in out
    with pytest.raises(KEX_REFUSED):
        asyncio.run(ssh_run(agent, "admin", ADMIN_PASSWORD, encryption_algs=["aes128-ctr"]))


def test_dh_min_4096_refuses_2048_bit_groups(fresh_agent) -> None:
    agent = fresh_agent()
    asyncio.run(ssh_run(agent, "admin", ADMIN_PASSWORD, kex_algs=["diffie-hellman-group14-sha256"]))
    agent.commit("<ip><ssh><dh><min><size>4096</size></min></dh></ssh></ip>")
    with pytest.raises(KEX_REFUSED):
        asyncio.run(ssh_run(agent, "admin", ADMIN_PASSWORD, kex_algs=["diffie-hellman-group14-sha256"]))
    asyncio.run(ssh_run(agent, "admin", ADMIN_PASSWORD, kex_algs=["diffie-hellman-group16-sha512"]))


def test_existing_session_survives_configuration_changes(fresh_agent) -> None:
    agent = fresh_agent()

    async def scenario() -> str:
        async with asyncssh.connect(
            "127.0.0.1", agent.ssh_port, username="admin", password=ADMIN_PASSWORD, known_hosts=None
        ) as conn:
            await asyncio.to_thread(
                agent.commit,
                "<ip><ssh><server><algorithm><encryption><aes192-ctr/></encryption></algorithm></server></ssh></ip>",
            )
            result = await conn.run("show privilege", timeout=20)
            return str(result.stdout)

    assert "privilege level is 15" in asyncio.run(scenario())


def test_transport_input_none_refuses_ssh(fresh_agent) -> None:
    agent = fresh_agent()
    none = "<transport><input><none/></input></transport>"
    # both vty ranges a 17.12 box has (0 4 and 5 15): a login takes any free line
    agent.commit(f"<line><vty><first>0</first><last>4</last>{none}</vty><vty><first>5</first>{none}</vty></line>")
    with pytest.raises((asyncssh.DisconnectError, OSError)):
        asyncio.run(ssh_run(agent, "admin", ADMIN_PASSWORD))


def test_vty_lines_limit_concurrent_shells(fresh_agent) -> None:
    agent = fresh_agent()
    agent.commit(
        '<line><vty nc:operation="replace"><first>0</first>'
        "<transport><input><input>ssh</input></input></transport></vty>"
        '<vty nc:operation="delete"><first>5</first></vty></line>',  # one vty line in all
    )

    async def scenario() -> tuple[str, str]:
        async with asyncssh.connect(
            "127.0.0.1", agent.ssh_port, username="admin", password=ADMIN_PASSWORD, known_hosts=None
        ) as first:
            proc = await first.create_process(term_type="vt100")
            await asyncio.wait_for(proc.stdout.readuntil("#"), 20)
            async with asyncssh.connect(
                "127.0.0.1", agent.ssh_port, username="admin", password=ADMIN_PASSWORD, known_hosts=None
            ) as second:
                result = await second.run("show privilege", timeout=20)
            proc.stdin.write("exit\n")
            return str(result.stdout), str(result.stderr)

    out, err = asyncio.run(scenario())
    assert "privilege" not in out
    assert "busy" in err


def test_exec_timeout_closes_an_idle_shell(fresh_agent) -> None:
    agent = fresh_agent()
    agent.commit(
        "<line><vty><first>0</first><last>4</last><exec-timeout><minutes>0</minutes><seconds>2</seconds></exec-timeout></vty></line>",
    )

    async def scenario() -> float:
        async with asyncssh.connect(
            "127.0.0.1", agent.ssh_port, username="admin", password=ADMIN_PASSWORD, known_hosts=None
        ) as conn:
            proc = await conn.create_process(term_type="vt100")
            await asyncio.wait_for(proc.stdout.readuntil("#"), 20)
            start = time.monotonic()
            await asyncio.wait_for(proc.wait_closed(), 30)
            return time.monotonic() - start

    assert 1.5 <= asyncio.run(scenario()) < 10


def test_maxstartups_limits_unauthenticated_connections(fresh_agent) -> None:
    agent = fresh_agent("--limit", "early_drop_start_percent=100")  # the hard bound alone, no random early drop
    agent.commit("<ip><ssh><maxstartups>2</maxstartups></ssh></ip>")
    socks = []
    try:
        for _ in range(2):
            s = socket.create_connection(("127.0.0.1", agent.ssh_port), timeout=10)
            assert s.recv(256).startswith(b"SSH-2.0-")  # accepted: it holds a slot
            socks.append(s)
        with pytest.raises(asyncssh.DisconnectError) as exc:
            asyncio.run(ssh_run(agent, "admin", ADMIN_PASSWORD))
        assert exc.value.code == asyncssh.DISC_TOO_MANY_CONNECTIONS
    finally:
        for s in socks:
            s.close()
    # the agent frees the slots when it sees the sockets close: nothing announces it, so try until a login works
    assert until(lambda: logs_in(agent), 10)


@pytest.mark.skipif(shutil.which("ssh") is None, reason="OpenSSH client not installed")
def test_openssh_public_key_login_after_key_hash_commit(fresh_agent, tmp_path: Path) -> None:
    agent = fresh_agent()
    key = asyncssh.generate_private_key("ssh-rsa", key_size=2048)
    keyfile = tmp_path / "id_rsa"
    keyfile.write_bytes(key.export_private_key("openssh"))
    keyfile.chmod(0o600)
    cmd = [
        "ssh", "-i", str(keyfile), "-p", str(agent.ssh_port), "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
        "-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes", "-o", "PreferredAuthentications=publickey",
        "keyuser@127.0.0.1", "show privilege",
    ]  # fmt: skip
    before = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    assert before.returncode != 0
    digest = hashlib.md5(key.public_data).hexdigest().upper()
    agent.commit(
        "<username><name>keyuser</name><privilege>15</privilege></username>"
        "<ip><ssh><pubkey-chain><username><name>keyuser</name>"
        f"<key-hash><key-type>ssh-rsa</key-type><key-hash-value>{digest}</key-hash-value></key-hash>"
        "</username></pubkey-chain></ssh></ip>",
    )
    after = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    assert after.returncode == 0, after.stderr
    assert "Current privilege level is 15" in after.stdout
    # a user with no key in the chain and no password cannot log in at all
    with pytest.raises(asyncssh.PermissionDenied):
        asyncio.run(ssh_run(agent, "keyuser", "anything"))


def test_no_secret_or_private_key_in_the_logs(agent) -> None:
    failed = "device SSH login failed for 'admin'"
    earlier = agent.log_text().count(failed)  # the module's agent may have logged some already
    asyncio.run(ssh_run(agent, "admin", ADMIN_PASSWORD))
    with pytest.raises(asyncssh.PermissionDenied):
        asyncio.run(ssh_run(agent, "admin", "Wrong-Secret-xyz"))
    agent.wait_for_output(failed, count=earlier + 1)  # the wrong attempt's lines are in the log
    text = agent.log_text()
    assert ADMIN_PASSWORD not in text
    assert "Wrong-Secret-xyz" not in text
    assert "PRIVATE KEY" not in text
    assert "%SSH-5-SSH2_USERAUTH" in text


def test_no_secret_in_logs_at_debug_level(fresh_agent) -> None:
    agent = fresh_agent("--log-level", "DEBUG")
    agent.commit(
        "<username><name>dbg</name><privilege>15</privilege>"
        "<secret><encryption>0</encryption><secret>Debug-Secret-77</secret></secret></username>",
    )
    asyncio.run(ssh_run(agent, "dbg", "Debug-Secret-77"))
    with pytest.raises(asyncssh.PermissionDenied):
        asyncio.run(ssh_run(agent, "dbg", "Not-The-Secret-88"))
    m = agent.connect(user="dbg", password="Debug-Secret-77")
    m.close_session()
    agent.wait_for_output(rf"NETCONF session {m.session_id} closed")  # everything before it is in the log
    text = agent.log_text()
    for secret in ("Debug-Secret-77", "Not-The-Secret-88", ADMIN_PASSWORD, "PRIVATE KEY"):
        assert secret not in text
    assert "DEBUG" in text


def test_line_privilege_level_sets_the_exec_level(fresh_agent) -> None:
    agent = fresh_agent()
    agent.commit(
        "<line><vty><first>0</first><last>4</last><privilege><level><number>7</number></level></privilege></vty></line>",
    )
    assert "Current privilege level is 7" in asyncio.run(ssh_run(agent, "admin", ADMIN_PASSWORD))


def test_login_authentication_uses_the_named_method_list(fresh_agent) -> None:
    agent = fresh_agent()
    agent.commit(
        f'<aaa><authentication xmlns="{AAA}"><login><name>VTYLIST</name><a1><local-case/></a1></login>'
        "</authentication></aaa><line><vty><first>0</first><last>4</last><login><authentication>VTYLIST</authentication>"
        "</login></vty></line>",
    )
    assert "privilege level is 15" in asyncio.run(ssh_run(agent, "admin", ADMIN_PASSWORD))
    with pytest.raises(asyncssh.PermissionDenied):  # local-case: user names match exactly
        asyncio.run(ssh_run(agent, "ADMIN", ADMIN_PASSWORD))


def test_without_aaa_new_model_the_line_login_local_decides(fresh_agent) -> None:
    agent = fresh_agent()
    agent.commit('<aaa><new-model xmlns="' + AAA + '" nc:operation="delete"/></aaa>')
    with pytest.raises(asyncssh.PermissionDenied):  # no login local and no line password: nobody logs in
        asyncio.run(ssh_run(agent, "admin", ADMIN_PASSWORD))
    agent.commit("<line><vty><first>0</first><last>4</last><login><local/></login></vty></line>")
    assert "privilege level is 15" in asyncio.run(ssh_run(agent, "admin", ADMIN_PASSWORD))


def test_per_user_session_limit(fresh_agent) -> None:
    agent = fresh_agent()
    agent.commit("<ip><ssh><server><peruser><session><limit>1</limit></session></peruser></server></ssh></ip>")

    async def scenario() -> None:
        async with asyncssh.connect(
            "127.0.0.1", agent.ssh_port, username="admin", password=ADMIN_PASSWORD, known_hosts=None
        ) as first:
            proc = await first.create_process(term_type="vt100")
            await asyncio.wait_for(proc.stdout.readuntil("#"), 20)
            with pytest.raises((asyncssh.DisconnectError, asyncssh.ChannelOpenError)):
                async with asyncssh.connect(
                    "127.0.0.1", agent.ssh_port, username="admin", password=ADMIN_PASSWORD, known_hosts=None
                ) as second:
                    await second.run("show privilege", timeout=10)
            proc.stdin.write("exit\n")

    asyncio.run(scenario())


def test_enable_secret_raises_a_level_1_user(fresh_agent) -> None:
    agent = fresh_agent()
    agent.commit(
        "<enable><secret><type>0</type><secret>Enable-Me-1</secret></secret></enable>"
        "<username><name>op</name><privilege>1</privilege>"
        "<secret><encryption>0</encryption><secret>Op-pass-1</secret></secret></username>",
    )

    async def scenario() -> str:
        async with asyncssh.connect(
            "127.0.0.1", agent.ssh_port, username="op", password="Op-pass-1", known_hosts=None
        ) as conn:
            proc = await conn.create_process(term_type="vt100")
            await asyncio.wait_for(proc.stdout.readuntil(">"), 20)
            proc.stdin.write("enable\n")
            await asyncio.wait_for(proc.stdout.readuntil("Password: "), 20)
            proc.stdin.write("Enable-Me-1\n")
            prompt = await asyncio.wait_for(proc.stdout.readuntil("#"), 20)
            proc.stdin.write("show privilege\n")
            out = await asyncio.wait_for(proc.stdout.readuntil("#"), 20)
            proc.stdin.write("exit\n")
            return prompt + out

    out = asyncio.run(scenario())
    assert "Router#" in out
    assert "Current privilege level is 15" in out
