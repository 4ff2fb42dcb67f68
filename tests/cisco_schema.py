"""Shared helpers for the pure-layer tests (yang/, data/, datastore/): the compiled Cisco schema, a small
synthetic module for what the Cisco models lack, and builders for edit documents and datastore trees.

pytest runs with ``--import-mode=importlib``, so test files cannot import this by name: the conftest files of
tests/yang, tests/data and tests/datastore load it once (under one ``sys.modules`` name, so the schema is
compiled once per run) and hand it to tests as the ``ios`` and ``edge`` fixtures.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from lxml import etree
from namespaces import CRYPTO, NC, PRIV, YANG_NS

from iosxe_agent.data.edit import EditResult, apply_edit, load_config
from iosxe_agent.data.wire import wire_copy
from iosxe_agent.device.names import AAA_NS, HIDDEN_MODULES, MODULES, NATIVE_NS, SNMP_NS
from iosxe_agent.yang.loader import default_search_path, load_schema
from iosxe_agent.yang.schema import Schema, SchemaNode, clark

ROOT = Path(__file__).resolve().parents[1]
YANG_DIR = ROOT / "yang"
DATA_DIR = ROOT / "tests" / "yang" / "data"

EDGE_NS = "urn:test:edge"
CONFIG = clark(NC, "config")

#: prefixes for ElementTree paths in assertions
NSMAP = {"ios": NATIVE_NS, "ios-aaa": AAA_NS, "ios-snmp": SNMP_NS, "ios-crypto": CRYPTO, "priv": PRIV, "te": EDGE_NS}

# A module for what the Cisco subset does not exercise: decimal64, bits, binary, identityref, state data,
# unique, mandatory, min-elements, composite keys, a choice with a default case, anydata, a typedef default.
EDGE_YANG = """
module test-edge {
  yang-version 1.1;
  namespace "urn:test:edge";
  prefix te;
  import ietf-inet-types { prefix inet; }

  identity crypto-alg;
  identity rsa { base crypto-alg; }
  identity rsa-sha2 { base rsa; }
  identity ecdsa { base crypto-alg; }
  identity other;

  typedef percent { type decimal64 { fraction-digits 2; range "0 .. 100"; } }
  typedef port-number { type uint16 { range "1..65535"; } default "830"; }

  container top {
    leaf ratio { type percent; }
    leaf flags { type bits { bit lock; bit auto-negotiate; bit fast; } }
    leaf blob { type binary { length "1..4"; } }
    leaf alg { type identityref { base crypto-alg; } }
    leaf addr { type inet:ip-address; }
    leaf label { type string { length "2..5"; pattern '[a-z]+'; pattern 'x.*' { modifier invert-match; } } }
    leaf counter { type int8 { range "-10..-1 | 1..10"; } }
    leaf big { type uint64; }
    leaf mode { type enumeration { enum fast; enum slow; } default "slow"; }
    leaf port { type port-number; }
    container state { config false; leaf uptime { type uint32; } }
    container pres { presence "enables"; leaf knob { type uint8; } }
    list rule {
      key "name";
      ordered-by user;
      unique "prio";
      leaf name { type string; }
      leaf prio { type uint16; }
      leaf action { type string; mandatory true; }
    }
    list pair {
      key "a b";
      ordered-by user;
      max-elements 3;
      min-elements 1;
      leaf a { type string; }
      leaf b { type uint8; }
    }
    leaf-list tag { type string; ordered-by user; max-elements 4; }
    leaf-list sorted { type uint8; }
    choice transport {
      default tcp;
      case tcp { leaf tcp-port { type uint16; default 49; } leaf tcp-nodelay { type boolean; } }
      case udp { leaf udp-port { type uint16; } }
      leaf raw { type empty; }
    }
    anydata blobdata;
  }
  rpc ping {
    input { leaf host { type string; mandatory true; } leaf count { type uint8; default 5; } }
    output { leaf rtt { type uint32; } }
  }
  notification pinged { leaf host { type string; } }
}
"""


@cache
def cisco_schema() -> Schema:
    """The schema the agent serves, compiled once per test run (the device-private module hidden, as served)."""
    return load_schema(default_search_path(YANG_DIR), MODULES, hidden_modules=HIDDEN_MODULES)


@cache
def edge_schema() -> Schema:
    """The synthetic test-edge module (compiled from a temporary directory)."""
    d = Path(tempfile.mkdtemp(prefix="test-edge-"))
    (d / "test-edge.yang").write_text(EDGE_YANG)
    return load_schema(default_search_path(d), ["test-edge"])


def xml(el: etree._Element) -> bytes:
    """Exact serialization, for byte-identity checks."""
    return etree.tostring(el)


def wire(el: etree._Element) -> str:
    """Namespace-normalized text of a tree, for readable equality checks independent of lxml's prefixes."""
    return etree.tostring(wire_copy(el)).decode()


