"""What the device's SSH server must do: ``ip ssh …``, ``line vty …`` and the pubkey chain (pure).

The reconciler turns each committed tree into one immutable :class:`SshView`; the SSH service swaps it in
atomically, so every new connection sees one consistent configuration and existing sessions are untouched (as on
IOS, where ``ip ssh`` changes apply to new connections).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from lxml import etree

from iosxe_agent.data.order import single_children
from iosxe_agent.device.cli_map.syntax import flagged_order
from iosxe_agent.device.names import n, p
from iosxe_agent.device.ssh_algorithms import CTR_LEAVES, Configured
from iosxe_agent.device.views.tree import native_of

DEFAULT_AUTH_TIMEOUT = 120  # seconds, IOS XE default of ip ssh time-out
DEFAULT_AUTH_RETRIES = 3
DEFAULT_MAXSTARTUPS = 10
DEFAULT_DH_MIN = 2048
DEFAULT_EXEC_TIMEOUT = 600  # 10 minutes
DEFAULT_VTY = (0, 4)
DEFAULT_BULK_WINDOW = 131072  # ip ssh bulk-mode without a window size (17.12.1 model default)


@dataclass(frozen=True, slots=True)
class VtyLine:
    """One ``line vty FIRST LAST`` block as the SSH service and the login need it."""

    first: int
    last: int
    transport: frozenset[str]  # accepted incoming protocols ("ssh", "telnet", …); "all" expanded
    login_list: str = "default"  # aaa method list name of "login authentication"
    login_local: bool = False  # "login local" (used when aaa new-model is off)
    line_password: tuple[str, str] | None = None  # (type, text) of "password [type] X"
    exec_timeout: int = DEFAULT_EXEC_TIMEOUT  # seconds of idle time before the shell is closed; 0 = never
    privilege: int | None = None  # "privilege level N"
    rotary: int | None = None  # "rotary N": the group `ip ssh port P rotary N` sends its connections to

    @property
    def count(self) -> int:
        """How many sessions the block's lines can carry."""
        return self.last - self.first + 1

    def name(self, index: int) -> str:
        """IOS line name of the ``index``-th line in this block (``vty 0``)."""
        return f"vty {self.first + index}"


@dataclass(frozen=True, slots=True)
class RotaryPort:
    """``ip ssh port PORT rotary LOW [HIGH]``: SSH on PORT reaches the vty lines of rotary groups LOW..HIGH."""

    port: int
    low: int
    high: int

    def takes(self, line: VtyLine) -> bool:
        """Whether a connection on this port may use ``line``."""
        return line.rotary is not None and self.low <= line.rotary <= self.high


#: ``line vty 0 4`` with nothing under it: what a configuration without vty lines gets.
DEFAULT_VTY_LINE = VtyLine(*DEFAULT_VTY, frozenset({"ssh"}))


@dataclass(frozen=True, slots=True)
class SshView:
    """Everything that decides how new device SSH connections are handled."""

    keypair_name: str | None = None
    auth_timeout: int = DEFAULT_AUTH_TIMEOUT
    auth_retries: int = DEFAULT_AUTH_RETRIES
    dh_min: int = DEFAULT_DH_MIN
    algorithms: Configured = field(default_factory=Configured)  # ip ssh server algorithm …: as typed, () if absent
    maxstartups: int = DEFAULT_MAXSTARTUPS
    peruser_limit: int | None = None
    vty: tuple[VtyLine, ...] = (DEFAULT_VTY_LINE,)
    logging_events: bool = True  # ip ssh logging events (SSH2_USERAUTH / SSH2_CLOSE); on unless "false"
    #: ``ip ssh bulk-mode [W]``: the window (bytes) of the session channels SCP runs in; None without the command
    bulk_window: int | None = None
    #: ``ip ssh source-interface IF`` (``Loopback0``): whose address the device's own SSH/SCP connections use
    source_interface: str | None = None
    #: ``ip ssh port P rotary A [B]``: the extra SSH ports and the rotary groups their connections reach
    rotary_ports: tuple[RotaryPort, ...] = ()
    #: ``ip ssh pubkey-chain`` / ``username U`` / ``key-hash``: user -> upper-case MD5 key hashes
    key_hashes: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @property
    def ssh_lines(self) -> int:
        """Number of vty lines that accept SSH: the most shell sessions the device carries at once."""
        return sum(v.count for v in self.vty if "ssh" in v.transport)


