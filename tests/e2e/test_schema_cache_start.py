"""The agent and its compiled-schema cache: a start fills the user's cache, ``--no-schema-cache`` leaves it alone,
and a cache that cannot be written (or holds garbage) never stops a start."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from agents import ADMIN_PASSWORD
from restconf_client import AgentProcess

from iosxe_agent.main import parse_args


def _env(cache_home: Path) -> dict[str, str]:
    """The agent's environment (the fixture adds it to the test's): the tests' password, its own cache home."""
    return {"IOSXE_AGENT_ADMIN_PASSWORD": ADMIN_PASSWORD, "XDG_CACHE_HOME": str(cache_home)}


def test_the_flag_turns_the_cache_off(tmp_path: Path) -> None:
    assert parse_args(["--state-dir", str(tmp_path)]).schema_cache is True
    assert parse_args(["--state-dir", str(tmp_path), "--no-schema-cache"]).schema_cache is False


def test_a_start_fills_the_cache_and_the_flag_leaves_it_alone(
    tmp_path: Path, fresh_agent: Callable[..., AgentProcess]
) -> None:
    fresh_agent("--no-schema-cache", password_env=_env(tmp_path / "off"), candidate=False)
    assert not (tmp_path / "off").exists()
    agent = fresh_agent(password_env=_env(tmp_path / "on"), candidate=False)
    assert len(list((tmp_path / "on" / "iosxe-agent").glob("schema-*.pickle"))) == 1
    with agent.connect() as m:  # a schema from the cache serves
        assert "<native" in m.get_config("running").data_xml


def test_an_unusable_cache_never_stops_a_start(tmp_path: Path, fresh_agent: Callable[..., AgentProcess]) -> None:
    (tmp_path / "file").write_text("")  # XDG_CACHE_HOME under a file: the directory cannot be made
    fresh_agent(password_env=_env(tmp_path / "file"), candidate=False)
    garbage = tmp_path / "garbage" / "iosxe-agent"
    garbage.mkdir(parents=True, mode=0o700)
    agent = fresh_agent(password_env=_env(garbage.parent), candidate=False)
    for f in garbage.glob("schema-*.pickle"):
        f.write_bytes(b"not a pickle")
    agent.restart()
    with agent.connect() as m:
        assert "<native" in m.get_config("running").data_xml
