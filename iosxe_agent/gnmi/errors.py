"""Refusals of the gNMI face as gRPC status codes (the gNMI specification's §3: errors travel as the RPC status).

Every refusal is a :class:`GnmiFault` with a :class:`grpc.StatusCode`; the server turns it into the call's status
and message. A datastore refusal maps by its RFC 6241 error-tag: a lock held by another session is
FAILED_PRECONDITION (the spec's word for "the system is not in a state to do this"), a missing node NOT_FOUND,
anything else the client sent INVALID_ARGUMENT.
"""

from __future__ import annotations

import grpc

from iosxe_agent.datastore.store import StoreError

#: RFC 6241 error-tags and the gRPC status each becomes
_BY_TAG = {
    "lock-denied": grpc.StatusCode.FAILED_PRECONDITION,
    "in-use": grpc.StatusCode.FAILED_PRECONDITION,
    "data-missing": grpc.StatusCode.NOT_FOUND,
    "access-denied": grpc.StatusCode.PERMISSION_DENIED,
    "too-big": grpc.StatusCode.RESOURCE_EXHAUSTED,
    "resource-denied": grpc.StatusCode.RESOURCE_EXHAUSTED,
    "operation-not-supported": grpc.StatusCode.UNIMPLEMENTED,
}


class GnmiFault(Exception):
    """An RPC refused with ``code`` and ``message`` (nothing was changed)."""

    def __init__(self, code: grpc.StatusCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def from_code_name(name: str, message: str) -> GnmiFault:
    """A fault from a status code's name (``"INVALID_ARGUMENT"``: how the pure mapping layer names them)."""
    code = grpc.StatusCode.__members__.get(name, grpc.StatusCode.INVALID_ARGUMENT)
    return GnmiFault(code, message)


def from_store_error(exc: StoreError) -> GnmiFault:
    """The first datastore error of a refused write, as the status a gNMI client reads."""
    first = exc.errors[0]
    code = _BY_TAG.get(first.tag, grpc.StatusCode.INVALID_ARGUMENT)
    where = f" at {first.path}" if first.path else ""
    return GnmiFault(code, f"{first.tag}: {first.message}{where}")
