"""The guide's example configurations as files a user would upload with ``scp -O`` to ``running-config``: the
``!``-style blocks verbatim, and the examples the guide types at ``Device(config)#`` as the lines typed (prompts
dropped), addresses replaced by loopback ones. Each says which lines ``show running-config`` then holds in IOS
XE's rendering (``ip domain-name`` is printed ``ip domain name``, a clear password keeps its ``0``, a trap host
without a version has two spaces before its types) and which show commands prove the rest.

One example cannot work on 17.x as printed: ``crypto key generate rsa usage-keys label sshkeys modulus 768`` (17.x
takes 2048 to 4096 bits, IOSXE-CLI-REFERENCE §1.4). It is uploaded as printed: as a real 17.12 copying a file
into running-config, the device skips that line, names it, and applies the others; then again with 2048 bits,
which is taken whole."""

from __future__ import annotations

from dataclasses import dataclass

from .steps import CLIENT, TACACS


@dataclass(frozen=True)
class Example:
    """An example configuration of the guide: its text, what it needs configured first, what it then shows."""

    key: str
    section: str
    text: tuple[str, ...]
    has: tuple[str, ...] = ()
    lacks: tuple[str, ...] = ()
    shows: tuple[tuple[str, str], ...] = ()
    setup: tuple[str, ...] = ()
    needs_tacacs: bool = False
    #: the one line a real 17.x refuses (the guide predates it): the upload names it as skipped, and the other
    #: lines apply (IOS's file semantics)
    refused: str = ""


#: what the guide requires before SCP works at all (its prerequisites), typed by the administrator first
SCP_PREREQUISITES = ("ip scp server enable",)

EXAMPLES: tuple[Example, ...] = (
    Example(
        "ch1-local-auth",
        "Ch.1 Example: Secure Copy with local authentication",
        (
            "! AAA authentication and authorization must be configured properly in order for SCP to work.",
            "aaa new-model",
            "aaa authentication login default local",
            "aaa authorization exec default local",
            "username user1 privilege 15 password 0 lab",
            "! SSH must be configured and functioning properly.",
            "ip scp server enable",
        ),
        has=(
            "aaa new-model",
            "aaa authentication login default local",
            "aaa authorization exec default local",
            "username user1 privilege 15 password 0 lab",
            "ip scp server enable",
        ),
    ),
    Example(
        "ch1-network-auth",
        "Ch.1 Example: SCP server side with network-based authentication",
        (
            "! AAA authentication and authorization must be configured properly for SCP to work.",
            "aaa new-model",
            "aaa authentication login default group tacacs+",
            "aaa authorization exec default group tacacs+",
            "! SSH must be configured and functioning properly.",
            "ip ssh time-out 120",
            "ip ssh authentication-retries 3",
            "ip scp server enable",
        ),
        has=(
            "aaa authentication login default group tacacs+",
            "aaa authorization exec default group tacacs+",
            "ip ssh time-out 120",
            "ip ssh authentication-retries 3",
            "ip scp server enable",
        ),
        setup=TACACS,
        needs_tacacs=True,
    ),
    Example(
        "ch2-hostname-domain",
        "Ch.2 Configuring a device for SSH v2 using a hostname and domain name",
        (
            "hostname cisco520",
            "ip domain-name example.com",
            "crypto key generate rsa",
            "ip ssh time-out 120",
            "ip ssh version 2",
        ),
        has=("hostname cisco520", "ip domain name example.com", "ip ssh time-out 120"),
        shows=(("show crypto key mypubkey rsa", r"Key name: cisco520\.example\.com"),),
    ),
    Example(
        "ch2-rsa-keypair-768",
        "Ch.2 Configuring a device for SSH v2 using RSA key pairs (the guide's modulus 768)",
        (
            "ip ssh rsa keypair-name sshkeys",
            "crypto key generate rsa usage-keys label sshkeys modulus 768",
            "ip ssh time-out 12",
            "ip ssh version 2",
        ),
        refused="crypto key generate rsa usage-keys label sshkeys modulus 768",
        has=("ip ssh time-out 12", "ip ssh rsa keypair-name sshkeys"),
    ),
    Example(
        "ch2-rsa-keypair",
        "Ch.2 Configuring a device for SSH v2 using RSA key pairs (modulus 2048, the smallest 17.x takes)",
        (
            "ip ssh rsa keypair-name sshkeys",
            "crypto key generate rsa usage-keys label sshkeys modulus 2048",
            "ip ssh time-out 12",
            "ip ssh version 2",
        ),
        has=("ip ssh time-out 12", "ip ssh rsa keypair-name sshkeys"),
        shows=(
            ("show ip ssh", r"SSH Enabled - version 2\.0"),
            ("show crypto key mypubkey rsa", r"Key name: sshkeys"),
        ),
    ),
    Example(
        "ch2-rsa-user-auth",
        "Ch.2 RSA-based user authentication (ip ssh pubkey-chain / username / key-string)",
        ("ip ssh pubkey-chain", "username user1", "key-string", "{user_key}", "exit", "exit", "exit"),
        has=("ip ssh pubkey-chain", "  username user1", "   key-hash ssh-rsa {user_key_hash}"),
    ),
    Example(
        "ch2-rsa-server-auth",
        "Ch.2 RSA-based server authentication (server / key-string / ip ssh stricthostkeycheck)",
        (
            "ip ssh pubkey-chain",
            "server server1",
            "key-string",
            "{user_key}",
            "exit",
            "exit",
            "exit",
            "ip ssh stricthostkeycheck",
        ),
        has=(
            "ip ssh pubkey-chain",
            "  server server1",
            "   key-hash ssh-rsa {user_key_hash}",
            "ip ssh stricthostkeycheck",
        ),
    ),
    Example("ch2-version-2", "Ch.2 Example: Secure Shell version 2", ("ip ssh version 2",), has=("ip ssh version 2",)),
    Example(
        "ch2-versions-1-and-2",
        "Ch.2 Example: Secure Shell versions 1 and 2",
        ("no ip ssh version",),
        lacks=("ip ssh version 2",),
        shows=(("show ip ssh", r"SSH Enabled - version 2\.0"),),  # 17.x has no SSH 1: no 1.99 mode
    ),
    Example(
        "ch2-server-side-scp",
        "Ch.2 Example: server-side SCP",
        (
            "aaa new-model",
            "aaa authentication login default local",
            "",
            "username samplename privilege 15 password password1",
            "ip ssh time-out 120",
            "ip ssh authentication-retries 3",
            "ip scp server enable",
        ),
        has=(
            "aaa authentication login default local",
            "username samplename privilege 15 password 0 password1",
            "ip ssh time-out 120",
            "ip ssh authentication-retries 3",
            "ip scp server enable",
        ),
    ),
    Example(
        "ch2-snmp-trap",
        "Ch.2 Example: SNMP trap",
        ("snmp-server", f"snmp-server host {CLIENT} public tty"),
        has=(f"snmp-server host {CLIENT} public  tty",),
    ),
)