class _Kids:
    """The children of one element by tag (the first of each), found in one pass.

    Why: each ``find``/``findtext`` of lxml resolves its path again (~8 µs a call on the machines here, against
    well under one for a step of this pass), and the view reads about thirty nodes of ``ip ssh`` and of each vty
    block on every commit that changes ``ip ssh``: that was ~5% of a one-leaf edit + commit."""

    __slots__ = ("_by_tag",)

    def __init__(self, el: etree._Element | None) -> None:
        by_tag: dict[object, etree._Element] = {}
        if el is not None:
            for child in el:
                by_tag.setdefault(child.tag, child)
        self._by_tag = by_tag

    def get(self, *tags: str) -> etree._Element | None:
        """The node at ``tags`` below the element (the first child of each tag at each step)."""
        found = self._by_tag.get(tags[0])
        for tag in tags[1:]:
            if found is None:
                return None
            found = next((c for c in found if c.tag == tag), None)
        return found

    def text(self, *tags: str) -> str | None:
        """``findtext``: the text of the node at ``tags`` ("" for an empty one), None when it is absent."""
        found = self.get(*tags)
        return None if found is None else (found.text or "")

    def int(self, tag: str, default: int) -> int:
        text = self.text(tag)
        return int(text) if text else default


_FIRST, _LAST, _TRANSPORT, _INPUT, _ALL, _NONE = n("first"), n("last"), n("transport"), n("input"), n("all"), n("none")
_LOGIN, _LOCAL, _AUTHENTICATION = n("login"), n("local"), n("authentication")
_EXEC_TIMEOUT, _MINUTES, _SECONDS = n("exec-timeout"), n("minutes"), n("seconds")
_PASSWORD, _SECRET, _TYPE = n("password"), n("secret"), n("type")
_PRIVILEGE, _LEVEL, _NUMBER, _ROTARY = n("privilege"), n("level"), n("number"), n("rotary")


def _vty(el: etree._Element) -> VtyLine:
    k = _Kids(el)
    first = int(k.text(_FIRST) or 0)
    last = int(k.text(_LAST) or first)
    transport_input = k.get(_TRANSPORT, _INPUT)
    if transport_input is None:
        transport = frozenset({"ssh"})  # 17.x default: transport input ssh
    else:
        inputs = _Kids(transport_input)
        if inputs.get(_ALL) is not None:
            transport = frozenset({"ssh", "telnet", "all"})
        elif inputs.get(_NONE) is not None:
            transport = frozenset()
        else:
            transport = frozenset(i.text or "" for i in transport_input.iterchildren(_INPUT))
    login = _Kids(k.get(_LOGIN))
    minutes = k.text(_EXEC_TIMEOUT, _MINUTES)
    seconds = k.text(_EXEC_TIMEOUT, _SECONDS)
    if minutes is None and seconds is None:
        exec_timeout = DEFAULT_EXEC_TIMEOUT
    else:
        exec_timeout = int(minutes or 0) * 60 + int(seconds or 0)
    pw = _Kids(k.get(_PASSWORD))
    line_password = None
    if pw.text(_SECRET):
        line_password = (pw.text(_TYPE) or "0", pw.text(_SECRET) or "")
    level = k.text(_PRIVILEGE, _LEVEL, _NUMBER)
    return VtyLine(
        first=first,
        last=max(last, first),
        transport=transport,
        login_list=login.text(_AUTHENTICATION) or "default",
        login_local=login.get(_LOCAL) is not None,
        line_password=line_password,
        exec_timeout=exec_timeout,
        privilege=int(level) if level is not None else None,
        rotary=k.int(_ROTARY, 0) or None,
    )


def _key_hashes(chain: etree._Element | None) -> dict[str, frozenset[str]]:
    """``ip ssh pubkey-chain``'s users and their key hashes (the first entry of a name wins)."""
    hashes: dict[str, frozenset[str]] = {}
    if chain is None:
        return hashes
    for entry in chain.iterchildren(n("username")):
        values = {(h.findtext(n("key-hash-value")) or "").upper() for h in entry.iterchildren(n("key-hash"))}
        hashes.setdefault(entry.findtext(n("name")) or "", frozenset(values))
    return hashes


def _options(algorithm: _Kids, word: str) -> tuple[str, ...]:
    """One device-private ``ip ssh server algorithm WORD`` list, in the order typed (``algorithm``: that node's
    children, gathered once for its five lists)."""
    holder = algorithm.get(p(word))
    return () if holder is None else tuple(v.text or "" for v in holder.iterchildren(p(word + "-options")))


