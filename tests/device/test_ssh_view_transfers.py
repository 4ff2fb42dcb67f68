"""The SSH view's facts about transfers and the device's own connections (pure): ``ip ssh bulk-mode [W]``,
``ip ssh source-interface IF`` and ``ip ssh port P rotary A [B]``, with and without the command."""

from __future__ import annotations

import pytest
from lxml import etree
from namespaces import IOS, NC

from iosxe_agent.device import views


def ssh(body: str) -> views.SshView:
    tree = etree.fromstring(f'<config xmlns="{NC}"><native xmlns="{IOS}"><ip><ssh>{body}</ssh></ip></native></config>')
    return views.ssh(tree)


@pytest.mark.parametrize(
    ("body", "window"),
    [
        ("", None),  # no command: no bulk window (the library's own)
        ("<bulk-mode/>", 131072),  # `ip ssh bulk-mode`: 17.12.1's default window
        ("<bulk-mode><window-size>1048576</window-size></bulk-mode>", 1048576),
    ],
)
def test_bulk_mode_window(body: str, window: int | None) -> None:
    assert ssh(body).bulk_window == window


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ("", None),
        ("<source-interface-config><Loopback>300</Loopback></source-interface-config>", "Loopback300"),
        ("<source-interface-config><GigabitEthernet>0/0/1</GigabitEthernet></source-interface-config>",
         "GigabitEthernet0/0/1"),
    ],
)  # fmt: skip
def test_source_interface_is_named_as_ios_names_it(body: str, name: str | None) -> None:
    assert ssh(body).source_interface == name


def test_rotary_ports_and_the_lines_they_take() -> None:
    tree = etree.fromstring(
        f'<config xmlns="{NC}"><native xmlns="{IOS}">'
        "<ip><ssh><port><port-no>2001</port-no><low-rotary>1</low-rotary></port>"
        "<port><port-no>2002</port-no><low-rotary>2</low-rotary><high-rotary>3</high-rotary></port></ssh></ip>"
        "<line><vty><first>0</first><last>4</last></vty>"
        "<vty><first>5</first><last>6</last><rotary>3</rotary></vty></line></native></config>"
    )
    view = views.ssh(tree)
    assert view.rotary_ports == (views.RotaryPort(2001, 1, 1), views.RotaryPort(2002, 2, 3))
    plain, grouped = view.vty
    assert (plain.rotary, grouped.rotary) == (None, 3)
    assert [p.takes(grouped) for p in view.rotary_ports] == [False, True]
    assert not any(p.takes(plain) for p in view.rotary_ports)
