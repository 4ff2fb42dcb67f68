"""Types the guide into a device the way its reader would: OpenSSH in a pty (pexpect), the password answered at
its prompt (never on a command line), each line followed by the prompt IOS prints next.

Every check a step names runs here: a second OpenSSH login, ``scp -O``, ``show`` commands in the same session,
debug lines on the session (which runs ``terminal monitor`` as soon as it is privileged), traps at snmptrapd.
A failure raises :class:`StepFailed` naming the procedure, the step number and the line typed.
"""

from __future__ import annotations

import io
import re
import subprocess
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pexpect
from openssh import scp_upload
from waiting import until

from .model import ERROR_MARKERS, Check, Client, Login, Monitor, Procedure, Running, Scp, Show, Step, Trap

#: the time stamp that starts an IOS log or debug line (``*Dec  7 00:18:44.597: `` or the guide's ``00:33:55: ``)
STAMP = r"(?:\*?[A-Z][a-z]{2} +\d+ )?\d+:\d\d:\d\d(?:\.\d+)?: "
#: an IOS prompt at the end of what arrived so far (host name, optional mode, # or >), or followed by a log line
#: the device printed after it on a line of its own (a syslog message the step caused, debug output on the monitor)
PROMPT = re.compile(rf"(?:^|[\r\n])([\w.-]+(?:\([\w+-]+\))?[#>]) ?(?=$|(?:\r*\n)?{STAMP})")
#: how an OpenSSH login fails: the connection refused or closed, or the password refused
REFUSED = re.compile(r"Connection refused|Connection closed|Permission denied|closed by remote host|reset by peer")
STEP_TIMEOUT_S = 60  # key generation of 4096 bits is the slowest step
LOGIN_TIMEOUT_S = 30
MONITOR_TIMEOUT_S = 20
_OPTIONS = (
    "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
    "-o", "IdentityAgent=none", "-o", "IdentitiesOnly=yes",
)  # fmt: skip


class StepFailed(AssertionError):
    """What the guide says did not happen."""


@dataclass
class Session:
    """One interactive OpenSSH session in a pty; :attr:`transcript` is everything it printed."""

    host: str
    port: int
    user: str
    password: str
    source: str | None = None
    key_file: Path | None = None
    prompt: str = ""
    child: pexpect.spawn | None = None
    _log: io.StringIO = field(default_factory=io.StringIO)

    @property
    def transcript(self) -> str:
        return self._log.getvalue().replace("\r\n", "\n").replace("\r", "")

    def open(self) -> bool:
        """Log in; True at a prompt, False if the device refused the connection or the credentials."""
        auth = ("-o", "PreferredAuthentications=publickey", "-i", str(self.key_file)) if self.key_file else (
            "-o", "PubkeyAuthentication=no", "-o", "PreferredAuthentications=keyboard-interactive,password",
            "-o", "NumberOfPasswordPrompts=1",
        )  # fmt: skip
        bind = ("-b", self.source) if self.source else ()
        args = ["-tt", *_OPTIONS, *auth, *bind, "-p", str(self.port), f"{self.user}@{self.host}"]
        self.child = pexpect.spawn("ssh", args, encoding="utf-8", timeout=LOGIN_TIMEOUT_S, dimensions=(50, 200))
        self.child.logfile_read = self._log
        while True:
            index = self.child.expect([r"[Pp]assword: ?$", PROMPT, REFUSED, pexpect.EOF, pexpect.TIMEOUT])
            if index == 0:
                if self.key_file is not None:
                    return False
                self.child.sendline(self.password)
                continue
            if index == 1:
                self.prompt = self.child.match.group(1)
                return True
            return False

    def type(self, line: str, answers: tuple[tuple[str, str], ...] = ()) -> str:
        """Type ``line``, answer each question in order, wait for the next prompt; the output in between."""
        child = self._alive()
        start = len(self.transcript)
        child.sendline(line)
        # its echo first: a prompt already on screen (debug output follows one) is not the answer
        echoed = not line.strip() or child.expect_exact([line, pexpect.EOF, pexpect.TIMEOUT], STEP_TIMEOUT_S) == 0
        if not echoed:
            raise StepFailed(f"{line!r} was not echoed:\n{self.transcript[start:]}")
        for question, reply in answers:
            index = child.expect([question, PROMPT, pexpect.EOF, pexpect.TIMEOUT], timeout=STEP_TIMEOUT_S)
            if index != 0:
                raise StepFailed(f"the question {question!r} never came:\n{self.transcript[start:]}")
            child.sendline(reply)
        index = child.expect([PROMPT, pexpect.EOF, pexpect.TIMEOUT], timeout=STEP_TIMEOUT_S)
        if index != 0:
            raise StepFailed(f"no prompt after {line!r}:\n{self.transcript[start:]}")
        self.prompt = child.match.group(1)
        return self.transcript[start:]

    def end(self, line: str = "exit") -> str:
        """Type a line that ends the session and wait for the end."""
        child = self._alive()
        start = len(self.transcript)
        child.sendline(line)
        if child.expect([pexpect.EOF, pexpect.TIMEOUT], timeout=LOGIN_TIMEOUT_S) != 0:
            raise StepFailed(f"the session did not end after {line!r}:\n{self.transcript[start:]}")
        return self.transcript[start:]

    def wait_for(self, patterns: tuple[str, ...], start: int, timeout: float = MONITOR_TIMEOUT_S) -> None:
        """Wait until ``patterns`` have printed, in this order, from transcript offset ``start`` on."""
        child = self._alive()
        deadline = time.monotonic() + timeout
        for pattern in patterns:
            while (found := re.search(pattern, self.transcript[start:])) is None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = self.transcript[start:]
                    raise StepFailed(f"never printed {pattern!r}:\n{seen[:2500]}\n[…]\n{seen[-1500:]}")
                try:
                    child.read_nonblocking(65536, timeout=min(remaining, 1.0))
                except pexpect.TIMEOUT:
                    continue
            start += found.end()

    def close(self) -> None:
        if self.child is not None:
            self.child.close(force=True)
            self.child = None

    def _alive(self) -> pexpect.spawn:
        if self.child is None:
            raise StepFailed("the session is closed")
        return self.child


