"""The guide (``/work/shared/seed/cisco-iosxe17-secure-shell-configuration-guide-ja.txt``), procedure by procedure
and example by example, in its order: each line as the guide types it, its addresses replaced by loopback ones
(``{peer}`` Device2 / the remote device, ``{client}`` the SSH client that receives the SNMP trap), its host and
user names kept, and what the guide says the device does after it.

The procedures start at ``Device>`` as the guide does: the test logs in as ``lab`` (level 1, the guide's user in
its ``show ssh`` and debug samples) and ``enable`` asks for the enable secret ("パスワードを入力します (要求された
場合)"). Message forms come from the guide and /work/shared/IOSXE-CLI-REFERENCE.md.

Where the guide cannot be typed as printed, each such step says so in its ``note``:
- ``crypto key generate rsa usage-keys label sshkeys modulus 768``: a real 17.x refuses any modulus below 2048.
  The walk asserts that refusal and then types the same line with 2048.
- The user-authentication procedure shows its optional ``key-hash ssh-rsa key1`` at the data prompt, where IOS
  would read it as key data. The walk pastes the key there instead, as the procedure's own note suggests.
- ``no ip ssh version`` gives the compatibility mode (``version 1.99``) on classic IOS only. 17.x has no SSH 1,
  so the walk asserts ``version 2.0``.
- The client example ``-m hmac-sha1-96`` needs a server that offers that MAC, and no 17.12 does. The walk
  asserts the client's refusal.
- The ChPass examples run against the test's TACACS+ peer with the ACS policy each example assumes, set for
  that example only: a blank answer starts a password change (example 1), an expired password (example 2, one
  dialogue: expiry, a mismatch retried, the new password at the next login), expiry after three logins
  (example 3, typed ``ssh -l cisco.`` once in the guide, a typo: the walk types ``cisco``). Each ends with a login
  with the new password, which the guide does not show.
"""

from __future__ import annotations

from .model import Client, Login, Monitor, Procedure, Running, Scp, Show, Step, Trap

ENABLE_SECRET = "Enable-1"
#: Device2 (each remote address the guide types) listens on port 22 of this address
PEER = "127.0.0.23"
#: the SSH client of the SNMP trap example (the guide's a.b.c.d): the trap receiver listens on port 162 there
CLIENT = "127.0.0.31"

#: typed before a procedure by the administrator (the guide assumes a reachable device and a user who can enable)
BASE = ("hostname {host}", f"enable secret {ENABLE_SECRET}", "username lab privilege 1 password 0 lab")
PEER_BASE = (
    "hostname Device2",
    "username lab privilege 1 password 0 lab",
    "username user2 privilege 1 password 0 user2pw",
    "username shaship privilege 1 password 0 shaship1",
    "ip ssh authentication-retries 5",
)
#: the TACACS+ server the guide's "group tacacs+" methods reach (the test's peer; its port is filled in)
TACACS = (
    "tacacs server GUIDE",
    " address ipv4 127.0.0.1",
    " port {tacacs_port}",
    " key {tacacs_key}",
    " timeout 3",
    "exit",
)

CONFIG_BANNER = r"Enter configuration commands, one per line\.  End with CNTL/Z\."
GENERATING = r"% Generating \d+ bit RSA keys, keys will be non-exportable\.\.\."
ELAPSED = r"\[OK\] \(elapsed time was \d+ seconds\)"
CLOSED = r"\[Connection to {peer} closed by foreign host\]"


def enable(host: str = "Device") -> Step:
    return Step("enable", f"{host}#", answers=((r"Password: ?", ENABLE_SECRET),))


def configure(host: str = "Device") -> Step:
    return Step("configure terminal", f"{host}(config)#", shows=(CONFIG_BANNER,))


def generate(host: str, label: str) -> Step:
    """``crypto key generate rsa`` in configuration mode: IOS XE 17's dialogue, the default modulus taken."""
    return Step(
        "crypto key generate rsa",
        f"{host}(config)#",
        shows=(rf"The name for the keys will be: {label}", GENERATING, ELAPSED),
        answers=((r"How many bits in the modulus \[2048\]: ?", ""),),
    )


