"""Our ``<hello>`` against the one a Catalyst 8000V on IOS XE 17.12.1 sends.

The reference is ``vendor/cisco/xe/17121/capability-c8000v.xml`` in the public YangModels/yang repository (the
capability dump Cisco publishes with each release), with ``yang-set-c8000v.xml`` beside it for the library. The
hello is read raw, over an SSH ``netconf`` subsystem opened with asyncssh, so the order and the exact text of each
``<capability>`` are the server's, not a client library's.

What is compared:

* the protocol capabilities (``urn:ietf:params:netconf:…``), in order. The module-set-id / content-id values are
  ignored (they hash a module set we only partly model).
* ``--netconf-extensions`` adds exactly ``:startup:1.0`` and ``:confirmed-commit:1.1`` and nothing else.
* module capabilities: each one we send is a YANG 1.0 module from our library (RFC 7950 §5.6.4: YANG 1.1 modules
  are announced only through ietf-yang-library), and every module 17.12 announces that we load is announced with
  the same URI. The tail-f, Cisco deviation, OpenConfig and SMIv2 capabilities of the real box name modules we do
  not model, so they are left out.
"""

from __future__ import annotations

import asyncio
import re
from urllib.parse import parse_qs, urlsplit

import asyncssh
import pytest
from agents import ADMIN_PASSWORD, ADMIN_USER
from framing import EOM
from lxml import etree
from namespaces import NC, NCM, YL

CAP = "urn:ietf:params:netconf:capability:"

# capability-c8000v.xml (17.12.1): every urn:ietf:params:netconf:* capability, in document order. notification:1.1
# really is the last <capability> of that file (after ~330 module capabilities), so it comes last here too.
IOS_XE_17_12_PROTOCOL_CAPABILITIES = (
    "urn:ietf:params:netconf:base:1.0",
    "urn:ietf:params:netconf:base:1.1",
    CAP + "writable-running:1.0",
    CAP + "candidate:1.0",
    CAP + "rollback-on-error:1.0",
    CAP + "validate:1.0",
    CAP + "validate:1.1",
    CAP + "xpath:1.0",
    CAP + "notification:1.0",
    CAP + "interleave:1.0",
    CAP + "partial-lock:1.0",
    CAP + "with-defaults:1.0?basic-mode=explicit&also-supported=report-all-tagged,report-all",
    CAP + "with-operational-defaults:1.0?basic-mode=explicit&also-supported=report-all-tagged,report-all",
    CAP + "yang-library:1.0?revision=2019-01-04&module-set-id=*",
    CAP + "yang-library:1.1?revision=2019-01-04&content-id=*",
    CAP + "notification:1.1",
)
NOTIFICATION_11 = CAP + "notification:1.1"
EXTENSIONS = {CAP + "startup:1.0", CAP + "confirmed-commit:1.1"}

