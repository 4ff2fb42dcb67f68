"""get-schema (RFC 6022 §3.1) and the YANG library capabilities of ``<hello>`` (RFC 7950 §5.6.4, RFC 8526 §2).

Every module and submodule of the compiled schema, imports included, can be downloaded with its exact text: the
files are read once when the operation is registered, so what is served always matches the module set the
``module-set-id`` describes, even if a file changes on disk later.
"""

from __future__ import annotations

from lxml import etree

from iosxe_agent.netconf import capabilities
from iosxe_agent.netconf.errors import ErrorTag
from iosxe_agent.netconf.faults import RpcFault, application_error
from iosxe_agent.netconf.registry import Registry, Reply, RpcContext
from iosxe_agent.netconf.rpc_input import parse_input
from iosxe_agent.netconf.xmlio import qn
from iosxe_agent.yang import library
from iosxe_agent.yang.schema import Schema

NCM_NS = "urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"


def _invalid(message: str, element: str) -> RpcFault:
    return application_error(ErrorTag.INVALID_VALUE, message, element=element)


def register(registry: Registry, schema: Schema) -> None:
    """Serve get-schema (when ietf-netconf-monitoring is loaded) and offer yang-library 1.0 and 1.1 (when
    ietf-yang-library is), both carrying the module set's id as IOS XE does."""
    if "ietf-netconf-monitoring" in schema.modules:
        texts = library.source_texts(schema)
        #: the one format served, as the input check writes an identityref (``prefix:name``, canonical)
        yang_format = f"{schema.identities[qn(NCM_NS, 'yang')].prefix}:yang"

        async def get_schema(ctx: RpcContext, op: etree._Element) -> Reply:
            """<get-schema>: the text of one module or submodule, in YANG."""
            args = parse_input(schema, op)  # the format is a schema-format identity (ncm:yang when absent)
            identifier = (args.text("identifier") or "").strip()
            version_text = args.text("version")
            version = None if version_text is None else version_text.strip()
            fmt = args.text("format") or yang_format
            found = [key for key in texts if key[0] == identifier and (version is None or key[1] == version)]
            if not found:
                what = f'"{identifier}"' + (f' version "{version}"' if version is not None else "")
                raise _invalid(f"no schema {what} on this server", "identifier" if version is None else "version")
            if fmt != yang_format:
                raise _invalid(f'the schema "{identifier}" is available only in the yang format', "format")
            if len(found) > 1:
                message = f'more than one version of "{identifier}" exists; give <version>'
                raise application_error(ErrorTag.OPERATION_FAILED, message, app_tag="data-not-unique")
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
