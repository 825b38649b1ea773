"""The vendor admin consoles as pages, in each tutorial's own words: navigation links, then the
SSO form whose labels are the gallery's `fields`; RingCentral's metadata upload, mapping and
Enable SSO; the people page. Same state and functions as the console JSON API."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, make_response, render_template, request

from gallery import Console

from ..directory import VendorUser
from ..idp_settings import MetadataError
from ..service_provider import ServiceProvider
from ..vendor import Vendor

# What "Map Email Attribute to" offers (tutorial 000 picks the first).
EMAIL_CLAIMS = [
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn",
]


def create_console_pages(vendor: Vendor) -> Blueprint:
    pages = Blueprint(f"{vendor.app.key}_console_pages", __name__)
    sso = vendor.app.sso
    people_label = "People" if sso.user_lookup == "claim" else "Users"

    def region_sp() -> tuple[str, ServiceProvider]:
        key = request.args.get("region") or sso.regions[0].key
        return key, vendor.sp(key)

    def console(key: str) -> Console:
        found = next((c for c in sso.consoles if c.key == key), None)
        if found is None:
            from flask import abort

            abort(404)
        return found

    def page(template: str, status: int = 200, **context: Any) -> Response:
        region, sp = region_sp()
        return make_response(
            render_template(
                f"console/{template}",
                region=region,
                current=sp.settings,
                people_label=people_label,
                **context,
            ),
            status,
        )

    @pages.get("/")
    def home() -> Response:
        host = request.host.split(":", 1)[0]
        here = [c for c in sso.consoles if c.host == host] or list(sso.consoles)
        return page("home.html", consoles=here, regions=sso.regions)

    @pages.get("/console/<key>/<int:step>")
    def navigate(key: str, step: int) -> Response:
        """The tutorial's clicks, one link a page, until the SSO form."""
        chosen = console(key)
        if step < len(chosen.navigation):
            return page("nav.html", console=chosen, step=step)
        return sso_form(key)

    def fields_page(chosen: Console, status: int = 200, **context: Any) -> Response:
        _, sp = region_sp()
        idp = sp.settings.idp
        values = {
            "idp_login_url": idp.sso_url if idp else "",
            "idp_issuer": idp.entity_id if idp else "",
            "idp_logout_url": (idp.slo_url or "") if idp else "",
            "relying_party_identifier": sp.settings.relying_party_identifier or "",
            **context.pop("values", {}),
        }
        return page(
            "fields.html",
            status,
            console=chosen,
            values=values,
            title=chosen.navigation[-1] if chosen.navigation else chosen.label,
            **context,
        )

    @pages.route("/console/<key>/sso", methods=["GET", "POST"])
    def sso_form(key: str) -> Response:
        chosen = console(key)
        if sso.idp_configuration == "metadata":
            return page(
                "metadata.html",
                console=chosen,
                email_claims=EMAIL_CLAIMS,
                editing=bool(request.args.get("edit")),
            )
        if request.method == "GET":
            return fields_page(chosen)
        _, sp = region_sp()
        values = {name: request.form.get(name, "") for name in chosen.fields}
        upload = request.files.get("certificate")
        try:
            with sp.lock:
                sp.save_console_fields(values, upload.read() if upload else None)
        except ValueError as error:
            return fields_page(chosen, 400, values=values, error=f"Not saved: {error}")
        return fields_page(chosen, notice="Saved. Single sign-on is configured.")

    @pages.post("/console/<key>/sso/metadata")
    def upload_metadata(key: str) -> Response:
        chosen = console(key)
        _, sp = region_sp()
        upload = request.files.get("metadata")
        try:
            sp.upload_idp_metadata(upload.read() if upload else b"")
        except MetadataError as error:
            return page(
                "metadata.html",
                400,
                console=chosen,
                email_claims=EMAIL_CLAIMS,
                editing=True,
                error=f"The metadata file was not accepted: {error}",
            )
        return page(
            "metadata.html",
            console=chosen,
            email_claims=EMAIL_CLAIMS,
            editing=True,
            notice="Metadata uploaded: SSO General Information filled in.",
        )

    @pages.post("/console/<key>/sso/mapping")
    def save_mapping(key: str) -> Response:
        chosen = console(key)
        _, sp = region_sp()
        with sp.lock:
            sp.settings.email_attribute = request.form.get("email_attribute") or None
        return page(
            "metadata.html",
            console=chosen,
            email_claims=EMAIL_CLAIMS,
            editing=True,
            notice="Attribute Mapping saved.",
        )

    @pages.post("/console/<key>/sso/enable")
    def enable(key: str) -> Response:
        chosen = console(key)
        _, sp = region_sp()
        if "sso_enabled" in request.form and sp.settings.idp is None:
            return page(
                "metadata.html",
                400,
                console=chosen,
                email_claims=EMAIL_CLAIMS,
                editing=False,
                error="Upload the IdP metadata (Step 1) first.",
            )
        with sp.lock:
            sp.settings.sso_enabled = "sso_enabled" in request.form
            sp.settings.allow_password_login = "allow_password_login" in request.form
        return page(
            "metadata.html",
            console=chosen,
            email_claims=EMAIL_CLAIMS,
            editing=False,
            notice="Single sign-on settings saved.",
        )

    @pages.get("/console/<key>/sso/sp-metadata")
    def download_sp_metadata(key: str) -> Response:
        console(key)
        _, sp = region_sp()
        return Response(
            sp.sp_metadata(),
            content_type="application/xml",
            headers={
                "Content-Disposition": f'attachment; filename="{vendor.app.key}-sp-metadata.xml"'
            },
        )

    @pages.route("/console/people", methods=["GET", "POST"])
    def people() -> Response:
        _, sp = region_sp()
        with_user_name = sso.user_lookup == "name_id"
        error = None
        if request.method == "POST":
            email = request.form.get("email", "").strip()
            if "@" not in email or not request.form.get("full_name", "").strip():
                error = "Full Name and a valid Email are required."
            else:
                try:
                    with sp.lock:
                        sp.directory.add(
                            VendorUser(
                                email=email,
                                display_name=request.form["full_name"].strip(),
                                user_name=request.form.get("user_name", "").strip() or None,
                            )
                        )
                except ValueError as refused:
                    error = str(refused)
        return page(
            "people.html",
            400 if error else 200,
            users=list(sp.directory.users.values()),
            with_user_name=with_user_name,
            error=error,
        )

    return pages
