"""``show platform software yang-management process``: the model-driven programmability processes of 17.12 and
whether each runs, as the configuration has them run.

On IOS XE the DMI processes (``confd``, ``nesd``, ``syncfd``, ``dmiauthd``, ``ndbmand``, ``pubd``) run while any
model-driven interface is configured (``netconf-yang``, ``restconf``, ``gnmi-yang``); ``ncsshd`` (NETCONF's SSH
server) only with ``netconf-yang``; ``nginx`` (the web server RESTCONF sits behind) with ``ip http server`` or
``ip http secure-server``; ``gnmib`` (the gNMI broker) with ``gnmi-yang``. Operators read it to see why a face does
not answer. Pure: the configuration's views in, IOS's text out.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from iosxe_agent.device import views

#: 17.12's processes, in the order it lists them
PROCESSES = ("confd", "nesd", "syncfd", "ncsshd", "dmiauthd", "nginx", "ndbmand", "pubd", "gnmib")
_NAME_WIDTH = 17


@dataclass(frozen=True, slots=True)
class Programmability:
    """Which model-driven interfaces the configuration turns on."""

    netconf: bool = False
    restconf: bool = False
    web_server: bool = False
    gnmi: bool = False


def programmability(running: etree._Element) -> Programmability:
    """What ``running`` turns on."""
    web = views.restconf(running)
    return Programmability(
        netconf=views.netconf(running).enabled,
        restconf=web.restconf,
        web_server=web.http_server or web.secure_server,
        gnmi=views.gnmi(running).enable,
    )


def running_processes(on: Programmability) -> frozenset[str]:
    """The processes that run for ``on``."""
    running = set()
    if on.netconf or on.restconf or on.gnmi:
        running |= {"confd", "nesd", "syncfd", "dmiauthd", "ndbmand", "pubd"}
    if on.netconf:
        running.add("ncsshd")
    if on.web_server:
        running.add("nginx")
    if on.gnmi:
        running.add("gnmib")
    return frozenset(running)


def show_yang_management_process(on: Programmability) -> str:
    """The command's output: one line per process (IOS pads the state with a space)."""
    up = running_processes(on)
    return "\n".join(f"{name:<{_NAME_WIDTH}}: {'Running' if name in up else 'Not Running'} " for name in PROCESSES)