SCP_CONFIGURE = Procedure(
    "ch1-configure-scp",
    "Ch.1 Configuring Secure Copy (steps 1-9)",
    setup=TACACS,
    needs=frozenset({"tacacs"}),
    steps=(
        enable(),
        configure(),
        Step("aaa new-model", "Device(config)#"),
        Step(
            "aaa authentication login default group tacacs+",
            "Device(config)#",
            checks=(Login("lab", "lab", ok=False),),
            note="logins now go to the TACACS+ server: a user only the local database knows no longer logs in",
        ),
        Step(
            "username superuser privilege 2 password 0 superpassword",
            "Device(config)#",
            checks=(Login("superuser", "superpassword", prompt=r"Device[#>]"),),
            note="the server authenticates superuser, the local database authorizes the exec",
        ),
        Step("ip scp server enable", "Device(config)#"),
        Step("exit", "Device#"),
        Step(
            "show running-config",
            "Device#",
            shows=(r"(?m)^aaa authentication login default group tacacs\+", r"(?m)^ip scp server enable"),
        ),
        Step(
            "debug ip scp",
            "Device#",
            shows=(r"scp debugging is on",),
            checks=(Monitor((r"SCP",), trigger=Scp("superuser", "superpassword", ok=False)),),
            note="only level 15 may copy: superuser (level 2) is refused and debug ip scp says why",
        ),
    ),
)

SCP_LOCAL_EXAMPLE = Procedure(
    "ch1-example-local-auth",
    "Ch.1 Example: SCP with local authentication",
    steps=(
        enable(),
        configure(),
        Step(
            "! AAA authentication and authorization must be configured properly in order for SCP to work.",
            "Device(config)#",
        ),
        Step("aaa new-model", "Device(config)#"),
        Step("aaa authentication login default local", "Device(config)#"),
        Step("aaa authorization exec default local", "Device(config)#"),
        Step("username user1 privilege 15 password 0 lab", "Device(config)#"),
        Step("! SSH must be configured and functioning properly.", "Device(config)#"),
        Step(
            "ip scp server enable",
            "Device(config)#",
            checks=(Scp("user1", "lab"), Scp("lab", "lab", ok=False), Running(has=("ip scp server enable",))),
        ),
        Step("end", "Device#"),
    ),
)

SCP_NETWORK_EXAMPLE = Procedure(
    "ch1-example-network-auth",
    "Ch.1 Example: SCP server side with network-based authentication",
    setup=TACACS,
    needs=frozenset({"tacacs"}),
    steps=(
        enable(),
        configure(),
        Step("! AAA authentication and authorization must be configured properly for SCP to work.", "Device(config)#"),
        Step("aaa new-model", "Device(config)#"),
        Step("aaa authentication login default group tacacs+", "Device(config)#"),
        Step("aaa authorization exec default group tacacs+", "Device(config)#"),
        Step("! SSH must be configured and functioning properly.", "Device(config)#"),
        Step("ip ssh time-out 120", "Device(config)#"),
        Step("ip ssh authentication-retries 3", "Device(config)#"),
        Step(
            "ip scp server enable",
            "Device(config)#",
            checks=(
                Scp("tacuser", "Tac-user-1"),
                Scp("tacview", "Tac-view-1", ok=False),
                Running(has=("ip ssh time-out 120", "ip ssh authentication-retries 3", "ip scp server enable")),
            ),
            note="the server's level-15 user may copy, its level-1 user may not",
        ),
        Step("end", "Device#"),
    ),
)

SSH_HOSTNAME = Procedure(
    "ch2-hostname-domain",
    "Ch.2 Configuring a device for SSH v2 using a hostname and domain name",
    steps=(
        enable(),
        configure(),
        Step("hostname cisco520", "cisco520(config)#"),
        Step("ip domain-name example.com", "cisco520(config)#"),
        Step(
            "crypto key generate rsa",
            "cisco520(config)#",
            shows=(r"The name for the keys will be: cisco520\.example\.com", GENERATING, ELAPSED),
            answers=((r"How many bits in the modulus \[2048\]: ?", ""),),
            checks=(
                Login("lab", "lab", prompt="cisco520>"),
                Show("show crypto key mypubkey rsa", (r"Key name: cisco520\.example\.com",)),
            ),
        ),
        Step("ip ssh time-out 120", "cisco520(config)#"),
        Step(
            "ip ssh version 2",
            "cisco520(config)#",
            checks=(Running(has=("hostname cisco520", "ip domain name example.com", "ip ssh time-out 120")),),
        ),
        Step("exit", "cisco520#"),
        configure("cisco520"),
        Step("no hostname", "Router(config)#", note="the guide: no hostname returns to the default host name"),
        Step("end", "Router#"),
    ),
)

