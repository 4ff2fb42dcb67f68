"""The device's serial number (``show version``'s ``Processor board ID``), one per device and kept across restarts.

Why: inventory and NMS tools (Ansible's ``ansible_net_serialnum``, NAPALM ``get_facts``, genie) tell routers apart
by serial; a fleet whose devices all print the same one looks like one box. A C8000V's serial is eleven upper-case
letters and digits starting with 9; a device gets a random one on its first start, stored in its state directory.
"""

from __future__ import annotations

import re
import secrets
import string
from pathlib import Path

from iosxe_agent.datastore.persist import atomic_write

SERIAL_FILE = "serial"
_ALPHABET = string.ascii_uppercase + string.digits
_SERIAL = re.compile(r"9[A-Z0-9]{10}")


def new_serial() -> str:
    """A random C8000V-shaped serial (``9`` and ten upper-case letters or digits)."""
    return "9" + "".join(secrets.choice(_ALPHABET) for _ in range(10))


def device_serial(state_dir: Path) -> str:
    """The serial stored in ``state_dir``, made and stored on first use (a damaged file is replaced)."""
    path = state_dir / SERIAL_FILE
    try:
        stored = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        stored = ""
    if _SERIAL.fullmatch(stored):
        return stored
    serial = new_serial()
    atomic_write(path, (serial + "\n").encode("ascii"), mode=0o600)
    return serial
