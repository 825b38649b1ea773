"""myapps.microsoft.com and launcher.myapps.microsoft.com: tiles and the user access URLs."""

from __future__ import annotations

from flask import Flask, make_response, redirect, render_template, request
from werkzeug.wrappers import Response

from ..enterprise_apps import EnterpriseApp
from ..tenant import LoginSession, Tenant
from . import flask_app

MYAPPS_COOKIE = "myapps_session"


def launch_url(tenant: Tenant, app: EnterpriseApp, relay_state: str | None = None) -> str:
    """Where a tile or the user access URL sends the browser (ENTRA-BEHAVIOUR §1).

    An app with a Sign on URL is started at the SP (SP-initiated); otherwise the tenant posts
    a Response to the app's Default reply URL (IdP-initiated).
    """
    if app.sign_on_url:
        return app.sign_on_url
    url = f"{tenant.login_base}/{tenant.tenant_id}/saml2/idpinitiated?appid={app.app_id}"
    if relay_state:
        from urllib.parse import quote

        url += "&relaystate=" + quote(relay_state, safe="")
    return url


def create_myapps_app(tenant: Tenant) -> Flask:
    app = flask_app("myapps.microsoft.com", tenant)

    def signed_in() -> LoginSession | None:
        return tenant.sessions.get(request.cookies.get(MYAPPS_COOKIE, ""))

    def sign_in_first() -> Response:
        return redirect(
            f"{tenant.login_base}/{tenant.tenant_id}/oauth2/authorize"
            f"?redirect_uri={tenant.myapps_base}/auth"
        )

    @app.get("/auth")
    def auth_callback() -> Response:
        with tenant.lock:
            pending = tenant.pending.pop(request.args.get("code", ""), None)
        if pending is None or pending.get("kind") != "code":
            return sign_in_first()
        session_id = next(
            (sid for sid, s in tenant.sessions.items() if s is pending["session"]), ""
        )
        response = redirect(f"{tenant.myapps_base}/")
        response.set_cookie(MYAPPS_COOKIE, session_id, secure=True, httponly=True)
        return response

    @app.get("/signout")
    def sign_out() -> Response:
        """The account manager's Sign out: My Apps' session, then Entra's (every app signed in
        to gets a LogoutRequest)."""
        response = redirect(f"{tenant.login_base}/{tenant.tenant_id}/oauth2/logout")
        response.delete_cookie(MYAPPS_COOKIE, secure=True, httponly=True)
        return response

    @app.get("/switch-account")
    def switch_account() -> Response:
        """The account manager's "Sign in with a different account": Entra's sign-in page."""
        response = redirect(
            f"{tenant.login_base}/{tenant.tenant_id}/oauth2/authorize"
            f"?redirect_uri={tenant.myapps_base}/auth&prompt=select_account"
        )
        response.delete_cookie(MYAPPS_COOKIE, secure=True, httponly=True)
        return response

    @app.get("/")
    def portal() -> Response:
        session = signed_in()
        if session is None:
            return sign_in_first()
        user = tenant.directory.get(session.user_id)
        tiles = [
            {"name": a.display_name, "app_id": a.app_id, "url": tenant.launcher_url(a)}
            for a in tenant.apps.values()
            if a.visible_to_users and a.assignments_of({user.id})
        ]
        return make_response(render_template("myapps.html", user=user, apps=tiles))

    @app.get("/signin/<name>/<app_id>")
    def user_access_url(name: str, app_id: str) -> Response:
        try:
            target = tenant.find_app(app_id)
        except KeyError:
            return redirect(f"{tenant.myapps_base}/")
        return redirect(launch_url(tenant, target, request.args.get("relaystate")))

    return app


def create_launcher_app(tenant: Tenant) -> Flask:
    app = flask_app("launcher.myapps.microsoft.com", tenant)

    @app.get("/api/signin/<app_id>")
    def launcher(app_id: str) -> Response:
        try:
            target = tenant.find_app(app_id)
        except KeyError:
            return redirect(f"{tenant.myapps_base}/")
        return redirect(launch_url(tenant, target, request.args.get("relaystate")))

    return app
