"""A port held while its listener is off (``no netconf-yang``): connections refused, the port kept for its return."""

from __future__ import annotations

import socket

import pytest

from iosxe_agent.listeners import ListenError, listen_reserved, listen_socket, reserve_port


def test_a_reserved_port_refuses_connections_keeps_its_number_and_listens_again() -> None:
    first = listen_socket("127.0.0.1", 0)
    port = first.getsockname()[1]
    first.close()
    held = reserve_port("127.0.0.1", port)
    try:
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=5)
        with pytest.raises(ListenError, match=rf"cannot listen on 127\.0\.0\.1:{port}: address already in use"):
            listen_socket("127.0.0.1", port)  # another agent given the port (asyncio's SO_REUSEADDR included)
        with pytest.raises(ListenError):
            reserve_port("127.0.0.1", port)
        listen_reserved(held)
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            accepted, _ = held.accept()
            accepted.close()
    finally:
        held.close()
