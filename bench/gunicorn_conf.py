"""gunicorn settings of the benches: TCP_NODELAY on the listening socket (accepted sockets
inherit it on Linux), so a response's header and body writes are not held by Nagle's algorithm
until the client's delayed ACK."""

from __future__ import annotations

import socket
from typing import Any


def when_ready(server: Any) -> None:
    for listener in server.LISTENERS:
        if listener.sock.family in (socket.AF_INET, socket.AF_INET6):
            listener.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
