"""The shapes of the guide's data: a procedure is steps typed in order; a step is one line and what the guide says
the device then does, as checks a user could see. Pure data, no I/O: the driver gives them their meaning."""

from __future__ import annotations

from dataclasses import dataclass, field

#: what a step's output must never hold unless the step says the guide expects a refusal
ERROR_MARKERS = (r"% Invalid input", r"% Incomplete command", r"% Ambiguous command", r"% Unknown command")


@dataclass(frozen=True)
class Login:
    """A second OpenSSH connection (from ``source`` when given) logs in and reaches ``prompt`` (a regex), or, with
    ``ok=False``, is refused; ``key`` logs in with the test's RSA key instead of the password."""

    user: str
    password: str
    ok: bool = True
    prompt: str = r"[\w.-]+[#>]"
    source: str | None = None
    key: bool = False


@dataclass(frozen=True)
class Running:
    """``show running-config`` typed in the same session holds every line of ``has`` and none of ``lacks``."""

    has: tuple[str, ...] = ()
    lacks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Show:
    """An exec command typed in the same session (prefixed with ``do`` in configuration modes) prints lines
    matching every regex of ``shows``."""

    command: str
    shows: tuple[str, ...]


@dataclass(frozen=True)
class Scp:
    """``scp -O`` of a small file to ``flash:`` as ``user`` succeeds (``ok``) or is refused."""

    user: str
    password: str
    ok: bool = True


@dataclass(frozen=True)
class Monitor:
    """After ``trigger`` (a login, an SCP transfer, or nothing), lines matching ``shows`` (in order) reach the
    session, which runs ``terminal monitor`` (debug output goes to the monitoring terminal); none of what arrived
    until the last of them matches ``lacks`` (what a restricted debug keyword leaves out)."""

    shows: tuple[str, ...]
    trigger: Login | Scp | None = None
    lacks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Trap:
    """A trap reaches the test's SNMP receiver (snmptrapd) with lines matching ``shows``."""

    shows: tuple[str, ...]


@dataclass(frozen=True)
class Client:
    """OpenSSH run once as ``user`` with ``options`` (e.g. ``-W`` for a forwarding, ``-s sftp``) and an optional
    remote ``command``: it succeeds (``ok``) or fails, printing lines matching ``shows``."""

    user: str
    password: str
    options: tuple[str, ...] = ()
    command: str = ""
    ok: bool = True
    shows: tuple[str, ...] = ()


Check = Login | Running | Show | Scp | Monitor | Trap | Client


@dataclass(frozen=True)
class Step:
    """One line typed verbatim (``{name}`` placeholders: the test's addresses and key lines), the prompt the guide
    shows after it, the output regexes it shows, the dialogue it answers, and the checks that follow.

    ``answers`` are (question regex, reply) pairs in order; ``ends`` marks a line that closes the session (the
    prompt is then not awaited); ``refused`` lets the step's output hold an IOS error marker."""

    line: str
    prompt: str
    shows: tuple[str, ...] = ()
    answers: tuple[tuple[str, str], ...] = ()
    checks: tuple[Check, ...] = ()
    note: str = ""
    ends: bool = False
    refused: bool = False


@dataclass(frozen=True)
class Procedure:
    """A procedure or example of the guide, in the guide's order: the chapter/section, what it needs around the
    device (a second device, the TACACS+ peer, an SNMP receiver), the configuration prerequisites the guide
    assumes (typed by the test before the steps, not asserted), and the steps."""

    key: str
    section: str
    steps: tuple[Step, ...]
    setup: tuple[str, ...] = ()
    peer_setup: tuple[str, ...] = ()
    needs: frozenset[str] = field(default_factory=frozenset)
    user: str = "lab"
    password: str = "lab"
    #: users the TACACS+ peer knows for this procedure only, over the shared ones (an example's ACS policy)
    tacacs_users: dict[str, dict[str, object]] = field(default_factory=dict, hash=False)
