"""A web app around a Python SAML library whose behaviour is data (a profile): where the
identity comes from, what success and refusal look like, how RelayState and sessions work."""

from __future__ import annotations

import base64
import json
import re
import secrets
import sqlite3
import sys
import threading
from collections.abc import Callable
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

ASSERTION_ID = re.compile(rb"<(?:[\w-]+:)?Assertion\b[^>]*?\sID=\"([^\"]+)\"")
IN_RESPONSE_TO = re.compile(rb"<(?:[\w-]+:)?Response\b[^>]*?\sInResponseTo=\"([^\"]+)\"")


class Refused(Exception):
    pass


def sp_metadata(entity_id: str, acs_url: str, want_assertions_signed: bool) -> str:
    return (
        '<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
        f'entityID="{escape(entity_id)}"><md:SPSSODescriptor AuthnRequestsSigned="false" '
        f'WantAssertionsSigned="{str(want_assertions_signed).lower()}" '
        'protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        '<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" '
        f'Location="{escape(acs_url)}" index="1" isDefault="true"/></md:SPSSODescriptor>'
        "</md:EntityDescriptor>"
    )


class Library:
    """What an app implements with its library."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config

    def configure(self, idp: dict[str, str]) -> None:
        raise NotImplementedError

    def login(self, relay_state: str) -> tuple[str, str]:
        """The redirect URL to the IdP (with RelayState), and the AuthnRequest's ID."""
        raise NotImplementedError

    def consume(
        self, saml_response: str, request_id: str | None
    ) -> tuple[str, dict[str, list[str]]]:
        """(NameID, attributes) or an exception."""
        raise NotImplementedError


class Sessions:
    """Server-side sessions in SQLite (the profile's "sqlite") or a dict."""

    def __init__(self, kind: str) -> None:
        self.lock = threading.Lock()
        self.db = sqlite3.connect(":memory:", check_same_thread=False) if kind == "sqlite" else None
        if self.db is not None:
            self.db.execute("create table s (sid text primary key, user text, data text)")
        self.memory: dict[str, dict[str, Any]] = {}

    def get(self, sid: str) -> dict[str, Any]:
        with self.lock:
            if self.db is None:
                return dict(self.memory.get(sid, {}))
            row = self.db.execute("select data from s where sid = ?", (sid,)).fetchone()
            return json.loads(row[0]) if row else {}

    def put(self, sid: str, data: dict[str, Any]) -> None:
        with self.lock:
            if self.db is None:
                self.memory[sid] = dict(data)
            else:
                self.db.execute(
                    "insert or replace into s values (?, ?, ?)",
                    (sid, data.get("user"), json.dumps(data)),
                )


def identity(profile: dict[str, Any], name_id: str, attributes: dict[str, list[str]]) -> str:
    source = profile.get("identity", "nameid")
    if source == "nameid":
        return name_id
    wanted = source.split(":", 1)[1]
    values = attributes.get(wanted) or []
    if not values:
        raise Refused(f"no {wanted} attribute")
    return str(values[0])


