"""``show interfaces [NAME]``, ``show interfaces description``, ``show ip interface [NAME]``, ``show ip interface
brief`` and ``show running-config interface NAME``, as a c8000v on 17.12 prints them, from the configured
interfaces (``views.interfaces``).

The layouts are a real c8000v's (``Hardware is vNIC``, ``media type is Virtual``, the counter block), which is
what NAPALM's ``get_interfaces``, ntc-templates (``cisco_ios_show_interfaces``,
``cisco_ios_show_ip_interface_brief``) and genie (``ShowInterfaces``, ``ShowIpInterfaceBrief``: fixed columns
read from the header) parse. State: an interface is up unless ``shutdown`` (a Port-channel without members has
its line protocol down); a DHCP client never gets a lease, so its address is ``unassigned``. Counters are 0: the
interfaces carry no traffic. MAC addresses are derived from the device's serial number, so they are stable across
calls and restarts and differ between devices.
"""

from __future__ import annotations

import hashlib
import ipaddress

from iosxe_agent.cli.context import CliSession
from iosxe_agent.cli.parser import Error, Node, add
from iosxe_agent.device import views
from iosxe_agent.device.cli_map.render import render_lines
from iosxe_agent.device.cli_map.syntax import Interface
from iosxe_agent.device.views.interface_view import InterfaceConfig, InterfacesView

#: IOS's short names (``show interfaces description``).
SHORT = {
    "GigabitEthernet": "Gi", "TwoGigabitEthernet": "Tw", "FiveGigabitEthernet": "Fi", "TenGigabitEthernet": "Te",
    "TwentyFiveGigE": "Twe", "FortyGigabitEthernet": "Fo", "HundredGigE": "Hu", "AppGigabitEthernet": "Ap",
    "Loopback": "Lo", "Port-channel": "Po", "Vlan": "Vl",
}  # fmt: skip
#: Bandwidth in Kbit/sec and the speed word of each Ethernet type.
SPEED = {
    "GigabitEthernet": (1000000, "1000Mbps"), "TwoGigabitEthernet": (2500000, "2500Mbps"),
    "FiveGigabitEthernet": (5000000, "5000Mbps"), "TenGigabitEthernet": (10000000, "10000Mbps"),
    "TwentyFiveGigE": (25000000, "25000Mbps"), "FortyGigabitEthernet": (40000000, "40000Mbps"),
    "HundredGigE": (100000000, "100000Mbps"), "AppGigabitEthernet": (1000000, "1000Mbps"),
}  # fmt: skip
HARDWARE = {
    "Port-channel": "EtherChannel",
    "Vlan": "Ethernet SVI",
    "AppGigabitEthernet": "App-hosting Gigabit Ethernet",
}
_BRIEF_HEADER = "Interface              IP-Address      OK? Method Status                Protocol"
_DESCRIPTION_HEADER = "Interface                      Status         Protocol Description"


def mac_of(serial: str, name: str) -> str:
    """A stable MAC for interface ``name`` of the device with this serial, in IOS's dotted form, under QEMU's
    ``52:54:00`` prefix as a c8000v on KVM shows."""
    digest = hashlib.sha256(f"{serial}/{name}".encode()).hexdigest()
    return f"5254.00{digest[:2]}.{digest[2:6]}"


def _states(i: InterfaceConfig) -> tuple[str, str]:
    """(status, line protocol) as ``show interfaces`` words them."""
    if i.shutdown:
        return "administratively down", "down"
    return "up", "down" if i.kind == "Port-channel" else "up"


def _prefix_length(mask: str) -> int:
    return ipaddress.IPv4Network(f"0.0.0.0/{mask}").prefixlen


def _address_lines(i: InterfaceConfig) -> list[str]:
    if i.address is not None:
        address, mask = i.address
        lines = [f"  Internet address is {address}/{_prefix_length(mask)}"]
        lines += [f"  Secondary address {a}/{_prefix_length(m)}" for a, m in i.secondaries]
        return lines
    return ["  Internet address will be negotiated using DHCP"] if i.dhcp else []


