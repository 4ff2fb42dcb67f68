"""The text of ``debug ip ssh`` / ``detail`` / ``packet`` lines, from the SSH packets a connection really saw.

Why a module of its own: the message text and the rule "which event prints which lines under which switch" are
IOS facts, testable without a socket; :mod:`iosxe_agent.device.ssh_tap` feeds it the packets asyncssh sends and
receives, and the SSH service prints what it returns when the switch is on.

Forms follow the guide's three samples: ``SSH0: …`` for the connection-level lines, ``SSH2 0: …`` for protocol
lines, the connection number counting from 0 per device. ``debug ip ssh`` prints every line, the packet ones and
the negotiated algorithms in the words of its own sample (``send: len 280 (includes padlen 4)``, ``MAC #3 ok``,
``received packet type 20``, ``SSH2: kex: client->server aes128-cbc hmac-md5 none``); ``detail`` only the
protocol and channel lines (``SSH2:kex: client->server enc:… mac:…``); ``packet`` only the packet lines in its
sample's words (``send:packet of length 280 (length also includes padlen of 4)``, ``MAC compared for #3 :ok``).

Every line comes from an event that happened on the wire: the negotiated algorithms are computed from the two
KEXINIT packets exactly as RFC 4253 §7.1 negotiates them (an AEAD cipher is named as its own MAC, as the
``%SSH-5-SSH2_USERAUTH`` line names it), the key-exchange message names from the negotiated method, lengths and
padding from the packets themselves. Lines the guide does not show are UNVERIFIED in wording: ``using method …``
(the server-side twin of the guide's client line), ``… authentication failed for …``, ``channel close message
received``, ``channel window adjust message received N`` and ``Session disconnected - error 0x..`` with the
RFC 4253 disconnect reason code. ``ssh_receive: N bytes received`` is each read from the socket; ``partial
packet …`` (IOS's own reassembly state) is not printed; the SSH2_MSG_IGNORE packets asyncssh sends before each
packet under a CBC cipher (:mod:`iosxe_agent.sshcipher`) show as what they are (type 2).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from iosxe_agent.device.debug import SSH_DETAIL_SWITCHES, SSH_PACKET_SWITCHES, Debug

#: One debug line and the switches that show it.
Line = tuple[frozenset[Debug], str]


# RFC 4250 message numbers
MSG_DISCONNECT = 1
MSG_KEXINIT = 20
MSG_NEWKEYS = 21
MSG_KEX_30 = 30  # KEXDH_INIT / KEX_ECDH_INIT / (old) GEX request
MSG_KEX_31 = 31  # KEXDH_REPLY / KEX_ECDH_REPLY / GEX group
MSG_GEX_INIT = 32
MSG_GEX_REPLY = 33
MSG_GEX_REQUEST = 34
MSG_USERAUTH_REQUEST = 50
MSG_USERAUTH_FAILURE = 51
MSG_USERAUTH_SUCCESS = 52
MSG_CHANNEL_OPEN = 90
MSG_CHANNEL_WINDOW_ADJUST = 93
MSG_CHANNEL_CLOSE = 97
MSG_CHANNEL_REQUEST = 98

AEAD_SUFFIXES = ("-gcm@openssh.com", "chacha20-poly1305@openssh.com", "-gcm")
DISC_BY_APPLICATION = 11  # what OpenSSH and asyncssh clients send when the user leaves


class _Reader:
    """Reads SSH wire types (RFC 4251 §5) from a payload; a short payload reads as empty values, never raises."""

    def __init__(self, data: bytes, offset: int = 1) -> None:
        self.data = data
        self.pos = offset

    def uint32(self) -> int:
        value = int.from_bytes(self.data[self.pos : self.pos + 4], "big")
        self.pos += 4
        return value

    def string(self) -> bytes:
        size = self.uint32()
        value = self.data[self.pos : self.pos + size]
        self.pos += size
        return value

    def text(self) -> str:
        return self.string().decode("utf-8", "replace")

    def boolean(self) -> bool:
        value = self.data[self.pos : self.pos + 1] not in (b"", b"\x00")
        self.pos += 1
        return value


def kexinit_lists(payload: bytes) -> list[list[str]]:
    """The ten name-lists of a KEXINIT payload (type byte, 16-byte cookie, then the lists)."""
    reader = _Reader(payload, 17)
    return [[name for name in reader.text().split(",") if name] for _ in range(10)]


def negotiate(client: list[str], server: list[str]) -> str:
    """RFC 4253 §7.1: the first algorithm of the client's list that the server also lists ("" when none)."""
    return next((alg for alg in client if alg in server), "")


