"""The console's sign-in: every console page asks for its administrator first (issue 17 F4);
the console JSON API (/api/) keeps its bearer token."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from flask import Flask, make_response, redirect, render_template, request
from werkzeug.wrappers import Response

from ..console_admin import ConsoleAdmin

CONSOLE_COOKIE = "console_session"
SIGN_IN_PATH = "/signin"
OPEN_PATHS = {SIGN_IN_PATH, "/signout", "/healthz"}


def local_target(target: str) -> str:
    """Where to go after signing in: a path of this console only (never another site)."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def register_console_sign_in(app: Flask, admin: ConsoleAdmin) -> None:
    @app.before_request
    def require_administrator() -> Response | None:
        path = request.path
        if path.startswith("/api/") or path in OPEN_PATHS or path.startswith("/static/"):
            return None
        if admin.signed_in(request.cookies.get(CONSOLE_COOKIE)):
            return None
        wanted = request.full_path if request.query_string else request.path
        return redirect(f"{SIGN_IN_PATH}?{urlencode({'next': wanted})}")

    def form(status: int = 200, error: str | None = None, email: str = "") -> Response:
        target = local_target(request.values.get("next", "/"))
        html = render_template("console/signin.html", error=error, email=email, target=target)
        return make_response(html, status)

    @app.get(SIGN_IN_PATH)
    def sign_in_page() -> Response:
        return form()

    @app.post(SIGN_IN_PATH)
    def sign_in() -> Response:
        email = request.form.get("email", "")
        session_id = admin.sign_in(email, request.form.get("password", ""))
        if session_id is None:
            return form(401, "The email or password is incorrect.", email)
        response = redirect(local_target(request.form.get("next", "/")))
        response.set_cookie(CONSOLE_COOKIE, session_id, secure=True, httponly=True, samesite="Lax")
        return response

    @app.get("/signout")
    def sign_out() -> Response:
        admin.sign_out(request.cookies.get(CONSOLE_COOKIE))
        response = redirect(SIGN_IN_PATH)
        response.delete_cookie(CONSOLE_COOKIE)
        return response