_COUNTERS_IN = (
    "  5 minute input rate 0 bits/sec, 0 packets/sec",
    "  5 minute output rate 0 bits/sec, 0 packets/sec",
    "     0 packets input, 0 bytes, 0 no buffer",
    "     Received 0 broadcasts (0 IP multicasts)",
    "     0 runts, 0 giants, 0 throttles",
)


def _one(i: InterfaceConfig, serial: str) -> list[str]:
    """The ``show interfaces`` block of one interface."""
    status, protocol = _states(i)
    lines = [f"{i.name} is {status}, line protocol is {protocol} "]
    if i.kind == "Loopback":
        lines.append("  Hardware is Loopback")
    else:
        mac = mac_of(serial, i.parent)  # a subinterface has its port's address
        lines.append(f"  Hardware is {HARDWARE.get(i.kind, 'vNIC')}, address is {mac} (bia {mac})")
    if i.description:
        lines.append(f"  Description: {i.description}")
    lines += _address_lines(i)
    if i.kind == "Loopback":
        lines += [
            f"  MTU {i.effective_mtu} bytes, BW 8000000 Kbit/sec, DLY 5000 usec,",
            "     reliability 255/255, txload 1/255, rxload 1/255",
            "  Encapsulation LOOPBACK, loopback not set",
            "  Keepalive set (10 sec)",
            "  Last input never, output never, output hang never",
            '  Last clearing of "show interface" counters never',
            "  Input queue: 0/75/0/0 (size/max/drops/flushes); Total output drops: 0",
            "  Queueing strategy: fifo",
            "  Output queue: 0/0 (size/max)",
            *_COUNTERS_IN,
            "     0 input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored, 0 abort",
            "     0 packets output, 0 bytes, 0 underruns",
            "     Output 0 broadcasts (0 IP multicasts)",
            "     0 output errors, 0 collisions, 0 interface resets",
            "     0 unknown protocol drops",
            "     0 output buffer failures, 0 output buffers swapped out",
        ]
        return lines
    bandwidth, speed = SPEED.get(i.kind, (1000000, "1000Mbps"))
    if i.dot1q is not None:  # a subinterface: its VLAN, no counters of its own
        return [
            *lines,
            f"  MTU {i.effective_mtu} bytes, BW {bandwidth} Kbit/sec, DLY 10 usec,",
            "     reliability 255/255, txload 1/255, rxload 1/255",
            f"  Encapsulation 802.1Q Virtual LAN, Vlan ID  {i.dot1q}.",
            "  ARP type: ARPA, ARP Timeout 04:00:00",
            "  Keepalive set (10 sec)",
            '  Last clearing of "show interface" counters never',
        ]
    lines += [
        f"  MTU {i.effective_mtu} bytes, BW {bandwidth} Kbit/sec, DLY 10 usec,",
        "     reliability 255/255, txload 1/255, rxload 1/255",
        "  Encapsulation ARPA, loopback not set",
        "  Keepalive set (10 sec)",
    ]
    if i.kind in SPEED:
        lines += [
            f"  Full Duplex, {speed}, link type is auto, media type is Virtual",
            "  output flow-control is unsupported, input flow-control is unsupported",
        ]
    lines += [
        "  ARP type: ARPA, ARP Timeout 04:00:00",
        "  Last input never, output never, output hang never",
        '  Last clearing of "show interface" counters never',
        "  Input queue: 0/375/0/0 (size/max/drops/flushes); Total output drops: 0",
        "  Queueing strategy: fifo",
        "  Output queue: 0/40 (size/max)",
        *_COUNTERS_IN,
        "     0 input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored",
        "     0 watchdog, 0 multicast, 0 pause input",
        "     0 packets output, 0 bytes, 0 underruns",
        "     Output 0 broadcasts (0 IP multicasts)",
        "     0 output errors, 0 collisions, 0 interface resets",
        "     0 unknown protocol drops",
        "     0 babbles, 0 late collision, 0 deferred",
        "     0 lost carrier, 0 no carrier, 0 pause output",
        "     0 output buffer failures, 0 output buffers swapped out",
    ]
    return lines


