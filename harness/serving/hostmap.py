"""Routing the tutorials' literal host names to local ports: for Chromium and for Python clients."""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field

import httpx


@dataclass
class HostMap:
    """host name -> 127.0.0.1 port that serves it."""

    ports: dict[str, int] = field(default_factory=dict)

    def add(self, hosts: list[str], port: int) -> None:
        for host in hosts:
            self.ports[host] = port

    def route(self, host: str) -> tuple[str, int] | None:
        """Where a client connects for `host` (KeepAliveHttp's route), None when not mapped."""
        port = self.ports.get(host)
        return None if port is None else ("127.0.0.1", port)

    def address(self, host: str) -> str:
        return f"127.0.0.1:{self.ports[host]}"

    def as_dict(self) -> dict[str, str]:
        return {host: self.address(host) for host in sorted(self.ports)}

    def chromium_rules(self, allow: list[str] | None = None) -> str:
        """--host-resolver-rules: MAP each host (port 443) to its local port; nothing else resolves
        but `allow` (an external SP under test), so a scenario never reaches the real Microsoft
        or vendor services."""
        rules = [f"MAP {host} 127.0.0.1:{port}" for host, port in sorted(self.ports.items())]
        excluded = [f"EXCLUDE {host}" for host in ["127.0.0.1", "localhost", *(allow or [])]]
        return ", ".join([*rules, *excluded, "MAP * ~NOTFOUND"])


class HostMapTransport(httpx.HTTPTransport):
    """An httpx transport that sends requests for mapped hosts to their local port over TLS,
    keeping the Host header and checking the certificate against the original name (SNI)."""

    def __init__(self, host_map: HostMap, ssl_context: ssl.SSLContext, **kwargs: object) -> None:
        super().__init__(verify=ssl_context, **kwargs)  # type: ignore[arg-type]
        self.host_map = host_map

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        port = self.host_map.ports.get(request.url.host)
        if port is None:
            return super().handle_request(request)
        # A copy goes on the wire; the client keeps the original URL for cookies and redirects.
        wire = httpx.Request(
            request.method,
            request.url.copy_with(host="127.0.0.1", port=port),
            headers=request.headers,
            stream=request.stream,
            extensions={**request.extensions, "sni_hostname": request.url.host},
        )
        return super().handle_request(wire)


def http_client(host_map: HostMap, ssl_context: ssl.SSLContext, **kwargs: object) -> httpx.Client:
    """A client that reaches https://login.microsoftonline.com/… and the vendors' URLs locally."""
    return httpx.Client(
        transport=HostMapTransport(host_map, ssl_context),
        timeout=30.0,
        **kwargs,  # type: ignore[arg-type]
    )