@dataclass
class Device:
    """Where a device listens."""

    host: str
    port: int


@dataclass
class Walk:
    """A procedure typed into ``device`` as ``procedure.user``; ``context`` fills the data's placeholders."""

    procedure: Procedure
    device: Device
    context: Mapping[str, str]
    key_file: Path
    trap_log: Callable[[], str] = lambda: ""
    session: Session | None = None

    def run(self) -> None:
        self.session = Session(self.device.host, self.device.port, self.procedure.user, self.procedure.password)
        try:
            if not self.session.open():
                who = f"{self.procedure.key}: {self.procedure.user}"
                raise StepFailed(f"{who} cannot log in:\n{self.session.transcript}")
            self.session.type("terminal length 0")
            monitoring = False
            for number, step in enumerate(self.procedure.steps, 1):
                try:
                    self._step(step)
                except StepFailed as failure:
                    where = f"{self.procedure.key} step {number} `{self._fill(step.line)}`"
                    raise StepFailed(f"{where}: {failure}") from None
                if not monitoring and not step.ends and self.session.prompt.endswith("#"):
                    self.session.type("terminal monitor")
                    monitoring = True
        finally:
            self.session.close()

    def _fill(self, text: str) -> str:
        return text.format_map(self.context)

    def _step(self, step: Step) -> None:
        session = self._session()
        line = self._fill(step.line)
        if step.ends:
            session.end(line)
            return
        answers = tuple((q, self._fill(a)) for q, a in step.answers)
        parts = line.split("\n")
        output = "".join(session.type(part, answers if i == len(parts) - 1 else ()) for i, part in enumerate(parts))
        if not _prompt_is(self._fill(step.prompt), session.prompt):
            raise StepFailed(f"prompt {session.prompt!r}, the guide shows {self._fill(step.prompt)!r}:\n{output}")
        if not step.refused:
            for marker in ERROR_MARKERS:
                if re.search(marker, output):
                    raise StepFailed(f"refused:\n{output}")
        for pattern in step.shows:
            if not re.search(self._fill(pattern), output):
                raise StepFailed(f"no {self._fill(pattern)!r} in:\n{output}")
        for check in step.checks:
            self._check(check)

    def _check(self, check: Check) -> None:
        session = self._session()
        if isinstance(check, Running):
            lines = {line.rstrip() for line in self._show("show running-config").splitlines()}
            for want in check.has:
                if self._fill(want).rstrip() not in lines:
                    raise StepFailed(f"show running-config has no line {self._fill(want)!r}")
            for unwanted in check.lacks:
                if self._fill(unwanted).rstrip() in lines:
                    raise StepFailed(f"show running-config still has {self._fill(unwanted)!r}")
        elif isinstance(check, Show):
            output = self._show(check.command)
            for pattern in check.shows:
                if not re.search(self._fill(pattern), output):
                    raise StepFailed(f"{check.command}: no {self._fill(pattern)!r} in:\n{output}")
        elif isinstance(check, Login):
            self._login(check)
        elif isinstance(check, Scp):
            self._scp(check)
        elif isinstance(check, Monitor):
            start = len(session.transcript)
            if isinstance(check.trigger, Login):
                self._login(check.trigger)
            elif isinstance(check.trigger, Scp):
                self._scp(check.trigger)
            session.wait_for(tuple(self._fill(p) for p in check.shows), start)
            for pattern in check.lacks:
                if found := re.search(pattern, session.transcript[start:]):
                    raise StepFailed(f"the monitor shows {found.group(0)!r}, which this debug leaves out")
        elif isinstance(check, Trap):
            self._trap(check)
        elif isinstance(check, Client):
            self._client(check)

    def _show(self, command: str) -> str:
        session = self._session()
        prefix = "do " if "(" in session.prompt else ""
        before = session.prompt
        output = session.type(prefix + command)
        if session.prompt != before:
            raise StepFailed(f"{command} left the prompt at {session.prompt!r}")
        return output

    def _login(self, login: Login) -> None:
        other = Session(
            self.device.host, self.device.port, login.user, self._fill(login.password), source=login.source,
            key_file=self.key_file if login.key else None,
        )  # fmt: skip
        try:
            logged_in = other.open()
            if logged_in != login.ok:
                said = "logged in" if logged_in else "was refused"
                raise StepFailed(f"a second login of {login.user} {said}:\n{other.transcript[-2000:]}")
            if logged_in:
                if not _prompt_is(self._fill(login.prompt), other.prompt):
                    raise StepFailed(f"the second login reached {other.prompt!r}, not {login.prompt!r}")
                other.end()
        finally:
            other.close()

    def _scp(self, scp: Scp) -> None:
        source = self.key_file.parent / "guide-scp.txt"
        source.write_text("guide walk-through\n")
        result = scp_upload(self.device.port, source, "flash:guide-scp.txt", user=scp.user, password=scp.password)
        if (result.returncode == 0) != scp.ok:
            said = "was allowed" if result.returncode == 0 else "was refused"
            raise StepFailed(f"scp -O as {scp.user} {said}: {result.stderr.strip()}")

    def _client(self, client: Client) -> None:
        output, status = run_ssh(self.device, client.user, self._fill(client.password), client.options, client.command)
        if (status == 0) != client.ok:
            raise StepFailed(f"ssh {' '.join(client.options)} {client.command} exited {status}:\n{output}")
        for pattern in client.shows:
            if not re.search(pattern, output):
                raise StepFailed(f"ssh {' '.join(client.options)} {client.command}: no {pattern!r} in:\n{output}")

    def _trap(self, trap: Trap) -> None:
        patterns = [self._fill(p) for p in trap.shows]
        if not until(lambda: all(re.search(p, self.trap_log()) for p in patterns), MONITOR_TIMEOUT_S):
            raise StepFailed(f"no trap matching {patterns} at the receiver:\n{self.trap_log()}")

    def _session(self) -> Session:
        if self.session is None:
            raise StepFailed("not started")
        return self.session


