"""The texts of the exec ``show`` commands, as IOS XE 17.12 prints them: pure renderers of device state.

Each function returns what IOS prints between the command line and the next prompt, lines joined with ``"\\n"``
and without the final line break (the shell adds it). Nothing here reads a clock, a file or a socket: the
caller passes the time, the sessions and the keys in.

Sources (IOSXE-CLI-REFERENCE.md):

* real 17.x captures: ``show ip ssh`` enabled and disabled (§2.1, §2.2), ``show users`` (§2.5), the C8000V
  body of ``show version`` and the 17.3 head (§2.6), ``show clock``'s leading ``*`` (unsynchronised clock).
* IOS 15 capture (§2.3) and the 17.x guide's samples (no 17.x capture exists, reference "Not found" 1): the
  ``show ssh`` table, numbered by vty line, ending with ``%No SSHv1 server connections running.`` (after
  ``%No SSHv2 …`` when no session is up).
* Cisco's "IOS Login Enhancements" guide (no 17.x capture found): ``show login``, in its 15.x+ form (Normal-Mode
  with the watch window's remaining time); the programmability guide: ``show netconf-yang sessions``.
* our choice (UNVERIFIED): the ``global-lock`` cell when a session holds several locks (``R C``), the
  ``every N`` wording of ``show login``, the idle-time form past 24 hours (``1d02h``, ``2w3d``), the ``Interface``
  rows of ``show users`` for NETCONF sessions (user, ``NETCONF``, idle, peer), the 17.12.1 compile line of the
  C8000V image.

The algorithm lines of ``show ip ssh`` are :func:`~iosxe_agent.device.ssh_algorithms.offer` of the configuration,
the very lists the SSH server offers (:mod:`iosxe_agent.device.ssh_wire`), in IOS's names and order. Like a real
box, the host-key line lists the configured algorithms whatever keys exist (the IOL capture lists
``ecdsa-sha2-*`` with no EC key); the wire carries those the key can sign.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta

from iosxe_agent.datastore.names import Datastore
from iosxe_agent.datastore.store import CANDIDATE, RUNNING, STARTUP
from iosxe_agent.device.aaa.quiet_mode import QuietStatus
from iosxe_agent.device.keys import KeyInfo, secsh_public_key_lines
from iosxe_agent.device.sessions import VTY_BASE, SessionInfo
from iosxe_agent.device.ssh_algorithms import Offer, offer
from iosxe_agent.device.views import SshView

# -- show ip ssh ----------------------------------------------------------------------------------------------

MSG_CREATE_KEYS = "%Please create EC or RSA keys to enable SSH (and of atleast 2048 bits for SSH v2 in case of RSA)."


def show_ip_ssh(
    policy: SshView,
    enabled: bool,
    host_key: KeyInfo | None,
    key_public_lines: Sequence[str] = (),
    *,
    algorithms: Offer | None = None,
) -> str:
    """``show ip ssh`` (17.x layout, §2.1/§2.2).

    ``host_key`` is the RSA key the server presents; ``key_public_lines`` its ``ssh-rsa <base64>`` text already
    cut to 80 columns (computed from ``host_key`` when empty). ``algorithms`` defaults to what ``policy``
    offers.
    """
    algs = algorithms if algorithms is not None else offer(policy.algorithms, policy.dh_min)
    key = host_key if enabled else None
    lines = [f"SSH {'Enabled' if enabled else 'Disabled'} - version 2.0"]
    if not enabled:
        lines.append(MSG_CREATE_KEYS)
    lines += [
        "Authentication methods:" + ",".join(algs.authentication),
        "Authentication Publickey Algorithms:" + ",".join(algs.publickey),
        "Hostkey Algorithms:" + ",".join(algs.hostkey),
        "Encryption Algorithms:" + ",".join(algs.encryption),
        "MAC Algorithms:" + ",".join(algs.mac),
        "KEX Algorithms:" + ",".join(algs.kex),
        f"Authentication timeout: {policy.auth_timeout} secs; Authentication retries: {policy.auth_retries}",
        f"Minimum expected Diffie Hellman key size : {policy.dh_min} bits",
    ]
    if key is None:
        lines.append("IOS Keys in SECSH format(ssh-rsa, base64 encoded): NONE")
    else:
        lines += [
            f"IOS Keys in SECSH format(ssh-rsa, base64 encoded): {key.label}",
            f"Modulus Size : {key.modulus} bits",
            *(key_public_lines or secsh_public_key_lines(key)),
        ]
    lines.append("IOS Keys in SECSH format(ssh-ec, base64 encoded): NONE")
    return "\n".join(lines)


# -- show ssh -------------------------------------------------------------------------------------------------

_SSH_COLUMNS = (10, 7, 4, 11, 12, 21)  # each cell padded to this width, then one blank (IOS 15 capture, §2.3)
MSG_NO_SSH = "%No SSHv2 server connections running."
MSG_NO_SSH1 = "%No SSHv1 server connections running."


def _row(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "".join(f"{c:<{w}} " for c, w in zip(cells, widths, strict=False)) + cells[-1]


def show_ssh(sessions: Iterable[SessionInfo]) -> str:
    """``show ssh``: an IN and an OUT row per device SSH session (NETCONF sessions are not listed), numbered by
    their vty line (:attr:`SessionInfo.connection`), then the SSHv1 line the guide's 17.x samples end with (this
    box has no SSHv1 server). The Hmac cell of an AEAD cipher is the MAC the name-lists negotiated, as IOS
    reports it (the session records hold it)."""
    ssh = sorted((s for s in sessions if s.kind == "ssh"), key=lambda s: (s.connection, s.number))
    if not ssh:
        return "\n".join((MSG_NO_SSH, MSG_NO_SSH1))
    header = ("Connection", "Version", "Mode", "Encryption", "Hmac", "State", "Username")
    lines = [_row(header, _SSH_COLUMNS)]
    for s in ssh:
        for mode, cipher, mac in (("IN", s.cipher_in, s.mac_in), ("OUT", s.cipher_out, s.mac_out)):
            cells = (str(s.connection), s.version, mode, cipher or "-", mac or "-", s.state, s.user)
            lines.append(_row(cells, _SSH_COLUMNS))
    lines.append(MSG_NO_SSH1)
    return "\n".join(lines)


# -- show users -----------------------------------------------------------------------------------------------

_VTY = re.compile(r"vty (\d+)")


def idle_time(seconds: float) -> str:
    """An idle time as ``show users`` prints it: ``HH:MM:SS`` below a day, then ``1d02h`` and ``2w3d``."""
    total = max(0, int(seconds))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days == 0:
        return f"{hours:02d}:{minutes:02d}:{secs:02d}"
    if days < 7:
        return f"{days}d{hours:02d}h"
    return f"{days // 7}w{days % 7}d"


def show_users(
    sessions: Iterable[SessionInfo],
    current_number: int | None,
    now_monotonic: float,
    *,
    console_idle: float = 0.0,
) -> str:
    """``show users`` (17.x IOL layout, §2.5): the console, every vty that carries a device SSH session (``*`` on
    the caller's), then the ``Interface`` section listing NETCONF sessions.

    ``current_number`` is the caller's session number; ``console_idle`` the console's idle seconds (this device
    has no console, so the caller decides, e.g. the time since start).
    """
    all_sessions = list(sessions)
    lines = [
        "    Line       User       Host(s)              Idle       Location",
        f"   0 con 0                idle                 {idle_time(console_idle)}   ",
    ]
    vty: list[tuple[int, SessionInfo]] = []
    for s in all_sessions:
        m = _VTY.fullmatch(s.line or "")
        if s.kind == "ssh" and m:
            vty.append((int(m.group(1)), s))
    for index, s in sorted(vty, key=lambda item: item[0]):
        mark = "*" if s.number == current_number else " "
        idle = idle_time(now_monotonic - s.last_input)
        name = f"vty {index}"
        lines.append(f"{mark}{VTY_BASE + index:>3} {name:<10}{s.user:<10} {'idle':<20} {idle:>8} {s.peer or ''}")
    lines += ["", "  Interface    User               Mode         Idle     Peer Address"]
    for s in sorted((s for s in all_sessions if s.kind == "netconf"), key=lambda s: s.number):
        idle = idle_time(now_monotonic - s.last_input)
        lines.append(f"  {'unknown':<12} {s.user:<18} {'NETCONF':<12} {idle:<8} {s.peer or ''}".rstrip())
    lines.append("")
    return "\n".join(lines)


# -- show version ---------------------------------------------------------------------------------------------

XE_VERSION = "17.12.01"  # "Cisco IOS XE Software, Version 17.12.01"
IOS_VERSION = "17.12.1"  # the IOSd image line's form
TRAIN = "Dublin"
IMAGE = "X86_64_LINUX_IOSD-UNIVERSALK9-M"
RELEASE = "fc5"

_GPL = """\
Cisco IOS-XE software, Copyright (c) 2005-2023 by cisco Systems, Inc.
All rights reserved.  Certain components of Cisco IOS-XE software are
licensed under the GNU General Public License ("GPL") Version 2.0.  The
software code licensed under GPL Version 2.0 is free software that comes
with ABSOLUTELY NO WARRANTY.  You can redistribute and/or modify such
GPL code under the terms of GPL Version 2.0.  For more details, see the
documentation or "License Notice" file accompanying the IOS-XE software,
or the applicable URL provided on the flyer accompanying the IOS-XE
software."""

_CRYPTO = """\
This product contains cryptographic features and is subject to United
States and local country laws governing import, export, transfer and
use. Delivery of Cisco cryptographic products does not imply
third-party authority to import, export, distribute or use encryption.
Importers, exporters, distributors and users are responsible for
compliance with U.S. and local country laws. By using this product you
agree to comply with applicable laws and regulations. If you are unable
to comply with U.S. and local laws, return this product immediately.

A summary of U.S. laws governing Cisco cryptographic products may be found at:
http://www.cisco.com/wwl/export/crypto/tool/stqrg.html

If you require further assistance please contact us by sending email to
export@cisco.com."""

_LICENSE = """\
License Level:
License Type: Perpetual
Next reload license Level:

Addon License Level:
Addon License Type: Subscription
Next reload addon license Level:

The current throughput level is 1000 kbps


Smart Licensing Status: Smart Licensing Using Policy"""


def uptime_text(seconds: float) -> str:
    """IOS's uptime: from the largest non-zero unit down to minutes (``1 week, 0 days, 2 hours, 5 minutes``)."""
    minutes_total = max(0, int(seconds)) // 60
    units = (("year", 365 * 24 * 60), ("week", 7 * 24 * 60), ("day", 24 * 60), ("hour", 60), ("minute", 1))
    parts: list[str] = []
    for name, size in units:
        value, minutes_total = divmod(minutes_total, size)
        if value or parts or name == "minute":
            parts.append(f"{value} {name}{'' if value == 1 else 's'}")
    return ", ".join(parts)


def show_version(
    hostname: str,
    uptime_seconds: float,
    *,
    serial: str,
    reload_reason: str = "reload",
    memory_k: tuple[int, int] = (1900130, 3075),
    physical_memory_k: int = 8082280,
    disk_k: int = 5234688,
    gigabit_interfaces: int = 1,
    config_register: str = "0x2102",
) -> str:
    """``show version`` of a C8000V running 17.12.1 (the genie C8000V body, §2.6, with a release head).

    What the parsers read from it: ntc-templates ``cisco_ios_show_version`` (image, version, release, ROM,
    hostname, uptime, image file, reload reason, hardware, serial, config register) and Ansible ``cisco.ios``
    (the first ``Version X``, ``cisco MODEL (…) (revision``, ``HOST uptime``, ``image file is "…"``,
    `` IOS-XE ``, ``board ID``).
    """
    uptime = uptime_text(uptime_seconds)
    iface = f"{gigabit_interfaces} Gigabit Ethernet interface{'' if gigabit_interfaces == 1 else 's'}"
    return "\n".join(
        [
            f"Cisco IOS XE Software, Version {XE_VERSION}",
            f"Cisco IOS Software [{TRAIN}], Virtual XE Software ({IMAGE}), Version {IOS_VERSION}, "
            f"RELEASE SOFTWARE ({RELEASE})",
            "Technical Support: http://www.cisco.com/techsupport",
            "Copyright (c) 1986-2023 by Cisco Systems, Inc.",
            "Compiled Thu 27-Jul-23 22:33 by mcpre",
            "",
            "",
            _GPL,
            "",
            "",
            "ROM: IOS-XE ROMMON",
            "",
            f"{hostname} uptime is {uptime}",
            f"Uptime for this control processor is {uptime}",
            f"System returned to ROM by {reload_reason}",
            'System image file is "bootflash:packages.conf"',
            f"Last reload reason: {reload_reason}",
            "",
            "",
            "",
            _CRYPTO,
            "",
            _LICENSE,
            "",
            f"cisco C8000V (VXE) processor (revision VXE) with {memory_k[0]}K/{memory_k[1]}K bytes of memory.",
            f"Processor board ID {serial}",
            "Router operating mode: Autonomous",
            iface,
            "32768K bytes of non-volatile configuration memory.",
            f"{physical_memory_k}K bytes of physical memory.",
            f"{disk_k}K bytes of virtual hard disk at bootflash:.",
            "",
            f"Configuration register is {config_register}",
        ]
    )


# -- show clock, show privilege -------------------------------------------------------------------------------


def show_clock(now: datetime, zone: str = "UTC", offset: timedelta = timedelta(0)) -> str:
    """``show clock``: ``*10:15:02.123 UTC Tue Nov 24 2026`` (``*``: the clock is not NTP-synchronised; the
    day is not padded), in the ``clock timezone`` (its name, ``offset`` from UTC). A naive ``now`` is UTC."""
    t = (now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)) + offset
    return f"*{t:%H:%M:%S}.{t.microsecond // 1000:03d} {zone} {t:%a %b} {t.day} {t.year}"


