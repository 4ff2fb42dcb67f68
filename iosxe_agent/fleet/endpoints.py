"""Where each device of a running fleet answers: the one record the ready file, the inventories and the public API
share.

Why a module of its own: the fleet runner writes these, and everything that tells a user's tools where the
devices are (``--ready-file``, ``--write-inventory``, the pytest fixtures) reads them; none of those should import
the runner to learn an address.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from iosxe_agent.datastore.persist import atomic_write


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One listening device: its hostname, the address it listens on, its SSH and NETCONF ports, and its RESTCONF,
    gNMI and gNMI TLS ports (0: a kernel-chosen port of a server its configuration has not turned on yet)."""

    name: str
    host: str
    ssh_port: int
    netconf_port: int
    state_dir: Path
    restconf_port: int = 0
    gnmi_port: int = 0
    gnmi_secure_port: int = 0

    def as_json(self) -> dict[str, Any]:
        record = asdict(self)
        record["state_dir"] = str(self.state_dir)
        return record

    @classmethod
    def from_json(cls, record: dict[str, Any]) -> Endpoint:
        return cls(
            name=str(record["name"]),
            host=str(record["host"]),
            ssh_port=int(record["ssh_port"]),
            netconf_port=int(record["netconf_port"]),
            state_dir=Path(record["state_dir"]),
            restconf_port=int(record.get("restconf_port", 0)),
            gnmi_port=int(record.get("gnmi_port", 0)),
            gnmi_secure_port=int(record.get("gnmi_secure_port", 0)),
        )


@dataclass(frozen=True, slots=True)
class Ready:
    """What a started fleet (or single device) announces: its endpoints and the admin user of a first start.

    Secrets are never in it: the password stays where the user put it (``--admin-password-file``, the
    environment variable) or is printed once on the console when generated.
    """

    endpoints: tuple[Endpoint, ...]
    admin_user: str
    pid: int

    def dumps(self) -> str:
        """One JSON line (the ``--ready-file`` content, and the line printed for port 0)."""
        body = {"admin_user": self.admin_user, "pid": self.pid, "devices": [e.as_json() for e in self.endpoints]}
        return json.dumps(body, separators=(",", ":"))

    @classmethod
    def loads(cls, text: str) -> Ready:
        body = json.loads(text)
        return cls(
            endpoints=tuple(Endpoint.from_json(r) for r in body["devices"]),
            admin_user=str(body["admin_user"]),
            pid=int(body["pid"]),
        )


class ReadyFile:
    """``--ready-file``, one device's or a fleet's: it exists only while they serve. One left by a killed run is
    removed on entry (a tool waiting for it must never read the ports of a process that is gone), the record is
    written whole (atomically) once everything listens, and the file is removed on exit. ``path`` None: no file.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path

    def __enter__(self) -> ReadyFile:
        self._remove()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._remove()

    def publish(self, ready: Ready) -> str:
        """Write ``ready`` (if there is a file) and return its JSON line, for the ``ready:`` console line."""
        line = ready.dumps()
        if self.path is not None:
            atomic_write(self.path, f"{line}\n".encode(), mode=0o644)
        return line

    def _remove(self) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)
