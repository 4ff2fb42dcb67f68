"""The two asyncssh changes of :mod:`iosxe_agent.sshcipher`, against asyncssh's own code and on live connections.

* :class:`~iosxe_agent.sshcipher._Chacha` gives the bytes asyncssh's ``ChachaCipher`` gives, encrypting and
  decrypting, for any key, sequence number and packet, also many packets in a row on one object (its ChaCha20
  states are reused), and refuses what asyncssh refuses;
* on a live server (asyncssh, packets seen through :mod:`iosxe_agent.device.ssh_tap`), an OpenSSH client and an
  asyncssh client exchange data both ways across rekeys with each cipher; the server sends an IGNORE before each
  data packet under CBC only; a packet corrupted on the way is refused with a MAC error and a disconnect;
* an asyncssh whose source differs from the one read keeps its own behaviour.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import asyncssh
import pytest
from asyncssh.crypto.chacha import ChachaCipher
from asyncssh.encryption import ChachaEncryption
from hypothesis import given, settings
from hypothesis import strategies as st

from iosxe_agent import sshcipher
from iosxe_agent.device import ssh_tap

MSG_IGNORE, MSG_KEXINIT, MSG_CHANNEL_DATA = 2, 20, 94
MSG_KEX_LAST = 49
REKEY_BYTES = 16384
PAYLOAD = bytes(range(ord("a"), ord("z") + 1)) * 4000  # ~100 KB each way: several rekeys of both sides
CIPHERS = ["chacha20-poly1305@openssh.com", "aes128-ctr", "aes256-gcm@openssh.com", "aes128-cbc"]


def _asyncssh_chacha(key: bytes) -> ChachaEncryption:
    return ChachaEncryption(ChachaCipher(key))


_packets = st.lists(
    st.tuples(st.integers(0, 2**32 - 1), st.binary(min_size=4, max_size=4), st.binary(min_size=4, max_size=600)),
    min_size=1,
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(key=st.binary(min_size=64, max_size=64), packets=_packets, split=st.integers(0))
def test_chacha_gives_asyncssh_bytes_both_ways(key: bytes, packets: list[tuple[int, bytes, bytes]], split: int) -> None:
    """Also with the first block of any length asyncssh could read (it reads 8 bytes: its block size)."""
    ours, theirs = sshcipher._Chacha(key), _asyncssh_chacha(key)
    for seq, header, packet in packets:
        sealed, tag = ours.encrypt_packet(seq, header, packet)
        assert (sealed, tag) == theirs.encrypt_packet(seq, header, packet)
        cut = 4 + split % (len(sealed) - 3)
        first, rest = sealed[:cut], sealed[cut:]
        assert ours.decrypt_header(seq, first, 4) == theirs.decrypt_header(seq, first, 4) == (first, header)
        assert ours.decrypt_packet(seq, first, rest, 4, tag) == theirs.decrypt_packet(seq, first, rest, 4, tag)
        assert ours.decrypt_packet(seq, first, rest, 4, tag) == packet


@settings(max_examples=300, deadline=None)
@given(key=st.binary(min_size=64, max_size=64), packets=_packets, where=st.integers(0), bit=st.integers(0, 7))
def test_chacha_refuses_what_asyncssh_refuses(
    key: bytes, packets: list[tuple[int, bytes, bytes]], where: int, bit: int
) -> None:
    """One flipped bit anywhere in the packet or its tag, or the wrong sequence number: no plaintext."""
    ours, theirs = sshcipher._Chacha(key), _asyncssh_chacha(key)
    for seq, header, packet in packets:
        sealed, tag = ours.encrypt_packet(seq, header, packet)
        wire = bytearray(sealed + tag)
        wire[where % len(wire)] ^= 1 << bit
        first, rest, bad = bytes(wire[:8]), bytes(wire[8 : len(sealed)]), bytes(wire[len(sealed) :])
        assert ours.decrypt_packet(seq, first, rest, 4, bad) is None
        assert theirs.decrypt_packet(seq, first, rest, 4, bad) is None
        other = (seq + 1) % 2**32
        assert ours.decrypt_packet(other, sealed[:8], sealed[8:], 4, tag) is None
        assert theirs.decrypt_packet(other, sealed[:8], sealed[8:], 4, tag) is None


#: The asyncssh installed is the release :mod:`~iosxe_agent.sshcipher` was read against: both changes are in force.
READ_HERE = asyncssh.__version__ == sshcipher.READ_FROM


@pytest.mark.skipif(not READ_HERE, reason=f"sshcipher was read against asyncssh {sshcipher.READ_FROM}")
def test_installed_on_this_asyncssh() -> None:
    """On the asyncssh release read, both changes are in force (else :data:`_READ` is stale)."""
    sshcipher.install()
    assert ChachaEncryption.new("chacha20-poly1305", bytes(64), b"").__class__ is sshcipher._Chacha
    assert asyncssh.connection.SSHConnection.send_packet.__qualname__.startswith("_install_no_ignore")


def test_an_asyncssh_read_differently_keeps_its_own_code() -> None:
    """With digests that match nothing (as after an asyncssh upgrade), install replaces nothing."""
    script = (
        "import asyncssh.connection as c, asyncssh.encryption as e\n"
        "from iosxe_agent import sshcipher\n"
        "send, new = c.SSHConnection.send_packet, e.ChachaEncryption.new\n"
        "sshcipher._READ.update(send_packet='0', chacha='0')\n"
        "sshcipher.install()\n"
        "assert c.SSHConnection.send_packet is send and e.ChachaEncryption.new == new\n"
    )
    done = subprocess.run([sys.executable, "-W", "ignore", "-c", script], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


# -- live connections ------------------------------------------------------------------------------------------


@dataclass
class _Server(asyncssh.SSHServer):
    """A server owner that sees its packets through the tap, as the device SSH server does under ``debug``."""

    sent: list[tuple[int, bool]] = field(default_factory=list)
    received: list[int] = field(default_factory=list)
    lost: list[Exception | None] = field(default_factory=list)
    closed: asyncio.Event = field(default_factory=asyncio.Event)

    def begin_auth(self, username: str) -> bool:
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost.append(exc)
        self.closed.set()

    def wants_packets(self) -> bool:
        return True

    def bytes_received(self, count: int) -> None:
        pass

    def packet_sent(self, pkttype: int, seq: int, payload: bytes, padlen: int, encrypted: bool) -> None:
        self.sent.append((pkttype, encrypted))

    def packet_received(self, pkttype: int, seq: int, payload: bytes, padlen: int, encrypted: bool) -> None:
        self.received.append(pkttype)


async def _upper(process: asyncssh.SSHServerProcess[bytes]) -> None:
    """Echo stdin upper-cased until EOF: data flows both ways for as long as the client writes."""
    while data := await process.stdin.read(8192):
        process.stdout.write(data.upper())
        await process.stdout.drain()
    process.exit(0)


@pytest.fixture
async def server() -> AsyncIterator[tuple[list[_Server], int]]:
    ssh_tap.install()
    sshcipher.install()
    made: list[_Server] = []

    def factory() -> _Server:
        made.append(_Server())
        return made[-1]

    listener = await asyncssh.listen(
        "127.0.0.1",
        0,
        server_factory=factory,
        server_host_keys=[asyncssh.generate_private_key("ssh-ed25519")],
        process_factory=_upper,
        encoding=None,
        rekey_bytes=REKEY_BYTES,
        window=REKEY_BYTES // 2,  # the client cannot send it all before the first rekey
        encryption_algs=CIPHERS,
    )
    try:
        yield made, int(listener.sockets[0].getsockname()[1])
    finally:
        listener.close()
        await listener.wait_closed()


def _data_across_rekey(types: list[int]) -> bool:
    """A key exchange between the first and the last data packet."""
    data = [i for i, pkttype in enumerate(types) if pkttype == MSG_CHANNEL_DATA]
    return any(data[0] < i < data[-1] for i, pkttype in enumerate(types) if pkttype == MSG_KEXINIT)


def _check_wire(owner: _Server, cipher: str) -> None:
    """Data both ways across a rekey, and an IGNORE before each encrypted data packet the server sent exactly
    under CBC (on another asyncssh release, its own IGNOREs stay under every cipher)."""
    assert _data_across_rekey(owner.received) and _data_across_rekey([pkttype for pkttype, _ in owner.sent])
    after_ignore = [
        before == (MSG_IGNORE, True)
        for before, (pkttype, encrypted) in zip(owner.sent, owner.sent[1:], strict=False)
        if encrypted and pkttype > MSG_KEX_LAST
    ]
    if cipher.endswith("-cbc") or not READ_HERE:
        assert all(after_ignore)
    else:
        assert (MSG_IGNORE, True) not in owner.sent


async def _settle(owners: list[_Server]) -> _Server:
    """The one connection's owner, once the server's side of the close is done."""
    (owner,) = owners
    await asyncio.wait_for(owner.closed.wait(), 10)
    return owner


@pytest.mark.skipif(shutil.which("ssh") is None, reason="needs OpenSSH's client")
@pytest.mark.parametrize("cipher", CIPHERS)
async def test_openssh_client_across_rekeys(server: tuple[list[_Server], int], cipher: str) -> None:
    owners, port = server
    options = ["-F", "/dev/null", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no"]
    options += ["-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", f"RekeyLimit={REKEY_BYTES}"]
    ssh = await asyncio.create_subprocess_exec(
        "ssh", *options, "-c", cipher, "-p", str(port), "u@127.0.0.1", "upper",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(ssh.communicate(PAYLOAD), 60)
    assert (ssh.returncode, err) == (0, b"")
    assert out == PAYLOAD.upper()
    _check_wire(await _settle(owners), cipher)


@pytest.mark.parametrize("cipher", CIPHERS)
async def test_asyncssh_client_across_rekeys(server: tuple[list[_Server], int], cipher: str) -> None:
    owners, port = server
    async with asyncssh.connect(
        "127.0.0.1", port, known_hosts=None, username="u", encryption_algs=[cipher], rekey_bytes=REKEY_BYTES
    ) as conn:
        result = await conn.run("upper", input=PAYLOAD, encoding=None)
    assert result.stdout == PAYLOAD.upper()
    _check_wire(await _settle(owners), cipher)


class _Corrupter:
    """A TCP relay to the server that flips the last byte of the first client write after it is armed."""

    def __init__(self, port: int) -> None:
        self.port, self.armed, self.tasks = port, False, set[asyncio.Task[None]]()

    async def relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, to_server: bool) -> None:
        while data := await reader.read(65536):
            if to_server and self.armed:
                self.armed, data = False, data[:-1] + bytes([data[-1] ^ 1])
            writer.write(data)
            await writer.drain()
        writer.close()

    async def accept(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        server_r, server_w = await asyncio.open_connection("127.0.0.1", self.port)
        for task in (self.relay(client_r, server_w, True), self.relay(server_r, client_w, False)):
            self.tasks.add(asyncio.create_task(task))


class _Client(asyncssh.SSHClient):
    def __init__(self) -> None:
        self.lost: list[Exception | None] = []

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost.append(exc)


@pytest.mark.parametrize("cipher", CIPHERS)
async def test_a_corrupted_packet_is_refused(server: tuple[list[_Server], int], cipher: str) -> None:
    """The server refuses the packet (MAC error), says why (DISCONNECT, MAC error) and closes."""
    owners, port = server
    corrupter = _Corrupter(port)
    relay = await asyncio.start_server(corrupter.accept, "127.0.0.1", 0)
    client = _Client()
    try:
        conn, _ = await asyncssh.create_connection(
            lambda: client,
            "127.0.0.1",
            relay.sockets[0].getsockname()[1],
            known_hosts=None,
            username="u",
            encryption_algs=[cipher],
        )
        process = await conn.create_process("upper", encoding=None)
        process.stdin.write(b"before")
        assert await process.stdout.readexactly(6) == b"BEFORE"
        corrupter.armed = True
        process.stdin.write(b"after")
        await asyncio.wait_for(conn.wait_closed(), 10)
    finally:
        relay.close()
        for task in corrupter.tasks:
            task.cancel()
    owner = await _settle(owners)
    assert isinstance(owner.lost[0], asyncssh.MACError)
    (lost,) = client.lost
    assert isinstance(lost, asyncssh.DisconnectError) and lost.code == asyncssh.DISC_MAC_ERROR
