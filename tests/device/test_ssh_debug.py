"""``debug ip ssh`` text from packets (pure): the guide's line forms, and which switch shows which line."""

from __future__ import annotations

from iosxe_agent.device.debug import Debug, DebugFlags
from iosxe_agent.device.ssh_debug import Line, SshTrace, kex_init_name, kexinit_lists, negotiate, padding


def _s(value: str | bytes) -> bytes:
    data = value.encode() if isinstance(value, str) else value
    return len(data).to_bytes(4, "big") + data


def _u32(value: int) -> bytes:
    return value.to_bytes(4, "big")


def kexinit(kex: str, enc: str, mac: str) -> bytes:
    lists = [kex, "rsa-sha2-256,ssh-rsa", enc, enc, mac, mac, "none", "none", "", ""]
    return bytes([20]) + b"\x00" * 16 + b"".join(_s(x) for x in lists) + b"\x00" + _u32(0)


SERVER = kexinit("curve25519-sha256,diffie-hellman-group14-sha256", "aes128-ctr,aes256-ctr", "hmac-sha2-256")
CLIENT = kexinit("diffie-hellman-group14-sha256,curve25519-sha256", "aes256-ctr,aes128-ctr", "hmac-sha1,hmac-sha2-256")


def texts(lines: list[Line], switch: Debug) -> list[str]:
    flags = DebugFlags()
    flags.turn_on(switch)
    return [text for switches, text in lines if flags.any_of(switches)]


def a_login(trace: SshTrace) -> list[Line]:
    """A password login with a shell, packet by packet, as asyncssh reports them (padding 8 in clear, 16 after)."""
    reply = bytes([31]) + _s(b"K" * 279) + _s(b"f" * 256) + _s(b"S" * 271)
    userauth = bytes([50]) + _s("lab") + _s("ssh-connection") + _s("password") + b"\x00" + _s("secret")
    pty = bytes([98]) + _u32(0) + _s("pty-req") + b"\x01" + _s("vt100") + _u32(80) + _u32(24) + _u32(0) * 2 + _s("")
    shell = bytes([98]) + _u32(0) + _s("shell") + b"\x01"
    lines = trace.started("SSH-2.0-Cisco-1.25")
    lines += trace.sent(20, 0, SERVER, 8, False)
    lines += trace.read(len(CLIENT) + 13)
    lines += trace.received(20, 0, CLIENT, 8, False)
    lines += trace.received(30, 1, bytes([30]) + _s(b"e" * 256), 8, False)
    lines += trace.sent(31, 1, reply, 8, False)
    lines += trace.sent(21, 2, bytes([21]), 8, False)
    lines += trace.received(21, 2, bytes([21]), 8, False)
    lines += trace.received(5, 3, bytes([5]) + _s("ssh-userauth"), 16, True)
    lines += trace.received(50, 4, userauth, 16, True)
    lines += trace.sent(52, 4, bytes([52]), 16, True)
    lines += trace.received(90, 5, bytes([90]) + _s("session") + _u32(0) * 3, 16, True)
    lines += trace.received(98, 6, pty, 16, True)
    lines += trace.received(98, 7, shell, 16, True)
    lines += trace.received(93, 8, bytes([93]) + _u32(0) + _u32(65536), 16, True)
    lines += trace.received(97, 9, bytes([97]) + _u32(0), 16, True)
    lines += trace.received(1, 10, bytes([1]) + _u32(11) + _s("disconnected by user") + _s(""), 16, True)
    return lines + trace.ended()