def padding(payload_len: int, block: int, header_len: int = 5) -> int:
    """RFC 4253 §6 padding asyncssh gives a packet it sends: what is encrypted (``header_len``: length field and
    padding-length byte, or only the latter with encrypt-then-MAC) fills whole blocks, with at least 4 bytes."""
    pad = -(header_len + payload_len) % block
    return pad + block if pad < 4 else pad


def kex_init_name(kex: str) -> str:
    """The name IOS gives the client's key-exchange init message for the negotiated method."""
    if kex.startswith("diffie-hellman-group-exchange"):
        return "SSH2_MSG_KEX_DH_GEX_REQUEST"
    if kex.startswith("diffie-hellman"):
        return "SSH2_MSG_KEXDH_INIT"
    return "SSH2_MSG_KEX_ECDH_INIT"  # ecdh-sha2-*, curve25519, the post-quantum hybrids


def _mac(cipher: str, mac: str) -> str:
    """The integrity algorithm in force: an AEAD cipher is its own (the negotiated MAC is then unused, RFC 5647
    §5.1), named as the SSH2_USERAUTH log line names it."""
    return cipher if cipher.endswith(AEAD_SUFFIXES) else mac


_FULL_ONLY = frozenset({Debug.SSH})
_DETAIL_ONLY = frozenset({Debug.SSH_DETAIL})
_PACKET_ONLY = frozenset({Debug.SSH_PACKET})


def _detail(text: str) -> Line:
    """A protocol line both ``debug ip ssh`` and ``debug ip ssh detail`` print in the same words."""
    return SSH_DETAIL_SWITCHES, text


def _packet(text: str) -> Line:
    """A packet line both ``debug ip ssh`` and ``debug ip ssh packet`` print in the same words."""
    return SSH_PACKET_SWITCHES, text


def _full(text: str) -> Line:
    """A line in the words of the guide's ``debug ip ssh`` sample, where ``detail``/``packet`` word it otherwise."""
    return _FULL_ONLY, text