SSH_KEYPAIR = Procedure(
    "ch2-rsa-keypair",
    "Ch.2 Configuring a device for SSH v2 using RSA key pairs",
    steps=(
        enable(),
        configure(),
        Step(
            "ip ssh rsa keypair-name sshkeys",
            "Device(config)#",
            checks=(Login("lab", "lab", ok=False),),
            note="SSH uses the named pair: it is off until a pair named sshkeys exists",
        ),
        Step(
            "crypto key generate rsa usage-keys label sshkeys modulus 768",
            "Device(config)#",
            refused=True,
            shows=(r"% Invalid input detected at '\^' marker\.",),
            checks=(Login("lab", "lab", ok=False),),
            note="17.x takes a modulus of 2048 to 4096 only (IOSXE-CLI-REFERENCE §1.4): the guide's 768 is refused "
            "as on a real 17.12, and SSH stays off; the next line is the guide's with the smallest modulus 17.12 takes",
        ),
        Step(
            "crypto key generate rsa usage-keys label sshkeys modulus 2048",
            "Device(config)#",
            shows=(GENERATING, ELAPSED),
            checks=(
                Login("lab", "lab", prompt="Device>"),
                Show("show crypto key mypubkey rsa", (r"Key name: sshkeys", r"Usage: Signature Key")),
                Show(
                    "show ip ssh",
                    (r"SSH Enabled - version", r"IOS Keys in SECSH format\(ssh-rsa, base64 encoded\): sshkeys"),
                ),
            ),
            note="the named pair now exists: SSH is enabled with it",
        ),
        Step("ip ssh time-out 12", "Device(config)#"),
        Step(
            "ip ssh version 2",
            "Device(config)#",
            checks=(Show("show ip ssh", (r"SSH Enabled - version 2\.0", r"Authentication timeout: 12 secs")),),
        ),
        Step("exit", "Device#"),
        configure(),
        Step(
            "crypto key zeroize rsa sshkeys",
            "Device(config)#",
            answers=((r"\[yes/no\]: ?", "yes"),),
            checks=(Login("lab", "lab", ok=False),),
            note="the guide's note: deleting the RSA key pair disables the SSH server automatically",
        ),
        Step("end", "Device#"),
    ),
)

PUBKEY_USER = Procedure(
    "ch2-rsa-user-auth",
    "Ch.2 Configuring the Cisco SSH server for RSA-based user authentication",
    setup=("username user1 privilege 15 password 0 Unused-pw-1",),
    steps=(
        enable(),
        configure(),
        Step("hostname host1", "host1(config)#"),
        Step("ip domain-name name1", "host1(config)#"),
        generate("host1", r"host1\.name1"),
        Step("ip ssh pubkey-chain", "host1(conf-ssh-pubkey)#"),
        Step("username user1", "host1(conf-ssh-pubkey-user)#"),
        Step("key-string", "host1(conf-ssh-pubkey-data)#"),
        Step("{user_key}", "host1(conf-ssh-pubkey-data)#", note="the test's own id_rsa.pub, as the guide suggests"),
        Step(
            "end",
            "host1#",
            checks=(
                Running(has=("ip ssh pubkey-chain", "  username user1", "   key-hash ssh-rsa {user_key_hash}")),
                Login("user1", "", key=True, prompt="host1#"),
            ),
            note="the key is the user's: OpenSSH logs in with the private half, no password",
        ),
    ),
)

