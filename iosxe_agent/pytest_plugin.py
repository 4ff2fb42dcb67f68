"""pytest fixtures for a user's own CI: ``iosxe_device`` (a fresh router per test) and ``iosxe_fleet``.

Installed with the distribution (entry point ``pytest11``), so a test only names a fixture::

    def test_hostname(iosxe_device):
        with manager.connect(host=iosxe_device.host, port=iosxe_device.netconf_port, ...) as m: ...

Why the devices run on an event loop in a thread of their own: users' tests are mostly synchronous, and the
clients they test with (ncclient, netmiko, NAPALM, Nornir) block while they wait for an answer. A device served
from the test's own thread, or from a loop the test blocks, would never answer. One daemon thread per test
session runs a loop that serves every device the fixtures start; the fixtures hand the test plain values (host,
ports, credentials) that any client in any thread can use, and an async test can use them as well.

``iosxe_device`` is a router of the test's own, hostname R1 with empty state, or what the test's ``iosxe_device``
marker says (``@pytest.mark.iosxe_device(hostname="EDGE1", startup_config="...")``: arguments of
:class:`iosxe_agent.Device`). ``iosxe_fleet`` is shared by the tests of a module (one fleet per size and prefix:
started when the first test asks for it, stopped after the module). Its size is the ``iosxe_fleet`` marker's
``count`` (on the test, its class or the module: ``pytestmark = pytest.mark.iosxe_fleet(count=5)``), else the ini
option ``iosxe_fleet_size`` (default 3). The fixture itself is function-scoped so that the marker of each test is
seen (a module-scoped fixture sees only the module's markers); the fleet behind it lives for the module.

Nothing heavy is imported when pytest registers the plugin (every pytest run in the environment does): the
router's layers load when a fixture first starts a device.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

if TYPE_CHECKING:
    from iosxe_agent.api import Device, Fleet

T = TypeVar("T")

DEFAULT_FLEET_SIZE = 3
MAX_FLEET_SIZE = 1000  # a fixture's fleet is sized by hand; larger numbers are typos that would exhaust the host
START_TIMEOUT_S = 60.0  # a device loads (RSA keys on a first start) and listens well within this
START_TIMEOUT_PER_DEVICE_S = 1.0  # and a fleet gets this much more per device
STOP_TIMEOUT_S = 30.0  # closing listeners and sessions
#: what a test may choose of its iosxe_device (the rest, state and address, is the fixture's)
DEVICE_MARKER_ARGUMENTS = frozenset({"hostname", "startup_config", "admin_user", "admin_password"})


class _LoopThread:
    """An asyncio event loop running in a daemon thread; the other threads wait on it, always bounded."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="iosxe-agent devices", daemon=True)
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float) -> T:
        """``coro``'s result, run on the loop; a coroutine still running after ``timeout`` is cancelled."""
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise TimeoutError(f"iosxe-agent: the device loop did not finish within {timeout:g} s") from None

    def enter(self, manager: contextlib.AbstractAsyncContextManager[T], timeout: float = START_TIMEOUT_S) -> T:
        """``async with manager`` begun on the loop (a device or fleet starts there and stays served)."""
        return self.run(manager.__aenter__(), timeout)

    def exit(self, manager: contextlib.AbstractAsyncContextManager[Any]) -> None:
        self.run(manager.__aexit__(None, None, None), STOP_TIMEOUT_S)

    def close(self) -> None:
        """Cancel what is left (sessions still closing), then stop and close the loop."""
        self.run(_cancel_others(), STOP_TIMEOUT_S)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(STOP_TIMEOUT_S)
        if not self._thread.is_alive():
            self.loop.close()


async def _cancel_others() -> None:
    """Cancel every other task of the loop and wait for them: a session a test left open ends before the loop
    closes, instead of being destroyed pending."""
    current = asyncio.current_task()
    tasks = [task for task in asyncio.all_tasks() if task is not current]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.get_running_loop().shutdown_asyncgens()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "iosxe_fleet_size",
        f"devices in the iosxe_fleet fixture when no iosxe_fleet(count=N) marker says (default {DEFAULT_FLEET_SIZE})",
        default=str(DEFAULT_FLEET_SIZE),
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "iosxe_fleet(count=N, prefix='R'): size and hostname prefix of the iosxe_fleet fixture's routers",
    )
    config.addinivalue_line(
        "markers",
        "iosxe_device(hostname='R1', startup_config=TEXT_OR_PATH, admin_user=, admin_password=): the iosxe_device"
        " fixture's router",
    )


