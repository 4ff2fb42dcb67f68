"""Which devices a fleet runs and where each one listens (pure: no sockets, no files but what callers pass in).

A fleet is a tuple of :class:`DeviceSpec`, built either from a count (``--devices N``) or from an inventory.

Numbered devices (``--devices N --prefix R --first-index F``) are named ``R<F>`` … ``R<F+N-1>``; device number i of
this process (i = 0 … N-1) listens:

- with ``--address-base A``: on address A+i, ports 22 (SSH/CLI) and 830 (NETCONF), like a real router;
- with ``--port-base P``: on ``--host``, SSH on P+2i and NETCONF on P+2i+1;
- with neither: on ``--host``, ports chosen by the kernel (port 0; the ready file says which).

Its RESTCONF, gNMI and gNMI-over-TLS ports (bound only while its configuration turns those servers on) are
``--restconf-port-base R`` + i, ``--gnmi-port-base G`` + i and ``--gnmi-secure-port-base S`` + i when given;
otherwise 443, 50052 and 9339 (17.12's defaults) with ``--address-base``, and kernel-chosen ports without (a port
chosen by the kernel is known once its server first listens: the ready file says 0 for a server that is off).

Addresses and ports count from this process's first device, not from the device number, so every shard of a
StatefulSet (``--ordinal-from-hostname``: pod k serves devices k*N+1 … k*N+N) listens on the same ports in its
own network namespace.

Inventory YAML (``--inventory FILE``; relative paths are relative to the file)::

    defaults:                        # optional; every key optional
      admin_user: admin              # the privilege-15 user of a first start
      startup_config: seeds/base.cfg # seed of a first start (IOS text or XML <config>); default: the bootstrap
      host: 127.0.0.1                # listen address of the devices without one ...
      address_base: 127.1.0.1        # ... or one address per device (A+i), ports 22/830 ...
      port_base: 20000               # ... or SSH on P+2i and NETCONF on P+2i+1 (i: the device's position)
      restconf_port_base: 21000      # RESTCONF on R+i (gnmi_port_base, gnmi_secure_port_base: likewise)
    devices:                         # required, at least one
      - name: R1                     # required: the device's name and first-start hostname
        host: 127.1.0.1              # optional: overrides the scheme of the defaults
        ssh_port: 22
        netconf_port: 830
        restconf_port: 443           # and gnmi_port, gnmi_secure_port
        startup_config: seeds/r1.cfg
        state_dir: state/R1          # default: <--state-dir>/<name>

Every plan is checked before anything starts: two devices with the same name, the same state directory or the
same address and port are refused with one line that names both.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: the standard ports of a router, used with one address per device
SSH_PORT = 22
NETCONF_PORT = 830
#: 17.12's RESTCONF (HTTPS), gNMI and gNMI-over-TLS ports, used with one address per device
RESTCONF_PORT = 443
GNMI_PORT = 50052
GNMI_SECURE_PORT = 9339
MAX_PORT = 65535
#: a name that is a hostname IOS accepts and a safe directory name
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,62}")
_TRAILING_NUMBER = re.compile(r"(\d+)$")
#: the per-device API ports: DeviceSpec field, the inventory's default base key (the flag is its dashed form)
_API_PORTS = ("restconf_port", "gnmi_port", "gnmi_secure_port")
_DEFAULT_KEYS = frozenset(
    {"admin_user", "startup_config", "host", "address_base", "port_base", *(f"{k}_base" for k in _API_PORTS)}
)
_DEVICE_KEYS = frozenset({"name", "host", "ssh_port", "netconf_port", "startup_config", "state_dir", *_API_PORTS})


class PlanError(ValueError):
    """The fleet cannot be laid out as asked; the message is one line saying why."""


@dataclass(frozen=True, slots=True)
class DeviceSpec:
    """One device of the fleet, before it starts (ports 0: chosen by the kernel)."""

    name: str
    host: str
    ssh_port: int
    netconf_port: int
    state_dir: Path
    startup_config: Path | None = None
    restconf_port: int = 0
    gnmi_port: int = 0
    gnmi_secure_port: int = 0

    @property
    def ports(self) -> tuple[tuple[str, int], ...]:
        """Every port the device may listen on, with its name (0: chosen by the kernel)."""
        return (
            ("SSH", self.ssh_port),
            ("NETCONF", self.netconf_port),
            ("RESTCONF", self.restconf_port),
            ("gNMI", self.gnmi_port),
            ("gNMI TLS", self.gnmi_secure_port),
        )


@dataclass(frozen=True, slots=True)
class Addressing:
    """How devices without their own address get one: ``address_base`` (one address each, ports 22/830),
    ``port_base`` (all on ``host``, two ports each) or neither (all on ``host``, kernel-chosen ports); and their
    API ports: ``<api>_port_base`` + position each when given, else 17.12's with an address each, else the
    kernel's."""

    host: str = "127.0.0.1"
    address_base: str | None = None
    port_base: int | None = None
    restconf_port_base: int | None = None
    gnmi_port_base: int | None = None
    gnmi_secure_port_base: int | None = None

    def place(self, position: int) -> tuple[str, int, int]:
        """Address, SSH port and NETCONF port of the device at ``position`` (0-based) in this process."""
        if self.address_base is not None:
            try:
                address = ipaddress.ip_address(self.address_base) + position
            except ValueError:
                raise PlanError(f"{self.address_base} + {position} is not an address") from None
            return str(address), SSH_PORT, NETCONF_PORT
        if self.port_base is not None:
            ssh = self.port_base + 2 * position
            if ssh + 1 > MAX_PORT:
                raise PlanError(f"--port-base {self.port_base}: device {position + 1} would need port {ssh + 1}")
            return self.host, ssh, ssh + 1
        return self.host, 0, 0

    def api_ports(self, position: int) -> dict[str, int]:
        """The RESTCONF, gNMI and gNMI TLS ports of the device at ``position``, by DeviceSpec field."""
        standard = (RESTCONF_PORT, GNMI_PORT, GNMI_SECURE_PORT) if self.address_base is not None else (0, 0, 0)
        bases = (self.restconf_port_base, self.gnmi_port_base, self.gnmi_secure_port_base)
        ports = {}
        for field, base, default in zip(_API_PORTS, bases, standard, strict=True):
            port = default if base is None else base + position
            if port > MAX_PORT:
                flag = "--" + field.replace("_", "-") + "-base"
                raise PlanError(f"{flag} {base}: device {position + 1} would need port {port}")
            ports[field] = port
        return ports