PUBKEY_SERVER = Procedure(
    "ch2-rsa-server-auth",
    "Ch.2 Configuring the Cisco IOS SSH server for RSA-based server authentication",
    needs=frozenset({"peer"}),
    steps=(
        enable(),
        configure(),
        Step("hostname host1", "host1(config)#"),
        Step("ip domain-name name1", "host1(config)#"),
        generate("host1", r"host1\.name1"),
        Step("ip ssh pubkey-chain", "host1(conf-ssh-pubkey)#"),
        Step("server server1", "host1(conf-ssh-pubkey-server)#"),
        Step("key-string", "host1(conf-ssh-pubkey-data)#"),
        Step("{peer_key}", "host1(conf-ssh-pubkey-data)#", note="Device2's RSA host key"),
        Step("exit", "host1(conf-ssh-pubkey-server)#"),
        Step("key-hash ssh-rsa key1", "host1(conf-ssh-pubkey-server)#"),
        Step("end", "host1#", checks=(Running(has=("ip ssh pubkey-chain", "  server server1")),)),
        configure("host1"),
        Step("ip ssh stricthostkeycheck", "host1(config)#", checks=(Running(has=("ip ssh stricthostkeycheck",)),)),
        Step("end", "host1#"),
        Step(
            "ssh -l lab {peer}",
            "host1#",
            shows=(r"Server Authentication Failed",),
            note="strict checking: a server whose key is not in the chain under its name is refused",
        ),
    ),
)

CLIENT_SESSION = Procedure(
    "ch2-client-session",
    "Ch.2 Starting an encrypted session with a remote device (+ example)",
    needs=frozenset({"peer"}),
    # the guide's note: the remote device must support the algorithms asked for; Device2 is a 17.12 whose server
    # takes aes256-cbc and hmac-sha1 (the client's hmac-sha1-160) when configured, but has no hmac-sha1-96 at all
    peer_setup=(
        "ip ssh server algorithm encryption aes256-ctr aes256-cbc",
        "ip ssh server algorithm mac hmac-sha2-256 hmac-sha1",
    ),
    steps=(
        enable(),
        Step(
            "ssh -v 2 -c aes256-ctr -m hmac-sha1-96 -l user2 {peer}",
            "Device#",
            shows=(r"%SSH-3-NO_MATCH: No matching hmac found: client hmac-sha1-96 server hmac-sha2-256,hmac-sha1",),
            note="a 17.12 server offers no hmac-sha1-96: the client says so, as the guide's note warns",
        ),
        Step(
            "ssh -v 2 -c aes256-cbc -m hmac-sha1-160 -l shaship {peer}",
            "Device2>",
            answers=((r"Password: ?", "shaship1"),),
        ),
        Step("exit", "Device#", shows=(CLOSED,)),
    ),
)

SCP_ON_SSH_SERVER = Procedure(
    "ch2-enable-scp",
    "Ch.2 Enabling Secure Copy Protocol on the SSH server (steps 1-11)",
    steps=(
        enable(),
        configure(),
        Step("aaa new-model", "Device(config)#"),
        Step("aaa authentication login default local", "Device(config)#"),
        Step("aaa authorization exec default local", "Device(config)#"),
        Step("username samplename privilege 15 password password1", "Device(config)#"),
        Step("ip ssh time-out 120", "Device(config)#"),
        Step("ip ssh authentication-retries 3", "Device(config)#"),
        Step(
            "ip scp server enable",
            "Device(config)#",
            checks=(Scp("samplename", "password1"), Scp("lab", "lab", ok=False)),
            note="privilege 15 copies; below 15 the connection is refused",
        ),
        Step("exit", "Device#"),
        Step(
            "debug ip scp",
            "Device#",
            shows=(r"scp debugging is on",),
            checks=(Monitor((r"SCP",), trigger=Scp("samplename", "password1")),),
        ),
    ),
)

SHOW_SSH = Procedure(
    "ch2-show-ssh",
    "Ch.2 Verifying the status of the Secure Shell connection",
    steps=(
        enable(),
        Step(
            "show ssh",
            "Device#",
            shows=(
                r"Connection\s+Version\s+Mode\s+Encryption\s+Hmac\s+State\s+Username",
                r"\d+\s+2\.0\s+IN\s+\S+\s+\S+\s+Session started\s+lab",
                r"\d+\s+2\.0\s+OUT\s+\S+\s+\S+\s+Session started\s+lab",
                r"%No SSHv1 server connections running\.",
            ),
        ),
        Step("exit", "", ends=True, note="on a vty, exit ends the session"),
    ),
)

