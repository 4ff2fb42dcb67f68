"""Start-up imports only what every device uses: the RESTCONF server (aiohttp), gNMI (grpc, protobuf), SNMP traps
(pysnmp) and the YANG compiler (pyang, needed only when the schema cache misses) are imported when first used.

Each check runs in a fresh interpreter: this test process has imported everything already.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

LAZY = ("aiohttp", "grpc", "google.protobuf", "pysnmp", "pyang")


def run_python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_serving_code_imports_none_of_the_optional_services() -> None:
    out = run_python(
        f"""
        import sys
        import iosxe_agent.serve, iosxe_agent.router, iosxe_agent.api
        print(sorted(m for m in {LAZY!r} if any(k == m or k.startswith(m + ".") for k in sys.modules)))
        """
    )
    assert out == "[]"


def test_sys_up_time_counts_from_the_sender_not_from_the_first_trap_s_import() -> None:
    out = run_python(
        """
        import sys
        from iosxe_agent.device.snmp import TrapSender
        from iosxe_agent.device.views import TrapTarget
        now = [100.0]
        sender = TrapSender(clock=lambda: now[0])
        now[0] += 42.5
        before = "pysnmp" in sys.modules
        target = TrapTarget("127.0.0.1", 162, community="public", version="2c")
        head = sender._notification(target, [], "127.0.0.1")  # sysUpTime.0 and snmpTrapOID.0: pysnmp needed now
        print(before, "pysnmp" in sys.modules, len(head), sender.uptime_ticks())
        """
    )
    assert out == "False True 2 4250"
