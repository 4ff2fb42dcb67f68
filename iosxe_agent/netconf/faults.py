"""Turning refusals from any layer into RFC 6241 ``<rpc-error>`` values.

Operations raise :class:`RpcFault`; the session renders it. Data-layer errors (:class:`DataError`) are
converted here, so the data and datastore layers never import NETCONF code. Every fault is built with the
helpers below (never ``RpcFault([RpcError(...)])`` by hand), so one kind of refusal has one shape everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from iosxe_agent.data.errors import DataError
from iosxe_agent.netconf.errors import ErrorTag, ErrorType, RpcError


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


def _info(element: str | None, info: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """``<error-info>`` children: ``bad-element`` first, then each keyword (``bad_namespace`` -> ``bad-namespace``)."""
    pairs = [("bad-element", element)] if element is not None else []
    pairs.extend((k.replace("_", "-"), v) for k, v in info.items())
    return tuple(pairs)


def protocol_error(tag: ErrorTag, message: str, *, element: str | None = None, **info: str) -> RpcFault:
    """A protocol-level fault about the request itself (a missing, unknown or bad parameter)."""
    return RpcFault([RpcError(ErrorType.PROTOCOL, tag, message=message, info=_info(element, info))])


def application_error(
    tag: ErrorTag,
    message: str,
    *,
    element: str | None = None,
    app_tag: str | None = None,
    path: str | None = None,
    path_ns: Mapping[str, str] | None = None,
) -> RpcFault:
    """An application-level fault: a value the data model or the device refuses (RFC 6241 error-type application).

    ``path`` is the error-path of the offending node, ``path_ns`` the namespaces of the prefixes it uses.
    """
    return RpcFault(
        [
            RpcError(
                ErrorType.APPLICATION,
                tag,
                message=message,
                app_tag=app_tag,
                path=path,
                path_ns=dict(path_ns or {}),
                info=_info(element, {}),
            )
        ]
    )


def operation_failed(message: str) -> RpcFault:
    """The device could not do what was asked (application operation-failed); ``message`` is its own console line."""
    return application_error(ErrorTag.OPERATION_FAILED, message)


def missing_element(name: str, where: str) -> RpcFault:
    """RFC 6241: a mandatory parameter is absent."""
    return protocol_error(ErrorTag.MISSING_ELEMENT, f"<{where}> requires the <{name}> parameter", element=name)


def bad_element(name: str, message: str) -> RpcFault:
    """RFC 6241: a parameter has a bad value or structure."""
    return protocol_error(ErrorTag.BAD_ELEMENT, message, element=name)


def unknown_element(name: str, where: str) -> RpcFault:
    """RFC 6241: a parameter this operation does not take."""
    return protocol_error(ErrorTag.UNKNOWN_ELEMENT, f"<{where}> has no parameter <{name}>", element=name)


def conflicting(first: str, second: str) -> RpcFault:
    """RFC 6241 bad-element: two parameters that exclude each other (two cases of one choice) were both given."""
    return bad_element(second, f"<{first}> and <{second}> cannot be combined")