def show_interfaces(view: InterfacesView, serial: str, only: InterfaceConfig | None = None) -> str:
    """``show interfaces`` (every interface, or ``only`` one)."""
    chosen = view.interfaces if only is None else (only,)
    return "\n".join(line for i in chosen for line in _one(i, serial))


#: What ``show ip interface`` reports of the features the agent does not forward with: IOS's defaults.
_IP_FEATURES = (
    "  Helper address is not set",
    "  Directed broadcast forwarding is disabled",
)
_IP_FEATURES_AFTER_SECONDARIES = (
    "  Outgoing Common access list is not set ",
    "  Outgoing access list is not set",
    "  Inbound Common access list is not set ",
    "  Inbound  access list is not set",
    "  Proxy ARP is enabled",
    "  Local Proxy ARP is disabled",
    "  Security level is default",
    "  Split horizon is enabled",
    "  ICMP redirects are always sent",
    "  ICMP unreachables are always sent",
    "  ICMP mask replies are never sent",
    "  IP fast switching is enabled",
    "  IP Flow switching is disabled",
    "  IP CEF switching is enabled",
    "  IP CEF switching turbo vector",
    "  IP Null turbo vector",
)
_IP_FEATURES_TAIL = (
    "  Associated unicast routing topologies:",
    '        Topology "base", operation state is {state}',
    "  IP multicast fast switching is enabled",
    "  IP multicast distributed fast switching is disabled",
    "  IP route-cache flags are Fast, CEF",
    "  Router Discovery is disabled",
    "  IP output packet accounting is disabled",
    "  IP access violation accounting is disabled",
    "  TCP/IP header compression is disabled",
    "  RTP/IP header compression is disabled",
    "  Probe proxy name replies are disabled",
    "  Policy routing is disabled",
    "  Network address translation is disabled",
    "  BGP Policy Mapping is disabled",
    "  Input features: MCI Check",
    "  IPv4 WCCP Redirect outbound is disabled",
    "  IPv4 WCCP Redirect inbound is disabled",
    "  IPv4 WCCP Redirect exclude is disabled",
)


def _ip_one(i: InterfaceConfig) -> list[str]:
    """The ``show ip interface`` block of one interface (IOS's layout; NAPALM's ``get_interfaces_ip`` reads the
    ``Internet address is`` and ``Secondary address`` lines, ntc-templates the VRF and MTU too)."""
    status, protocol = _states(i)
    lines = [f"{i.name} is {status}, line protocol is {protocol}"]
    if i.address is None and not i.dhcp:
        return [*lines, "  Internet protocol processing disabled"]
    if i.address is None:
        lines += ["  Internet address will be negotiated using DHCP", "  Broadcast address is 255.255.255.255"]
    else:
        address, mask = i.address
        lines += [f"  Internet address is {address}/{_prefix_length(mask)}", "  Broadcast address is 255.255.255.255"]
        lines.append("  Address determined by non-volatile memory")
    lines += [f"  MTU is {i.effective_mtu} bytes", *_IP_FEATURES]
    lines += [f"  Secondary address {a}/{_prefix_length(m)}" for a, m in i.secondaries]
    lines += _IP_FEATURES_AFTER_SECONDARIES
    if i.vrf is not None:
        lines.append(f'  VPN Routing/Forwarding "{i.vrf}"')
    up = "UP" if (status, protocol) == ("up", "up") else "DOWN"
    lines += [line.format(state=up) for line in _IP_FEATURES_TAIL]
    return lines


def show_ip_interface(view: InterfacesView, only: InterfaceConfig | None = None) -> str:
    """``show ip interface`` (every interface, or ``only`` one)."""
    chosen = view.interfaces if only is None else (only,)
    return "\n".join(line for i in chosen for line in _ip_one(i))


