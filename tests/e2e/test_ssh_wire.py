"""SSH on the wire as IOS XE 17.12 offers it: the server's own KEXINIT (read from a raw socket), what clients
negotiate, ``show ip ssh`` / ``show ssh`` and ``show running-config`` after each ``ip ssh server algorithm`` line.

The expected lists are the real 17.x box's (IOSXE-CLI-REFERENCE.md §2.1), spelled here, not taken from the agent.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import struct
import subprocess

import asyncssh
import pytest
from agents import ADMIN_PASSWORD, ADMIN_USER, netconf_manager
from cli_dialogue import Dialogue, in_shell
from namespaces import IOS, PRIV

KEX = (
    "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,"
    "diffie-hellman-group14-sha256,diffie-hellman-group16-sha512"
)
CIPHERS = (
    "chacha20-poly1305@openssh.com,aes128-gcm@openssh.com,aes256-gcm@openssh.com,aes128-gcm,aes256-gcm,"
    "aes128-ctr,aes192-ctr,aes256-ctr"
)
MACS = "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com"
HOSTKEY_SHOWN = "ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256"
HOSTKEY_RSA = "rsa-sha2-512,rsa-sha2-256"  # what an RSA host key can sign, in the configured order
#: markers asyncssh adds to every KEXINIT's kex list (RFC 8308 ext-info, OpenSSH strict kex): not algorithms
KEX_MARKERS = frozenset({"ext-info-s", "kex-strict-s-v00@openssh.com"})
SERVER_LINES = "show running-config | include ip ssh server algorithm"


def server_kexinit(port: int) -> dict[str, str]:
    """The name-lists of the first packet the server sends after the version exchange (its KEXINIT)."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        s.sendall(b"SSH-2.0-OpenSSH_9.2\r\n")
        data = b""
        while b"\r\n" not in data:
            data += s.recv(4096)
        data = data.split(b"\r\n", 1)[1]
        while len(data) < 4 or len(data) < 4 + struct.unpack(">I", data[:4])[0]:
            chunk = s.recv(65536)
            assert chunk, "the server closed before its KEXINIT"
            data += chunk
    length, padding = struct.unpack(">IB", data[:5])
    payload = data[5 : 4 + length - padding]
    assert payload[0] == 20  # SSH_MSG_KEXINIT
    names = ("kex", "hostkey", "enc_cs", "enc_sc", "mac_cs", "mac_sc", "cmp_cs", "cmp_sc")
    lists: dict[str, str] = {}
    offset = 17
    for name in names:
        (size,) = struct.unpack_from(">I", payload, offset)
        lists[name] = payload[offset + 4 : offset + 4 + size].decode()
        offset += 4 + size
    lists["kex"] = ",".join(k for k in lists["kex"].split(",") if k not in KEX_MARKERS)
    return lists


def show_ip_ssh_lists(text: str) -> dict[str, str]:
    """``Label:list`` lines of ``show ip ssh``."""
    return {
        label: value
        for line in text.replace("\r", "").split("\n")
        if (":" in line and "Algorithms" in line) or line.startswith("Authentication methods:")
        for label, value in [line.split(":", 1)]
    }


async def _cli(agent, *lines: str) -> list[str]:
    """Type ``lines`` in the agent's shell (configuration lines between ``configure terminal`` and ``end``, the
    others in exec mode) and return each answer."""

    async def run(shell: Dialogue) -> list[str]:
        return [await shell.cmd(line) for line in lines]

    return await in_shell(agent.ssh_port, run)


async def run_with(agent, command: str, **algorithms: list[str]) -> str:
    """``command``'s output on an exec channel of a connection that offers only ``algorithms`` (asyncssh names)."""
    options = {"known_hosts": None, "client_keys": None, "agent_path": None, **algorithms}
    async with asyncssh.connect(
        "127.0.0.1", agent.ssh_port, username=ADMIN_USER, password=ADMIN_PASSWORD, **options
    ) as conn:
        return str((await conn.run(command, timeout=20)).stdout)


def cli(agent, *lines: str) -> list[str]:
    return asyncio.run(_cli(agent, *lines))


def configure(agent, *lines: str) -> None:
    answers = cli(agent, "configure terminal", *lines, "end")
    assert not any("%" in a for a in answers), answers