def test_detail_is_the_guides_sample_for_a_login() -> None:
    trace = SshTrace(0, client_version="SSH-2.0-OpenSSH_9.2p1")
    assert texts(a_login(trace), Debug.SSH_DETAIL) == [
        "SSH0: starting SSH control process",
        "SSH0: sent protocol version id SSH-2.0-Cisco-1.25",
        "SSH0: protocol version id is - SSH-2.0-OpenSSH_9.2p1",
        "SSH2 0: SSH2_MSG_KEXINIT sent",
        "SSH2 0: SSH2_MSG_KEXINIT received",
        "SSH2:kex: client->server enc:aes256-ctr mac:hmac-sha2-256",
        "SSH2:kex: server->client enc:aes256-ctr mac:hmac-sha2-256",
        "SSH2 0: expecting SSH2_MSG_KEXDH_INIT",
        "SSH2 0: SSH2_MSG_KEXDH_INIT received",
        "SSH2: kex_derive_keys complete",
        "SSH2 0: SSH2_MSG_NEWKEYS sent",
        "SSH2 0: waiting for SSH2_MSG_NEWKEYS",
        "SSH2 0: SSH2_MSG_NEWKEYS received",
        "SSH2 0: using method password",
        "SSH2 0: authentication successful for lab",
        "SSH2 0: channel open request",
        "SSH2 0: pty-req request",
        "SSH2 0: setting TTY - requested: height 24, width 80; set: height 24, width 80",
        "SSH2 0: shell request",
        "SSH2 0: shell message received",
        "SSH2 0: starting shell for vty",
        "SSH2 0: channel close message received",
        "SSH0: Session terminated normally",
    ]


def test_packet_lines_only_under_packet_in_its_samples_words() -> None:
    lines = texts(a_login(SshTrace(3)), Debug.SSH_PACKET)
    assert lines[0] == f"SSH2 3: send:packet of length {1 + len(SERVER) + 8} (length also includes padlen of 8)"
    assert f"SSH2 3: input: total packet length of {1 + len(CLIENT) + 8} bytes" in lines
    assert "SSH2 3: input: padlength 16 bytes" in lines
    assert lines[1] == f"SSH2 3: ssh_receive: {len(CLIENT) + 13} bytes received"  # the same words in full
    assert "SSH2 3: signature length 271" in lines
    assert "SSH2 3: newkeys: mode 1" in lines and "SSH2 3: newkeys: mode 0" in lines
    assert "SSH2 3: MAC compared for #3 :ok" in lines
    assert "SSH2 3: channel window adjust message received 65536" in lines
    assert not any("KEXINIT" in line or "authentication" in line or "kex" in line for line in lines)
    assert not any("received packet type" in line or "send: len" in line for line in lines)  # the full form's
    assert all(line.startswith("SSH2 3: ") for line in lines)


def test_full_debug_words_packets_and_algorithms_as_its_sample() -> None:
    """`debug ip ssh`: the guide's first sample (send: len …, MAC #N ok, received packet type N, kex with
    compression), and every protocol line detail prints."""
    lines = a_login(SshTrace(1, client_version="SSH-2.0-OpenSSH_9.2p1"))
    full = texts(lines, Debug.SSH)
    assert full[:5] == [
        "SSH1: starting SSH control process",
        "SSH1: sent protocol version id SSH-2.0-Cisco-1.25",
        f"SSH2 1: send: len {1 + len(SERVER) + 8} (includes padlen 8)",
        "SSH1: protocol version id is - SSH-2.0-OpenSSH_9.2p1",
        "SSH2 1: SSH2_MSG_KEXINIT sent",
    ]
    assert "SSH2: kex: client->server aes256-ctr hmac-sha2-256 none" in full
    assert "SSH2: kex: server->client aes256-ctr hmac-sha2-256 none" in full
    assert "SSH2 1: MAC #3 ok" in full and "SSH2 1: done calc MAC out #4" in full
    assert "SSH2 1: input: padlen 16" in full and "SSH2 1: received packet type 20" in full
    assert not any(line.startswith("SSH2:kex:") or "length also includes" in line for line in full)
    detail = texts(lines, Debug.SSH_DETAIL)
    assert set(detail) - set(full) == {
        "SSH2:kex: client->server enc:aes256-ctr mac:hmac-sha2-256",
        "SSH2:kex: server->client enc:aes256-ctr mac:hmac-sha2-256",
    }