@dataclass
class SshTrace:
    """What one connection has shown so far, and the lines each new packet adds (connection ``number``)."""

    number: int
    client_version: str = ""
    ours: list[list[str]] = field(default_factory=list)  # our KEXINIT lists
    theirs: list[list[str]] = field(default_factory=list)  # the client's
    kex: str = ""
    user: str = ""
    method: str = ""
    in_session: bool = False
    version_shown: bool = False
    disconnect_code: int | None = None

    # -- connection ------------------------------------------------------------------------------------------
    def started(self, version_id: str) -> list[Line]:
        """The TCP connection was accepted and our version string (``SSH-2.0-Cisco-1.25``) sent: asyncssh sends
        it at once."""
        n = self.number
        return [
            _detail(f"SSH{n}: starting SSH control process"),
            _detail(f"SSH{n}: sent protocol version id {version_id}"),
        ]

    def ended(self, lost_code: int | None = None) -> list[Line]:
        """The connection is gone: normally after a session the client left, otherwise with the reason code (of
        the DISCONNECT packet either side sent, else ``lost_code``: why asyncssh dropped it, e.g. the login
        timeout's connection-lost 10)."""
        code = self.disconnect_code if self.disconnect_code is not None else lost_code
        if self.in_session and code in (None, DISC_BY_APPLICATION):
            return [_detail(f"SSH{self.number}: Session terminated normally")]
        return [_detail(f"SSH{self.number}: Session disconnected - error 0x{code or 0:02X}")]

    # -- packets ---------------------------------------------------------------------------------------------
    def read(self, count: int) -> list[Line]:
        """One read of ``count`` bytes from the client's socket (the same words in both samples)."""
        return [_packet(f"SSH2 {self.number}: ssh_receive: {count} bytes received")]

    def sent(self, pkttype: int, seq: int, payload: bytes, padlen: int, encrypted: bool) -> list[Line]:
        """Lines for a packet we sent (``payload`` with its type byte, ``padlen`` bytes of padding)."""
        n = self.number
        length = 1 + len(payload) + padlen
        lines = [
            _full(f"SSH2 {n}: send: len {length} (includes padlen {padlen})"),
            (_PACKET_ONLY, f"SSH2 {n}: send:packet of length {length} (length also includes padlen of {padlen})"),
        ]
        if encrypted:
            lines.append(_full(f"SSH2 {n}: done calc MAC out #{seq}"))
        if pkttype == MSG_KEXINIT:
            self.ours = kexinit_lists(payload)
            lines += self._client_version()
            lines.append(_detail(f"SSH2 {n}: SSH2_MSG_KEXINIT sent"))
            lines += self._negotiated()
        elif pkttype in (MSG_KEX_31, MSG_GEX_REPLY) and self._is_reply(pkttype):
            reader = _Reader(payload)
            reader.string()  # host key
            reader.string()  # f / Q_S
            lines.append(_packet(f"SSH2 {n}: signature length {len(reader.string())}"))
            lines.append(_detail("SSH2: kex_derive_keys complete"))
        elif pkttype == MSG_NEWKEYS:
            lines += [
                _packet(f"SSH2 {n}: newkeys: mode 1"),
                _detail(f"SSH2 {n}: SSH2_MSG_NEWKEYS sent"),
                _detail(f"SSH2 {n}: waiting for SSH2_MSG_NEWKEYS"),
            ]
        elif pkttype == MSG_USERAUTH_SUCCESS:
            lines.append(_detail(f"SSH2 {n}: authentication successful for {self.user}"))
        elif pkttype == MSG_USERAUTH_FAILURE and self.method not in ("", "none"):
            lines.append(_detail(f"SSH2 {n}: {self.method} authentication failed for {self.user}"))
        elif pkttype == MSG_DISCONNECT:
            self.disconnect_code = _Reader(payload).uint32()
        return lines

    def received(self, pkttype: int, seq: int, payload: bytes, padlen: int, encrypted: bool) -> list[Line]:
        """Lines for a packet the client sent us (``payload`` with its type byte, ``padlen`` bytes of padding)."""
        n = self.number
        length = 1 + len(payload) + padlen
        lines = [
            _full(f"SSH2 {n}: input: packet len {length}"),
            (_PACKET_ONLY, f"SSH2 {n}: input: total packet length of {length} bytes"),
        ]
        if encrypted:
            lines += [_full(f"SSH2 {n}: MAC #{seq} ok"), (_PACKET_ONLY, f"SSH2 {n}: MAC compared for #{seq} :ok")]
        lines += [
            _full(f"SSH2 {n}: input: padlen {padlen}"),
            (_PACKET_ONLY, f"SSH2 {n}: input: padlength {padlen} bytes"),
            _full(f"SSH2 {n}: received packet type {pkttype}"),
        ]
        return lines + self._received_event(pkttype, payload)

    def _received_event(self, pkttype: int, payload: bytes) -> list[Line]:
        n = self.number
        if pkttype == MSG_KEXINIT:
            self.theirs = kexinit_lists(payload)
            return [*self._client_version(), _detail(f"SSH2 {n}: SSH2_MSG_KEXINIT received"), *self._negotiated()]
        if pkttype in (MSG_KEX_30, MSG_GEX_INIT, MSG_GEX_REQUEST) and self.kex:
            name = "SSH2_MSG_KEX_DH_GEX_INIT" if pkttype == MSG_GEX_INIT else kex_init_name(self.kex)
            return [_detail(f"SSH2 {n}: {name} received")]
        if pkttype == MSG_NEWKEYS:
            return [_packet(f"SSH2 {n}: newkeys: mode 0"), _detail(f"SSH2 {n}: SSH2_MSG_NEWKEYS received")]
        if pkttype == MSG_USERAUTH_REQUEST:
            reader = _Reader(payload)
            self.user, _service, self.method = reader.text(), reader.text(), reader.text()
            return [] if self.method in ("", "none") else [_detail(f"SSH2 {n}: using method {self.method}")]
        if pkttype == MSG_CHANNEL_OPEN:
            return [_detail(f"SSH2 {n}: channel open request")]
        if pkttype == MSG_CHANNEL_REQUEST:
            return self._channel_request(payload)
        if pkttype == MSG_CHANNEL_WINDOW_ADJUST:
            reader = _Reader(payload)
            reader.uint32()  # recipient channel
            return [_packet(f"SSH2 {n}: channel window adjust message received {reader.uint32()}")]
        if pkttype == MSG_CHANNEL_CLOSE:
            return [_detail(f"SSH2 {n}: channel close message received")]
        if pkttype == MSG_DISCONNECT:
            self.disconnect_code = _Reader(payload).uint32()
        return []

    def _channel_request(self, payload: bytes) -> list[Line]:
        n = self.number
        reader = _Reader(payload)
        reader.uint32()  # recipient channel
        kind = reader.text()
        if not kind:
            return []  # a truncated request: asyncssh refuses it, there is nothing to name
        reader.boolean()  # want reply
        lines = [_detail(f"SSH2 {n}: {kind} request")]
        if kind == "pty-req":
            reader.string()  # TERM
            width, height = reader.uint32(), reader.uint32()
            size = f"height {height}, width {width}"
            lines.append(_detail(f"SSH2 {n}: setting TTY - requested: {size}; set: {size}"))
        elif kind in ("shell", "exec", "subsystem"):
            self.in_session = True
            if kind == "shell":
                lines += [_detail(f"SSH2 {n}: shell message received"), _detail(f"SSH2 {n}: starting shell for vty")]
        return lines

    # -- helpers ---------------------------------------------------------------------------------------------
    def _client_version(self) -> list[Line]:
        """``protocol version id is - …`` once, as soon as the client's version is known (before the first
        KEXINIT either side sends, as in the guide's samples)."""
        if self.version_shown or not self.client_version:
            return []
        self.version_shown = True
        return [_detail(f"SSH{self.number}: protocol version id is - {self.client_version}")]

    def _negotiated(self) -> list[Line]:
        """Once both KEXINITs are known: the algorithms the two lists agree on, and the message expected next."""
        if not (self.ours and self.theirs) or self.kex:
            return []
        c, s = self.theirs, self.ours
        self.kex = negotiate(c[0], s[0])
        enc_cs, enc_sc = negotiate(c[2], s[2]), negotiate(c[3], s[3])
        mac_cs, mac_sc = _mac(enc_cs, negotiate(c[4], s[4])), _mac(enc_sc, negotiate(c[5], s[5]))
        comp_cs, comp_sc = negotiate(c[6], s[6]), negotiate(c[7], s[7])
        return [
            _full(f"SSH2: kex: client->server {enc_cs} {mac_cs} {comp_cs}"),
            _full(f"SSH2: kex: server->client {enc_sc} {mac_sc} {comp_sc}"),
            (_DETAIL_ONLY, f"SSH2:kex: client->server enc:{enc_cs} mac:{mac_cs}"),
            (_DETAIL_ONLY, f"SSH2:kex: server->client enc:{enc_sc} mac:{mac_sc}"),
            _detail(f"SSH2 {self.number}: expecting {kex_init_name(self.kex)}"),
        ]

    def _is_reply(self, pkttype: int) -> bool:
        """Type 31 is the DH/ECDH reply, except in group exchange where it is the group and 33 the reply."""
        gex = self.kex.startswith("diffie-hellman-group-exchange")
        return pkttype == (MSG_GEX_REPLY if gex else MSG_KEX_31)
