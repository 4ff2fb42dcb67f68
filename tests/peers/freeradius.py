"""A real RADIUS server for tests: Debian's FreeRADIUS 3.2 in the foreground with a self-contained configuration.

Everything lives in ``workdir``: ``radiusd.conf`` (written here, about 70 lines; Debian's ``/etc/freeradius`` is
never read, its eap/inner-tunnel sites are brittle), the ``users`` file and the accounting ``detail`` file. The
server listens on 127.0.0.1 only, auth and acct on two free ephemeral ports, with one client ``localhost``
(127.0.0.1) and the given secret, ``require_message_authenticator = yes`` (so a client that omits
Message-Authenticator gets no answer), no proxying and ``reject_delay = 0`` (so rejects are immediate).

Policy (``server default``): ``authorize { files; pap }``, ``authenticate { Auth-Type PAP { pap } }`` and
``accounting { detail; ok }``. Each user of ``users`` gets ``Cleartext-Password`` and the reply item
``Cisco-AVPair = "shell:priv-lvl=N"``. The ``files`` module adds that reply item before ``pap`` compares the
password, so an Access-Reject for a wrong password carries the AVPair too — the case a client must not trust.

Running as root: the configuration sets no ``user``/``group``, so radiusd keeps the identity it was started
with instead of switching to Debian's ``freerad``; FreeRADIUS 3.2.1 does not refuse root, and nothing here needs
a privileged port or a file outside ``workdir``. So the same command works as root (this machine, CI) and as an
ordinary user (tried as ``nobody``). A ``stop()`` and a new ``start()`` pick new ports.

It runs as ``freeradius -f -l stdout -d WORKDIR``: in the foreground,
multi-threaded, logging to stdout at the normal level (logins, not packet dumps: ``-X`` would print every
User-Password in clear). ``start()`` returns once the server prints "Ready to process requests".
"""

from __future__ import annotations

import collections
import re
import shutil
import socket
import subprocess
import threading
from pathlib import Path
from types import TracebackType

BINARY = "/usr/sbin/freeradius"
READY = "Ready to process requests"
START_TIMEOUT_S = 20.0
STOP_TIMEOUT_S = 10.0
MAX_OUTPUT_LINES = 2000
MAX_DETAIL_BYTES = 4 * 1024 * 1024
_START_ATTEMPTS = 5  # free ports are picked, then bound by radiusd: another process may win the race

_CONFIG = """\
# Written by tests/peers/freeradius.py: a self-contained FreeRADIUS 3.2 server for tests.
prefix = /usr
raddbdir = {workdir}
confdir = {workdir}
dictdir = /usr/share/freeradius
libdir = /usr/lib/freeradius
run_dir = {workdir}
logdir = {workdir}
radacctdir = {workdir}
pidfile = {workdir}/radiusd.pid
name = freeradius
hostname_lookups = no
max_request_time = 10
cleanup_delay = 2
max_requests = 256
proxy_requests = no

log {{
  destination = stdout
  colourise = no
  auth = yes
}}

security {{
  allow_core_dumps = no
  max_attributes = 200
  reject_delay = 0
  status_server = no
}}

client localhost {{
  ipaddr = 127.0.0.1
  secret = {secret}
  require_message_authenticator = yes
}}

modules {{
  always ok {{
    rcode = ok
  }}
  pap {{
  }}
  files {{
    filename = {workdir}/users
  }}
  detail {{
    filename = {accounting}
    permissions = 0600
    header = "%t"
  }}
}}

server default {{
  listen {{
    type = auth
    ipaddr = 127.0.0.1
    port = {auth_port}
  }}
  listen {{
    type = acct
    ipaddr = 127.0.0.1
    port = {acct_port}
  }}
  authorize {{
    files
    pap
  }}
  authenticate {{
    Auth-Type PAP {{
      pap
    }}
  }}
  post-auth {{
    Post-Auth-Type REJECT {{
      ok
    }}
  }}
  accounting {{
    detail
    ok
  }}
}}
"""


def quoted(text: str) -> str:
    """``text`` as a single-quoted FreeRADIUS string: taken literally, where a double-quoted one would expand
    ``%{…}`` and ``${…}`` (so a secret or password may hold any printable character)."""
    if any(c in text for c in "\r\n\0"):
        raise ValueError("line breaks and NUL cannot be written into a FreeRADIUS config file")
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def users_file(users: dict[str, tuple[str, int]]) -> str:
    """The ``users`` file: each user's cleartext password and ``Cisco-AVPair = "shell:priv-lvl=N"`` reply."""
    return "".join(
        f'{quoted(name)} Cleartext-Password := {quoted(password)}\n\tCisco-AVPair = "shell:priv-lvl={level}"\n\n'
        for name, (password, level) in users.items()
    )


_ESCAPE = re.compile(rb"\\([0-3][0-7]{2}|.)", re.S)
_SIMPLE_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t"}


