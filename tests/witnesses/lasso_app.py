"""A minimal SP on Lasso (Debian's python3-lasso), run by Debian's /usr/bin/python3:
`python3 lasso_app.py <config json>`. Lasso does the SAML work as its documentation shows
(Server from the SP and IdP metadata, Login for SSO, Logout for SLO); the app only keeps the
session and shows what Lasso accepted. Routes: /login, /acs, /attributes, /logout, /slo."""

import html
import http.cookies
import json
import secrets
import sys
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import lasso

config = json.loads(sys.argv[1])
server = lasso.Server(config["sp_metadata"], config["sp_key"], None, config["sp_cert"])
server.addProvider(lasso.PROVIDER_ROLE_IDP, config["idp_metadata"])
if config.get("logout_issuer"):
    # The usual workaround for Entra's LogoutResponse issuer: the same metadata registered a
    # second time under that issuer, so Lasso finds the key to check the response with.
    with open(config["idp_metadata"], encoding="utf-8-sig") as metadata:
        text = metadata.read()
    alias = text.replace(
        f'entityID="{config["idp_entity_id"]}"', f'entityID="{config["logout_issuer"]}"'
    )
    server.addProviderFromBuffer(lasso.PROVIDER_ROLE_IDP, alias)
sessions: dict[str, tuple[str, dict[str, list[str]], str]] = {}  # sid -> NameID, attributes, dump


def attributes_of(assertion: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for statement in assertion.attributeStatement or []:
        for attribute in statement.attribute or []:
            values = []
            for value in attribute.attributeValue or []:
                values.extend(node.dump() for node in value.any or [])
            found[attribute.name] = values
    return found


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        sys.stderr.write((args[0] % args[1:]) + "\n")

    def answer(self, status: int, text: str, headers: Iterable[tuple[str, str]] = ()) -> None:
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, url: str, headers: Iterable[tuple[str, str]] = ()) -> None:
        self.send_response(302)
        self.send_header("Location", url)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def session_id(self) -> str | None:
        cookie = http.cookies.SimpleCookie(self.headers.get("Cookie", ""))
        return cookie["sid"].value if "sid" in cookie else None

    def refuse(self, error: str) -> None:
        sys.stderr.write(f"refused: {error}\n")
        self.answer(403, f"Lasso refused: {error}")

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        session = sessions.get(self.session_id() or "")
        if url.path == "/attributes":
            if session is None:
                return self.redirect("/login")
            name_id, attributes, _ = session
            lines = [f"REMOTE_USER={name_id}"]
            lines += [f"{k}={'|'.join(v)}" for k, v in sorted(attributes.items())]
            lines.append(f"NAME_CLAIM={'|'.join(attributes.get(config['name_claim'], []))}")
            return self.answer(200, "\n".join(lines) + "\n")
        if url.path == "/login":
            login = lasso.Login(server)
            login.initAuthnRequest(config["idp_entity_id"], lasso.HTTP_METHOD_REDIRECT)
            login.request.nameIdPolicy.allowCreate = True
            login.msgRelayState = "/attributes"
            login.buildAuthnRequestMsg()
            return self.redirect(login.msgUrl)
        if url.path == "/logout":
            if session is None:
                return self.redirect("/signed-out")
            logout = lasso.Logout(server)
            logout.setSessionFromDump(session[2])
            logout.initRequest(None, lasso.HTTP_METHOD_REDIRECT)
            logout.msgRelayState = "/signed-out"
            logout.buildRequestMsg()
            return self.redirect(logout.msgUrl)
        if url.path == "/slo":
            # Lasso checks the Redirect binding's signature over the query as it arrived.
            logout = lasso.Logout(server)
            try:
                logout.processResponseMsg(url.query)
            except lasso.Error as error:
                return self.refuse(f"LogoutResponse: {error}")
            sessions.pop(self.session_id() or "", None)
            return self.redirect("/signed-out")
        if url.path == "/signed-out":
            return self.answer(200, "signed out\n")
        if url.path == "/health":
            return self.answer(200, "ok\n")
        return self.answer(404, "not found\n")

    def do_POST(self) -> None:
        if urlsplit(self.path).path != "/acs":
            return self.answer(404, "not found\n")
        length = int(self.headers.get("Content-Length", "0"))
        form = parse_qs(self.rfile.read(length).decode())
        login = lasso.Login(server)
        try:
            login.processAuthnResponseMsg(form.get("SAMLResponse", [""])[0])
            login.acceptSso()
        except lasso.Error as error:
            return self.refuse(html.escape(str(error)))
        assertion = login.assertion
        name_id = login.nameIdentifier.content
        sid = secrets.token_urlsafe(16)
        sessions[sid] = (name_id, attributes_of(assertion), login.session.dump())
        relay = form.get("RelayState", ["/attributes"])[0] or "/attributes"
        return self.redirect(relay, [("Set-Cookie", f"sid={sid}; Path=/; HttpOnly")])


ThreadingHTTPServer(("127.0.0.1", int(config["port"])), Handler).serve_forever()