class Doc:
    """Builders for one top-level container (``native`` of the Cisco schema, or ``top`` of test-edge)."""

    def __init__(self, schema: Schema, top: str, ns: str, extra_ns: Iterable[tuple[str, str]] = ()) -> None:
        self.schema = schema
        self.top = top
        self.ns = ns
        self.decls = " ".join(f'xmlns:{p}="{u}"' for p, u in extra_ns)

    def cfg(self, body: str, *, wrap: bool = True) -> etree._Element:
        """An edit-config ``<config>`` (nc: and yang: prefixes declared) holding ``<top>body</top>``."""
        inner = f'<{self.top} xmlns="{self.ns}" {self.decls}>{body}</{self.top}>' if wrap else body
        return etree.fromstring(f'<config xmlns="{NC}" xmlns:nc="{NC}" xmlns:yang="{YANG_NS}">{inner}</config>')

    def tree(self, body: str) -> etree._Element:
        """A canonical datastore tree holding ``body`` (asserting it loads cleanly)."""
        result = load_config(self.cfg(body), self.schema)
        assert result.tree is not None and not result.errors, [e.message for e in result.errors]
        return result.tree

    def empty(self) -> etree._Element:
        return etree.Element(CONFIG, nsmap={None: NC})

    def edit(self, tree: etree._Element, body: str, **kw: object) -> EditResult:
        return apply_edit(tree, self.cfg(body), self.schema, **kw)  # type: ignore[arg-type]

    def merged(self, bodies: list[str]) -> etree._Element:
        """An empty tree with each of ``bodies`` merged in turn (one an edit refuses leaves the tree as it was)."""
        tree = self.empty()
        for body in bodies:
            result = self.edit(tree, body)
            tree = result.tree if result.tree is not None else tree
        return tree

    def node(self, *names: str) -> SchemaNode:
        """Schema node by local names below the root, each ``name`` or ``prefix:name`` (NSMAP prefixes)."""
        node: SchemaNode | None = self.schema.root
        ns = self.ns
        for name in names:
            prefix, _, local = name.rpartition(":")
            if prefix:
                ns = NSMAP[prefix]
            assert node is not None
            node = node.child(clark(ns, local))
            assert node is not None, f"no schema node {name} in {names}"
        assert node is not None
        return node

    def find(self, tree: etree._Element, path: str) -> etree._Element | None:
        """``tree.find`` with the NSMAP prefixes, relative to the datastore root."""
        return tree.find(path, NSMAP)

    def text(self, tree: etree._Element, path: str) -> str | None:
        el = self.find(tree, path)
        return None if el is None else (el.text or "")


@cache
def ios_doc() -> Doc:
    return Doc(cisco_schema(), "native", NATIVE_NS, [("ios-aaa", AAA_NS), ("ios-snmp", SNMP_NS)])


@cache
def edge_doc() -> Doc:
    return Doc(edge_schema(), "top", EDGE_NS, [("te", EDGE_NS)])


def instance(name: str) -> etree._Element:
    """A tests/yang/data instance document (a ``<native>`` root) wrapped in ``<config>``."""
    native = etree.parse(str(DATA_DIR / name)).getroot()
    cfg = etree.Element(CONFIG, nsmap={None: NC})
    cfg.append(native)
    return cfg
