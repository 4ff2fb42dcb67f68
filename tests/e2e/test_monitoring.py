"""RFC 6022 monitoring, get-schema and the YANG library (RFC 7895 / RFC 8525) against the real agent process.

Includes the YANG pipeline a real automation runs: read the library, download every schema with get-schema and
compile the downloaded set with pyang and yanglint.
"""

from __future__ import annotations

import calendar
import importlib.machinery
import importlib.util
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from types import ModuleType
from urllib.parse import parse_qs

import pytest
from lxml import etree
from namespaces import IOS, NC, NCM, YL
from ncclient.operations.rpc import RPCError
from ncclient.xml_ import to_ele

from iosxe_agent.yang.loader import ietf_module_dir

ROOT = Path(__file__).resolve().parents[2]
YANG_DIR = ROOT / "yang"
NS = {"nc": NC, "ncm": NCM, "yl": YL}
YANG_LIBRARY_10 = "urn:ietf:params:netconf:capability:yang-library:1.0"
YANG_LIBRARY_11 = "urn:ietf:params:netconf:capability:yang-library:1.1"
YANGLINT = shutil.which("yanglint")


def _yangcheck() -> ModuleType:
    """tools/yangcheck (a script without .py), loaded as a module for its pyang / yanglint runners."""
    if "yangcheck" not in sys.modules:
        loader = importlib.machinery.SourceFileLoader("yangcheck", str(ROOT / "tools" / "yangcheck"))
        spec = importlib.util.spec_from_loader("yangcheck", loader)
        assert spec is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["yangcheck"] = module
        loader.exec_module(module)
    return sys.modules["yangcheck"]


def _data(reply) -> etree._Element:
    return etree.fromstring(reply.xml.encode()).find(f"{{{NC}}}data")


def _get(m, flt: str) -> etree._Element:
    return _data(m.get(filter=("subtree", flt)))


def _state(m, inner: str = "") -> etree._Element:
    el = _get(m, f'<netconf-state xmlns="{NCM}">{inner}</netconf-state>').find("ncm:netconf-state", NS)
    assert el is not None
    return el


def _statistics(m) -> dict[str, int]:
    stats = _state(m, "<statistics/>").find("ncm:statistics", NS)
    return {etree.QName(c).localname: int(c.text) for c in stats if etree.QName(c).localname != "netconf-start-time"}


def _sessions(m) -> dict[int, etree._Element]:
    sessions = _state(m, "<sessions/>").find("ncm:sessions", NS)
    return {int(s.findtext("ncm:session-id", namespaces=NS)): s for s in sessions.iterfind("ncm:session", NS)}


def _modules_state(m) -> etree._Element:
    el = _get(m, f'<modules-state xmlns="{YL}"/>').find("yl:modules-state", NS)
    assert el is not None
    return el


def _local_file(identifier: str) -> Path:
    """The file on disk a schema comes from: ours in yang/, the IETF ones from pyang's directory."""
    ours = YANG_DIR / f"{identifier}.yang"
    if ours.exists():
        return ours
    ietf = ietf_module_dir()
    assert ietf is not None
    return ietf / f"{identifier}.yang"


def _schemas(m) -> list[tuple[str, str, str]]:
    schemas = _state(m, "<schemas/>").find("ncm:schemas", NS)
    return [
        (
            s.findtext("ncm:identifier", namespaces=NS),
            s.findtext("ncm:version", namespaces=NS),
            s.findtext("ncm:namespace", namespaces=NS),
        )
        for s in schemas.iterfind("ncm:schema", NS)
    ]


def _rpc_error(m, xml: str) -> RPCError:
    with pytest.raises(RPCError) as exc:
        m.dispatch(to_ele(xml))
    return exc.value


# -- get-schema --------------------------------------------------------------------------------------------------
def test_get_schema_returns_every_module_and_submodule_byte_identical(nc) -> None:
    schemas = _schemas(nc)
    identifiers = {ident for ident, _, _ in schemas}
    # every module we load, submodules included, plus the IETF modules they import (RFC 5277's notifications and
    # nc-notifications are shipped in yang/ but not loaded: 17.12 has neither; the device-private module is hidden)
    unserved = {"notifications", "nc-notifications", "iosxe-agent-private"}
    assert {p.stem for p in YANG_DIR.glob("*.yang")} - unserved <= identifiers
    assert "iosxe-agent-private" not in identifiers
    assert {"Cisco-IOS-XE-ip", "Cisco-IOS-XE-line", "ietf-inet-types", "ietf-yang-library"} <= identifiers
    for ident, version, _ in schemas:
        expected = _local_file(ident).read_bytes()
        reply = nc.get_schema(ident, version=version, format="yang")
        assert reply.data.encode() == expected, ident
        assert nc.get_schema(ident).data.encode() == expected, ident  # version and format are optional


