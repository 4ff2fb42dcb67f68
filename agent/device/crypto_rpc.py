"""The Cisco-IOS-XE-rpc ``crypto`` RPC: ``crypto key generate rsa …`` and ``crypto key zeroize rsa [L]``.

Wire form (Cisco-IOS-XE-crypto-rpc; ``generate`` is a sibling of ``key``)::

    <crypto xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-rpc">
      <generate><rsa><usage-keys/><label>SSH</label><modulus>2048</modulus></rsa></generate>
    </crypto>
    <crypto xmlns="…Cisco-IOS-XE-rpc"><key><zeroize><rsa>SSH</rsa></zeroize></key></crypto>

The reply is ``<result xmlns="…Cisco-IOS-XE-rpc">`` holding what the IOS console prints for the same command.
An IOS refusal (no domain name, a modulus 17.x no longer accepts, an unknown label) is an ``<rpc-error>``
with error-type application, error-tag operation-failed and the IOS line as error-message.

The input is first checked against the RPC's schema: an element the model does not define is unknown-element,
a value outside its type (``modulus`` outside 360..4096, text in an empty leaf) is invalid-value. What the
model allows but this device cannot do (EC keys, signature-only or encryption-only keys, token or storage
devices) is operation-not-supported.
"""

from __future__ import annotations

from lxml import etree

from agent.device.keys import KeyStore, ZeroizePlan, zeroize_text
from agent.device.names import NATIVE_NS, RPC_NS
from agent.netconf.errors import ErrorTag, ErrorType, RpcError
from agent.netconf.faults import RpcFault, missing_element, protocol_error, unknown_element
from agent.netconf.registry import Handler, Registry, Reply, RpcContext
from agent.yang.datatype import TypeMismatch, canonical
from agent.yang.schema import Kind, Schema, SchemaNode

CRYPTO = f"{{{RPC_NS}}}crypto"


def _r(name: str) -> str:
    return f"{{{RPC_NS}}}{name}"


def _result(text: str) -> list[etree._Element]:
    el = etree.Element(_r("result"), nsmap={None: RPC_NS})
    el.text = text
    return [el]


def _refused(message: str) -> RpcFault:
    return RpcFault([RpcError(ErrorType.APPLICATION, ErrorTag.OPERATION_FAILED, message=message)])


def _unsupported(what: str, element: str) -> RpcFault:
    return RpcFault(
        [
            RpcError(
                ErrorType.APPLICATION,
                ErrorTag.OPERATION_NOT_SUPPORTED,
                message=f"{what} is not supported by this device",
                info=(("bad-element", element),),
            )
        ]
    )


# -- schema check of the input --------------------------------------------------------------------------------
def check_input(schema: Schema, op: etree._Element) -> None:
    """Refuse input the ``crypto`` RPC's schema does not allow (unknown-element, invalid-value, bad-element)."""
    node = schema.rpc_input(op.tag)
    if node is None:  # the module is not loaded: nothing to check against
        return
    prefix = schema.ns_to_prefix.get(RPC_NS, "ios-xe-rpc")
    _check(op, node, f"/{prefix}:crypto", prefix, etree.QName(op).localname)


def _check(el: etree._Element, snode: SchemaNode, path: str, prefix: str, where: str) -> None:
    seen: set[str] = set()
    for child in el:
        if not isinstance(child.tag, str):
            continue
        name = etree.QName(child).localname
        cnode = snode.child(child.tag)
        if cnode is None:
            raise unknown_element(name, where)
        if child.tag in seen:
            raise protocol_error(ErrorTag.BAD_ELEMENT, f"<{name}> is given more than once", element=name)
        seen.add(child.tag)
        here = f"{path}/{prefix}:{name}"
        if cnode.kind is Kind.CONTAINER:
            _check(child, cnode, here, prefix, name)
            continue
        if cnode.kind is not Kind.LEAF or cnode.type is None:
            continue
        message: str | None = None
        app_tag: str | None = None
        if len(child):
            message = f"{here} is a leaf and cannot have child elements"
        else:
            try:
                canonical(child.text, cnode.type, child.nsmap)
            except TypeMismatch as exc:
                message, app_tag = exc.message, exc.app_tag
        if message is not None:
            raise RpcFault(
                [
                    RpcError(
                        ErrorType.APPLICATION,
                        ErrorTag.INVALID_VALUE,
                        message=message,
                        app_tag=app_tag,
                        path=here,
                        path_ns={prefix: RPC_NS},
                        info=(("bad-element", name),),
                    )
                ]
            )


