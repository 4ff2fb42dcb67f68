#!/usr/bin/env python3
"""SCP throughput benchmark: a 100 MB upload and download through the agent's device port, next to OpenSSH's own
sshd on the same machine (the reference), with the OpenSSH ``scp -O`` client for both. Prints, never asserts.

The agent runs with ``--flash-size`` large enough for the file and ``ip scp server enable`` committed over NETCONF;
the upload goes to ``flash:bench.bin`` (streamed to a temporary file, fsync, rename) and the download reads it
back. The reference is a private sshd (``-f CONFIG -D -e``) on a free loopback port with a temporary host key and
``AuthorizedKeysFile`` in a temporary directory, public-key login. As root, sshd runs as root (privilege separation
needs the ``sshd`` account, which Debian's package creates, and ``/run/sshd``, created here when missing); with
``--sshd-user NAME`` it runs unprivileged as that account instead (no privilege separation account needed) and the
client logs in as NAME; not as root, it runs as the current user. Each figure is the median of
``--rounds`` wall-clock times of the whole ``scp`` command (connection set-up included) and the SHA-256 of every
copy is checked. When no sshd is installed the reference is skipped: Debian's package is ``openssh-server``
(``--sshd PATH`` takes a binary from elsewhere, e.g. extracted with ``apt-get download openssh-server`` and
``dpkg-deb -x``).

Usage (from the repository root): tools/bench/scp_bench.py [--size-mb 100] [--rounds 3] [--cipher NAME]
       [--sshd PATH] [--sshd-user NAME]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import pwd
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from agentproc import PASSWORD, start_agent
from rawclient import RawNetconf

NATIVE = "http://cisco.com/ns/yang/Cisco-IOS-XE-native"
SSH_OPTS = [
    "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
    "-o", "BatchMode=no",
]  # fmt: skip


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def password_prefix(tmp: Path) -> tuple[list[str], dict[str, str]]:
    if shutil.which("sshpass"):
        return ["sshpass", "-p", PASSWORD], dict(os.environ)
    script = tmp / "askpass.sh"
    script.write_text(f"#!/bin/sh\necho '{PASSWORD}'\n")
    script.chmod(0o700)
    return [], {**os.environ, "SSH_ASKPASS": str(script), "SSH_ASKPASS_REQUIRE": "force", "DISPLAY": ":0"}


def timed(cmd: list[str], env: dict[str, str] | None = None) -> float:
    t0 = time.perf_counter()
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False)
    elapsed = time.perf_counter() - t0
    if result.returncode != 0:
        raise SystemExit(f"command failed ({result.returncode}): {' '.join(cmd)}\n{result.stderr}")
    return elapsed


# -- the agent --------------------------------------------------------------------------------------------------------


async def enable_scp(netconf_port: int) -> None:
    nc = await RawNetconf.open("127.0.0.1", netconf_port, "admin", PASSWORD)
    await nc.rpc(
        f"<edit-config><target><running/></target><config><native xmlns='{NATIVE}'><ip><scp><server><enable/>"
        "</server></scp></ip></native></config></edit-config>"
    )
    await nc.close()


def bench_agent(src: Path, tmp: Path, rounds: int, cipher: list[str]) -> tuple[list[float], list[float]] | None:
    state = tmp / "iosxe_agent"
    size_mb = src.stat().st_size // (1 << 20)
    proc, netconf_port, ssh_port = start_agent(state, "--flash-size", str(2 * size_mb + 64))
    try:
        asyncio.run(enable_scp(netconf_port))
        prefix, env = password_prefix(tmp)
        base = [*prefix, "scp", "-O", "-P", str(ssh_port), *SSH_OPTS, *cipher]
        ups, downs = [], []
        for _ in range(rounds):
            ups.append(timed([*base, str(src), "admin@127.0.0.1:flash:bench.bin"], env))
            back = tmp / "agent-back.bin"
            downs.append(timed([*base, "admin@127.0.0.1:flash:bench.bin", str(back)], env))
            if sha256(back) != sha256(src) or sha256(state / "flash" / "bench.bin") != sha256(src):
                raise SystemExit("agent copy differs from the source")
            back.unlink()
        return ups, downs
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# -- the reference: OpenSSH sshd ---------------------------------------------------------------------------------------
def find_sshd(given: str | None) -> str | None:
    if given:
        return str(Path(given).resolve())
    return shutil.which("sshd") or next(
        (p for p in ("/usr/sbin/sshd", "/usr/local/sbin/sshd") if Path(p).exists()), None
    )


def bench_sshd(
    sshd: str, src: Path, tmp: Path, rounds: int, cipher: list[str], run_as: str | None
) -> tuple[list[float], list[float]]:
    d = tmp / "sshd"
    d.mkdir(mode=0o700)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(d / "hostkey")], check=True)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(d / "client")], check=True)
    shutil.copy(d / "client.pub", d / "authorized_keys")
    prefix: list[str] = []
    if run_as is not None:  # unprivileged sshd: it must own its files
        account = pwd.getpwnam(run_as)
        for path in (d, *d.iterdir()):
            os.chown(path, account.pw_uid, account.pw_gid)
        prefix = ["runuser", "-u", run_as, "--"]
    elif os.geteuid() == 0:
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # Debian's privilege separation directory
    port = free_port()
    (d / "sshd_config").write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {d / 'hostkey'}\nPidFile {d / 'sshd.pid'}\n"
        f"AuthorizedKeysFile {d / 'authorized_keys'}\nPubkeyAuthentication yes\nPasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\nPermitRootLogin prohibit-password\n"
        "Subsystem sftp internal-sftp\n"
    )
    daemon = subprocess.Popen(
        [*prefix, sshd, "-f", str(d / "sshd_config"), "-D", "-e"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if daemon.poll() is not None:
                out = daemon.stdout.read() if daemon.stdout else ""
                raise SystemExit(f"sshd exited: {out}")
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        user = run_as or pwd.getpwuid(os.geteuid()).pw_name
        base = ["scp", "-O", "-P", str(port), "-i", str(d / "client"), "-o", "IdentitiesOnly=yes", *SSH_OPTS, *cipher]
        dst = d / "dst.bin"
        ups, downs = [], []
        for _ in range(rounds):
            ups.append(timed([*base, str(src), f"{user}@127.0.0.1:{dst}"]))
            back = tmp / "sshd-back.bin"
            downs.append(timed([*base, f"{user}@127.0.0.1:{dst}", str(back)]))
            if sha256(back) != sha256(src) or sha256(dst) != sha256(src):
                raise SystemExit("sshd copy differs from the source")
            back.unlink()
            dst.unlink()
        return ups, downs
    finally:
        daemon.terminate()
        try:
            daemon.wait(timeout=10)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait()


def _has_account(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def rate(size: int, samples: list[float]) -> float:
    return size / (1 << 20) / statistics.median(samples)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size-mb", type=int, default=100)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--cipher", default=None, help="scp -c CIPHER for both servers (default: what they negotiate)")
    p.add_argument("--sshd", default=None, help="path of the OpenSSH sshd for the reference")
    p.add_argument("--sshd-user", default=None, help="as root: run the reference sshd unprivileged as this account")
    args = p.parse_args()
    cipher = ["-c", args.cipher] if args.cipher else []
    with tempfile.TemporaryDirectory(prefix="scp-bench-") as tmpname:
        tmp = Path(tmpname)
        os.chmod(tmp, 0o755)
        src = tmp / "src.bin"
        with src.open("wb") as f:
            for _ in range(args.size_mb):
                f.write(os.urandom(1 << 20))
        size = src.stat().st_size
        print(f"SCP throughput, {args.size_mb} MB, scp -O (OpenSSH client), median of {args.rounds}, cipher "
              f"{args.cipher or 'negotiated'}", flush=True)  # fmt: skip
        result = bench_agent(src, tmp, args.rounds, cipher)
        assert result is not None
        agent_up, agent_down = rate(size, result[0]), rate(size, result[1])
        print(f"  agent (asyncssh)   upload {agent_up:8.1f} MB/s   download {agent_down:8.1f} MB/s", flush=True)
        sshd = find_sshd(args.sshd)
        if sshd is None:
            print("  OpenSSH sshd: not installed (Debian package openssh-server); no reference figures", flush=True)
            return
        if os.geteuid() == 0 and args.sshd_user is None and not _has_account("sshd"):
            print(
                "  OpenSSH sshd: as root it needs the 'sshd' privilege separation account (created by Debian's "
                "openssh-server); pass --sshd-user NAME to run it unprivileged",
                flush=True,
            )
            return
        ref = bench_sshd(sshd, src, tmp, args.rounds, cipher, args.sshd_user if os.geteuid() == 0 else None)
        ref_up, ref_down = rate(size, ref[0]), rate(size, ref[1])
        print(f"  OpenSSH sshd       upload {ref_up:8.1f} MB/s   download {ref_down:8.1f} MB/s", flush=True)
        print(f"  agent / sshd       upload {agent_up / ref_up:8.2f}        download {agent_down / ref_down:8.2f}")


if __name__ == "__main__":
    main()
