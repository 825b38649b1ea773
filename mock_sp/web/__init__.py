"""Web layer of a simulated vendor: its ACS and landing page per region, its console API."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

from flask import Flask, abort, jsonify, make_response, redirect, render_template, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from mock_kernel.control import create_control_app
from mock_kernel.limits import apply_request_limits
from mock_scim.control import add_scim_controls
from mock_scim.web import create_scim_app

from ..acs import AcsRefusal
from ..idp_settings import MetadataError
from ..service_provider import ServiceProvider, SettingError
from ..vendor import Vendor
from .console_api_bodies import CONSOLE_SETTINGS, IdpFields, NewConsoleUser
from .console_sign_in import register_console_sign_in
from .consoles import create_console_pages

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
log = logging.getLogger(__name__)
SESSION_COOKIE = "sp_session"


@dataclass
class VendorWeb:
    by_host: dict[str, Any]
    control: Any


def _flask(name: str, vendor: Vendor) -> Flask:
    app = apply_request_limits(Flask(name, template_folder=str(TEMPLATES)))

    @app.context_processor
    def branding() -> dict[str, str]:
        return {"vendor_name": vendor.app.name, "brand_color": vendor.app.brand_color}

    register_vendor_errors(app)
    return app


def register_vendor_errors(app: Flask) -> None:
    """The one place a vendor host's errors meet the wire: the console API's `{"error": …}`,
    a page elsewhere; each logged (the unexpected with its traceback)."""

    def answer(status: int, message: str) -> Response:
        if request.path.startswith("/api/"):
            return make_response(jsonify({"error": message}), status)
        return make_response(render_template("message.html", message=message), status)

    @app.errorhandler(ValidationError)
    def invalid(error: ValidationError) -> Response:
        first = error.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        message = f"{where}: {first['msg']}" if where else str(first["msg"])
        log.info("%s %s %s: 400 %s", app.name, request.method, request.path, message)
        return answer(400, message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        if error.response is not None:  # an answer built on purpose (_abort_json, pages)
            return error.response  # type: ignore[return-value]
        status = error.code or 500
        log.info("%s %s %s: %s", app.name, request.method, request.path, status)
        return answer(status, error.description or error.name)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        log.exception("%s %s %s failed", app.name, request.method, request.path)
        return answer(500, f"internal error: {type(error).__name__}")


def create_sso_app(vendor: Vendor, sp: ServiceProvider) -> Flask:
    """https://<region host>/: the ACS at the reply URL's path, and the signed-in landing page."""
    app = _flask(sp.region.host, vendor)
    acs_path = urlsplit(sp.acs_url).path or "/"

    def page(template: str, status: int = 200, **context: Any) -> Response:
        return make_response(render_template(template, **context), status)

    @app.post(acs_path)
    def assertion_consumer_service() -> Response:
        try:
            session_id, _ = sp.consume(
                request.form.get("SAMLResponse", ""), request.form.get("RelayState")
            )
        except AcsRefusal as refusal:
            return page("refused.html", 403, refusal=refusal)
        response = redirect("/app")
        response.set_cookie(SESSION_COOKIE, session_id, secure=True, httponly=True)
        return response

    @app.get("/app")
    def landing() -> Response:
        session = sp.sessions.get(request.cookies.get(SESSION_COOKIE, ""))
        if session is None:
            return page("message.html", 401, message="You are not signed in.")
        machine = {
            "signed_in": True,
            "user": session.user.email,
            "name_id": session.assertion.name_id,
            "name_id_format": session.assertion.name_id_format,
            "attributes": session.assertion.attributes,
            "signed": session.assertion.signed,
            "algorithm": session.assertion.algorithm,
            "relay_state": session.relay_state,
            "in_response_to": session.assertion.in_response_to,
        }
        return page("signed_in.html", session=session, machine=machine)

    @app.get("/")
    def sign_on() -> Response:
        """The Sign-on URL: SP-initiated sign-on starts here (tutorials 002, 004)."""
        return start_sign_on(sp)

    sign_on_path = _sign_on_path(sp)
    if sign_on_path not in (None, "/") and urlsplit(sp.region.sign_on_url or "").hostname == (
        sp.region.host
    ):
        # An imported tutorial's Sign-on URL with a path of its own (Freedcamp's /login).
        app.add_url_rule(sign_on_path, "tutorial_sign_on", lambda: start_sign_on(sp))

    @app.get("/logout")
    def sign_out() -> Response:
        target = sp.sign_out(request.cookies.get(SESSION_COOKIE, ""))
        response = (
            redirect(target) if target else page("message.html", 200, message="You are signed out.")
        )
        response.delete_cookie(SESSION_COOKIE)
        return response

    if sp.logout_url:

        @app.get(urlsplit(sp.logout_url).path)
        def single_logout() -> Response:
            try:
                target = sp.receive_logout(
                    request.args.get("SAMLRequest"),
                    request.args.get("SAMLResponse"),
                    request.args.get("RelayState"),
                )
            except (AcsRefusal, ValueError) as error:
                refusal = (
                    error if isinstance(error, AcsRefusal) else AcsRefusal("malformed", str(error))
                )
                return page("refused.html", 400, refusal=refusal)
            if target:
                return redirect(target)
            return page("message.html", 200, message="You are signed out.")

    return app


def _sign_on_path(sp: ServiceProvider) -> str | None:
    return (urlsplit(sp.region.sign_on_url).path or "/") if sp.region.sign_on_url else None


def start_sign_on(sp: ServiceProvider) -> Response:
    try:
        return redirect(sp.start_sign_on(request.args.get("RelayState")))
    except AcsRefusal as refusal:
        return make_response(render_template("message.html", message=refusal.detail), 400)