def test_netconf_state_schema_entries(nc) -> None:
    entries = {
        s.findtext("ncm:identifier", namespaces=NS): s for s in _state(nc, "<schemas/>").iterfind(".//ncm:schema", NS)
    }
    native = entries["Cisco-IOS-XE-native"]
    assert [etree.QName(c).localname for c in native] == ["identifier", "version", "format", "namespace", "location"]
    assert native.findtext("ncm:version", namespaces=NS) == "2023-07-01"
    assert native.findtext("ncm:format", namespaces=NS) == "yang"
    assert native.findtext("ncm:location", namespaces=NS) == "NETCONF"
    # a submodule carries the namespace of the module it belongs to
    assert entries["Cisco-IOS-XE-ip"].findtext("ncm:namespace", namespaces=NS) == IOS


def test_get_schema_errors(nc) -> None:
    get_schema = f'<get-schema xmlns="{NCM}">{{}}</get-schema>'
    err = _rpc_error(nc, get_schema.format("<identifier>no-such-module</identifier>"))
    assert err.tag == "invalid-value"
    err = _rpc_error(nc, get_schema.format("<identifier>cisco-ia</identifier><version>1999-01-01</version>"))
    assert err.tag == "invalid-value"
    err = _rpc_error(nc, get_schema.format("<identifier>cisco-ia</identifier><format>yin</format>"))
    assert err.tag == "invalid-value"
    err = _rpc_error(nc, get_schema.format("<identifier>cisco-ia</identifier><format>ncm:bogus</format>"))
    assert err.tag == "invalid-value"
    err = _rpc_error(nc, get_schema.format("<version>2021-11-01</version>"))
    assert err.tag == "missing-element"
    err = _rpc_error(nc, get_schema.format("<identifier>cisco-ia</identifier><colour>red</colour>"))
    assert err.tag == "unknown-element"
    # a prefixed identityref for the format is understood
    reply = nc.dispatch(
        to_ele(
            f'<get-schema xmlns="{NCM}" xmlns:m="{NCM}"><identifier>cisco-ia</identifier>'
            "<format>m:yang</format></get-schema>"
        )
    )
    text = etree.fromstring(reply.xml.encode()).findtext("ncm:data", namespaces=NS)
    assert text.encode() == (YANG_DIR / "cisco-ia.yang").read_bytes()


# -- YANG library ------------------------------------------------------------------------------------------------
def test_hello_yang_library_ids_match_the_library(nc) -> None:
    caps = list(nc.server_capabilities)
    lib10 = [c for c in caps if c.startswith(YANG_LIBRARY_10 + "?")]
    lib11 = [c for c in caps if c.startswith(YANG_LIBRARY_11 + "?")]
    assert len(lib10) == 1 and len(lib11) == 1
    q10, q11 = parse_qs(lib10[0].split("?", 1)[1]), parse_qs(lib11[0].split("?", 1)[1])
    assert q10["revision"] == ["2019-01-04"] and q11["revision"] == ["2019-01-04"]
    set_id = _modules_state(nc).findtext("yl:module-set-id", namespaces=NS)
    assert q10["module-set-id"] == [set_id]
    assert q11["content-id"] == [set_id]  # one id for both, as on a 17.12 box
    yl = _get(nc, f'<yang-library xmlns="{YL}"><content-id/></yang-library>')
    assert yl.findtext("yl:yang-library/yl:content-id", namespaces=NS) == set_id
    assert caps.index(lib10[0]) + 1 == caps.index(lib11[0])


def test_yang_1_1_modules_are_in_the_library_not_in_the_hello(nc) -> None:
    caps = list(nc.server_capabilities)
    modules = {m.findtext("yl:name", namespaces=NS): m for m in _modules_state(nc).iterfind("yl:module", NS)}
    for name in ("Cisco-IOS-XE-native", "Cisco-IOS-XE-aaa", "Cisco-IOS-XE-rpc", "ietf-yang-library"):
        assert name in modules
        assert not any(f"module={name}&" in c or c.endswith(f"module={name}") for c in caps), name
    # YANG 1.0 modules are in both
    assert "urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring?module=ietf-netconf-monitoring&revision=2010-10-04" in (
        caps
    )
    assert "cisco-ia" in modules and "ietf-netconf-monitoring" in modules
    native = modules["Cisco-IOS-XE-native"]
    assert native.findtext("yl:conformance-type", namespaces=NS) == "implement"
    assert native.findtext("yl:schema", namespaces=NS) == (
        "http://localhost:8008/restconf/tailf/modules/Cisco-IOS-XE-native/2023-07-01"
    )
    subs = {s.findtext("yl:name", namespaces=NS) for s in native.iterfind("yl:submodule", NS)}
    assert {"Cisco-IOS-XE-ip", "Cisco-IOS-XE-line"} <= subs
    assert modules["ietf-inet-types"].findtext("yl:conformance-type", namespaces=NS) == "import"