def ordinal_offset(hostname: str, count: int) -> int:
    """``--ordinal-from-hostname``: the trailing number of ``hostname`` (``iosxe-fleet-3`` -> 3) times ``count``."""
    match = _TRAILING_NUMBER.search(hostname)
    if match is None:
        raise PlanError(f"--ordinal-from-hostname: the host name {hostname!r} does not end in a number")
    return int(match.group(1)) * count


def numbered(
    count: int,
    prefix: str,
    first_index: int,
    state_root: Path,
    addressing: Addressing,
    startup_config: Path | None = None,
) -> tuple[DeviceSpec, ...]:
    """``count`` devices ``<prefix><first_index>`` …, each in ``state_root/<name>``."""
    if count < 1:
        raise PlanError(f"--devices {count}: at least one device")
    if first_index < 0:
        raise PlanError(f"--first-index {first_index}: not a device number")
    specs = []
    for position in range(count):
        name = f"{prefix}{first_index + position}"
        host, ssh, netconf = addressing.place(position)
        specs.append(
            DeviceSpec(name, host, ssh, netconf, state_root / name, startup_config, **addressing.api_ports(position))
        )
    return checked(specs)


def from_inventory(document: Any, base_dir: Path, state_root: Path) -> tuple[tuple[DeviceSpec, ...], str | None]:
    """The devices of a parsed inventory document (see the module docstring) and its default admin user."""
    if not isinstance(document, Mapping):
        raise PlanError("the inventory is not a mapping with 'devices:'")
    _known_keys(document, frozenset({"defaults", "devices"}), "the inventory")
    defaults = document.get("defaults") or {}
    if not isinstance(defaults, Mapping):
        raise PlanError("inventory 'defaults:' is not a mapping")
    _known_keys(defaults, _DEFAULT_KEYS, "inventory 'defaults:'")
    devices = document.get("devices")
    if not isinstance(devices, Sequence) or isinstance(devices, str) or not devices:
        raise PlanError("inventory 'devices:' is not a non-empty list")
    if "address_base" in defaults and "port_base" in defaults:
        raise PlanError("inventory 'defaults:' gives both address_base and port_base")
    addressing = Addressing(
        host=_text(defaults, "host", "defaults") or "127.0.0.1",
        address_base=_text(defaults, "address_base", "defaults"),
        port_base=_port(defaults, "port_base", "defaults"),
        restconf_port_base=_port(defaults, "restconf_port_base", "defaults"),
        gnmi_port_base=_port(defaults, "gnmi_port_base", "defaults"),
        gnmi_secure_port_base=_port(defaults, "gnmi_secure_port_base", "defaults"),
    )
    seed = _path(defaults, "startup_config", base_dir, "defaults")
    specs = []
    for position, entry in enumerate(devices):
        where = f"inventory device {position + 1}"
        if not isinstance(entry, Mapping):
            raise PlanError(f"{where} is not a mapping")
        _known_keys(entry, _DEVICE_KEYS, where)
        name = _text(entry, "name", where)
        if name is None:
            raise PlanError(f"{where} has no name")
        where = f"inventory device {name}"
        host, ssh, netconf = addressing.place(position)
        given_host = _text(entry, "host", where)
        ssh_port = _port(entry, "ssh_port", where)
        netconf_port = _port(entry, "netconf_port", where)
        api_ports = addressing.api_ports(position)
        for field in _API_PORTS:
            given = _port(entry, field, where)
            if given is not None:
                api_ports[field] = given
        specs.append(
            DeviceSpec(
                name=name,
                host=given_host or host,
                ssh_port=ssh if ssh_port is None else ssh_port,
                netconf_port=netconf if netconf_port is None else netconf_port,
                state_dir=_path(entry, "state_dir", base_dir, where) or state_root / name,
                startup_config=_path(entry, "startup_config", base_dir, where) or seed,
                **api_ports,
            )
        )
    return checked(specs), _text(defaults, "admin_user", "defaults")


