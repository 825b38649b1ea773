"""entra.microsoft.com pages the tutorials walk through: Enterprise applications (gallery, Overview,
Properties, Users and groups, Single sign-on with SAML) and Users > New user; same admin
functions as Graph and the admin center API."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Blueprint, Flask, make_response, redirect, render_template, request
from werkzeug.wrappers import Response

from .. import admin
from ..admin import AdminError
from ..claims import TRANSFORMATIONS, USER_ATTRIBUTES, ClaimError, ClaimRule, Transformation
from ..directory import (
    APPLICATION_ADMINISTRATOR,
    CLOUD_APPLICATION_ADMINISTRATOR,
    DIRECTORY_ROLES,
    GLOBAL_ADMINISTRATOR,
    USER_ADMINISTRATOR,
    User,
)
from ..enterprise_apps import EnterpriseApp, ReplyUrl
from ..tenant import Tenant
from .myapps import launch_url

ADMIN_COOKIE = "entra_admin"
APP_ROLES = {GLOBAL_ADMINISTRATOR, CLOUD_APPLICATION_ADMINISTRATOR, APPLICATION_ADMINISTRATOR}
USER_ROLES = {GLOBAL_ADMINISTRATOR, USER_ADMINISTRATOR}
APPS = ("Enterprise applications", "/enterprise-apps")
# The sign-in's return and the account manager's links answer without a signed-in admin.
ACCOUNT_PATHS = {"/auth", "/signout", "/switch-account"}


def register_admin_pages(app: Flask, tenant: Tenant) -> None:
    pages = Blueprint("admin_pages", __name__)

    def signed_in_admin() -> User | None:
        session = tenant.sessions.get(request.cookies.get(ADMIN_COOKIE, ""))
        if session is None:
            return None
        return tenant.directory.users.get(session.user_id)

    def sign_in() -> Response:
        return redirect(
            f"{tenant.login_base}/{tenant.tenant_id}/oauth2/authorize"
            f"?redirect_uri={tenant.admin_center_base}/auth"
        )

    def page(template_name: str, title: str, status: int = 200, **context: Any) -> Response:
        context.setdefault("crumbs", [])
        context.setdefault("app", None)
        html = render_template(
            f"admin/{template_name}", title=title, admin=signed_in_admin(), tenant=tenant, **context
        )
        return make_response(html, status)

    def guard(roles: set[str], role_name: str) -> Response | None:
        """Docs for each tutorial: "as at least a Cloud Application Administrator" / "User
        Administrator"; without the role the admin center refuses."""
        user = signed_in_admin()
        if user is None:
            return sign_in()
        if not roles & set(user.directory_roles):
            return page("forbidden.html", "Access denied", 403, role=role_name)
        return None

    def find(app_id: str) -> EnterpriseApp:
        try:
            return tenant.find_app(app_id)
        except KeyError:
            raise admin.not_found(app_id) from None

    @pages.before_request
    def require_admin() -> Response | None:
        if request.path.startswith("/api/") or request.path in ACCOUNT_PATHS:
            return None
        if request.path.startswith("/users"):
            return guard(USER_ROLES, DIRECTORY_ROLES[USER_ADMINISTRATOR])
        return guard(APP_ROLES, DIRECTORY_ROLES[CLOUD_APPLICATION_ADMINISTRATOR])

    @pages.get("/auth")
    def auth_callback() -> Response:
        with tenant.lock:
            pending = tenant.pending.pop(request.args.get("code", ""), None)
        if pending is None or pending.get("kind") != "code":
            return sign_in()
        session_id = next(sid for sid, s in tenant.sessions.items() if s is pending["session"])
        response = redirect(f"{tenant.admin_center_base}/enterprise-apps")
        response.set_cookie(ADMIN_COOKIE, session_id, secure=True, httponly=True)
        return response

    @pages.get("/signout")
    def sign_out() -> Response:
        """The account manager's Sign out: the admin center's session, then Entra's own (its
        sign-out page, each app it signed the user in to sent a LogoutRequest)."""
        response = redirect(f"{tenant.login_base}/{tenant.tenant_id}/oauth2/logout")
        response.delete_cookie(ADMIN_COOKIE, secure=True, httponly=True)
        return response

    @pages.get("/switch-account")
    def switch_account() -> Response:
        """The account manager's "Sign in with a different account": Entra's sign-in page again,
        whoever is signed in (prompt=select_account); then the admin center runs as the account
        chosen."""
        response = redirect(
            f"{tenant.login_base}/{tenant.tenant_id}/oauth2/authorize"
            f"?redirect_uri={tenant.admin_center_base}/auth&prompt=select_account"
        )
        response.delete_cookie(ADMIN_COOKIE, secure=True, httponly=True)
        return response

    @pages.get("/")
    def home() -> Response:
        return redirect("/enterprise-apps")

    @pages.get("/enterprise-apps")
    def apps() -> Response:
        return page("apps.html", "Enterprise applications", apps=list(tenant.apps.values()))

    @pages.get("/enterprise-apps/new")
    def gallery() -> Response:
        query = request.args.get("q", "").strip().lower()
        results = [g for g in tenant.gallery.values() if query in g.name.lower()]
        return page(
            "gallery.html",
            "Browse Microsoft Entra Gallery",
            crumbs=[APPS],
            query=query,
            results=results,
        )

    @pages.route("/enterprise-apps/new/<template_id>", methods=["GET", "POST"])
    def create(template_id: str) -> Response:
        template = next((g for g in tenant.gallery.values() if g.template_id == template_id), None)
        if template is None:
            raise admin.not_found(template_id)
        if request.method == "POST":
            try:
                created = admin.add_gallery_app(tenant, template_id, request.form.get("name"))
            except AdminError as error:
                return page(
                    "create_app.html",
                    template.name,
                    400,
                    crumbs=[APPS],
                    gallery_app=template,
                    error=error.message,
                )
            return redirect(f"/enterprise-apps/{created.app_id}")
        return page("create_app.html", template.name, crumbs=[APPS], gallery_app=template)

    @pages.get("/enterprise-apps/<app_id>")
    def overview(app_id: str) -> Response:
        target = find(app_id)
        return page("overview.html", f"{target.display_name} | Overview", crumbs=[APPS], app=target)

    @pages.route("/enterprise-apps/<app_id>/properties", methods=["GET", "POST"])
    def properties(app_id: str) -> Response:
        target = find(app_id)
        notice = None
        if request.method == "POST":
            with tenant.lock:
                target.assignment_required = request.form.get("assignment_required") == "yes"
                target.visible_to_users = request.form.get("visible_to_users") == "yes"
            notice = "Properties saved."
        return page(
            "properties.html",
            f"{target.display_name} | Properties",
            crumbs=[APPS],
            app=target,
            notice=notice,
        )

    @pages.get("/enterprise-apps/<app_id>/users-and-groups")
    def assignments(app_id: str) -> Response:
        target = find(app_id)
        directory = tenant.directory
        rows = []
        for a in target.assignments:
            principal = directory.users.get(a.principal_id) or directory.groups.get(a.principal_id)
            rows.append(
                {
                    "name": getattr(principal, "display_name", a.principal_id),
                    "type": a.principal_type,
                    "role": target.role(a.app_role_id).display_name,
                }
            )
        return page(
            "assignments.html",
            f"{target.display_name} | Users and groups",
            crumbs=[APPS],
            app=target,
            rows=rows,
        )

    @pages.route("/enterprise-apps/<app_id>/users-and-groups/add", methods=["GET", "POST"])
    def add_assignment(app_id: str) -> Response:
        target = find(app_id)
        if request.method == "POST":
            principals = request.form.getlist("principal")
            if not principals:
                return page(
                    "add_assignment.html",
                    "Add Assignment",
                    400,
                    crumbs=[APPS],
                    app=target,
                    users=tenant.directory.active_users(),
                    groups=list(tenant.directory.groups.values()),
                    error="Select at least one user or group.",
                )
            for principal in principals:
                admin.assign(tenant, target, principal, request.form.get("role", ""))
            return redirect(f"/enterprise-apps/{app_id}/users-and-groups")
        return page(
            "add_assignment.html",
            "Add Assignment",
            crumbs=[APPS],
            app=target,
            users=tenant.directory.active_users(),
            groups=[g for g in tenant.directory.groups.values() if g.deleted_at is None],
        )

    sso = "/enterprise-apps/<app_id>/single-sign-on"

    def saml_page(target: EnterpriseApp, **context: Any) -> Response:
        test_url = (
            launch_url(tenant, target) if target.sign_on_url else (tenant.user_access_url(target))
        )
        return page(
            "saml.html",
            f"{target.display_name} | SAML-based Sign-on",
            crumbs=[APPS],
            app=target,
            active=target.active_certificate,
            test_url=test_url,
            metadata_url=tenant.app_metadata_url(target),
            **context,
        )

    @pages.route(sso, methods=["GET", "POST"])
    def single_sign_on(app_id: str) -> Response:
        target = find(app_id)
        if request.method == "POST" and request.form.get("method") == "saml":
            admin.select_saml_in_portal(tenant, target)
        if target.preferred_sso_mode != "saml":
            return page(
                "sso_method.html",
                f"{target.display_name} | Single sign-on",
                crumbs=[APPS],
                app=target,
            )
        return saml_page(target)

    def basic_form(target: EnterpriseApp, status: int = 200, **context: Any) -> Response:
        identifiers = [*target.identifiers, ""]
        replies = [*target.reply_urls, ReplyUrl("", len(target.reply_urls))]
        return page(
            "basic.html",
            "Basic SAML Configuration",
            status,
            crumbs=[APPS],
            app=target,
            identifiers=identifiers,
            replies=replies,
            **context,
        )

    @pages.route(f"{sso}/basic", methods=["GET", "POST"])
    def basic(app_id: str) -> Response:
        target = find(app_id)
        if request.method == "GET":
            return basic_form(target)
        form = request.form
        urls, indexes = form.getlist("reply_url"), form.getlist("reply_index")
        chosen = form.get("reply_default")
        replies = [
            ReplyUrl(
                url.strip(),
                int(indexes[i]) if i < len(indexes) and indexes[i].isdigit() else i,
                str(i) == chosen,
            )
            for i, url in enumerate(urls)
            if url.strip()
        ]
        if len(replies) == 1:
            replies[0].is_default = True
        identifiers = [v.strip() for v in form.getlist("identifier") if v.strip()]
        if not identifiers or not replies:
            return basic_form(
                target,
                400,
                error="Identifier (Entity ID) and Reply URL "
                "(Assertion Consumer Service URL) are required.",
            )
        try:
            with tenant.lock:
                admin.set_basic_saml_configuration(
                    tenant,
                    target,
                    identifiers=identifiers,
                    reply_urls=replies,
                    sign_on_url=form.get("sign_on_url", ""),
                    relay_state=form.get("relay_state", ""),
                    logout_url=form.get("logout_url", ""),
                )
        except AdminError as error:
            return basic_form(target, 400, error=error.message)
        return saml_page(target, notice="Basic SAML Configuration saved.")

    @pages.post(f"{sso}/basic/metadata")
    def upload_metadata(app_id: str) -> Response:
        target = find(app_id)
        upload = request.files.get("file")
        try:
            admin.upload_sp_metadata(tenant, target, upload.read() if upload else b"")
        except AdminError as error:
            return basic_form(target, 400, error=error.message)
        return basic_form(
            target,
            notice="Metadata file uploaded: Identifier and Reply URL "
            "were filled in. Select Save to keep them.",
        )

    @pages.get(f"{sso}/claims")
    def claims(app_id: str) -> Response:
        target = find(app_id)
        return page("claims.html", "Attributes & Claims", crumbs=[APPS], app=target)

    def claim_form(
        target: EnterpriseApp,
        rule: ClaimRule | None,
        original: str | None,
        status: int = 200,
        error: str | None = None,
    ) -> Response:
        return page(
            "claim_form.html",
            "Manage claim",
            status,
            crumbs=[APPS],
            app=target,
            rule=rule,
            original=original,
            attributes=sorted(USER_ATTRIBUTES),
            transformations=sorted(TRANSFORMATIONS),
            error=error,
        )

    def rule_from_form() -> ClaimRule:
        form = request.form
        transformation = form.get("transformation", "")
        parameters = dict(
            line.split("=", 1) for line in form.get("parameters", "").splitlines() if "=" in line
        )
        return ClaimRule(
            name=form.get("name", "").strip(),
            source=form.get("source", "").strip(),
            namespace=form.get("namespace", "").strip() or None,
            constant=form.get("source_kind") == "constant",
            transformations=[Transformation(transformation, parameters)] if transformation else [],
        )

    @pages.route(f"{sso}/claims/new", methods=["GET", "POST"])
    def new_claim(app_id: str) -> Response:
        target = find(app_id)
        if request.method == "GET":
            return claim_form(target, None, None)
        try:
            rule = rule_from_form()
            with tenant.lock:
                target.claims.add(rule)
        except ClaimError as error:
            return claim_form(target, None, None, 400, str(error))
        return redirect(f"/enterprise-apps/{app_id}/single-sign-on/claims")

    @pages.route(f"{sso}/claims/edit", methods=["GET", "POST"])
    def edit_claim(app_id: str) -> Response:
        target = find(app_id)
        original = request.values.get("claim") or request.form.get("original", "")
        existing = next((r for r in target.claims.rules if r.claim_type == original), None)
        if existing is None:
            raise admin.not_found(original)
        if request.method == "GET":
            return claim_form(target, existing, original)
        try:
            rule = rule_from_form()
            with tenant.lock:
                target.claims.replace(original, rule)
        except ClaimError as error:
            return claim_form(target, existing, original, 400, str(error))
        return redirect(f"/enterprise-apps/{app_id}/single-sign-on/claims")

    @pages.post(f"{sso}/claims/delete")
    def delete_claim(app_id: str) -> Response:
        target = find(app_id)
        with tenant.lock:
            target.claims.remove(request.form.get("claim", ""))
        return redirect(f"/enterprise-apps/{app_id}/single-sign-on/claims")

    @pages.get(f"{sso}/certificates")
    def certificates(app_id: str) -> Response:
        target = find(app_id)
        return page("certificates.html", "SAML Signing Certificate", crumbs=[APPS], app=target)

    @pages.post(f"{sso}/certificates/signing")
    def signing(app_id: str) -> Response:
        target = find(app_id)
        option = request.form.get("signing_option", "assertion")
        algorithm = request.form.get("signing_algorithm", "sha256")
        if option not in ("assertion", "response", "both") or algorithm not in ("sha256", "sha1"):
            return page(
                "certificates.html",
                "SAML Signing Certificate",
                400,
                crumbs=[APPS],
                app=target,
                error="Unknown signing option or algorithm.",
            )
        with tenant.lock:
            target.signing_option = option  # type: ignore[assignment]
            target.signing_algorithm = algorithm  # type: ignore[assignment]
        return page(
            "certificates.html",
            "SAML Signing Certificate",
            crumbs=[APPS],
            app=target,
            notice="Signing options saved.",
        )

    @pages.post(f"{sso}/certificates/new")
    def new_certificate(app_id: str) -> Response:
        target = find(app_id)
        admin.add_signing_certificate(tenant, target)
        return redirect(f"/enterprise-apps/{app_id}/single-sign-on/certificates")

    @pages.post(f"{sso}/certificates/<thumbprint>/activate")
    def activate(app_id: str, thumbprint: str) -> Response:
        target = find(app_id)
        with tenant.lock:
            try:
                target.activate_certificate(thumbprint)
            except KeyError:
                raise admin.not_found(thumbprint) from None
        return redirect(f"/enterprise-apps/{app_id}/single-sign-on/certificates")

    @pages.get(f"{sso}/certificates/<thumbprint>/<kind>")
    def download(app_id: str, thumbprint: str, kind: str) -> Response:
        from .admin_center import certificate_file

        target = find(app_id)
        chosen = next((c for c in target.certificates if c.thumbprint == thumbprint), None)
        if chosen is None:
            raise admin.not_found(thumbprint)
        return certificate_file(tenant, target, chosen, kind)

    @pages.get("/users")
    def users() -> Response:
        return page("users.html", "All users", users=tenant.directory.active_users())

    @pages.route("/users/new", methods=["GET", "POST"])
    def new_user() -> Response:
        crumbs = [("All users", "/users")]
        form = {
            "display_name": request.form.get("display_name", ""),
            "upn": request.form.get("upn", ""),
            # Properties > Contact information > Email: a cloud user has no mail otherwise, and
            # the emailaddress claim (user.mail) is then not emitted (ENTRA-BEHAVIOUR §5).
            "mail": request.form.get("mail", "").strip(),
            # The portal proposes a strong password; "Show password" reveals it.
            "password": request.form.get("password") or secrets.token_urlsafe(9) + "a1!",
        }
        if request.method == "GET":
            return page("new_user.html", "Create new user", crumbs=crumbs, form=form, review=False)
        if not form["display_name"] or "@" not in form["upn"]:
            return page(
                "new_user.html",
                "Create new user",
                400,
                crumbs=crumbs,
                form=form,
                review=False,
                error="Display name and a User principal name (username@domain) are required.",
            )
        if request.form.get("step") != "create":
            return page("new_user.html", "Create new user", crumbs=crumbs, form=form, review=True)
        try:
            admin.create_user(
                tenant,
                user_principal_name=form["upn"],
                display_name=form["display_name"],
                password=form["password"],
                mail=form["mail"] or None,
            )
        except AdminError as error:
            return page(
                "new_user.html",
                "Create new user",
                400,
                crumbs=crumbs,
                form=form,
                review=False,
                error=error.message,
            )
        return redirect("/users")

    app.register_blueprint(pages)