SHOW_IP_SSH = Procedure(
    "ch2-show-ip-ssh",
    "Ch.2 Verifying the Secure Shell status",
    setup=("ip ssh time-out 120", "ip ssh authentication-retries 3"),
    steps=(
        enable(),
        Step(
            "show ip ssh",
            "Device#",
            shows=(r"SSH Enabled - version 2\.0", r"Authentication timeout: 120 secs; Authentication retries: 3"),
        ),
        Step("exit", "", ends=True),
    ),
)

MONITOR_SSH = Procedure(
    "ch2-monitor-ssh",
    "Ch.2 Monitoring and maintaining SSH v2 (debug ip ssh, debug snmp packet)",
    steps=(
        enable(),
        Step(
            "debug ip ssh",
            "Device#",
            shows=(r"ssh.* debugging is on",),
            checks=(
                Monitor(
                    (
                        r"SSH\d+: starting SSH control process",
                        r"SSH\d+: sent protocol version id SSH-",
                        r"SSH\d+: protocol version id is - SSH-2\.0-OpenSSH",
                        r"SSH2 \d+: SSH2_MSG_KEXINIT sent",
                        r"SSH2 \d+: SSH2_MSG_KEXINIT received",
                        r"SSH2: kex: client->server",
                        r"SSH2: kex: server->client",
                        r"SSH2 \d+: SSH2_MSG_NEWKEYS sent",
                        r"SSH2 \d+: SSH2_MSG_NEWKEYS received",
                        r"SSH2 \d+: authentication successful for lab",
                        r"SSH2 \d+: channel open request",
                        r"SSH2 \d+: pty-req request",
                        r"SSH2 \d+: shell request",
                        r"SSH2 \d+: starting shell for vty",
                        r"SSH\d+: Session terminated normally",
                    ),
                    trigger=Login("lab", "lab"),
                ),
            ),
        ),
        Step("debug snmp packet", "Device#", shows=(r"SNMP packet debugging is on",)),
    ),
)

VERSION_EXAMPLES = Procedure(
    "ch2-example-versions",
    "Ch.2 Examples: SSH version 2; SSH versions 1 and 2",
    steps=(
        enable(),
        configure(),
        Step("ip ssh version 2", "Device(config)#", checks=(Show("show ip ssh", (r"SSH Enabled - version 2\.0",)),)),
        Step(
            "no ip ssh version",
            "Device(config)#",
            checks=(
                Running(lacks=("ip ssh version 2",)),
                Show("show ip ssh", (r"SSH Enabled - version 2\.0",)),
            ),
            note="the line goes; the guide's compatibility mode (1.99) is classic IOS: 17.x has no SSH 1 and "
            "shows 2.0 (IOSXE-CLI-REFERENCE §1.4, §2.2)",
        ),
        Step("end", "Device#"),
    ),
)

SERVER_SCP_EXAMPLE = Procedure(
    "ch2-example-server-scp",
    "Ch.2 Example: server-side SCP",
    steps=(
        enable(),
        Step("configure terminal", "Device(config)#", shows=(CONFIG_BANNER,)),
        Step("aaa new-model", "Device(config)#"),
        Step("aaa authentication login default local", "Device(config)#"),
        Step("username samplename privilege 15 password password1", "Device(config)#"),
        Step("ip ssh time-out 120", "Device(config)#"),
        Step("ip ssh authentication-retries 3", "Device(config)#"),
        Step("ip scp server enable", "Device(config)#", checks=(Scp("samplename", "password1"),)),
        Step("end", "Device#"),
    ),
)

