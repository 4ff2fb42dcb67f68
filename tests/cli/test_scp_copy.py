"""``scp:`` URLs and IOS XE's questions about them (pure, with a scripted terminal)."""

from __future__ import annotations

import pytest

from iosxe_agent.cli.scp_copy import ScpUrl, ask_destination, ask_source, local_name, parse_scp_url, valid_host


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("scp:", ScpUrl()),
        ("scp://127.0.0.1", ScpUrl(host="127.0.0.1")),
        ("scp://admin@127.0.0.1", ScpUrl("admin", None, "127.0.0.1")),
        ("scp://u:p@w:rd@h:2022/dir/f.cfg", ScpUrl("u", "p@w:rd", "h", 2022, "dir/f.cfg")),
        ("SCP://u:@h//abs/f", ScpUrl("u", "", "h", 22, "/abs/f")),
    ],
)
def test_parse_scp_url(text: str, url: ScpUrl) -> None:
    assert parse_scp_url(text) == url


@pytest.mark.parametrize("text", ["tftp://h/f", "scp:/h/f", "scp://h:port/f", "scp://h:0/f", "scp://h:70000/f"])
def test_not_an_scp_url(text: str) -> None:
    assert parse_scp_url(text) is None


def test_the_password_is_never_printed_back() -> None:
    assert str(parse_scp_url("scp://u:secret@h:2022/f")) == "scp://u@h:2022/f"
    assert str(parse_scp_url("scp://h/f")) == "scp://h/f"


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "backup.example", "r1"])
def test_valid_hosts(host: str) -> None:
    assert valid_host(host)


@pytest.mark.parametrize("host", ["", "bad_host", "a..b", "-a.b", "127.0.0.300", "x;Mgmt-intf"])
def test_invalid_hosts(host: str) -> None:
    assert not valid_host(host)


class Terminal:
    """Answers questions in order and remembers them."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.asked: list[str] = []

    async def __call__(self, prompt: str, echo: bool) -> str:
        self.asked.append(prompt)
        return self.answers.pop(0)


async def test_a_complete_source_is_not_asked_about() -> None:
    term = Terminal()
    url = ScpUrl("admin", None, "127.0.0.1", 22, "f.bin")
    assert await ask_source(term, url, "me", quiet=False) == url
    assert term.asked == []


async def test_an_incomplete_source_is_asked_about_all_three_parts() -> None:
    term = Terminal("", "bob", "")
    url = await ask_source(term, ScpUrl("admin", None, "127.0.0.1", 22, ""), "me", quiet=False)
    assert term.asked == [
        "Address or name of remote host [127.0.0.1]? ",
        "Source username [admin]? ",
        "Source filename []? ",
    ]
    assert (url.host, url.user, url.path) == ("127.0.0.1", "bob", "")


async def test_a_destination_is_always_confirmed_and_quiet_asks_only_what_is_missing() -> None:
    term = Terminal("", "", "r1.cfg")
    url = await ask_destination(term, ScpUrl(host="127.0.0.1"), "me", "r1-confg", quiet=False)
    assert term.asked == [
        "Address or name of remote host [127.0.0.1]? ",
        "Destination username [me]? ",
        "Destination filename [r1-confg]? ",
    ]
    assert (url.host, url.user, url.path) == ("127.0.0.1", "me", "r1.cfg")
    quiet = Terminal("127.0.0.2")
    url = await ask_destination(quiet, ScpUrl(), "me", "r1-confg", quiet=True)
    assert quiet.asked == ["Address or name of remote host []? "]
    assert (url.host, url.user, url.path) == ("127.0.0.2", "me", "r1-confg")


@pytest.mark.parametrize(
    ("path", "name"), [("dir/r1.cfg", "r1.cfg"), ("flash:r1-confg", "flash:r1-confg"), ("..", "config"), ("", "config")]
)
def test_the_local_name_of_a_sent_configuration_never_leaves_its_directory(path: str, name: str) -> None:
    assert local_name(ScpUrl(host="h", path=path)) == name
