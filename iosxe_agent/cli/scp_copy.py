"""``copy`` to and from ``scp://`` URLs: IOS XE's questions, and the device's own SCP client that moves the bytes.

:mod:`iosxe_agent.cli.file_cmds` decides what is copied where; this module knows the remote side: the URL
(:func:`parse_scp_url`), the questions IOS asks about it (:func:`ask_source`, :func:`ask_destination`), the
connection (:func:`connect`, password asked with echo off when the URL has none, never logged) and the transfer in
each direction (:func:`fetch`, :func:`send`), each bounded in size and time.

IOS XE's dialogue, from real transcripts (an ASR 903 on IOS XE for a download, a Catalyst 9300 on 17.x for a
download from a full URL, routers for uploads)::

    Router#copy scp://admin@10.1.1.1 bootflash:
    Address or name of remote host [10.1.1.1]?
    Source username [admin]?
    Source filename [/tftpboot/testme.bin]?
    Destination filename [testme.bin]?
    Password:
     Sending file modes: C0777 4 testme.bin
    !
    4 bytes copied in 3.444 secs (1 bytes/sec)

    Router#copy flash:R2backup.cfg scp:
    Address or name of remote host []? 10.1.1.1
    Destination username [R2]? bob
    Destination filename [R2backup.cfg]?
    Writing R2backup.cfg
    Password:
    !
    1381 bytes copied in 8.596 secs (161 bytes/sec)

A source URL that names host, user and file is not asked about (the 9300 goes straight to ``Destination
filename``); one that lacks any of them is asked about all three, each defaulting to what the URL says. A
destination is always confirmed (host, user, file name), as for every remote file system. ``file prompt quiet``
asks only what the command line does not say.

A host that is neither an IP address nor a host name is refused as IOS refuses it (``(Invalid IP address or
hostname)``); a host name is looked up in the device's ``ip host`` table first, as IOS does (no DNS query); a
host the device's egress policy refuses times out at once (:mod:`iosxe_agent.device.egress`).
Host keys of the remote server are not checked here (IOS's ``copy`` does not consult ``ip ssh
stricthostkeycheck``'s chain in any transcript found).
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path

import asyncssh

from iosxe_agent.cli.escapes import printable
from iosxe_agent.digits import ascii_digits

#: one DNS label of a host name (RFC 1123)
_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")
DEFAULT_PORT = 22
CONNECT_TIMEOUT = 30.0

#: Asks the user a question on the terminal: (prompt, echo) -> the answer without the line end.
Ask = Callable[[str, bool], Awaitable[str]]


@dataclass(frozen=True, slots=True)
class ScpUrl:
    """``scp://[USER[:PASSWORD]@]HOST[:PORT]/PATH``; every part may be missing (``scp:``) until asked for."""

    user: str = ""
    password: str | None = None
    host: str = ""
    port: int = DEFAULT_PORT
    path: str = ""

    @property
    def complete(self) -> bool:
        """True when the URL names the host, the user and the file (IOS asks nothing about such a source)."""
        return bool(self.host and self.user and self.path)

    def __str__(self) -> str:
        """The URL as IOS prints it back in messages: never with the password."""
        user = f"{self.user}@" if self.user else ""
        port = f":{self.port}" if self.port != DEFAULT_PORT else ""
        return f"scp://{user}{self.host}{port}/{self.path}"


def parse_scp_url(text: str) -> ScpUrl | None:
    """The parts of an ``scp:`` URL (``scp:``, ``scp://host``, ``scp://user:pw@host:port/path``), or None when
    ``text`` is not one or its port is not a number (pure)."""
    if not text.lower().startswith("scp:"):
        return None
    rest = text[4:]
    if not rest:
        return ScpUrl()
    if not rest.startswith("//"):
        return None
    authority, _, path = rest[2:].partition("/")
    user, password = "", None
    if "@" in authority:
        userinfo, _, authority = authority.rpartition("@")
        user, colon, secret = userinfo.partition(":")
        password = secret if colon else None
    host, colon, port = authority.partition(":")
    if colon and not (ascii_digits(port) and 0 < int(port) < 65536):
        return None
    return ScpUrl(user, password, host, int(port) if colon else DEFAULT_PORT, path)


def valid_host(host: str) -> bool:
    """An IPv4/IPv6 address or a host name made of DNS labels (pure)."""
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    labels = host.rstrip(".").split(".")
    return 0 < len(host) <= 253 and all(_LABEL.fullmatch(label) for label in labels) and not ascii_digits(labels[-1])


async def _answer(ask: Ask, question: str, default: str) -> str:
    """One IOS question with its default in brackets; an empty answer takes the default."""
    reply = (await ask(printable(f"{question} [{default}]? "), True)).strip()
    return reply or default


async def ask_source(ask: Ask, url: ScpUrl, user: str, *, quiet: bool) -> ScpUrl:
    """IOS's questions about a remote source (host, user, file), asked unless the URL names all three;
    ``file prompt quiet`` asks only for what the URL lacks. ``user`` is the session's user, IOS's default."""
    if url.complete:
        return url
    host = url.host if quiet and url.host else await _answer(ask, "Address or name of remote host", url.host)
    name = url.user or user
    name = name if quiet else await _answer(ask, "Source username", name)
    path = url.path if quiet and url.path else await _answer(ask, "Source filename", url.path)
    return replace(url, host=host, user=name, path=path)