def _prompt_is(expected: str, prompt: str) -> bool:
    """The prompt the guide shows: literally (``Device(config)#``) or, for a choice, as a regex (``Device2[#>]``)."""
    return prompt == expected or re.fullmatch(expected, prompt) is not None


def configure(device: Device, user: str, password: str, lines: tuple[str, ...], context: Mapping[str, str]) -> str:
    """The administrator types ``lines`` in configuration mode (the guide's prerequisites): nothing refused."""
    session = Session(device.host, device.port, user, password)
    try:
        if not session.open():
            raise StepFailed(f"{user} cannot log in to prepare the device:\n{session.transcript}")
        session.type("configure terminal")
        for line in lines:
            output = session.type(line.format_map(context))
            if any(re.search(marker, output) for marker in ERROR_MARKERS):
                raise StepFailed(f"prerequisite refused: {output}")
        session.type("end")
        return session.transcript
    finally:
        session.close()


def run_ssh(device: Device, user: str, password: str, options: tuple[str, ...], command: str) -> tuple[str, int]:
    """One OpenSSH run (no pty), the password answered at its prompt: what it printed, and its exit status."""
    auth = ("-o", "PubkeyAuthentication=no", "-o", "NumberOfPasswordPrompts=1")
    args = [
        *_OPTIONS,
        *auth,
        *options,
        "-p",
        str(device.port),
        f"{user}@{device.host}",
        *([command] if command else []),
    ]
    child = pexpect.spawn("ssh", args, encoding="utf-8", timeout=LOGIN_TIMEOUT_S)
    log = io.StringIO()
    child.logfile_read = log
    try:
        if child.expect([r"[Pp]assword: ?$", pexpect.EOF, pexpect.TIMEOUT]) == 0:
            child.sendline(password)
            child.expect([pexpect.EOF, pexpect.TIMEOUT])
    finally:
        child.close(force=True)
    return log.getvalue().replace("\r\n", "\n"), -1 if child.exitstatus is None else child.exitstatus


def host_key(device: Device) -> str:
    """The device's RSA host key (base64), as ``ssh-keyscan`` reads it."""
    result = subprocess.run(
        ["ssh-keyscan", "-t", "rsa", "-p", str(device.port), device.host],
        capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    return next(line.split()[2] for line in result.stdout.splitlines() if " ssh-rsa " in line)