# capability-c8000v.xml (17.12.1): the module capabilities of the IETF, IANA and cisco-ia modules and of the two
# Cisco deviation modules of the subscription modules, the only announced modules this agent could load
# (Cisco-IOS-XE-* are YANG 1.1 and so only in the library).
IOS_XE_17_12_MODULE_CAPABILITIES = {
    "cisco-ia": "http://cisco.com/yang/cisco-ia?module=cisco-ia&revision=2021-11-01",
    "ietf-netconf": "urn:ietf:params:xml:ns:netconf:base:1.0?module=ietf-netconf&revision=2011-06-01"
    "&features=writable-running,candidate,rollback-on-error,validate,xpath",
    "iana-crypt-hash": "urn:ietf:params:xml:ns:yang:iana-crypt-hash?module=iana-crypt-hash&revision=2014-08-06"
    "&features=crypt-hash-sha-512,crypt-hash-sha-256,crypt-hash-md5",
    "iana-if-type": "urn:ietf:params:xml:ns:yang:iana-if-type?module=iana-if-type&revision=2014-05-08",
    "ietf-inet-types": "urn:ietf:params:xml:ns:yang:ietf-inet-types?module=ietf-inet-types&revision=2013-07-15",
    "ietf-interfaces": "urn:ietf:params:xml:ns:yang:ietf-interfaces?module=ietf-interfaces&revision=2014-05-08"
    "&features=pre-provisioning,if-mib,arbitrary-names&deviations=cisco-xe-ietf-ip-deviation",
    "ietf-key-chain": "urn:ietf:params:xml:ns:yang:ietf-key-chain?module=ietf-key-chain&revision=2015-02-24"
    "&features=independent-send-accept-lifetime,hex-key-string,accept-tolerance",
    "ietf-netconf-monitoring": "urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring?module=ietf-netconf-monitoring"
    "&revision=2010-10-04",
    "ietf-netconf-notifications": "urn:ietf:params:xml:ns:yang:ietf-netconf-notifications"
    "?module=ietf-netconf-notifications&revision=2012-02-06",
    "ietf-netconf-with-defaults": "urn:ietf:params:xml:ns:yang:ietf-netconf-with-defaults"
    "?module=ietf-netconf-with-defaults&revision=2011-06-01",
    "ietf-restconf-monitoring": "urn:ietf:params:xml:ns:yang:ietf-restconf-monitoring"
    "?module=ietf-restconf-monitoring&revision=2017-01-26",
    "ietf-x509-cert-to-name": "urn:ietf:params:xml:ns:yang:ietf-x509-cert-to-name?module=ietf-x509-cert-to-name"
    "&revision=2014-12-10",
    "ietf-yang-metadata": "urn:ietf:params:xml:ns:yang:ietf-yang-metadata?module=ietf-yang-metadata"
    "&revision=2016-08-05",
    "ietf-yang-smiv2": "urn:ietf:params:xml:ns:yang:ietf-yang-smiv2?module=ietf-yang-smiv2&revision=2012-06-22",
    "ietf-yang-types": "urn:ietf:params:xml:ns:yang:ietf-yang-types?module=ietf-yang-types&revision=2013-07-15",
    # dynamic subscriptions (notification:1.1): the draft-era modules and Cisco's deviations of them
    "ietf-event-notifications": "urn:ietf:params:xml:ns:yang:ietf-event-notifications"
    "?module=ietf-event-notifications&revision=2016-10-27&features=json,configured-subscriptions"
    "&deviations=cisco-xe-ietf-event-notifications-deviation,cisco-xe-ietf-yang-push-deviation",
    "ietf-yang-push": "urn:ietf:params:xml:ns:yang:ietf-yang-push?module=ietf-yang-push&revision=2021-03-01"
    "&features=on-change&deviations=cisco-xe-ietf-yang-push-deviation",
    "cisco-xe-ietf-event-notifications-deviation": "http://cisco.com/ns/yang/cisco-xe-ietf-event-notifications-deviation"
    "?module=cisco-xe-ietf-event-notifications-deviation&revision=2018-12-03",
    "cisco-xe-ietf-yang-push-deviation": "http://cisco.com/ns/yang/cisco-xe-ietf-yang-push-deviation"
    "?module=cisco-xe-ietf-yang-push-deviation&revision=2018-12-03",
}


# ---------------------------------------------------------------------------------------------------------------
# Reading the hello and the library
# ---------------------------------------------------------------------------------------------------------------
async def _raw_hello(host: str, port: int) -> bytes:
    async with asyncssh.connect(
        host,
        port,
        username=ADMIN_USER,
        password=ADMIN_PASSWORD,
        known_hosts=None,
        client_keys=None,
        agent_path=None,
        preferred_auth="password",
    ) as conn:
        writer, reader, _ = await conn.open_session(subsystem="netconf", encoding=None)
        buf = b""
        while EOM not in buf:
            chunk = await asyncio.wait_for(reader.read(65536), 30)
            assert chunk, "the server closed the channel before its hello ended"
            buf += chunk
        writer.write(
            f'<hello xmlns="{NC}"><capabilities><capability>urn:ietf:params:netconf:base:1.0</capability>'
            "</capabilities></hello>".encode()
            + EOM
        )
        writer.write_eof()
        return buf.split(EOM, 1)[0]


def hello_capabilities(agent) -> list[str]:
    """The ``<capability>`` texts of the server hello, in the order sent."""
    root = etree.fromstring(asyncio.run(_raw_hello(agent.host, agent.netconf_port)).strip())
    assert root.tag == f"{{{NC}}}hello"
    return [(c.text or "").strip() for c in root.iterfind(f"{{{NC}}}capabilities/{{{NC}}}capability")]


def protocol(caps: list[str]) -> list[str]:
    return [c for c in caps if c.startswith("urn:ietf:params:netconf:")]


def modules(caps: list[str]) -> list[str]:
    return [c for c in caps if not c.startswith("urn:ietf:params:netconf:")]


def without_set_ids(caps: list[str]) -> list[str]:
    """The yang-library capabilities with their module-set-id / content-id values replaced by ``*``."""
    return [re.sub(r"((?:module-set-id|content-id)=)[^&]*", r"\1*", c) for c in caps]