SNMP_TRAP_EXAMPLE = Procedure(
    "ch2-example-snmp",
    "Ch.2 Examples: SNMP traps; SNMP debugging",
    needs=frozenset({"trap", "peer"}),
    steps=(
        enable("Device1"),
        configure("Device1"),
        Step("snmp-server", "Device1(config)#"),
        Step("snmp-server host {client} public tty", "Device1(config)#"),
        Step(
            "end",
            "Device1#",
            checks=(
                Running(has=("snmp-server host {client} public  tty",)),
                Monitor((), trigger=Login("lab", "lab", source=CLIENT)),
                Trap(
                    (
                        r"TRAP, SNMP v1, community public",
                        r"\.1\.3\.6\.1\.4\.1\.9 Enterprise Specific Trap \(1\)",
                        r"\.1\.3\.6\.1\.4\.1\.9\.2\.9\.2\.1\.18\.\d+ = STRING: \"lab\"",
                    )
                ),
            ),
            note="a trap is sent when an SSH session ends",
        ),
        Step("debug snmp packet", "Device1#", shows=(r"SNMP packet debugging is on",)),
        Step("ssh -l lab {peer}", r"Device2[#>]", answers=((r"Password: ?", "lab"),)),
        Step(
            "exit",
            "Device1#",
            shows=(CLOSED,),
            checks=(
                Monitor(
                    (
                        r"SNMP: Queuing packet to {client}",
                        r"SNMP: V1 Trap, ent cisco, addr [\d.]+, gentrap 6, spectrap 1",
                        r"local\.9\.3\.1\.1\.\d+\.\d+ = 6",
                        r"tcpConnEntry\.1\.[\d.]+ = 4",
                        r"local\.9\.2\.1\.18\.\d+ = lab",
                        r"SNMP: Packet sent via UDP to {client}",
                    ),
                    trigger=Login("lab", "lab", source=CLIENT),
                ),
            ),
            note="with debug snmp packet, the trap of an SSH session that ends (here the client's) is shown",
        ),
    ),
)

CLIENT_DEBUG_EXAMPLE = Procedure(
    "ch2-example-client-debug",
    "Ch.2 Example: enabling client-side debugging (keyboard-interactive, 6 prompts)",
    needs=frozenset({"peer"}),
    steps=(
        enable("Device1"),
        Step("debug ip ssh client", "Device1#", shows=(r"SSH Client debugging is on",)),
        Step(
            "ssh -l lab {peer}",
            "Device2>",
            answers=(
                (r"Password: ?", "wrong-1"),
                (r"Password: ?", "wrong-2"),
                (r"Password: ?", "wrong-3"),
                (r"Password: ?", "wrong-4"),
                (r"Password: ?", "wrong-5"),
                (r"Password: ?", "lab"),
            ),
            shows=(
                r"SSH CLIENT\d+: protocol version exchange successful",
                r"SSH CLIENT\d+: key exchange successful and encryption on",
                r"SSH2 CLIENT \d+: using method keyboard-interactive",
                r"SSH2 CLIENT \d+: using method password authentication",
                r"SSH2 CLIENT \d+: SSH2_MSG_USERAUTH_SUCCESS message received",
                r"SSH CLIENT\d+: user authenticated",
                r"SSH2 CLIENT \d+: pty-req request sent",
                r"SSH2 CLIENT \d+: shell request sent",
                r"SSH CLIENT\d+: session open",
            ),
            note="3 keyboard-interactive prompts, then 3 password prompts; the sixth answer logs in. The guide's "
            "console prints the last five client lines after Device2's prompt; here they come as they happen, "
            "before the remote prompt arrives",
        ),
        Step("exit", "Device1#", shows=(CLOSED,)),
    ),
)

#: Device2 of the ChPass examples: logins and exec authorization go to the guide's ACS (the TACACS+ peer)
CHPASS_PEER = (
    *TACACS,
    "aaa new-model",
    "aaa authentication login default group tacacs+ local",
    "aaa authorization exec default group tacacs+ local",
)
#: the ChPass dialogue's prompts after the password (the ACS's words, verbatim in every example)
NEW_PASSWORD = r"New Password: ?"
REENTER = r"Re-enter New password: ?"
EXPIRED = r"Your password has expired\.\s+Enter a new one now\.\s+" + NEW_PASSWORD


def chpass_login(password: str, note: str = "") -> Step:
    """``ssh -l cisco ADDR`` answered with ``password`` alone: Device2's user prompt, no ChPass question."""
    return Step("ssh -l cisco {peer}", "Device2>", answers=((r"Password: ?", password),), note=note)


CHPASS_EXIT = Step("exit", "Device1#", shows=(CLOSED,))

