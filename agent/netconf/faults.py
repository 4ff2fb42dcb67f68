"""Turning refusals from any layer into RFC 6241 ``<rpc-error>`` values.

Operations raise :class:`RpcFault`; the session renders it. Data-layer errors (:class:`DataError`) are
converted here, so the data and datastore layers never import NETCONF code.
"""

from __future__ import annotations

from collections.abc import Iterable

from agent.data.errors import DataError
from agent.netconf.errors import ErrorTag, ErrorType, RpcError


class RpcFault(Exception):
    """An RPC failed; ``errors`` become the ``<rpc-error>`` elements of the reply."""

    def __init__(self, errors: Iterable[RpcError]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(e.message or e.tag.value for e in self.errors))


def from_data_error(e: DataError) -> RpcError:
    """The ``<rpc-error>`` for one data-layer error."""
    return RpcError(
        ErrorType(e.error_type),
        ErrorTag(e.tag),
        message=e.message,
        app_tag=e.app_tag,
        path=e.path,
        path_ns=dict(e.path_ns),
        info=e.info,
    )


def fault_from(errors: Iterable[DataError]) -> RpcFault:
    """An RpcFault carrying every data error."""
    return RpcFault(from_data_error(e) for e in errors)


def protocol_error(tag: ErrorTag, message: str, *, element: str | None = None, **info: str) -> RpcFault:
    """A protocol-level fault about the request itself (a missing, unknown or bad parameter)."""
    pairs: list[tuple[str, str]] = []
    if element is not None:
        pairs.append(("bad-element", element))
    pairs.extend((k.replace("_", "-"), v) for k, v in info.items())
    return RpcFault([RpcError(ErrorType.PROTOCOL, tag, message=message, info=tuple(pairs))])


def missing_element(name: str, where: str) -> RpcFault:
    """RFC 6241: a mandatory parameter is absent."""
    return protocol_error(ErrorTag.MISSING_ELEMENT, f"<{where}> requires the <{name}> parameter", element=name)


def bad_element(name: str, message: str) -> RpcFault:
    """RFC 6241: a parameter has a bad value or structure."""
    return protocol_error(ErrorTag.BAD_ELEMENT, message, element=name)


def unknown_element(name: str, where: str) -> RpcFault:
    """RFC 6241: a parameter this operation does not take."""
    return protocol_error(ErrorTag.UNKNOWN_ELEMENT, f"<{where}> has no parameter <{name}>", element=name)
