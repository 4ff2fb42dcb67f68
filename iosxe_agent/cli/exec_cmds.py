"""Exec-mode commands: each a small coroutine of (session, arguments) returning the text IOS prints.

The command tree is data: :func:`exec_tree` lists every command once with its privilege level, and the same
tree serves matching, ``?`` help and Tab completion.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Awaitable, Callable

from iosxe_agent.cli import (
    archive_cmds,
    crypto_cmds,
    file_cmds,
    show,
    show_aaa,
    show_interfaces,
    show_system,
    show_unmodelled,
    show_yang_management,
    ssh_client,
)
from iosxe_agent.cli.context import CliSession
from iosxe_agent.cli.parser import Node, add
from iosxe_agent.datastore.store import DATASTORES
from iosxe_agent.device import views
from iosxe_agent.device.cli_map.render import render_running_config
from iosxe_agent.device.debug import Debug, show_debugging
from iosxe_agent.device.keys import render_mypubkey_rsa
from iosxe_agent.device.logbuffer import show_logging as render_logging
from iosxe_agent.device.passwords import verify
from iosxe_agent.device.sessions import VTY_BASE, SessionInfo

CONFIG_MODE = object()  # returned by ``configure terminal``: the shell enters configuration mode


async def show_running(s: CliSession, args: tuple[str, ...]) -> str:
    return render_running_config(s.device.running)


async def show_privilege(s: CliSession, args: tuple[str, ...]) -> str:
    return show.show_privilege(s.privilege)


async def show_version(s: CliSession, args: tuple[str, ...]) -> str:
    ports = views.interfaces(s.device.running).count("GigabitEthernet")
    return show.show_version(
        s.device.hostname, time.time() - s.device.started, serial=s.device.serial, gigabit_interfaces=ports
    )


async def show_clock(s: CliSession, args: tuple[str, ...]) -> str:
    zone = views.clock(s.device.running)
    return show.show_clock(dt.datetime.now(dt.UTC), zone.name, zone.offset)


async def show_users(s: CliSession, args: tuple[str, ...]) -> str:
    return show.show_users(
        list(s.device.sessions), s.info.number, time.monotonic(), console_idle=time.time() - s.device.started
    )


async def show_ssh(s: CliSession, args: tuple[str, ...]) -> str:
    return show.show_ssh(list(s.device.sessions))


async def show_ip_ssh(s: CliSession, args: tuple[str, ...]) -> str:
    svc = s.device.ssh
    label = svc.host_key_label
    return show.show_ip_ssh(svc.view, svc.enabled, s.device.keys.info(label) if label else None)


async def show_tacacs(s: CliSession, args: tuple[str, ...]) -> str:
    network = s.device.ssh.network
    return show_aaa.show_tacacs(network.known(views.aaa(s.device.running).tacacs))


async def show_aaa_servers(s: CliSession, args: tuple[str, ...]) -> str:
    aaa = views.aaa(s.device.running)
    network = s.device.ssh.network
    return show_aaa.show_aaa_servers(network.known([*aaa.radius, *aaa.tacacs]))


async def show_mypubkey(s: CliSession, args: tuple[str, ...]) -> str:
    return render_mypubkey_rsa(s.device.keys.keys())


async def show_logging(s: CliSession, args: tuple[str, ...]) -> str:
    return render_logging(s.device.log)


async def clear_logging(s: CliSession, args: tuple[str, ...]) -> str:
    answer = await s.ask("Clear logging buffer [confirm]", True)
    if answer.strip().lower() in ("", "y", "yes"):
        s.device.log.clear()
    return ""


async def show_login(s: CliSession, args: tuple[str, ...]) -> str:
    return show.show_login(s.device.ssh.quiet.status())


async def show_yang_processes(s: CliSession, args: tuple[str, ...]) -> str:
    on = show_yang_management.programmability(s.device.running)
    return show_yang_management.show_yang_management_process(on)


async def show_netconf_sessions(s: CliSession, args: tuple[str, ...]) -> str:
    locks = s.device.stores.locks
    held = {ds: h.session_id for ds in DATASTORES if (h := locks.holder(ds)) is not None}
    return show.show_netconf_sessions(list(s.device.sessions), held)


def _end(s: CliSession, info: SessionInfo | None) -> bool:
    """End another session (or this one) as the CLI session ``s``; False when there is none to end."""
    if info is None or info.end is None:
        return False
    info.end(s.session_id)
    return True


async def _clear_line(s: CliSession, line: str) -> str:
    """``clear line``: IOS asks ``[confirm]`` and answers `` [OK]`` whether or not the line carries a session."""
    answer = await s.ask("[confirm]", True)
    if answer.strip().lower() not in ("", "y", "yes"):
        return ""
    _end(s, s.device.sessions.on_line(line))
    return " [OK]"


async def clear_line_vty(s: CliSession, args: tuple[str, ...]) -> str:
    return await _clear_line(s, f"vty {int(args[0])}")


async def clear_line_number(s: CliSession, args: tuple[str, ...]) -> str:
    """``clear line N``: absolute line numbers (``0`` con, ``1`` aux, ``2`` vty 0 …)."""
    number = int(args[0])
    return await _clear_line(s, f"vty {number - VTY_BASE}" if number >= VTY_BASE else f"tty {number}")


async def clear_ssh(s: CliSession, args: tuple[str, ...]) -> str:
    """``clear ssh N``: end SSH connection N as ``show ssh`` numbers it."""
    if _end(s, s.device.sessions.ssh_connection(int(args[0]))):
        return ""
    return f"% No SSH connection {int(args[0])}"


async def clear_netconf_session(s: CliSession, args: tuple[str, ...]) -> str:
    """``clear netconf-yang session ID``: kill a NETCONF session, as ``<kill-session>`` does."""
    if _end(s, s.device.sessions.netconf_session(int(args[0]))):
        return ""
    return f"% Session {int(args[0])} does not exist"


async def exit_session(s: CliSession, args: tuple[str, ...]) -> str:
    s.done = True
    return ""


async def disable(s: CliSession, args: tuple[str, ...]) -> str:
    s.info.privilege = 1
    return ""


async def enable(s: CliSession, args: tuple[str, ...]) -> str:
    """``enable [LEVEL]``: the enable secret (or password) raises the session to 15 (or LEVEL)."""
    level = int(args[0]) if args else 15
    if s.privilege >= level:
        s.info.privilege = level
        return ""
    secret = views.aaa(s.device.running).enable_secret
    if secret is None:
        return "% No password set"
    for _ in range(3):
        typed = await s.ask("Password: ", False)
        if await _verify(secret, typed):
            s.info.privilege = level
            return ""
    return "% Bad secrets\n"


async def _verify(secret: tuple[str, str], typed: str) -> bool:
    return await asyncio.to_thread(verify, secret[0], secret[1], typed)


async def terminal_length(s: CliSession, args: tuple[str, ...]) -> str:
    s.length = int(args[0])
    return ""


async def terminal_width(s: CliSession, args: tuple[str, ...]) -> str:
    s.width = int(args[0])
    return ""


async def terminal_monitor(s: CliSession, args: tuple[str, ...]) -> str:
    s.monitor = True
    return ""


async def terminal_no_monitor(s: CliSession, args: tuple[str, ...]) -> str:
    s.monitor = False
    return ""


async def configure_terminal(s: CliSession, args: tuple[str, ...]) -> object:
    return CONFIG_MODE


async def write_memory(s: CliSession, args: tuple[str, ...]) -> str:
    """``write memory``: the save (and archive, with ``archive`` / ``write-memory``) of ``copy run start``."""
    return await file_cmds.save(s)


async def copy_run_start(s: CliSession, args: tuple[str, ...]) -> str:
    """``copy running-config startup-config`` (its own keyword command, so ``copy run start`` is not taken for a
    flash: file named ``start``): the one file-system copy, with its IOS dialogue."""
    return await file_cmds.copy(s, ("running-config", "startup-config"))


#: Each debug switch: its command words after ``debug`` and its ``?`` help.
_DEBUG_COMMANDS = (
    ("ip ssh", Debug.SSH, "Incoming ssh connections"),
    ("ip ssh detail", Debug.SSH_DETAIL, "SSH protocol and channel requests"),
    ("ip ssh packet", Debug.SSH_PACKET, "SSH packet-level messages"),
    ("ip ssh client", Debug.SSH_CLIENT, "SSH Client"),
    ("ip scp", Debug.SCP, "Secure Copy"),
    ("snmp packet", Debug.SNMP, "SNMP packets"),
)


def _debug_switch(flag: Debug, on: bool) -> Callable[[CliSession, tuple[str, ...]], Awaitable[str]]:
    """The handler of ``debug X`` (on) or ``no debug X`` / ``undebug X`` (off) for one switch."""

    async def handler(s: CliSession, args: tuple[str, ...]) -> str:
        return s.device.debug.turn_on(flag) if on else s.device.debug.turn_off(flag)

    return handler


async def undebug_all(s: CliSession, args: tuple[str, ...]) -> str:
    return s.device.debug.all_off()


async def show_debug(s: CliSession, args: tuple[str, ...]) -> str:
    return show_debugging(s.device.debug)


def exec_tree() -> Node:
    """Every exec command, once, with its privilege level."""
    root = Node("")
    add(root, "show privilege", show_privilege, "Show current privilege level")
    add(root, "show version", show_version, "System hardware and software status")
    add(root, "show clock", show_clock, "Display the system clock")
    add(root, "show users", show_users, "Display information about terminal lines")
    add(root, "show ssh", show_ssh, "Status of SSH server connections")
    add(root, "show ip ssh", show_ip_ssh, "Information on SSH")
    add(root, "show running-config", show_running, "Current operating configuration", 15)
    add(root, "show crypto key mypubkey rsa", show_mypubkey, "Show RSA public keys", 15)
    add(root, "show tacacs", show_tacacs, "Shows tacacs+ server statistics", 15)
    add(root, "show aaa servers", show_aaa_servers, "Server information", 15)
    add(root, "show logging", show_logging, "Show the contents of logging buffers", 15)
    add(root, "clear logging", clear_logging, "Clear logging buffer", 15)
    add(root, "show login", show_login, "Display Secure Login Configurations and State", 15)
    add(root, "show netconf-yang sessions", show_netconf_sessions, "NETCONF-YANG sessions", 15)
    add(root, "show platform software yang-management process", show_yang_processes, "DMI processes", 15)
    add(root, "clear line vty <0-1869>", clear_line_vty, "Reset a terminal line", 15)
    add(root, "clear line <0-1871>", clear_line_number, "Reset a terminal line", 15)
    add(root, "clear ssh <0-2147483647>", clear_ssh, "Clear SSH connection", 15)
    add(root, "clear netconf-yang session <1-4294967295>", clear_netconf_session, "Clear a NETCONF session", 15)
    for word in ("exit", "logout", "quit"):
        add(root, word, exit_session, "Exit from the EXEC")
    add(root, "enable", enable, "Turn on privileged commands")
    add(root, "enable <0-15>", enable, "Enable level")
    add(root, "disable", disable, "Turn off privileged commands")
    add(root, "terminal length <0-512>", terminal_length, "Set number of lines on a screen")
    add(root, "terminal width <0-512>", terminal_width, "Set width of the display terminal")
    add(root, "terminal monitor", terminal_monitor, "Copy debug output to the current terminal line")
    add(root, "terminal no monitor", terminal_no_monitor, "Negate a command or set its defaults")
    add(root, "configure terminal", configure_terminal, "Configure from the terminal", 15)
    add(root, "write", write_memory, "Write running configuration to memory", 15)
    add(root, "write memory", write_memory, "Write to NV memory", 15)
    add(root, "copy running-config startup-config", copy_run_start, "Copy from one file to another", 15)
    crypto_cmds.register(root)  # crypto key generate|zeroize rsa (the configuration-mode commands' dialogues)
    for words, flag, help_text in _DEBUG_COMMANDS:
        add(root, f"debug {words}", _debug_switch(flag, True), help_text, 15)
        add(root, f"no debug {words}", _debug_switch(flag, False), help_text, 15)
        add(root, f"undebug {words}", _debug_switch(flag, False), help_text, 15)
    add(root, "undebug all", undebug_all, "Disable all debugging", 15)
    add(root, "show debugging", show_debug, "State of each debugging option", 15)
    add(root, "no debug all", undebug_all, "Disable all debugging", 15)
    file_cmds.register(root)  # dir, more, delete, copy, verify /md5, show startup-config (flash:, configs, scp://)
    archive_cmds.register(root)  # archive config, show archive [config …], configure replace|confirm|revert
    ssh_client.register(root)  # ssh -l WORD [-p <1-65535>] WORD
    show_system.register(root)  # show hosts, show inventory, show install summary
    show_interfaces.register(root)  # show interfaces [NAME|description], show ip interface brief
    add(root, "show iosxe-agent unmodelled", show_unmodelled.show_unmodelled, "Lines kept as text", 15)
    return root