def show_privilege(level: int) -> str:
    """``show privilege``."""
    return f"Current privilege level is {level}"


# -- show login -----------------------------------------------------------------------------------------------------

_PAD = "     "  # every line of `show login` is indented by five blanks


def _logged(every: int | None, what: str) -> list[str]:
    if every is None:
        return []
    head = "All" if every == 1 else f"Every {every}"
    return [f"{head} {what} login is logged."]


def show_login(status: QuietStatus) -> str:
    """``show login``: the delay, the logging, the block-for parameters and the present mode of login quiet mode."""
    p = status.policy
    if p.delay is not None:
        lines = [f"A login delay of {p.delay} seconds is applied."]
    elif p.watching:
        lines = [f"A default login delay of {p.effective_delay} seconds is applied."]
    else:
        lines = ["No login delay has been applied."]
    lines.append("No Quiet-Mode access list has been configured.")
    lines += _logged(p.success_log_every, "successful")
    lines += _logged(p.failure_log_every, "failed")
    lines.append("")
    if not p.watching:
        lines.append("Router NOT enabled to watch for login Attacks")
        return "\n".join(_PAD + line if line else "" for line in lines)
    lines += [
        "Router enabled to watch for login Attacks.",
        f"If more than {p.attempts} login failures occur in {p.within} seconds or less,",
        f"logins will be disabled for {p.block_for} seconds.",
        "",
    ]
    if status.quiet:
        lines += [
            "Router presently in Quiet-Mode.",
            f"Will remain in Quiet-Mode for {status.remaining} seconds.",
            "Denying logins from all sources.",
        ]
    else:
        lines += [
            "Router presently in Normal-Mode.",
            f"Current Watch Window remaining time {status.remaining} seconds.",
            f"Present login failure count {status.failures}.",
        ]
    return "\n".join(_PAD + line if line else "" for line in lines)


