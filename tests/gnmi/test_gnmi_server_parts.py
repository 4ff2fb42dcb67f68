"""The gNMI server's pure parts: credentials from call metadata, peer and bind addresses, the Capabilities
answer, request parsing and how datastore refusals become gRPC status codes."""

from __future__ import annotations

from typing import Any

import grpc
import pytest

from iosxe_agent.data.errors import DataError
from iosxe_agent.datastore.store import StoreError
from iosxe_agent.gnmi.auth import MAX_CREDENTIAL_CHARS, metadata_credentials
from iosxe_agent.gnmi.capabilities import GNMI_VERSION, capability_response, organization_of
from iosxe_agent.gnmi.errors import GnmiFault, from_code_name, from_store_error
from iosxe_agent.gnmi.proto import gnmi_pb2
from iosxe_agent.gnmi.server import address, parse, peer_host


def test_metadata_credentials() -> None:
    assert metadata_credentials((("username", "admin"), ("password", "pw"), ("x", "y"))) == ("admin", "pw")
    assert metadata_credentials((("username", "admin"), ("password", ""))) == ("admin", "")
    assert metadata_credentials((("username", "admin"),)) is None
    assert metadata_credentials((("password", "pw"),)) is None
    assert metadata_credentials((("username", "admin"), ("password", b"pw"))) is None
    assert metadata_credentials((("username", "a" * (MAX_CREDENTIAL_CHARS + 1)), ("password", "pw"))) is None
    assert metadata_credentials(None) is None


def test_peer_and_bind_addresses() -> None:
    assert peer_host("ipv4:127.0.0.1:50123") == "127.0.0.1"
    assert peer_host("ipv6:[::1]:50123") == "::1"
    assert peer_host("unix:/tmp/sock") is None
    assert address("127.0.0.1", 9339) == "127.0.0.1:9339"
    assert address("::1", 0) == "[::1]:0"


def test_organization_of_a_module_text() -> None:
    assert organization_of('module m { organization\n   "Cisco Systems,\n    Inc."; }') == "Cisco Systems, Inc."
    assert organization_of("module m { }") == ""


def test_capabilities_list_the_served_modules_only(helpers: Any) -> None:
    schema = helpers.cisco_schema()
    reply = capability_response(schema)
    names = [m.name for m in reply.supported_models]
    assert reply.gNMI_version == GNMI_VERSION == "0.10.0"
    assert list(reply.supported_encodings) == [gnmi_pb2.JSON_IETF, gnmi_pb2.JSON]
    assert "Cisco-IOS-XE-native" in names and names == sorted(names)
    assert not set(names) & set(schema.hidden_modules)
    assert "Cisco-IOS-XE-ip" not in names  # a submodule is part of its module
    native = next(m for m in reply.supported_models if m.name == "Cisco-IOS-XE-native")
    assert native.version == schema.modules["Cisco-IOS-XE-native"].revision and native.organization


def test_parse_refuses_malformed_messages_as_invalid_argument() -> None:
    request = gnmi_pb2.GetRequest(path=[gnmi_pb2.Path(elem=[gnmi_pb2.PathElem(name="native")])])
    assert parse(gnmi_pb2.GetRequest, request.SerializeToString()) == request
    with pytest.raises(GnmiFault) as bad:
        parse(gnmi_pb2.GetRequest, b"\x12\xff\xff\xff")
    assert bad.value.code == grpc.StatusCode.INVALID_ARGUMENT


@pytest.mark.parametrize(
    ("tag", "code"),
    [
        ("lock-denied", grpc.StatusCode.FAILED_PRECONDITION),
        ("in-use", grpc.StatusCode.FAILED_PRECONDITION),
        ("data-missing", grpc.StatusCode.NOT_FOUND),
        ("invalid-value", grpc.StatusCode.INVALID_ARGUMENT),
        ("unknown-element", grpc.StatusCode.INVALID_ARGUMENT),
    ],
)
def test_store_refusals_become_status_codes(tag: str, code: grpc.StatusCode) -> None:
    fault = from_store_error(StoreError([DataError(tag, "refused", path="/ios:native/ios:hostname")]))
    assert fault.code == code and "refused" in fault.message and "/ios:native/ios:hostname" in fault.message


def test_status_code_names_of_the_mapping_layer() -> None:
    assert from_code_name("NOT_FOUND", "m").code == grpc.StatusCode.NOT_FOUND
    assert from_code_name("NO_SUCH_CODE", "m").code == grpc.StatusCode.INVALID_ARGUMENT
