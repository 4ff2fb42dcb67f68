"""Numbers are ASCII digits everywhere (iosxe_agent.digits): a superscript no longer raises where a field's own
error belongs, and another script's digit is not read as a number."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iosxe_agent.cli.parser import _range_check
from iosxe_agent.cli.scp_copy import parse_scp_url
from iosxe_agent.device.snmp import line_number
from iosxe_agent.digits import ascii_digits

NOT_ASCII = ["²", "¹5", "٣", "1٣", "\uff11"]


@given(st.text(max_size=8))
def test_ascii_digits_is_what_int_reads_from_0_to_9(text: str) -> None:
    assert ascii_digits(text) == (text != "" and all(c in "0123456789" for c in text))
    if ascii_digits(text):
        assert str(int(text)) == text.lstrip("0") or int(text) == 0


@pytest.mark.parametrize("text", NOT_ASCII)
def test_the_exec_parser_refuses_them_in_a_range(text: str) -> None:
    check = _range_check("<0-15>")
    assert check is not None and not check(text) and check("15")


@pytest.mark.parametrize("text", NOT_ASCII)
def test_an_scp_url_port_of_them_is_no_url(text: str) -> None:
    assert parse_scp_url(f"scp://u@127.0.0.1:{text}/f") is None
    assert parse_scp_url("scp://u@127.0.0.1:2222/f") is not None


@pytest.mark.parametrize("text", NOT_ASCII)
def test_a_line_name_with_them_is_no_line_number(text: str) -> None:
    with pytest.raises(ValueError, match="line"):
        line_number(f"vty {text}")
