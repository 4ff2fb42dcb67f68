"""The SSH view read from random ``ip ssh`` and ``line vty`` configurations equals what the configuration says.

Why: the reader finds each node through one pass over its parent's children instead of a ``find`` per node
(iosxe_agent/device/views/ssh_view.py); every node it reads is drawn here present or absent, empty, repeated
where a list allows it, and in any order among its siblings, and the expected view is worked out from the
drawing, not by the reader.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from namespaces import IOS, NC

from iosxe_agent.device import views
from iosxe_agent.device.views import VtyLine
from iosxe_agent.device.views.ssh_view import DEFAULT_VTY_LINE, read_ssh

OPTIONAL_INT = st.none() | st.integers(1, 120)


@st.composite
def vty(draw: st.DrawFn) -> tuple[list[str], VtyLine]:
    """The children of one ``<vty>`` (in a random order) and the line they describe."""
    first = draw(st.integers(0, 10))
    last = draw(st.none() | st.integers(0, 15))
    kids = [f"<first>{first}</first>"] + ([f"<last>{last}</last>"] if last is not None else [])
    transport = draw(st.sampled_from(["absent", "all", "none", "list"]))
    accepted: frozenset[str] = frozenset({"ssh"})
    if transport == "all":
        kids.append("<transport><input><all/></input></transport>")
        accepted = frozenset({"ssh", "telnet", "all"})
    elif transport == "none":
        kids.append("<transport><input><none/></input></transport>")
        accepted = frozenset()
    elif transport == "list":
        picked = draw(st.lists(st.sampled_from(["ssh", "telnet"]), min_size=1, max_size=2, unique=True))
        kids.append("<transport><input>" + "".join(f"<input>{i}</input>" for i in picked) + "</input></transport>")
        accepted = frozenset(picked)
    login_list = draw(st.none() | st.sampled_from(["VTY", "default"]))
    local = draw(st.booleans())
    if login_list is not None or local or draw(st.booleans()):
        inner = ([f"<authentication>{login_list}</authentication>"] if login_list else []) + (
            ["<local/>"] if local else []
        )
        kids.append("<login>" + "".join(draw(st.permutations(inner))) + "</login>")
    minutes, seconds = draw(OPTIONAL_INT), draw(OPTIONAL_INT)
    if minutes is not None or seconds is not None:
        parts = [f"<{tag}>{v}</{tag}>" for tag, v in (("minutes", minutes), ("seconds", seconds)) if v is not None]
        kids.append("<exec-timeout>" + "".join(parts) + "</exec-timeout>")
        timeout = (minutes or 0) * 60 + (seconds or 0)
    else:
        timeout = DEFAULT_VTY_LINE.exec_timeout
    secret = draw(st.none() | st.sampled_from(["", "pw"]))
    kind = draw(st.none() | st.sampled_from(["0", "7"]))
    password = None
    if secret is not None:
        kids.append("<password>" + (f"<type>{kind}</type>" if kind else "") + f"<secret>{secret}</secret></password>")
        password = (kind or "0", secret) if secret else None
    level = draw(st.none() | st.integers(0, 15))
    if level is not None:
        kids.append(f"<privilege><level><number>{level}</number></level></privilege>")
    rotary = draw(st.none() | st.integers(0, 9))
    if rotary is not None:
        kids.append(f"<rotary>{rotary}</rotary>")
    line = VtyLine(
        first, max(last if last is not None else first, first), accepted, login_list or "default", local,
        password, timeout, level, rotary or None,
    )  # fmt: skip
    return draw(st.permutations(kids)), line


@st.composite
def ssh(draw: st.DrawFn) -> tuple[list[str], dict[str, Any]]:
    """The children of ``<ssh>`` (in a random order) and the view fields they set."""
    kids: list[str] = []
    want: dict[str, Any] = {}
    for tag, field in (("time-out", "auth_timeout"), ("authentication-retries", "auth_retries"),
                       ("maxstartups", "maxstartups")):  # fmt: skip
        value = draw(OPTIONAL_INT)
        if value is not None:
            kids.append(f"<{tag}>{value}</{tag}>")
            want[field] = value
    if draw(st.booleans()):
        kids.append("<rsa><keypair-name>K1</keypair-name></rsa>")
        want["keypair_name"] = "K1"
    if draw(st.booleans()):
        kids.append("<dh><min><size>4096</size></min></dh>")
        want["dh_min"] = 4096
    events = draw(st.none() | st.sampled_from(["true", "false"]))
    if events is not None:
        kids.append(f"<logging><events-enable>{events}</events-enable></logging>")
        want["logging_events"] = events != "false"
    server = []
    if draw(st.booleans()):
        server.append("<peruser><session><limit>3</limit></session></peruser>")
        want["peruser_limit"] = 3
    if draw(st.booleans()):
        server.append("<algorithm><encryption><aes256-ctr/></encryption></algorithm>")
        want["encryption"] = ("aes256-ctr",)
    if server:
        kids.append("<server>" + "".join(draw(st.permutations(server))) + "</server>")
    if draw(st.booleans()):
        kids.append(
            "<pubkey-chain><username><name>ops</name><key-hash><key-type>ssh-rsa</key-type>"
            "<key-hash-value>ab12</key-hash-value></key-hash></username></pubkey-chain>"
        )
        want["key_hashes"] = {"ops": frozenset({"AB12"})}
    window = draw(st.none() | st.sampled_from(["", "<window-size>65536</window-size>"]))
    if window is not None:
        kids.append(f"<bulk-mode>{window}</bulk-mode>")
        want["bulk_window"] = 65536 if window else 131072
    if draw(st.booleans()):
        kids.append("<source-interface-config><Loopback>0</Loopback></source-interface-config>")
        want["source_interface"] = "Loopback0"
    ports = draw(st.lists(st.integers(2001, 2009), max_size=2, unique=True))
    kids += [f"<port><port-no>{port}</port-no><low-rotary>1</low-rotary></port>" for port in ports]
    kids = draw(st.permutations(kids))
    want["rotary_ports"] = tuple((int(k[15:19]), 1, 1) for k in kids if k.startswith("<port>"))  # document order
    return kids, want


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(vty(), max_size=3), ssh_part=st.none() | ssh(), hostname_first=st.booleans())
def test_the_view_is_what_the_configuration_says(
    lines: list[tuple[list[str], VtyLine]], ssh_part: tuple[list[str], dict[str, Any]] | None, hostname_first: bool
) -> None:
    line = "<line>" + "".join("<vty>" + "".join(kids) + "</vty>" for kids, _ in lines) + "</line>" if lines else ""
    ip = "<ip><ssh>" + "".join(ssh_part[0]) + "</ssh></ip>" if ssh_part is not None else ""
    body = ("<hostname>R1</hostname>" if hostname_first else "") + line + ip
    view = read_ssh(etree.fromstring(f'<config xmlns="{NC}"><native xmlns="{IOS}">{body}</native></config>'))
    assert view.vty == (tuple(expected for _, expected in lines) or (DEFAULT_VTY_LINE,))
    want = ssh_part[1] if ssh_part is not None else {}
    default = views.SshView()
    assert view.auth_timeout == want.get("auth_timeout", default.auth_timeout)
    assert view.auth_retries == want.get("auth_retries", default.auth_retries)
    assert view.maxstartups == want.get("maxstartups", default.maxstartups)
    assert view.keypair_name == want.get("keypair_name")
    assert view.dh_min == want.get("dh_min", default.dh_min)
    assert view.logging_events == want.get("logging_events", True)
    assert view.peruser_limit == want.get("peruser_limit")
    assert view.algorithms.encryption == want.get("encryption", ())
    assert dict(view.key_hashes) == want.get("key_hashes", {})
    assert view.bulk_window == want.get("bulk_window")
    assert view.source_interface == want.get("source_interface")
    assert tuple((r.port, r.low, r.high) for r in view.rotary_ports) == want.get("rotary_ports", ())
