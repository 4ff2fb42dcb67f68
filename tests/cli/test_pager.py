"""Output filters and paging."""

from __future__ import annotations

from agent.cli.pager import OutputFilter, apply_filters, pages, split_pipe

CONFIG = (
    "hostname R1\n!\nip ssh time-out 60\nip ssh version 2\n!\n"
    "line vty 0 4\n transport input ssh\n exec-timeout 5 0\n!\nend"
)


def test_split_pipe() -> None:
    assert split_pipe("show run") == ("show run", [])
    assert split_pipe("show run | inc ssh") == ("show run", [OutputFilter("include", "ssh")])
    assert split_pipe("show run | sec line | count") == (
        "show run",
        [OutputFilter("section", "line"), OutputFilter("count", "")],
    )
    assert split_pipe("show run | include")[1] == "incomplete"


def test_filters() -> None:
    assert apply_filters(CONFIG, [OutputFilter("include", "ssh")]).splitlines() == [
        "ip ssh time-out 60",
        "ip ssh version 2",
        " transport input ssh",
    ]
    assert "hostname" not in apply_filters(CONFIG, [OutputFilter("exclude", "hostname")])
    assert apply_filters(CONFIG, [OutputFilter("begin", "^line")]).startswith("line vty 0 4")
    assert apply_filters(CONFIG, [OutputFilter("section", "line vty")]).splitlines() == [
        "line vty 0 4",
        " transport input ssh",
        " exec-timeout 5 0",
    ]
    assert apply_filters(CONFIG, [OutputFilter("count", "ssh")]) == "Number of lines which match regexp = 3"


def test_pages() -> None:
    text = "\n".join(str(i) for i in range(50))
    assert pages(text, 0) == [text]
    screens = pages(text, 24)
    assert len(screens) == 3 and screens[0].splitlines() == [str(i) for i in range(23)]
