"""The grammar of the exec command ``ssh``: every option, in any order, through the shared matcher (so ``?``, the
caret and ``% Incomplete`` are IOS's), and the parsed arguments the client is given."""

from __future__ import annotations

import itertools

import pytest

from iosxe_agent.cli.exec_cmds import exec_tree
from iosxe_agent.cli.parser import Error, Match, help_lines, match
from iosxe_agent.cli.ssh_client_args import SshArgs, no_match_message, no_match_of_offer, parse_args

ROOT = exec_tree()


def parsed(line: str, privilege: int = 1) -> SshArgs:
    found = match(ROOT, line, privilege)
    assert isinstance(found, Match), (line, found)
    return parse_args(found.args)


def error(line: str) -> Error:
    found = match(ROOT, line, 1)
    assert isinstance(found, Error), (line, found)
    return found


def test_the_guides_two_examples() -> None:
    first = parsed("ssh -v 2 -c aes256-ctr -m hmac-sha1-96 -l user2 127.0.0.24")
    assert first == SshArgs(host="127.0.0.24", user="user2", version=2, cipher="aes256-ctr", mac="hmac-sha1-96")
    assert first.encryption_algs == ("aes256-ctr",) and first.mac_algs == ("hmac-sha1-96",)
    second = parsed("ssh -v 2 -c aes256-cbc -m hmac-sha1-160 -l shaship 127.0.0.24")
    assert second.encryption_algs == ("aes256-cbc",) and second.mac_algs == ("hmac-sha1",)  # IOS's -160 = hmac-sha1


def test_every_option_in_every_order() -> None:
    options = [
        ["-v", "2"],
        ["-c", "3des"],
        ["-m", "hmac-md5-128"],
        ["-l", "lab"],
        ["-o", "numberofpasswordprompts", "5"],
    ]
    options += [["-p", "2022"], ["-vrf", "Mgmt-intf"]]
    want = SshArgs(host="h1", user="lab", port=2022, cipher="3des", mac="hmac-md5-128", prompts=5, vrf="Mgmt-intf")
    for order in itertools.islice(itertools.permutations(options), 0, None, 97):  # 52 of the 5,040 orders
        line = "ssh " + " ".join(itertools.chain.from_iterable(order)) + " h1"
        assert parsed(line) == want, line
    assert want.encryption_algs == ("3des-cbc",) and want.mac_algs == ("hmac-md5",)


def test_defaults_abbreviations_and_the_remote_command() -> None:
    assert parsed("ssh 127.0.0.1") == SshArgs(host="127.0.0.1")
    assert parsed("ssh -vr Mgmt-intf -o numb 1 -p 1 h") == SshArgs(host="h", vrf="Mgmt-intf", prompts=1, port=1)
    assert parsed("ssh -c aes128-ct -m hmac-sha1-9 h").cipher == "aes128-ctr"
    assert parsed("SSH -L Lab H").user == "Lab"  # keywords in any case; values as typed
    # everything after the host is the remote command, options included, as typed
    cmd = parsed("ssh -l lab h show  running-config | include -l x ")
    assert cmd.host == "h" and cmd.command == "show  running-config | include -l x"
    assert parsed("ssh -l lab:rotary1 h").user == "lab:rotary1"  # reverse SSH: the server reads it
    assert parsed("ssh -v 1 h").version == 1


@pytest.mark.parametrize(
    ("line", "column"),
    [
        ("ssh -c foo h", 7),  # not a cipher: caret under its first letter
        ("ssh -m hmac-sha2-256 h", 7),
        ("ssh -l a -l b h", 9),  # an option once only
        ("ssh -x h", 4),
        ("ssh -v 3 h", 7),
        ("ssh -o numberofpasswordprompts 6 h", 31),  # 1-5
        ("ssh -o x 3 h", 7),
        ("ssh -p 0 h", 7),
        ("ssh -p 65536 h", 7),
        ("ssh -l a -bogus", 9),
    ],
)
def test_bad_words_get_the_caret(line: str, column: int) -> None:
    found = error(line)
    assert (found.kind, found.column) == ("invalid", column)
    assert found.render(7).splitlines() == [" " * (7 + column) + "^", "% Invalid input detected at '^' marker."]


