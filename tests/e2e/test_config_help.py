"""``?`` and Tab in configuration mode and its sub-modes, and leaving a key-string data mode after bad key data,
on the real agent through an SSH pty (asyncssh's client, the agent's own line editor)."""

from __future__ import annotations

import asyncio

from cli_dialogue import Dialogue, in_shell

CLEAR_LINE = "\x15"  # Ctrl-U: drop the line the help put back after the prompt


async def _help(shell: Dialogue, typed: str, prompt: str) -> str:
    """Type ``typed`` and ``?``; what IOS prints up to the prompt that comes back with the line re-displayed."""
    shell.proc.stdin.write(typed + "?")
    text = await shell.until(prompt + typed)
    shell.proc.stdin.write(CLEAR_LINE)
    return text


def test_question_mark_lists_the_next_words_of_the_command(agent) -> None:
    async def scenario(shell: Dialogue) -> list[str]:
        await shell.cmd("configure terminal", "(config)#")
        outputs = [
            await _help(shell, "ip ssh ", "Router(config)#"),
            await _help(shell, "ip ssh time-out ", "Router(config)#"),
            await _help(shell, "ip ssh t", "Router(config)#"),
            await _help(shell, "username bob ", "Router(config)#"),
            await _help(shell, "do show ", "Router(config)#"),
        ]
        await shell.cmd("line vty 0 4", "(config-line)#")
        outputs.append(await _help(shell, "transport input ", "Router(config-line)#"))
        outputs.append(await _help(shell, "ip sssh ", "Router(config-line)#"))
        await shell.cmd("end", "Router#")
        return outputs

    ssh, time_out, partial, user, do_show, transport, wrong = asyncio.run(in_shell(agent.ssh_port, scenario))
    assert "ip ssh ?\n" in ssh
    assert "  authentication-retries  Specify number of authentication retries\n" in ssh
    assert "  time-out                Specify SSH time-out interval\n" in ssh
    assert "hostname" not in ssh  # the words of `ip ssh`, not the whole mode
    assert ssh.endswith("version                 Specify protocol version to be supported\n\nRouter(config)#ip ssh ")
    assert "  <1-120>  SSH time out interval (secs)\n\n" in time_out
    assert "ip ssh t?\ntime-out  \n\n" in partial
    assert "  privilege       Set user privilege level\n" in user and "  <cr>            <cr>\n" in user
    assert "running-config" in do_show  # `do` helps with the exec commands
    assert "  ssh      TCP/IP SSH protocol\n" in transport and "  telnet   TCP/IP Telnet protocol\n" in transport
    assert "ip sssh ?\n% Unrecognized command\nRouter(config-line)#" in wrong


def test_tab_completes_in_configuration_mode(fresh_agent) -> None:
    agent = fresh_agent()

    async def scenario(shell: Dialogue) -> str:
        await shell.cmd("configure terminal", "(config)#")
        shell.proc.stdin.write("ip ss\tti\t")  # -> "ip ssh time-out "
        await shell.until("ip ssh time-out ")
        await shell.cmd("42", "(config)#")
        await shell.cmd("line vty 0 4", "(config-line)#")
        shell.proc.stdin.write("transport in\tss\t")
        await shell.until("transport input ssh ")
        await shell.cmd("", "(config-line)#")
        await shell.cmd("end", "Router#")
        return await shell.cmd("show running-config | include time-out|transport input", "Router#")

    shown = asyncio.run(in_shell(agent.ssh_port, scenario))
    assert "ip ssh time-out 42\n" in shown
    assert " transport input ssh\n" in shown


def test_exit_and_end_leave_the_key_data_mode_after_bad_key_data(fresh_agent) -> None:
    agent = fresh_agent()

    async def scenario(shell: Dialogue) -> tuple[str, str, str]:
        await shell.cmd("configure terminal", "(config)#")
        await shell.cmd("ip ssh pubkey-chain", "(conf-ssh-pubkey)#")
        await shell.cmd("username bob", "(conf-ssh-pubkey-user)#")
        await shell.cmd("key-string", "(conf-ssh-pubkey-data)#")
        await shell.cmd("not*base64!", "(conf-ssh-pubkey-data)#")
        on_exit = await shell.cmd("exit", "#")
        await shell.cmd("key-string", "(conf-ssh-pubkey-data)#")
        await shell.cmd("**bad key**", "(conf-ssh-pubkey-data)#")
        on_end = await shell.cmd("end", "#")
        return on_exit, on_end, await shell.cmd("show running-config | section pubkey-chain", "Router#")

    on_exit, on_end, config = asyncio.run(in_shell(agent.ssh_port, scenario))
    assert on_exit == "exit\n%SSH: Failed to decode the Key Value\nRouter(conf-ssh-pubkey-user)#"
    assert on_end == "end\n%SSH: Failed to decode the Key Value\nRouter#"
    assert "key-hash" not in config
