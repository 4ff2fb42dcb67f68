"""The ``show`` renderers against real IOS XE captures (IOSXE-CLI-REFERENCE.md §2) and the parsers' regexes."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime, timedelta, timezone

import asyncssh
import pytest
from cryptography.hazmat.primitives import serialization

from iosxe_agent.cli import show
from iosxe_agent.device.keys import KeyInfo, secsh_public_key_lines
from iosxe_agent.device.sessions import SessionInfo
from iosxe_agent.device.ssh_algorithms import Configured, Offer
from iosxe_agent.device.views import SshView

#: a C8000V-shaped serial (each device has its own, stored in its state directory)
SERIAL = "9E42BIFKVLR"


# -- real captures --------------------------------------------------------------------------------------------

#: §2.1, real IOL-XE 17.x. The capture's last key line is space-padded to 80 columns; the padding is added
#: below rather than kept as trailing blanks in this file.
IOL_ENABLED = """\
SSH Enabled - version 2.0
Authentication methods:publickey,keyboard-interactive,password
Authentication Publickey Algorithms:ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,ssh-ed25519,\
x509v3-ecdsa-sha2-nistp256,x509v3-ecdsa-sha2-nistp384,x509v3-ecdsa-sha2-nistp521,rsa-sha2-256,rsa-sha2-512,\
x509v3-rsa2048-sha256
Hostkey Algorithms:ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256
Encryption Algorithms:chacha20-poly1305@openssh.com,aes128-gcm@openssh.com,aes256-gcm@openssh.com,aes128-gcm,\
aes256-gcm,aes128-ctr,aes192-ctr,aes256-ctr
MAC Algorithms:hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com
KEX Algorithms:curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,\
ecdh-sha2-nistp521,diffie-hellman-group14-sha256,diffie-hellman-group16-sha512
Authentication timeout: 120 secs; Authentication retries: 3
Minimum expected Diffie Hellman key size : 2048 bits
IOS Keys in SECSH format(ssh-rsa, base64 encoded): RTR-Training-SSH.castlerysen.local
Modulus Size : 2048 bits
ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDTkNaJ8JFd790RjPyh8cN4BxtJOdfpyXMfDHTUDUQV
pmFAX6+65dfryxia/cdnwgDcdk2Iulcn+HZfze4OiDrFXwbV6i6FB5DiH4fF+amiYXYTq16IzMUpVP8Z
OfzTydZHgIpJl09zZFGXwRFK1jPmnp+Uk4uwu/tLxUS5UThDlA8F4tL6wPTn4EdI/3EIVvy/20fDq9WR
iamahyK/J4W0ZJKb+dcm4IW/gUNot967aczLOp0tJzpTkMG+e8iJU9OCK4wp7vvyP5IAsoVhzo9jfhJL
7GtM58Kc88BS5Wp6pEWRjaQFxrJ1HVzZNU+6Oykm0BbphMhDQJAOzcFlowZH{pad}
IOS Keys in SECSH format(ssh-ec, base64 encoded): NONE""".format(pad=" " * 20)


def _lines_between(text: str, first: str, last: str) -> list[str]:
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(first))
    end = next(i for i, line in enumerate(lines) if line.startswith(last))
    return lines[start : end + 1]


#: §2.2, real 17.x; the capture elides the algorithm lines ("same algorithm lines"), filled in from §2.1.
IOL_DISABLED = "\n".join(
    [
        "SSH Disabled - version 2.0",
        "%Please create EC or RSA keys to enable SSH (and of atleast 2048 bits for SSH v2 in case of RSA).",
        *_lines_between(IOL_ENABLED, "Authentication methods:", "KEX Algorithms:"),
        "Authentication timeout: 120 secs; Authentication retries: 3",
        "Minimum expected Diffie Hellman key size : 2048 bits",
        "IOS Keys in SECSH format(ssh-rsa, base64 encoded): NONE",
        "IOS Keys in SECSH format(ssh-ec, base64 encoded): NONE",
    ]
)


def _list(text: str, label: str) -> tuple[str, ...]:
    line = next(line for line in text.split("\n") if line.startswith(label + ":"))
    return tuple(line.split(":", 1)[1].split(","))


IOL_ALGORITHMS = Offer(
    authentication=_list(IOL_ENABLED, "Authentication methods"),
    publickey=_list(IOL_ENABLED, "Authentication Publickey Algorithms"),
    hostkey=_list(IOL_ENABLED, "Hostkey Algorithms"),
    encryption=_list(IOL_ENABLED, "Encryption Algorithms"),
    mac=_list(IOL_ENABLED, "MAC Algorithms"),
    kex=_list(IOL_ENABLED, "KEX Algorithms"),
)


def _captured_key(label: str) -> KeyInfo:
    """A KeyInfo whose public half is the key printed in the IOL capture."""
    key_lines = _lines_between(IOL_ENABLED, "ssh-rsa ", "7GtM58")
    text = "".join(key_lines).replace("ssh-rsa ", "", 1).strip()
    blob = base64.b64decode(text)
    public = asyncssh.import_public_key(b"ssh-rsa " + text.encode())
    der = public.pyca_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return KeyInfo(label, "general", 2048, False, datetime(2024, 8, 20, tzinfo=UTC), der, blob)


@pytest.fixture(scope="module")
def captured_key() -> KeyInfo:
    return _captured_key("RTR-Training-SSH.castlerysen.local")


@pytest.fixture(scope="module")
def fresh_key() -> KeyInfo:
    key = asyncssh.generate_private_key("ssh-rsa", key_size=2048)
    return KeyInfo("R1.example.com", "general", 2048, False, datetime.now(UTC), b"", key.public_data)


# -- show ip ssh ----------------------------------------------------------------------------------------------


def test_show_ip_ssh_enabled_is_the_iol_capture(captured_key: KeyInfo) -> None:
    text = show.show_ip_ssh(SshView(), True, captured_key, [], algorithms=IOL_ALGORITHMS)
    assert text == IOL_ENABLED


def test_show_ip_ssh_uses_the_given_key_lines(captured_key: KeyInfo) -> None:
    lines = secsh_public_key_lines(captured_key)
    assert show.show_ip_ssh(SshView(), True, captured_key, lines, algorithms=IOL_ALGORITHMS) == IOL_ENABLED


def test_show_ip_ssh_disabled_is_the_17x_capture() -> None:
    assert show.show_ip_ssh(SshView(), False, None, [], algorithms=IOL_ALGORITHMS) == IOL_DISABLED


def test_show_ip_ssh_disabled_never_shows_a_key(captured_key: KeyInfo) -> None:
    text = show.show_ip_ssh(SshView(), False, captured_key, [], algorithms=IOL_ALGORITHMS)
    assert text == IOL_DISABLED


def test_show_ip_ssh_enabled_without_key_info_says_none() -> None:
    text = show.show_ip_ssh(SshView(), True, None, [], algorithms=IOL_ALGORITHMS)
    assert "IOS Keys in SECSH format(ssh-rsa, base64 encoded): NONE" in text
    assert "Modulus Size" not in text and "%Please create" not in text


def test_show_ip_ssh_timeout_and_retries_rt01(captured_key: KeyInfo) -> None:
    """RT01: after ``ip ssh time-out 60`` and ``ip ssh authentication-retries 2``."""
    policy = SshView(auth_timeout=60, auth_retries=2)
    lines = show.show_ip_ssh(policy, True, captured_key, []).split("\n")
    assert "Authentication timeout: 60 secs; Authentication retries: 2" in lines
    assert "Minimum expected Diffie Hellman key size : 2048 bits" in lines


def test_show_ip_ssh_keypair_name_and_modulus(fresh_key: KeyInfo) -> None:
    key = KeyInfo("NETCONF_SSH_RSA_KEY", "general", 4096, False, fresh_key.generated, b"", b"x")
    lines = show.show_ip_ssh(SshView(keypair_name="NETCONF_SSH_RSA_KEY"), True, key, ["ssh-rsa AAAA"]).split("\n")
    i = lines.index("IOS Keys in SECSH format(ssh-rsa, base64 encoded): NETCONF_SSH_RSA_KEY")
    assert lines[i + 1 : i + 3] == ["Modulus Size : 4096 bits", "ssh-rsa AAAA"]
    assert lines[-1] == "IOS Keys in SECSH format(ssh-ec, base64 encoded): NONE"


def test_show_ip_ssh_key_wrapped_to_80_columns(fresh_key: KeyInfo) -> None:
    lines = show.show_ip_ssh(SshView(), True, fresh_key, []).split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("ssh-rsa "))
    key_lines = lines[start:-1]
    assert all(len(line) == 80 for line in key_lines)
    assert key_lines[-1].endswith(" ")  # the last line is padded
    joined = "".join(key_lines).rstrip()
    assert base64.b64decode(joined.split(" ", 1)[1]) == fresh_key.public_blob
    assert len(key_lines[0]) - len("ssh-rsa ") == 72


def test_show_ip_ssh_by_default_is_the_17x_capture(captured_key: KeyInfo) -> None:
    """With nothing configured, every algorithm line is the real 17.x box's (§2.1): 17.12's defaults."""
    assert show.show_ip_ssh(SshView(), True, captured_key, []) == IOL_ENABLED
    assert show.show_ip_ssh(SshView(), False, None, []) == IOL_DISABLED


def test_show_ip_ssh_follows_ip_ssh_server_algorithm_lines() -> None:
    configured = Configured(
        encryption=("aes256-ctr", "aes128-ctr"), mac=("hmac-sha2-512",), authentication=("password", "keyboard")
    )
    lines = show.show_ip_ssh(SshView(algorithms=configured), True, None, []).split("\n")
    assert "Encryption Algorithms:aes256-ctr,aes128-ctr" in lines  # as typed, not re-ordered
    assert "MAC Algorithms:hmac-sha2-512" in lines
    assert "Authentication methods:password,keyboard-interactive" in lines


def test_show_ip_ssh_follows_dh_min_size() -> None:
    text = show.show_ip_ssh(SshView(dh_min=4096), True, None, [])
    kex = _list(text, "KEX Algorithms")
    assert "diffie-hellman-group14-sha256" not in kex
    assert "diffie-hellman-group16-sha512" in kex and "curve25519-sha256" in kex
    assert "Minimum expected Diffie Hellman key size : 4096 bits" in text.split("\n")


#: genie's ``show ip ssh`` parser, as the reference describes it (§6): whitespace-tolerant line patterns.
GENIE_SSH = {
    "state": re.compile(r"^SSH\s+(?P<state>Enabled|Disabled)\s+-\s+version\s+(?P<version>[\d.]+)$"),
    "timeout": re.compile(r"^Authentication\s+timeout:\s+(?P<t>\d+)\s+secs;\s+Authentication\s+retries:\s+(?P<r>\d+)$"),
    "dh": re.compile(r"^Minimum\s+expected\s+Diffie\s+Hellman\s+key\s+size\s+:\s+(?P<bits>\d+)\s+bits$"),
    "rsa": re.compile(r"^IOS\s+Keys\s+in\s+SECSH\s+format\(ssh-rsa,\s+base64\s+encoded\):\s+(?P<name>\S+)$"),
    "modulus": re.compile(r"^Modulus\s+Size\s+:\s+(?P<bits>\d+)\s+bits$"),
    "ec": re.compile(r"^IOS\s+Keys\s+in\s+SECSH\s+format\(ssh-ec,\s+base64\s+encoded\):\s+(?P<name>\S+)$"),
}


def _genie_parse(text: str) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for line in text.split("\n"):
        for name, pattern in GENIE_SSH.items():
            m = pattern.match(line.strip())
            if m:
                found[name] = m.groupdict()
    return found


def test_genie_style_patterns_read_show_ip_ssh(captured_key: KeyInfo) -> None:
    found = _genie_parse(show.show_ip_ssh(SshView(auth_timeout=60, auth_retries=2), True, captured_key, []))
    assert found["state"] == {"state": "Enabled", "version": "2.0"}
    assert found["timeout"] == {"t": "60", "r": "2"}
    assert found["dh"] == {"bits": "2048"}
    assert found["rsa"] == {"name": "RTR-Training-SSH.castlerysen.local"}
    assert found["modulus"] == {"bits": "2048"}
    assert found["ec"] == {"name": "NONE"}
    disabled = _genie_parse(show.show_ip_ssh(SshView(), False, None, []))
    assert disabled["state"]["state"] == "Disabled" and disabled["rsa"] == {"name": "NONE"}


# -- show ssh -------------------------------------------------------------------------------------------------

#: §2.3, the IOS 15 capture (no 17.x one exists).
IOS15_SHOW_SSH = """\
Connection Version Mode Encryption  Hmac         State                 Username
0          2.0     IN   aes128-ctr  hmac-sha1    Session started       mason
0          2.0     OUT  aes128-ctr  hmac-sha1    Session started       mason
%No SSHv1 server connections running."""  # the guide's 17.x samples end the v2 table with this line


def _ssh(number: int, user: str, line: str | None = "vty 0", **kw: object) -> SessionInfo:
    return SessionInfo(number, "ssh", user, kw.pop("peer", "127.0.2.10"), line=line, **kw)  # type: ignore[arg-type]


def _netconf(number: int, user: str, **kw: object) -> SessionInfo:
    return SessionInfo(number, "netconf", user, kw.pop("peer", "127.0.2.20"), mode="netconf", **kw)  # type: ignore[arg-type]


def test_show_ssh_is_the_capture_layout() -> None:
    s = _ssh(0, "mason", cipher_in="aes128-ctr", cipher_out="aes128-ctr", mac_in="hmac-sha1", mac_out="hmac-sha1")
    assert show.show_ssh([s]) == IOS15_SHOW_SSH


def test_show_ssh_none() -> None:
    none = "%No SSHv2 server connections running.\n%No SSHv1 server connections running."
    assert show.show_ssh([]) == none
    assert show.show_ssh([_netconf(1, "admin")]) == none


def test_show_ssh_numbers_sessions_by_vty_line_and_long_names_stay_separated() -> None:
    a = _ssh(
        3,
        "bob",
        line="vty 1",
        cipher_in="aes256-ctr",
        cipher_out="aes256-ctr",
        mac_in="hmac-sha2-256-etm@openssh.com",
        mac_out="hmac-sha2-256-etm@openssh.com",
    )
    b = _ssh(
        1,
        "alice",
        line="vty 0",
        cipher_in="chacha20-poly1305@openssh.com",
        cipher_out="chacha20-poly1305@openssh.com",
        mac_in="hmac-sha2-256-etm@openssh.com",
        mac_out="hmac-sha2-256-etm@openssh.com",
    )
    lines = show.show_ssh([a, _netconf(2, "nc"), b]).split("\n")
    assert [line.split()[0:3] for line in lines[1:-1]] == [
        ["0", "2.0", "IN"],
        ["0", "2.0", "OUT"],
        ["1", "2.0", "IN"],
        ["1", "2.0", "OUT"],
    ]
    cells = ["0", "2.0", "IN", "chacha20-poly1305@openssh.com", "hmac-sha2-256-etm@openssh.com", "Session", "started"]
    assert lines[1].split() == [*cells, "alice"]
    assert lines[3].split()[4] == "hmac-sha2-256-etm@openssh.com"
    assert lines[-1] == "%No SSHv1 server connections running."


# -- show users -----------------------------------------------------------------------------------------------

#: §2.5, real IOL 17.x.
IOL_SHOW_USERS = """\
    Line       User       Host(s)              Idle       Location
   0 con 0                idle                 00:02:45{pad}
