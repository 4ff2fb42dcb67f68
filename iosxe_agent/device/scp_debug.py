"""The text of ``debug ip scp`` lines (pure): the protocol exchange and the authorization diagnostics.

Why: the guide's ``debug ip scp`` is the tool for "SCP authentication problems" (a transfer refused although the
login worked): SCP needs ``ip scp server enable``, ``aaa new-model``, an ``aaa authorization exec`` method list
and privilege 15. So each transfer's first request prints what the device found for each of them, and a refusal
names the rule that failed; the protocol lines then follow the form of IOS's (``SCP: [22 <- 10.1.1.1:53211]
recv C0644 20 test-file``, ``send <OK>``). The guide shows no capture of this debug: the diagnostic wording is
UNVERIFIED; the ``SCP: [local-port <-|-> peer:port] send|recv …`` frame is IOS's.
"""

from __future__ import annotations

from collections.abc import Iterable


def line(local_port: int, peer: str | None, peer_port: int, direction: str, text: str) -> str:
    """One ``debug ip scp`` line; ``direction`` is ``send`` (to the client) or ``recv`` (from it)."""
    arrow = "->" if direction == "send" else "<-"
    return f"SCP: [{local_port} {arrow} {peer}:{peer_port}] {direction} {text}"


def authorization(
    user: str, privilege: int, method: str | None, exec_lists: Iterable[str], new_model: bool, scp_enabled: bool
) -> str:
    """What a transfer request is checked against: the user's level and how it logged in, then each rule."""
    lists = ", ".join(sorted(exec_lists))
    rules = [
        "aaa new-model" if new_model else "no aaa new-model",
        f"aaa authorization exec {lists}" if lists else "no aaa authorization exec",
        "ip scp server enable" if scp_enabled else "no ip scp server enable",
    ]
    return f"request by user {user}, privilege level {privilege} (login {method or 'none'}); {', '.join(rules)}"


def refusal(reason: str) -> str:
    """What the device answers a refused request, with the rule that failed."""
    return f"<ERR: {reason}>"