# -- the handler ----------------------------------------------------------------------------------------------
def _text(el: etree._Element | None) -> str | None:
    return None if el is None else (el.text or "").strip()


def running_names(running: etree._Element) -> tuple[str | None, str | None]:
    """``hostname`` and ``ip domain name`` of the running configuration (None where unset)."""
    ns = {"ios": NATIVE_NS}
    hostname = _text(running.find("ios:native/ios:hostname", ns)) or None
    domain = _text(running.find("ios:native/ios:ip/ios:domain/ios:name", ns)) or None
    return hostname, domain


_NOT_SUPPORTED = {
    "encryption": "crypto key generate rsa encryption",
    "signature": "crypto key generate rsa signature",
    "on": "crypto key generate rsa on",
    "storage": "crypto key generate rsa storage",
}


async def _generate(keys: KeyStore, ctx: RpcContext, gen: etree._Element) -> Reply:
    if gen.find(_r("ec")) is not None:
        raise _unsupported("crypto key generate ec", "ec")
    rsa = gen.find(_r("rsa"))
    if rsa is None:
        raise missing_element("rsa", "generate")
    for name, what in _NOT_SUPPORTED.items():
        if rsa.find(_r(name)) is not None:
            raise _unsupported(what, name)
    general = rsa.find(_r("general-keys")) is not None
    usage = rsa.find(_r("usage-keys")) is not None
    if general and usage:
        raise RpcFault(
            [
                RpcError(
                    ErrorType.APPLICATION,
                    ErrorTag.INVALID_VALUE,
                    message="general-keys and usage-keys cannot be combined",
                    info=(("bad-element", "usage-keys"),),
                )
            ]
        )
    label = _text(rsa.find(_r("label")))
    modulus_text = _text(rsa.find(_r("modulus")))
    hostname, domain = running_names(ctx.services.stores.running)
    result = await keys.agenerate_rsa(
        label or None,
        hostname=hostname,
        domain=domain,
        modulus=int(modulus_text) if modulus_text else None,
        usage_keys=usage,
        exportable=rsa.find(_r("exportable")) is not None,
    )
    if not result.ok:
        raise _refused(result.error or result.text.strip())
    return _result(result.text)


async def _zeroize(keys: KeyStore, key: etree._Element) -> Reply:
    zeroize = key.find(_r("zeroize"))
    if zeroize is None:
        raise missing_element("zeroize", "key")
    rsa = zeroize.find(_r("rsa"))
    label = _text(rsa) or None
    result = await keys.azeroize_rsa(label)
    if not result.ok:
        raise _refused(result.error or result.text.strip())
    if rsa is None:  # plain "crypto key zeroize": every key pair (we only have RSA ones)
        return _result(zeroize_text(ZeroizePlan(None), every_kind=True))
    return _result(result.text)


def make_handler(keys: KeyStore) -> Handler:
    """The ``crypto`` RPC handler bound to ``keys``."""

    async def crypto(ctx: RpcContext, op: etree._Element) -> Reply:
        check_input(ctx.services.schema, op)
        gen = op.find(_r("generate"))
        key = op.find(_r("key"))
        if gen is not None and key is not None:
            raise protocol_error(
                ErrorTag.BAD_ELEMENT, "<crypto> takes one command: <generate> or <key>", element="generate"
            )
        if gen is not None:
            return await _generate(keys, ctx, gen)
        if key is not None:
            return await _zeroize(keys, key)
        raise missing_element("generate", "crypto")

    return crypto


def register(registry: Registry, keys: KeyStore) -> None:
    """Serve Cisco-IOS-XE-rpc ``crypto`` (key generate/zeroize) from ``keys``."""
    registry.register(CRYPTO, make_handler(keys))