def test_incomplete_and_ambiguous() -> None:
    for line in ("ssh", "ssh -l", "ssh -l lab -p", "ssh -o", "ssh -o numberofpasswordprompts", "ssh -c"):
        assert error(line).kind == "incomplete", line
    assert error("ssh - h").kind == "ambiguous"  # every option starts so
    assert (error("ssh -c aes256-c h").kind, error("ssh -c aes256-c h").column) == ("invalid", 7)  # -cbc or -ctr


def test_help_after_each_word() -> None:
    first = help_lines(ROOT, "ssh ", 1)
    assert [line.split()[0] for line in first] == ["-c", "-l", "-m", "-o", "-p", "-v", "-vrf", "WORD"]
    assert "IP address or hostname of a remote system" in first[-1]
    after_user = [line.split()[0] for line in help_lines(ROOT, "ssh -l lab ", 1)]
    assert "-l" not in after_user and "-p" in after_user and "WORD" in after_user
    [ciphers] = help_lines(ROOT, "ssh -c ", 1)
    assert ciphers.split(None, 1) == [
        "WORD",
        "One of 3des, aes128-cbc, aes128-ctr, aes192-cbc, aes192-ctr, aes256-cbc, aes256-ctr",
    ]
    [macs] = help_lines(ROOT, "ssh -m ", 1)
    assert macs.split(None, 1) == ["WORD", "One of hmac-md5-128, hmac-md5-96, hmac-sha1-160, hmac-sha1-96"]
    [prompts] = help_lines(ROOT, "ssh -o ", 1)
    assert prompts.startswith("  numberofpasswordprompts")
    assert [line.split()[0] for line in help_lines(ROOT, "ssh -l lab h ", 1)] == ["LINE", "<cr>"]


def test_parse_args_refuses_what_the_matcher_never_hands_over() -> None:
    for words in [(), ("-l",), ("-l", "a"), ("-p", "x", "h"), ("-o", "numberofpasswordprompts", "9", "h")]:
        with pytest.raises(ValueError):
            parse_args(words)


def test_negotiation_failures_become_ios_no_match_lines() -> None:
    reason = "No matching MAC algorithm found, sent hmac-sha1-96 and received hmac-sha2-256,hmac-sha2-512"
    assert no_match_message(reason) == (
        "%SSH-3-NO_MATCH: No matching hmac found: client hmac-sha1-96 server hmac-sha2-256,hmac-sha2-512"
    )
    reason = "No matching encryption algorithm found, sent aes256-cbc and received aes128-ctr"
    assert no_match_message(reason) == "%SSH-3-NO_MATCH: No matching cipher found: client aes256-cbc server aes128-ctr"
    assert no_match_message("Connection lost") is None


def test_no_match_from_the_servers_offer() -> None:
    """When the server resets the connection before its KEXINIT is read, the client reads it again and names
    what did not match."""
    guide = SshArgs(host="h", cipher="aes256-cbc", mac="hmac-sha1-160")
    ios_default = (("aes128-ctr", "aes256-ctr"), ("hmac-sha2-256-etm@openssh.com",))
    assert no_match_of_offer(guide, *ios_default) == (
        "%SSH-3-NO_MATCH: No matching cipher found: client aes256-cbc server aes128-ctr,aes256-ctr"
    )
    assert no_match_of_offer(guide, ("aes256-cbc",), ("hmac-sha2-256",)) == (
        "%SSH-3-NO_MATCH: No matching hmac found: client hmac-sha1 server hmac-sha2-256"
    )
    assert no_match_of_offer(guide, ("aes256-cbc",), ("hmac-sha1",)) is None
    assert no_match_of_offer(SshArgs(host="h"), (), ()) is None  # nothing restricted: nothing to name


def test_a_level_0_session_cannot_use_ssh() -> None:
    """IOS's level 0 has only a handful of commands; ``ssh`` is level 1 (the matcher's visibility test walks the
    whole grammar to find that out, hence one value node per option: see the module's docstring)."""
    assert all(not line.split() or line.split()[0] != "ssh" for line in help_lines(ROOT, "", 0))
    found = error_at("ssh -l lab h", 0)
    assert found.kind == "invalid"


def error_at(line: str, privilege: int) -> Error:
    found = match(ROOT, line, privilege)
    assert isinstance(found, Error), found
    return found
