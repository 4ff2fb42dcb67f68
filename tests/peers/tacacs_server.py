"""A small RFC 8907 TACACS+ server for tests — Debian 12 has no tac_plus and PyPI/npm have no server.

It is written independently of ``iosxe_agent/device/aaa/tacacs.py`` (it imports nothing from the agent), and its own
tests run two third-party clients against it (PyPI ``tacacs_plus``, Perl ``Authen::TacacsPlus``), so tests of
the agent's client against it are not merely self-consistent.

What it does, like tac_plus with a users file:

- ASCII login: GETUSER "Username: " when the START names nobody, GETPASS "Password: " (NOECHO), then PASS or
  FAIL "Authentication failed" (also for an unknown user, who is still asked for a password). A user marked
  ``"expired": true`` then gets the IOS ChPass conversation (GETDATA "Your password has expired..."); the new
  password is kept in memory and written back to the config file atomically.
- Two more ACS password policies, per user, for the guide's other ChPass examples (all prompts GETDATA, NOECHO):
  ``"blank": true`` — a blank answer to "Password: " is a request to change the password: GETDATA "Old Password: "
  (must be the current one, else FAIL), then "New Password: " / "Re-enter New password: ";
  ``"expire_after": N`` — successful logins are counted (``"logins"``, written back like a password); once N
  have been made the password counts as expired, and changing it starts the count again.
- PAP: PASS / FAIL; an expired user gets FAIL with the expiry message (PAP cannot change a password).
- Authorization: PASS_ADD ``priv-lvl=N`` plus the user's ``"av"`` list; FAIL for unknown users and for
  ``"author": "fail"``.
- Accounting: one JSON line per record in ``accounting_log``, reply SUCCESS.
- A packet that does not decode (wrong key, wrong version, lengths that do not add up) drops the connection, as
  tac_plus does. A client's ABORT ends the session without a reply.

``authen_log`` gets one JSON line per authentication outcome — user, type, result — and never a password.

Run: ``python3 tests/peers/tacacs_server.py --config CFG.json --host 127.0.0.1 --port 0 --port-file F`` (writes
the bound port to F once listening, runs until SIGTERM); or in-process: ``TacacsPeer(cfg)``, ``await start()``,
``port``, ``await stop()``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import signal
import struct
import tempfile
import time
from pathlib import Path
from typing import Any

AUTHEN, AUTHOR, ACCT = 1, 2, 3
UNENCRYPTED = 0x01
NOECHO = 0x01
ABORT = 0x01
PASS, FAIL, GETDATA, GETUSER, GETPASS, ERROR = 1, 2, 3, 4, 5, 7
ASCII, PAP = 1, 2
PASS_ADD, AUTHOR_FAIL = 0x01, 0x10
ACCT_SUCCESS = 0x01
ACCT_FLAGS = ((0x04, "stop"), (0x08, "watchdog"), (0x02, "start"))  # first match wins: STOP, WATCHDOG, START

IDLE_TIMEOUT = 30.0  # seconds we wait for the client's next packet
MAX_BODY = 65536
MAX_PROMPTS = 32  # per authentication session

NEW = "New Password: "
EXPIRED = "Your password has expired.\nEnter a new one now.\n" + NEW
OLD = "Old Password: "
REENTER = "Re-enter New password: "
MISMATCH = "The New and Re-entered passwords have to be the same.\nTry again.\n" + NEW
DENIED = "Authentication failed"


class Drop(Exception):
    """The peer hangs up without a reply: undecodable packet, client abort, or a broken session."""


def pad(session_id: int, key: bytes, version: int, seq_no: int, size: int) -> bytes:
    """RFC 8907 §4.5 pseudo-pad, grown one MD5 block at a time."""
    prefix = session_id.to_bytes(4, "big") + key + bytes([version, seq_no])
    out = hashlib.md5(prefix, usedforsecurity=False).digest()
    while len(out) < size:
        out += hashlib.md5(prefix + out[-16:], usedforsecurity=False).digest()
    return out[:size]


def split(body: bytes, lengths: list[int], offset: int) -> list[bytes]:
    """Cut ``body`` after ``offset`` into fields of ``lengths``; they must use up the body exactly."""
    if offset + sum(lengths) != len(body):
        raise Drop("field lengths do not add up (wrong key?)")
    fields = []
    for length in lengths:
        fields.append(body[offset : offset + length])
        offset += length
    return fields


def parse_request(body: bytes) -> dict[str, Any]:
    """User, port, rem_addr and args of an authorization REQUEST body (accounting: after its flags byte); the
    authen_method / priv_lvl / authen_type / service bytes are not needed by this peer."""
    if len(body) < 8:
        raise Drop("short request")
    ulen, plen, rlen, argc = body[4:8]
    arg_lens = list(body[8 : 8 + argc])
    if len(arg_lens) != argc:
        raise Drop("short argument lengths")
    user, port, rem, *args = (f.decode(errors="replace") for f in split(body, [ulen, plen, rlen, *arg_lens], 8 + argc))
    return {"user": user, "port": port, "rem_addr": rem, "args": args}


class Session:
    """One client connection carrying one TACACS+ session: reads, reveals and answers its packets."""

    def __init__(self, peer: TacacsPeer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.peer = peer
        self.reader = reader
        self.writer = writer
        self.version = self.type = self.seq_no = self.flags = self.session_id = 0
        self.user = ""  # being authenticated: from the START, or the answer to GETUSER

    async def read(self) -> bytes:
        """The next packet's body, revealed; the first packet fixes version, type, session and flags."""
        head = await asyncio.wait_for(self.reader.readexactly(12), IDLE_TIMEOUT)
        version, ptype, seq_no, flags, session_id, length = struct.unpack("!BBBBII", head)
        if version >> 4 != 0xC or length > MAX_BODY or seq_no != self.seq_no + 1:
            raise Drop("bad header")
        if self.seq_no and (ptype, session_id, version) != (self.type, self.session_id, self.version):
            raise Drop("packet of another session")
        key = self.peer.key
        if bool(flags & UNENCRYPTED) == bool(key):
            raise Drop("obfuscation does not match the key configuration")
        body = await asyncio.wait_for(self.reader.readexactly(length), IDLE_TIMEOUT)
        self.version, self.type, self.seq_no, self.flags, self.session_id = version, ptype, seq_no, flags, session_id
        return self.crypt(body)

    def crypt(self, body: bytes) -> bytes:
        """XOR with the pad of the current packet (reveals what came in, hides what goes out)."""
        key = self.peer.key
        if not key:
            return body
        stream = pad(self.session_id, key, self.version, self.seq_no, len(body))
        return bytes(a ^ b for a, b in zip(body, stream, strict=True))

    async def write(self, body: bytes) -> None:
        self.seq_no += 1
        body = self.crypt(body)
        head = struct.pack("!BBBBII", self.version, self.type, self.seq_no, self.flags, self.session_id, len(body))
        self.writer.write(head + body)
        await self.writer.drain()

    async def serve(self) -> None:
        body = await self.read()
        if self.type == AUTHEN:
            await self.authenticate(body)
        elif self.type == AUTHOR:
            await self.authorize(body)
        elif self.type == ACCT:
            await self.account(body)
        else:
            raise Drop("unknown packet type")

    # -- authentication

    async def reply(self, status: int, message: str = "", flags: int = 0) -> None:
        msg = message.encode()
        await self.write(struct.pack("!BBHH", status, flags, len(msg), 0) + msg)

    async def ask(self, status: int, prompt: str, *, noecho: bool = False) -> str:
        """Send a prompt, return the user_msg of the CONTINUE that answers it (Drop on ABORT)."""
        if self.seq_no >= 2 * MAX_PROMPTS:
            raise Drop("too many prompts")
        await self.reply(status, prompt, NOECHO if noecho else 0)
        body = await self.read()
        if len(body) < 5:
            raise Drop("short CONTINUE")
        msg_len, data_len, flags = struct.unpack("!HHB", body[:5])
        user_msg, _data = split(body, [msg_len, data_len], 5)
        if flags & ABORT:
            raise Drop("client aborted")
        return user_msg.decode(errors="replace")

    async def authenticate(self, body: bytes) -> None:
        if len(body) < 8:
            raise Drop("short START")
        action, _priv, atype, _service, ulen, plen, rlen, dlen = body[:8]
        user, _port, _rem, data = split(body, [ulen, plen, rlen, dlen], 8)
        self.user = user.decode(errors="replace")
        if action != 1 or atype not in (ASCII, PAP) or (atype == PAP) != (self.version == 0xC1):
            await self.reply(ERROR, "Unsupported authentication")
            return
        kind = "pap" if atype == PAP else "ascii"
        try:
            if atype == PAP:
                status, message, changed = self.pap(data.decode(errors="replace"))
            else:
                status, message, changed = await self.ascii_login()
        except (Drop, asyncio.IncompleteReadError, TimeoutError, ConnectionError):
            self.peer.log_authen(self.user, kind, "abort")
            raise
        self.peer.log_authen(self.user, kind, "pass" if status == PASS else "fail", password_changed=changed)
        await self.reply(status, message)

    def pap(self, password: str) -> tuple[int, str, bool]:
        entry = self.peer.users.get(self.user)
        if entry is None or entry.get("password") != password:
            return FAIL, DENIED, False
        if self.peer.expired(self.user):
            return FAIL, "Your password has expired.", False
        self.peer.logged_in(self.user)
        return PASS, "", False

    async def ascii_login(self) -> tuple[int, str, bool]:
        while not self.user:
            self.user = await self.ask(GETUSER, "Username: ")
        password = await self.ask(GETPASS, "Password: ", noecho=True)
        entry = self.peer.users.get(self.user)
        if entry is not None and entry.get("blank") and not password:
            old = await self.ask(GETDATA, OLD, noecho=True)
            if old != entry.get("password"):
                return FAIL, DENIED, False
            return await self.new_password(NEW)
        if entry is None or entry.get("password") != password:
            return FAIL, DENIED, False
        if not self.peer.expired(self.user):
            self.peer.logged_in(self.user)
            return PASS, "", False
        return await self.new_password(EXPIRED)

    async def new_password(self, prompt: str) -> tuple[int, str, bool]:
        """The IOS ChPass dialogue from ``prompt`` on: a new password, re-entered until both match."""
        while True:
            new = await self.ask(GETDATA, prompt, noecho=True)
            again = await self.ask(GETDATA, REENTER, noecho=True)
            if new == again:
                break
            prompt = MISMATCH
        self.peer.change_password(self.user, new)
        return PASS, "", True

    # -- authorization and accounting

    async def authorize(self, body: bytes) -> None:
        request = parse_request(body)
        entry = self.peer.users.get(request["user"])
        if entry is None or entry.get("author") == "fail":
            status, args = AUTHOR_FAIL, []
        else:
            status, args = PASS_ADD, [f"priv-lvl={entry.get('priv-lvl', 1)}", *entry.get("av", [])]
        encoded = [a.encode() for a in args]
        head = struct.pack("!BBHH", status, len(encoded), 0, 0) + bytes(len(a) for a in encoded)
        await self.write(head + b"".join(encoded))

    async def account(self, body: bytes) -> None:
        if not body:
            raise Drop("empty accounting request")
        request = parse_request(body[1:])
        flags = next((name for bit, name in ACCT_FLAGS if body[0] & bit), f"{body[0]:#x}")
        record = {
            "user": request["user"], "flags": flags, "args": request["args"], "port": request["port"],
            "rem_addr": request["rem_addr"], "time": time.time(),
        }  # fmt: skip
        self.peer.append(self.peer.accounting_log, record)
        await self.write(struct.pack("!HHB", 0, 0, ACCT_SUCCESS))