def serve(config: dict[str, Any], make: Callable[[dict[str, Any]], Library]) -> None:
    profile: dict[str, Any] = config["profile"]
    library = make(config)
    # The app's own directory: email -> display name (the part before @, capitalised).
    users = {u.lower(): u.split("@")[0].title() for u in config["users"]}
    cookie = profile.get("cookie", "sid")
    sessions = Sessions(profile.get("sessions", "memory"))
    lock, library_lock = threading.Lock(), threading.Lock()
    state: dict[str, Any] = {"configured": False, "requests": set(), "consumed": set()}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def answer(
            self, status: int, body: str, kind: str = "text/html", headers: Any = ()
        ) -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def redirect(self, location: str, headers: Any = ()) -> None:
            self.answer(302, "", "text/plain", [("Location", location), *headers])

        def sid(self) -> str | None:
            found = re.search(rf"(?:^|;\s*){cookie}=([\w-]+)", self.headers.get("Cookie", ""))
            return found.group(1) if found else None

        def session(self) -> dict[str, Any]:
            sid = self.sid()
            return sessions.get(sid) if sid else {}

        def page(self, user: str) -> str:
            text = profile.get("page", "Signed in as {user}").format(
                user=user, name=users.get(user, user)
            )
            return f"<html><body><header>Acme</header><main><h1>{escape(text)}</h1></main></body></html>"

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            path, query = url.path, parse_qs(url.query)
            user = self.session().get("user")
            if path == "/health":
                return self.answer(200, "ok", "text/plain")
            if path == "/saml/metadata":
                return self.answer(
                    200,
                    sp_metadata(
                        config["entity_id"], config["acs_url"], profile.get("wants_signed", True)
                    ),
                    "application/xml",
                )
            if path == profile.get("whoami_path", "/api/me"):
                style = profile.get("whoami", "json")
                if style == "json-nested":
                    body = {"authenticated": bool(user), "user": {"email": user} if user else None}
                    return self.answer(200, json.dumps(body), "application/json")
                if style == "text":
                    return self.answer(200 if user else 401, user or "", "text/plain")
                return self.answer(
                    200 if user else 401, json.dumps({"email": user}), "application/json"
                )
            if path in ("/", "/app", "/dashboard"):
                if not user:
                    return self.redirect("/login?next=" + quote(path))
                return self.answer(200, self.page(user))
            if path == "/error":
                reason = query.get("reason", ["unknown"])[0]
                return self.answer(
                    200, f"<html><body><h1>Sign-in failed</h1><p>{escape(reason)}</p></body></html>"
                )
            if path == "/login":
                if not state["configured"]:
                    return self.answer(503, "<p>single sign-on is not configured</p>")
                next_path = query.get("next", ["/dashboard"])[0]
                csrf = secrets.token_urlsafe(12)
                relay = {"csrf": csrf, "path": next_path, "ignore": ""}.get(
                    profile.get("relay_state", "path"), next_path
                )
                url_out, request_id = library.login(relay)
                sid = self.sid() or secrets.token_urlsafe(16)
                data = sessions.get(sid)
                data.update({"csrf": csrf, "request": request_id})
                sessions.put(sid, data)
                with lock:
                    state["requests"].add(request_id)
                # No SameSite attribute: Chromium's Lax-by-default still sends a cookie this new
                # on the IdP's cross-site POST to the ACS; SameSite=None without Secure is dropped.
                return self.redirect(url_out, [("Set-Cookie", f"{cookie}={sid}; Path=/; HttpOnly")])
            return self.answer(404, "not found", "text/plain")

        def refuse(self, reason: str) -> None:
            style = profile.get("refusal", "403")
            if style == "page200":
                return self.answer(
                    200,
                    f"<html><body><h1>Something went wrong</h1><p>{escape(reason)}</p></body></html>",
                )
            if style == "redirect-error":
                return self.redirect("/error?" + urlencode({"reason": reason[:200]}))
            if style == "redirect-login":
                return self.redirect("/login")
            return self.answer(int(style), f"<p>Refused: {escape(reason)}</p>")

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            path = urlsplit(self.path).path
            if path == "/_admin/idp":
                library.configure(json.loads(body))
                state["configured"] = True
                return self.answer(204, "")
            if path != urlsplit(config["acs_url"]).path:
                return self.answer(404, "not found", "text/plain")
            if not state["configured"]:
                return self.answer(503, "<p>single sign-on is not configured</p>")
            form = parse_qs(body.decode())
            saml_response = form.get("SAMLResponse", [""])[0]
            relay_state = form.get("RelayState", [""])[0]
            session = self.session()
            try:
                document = base64.b64decode(saml_response)
                ids = set(ASSERTION_ID.findall(document))
                asked = IN_RESPONSE_TO.search(document)
                request_id = asked.group(1).decode() if asked else None
                if profile.get("relay_state") == "csrf" and relay_state != session.get("csrf"):
                    raise Refused("RelayState does not match this browser's sign-in")
                if profile.get("requests") == "session":
                    # The request this browser started, kept in its session (unsolicited: none).
                    if request_id is None and not profile.get("unsolicited", True):
                        raise Refused("unsolicited Response")
                    if request_id is not None and request_id != session.get("request"):
                        raise Refused("InResponseTo is not this browser's request")
                with lock:
                    if ids & state["consumed"]:
                        raise Refused("replayed assertion")
                    if request_id is not None and request_id not in state["requests"]:
                        raise Refused(f"InResponseTo {request_id} was never requested")
                with library_lock:
                    name_id, attributes = library.consume(saml_response, request_id)
                user = identity(profile, name_id, attributes).strip().lower()
                if user not in users:
                    raise Refused(f"no account for {user}")
                with lock:
                    if ids & state["consumed"]:
                        raise Refused("replayed assertion")
                    state["consumed"] |= ids
                    state["requests"].discard(request_id)
            except Exception as error:  # the library's own exceptions are refusals too
                return self.refuse(f"{type(error).__name__}: {error}")
            sid = secrets.token_urlsafe(16)  # a new session id at sign-in (no fixation)
            sessions.put(sid, {"user": user})
            set_cookie = ("Set-Cookie", f"{cookie}={sid}; Path=/; HttpOnly")
            success = profile.get("success", "redirect")
            if success == "page":
                return self.answer(200, self.page(user), headers=[set_cookie])
            if success == "meta-refresh":
                return self.answer(
                    200,
                    "<html><head><meta http-equiv='refresh' content='0;url=/dashboard'></head>"
                    "<body>Signing you in…</body></html>",
                    headers=[set_cookie],
                )
            target = (
                relay_state
                if relay_state.startswith("/") and profile.get("relay_state") == "path"
                else "/dashboard"
            )
            return self.redirect(target, [set_cookie])

    server = ThreadingHTTPServer(("127.0.0.1", int(config["port"])), Handler)
    print(json.dumps({"port": server.server_address[1]}), flush=True)
    server.serve_forever()


def main(make: Callable[[dict[str, Any]], Library]) -> None:
    serve(json.loads(sys.argv[1]), make)
