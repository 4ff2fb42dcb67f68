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
from iosxe_agent.device.cli_map.flagged import reconcile_flagged_lists
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
    """``ip ssh SIDE algorithm …`` lines: the typed cipher list (device-private) and Cisco's ``aes*-ctr`` leaves drawn
    apart, as NETCONF may leave them (leaves set or removed under a typed list); :func:`build` normalises them as the
    datastore does, into the parser's form. The other lists are device-private."""
    typed = draw(st.lists(st.sampled_from(ssh_algorithms.ENCRYPTION), max_size=4, unique=True))
    leaves = draw(st.lists(st.sampled_from(ssh_algorithms.CTR_LEAVES), min_size=0 if typed else 1, unique=True))
    body = "".join(t(c) for c in ssh_algorithms.CTR_LEAVES if c in leaves)
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
    body += draw(maybe(st.sampled_from(["1", "1.5", "2"]).map(lambda x: v("stopbits", x))))
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
        body += t("aux", v("first", 0) + draw(line_body(True)))
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


@st.composite
def archive(draw: st.DrawFn) -> str:
    logging = draw(maybe(st.just(t("enable")))) + draw(maybe(st.integers(1, 1000).map(lambda x: v("size", x))))
    persistent = draw(maybe(st.sampled_from(("", t("auto"), t("reload"), t("auto") + t("reload")))))
    if draw(st.booleans()):
        logging += t("persistent", persistent)
    syslog = draw(maybe(st.sampled_from(("plaintext", "xml")).map(lambda c: v("contenttype", c))))
    log = draw(maybe(st.just(t("hidekeys")))) + (t("logging", logging) if logging else "")
    log += t("notify", t("syslog", syslog)) if draw(st.booleans()) else ""
    body = t("log", t("config", log)) if log else ""
    body += draw(maybe(st.sampled_from(("flash:", "flash:archive", "bootflash:$h-$t")).map(lambda x: v("path", x))))
    body += draw(maybe(st.integers(1, 14).map(lambda x: v("maximum", x))))
    body += draw(maybe(st.just(t("write-memory"))))
    body += draw(maybe(st.integers(1, 525600).map(lambda x: v("time-period", x))))
    return t("archive", body) if body else v("hostname", "R1")


PLATFORM = "http://cisco.com/ns/yang/Cisco-IOS-XE-platform"
CALL_HOME = "http://cisco.com/ns/yang/Cisco-IOS-XE-call-home"
SEVERITY = st.sampled_from(
    ("emergencies", "alerts", "critical", "errors", "warnings", "notifications", "informational", "debugging")
)