CHPASS_BLANK_EXAMPLE = Procedure(
    "ch2-example-chpass-blank",
    "Ch.2 Example: ChPass with a blank password (the ACS asks for the old one, then a new one)",
    needs=frozenset({"peer", "tacacs"}),
    peer_setup=CHPASS_PEER,
    tacacs_users={"cisco": {"password": "cisco", "priv-lvl": 1, "blank": True}},
    steps=(
        enable("Device1"),
        Step(
            "ssh -l cisco {peer}",
            "Device2>",
            shows=(r"Password:\s*Old Password:\s*" + NEW_PASSWORD + r"\s*" + REENTER + r"\s*\S*Device2>",),
            answers=(
                (r"Password: ?", ""),
                (r"Old Password: ?", "cisco"),
                (NEW_PASSWORD, "cisco123"),
                (REENTER, "cisco123"),
            ),
            note="the guide's four prompts in its order, nothing between them",
        ),
        CHPASS_EXIT,
        chpass_login("cisco123", "the new password"),
        CHPASS_EXIT,
    ),
)

CHPASS_EXAMPLE = Procedure(
    "ch2-example-chpass",
    "Ch.2 Examples: ChPass at first login (TACACS+ server says the password has expired)",
    needs=frozenset({"peer", "tacacs"}),
    peer_setup=CHPASS_PEER,
    steps=(
        enable("Device1"),
        Step(
            "ssh -l cisco {peer}",
            "Device2>",
            answers=(
                (r"Password: ?", "cisco"),
                (EXPIRED, "cisco123"),
                (REENTER, "cisco12"),
                (r"The New and Re-entered passwords have to be the same\.\s+Try again\.\s+" + NEW_PASSWORD, "cisco123"),
                (REENTER, "cisco123"),
            ),
        ),
        CHPASS_EXIT,
        chpass_login("cisco123", "the new password"),
        CHPASS_EXIT,
    ),
)

CHPASS_THREE_LOGINS_EXAMPLE = Procedure(
    "ch2-example-chpass-three-logins",
    "Ch.2 Example: ChPass when the password expires after 3 logins",
    needs=frozenset({"peer", "tacacs"}),
    peer_setup=CHPASS_PEER,
    tacacs_users={"cisco": {"password": "cisco", "priv-lvl": 1, "expire_after": 3}},
    steps=(
        enable("Device1"),
        chpass_login("cisco", "login 1 of 3: the password alone"),
        CHPASS_EXIT,
        chpass_login("cisco", "login 2 of 3"),
        CHPASS_EXIT,
        chpass_login("cisco", "login 3 of 3"),
        CHPASS_EXIT,
        Step(
            "ssh -l cisco {peer}",
            "Device2>",
            shows=(r"Password:\s*" + EXPIRED + r"\s*" + REENTER + r"\s*\S*Device2>",),
            answers=((r"Password: ?", "cisco"), (EXPIRED, "cisco123"), (REENTER, "cisco123")),
            note="the fourth login: the ACS says the password has expired and takes a new one",
        ),
        CHPASS_EXIT,
        chpass_login("cisco123", "the new password"),
        CHPASS_EXIT,
    ),
)

DEBUG_DETAIL_EXAMPLE = Procedure(
    "ch2-example-debug-detail",
    "Ch.2 Example: enhanced SSH debugging (debug ip ssh detail)",
    steps=(
        enable(),
        Step(
            "debug ip ssh detail",
            "Device#",
            shows=(r"ssh.* debugging is on",),
            checks=(
                Monitor(
                    (
                        r"SSH\d+: starting SSH control process",
                        r"SSH\d+: sent protocol version id SSH-",
                        r"SSH\d+: protocol version id is - SSH-2\.0-OpenSSH",
                        r"SSH2 \d+: SSH2_MSG_KEXINIT sent",
                        r"SSH2 \d+: SSH2_MSG_KEXINIT received",
                        r"SSH2:kex: client->server enc:\S+ mac:\S+",
                        r"SSH2:kex: server->client enc:\S+ mac:\S+",
                        r"SSH2 \d+: expecting SSH2_MSG_KEX\w*_INIT",
                        r"SSH2: kex_derive_keys complete",
                        r"SSH2 \d+: SSH2_MSG_NEWKEYS sent",
                        r"SSH2 \d+: waiting for SSH2_MSG_NEWKEYS",
                        r"SSH2 \d+: SSH2_MSG_NEWKEYS received",
                        r"SSH2 \d+: authentication successful for lab",
                        r"SSH2 \d+: channel open request",
                        r"SSH2 \d+: pty-req request",
                        r"SSH2 \d+: setting TTY - requested: height \d+, width \d+; set: height \d+, width \d+",
                        r"SSH2 \d+: shell request",
                        r"SSH2 \d+: shell message received",
                        r"SSH2 \d+: starting shell for vty",
                        r"SSH\d+: Session terminated normally",
                    ),
                    trigger=Login("lab", "lab"),
                    lacks=(r"SSH2 \d+: send:", r"ssh_receive:", r"input: (?:total )?packet len"),
                ),
            ),
            note="detail: the protocol and channel messages, no packet lines",
        ),
    ),
)

