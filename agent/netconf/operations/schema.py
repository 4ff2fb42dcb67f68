"""get-schema (RFC 6022 §3.1) and the YANG library capabilities of ``<hello>`` (RFC 7950 §5.6.4, RFC 8526 §2).

Every module and submodule of the compiled schema, imports included, can be downloaded with its exact text: the
files are read once when the operation is registered, so what is served always matches the module set the
``module-set-id`` describes, even if a file changes on disk later.
"""

from __future__ import annotations

from lxml import etree

from agent.netconf import capabilities
from agent.netconf.errors import ErrorTag, ErrorType, RpcError
from agent.netconf.faults import RpcFault, missing_element
from agent.netconf.operations.params import only_known
from agent.netconf.registry import Registry, Reply, RpcContext
from agent.netconf.xmlio import qn
from agent.yang import library
from agent.yang.schema import Schema

NCM_NS = "urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"
#: The identities derived from ``ncm:schema-format``; only ``yang`` text is served.
SCHEMA_FORMATS = ("xsd", "yang", "yin", "rng", "rnc")
_PARAMS = {qn(NCM_NS, n) for n in ("identifier", "version", "format")}


def _invalid(message: str, element: str) -> RpcFault:
    return RpcFault(
        [RpcError(ErrorType.APPLICATION, ErrorTag.INVALID_VALUE, message=message, info=(("bad-element", element),))]
    )


def _format(op: etree._Element) -> str:
    """The requested format's identity name (default ``yang``); refuses what is not a schema-format identity."""
    el = op.find(qn(NCM_NS, "format"))
    if el is None:
        return "yang"
    text = (el.text or "").strip()
    prefix, sep, name = text.rpartition(":")
    ns = el.nsmap.get(prefix if sep else None)
    if (ns is not None and ns != NCM_NS) or (sep and ns is None) or name not in SCHEMA_FORMATS:
        raise _invalid(f'"{text}" is not a schema format of ietf-netconf-monitoring', "format")
    return name


def register(registry: Registry, schema: Schema) -> None:
    """Serve get-schema (when ietf-netconf-monitoring is loaded) and offer yang-library 1.0 and 1.1 (when
    ietf-yang-library is), both carrying the module set's id as IOS XE does."""
    if "ietf-netconf-monitoring" in schema.modules:
        texts = {(s.identifier, s.version): library.read_source(s) for s in library.schema_sources(schema)}

        async def get_schema(ctx: RpcContext, op: etree._Element) -> Reply:
            """<get-schema>: the text of one module or submodule, in YANG."""
            only_known(op, _PARAMS, "get-schema")
            ident_el = op.find(qn(NCM_NS, "identifier"))
            if ident_el is None:
                raise missing_element("identifier", "get-schema")
            identifier = (ident_el.text or "").strip()
            version_el = op.find(qn(NCM_NS, "version"))
            version = None if version_el is None else (version_el.text or "").strip()
            fmt = _format(op)
            found = [key for key in texts if key[0] == identifier and (version is None or key[1] == version)]
            if not found:
                what = f'"{identifier}"' + (f' version "{version}"' if version is not None else "")
                raise _invalid(f"no schema {what} on this server", "identifier" if version is None else "version")
            if fmt != "yang":
                raise _invalid(f'the schema "{identifier}" is available only in the yang format', "format")
            if len(found) > 1:
                raise RpcFault(
                    [
                        RpcError(
                            ErrorType.APPLICATION,
                            ErrorTag.OPERATION_FAILED,
                            message=f'more than one version of "{identifier}" exists; give <version>',
                            app_tag="data-not-unique",
                        )
                    ]
                )
            data = etree.Element(qn(NCM_NS, "data"), nsmap={None: NCM_NS})
            data.text = texts[found[0]]
            return [data]

        registry.register(qn(NCM_NS, "get-schema"), get_schema)

    lib = schema.modules.get("ietf-yang-library")
    if lib is not None:
        revision = lib.revision or library.YANG_LIBRARY_REVISION
        set_id = library.module_set_id(schema)
        registry.capabilities.append(f"{capabilities.YANG_LIBRARY_10}?revision={revision}&module-set-id={set_id}")
        registry.capabilities.append(f"{capabilities.YANG_LIBRARY_11}?revision={revision}&content-id={set_id}")
