"""NAPALM's ``ios`` driver against one device: the steps tests/e2e/test_napalm.py checks, results as one JSON line.

Run by the test in the interpreter that has NAPALM (its own virtualenv: napalm's junos-eznc pins an ncclient other
than the agent's tests use), so it imports nothing of the project. The password comes from the environment
(``IOSXE_AGENT_ADMIN_PASSWORD``), never from the command line. Usage: ``python napalm_steps.py PORT USER``.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import napalm


def _hostname(ios: Any) -> str:
    running = ios.get_config(retrieve="running")["running"]
    return next(line.split()[1] for line in running.splitlines() if line.startswith("hostname "))


def _merge(ios: Any) -> dict[str, Any]:
    ios.load_merge_candidate(config="hostname NapalmMerged\nip ssh time-out 77\nend\n")
    out: dict[str, Any] = {"diff": ios.compare_config()}
    ios.commit_config()
    out["after_commit"] = _hostname(ios)
    out["startup"] = ios.get_config(retrieve="startup")["startup"]
    ios.rollback()
    out["after_rollback"] = _hostname(ios)
    out["running_after_rollback"] = ios.get_config(retrieve="running")["running"]
    return out


def _bad_merge(ios: Any) -> dict[str, Any]:
    ios.load_merge_candidate(config="hostname HalfMerged\nip ssh time-out 999\nend\n")
    out: dict[str, Any] = {}
    try:
        ios.commit_config()
    except napalm.base.exceptions.MergeConfigException as exc:
        out["refused"] = str(exc)
    out["after"] = _hostname(ios)
    return out


def _discard(ios: Any) -> dict[str, Any]:
    ios.load_merge_candidate(config="hostname Discarded\nend\n")
    out: dict[str, Any] = {"diff": ios.compare_config()}
    ios.discard_config()  # `copy null: flash:merge_config.txt`
    out["diff_after"] = ios.compare_config()
    out["after"] = _hostname(ios)
    return out


def _replace(ios: Any) -> dict[str, Any]:
    running = ios.get_config(retrieve="running")["running"]
    candidate = running.replace("hostname Router", "hostname Replaced")
    candidate = candidate.replace("\nend", "\nip ssh time-out 45\nend")
    ios.load_replace_candidate(config=candidate)
    out: dict[str, Any] = {"diff": ios.compare_config()}
    ios.commit_config()
    out["running"] = ios.get_config(retrieve="running")["running"]
    out["diff_after"] = ios.compare_config()
    ios.rollback()
    out["after_rollback"] = _hostname(ios)
    return out


def main(port: int, user: str) -> dict[str, Any]:
    driver = napalm.get_network_driver("ios")
    ios = driver(
        "127.0.0.1", user, os.environ["IOSXE_AGENT_ADMIN_PASSWORD"], timeout=30,
        optional_args={"port": port, "allow_agent": False, "use_keys": False},
    )  # fmt: skip
    ios.open()
    try:
        facts = ios.get_facts()
        return {
            "facts": facts,
            "interfaces": sorted(ios.get_interfaces()),
            "config": ios.get_config(),
            "users": ios.get_users(),
            "merge": _merge(ios),
            "bad_merge": _bad_merge(ios),
            "discard": _discard(ios),
            "replace": _replace(ios),
        }
    finally:
        ios.close()


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), sys.argv[2])))