def checked(specs: Sequence[DeviceSpec]) -> tuple[DeviceSpec, ...]:
    """``specs`` if no two devices share a name, a state directory or an address and port; else PlanError."""
    taken: dict[object, DeviceSpec] = {}  # every name, state directory and (address, port) claimed so far

    def claim(key: object, spec: DeviceSpec, what: str) -> None:
        holder = taken.setdefault(key, spec)
        if holder is not spec:
            raise PlanError(f"devices {holder.name} and {spec.name} both use {what}")

    for spec in specs:
        if not _NAME.fullmatch(spec.name):
            raise PlanError(f"device name {spec.name!r}: a letter, then up to 62 letters, digits, '-' or '_'")
        _address(spec)
        claim(("name", spec.name), spec, f"the name {spec.name}")
        claim(("dir", spec.state_dir), spec, f"the state directory {spec.state_dir}")
        own: dict[int, str] = {}
        for what, port in spec.ports:
            if not port:  # port 0: the kernel picks a free one
                continue
            if port in own:
                raise PlanError(f"device {spec.name}: {own[port]} and {what} both on {spec.host}:{port}")
            own[port] = what
            claim(("socket", spec.host, port), spec, f"{spec.host}:{port}")
    return tuple(specs)


def shards(specs: Sequence[DeviceSpec], workers: int) -> list[tuple[DeviceSpec, ...]]:
    """``specs`` in ``workers`` contiguous slices as even as can be (never an empty one)."""
    if workers < 1:
        raise PlanError(f"--workers {workers}: at least one")
    workers = min(workers, len(specs))
    size, extra = divmod(len(specs), workers)
    slices, start = [], 0
    for k in range(workers):
        end = start + size + (1 if k < extra else 0)
        slices.append(tuple(specs[start:end]))
        start = end
    return slices


# -- helpers ----------------------------------------------------------------------------------------------------------
def _address(spec: DeviceSpec) -> None:
    try:
        ipaddress.ip_address(spec.host)
    except ValueError:
        raise PlanError(f"device {spec.name}: {spec.host!r} is not an IP address") from None
    for _, port in spec.ports:
        if not 0 <= port <= MAX_PORT:
            raise PlanError(f"device {spec.name}: port {port} is not a port")


def _known_keys(mapping: Mapping[Any, Any], known: frozenset[str], where: str) -> None:
    unknown = sorted(str(k) for k in mapping if k not in known)
    if unknown:
        raise PlanError(f"{where}: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(known))})")


def _text(mapping: Mapping[str, Any], key: str, where: str) -> str | None:
    value = mapping.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise PlanError(f"{where}: {key} is not a non-empty string")
    return value


def _port(mapping: Mapping[str, Any], key: str, where: str) -> int | None:
    value = mapping.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_PORT:
        raise PlanError(f"{where}: {key} {value!r} is not a port number")
    return value


def _path(mapping: Mapping[str, Any], key: str, base_dir: Path, where: str) -> Path | None:
    text = _text(mapping, key, where)
    return None if text is None else base_dir / text