async def ask_destination(ask: Ask, url: ScpUrl, user: str, default_name: str, *, quiet: bool) -> ScpUrl:
    """IOS's questions about a remote destination (host, user, file name), each defaulting to the URL's (the file
    name to ``default_name`` when the URL has none); ``file prompt quiet`` asks only for a missing host."""
    host = url.host if quiet and url.host else await _answer(ask, "Address or name of remote host", url.host)
    name = url.user or user
    path = url.path or default_name
    if not quiet:
        name = await _answer(ask, "Destination username", name)
        path = await _answer(ask, "Destination filename", path)
    return replace(url, host=host, user=name, path=path)


def remote_name(url: ScpUrl) -> str:
    """The file name part of the URL's path (what IOS prints after ``Writing``)."""
    return url.path.rstrip("/").rsplit("/", 1)[-1] or url.path


def local_name(url: ScpUrl) -> str:
    """The name a configuration is sent under (the SCP ``C`` line names the local file, and a remote directory
    keeps that name): the URL's file name, unless it names no file."""
    name = remote_name(url)
    return name if name not in ("", ".", "..") else "config"


async def connect(
    ask: Ask, url: ScpUrl, permit: Callable[[str, int], bool], resolve: Callable[[str], str]
) -> asyncssh.SSHClientConnection | str:
    """An SSH connection for the transfer, or IOS's one-line refusal. The password is asked (echo off) only when
    the URL has none; ``resolve`` gives the address of the URL's host (the device's ``ip host`` table, else the
    host as written), which ``permit``, the device's egress gate, judges and the connection goes to.

    The source address is the system's choice: ``ip ssh source-interface`` names an interface, and no interface of
    this device has an address yet; for a source interface without an address the connection is assumed to leave
    from the routed interface's address, as without the command (no IOS document found says otherwise)."""
    if not url.host or not valid_host(url.host):
        return printable(f"%Error opening {url} (Invalid IP address or hostname)")
    if not url.path:
        return printable(f"%Error opening {url} (No such file or directory)")
    password = url.password if url.password is not None else await ask("Password: ", False)
    address = resolve(url.host)
    if not permit(address, url.port):
        return printable(f"%Error opening {url} (Timed out)")  # as a silent host, at once and with nothing sent
    try:
        return await asyncio.wait_for(
            asyncssh.connect(
                address,
                url.port,
                username=url.user,
                password=password,
                known_hosts=None,
                client_keys=None,
                agent_path=None,
                config=None,
                preferred_auth="password,keyboard-interactive",
            ),
            CONNECT_TIMEOUT,
        )
    except asyncssh.PermissionDenied:
        return printable(f"%Error opening {url} (Permission denied)")
    except TimeoutError:
        return printable(f"%Error opening {url} (Timed out)")
    except ConnectionRefusedError:
        return printable(f"%Error opening {url} (Connection refused by remote host)")
    except asyncssh.Error as exc:
        return printable(f"%Error opening {url} ({exc.reason})")
    except OSError as exc:
        return printable(f"%Error opening {url} ({exc.strerror or exc})")


@dataclass(frozen=True, slots=True)
class Fetched:
    """What the remote SCP server sent: its ``C`` line (mode, size, name)."""

    mode: int
    size: int
    name: str

    def sending_line(self) -> str:
        """IOS's line once the remote side has announced the file."""
        return printable(f" Sending file modes: C{self.mode:04o} {self.size} {self.name}")


async def fetch(
    conn: asyncssh.SSHClientConnection,
    url: ScpUrl,
    into: Path,
    *,
    timeout: float,
    room: Callable[[int], None],
) -> Fetched:
    """Download ``url``'s file into the local file ``into`` (mode 0600 afterwards). ``room(size)`` is called with
    the announced size before the data is kept and raises to refuse it (``asyncssh.SFTPFailure`` with IOS's
    text). Raises asyncssh/OS errors and TimeoutError."""
    announced: list[tuple[str, int]] = []

    def progress(srcpath: bytes, dstpath: bytes, copied: int, total: int) -> None:
        if not announced:
            announced.append((os.fsdecode(srcpath).rsplit("/", 1)[-1], total))
            room(total)

    # a Path, never a str: asyncssh takes a str with a colon in it for ``host:path`` and would connect there
    await asyncio.wait_for(asyncssh.scp((conn, url.path), into, preserve=True, progress_handler=progress), timeout)
    st = into.stat()
    into.chmod(0o600)  # the remote's mode is shown, not kept: every flash: file is the device's own
    name, _ = announced[0] if announced else (remote_name(url), 0)
    return Fetched(st.st_mode & 0o7777, st.st_size, name)


async def send(conn: asyncssh.SSHClientConnection, local: Path, url: ScpUrl, *, timeout: float) -> None:
    """Upload the local file ``local`` to ``url``'s path. Raises asyncssh/OS errors and TimeoutError."""
    await asyncio.wait_for(asyncssh.scp(local, (conn, url.path)), timeout)  # a Path: see fetch


def transfer_error(verb: str, url: ScpUrl, exc: BaseException) -> str:
    """IOS's line for a transfer that failed after the connection was made (``%Error reading|writing URL (…)``);
    a reason that is already a whole IOS message (``%Error …`` from the device's own file system) is kept."""
    if isinstance(exc, TimeoutError):
        return printable(f"%Error {verb} {url} (Timed out)")
    reason = str(getattr(exc, "reason", None) or exc)
    return printable(reason if reason.startswith("%") else f"%Error {verb} {url} ({reason})")


__all__ = [
    "Fetched",
    "ScpUrl",
    "ask_destination",
    "ask_source",
    "connect",
    "fetch",
    "local_name",
    "parse_scp_url",
    "remote_name",
    "send",
    "transfer_error",
    "valid_host",
]
