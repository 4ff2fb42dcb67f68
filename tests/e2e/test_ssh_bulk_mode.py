"""``ip ssh bulk-mode [W]``: the session channels SCP runs in are opened with a window of W bytes (131072 when not
given; a first start has ``ip ssh bulk-mode 131072``, as a factory 17.12 box), which the OpenSSH client reports
(``open confirm rwindow W``); without the command the window is the SSH library's own. A transfer through the
smaller window arrives whole."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from agents import ADMIN_PASSWORD
from openssh import needs_openssh_scp

SCP_ON = "<ip><scp><server><enable/></server></scp></ip>"
NC = "urn:ietf:params:xml:ns:netconf:base:1.0"
#: OpenSSH options of tests/support/openssh.py, but verbose: the window is in the client's debug2 lines
OPTIONS = (
    "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "PubkeyAuthentication=no",
    "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-vv",
)  # fmt: skip
WINDOW = re.compile(r"channel 0: open confirm rwindow (\d+)")


def upload_window(port: int, src: Path, dst: str) -> int:
    """``scp -O -vv`` of ``src`` to the device's ``dst``; the window the device opened the channel with."""
    cmd = ["sshpass", "-e", "scp", "-O", "-P", str(port), *OPTIONS, str(src), f"admin@127.0.0.1:{dst}"]
    done = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
        env={**os.environ, "SSHPASS": ADMIN_PASSWORD},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    found = WINDOW.search(done.stderr)
    assert found, done.stderr[-2000:]
    return int(found.group(1))


@needs_openssh_scp
def test_bulk_mode_sets_the_scp_channel_window(fresh_agent, tmp_path: Path) -> None:
    agent = fresh_agent()
    agent.commit(SCP_ON)
    src = tmp_path / "image.bin"
    src.write_bytes(os.urandom(1 << 20))
    assert upload_window(agent.ssh_port, src, "flash:a.bin") == 131072  # a factory 17.12 box prints the line
    agent.commit(f'<ip><ssh><bulk-mode xmlns:nc="{NC}" nc:operation="remove"/></ssh></ip>')
    default = upload_window(agent.ssh_port, src, "flash:b.bin")
    agent.commit("<ip><ssh><bulk-mode/></ssh></ip>")
    assert upload_window(agent.ssh_port, src, "flash:c.bin") == 131072
    agent.commit("<ip><ssh><bulk-mode><window-size>262144</window-size></bulk-mode></ssh></ip>")
    assert upload_window(agent.ssh_port, src, "flash:d.bin") == 262144
    assert default not in (131072, 262144)  # no command, no bulk window
    flash = agent.state_dir / "flash"
    assert {p.name: p.read_bytes() == src.read_bytes() for p in flash.iterdir()} == dict.fromkeys(
        ("a.bin", "b.bin", "c.bin", "d.bin"), True
    )