#: The users the peer's own tests and the client tests run against: a level-15 user, a level-1 user with an extra
#: AV pair, an expired password (ChPass), and a user whose authorization the server refuses.
SAMPLE_USERS: dict[str, dict[str, Any]] = {
    "alice": {"password": "alice-pw", "priv-lvl": 15, "expired": False},
    "bob": {"password": "bob-pw", "priv-lvl": 1, "av": ["autocmd=show users"]},
    "carol": {"password": "carol-pw", "priv-lvl": 15, "expired": True},
    "mallory": {"password": "mallory-pw", "priv-lvl": 15, "author": "fail"},
}


def write_config(folder: Path, key: str, users: dict[str, dict[str, Any]]) -> Path:
    """A configuration file in ``folder`` (with the accounting and authentication logs beside it); its path."""
    path = folder / "tacacs.json"
    logs = {"accounting_log": str(folder / "acct.jsonl"), "authen_log": str(folder / "authen.jsonl")}
    path.write_text(json.dumps({"key": key, "users": users, **logs}))
    return path


class TacacsPeer:
    """The server, on ``host``:``port`` (0 = pick one), configured from a JSON file it may write back."""

    def __init__(self, config: str | os.PathLike[str], host: str = "127.0.0.1", port: int = 0) -> None:
        self.config_path = Path(config)
        self.config: dict[str, Any] = json.loads(self.config_path.read_text())
        self.host = host
        self._port = port
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def key(self) -> bytes:
        return str(self.config.get("key", "")).encode()

    @property
    def users(self) -> dict[str, dict[str, Any]]:
        users: dict[str, dict[str, Any]] = self.config.setdefault("users", {})
        return users

    @property
    def accounting_log(self) -> str | None:
        return self.config.get("accounting_log")

    @property
    def port(self) -> int:
        assert self._server is not None, "not started"
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._connection, self.host, self._port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await self._server.wait_closed()
            self._server = None

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await Session(self, reader, writer).serve()
        except (Drop, asyncio.IncompleteReadError, TimeoutError, ConnectionError):
            pass
        finally:
            self._tasks.discard(task)
            writer.close()
            with contextlib.suppress(OSError, TimeoutError):
                await asyncio.wait_for(writer.wait_closed(), 1.0)

    def log_authen(self, user: str, kind: str, result: str, *, password_changed: bool = False) -> None:
        record = {"user": user, "type": kind, "result": result, "password_changed": password_changed}
        self.append(self.config.get("authen_log"), record | {"time": time.time()})

    @staticmethod
    def append(path: str | None, record: dict[str, Any]) -> None:
        if path:
            with open(path, "a", encoding="utf-8") as log:
                log.write(json.dumps(record) + "\n")

    def expired(self, user: str) -> bool:
        """Marked expired, or as many logins made as its ``expire_after`` allows."""
        entry = self.users[user]
        limit = entry.get("expire_after")
        return bool(entry.get("expired")) or (limit is not None and entry.get("logins", 0) >= limit)

    def logged_in(self, user: str) -> None:
        """Count a successful login of a user whose password expires after so many (kept like a password)."""
        entry = self.users[user]
        if "expire_after" in entry:
            entry["logins"] = entry.get("logins", 0) + 1
            self.save()

    def change_password(self, user: str, password: str) -> None:
        """The new password, un-expired (its login count started again), in memory and in the config file."""
        entry = self.users[user]
        entry.update(password=password, expired=False)
        if "expire_after" in entry:
            entry["logins"] = 0
        self.save()

    def save(self) -> None:
        """Write the configuration back, replacing the file atomically (a reader never sees half of it)."""
        fd, tmp = tempfile.mkstemp(dir=self.config_path.parent, prefix=".tacacs-config-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(self.config, out, indent=2)
            os.replace(tmp, self.config_path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


async def _run(args: argparse.Namespace) -> None:
    peer = TacacsPeer(args.config, args.host, args.port)
    await peer.start()
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    if args.port_file:
        tmp = Path(f"{args.port_file}.tmp")
        tmp.write_text(f"{peer.port}\n")
        tmp.replace(args.port_file)
    await stopping.wait()
    await peer.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True, help="JSON: key, users, accounting_log, authen_log")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--port-file", help="written with the bound port once listening")
    asyncio.run(_run(parser.parse_args()))


if __name__ == "__main__":
    main()
