"""Fast loading of the agent's own key files, full validation of anything else, and key generation off the
start path: a device generates its keys in :meth:`Device.start`, in the shared pool, and reads them back
without OpenSSL's re-validation."""

from __future__ import annotations

import asyncio
import os
import stat
from functools import cache
from pathlib import Path

import asyncssh
import pytest
from agents import ADMIN_PASSWORD
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from iosxe_agent.datastore.persist import atomic_write
from iosxe_agent.device import keyload
from iosxe_agent.device.keyload import MAX_KEY_FILE_BYTES, host_key_file, keygen_pool, read_private_key, trusted
from iosxe_agent.device.keys import KeyStore
from iosxe_agent.device.names import MODULES
from iosxe_agent.router import Device, DeviceOptions
from iosxe_agent.serve import yang_dir
from iosxe_agent.yang.loader import default_search_path, load_schema
from iosxe_agent.yang.schema import Schema

UID = 1000


@cache
def schema() -> Schema:
    return load_schema(default_search_path(yang_dir()), MODULES)


@cache
def inconsistent_pem() -> bytes:
    """A well-formed PKCS#8 RSA key whose CRT exponent is wrong: only OpenSSL's validation notices."""
    numbers = rsa.generate_private_key(65537, 2048).private_numbers()
    bad = rsa.RSAPrivateNumbers(
        numbers.p, numbers.q, numbers.d, numbers.dmp1 ^ 2, numbers.dmq1, numbers.iqmp, numbers.public_numbers
    )
    key = bad.private_key(unsafe_skip_rsa_key_validation=True)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def fake_stat(mode: int, uid: int = UID, ino: int = 7) -> os.stat_result:
    return os.stat_result((mode, ino, 1, 1, uid, uid, 1704, 0, 0, 0))


FILE = stat.S_IFREG | 0o600
DIRECTORY = stat.S_IFDIR | 0o700


@pytest.mark.parametrize(
    ("link", "opened", "directory", "expected"),
    [
        (fake_stat(FILE), fake_stat(FILE), fake_stat(DIRECTORY), True),
        (fake_stat(FILE | 0o040), fake_stat(FILE | 0o040), fake_stat(DIRECTORY), False),  # group-readable file
        (fake_stat(FILE), fake_stat(FILE), fake_stat(DIRECTORY | 0o005), False),  # others may enter the dir
        (fake_stat(FILE), fake_stat(FILE), fake_stat(DIRECTORY | 0o020), False),  # the group may write the dir
        (fake_stat(FILE, uid=UID + 1), fake_stat(FILE, uid=UID + 1), fake_stat(DIRECTORY), False),  # not ours
        (fake_stat(FILE), fake_stat(FILE), fake_stat(DIRECTORY, uid=UID + 1), False),  # someone else's dir
        (fake_stat(stat.S_IFLNK | 0o777), fake_stat(FILE), fake_stat(DIRECTORY), False),  # a symbolic link
        (fake_stat(FILE, ino=8), fake_stat(FILE), fake_stat(DIRECTORY), False),  # replaced while being read
        (fake_stat(FILE), fake_stat(FILE), fake_stat(FILE), False),  # "directory" is not one
    ],
)
def test_only_a_file_nobody_else_can_have_written_is_trusted(
    link: os.stat_result, opened: os.stat_result, directory: os.stat_result, expected: bool
) -> None:
    assert trusted(link, opened, directory, UID) is expected


@pytest.fixture
def private_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "keys"
    directory.mkdir(mode=0o700)
    return directory


def test_an_own_key_file_is_read_without_validation_and_is_the_same_key(private_dir: Path) -> None:
    key = asyncssh.generate_private_key("ssh-rsa", key_size=2048)
    atomic_write(private_dir / "k.pem", key.export_private_key("pkcs8-pem"), mode=0o600)
    loaded = read_private_key(private_dir / "k.pem")
    assert loaded.public_data == key.public_data
    assert loaded.export_private_key("pkcs8-pem") == key.export_private_key("pkcs8-pem")
    # the skip is real: a key only validation can reject is accepted from our own private file
    atomic_write(private_dir / "bad.pem", inconsistent_pem(), mode=0o600)
    assert read_private_key(private_dir / "bad.pem").algorithm == b"ssh-rsa"


