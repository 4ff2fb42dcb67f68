"""The YANG library builders (iosxe_agent.yang.library): RFC 7895 modules-state, RFC 8525 yang-library, schema sources.

A small synthetic module set covers what the Cisco set lacks (features, a deviation module, a module without a
revision, an import-only module with a submodule); the real set is checked for the shape of the 17.12 dump
(YangModels/yang vendor/cisco/xe/17121/yang-set-c8000v.xml). yanglint, when installed, validates the output
against ietf-yang-library itself.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree
from namespaces import DS, YL

from iosxe_agent.device.names import MODULES, schema_url
from iosxe_agent.yang import library
from iosxe_agent.yang.loader import default_search_path, ietf_module_dir, load_schema
from iosxe_agent.yang.schema import Schema

ROOT = Path(__file__).resolve().parents[2]
YANG_DIR = ROOT / "yang"
NS = {"yl": YL}
YANGLINT = shutil.which("yanglint")

MODULE_TEXTS = {
    "lib-a": """module lib-a {
  yang-version 1.1;
  namespace "urn:test:lib-a";
  prefix a;
  import lib-b { prefix b; }
  include lib-a-sub;
  revision 2024-02-02 { description "second"; }
  revision 2024-01-01 { description "first"; }
  feature zeta;
  feature alpha;
  container top {
    leaf x { type b:word; }
    leaf y { if-feature alpha; type string; }
  }
}
""",
    "lib-a-sub": """submodule lib-a-sub {
  yang-version 1.1;
  belongs-to lib-a { prefix a; }
  revision 2024-01-15;
  feature middle;
  container from-sub { leaf z { type string; } }
}
""",
    "lib-b": """module lib-b {
  namespace "urn:test:lib-b";
  prefix b;
  include lib-b-sub;
  revision 2023-05-05;
  typedef word { type string { length "1..10"; } }
}
""",
    "lib-b-sub": """submodule lib-b-sub {
  belongs-to lib-b { prefix b; }
  revision 2023-05-04;
  typedef other { type string; }
}
""",
    "lib-a-dev": """module lib-a-dev {
  namespace "urn:test:lib-a-dev";
  prefix ad;
  import lib-a { prefix a; }
  revision 2024-03-03;
  deviation /a:top/a:x { deviate replace { type string; } }
}
""",
    "lib-norev": """module lib-norev {
  namespace "urn:test:lib-norev";
  prefix n;
  leaf flag { type boolean; }
}
""",
}
IMPLEMENTED = ("lib-a", "lib-a-dev", "lib-norev")


def _write(tmp: Path, names: tuple[str, ...] = tuple(MODULE_TEXTS)) -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    for name in names:
        (tmp / f"{name}.yang").write_text(MODULE_TEXTS[name], encoding="utf-8")
    return tmp


@pytest.fixture(scope="module")
def lib_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(tmp_path_factory.mktemp("lib"))


@pytest.fixture(scope="module")
def small(lib_dir: Path) -> Schema:
    return load_schema([lib_dir], IMPLEMENTED)


@pytest.fixture(scope="module")
def cisco() -> Schema:
    return load_schema(default_search_path(YANG_DIR), MODULES)


def _entries(el: etree._Element) -> dict[str, etree._Element]:
    return {m.findtext("yl:name", namespaces=NS): m for m in el.iterfind("yl:module", NS)}


def _children(el: etree._Element) -> list[str]:
    return [etree.QName(c).localname for c in el]


# -- modules-state (RFC 7895) ------------------------------------------------------------------------------------
def test_modules_state_lists_every_module_sorted_with_the_dump_shape(small: Schema) -> None:
    ms = library.modules_state(small)
    assert ms.tag == f"{{{YL}}}modules-state"
    assert ms[0].tag == f"{{{YL}}}module-set-id" and ms[0].text == library.module_set_id(small)
    names = [m.findtext("yl:name", namespaces=NS) for m in ms.iterfind("yl:module", NS)]
    assert names == ["lib-a", "lib-a-dev", "lib-b", "lib-norev"]  # submodules are not modules
    a = _entries(ms)["lib-a"]
    # schema order of RFC 7895: name, revision, (schema), namespace, feature*, deviation*, conformance, submodule*
    assert _children(a) == [
        "name", "revision", "namespace", "feature", "feature", "feature", "deviation", "conformance-type",
        "submodule",
    ]  # fmt: skip
    assert a.findtext("yl:revision", namespaces=NS) == "2024-02-02"  # the newest revision
    assert a.findtext("yl:namespace", namespaces=NS) == "urn:test:lib-a"
    # features of the module and of its submodules, sorted as the 17.12 dump lists them
    assert [f.text for f in a.iterfind("yl:feature", NS)] == ["alpha", "middle", "zeta"]
    dev = a.find("yl:deviation", NS)
    assert (dev.findtext("yl:name", namespaces=NS), dev.findtext("yl:revision", namespaces=NS)) == (
        "lib-a-dev",
        "2024-03-03",
    )
    assert a.findtext("yl:conformance-type", namespaces=NS) == "implement"
    sub = a.find("yl:submodule", NS)
    assert _children(sub) == ["name", "revision"]
    assert (sub.findtext("yl:name", namespaces=NS), sub.findtext("yl:revision", namespaces=NS)) == (
        "lib-a-sub",
        "2024-01-15",
    )


def test_import_only_modules_and_modules_without_revision(small: Schema) -> None:
    entries = _entries(library.modules_state(small))
    b = entries["lib-b"]
    assert b.findtext("yl:conformance-type", namespaces=NS) == "import"
    assert b.find("yl:feature", NS) is None and b.find("yl:deviation", NS) is None
    assert [s.findtext("yl:name", namespaces=NS) for s in b.iterfind("yl:submodule", NS)] == ["lib-b-sub"]
    assert entries["lib-a-dev"].findtext("yl:conformance-type", namespaces=NS) == "implement"
    norev = entries["lib-norev"]
    rev = norev.find("yl:revision", NS)
    assert rev is not None and not rev.text  # <revision/> as in the 17.12 dump (ATM-FORUM-TC-MIB)


def test_schema_urls_are_optional(small: Schema) -> None:
    plain = library.modules_state(small)
    assert plain.find(".//yl:schema", NS) is None
    with_urls = library.modules_state(small, schema_url=lambda n, r: f"http://h/{n}" + (f"/{r}" if r else ""))
    a = _entries(with_urls)["lib-a"]
    assert _children(a)[:4] == ["name", "revision", "schema", "namespace"]
    assert a.findtext("yl:schema", namespaces=NS) == "http://h/lib-a/2024-02-02"
    assert a.findtext("yl:submodule/yl:schema", namespaces=NS) == "http://h/lib-a-sub/2024-01-15"
    assert _entries(with_urls)["lib-norev"].findtext("yl:schema", namespaces=NS) == "http://h/lib-norev"


def test_module_set_id_is_stable_and_follows_the_set(small: Schema, lib_dir: Path, tmp_path: Path) -> None:
    first = library.module_set_id(small)
    assert len(first) == 32 and int(first, 16) >= 0
    assert library.module_set_id(load_schema([lib_dir], IMPLEMENTED)) == first  # a fresh compile: same id
    assert library.module_set_id(load_schema([lib_dir], tuple(reversed(IMPLEMENTED)))) == first
    assert library.module_set_id(load_schema([lib_dir], ("lib-a", "lib-a-dev"))) != first
    changed = _write(tmp_path / "changed")
    text = MODULE_TEXTS["lib-b"].replace("revision 2023-05-05;", "revision 2023-06-06;")
    (changed / "lib-b.yang").write_text(text, encoding="utf-8")
    assert library.module_set_id(load_schema([changed], IMPLEMENTED)) != first


# -- yang-library (RFC 8525) -------------------------------------------------------------------------------------
def test_yang_library_module_set_schema_datastores_content_id(small: Schema) -> None:
    yl = library.yang_library(small, datastores=("running", "candidate"))
    assert _children(yl) == ["module-set", "schema", "datastore", "datastore", "content-id"]
    assert yl.findtext("yl:content-id", namespaces=NS) == library.module_set_id(small)
    mset = yl.find("yl:module-set", NS)
    assert mset.findtext("yl:name", namespaces=NS) == "common"
    assert [m.findtext("yl:name", namespaces=NS) for m in mset.iterfind("yl:module", NS)] == [
        "lib-a",
        "lib-a-dev",
        "lib-norev",
    ]
    a = mset.find("yl:module", NS)
    assert _children(a) == ["name", "revision", "namespace", "submodule", "feature", "feature", "feature", "deviation"]
    assert a.findtext("yl:deviation", namespaces=NS) == "lib-a-dev"
    norev = mset.findall("yl:module", NS)[2]
    assert norev.find("yl:revision", NS) is None  # optional in RFC 8525 module entries
    imp = mset.findall("yl:import-only-module", NS)
    assert [(m.findtext("yl:name", namespaces=NS), m.findtext("yl:revision", namespaces=NS)) for m in imp] == [
        ("lib-b", "2023-05-05")
    ]
    assert imp[0].findtext("yl:submodule/yl:name", namespaces=NS) == "lib-b-sub"
    assert yl.findtext("yl:schema/yl:name", namespaces=NS) == "common"
    assert yl.findtext("yl:schema/yl:module-set", namespaces=NS) == "common"
    names = yl.findall("yl:datastore/yl:name", NS)
    assert [n.text for n in names] == ["ds:running", "ds:candidate"]
    assert all(n.nsmap["ds"] == DS for n in names)  # the identityref prefix resolves where it is used


def test_yang_library_locations_are_optional(small: Schema) -> None:
    yl = library.yang_library(small)
    assert yl.find(".//yl:location", NS) is None
    yl = library.yang_library(small, location=lambda n, r: f"http://h/{n}@{r}")
    assert yl.findtext("yl:module-set/yl:module/yl:location", namespaces=NS) == "http://h/lib-a@2024-02-02"
    assert (
        yl.findtext("yl:module-set/yl:module/yl:submodule/yl:location", namespaces=NS)
        == "http://h/lib-a-sub@2024-01-15"
    )


# -- schema sources (RFC 6022) -----------------------------------------------------------------------------------
def test_schema_sources_cover_modules_submodules_and_imports(small: Schema, lib_dir: Path) -> None:
    sources = library.schema_sources(small)
    assert [(s.identifier, s.version) for s in sources] == [
        ("lib-a", "2024-02-02"),
        ("lib-a-dev", "2024-03-03"),
        ("lib-a-sub", "2024-01-15"),
        ("lib-b", "2023-05-05"),
        ("lib-b-sub", "2023-05-04"),
        ("lib-norev", ""),
    ]
    by_name = {s.identifier: s for s in sources}
    assert by_name["lib-a-sub"].namespace == "urn:test:lib-a" and by_name["lib-a-sub"].is_submodule
    assert by_name["lib-b-sub"].namespace == "urn:test:lib-b"
    for s in sources:
        assert library.read_source(s) == (lib_dir / f"{s.identifier}.yang").read_bytes().decode()


# -- the real set ------------------------------------------------------------------------------------------------
def test_cisco_set_like_the_17_12_dump(cisco: Schema) -> None:
    ms = library.modules_state(cisco, schema_url=schema_url)
    entries = _entries(ms)
    native = entries["Cisco-IOS-XE-native"]
    assert native.findtext("yl:schema", namespaces=NS) == (
        "http://localhost:8008/restconf/tailf/modules/Cisco-IOS-XE-native/2023-07-01"
    )
    assert native.findtext("yl:conformance-type", namespaces=NS) == "implement"
    subs = [s.findtext("yl:name", namespaces=NS) for s in native.iterfind("yl:submodule", NS)]
    assert subs == sorted(subs) and {"Cisco-IOS-XE-ip", "Cisco-IOS-XE-line"} <= set(subs)
    assert entries["ietf-inet-types"].findtext("yl:conformance-type", namespaces=NS) == "import"
    assert entries["ietf-yang-library"].findtext("yl:revision", namespaces=NS) == "2019-01-04"
    assert entries["ietf-netconf-monitoring"].findtext("yl:conformance-type", namespaces=NS) == "implement"
    names = list(entries)
    assert names == sorted(names)  # plain code-point order: upper-case names first, as in the dump


@pytest.mark.skipif(YANGLINT is None, reason="yanglint not installed (Debian package libyang2-tools)")
@pytest.mark.parametrize("which", ["small", "cisco"])
def test_yanglint_accepts_the_library(which: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    schema: Schema = request.getfixturevalue(which)
    doc = tmp_path / "library.xml"
    doc.write_bytes(
        etree.tostring(library.yang_library(schema, datastores=("running", "candidate", "operational")))
        + b"\n"
        + etree.tostring(library.modules_state(schema, schema_url=schema_url))
    )
    ietf = ietf_module_dir()
    assert ietf is not None
    cmd = [str(YANGLINT), "-p", str(ietf), "-t", "data"]
    cmd += [str(ietf / "ietf-yang-library.yang"), str(ietf / "ietf-datastores.yang"), str(doc)]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