def test_the_server_offers_exactly_17_12s_lists_by_default(agent) -> None:
    offered = server_kexinit(agent.ssh_port)
    assert offered["kex"] == KEX
    assert offered["hostkey"] == HOSTKEY_RSA
    assert offered["enc_cs"] == offered["enc_sc"] == CIPHERS
    assert offered["mac_cs"] == offered["mac_sc"] == MACS
    assert offered["cmp_cs"] == offered["cmp_sc"] == "none"  # the guide: compression is not supported
    (shown,) = cli(agent, "show ip ssh")
    lists = show_ip_ssh_lists(shown)
    assert lists["KEX Algorithms"] == KEX
    assert lists["Encryption Algorithms"] == CIPHERS
    assert lists["MAC Algorithms"] == MACS
    assert lists["Hostkey Algorithms"] == HOSTKEY_SHOWN  # as the real box: the configured list, EC ones included
    assert lists["Authentication methods"] == "publickey,keyboard-interactive,password"


def test_each_algorithm_line_orders_the_wire_and_show_ip_ssh(fresh_agent) -> None:
    agent = fresh_agent()
    configure(
        agent,
        "ip ssh server algorithm encryption aes256-ctr aes192-ctr aes128-ctr",
        "ip ssh server algorithm mac hmac-sha2-512 hmac-sha2-256",
        "ip ssh server algorithm kex ecdh-sha2-nistp384 curve25519-sha256 diffie-hellman-group14-sha1",
        "ip ssh server algorithm hostkey rsa-sha2-256 rsa-sha2-512",
    )
    offered = server_kexinit(agent.ssh_port)
    assert offered["enc_cs"] == "aes256-ctr,aes192-ctr,aes128-ctr"
    assert offered["mac_sc"] == "hmac-sha2-512,hmac-sha2-256"
    assert offered["kex"] == "ecdh-sha2-nistp384,curve25519-sha256,diffie-hellman-group14-sha1"
    assert offered["hostkey"] == "rsa-sha2-256,rsa-sha2-512"
    lists = show_ip_ssh_lists(cli(agent, "show ip ssh")[0])
    assert lists["Encryption Algorithms"] == offered["enc_cs"]
    assert lists["MAC Algorithms"] == offered["mac_cs"]
    assert lists["KEX Algorithms"] == offered["kex"]
    assert lists["Hostkey Algorithms"] == offered["hostkey"]
    # ip ssh dh min size 4096: no 2048-bit group any more, on the wire and in show ip ssh
    configure(agent, "ip ssh dh min size 4096")
    assert server_kexinit(agent.ssh_port)["kex"] == "ecdh-sha2-nistp384,curve25519-sha256"
    shown = cli(agent, "show ip ssh")[0]
    assert show_ip_ssh_lists(shown)["KEX Algorithms"] == "ecdh-sha2-nistp384,curve25519-sha256"
    assert "Minimum expected Diffie Hellman key size : 4096 bits" in shown
    # `no` gives the defaults back
    configure(agent, "no ip ssh server algorithm encryption", "no ip ssh server algorithm kex", "no ip ssh dh min size")
    offered = server_kexinit(agent.ssh_port)
    assert (offered["enc_cs"], offered["kex"]) == (CIPHERS, KEX)
    # a minimum size that leaves no key exchange: nobody can connect any more (last: this agent is lost to SSH)
    configure(agent, "ip ssh server algorithm kex diffie-hellman-group14-sha256", "ip ssh dh min size 4096")
    with pytest.raises((asyncssh.KeyExchangeFailed, asyncssh.ConnectionLost)):
        cli(agent, "show privilege")


