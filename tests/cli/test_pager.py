"""Output filters and paging."""

from __future__ import annotations

from iosxe_agent.cli.pager import OutputFilter, apply_filters, pages, split_pipe

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
    assert split_pipe("show run |")[1] == "10"
    assert split_pipe("show run | bogus x")[1] == "11"


def test_bar_inside_a_filter_is_alternation() -> None:
    """``| include transport|Allowed`` is one regex (a real 17.x capture); `` | KIND`` starts another stage."""
    assert split_pipe("show line vty 0 | include transport|Allowed") == (
        "show line vty 0",
        [OutputFilter("include", "transport|Allowed")],
    )
    assert split_pipe("show run | include (a|aa)*b | count") == (
        "show run",
        [OutputFilter("include", "(a|aa)*b"), OutputFilter("count", "")],
    )
    assert split_pipe("show run | include a |x") == ("show run", [OutputFilter("include", "a |x")])
    assert split_pipe("show run | include a | exc b | begin c") == (
        "show run",
        [OutputFilter("include", "a"), OutputFilter("exclude", "b"), OutputFilter("begin", "c")],
    )


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
