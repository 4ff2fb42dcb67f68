"""The TACACS+ test peer (tests/peers/tacacs_server.py) against two independent third-party clients.

PyPI ``tacacs_plus`` 2.6 (Python, blocking sockets) and Debian's Perl ``Authen::TacacsPlus`` 0.28 (C library)
both accept the peer's packets, so the agent's own client is tested against a server that others agree with.
The peer runs as the script the brief describes (``--port-file``, SIGTERM), in a subprocess.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from tacacs_plus.client import TACACSClient
from tacacs_plus.flags import TAC_PLUS_ACCT_FLAG_START, TAC_PLUS_AUTHEN_TYPE_PAP

SERVER = Path(__file__).resolve().parent / "tacacs_server.py"
KEY = "s3cret"


@dataclass
class Peer:
    port: int
    workdir: Path

    def client(self, key: str = KEY) -> TACACSClient:
        return TACACSClient("127.0.0.1", self.port, key, timeout=5)

    def records(self, name: str) -> list[dict[str, Any]]:
        path = self.workdir / name
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@pytest.fixture
def peer(tmp_path: Path, peers: Callable[[str], ModuleType]) -> Iterator[Peer]:
    """The peer as a process on 127.0.0.1:<free port>; stopped with SIGTERM (it must exit 0)."""
    module = peers("tacacs_server")
    config = module.write_config(tmp_path, KEY, module.SAMPLE_USERS)
    port_file = tmp_path / "port"
    cmd = [sys.executable, str(SERVER), "--config", str(config), "--host", "127.0.0.1",
           "--port", "0", "--port-file", str(port_file)]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 10
        while not port_file.exists():
            assert proc.poll() is None, proc.communicate()[0]
            assert time.monotonic() < deadline, "the peer wrote no port file within 10 s"
            time.sleep(0.05)
        yield Peer(int(port_file.read_text()), tmp_path)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            output, _ = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            output, _ = proc.communicate(timeout=10)
    assert proc.returncode == 0, output


# ------------------------------------------------------------------------------------ PyPI tacacs_plus 2.6


def test_tacacs_plus_ascii_login(peer: Peer) -> None:
    assert peer.client().authenticate("alice", "alice-pw").valid
    rejected = peer.client().authenticate("alice", "wrong")
    assert rejected.invalid and rejected.server_msg == b"Authentication failed"
    assert not peer.client().authenticate("nobody", "alice-pw").valid
    outcomes = [(r["user"], r["type"], r["result"]) for r in peer.records("authen.jsonl")]
    assert outcomes == [("alice", "ascii", "pass"), ("alice", "ascii", "fail"), ("nobody", "ascii", "fail")]


def test_tacacs_plus_pap(peer: Peer) -> None:
    assert peer.client().authenticate("alice", "alice-pw", authen_type=TAC_PLUS_AUTHEN_TYPE_PAP).valid
    assert not peer.client().authenticate("alice", "wrong", authen_type=TAC_PLUS_AUTHEN_TYPE_PAP).valid
    expired = peer.client().authenticate("carol", "carol-pw", authen_type=TAC_PLUS_AUTHEN_TYPE_PAP)
    assert expired.invalid and b"expired" in expired.server_msg


def test_tacacs_plus_sees_the_chpass_prompt(peer: Peer) -> None:
    """The library answers one prompt only, so it stops at the expiry prompt — which it must have received."""
    reply = peer.client().authenticate("carol", "carol-pw")
    assert not reply.valid
    assert reply.server_msg == b"Your password has expired.\nEnter a new one now.\nNew Password: "


def test_tacacs_plus_authorize(peer: Peer) -> None:
    reply = peer.client().authorize("alice", arguments=[b"service=shell", b"cmd="])
    assert reply.valid and reply.arguments == [b"priv-lvl=15"]
    reply = peer.client().authorize("bob", arguments=[b"service=shell", b"cmd="])
    assert reply.valid and reply.arguments == [b"priv-lvl=1", b"autocmd=show users"]
    assert peer.client().authorize("mallory", arguments=[b"service=shell", b"cmd="]).invalid
    assert peer.client().authorize("nobody", arguments=[b"service=shell", b"cmd="]).invalid


def test_tacacs_plus_account_start(peer: Peer) -> None:
    args = [b"task_id=7", b"timezone=UTC", b"service=shell", b"start_time=1700000000"]
    assert peer.client().account("alice", TAC_PLUS_ACCT_FLAG_START, arguments=args).valid
    [record] = peer.records("acct.jsonl")
    assert record["user"] == "alice" and record["flags"] == "start"
    assert record["args"] == [a.decode() for a in args]
    assert record["port"] == "python_tty0" and record["rem_addr"] == "python_device"


def test_wrong_key_is_dropped(peer: Peer) -> None:
    """tac_plus hangs up on a body that does not decode; the library sees a closed connection."""
    with pytest.raises(ValueError, match="key does not match"):  # its reading of an empty header
        peer.client(key="not-the-key").authenticate("alice", "alice-pw")
    assert peer.records("authen.jsonl") == []


def test_passwords_never_logged(peer: Peer) -> None:
    peer.client().authenticate("alice", "alice-pw")
    peer.client().authenticate("alice", "wrong")
    peer.client().authenticate("alice", "alice-pw", authen_type=TAC_PLUS_AUTHEN_TYPE_PAP)
    text = (peer.workdir / "authen.jsonl").read_text()
    assert len(text.splitlines()) == 3
    assert "alice-pw" not in text and "wrong" not in text


# ----------------------------------------------------------------------------- Perl Authen::TacacsPlus 0.28

PERL = r"""
use strict;
use Authen::TacacsPlus;
my ($port, $key, $user, $password, $type) = @ARGV;
my $tac = Authen::TacacsPlus->new(Host => "127.0.0.1", Port => $port, Key => $key, Timeout => 5)
    or die "new: " . Authen::TacacsPlus::errmsg() . "\n";
