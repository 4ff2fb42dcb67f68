"""What the device's SSH server must do, derived purely from the running configuration.

The reconciler turns each committed tree into one immutable :class:`SshPolicy`; the SSH service swaps it in
atomically, so every new connection sees one consistent configuration and existing sessions are untouched (as on
IOS, where ``ip ssh`` changes apply to new connections).
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from agent.device.names import SNMP_NS, a, n

DEFAULT_AUTH_TIMEOUT = 120  # seconds, IOS XE default of ip ssh time-out
DEFAULT_AUTH_RETRIES = 3
DEFAULT_MAXSTARTUPS = 10
DEFAULT_EXEC_TIMEOUT = 600  # 10 minutes
DEFAULT_VTY = (0, 4)

#: IOS ``ip ssh server algorithm encryption`` leaves → asyncssh algorithm names.
CIPHER_LEAVES = ("aes128-ctr", "aes192-ctr", "aes256-ctr")


@dataclass(frozen=True, slots=True)
class VtyLine:
    """One ``line vty FIRST LAST`` block as the SSH service needs it."""

    first: int
    last: int
    transport: frozenset[str]  # accepted incoming protocols ("ssh", "telnet", …); "all" expanded
    login_list: str  # aaa method list name of "login authentication" ("default" unless set)
    login_local: bool  # "login local" (used when aaa new-model is off)
    line_password: tuple[str, str] | None  # (type, text) of "password [type] X"
    exec_timeout: int  # seconds of idle time before the shell is closed; 0 = never
    privilege: int | None  # "privilege level N"

    @property
    def count(self) -> int:
        """How many sessions the block's lines can carry."""
        return self.last - self.first + 1

    def name(self, index: int) -> str:
        """IOS line name of the ``index``-th line in this block (``vty 0``)."""
        return f"vty {self.first + index}"


@dataclass(frozen=True, slots=True)
class SshPolicy:
    """Everything that decides how new device SSH connections are handled."""

    hostname: str = "Router"
    domain: str | None = None
    keypair_name: str | None = None
    auth_timeout: int = DEFAULT_AUTH_TIMEOUT
    auth_retries: int = DEFAULT_AUTH_RETRIES
    dh_min: int = 2048
    ciphers: tuple[str, ...] = ()  # empty: the default set
    maxstartups: int = DEFAULT_MAXSTARTUPS
    peruser_limit: int | None = None
    vty: tuple[VtyLine, ...] = ()
    aaa_new_model: bool = False
    logging_events: bool = True
    scp_enabled: bool = False
    tty_traps: bool = False

    @property
    def ssh_lines(self) -> int:
        """Number of vty lines that accept SSH: the most shell sessions the device carries at once."""
        return sum(v.count for v in self.vty if "ssh" in v.transport)


def _int(el: etree._Element | None, path: str, default: int) -> int:
    if el is None:
        return default
    text = el.findtext(path)
    return int(text) if text not in (None, "") else default


def _vty(el: etree._Element) -> VtyLine:
    first = int(el.findtext(n("first")) or 0)
    last = int(el.findtext(n("last")) or first)
    transport_input = el.find(f"{n('transport')}/{n('input')}")
    if transport_input is None:
        transport = frozenset({"ssh"})  # 17.x default: transport input ssh
    elif transport_input.find(n("all")) is not None:
        transport = frozenset({"ssh", "telnet", "all"})
    elif transport_input.find(n("none")) is not None:
        transport = frozenset()
    else:
        transport = frozenset(i.text or "" for i in transport_input.iterfind(n("input")))
    login = el.find(n("login"))
    minutes = el.findtext(f"{n('exec-timeout')}/{n('minutes')}")
    seconds = el.findtext(f"{n('exec-timeout')}/{n('seconds')}")
    if minutes is None and seconds is None:
        exec_timeout = DEFAULT_EXEC_TIMEOUT
    else:
        exec_timeout = int(minutes or 0) * 60 + int(seconds or 0)
    pw = el.find(n("password"))
    line_password = None
    if pw is not None and pw.findtext(n("secret")):
        line_password = (pw.findtext(n("type")) or "0", pw.findtext(n("secret")) or "")
    level = el.findtext(f"{n('privilege')}/{n('level')}/{n('number')}")
    return VtyLine(
        first=first,
        last=max(last, first),
        transport=transport,
        login_list=(login.findtext(n("authentication")) if login is not None else None) or "default",
        login_local=login is not None and login.find(n("local")) is not None,
        line_password=line_password,
        exec_timeout=exec_timeout,
        privilege=int(level) if level is not None else None,
    )


def derive_policy(running: etree._Element) -> SshPolicy:
    """The SSH policy of a running configuration (pure; never fails on a schema-valid tree)."""
    native = running.find(n("native"))
    if native is None:
        return SshPolicy(vty=(VtyLine(*DEFAULT_VTY, frozenset({"ssh"}), "default", False, None, 600, None),))
    ssh = native.find(f"{n('ip')}/{n('ssh')}")
    ciphers: tuple[str, ...] = ()
    if ssh is not None:
        enc = ssh.find(f"{n('server')}/{n('algorithm')}/{n('encryption')}")
        if enc is not None:
            ciphers = tuple(c for c in CIPHER_LEAVES if enc.find(n(c)) is not None)
    dh = ssh.findtext(f"{n('dh')}/{n('min')}/{n('size')}") if ssh is not None else None
    lines = tuple(_vty(v) for v in native.iterfind(f"{n('line')}/{n('vty')}"))
    if not lines:
        lines = (VtyLine(*DEFAULT_VTY, frozenset({"ssh"}), "default", False, None, DEFAULT_EXEC_TIMEOUT, None),)
    aaa = native.find(n("aaa"))
    events = ssh.findtext(f"{n('logging')}/{n('events-enable')}") if ssh is not None else None
    snmp = native.find(n("snmp-server"))
    tty_traps = snmp is not None and (
        snmp.find(f"{{{SNMP_NS}}}enable/{{{SNMP_NS}}}enable-choice/{{{SNMP_NS}}}traps/{{{SNMP_NS}}}tty") is not None
    )
    peruser = ssh.findtext(f"{n('server')}/{n('peruser')}/{n('session')}/{n('limit')}") if ssh is not None else None
    return SshPolicy(
        hostname=native.findtext(n("hostname")) or "Router",
        domain=native.findtext(f"{n('ip')}/{n('domain')}/{n('name')}"),
        keypair_name=ssh.findtext(f"{n('rsa')}/{n('keypair-name')}") if ssh is not None else None,
        auth_timeout=_int(ssh, n("time-out"), DEFAULT_AUTH_TIMEOUT),
        auth_retries=_int(ssh, n("authentication-retries"), DEFAULT_AUTH_RETRIES),
        dh_min=int(dh) if dh else 2048,
        ciphers=ciphers,
        maxstartups=_int(ssh, n("maxstartups"), DEFAULT_MAXSTARTUPS),
        peruser_limit=int(peruser) if peruser else None,
        vty=lines,
        aaa_new_model=aaa is not None and aaa.find(a("new-model")) is not None,
        logging_events=events != "false",
        scp_enabled=native.find(f"{n('ip')}/{n('scp')}/{n('server')}/{n('enable')}") is not None,
        tty_traps=tty_traps,
    )
