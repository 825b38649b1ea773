"""How check-scim reaches a staging endpoint: CA file, curl-style --resolve, Entra's headers, first stop."""

# A staging endpoint often sits behind a private CA or a name only the company's DNS knows;
# --ca-file and --resolve HOST:PORT:ADDR (curl's convention) reach it without touching the
# runner's trust store or /etc/hosts. The Host header, SNI and the certificate check keep the
# URL's name. Requests carry only what the provisioning engine's own wire sends
# (mock_idp/provisioning/wire.py: Host, Authorization, Accept, Content-Type, Accept-Encoding
# identity, Content-Length): no User-Agent, as Entra sends none (issue 16).

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from harness.checks.scim.probe import CheckFailed, ScimProbe
from harness.serving.tls import shared_client_context

# httpx's own defaults that Entra's wire does not send.
NOT_SENT_BY_ENTRA = ("User-Agent", "Connection", "Accept")


class TargetUnreachable(ConnectionError):
    """The endpoint cannot be checked at all: no connection, TLS refused, or the credentials
    refused on the first request. One clear message, exit 2, instead of a table of failures."""


@dataclass(frozen=True)
class Resolve:
    """`HOST:PORT:ADDR`: connect to ADDR for HOST:PORT (curl --resolve)."""

    host: str
    port: int
    address: str

    @classmethod
    def parse(cls, text: str) -> Resolve:
        host, sep, rest = text.partition(":")
        port, sep2, address = rest.partition(":")
        if not (sep and sep2 and host and port.isdigit() and address):
            raise ValueError(f"--resolve {text!r} is not HOST:PORT:ADDR")
        return cls(host.lower(), int(port), address.strip("[]"))


class ResolvingTransport(httpx.HTTPTransport):
    """Sends HOST:PORT to its --resolve address; Host header and TLS name stay HOST."""

    def __init__(self, resolves: list[Resolve], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.resolves = {(r.host, r.port): r.address for r in resolves}

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        address = self.resolves.get((url.host.lower(), url.port or _default_port(url.scheme)))
        if address is None:
            return super().handle_request(request)
        wire = httpx.Request(
            request.method,
            url.copy_with(host=address),
            headers=request.headers,  # Host keeps the URL's name
            stream=request.stream,
            extensions={**request.extensions, "sni_hostname": url.host},
        )
        return super().handle_request(wire)


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


def http_factory(
    timeout: float, ca_file: str | None = None, resolves: list[Resolve] | None = None
) -> Callable[[], httpx.Client]:
    """The engine's and the probe's HTTP client. The engine opens one per cycle; the TLS
    context (--ca-file, else SSL_CERT_FILE, else certifi's CAs) is loaded once."""
    context = shared_client_context(ca_file)  # the engine's workers connect concurrently
    chosen = list(resolves or [])

    def client() -> httpx.Client:
        http = httpx.Client(
            transport=ResolvingTransport(chosen, verify=context),
            timeout=timeout,
            headers={"Accept-Encoding": "identity"},
            trust_env=True,  # a staging endpoint may need the environment's proxy
        )
        for name in NOT_SENT_BY_ENTRA:
            del http.headers[name]
        return http

    return client


def first_request(probe: ScimProbe) -> str:
    """Test Connection's own request (ENTRA-BEHAVIOUR §8); raises TargetUnreachable when the
    endpoint cannot be reached, refuses the credentials, or is no SCIM endpoint at all (an
    error without a SCIM body; a SCIM error, such as a 404 for an empty query, is the checks')."""
    guid = str(uuid.uuid4())
    try:
        answer = probe.send("GET", "/Users", params={"filter": f'userName eq "{guid}"'})
    except CheckFailed as error:
        raise TargetUnreachable(
            f"cannot reach the SCIM endpoint {probe.base_url}: {error}. Check the URL, "
            "--resolve HOST:PORT:ADDR for a name this machine cannot resolve, and --ca-file "
            "(or SSL_CERT_FILE) for a private CA."
        ) from None
    if answer.status in (401, 403):
        raise TargetUnreachable(
            f"the SCIM endpoint {probe.base_url} refused the credentials on the first request "
            f'(GET /Users?filter=userName eq "{guid}" answered {answer.describe()}); Entra '
            "quarantines such a job. Check --token (or --token-url, --client-id, "
            "--client-secret); an endpoint that wants a User-Agent refuses Entra too."
        )
    body = answer.body if isinstance(answer.body, dict) else {}
    if answer.status >= 400 and not body.get("schemas"):
        # Not even a SCIM error: a wrong URL (a web server's 404 page, a gateway's 502).
        raise TargetUnreachable(
            f"no SCIM endpoint answers at {probe.base_url}: GET /Users answered {answer.status} "
            f"({answer.content_type or 'no content type'}): {answer.text[:120]!r}. Check --url "
            "(the Tenant URL, e.g. https://host/scim/v2)."
        )
    return f"{answer.status}"