def show_ip_interface_brief(view: InterfacesView) -> str:
    """``show ip interface brief``: IOS's fixed columns (genie reads them from the header's positions)."""
    lines = [_BRIEF_HEADER]
    for i in view.interfaces:
        status, protocol = _states(i)
        if i.address is not None:
            address, method = i.address[0], "manual"
        else:
            address, method = "unassigned", "DHCP" if i.dhcp else "unset"
        lines.append(f"{i.name:<22} {address:<15} YES {method:<6} {status:<21} {protocol:<8}")
    return "\n".join(lines)


def show_interfaces_description(view: InterfacesView) -> str:
    """``show interfaces description``: short names, ``admin down``, the description (trailing blanks as IOS)."""
    lines = [_DESCRIPTION_HEADER]
    for i in view.interfaces:
        status, protocol = _states(i)
        short = f"{SHORT.get(i.kind, i.kind)}{i.number}"
        status = "admin down" if i.shutdown else status
        lines.append(f"{short:<31}{status:<15}{protocol:<9}{i.description or ''}")
    return "\n".join(lines)


def running_interface(lines: list[str], name: str) -> str:
    """``show running-config interface NAME``: the interface's block of ``lines`` (the rendered configuration)
    between IOS's header and ``end``; the byte count is the body's plus one, as for the whole configuration."""
    start = lines.index(f"interface {name}")
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith(" ")), len(lines))
    body = "".join(f"{line}\n" for line in ["!", *lines[start:end], "end"])
    return f"Building configuration...\n\nCurrent configuration : {len(body.encode()) + 1} bytes\n{body}"


def named(view: InterfacesView, text: str) -> InterfaceConfig | Error:
    """The interface a ``show interfaces NAME`` argument names (``Gi1``, ``gigabitethernet 1``), or the caret
    IOS puts under the word it cannot read (relative to the argument)."""
    words = text.split()
    split = Interface.split(words[0]) if len(words) == 1 else None
    if split is None and len(words) == 2 and (kind := Interface.kind(words[0])) is not None:
        split = Interface.checked(kind, words[1])
    if split is None:
        return Error("invalid", 0)
    found = view.find("".join(split))
    return Error("invalid", 0) if found is None else found


async def _show_interfaces(s: CliSession, args: tuple[str, ...]) -> str | Error:
    view = views.interfaces(s.device.running)
    if not args:
        return show_interfaces(view, s.device.serial)
    found = named(view, args[0])
    return found if isinstance(found, Error) else show_interfaces(view, s.device.serial, found)


async def _show_ip_interface(s: CliSession, args: tuple[str, ...]) -> str | Error:
    view = views.interfaces(s.device.running)
    if not args:
        return show_ip_interface(view)
    found = named(view, args[0])
    return found if isinstance(found, Error) else show_ip_interface(view, found)


async def _show_running_interface(s: CliSession, args: tuple[str, ...]) -> str | Error:
    found = named(views.interfaces(s.device.running), args[0])
    return found if isinstance(found, Error) else running_interface(render_lines(s.device.running), found.name)


async def _show_brief(s: CliSession, args: tuple[str, ...]) -> str:
    return show_ip_interface_brief(views.interfaces(s.device.running))


async def _show_description(s: CliSession, args: tuple[str, ...]) -> str:
    return show_interfaces_description(views.interfaces(s.device.running))


def register(root: Node) -> None:
    """Add the interface show commands to the exec tree (privilege 1, as on IOS; keywords win over a LINE)."""
    add(root, "show interfaces", _show_interfaces, "Interface status and configuration")
    add(root, "show interfaces description", _show_description, "Show interface description")
    add(root, "show interfaces LINE", _show_interfaces, "Interface status and configuration")
    add(root, "show running-config interface LINE", _show_running_interface, "Show interface configuration", 15)
    add(root, "show ip interface", _show_ip_interface, "IP interface status and configuration")
    add(root, "show ip interface brief", _show_brief, "Brief summary of IP status and configuration")
    add(root, "show ip interface LINE", _show_ip_interface, "IP interface status and configuration")