def test_yang_library_datastores(nc) -> None:
    yl = _get(nc, f'<yang-library xmlns="{YL}"><datastore/></yang-library>')
    names = [n.text for n in yl.iterfind(".//yl:datastore/yl:name", NS)]
    assert names[:2] == ["ds:running", "ds:candidate"]
    assert "ds:startup" not in names


# -- netconf-state ----------------------------------------------------------------------------------------------
def test_capabilities_are_exactly_the_hello(nc) -> None:
    caps = [c.text for c in _state(nc, "<capabilities/>").iterfind("ncm:capabilities/ncm:capability", NS)]
    assert caps == list(nc.server_capabilities)


def test_sessions_show_both_sessions_with_their_users(agent, nc) -> None:
    name = f"mon{uuid.uuid4().hex[:6]}"
    nc.edit_config(
        target="running",
        config=(
            f'<config xmlns="{NC}"><native xmlns="{IOS}"><username><name>{name}</name><privilege>15</privilege>'
            "<secret><encryption>0</encryption><secret>Monitor-Pass-1</secret></secret></username></native></config>"
        ),
    )
    other = agent.connect(user=name, password="Monitor-Pass-1")
    try:
        before = time.time()
        other.get_config("running")
        sessions = _sessions(nc)
        mine, theirs = sessions[int(nc.session_id)], sessions[int(other.session_id)]
        assert mine.findtext("ncm:username", namespaces=NS) == "admin"
        assert theirs.findtext("ncm:username", namespaces=NS) == name
        for s in (mine, theirs):
            assert s.findtext("ncm:transport", namespaces=NS) == "netconf-ssh"
            assert s.findtext("ncm:source-host", namespaces=NS) == "127.0.0.1"
            login = calendar.timegm(
                time.strptime(s.findtext("ncm:login-time", namespaces=NS), "%Y-%m-%dT%H:%M:%S+00:00")
            )
            assert login <= before + 1
        assert int(theirs.findtext("ncm:in-rpcs", namespaces=NS)) >= 1
        assert [etree.QName(c).localname for c in theirs] == [
            "session-id", "transport", "username", "source-host", "login-time",
            "in-rpcs", "in-bad-rpcs", "out-rpc-errors", "out-notifications",
        ]  # fmt: skip
    finally:
        other.close_session()
    deadline = time.monotonic() + 10  # the reply to close-session comes before the session is gone
    while int(other.session_id) in _sessions(nc) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert int(other.session_id) not in _sessions(nc)


def test_a_lock_shows_under_datastores(agent, nc) -> None:
    def locks() -> dict[str, etree._Element | None]:
        dss = _state(nc, "<datastores/>").iterfind("ncm:datastores/ncm:datastore", NS)
        return {d.findtext("ncm:name", namespaces=NS): d.find("ncm:locks/ncm:global-lock", NS) for d in dss}

    assert set(locks()) == {"running", "candidate"}
    other = agent.connect()
    try:
        other.lock("candidate")
        held = locks()
        assert held["running"] is None
        lock = held["candidate"]
        assert lock is not None
        assert lock.findtext("ncm:locked-by-session", namespaces=NS) == str(other.session_id)
        assert lock.findtext("ncm:locked-time", namespaces=NS).endswith("+00:00")
        other.unlock("candidate")
        assert locks()["candidate"] is None
    finally:
        other.close_session()


def test_a_partial_lock_shows_under_running(agent, nc) -> None:
    pl = "urn:ietf:params:xml:ns:netconf:partial-lock:1.0"
    other = agent.connect()
    try:
        reply = other.dispatch(
            to_ele(
                f'<partial-lock xmlns="{pl}"><select xmlns:ios="{IOS}">/ios:native/ios:hostname</select></partial-lock>'
            )
        )
        lock_id = etree.fromstring(reply.xml.encode()).findtext(f"{{{pl}}}lock-id")
        running = next(
            d
            for d in _state(nc, "<datastores/>").iterfind("ncm:datastores/ncm:datastore", NS)
            if d.findtext("ncm:name", namespaces=NS) == "running"
        )
        entry = running.find("ncm:locks/ncm:partial-lock", NS)
        assert entry is not None and running.find("ncm:locks/ncm:global-lock", NS) is None
        assert entry.findtext("ncm:lock-id", namespaces=NS) == lock_id
        assert entry.findtext("ncm:locked-by-session", namespaces=NS) == str(other.session_id)
        assert entry.findtext("ncm:select", namespaces=NS) == "/ios:native/ios:hostname"
        node = entry.find("ncm:locked-node", NS)
        prefix = node.text.split("/")[1].split(":")[0]
        assert node.nsmap[prefix] == IOS  # the instance-identifier's prefixes resolve on the element
        other.dispatch(to_ele(f'<partial-unlock xmlns="{pl}"><lock-id>{lock_id}</lock-id></partial-unlock>'))
        assert _state(nc, "<datastores/>").find(".//ncm:partial-lock", NS) is None
    finally:
        other.close_session()