@st.composite
def _stamps(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return t("uptime")
    flags = draw(st.lists(st.sampled_from(("msec", "localtime", "show-timezone", "year")), unique=True))
    return t("datetime", "".join(t(f) for f in flags))


@st.composite
def _sink(draw: st.DrawFn, name: str) -> str:
    """``logging console|monitor``: off, or a level."""
    if draw(st.booleans()):
        return t(f"{name}-config", v(name, "false"))
    return t(f"{name}-config", t("common-config", t(name, v("severity", draw(SEVERITY)))))


@st.composite
def system(draw: st.DrawFn) -> str:
    """The system lines (system_table): service, platform, logging, license, memory, call-home and the blocks."""
    service = draw(maybe(st.booleans().map(lambda b: t("pad-conf", v("pad", str(b).lower())))))
    service += "".join(t(f) for f in draw(st.lists(st.sampled_from(("internal", "password-encryption")), unique=True)))
    stamps = "".join(t(f"{k}-config", draw(maybe(_stamps()))) for k in ("debug", "log") if draw(st.booleans()))
    service += t("timestamps", stamps) if stamps else ""
    service += "".join(t(f) for f in draw(st.lists(st.sampled_from(("call-home", "tcp-keepalives-in")), unique=True)))
    platform = draw(maybe(st.sampled_from(("auto", "serial", "virtual")).map(lambda o: t("console", v("output", o)))))
    platform += draw(maybe(st.integers(50, 99).map(lambda n: t("qfp", t("utilization", t("monitor", v("load", n)))))))
    platform += draw(maybe(st.booleans().map(lambda b: t("punt-keepalive", v("disable-kernel-core", str(b).lower())))))
    platform += draw(maybe(st.just(t("sslvpn", t("use-pd")))))
    logging = draw(maybe(_sink("monitor")))
    buffered = draw(maybe(st.integers(4096, 2147483647).map(lambda n: v("size-value", n))))
    buffered += draw(maybe(SEVERITY.map(lambda x: v("severity-level", x))))
    logging += t("buffered", buffered) if buffered else ""
    logging += draw(maybe(_sink("console")))
    logging += draw(maybe(st.sampled_from(("local7", "syslog", "auth")).map(lambda f: v("facility", f))))
    logging += draw(maybe(st.one_of(st.just(t("trap")), SEVERITY.map(lambda x: t("trap", v("severity", x))))))
    host = draw(IPV4)
    hosts = draw(
        st.sampled_from(
            (
                t("ipv4-host-list", v("ipv4-host", host)),
                t("ipv4-host-vrf-list", v("ipv4-host", host) + v("vrf", draw(NAME))),
                t(
                    "ipv4-host-transport-list",
                    v("ipv4-host", host) + t("transport", t("udp", t("port-config", v("port-number", 1514)))),
                ),
            )
        )
    )
    logging += t("host", hosts) if draw(st.booleans()) else ""
    source = draw(maybe(st.just(v("interface-name-non-vrf", "Loopback0"))))
    source += draw(maybe(NAME.map(lambda n: t("source-interface-vrf", v("vrf", n) + v("interface-name", "Gi2")))))
    logging += t("source-interface-conf", source) if source else ""
    level = draw(st.sampled_from(("network-advantage", "network-essentials")))
    license_ = draw(maybe(st.just(t("udi", v("pid", "C8000V") + v("sn", draw(NAME))))))
    addon = draw(maybe(st.just(v("addon", "dna-essentials"))))
    license_ += draw(maybe(st.just(t("boot", t("level", t(level, addon))))))
    smart = draw(maybe(st.sampled_from(("smart", "Off", "callhome")).map(lambda x: v("transport-type", x))))
    smart += draw(maybe(st.just(t("url", t("default")))))
    license_ += t("smart", smart) if smart else ""
    tac = draw(maybe(st.booleans().map(lambda b: v("active", str(b).lower()))))
    tac += draw(maybe(st.just(t("destination", v("transport-method", "email")))))
    call_home = draw(maybe(st.just(v("contact-email-addr", "Qa@example.com"))))
    call_home += t("tac-profile", t("profile", t("CiscoTAC-1", tac))) if tac else ""
    files = draw(st.lists(st.sampled_from(("bootflash:packages.conf", "flash:a.bin", "b.bin")), unique=True))
    boot = "".join(t("filename-list-ordered-by-user", v("filename", f)) for f in files)
    flash = "".join(t("flash-list-ordered-by-user", v("flash-leaf", f)) for f in files[:1])
    parts = [
        t("boot", t("system", (t("bootfile", boot) if boot else "") + (t("flash", flash) if flash else ""))),
        t("memory", t("free", t("low-watermark", v("processor", draw(st.integers(1, 10**6)))))),
        t("call-home", _ns_children(call_home, CALL_HOME)) if call_home else "",
        t("service", service) if service else "",
        t("platform", _ns_children(platform, PLATFORM)) if platform else "",
        draw(maybe(st.just(t("control-plane")))),
        t("logging", logging) if logging else "",
        draw(maybe(st.just(t("redundancy")))),
        draw(maybe(st.just(t("subscriber", t("templating"))))),
        t("license", license_) if license_ else "",
    ]
    return "".join(draw(st.lists(st.sampled_from(parts), min_size=1, max_size=4, unique=True))) or v("hostname", "R1")


HTTP = "http://cisco.com/ns/yang/Cisco-IOS-XE-http"
NTP = "http://cisco.com/ns/yang/Cisco-IOS-XE-ntp"
LOOPBACK = st.builds("127.{}.{}.{}".format, st.integers(0, 255), st.integers(0, 255), st.integers(1, 254))


@st.composite
def _hosts(draw: st.DrawFn) -> str:
    """``ip host [vrf V] NAME [PORT] A…``: the global host table, then the VRFs' (addresses IPv4 or IPv6, typed
    order; the telnet port device-private)."""
    addresses = st.lists(st.one_of(LOOPBACK, st.just("::1")), min_size=1, max_size=3, unique=True)

    def entries(list_tag: str, key: str) -> str:
        out = ""
        for name in draw(st.lists(NAME, min_size=1, max_size=2, unique=True)):
            port = draw(maybe(st.integers(0, 65535).map(lambda x: t("port", str(x), PRIV))))
            out += t(list_tag, v(key, name) + "".join(v("ip-list", a) for a in draw(addresses)) + port)
        return out

    body = entries("host-list", "name") if draw(st.booleans()) else ""
    for vrf in draw(st.lists(NAME, max_size=2, unique=True)):
        body += t("vrf", v("vrf-name", vrf) + entries("host-name", "host-name"))
    return t("host", body) if body else ""


@st.composite
def mgmt(draw: st.DrawFn) -> str:
    """The management services: ip forward-protocol / host / name-server / http, clock timezone, ntp,
    netconf-yang and restconf (device-private), in schema order."""
    protocol = st.sampled_from(["nd", "sdns", "turbo-flood"])
    ip = draw(maybe(protocol.map(lambda x: t("forward-protocol", v("protocol", x)))))
    ip += draw(maybe(_hosts()))
    servers = draw(st.lists(LOOPBACK, max_size=3, unique=True))
    vrfs = ""
    for name in draw(st.lists(NAME, max_size=2, unique=True)):
        addresses = draw(st.lists(LOOPBACK, min_size=1, max_size=2, unique=True))
        vrfs += t("vrf", v("word", name) + "".join(v("server-ip-list-ordered", a) for a in addresses))
    names = "".join(v("no-vrf-ordered", a) for a in servers) + vrfs
    ip += t("name-server", names) if names else ""
    http = draw(maybe(st.just(t("authentication", t("local")))))
    http += draw(maybe(st.sampled_from(["true", "false"]).map(lambda x: v("server", x))))
    http += draw(maybe(st.sampled_from(["true", "false"]).map(lambda x: v("secure-server", x))))
    http += draw(maybe(NAME.map(lambda x: t("client", v("source-interface", x)))))
    ip += t("http", http, HTTP) if http else ""
    body = t("ip", ip) if ip else ""
    clock = ""
    if draw(st.booleans()):
        summer = v("zone", draw(NAME)) + t("recurring")
        if draw(st.booleans()):
            for edge in ("start", "end"):
                summer += v(f"recurring-{edge}", draw(st.sampled_from(["1", "4", "first", "last"])))
                summer += v(f"recurring-{edge}-day", draw(st.sampled_from(["Mon", "Sun"])))
                summer += v(f"recurring-{edge}-month", draw(st.sampled_from(["Mar", "May", "Oct"])))
                summer += v(f"recurring-{edge}-time", f"{draw(st.integers(0, 23))}:{draw(st.integers(0, 59)):02d}")
            summer += draw(maybe(st.integers(1, 1440).map(lambda x: v("recurring-offset", x))))
        clock += t("summer-time", summer)
    if draw(st.booleans()):
        zone = v("zone", draw(NAME)) + v("hours", draw(st.integers(-23, 23))) + v("minutes", draw(st.integers(0, 59)))
        clock += t("timezone", zone)
    body += t("clock", clock) if clock else ""
    ntp = ""
    for address in draw(st.lists(LOOPBACK, max_size=2, unique=True)):
        extra = draw(maybe(st.integers(1, 4294967295).map(lambda x: v("key", x)))) + draw(maybe(st.just(t("prefer"))))
        ntp += t("server-list", v("ip-address", address) + extra)
    ntp = t("server", ntp, NTP) if ntp else ""
    ntp += draw(maybe(interface().map(lambda i: t("source", i, NTP))))
    body += t("ntp", ntp) if ntp else ""
    if draw(st.booleans()):
        body += t("netconf-yang", draw(maybe(st.just(t("feature", t("candidate-datastore"))))), PRIV)
    body += draw(maybe(st.just(t("restconf", ns=PRIV))))
    return body or t("ip", t("forward-protocol", v("protocol", "nd")))


ETH = "http://cisco.com/ns/yang/Cisco-IOS-XE-ethernet"
#: Interface types of the table and how their numbers look.
PORT_NUMBER = st.one_of(st.integers(1, 8).map(str), st.from_regex(r"[1-2]/0/[1-9][0-9]?", fullmatch=True))
INTERFACE_KINDS = {
    "GigabitEthernet": PORT_NUMBER, "TenGigabitEthernet": PORT_NUMBER, "AppGigabitEthernet": PORT_NUMBER,
    "Loopback": st.integers(0, 2147483647).map(str), "Port-channel": st.integers(1, 512).map(str),
    "Vlan": st.integers(1, 4094).map(str),
}  # fmt: skip
IPV6_PREFIX = st.builds(
    "2001:DB8:{:X}::{:X}/{}".format, st.integers(0, 65535), st.integers(1, 65535), st.integers(16, 128)
)


@st.composite
def _interface_entry(draw: st.DrawFn, kind: str, number: str, vrfs: list[str]) -> str:
    body = v("name", number) + draw(maybe(TEXT.map(lambda x: v("description", x))))
    body += draw(maybe(st.just(t("shutdown"))))
    if kind not in ("Loopback", "Vlan"):
        dot1q = draw(maybe(st.integers(1, 4094).map(lambda x: v("vlan-id", x))))
        body += t("encapsulation", t("dot1Q", dot1q + draw(maybe(st.just(t("native")))))) if dot1q else ""
    if vrfs:
        body += draw(maybe(st.sampled_from(vrfs).map(lambda x: t("vrf", v("forwarding", x)))))
    form = draw(st.sampled_from(["none", "static", "dhcp"]))
    if form == "static":
        secondaries = draw(st.lists(LOOPBACK, max_size=2, unique=True))
        primary = draw(LOOPBACK.filter(lambda a: a not in secondaries))
        address = "".join(
            t("secondary", v("address", a) + v("mask", "255.255.255.0") + t("secondary")) for a in secondaries
        )
        address += t("primary", v("address", primary) + v("mask", "255.255.255.0"))
        body += t("ip", t("address", address))
    elif form == "dhcp":
        body += t("ip", t("address", t("dhcp")))
    ipv6 = "".join(t("prefix-list", v("prefix", p)) for p in draw(st.lists(IPV6_PREFIX, max_size=2, unique=True)))
    ipv6 = (t("address", ipv6) if ipv6 else "") + draw(maybe(st.just(t("enable"))))
    body += t("ipv6", ipv6) if ipv6 else ""
    mop = draw(maybe(st.sampled_from(["true", "false"]).map(lambda x: v("enabled", x))))
    mop += draw(maybe(st.sampled_from(["true", "false"]).map(lambda x: v("sysid", x))))
    body += t("mop", mop) if mop else ""
    body += draw(maybe(st.integers(64, 18000).map(lambda x: v("mtu", x))))
    if kind != "Loopback":
        speed = ("auto", "value-10", "value-100", "value-1000", "value-10000", "nonegotiate")
        body += draw(maybe(st.sampled_from(speed).map(lambda x: t("speed", t(x), ETH))))
        body += draw(maybe(st.sampled_from(["auto", "full", "half"]).map(lambda x: t("duplex", x, ETH))))
        body += draw(maybe(st.sampled_from(["true", "false"]).map(lambda x: t("negotiation", v("auto", x), ETH))))
    return t(kind, body)


@st.composite
def _routes(draw: st.DrawFn, vrf: bool) -> str:
    """``ip route`` entries: a next hop (an address, Null0, an interface) with its options, or an interface with
    gateways (whose options are the gateways'); a VRF's routes take no ``name``."""
    options = ("permanent", "tag") if vrf else ("name", "permanent", "tag")

    def opts() -> str:
        out = draw(maybe(st.integers(1, 255).map(lambda x: v("metric", x))))
        for option in options:
            if draw(st.booleans()):
                value = {"name": draw(NAME), "tag": draw(st.integers(1, 4294967295)), "permanent": None}[option]
                out += t(option) if value is None else v(option, value)
        return out

    out = ""
    for prefix in draw(st.lists(LOOPBACK, min_size=1, max_size=2, unique=True)):
        hops = ""
        for fwd in draw(
            st.lists(
                st.sampled_from(["127.0.0.1", "Null0", "GigabitEthernet1", "Loopback0"]),
                min_size=1,
                max_size=2,
                unique=True,
            )
        ):
            if fwd in ("GigabitEthernet1", "Loopback0") and draw(st.booleans()):
                gateways = draw(st.lists(LOOPBACK, min_size=1, max_size=2, unique=True))
                hops += t(
                    "fwd-list",
                    v("fwd", fwd) + "".join(t("interface-next-hop", v("ip-address", g) + opts()) for g in gateways),
                )
            else:
                hops += t("fwd-list", v("fwd", fwd) + opts())
        out += t("ip-route-interface-forwarding-list", v("prefix", prefix) + v("mask", "255.255.255.255") + hops)
    return out


@st.composite
def interfaces(draw: st.DrawFn) -> str:
    """Interfaces, ``vrf definition`` and ``ip route``, each VRF named before it is used."""
    vrfs = draw(st.lists(NAME, max_size=2, unique=True))
    definitions = ""
    for name in vrfs:
        body = v("name", name) + draw(maybe(TEXT.map(lambda x: v("description", x))))
        body += draw(maybe(st.from_regex(r"[1-9][0-9]{0,4}:[0-9]{1,5}", fullmatch=True).map(lambda x: v("rd", x))))
        families = draw(st.lists(st.sampled_from(["ipv4", "ipv6"]), unique=True))
        body += t("address-family", "".join(t(f) for f in families)) if families else ""
        definitions += t("definition", body)
    out = t("vrf", definitions) if definitions else ""
    entries = draw(
        st.lists(
            st.sampled_from(sorted(INTERFACE_KINDS)).flatmap(lambda k: st.tuples(st.just(k), INTERFACE_KINDS[k])),
            max_size=4,
            unique=True,
        )
    )
    out += t("interface", "".join(draw(_interface_entry(k, n, vrfs)) for k, n in entries)) if entries else ""
    route = draw(maybe(_routes(False)))
    for name in draw(st.lists(st.sampled_from(vrfs), unique=True)) if vrfs else []:
        route += t("vrf", v("name", name) + draw(_routes(True)))
    out += t("ip", t("route", route)) if route else ""
    return out or t("interface", t("Loopback", v("name", 0)))


#: Stanzas of lines no model knows (kept as text), each with a head of its own: a block holds no two alike.
_KEPT_STANZAS = st.sampled_from(
    (
        ("router ospf 1", " network 127.0.0.0 0.255.255.255 area 0"),
        ("router bgp 65000", " neighbor 127.0.0.2 remote-as 65001", " address-family ipv4", " exit-address-family"),
        ("spanning-tree mode rapid-pvst",),
        ("ip access-list extended QACL", " 10 permit ip any any"),
        ("vlan 10", " name QUSERS"),
    )
)


@st.composite
def kept_block(draw: st.DrawFn) -> str:
    """A block of kept lines after the '!' that follows ``hostname`` (a place every rendering has, before the
    fixed ``boot-start-marker``), optionally with its own trailing '!'."""
    stanzas = draw(st.lists(_KEPT_STANZAS, min_size=1, max_size=3, unique_by=lambda s: s[0]))
    lines = [line for stanza in stanzas for line in stanza] + draw(st.sampled_from(([], ["!"])))
    block = v("context", "") + v("after", "hostname!1") + v("text", "\n".join(lines))
    return t("unmodelled", t("block", block), PRIV)


FEATURES = st.one_of(
    kept_block(),
    interfaces(),
    mgmt(),
    system(),
    archive(),
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
    """Merge each ``<native>`` body (``cfg`` wraps one in ``<config>``) into the datastore ``empty``, in order,
    normalised after each merge as the device's datastore does (typed cipher lists follow the ``aes*-ctr`` leaves
    another body set)."""
    tree = empty
    for body in bodies:
        result = apply_edit(tree, cfg(body), schema)
        assert result.tree is not None, ([e.message for e in result.errors], body)
        tree = result.tree
        reconcile_flagged_lists(tree)
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
    for stamps in (*tree.iter(f"{N}debug-config"), *tree.iter(f"{N}log-config")):
        if stamps.find(f"{N}uptime") is not None and stamps.find(f"{N}datetime") is not None:
            return False  # 'service timestamps X uptime' and '... datetime' replace each other
    for transport in tree.iter(f"{N}udp"):
        if len(transport.findall(f"{N}port-config")) > 1:
            return False  # one 'logging host A transport udp port P' line per host
    for auth in tree.iter(f"{N}authorization"):
        exec_ = auth.find(f"{N}exec")
        if exec_ is not None and len(exec_) > 1:
            return False
    return True
