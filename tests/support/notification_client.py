"""Reading NETCONF notifications from an ncclient session in tests: wait for the one a test expects.

``tests/support`` is on pytest's ``pythonpath`` (pyproject), so test modules import this by name.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from lxml import etree
from namespaces import NOTIF

Predicate = Callable[[etree._Element], bool]


def take(m, pred: Predicate = lambda _m: True, timeout: float = 10.0) -> etree._Element:
    """The next notification on ``m`` that ``pred`` accepts (skipping others); fails after ``timeout``."""
    deadline = time.monotonic() + timeout
    seen: list[str] = []
    while (left := deadline - time.monotonic()) > 0:
        n = m.take_notification(timeout=left)
        if n is None:
            break
        msg = etree.fromstring(n.notification_xml.encode())
        assert etree.QName(msg).text == f"{{{NOTIF}}}notification"
        assert msg[0].tag == f"{{{NOTIF}}}eventTime"
        if pred(msg):
            return msg
        seen.append(etree.QName(msg[1]).localname)
    raise AssertionError(f"no matching notification within {timeout} s; other notifications: {seen}")


def nothing(m, pred: Predicate = lambda _m: True, timeout: float = 2.0) -> None:
    """No notification that ``pred`` accepts arrives on ``m`` within ``timeout``."""
    with pytest.raises(AssertionError, match="no matching notification"):
        msg = take(m, pred, timeout)
        raise RuntimeError(f"unexpected notification: {etree.tostring(msg).decode()}")