# -- show netconf-yang sessions -------------------------------------------------------------------------------------

_NETCONF_COLUMNS = (11, 13, 20, 21)
_LOCK_LETTERS = ((RUNNING, "R"), (CANDIDATE, "C"), (STARTUP, "S"))


def show_netconf_sessions(sessions: Iterable[SessionInfo], locks: Mapping[Datastore, int]) -> str:
    """``show netconf-yang sessions``: one row per NETCONF session; ``locks`` maps each globally locked
    datastore to the session-id holding it."""
    netconf = sorted((s for s in sessions if s.kind == "netconf"), key=lambda s: s.session_id)
    lines = [
        "R: Global-lock on running datastore",
        "C: Global-lock on candidate datastore",
        "S: Global-lock on startup datastore",
        "",
        f"Number of sessions : {len(netconf)}",
        "",
        _row(("session-id", "transport", "username", "source-host", "global-lock"), _NETCONF_COLUMNS),
        "-" * 80,
    ]
    for s in netconf:
        held = " ".join(letter for ds, letter in _LOCK_LETTERS if locks.get(ds) == s.session_id) or "None"
        lines.append(_row((str(s.session_id), "netconf-ssh", s.user, s.peer or "", held), _NETCONF_COLUMNS))
    return "\n".join(lines)
