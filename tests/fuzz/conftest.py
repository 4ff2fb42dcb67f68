"""The fuzz suite's budget and fixtures.

Every fuzz test takes its number of cases from the ``iosxe-fuzz`` hypothesis profile: a unit of 1,000 cases in
CI, multiplied per target by how cheap its cases are (the suite as a whole runs about 30,000 cases in three
minutes on two cores), and 50,000 in the long mode for local runs, ``IOSXE_FUZZ=long pytest tests/fuzz``
(about 1.5 million cases; ``IOSXE_FUZZ_EXAMPLES=N`` sets any other unit). The profile is only registered
here, never loaded, so hypothesis tests elsewhere in the suite keep their own settings. No example database is
kept; CI's unit is derandomized (each test's cases come from a seed derived from the test, the same on every
run), so a red CI means a change broke something, never that the random draw found a new oracle bug; the long
mode and ``IOSXE_FUZZ_EXAMPLES`` draw at random.

The targets run in-process against the real objects: a complete :class:`iosxe_agent.router.Device` (datastores,
registry, NETCONF services, the SCP file system) in a temporary state directory, driven without sockets.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from iosxe_agent.datastore.store import RUNNING
from iosxe_agent.datastore.transaction import SYSTEM
from iosxe_agent.device.cli_map import parse_config_text
from iosxe_agent.limits import Limits
from iosxe_agent.router import Device, DeviceOptions

CI_EXAMPLES = 1000
LONG_EXAMPLES = 50_000

settings.register_profile(
    "iosxe-fuzz",
    max_examples=int(
        os.environ.get("IOSXE_FUZZ_EXAMPLES")
        or (LONG_EXAMPLES if os.environ.get("IOSXE_FUZZ") == "long" else CI_EXAMPLES)
    ),
    # CI runs the same cases every time (a seed derived from each test): its oracles (libxml2, Python's re) have
    # bugs of their own, and a red CI must mean a change broke something; the long mode explores at random
    derandomize=os.environ.get("IOSXE_FUZZ") != "long" and not os.environ.get("IOSXE_FUZZ_EXAMPLES"),
    deadline=None,  # a shared 2-core CI machine has pauses; memory and time are bounded by the tests themselves
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    print_blob=True,
)

_GEN = "_iosxe_fuzz_gen"

#: small enough that random inputs reach every bound, large enough for every valid input the generators make
FUZZ_LIMITS = Limits(max_message_bytes=256 * 1024, max_chunk_bytes=4096, max_xml_depth=64, max_edit_elements=500)


@pytest.fixture(scope="session")
def gen() -> ModuleType:
    """tests/fuzz/gen.py (the input generators)."""
    if _GEN not in sys.modules:
        spec = importlib.util.spec_from_file_location(_GEN, Path(__file__).resolve().parent / "gen.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[_GEN] = module
        spec.loader.exec_module(module)
    return sys.modules[_GEN]


@pytest.fixture(scope="session")
def limits() -> Limits:
    return FUZZ_LIMITS


@pytest.fixture(scope="session")
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    """One event loop for the whole suite: handlers may leave timers behind that must stay valid."""
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture(scope="module")
def device(tmp_path_factory: pytest.TempPathFactory, helpers: Any, loop: asyncio.AbstractEventLoop) -> Iterator[Device]:
    """A complete device with the bootstrap configuration, in-process and without listeners (one per module, so
    what one target did to the configuration never steers another)."""
    state_dir = tmp_path_factory.mktemp("fuzz") / "state"
    asyncio.set_event_loop(loop)
    dev = Device(state_dir, helpers.cisco_schema(), FUZZ_LIMITS, DeviceOptions(admin_password="Fuzz-pass-1"))
    dev.load()
    # the candidate datastore, as the e2e agents have it (a fresh device, like a factory 17.12 box, has none)
    edit, errors = parse_config_text("netconf-yang feature candidate-datastore\n")
    assert not errors
    loop.run_until_complete(dev.stores.edit(RUNNING, edit, SYSTEM))
    yield dev
    asyncio.set_event_loop(None)