def _algorithms(algorithm: etree._Element | None) -> Configured:
    """The ``ip ssh server algorithm`` lines: the encryption list from the typed list and Cisco's ``aes*-ctr``
    leaves (what NETCONF may have changed since), the others from the device-private lists."""
    if algorithm is None:
        return Configured()
    kids = _Kids(algorithm)
    enc = kids.get(n("encryption"))
    encryption: tuple[str, ...] = ()
    if enc is not None:
        typed = [v.text or "" for v in enc.iterchildren(p("encrypt-options"))]
        leaves = _Kids(enc)
        present = [c for c in CTR_LEAVES if leaves.get(n(c)) is not None]
        encryption = flagged_order(typed, present, CTR_LEAVES)
    return Configured(
        encryption=encryption,
        mac=_options(kids, "mac"),
        kex=_options(kids, "kex"),
        hostkey=_options(kids, "hostkey"),
        authentication=_options(kids, "authentication"),
        publickey=_options(kids, "publickey"),
    )


_LINE, _VTY, _IP, _SSH = n("line"), n("vty"), n("ip"), n("ssh")
_RSA, _KEYPAIR_NAME, _TIME_OUT, _RETRIES = n("rsa"), n("keypair-name"), n("time-out"), n("authentication-retries")
_DH, _MIN, _SIZE, _MAXSTARTUPS = n("dh"), n("min"), n("size"), n("maxstartups")
_LOGGING, _EVENTS = n("logging"), n("events-enable")
_SERVER, _PERUSER, _SESSION, _LIMIT, _ALGORITHM = n("server"), n("peruser"), n("session"), n("limit"), n("algorithm")
_PUBKEY_CHAIN, _BULK_MODE, _SOURCE, _PORT = n("pubkey-chain"), n("bulk-mode"), n("source-interface-config"), n("port")


def read_ssh(tree: etree._Element) -> SshView:
    """The SSH view of a configuration (pure; never fails on a schema-valid tree)."""
    return read_ssh_with(tree, read_vty(tree))


def read_vty(tree: etree._Element) -> tuple[VtyLine, ...]:
    """The ``line vty`` blocks of a configuration, in order (``line vty 0 4`` alone when there is none): the part
    of :func:`read_ssh` that reads ``line`` and nothing else, so that it can be memoised and carried across the
    commits that change only ``ip ssh`` (``views.vty``)."""
    native = native_of(tree)
    line = single_children(native, _LINE)[_LINE] if native is not None else None
    lines = tuple(_vty(v) for v in line.iterchildren(_VTY)) if line is not None else ()
    return lines or (DEFAULT_VTY_LINE,)


def read_ssh_with(tree: etree._Element, lines: tuple[VtyLine, ...]) -> SshView:
    """:func:`read_ssh` given the configuration's vty blocks (:func:`read_vty` of ``tree``): reads ``ip ssh``."""
    native = native_of(tree)
    ip = single_children(native, _IP)[_IP] if native is not None else None  # found without passing the users
    ssh = next(ip.iterchildren(_SSH), None) if ip is not None else None
    if ssh is None:
        return SshView(vty=lines)
    k = _Kids(ssh)
    dh = k.text(_DH, _MIN, _SIZE)
    peruser = k.text(_SERVER, _PERUSER, _SESSION, _LIMIT)
    return SshView(
        keypair_name=k.text(_RSA, _KEYPAIR_NAME),
        auth_timeout=k.int(_TIME_OUT, DEFAULT_AUTH_TIMEOUT),
        auth_retries=k.int(_RETRIES, DEFAULT_AUTH_RETRIES),
        dh_min=int(dh) if dh else DEFAULT_DH_MIN,
        algorithms=_algorithms(k.get(_SERVER, _ALGORITHM)),
        maxstartups=k.int(_MAXSTARTUPS, DEFAULT_MAXSTARTUPS),
        peruser_limit=int(peruser) if peruser else None,
        vty=lines,
        logging_events=k.text(_LOGGING, _EVENTS) != "false",
        key_hashes=MappingProxyType(_key_hashes(k.get(_PUBKEY_CHAIN))),
        bulk_window=_bulk_window(k.get(_BULK_MODE)),
        source_interface=_interface_name(k.get(_SOURCE)),
        rotary_ports=tuple(_rotary_port(p) for p in ssh.iterchildren(_PORT)),
    )


def _rotary_port(el: etree._Element) -> RotaryPort:
    k = _Kids(el)
    low = k.int(n("low-rotary"), 1)
    return RotaryPort(k.int(n("port-no"), 0), low, max(low, k.int(n("high-rotary"), low)))


def _bulk_window(bulk: etree._Element | None) -> int | None:
    """``ip ssh bulk-mode``'s window: the presence container's ``window-size``, 131072 when not given."""
    return None if bulk is None else _Kids(bulk).int(n("window-size"), DEFAULT_BULK_WINDOW)


def _interface_name(choice: etree._Element | None) -> str | None:
    """An interface-grouping choice (``<Loopback>0</Loopback>``) as IOS names the interface (``Loopback0``)."""
    child = next(iter(choice), None) if choice is not None else None
    return None if child is None else f"{etree.QName(child).localname}{child.text or ''}"
