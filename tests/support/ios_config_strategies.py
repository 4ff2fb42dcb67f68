"""Hypothesis strategies for valid configurations over every subtree the CLI table covers, as ``<native>`` bodies.

Shared by the CLI table's round-trip property (tests/device/cli_map/test_roundtrip.py) and the fuzz target that
puts hostile strings into these trees (tests/fuzz/test_fuzz_roundtrip.py). Names start with ``Q`` so that no
generated name abbreviates a keyword; the fuzz target breaks that on purpose.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from hypothesis import strategies as st
from lxml import etree
from namespaces import AAA, CRYPTO, PRIV, SNMP

from iosxe_agent.data.edit import apply_edit
from iosxe_agent.device import ssh_algorithms
from iosxe_agent.device.cli_map.table import ENABLE_TRAPS, HOST_TRAPS, SNMP_TRAPS
from iosxe_agent.yang.schema import Schema

NAME = st.from_regex(r"Q[A-Za-z0-9_]{0,8}", fullmatch=True)
TEXT = st.from_regex(r"Q[!-~]{0,8}( [!-~]{1,8}){0,2}", fullmatch=True)
HEX32 = st.from_regex(r"[0-9A-F]{32}", fullmatch=True)
IPV4 = st.tuples(*[st.integers(1, 254)] * 4).map(lambda t: ".".join(map(str, t)))
HOSTNAME = st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,10}", fullmatch=True)


def t(tag: str, body: str = "", ns: str | None = None) -> str:
    attr = f' xmlns="{ns}"' if ns else ""
    return f"<{tag}{attr}>{body}</{tag}>" if body else f"<{tag}{attr}/>"


def v(tag: str, value: object) -> str:
    return f"<{tag}>{escape(str(value))}</{tag}>"


@st.composite
def maybe(draw: st.DrawFn, strategy: st.SearchStrategy[str]) -> str:
    return draw(strategy) if draw(st.booleans()) else ""


@st.composite
def interface(draw: st.DrawFn) -> str:
    kind = draw(
        st.sampled_from(["Loopback", "GigabitEthernet", "Vlan", "TenGigabitEthernet", "Tunnel", "Port-channel"])
    )
    if kind in ("GigabitEthernet", "TenGigabitEthernet"):
        number = draw(st.from_regex(r"[0-9]/[0-9]{1,2}(/[0-9]{1,2})?", fullmatch=True))
    else:
        number = str(draw(st.integers(0, 4000)))
    return v(kind, number)


@st.composite
def username(draw: st.DrawFn) -> str:
    body = v("name", draw(NAME))
    body += draw(maybe(st.integers(0, 15).map(lambda p: v("privilege", p))))
    body += draw(maybe(st.just(t("one-time"))))
    kind = draw(st.sampled_from(["password", "secret", None]))
    if kind == "password":
        body += t("password", v("encryption", draw(st.sampled_from("067"))) + v("password", draw(TEXT)))
    elif kind == "secret":
        body += t("secret", v("encryption", draw(st.sampled_from("0589"))) + v("secret", draw(TEXT)))
    return t("username", body)


@st.composite
def enable(draw: st.DrawFn) -> str:
    body = ""
    if draw(st.booleans()):
        inner = draw(maybe(st.integers(1, 15).map(lambda x: v("level", x))))
        inner += v("type", draw(st.sampled_from(["0", "4", "5", "8", "9"]))) + v("secret", draw(TEXT))
        body += t("secret", inner)
    if draw(st.booleans()):
        inner = draw(maybe(st.integers(1, 15).map(lambda x: v("level", x))))
        inner += draw(maybe(st.sampled_from("067").map(lambda x: v("type", x))))
        body += t("password", inner + v("secret", draw(TEXT)))
    return t("enable", body) if body else v("hostname", "R1")


def _chain(draw: st.DrawFn, methods: list[str], groups: list[str]) -> str:
    picked = draw(st.lists(st.sampled_from(methods), min_size=1, max_size=4, unique=True))
    if "none" in picked:
        picked = [m for m in picked if m != "none"] + ["none"]
    if "if-authenticated" in picked:
        picked = [m for m in picked if m != "if-authenticated"] + ["if-authenticated"]
        picked = picked[: picked.index("if-authenticated") + 1]
    if "none" in picked:
        picked = picked[: picked.index("none") + 1]
    out = ""
    for i, method in enumerate(picked, 1):
        inner = v(method, draw(st.sampled_from(groups))) if method in ("group", "cache") else t(method)
        out += t(f"a{i}", inner)
    return out


LIST_NAME = st.one_of(st.just("default"), st.just("def"), NAME)


@st.composite
def aaa(draw: st.DrawFn) -> str:
    parts = []
    if draw(st.booleans()):
        parts.append(t("new-model", "", AAA))
    groups = ["tacacs+", "radius", "ldap", "QGRP", "TAC", "rad"]  # names that abbreviate keywords stay names
    if draw(st.booleans()):
        # server groups first (commands authorization/accounting may name a tacacs+ group)
        body = v("name", "QGRP")
        servers = draw(st.lists(NAME, max_size=3, unique=True))
        if servers:
            body += t("server", "".join(t("name", v("name", s)) for s in servers))
        ip = ""
        ip += draw(maybe(interface().map(lambda i: t("tacacs", t("source-interface", i)))))
        ip += draw(maybe(NAME.map(lambda n: t("vrf", v("forwarding", n)))))
        body += t("ip", ip) if ip else ""
        body += draw(maybe(st.integers(1, 1000).map(lambda x: v("timeout", x))))
        parts.append(t("group", t("server", t("tacacsplus", body)), AAA))
    if draw(st.booleans()):
        body = v("name", draw(NAME))
        servers = draw(st.lists(NAME, max_size=3, unique=True))
        if servers:
            body += t("server", "".join(t("name", v("name", s)) for s in servers))
        body += draw(maybe(st.integers(0, 1440).map(lambda x: v("deadtime", x))))
        ip = draw(maybe(interface().map(lambda i: t("radius", t("source-interface", i)))))
        ip += draw(maybe(NAME.map(lambda n: t("vrf", v("forwarding", n)))))
        body += t("ip", ip) if ip else ""
        parts.append(t("group", t("server", t("radius", body)), AAA))
    auth = ""
    auth += draw(maybe(st.integers(1, 25).map(lambda x: t("attempts", v("login", x)))))
    if draw(st.booleans()):
        methods = ["local", "local-case", "none", "line", "enable", "krb5", "krb5-telnet", "group", "cache"]
        auth += t("login", v("name", draw(LIST_NAME)) + _chain(draw, methods, groups))
    if draw(st.booleans()):
        picked = draw(st.lists(st.sampled_from(["group", "enable", "line", "none"]), min_size=1, unique=True))
        inner = "".join(v("group", draw(st.sampled_from(groups))) if m == "group" else t(m) for m in picked)
        auth += t("enable", t("default", inner))
    if auth:
        parts.append(t("authentication", auth, AAA))
    authz = ""
    if draw(st.booleans()):
        methods = ["group", "cache", "local", "if-authenticated", "none", "krb5-instance", "radius", "tacacs"]
        authz += t("exec", v("name", draw(LIST_NAME)) + _chain(draw, methods, groups))
    if draw(st.booleans()):
        methods = ["group", "local", "if-authenticated", "none", "radius", "tacacs"]
        authz += t(
            "commands",
            v("level", draw(st.integers(0, 15))) + v("list-name", draw(LIST_NAME)) + _chain(draw, methods, ["tacacs+"]),
        )
    authz += draw(maybe(st.just(t("config-commands"))))
    authz += draw(maybe(st.just(t("console"))))
    if authz:
        parts.append(t("authorization", authz, AAA))
    acct = ""
    if draw(st.booleans()):
        action = draw(st.sampled_from(["none", "start-stop", "stop-only", "wait-start"]))
        if action == "none":
            inner = t("none")
        else:
            body = draw(maybe(st.just(t("broadcast")))) + draw(maybe(st.just(t("logger"))))
            count = draw(st.integers(0, 4))
            for i in range(1, count + 1):
                body += t(f"group{i}", v("group", draw(st.sampled_from(["tacacs+", "radius", "QGRP", "rad"]))))
            inner = t(action, body)
        acct += t("exec", v("name", draw(LIST_NAME)) + inner)
    if draw(st.booleans()):
        if draw(st.booleans()):
            config = t("none")
        else:
            config = v("action-type", draw(st.sampled_from(["start-stop", "stop-only"])))
            config += draw(maybe(st.just(t("broadcast"))))
            count = draw(st.integers(0, 4))
            groups_xml = "".join(t(f"group{i}", v("group", "tacacs+")) for i in range(1, count + 1))
            config += t("group-config", groups_xml) if groups_xml else ""
        acct += t(
            "commands",
            v("level", draw(st.integers(0, 15))) + v("list-name", draw(LIST_NAME)) + t("commands-config", config),
        )
    if acct:
        parts.append(t("accounting", acct, AAA))
    parts.append(
        draw(maybe(st.sampled_from(["common", "unique"]).map(lambda x: f'<session-id xmlns="{AAA}">{x}</session-id>')))
    )
    body = "".join(parts)
    return t("aaa", body) if body else t("aaa", t("new-model", "", AAA))


@st.composite
def servers(draw: st.DrawFn) -> str:
    parts = []
    if draw(st.booleans()):
        body = v("name", draw(NAME))
        addr = draw(st.sampled_from(["ipv4", "ipv6", "fqdn", None]))
        if addr == "ipv4":
            body += t("address", v("ipv4", draw(IPV4)))
        elif addr == "ipv6":
            body += t("address", v("ipv6", "2001:db8::" + str(draw(st.integers(1, 999)))))
        elif addr == "fqdn":
            body += t("address", v("fqdn", draw(NAME) + ".example.com"))
        body += draw(maybe(st.integers(1, 65535).map(lambda x: v("port", x))))
        body += draw(maybe(st.integers(1, 1000).map(lambda x: v("timeout", x))))
        if draw(st.booleans()):
            body += t(
                "key", draw(maybe(st.sampled_from("067").map(lambda x: v("encryption", x)))) + v("key", draw(TEXT))
            )
        parts.append(t("tacacs", t("server", body, AAA)))
    if draw(st.booleans()):
        body = draw(maybe(st.integers(1, 1000).map(lambda x: v("timeout", x))))
        if draw(st.booleans()):
            body += t(
                "directed-request", draw(maybe(st.just(t("restricted")))) + draw(maybe(st.just(t("no-truncate"))))
            )
        if draw(st.booleans()):
            body += t(
                "key", draw(maybe(st.sampled_from("067").map(lambda x: v("encryption", x)))) + v("key", draw(TEXT))
            )
        if body:
            parts.append(f"<tacacs-server>{_ns_children(body, AAA)}</tacacs-server>")
    if draw(st.booleans()):
        body = v("id", draw(NAME))
        if draw(st.booleans()):
            addr = v("ipv4", draw(IPV4))
            addr += draw(maybe(st.integers(0, 65534).map(lambda x: v("auth-port", x))))
            addr += draw(maybe(st.integers(0, 65534).map(lambda x: v("acct-port", x))))
            body += t("address", addr)
        body += draw(maybe(st.integers(1, 1000).map(lambda x: v("timeout", x))))
        body += draw(maybe(st.integers(0, 100).map(lambda x: v("retransmit", x))))
        if draw(st.booleans()):
            body += t(
                "key", draw(maybe(st.sampled_from("0567").map(lambda x: v("encryption", x)))) + v("key", draw(TEXT))
            )
        parts.append(t("radius", t("server", body, AAA)))
    if draw(st.booleans()):
        body = ""
        if draw(st.booleans()):
            dc = draw(maybe(st.integers(1, 120).map(lambda x: v("time", x))))
            dc += draw(maybe(st.integers(1, 100).map(lambda x: v("tries", x))))
            body += t("dead-criteria", dc or v("time", 5))
        body += draw(maybe(st.integers(1, 1440).map(lambda x: v("deadtime", x))))
        if draw(st.booleans()):
            body += t(
                "key",
                draw(maybe(st.sampled_from("067").map(lambda x: v("encryption", x)))) + v("clear-key", draw(TEXT)),
            )
        body += draw(maybe(st.integers(1, 100).map(lambda x: v("retransmit", x))))
        body += draw(maybe(st.integers(1, 1000).map(lambda x: v("timeout", x))))
        if body:
            parts.append(f"<radius-server>{_ns_children(body, AAA)}</radius-server>")
    return "".join(parts) or v("hostname", "R2")


def _ns_children(body: str, ns: str) -> str:
    """Put the top-level elements of ``body`` in namespace ``ns`` (augment nodes under a native container)."""
    wrapper = etree.fromstring(f'<w xmlns="{ns}">{body}</w>')
    return "".join(etree.tostring(c).decode() for c in wrapper)


@st.composite
def ip(draw: st.DrawFn) -> str:
    body = ""
    domain = draw(maybe(NAME.map(lambda n: v("name", n + ".lab"))))
    domain = draw(maybe(st.sampled_from(["true", "false"]).map(lambda x: v("lookup", x)))) + domain
    domain += draw(maybe(st.integers(1, 3600).map(lambda x: v("timeout", x))))
    # schema order inside domain: lookup, name, timeout
    body += t("domain", domain) if domain else ""
    body += draw(maybe(st.just(t("scp", t("server", t("enable"))))))
    ssh = ""
    ssh += draw(maybe(st.integers(0, 5).map(lambda x: v("authentication-retries", x))))
    ssh += draw(maybe(_encryption("client")))
    ssh += draw(maybe(st.integers(0, 63).map(lambda x: v("dscp", x))))
    ssh += draw(maybe(st.sampled_from(["2048", "4096"]).map(lambda x: t("dh", t("min", v("size", x))))))
    ssh += draw(maybe(st.sampled_from(["true", "false"]).map(lambda x: t("logging", v("events-enable", x)))))
    if draw(st.booleans()):
        chain = ""
        # users (Cisco's), then servers (device-private: the host keys of the device's own ssh client)
        for entry, ns in (("username", None), ("server", PRIV)):
            for name in draw(st.lists(NAME, max_size=3, unique=True)):
                hashes = draw(st.lists(HEX32, max_size=2, unique=True))
                chain += t(
                    entry,
                    v("name", name)
                    + "".join(t("key-hash", v("key-type", "ssh-rsa") + v("key-hash-value", h)) for h in hashes),
                    ns,
                )
        ssh += t("pubkey-chain", chain) if chain else ""
    ssh += draw(maybe(st.integers(0, 7).map(lambda x: v("precedence", x))))
    ssh += draw(maybe(NAME.map(lambda x: t("rsa", v("keypair-name", x)))))
    server = draw(maybe(_encryption("server")))
    server = server[len("<server>") : -len("</server>")] if server else ""
    server += draw(maybe(st.integers(1, 16).map(lambda x: t("peruser", t("session", v("limit", x))))))
    ssh += t("server", server) if server else ""
    ssh += draw(maybe(interface().map(lambda i: t("source-interface-config", i))))
    ssh += draw(maybe(st.integers(1, 120).map(lambda x: v("time-out", x))))
    ssh += draw(maybe(st.just(v("ssh-version", 2))))
    ssh += draw(maybe(st.integers(2, 128).map(lambda x: v("maxstartups", x))))
    for port in draw(st.lists(st.integers(2000, 10000), max_size=2, unique=True)):
        rot = v("low-rotary", draw(st.integers(1, 127))) + draw(
            maybe(st.integers(1, 127).map(lambda x: v("high-rotary", x)))
        )
        ssh += t("port", v("port-no", port) + rot)
    if draw(st.booleans()):
        ssh += t("bulk-mode", draw(maybe(st.integers(131072, 1073741824).map(lambda x: v("window-size", x)))))
    ssh += draw(maybe(st.just(t("stricthostkeycheck", ns=PRIV))))
    body += t("ssh", ssh) if ssh else ""
    for proto in ("radius", "tacacs"):
        if draw(st.booleans()):
            src = draw(interface()) + draw(maybe(NAME.map(lambda n: v("vrf", n))))
            body += t(proto, t("source-interface", src), AAA)
    return t("ip", body) if body else t("ip", t("scp", t("server", t("enable"))))


@st.composite
def _encryption(draw: st.DrawFn, side: str) -> str:
    """``ip ssh SIDE algorithm …`` lines as the parser stores them: typed ciphers set Cisco's ``aes*-ctr`` leaves and
    are kept as a device-private list unless the leaves alone say the same; the other lists are device-private."""
    typed = draw(st.lists(st.sampled_from(ssh_algorithms.ENCRYPTION), min_size=1, max_size=4, unique=True))
    flags = [c for c in ssh_algorithms.CTR_LEAVES if c in typed]
    body = "".join(t(c) for c in flags)
    if typed != flags:
        body += "".join(f'<encrypt-options xmlns="{PRIV}">{c}</encrypt-options>' for c in typed)
    algorithm = t("encryption", body)
    for word, names in _ALGORITHM_LISTS:
        if draw(st.booleans()):
            values = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
            algorithm += t(word, "".join(v(f"{word}-options", x) for x in values), PRIV)
    return t(side, t("algorithm", algorithm))


_ALGORITHM_LISTS = (
    ("mac", ssh_algorithms.MAC),
    ("kex", ssh_algorithms.KEX),
    ("hostkey", ssh_algorithms.HOSTKEY),
    ("authentication", ssh_algorithms.AUTHENTICATION),
    ("publickey", ssh_algorithms.PUBLICKEY),
)


@st.composite
def snmp(draw: st.DrawFn) -> str:
    body = ""
    body += draw(maybe(TEXT.map(lambda x: v("chassis-id", x))))
    for name in draw(st.lists(NAME, max_size=2, unique=True)):
        inner = v("name", name) + draw(maybe(NAME.map(lambda x: v("view", x))))
        inner += draw(maybe(st.sampled_from(["ro", "rw"]).map(lambda x: v("permission", x))))
        inner += draw(maybe(NAME.map(lambda x: v("ipv6", x))))
        inner += draw(maybe(st.one_of(st.integers(1, 99).map(str), NAME).map(lambda x: v("access-list-name", x))))
        body += t("community-config", inner)
    body += draw(maybe(TEXT.map(lambda x: v("contact", x))))
    if draw(st.booleans()):
        traps = "".join(t(x) for x in draw(st.lists(st.sampled_from(ENABLE_TRAPS), max_size=4, unique=True)))
        snmp_traps = draw(st.lists(st.sampled_from(SNMP_TRAPS), max_size=5, unique=True))
        traps_xml = traps
        if snmp_traps:
            traps_xml += t("snmp", "".join(t(x) for x in snmp_traps))
        choice = draw(maybe(st.just(t("informs")))) + t("traps", traps_xml)
        body += t("enable", t("enable-choice", choice))
    hosts = ""
    for _ in range(draw(st.integers(0, 3))):
        vrf = draw(st.booleans())
        port = draw(st.booleans())
        name = "ip-" + ("vrf-" if vrf else "") + "community" + ("-port" if port else "")
        inner = v("ip-address", draw(IPV4))
        if vrf:
            inner += v("vrf", draw(NAME))
        inner += v("community-or-user", draw(NAME))
        if port:
            inner += v("udp-port", draw(st.integers(0, 65535)))
        inner += draw(maybe(st.sampled_from(["informs", "traps"]).map(t)))
        version = draw(st.sampled_from([None, "1", "2c", "3"]))
        if version:
            inner += v("version", version)
        if version == "3":
            inner += v("security-level", draw(st.sampled_from(["auth", "noauth", "priv"])))
        kinds = draw(st.lists(st.sampled_from(HOST_TRAPS), max_size=3, unique=True))
        if kinds:
            inner += t("trap-enable", "".join(t(k) for k in kinds))
        hosts += t(name, inner)
    body += t("host-config", hosts) if hosts else ""
    body += draw(maybe(TEXT.map(lambda x: v("location", x))))
    body += draw(maybe(st.integers(1, 1000).map(lambda x: t("trap", v("timeout", x)))))
    body += draw(maybe(interface().map(lambda i: t("trap-source", i))))
    if not body:
        body = v("contact", "Q")
    return f"<snmp-server>{_ns_children(body, SNMP)}</snmp-server>"


@st.composite
def crypto(draw: st.DrawFn) -> str:
    rsa = ""
    for kind, key in (("addressed-key", "ip"), ("named-key", "name")):
        for ident in draw(st.lists(IPV4 if key == "ip" else NAME, max_size=2, unique=True)):
            inner = v(key, ident) + draw(maybe(st.sampled_from(["encryption", "signature"]).map(lambda x: v("use", x))))
            inner += draw(maybe(IPV4.map(lambda x: v("address", x))))
            hexdata = draw(maybe(st.from_regex(r"([0-9A-F]{2}){1,80}", fullmatch=True)))
            inner += t("key-string", v("hex-data", hexdata)) if hexdata else ""
            inner += draw(maybe(NAME.map(lambda x: v("serial-number", x))))
            rsa += t(kind, inner)
    rsa = rsa or t("named-key", v("name", "QK") + t("key-string", v("hex-data", "30819F30")))
    return t("crypto", t("key", t("pubkey-chain", t("rsa", rsa)), CRYPTO))


@st.composite
def line_body(draw: st.DrawFn, vty: bool) -> str:
    body = ""
    if draw(st.booleans()):
        cmds = draw(st.lists(st.tuples(st.integers(0, 15), NAME), max_size=2, unique=True))
        inner = "".join(t("commands", v("enable-level", lvl) + v("auth-name", n)) for lvl, n in cmds)
        if draw(st.booleans()):
            inner += t("exec", t("default") if draw(st.booleans()) else v("authorization-name", draw(NAME)))
        body += t("authorization", inner) if inner else ""
    if draw(st.booleans()):
        entries = ""
        for direction in draw(st.lists(st.sampled_from(["in", "out"]), max_size=2, unique=True)):
            acl = draw(st.one_of(st.integers(1, 199).map(str), NAME))
            extra = draw(st.sampled_from(["", t("vrf-also"), v("vrfname", "QV")]))
            entries += t("acccess-list", v("direction", direction) + v("access-list", acl) + extra)
        body += t("access-class", entries) if entries else ""
    if draw(st.booleans()):
        if draw(st.booleans()):
            body += t("autocommand", v("line", draw(TEXT)))
        else:
            body += t("autocommand", t("no-suppress-linenumber", draw(maybe(TEXT.map(lambda x: v("line", x))))))
    if draw(st.booleans()):
        body += t(
            "exec-timeout",
            v("minutes", draw(st.integers(0, 35791))) + draw(maybe(st.integers(0, 999).map(lambda x: v("seconds", x)))),
        )
    if draw(st.booleans()):
        body += t("history", draw(maybe(st.integers(0, 256).map(lambda x: v("size", x)))))
    body += draw(maybe(st.integers(0, 512).map(lambda x: v("length", x))))
    body += draw(maybe(TEXT.map(lambda x: v("location", x))))
    body += draw(maybe(st.just(t("logging", t("synchronous")))))
    login = draw(maybe(st.just(t("local")))) + draw(maybe(NAME.map(lambda x: v("authentication", x))))
    body += t("login", login) if login else ""
    if draw(st.booleans()):
        body += t("password", draw(maybe(st.sampled_from("067").map(lambda x: v("type", x)))) + v("secret", draw(TEXT)))
    body += draw(maybe(st.integers(0, 15).map(lambda x: t("privilege", t("level", v("number", x))))))
    body += draw(maybe(st.integers(1, 99).map(lambda x: v("rotary", x))))
    body += draw(maybe(st.integers(0, 99999).map(lambda x: v("session-limit", x))))
    if draw(st.booleans()):
        body += t(
            "session-timeout",
            v("session-timeout-value", draw(st.integers(0, 35791))) + draw(maybe(st.just(t("output")))),
        )
    body += draw(maybe(NAME.map(lambda x: v("terminal-type", x))))
    transport = ""
    for direction in ("output", "input") if vty else ("output",):
        kind = draw(st.sampled_from([None, "all", "none", "list"]))
        if kind in ("all", "none"):
            transport += t(direction, t(kind))
        elif kind == "list":
            protos = draw(
                st.lists(st.sampled_from(["ssh", "telnet", "rlogin", "pad", "mop", "udptn"]), min_size=1, unique=True)
            )
            transport += t(direction, "".join(v(direction, p) for p in protos))
    transport += draw(
        maybe(st.sampled_from(["ssh", "telnet", "none", "lat"]).map(lambda x: t("preferred", v("protocol", x))))
    )
    if transport:
        # schema order: input comes after output and preferred (it is augmented in)
        body += t("transport", transport)
    body += draw(maybe(st.integers(0, 512).map(lambda x: v("width", x))))
    return body


@st.composite
def lines(draw: st.DrawFn) -> str:
    body = ""
    if draw(st.booleans()):
        body += t("console", v("first", 0) + draw(line_body(False)))
    for first in draw(st.lists(st.integers(0, 1869), min_size=0 if body else 1, max_size=3, unique=True)):
        last = draw(maybe(st.integers(1, 1869).map(lambda x: v("last", x))))
        body += t("vty", v("first", first) + last + draw(line_body(True)))
    return t("line", body)


#: Banner texts: lines of printable ASCII without ``^`` (so never the ``^C`` delimiter), line breaks kept.
BANNER_TEXT = st.lists(st.from_regex(r"[ -\]_-~]{0,12}", fullmatch=True), min_size=1, max_size=4).map("\n".join)


@st.composite
def banners(draw: st.DrawFn) -> str:
    body = "".join(
        draw(maybe(BANNER_TEXT.map(lambda x, k=kind: t(k, v("banner", x)))))
        for kind in ("exec", "login", "motd", "prompt-timeout")
    )
    return t("banner", body) if body else v("hostname", "R1")


FEATURES = st.one_of(
    HOSTNAME.map(lambda h: v("hostname", h)),
    st.sampled_from(("alert", "noisy", "quiet")).map(lambda p: t("file", v("prompt", p), PRIV)),
    enable(),
    username(),
    aaa(),
    servers(),
    ip(),
    snmp(),
    crypto(),
    lines(),
    banners(),
)


def build(empty: etree._Element, cfg: Any, schema: Schema, bodies: list[str]) -> etree._Element:
    """Merge each ``<native>`` body (``cfg`` wraps one in ``<config>``) into the datastore ``empty``, in order."""
    tree = empty
    for body in bodies:
        result = apply_edit(tree, cfg(body), schema)
        assert result.tree is not None, ([e.message for e in result.errors], body)
        tree = result.tree
    return tree


N = "{http://cisco.com/ns/yang/Cisco-IOS-XE-native}"


def representable(tree: Any) -> bool:
    """Trees the IOS CLI can hold. Random merges can give a user both a password and a secret, or a line both
    autocommand forms or both ``authorization exec default`` and a named list; IOS keeps one of them (the parser
    clears the other), so no text expresses both."""
    for user in tree.iter(f"{N}username"):
        if user.find(f"{N}password") is not None and user.find(f"{N}secret") is not None:
            return False
    for auto in tree.iter(f"{N}autocommand"):
        if auto.find(f"{N}line") is not None and auto.find(f"{N}no-suppress-linenumber") is not None:
            return False
    for auth in tree.iter(f"{N}authorization"):
        exec_ = auth.find(f"{N}exec")
        if exec_ is not None and len(exec_) > 1:
            return False
    return True
