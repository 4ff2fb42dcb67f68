"""The guide's "SSH version 2 with RSA key pairs" procedure typed verbatim into a real agent, then real clients
(asyncssh, OpenSSH's ssh-keyscan) look at the host key; zeroizing the served key turns SSH off; a configuration
file holding ``crypto key`` lines (``scp -O`` to running-config, ``copy flash:F running-config``) runs them.

17.12 refuses the guide's ``modulus 768`` (CLI reference §1.4: invalid input, the caret under the number), so the
procedure leaves SSH disabled, waiting for ``sshkeys`` as ``ip ssh rsa keypair-name`` asks; the same line with a
modulus 17.12 takes (2048) generates the usage pair and SSH comes back on its signature half, as the guide says.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
from pathlib import Path

import asyncssh
import pytest
from agents import ADMIN_PASSWORD, ADMIN_USER
from cli_dialogue import Dialogue, in_shell
from cryptography.hazmat.primitives import serialization
from openssh import needs_openssh_scp, scp_upload

CONFIG = "(config)#"
_BLOCK = re.compile(
    r"Key name: (\S+)\n(?: .*\n|Key type.*\n)*? Usage: ([\w ]+) Key\n.*\n Key Data:\n((?:  [0-9A-F ]+\n)+)"
)


def shown_keys(show: str) -> dict[tuple[str, str], bytes]:
    """``show crypto key mypubkey rsa``: (name, usage) -> the public key as the SSH wire blob."""
    found = {}
    for name, usage, data in _BLOCK.findall(show.replace("\r\n", "\n")):
        der = bytes.fromhex("".join(data.split()))
        public = serialization.load_der_public_key(der)
        openssh = public.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
        found[(name, usage)] = asyncssh.import_public_key(openssh).public_data
    return found


async def host_key(port: int) -> bytes:
    """The host key the device's SSH port presents (asyncssh, no login needed past the key exchange)."""
    async with asyncssh.connect(
        "127.0.0.1", port, username=ADMIN_USER, password=ADMIN_PASSWORD, known_hosts=None, client_keys=None
    ) as conn:
        key = conn.get_server_host_key()
        assert key is not None
        return key.public_data


async def refused(port: int) -> None:
    """The SSH port refuses connections (SSH disabled: no listener)."""
    with pytest.raises(OSError):
        await asyncio.wait_for(host_key(port), 10)


def keyscan(port: int) -> bytes:
    """The RSA host key as OpenSSH's ssh-keyscan sees it."""
    out = subprocess.run(
        ["ssh-keyscan", "-p", str(port), "-t", "rsa", "127.0.0.1"], capture_output=True, text=True, timeout=30
    ).stdout
    line = next(x for x in out.splitlines() if " ssh-rsa " in x)
    return asyncssh.import_public_key(line.split(None, 1)[1]).public_data


