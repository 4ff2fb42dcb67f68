"""The gRPC side of gNMI: one ``grpc.aio`` server on the device's event loop, plain text or TLS.

The service is registered by hand under its specification name ``gnmi.gNMI`` (our generated messages live in a
package of their own: see ``proto/gnmi.proto``), with raw bytes in: a request that is not a valid protobuf
message is INVALID_ARGUMENT (gRPC would call it INTERNAL), and nothing runs for it. Every call first proves its
``username``/``password`` metadata (:mod:`iosxe_agent.gnmi.auth`): UNAUTHENTICATED otherwise. Bounds (``Limits``):
message size both ways, concurrent RPCs, open subscriptions, paths per request.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import grpc
from google.protobuf.message import DecodeError, Message

from iosxe_agent.gnmi.api import GnmiApi
from iosxe_agent.gnmi.auth import metadata_credentials
from iosxe_agent.gnmi.errors import GnmiFault
from iosxe_agent.gnmi.proto import gnmi_pb2
from iosxe_agent.gnmi.subscribe import SubscribeStream, Subscriptions
from iosxe_agent.limits import Limits
from iosxe_agent.listeners import ListenError
from iosxe_agent.netconf.server import Authenticator

log = logging.getLogger(__name__)
SERVICE = "gnmi.gNMI"
M = TypeVar("M", bound=Message)
_Context = grpc.aio.ServicerContext[Any, Any]
#: how long stopping waits for calls in flight before it cancels them
STOP_GRACE_S = 1.0


def parse(cls: type[M], data: bytes) -> M:
    """``data`` as a ``cls`` message, or INVALID_ARGUMENT."""
    try:
        return cls.FromString(data)
    except (DecodeError, RuntimeWarning, ValueError) as exc:
        raise GnmiFault(grpc.StatusCode.INVALID_ARGUMENT, f"malformed {cls.__name__}: {exc}") from None


def peer_host(peer: str) -> str | None:
    """The address of a gRPC peer string (``ipv4:127.0.0.1:5000``, ``ipv6:[::1]:5000``). Pure."""
    kind, _, rest = peer.partition(":")
    if kind not in ("ipv4", "ipv6"):
        return None
    host = rest.rpartition(":")[0]
    return host.strip("[]") or None


def address(host: str, port: int) -> str:
    """``host:port`` as gRPC binds it (an IPv6 address in brackets). Pure."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class GnmiServer:
    """One listening gNMI server (the service runs one plain-text and one TLS server at most)."""

    def __init__(self, api: GnmiApi, login: Authenticator, subscriptions: Subscriptions, limits: Limits) -> None:
        self.api = api
        self.login = login
        self.subscriptions = subscriptions
        self.limits = limits
        self._server: grpc.aio.Server | None = None

    async def start(self, host: str, port: int, credentials: grpc.ServerCredentials | None) -> int:
        """Listen on ``host:port`` (0: any free port); the port it listens on. ListenError when it cannot bind."""
        size = self.limits.gnmi_max_message_bytes
        server = grpc.aio.server(
            options=[
                ("grpc.so_reuseport", 0),  # a busy port is an error, never a second listener beside another
                ("grpc.max_receive_message_length", size),
                ("grpc.max_send_message_length", size),
                ("grpc.max_concurrent_streams", self.limits.gnmi_max_streams),
            ],
            maximum_concurrent_rpcs=self.limits.gnmi_max_streams,
        )
        server.add_generic_rpc_handlers((self._handlers(),))
        where = address(host, port)
        try:
            bound = server.add_secure_port(where, credentials) if credentials else server.add_insecure_port(where)
        except RuntimeError as exc:
            raise ListenError(f"cannot listen on {where}: {exc}") from None
        if not bound:
            raise ListenError(f"cannot listen on {where}")
        await server.start()
        self._server = server
        return bound

    async def stop(self) -> None:
        """Stop listening; calls in flight (open subscriptions) end."""
        server, self._server = self._server, None
        if server is not None:
            await server.stop(STOP_GRACE_S)

    def _handlers(self) -> grpc.GenericRpcHandler:
        return grpc.method_handlers_generic_handler(
            SERVICE,
            {
                "Capabilities": grpc.unary_unary_rpc_method_handler(self._unary(self._capabilities)),
                "Get": grpc.unary_unary_rpc_method_handler(self._unary(self._get)),
                "Set": grpc.unary_unary_rpc_method_handler(self._unary(self._set)),
                "Subscribe": grpc.stream_stream_rpc_method_handler(self._subscribe),
            },
        )

    # -- calls --------------------------------------------------------------------------------------------------------
    async def _user(self, context: _Context) -> tuple[str, str | None]:
        """The authenticated user of a call and its peer address, or UNAUTHENTICATED."""
        peer = peer_host(context.peer())
        credentials = metadata_credentials(tuple(context.invocation_metadata() or ()))
        if credentials is None:
            raise GnmiFault(grpc.StatusCode.UNAUTHENTICATED, "username and password metadata are required")
        user, password = credentials
        if not await self.login.authenticate(user, password, peer):
            log.info("gNMI login of %r from %s refused", user, peer)
            raise GnmiFault(grpc.StatusCode.UNAUTHENTICATED, "authentication failed")
        return user, peer

    def _unary(
        self, serve: Callable[[bytes, str, str | None], Awaitable[Message]]
    ) -> Callable[[bytes, _Context], Awaitable[bytes]]:
        async def call(data: bytes, context: _Context) -> bytes:
            try:
                user, peer = await self._user(context)
                reply = await serve(data, user, peer)
            except GnmiFault as fault:
                await context.abort(fault.code, fault.message)
            except Exception:
                log.exception("gNMI: internal error")
                await context.abort(grpc.StatusCode.INTERNAL, "internal error; see the agent log")
            return reply.SerializeToString()

        return call

    async def _capabilities(self, data: bytes, user: str, peer: str | None) -> Message:
        parse(gnmi_pb2.CapabilityRequest, data)
        return self.api.capabilities()

    async def _get(self, data: bytes, user: str, peer: str | None) -> Message:
        return self.api.get(parse(gnmi_pb2.GetRequest, data))

    async def _set(self, data: bytes, user: str, peer: str | None) -> Message:
        return await self.api.set(parse(gnmi_pb2.SetRequest, data), user, peer)

    async def _subscribe(self, requests: AsyncIterator[bytes], context: _Context) -> None:
        async def write(response: gnmi_pb2.SubscribeResponse) -> None:
            await context.write(response.SerializeToString())

        async def parsed() -> AsyncIterator[gnmi_pb2.SubscribeRequest]:
            async for data in requests:
                yield parse(gnmi_pb2.SubscribeRequest, data)

        try:
            await self._user(context)
            incoming = parsed()
            try:
                first = await asyncio.wait_for(anext(incoming, None), self.limits.gnmi_subscribe_wait_s)
            except TimeoutError:
                raise GnmiFault(grpc.StatusCode.DEADLINE_EXCEEDED, "no subscription list came") from None
            if first is None or not first.HasField("subscribe"):
                raise GnmiFault(grpc.StatusCode.INVALID_ARGUMENT, "the first request must be a subscription list")
            stream = SubscribeStream(self.api, first.subscribe, write)
            with self.subscriptions.opened(stream):
                await stream.run(incoming)
        except GnmiFault as fault:
            await context.abort(fault.code, fault.message)
        except Exception:
            log.exception("gNMI: internal error in Subscribe")
            await context.abort(grpc.StatusCode.INTERNAL, "internal error; see the agent log")