my $authen_type = $type eq "pap" ? Authen::TacacsPlus::TAC_PLUS_AUTHEN_TYPE_PAP()
                                 : Authen::TacacsPlus::TAC_PLUS_AUTHEN_TYPE_ASCII();
my $result = $tac->authen($user, $password, $authen_type);
print "result=", ($result ? 1 : 0), "\n";
$tac->close();
"""


def _perl_has_module() -> bool:
    probe = subprocess.run(["perl", "-MAuthen::TacacsPlus", "-e", "1"], capture_output=True, timeout=30, check=False)
    return probe.returncode == 0


needs_perl = pytest.mark.skipif(
    not _perl_has_module(), reason="Perl Authen::TacacsPlus missing (Debian libauthen-tacacsplus-perl)"
)


def _perl_authen(peer: Peer, user: str, password: str, kind: str = "ascii") -> int:
    done = subprocess.run(
        ["perl", "-e", PERL, str(peer.port), KEY, user, password, kind],
        capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    [line] = [x for x in done.stdout.splitlines() if x.startswith("result=")]
    return int(line.removeprefix("result="))


@needs_perl
def test_perl_ascii_login_through_getuser(peer: Peer) -> None:
    """The C library starts ASCII login with an empty user name, so the peer's GETUSER path is exercised."""
    assert _perl_authen(peer, "alice", "alice-pw") == 1
    assert _perl_authen(peer, "alice", "wrong") == 0
    outcomes = [(r["user"], r["result"]) for r in peer.records("authen.jsonl")]
    assert outcomes == [("alice", "pass"), ("alice", "fail")]


@needs_perl
def test_perl_pap(peer: Peer) -> None:
    assert _perl_authen(peer, "alice", "alice-pw", "pap") == 1
    assert _perl_authen(peer, "alice", "wrong", "pap") == 0