def test_an_aead_cipher_is_its_own_mac() -> None:
    aead = "aes256-gcm@openssh.com"
    trace = SshTrace(0)
    lines = trace.sent(20, 0, kexinit("curve25519-sha256", aead, "hmac-sha1"), 8, False)
    lines += trace.received(20, 0, kexinit("curve25519-sha256", aead, "hmac-sha1"), 8, False)
    assert f"SSH2:kex: client->server enc:{aead} mac:{aead}" in texts(lines, Debug.SSH_DETAIL)
    assert "SSH2 0: expecting SSH2_MSG_KEX_ECDH_INIT" in texts(lines, Debug.SSH_DETAIL)


def test_failures_and_disconnect_codes() -> None:
    trace = SshTrace(1)
    bad = bytes([50]) + _s("lab") + _s("ssh-connection") + _s("password") + b"\x00" + _s("wrong")
    lines = trace.received(50, 4, bad, 16, True) + trace.sent(51, 4, bytes([51]) + _s("password") + b"\x00", 16, True)
    lines += trace.sent(1, 5, bytes([1]) + _u32(14) + _s("Too many authentication failures") + _s(""), 16, True)
    lines += trace.ended()
    assert texts(lines, Debug.SSH_DETAIL) == [
        "SSH2 1: using method password",
        "SSH2 1: password authentication failed for lab",
        "SSH1: Session disconnected - error 0x0E",
    ]
    none = SshTrace(2)  # the "none" probe every client starts with is not a failure worth a line
    probe = bytes([50]) + _s("lab") + _s("ssh-connection") + _s("none")
    assert (
        texts(none.received(50, 4, probe, 16, True) + none.sent(51, 4, bytes([51]), 16, True), Debug.SSH_DETAIL) == []
    )
    assert texts(SshTrace(4).ended(), Debug.SSH_DETAIL) == ["SSH4: Session disconnected - error 0x00"]  # no session
    assert texts(SshTrace(5).ended(10), Debug.SSH_DETAIL) == ["SSH5: Session disconnected - error 0x0A"]  # lost


def test_the_client_version_shows_once_when_known() -> None:
    early = SshTrace(0)  # our KEXINIT went out before the client's version arrived
    lines = early.sent(20, 0, SERVER, 8, False)
    early.client_version = "SSH-2.0-PuTTY"
    lines += early.received(20, 0, CLIENT, 8, False) + early.received(20, 0, CLIENT, 8, False)
    assert [t for t in texts(lines, Debug.SSH_DETAIL) if "version id" in t] == [
        "SSH0: protocol version id is - SSH-2.0-PuTTY"
    ]
    assert texts(lines, Debug.SSH_DETAIL).index("SSH0: protocol version id is - SSH-2.0-PuTTY") == 1


def test_negotiation_follows_rfc_4253() -> None:
    lists = kexinit_lists(CLIENT)
    assert lists[0] == ["diffie-hellman-group14-sha256", "curve25519-sha256"]
    assert negotiate(lists[0], kexinit_lists(SERVER)[0]) == "diffie-hellman-group14-sha256"  # the client's order
    assert negotiate(["a"], ["b"]) == ""
    assert kex_init_name("curve25519-sha256") == "SSH2_MSG_KEX_ECDH_INIT"
    assert kex_init_name("ecdh-sha2-nistp256") == "SSH2_MSG_KEX_ECDH_INIT"
    assert kex_init_name("diffie-hellman-group-exchange-sha256") == "SSH2_MSG_KEX_DH_GEX_REQUEST"


def test_padding_is_at_least_four_and_fills_the_block() -> None:
    for block in (8, 16):
        for header in (5, 1):  # length field + padding-length byte, or the byte alone (encrypt-then-MAC)
            for size in range(1, 80):
                pad = padding(size, block, header)
                assert 4 <= pad < 4 + block and (header + size + pad) % block == 0


def test_a_truncated_packet_prints_its_packet_lines_and_no_event() -> None:
    trace = SshTrace(0)
    for pkttype in (98, 50, 93, 1):
        lines = trace.received(pkttype, 1, bytes([pkttype, 0, 0]), 16, True)
        assert texts(lines, Debug.SSH_DETAIL) == []
        assert f"SSH2 0: received packet type {pkttype}" in texts(lines, Debug.SSH)
