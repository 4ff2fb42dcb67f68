"""Each device has its own serial, C8000V-shaped, kept across restarts (iosxe_agent/device/serial.py)."""

from __future__ import annotations

import re
import stat
from pathlib import Path

from iosxe_agent.device.serial import SERIAL_FILE, device_serial

C8000V_SERIAL = re.compile(r"9[A-Z0-9]{10}")


def test_a_first_use_stores_a_serial_that_later_uses_read_back(tmp_path: Path) -> None:
    first = device_serial(tmp_path)
    assert C8000V_SERIAL.fullmatch(first)
    assert device_serial(tmp_path) == first
    assert stat.S_IMODE((tmp_path / SERIAL_FILE).stat().st_mode) == 0o600


def test_devices_get_different_serials(tmp_path: Path) -> None:
    dirs = [tmp_path / f"d{i}" for i in range(20)]
    for d in dirs:
        d.mkdir()
    assert len({device_serial(d) for d in dirs}) == 20


def test_a_damaged_serial_file_is_replaced(tmp_path: Path) -> None:
    (tmp_path / SERIAL_FILE).write_bytes(b"\xff\nrm -rf /\n")
    serial = device_serial(tmp_path)
    assert C8000V_SERIAL.fullmatch(serial)
    assert (tmp_path / SERIAL_FILE).read_text() == serial + "\n"