@dataclass(frozen=True, slots=True)
class FleetSpec:
    """What a test asks of ``iosxe_fleet``: one fleet per distinct spec and module."""

    size: int
    prefix: str


def fleet_spec(marker: pytest.Mark | None, default_size: str) -> FleetSpec:
    """The fleet a test asks for: its closest ``iosxe_fleet`` marker, else the ini option (pure)."""
    if marker is not None and marker.args:
        raise pytest.UsageError("iosxe_fleet marker: give count=N and prefix='R' by keyword")
    kwargs = marker.kwargs if marker is not None else {}
    unknown = set(kwargs) - {"count", "prefix"}
    if unknown:
        raise pytest.UsageError(f"iosxe_fleet marker: unknown argument(s) {', '.join(sorted(unknown))}")
    count = kwargs.get("count", default_size)
    try:
        size = int(count)
    except (TypeError, ValueError):
        raise pytest.UsageError(f"iosxe_fleet: count must be a whole number, not {count!r}") from None
    if not 1 <= size <= MAX_FLEET_SIZE:
        raise pytest.UsageError(f"iosxe_fleet: count must be 1 to {MAX_FLEET_SIZE}, not {size}")
    prefix = kwargs.get("prefix", "R")
    if not isinstance(prefix, str) or not prefix:
        raise pytest.UsageError(f"iosxe_fleet: prefix must be a non-empty string, not {prefix!r}")
    return FleetSpec(size, prefix)


@pytest.fixture(scope="session")
def _iosxe_loop() -> Iterator[_LoopThread]:
    """The event loop (in a thread of its own) that serves every device the iosxe fixtures start."""
    loop = _LoopThread()
    yield loop
    loop.close()


def device_arguments(marker: pytest.Mark | None) -> dict[str, Any]:
    """The keyword arguments of :class:`iosxe_agent.Device` a test's ``iosxe_device`` marker gives (pure)."""
    if marker is None:
        return {}
    if marker.args:
        raise pytest.UsageError("iosxe_device marker: give its arguments by keyword")
    unknown = set(marker.kwargs) - DEVICE_MARKER_ARGUMENTS
    if unknown:
        raise pytest.UsageError(f"iosxe_device marker: unknown argument(s) {', '.join(sorted(unknown))}")
    return dict(marker.kwargs)


@pytest.fixture
def iosxe_device(_iosxe_loop: _LoopThread, request: pytest.FixtureRequest) -> Iterator[Device]:
    """A fresh router for one test (hostname R1, a random admin password, empty temporary state, or what the
    test's ``iosxe_device`` marker says): read ``.host``, ``.ssh_port``, ``.netconf_port``, ``.username``,
    ``.password``."""
    from iosxe_agent.api import Device

    device = _iosxe_loop.enter(Device(**device_arguments(request.node.get_closest_marker("iosxe_device"))))
    yield device
    _iosxe_loop.exit(device)


@pytest.fixture(scope="module")
def _iosxe_fleets(_iosxe_loop: _LoopThread) -> Iterator[dict[FleetSpec, Fleet]]:
    """The fleets the tests of one module asked for, by size and prefix; every one stopped after the module."""
    fleets: dict[FleetSpec, Fleet] = {}
    yield fleets
    with contextlib.ExitStack() as stack:  # one fleet failing to stop still stops the others
        for fleet in fleets.values():
            stack.callback(_iosxe_loop.exit, fleet)


@pytest.fixture
def iosxe_fleet(
    _iosxe_loop: _LoopThread, _iosxe_fleets: dict[FleetSpec, Fleet], request: pytest.FixtureRequest
) -> Fleet:
    """Routers PREFIX1..PREFIXN shared by the module's tests: ``fleet.endpoints``, ``fleet["R2"].netconf_port``,
    ``fleet.username`` / ``fleet.password`` (one credential for all)."""
    spec = fleet_spec(request.node.get_closest_marker("iosxe_fleet"), request.config.getini("iosxe_fleet_size"))
    fleet = _iosxe_fleets.get(spec)
    if fleet is None:
        from iosxe_agent.api import Fleet

        timeout = START_TIMEOUT_S + START_TIMEOUT_PER_DEVICE_S * spec.size
        fleet = _iosxe_fleets[spec] = _iosxe_loop.enter(Fleet(spec.size, spec.prefix), timeout)
    return fleet