*  2 vty 0     fieldtech  idle                 00:00:00 10.22.45.10

  Interface    User               Mode         Idle     Peer Address
""".format(pad=" " * 3)


def test_show_users_is_the_iol_capture() -> None:
    me = _ssh(7, "fieldtech", peer="10.22.45.10", last_input=1000.0)
    assert show.show_users([me], 7, 1000.0, console_idle=165) == IOL_SHOW_USERS


def test_show_users_marks_only_the_caller_and_numbers_vty_from_2() -> None:
    me = _ssh(4, "alice", line="vty 1", peer="10.0.0.1", last_input=100.0)
    other = _ssh(2, "bob", line="vty 0", peer="10.0.0.2", last_input=100.0 - 3723)
    lines = show.show_users([me, other], 4, 100.0).split("\n")
    assert lines[2] == "   2 vty 0     bob        idle                 01:02:03 10.0.0.2"
    assert lines[3] == "*  3 vty 1     alice      idle                 00:00:00 10.0.0.1"


def test_show_users_interface_section_lists_netconf_sessions() -> None:
    """Columns as in the genie capture ``  unknown      NETCONF(ONEP)      com.cisco.ne 00:00:49``."""
    header = "  Interface    User               Mode         Idle     Peer Address"
    genie_row = "  unknown      NETCONF(ONEP)      com.cisco.ne 00:00:49"
    text = show.show_users([_netconf(9, "netops", peer="127.0.2.20", last_input=51.0)], None, 100.0)
    lines = text.split("\n")
    row = lines[lines.index(header) + 1]
    assert row == "  unknown      netops             NETCONF      00:00:49 127.0.2.20"
    assert row.index("netops") == genie_row.index("NETCONF(ONEP)") == header.index("User")
    assert row.index("NETCONF") == genie_row.index("com.cisco.ne") == header.index("Mode")
    assert row.index("00:00:49") == genie_row.index("00:00:49") == header.index("Idle")
    assert row.index("127.0.2.20") == header.index("Peer")
    assert lines[-1] == ""


def test_idle_time_forms() -> None:
    assert show.idle_time(0) == "00:00:00"
    assert show.idle_time(-5) == "00:00:00"
    assert show.idle_time(86399) == "23:59:59"
    assert show.idle_time(86400 + 2 * 3600) == "1d02h"
    assert show.idle_time(17 * 86400) == "2w3d"


#: ntc-templates ``cisco_ios_show_users`` row pattern, in Python syntax.
NTC_USERS_ROW = re.compile(
    r"^\s*(?P<line>(\*\s+)?\d+\s+(con|aux|tty|vty)\s+\d+)(?:\s+(?P<user>\S+))?(?:\s+(?P<hosts>\S+))?"
    r"\s+(?P<idle>\S+)(?:\s+(?P<location>\S+))?\s*$"
)


def test_ntc_users_pattern_reads_the_rows() -> None:
    me = _ssh(1, "fieldtech", peer="10.22.45.10", last_input=5.0)
    lines = show.show_users([me], 1, 5.0).split("\n")
    con, vty = NTC_USERS_ROW.match(lines[1]), NTC_USERS_ROW.match(lines[2])
    assert con and vty
    assert vty["line"] == "*  2 vty 0" and vty["user"] == "fieldtech" and vty["location"] == "10.22.45.10"


# -- show version ---------------------------------------------------------------------------------------------


def test_uptime_text() -> None:
    assert show.uptime_text(0) == "0 minutes"
    assert show.uptime_text(61) == "1 minute"
    assert show.uptime_text(3600) == "1 hour, 0 minutes"
    assert show.uptime_text(7 * 86400 + 2 * 3600 + 5 * 60) == "1 week, 0 days, 2 hours, 5 minutes"
    assert show.uptime_text(366 * 86400 + 60) == "1 year, 0 weeks, 1 day, 0 hours, 1 minute"


def test_show_version_head_and_body() -> None:
    lines = show.show_version("RTR1", 3 * 3600 + 120, serial="9E42BIFKVLR").split("\n")
    assert lines[0] == "Cisco IOS XE Software, Version 17.12.01"
    assert lines[1] == (
        "Cisco IOS Software [Dublin], Virtual XE Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 17.12.1, "
        "RELEASE SOFTWARE (fc5)"
    )
    for expected in (
        "ROM: IOS-XE ROMMON",
        "RTR1 uptime is 3 hours, 2 minutes",
        'System image file is "bootflash:packages.conf"',
        "Last reload reason: reload",
        "cisco C8000V (VXE) processor (revision VXE) with 1900130K/3075K bytes of memory.",
        "Processor board ID 9E42BIFKVLR",
        "Router operating mode: Autonomous",
        "1 Gigabit Ethernet interface",
    ):
        assert expected in lines
    assert lines[-1] == "Configuration register is 0x2102"


def test_ansible_cliconf_reads_show_version() -> None:
    """The regexes of cisco.ios ``cliconf/ios.py`` ``get_device_info`` and ``facts/legacy/base.py``."""
    data = show.show_version("edge-7.lab", 90061, serial=SERIAL).strip()
    m = re.search(r"Version (\S+)", data)
    assert m and m.group(1).strip(",") == "17.12.01"
    m = re.search(r"^[Cc]isco (.+) \(revision", data, re.M)
    assert m and m.group(1).split(" ")[0] == "C8000V"
    m = re.search(r"^(.+) uptime", data, re.M)
    assert m and m.group(1) == "edge-7.lab"
    m = re.search(r'image file is "(.+)"', data)
    assert m and m.group(1) == "bootflash:packages.conf"
    assert re.search(r"\sIOS-XE\s", data)  # iostype IOS-XE
    m = re.search(r"board ID (\S+)", data)
    assert m and m.group(1) == SERIAL


#: ntc-templates ``cisco_ios_show_version`` Start rules that must fire, in Python syntax.
NTC_VERSION = {
    "image": re.compile(
        r"^.*Software,*\s+\((?P<image>\S+)\),\sVersion\s(?P<version>.+?),*\s+RELEASE.*\((?P<rel>\S+)\)"
    ),
    "rom": re.compile(r"^ROM:\s+(?P<rom>\S+)"),
    "uptime": re.compile(r"^\s*(?P<host>\S+)\s+uptime\s+is\s+(?P<uptime>.+)"),
    "image_file": re.compile(r"^[sS]ystem\s+image\s+file\s+is\s+\"(.*?):(?P<file>\S+)\""),
    "reload": re.compile(r"^(?:[lL]ast\s+reload\s+reason:|System\s+returned\s+to\s+ROM\s+by)\s+(?P<reason>.+?)\s*$"),
    "serial": re.compile(r"^[Pp]rocessor\s+board\s+ID\s+(?P<serial>\w+)"),
    "hardware": re.compile(r"^[Cc]isco\s+(?P<hw>\S+|\S+\d\S+)\s+\(.+\).+"),
    "register": re.compile(r"^[Cc]onfiguration\s+register\s+is\s+(?P<reg>\S+)"),
}


def test_ntc_version_rules_match() -> None:
    text = show.show_version("RTR1", 600, serial="9E42BIFKVLR")
    found: dict[str, dict[str, str]] = {}
    for line in text.split("\n"):
        for name, pattern in NTC_VERSION.items():  # first matching rule wins, as in TextFSM
            m = pattern.match(line)
            if m:
                found.setdefault(name, m.groupdict())
                break
    assert found["image"] == {"image": "X86_64_LINUX_IOSD-UNIVERSALK9-M", "version": "17.12.1", "rel": "fc5"}
    assert found["rom"] == {"rom": "IOS-XE"}
    assert found["uptime"] == {"host": "RTR1", "uptime": "10 minutes"}
    assert found["image_file"]["file"] == "packages.conf"
    assert found["reload"] == {"reason": "reload"}
    assert found["serial"] == {"serial": "9E42BIFKVLR"}
    assert found["hardware"] == {"hw": "C8000V"}
    assert found["register"] == {"reg": "0x2102"}


def test_ntc_templates_parse_when_installed() -> None:
    """The real ntc-templates (not a dependency of the project: skipped unless installed)."""
    ntc = pytest.importorskip("ntc_templates.parse")
    version = ntc.parse_output(
        platform="cisco_ios", command="show version", data=show.show_version("RTR1", 4000, serial=SERIAL)
    )
    assert len(version) == 1
    v = version[0]
    assert (v["version"], v["software_image"], v["release"], v["hostname"]) == (
        "17.12.1",
        "X86_64_LINUX_IOSD-UNIVERSALK9-M",
        "fc5",
        "RTR1",
    )
    assert (v["hardware"], v["serial"], v["running_image"], v["config_register"]) == (
        ["C8000V"],
        [SERIAL],
        "packages.conf",
        "0x2102",
    )
    assert (v["uptime"], v["uptime_hours"], v["uptime_minutes"], v["reload_reason"]) == (
        "1 hour, 6 minutes",
        "1",
        "6",
        "reload",
    )
    clock = ntc.parse_output(
        platform="cisco_ios", command="show clock", data=show.show_clock(datetime(2026, 11, 24, 10, 15, 2, 123456, UTC))
    )
    assert clock == [
        {"time": "10:15:02.123", "timezone": "UTC", "dayweek": "Tue", "month": "Nov", "day": "24", "year": "2026"}
    ]
    me = _ssh(1, "fieldtech", peer="10.22.45.10", last_input=5.0)
    users = ntc.parse_output(platform="cisco_ios", command="show users", data=show.show_users([me], 1, 5.0))
    assert [u["line"] for u in users] == ["0 con 0", "*  2 vty 0"]


# -- show clock, show privilege -------------------------------------------------------------------------------


def test_show_clock() -> None:
    assert show.show_clock(datetime(2026, 11, 24, 10, 15, 2, 123999, UTC)) == "*10:15:02.123 UTC Tue Nov 24 2026"
    assert show.show_clock(datetime(2026, 3, 1, 0, 0, 0)) == "*00:00:00.000 UTC Sun Mar 1 2026"  # day not padded
    cet = timezone(timedelta(hours=1))
    assert show.show_clock(datetime(2026, 1, 1, 0, 30, tzinfo=cet)) == "*23:30:00.000 UTC Wed Dec 31 2025"


def test_ntc_clock_pattern() -> None:
    pattern = re.compile(r"^\s*(\*)?\.?(\d+:\d+:\d+\.\d+)\s(\w+)\s(\w+)\s(\w+)\s(\d+)\s(\d+)")
    assert pattern.match(show.show_clock(datetime(2026, 11, 24, 10, 15, 2, tzinfo=UTC)))


def test_show_privilege() -> None:
    assert show.show_privilege(15) == "Current privilege level is 15"
    assert show.show_privilege(1) == "Current privilege level is 1"
