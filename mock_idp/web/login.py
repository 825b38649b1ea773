"""login.microsoftonline.com: sign-in pages, IdP-initiated launch, federation metadata, error page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, abort, jsonify, make_response, redirect, render_template, request
from lxml import etree
from werkzeug.wrappers import Response

from .. import entra_xml
from ..aadsts import AadstsError
from ..authn_request import (
    SAMLP,
    AuthnRequest,
    check_request,
    decode,
    identify,
    is_signed,
    parse_message,
)
from ..errors import AppNotFound
from ..federation_metadata import build_metadata, serialize_metadata
from ..ids import new_guid
from ..sign_in import BINDINGS, authenticate, failed_response, idp_initiated, sp_initiated
from ..single_logout import (
    LogoutChain,
    logout_request,
    logout_response,
    message_signing_key,
    read_logout_request,
    start_chain,
)
from ..single_logout import (
    redirect as redirect_binding,
)
from ..tenant import LoginSession, Tenant
from ..xml_signing import load_key
from . import flask_app
from .token_endpoint import register_token_endpoint

# First-party application IDs of the portals that sign in here (Microsoft's list of first-party
# apps: "My Apps", "Azure Portal", which the Entra admin center signs in as).
MY_APPS_APP_ID = "2793995e-0a7d-40d7-bd35-6968ba142197"
ADMIN_CENTER_APP_ID = "c44b4083-3bb0-49c1-b47d-974e53cbdf3c"
# Entra answers a longer query with AADSTS90015 (assumption: 16 KB, http.sys's default
# MaxFieldLength for a request line, which Microsoft's front ends keep).
MAX_QUERY_BYTES = 16 * 1024
SESSION_COOKIE = "ESTSAUTH"
PERSISTENT_COOKIE = "ESTSAUTHPERSISTENT"
UNKNOWN_USER_TEXT = "This username may be incorrect. Make sure you typed it correctly."
WRONG_PASSWORD_TEXT = (
    "Your account or password is incorrect. If you don't remember your password, reset it now."
)


def error_page(tenant: Tenant, error: AadstsError, status: int = 400) -> Response:
    """Entra's error page: the AADSTS line, then Request Id, Correlation Id, Timestamp (§3)."""
    html = render_template(
        "error.html",
        error=error,
        request_id=new_guid(),
        correlation_id=new_guid(),
        timestamp=tenant.clock.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    return make_response(html, status)


def redirect_parts(uri: str) -> tuple[str, str, int | None, str] | None:
    """(scheme, host, port, path) of an absolute URI without user info, query or fragment;
    None for anything else (a malformed port included)."""
    try:
        parts = urlsplit(uri)
        port = parts.port
    except ValueError:
        return None
    if parts.username is not None or parts.password is not None or parts.query or parts.fragment:
        return None
    if not parts.scheme or not parts.hostname:
        return None
    default = {"https": 443, "http": 80}.get(parts.scheme.lower())
    return parts.scheme.lower(), parts.hostname, port or default, parts.path or "/"


def registered_redirect(uri: str, registered: dict[str, str]) -> str | None:
    """The registered redirect URI `uri` names, compared exactly in scheme, host, port and path
    as Entra compares them (docs "Redirect URI (reply URL) restrictions"; a prefix match let
    `https://entra.microsoft.com.evil.example/auth` take an admin's code, issue 17 F3)."""
    wanted = redirect_parts(uri)
    if wanted is None:
        return None
    return next((r for r in registered if redirect_parts(r) == wanted), None)


def current_session(tenant: Tenant) -> LoginSession | None:
    session_id = request.cookies.get(PERSISTENT_COOKIE) or request.cookies.get(SESSION_COOKIE)
    session = tenant.sessions.get(session_id or "")
    if session is None:
        return None
    user = tenant.directory.users.get(session.user_id)
    if user is None or not user.account_enabled:
        return None
    return session


def create_login_app(tenant: Tenant) -> Flask:
    app = flask_app("login.microsoftonline.com", tenant)
    tid = tenant.tenant_id

    def login_page(ctx: str) -> Response:
        return redirect(f"/{tid}/login?ctx={ctx}")

    def finish(ctx: str, session: LoginSession) -> Response:
        """Resume what the sign-in interrupted: an app launch or a return to My Apps."""
        with tenant.lock:
            pending = tenant.pending.pop(ctx, None)
        if pending is None:
            return error_page(tenant, AadstsError.of(50089))
        if pending["kind"] == "launch":
            return launch(pending["app_id"], pending.get("relay_state"), session)
        if pending["kind"] == "authn_request":
            return answer(pending["request"], session)
        code = new_guid()
        with tenant.lock:
            tenant.pending[code] = {"kind": "code", "session": session}
        return redirect(f"{pending['return_to']}?code={code}")

    def launch(app_id: str, relay_state: str | None, session: LoginSession) -> Response:
        try:
            enterprise_app = tenant.find_app(app_id)
        except AppNotFound:
            return error_page(tenant, AadstsError.of(700016, identifier=app_id, tenant_id=tid))
        user = tenant.directory.get(session.user_id)
        try:
            post = idp_initiated(tenant, enterprise_app, user, session, relay_state)
        except AadstsError as error:
            return error_page(tenant, error)
        return make_response(render_template("autopost.html", post=post))

    def answer(authn: AuthnRequest, session: LoginSession) -> Response:
        """The signed-in user's Response to an AuthnRequest, auto-posted to its ACS."""
        user = tenant.directory.get(session.user_id)
        try:
            post = sp_initiated(tenant, authn, user, session)
        except AadstsError as error:
            return refuse(authn, error)
        return make_response(render_template("autopost.html", post=post))

    def refuse(authn: AuthnRequest, error: AadstsError) -> Response:
        """An error found once the app and ACS are trusted: posted to the ACS as a non-Success
        Response, or shown on Entra's error page, as the tenant setting says (§3, an assumption)."""
        if error.code in tenant.settings.posted_errors:
            post = failed_response(tenant, authn, error)
            return make_response(render_template("autopost.html", post=post))
        return error_page(tenant, error)

    def log_in(kind: str, binding: str, xml: str, relay_state: str | None) -> None:
        tenant.log_saml(
            direction="in",
            kind=kind,
            binding=BINDINGS[binding],
            endpoint=tenant.login_url,
            xml=xml,
            relay_state=relay_state,
        )

    @app.route(f"/{tid}/saml2", methods=["GET", "POST"])
    def saml2() -> Response:
        """The Login and Logout URL (§1): an AuthnRequest (Redirect or POST binding), or a
        LogoutRequest / LogoutResponse of single sign-out (Redirect binding only, §6)."""
        binding = "redirect" if request.method == "GET" else "post"
        if len(request.query_string) > MAX_QUERY_BYTES:
            return error_page(tenant, AadstsError.of(90015))
        relay_state = request.values.get("RelayState")
        if binding == "redirect" and "SAMLResponse" in request.args:
            return logout_response_received(request.args["SAMLResponse"], relay_state)
        saml_request = request.values.get("SAMLRequest")
        # Every message received is logged, refused ones included, as far as it decodes.
        try:
            document = decode(saml_request, binding)
        except AadstsError as error:
            if saml_request:
                log_in("AuthnRequest", binding, f"<!-- not decodable: {error} -->", relay_state)
            return error_page(tenant, error)
        try:
            message = parse_message(document)
        except AadstsError as error:
            log_in("AuthnRequest", binding, document.decode(errors="replace"), relay_state)
            return error_page(tenant, error)
        xml = etree.tostring(message).decode()
        if message.tag == f"{{{SAMLP}}}LogoutRequest" and binding == "redirect":
            log_in("LogoutRequest", binding, xml, relay_state)
            try:
                return logout_request_received(message, relay_state)
            except AadstsError as error:
                return error_page(tenant, error)
        log_in("AuthnRequest", binding, xml, relay_state)
        try:
            # §3: errors before Entra trusts the app or the ACS are shown, never posted.
            authn = identify(tenant, message, relay_state)
        except AadstsError as error:
            return error_page(tenant, error)
        try:
            check_request(authn, message, is_signed(message, binding, request.args))
        except AadstsError as error:
            return refuse(authn, error)
        session = current_session(tenant)
        if session is not None and not authn.force_authn:
            return answer(authn, session)
        if authn.is_passive:
            # §3: IsPassive without a session cannot show UI: AADSTS50058.
            return refuse(authn, AadstsError.of(50058))
        ctx = new_guid()
        with tenant.lock:
            tenant.pending[ctx] = {"kind": "authn_request", "request": authn}
        return login_page(ctx)

    def signed_out(response: Response) -> Response:
        response.delete_cookie(SESSION_COOKIE)
        response.delete_cookie(PERSISTENT_COOKIE)
        return response

    def next_logout_step(chain_id: str) -> Response:
        """Send the next participant its LogoutRequest, or end with the initiator's
        LogoutResponse (or Entra's signed-out page when the user signed out at Entra)."""
        with tenant.lock:
            pending = tenant.pending.get(chain_id)
            if pending is None or pending["kind"] != "logout":
                return error_page(tenant, AadstsError.of(50061))
            chain: LogoutChain = pending["chain"]
            next_app = chain.remaining.pop(0) if chain.remaining else None
        if next_app is not None:
            app = tenant.find_app(next_app)
            message = logout_request(tenant, app, pending["session"])
            chain.sent[message.get("ID", "")] = app.object_id
            tenant.log_saml(
                direction="out",
                kind="LogoutRequest",
                binding=BINDINGS["redirect"],
                endpoint=app.logout_url or "",
                xml=entra_xml.tostring(message).decode(),
                relay_state=chain_id,
            )
            return redirect(
                redirect_binding(
                    app.logout_url or "",
                    "SAMLRequest",
                    message,
                    chain_id,
                    message_signing_key(app),
                )
            )
        with tenant.lock:
            tenant.pending.pop(chain_id, None)
        if chain.initiator is None or chain.request_id is None:
            return make_response(render_template("signed_out.html"))
        initiator = tenant.find_app(chain.initiator)
        if not initiator.logout_url:
            return make_response(render_template("signed_out.html"))
        reply = logout_response(tenant, initiator, chain.request_id)
        tenant.log_saml(
            direction="out",
            kind="LogoutResponse",
            binding=BINDINGS["redirect"],
            endpoint=initiator.logout_url,
            xml=entra_xml.tostring(reply).decode(),
            relay_state=chain.relay_state,
        )
        return redirect(
            redirect_binding(
                initiator.logout_url,
                "SAMLResponse",
                reply,
                chain.relay_state,
                message_signing_key(initiator),
            )
        )

    def begin_logout(initiator: Any, request_id: str | None, relay_state: str | None) -> Response:
        session_id = request.cookies.get(PERSISTENT_COOKIE) or request.cookies.get(SESSION_COOKIE)
        chain_id = new_guid()
        with tenant.lock:
            session = tenant.sessions.get(session_id or "")
            # §6: a refused sign-out (AADSTS50068) raises here and ends nothing.
            chain = start_chain(tenant, session, initiator, request_id, relay_state)
            tenant.sessions.pop(session_id or "", None)
            tenant.pending[chain_id] = {"kind": "logout", "chain": chain, "session": session}
        return signed_out(next_logout_step(chain_id))

    def logout_request_received(message: Any, relay_state: str | None) -> Response:
        app, request_id = read_logout_request(tenant, message)
        return begin_logout(app, request_id, relay_state)

    def logout_response_received(value: str, relay_state: str | None) -> Response:
        """A participant's LogoutResponse: carry on with the chain it belongs to."""
        try:
            message = parse_message(decode(value, "redirect"))
        except AadstsError as error:
            return error_page(tenant, error)
        log_in("LogoutResponse", "redirect", etree.tostring(message).decode(), relay_state)
        if message.tag != f"{{{SAMLP}}}LogoutResponse":
            return error_page(tenant, AadstsError.of(75005))
        chain_id = relay_state or ""
        with tenant.lock:
            if chain_id not in tenant.pending:
                # RelayState is optional for the participant (SAML Bindings §3.4.3): find the
                # chain by the LogoutRequest this answers.
                answered = message.get("InResponseTo", "")
                chain_id = next(
                    (
                        key
                        for key, pending in tenant.pending.items()
                        if pending["kind"] == "logout" and answered in pending["chain"].sent
                    ),
                    "",
                )
        return next_logout_step(chain_id)

    @app.get(f"/{tid}/oauth2/logout")
    def sign_out_everywhere() -> Response:
        """Signing out at Entra (My Apps > Sign out): every participant gets a LogoutRequest."""
        return begin_logout(None, None, None)

    @app.get(f"/{tid}/saml2/idpinitiated")
    def idp_initiated_launch() -> Response:
        app_id = request.args.get("appid", "")
        relay_state = request.args.get("relaystate")
        session = current_session(tenant)
        if session is not None:
            return launch(app_id, relay_state, session)
        ctx = new_guid()
        with tenant.lock:
            tenant.pending[ctx] = {"kind": "launch", "app_id": app_id, "relay_state": relay_state}
        return login_page(ctx)

    # The portals' registered redirect URIs, by the portal's first-party application ID.
    portal_redirects = {
        f"{tenant.myapps_base}/auth": MY_APPS_APP_ID,
        f"{tenant.admin_center_base}/auth": ADMIN_CENTER_APP_ID,
    }

    @app.get(f"/{tid}/oauth2/authorize")
    def authorize() -> Response:
        """The portals' sign-in: back with a one-time code once a session exists, only to a
        registered redirect URI (AADSTS50011 otherwise)."""
        return_to = request.args.get("redirect_uri", "")
        if not return_to:
            return error_page(tenant, AadstsError.of(900144, parameter="redirect_uri"))
        if registered_redirect(return_to, portal_redirects) is None:
            client = request.args.get("client_id", "")
            return error_page(tenant, AadstsError.of(50011, reply_url=return_to, app_id=client))
        ctx = new_guid()
        with tenant.lock:
            tenant.pending[ctx] = {"kind": "return", "return_to": return_to}
        # prompt=login or select_account: the sign-in page even with a session (OpenID Connect
        # Core §3.1.2.1; the account manager's "Sign in with a different account").
        forced = request.args.get("prompt") in ("login", "select_account")
        session = None if forced else current_session(tenant)
        return finish(ctx, session) if session is not None else login_page(ctx)

    def login_form(ctx: str, login: str, stage: str, error: AadstsError | None = None) -> str:
        """Entra's sign-in page at its user-name or password step; an error under the field."""
        return render_template(
            "login.html",
            ctx=ctx,
            login=login,
            action=f"/{tid}/login",
            stage=stage,
            error=error,
            error_text=(WRONG_PASSWORD_TEXT if stage == "password" else UNKNOWN_USER_TEXT),
            unknown_user_text=UNKNOWN_USER_TEXT,
        )

    @app.get(f"/{tid}/login")
    def username_step() -> str:
        return login_form(request.args.get("ctx", ""), "", "username")

    @app.post("/common/GetCredentialType")
    def get_credential_type() -> Response:
        """What the page's Next asks before showing the password pane: IfExistsResult 0 when
        the account exists, 1 when not (aadinternals.com/post/desktopsso; msxfaq.de,
        "GetCredentialType"); a password is the only credential here."""
        body = request.get_json(silent=True)
        username = str(body.get("username", "")) if isinstance(body, dict) else ""
        exists = tenant.directory.find_by_upn(username.strip()) is not None
        return jsonify(
            {
                "Username": username,
                "Display": username,
                "IfExistsResult": 0 if exists else 1,
                "ThrottleStatus": 0,
                "Credentials": {"PrefCredential": 1, "HasPassword": True},
                "EstsProperties": {"DomainType": 3},
            }
        )

    @app.post(f"/{tid}/login")
    def credentials_step() -> Response | str:
        ctx = request.form.get("ctx", "")
        login = request.form.get("loginfmt", "").strip()
        if "passwd" not in request.form:  # the user-name step, posted without script
            if tenant.directory.find_by_upn(login) is None:
                return login_form(
                    ctx, login, "username", AadstsError.of(50034, upn=login, tenant_id=tid)
                )
            return login_form(ctx, login, "password")
        try:
            user = authenticate(tenant, login, request.form.get("passwd", ""))
        except AadstsError as error:
            if error.code == 50057:
                return error_page(tenant, error)
            return login_form(ctx, login, "password", error)
        with tenant.lock:
            session_id = tenant.new_session(user.id)
        response = make_response(
            render_template("kmsi.html", ctx=ctx, login=login, action=f"/{tid}/kmsi")
        )
        response.set_cookie(SESSION_COOKIE, session_id, secure=True, httponly=True, samesite="None")
        return response

    @app.post(f"/{tid}/kmsi")
    def stay_signed_in() -> Response:
        session_id = request.cookies.get(SESSION_COOKIE, "")
        session = tenant.sessions.get(session_id)
        if session is None:
            return error_page(tenant, AadstsError(50058, "No user is signed in."))
        response = finish(request.form.get("ctx", ""), session)
        if request.form.get("kmsi") == "true":
            # "Stay signed in?" Yes keeps a persistent cookie (docs: 90 days).
            response.set_cookie(
                PERSISTENT_COOKIE,
                session_id,
                secure=True,
                httponly=True,
                samesite="None",
                max_age=int(timedelta(days=90).total_seconds()),
            )
        return response

    def metadata(app_id: str | None) -> Response:
        if app_id:
            try:
                enterprise_app = tenant.find_app(app_id)
            except AppNotFound:
                abort(404)
            certificates = enterprise_app.certificates
            signer = enterprise_app.active_certificate
        else:
            signer = tenant.tenant_certificate()
            certificates = [signer]
        if signer is None:
            abort(404)
        root = build_metadata(
            tid,
            tenant.issuer,
            tenant.login_base,
            certificates,
            load_key(signer.private_key_pem, signer.pem),
        )
        body = serialize_metadata(root, with_bom=bool(app_id))
        return Response(body, content_type="application/xml; charset=utf-8")

    @app.get(f"/{tid}/federationmetadata/2007-06/federationmetadata.xml")
    @app.get(f"/{tid}/FederationMetadata/2007-06/FederationMetadata.xml")
    def federation_metadata() -> Response:
        return metadata(request.args.get("appid"))

    register_token_endpoint(app, tenant)
    return app
