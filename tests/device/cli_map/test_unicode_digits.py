"""A digit that is not ASCII is not a number to the CLI: neither one ``int()`` refuses (``²``, ``¹``: Unicode calls
them digits, not decimals), which used to raise from the parser (found by ``test_printable_proven.py``: a privilege
``¹`` read back), nor another script's decimal (``٣``), which ``int()`` reads as 3 and IOS refuses. The line is
refused where the number goes, as any other word there."""

from __future__ import annotations

import pytest

from iosxe_agent.device.cli_map import CONFIG_MODE, parse_line
from iosxe_agent.device.cli_map.help import UNRECOGNIZED, complete, help_lines
from iosxe_agent.device.cli_map.syntax import Interface, Number


@pytest.mark.parametrize("text", ["²", "¹5", "1²", "-²", "٣²", "٣", "1٣", "-٣", "\uff11"])
def test_a_digit_that_is_no_decimal_is_no_number(text: str) -> None:
    assert Number(-5, 15).convert(text) is None
    assert Interface.checked("GigabitEthernet", text) is None


@pytest.mark.parametrize(
    ("line", "column"),
    [
        ("ip ssh time-out ²", 16),
        ("username a privilege ¹", 21),
        ("username a privilege ٣", 21),
        ("interface GigabitEthernet²", 10),
        ("interface GigabitEthernet٣", 10),
    ],
)
def test_the_cli_refuses_the_line_at_the_number(line: str, column: int) -> None:
    error = parse_line(line, CONFIG_MODE, None).error
    assert error is not None and (error.kind, error.column) == ("invalid", column)


def test_help_and_completion_do_not_take_it_for_a_number() -> None:
    for number in ("²", "٣"):
        assert help_lines(f"ip ssh time-out {number}", CONFIG_MODE) == [UNRECOGNIZED]
        assert complete(f"ip ssh time-out {number}", CONFIG_MODE) is None