def test_the_guide_rsa_procedure_and_zeroize(fresh_agent) -> None:
    agent = fresh_agent()
    port = agent.ssh_port

    async def procedure(shell: Dialogue) -> dict[str, object]:
        seen: dict[str, object] = {}
        await shell.cmd("enable")  # Device> enable (already privileged: nothing asked)
        await shell.cmd("configure terminal", CONFIG)
        await shell.cmd("ip ssh rsa keypair-name sshkeys", CONFIG)  # step 3: no such key yet -> SSH waits for it
        await asyncio.to_thread(agent.wait_for_output, "%SSH-5-DISABLED: SSH 2.0 has been disabled")
        await refused(port)
        seen["768"] = await shell.cmd("crypto key generate rsa usage-keys label sshkeys modulus 768", CONFIG)
        await refused(port)
        seen["2048"] = await shell.cmd("crypto key generate rsa usage-keys label sshkeys modulus 2048", CONFIG)
        await asyncio.to_thread(agent.wait_for_output, "%SSH-5-ENABLED: SSH 2.0 has been enabled", 2)
        await shell.cmd("ip ssh time-out 12", CONFIG)
        await shell.cmd("ip ssh version 2", CONFIG)
        await shell.cmd("exit")
        seen["keys"] = shown_keys(await shell.cmd("show crypto key mypubkey rsa"))
        seen["show ip ssh"] = await shell.cmd("show ip ssh")
        seen["served"] = await host_key(port)
        seen["keyscan"] = await asyncio.to_thread(keyscan, port) if shutil.which("ssh-keyscan") else seen["served"]
        # zeroizing the key SSH serves turns SSH off; no keypair-name falls back to the first general key
        await shell.cmd("crypto key zeroize rsa sshkeys", "]: ")
        await shell.cmd("yes")
        await asyncio.to_thread(agent.wait_for_output, "%SSH-5-DISABLED: SSH 2.0 has been disabled", 2)
        await refused(port)
        seen["after zeroize"] = await shell.cmd("show ip ssh")
        await shell.cmd("configure terminal", CONFIG)
        await shell.cmd("no ip ssh rsa keypair-name", CONFIG)
        await shell.cmd("end")
        await asyncio.to_thread(agent.wait_for_output, "%SSH-5-ENABLED: SSH 2.0 has been enabled", 3)
        seen["fallback"] = await host_key(port)
        seen["default"] = shown_keys(await shell.cmd("show crypto key mypubkey rsa"))
        return seen

    seen = asyncio.run(in_shell(port, procedure))
    assert "\n% Invalid input detected at '^' marker." in str(seen["768"])
    caret = str(seen["768"]).splitlines()[1]
    assert caret == " " * len("Router(config)#crypto key generate rsa usage-keys label sshkeys modulus ") + "^"
    assert "The name for the keys will be: sshkeys\n" in str(seen["2048"])
    keys = seen["keys"]
    assert isinstance(keys, dict) and {("sshkeys", "Signature"), ("sshkeys", "Encryption")} <= set(keys)
    assert seen["served"] == keys[("sshkeys", "Signature")] != keys[("sshkeys", "Encryption")]
    assert seen["keyscan"] == seen["served"]
    show = str(seen["show ip ssh"])
    assert "SSH Enabled - version 2.0" in show and "Authentication timeout: 12 secs" in show
    assert "IOS Keys in SECSH format(ssh-rsa, base64 encoded): sshkeys\n" in show
    assert "SSH Disabled - version 2.0" in str(seen["after zeroize"])
    default = seen["default"]
    assert isinstance(default, dict) and seen["fallback"] == default[("Router.lab.local", "General Purpose")]


@needs_openssh_scp
def test_key_lines_of_a_configuration_file_run_in_order(fresh_agent, tmp_path: Path) -> None:
    agent = fresh_agent()
    agent.commit("<ip><scp><server><enable/></server></scp></ip>")
    config = tmp_path / "keys.cfg"
    config.write_text(
        "ip domain name scp.test\n"
        "crypto key generate rsa label SCP-GONE modulus 2048\n"
        "crypto key generate rsa modulus 2048\n"  # the default name, Router.scp.test
        "crypto key zeroize rsa SCP-GONE\n"
        "crypto key generate rsa usage-keys label SCP-USAGE\n"  # no modulus in a file: the default, no question
        "end\n"
    )
    done = scp_upload(agent.ssh_port, config, "running-config")
    assert done.returncode == 0, done.stderr
    agent.wait_for_output("%CRYPTO_ENGINE-5-KEY_DELETED: A key named SCP-GONE has been removed")
    agent.wait_for_output("%CRYPTO_ENGINE-5-KEY_ADDITION: A key named SCP-USAGE has been generated", 2)
    listed = shown_keys(asyncio.run(in_shell(agent.ssh_port, lambda s: s.cmd("show crypto key mypubkey rsa"))))
    names = [key for key in listed if key[0] != "Router.lab.local"]
    assert names == [
        ("Router.scp.test", "General Purpose"),
        ("SCP-USAGE", "Signature"),
        ("SCP-USAGE", "Encryption"),
    ]
    assert "crypto key" not in asyncio.run(in_shell(agent.ssh_port, lambda s: s.cmd("show running-config")))

    # the same lines through the CLI's copy of a flash: file into running-config
    flash = tmp_path / "more-keys.cfg"
    flash.write_text("ip ssh rsa keypair-name COPIED\ncrypto key generate rsa label COPIED modulus 2048\n")
    assert scp_upload(agent.ssh_port, flash, "flash:more-keys.cfg").returncode == 0

    async def copy(shell: Dialogue) -> str:
        await shell.cmd("copy flash:more-keys.cfg running-config", "]? ")
        return await shell.cmd("")

    asyncio.run(in_shell(agent.ssh_port, copy))
    agent.wait_for_output("%CRYPTO_ENGINE-5-KEY_ADDITION: A key named COPIED has been generated")
    agent.wait_for_output("%SSH-5-ENABLED: SSH 2.0 has been enabled", 2)  # keypair-name COPIED, then COPIED made

    async def served(shell: Dialogue) -> tuple[bytes, str]:
        return await host_key(agent.ssh_port), await shell.cmd("show crypto key mypubkey rsa")

    key, show = asyncio.run(in_shell(agent.ssh_port, served))
    assert key == shown_keys(show)[("COPIED", "General Purpose")]


