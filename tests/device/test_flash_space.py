"""The flash: bound counts transfers in progress (iosxe_agent/device/files.py): concurrent streamed writes, each of
which fits alone, can never together put more on disk than the size of flash:."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from iosxe_agent.device.files import RESERVE_STEP, Flash, FlashError, FlashWriter

CHUNK = 4096


def stream(flash: Flash, name: str, size: int, start: threading.Barrier, peaks: list[int]) -> str:
    """Write ``size`` bytes in chunks, in step with the other writers; 'ok' or the error text."""
    writer = flash.open_write(name)
    start.wait()
    try:
        for at in range(0, size, CHUNK):
            writer.write(b"x" * min(CHUNK, size - at))
            peaks.append(flash.usage())  # what the disk holds now, temporary files included
        writer.commit()
    except FlashError as exc:
        writer.abort()
        return str(exc)
    return "ok"


@pytest.mark.parametrize("writers", [2, 4])
def test_concurrent_writers_never_overfill_flash(tmp_path: Path, writers: int) -> None:
    size = 3 * RESERVE_STEP
    flash = Flash(tmp_path / "flash", 4 * RESERVE_STEP)  # room for one, not two
    start = threading.Barrier(writers)
    peaks: list[int] = []
    results: list[str] = []
    threads = [
        threading.Thread(target=lambda i=i: results.append(stream(flash, f"f{i}.bin", size, start, peaks)))
        for i in range(writers)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    # the writer that finds no room gives its space up at once, so exactly one finishes
    done = results.count("ok")
    assert len(results) == writers and done == 1, results
    assert all("No space left on device" in r for r in results if r != "ok")
    assert max(peaks) <= flash.max_bytes
    assert flash.usage() == done * size and flash.free() == flash.max_bytes - done * size
    assert sorted(p.name for p in flash.root.iterdir()) == flash.names()  # no temporary file left


def test_reservations_grow_in_steps_but_never_past_the_free_space(tmp_path: Path) -> None:
    flash = Flash(tmp_path / "flash", RESERVE_STEP + 100)
    a = flash.open_write("a.bin")
    a.write(b"a" * 10)
    assert flash.free() == 100  # a holds a whole step
    b = flash.open_write("b.bin")
    b.write(b"b" * 100)  # exactly what is left
    with pytest.raises(FlashError, match="No space left on device"):
        flash.write("c.bin", b"c")  # the one-shot write counts the transfers in progress too
    with pytest.raises(FlashError, match="No space left on device"):
        b.write(b"b")
    # the transfer that found no room is over: its space is free again at once, before it is aborted
    assert flash.free() == 100 and b.tmp.stat().st_size == 0
    with pytest.raises(FlashError, match="Bad file descriptor"):
        b.write(b"b")
    b.abort()
    a.commit()
    assert flash.free() == RESERVE_STEP + 90


def test_a_writer_filled_by_someone_else_reserves_before_it_is_written(tmp_path: Path) -> None:
    flash = Flash(tmp_path / "flash", 1000)
    outside: FlashWriter = flash.open_write("scp.bin")
    outside.reserve(800)
    other = flash.open_write("other.bin")
    with pytest.raises(FlashError, match=r"%Error writing flash:other.bin \(No space left on device\)"):
        other.write(b"o" * 300)
    other.abort()
    outside.tmp.write_bytes(b"s" * 800)
    outside.size = 800
    outside.commit()
    assert flash.read("scp.bin") == b"s" * 800