DEBUG_PACKET_EXAMPLE = Procedure(
    "ch2-example-debug-packet",
    "Ch.2 Example: enhanced SSH debugging (debug ip ssh packet)",
    steps=(
        enable(),
        Step(
            "debug ip ssh packet",
            "Device#",
            shows=(r"ssh.* debugging is on",),
            checks=(
                Monitor(
                    (
                        r"SSH2 \d+: send:packet of length \d+ \(length also includes padlen of \d+\)",
                        r"SSH2 \d+: ssh_receive: \d+ bytes received",
                        r"SSH2 \d+: input: total packet length of \d+ bytes",
                        r"SSH2 \d+: input: padlength \d+ bytes",
                        r"SSH2 \d+: newkeys: mode 1",
                        r"SSH2 \d+: newkeys: mode 0",
                        r"SSH2 \d+: MAC compared for #\d+ :ok",
                    ),
                    trigger=Login("lab", "lab"),
                    lacks=(r"authentication successful for", r"channel open request", r"SSH2_MSG_KEXINIT"),
                ),
            ),
            note="packet: the packet lines only",
        ),
    ),
)

RESTRICTIONS = Procedure(
    "ch2-restrictions",
    "Ch.2 Restrictions: only the exec shell, remote commands and SCP; no port forwarding, no compression",
    setup=("ip scp server enable", "username user1 privilege 15 password 0 lab"),
    steps=(
        enable(),
        Step(
            "show ip ssh",
            "Device#",
            shows=(r"SSH Enabled - version 2\.0",),
            checks=(
                Client("user1", "lab", command="show ip ssh", shows=(r"SSH Enabled - version 2\.0",)),
                Scp("user1", "lab"),
                Client("user1", "lab", options=("-W", "127.0.0.1:22"), ok=False),
                Client("user1", "lab", options=("-s",), command="sftp", ok=False),
                Client(
                    "user1",
                    "lab",
                    options=("-o", "Compression=yes", "-v"),
                    command="show clock",
                    shows=(r"compression: none",),
                ),
            ),
            note="a remote command and SCP work; a forwarding and the sftp subsystem are refused; compression is "
            "never negotiated",
        ),
    ),
)

#: every procedure and example of the guide, in its order
PROCEDURES: tuple[Procedure, ...] = (
    SCP_CONFIGURE,
    SCP_LOCAL_EXAMPLE,
    SCP_NETWORK_EXAMPLE,
    RESTRICTIONS,
    SSH_HOSTNAME,
    SSH_KEYPAIR,
    PUBKEY_USER,
    PUBKEY_SERVER,
    CLIENT_SESSION,
    SCP_ON_SSH_SERVER,
    SHOW_SSH,
    SHOW_IP_SSH,
    MONITOR_SSH,
    VERSION_EXAMPLES,
    SERVER_SCP_EXAMPLE,
    SNMP_TRAP_EXAMPLE,
    CLIENT_DEBUG_EXAMPLE,
    CHPASS_BLANK_EXAMPLE,
    CHPASS_EXAMPLE,
    CHPASS_THREE_LOGINS_EXAMPLE,
    DEBUG_DETAIL_EXAMPLE,
    DEBUG_PACKET_EXAMPLE,
)

#: the users the TACACS+ peer knows (the guide's ACS): a level-15 and a level-1 user, and the ChPass user
TACACS_USERS: dict[str, dict[str, object]] = {
    "tacuser": {"password": "Tac-user-1", "priv-lvl": 15},
    "superuser": {"password": "superpassword", "priv-lvl": 2},
    "tacview": {"password": "Tac-view-1", "priv-lvl": 1},
    "cisco": {"password": "cisco", "priv-lvl": 1, "expired": True},
}