def test_the_served_usage_pair_survives_a_restart_and_a_replacement_restarts_ssh(fresh_agent) -> None:
    agent = fresh_agent()

    async def configure(shell: Dialogue) -> bytes:
        await shell.cmd("configure terminal", CONFIG)
        await shell.cmd("ip ssh rsa keypair-name RK", CONFIG)
        await shell.cmd("crypto key generate rsa usage-keys label RK modulus 2048", CONFIG)
        await shell.cmd("end")
        await shell.cmd("write memory")  # keypair-name survives a reload only when saved; the keys always do
        await asyncio.to_thread(agent.wait_for_output, "%SSH-5-ENABLED: SSH 2.0 has been enabled", 2)
        return await host_key(agent.ssh_port)

    before = asyncio.run(in_shell(agent.ssh_port, configure))
    agent.restart()
    assert asyncio.run(host_key(agent.ssh_port)) == before

    async def replace(shell: Dialogue) -> tuple[bytes, str]:
        await shell.cmd("configure terminal", CONFIG)
        await shell.cmd("crypto key generate rsa usage-keys label RK modulus 2048", CONFIG)
        await shell.cmd("end")
        await asyncio.to_thread(agent.wait_for_output, "%SSH-5-ENABLED: SSH 2.0 has been enabled", 2)
        return await host_key(agent.ssh_port), await shell.cmd("show crypto key mypubkey rsa")

    after, show = asyncio.run(in_shell(agent.ssh_port, replace))
    assert after != before and after == shown_keys(show)[("RK", "Signature")]
    log = agent.log_text()
    replaced = log.index("%SSH-5-DISABLED: SSH 2.0 has been disabled")  # IOS: replaced keys restart SSH
    assert log.index("%SSH-5-ENABLED: SSH 2.0 has been enabled", replaced) > replaced


def test_with_a_keypair_name_ssh_needs_no_host_name_or_domain(fresh_agent) -> None:
    """The guide ("SSH v2"): with ``ip ssh rsa keypair-name`` SSH is enabled without a host name or domain name,
    which the default key's name (``hostname.domain``) needs."""
    agent = fresh_agent()
    port = agent.ssh_port

    async def procedure(shell: Dialogue) -> str:
        await shell.cmd("configure terminal", CONFIG)
        await shell.cmd("no ip domain name", CONFIG)
        await shell.cmd("no hostname", CONFIG)
        before = len(agent.output)
        await shell.cmd("ip ssh rsa keypair-name labkey", CONFIG)
        await asyncio.to_thread(agent.wait_for_output, "%SSH-5-DISABLED: SSH 2.0 has been disabled", after=before)
        await refused(port)
        before = len(agent.output)
        generated = await shell.cmd("crypto key generate rsa label labkey modulus 2048", CONFIG)
        await asyncio.to_thread(agent.wait_for_output, "%SSH-5-ENABLED: SSH 2.0 has been enabled", after=before)
        return generated

    generated = asyncio.run(in_shell(port, procedure))
    assert "[OK]" in generated and "domain-name" not in generated, generated
    served = asyncio.run(host_key(port))
    shown = shown_keys(asyncio.run(in_shell(port, lambda shell: shell.cmd("show crypto key mypubkey rsa"))))
    assert shown[("labkey", "General Purpose")] == served
