"""Routing the unmodified Graph clients' traffic to the stack: the host map for httpx and aiohttp."""

# The clients connect to https://graph.microsoft.com and https://login.microsoftonline.com by
# name; these pieces are configuration the SDKs accept (an httpx client, an aiohttp session),
# not changes to them: each request still carries its real host name in Host and SNI and is
# verified against the stack's CA for that name.

from __future__ import annotations

import socket
import ssl
from typing import Any

import aiohttp
import httpx
from aiohttp.abc import AbstractResolver, ResolveResult

from harness.serving.hostmap import HostMap


class AsyncHostMapTransport(httpx.AsyncHTTPTransport):
    """harness.serving.hostmap.HostMapTransport for httpx.AsyncClient (the SDK's client)."""

    def __init__(self, host_map: HostMap, ssl_context: ssl.SSLContext) -> None:
        super().__init__(verify=ssl_context)
        self.host_map = host_map

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        port = self.host_map.ports.get(request.url.host)
        if port is None:
            raise httpx.ConnectError(f"{request.url.host} is not served by the stack")
        wire = httpx.Request(
            request.method,
            request.url.copy_with(host="127.0.0.1", port=port),
            headers=request.headers,
            stream=request.stream,
            extensions={**request.extensions, "sni_hostname": request.url.host},
        )
        return await super().handle_async_request(wire)


class HostMapResolver(AbstractResolver):
    """aiohttp's DNS seam: a mapped host name resolves to 127.0.0.1 and its local port; any
    other name does not resolve (nothing leaves the machine)."""

    def __init__(self, host_map: HostMap) -> None:
        self.host_map = host_map

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        local = self.host_map.ports.get(host)
        if local is None:
            raise OSError(f"{host} is not served by the stack")
        return [
            {
                "hostname": host,
                "host": "127.0.0.1",
                "port": local,
                "family": socket.AF_INET,
                "proto": 0,
                "flags": socket.AI_NUMERICHOST,
            }
        ]

    async def close(self) -> None:
        pass


def aiohttp_session(host_map: HostMap, ssl_context: ssl.SSLContext) -> Any:
    """An aiohttp session (azure-core's async transport) that reaches the stack by name."""
    connector = aiohttp.TCPConnector(resolver=HostMapResolver(host_map), ssl=ssl_context)
    return aiohttp.ClientSession(connector=connector)
