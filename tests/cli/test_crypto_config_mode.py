"""``crypto key generate rsa …`` / ``crypto key zeroize rsa [L]`` typed into a real agent's shell (asyncssh, a
pty), in configuration mode as the guide types them and in exec mode: every 17.x dialogue of CLI reference §3.1
and §3.2, checked line for line."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest
from cli_dialogue import Dialogue, in_shell

T = TypeVar("T")
CONFIG = "Router(config)#"
OK = r"\[OK\] \(elapsed time was \d+ seconds\)\n"
QUESTION = (
    "Choose the size of the key modulus in the range of 2048 to 4096 for your\n"
    "  {kind}. Choosing a key modulus greater than 512 may take\n"
    "  a few minutes.\n\n"
    "How many bits in the modulus [2048]: "
)
_BLOCK = re.compile(r"Key name: (\S+)\nKey type: RSA KEYS +(\d+) bits\n.*?\n Usage: (\w+) ", re.DOTALL)


def printed(out: str, line: str, prompt: str = CONFIG) -> str:
    """What the device printed for ``line``: its answer without the echoed line and the next prompt."""
    assert out.startswith(line + "\n"), out
    body = out[len(line) + 1 :]
    assert body.endswith(prompt), out
    return body[: -len(prompt)]


def run(agent, fn: Callable[[Dialogue], Awaitable[T]]) -> T:
    """``fn`` in a privileged shell of ``agent``."""
    return asyncio.run(in_shell(agent.ssh_port, fn))


def typed(agent, *lines: str) -> list[str]:
    """``configure terminal`` and ``lines`` (answers to questions included) in a new shell: what each printed."""
    return run(agent, lambda shell: configure(shell, *lines))


async def configure(shell: Dialogue, *lines: str) -> list[str]:
    """``configure terminal``, then each line (answers to questions included) with what it printed."""
    await shell.cmd("configure terminal", CONFIG)
    return [await shell.cmd(line, CONFIG, "]: ") for line in lines]


def keys_shown(agent) -> list[tuple[str, int, str]]:
    """(name, bits, usage) of each pair ``show crypto key mypubkey rsa`` lists, in its order."""

    async def show(shell: Dialogue) -> str:
        return await shell.cmd("show crypto key mypubkey rsa")

    return [(m[0], int(m[1]), m[2]) for m in _BLOCK.findall(run(agent, show))]


def test_modulus_given_generates_at_once_then_replaces(agent) -> None:
    first, second = typed(
        agent, "crypto key generate rsa label CM-A modulus 2048", "crypto key generate rsa label CM-A modulus 3072"
    )
    assert re.fullmatch(
        r"The name for the keys will be: CM-A\n\n% The key modulus size is 2048 bits\n"
        r"% Generating 2048 bit RSA keys, keys will be non-exportable\.\.\.\n" + OK,
        printed(first, "crypto key generate rsa label CM-A modulus 2048"),
    ), first
    assert re.fullmatch(
        r"% You already have RSA keys defined named CM-A\.\n% They will be replaced\.\n\n"
        r"% The key modulus size is 3072 bits\n"
        r"% Generating 3072 bit RSA keys, keys will be non-exportable\.\.\.\n" + OK,
        printed(second, "crypto key generate rsa label CM-A modulus 3072"),
    ), second
    assert ("CM-A", 3072, "General") in keys_shown(agent)


def test_without_a_modulus_the_size_is_asked(agent) -> None:
    asked, answered = typed(agent, "crypto key generate rsa label CM-B exportable", "")
    assert asked == (
        "crypto key generate rsa label CM-B exportable\n"
        "The name for the keys will be: CM-B\n" + QUESTION.format(kind="General Purpose Keys")
    )
    assert re.fullmatch(r"% Generating 2048 bit RSA keys, keys will be exportable\.\.\.\n" + OK, printed(answered, ""))
    assert ("CM-B", 2048, "General") in keys_shown(agent)


def test_existing_keys_without_a_modulus_ask_to_replace(agent) -> None:
    _, asked, declined, again, agreed, answered = typed(
        agent,
        "crypto key generate rsa label CM-C modulus 2048",
        "crypto key generate rsa label CM-C",
        "no",
        "crypto key generate rsa label CM-C",
        "yes",
        "4096",
    )
    replace = "% You already have RSA keys defined named CM-C.\n% Do you really want to replace them? [yes/no]: "
    assert asked == "crypto key generate rsa label CM-C\n" + replace
    assert printed(declined, "no") == ""
    assert again == "crypto key generate rsa label CM-C\n" + replace
    assert agreed == "yes\n" + QUESTION.format(kind="General Purpose Keys")  # no name line when replacing
    assert re.fullmatch(
        r"% Generating 4096 bit RSA keys, keys will be non-exportable\.\.\.\n" + OK, printed(answered, "4096")
    )
    assert ("CM-C", 4096, "General") in keys_shown(agent)


def test_usage_keys_ask_once_per_pair(agent) -> None:
    signature, encryption, done = typed(agent, "crypto key generate rsa usage-keys label CM-U", "", "3072")
    assert signature.endswith("The name for the keys will be: CM-U\n" + QUESTION.format(kind="Signature Keys"))
    assert encryption == "\n" + QUESTION.format(kind="Encryption Keys")
    assert re.fullmatch(
        r"% Generating 2048 bit RSA keys, keys will be non-exportable\.\.\.\n" + OK
        + r"% Generating 3072 bit RSA keys, keys will be non-exportable\.\.\.\n" + OK,
        printed(done, "3072"),
    ), done  # fmt: skip
    shown = [k for k in keys_shown(agent) if k[0] == "CM-U"]
    assert shown == [("CM-U", 2048, "Signature"), ("CM-U", 3072, "Encryption")]


@pytest.mark.parametrize(
    "line",
    [
        "crypto key generate rsa usage-keys label CM-SMALL modulus 768",  # the guide's step 4, verbatim
        "crypto key generate rsa modulus 1024",
        "cry k g r lab CM-SMALL mod 512",
        "crypto key generate rsa label CM-SMALL modulus 8192",
    ],
)
def test_a_modulus_outside_2048_4096_is_invalid_input_in_both_modes(agent, line: str) -> None:
    """17.x (CLI reference §1.4): the caret under the number, in configuration and in exec mode; no key."""

    async def dialogue(shell: Dialogue) -> tuple[str, str]:
        config = (await configure(shell, line))[0]
        await shell.cmd("end")
        return config, await shell.cmd(line)

    config, exec_ = run(agent, dialogue)
    column = line.rindex(" ") + 1
    assert printed(config, line) == " " * (len(CONFIG) + column) + "^\n% Invalid input detected at '^' marker.\n\n"
    assert printed(exec_, line, "Router#") == (
        " " * (len("Router#") + column) + "^\n% Invalid input detected at '^' marker.\n\n"
    )
    assert not [k for k in keys_shown(agent) if k[0] == "CM-SMALL"]


def test_an_answer_outside_2048_4096_generates_nothing(agent) -> None:
    _, answered = typed(agent, "crypto key generate rsa label CM-ANSWER", "768")
    assert printed(answered, "768") == "% Invalid modulus size. Choose a key modulus in the range of 2048 to 4096.\n"
    assert not [k for k in keys_shown(agent) if k[0] == "CM-ANSWER"]


def test_zeroize_dialogue(agent) -> None:
    question = (
        "% Keys to be removed are named 'CM-Z'.\n% All router certs issued using these keys will also be removed.\n"
        "Do you really want to remove these keys? [yes/no]: "
    )

    missing, _, asked, declined, again, agreed = typed(
        agent,
        "crypto key zeroize rsa CM-NO-SUCH-KEY",
        "crypto key generate rsa usage-keys label CM-Z modulus 2048",
        "crypto key zeroize rsa CM-Z",
        "no",
        "crypto key zeroize rsa CM-Z",
        "yes",
    )
    assert printed(missing, "crypto key zeroize rsa CM-NO-SUCH-KEY") == "% RSA keypair CM-NO-SUCH-KEY does not exist.\n"
    assert asked == "crypto key zeroize rsa CM-Z\n" + question
    assert printed(declined, "no") == "" and again == "crypto key zeroize rsa CM-Z\n" + question
    assert printed(agreed, "yes") == ""
    assert not [k for k in keys_shown(agent) if k[0] == "CM-Z"]
    agent.wait_for_output("%CRYPTO_ENGINE-5-KEY_DELETED: A key named CM-Z has been removed from key storage", count=2)


def test_exec_mode_generates_in_the_background(agent) -> None:
    async def given(shell: Dialogue) -> str:
        return await shell.cmd("crypto key generate rsa label CM-EXEC modulus 2048")

    async def asked(shell: Dialogue) -> list[str]:
        return [await shell.cmd(line, "]: ", "#") for line in ("crypto key generate rsa label CM-EXEC", "yes", "")]

    out = run(agent, given)
    assert printed(out, "crypto key generate rsa label CM-EXEC modulus 2048", "Router#") == (
        "The name for the keys will be: CM-EXEC\n\n% The key modulus size is 2048 bits\n"
        "% Generating crypto RSA keys in background ...\n"
    )
    agent.wait_for_output("%CRYPTO_ENGINE-5-KEY_ADDITION: A key named CM-EXEC has been generated")  # done later
    replace, question, answered = run(agent, asked)
    assert replace.endswith(
        "% You already have RSA keys defined named CM-EXEC.\n% Do you really want to replace them? [yes/no]: "
    )
    assert question == "yes\n" + QUESTION.format(kind="General Purpose Keys")
    assert printed(answered, "", "Router#") == "% Generating crypto RSA keys in background ...\n"
    agent.wait_for_output("%CRYPTO_ENGINE-5-KEY_ADDITION: A key named CM-EXEC has been generated", count=2)
    assert ("CM-EXEC", 2048, "General") in keys_shown(agent)


def test_the_default_name_needs_a_domain(agent) -> None:
    _, refused, _ = typed(
        agent, "no ip domain name", "crypto key generate rsa modulus 2048", "ip domain name lab.local"
    )
    assert printed(refused, "crypto key generate rsa modulus 2048") == "% Please define a domain-name first.\n"


def test_a_key_line_typed_in_a_sub_mode_leaves_it(agent) -> None:
    async def dialogue(shell: Dialogue) -> list[str]:
        await shell.cmd("configure terminal", CONFIG)
        await shell.cmd("line vty 0 4", "(config-line)#")
        return [await shell.cmd("crypto key generate rsa label CM-SUB modulus 2048", CONFIG, "(config-line)#")]

    (out,) = run(agent, dialogue)
    assert out.endswith(CONFIG) and "The name for the keys will be: CM-SUB\n" in out