def parse_module_capability(uri: str) -> dict[str, object]:
    """RFC 6020 §5.6.4: ``namespace?module=M[&revision=R][&features=a,b][&deviations=c,d]``."""
    parts = urlsplit(uri)
    query = parse_qs(parts.query)
    ns = uri.split("?", 1)[0]
    return {
        "namespace": ns,
        "module": query.get("module", [""])[0],
        "revision": query.get("revision", [""])[0],
        "features": set(query.get("features", [""])[0].split(",")) - {""},
        "deviations": set(query.get("deviations", [""])[0].split(",")) - {""},
    }


def _get(m, top: str) -> etree._Element:
    """``<get>`` of one ietf-yang-library container through ncclient."""
    reply = etree.fromstring(m.get(filter=("subtree", f'<{top} xmlns="{YL}"/>')).xml.encode())
    found = reply.find(f".//{{{YL}}}{top}")
    assert found is not None, f"no /{top} in the reply"
    return found


def library(agent) -> tuple[etree._Element, etree._Element]:
    """(/modules-state, /yang-library) from the running agent."""
    with agent.connect() as m:
        return _get(m, "modules-state"), _get(m, "yang-library")


def yang_version(text: str) -> str:
    m = re.search(r"^\s*yang-version\s+[\"']?([0-9.]+)[\"']?\s*;", text, re.MULTILINE)
    return m.group(1) if m else "1"


def library_modules(agent) -> dict[str, dict[str, object]]:
    """Every module of modules-state: namespace, revision, conformance, features, submodules, YANG version.

    The YANG version is read from the module text the server itself returns through get-schema.
    """
    ms, _ = library(agent)
    out: dict[str, dict[str, object]] = {}
    with agent.connect() as m:
        for mod in ms.iterfind(f"{{{YL}}}module"):
            name = mod.findtext(f"{{{YL}}}name")
            revision = mod.findtext(f"{{{YL}}}revision") or ""
            reply = etree.fromstring(m.get_schema(name, version=revision or None).xml.encode())
            text = reply.findtext(f".//{{{NCM}}}data") or ""
            assert re.search(rf"^\s*module\s+{re.escape(name)}\b", text, re.MULTILINE), f"get-schema {name}"
            out[name] = {
                "namespace": mod.findtext(f"{{{YL}}}namespace"),
                "revision": revision,
                "conformance": mod.findtext(f"{{{YL}}}conformance-type"),
                "features": {f.text for f in mod.iterfind(f"{{{YL}}}feature")},
                "deviations": {d.findtext(f"{{{YL}}}name") for d in mod.iterfind(f"{{{YL}}}deviation")},
                "submodules": {s.findtext(f"{{{YL}}}name") for s in mod.iterfind(f"{{{YL}}}submodule")},
                "yang_version": yang_version(text),
            }
    return out


@pytest.fixture(scope="module")
def default_caps(agent) -> list[str]:
    return hello_capabilities(agent)


@pytest.fixture(scope="module")
def lib_modules(agent) -> dict[str, dict[str, object]]:
    return library_modules(agent)


# ---------------------------------------------------------------------------------------------------------------
# Protocol capabilities
# ---------------------------------------------------------------------------------------------------------------
def test_protocol_capabilities_are_exactly_the_17_12_list_in_order(default_caps) -> None:
    assert without_set_ids(protocol(default_caps)) == list(IOS_XE_17_12_PROTOCOL_CAPABILITIES)


def test_protocol_capabilities_come_before_module_capabilities(default_caps) -> None:
    # 17.12 lists all protocol capabilities first (but the stray notification:1.1 at its very end).
    kinds = [c.startswith("urn:ietf:params:netconf:") for c in default_caps if c != NOTIFICATION_11]
    assert kinds == sorted(kinds, reverse=True)
    assert default_caps[-1] == NOTIFICATION_11
    assert len(default_caps) == len(set(default_caps)), "a capability is sent twice"


def test_yang_library_ids_in_the_hello_are_the_library_ids(agent, default_caps) -> None:
    ms, yl = library(agent)
    (lib10,) = [c for c in default_caps if c.startswith(CAP + "yang-library:1.0?")]
    (lib11,) = [c for c in default_caps if c.startswith(CAP + "yang-library:1.1?")]
    q10, q11 = parse_qs(urlsplit(lib10).query), parse_qs(urlsplit(lib11).query)
    assert q10["module-set-id"] == [ms.findtext(f"{{{YL}}}module-set-id")]
    assert q11["content-id"] == [yl.findtext(f"{{{YL}}}content-id")]
    assert q10["revision"] == q11["revision"] == ["2019-01-04"]


