"""The Cisco-IOS-XE-rpc ``crypto`` RPC: ``crypto key generate rsa …`` and ``crypto key zeroize rsa [L]``.

Wire form (Cisco-IOS-XE-crypto-rpc; ``generate`` is a sibling of ``key``)::

    <crypto xmlns="http://cisco.com/ns/yang/Cisco-IOS-XE-rpc">
      <generate><rsa><usage-keys/><label>SSH</label><modulus>2048</modulus></rsa></generate>
    </crypto>
    <crypto xmlns="…Cisco-IOS-XE-rpc"><key><zeroize><rsa>SSH</rsa></zeroize></key></crypto>

The reply is ``<result xmlns="…Cisco-IOS-XE-rpc">`` holding what the IOS console prints for the same command.
An IOS refusal (no domain name, a modulus 17.x no longer accepts, an unknown label) is an ``<rpc-error>``
with error-type application, error-tag operation-failed and the IOS line as error-message.

The input is first checked against the RPC's schema (:func:`iosxe_agent.netconf.rpc_input.parse_input`): an element
the model does not define is unknown-element, a value outside its type (``modulus`` outside 360..4096, text in
an empty leaf) is invalid-value. What the model allows but this device cannot do (EC keys, signature-only or
encryption-only keys, token or storage devices) is operation-not-supported.
"""

from __future__ import annotations

from lxml import etree

from iosxe_agent.device import views
from iosxe_agent.device.keys import KeyStore, ZeroizePlan, zeroize_text
from iosxe_agent.device.names import RPC_NS
from iosxe_agent.netconf.errors import ErrorTag
from iosxe_agent.netconf.faults import RpcFault, application_error, bad_element, missing_element, operation_failed
from iosxe_agent.netconf.registry import Handler, Registry, Reply, RpcContext
from iosxe_agent.netconf.rpc_input import InputNode, parse_input

CRYPTO = f"{{{RPC_NS}}}crypto"


def _r(name: str) -> str:
    return f"{{{RPC_NS}}}{name}"


def _result(text: str) -> list[etree._Element]:
    el = etree.Element(_r("result"), nsmap={None: RPC_NS})
    el.text = text
    return [el]


def _unsupported(what: str, element: str) -> RpcFault:
    return application_error(
        ErrorTag.OPERATION_NOT_SUPPORTED, f"{what} is not supported by this device", element=element
    )


# -- the handler ----------------------------------------------------------------------------------------------
_NOT_SUPPORTED = {
    "encryption": "crypto key generate rsa encryption",
    "signature": "crypto key generate rsa signature",
    "on": "crypto key generate rsa on",
    "storage": "crypto key generate rsa storage",
}


async def _generate(keys: KeyStore, ctx: RpcContext, gen: InputNode) -> Reply:
    if gen.has("ec"):
        raise _unsupported("crypto key generate ec", "ec")
    rsa = gen.container("rsa")
    if rsa is None:
        raise missing_element("rsa", "generate")
    for name, what in _NOT_SUPPORTED.items():
        if rsa.has(name):
            raise _unsupported(what, name)
    usage = rsa.flag("usage-keys")
    if rsa.flag("general-keys") and usage:
        raise application_error(
            ErrorTag.INVALID_VALUE, "general-keys and usage-keys cannot be combined", element="usage-keys"
        )
    identity = views.identity(ctx.services.stores.running)
    result = await keys.agenerate_rsa(
        _label(rsa.text("label")),
        hostname=identity.hostname,
        domain=identity.domain,
        modulus=rsa.integer("modulus"),
        usage_keys=usage,
        exportable=rsa.flag("exportable"),
    )
    if not result.ok:
        raise operation_failed(result.error or result.text.strip())
    return _result(result.text)


async def _zeroize(keys: KeyStore, key: InputNode) -> Reply:
    zeroize = key.given("zeroize")
    if zeroize is None:
        raise missing_element("zeroize", "key")
    result = await keys.azeroize_rsa(_label(zeroize.text("rsa")))
    if not result.ok:
        raise operation_failed(result.error or result.text.strip())
    if not zeroize.has("rsa"):  # plain "crypto key zeroize": every key pair (we only have RSA ones)
        return _result(zeroize_text(ZeroizePlan(None), every_kind=True))
    return _result(result.text)


def _label(text: str | None) -> str | None:
    """A key label as IOS reads it: surrounding blanks dropped, an empty one is no label."""
    return (text or "").strip() or None


def make_handler(keys: KeyStore) -> Handler:
    """The ``crypto`` RPC handler bound to ``keys``."""

    async def crypto(ctx: RpcContext, op: etree._Element) -> Reply:
        args = parse_input(ctx.services.schema, op)
        gen, key = args.given("generate"), args.given("key")
        if gen is not None and key is not None:  # two containers, not a YANG choice; IOS runs one command
            raise bad_element("generate", "<crypto> takes one command: <generate> or <key>")
        if gen is not None:
            return await _generate(keys, ctx, gen)
        if key is not None:
            return await _zeroize(keys, key)
        raise missing_element("generate", "crypto")

    return crypto


def register(registry: Registry, keys: KeyStore) -> None:
    """Serve Cisco-IOS-XE-rpc ``crypto`` (key generate/zeroize) from ``keys``."""
    registry.register(CRYPTO, make_handler(keys))
