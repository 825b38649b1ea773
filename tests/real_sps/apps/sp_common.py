"""The web app around a Python SAML library (stdlib only, run by the library's own venv): metadata,
an admin endpoint the IdP settings are posted to, sign-on URL, ACS, whoami; the same routes as
sp_common.js. A user directory of its own: only its users sign in."""

from __future__ import annotations

import base64
import json
import re
import secrets
import sys
import textwrap
import threading
from collections.abc import Callable
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

ASSERTION_ID = re.compile(rb"<(?:[\w-]+:)?Assertion\b[^>]*?\sID=\"([^\"]+)\"")
IN_RESPONSE_TO = re.compile(rb"<(?:[\w-]+:)?Response\b[^>]*?\sInResponseTo=\"([^\"]+)\"")


class Refused(Exception):
    pass


def pem(certificate: str) -> str:
    body = "\n".join(textwrap.wrap("".join(certificate.split()), 64))
    return f"-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n"


def sp_metadata(entity_id: str, acs_url: str) -> str:
    return (
        '<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
        f'entityID="{escape(entity_id)}"><md:SPSSODescriptor AuthnRequestsSigned="false" '
        'WantAssertionsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        "<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>"
        '<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" '
        f'Location="{escape(acs_url)}" index="0" isDefault="true"/></md:SPSSODescriptor>'
        "</md:EntityDescriptor>"
    )


class Library:
    """What an app implements with its library."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config

    def configure(self, idp: dict[str, str]) -> None:  # entity_id, sso_url, certificate
        raise NotImplementedError

    def login(self) -> tuple[str, str]:
        """The redirect URL to the IdP with an AuthnRequest, and that request's ID."""
        raise NotImplementedError

    def consume(self, saml_response: str, request_id: str | None) -> str:
        """The signed-in user's name, or Refused."""
        raise NotImplementedError


def serve(config: dict[str, Any], make: Callable[[dict[str, Any]], Library]) -> None:
    library = make(config)
    users = {u.lower() for u in config["users"]}
    lock = threading.Lock()
    library_lock = threading.Lock()
    state: dict[str, Any] = {
        "configured": False,
        "requests": set(),
        "consumed": set(),
        "sessions": {},
    }

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def answer(
            self,
            status: int,
            body: str,
            kind: str = "text/html",
            headers: dict[str, str] | None = None,
        ) -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def user(self) -> str | None:
            cookie = self.headers.get("Cookie", "")
            found = re.search(r"(?:^|;\s*)sid=([\w-]+)", cookie)
            return state["sessions"].get(found.group(1)) if found else None

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if path == "/health":
                return self.answer(200, "ok", "text/plain")
            if path == "/metadata":
                return self.answer(
                    200, sp_metadata(config["entity_id"], config["acs_url"]), "application/xml"
                )
            if path == "/whoami":
                user = self.user()
                return self.answer(
                    200 if user else 401, json.dumps({"user": user}), "application/json"
                )
            if path == "/":
                user = self.user()
                text = f"Signed in as {user}" if user else "Not signed in"
                return self.answer(200, f"<html><body><p id='who'>{escape(text)}</p></body></html>")
            if path == "/login":
                if not state["configured"]:
                    return self.answer(503, "<p>single sign-on is not configured</p>")
                url, request_id = library.login()
                with lock:
                    state["requests"].add(request_id)
                self.send_response(302)
                self.send_header("Location", url)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            return self.answer(404, "not found", "text/plain")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            path = urlsplit(self.path).path
            if path == "/_admin/idp":
                library.configure(json.loads(body))
                state["configured"] = True
                return self.answer(204, "")
            if path != "/acs":
                return self.answer(404, "not found", "text/plain")
            if not state["configured"]:
                return self.answer(503, "<p>single sign-on is not configured</p>")
            saml_response = parse_qs(body.decode()).get("SAMLResponse", [""])[0]
            try:
                document = base64.b64decode(saml_response)
                ids = set(ASSERTION_ID.findall(document))
                asked = IN_RESPONSE_TO.search(document)
                request_id = asked.group(1).decode() if asked else None
                with lock:
                    # The app's part, as each library's documentation says: one use per
                    # assertion, and an InResponseTo only for a request this SP sent.
                    if ids & state["consumed"]:
                        raise Refused("replayed assertion")
                    if request_id is not None and request_id not in state["requests"]:
                        raise Refused(f"InResponseTo {request_id} was never requested")
                    if request_id is None and config.get("sp_initiated_only"):
                        raise Refused("unsolicited: this SP signs in only from its sign-on URL")
                with library_lock:  # the libraries keep state (caches, metadata) unguarded
                    user = library.consume(saml_response, request_id).lower()
                if user not in users:
                    raise Refused(f"no user {user}")
                with lock:
                    if ids & state["consumed"]:
                        raise Refused("replayed assertion")
                    state["consumed"] |= ids
                    state["requests"].discard(request_id)
            except Refused as refusal:
                return self.answer(403, f"<p>Refused: {escape(str(refusal))}</p>")
            except Exception as error:  # the library's own exceptions: a refusal, shown
                return self.answer(
                    403, f"<p>Refused: {escape(type(error).__name__)}: {escape(str(error))}</p>"
                )
            sid = secrets.token_urlsafe(16)
            state["sessions"][sid] = user
            self.send_response(302)
            self.send_header("Location", "/")
            self.send_header("Set-Cookie", f"sid={sid}; Path=/; HttpOnly")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None

    server = ThreadingHTTPServer(("127.0.0.1", int(config["port"])), Handler)
    print(json.dumps({"port": server.server_address[1]}), flush=True)
    server.serve_forever()


def main(make: Callable[[dict[str, Any]], Library]) -> None:
    serve(json.loads(sys.argv[1]), make)