def test_netconf_extensions_add_only_startup_and_confirmed_commit(fresh_agent, default_caps) -> None:
    extended = hello_capabilities(fresh_agent("--netconf-extensions"))
    # ietf-netconf then also announces its confirmed-commit and startup features (and the library ids change)
    netconf_module = "urn:ietf:params:xml:ns:netconf:base:1.0?module=ietf-netconf&"
    assert set(without_set_ids(protocol(extended))) - set(without_set_ids(protocol(default_caps))) == EXTENSIONS
    ext_module = next(c for c in extended if c.startswith(netconf_module))
    assert ext_module.endswith(
        "features=writable-running,candidate,confirmed-commit,rollback-on-error,validate,startup,xpath"
    )

    def same(caps: list[str]) -> list[str]:
        return without_set_ids([c for c in caps if c not in EXTENSIONS and not c.startswith(netconf_module)])

    # nothing else moves: dropping the two extensions gives back the default hello, order included
    assert same(extended) == same(default_caps)
    # and they sit where RFC 6241 servers list them: confirmed-commit after candidate, startup after validate:1.1
    proto = protocol(extended)
    assert proto.index(CAP + "confirmed-commit:1.1") == proto.index(CAP + "candidate:1.0") + 1
    assert proto.index(CAP + "startup:1.0") == proto.index(CAP + "validate:1.1") + 1


# ---------------------------------------------------------------------------------------------------------------
# Module capabilities versus the YANG library
# ---------------------------------------------------------------------------------------------------------------
def test_every_module_capability_is_a_yang_1_0_module_of_the_library(default_caps, lib_modules) -> None:
    assert modules(default_caps), "no module capability at all"
    for uri in modules(default_caps):
        cap = parse_module_capability(uri)
        name = str(cap["module"])
        assert name in lib_modules, f"{uri}: module not in modules-state"
        mod = lib_modules[name]
        assert mod["yang_version"] == "1", f"{name} is YANG {mod['yang_version']} but is in the hello"
        # 17.12 announces import-only YANG 1.0 modules too (ietf-inet-types, ietf-yang-types: "import" in its library)
        assert mod["conformance"] in ("implement", "import")
        assert cap["namespace"] == mod["namespace"]
        assert cap["revision"] == mod["revision"]
        assert cap["features"] == (mod["features"] if mod["conformance"] == "implement" else cap["features"])
        assert cap["deviations"] == mod["deviations"]


def test_yang_1_1_modules_are_only_in_the_library(default_caps, lib_modules) -> None:
    announced = {parse_module_capability(u)["module"] for u in modules(default_caps)}
    yang11 = {n for n, m in lib_modules.items() if m["yang_version"] == "1.1"}
    assert {"Cisco-IOS-XE-native", "ietf-yang-library"} <= yang11
    assert not (yang11 & announced)
    submodules = set().union(*(m["submodules"] for m in lib_modules.values()))
    assert not (submodules & announced), "a submodule is announced as a module"


def test_every_implemented_yang_1_0_module_is_announced(default_caps, lib_modules) -> None:
    announced = {parse_module_capability(u)["module"] for u in modules(default_caps)}
    implemented_10 = {n for n, m in lib_modules.items() if m["yang_version"] == "1" and m["conformance"] == "implement"}
    assert implemented_10 <= announced


def test_shared_module_capabilities_are_sent_exactly_as_17_12_sends_them(default_caps) -> None:
    for uri in modules(default_caps):
        name = str(parse_module_capability(uri)["module"])
        if name in IOS_XE_17_12_MODULE_CAPABILITIES:
            assert uri == IOS_XE_17_12_MODULE_CAPABILITIES[name]


def test_modules_17_12_announces_and_we_load_are_announced(default_caps, lib_modules) -> None:
    expected = {IOS_XE_17_12_MODULE_CAPABILITIES[n] for n in lib_modules if n in IOS_XE_17_12_MODULE_CAPABILITIES}
    assert expected - set(modules(default_caps)) == set()


def test_we_announce_no_module_17_12_does_not(default_caps) -> None:
    extra = {
        str(parse_module_capability(u)["module"])
        for u in modules(default_caps)
        if str(parse_module_capability(u)["module"]) not in IOS_XE_17_12_MODULE_CAPABILITIES
    }
    assert extra == set()