def test_typed_order_survives_and_a_second_run_changes_nothing(agent) -> None:
    """Ansible ``ios_config lines:`` compares running-config lines: typing a line again must print it the same."""
    line = "ip ssh server algorithm encryption aes256-ctr aes192-ctr aes128-ctr"
    configure(agent, line)
    first = cli(agent, SERVER_LINES)[0]
    assert line in first.split("\n")
    configure(agent, line)
    assert cli(agent, SERVER_LINES)[0] == first
    # NETCONF sees Cisco's 17.12.1 leaves only (the typed order is device-private)
    subtree = f'<native xmlns="{IOS}"><ip><ssh><server><algorithm/></server></ssh></ip></native>'
    with netconf_manager("127.0.0.1", agent.netconf_port) as m:
        reply = m.get_config("running", filter=("subtree", subtree)).data_xml
    assert all(f"<{c}/>" in reply for c in ("aes128-ctr", "aes192-ctr", "aes256-ctr")), reply
    assert PRIV not in reply, reply
    configure(agent, "no ip ssh server algorithm encryption")


def test_an_aead_cipher_shows_the_mac_ios_reports(agent) -> None:
    """17.x syslog: ``using crypto cipher 'chacha20-poly1305@openssh.com', hmac 'hmac-sha2-256-etm@openssh.com'``."""

    table = asyncio.run(run_with(agent, "show ssh", encryption_algs=["chacha20-poly1305@openssh.com"]))
    rows = [line.split() for line in table.splitlines() if "chacha20-poly1305@openssh.com" in line]
    assert rows and all(row[4] == "hmac-sha2-256-etm@openssh.com" for row in rows), table
    assert table.splitlines()[0].split()[:5] == ["Connection", "Version", "Mode", "Encryption", "Hmac"]
    assert table.rstrip().endswith("%No SSHv1 server connections running.")


def test_ios_gcm_names_and_restricted_authentication(fresh_agent) -> None:
    """IOS's ``aes128-gcm`` (beside ``aes128-gcm@openssh.com``) is offered and works; ``authentication publickey``
    leaves password logins out."""
    import iosxe_agent.device.ssh_wire  # noqa: F401  (teaches this process's asyncssh client the IOS GCM names)

    agent = fresh_agent()
    configure(agent, "ip ssh server algorithm encryption aes128-gcm aes256-ctr")
    assert server_kexinit(agent.ssh_port)["enc_cs"] == "aes128-gcm,aes256-ctr"

    assert "aes128-gcm " in asyncio.run(run_with(agent, "show ssh", encryption_algs=["aes128-gcm"]))
    # the session that types it stays; show ip ssh in it, then a new password login is refused
    *_, shown = cli(
        agent, "configure terminal", "ip ssh server algorithm authentication publickey", "end", "show ip ssh"
    )
    assert show_ip_ssh_lists(shown)["Authentication methods"] == "publickey"
    with pytest.raises(asyncssh.PermissionDenied):
        asyncio.run(_cli(agent, "show privilege"))


@pytest.mark.skipif(shutil.which("ssh") is None or shutil.which("sshpass") is None, reason="needs OpenSSH, sshpass")
def test_openssh_sees_ios_lists_and_gets_no_compression(agent) -> None:
    """OpenSSH asking for compression still gets ``none``; what it negotiates is what ``show ssh`` then lists."""
    cmd = [
        "sshpass", "-e", "ssh", "-vv", "-C", "-p", str(agent.ssh_port),
        "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "PubkeyAuthentication=no",
        "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "PreferredAuthentications=password",
        f"{ADMIN_USER}@127.0.0.1", "show ssh",
    ]  # fmt: skip
    env = {**os.environ, "SSHPASS": ADMIN_PASSWORD}
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL, env=env)
    debug = done.stderr
    assert f"debug2: KEX algorithms: {KEX}," in debug  # the peer's proposal (asyncssh's markers follow)
    assert f"debug2: host key algorithms: {HOSTKEY_RSA}" in debug
    assert f"debug2: ciphers ctos: {CIPHERS}" in debug and f"debug2: MACs stoc: {MACS}" in debug
    assert "debug2: compression ctos: none\n" in debug.replace("\r", "")
    assert "debug1: kex: algorithm: curve25519-sha256" in debug
    assert "debug1: kex: host key algorithm: rsa-sha2-512" in debug
    assert "server->client cipher: chacha20-poly1305@openssh.com MAC: <implicit> compression: none" in debug
    rows = [line.split() for line in done.stdout.splitlines() if line.split()[1:2] == ["2.0"]]
    assert ["IN", "chacha20-poly1305@openssh.com", "hmac-sha2-256-etm@openssh.com"] in [r[2:5] for r in rows]