def _unescape(quoted_value: str) -> str:
    """A detail-file string without its escapes: ``\\n``-style ones and ``\\ooo`` octal bytes (FreeRADIUS
    writes UTF-8 as it is and escapes other non-printable bytes one by one, so they are decoded together)."""

    def one(match: re.Match[bytes]) -> bytes:
        code = match[1]
        return bytes([int(code, 8)]) if len(code) == 3 else _SIMPLE_ESCAPES.get(code, code)

    return _ESCAPE.sub(one, quoted_value.encode()).decode("utf-8", "replace")


def parse_detail(text: str) -> list[dict[str, str]]:
    """The records of a ``detail`` file: a header line (the time), then one ``\\tName = value`` line per
    attribute, then a blank line. Quoted values are unescaped; others (``Start``, ``42``, addresses) kept as
    written. The header is kept under the key ``"time"``."""
    records: list[dict[str, str]] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        record = {"time": lines[0].strip()}
        for line in lines[1:]:
            name, sep, value = line.strip().partition(" = ")
            if not sep:
                continue
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = _unescape(value[1:-1])
            record[name] = value
        records.append(record)
    return records


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class FreeRadius:
    """``with FreeRadius(tmp_path, "s3cret", {"alice": ("pw", 15)}) as radius:`` → ``radius.auth_port``…"""

    def __init__(self, workdir: Path, secret: str, users: dict[str, tuple[str, int]]) -> None:
        self.workdir = Path(workdir)
        self.secret = secret
        self.users = dict(users)
        self.auth_port = 0
        self.acct_port = 0
        self.accounting_file = self.workdir / "accounting.detail"
        self.output: collections.deque[str] = collections.deque(maxlen=MAX_OUTPUT_LINES)
        self._proc: subprocess.Popen[str] | None = None
        self._ready = False
        self._wake = threading.Event()  # set when radiusd is ready or its output ends
        self._pump: threading.Thread | None = None

    def start(self) -> None:
        """Write the configuration, start radiusd and wait (at most 20 s) until it is ready."""
        if shutil.which(BINARY) is None:
            raise RuntimeError(f"{BINARY} is missing: apt-get install freeradius")
        self.workdir.mkdir(parents=True, exist_ok=True)
        (self.workdir / "users").write_text(users_file(self.users))
        for _ in range(_START_ATTEMPTS):
            self.auth_port = _free_udp_port()
            self.acct_port = _free_udp_port()
            if self.acct_port == self.auth_port:
                continue
            if self._launch():
                return
        raise RuntimeError("freeradius did not start:\n" + "\n".join(self.output))

    def _launch(self) -> bool:
        """One start on the chosen ports: True once ready, False if radiusd exited (e.g. a port was taken)."""
        (self.workdir / "radiusd.conf").write_text(
            _CONFIG.format(
                workdir=self.workdir,
                secret=quoted(self.secret),
                accounting=self.accounting_file,
                auth_port=self.auth_port,
                acct_port=self.acct_port,
            )
        )
        self._ready = False
        self._wake.clear()
        self._proc = subprocess.Popen(
            [BINARY, "-f", "-l", "stdout", "-d", str(self.workdir)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._pump = threading.Thread(target=self._read_output, args=(self._proc,), daemon=True)
        self._pump.start()
        output_ended = self._wake.wait(START_TIMEOUT_S)
        if self._ready:
            return True
        self.stop()
        if not output_ended:
            raise RuntimeError(f"freeradius not ready after {START_TIMEOUT_S} s:\n" + "\n".join(self.output))
        return False

    def _read_output(self, proc: subprocess.Popen[str]) -> None:
        """Keep radiusd's stdout drained (a full pipe would stall it) and note when it is ready."""
        assert proc.stdout is not None
        for line in proc.stdout:
            self.output.append(line.rstrip("\n"))
            if READY in line:
                self._ready = True
                self._wake.set()
        self._wake.set()  # exited: start() need not wait any longer

    def accounting_records(self) -> list[dict[str, str]]:
        """The Accounting-Requests radiusd has recorded so far, oldest first (see :func:`parse_detail`): each has
        at least ``User-Name``, ``Acct-Status-Type`` (``Start``/``Stop``) and ``Acct-Session-Id``."""
        if not self.accounting_file.exists():
            return []
        with self.accounting_file.open(encoding="utf-8", errors="replace") as detail:
            return parse_detail(detail.read(MAX_DETAIL_BYTES))

    def stop(self) -> None:
        """Stop radiusd (SIGTERM, then SIGKILL after 10 s); safe to call twice."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(STOP_TIMEOUT_S)
        if self._pump is not None:
            self._pump.join(STOP_TIMEOUT_S)
        if proc.stdout is not None:
            proc.stdout.close()

    def __enter__(self) -> FreeRadius:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
