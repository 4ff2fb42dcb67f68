"""The session object of every session channel on the device SSH port, and the session records of that port.

asyncssh asks the SSH service's connection for one object per session channel (``session_requested``):
:class:`DeviceSession` is it. Shell and exec requests run the CLI (the process factory the SSH service passes
in); an ``scp`` command gets an :class:`~iosxe_agent.device.scp.ScpServer` over the device's IOS file system; the SFTP
subsystem is refused (IOS XE has no SFTP server: OpenSSH >= 9 users pass ``scp -O``) unless the agent runs with
``--sftp``.

Every session of the port (shell, exec, scp, sftp) is listed in the device's session table (``show ssh``, ``show
users``, ``clear line``, tty traps) by :func:`open_record` and leaves it by :func:`close_record`, which also runs
the session-end hooks (SNMP tty traps): one place builds the record from the SSH connection, whoever carries the
session.

This module knows the SSH service only through :class:`SessionHost` (what it reads of it) and the connection
only through :class:`Peer`, so that nothing here imports :mod:`iosxe_agent.device.ssh_service`, which imports this.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Container
from typing import Any, Protocol, cast

import asyncssh
from asyncssh.channel import SSHChannel

from iosxe_agent.datastore.store import Stores
from iosxe_agent.device.aaa.login import LoginResult
from iosxe_agent.device.filesystem import DeviceFiles
from iosxe_agent.device.scp import ScpServer, transfer_privilege
from iosxe_agent.device.sessions import SessionInfo, SessionRegistry, disconnects
from iosxe_agent.device.ssh_wire import ios_macs

log = logging.getLogger(__name__)

SFTP_VERSION = 3  # what OpenSSH speaks; v5/v6 open56 is refused


class SessionHost(Protocol):
    """What the session objects read of the device's SSH service
    (:class:`~iosxe_agent.device.ssh_service.SshService`)."""

    @property
    def stores(self) -> Stores: ...

    @property
    def registry(self) -> SessionRegistry: ...

    @property
    def session_end_hooks(self) -> list[Callable[[SessionInfo], None]]: ...

    @property
    def files(self) -> DeviceFiles | None: ...

    @property
    def debug(self) -> Container[str]: ...

    @property
    def syslog(self) -> Callable[[str], None]: ...

    def free_line(self) -> tuple[object, str] | None:
        """A free vty line that accepts SSH (its block, its name), or None."""
        ...


class Peer(Protocol):
    """What a session needs of the logged-in SSH connection it runs on (``ssh_service._Connection``)."""

    @property
    def user(self) -> str: ...

    @property
    def peer(self) -> str | None: ...

    @property
    def login(self) -> LoginResult | None: ...

    @property
    def service(self) -> SessionHost: ...


def open_record(
    host: SessionHost,
    conn: asyncssh.connection.SSHConnection,
    user: str,
    peer: str | None,
    *,
    line: str | None,
    privilege: int,
    mode: str,
) -> SessionInfo:
    """Register a session of the device SSH port: the figures ``show ssh`` prints are read from the connection,
    and ``clear line vty N`` / ``clear ssh N`` end it by dropping the connection."""
    peername = conn.get_extra_info("peername") or ("", 0)
    sockname = conn.get_extra_info("sockname") or ("", 0)
    # IOS names the negotiated MAC even under an AEAD cipher, where asyncssh names the cipher
    macs = ios_macs(conn) if isinstance(conn, asyncssh.SSHServerConnection) else None
    return host.registry.add(
        "ssh",
        user,
        peer,
        peer_port=int(peername[1]),
        local_address=str(sockname[0]),
        local_port=int(sockname[1]),
        cipher_in=str(conn.get_extra_info("recv_cipher") or ""),
        cipher_out=str(conn.get_extra_info("send_cipher") or ""),
        mac_in=macs[0] if macs else str(conn.get_extra_info("recv_mac") or ""),
        mac_out=macs[1] if macs else str(conn.get_extra_info("send_mac") or ""),
        line=line,
        privilege=privilege,
        mode=mode,
        end=disconnects(conn),
    )


def close_record(host: SessionHost, info: SessionInfo) -> None:
    """The session ended: drop its record and run the session-end hooks (a failing hook is logged, not raised)."""
    host.registry.remove(info)
    for hook in host.session_end_hooks:
        try:
            hook(info)
        except Exception:
            log.exception("session-end hook failed")


class DeviceSession(asyncssh.SSHServerProcess[Any]):
    """Every session channel of the device port: shell and exec run ``process_factory`` (the CLI); an ``scp``
    command gets an :class:`ScpServer`; the SFTP subsystem only when ``allow_sftp``.

    For a file transfer this object is also what the :class:`ScpServer` runs for (its ``ScpOwner``): the user,
    the file system, the session record, the end of the input stream."""

    def __init__(
        self,
        process_factory: Callable[[asyncssh.SSHServerProcess[Any]], Awaitable[None] | None],
        owner: Peer,
        allow_sftp: bool = False,
    ) -> None:
        super().__init__(process_factory, self._start_files, SFTP_VERSION, True)
        self.owner = owner
        self.allow_sftp = allow_sftp
        self.files_server: ScpServer | None = None
        self._record: SessionInfo | None = None
        #: told of each piece of input once it is queued for reading (a line, with a pty's line editor): the CLI
        #: holds what follows a bare Enter until it has printed that Enter's prompt (cli/shell.py)
        self.on_input: Callable[[str], None] | None = None

    # -- what the SCP server reads --------------------------------------------------------------------------------
    @property
    def user(self) -> str:
        return self.owner.user

    @property
    def address(self) -> str | None:
        """The client's address (for the log)."""
        return self.owner.peer

    @property
    def login(self) -> LoginResult | None:
        return self.owner.login

    @property
    def debug(self) -> Container[str]:
        """The device's ``debug`` switches (``scp`` for ``debug ip scp``)."""
        return self.owner.service.debug

    @property
    def syslog(self) -> Callable[[str], None]:
        """The device's IOS log."""
        return self.owner.service.syslog

    @property
    def record(self) -> SessionInfo:
        """This transfer's session record (registered when the SCP server started)."""
        assert self._record is not None
        return self._record

    def input_ended(self) -> bool:
        """True once the client's data stream has ended (EOF, channel or connection lost) and all of it was read:
        an upload closed now did not complete."""
        return bool(self.at_eof(None))

    def transfer_ended(self) -> None:
        """The SCP/SFTP server is done: the session leaves the table (once)."""
        if self._record is not None:
            close_record(self.owner.service, self._record)
            self._record = None

    # -- asyncssh's hooks -----------------------------------------------------------------------------------------
    def data_received(self, data: Any, datatype: asyncssh.DataType) -> None:
        super().data_received(data, datatype)
        if self.on_input is not None and datatype is None:
            self.on_input(data)

    def _start_files(self, chan: SSHChannel[bytes]) -> ScpServer:
        host = self.owner.service
        files = host.files
        if files is None:  # pragma: no cover - main always wires the file system
            raise asyncssh.SFTPFailure("%Error opening flash: (No such device)")
        # a server channel, possibly behind asyncssh's line-editor wrapper (which is not a subclass)
        server_chan = cast("asyncssh.SSHServerChannel[bytes]", chan)
        sftp = server_chan.get_subsystem() == "sftp"
        free = host.free_line()
        self._record = open_record(
            host,
            server_chan.get_connection(),
            self.owner.user,
            self.owner.peer,
            line=free[1] if free else None,
            privilege=transfer_privilege(host.stores.running, self.owner.user, self.owner.login),
            mode="sftp" if sftp else "scp",
        )
        self.files_server = ScpServer(server_chan, self, files)
        return self.files_server

    def subsystem_requested(self, subsystem: str) -> bool:
        if subsystem == "sftp" and not self.allow_sftp:
            log.info("device SSH: SFTP subsystem refused for %r (IOS XE has no SFTP server; scp -O)", self.owner.user)
            return False
        return bool(super().subsystem_requested(subsystem))

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        if self.files_server is not None:
            self.files_server.finish()


__all__ = ["DeviceSession", "Peer", "SessionHost", "close_record", "open_record"]
