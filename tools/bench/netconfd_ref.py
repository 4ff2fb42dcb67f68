"""The reference server: Debian's ``netconfd`` (yuma123) behind a private OpenSSH ``sshd``, all on loopback.

Everything lives in one temporary directory and runs as processes this module started, stopped by PID:

* ``netconfd`` loads our own ``yang/`` Cisco modules (linked into a directory of their own: our copies of the
  RFC 5277 ``notifications`` modules would shadow yuma's, which its ``yuma123-system`` module builds on), with
  ``--target=candidate``, ``--with-startup=true`` (so a commit does not rewrite a file), ``--superuser=root``,
  ``--access-control=off`` and a ``~/.yuma`` directory in a private ``HOME``;
* ``sshd -D -f CONFIG`` with its own RSA-2048 host key (as IOS XE's) whose ``Subsystem netconf`` runs
  ``netconf-subsystem --ncxserver-sockname=PORT@SOCK``. netconf-subsystem picks the socket by the server port
  of ``SSH_CONNECTION`` and netconfd admits a session only on a port given to its ``--port``, so both get the
  sshd port. Login is root with a throwaway Ed25519 key (``PermitRootLogin prohibit-password`` in the private
  config: no account or system file is changed).

Missing Debian packages (``netconfd``, ``openssh-server``) are installed with apt-get, as tools/test-all does.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import asyncssh

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("netconfd", "openssh-server")
SSHD = "/usr/sbin/sshd"
NETCONFD = "/usr/sbin/netconfd"
SUBSYSTEM = "/usr/sbin/netconf-subsystem"
YUMA_MODULES = "/usr/share/yuma/modules"
#: Our modules netconfd loads (their imports come along through --modpath).
MODULES = ("Cisco-IOS-XE-native", "Cisco-IOS-XE-aaa")
START_TIMEOUT_S = 60.0


def ensure_packages() -> None:
    """apt-get install the reference's Debian packages if any is missing (root, or sudo, as tools/test-all)."""
    missing = [p for p in PACKAGES if not _installed(p)]
    if not missing:
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env, timeout=600)
    subprocess.run(
        [*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
        check=True,
        env=env,
        timeout=900,
    )


def _installed(package: str) -> bool:
    out = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True, check=False)
    return "install ok installed" in out.stdout


def available() -> bool:
    """True if the reference can run here without installing anything."""
    return all(Path(p).exists() for p in (SSHD, NETCONFD, SUBSYSTEM)) and os.geteuid() == 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Reference:
    """A running netconfd + sshd: where to connect, with which loaded key, and the PIDs to measure."""

    port: int
    user: str
    client_key: asyncssh.SSHKey
    netconfd_pid: int
    sshd_pid: int
    modules: str


class NetconfdReference:
    """Context manager: ``with NetconfdReference() as ref:`` starts both daemons, leaving stops them by PID."""

    def __init__(self) -> None:
        self._tmp = Path(tempfile.mkdtemp(prefix="bench-netconfd-"))
        self._procs: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> Reference:
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _start(self) -> Reference:
        tmp = self._tmp
        mods = tmp / "modules"
        mods.mkdir()
        for f in (REPO / "yang").glob("*.yang"):
            if f.name.lower().startswith("cisco-"):
                (mods / f.name).symlink_to(f)
        (tmp / "home" / ".yuma").mkdir(parents=True)
        startup = tmp / "startup-cfg.xml"
        startup.write_text('<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"/>\n')
        port = _free_port()
        sock = tmp / "ncxserver.sock"
        nc_log = (tmp / "netconfd.log").open("wb")
        netconfd = subprocess.Popen(
            [NETCONFD, f"--modpath={mods}:{YUMA_MODULES}", *(f"--module={m}" for m in MODULES),
             "--target=candidate", "--with-startup=true", f"--startup={startup}", "--superuser=root",
             "--access-control=off", f"--ncxserver-sockname={sock}", f"--port={port}", "--log-level=warn"],
            stdout=nc_log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env={**os.environ, "HOME": str(tmp / "home")},
        )  # fmt: skip
        self._procs.append(netconfd)
        _wait_for(lambda: sock.exists() or netconfd.poll() is not None, "netconfd's socket")
        if netconfd.poll() is not None:
            raise RuntimeError(f"netconfd did not start:\n{(tmp / 'netconfd.log').read_text(errors='replace')[-2000:]}")
        host_key = asyncssh.generate_private_key("ssh-rsa", key_size=2048)
        host_key.write_private_key(tmp / "ssh_host_rsa_key")
        (tmp / "ssh_host_rsa_key").chmod(0o600)  # sshd ignores a host key others can read
        client_key = asyncssh.generate_private_key("ssh-ed25519")
        client_key.write_public_key(tmp / "authorized_keys")
        (tmp / "sshd_config").write_text(
            f"ListenAddress 127.0.0.1\nPort {port}\nHostKey {tmp / 'ssh_host_rsa_key'}\nPidFile none\n"
            f"PermitRootLogin prohibit-password\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
            f"UsePAM no\nStrictModes no\nAuthorizedKeysFile {tmp / 'authorized_keys'}\nMaxStartups 100\n"
            f"MaxSessions 100\nLogLevel ERROR\nSubsystem netconf {SUBSYSTEM} --ncxserver-sockname={port}@{sock}\n"
        )
        Path("/run/sshd").mkdir(exist_ok=True)  # sshd's privilege-separation directory
        sshd = subprocess.Popen(
            [SSHD, "-D", "-e", "-f", str(tmp / "sshd_config")],
            stdout=(tmp / "sshd.log").open("wb"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        self._procs.append(sshd)
        _wait_for(lambda: _listening(port) or sshd.poll() is not None, "sshd")
        if sshd.poll() is not None:
            raise RuntimeError(f"sshd did not start:\n{(tmp / 'sshd.log').read_text(errors='replace')[-2000:]}")
        return Reference(
            port, "root", client_key, netconfd.pid, sshd.pid, "our yang/ modules (" + ", ".join(MODULES) + ")"
        )

    def stop(self) -> None:
        """Stop sshd first (its per-session children go with it), then netconfd; each by its own PID."""
        for proc in reversed(self._procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=10)
        self._procs.clear()
        shutil.rmtree(self._tmp, ignore_errors=True)


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _wait_for(ready: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not come up within {START_TIMEOUT_S:.0f} s")