def test_a_file_others_could_have_written_is_fully_validated(tmp_path: Path, private_dir: Path) -> None:
    open_file = private_dir / "open.pem"
    atomic_write(open_file, inconsistent_pem(), mode=0o644)
    with pytest.raises((asyncssh.KeyImportError, ValueError)):
        read_private_key(open_file)
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    atomic_write(shared / "k.pem", inconsistent_pem(), mode=0o600)
    os.chmod(shared, 0o755)  # mkdir's mode is cut by the umask
    with pytest.raises((asyncssh.KeyImportError, ValueError)):
        read_private_key(shared / "k.pem")
    atomic_write(tmp_path / "elsewhere.pem", inconsistent_pem(), mode=0o600)
    (private_dir / "link.pem").symlink_to(tmp_path / "elsewhere.pem")
    with pytest.raises((asyncssh.KeyImportError, ValueError)):
        read_private_key(private_dir / "link.pem")


def test_an_oversized_or_special_file_is_not_read_as_a_key(private_dir: Path) -> None:
    atomic_write(private_dir / "big.pem", b"-" * (MAX_KEY_FILE_BYTES + 1), mode=0o600)
    with pytest.raises(asyncssh.KeyImportError):
        read_private_key(private_dir / "big.pem")
    os.mkfifo(private_dir / "fifo.pem", 0o600)  # no writer: a blocking open would hang here
    with pytest.raises(asyncssh.KeyImportError):
        read_private_key(private_dir / "fifo.pem")


def test_the_key_store_ignores_a_bad_key_unless_it_wrote_it(private_dir: Path) -> None:
    atomic_write(private_dir / "open.pem", inconsistent_pem(), mode=0o644)
    store = KeyStore(private_dir)
    assert store.labels() == []


async def test_host_key_file_creates_a_private_file_once(private_dir: Path) -> None:
    first = await host_key_file(private_dir / "netconf-hostkey.pem")
    assert stat.S_IMODE((private_dir / "netconf-hostkey.pem").stat().st_mode) == 0o600
    again = await host_key_file(private_dir / "netconf-hostkey.pem")
    assert again.public_data == first.public_data
    assert not [p for p in private_dir.iterdir() if p.name.endswith(".tmp")]


async def test_host_key_file_is_seeded_only_when_missing(private_dir: Path) -> None:
    seed = asyncssh.generate_private_key("ssh-rsa", key_size=2048)
    seeded = await host_key_file(private_dir / "a.pem", seed=seed)
    assert seeded.public_data == read_private_key(private_dir / "a.pem").public_data == seed.public_data
    kept = await host_key_file(private_dir / "a.pem", seed=asyncssh.generate_private_key("ssh-rsa", key_size=2048))
    assert kept.public_data == seed.public_data


async def test_keys_generated_side_by_side_are_distinct_and_the_pool_is_per_process(private_dir: Path) -> None:
    keys = await asyncio.gather(*(host_key_file(private_dir / f"k{i}.pem") for i in range(4)))
    assert len({k.public_data for k in keys}) == 4
    pool = keygen_pool()
    assert keygen_pool() is pool
    assert pool._max_workers == len(os.sched_getaffinity(0))
    assert keyload._pool is not None and keyload._pool[0] == os.getpid()


async def test_a_first_start_generates_its_keys_in_start_not_in_load(tmp_path: Path) -> None:
    options = DeviceOptions(admin_password=ADMIN_PASSWORD, name="R1")
    devices = [Device(tmp_path / f"d{i}", schema(), options=options) for i in range(2)]
    for device in devices:
        device.load()
        assert device.first_start and device.keys.labels() == []  # load() writes configuration only
        assert not (device.state_dir / "netconf-hostkey.pem").exists()
    await asyncio.gather(*(d.start() for d in devices))
    try:
        for device in devices:
            assert device.keys.labels() == ["R1.lab.local"]
            assert device.ssh.enabled and device.ssh.host_key_label == "R1.lab.local"
            netconf_key = read_private_key(device.state_dir / "netconf-hostkey.pem")
            device_key = device.keys.load("R1.lab.local")
            assert device_key is not None and netconf_key.public_data == device_key.public_data  # one generation
            lines = device.log.lines()
            added = next(i for i, line in enumerate(lines) if "%CRYPTO_ENGINE-5-KEY_ADDITION" in line)
            enabled = [i for i, line in enumerate(lines) if "%SSH-5-ENABLED" in line]
            assert len(enabled) == 1 and added < enabled[0]  # the key, then SSH, once: as before
    finally:
        await asyncio.gather(*(d.stop() for d in devices))
    restarted = Device(tmp_path / "d0", schema(), options=options)
    restarted.load()
    assert not restarted.first_start
    await restarted.start()
    try:
        assert restarted.ssh.enabled
        before, after = devices[0].keys.load("R1.lab.local"), restarted.keys.load("R1.lab.local")
        assert before is not None and after is not None and after.public_data == before.public_data
    finally:
        await restarted.stop()