def test_statistics_counters_increase(agent, nc) -> None:
    first = _statistics(nc)
    for _ in range(3):
        nc.get_config("running")
    with pytest.raises(RPCError):
        nc.dispatch(to_ele(f'<get-schema xmlns="{NCM}"><identifier>none</identifier></get-schema>'))
    other = agent.connect()
    other.close_session()
    second = _statistics(nc)
    assert second["in-rpcs"] >= first["in-rpcs"] + 5  # 3 get-config, get-schema, the first <get>
    assert second["out-rpc-errors"] >= first["out-rpc-errors"] + 1
    assert second["in-sessions"] >= first["in-sessions"] + 1
    assert second["dropped-sessions"] == first["dropped-sessions"]  # close-session is not a drop
    mine = _sessions(nc)[int(nc.session_id)]
    assert int(mine.findtext("ncm:out-rpc-errors", namespaces=NS)) >= 1
    start = _state(nc, "<statistics/>").findtext("ncm:statistics/ncm:netconf-start-time", namespaces=NS)
    assert start.endswith("+00:00")


def test_a_session_that_disappears_counts_as_dropped(agent, nc) -> None:
    before = _statistics(nc)
    other = agent.connect()
    other._session.close()  # the transport goes away without <close-session>
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        after = _statistics(nc)
        if after["dropped-sessions"] > before["dropped-sessions"]:
            break
        time.sleep(0.1)
    assert after["dropped-sessions"] == before["dropped-sessions"] + 1
    assert after["in-sessions"] >= before["in-sessions"] + 1


def test_startup_datastore_with_the_extensions(fresh_agent) -> None:
    a = fresh_agent("--netconf-extensions")
    m = a.connect()
    try:
        names = [d.text for d in _state(m, "<datastores/>").iterfind(".//ncm:datastore/ncm:name", NS)]
        assert names == ["running", "candidate", "startup"]
        yl = _get(m, f'<yang-library xmlns="{YL}"><datastore/></yang-library>')
        assert "ds:startup" in [n.text for n in yl.iterfind(".//yl:datastore/yl:name", NS)]
    finally:
        m.close_session()


@pytest.mark.skipif(YANGLINT is None, reason="yanglint not installed (Debian package libyang2-tools)")
def test_state_data_validates_with_yanglint(nc, tmp_path: Path) -> None:
    """The independent oracle: netconf-state, modules-state and yang-library as ietf modules define them."""
    data = _data(nc.get())
    tags = {f"{{{NCM}}}netconf-state", f"{{{YL}}}modules-state", f"{{{YL}}}yang-library"}
    state = [c for c in data if c.tag in tags]
    assert len(state) == 3
    doc = tmp_path / "state.xml"
    doc.write_bytes(b"\n".join(etree.tostring(c) for c in state))
    ietf = ietf_module_dir()
    assert ietf is not None
    modules = [ietf / f"{n}.yang" for n in ("ietf-netconf-monitoring", "ietf-yang-library", "ietf-datastores")]
    cmd = [str(YANGLINT), "-p", str(ietf), "-t", "data", *map(str, modules), str(doc)]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


# -- the YANG pipeline -------------------------------------------------------------------------------------------
def test_pipeline_downloads_every_schema_and_compiles_the_set(nc, tmp_path: Path) -> None:
    """What a YANG pipeline does: read modules-state, get-schema each module and submodule, compile."""
    wanted: list[tuple[str, str]] = []
    for m in _modules_state(nc).iterfind("yl:module", NS):
        wanted.append((m.findtext("yl:name", namespaces=NS), m.findtext("yl:revision", namespaces=NS) or ""))
        for s in m.iterfind("yl:submodule", NS):
            wanted.append((s.findtext("yl:name", namespaces=NS), s.findtext("yl:revision", namespaces=NS) or ""))
    assert len(wanted) == len(_schemas(nc))  # the library and netconf-state agree
    files = []
    for name, revision in wanted:
        text = nc.get_schema(name, version=revision).data
        path = tmp_path / (f"{name}@{revision}.yang" if revision else f"{name}.yang")
        path.write_text(text, encoding="utf-8")
        files.append(path)
    yangcheck = _yangcheck()
    report = yangcheck.run_pyang(files, [tmp_path])  # only the downloaded set: no other search path
    assert report.errors == []
    if YANGLINT is None:
        pytest.skip("yanglint not installed (Debian package libyang2-tools): pyang part passed")
    report = yangcheck.run_yanglint(files, [tmp_path], YANGLINT)
    assert report.errors == []