def create_sign_on_app(vendor: Vendor, sp: ServiceProvider) -> Flask:
    """A Sign-on URL on a host apart from the ACS (Ascentis, Zylo): it starts SP-initiated
    sign-on at its path, as the tutorial writes it."""
    app = _flask(urlsplit(sp.region.sign_on_url or "").hostname or "", vendor)
    app.add_url_rule(_sign_on_path(sp) or "/", "sign_on", lambda: start_sign_on(sp))
    return app


def create_console_app(vendor: Vendor) -> Flask:
    """The vendor admin console's JSON API; the pages (web.consoles) share its functions."""
    app = _flask(vendor.app.sso.console_host, vendor)

    @app.before_request
    def require_token() -> Response | None:
        if not request.path.startswith("/api/"):
            return None
        if request.headers.get("Authorization", "") != f"Bearer {vendor.console_token}":
            return make_response(jsonify({"error": "unauthorized"}), 401)
        return None

    def region_sp(region: str) -> ServiceProvider:
        try:
            return vendor.sp(region)
        except KeyError:
            return _abort_json(404, f"no region {region!r}")

    @app.get("/api/sso/<region>")
    def describe(region: str) -> Response:
        return jsonify(region_sp(region).describe())

    @app.post("/api/sso/<region>/idp-metadata")
    def upload_metadata(region: str) -> Response:
        try:
            idp = region_sp(region).upload_idp_metadata(request.get_data())
        except MetadataError as error:
            return _abort_json(400, str(error))
        return jsonify(asdict(idp))

    @app.put("/api/sso/<region>/idp-metadata-url")
    def load_metadata_url(region: str) -> Response:
        """Apps that take the App Federation Metadata Url: the vendor downloads it itself."""
        body = request.get_json(force=True)
        try:
            idp = region_sp(region).load_idp_metadata_url(str(body.get("url") or ""))
        except (SettingError, MetadataError) as error:
            return _abort_json(400, str(error))
        return jsonify(asdict(idp))

    @app.put("/api/sso/<region>/idp")
    def save_idp(region: str) -> Response:
        """8x8 and Genesys consoles: typed IdP URLs and an uploaded certificate, then Save."""
        sp = region_sp(region)
        body = IdpFields.model_validate(json_body())
        values = {
            "idp_login_url": body.sso_url or "",
            "idp_issuer": body.entity_id or "",
            "idp_logout_url": body.slo_url or "",
        }
        certificate = (body.certificate or "").encode()
        try:
            with sp.lock:
                sp.save_console_fields(values, certificate or None)
        except ValueError as error:
            return _abort_json(400, str(error))
        return jsonify(sp.describe())

    @app.put("/api/sso/<region>/settings")
    def save_settings(region: str) -> Response:
        sp = region_sp(region)
        try:
            sp.save_console_fields(CONSOLE_SETTINGS.validate_python(json_body()))
        except SettingError as error:
            return _abort_json(400, str(error))
        return jsonify(sp.describe())

    @app.get("/api/sso/<region>/encryption-certificate")
    def download_encryption_certificate(region: str) -> Response:
        return Response(
            region_sp(region).encryption_certificate(), content_type="application/x-pem-file"
        )

    @app.get("/api/sso/<region>/sp-metadata")
    def download_sp_metadata(region: str) -> Response:
        return Response(region_sp(region).sp_metadata(), content_type="application/xml")

    @app.post("/api/users/<region>")
    def create_user(region: str) -> tuple[Response, int] | Response:
        sp = region_sp(region)
        body = NewConsoleUser.model_validate(json_body())
        try:
            user = sp.create_user(body.email, body.display_name, body.active, body.user_name)
        except ValueError as error:
            return _abort_json(400 if isinstance(error, SettingError) else 409, str(error))
        return jsonify(user.as_dict()), 201

    @app.get("/api/users/<region>")
    def list_users(region: str) -> Response:
        return jsonify([u.as_dict() for u in region_sp(region).directory.users.values()])

    return app


def json_body() -> Any:
    """The request's JSON (any content type, as the console API always took it); 400 when none."""
    body = request.get_json(force=True, silent=True)
    if body is None:
        _abort_json(400, "the request body must be JSON")
    return body


def _abort_json(status: int, message: str) -> NoReturn:
    abort(make_response(jsonify({"error": message}), status))


def create_vendor_web(vendor: Vendor, enable_control: bool = True) -> VendorWeb:
    by_host: dict[str, Any] = {
        sp.region.host: create_sso_app(vendor, sp) for sp in vendor.sps.values()
    }
    for sp in vendor.sps.values():
        host = urlsplit(sp.region.sign_on_url or "").hostname
        if host and host not in by_host:
            by_host[host] = create_sign_on_app(vendor, sp)
    console = create_console_app(vendor)
    register_console_sign_in(console, vendor.console_admin)
    console.register_blueprint(create_console_pages(vendor))
    for host in {vendor.app.sso.console_host, *(c.host for c in vendor.app.sso.consoles)}:
        by_host[host] = console
    if vendor.scim is not None:
        # The SCIM host (gallery scim.tenant_url) is one more host of the vendor's server.
        by_host[vendor.scim.host] = create_scim_app(vendor.scim)
    control = create_control_app(vendor.app.key, vendor.clock, vendor.reset, enable_control)
    if vendor.scim is not None:
        add_scim_controls(control, vendor.scim)

    @control.get("/_mock/acs-log")
    def acs_log() -> Response:
        return Response(
            json.dumps({key: [asdict(e) for e in sp.events] for key, sp in vendor.sps.items()}),
            content_type="application/json",
        )

    return VendorWeb(by_host=by_host, control=control)
